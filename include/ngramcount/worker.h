/*
 * worker.h - the child side of the pool: map tasks into a table and send
 * the table back (wire.h has the messages).
 *
 * One task at a time: a plain partition read from the shared pool, or a
 * whole gzip file inflated as its chunks come. Each task ends with one
 * MSG_RESULT; each gzip chunk is released as soon as it is inflated. A
 * gzip task's table past env->task_budget goes out as a task run.
 */
#ifndef NGRAMCOUNT_WORKER_H
#define NGRAMCOUNT_WORKER_H

#include "ngramcount/gz.h"
#include "ngramcount/map.h"
#include "ngramcount/reader.h"
#include "ngramcount/spill.h"

struct worker_env {
	const struct bufpool *pool;	/* the shared slots, mapped before fork */
	enum gz_backend inflate;	/* gzip backend */
	const struct map_opts *map;	/* what to count, set before fork */
	const char *spill_dir;		/* where a gzip task's runs go, or NULL */
	unsigned spill_parts;		/* a run for each partition (spill.h) */
	int spill_err;			/* then: why there is none (-errno) */
	size_t task_budget;		/* a gzip task's table spills past it */
};

/*
 * A gzip task being mapped, in a worker or in the parent (-j 0): inflated
 * text goes to m, whose table t is written as a task run whenever it
 * passes budget.
 */
struct worker_gz {
	struct mapper *m;
	struct table *t;
	struct task_spill ts;
	size_t budget;
	int spill_err;		/* the -errno of a spill that failed */
};

/* Start task task: m maps into t, spilled as env says. */
void worker_gz_init(struct worker_gz *k, const struct worker_env *env, struct mapper *m,
		  struct table *t, uint64_t task);

/*
 * A gz_sink (ctx: struct worker_gz): map_feed's return, or NGC_ESPILL when
 * the table could not be spilled (spill_err says why).
 */
int worker_gz_sink(void *ctx, const char *buf, size_t len);

/*
 * What a task's error err carries in struct reply's err_off: the errno of
 * a spill that failed (NGC_ESPILL), the line too long (NGC_ELONG), else
 * off, the compressed offset.
 */
uint64_t worker_gz_err_off(const struct worker_gz *k, int err, uint64_t off);

/* pool.h's worker_fn: ctx is a struct worker_env. */
int worker_main(int in_fd, int out_fd, void *ctx);

#endif
