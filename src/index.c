/*
 * index.c - open addressing over ngrams: a slot is an ngram's address
 * (8-aligned, under 2^51) shifted up 13 bits, over a 16-bit tag from the
 * low bits of the key's hash; the home slot is the hash's top bits.
 *
 * Against uthash (56 bytes of handle and 8 to 16 of buckets a key, a cache
 * miss for the bucket and one for each entry of its chain): 8 bytes a slot,
 * 11 to 21 bytes a key, and a probe reads one cache line of slots and,
 * past the tag, almost always only the ngram that matches.
 */
#include <stdlib.h>
#include <string.h>

#include "ngramcount/index.h"
#include "ngramcount/table.h"
#include "ngramcount/util.h"

#ifdef NGC_HAVE_XXHASH
#define XXH_INLINE_ALL
#include <xxhash.h>
#endif

/* Tests put a hash of their own here, to make keys collide (test_index.c). */
#ifndef INDEX_REHASH
#define INDEX_REHASH(key, len) index_hash(key, len)
#endif

#define TAG_BITS	16
#define TAG_MASK	((1u << TAG_BITS) - 1)
#define MIN_SLOTS	1024u

uint64_t index_hash(const char *key, size_t len)
{
#ifdef NGC_HAVE_XXHASH
	return XXH3_64bits(key, len);
#else
	/* FNV-1a, then murmur3's finaliser to spread it to the top bits. */
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
#endif
}

static inline uint64_t slot_of(const struct ngram *g, uint64_t h)
{
	return (uint64_t)(uintptr_t)g << (TAG_BITS - 3) | (h & TAG_MASK);
}

static inline struct ngram *ngram_at(uint64_t s)
{
	return (struct ngram *)(uintptr_t)(s >> TAG_BITS << 3);
}

static inline int tag_is(uint64_t s, uint64_t h)
{
	return ((s ^ h) & TAG_MASK) == 0;
}

void index_init(struct index *x)
{
	x->slots = NULL;
	x->mask = 0;
	x->shift = 64;
	x->n = 0;
}

void index_fini(struct index *x)
{
	free(x->slots);
	index_init(x);
}

/* g into the first empty slot from h's home; the caller counts it. */
static inline void place(uint64_t *slots, size_t mask, unsigned shift, const struct ngram *g,
			 uint64_t h)
{
	size_t i = h >> shift;
	while (slots[i])
		i = (i + 1) & mask;
	slots[i] = slot_of(g, h);
}

/*
 * The slots, cap of them (a power of two), every ngram rehashed into them.
 * The old slots are walked in order, fetching the ngram 16 slots ahead.
 */
static void resize(struct index *x, size_t cap)
{
	size_t bytes = cap * sizeof(uint64_t), oldn = x->slots ? x->mask + 1 : 0;
	uint64_t *old = x->slots, *s = xmalloc_huge(&bytes);
	unsigned shift = 64 - (unsigned)__builtin_ctzll(cap);

	/*
	 * Written, not calloc'd: a page of calloc's read first maps the zero
	 * page, and the write after it is a second fault that flushes the TLB
	 * of every CPU the process runs on (an IPI each, with threads).
	 */
	memset(s, 0, cap * sizeof(*s));
	for (size_t i = 0; i < oldn; i++) {
		if (i + 16 < oldn && old[i + 16])
			__builtin_prefetch(ngram_at(old[i + 16]));
		if (old[i]) {
			const struct ngram *g = ngram_at(old[i]);
			place(s, cap - 1, shift, g, INDEX_REHASH(g->key, g->len));
		}
	}
	free(old);
	x->slots = s;
	x->mask = cap - 1;
	x->shift = shift;
}

static inline int too_full(size_t n, size_t cap)
{
	return n > cap / 4 * 3;
}

void index_reserve(struct index *x, size_t n)
{
	size_t cap = x->slots ? x->mask + 1 : MIN_SLOTS;

	while (too_full(n, cap))
		cap *= 2;
	if (!x->slots || cap > x->mask + 1)
		resize(x, cap);
}

struct ngram *index_find(const struct index *x, uint64_t h, const char *key, size_t len,
			 size_t *at)
{
	size_t i;

	if (!x->slots) {
		*at = SIZE_MAX;
		return NULL;
	}
	for (i = h >> x->shift; x->slots[i]; i = (i + 1) & x->mask) {
		uint64_t s = x->slots[i];
		struct ngram *g;
		if (tag_is(s, h) && (g = ngram_at(s))->len == len && same_bytes(g->key, key, len))
			return g;
	}
	*at = i;
	return NULL;
}

/* Addresses past 2^51 do not fit a slot; Linux maps none without a hint. */
static inline void check_address(const struct ngram *g)
{
	if ((uintptr_t)g >> (64 - TAG_BITS + 3))
		abort();
}

void index_put(struct index *x, size_t at, const struct ngram *g, uint64_t h)
{
	check_address(g);
	if (at == SIZE_MAX || too_full(x->n + 1, x->mask + 1)) {
		index_add(x, g, h);
		return;
	}
	x->slots[at] = slot_of(g, h);
	x->n++;
}

void index_add(struct index *x, const struct ngram *g, uint64_t h)
{
	check_address(g);
	if (!x->slots || too_full(x->n + 1, x->mask + 1))
		index_reserve(x, x->n + 1);
	place(x->slots, x->mask, x->shift, g, h);
	x->n++;
}

void index_peek(const struct index *x, uint64_t h)
{
	if (!x->slots)
		return;
	for (size_t i = h >> x->shift; x->slots[i]; i = (i + 1) & x->mask)
		if (tag_is(x->slots[i], h)) {
			__builtin_prefetch(ngram_at(x->slots[i]));
			return;
		}
}
