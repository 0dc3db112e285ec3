/*
 * index.h - the final table's index: open addressing over ngrams that
 * live elsewhere (the table's memory), a 64-bit slot each.
 *
 * A slot holds the ngram's address and a 16-bit tag from its key's hash;
 * 0 is empty. Linear probing from the hash's top bits; the slots double
 * past three quarters full, rehashing every key from its ngram. The index
 * owns its slots, not the ngrams, which must not move while indexed.
 * Per-task tables keep uthash (table.c says why).
 */
#ifndef NGRAMCOUNT_INDEX_H
#define NGRAMCOUNT_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct ngram;

struct index {
	uint64_t *slots;	/* NULL until the first key */
	size_t mask;		/* slots - 1 */
	unsigned shift;		/* 64 - log2(slots): a hash's home is h >> shift */
	size_t n;		/* ngrams indexed */
};

/* The hash every index and its callers use (XXH3, or a fallback). */
uint64_t index_hash(const char *key, size_t len);

void index_init(struct index *x);
void index_fini(struct index *x);

/* Room for n ngrams without growing. */
void index_reserve(struct index *x, size_t n);

/*
 * The ngram with this key (h its index_hash), or NULL; then *at is the
 * empty slot where it goes (for index_put, before any other change).
 */
struct ngram *index_find(const struct index *x, uint64_t h, const char *key, size_t len,
			 size_t *at);

/* Index g, not indexed yet, in the slot index_find gave; may grow. */
void index_put(struct index *x, size_t at, const struct ngram *g, uint64_t h);

/* Index g, whose key is in no other indexed ngram; may grow. */
void index_add(struct index *x, const struct ngram *g, uint64_t h);

/* Fetch h's home slot into cache; index_peek then its first candidate. */
static inline void index_prefetch(const struct index *x, uint64_t h)
{
	if (x->slots)
		__builtin_prefetch(&x->slots[h >> x->shift]);
}

/* Fetch the ngram of the first slot from h's home whose tag is h's. */
void index_peek(const struct index *x, uint64_t h);

/* Bytes of the slots. */
static inline size_t index_bytes(const struct index *x)
{
	return x->slots ? (x->mask + 1) * sizeof(*x->slots) : 0;
}

#endif
