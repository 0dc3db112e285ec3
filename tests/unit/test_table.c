/*
 * test_table - totals, overflow, sort order, reset; and the arena under it.
 * Every test runs on both kinds of table: a task's (uthash) and the final
 * one's (the index); the uthash growth rule on a task's only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngramcount/arena.h"
#include "ngramcount/table.h"
#include "ngramcount/util.h"
#include "t.h"

static int task_kind;	/* the suite's round: task tables, or final ones */

static void init(struct table *t)
{
	if (task_kind)
		table_init_task(t, 0);
	else
		table_init(t);
}

/* The bytes of uthash's buckets or of the parts' indexes. */
static size_t hash_bytes(const struct table *t)
{
	size_t b = table_bytes(t) - t->mem.arena.bytes - t->hashed.bytes;
	for (unsigned i = 0; i < NGC_TABLE_PARTS; i++)
		b -= t->part[i].seq.arena.bytes;
	return b;
}

static void sums_per_key(void)
{
	struct table t;
	init(&t);
	CHECK(table_add(&t, "a", 1, 2) == 0);
	CHECK(table_add(&t, "b", 1, 5) == 0);
	CHECK(table_add(&t, "a", 1, 3) == 0);
	CHECK(table_add(&t, "a\0b", 3, 1) == 0);	/* keys are bytes, NUL included */
	CHECK(t.count == 3);
	CHECK(table_upsert(&t, "a", 1)->count == 5);
	CHECK(table_upsert(&t, "a\0b", 3)->count == 1);
	CHECK(table_upsert(&t, "new", 3)->count == 0 && t.count == 4);
	table_fini(&t);
}

static void overflow_is_an_error(void)
{
	struct table t;
	init(&t);
	CHECK(table_add(&t, "x", 1, UINT64_MAX - 1) == 0);
	CHECK(table_add(&t, "x", 1, 1) == 0);
	CHECK(table_add(&t, "x", 1, 1) == -EOVERFLOW);
	CHECK(table_upsert(&t, "x", 1)->count == UINT64_MAX);
	table_fini(&t);
}

static void sorted_by_count_then_bytes(void)
{
	struct table t;
	const struct ngram **v;
	size_t n;
	init(&t);
	table_add(&t, "b", 1, 7);
	table_add(&t, "ab", 2, 7);
	table_add(&t, "a", 1, 7);
	table_add(&t, "\xc3\xa9", 2, 7);	/* UTF-8 sorts after ASCII */
	table_add(&t, "z", 1, 9);
	table_add(&t, "big", 3, 5000000000ull);
	v = table_sorted(&t, 0, 0, &n);
	CHECK(n == 6);
	CHECK(v[0]->len == 3 && !memcmp(v[0]->key, "big", 3));
	CHECK(v[1]->len == 1 && v[1]->key[0] == 'z');
	CHECK(v[2]->len == 1 && v[2]->key[0] == 'a');
	CHECK(v[3]->len == 2 && !memcmp(v[3]->key, "ab", 2));
	CHECK(v[4]->len == 1 && v[4]->key[0] == 'b');
	CHECK(v[5]->len == 2 && (unsigned char)v[5]->key[0] == 0xc3);
	free(v);
	table_fini(&t);
}

static int cmp_count(const void *a, const void *b)
{
	return ngram_cmp_count(*(const struct ngram *const *)a, *(const struct ngram *const *)b);
}

static int cmp_key(const void *a, const void *b)
{
	return ngram_cmp_key(*(const struct ngram *const *)a, *(const struct ngram *const *)b);
}

struct at_least {
	uint64_t min;
	const struct ngram **v;
	size_t n;
};

static int collect_at_least(const struct ngram *g, void *ctx)
{
	struct at_least *w = ctx;
	if (g->count >= w->min)
		w->v[w->n++] = g;
	return 0;
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
	return *x;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Counts of every width, and many ties. */
static uint64_t some_count(int i, uint64_t x)
{
	return i % 4 == 0 ? x % 7 : i % 4 == 1 ? x >> (x % 64) : x % 100000;
}

/*
 * n adds over keys drawn from 2 x keys, in no order: keys that share
 * their first eight bytes or are prefixes of one another. The table
 * hashes them.
 */
static void add_at_random(struct table *t, int n_adds, uint64_t keys)
{
	char key[32];
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < n_adds; i++) {
		int len = snprintf(key, sizeof(key), "%s%llu", i % 3 ? "sharedpre" : "",
				   (unsigned long long)(rnd(&x) % keys));
		table_add(t, key, (size_t)len, some_count(i, x));
	}
	CHECK(!t->ordered);
}

/*
 * The keys (the same kinds) in byte order, cut into sources ranges, each
 * sharing its first key with the last of the one before, as partitions
 * do, and added in a random order; three keys in four are in a range. The
 * table keeps them in runs.
 */
static void add_sorted_sources(struct table *t, int sources, int keys, uint64_t mask)
{
	char (*key)[32] = malloc((size_t)keys * sizeof(*key));
	const char **sorted = malloc((size_t)keys * sizeof(*sorted));
	int *order = malloc((size_t)sources * sizeof(*order));
	uint64_t x = 2463534242ull;
	for (int k = 0; k < keys; k++) {
		snprintf(key[k], sizeof(key[k]), "%s%d", k % 3 ? "sharedpre" : "", k);
		sorted[k] = key[k];
	}
	qsort(sorted, (size_t)keys, sizeof(*sorted), cmp_str);
	for (int s = 0; s < sources; s++)
		order[s] = s;
	for (int s = sources - 1; s > 0; s--) {
		int j = (int)(rnd(&x) % (uint64_t)(s + 1)), tmp = order[s];
		order[s] = order[j], order[j] = tmp;
	}
	for (int s = 0, i = 0; s < sources; s++) {
		int from = order[s] * (keys / sources), to = from + keys / sources;
		table_new_source(t);
		for (int k = from ? from - 1 : 0; k < to; k++)
			if (rnd(&x) % 4 || k == from - 1)
				table_add(t, sorted[k], strlen(sorted[k]),
					  some_count(i++, x >> 2) & mask);
	}
	CHECK(t->ordered);
	free(order);
	free(sorted);
	free(key);
}

/*
 * table_sorted and table_foreach_by_key against qsort, those below min
 * left out: a hashed table takes the radix sort on count and prefix
 * (split: on two threads) and a qsort by key, an ordered one the stable
 * sort on count of its entries in key order, and that order as it is.
 */
static void check_sorted(struct table *t, uint64_t min, int split)
{
	size_t n;
	const struct ngram **v = table_sorted(t, min, split, &n);
	struct at_least k = { 0, malloc(t->count * sizeof(*k.v)), 0 };
	struct at_least w = { min, malloc(t->count * sizeof(*w.v)), 0 };

	CHECK(table_foreach_by_key(t, min, split, collect_at_least, &k) == 0);
	table_foreach(t, collect_at_least, &w);
	qsort(w.v, w.n, sizeof(*w.v), cmp_count);
	CHECK(v && n > 1000 && (min == 0 || n < t->count) && n == w.n &&
	      memcmp(v, w.v, n * sizeof(*v)) == 0);
	CHECK(!split || t->count >= NGC_SORT_SPLIT);
	qsort(w.v, w.n, sizeof(*w.v), cmp_key);
	CHECK(k.n == w.n && memcmp(k.v, w.v, k.n * sizeof(*k.v)) == 0);
	free(v);
	free(k.v);
	free(w.v);
}

static void sorted_like_qsort(void)
{
	struct table t;
	init(&t);
	add_at_random(&t, 100000, 5000);
	check_sorted(&t, 1000, 0);
	table_fini(&t);
}

/* Over NGC_SORT_SPLIT keys, a child process sorts one range of them. */
static void sorted_on_two_threads(void)
{
	struct table t;
	init(&t);
	add_at_random(&t, 600000, 200000);
	check_sorted(&t, 0, 1);
	table_fini(&t);
}

/*
 * Text trigrams' shape: nearly every count 1, and keys that share their
 * first 8, 16 or 24 bytes, or differ only by trailing NULs; on one thread
 * and on two.
 */
static void sorted_with_long_ties(void)
{
	static const char *const heads[] = { "of the ", "of the same ", "in the middle of the ",
					     "x" };
	char key[64];
	uint64_t x = 7;
	struct table t;

	for (int split = 0; split < 2; split++) {
		init(&t);
		for (int i = 0; i < 400000; i++) {
			const char *h = heads[rnd(&x) % 4];
			int len = snprintf(key, sizeof(key), "%s%llu", h,
					   (unsigned long long)(rnd(&x) % 250000));
			if (rnd(&x) % 50 == 0)	/* the same key, a NUL or two longer */
				len += (int)(rnd(&x) % 2) + 1, key[len - 1] = '\0', key[len - 2] &= 0x7f;
			table_add(&t, key, (size_t)len, rnd(&x) % 20 ? 1 : 1 + rnd(&x) % 3);
		}
		check_sorted(&t, 0, split);
		table_fini(&t);
	}
}

/* Bits of the largest count, and of the largest rank of an entry. */
static unsigned count_and_rank_bits(struct table *t)
{
	struct at_least w = { 0, malloc(t->count * sizeof(*w.v)), 0 };
	uint64_t all = 0;
	table_foreach(t, collect_at_least, &w);
	for (size_t i = 0; i < w.n; i++)
		all |= w.v[i]->count;
	free(w.v);
	return (unsigned)(64 - __builtin_clzll(all)) + (unsigned)(64 - __builtin_clzll(t->count - 1));
}

/*
 * Ordered: key order from the runs, and ties in it without a key
 * compared; a count and a rank in one word, up to all 64 bits of it, and
 * counts too large for that, which sort as a hashed table's. The sort
 * leaves the records in the first half of its memory after an even number
 * of passes (six bytes of count; two), in the second after an odd one
 * (20-bit counts: three).
 */
static void sorted_in_key_order(void)
{
	struct table t;
	init(&t);
	add_sorted_sources(&t, 40, 400000, (1ull << 45) - 1);
	CHECK(count_and_rank_bits(&t) == 64);
	check_sorted(&t, 0, 1);
	table_reset(&t);
	add_sorted_sources(&t, 3, 20000, 0xffff);
	check_sorted(&t, 1000, 0);
	table_reset(&t);
	add_sorted_sources(&t, 3, 20000, 0xfffff);
	check_sorted(&t, 1000, 0);
	table_reset(&t);
	add_sorted_sources(&t, 40, 400000, UINT64_MAX);
	CHECK(count_and_rank_bits(&t) > 64);
	check_sorted(&t, 0, 1);
	table_fini(&t);
}

static void reset_and_reuse(void)
{
	struct table t;
	char key[32];
	init(&t);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 50000; i++) {
			int n = snprintf(key, sizeof(key), "k%d", i);
			table_add(&t, key, (size_t)n, 1);
		}
		CHECK(t.count == 50000);
		CHECK(table_upsert(&t, "k123", 4)->count == 1);
		table_reset(&t);
		CHECK(t.count == 0);
	}
	table_fini(&t);
}

static int count_entry(const struct ngram *g, void *ctx)
{
	(void)g;
	++*(size_t *)ctx;
	return 0;
}

/* Sums each visited entry into want[] by its key's number ("kNNNNN"). */
static int subtract_entry(const struct ngram *g, void *ctx)
{
	uint64_t *want = ctx;
	char num[16];
	memcpy(num, g->key + 1, g->len - 1);
	num[g->len - 1] = 0;
	want[strtoul(num, NULL, 10)] -= g->count;
	return 0;
}

static int keys_rise(const struct ngram *g, void *ctx)
{
	const struct ngram **prev = ctx;
	CHECK(!*prev || ngram_cmp_key(*prev, g) <= 0);
	*prev = g;
	return 0;
}

/*
 * A worker's table given keys that are nearly all new stops looking them
 * up: each key given twice is then two entries, and every walk sees both.
 * Keys that repeat keep it hashing; reset starts it over.
 */
static void gives_up_pre_aggregating(void)
{
	enum { N = 20000, R = 2000 };
	static uint64_t want[N];
	const struct ngram **v, *prev = NULL, *over = NULL;
	struct table t;
	char key[16];
	size_t n, seen = 0;

	table_init_task(&t, 1);
	for (int pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < N; i++) {
			unsigned k = i * 7919u % N;
			int len = snprintf(key, sizeof(key), "k%05u", k);
			CHECK(ngram_add(table_upsert(&t, key, (size_t)len), pass ? 1 : k % 5 + 1) == 0);
			want[k] += pass ? 1 : k % 5 + 1;
		}
	CHECK(t.appending && t.count > N);
	n = t.count;	/* a batch while appending is appended too */
	CHECK(table_add_batch(&t, (struct table_kv[]){ { "k00000", 6, 7 }, { "k00001", 6, 1 } }, 2,
			      &over) == 0 && t.count == n + 2);
	want[0] += 7;
	want[1] += 1;
	CHECK(table_foreach(&t, count_entry, &seen) == 0 && seen == t.count);
	CHECK(table_foreach(&t, subtract_entry, want) == 0);
	n = 0;
	for (unsigned k = 0; k < N; k++)
		n += want[k] != 0;
	CHECK(n == 0);
	v = table_sorted(&t, 0, 0, &n);
	CHECK(n == t.count);
	for (size_t i = 1; i < n; i++)
		CHECK(v[i - 1]->count >= v[i]->count);
	free(v);
	CHECK(table_foreach_by_key(&t, 0, 0, keys_rise, &prev) == 0 && prev);

	table_reset(&t);
	CHECK(!t.appending && t.count == 0);
	for (unsigned i = 0; i < 8 * R; i++) {
		int len = snprintf(key, sizeof(key), "k%05u", i * 7919u % R);
		CHECK(table_add(&t, key, (size_t)len, 1) == 0);
	}
	CHECK(!t.appending && t.count == R);
	table_fini(&t);

	table_init_task(&t, 0);		/* may not: it hashes every key */
	for (unsigned i = 0; i < N; i++) {
		int len = snprintf(key, sizeof(key), "k%05u", i * 7919u % N);
		CHECK(table_add(&t, key, (size_t)len, 1) == 0);
	}
	CHECK(!t.appending && t.count == N);
	table_fini(&t);
}

/* The buckets double as keys pass twice their number; every key stays found. */
static void grows_and_finds_every_key(void)
{
	enum { N = 300000 };
	static char keys[N][12];
	struct table_kv kv[NGC_TABLE_BATCH];
	const struct ngram *over = NULL;
	struct table t;
	size_t n = 0, seen = 0;
	init(&t);
	for (size_t i = 0; i < N; i++) {
		int len = snprintf(keys[i], sizeof(keys[i]), "w%zu", i * 7919 % N);
		kv[n++] = (struct table_kv){ keys[i], (size_t)len, i % 3 + 1 };
		if (n == NGC_TABLE_BATCH || i == N - 1) {
			CHECK(table_add_batch(&t, kv, n, &over) == 0);
			n = 0;
		}
		if (i % 1000 == 0)
			CHECK(table_add(&t, keys[i / 2], strlen(keys[i / 2]), 10) == 0);
	}
	CHECK(t.count == N);
	for (size_t i = 0; i < N; i++) {
		const struct ngram *g = table_find(&t, keys[i], strlen(keys[i]));
		CHECK(g && g->count == i % 3 + 1 + (i < N / 2 && i * 2 % 1000 == 0 ? 10 : 0));
	}
	CHECK(table_find(&t, "w", 1) == NULL);
	CHECK(table_foreach(&t, count_entry, &seen) == 0 && seen == N);
	size_t buckets = hash_bytes(&t);
	if (task_kind)	/* two keys a bucket */
		CHECK(buckets >= 8 * (size_t)N && buckets <= 16 * (size_t)N);
	else		/* slots three eighths to three quarters full */
		CHECK(buckets >= 8 * 4 * (size_t)N / 3 && buckets <= 8 * 8 * (size_t)N / 3);
	table_fini(&t);
}

/* Under 2^17 buckets they double as keys pass half their number. */
static void small_tables_spread_their_keys(void)
{
	enum { N = 50000 };
	struct table t;
	char key[16];
	init(&t);
	for (size_t i = 0; i < N; i++) {
		int len = snprintf(key, sizeof(key), "k%zu", i * 7919 % N);
		CHECK(table_add(&t, key, (size_t)len, 1) == 0);
	}
	CHECK(t.count == N && !t.ordered);
	size_t buckets = hash_bytes(&t);
	CHECK(buckets >= 32 * (size_t)N && buckets <= 64 * (size_t)N);	/* half a key a bucket */
	table_fini(&t);
}

static int check_order(const struct ngram *g, void *ctx)
{
	int *i = ctx;
	char want[16];
	int n = snprintf(want, sizeof(want), "k%06d", *i * 2);
	CHECK(g->len == (uint32_t)n && !memcmp(g->key, want, (size_t)n));
	++*i;
	return 0;
}

/*
 * Rising keys are appended unhashed; a lookup buckets them; a key inside
 * their range, there or not, splits it; every key is found once.
 */
static void rising_keys_then_a_fall(void)
{
	enum { N = 100000 };
	char key[16];
	struct table t;
	int n, i = 0;
	init(&t);
	for (int round = 0; round < 2; round++) {
		for (int k = 0; k < N; k++) {
			n = snprintf(key, sizeof(key), "k%06d", k * 2);
			CHECK(ngram_add(table_upsert(&t, key, (size_t)n), (uint64_t)k + 1) == 0);
			CHECK(ngram_add(table_upsert(&t, key, (size_t)n), 1) == 0);
			if (k == N / 2) {	/* a lookup while keys are unhashed */
				const struct ngram *g = table_find(&t, "k000004", 7);
				CHECK(g && g->count == 4);
				CHECK(table_find(&t, "k000005", 7) == NULL);
			}
			if (k == N / 2 + 10) {	/* again: these ten need no more buckets */
				const struct ngram *g = table_find(&t, key, (size_t)n);
				CHECK(g && g->count == (uint64_t)k + 2);
			}
		}
		CHECK(t.count == N && (task_kind ? t.head != NULL : t.part[0].ix.n + t.part[1].ix.n > 0) &&
		      t.unhashed != t.mem.end && t.nruns == 1);
		i = 0;
		CHECK(table_foreach(&t, check_order, &i) == 0 && i == N);
		CHECK(table_upsert(&t, "k000010", 7)->count == 7);	/* falls, there */
		CHECK(table_upsert(&t, "k000011", 7)->count == 0);	/* falls, new */
		CHECK(table_upsert(&t, "k000012", 7)->count == 8);	/* and rises */
		CHECK(table_upsert(&t, "k999999", 7)->count == 0);
		CHECK(t.count == N + 2 && t.unhashed != t.mem.end && t.ordered);
		for (int k = 0; k < N; k++) {
			n = snprintf(key, sizeof(key), "k%06d", k * 2);
			const struct ngram *g = table_find(&t, key, (size_t)n);
			CHECK(g && g->count == (uint64_t)k + 2);
			n = snprintf(key, sizeof(key), "k%06d", k * 2 + 1);
			CHECK((table_find(&t, key, (size_t)n) != NULL) == (k == 5));
		}
		table_reset(&t);	/* and rising again */
	}
	table_fini(&t);
}

/*
 * table_add_part on results of 5000 to 60000 keys, each split by part, in
 * a hashed final table: the totals and the count are a plain array's. A
 * key of the other part is refused; an overflow is named.
 */
static void add_part_like_a_model(void)
{
	enum { N = 100000, R = 40 };
	static uint64_t want[N];
	static char keys[N][16];
	static struct table_kv kv[2][60000];
	const struct ngram *over = NULL;
	unsigned long long x = 5;
	struct table t;
	size_t added;

	if (task_kind)
		return;	/* parts are a final table's */
	memset(want, 0, sizeof(want));
	for (int i = 0; i < N; i++)
		snprintf(keys[i], sizeof(keys[i]), "a%d", i);
	init(&t);
	for (int i = 2000; i-- > 0;)	/* keys that fall: the table hashes */
		CHECK(table_add(&t, keys[i], strlen(keys[i]), 0) == 0);
	CHECK(!t.ordered);
	for (int round = 0; round < R; round++) {
		size_t n = 5000 + t_rand(&x) % 55000, m[2] = { 0, 0 };
		for (size_t i = 0; i < n; i++) {
			size_t k = t_rand(&x) % N;
			uint64_t v = t_rand(&x) % 1000;
			unsigned p = table_part_of(keys[k], strlen(keys[k]));
			want[k] += v;
			kv[p][m[p]++] = (struct table_kv){ keys[k], strlen(keys[k]), v };
		}
		for (unsigned p = 0; p < 2; p++) {
			added = 0;
			CHECK(table_add_part(&t, p, kv[p], m[p], &over, &added) == 0);
			t.count += added;
		}
	}
	size_t seen = 0, bad = 0, walked = 0;
	for (int k = 0; k < N; k++) {
		const struct ngram *g = table_find(&t, keys[k], strlen(keys[k]));
		seen += g != NULL;
		bad += g ? g->count != want[k] : want[k] != 0;
	}
	CHECK(bad == 0 && t.count == seen);
	CHECK(table_foreach(&t, count_entry, &walked) == 0 && walked == t.count);

	unsigned p7 = table_part_of("a7", 2);
	CHECK(table_add_part(&t, !p7, &(struct table_kv){ "a7", 2, 1 }, 1, &over, &added) ==
	      -EBADMSG);
	CHECK(table_add(&t, "a7", 2, UINT64_MAX - want[7]) == 0);
	CHECK(table_add_part(&t, p7, &(struct table_kv){ "a7", 2, 1 }, 1, &over, &added) ==
	      -EOVERFLOW);
	CHECK(over && over->len == 2 && !memcmp(over->key, "a7", 2) && over->count == UINT64_MAX);
	table_fini(&t);
}

/* A batch of rising keys is appended whole; one that repeats a key is not. */
static void batch_that_repeats_a_key(void)
{
	static const char *keys[] = { "a", "b", "c", "c", "d", "e", "f", "g" };
	struct table_kv kv[8];
	const struct ngram *over = NULL, *g;
	struct table t;

	for (int i = 0; i < 8; i++)
		kv[i] = (struct table_kv){ keys[i], 1, (uint64_t)i + 1 };
	init(&t);
	CHECK(table_add_batch(&t, kv, 3, &over) == 0);	/* a, b, c */
	table_new_source(&t);
	CHECK(table_add_batch(&t, kv + 3, 5, &over) == 0);	/* c again, then d to g */
	CHECK(t.count == 7);
	CHECK((g = table_find(&t, "c", 1)) && g->count == 3 + 4);
	table_reset(&t);
	CHECK(table_add_batch(&t, kv, 8, &over) == 0);	/* c twice in one batch */
	CHECK(t.count == 7 && t.ordered);
	CHECK((g = table_find(&t, "c", 1)) && g->count == 3 + 4);
	CHECK((g = table_find(&t, "g", 1)) && g->count == 8);
	table_fini(&t);
}

/*
 * Sorted sources added in any order, as results reach the final table:
 * the sources' ranges interleave (like the files of a dump, each "A".."Z"
 * then "a".."z" of one letter) and touch (partitions sharing the key that
 * straddles their cut). Each key is "<upper or lower><letter><number>";
 * the oracle is a plain array of sums. No key is hashed.
 */
static void sorted_sources_in_any_order(void)
{
	enum { LETTERS = 26, PER = 2000, PARTS = 8, N = LETTERS * 2 * PER };
	static uint64_t want[N];

	memset(want, 0, sizeof(want));	/* the suite runs twice */
	int order[LETTERS * PARTS];
	struct table_kv kv[NGC_TABLE_BATCH];
	const struct ngram *over = NULL;
	static char keys[N][12];
	uint64_t x = 2463534242ull;
	struct table t;
	size_t nkv = 0;

	for (int k = 0; k < N; k++) {	/* k: case, then letter, then number */
		int c = k / (LETTERS * PER), l = k / PER % LETTERS;
		snprintf(keys[k], sizeof(keys[k]), "%c%c%05d", (c ? 'a' : 'A') + l,
			 'a' + (k % PER) * 26 / PER, k % PER);
	}
	for (int i = 0; i < LETTERS * PARTS; i++)
		order[i] = i;
	for (int i = LETTERS * PARTS - 1; i > 0; i--) {
		int j = (int)(rnd(&x) % (uint64_t)(i + 1)), tmp = order[i];
		order[i] = order[j], order[j] = tmp;
	}
	init(&t);
	for (int s = 0; s < LETTERS * PARTS; s++) {
		/* part p of letter l: its upper then lower keys, ends shared */
		int l = order[s] / PARTS, p = order[s] % PARTS;
		table_new_source(&t);
		for (int c = 0; c < 2; c++) {
			int from = (c * LETTERS + l) * PER;
			for (int k = from + p * PER / PARTS; k <= from + (p + 1) * PER / PARTS && k < from + PER; k++) {
				uint64_t v = rnd(&x) % 1000;
				want[k] += v;
				kv[nkv++] = (struct table_kv){ keys[k], strlen(keys[k]), v };
				if (nkv == NGC_TABLE_BATCH) {
					CHECK(table_add_batch(&t, kv, nkv, &over) == 0);
					nkv = 0;
				}
			}
		}
		CHECK(table_add_batch(&t, kv, nkv, &over) == 0);
		nkv = 0;
	}
	CHECK(t.count == N && t.ordered && !t.head);
	for (int k = 0; k < N; k++) {
		const struct ngram *g = table_find(&t, keys[k], strlen(keys[k]));
		CHECK(g && g->count == want[k]);
	}
	table_fini(&t);
}

/*
 * Keys that fall all the time (each its own run) or come again inside a
 * run: the table gives the runs up and hashes, and no total changes, nor
 * where an ngram of the runs lies.
 */
static void gives_runs_up_for_hashing(void)
{
	enum { N = 20000 };
	static uint64_t want[N];

	memset(want, 0, sizeof(want));	/* the suite runs twice */
	char key[16];
	struct table t;
	struct ngram *mid = NULL;
	uint64_t x = 1;

	init(&t);
	for (int round = 0; round < 2; round++) {
		for (int i = N - 1; i >= 0; i--) {	/* round 0 falls, round 1 comes again */
			int n = snprintf(key, sizeof(key), "d%06d", round ? N - 1 - i : i);
			uint64_t v = rnd(&x) % 100;
			want[round ? N - 1 - i : i] += v;
			CHECK(table_add(&t, key, (size_t)n, v) == 0);
		}
		CHECK(!t.ordered && t.count == N);
		for (int i = 0; i < N; i++) {
			int n = snprintf(key, sizeof(key), "d%06d", i);
			const struct ngram *g = table_find(&t, key, (size_t)n);
			CHECK(g && g->count == want[i]);
		}
		CHECK(!mid || table_find(&t, "d010000", 7) == mid);
		if (!round) {
			table_reset(&t);	/* ordered again, and the keys rise */
			memset(want, 0, sizeof(want));
			for (int i = 0; i < N; i++) {
				int n = snprintf(key, sizeof(key), "d%06d", i);
				want[i] = 1;
				CHECK(table_add(&t, key, (size_t)n, 1) == 0);
			}
			CHECK(t.ordered && t.nruns == 1);
			mid = table_upsert(&t, "d010000", 7);
		}
	}
	table_fini(&t);
}

/*
 * ngram_cmp_key is byte order, unsigned, a prefix first: against a plain
 * byte loop, on keys of 0 to 20 bytes from an alphabet of NUL, two
 * letters and two high bytes (most pairs share their first bytes).
 */
static void key_order_is_bytes(void)
{
	static const unsigned char abc[] = { 0, 'a', 'b', 0x80, 0xff };
	union { struct ngram g; char b[64]; } x, y;
	uint64_t s = 7;

	for (int i = 0; i < 200000; i++) {
		int want = 0;
		x.g.len = (uint32_t)(rnd(&s) % 21);
		y.g.len = (uint32_t)(rnd(&s) % 21);
		for (uint32_t j = 0; j < 20; j++)
			x.g.key[j] = y.g.key[j] = (char)abc[rnd(&s) % (j < 10 ? 2 : 5)];
		y.g.key[rnd(&s) % 20] = (char)abc[rnd(&s) % 5];
		for (uint32_t j = 0; !want && j < x.g.len && j < y.g.len; j++)
			want = (unsigned char)x.g.key[j] - (unsigned char)y.g.key[j];
		if (!want)
			want = (int)x.g.len - (int)y.g.len;
		int got = ngram_cmp_key(&x.g, &y.g);
		CHECK((got > 0) == (want > 0) && (got < 0) == (want < 0));
	}
}

static void arena_alignment_and_big(void)
{
	struct arena a;
	arena_init(&a);
	for (int i = 1; i < 1000; i++) {
		char *p = arena_alloc(&a, (size_t)i);
		CHECK(((uintptr_t)p & 7) == 0);
		memset(p, 1, (size_t)i);
	}
	char *big = arena_alloc(&a, 20u << 20);
	memset(big, 2, 20u << 20);
	arena_reset(&a);
	/* The newest block is kept: whole huge pages. */
	CHECK(a.bytes >= 20u << 20 && a.bytes < (20u << 20) + NGC_HUGE_PAGE);
	CHECK(arena_alloc(&a, 8) != NULL);
	arena_fini(&a);
	CHECK(a.head == NULL && a.bytes == 0);
}

static void suite(void)
{
	T_RUN(sums_per_key);
	T_RUN(overflow_is_an_error);
	T_RUN(sorted_by_count_then_bytes);
	T_RUN(sorted_like_qsort);
	T_RUN(sorted_on_two_threads);
	T_RUN(sorted_with_long_ties);
	T_RUN(sorted_in_key_order);
	T_RUN(reset_and_reuse);
	T_RUN(grows_and_finds_every_key);
	T_RUN(rising_keys_then_a_fall);
	T_RUN(batch_that_repeats_a_key);
	T_RUN(add_part_like_a_model);
	T_RUN(sorted_sources_in_any_order);
	T_RUN(gives_runs_up_for_hashing);
	T_RUN(key_order_is_bytes);
}

int main(void)
{
	task_kind = 1;
	T_RUN(small_tables_spread_their_keys);
	T_RUN(gives_up_pre_aggregating);
	for (task_kind = 0; task_kind < 2; task_kind++) {
		printf("# %s tables\n", task_kind ? "task" : "final");
		suite();
	}
	T_RUN(arena_alignment_and_big);
	T_DONE();
}
