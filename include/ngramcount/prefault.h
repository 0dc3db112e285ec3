/*
 * prefault.h - first touches of the parent's new memory, on a helper thread.
 *
 * The kernel zeroes a page when it is first written: 2 to 28 us a page in
 * this VM (bench/NOTES.md), on the parent's critical path in a large run.
 * prefault_ahead() hands a range the parent is about to write to a thread
 * that faults it in (MADV_POPULATE_WRITE) on the idle core. A hint: nothing
 * waits for it. The thread blocks every signal; in a forked child it is off.
 */
#ifndef NGRAMCOUNT_PREFAULT_H
#define NGRAMCOUNT_PREFAULT_H

#include <stddef.h>

/* Start the helper. 0, or -errno (then the calls below do nothing). */
int prefault_start(void);
/* Whether this process hands ranges to a helper. */
int prefault_on(void);
/* Fault [p, p + n) in on the helper, soon; dropped if 8 wait already. */
void prefault_ahead(void *p, size_t n);
/* Stop the helper (within a MiB of faults) and join it; ranges waiting are dropped. */
void prefault_stop(void);

#endif
