/*
 * reduce.h - the reduce stage: a worker's encoded table is summed into the
 * final table as soon as it arrives, while other workers keep mapping.
 */
#ifndef NGRAMCOUNT_REDUCE_H
#define NGRAMCOUNT_REDUCE_H

#include <stddef.h>
#include <stdint.h>

#include "ngramcount/table.h"

/*
 * Add every entry of an encoded table (wire.h) to t; *keys counts them.
 * Returns 0, -EBADMSG for a malformed encoding, or -EOVERFLOW when a total
 * would pass 2^64-1 (*overflow then names the key; entries before it are
 * added).
 */
int reduce_merge(struct table *t, const char *payload, size_t len,
		 const struct ngram **overflow, uint64_t *keys);

#endif
