/*
 * worker.h - the child side of the pool: map tasks into a table and send
 * the table back.
 *
 * A worker serves one task at a time: a plain partition (MSG_PLAIN) or a
 * whole gzip file (MSG_GZ_BEGIN, MSG_GZ_DATA..., MSG_GZ_END) that it
 * inflates while it maps. Each task ends with one MSG_RESULT carrying the
 * task's table; each gzip chunk is released with MSG_RELEASE as soon as it
 * is inflated. The worker reads partition bytes from the shared pool.
 */
#ifndef NGRAMCOUNT_WORKER_H
#define NGRAMCOUNT_WORKER_H

#include "ngramcount/gz.h"
#include "ngramcount/map.h"
#include "ngramcount/reader.h"

struct worker_env {
	const struct bufpool *pool;	/* the shared slots, mapped before fork */
	enum gz_backend inflate;	/* gzip backend */
	const struct map_opts *map;	/* what to count, set before fork */
};

/* pool.h's worker_fn: ctx is a struct worker_env. */
int worker_main(int in_fd, int out_fd, void *ctx);

#endif
