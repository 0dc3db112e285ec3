/*
 * reduce.c - merge encoded partition tables into the final table, in the
 * parent, serially, as each result comes off a pipe; and the policy
 * around it (task order, spilling, adopting task runs).
 */
#include <errno.h>
#include <stdlib.h>

#include "ngramcount/reduce.h"
#include "ngramcount/util.h"
#include "ngramcount/wire.h"

/* A result's entries, gathered to be added at once (table_add_all). */
struct merge {
	struct table_kv *kv;
	size_t n, cap;
};

static int add(void *ctx, const char *key, size_t len, uint64_t count)
{
	struct merge *m = ctx;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 4096;
		m->kv = xrealloc(m->kv, m->cap * sizeof(*m->kv));
	}
	m->kv[m->n++] = (struct table_kv){ key, len, count };
	return 0;
}

int reduce_result(struct table *t, const char *payload, size_t len,
		  const struct ngram **overflow, uint64_t *keys)
{
	struct merge m = { 0 };
	int err;

	table_new_source(t);
	err = wire_get_table(payload, len, add, &m);
	*keys = 0;
	if (!err) {
		err = table_add_all(t, m.kv, m.n, overflow);
		*keys = m.n;
	}
	free(m.kv);
	return err;
}

static int merge_timed(void *ctx, uint64_t seq, const char *payload, size_t len)
{
	struct reducer *r = ctx;
	double t0 = now_sec();
	uint64_t keys;
	int err = reduce_result(r->t, payload, len, &r->overflow, &keys);
	double t1 = now_sec();

	r->keys += keys;
	r->secs += t1 - t0;
	trace_span(r->tr, TRACK_REDUCE, "merge", NULL, t0, t1, "\"task\":%llu,\"keys\":%llu",
		   (unsigned long long)seq, (unsigned long long)keys);
	return err;
}

int reducer_put(struct reducer *r, uint64_t seq, const char *payload, size_t len)
{
	if (!r->in_order)
		return merge_timed(r, seq, payload, len);
	return reorder_put(&r->ro, seq, payload, len, merge_timed, r);
}

int reducer_adopt(struct reducer *r, uint64_t task, uint64_t runs, uint64_t bytes)
{
	r->task_runs += runs;
	return runs ? spill_adopt(r->sp, task, (unsigned)runs, bytes) : 0;
}

int reducer_spill(struct reducer *r, int force)
{
	int err;

	if (!force && table_bytes(r->t) <= r->budget)
		return 0;
	if ((err = spill_table(r->sp, r->t, SPILL_BY_KEY)))
		return err;
	/* Give the memory back (table_reset would keep it for reuse). */
	table_fini(r->t);
	return 1;
}

void reducer_fini(struct reducer *r)
{
	reorder_fini(&r->ro);
	table_add_all_stop();
}
