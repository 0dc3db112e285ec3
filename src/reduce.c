/*
 * reduce.c - merge encoded partition tables into the final table. Runs in
 * the parent, serially, as each result comes off a pipe.
 */
#include <errno.h>

#include "ngramcount/reduce.h"
#include "ngramcount/wire.h"

struct merge {
	struct table *t;
	const struct ngram *overflow;
	uint64_t keys;
};

static int add(void *ctx, const char *key, size_t len, uint64_t count)
{
	struct merge *m = ctx;
	struct ngram *g = table_upsert(m->t, key, len);
	m->keys++;
	if (ngram_add(g, count)) {
		m->overflow = g;
		return -EOVERFLOW;
	}
	return 0;
}

int reduce_merge(struct table *t, const char *payload, size_t len,
		 const struct ngram **overflow, uint64_t *keys)
{
	struct merge m = { .t = t };
	int err = wire_get_table(payload, len, add, &m);
	*overflow = m.overflow;
	*keys = m.keys;
	return err;
}
