/*
 * test_index - the final table's index against a plain model: every ngram
 * put is found (the same pointer), every key not put is not, whatever the
 * keys (equal but for one byte, longer than a cache line, empty, one byte)
 * and however their hashes collide.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngramcount/arena.h"
#include "ngramcount/table.h"
#include "t.h"

/*
 * index.c itself, with a hash that can be made weak: keys "t<i>" then hash
 * to i above one shared tag, keys "s<i>" all to one value.
 */
static int weak;
static uint64_t test_hash(const char *key, size_t len);
#define INDEX_REHASH(key, len) test_hash(key, len)
#include "../../src/index.c"

static uint64_t test_hash(const char *key, size_t len)
{
	if (!weak)
		return index_hash(key, len);
	uint64_t i = 0;
	if (key[0] == 's')
		return 0xabcdef0123456789ull;
	for (size_t j = 1; j < len; j++)	/* keys are not NUL-terminated */
		i = i * 10 + (uint64_t)(key[j] - '0');
	return i * 0x9e3779b97f4a7c15ull << 16 | 0x1234;
}

struct model {
	struct arena a;
	struct ngram **g;	/* the ngrams put, in order */
	uint64_t *h;		/* their hashes as given */
	size_t n;
};

static struct ngram *make(struct arena *a, const char *key, size_t len)
{
	struct ngram *g = arena_alloc(a, sizeof(*g) + len);
	g->count = 0;
	g->len = (uint32_t)len;
	memcpy(g->key, key, len);
	return g;
}

/* Put key with hash h unless found; the model keeps what was put. */
static void put(struct index *x, struct model *m, const char *key, size_t len, uint64_t h)
{
	size_t at;
	if (index_find(x, h, key, len, &at))
		return;
	m->g[m->n] = make(&m->a, key, len);
	m->h[m->n] = h;
	index_put(x, at, m->g[m->n], h);
	m->n++;
}

static void model_init(struct model *m, size_t cap)
{
	arena_init(&m->a);
	m->g = malloc(cap * sizeof(*m->g));
	m->h = malloc(cap * sizeof(*m->h));
	m->n = 0;
}

static void model_fini(struct model *m)
{
	arena_fini(&m->a);
	free(m->g);
	free(m->h);
}

/* Every ngram of the model is found, as itself; index_add's too. */
static void check_all(const struct index *x, const struct model *m)
{
	size_t at, bad = 0;
	for (size_t i = 0; i < m->n; i++)
		bad += index_find(x, m->h[i], m->g[i]->key, m->g[i]->len, &at) != m->g[i];
	CHECK(bad == 0);
	CHECK(x->n == m->n);
}

/* Random keys of 0 to 200 bytes, some repeated, through growth. */
static void random_keys(void)
{
	enum { N = 200000 };
	struct index x;
	struct model m;
	char key[200];
	unsigned long long s = 7;
	size_t at, wrong = 0;

	index_init(&x);
	model_init(&m, N);
	for (size_t i = 0; i < N; i++) {
		size_t len = t_rand(&s) % 3 ? t_rand(&s) % 24 : t_rand(&s) % sizeof(key);
		for (size_t j = 0; j < len; j++)
			key[j] = (char)(t_rand(&s) % 4);	/* few letters: many near keys */
		put(&x, &m, key, len, index_hash(key, len));
	}
	check_all(&x, &m);
	/* Each key with its last byte changed, or one byte longer, is new unless put. */
	for (size_t i = 0; i < m.n; i++) {
		size_t len = m.g[i]->len;
		memcpy(key, m.g[i]->key, len);
		if (len) {
			key[len - 1] = (char)(key[len - 1] + 4);	/* no key has it */
			wrong += index_find(&x, index_hash(key, len), key, len, &at) != NULL;
		}
	}
	CHECK(wrong == 0);
	CHECK(index_bytes(&x) <= 8 * 8 * m.n / 3 + 8 * 1024);
	index_fini(&x);
	model_fini(&m);
}

/* The empty key, every 1-byte key, and keys past a cache line that differ in one byte. */
static void short_and_long_keys(void)
{
	struct index x;
	struct model m;
	char key[300];
	size_t at;

	index_init(&x);
	model_init(&m, 1000);
	put(&x, &m, "", 0, index_hash("", 0));
	for (int c = 0; c < 256; c++) {
		key[0] = (char)c;
		put(&x, &m, key, 1, index_hash(key, 1));
	}
	memset(key, 'x', sizeof(key));
	for (size_t i = 0; i < sizeof(key); i++) {	/* byte i changed */
		key[i] = 'y';
		put(&x, &m, key, sizeof(key), index_hash(key, sizeof(key)));
		key[i] = 'x';
	}
	check_all(&x, &m);
	CHECK(m.n == 1 + 256 + sizeof(key));
	CHECK(index_find(&x, index_hash(key, sizeof(key)), key, sizeof(key), &at) == NULL);
	CHECK(index_find(&x, index_hash(key, 2), key, 2, &at) == NULL);
	index_fini(&x);
	model_fini(&m);
}

/*
 * 10^6 keys whose hashes share their tag (every probe compares keys), then
 * 2000 that share their whole hash (one long probe run); index_add too.
 */
static void colliding_hashes(void)
{
	enum { N = 1000000, SAME = 2000 };
	struct index x;
	struct model m;
	char key[24];

	weak = 1;
	index_init(&x);
	model_init(&m, N + SAME + 1);
	for (size_t i = 0; i < N; i++) {
		int len = snprintf(key, sizeof(key), "t%zu", i);
		put(&x, &m, key, (size_t)len, test_hash(key, (size_t)len));
	}
	for (size_t i = 0; i < SAME; i++) {
		int len = snprintf(key, sizeof(key), "s%zu", i);
		put(&x, &m, key, (size_t)len, test_hash(key, (size_t)len));
	}
	check_all(&x, &m);
	/* A key put again is found, not added. */
	put(&x, &m, "t17", 3, m.h[17]);
	CHECK(m.n == N + SAME);
	/* index_add: an ngram known to be new. */
	m.g[m.n] = make(&m.a, "s-added", 7);
	m.h[m.n] = test_hash("s-added", 7);
	index_add(&x, m.g[m.n], m.h[m.n]);
	m.n++;
	check_all(&x, &m);
	index_fini(&x);
	model_fini(&m);
	weak = 0;
}

/* A reserved index takes that many without growing; an empty one finds nothing. */
static void reserve_and_empty(void)
{
	struct index x;
	size_t at;

	index_init(&x);
	CHECK(index_find(&x, 1, "a", 1, &at) == NULL && index_bytes(&x) == 0);
	index_peek(&x, 1);
	index_prefetch(&x, 1);
	index_reserve(&x, 100000);
	size_t bytes = index_bytes(&x);
	CHECK(bytes >= 100000 * 8 * 4 / 3);
	index_fini(&x);
	CHECK(index_bytes(&x) == 0);
}

int main(void)
{
	T_RUN(random_keys);
	T_RUN(short_and_long_keys);
	T_RUN(colliding_hashes);
	T_RUN(reserve_and_empty);
	T_DONE();
}
