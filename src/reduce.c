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
	size_t n;				/* entries waiting in kv */
	struct table_kv kv[NGC_TABLE_BATCH];
};

static int flush(struct merge *m)
{
	int err = table_add_batch(m->t, m->kv, m->n, &m->overflow);
	m->keys += m->n;
	m->n = 0;
	return err;
}

static int add(void *ctx, const char *key, size_t len, uint64_t count)
{
	struct merge *m = ctx;
	m->kv[m->n++] = (struct table_kv){ key, len, count };
	return m->n == NGC_TABLE_BATCH ? flush(m) : 0;
}

int reduce_merge(struct table *t, const char *payload, size_t len,
		 const struct ngram **overflow, uint64_t *keys)
{
	struct merge m = { .t = t };
	int err;

	table_new_source(t);
	err = wire_get_table(payload, len, add, &m);
	if (!err)
		err = flush(&m);
	*overflow = m.overflow;
	*keys = m.keys;
	return err;
}
