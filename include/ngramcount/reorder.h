/*
 * reorder.h - results taken in task order (--order submission), as
 * asyncio.gather against asyncio.as_completed. Pure: no I/O, no tables.
 *
 * Tasks are numbered 0, 1, 2... as they are handed out. A result that
 * arrives before an earlier task's is copied and held until its turn.
 */
#ifndef NGRAMCOUNT_REORDER_H
#define NGRAMCOUNT_REORDER_H

#include <stddef.h>
#include <stdint.h>

/* Takes task seq's result; returns 0 or the error that stops the run. */
typedef int (*reorder_fn)(void *ctx, uint64_t seq, const char *payload, size_t len);

struct reorder_held;

struct reorder {
	uint64_t next;			/* the task whose result goes next */
	struct reorder_held *held;	/* results that came early, by seq; owned */
};

/*
 * Task seq's result is in (len 0 for a skipped task, which still takes its
 * turn): hand it and every held result now in turn to fn, in task order,
 * or hold a copy. Returns 0 or fn's first error (what is still held
 * stays held, for reorder_fini).
 */
int reorder_put(struct reorder *r, uint64_t seq, const char *payload, size_t len,
		reorder_fn fn, void *ctx);

/* Results still held: none once every task's result is in. */
size_t reorder_held(const struct reorder *r);

void reorder_fini(struct reorder *r);

#endif
