/*
 * output.h - the output stage: the final table, filtered, selected and
 * sorted, as TSV, CSV, JSON or ndjson.
 *
 * One row per key: "ngram TAB total" (TSV), or with --per-year "ngram TAB
 * year TAB total", or with --totals "year TAB total". To a path, the rows
 * go to a temporary file in the same folder that is renamed over the path
 * only once complete, so a failed run never leaves a partial file and an
 * existing file survives.
 */
#ifndef NGRAMCOUNT_OUTPUT_H
#define NGRAMCOUNT_OUTPUT_H

#include <stdint.h>

#include "ngramcount/spill.h"
#include "ngramcount/table.h"
#include "ngramcount/trace.h"
#include "ngramcount/util.h"

enum out_sort { SORT_COUNT, SORT_KEY, SORT_NONE };
enum out_format { OUT_TSV, OUT_CSV, OUT_JSON, OUT_NDJSON };
enum out_keys {
	KEYS_NGRAM,		/* the key is the ngram */
	KEYS_NGRAM_YEAR,	/* ngram, NUL, four-digit year (map.h --per-year) */
	KEYS_YEAR,		/* four-digit year (--totals) */
};

struct output_opts {
	const char *path;	/* -o FILE; NULL: stdout */
	enum out_sort sort;	/* count: most frequent first, ties by key;
				   key: byte order; none: as reduced */
	enum out_format format;
	enum out_keys keys;
	uint64_t min_count;	/* rows below this total are left out */
	uint64_t top;		/* only the top most frequent; 0: all */
};

/*
 * Write t as o says; the sort and the write are spans on tr's output track
 * (tr may be NULL). Returns 0 or -errno (nothing left behind at the path
 * on error).
 */
int output_write(const struct table *t, const struct output_opts *o, struct trace *tr);

/*
 * Write the totals held in sp's runs as output_write would write them as
 * a table: the same bytes. Each hash partition's runs are merged by key
 * at the same time, partition 0 here and each other in a child process
 * (reaped before this returns), into its chosen rows: sorted on disk by
 * count again (tables of budget / partitions bytes), in key order, or its
 * --top best; then those are merged to the output. With one partition,
 * key order and --top come straight from the merge. *keys is set to the
 * distinct keys merged. Returns 0 or -errno (-EOVERFLOW: a total past
 * 2^64-1; -ECHILD: a partition's process died); *in_runs is 1 when the
 * error came from the runs (reading, merging), 0 when from the output.
 */
int output_spilled(struct spill *sp, const struct output_opts *o, size_t budget,
		   uint64_t *keys, int *in_runs);

/*
 * Rows one at a time, for output that streams (ngramcount map, reduce,
 * merge --sorted): o's path, format and keys apply; its sort, top and
 * min-count are the caller's to honour.
 */
struct out_writer {
	const struct output_opts *o;	/* not owned */
	int fd;				/* stdout, or file.fd */
	struct afile file;		/* -o: written whole or not at all */
	char *buf;			/* owned */
	size_t used, cap;
	uint64_t rows, bytes;
	int err;			/* first write error */
};

/* Returns 0 or -errno (the temporary file cannot be made). */
int out_open(struct out_writer *w, const struct output_opts *o);
/* A row: key as stored in a table (map.h's per-year and year keys too). */
void out_row(struct out_writer *w, const char *key, size_t len, uint64_t count);
/*
 * Finish: with ok, flush and rename into place (0 or -errno); otherwise
 * drop what was written (the temporary file is removed). Returns 0 or -errno.
 */
int out_close(struct out_writer *w, int ok);

#endif
