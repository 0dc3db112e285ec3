/*
 * stream.h - the map and the reduce as Hadoop Streaming (and Spark's
 * RDD.pipe) run them: one process each, stdin to stdout.
 *   ngramcount map     ngram lines in (plain, gzip or zip), "key TAB partial"
 *                      out, the table written out past --memory: a mapper
 *                      and a combiner.
 *   ngramcount reduce  key-sorted "key TAB count" lines in, a summed line a
 *                      key out, one key in memory.
 * A key is everything before a line's last TAB. Counters go to stderr.
 */
#ifndef NGRAMCOUNT_STREAM_H
#define NGRAMCOUNT_STREAM_H

#include <stddef.h>

#include "ngramcount/cli.h"

/*
 * Returns 0, or -1 with a message (naming the line) in err. Hadoop's
 * counters and status go to stderr ("reporter:counter:ngramcount,Lines,N")
 * with --hadoop-counters or in a streaming task's environment.
 */
int stream_map(const struct config *c, char *err, size_t errsize);
int stream_reduce(const struct config *c, char *err, size_t errsize);

#endif
