/*
 * reduce.h - the reduce stage, in the parent: each worker's encoded table
 * is summed into the final table as it arrives (or in task order), the
 * final table goes to disk as a run past its budget, and a gzip task's own
 * runs join the live ones when the task completes.
 */
#ifndef NGRAMCOUNT_REDUCE_H
#define NGRAMCOUNT_REDUCE_H

#include <stddef.h>
#include <stdint.h>

#include "ngramcount/reorder.h"
#include "ngramcount/spill.h"
#include "ngramcount/table.h"
#include "ngramcount/trace.h"

/*
 * Add every entry of an encoded table (wire.h) to t; *keys counts them. A
 * grouped result into a hashed table goes on two threads, part 1 on the
 * parent's helper (helper.h). Returns 0, -EBADMSG
 * for a malformed encoding, or -EOVERFLOW when a total would pass 2^64-1
 * (*overflow then names the key). Either way some entries may be added.
 * *split says whether it went on two threads.
 */
int reduce_result(struct table *t, const char *payload, size_t len,
		  const struct ngram **overflow, uint64_t *keys, int *split);

struct reducer {
	struct table *t;		/* the final table; not owned */
	struct spill *sp;		/* where t goes past budget; not owned */
	struct trace *tr;		/* --trace, or NULL; not owned */
	int in_order;			/* --order submission: merge in task order */
	size_t budget;			/* bytes t may hold before it spills */
	struct reorder ro;
	uint64_t keys;			/* entries merged, for --stats */
	uint64_t split_keys;		/* of which on two threads */
	double secs;			/* time spent merging them */
	uint64_t task_runs;		/* gzip tasks' runs adopted */
	const struct ngram *overflow;	/* after -EOVERFLOW: the key */
};

/*
 * Task seq's encoded result is in (len 0: a skipped task, which still
 * takes its turn). Returns 0, -EBADMSG or -EOVERFLOW (r->overflow).
 */
int reducer_put(struct reducer *r, uint64_t seq, const char *payload, size_t len);

/* Task task completed with runs runs of its own: they count from now on. */
int reducer_adopt(struct reducer *r, uint64_t task, uint64_t runs, uint64_t bytes);

/*
 * Write t out as a key-sorted run and empty it, when it is past its
 * budget or always (force). Returns 1 if it did, 0 if not, or -errno.
 */
int reducer_spill(struct reducer *r, int force);

void reducer_fini(struct reducer *r);

#endif
