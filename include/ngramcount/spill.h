/*
 * spill.h - counting past memory: the final table written to disk as
 * key-sorted runs whenever it passes its budget, merged back k-way, one
 * record of each run in memory, in passes of NGC_SPILL_FANIN.
 *
 * Runs are hash-partitioned (spill_part()): each partition merges on its
 * own. They live in a folder made in --tmpdir, removed by spill_fini on
 * every exit path of main(). A run is records of u32 key length, key, u64
 * count, in native byte order.
 */
#ifndef NGRAMCOUNT_SPILL_H
#define NGRAMCOUNT_SPILL_H

#include <limits.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "ngramcount/table.h"

struct spill_run {
	unsigned num;		/* the file: run-<num> in the folder */
	unsigned part;		/* key-sorted totals: their partition; other runs:
				   whatever their maker tags them */
};

struct spill {
	const char *tmpdir;	/* where to make the folder; not owned */
	char *dir;		/* the folder, once made; owned */
	unsigned parts;		/* hash partitions of key-sorted runs, >= 1 */
	unsigned nruns;		/* runs 0..nruns-1 are live */
	unsigned next;		/* number of the next run file */
	struct spill_run *run;	/* the live runs; owned */
	uint64_t bytes;		/* bytes written, merge passes included */
	uint64_t spills;	/* tables written out */
};

/* Each spill of a table opens a file per partition: not hundreds. */
#define NGC_SPILL_MAX_PARTS 16

/* parts: hash partitions of the key-sorted runs, from 1 to NGC_SPILL_MAX_PARTS. */
void spill_init(struct spill *s, const char *tmpdir, unsigned parts);
/* The partition of a key, of parts. */
unsigned spill_part(const char *key, size_t len, unsigned parts);
/* Make the folder now (before fork, for workers' runs). Returns 0 or -errno. */
int spill_mkdir(struct spill *s);
/* Remove every file in the folder, live runs or not, and the folder. */
void spill_fini(struct spill *s);

/* The order of a run's records, and of a merge. */
enum spill_order {
	SPILL_BY_KEY,		/* byte order of the key: totals of equal keys summed */
	SPILL_BY_COUNT,		/* count descending, then key: no summing */
};

/*
 * Write t as a run in that order: by key, a run per partition; by count,
 * one run of partition 0. Returns 0 or -errno.
 */
int spill_table(struct spill *s, const struct table *t, enum spill_order order);

/*
 * A gzip task is one stream, whose table can outgrow its worker's share
 * before the stream ends. Its table then goes out as a run at once, but
 * counts only when the task completes: task runs are named for their task
 * (task-T-K in the folder) and made live by spill_adopt on the task's
 * result. The runs of a task that fails, or whose worker dies, are never
 * adopted (a rerun writes over them; spill_fini removes the rest).
 * task_spill runs in whichever process maps the task.
 */
struct task_spill {
	const char *dir;	/* the spill folder; NULL when it could not be made */
	int dir_err;		/* then: why, as -errno */
	unsigned parts;		/* the spill's partitions: a run each */
	uint64_t task;		/* the parent's task id */
	unsigned runs;		/* written for this task so far */
	uint64_t bytes;		/* their bytes */
};

/*
 * If t holds more than budget bytes, write it as the task's next run (key
 * order) and empty it. Returns 1 if it did (entries remembered in t are
 * gone: mapper_forget), 0 if t is within budget, or -errno.
 */
int task_spill(struct task_spill *ts, struct table *t, size_t budget);
/* The task completed: its first runs runs, of bytes bytes, become live. */
int spill_adopt(struct spill *s, uint64_t task, unsigned runs, uint64_t bytes);

/*
 * Runs made by another process that shares the folder (output.c's
 * partition processes), which numbers its runs from a base of its own:
 * spill_drop_below forgets the live runs numbered below base (that process
 * consumes them; in it, what is left are the runs it made), spill_add_runs
 * makes n of its runs, of bytes bytes, live here.
 */
void spill_drop_below(struct spill *s, unsigned base);
void spill_add_runs(struct spill *s, const struct spill_run *run, unsigned n, uint64_t bytes);

typedef int (*spill_fn)(void *ctx, const char *key, size_t len, uint64_t count);

#define SPILL_ALL UINT_MAX	/* spill_merge: the runs of every partition */

/*
 * Merge the live runs of partition part (or SPILL_ALL) in order, calling
 * fn once per key (by key: its summed total; -EOVERFLOW past 2^64-1) or
 * per record (by count). The runs are consumed. Returns 0, fn's non-zero
 * return, or -errno.
 */
int spill_merge(struct spill *s, unsigned part, enum spill_order order, spill_fn fn,
		void *ctx);

/* A run written record by record, in the order the caller keeps. */
struct spill_writer {
	struct spill *s;
	FILE *f;
};
/* Start a live run of partition part. Returns 0 or -errno. */
int spill_writer_open(struct spill_writer *w, struct spill *s, unsigned part);
/* Append a record (a spill_fn: ctx is the writer). */
int spill_write(void *ctx, const char *key, size_t len, uint64_t count);
/* Finish it; err is the caller's error so far. Returns err or -errno. */
int spill_writer_close(struct spill_writer *w, int err);

/*
 * Write rows given in any order as runs sorted by count, through a table
 * of at most budget bytes: spill_add for each, then spill_merge(...,
 * SPILL_BY_COUNT, ...) after spill_add_end. Returns 0 or -errno.
 */
struct spill_sorter {
	struct spill *s;
	struct table t;
	size_t budget;
};
void spill_sorter_init(struct spill_sorter *q, struct spill *s, size_t budget);
int spill_add(struct spill_sorter *q, const char *key, size_t len, uint64_t count);
int spill_add_end(struct spill_sorter *q);

#endif
