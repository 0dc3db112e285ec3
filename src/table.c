/*
 * table.c - ngram -> total, on uthash. The only file that includes uthash.h.
 *
 * Entries and their keys are carved from the table's arena, one allocation
 * each (header, count, key bytes): no per-key malloc, and clearing a table
 * is HASH_CLEAR (frees the buckets) plus an arena reset.
 */
#include <stdlib.h>
#include <string.h>

#include "ngramcount/table.h"
#include "ngramcount/util.h"

#define uthash_malloc(sz) xmalloc(sz)
#define uthash_free(ptr, sz) free(ptr)
#include <uthash.h>

struct table_entry {
	UT_hash_handle hh;	/* key points at g.key */
	struct ngram g;		/* must be last: the key follows it */
};

void table_init(struct table *t)
{
	t->head = NULL;
	arena_init(&t->arena);
	t->count = 0;
}

void table_reset(struct table *t)
{
	HASH_CLEAR(hh, t->head);
	arena_reset(&t->arena);
	t->count = 0;
}

void table_fini(struct table *t)
{
	HASH_CLEAR(hh, t->head);
	arena_fini(&t->arena);
	t->count = 0;
}

struct ngram *table_upsert(struct table *t, const char *key, size_t len)
{
	struct table_entry *e;
	unsigned hash;

	HASH_VALUE(key, len, hash);
	HASH_FIND_BYHASHVALUE(hh, t->head, key, len, hash, e);
	if (e)
		return &e->g;
	e = arena_alloc(&t->arena, sizeof(*e) + len);
	e->g.count = 0;
	e->g.len = (uint32_t)len;
	memcpy(e->g.key, key, len);
	HASH_ADD_KEYPTR_BYHASHVALUE(hh, t->head, e->g.key, len, hash, e);
	t->count++;
	return &e->g;
}

int table_add(struct table *t, const char *key, size_t len, uint64_t n)
{
	return ngram_add(table_upsert(t, key, len), n);
}

int table_foreach(const struct table *t,
		  int (*fn)(const struct ngram *g, void *ctx), void *ctx)
{
	for (struct table_entry *e = t->head; e; e = e->hh.next) {
		int r = fn(&e->g, ctx);
		if (r)
			return r;
	}
	return 0;
}

/*
 * Sorting compares 24-byte records that carry the count and the key's
 * first eight bytes (big-endian, zero-padded), so most comparisons touch
 * no entry: the entries are scattered over the arena, one cache miss each.
 */
struct sort_rec {
	uint64_t count;
	uint64_t prefix;
	const struct ngram *g;
};

static uint64_t key_prefix(const struct ngram *g)
{
	uint64_t p = 0;
	for (unsigned i = 0; i < 8; i++)
		p = p << 8 | (i < g->len ? (unsigned char)g->key[i] : 0);
	return p;
}

static int by_count_then_key(const void *pa, const void *pb)
{
	const struct sort_rec *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	size_t n = a->g->len < b->g->len ? a->g->len : b->g->len;
	int c = memcmp(a->g->key, b->g->key, n);
	if (c)
		return c;
	return (a->g->len > b->g->len) - (a->g->len < b->g->len);
}

const struct ngram **table_sorted(const struct table *t)
{
	struct sort_rec *r = xmalloc(t->count * sizeof(*r));
	const struct ngram **v;
	size_t i = 0;

	for (struct table_entry *e = t->head; e; e = e->hh.next, i++)
		r[i] = (struct sort_rec){ e->g.count, key_prefix(&e->g), &e->g };
	qsort(r, i, sizeof(*r), by_count_then_key);
	/* The pointers move to the front of the same memory, in order. */
	v = (const struct ngram **)(void *)r;
	for (size_t j = 0; j < i; j++)
		v[j] = r[j].g;
	return xrealloc(v, (i ? i : 1) * sizeof(*v));
}

size_t table_bytes(const struct table *t)
{
	size_t b = t->arena.bytes;
	if (t->head)
		b += t->head->hh.tbl->num_buckets * sizeof(UT_hash_bucket) +
		     sizeof(UT_hash_table);
	return b;
}
