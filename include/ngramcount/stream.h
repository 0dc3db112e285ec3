/*
 * stream.h - the map and the reduce as Hadoop Streaming runs them (and
 * Spark's RDD.pipe): one process each, stdin to stdout, so a cluster can
 * run the same counting as one machine does.
 *
 *   ngramcount map      ngram lines (any format, plain, gzip or zip) in,
 *                       "key TAB partial total" lines out, unsorted; it
 *                       combines in one table and writes the table out
 *                       whenever it passes --memory, and at the end:
 *                       usable as mapper and as combiner.
 *   ngramcount reduce   "key TAB count" lines sorted by key (LC_ALL=C sort)
 *                       in, one summed line per key out; one key in memory.
 *
 * A key is everything before a line's last TAB, so --per-year's "ngram TAB
 * year TAB count" lines reduce too. Hadoop's counters and status go to
 * stderr ("reporter:counter:ngramcount,Lines,N") when asked or when a
 * streaming task's environment is there.
 */
#ifndef NGRAMCOUNT_STREAM_H
#define NGRAMCOUNT_STREAM_H

#include <stddef.h>

#include "ngramcount/cli.h"

/* Returns 0, or -1 with a message (naming the line) in err. */
int stream_map(const struct config *c, char *err, size_t errsize);
int stream_reduce(const struct config *c, char *err, size_t errsize);

#endif
