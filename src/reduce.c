/*
 * reduce.c - merge encoded partition tables into the final table, in the
 * parent, as each result comes off a pipe (a hashed table's two parts on
 * two threads); and the policy around it (task order, spilling, adopting
 * task runs).
 */
#include <errno.h>
#include <stdlib.h>

#include "ngramcount/helper.h"
#include "ngramcount/reduce.h"
#include "ngramcount/util.h"
#include "ngramcount/wire.h"

/* Entries in batches to table_add_batch, as they are decoded. */
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

/*
 * One part of a grouped result, decoded whole and added to its part of
 * the table: the parent's thread takes part 0, a helper thread part 1.
 */
struct part_job {
	struct table *t;
	unsigned part;
	const char *in;
	size_t len;
	struct table_kv *kv;		/* the decoded entries, n of cap */
	size_t n, cap, added;
	const struct ngram *overflow;
	int err;
};

static int collect(void *ctx, const char *key, size_t len, uint64_t count)
{
	struct part_job *j = ctx;
	if (j->n == j->cap) {
		j->cap = j->cap ? 2 * j->cap : 4096;
		j->kv = xrealloc(j->kv, j->cap * sizeof(*j->kv));
	}
	j->kv[j->n++] = (struct table_kv){ key, len, count };
	return 0;
}

static void run_job(void *arg)
{
	struct part_job *j = arg;
	j->err = wire_get_entries(j->in, j->len, collect, j);
	if (!j->err)
		j->err = table_add_part(j->t, j->part, j->kv, j->n, &j->overflow, &j->added);
	free(j->kv);
}

/* Below this many bytes, a result is not worth a hand-over. */
#define NGC_SPLIT_FROM	(64u << 10)

/* Both parts of a grouped result, on the helper too if there is one; t is hashed. */
static int reduce_parts(struct table *t, const struct wire_parts *wp,
			const struct ngram **overflow, uint64_t *keys, int *split)
{
	struct part_job j[2];

	_Static_assert(NGC_TABLE_PARTS == 2, "one helper thread takes part 1");
	for (unsigned i = 0; i < 2; i++)
		j[i] = (struct part_job){ .t = t, .part = i, .in = wp->p[i], .len = wp->len[i] };
	if (!(*split = helper_start(run_job, &j[1])))
		run_job(&j[1]);
	run_job(&j[0]);
	helper_wait();

	t->count += j[0].added + j[1].added;
	*keys = j[0].n + j[1].n;
	for (unsigned i = 0; i < 2; i++)
		if (j[i].err) {
			*overflow = j[i].overflow;
			return j[i].err;
		}
	return 0;
}

int reduce_result(struct table *t, const char *payload, size_t len,
		  const struct ngram **overflow, uint64_t *keys, int *split)
{
	struct merge m = { .t = t };
	struct wire_parts wp;
	int err;

	table_new_source(t);
	*keys = 0;
	*split = 0;
	if ((err = wire_table_parts(payload, len, &wp)))
		return err;
	if (wp.grouped && !t->task && !t->ordered && len >= NGC_SPLIT_FROM)
		return reduce_parts(t, &wp, overflow, keys, split);
	for (unsigned i = 0; i < NGC_TABLE_PARTS && !err; i++)
		err = wire_get_entries(wp.p[i], wp.len[i], add, &m);
	if (!err)
		err = flush(&m);
	*overflow = m.overflow;
	*keys = m.keys;
	return err;
}

static int merge_timed(void *ctx, uint64_t seq, const char *payload, size_t len)
{
	struct reducer *r = ctx;
	double t0 = now_sec();
	uint64_t keys;
	int split;
	int err = reduce_result(r->t, payload, len, &r->overflow, &keys, &split);
	double t1 = now_sec();

	r->keys += keys;
	r->split_keys += split ? keys : 0;
	r->secs += t1 - t0;
	trace_span(r->tr, TRACK_REDUCE, "merge", NULL, t0, t1,
		   "\"task\":%llu,\"keys\":%llu,\"threads\":%d",
		   (unsigned long long)seq, (unsigned long long)keys, split ? 2 : 1);
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
}
