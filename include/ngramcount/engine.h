/*
 * engine.h - one counting run: inputs -> the final table.
 *
 * The engine is the scheduler between the stages: it lists the inputs,
 * starts reads into free pool slots, cuts plain chunks into partitions,
 * hands partitions and gzip streams to idle workers, and reduces results
 * as they come back. It prints nothing: warnings and errors come back in
 * struct run_stats and the error buffer, for main() to report.
 */
#ifndef NGRAMCOUNT_ENGINE_H
#define NGRAMCOUNT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "ngramcount/cli.h"
#include "ngramcount/fetch.h"
#include "ngramcount/format.h"
#include "ngramcount/progress.h"
#include "ngramcount/spill.h"
#include "ngramcount/table.h"
#include "ngramcount/trace.h"

struct run_stats {
	unsigned files;
	unsigned duplicates;		/* inputs that repeat an earlier file */
	char *duplicate_path;		/* the first such; owned */
	unsigned formats[FMT_COUNT];	/* files read as each format */
	unsigned passed_over;		/* files of a format not counted (map_skips) */
	char *passed_over_path;		/* the first such; owned */
	unsigned text_passed;		/* text files in folders of ngram files */
	char *text_passed_path;		/* the first such; owned */
	unsigned doubts;		/* files whose format was read with doubt */
	char *doubt;			/* the first: what and why; owned */
	uint64_t bytes_total;		/* input bytes, as stat() saw them */
	uint64_t bytes_read;
	uint64_t bytes_gzip;		/* of bytes_read, those of gzip files */
	uint64_t bytes_inflated;
	uint64_t lines;
	uint64_t bad;			/* malformed lines skipped */
	char *bad_path;			/* first file with one; owned */
	uint64_t bad_line;		/* its line number there */
	int bad_why;			/* its parse_error */
	char **skipped;			/* --keep-going: "path: why" each; owned */
	unsigned nskipped;
	unsigned restarts;		/* workers replaced after dying */
	char restart_note[192];		/* how the first one died */
	char stop_note[192];		/* a worker that did not exit cleanly after
					   its last result, how; "": none */
	unsigned slots;			/* buffer pool slots of partition_size */
	uint64_t reduce_keys;		/* entries of worker tables merged */
	uint64_t reduce_split_keys;	/* of which on two threads (reduce.h) */
	uint64_t unaggregated;		/* tasks whose table gave up pre-aggregating */
	uint64_t seam_lines;		/* lines across partitions, mapped by the parent */
	size_t table_budget;		/* bytes the final table may hold before it spills */
	size_t table_bytes;		/* and held at the end of the reads */
	size_t task_budget;		/* and a gzip task's table (0: no gzip input) */
	uint64_t task_runs;		/* runs gzip tasks wrote (spill.h task_spill) */
	double reduce_secs;		/* time the parent spent merging them */
	unsigned workers;
	uint64_t *partitions;		/* per worker, [workers] is the parent; owned */
	const char *io;			/* backend used: "io_uring" or "sync" */
	int io_fallback;		/* -errno io_uring_setup gave, or 0 */
	uint64_t sqes, submits;		/* io_uring counters */
	unsigned urls;			/* URL inputs */
	struct fetch_stats net;		/* their downloads */
	unsigned missing;		/* URLs absent (404) as the catalog says may be */
	char *missing_path;		/* the first such; owned */
	/* The whole run, output included: main fills these at the end (--stats). */
	double wall;			/* seconds */
	double cpu_parent;		/* user+sys seconds of the parent, and of
					   the children it starts for the output */
	double cpu_workers;		/* user+sys seconds of the map workers */
};

/*
 * Slots of the buffer pool for c: queue depth + 3 per worker, cut to
 * --buffer-memory. Returns -1 when the budget is below *least, the slots
 * the run needs to make progress (2 per worker for gzip, 1 for plain).
 */
long engine_pool_slots(const struct config *c, unsigned *least);

/*
 * Count c's inputs into t (initialised by the caller, which owns it),
 * recording the reads, tasks and merges in tr (NULL: no --trace). When t
 * passes c->memory less the read buffers, it is written to sp as a run
 * and emptied; with gzip inputs t gets half of that and each worker's
 * gzip task a share of the rest, past which the task's table goes to sp
 * as task runs, live once the task completes. If anything spilled, at
 * the end all of t is in sp's runs and t is empty. Returns 0, or -1 with a message in err (t then holds a
 * partial count).
 */
int engine_run(const struct config *c, struct table *t, struct spill *sp, struct trace *tr,
	       struct progress *prog, struct run_stats *st, char *err, size_t errsize);

void run_stats_fini(struct run_stats *st);

#endif
