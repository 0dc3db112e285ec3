/*
 * output.h - the output stage: the final table as sorted TSV.
 *
 * One line per ngram, "ngram TAB total", most frequent first, ties in byte
 * order of the ngram. To a path, the lines go to a temporary file in the
 * same folder that is renamed over the path only once complete, so a
 * failed run never leaves a partial file and an existing file survives.
 */
#ifndef NGRAMCOUNT_OUTPUT_H
#define NGRAMCOUNT_OUTPUT_H

#include "ngramcount/table.h"
#include "ngramcount/trace.h"

/*
 * Write t sorted to path, or to stdout when path is NULL; the sort and the
 * write are spans on tr's output track (tr may be NULL). Returns 0 or
 * -errno (nothing left behind at path on error).
 */
int output_write(const struct table *t, const char *path, struct trace *tr);

#endif
