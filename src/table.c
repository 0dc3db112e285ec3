/*
 * table.c - ngram -> total, on runs, then uthash or an index. The only
 * file that includes uthash.h.
 *
 * Keys are carved from the table's two arenas, no per-key malloc. A key of
 * sorted input is a bare ngram (count, key bytes) in the runs' memory
 * (t->mem), found by its hash only when it must be (struct table_run
 * says why that is safe). A task's table hashes the rest with uthash: a
 * key hashed as it came is one allocation in t->hashed (handle, count,
 * key bytes), and a handle is 56 bytes. It is reset after every task, and
 * keeps its buckets small. Any other table hashes its keys in parts (two),
 * each an index (index.h, 8 bytes a slot) and a memory of its own for the
 * keys it adds, so the parts take a result's keys on two threads at once
 * (table_add_part, reduce.c). Clearing a table is HASH_CLEAR (frees the buckets), the
 * indexes freed and the arenas reset.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ngramcount/helper.h"
#include "ngramcount/prefault.h"
#include "ngramcount/table.h"
#include "ngramcount/util.h"

#define uthash_malloc(sz) xmalloc(sz)
#define uthash_free(ptr, sz) free(ptr)
#ifdef NGC_HAVE_XXHASH
/* XXH3, inlined from the header: faster than uthash's Jenkins on short keys. */
#define XXH_INLINE_ALL
#include <xxhash.h>
#define HASH_FUNCTION(keyptr, keylen, hashv) \
	((hashv) = (unsigned)XXH3_64bits((keyptr), (size_t)(keylen)))
#endif
/* A lookup compares keys whose hash and length match: nearly always equal. */
#define HASH_KEYCMP(a, b, n) \
	(!same_bytes((const char *)(a), (const char *)(b), (size_t)(n)))
#include <uthash.h>

/*
 * uthash's growth, replaced (the two macros it calls, redefined below):
 *
 * - When: uthash doubles its buckets when one chain reaches ten entries,
 *   which lets the average chain (a cache miss an entry on every lookup)
 *   grow long. Here, while a table is small (a worker's), its buckets
 *   double when the keys pass half their number: chains of a quarter to
 *   half an entry on average, at 32 to 64 bytes of buckets a key. Past
 *   NGC_BUCKETS_SPARSE buckets they double when the keys pass twice their
 *   number: chains of one to two, at 8 to 16 bytes a key, which keeps a
 *   large table's 1-grams under 100 bytes a key, all included.
 * - How: uthash rehashes by walking the old chains, a cache miss an entry.
 *   Handles sit in t->hashed in the order they were added, which is also
 *   uthash's application order, so the rehash walks that (back from
 *   tbl->tail) and its reads stream.
 *
 * hh_prev is never set: only HASH_DELETE reads it, and no table here
 * deletes a key.
 */
#define NGC_BUCKETS_SPARSE	(1U << 17)

/* Whether nb buckets are too few for the table's keys. */
static inline int too_few(const UT_hash_table *tbl, unsigned nb)
{
	return tbl->num_items > (nb < NGC_BUCKETS_SPARSE ? nb / 2 : 2ULL * nb);
}

static inline void link_in(UT_hash_bucket *b, UT_hash_handle *h)
{
	b->count++;
	h->hh_next = b->hh_head;
	b->hh_head = h;
}

/* Buckets for every entry (nb of them, a power of two), in one walk. */
static void rebucket(UT_hash_table *tbl, unsigned nb)
{
	UT_hash_bucket *bkt = xcalloc(nb, sizeof(*bkt));

	for (UT_hash_handle *h = tbl->tail; h;
	     h = h->prev ? (UT_hash_handle *)((char *)h->prev + tbl->hho) : NULL)
		link_in(&bkt[h->hashv & (nb - 1U)], h);
	free(tbl->buckets);
	tbl->buckets = bkt;
	for (; tbl->num_buckets < nb; tbl->num_buckets *= 2U)
		tbl->log2_num_buckets++;
}

static void expand_buckets(UT_hash_table *tbl)
{
	rebucket(tbl, tbl->num_buckets * 2U);
}

static inline void add_to_bucket(UT_hash_bucket *b, UT_hash_handle *h)
{
	link_in(b, h);
	if (too_few(h->tbl, h->tbl->num_buckets))
		expand_buckets(h->tbl);
}

#undef HASH_ADD_TO_BKT
#define HASH_ADD_TO_BKT(head, hh, addhh, oomed) add_to_bucket(&(head), (addhh))

/*
 * A key in uthash: its handle, whose key is that of its ngram. The ngram
 * lies right after the handle when the key was hashed as it came, or in
 * the runs' memory (below).
 */
struct table_entry {
	UT_hash_handle hh;
};

static inline struct ngram *ngram_of(const struct table_entry *e)
{
	return (struct ngram *)(void *)((char *)e->hh.key - offsetof(struct ngram, key));
}

/*
 * Keys from sorted input come in rising byte order, and a key after the
 * last one is new for certain: it is added with no hash, no bucket (a
 * lookup that would miss in cache) and no uthash handle, its ngram alone,
 * after the ngram added before it in the runs' memory (t->mem). The
 * table keeps the ranges such keys came in, each from its first ngram to
 * its last, disjoint and in key order: every key of the table lies in one,
 * and a key in no range is not in the table. A run's ngrams follow one
 * another in that memory. A worker's table from a sorted file is one run
 * (two where the file's order falls once); the final table has one or two
 * for each result and seam line, split where a key falls inside another.
 *
 * That memory is the arena's blocks, each taken whole: where one ends, a
 * jump (an ngram of length NGC_JUMP) holds the address of the next ngram.
 * An ngram gets a uthash handle only when a key must be looked up by hash
 * (table_find, or once the table gives its runs up).
 */
struct table_run {
	struct ngram *lo, *hi;
};

#define NGC_JUMP	UINT32_MAX
#define NGC_JUMP_BYTES	ngram_bytes(0)

/* An ngram's bytes with its key, to the next 8-byte boundary. */
static inline size_t ngram_bytes(size_t len)
{
	return (offsetof(struct ngram, key) + len + 7) & ~(size_t)7;
}

/* The ngram at p in a memory, past any jump; NULL at its end. */
static inline struct ngram *seq_at(const struct table_seq *s, char *p)
{
	struct ngram *g = (struct ngram *)(void *)p;

	if (p == s->end)
		return NULL;
	if (g->len == NGC_JUMP)
		g = (struct ngram *)(uintptr_t)g->count;
	return g;
}

/* The ngram added after g in its memory, or NULL. */
static inline struct ngram *seq_next(const struct table_seq *s, const struct ngram *g)
{
	return seq_at(s, (char *)g + ngram_bytes(g->len));
}

static inline struct ngram *run_next(const struct table *t, const struct ngram *g)
{
	return seq_next(&t->mem, g);
}

/*
 * Runs cost a binary search over them for each key out of order, and
 * ngrams walked and runs moved to split or insert one: past a run for
 * every 16 keys, or two steps of work for every key, hashing costs less.
 */
static int too_dear(const struct table *t)
{
	return t->nruns > 64 + t->count / 16 || t->work > 4096 + 2 * t->count;
}

/*
 * A task's table pays for uthash only when keys repeat: after
 * NGC_AGG_SAMPLE lookups, if fewer than one in NGC_AGG_FOUND found its
 * key, the task's later keys are appended to part 0's memory unhashed
 * (DuckDB gives up a thread's pre-aggregation on the same evidence).
 */
#define NGC_AGG_SAMPLE	4096u
#define NGC_AGG_FOUND	16

/* No key, the runs' memory unused: what init and reset leave. */
static void forget_keys(struct table *t)
{
	t->head = NULL;
	t->mem.first = t->mem.end = t->unhashed = NULL;
	t->mem.room = 0;
	for (unsigned i = 0; i < NGC_TABLE_PARTS; i++) {
		t->part[i].seq.first = t->part[i].seq.end = NULL;
		t->part[i].seq.room = 0;
	}
	t->nruns = t->work = 0;
	t->open = SIZE_MAX;
	t->count = 0;
	t->ordered = 1;
	t->looked = t->found = 0;
	t->appending = 0;
}

static void init(struct table *t, int task, int may_append)
{
	t->runs = NULL;
	t->runs_cap = 0;
	t->task = task;
	t->may_append = may_append;
	arena_init(&t->mem.arena);
	arena_init(&t->hashed);
	for (unsigned i = 0; i < NGC_TABLE_PARTS; i++) {
		index_init(&t->part[i].ix);
		arena_init(&t->part[i].seq.arena);
	}
	forget_keys(t);
}

void table_init(struct table *t)
{
	init(t, 0, 0);
}

void table_init_task(struct table *t, int may_append)
{
	init(t, 1, may_append);
}

void table_reset(struct table *t)
{
	HASH_CLEAR(hh, t->head);
	for (unsigned i = 0; i < NGC_TABLE_PARTS; i++) {
		index_fini(&t->part[i].ix);
		arena_reset(&t->part[i].seq.arena);
	}
	arena_reset(&t->mem.arena);
	arena_reset(&t->hashed);
	forget_keys(t);
}

void table_fini(struct table *t)
{
	HASH_CLEAR(hh, t->head);
	for (unsigned i = 0; i < NGC_TABLE_PARTS; i++) {
		index_fini(&t->part[i].ix);
		arena_fini(&t->part[i].seq.arena);
	}
	arena_fini(&t->mem.arena);
	arena_fini(&t->hashed);
	free(t->runs);
	init(t, t->task, t->may_append);
}

/* A new entry for key, total 0. */
static void ngram_init(struct ngram *g, const char *key, size_t len)
{
	g->count = 0;
	g->len = (uint32_t)len;
	memcpy(g->key, key, len);
}

/* A new ngram, count 0, at the end of a memory. */
static struct ngram *seq_alloc(struct table_seq *s, const char *key, size_t len)
{
	size_t need = ngram_bytes(len);
	struct ngram *g;

	if (need > s->room) {	/* the next block, and a jump to it here */
		size_t got;
		char *p = arena_alloc_rest(&s->arena, need + NGC_JUMP_BYTES, &got);
		if (s->end) {
			g = (struct ngram *)(void *)s->end;
			g->len = NGC_JUMP;
			g->count = (uintptr_t)p;
		} else {
			s->first = p;
		}
		s->end = p;
		s->room = got - NGC_JUMP_BYTES;
	}
	g = (struct ngram *)(void *)s->end;
	s->end += need;
	s->room -= need;
	ngram_init(g, key, len);
	return g;
}

/* A new ngram at the end of the runs' memory. */
static struct ngram *run_alloc(struct table *t, const char *key, size_t len)
{
	struct ngram *g = seq_alloc(&t->mem, key, len);

	if (!t->unhashed)
		t->unhashed = t->mem.first;
	t->count++;
	return g;
}

/* The part of a key with hash h: a bit the index uses for neither home nor tag. */
static inline struct table_part *part_of(struct table *t, uint64_t h)
{
	return &t->part[(h >> 16) % NGC_TABLE_PARTS];
}

/*
 * Every ngram of the runs' memory not hashed yet gets its uthash handle,
 * or its slot in the index, in the order they were added.
 */
static void hash_runs(struct table *t)
{
	struct table_entry *first = NULL;
	UT_hash_table *tbl;
	unsigned nb;

	if (!t->task) {
		for (unsigned i = 0; i < NGC_TABLE_PARTS; i++)
			index_reserve(&t->part[i].ix, t->count / NGC_TABLE_PARTS);
		for (struct ngram *g = seq_at(&t->mem, t->unhashed); g; g = run_next(t, g)) {
			uint64_t h = index_hash(g->key, g->len);
			index_add(&part_of(t, h)->ix, g, h);
		}
		t->unhashed = t->mem.end;
		return;
	}
	for (struct ngram *g = seq_at(&t->mem, t->unhashed); g; g = run_next(t, g)) {
		struct table_entry *e = arena_alloc(&t->hashed, sizeof(*e));
		if (!t->head) {
			unsigned hash;
			HASH_VALUE(g->key, g->len, hash);
			HASH_ADD_KEYPTR_BYHASHVALUE(hh, t->head, g->key, g->len, hash, e);
			continue;
		}
		e->hh.tbl = t->head->hh.tbl;
		e->hh.key = g->key;
		e->hh.keylen = g->len;
		HASH_VALUE(g->key, g->len, e->hh.hashv);
		HASH_APPEND_LIST(hh, t->head, e);
		e->hh.tbl->num_items++;
		if (!first)
			first = e;
	}
	t->unhashed = t->mem.end;
	if (!first)
		return;
	tbl = t->head->hh.tbl;
	for (nb = tbl->num_buckets; too_few(tbl, nb); nb *= 2U)
		;
	if (nb > tbl->num_buckets) {
		rebucket(tbl, nb);
	} else {
		for (struct table_entry *e = first; e; e = e->hh.next)
			link_in(&tbl->buckets[e->hh.hashv & (nb - 1U)], &e->hh);
	}
}

/* The ngram for key, found or added through the buckets (hash: key's). */
static struct ngram *upsert_hashed(struct table *t, const char *key, size_t len, unsigned hash)
{
	struct table_entry *e;
	struct ngram *g;

	HASH_FIND_BYHASHVALUE(hh, t->head, key, len, hash, e);
	t->looked++;
	if (e) {
		t->found++;
		return ngram_of(e);
	}
	if (t->looked == NGC_AGG_SAMPLE && t->found < NGC_AGG_SAMPLE / NGC_AGG_FOUND)
		t->appending = t->may_append;
	e = arena_alloc(&t->hashed, sizeof(*e) + ngram_bytes(len));
	g = (struct ngram *)(e + 1);
	ngram_init(g, key, len);
	t->count++;
	HASH_ADD_KEYPTR_BYHASHVALUE(hh, t->head, g->key, len, hash, e);
	return g;
}

/*
 * The ngram for key through its part's index (h: its index_hash); *added
 * counts a new one. Touches that part alone.
 */
static struct ngram *part_upsert(struct table_part *p, const char *key, size_t len, uint64_t h,
				 size_t *added)
{
	size_t at;
	struct ngram *g = index_find(&p->ix, h, key, len, &at);

	if (g)
		return g;
	g = seq_alloc(&p->seq, key, len);
	index_put(&p->ix, at, g, h);
	++*added;
	return g;
}

static struct ngram *upsert_indexed(struct table *t, const char *key, size_t len, uint64_t h)
{
	return part_upsert(part_of(t, h), key, len, h, &t->count);
}

/*
 * Byte order of two keys. Most differ in their first eight bytes, read
 * as one big-endian word each, without a library call.
 */
static inline int key_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t n = an < bn ? an : bn, i = 0;
	int c;

	if (n >= 8) {
		uint64_t x = __builtin_bswap64(load64(a)), y = __builtin_bswap64(load64(b));
		if (x != y)
			return x < y ? -1 : 1;
		i = 8;	/* equal so far */
	}
	if ((c = memcmp(a + i, b + i, n - i)))
		return c;
	return (an > bn) - (an < bn);
}

static inline int cmp_ngram(const char *key, size_t len, const struct ngram *g)
{
	return key_cmp(key, len, g->key, g->len);
}

/* Room for k more runs at runs[i]; 0 when runs cost too much. */
static int make_room(struct table *t, size_t i, size_t k)
{
	if (too_dear(t))
		return 0;
	if (t->nruns + k > t->runs_cap) {
		t->runs_cap = t->runs_cap ? 2 * t->runs_cap : 16;
		t->runs = xrealloc(t->runs, t->runs_cap * sizeof(*t->runs));
	}
	memmove(t->runs + i + k, t->runs + i, (t->nruns - i) * sizeof(*t->runs));
	t->work += t->nruns - i;
	t->nruns += k;
	return 1;
}

/* A new key, a run of its own at runs[i]; NULL when runs cost too much. */
static struct ngram *new_run(struct table *t, size_t i, const char *key, size_t len)
{
	struct ngram *g;

	if (!make_room(t, i, 1))
		return NULL;
	g = run_alloc(t, key, len);
	t->runs[i] = (struct table_run){ g, g };
	t->open = i;
	return g;
}

/*
 * Key lies inside runs[j], after its first key and before its last: walk
 * the run to where key is, or would be, and split the run there. NULL when
 * runs cost too much.
 */
static struct ngram *split_run(struct table *t, size_t j, const char *key, size_t len)
{
	struct ngram *prev = t->runs[j].lo, *g = run_next(t, prev), *hi = t->runs[j].hi;
	int c;

	if (too_dear(t))
		return NULL;
	while ((c = cmp_ngram(key, len, g)) > 0) {
		prev = g;
		g = run_next(t, g);
		t->work++;
	}
	if (c == 0) {	/* runs[j] ends at g, and the rest is a run */
		if (!make_room(t, j + 1, 1))
			return NULL;
		t->runs[j].hi = g;
		t->runs[j + 1] = (struct table_run){ run_next(t, g), hi };
		t->open = SIZE_MAX;
		return g;
	}
	if (!make_room(t, j + 1, 2))	/* runs[j] to prev, key, g to hi */
		return NULL;
	t->runs[j].hi = prev;
	t->runs[j + 2] = (struct table_run){ g, hi };
	g = run_alloc(t, key, len);
	t->runs[j + 1] = (struct table_run){ g, g };
	t->open = j + 1;
	return g;
}

/* Whether g is the last ngram of the runs' memory. */
static inline int is_last(const struct table *t, const struct ngram *g)
{
	return (const char *)g + ngram_bytes(g->len) == t->mem.end;
}

/*
 * The ngram for key through the runs, or NULL when they cannot tell
 * cheaply. Most keys come after the last one added, before the next run:
 * they extend the open run, whose last ngram is the last of the memory.
 */
static struct ngram *run_upsert(struct table *t, const char *key, size_t len)
{
	struct table_run *r = t->runs;
	size_t n = t->nruns, i = t->open, lo = 0, hi = n;
	int c;

	if (i < n && (c = cmp_ngram(key, len, r[i].hi)) >= 0) {
		if (c == 0)
			return r[i].hi;
		if (i + 1 == n || cmp_ngram(key, len, r[i + 1].lo) < 0)
			return r[i].hi = run_alloc(t, key, len);
	}
	while (lo < hi) {	/* lo: the first run that starts after key */
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_ngram(key, len, r[mid].lo) < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo > 0 && (c = cmp_ngram(key, len, r[lo - 1].hi)) <= 0) {
		struct ngram *g = c == 0 ? r[lo - 1].hi : r[lo - 1].lo;
		if (c < 0 && cmp_ngram(key, len, g))
			return split_run(t, lo - 1, key, len);
		t->open = is_last(t, g) ? lo - 1 : SIZE_MAX;
		return g;
	}
	return new_run(t, lo, key, len);
}

struct ngram *table_upsert(struct table *t, const char *key, size_t len)
{
	struct ngram *g;
	unsigned hash;

	if (t->ordered) {
		if ((g = run_upsert(t, key, len)))
			return g;
		/* For good: every ngram gets its handle now, none is added unhashed. */
		t->ordered = 0;
		t->nruns = 0;
		hash_runs(t);
	}
	if (!t->task)
		return upsert_indexed(t, key, len, index_hash(key, len));
	if (t->appending) {
		t->count++;
		return seq_alloc(&t->part[0].seq, key, len);
	}
	HASH_VALUE(key, len, hash);
	return upsert_hashed(t, key, len, hash);
}

void table_new_source(struct table *t)
{
	t->open = SIZE_MAX;
}

const struct ngram *table_find(const struct table *t, const char *key, size_t len)
{
	struct table_entry *e;

	/* Handles or slots index the ngrams; making them changes no key or total. */
	hash_runs((struct table *)t);
	if (!t->task) {
		size_t at;
		uint64_t h = index_hash(key, len);
		return index_find(&part_of((struct table *)t, h)->ix, h, key, len, &at);
	}
	HASH_FIND(hh, t->head, key, len, e);
	return e ? ngram_of(e) : NULL;
}

/* Add kv's count to its key's total; non-zero when that would wrap. */
static int upsert_add(struct table *t, const struct table_kv *kv, const struct ngram **overflow)
{
	return ngram_add_naming(table_upsert(t, kv->key, kv->len), kv->count, overflow);
}

/*
 * Keys that rise, all after the open run's last and before the next run:
 * a sorted result's batch. They are new, so appended with their counts, no
 * run looked up, no total added to. Returns 0 (nothing added) otherwise.
 */
static int append_rising(struct table *t, const struct table_kv *kv, size_t n)
{
	size_t o = t->open;
	struct ngram *g;

	if (!n || o >= t->nruns || cmp_ngram(kv[0].key, kv[0].len, t->runs[o].hi) <= 0 ||
	    (o + 1 < t->nruns && cmp_ngram(kv[n - 1].key, kv[n - 1].len, t->runs[o + 1].lo) >= 0))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (key_cmp(kv[i - 1].key, kv[i - 1].len, kv[i].key, kv[i].len) >= 0)
			return 0;
	for (size_t i = 0; i < n; i++) {
		g = run_alloc(t, kv[i].key, kv[i].len);
		g->count = kv[i].count;
	}
	t->runs[o].hi = g;
	return 1;
}

/* A key of a batch, for the part its hash picks: where it is, and the hash. */
struct keyref {
	uint64_t h;
	size_t i;
};

/*
 * Add the keys r[0..m) of kv to part p as a pipeline: key j's home slot
 * fetched, key j - D's first candidate ngram fetched, key j - 2D looked
 * up, so that each miss has D keys' work to hide behind. *added counts new
 * keys. Touches part p alone.
 */
static int add_listed(struct table_part *p, const struct table_kv *kv, const struct keyref *r,
		      size_t m, const struct ngram **overflow, size_t *added)
{
	enum { D = 8 };

	for (size_t j = 0; j < m + 2 * D; j++) {
		if (j < m)
			index_prefetch(&p->ix, r[j].h);
		if (j >= D && j - D < m)
			index_peek(&p->ix, r[j - D].h);
		if (j >= 2 * D) {
			const struct keyref *x = &r[j - 2 * D];
			const struct table_kv *e = &kv[x->i];
			if (ngram_add_naming(part_upsert(p, e->key, e->len, x->h, added), e->count,
					     overflow))
				return -EOVERFLOW;
		}
	}
	return 0;
}

/*
 * kv[0..n) hashed into r: part 0's keys from the front, part 1's from the
 * back (r has n entries). Returns how many are part 0's.
 */
static size_t list_parts(struct table *t, const struct table_kv *kv, size_t n, struct keyref *r)
{
	size_t lo = 0, hi = n;

	_Static_assert(NGC_TABLE_PARTS == 2, "the keys of two parts fill r from its two ends");
	for (size_t i = 0; i < n; i++) {
		uint64_t h = index_hash(kv[i].key, kv[i].len);
		if (part_of(t, h) == &t->part[0])
			r[lo++] = (struct keyref){ h, i };
		else
			r[--hi] = (struct keyref){ h, i };
	}
	return lo;
}

static int add_batch_indexed(struct table *t, const struct table_kv *kv, size_t n,
			     const struct ngram **overflow)
{
	struct keyref r[NGC_TABLE_BATCH];
	size_t lo = list_parts(t, kv, n, r);

	if (add_listed(&t->part[0], kv, r, lo, overflow, &t->count))
		return -EOVERFLOW;
	return add_listed(&t->part[1], kv, r + lo, n - lo, overflow, &t->count);
}

/*
 * A lookup in a large table is a cache miss for the bucket, then one for
 * each entry of its chain (one or two). For a batch, hash every key and
 * prefetch its bucket, then each chain's first entry (two lines: an entry
 * is 56 bytes of handle, then the count and the key), then its second,
 * then look up: the misses of the whole batch overlap instead of following
 * one another.
 */
int table_add_batch(struct table *t, const struct table_kv *kv, size_t n,
		    const struct ngram **overflow)
{
	unsigned hash[NGC_TABLE_BATCH], nb, b;
	UT_hash_bucket *bkt;

	if (t->ordered) {
		size_t i = 0;
		/* The first key finds its run; the rest, if they rise past it, go in whole. */
		if (n && t->open >= t->nruns && upsert_add(t, &kv[i++], overflow))
			return -EOVERFLOW;
		if (t->ordered && append_rising(t, kv + i, n - i))
			return 0;
		for (; i < n; i++)
			if (upsert_add(t, &kv[i], overflow))
				return -EOVERFLOW;
		return 0;
	}
	if (!t->task)
		return add_batch_indexed(t, kv, n, overflow);
	if (t->appending) {
		for (size_t i = 0; i < n; i++)
			if (upsert_add(t, &kv[i], overflow))
				return -EOVERFLOW;
		return 0;
	}
	bkt = t->head ? t->head->hh.tbl->buckets : NULL;
	nb = t->head ? t->head->hh.tbl->num_buckets : 0;

	for (size_t i = 0; i < n; i++) {
		HASH_VALUE(kv[i].key, kv[i].len, hash[i]);
		if (bkt) {
			HASH_TO_BKT(hash[i], nb, b);
			__builtin_prefetch(&bkt[b]);
		}
	}
	for (size_t i = 0; bkt && i < n; i++) {
		HASH_TO_BKT(hash[i], nb, b);
		if (bkt[b].hh_head) {
			__builtin_prefetch(bkt[b].hh_head);
			__builtin_prefetch((char *)bkt[b].hh_head + 64);
		}
	}
	for (size_t i = 0; bkt && i < n; i++) {
		HASH_TO_BKT(hash[i], nb, b);
		if (bkt[b].hh_head && bkt[b].hh_head->hh_next)
			__builtin_prefetch(bkt[b].hh_head->hh_next);
	}
	for (size_t i = 0; i < n; i++)
		if (ngram_add_naming(upsert_hashed(t, kv[i].key, kv[i].len, hash[i]), kv[i].count,
			       overflow))
			return -EOVERFLOW;
	return 0;
}

int table_add(struct table *t, const char *key, size_t len, uint64_t n)
{
	return ngram_add(table_upsert(t, key, len), n);
}

unsigned table_part_of(const char *key, size_t len)
{
	return (unsigned)(index_hash(key, len) >> 16) % NGC_TABLE_PARTS;
}

int table_add_part(struct table *t, unsigned p, const struct table_kv *kv, size_t n,
		   const struct ngram **overflow, size_t *added)
{
	enum { CHUNK = 512 };
	struct keyref r[CHUNK];

	for (size_t i = 0; i < n; i += CHUNK) {
		size_t m = n - i < CHUNK ? n - i : CHUNK;
		for (size_t j = 0; j < m; j++) {
			uint64_t h = index_hash(kv[i + j].key, kv[i + j].len);
			if (part_of(t, h) != &t->part[p])
				return -EBADMSG;
			r[j] = (struct keyref){ h, i + j };
		}
		if (add_listed(&t->part[p], kv, r, m, overflow, added))
			return -EOVERFLOW;
	}
	return 0;
}

/*
 * The table's ngrams: a task's table's in uthash's list once hashed, then
 * those it appended (part 0's memory); any other's in its memories, the
 * runs' then each part's; each in the order they were added. A cursor says
 * where the walk is.
 */
struct cursor {
	const struct table_entry *e;	/* uthash's list; NULL: past it */
	unsigned seq;			/* 0: the runs' memory; i: part i - 1's */
};

static inline const struct table_seq *seq_of(const struct table *t, const struct cursor *c)
{
	return c->seq ? &t->part[c->seq - 1].seq : &t->mem;
}

/* g, or, at the end of a memory (NULL), the first ngram of the next. */
static struct ngram *walk_on(const struct table *t, struct cursor *c, struct ngram *g)
{
	while (!g && c->seq < NGC_TABLE_PARTS) {
		const struct table_seq *s = &t->part[c->seq++].seq;
		g = seq_at(s, s->first);
	}
	return g;
}

static struct ngram *first_added(const struct table *t, struct cursor *c)
{
	int listed = t->task && !t->ordered;

	c->e = listed ? t->head : NULL;
	c->seq = 0;
	if (c->e)
		return ngram_of(c->e);
	return walk_on(t, c, listed ? NULL : seq_at(&t->mem, t->mem.first));
}

static struct ngram *next_added(const struct table *t, const struct ngram *g, struct cursor *c)
{
	if (!c->e)
		return walk_on(t, c, seq_next(seq_of(t, c), g));
	c->e = c->e->hh.next;
	return c->e ? ngram_of(c->e) : walk_on(t, c, NULL);
}

int table_foreach(const struct table *t,
		  int (*fn)(const struct ngram *g, void *ctx), void *ctx)
{
	struct cursor e;

	for (const struct ngram *g = first_added(t, &e); g; g = next_added(t, g, &e)) {
		int r = fn(g, ctx);
		if (r)
			return r;
	}
	return 0;
}

/*
 * Sorting works on 24-byte records that carry the count and the key's
 * first eight bytes (big-endian, zero-padded), so it rarely touches an
 * entry: the entries are scattered over the arena, one cache miss each.
 */
struct sort_rec {
	uint64_t count;
	uint64_t prefix;
	const struct ngram *g;
};

/* Key bytes [off, off + 8) as a big-endian word, zero past the key's end. */
static uint64_t key_prefix_at(const struct ngram *g, size_t off)
{
	uint64_t p = 0;
	for (size_t i = off; i < off + 8; i++)
		p = p << 8 | (i < g->len ? (unsigned char)g->key[i] : 0);
	return p;
}

static uint64_t key_prefix(const struct ngram *g)
{
	return key_prefix_at(g, 0);
}

int table_merge(struct table *dst, const struct table *src, const struct ngram **overflow)
{
	struct cursor e;

	table_new_source(dst);
	for (const struct ngram *g = first_added(src, &e); g; g = next_added(src, g, &e))
		if (ngram_add_naming(table_upsert(dst, g->key, g->len), g->count, overflow))
			return -EOVERFLOW;
	return 0;
}

int ngram_cmp_key(const struct ngram *a, const struct ngram *b)
{
	return key_cmp(a->key, a->len, b->key, b->len);
}

int ngram_cmp_count(const struct ngram *a, const struct ngram *b)
{
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return ngram_cmp_key(a, b);
}

static int by_count_then_key(const void *pa, const void *pb)
{
	const struct sort_rec *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return ngram_cmp_key(a->g, b->g);
}

/* Byte d of the sort key (~count, prefix), most significant first. */
static inline unsigned digit(const struct sort_rec *r, unsigned d)
{
	return (unsigned)((d < 8 ? ~r->count >> (56 - 8 * d) : r->prefix >> (120 - 8 * d)) & 0xff);
}

static inline int rec_before(const struct sort_rec *a, const struct sort_rec *b)
{
	return a->count != b->count ? a->count > b->count : a->prefix < b->prefix;
}

static void insertion_sort(struct sort_rec *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct sort_rec x = r[i];
		size_t j = i;
		for (; j > 0 && rec_before(&x, &r[j - 1]); j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
}

/*
 * MSD radix sort on (count descending, prefix ascending), from digit d, in
 * place (American flag sort: each record swapped straight into its
 * bucket), so a sort needs no second array of new pages. A digit the
 * same in every record is skipped; buckets of a few dozen records are
 * insertion sorted: about three passes over the data in all, where an LSD
 * sort makes one for every digit that varies.
 */
/*
 * r[0..n) into buckets by digit d, in place, count[] their sizes. Returns
 * 0 when every record is in one bucket (nothing moved).
 */
static int distribute(struct sort_rec *r, size_t n, unsigned d, size_t count[256])
{
	size_t next[256], end[256];

	memset(count, 0, 256 * sizeof(*count));
	for (size_t i = 0; i < n; i++)
		count[digit(&r[i], d)]++;
	if (count[digit(&r[0], d)] == n)
		return 0;
	for (size_t v = 0, sum = 0; v < 256; v++) {
		next[v] = sum;
		end[v] = sum += count[v];
	}
	for (unsigned v = 0; v < 256; v++)
		while (next[v] < end[v]) {
			struct sort_rec x = r[next[v]];
			unsigned dx = digit(&x, d);
			while (dx != v) {	/* x to its bucket, and what it displaces on */
				struct sort_rec y = r[next[dx]];
				r[next[dx]++] = x;
				x = y;
				dx = digit(&x, d);
			}
			r[next[v]++] = x;
		}
	return 1;
}

static void radix_sort(struct sort_rec *r, size_t n, unsigned d)
{
	size_t count[256];

	for (; n > 48 && d < 16; d++) {
		if (!distribute(r, n, d, count))
			continue;
		for (size_t v = 0, start = 0; v < 256; start += count[v++])
			if (count[v] > 1)
				radix_sort(r + start, count[v], d + 1);
		return;
	}
	insertion_sort(r, n);
}

static int by_len(const void *pa, const void *pb)
{
	const struct sort_rec *a = pa, *b = pb;
	return (a->g->len > b->g->len) - (a->g->len < b->g->len);
}

/*
 * r[0..n) tie on their count and on their keys' bytes [0, off): in key
 * order. A few go to qsort; more are radix sorted again on their next
 * eight bytes (read from each entry, fetched 8 ahead), and so on. Keys
 * equal in the bytes they have, zero-padded, differ by trailing NULs: the
 * shorter first. Text trigrams tie this way by the million (a count of 1,
 * "of the ..."), where qsort's compares each miss the cache.
 */
static void sort_ties(struct sort_rec *r, size_t n, size_t off)
{
	size_t longest = 0;

	if (n <= 48) {
		qsort(r, n, sizeof(*r), by_count_then_key);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i + 8 < n)
			__builtin_prefetch(r[i + 8].g->key + off);
		r[i].prefix = key_prefix_at(r[i].g, off);
		longest = r[i].g->len > longest ? r[i].g->len : longest;
	}
	if (longest <= off) {
		qsort(r, n, sizeof(*r), by_len);
		return;
	}
	radix_sort(r, n, 8);	/* the counts are equal: the prefix's digits */
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && r[j].prefix == r[i].prefix; j++)
			;
		if (j - i > 1)
			sort_ties(r + i, j - i, off + 8);
	}
}

/*
 * Sorted on the records, then runs that tie on both count and prefix are
 * put in full key order (sort_ties).
 */
/* The first digit not the same in every record: those before it are skipped in one pass. */
static unsigned first_varying(const struct sort_rec *r, size_t n)
{
	uint64_t dc = 0, dp = 0;
	unsigned d = 0;

	for (size_t i = 1; i < n; i++) {
		dc |= r[i].count ^ r[0].count;
		dp |= r[i].prefix ^ r[0].prefix;
	}
	while (d < 16 && !(d < 8 ? dc >> (56 - 8 * d) : dp >> (120 - 8 * d)))
		d++;
	return d;
}

static void sort_records(struct sort_rec *r, size_t n)
{
	radix_sort(r, n, first_varying(r, n));
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && r[j].count == r[i].count && r[j].prefix == r[i].prefix; j++)
			;
		if (j - i > 1)
			sort_ties(r + i, j - i, 8);
	}
}

/*
 * The records of t's ngrams with count >= min, into a; returns how many.
 * by_key: every record's count is 0, so they sort in key order alone.
 * They lie in memory in the order they were added: memory a few ahead is
 * fetched while this one is read.
 */
static size_t make_records(const struct table *t, uint64_t min, int by_key, struct sort_rec *a)
{
	struct cursor e;
	size_t k = 0;

	for (const struct ngram *g = first_added(t, &e); g; g = next_added(t, g, &e)) {
		__builtin_prefetch((const char *)g + 1024);
		if (g->count >= min)
			a[k++] = (struct sort_rec){ by_key ? 0 : g->count, key_prefix(g), g };
	}
	return k;
}

/* Room for a record of each entry: on huge pages when many (a sort moves them at random). */
static struct sort_rec *new_records(const struct table *t)
{
	size_t bytes = (t->count ? t->count : 1) * sizeof(struct sort_rec);
	return xmalloc_huge(&bytes);
}

struct half {
	struct sort_rec *r;
	size_t n;
};

/* The helper's range, sorted in place. */
static void sort_half(void *p)
{
	const struct half *h = p;
	sort_records(h->r, h->n);
}

/*
 * r[0..n) in two ranges, every record of the first before every record of
 * the second in the sorted order, for two threads to sort with no merge
 * after: MSD passes on the digits, each into the bucket that holds the
 * middle record, until a bucket boundary falls within an eighth of n of
 * the middle. Returns that boundary, or 0 (records too alike to split).
 */
static size_t split_point(struct sort_rec *r, size_t n)
{
	size_t lo = 0, hi = n, mid = n / 2, count[256];

	for (unsigned d = first_varying(r, n); d < 16 && hi - lo > 1; d++) {
		size_t best = 0, at = lo;
		if (!distribute(r + lo, hi - lo, d, count))
			continue;
		for (unsigned v = 0; v < 256; at += count[v++]) {
			size_t b = at + count[v];	/* the boundary after bucket v */
			if ((b > mid ? b - mid : mid - b) < (best > mid ? best - mid : mid - best))
				best = b;
			if (at <= mid && mid < b) {	/* the middle's bucket: next digit */
				lo = at;
				hi = b;
			}
		}
		if ((best > mid ? best - mid : mid - best) <= n / 8)
			return best;
	}
	return 0;
}

/*
 * r[0..n) sorted. With split, from NGC_SORT_SPLIT records, split in two
 * ranges (split_point): the helper thread sorts the first while this one
 * sorts the second. Without the helper (a child process, fewer records,
 * records too alike), this thread sorts them all.
 */
static void sort_split(struct sort_rec *r, size_t n, int split)
{
	struct half first = { r, split && n >= NGC_SORT_SPLIT ? split_point(r, n) : 0 };
	int helped = first.n && helper_start(sort_half, &first);

	sort_records(r + (helped ? first.n : 0), n - (helped ? first.n : 0));
	if (helped)
		helper_wait();
}

/*
 * An ordered table's ngrams in key order: the runs in order, each from its
 * first ngram to its last. *r is the run of the ngram.
 */
static struct ngram *key_first(const struct table *t, size_t *r)
{
	*r = 0;
	return t->nruns ? t->runs[0].lo : NULL;
}

static struct ngram *key_next(const struct table *t, const struct ngram *g, size_t *r)
{
	if (g != t->runs[*r].hi)
		return run_next(t, g);
	return ++*r < t->nruns ? t->runs[*r].lo : NULL;
}

/*
 * An ordered table sorts otherwise: its runs, in order, give its entries
 * in key order, and a stable sort on the count alone then leaves ties in
 * key order, with no key compared. A record is one word, the count above
 * and the entry's rank in key order in the low rb bits, so a pass moves 8
 * bytes a record; the ranks then index the entries, listed in key order in
 * the half the sort left free: 16 bytes a key in all.
 */
#define NGC_DIGIT_MASK	0xffu

/* Bits needed to write x: 0 for 0. */
static inline unsigned bit_length(uint64_t x)
{
	return x ? 64 - (unsigned)__builtin_clzll(x) : 0;
}

/* Byte d of a count, inverted: most frequent first. */
static inline unsigned count_digit(uint64_t count, unsigned d)
{
	return (unsigned)(~count >> 8 * d) & NGC_DIGIT_MASK;
}

/*
 * r[0..n) by count, most frequent first, ties in the order they came: LSD
 * radix sort on the nd bytes of the count, a pass a byte through tmp and
 * back, passing over a byte that is the same in every record. Returns r
 * or tmp, whichever holds them.
 */
static uint64_t *sort_by_count(uint64_t *r, uint64_t *tmp, size_t n, unsigned rb, unsigned nd)
{
	size_t hist[8][NGC_DIGIT_MASK + 1] = { { 0 } };

	for (size_t i = 0; i < n; i++)
		for (unsigned d = 0; d < nd; d++)
			hist[d][count_digit(r[i] >> rb, d)]++;
	for (unsigned d = 0; d < nd && n; d++) {
		size_t *at = hist[d], sum = 0;
		if (at[count_digit(r[0] >> rb, d)] == n)
			continue;
		for (unsigned v = 0; v <= NGC_DIGIT_MASK; v++) {
			size_t c = at[v];
			at[v] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[at[count_digit(r[i] >> rb, d)]++] = r[i];
		uint64_t *x = r;
		r = tmp;
		tmp = x;
	}
	return r;
}

/*
 * table_sorted of an ordered table: one process, no key compared. NULL
 * when a count and a rank do not fit in one word together (a count of
 * 2^(64 - rb) or more, a rank taking rb bits); the caller sorts it as a
 * hashed table.
 */
static const struct ngram **sorted_in_key_order(const struct table *t, uint64_t min, size_t *n)
{
	size_t cap = t->count ? t->count : 1, k = 0, r;
	uint64_t *a = xmalloc(2 * cap * sizeof(*a)), *s, all = 0;
	const struct ngram **keys, **v;
	unsigned rb = bit_length(cap - 1), cb;

	/* The helper faults the records in ahead of the walk that fills them. */
	prefault_ahead(a, 2 * cap * sizeof(*a));

	for (const struct ngram *g = key_first(t, &r); g; g = key_next(t, g, &r)) {
		__builtin_prefetch((const char *)g + 1024);
		if (g->count >= min) {
			a[k] = g->count << rb | k;
			k++;
			all |= g->count;
		}
	}
	cb = bit_length(all);
	if (cb + rb > 64) {
		free(a);
		return NULL;
	}
	s = sort_by_count(a, a + cap, k, rb, (cb + 7) / 8);
	/* The ranks' entries, in key order, in the other half. */
	keys = (const struct ngram **)(void *)(s == a ? a + cap : a);
	k = 0;
	for (const struct ngram *g = key_first(t, &r); g; g = key_next(t, g, &r)) {
		__builtin_prefetch((const char *)g + 1024);
		if (g->count >= min)
			keys[k++] = g;
	}
	/* Each record becomes its entry, in place; then to the front. */
	v = (const struct ngram **)(void *)s;
	for (size_t j = 0; j < k; j++)
		v[j] = keys[s[j] & (((uint64_t)1 << rb) - 1)];
	if (s != a)
		memmove(a, v, k * sizeof(*v));
	*n = k;
	return xrealloc(a, (k ? k : 1) * sizeof(*v));
}

const struct ngram **table_sorted(const struct table *t, uint64_t min, int split, size_t *n)
{
	struct sort_rec *a;
	const struct ngram **v;
	size_t k;

	if (t->ordered && (v = sorted_in_key_order(t, min, n)))
		return v;
	a = new_records(t);
	k = make_records(t, min, 0, a);
	sort_split(a, k, split);
	/* The pointers move to the front of the same memory, in order. */
	v = (const struct ngram **)(void *)a;
	for (size_t j = 0; j < k; j++)
		v[j] = a[j].g;
	*n = k;
	return xrealloc(v, (k ? k : 1) * sizeof(*v));
}

#define NGC_KEY_AHEAD	16	/* entries fetched ahead of the one visited */

int table_foreach_by_key(const struct table *t, uint64_t min, int split,
			 int (*fn)(const struct ngram *g, void *ctx), void *ctx)
{
	struct sort_rec *a;
	size_t k, r;
	int err = 0;

	if (t->ordered) {
		for (const struct ngram *g = key_first(t, &r); g && !err; g = key_next(t, g, &r))
			if (g->count >= min)
				err = fn(g, ctx);
		return err;
	}
	a = new_records(t);
	k = make_records(t, min, 1, a);
	sort_split(a, k, split);
	for (size_t i = 0; i < k && !err; i++) {
		if (i + NGC_KEY_AHEAD < k)
			__builtin_prefetch(a[i + NGC_KEY_AHEAD].g);
		err = fn(a[i].g, ctx);
	}
	free(a);
	return err;
}

void table_seal(struct table *t)
{
	for (unsigned i = 0; i < NGC_TABLE_PARTS; i++)
		index_fini(&t->part[i].ix);
}

size_t table_bytes(const struct table *t)
{
	size_t b = t->mem.arena.bytes + t->hashed.bytes + t->runs_cap * sizeof(struct table_run);

	for (unsigned i = 0; i < NGC_TABLE_PARTS; i++)
		b += t->part[i].seq.arena.bytes + index_bytes(&t->part[i].ix);
	if (t->head)
		b += t->head->hh.tbl->num_buckets * sizeof(UT_hash_bucket) +
		     sizeof(UT_hash_table);
	return b;
}
