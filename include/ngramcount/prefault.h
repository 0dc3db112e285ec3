/*
 * prefault.h - first touches of the parent's new memory, on a helper thread.
 *
 * The kernel zeroes a page when it is first written. In a VM whose host has
 * taken the guest's free pages back, that costs 2 to 28 us a page instead
 * of one (bench/NOTES.md), and the parent's final table and its sort are
 * hundreds of MiB of new pages on a large run: in the parent, the critical
 * path of such a run. prefault_ahead() hands a range the parent is about
 * to write to a helper thread, which faults it in (MADV_POPULATE_WRITE)
 * meanwhile, on the core the workers leave idle.
 *
 * A hint: nothing waits for it, and a range freed or unmapped in the
 * meantime is harmless, since faulting a page in changes none of its
 * bytes. The helper blocks every signal: they reach the main thread. Only
 * the process that called prefault_start() hands ranges over; in a child
 * forked later (a worker, a sorting or merging process) prefault_on() is 0
 * and prefault_ahead() does nothing.
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
