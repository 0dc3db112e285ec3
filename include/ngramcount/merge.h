/*
 * merge.h - ngramcount merge FILE...: sum result files ("key TAB count"
 * lines, as ngramcount and its map and reduce write them) into one.
 *
 * In any order, the totals go into a table that the output stage then
 * selects, sorts and formats as usual. With --sorted (each file sorted by
 * key, as LC_ALL=C sort or --sort key leave them) the files are merged as
 * they are read, k-way, one line of each in memory: constant memory
 * whatever their size, and the output is in key order.
 */
#ifndef NGRAMCOUNT_MERGE_H
#define NGRAMCOUNT_MERGE_H

#include <stddef.h>

#include "ngramcount/cli.h"
#include "ngramcount/table.h"

/* Sum c's inputs into t. Returns 0, or -1 with a message in err. */
int merge_files(const struct config *c, struct table *t, char *err, size_t errsize);

/* Merge c's sorted inputs to c->out. Returns 0, or -1 with a message in err. */
int merge_sorted(const struct config *c, char *err, size_t errsize);

#endif
