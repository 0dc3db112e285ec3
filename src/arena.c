/*
 * arena.c - bump allocator. Blocks grow geometrically from 64 KiB to 8 MiB;
 * a request larger than a block gets a block of its own.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ngramcount/arena.h"
#include "ngramcount/util.h"

#define NGC_ARENA_MIN	(64u << 10)
#define NGC_ARENA_MAX	(8u << 20)

struct arena_block {
	struct arena_block *next;	/* older block */
	size_t size;			/* usable bytes after the header */
	max_align_t data[];
};

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->cur = NULL;
	a->left = 0;
	a->bytes = 0;
}

/* Make the newest block one with at least n bytes free (n aligned to 8). */
static void arena_fit(struct arena *a, size_t n)
{
	if (n <= a->left)
		return;
	size_t size = a->head ? a->head->size * 2 : NGC_ARENA_MIN;
	if (size > NGC_ARENA_MAX)
		size = NGC_ARENA_MAX;
	if (size < n)
		size = n;
	struct arena_block *b = xmalloc(sizeof(*b) + size);
	b->next = a->head;
	b->size = size;
	a->head = b;
	a->cur = (char *)b->data;
	a->left = size;
	a->bytes += size;
}

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	arena_fit(a, n);
	void *p = a->cur;
	a->cur += n;
	a->left -= n;
	return p;
}

void *arena_alloc_rest(struct arena *a, size_t n, size_t *got)
{
	arena_fit(a, (n + 7) & ~(size_t)7);
	void *p = a->cur;
	*got = a->left & ~(size_t)7;
	a->cur += a->left;
	a->left = 0;
	return p;
}

void arena_reset(struct arena *a)
{
	struct arena_block *b = a->head;
	if (!b)
		return;
	/* Keep the newest (largest) block: a reset table refills it first. */
	struct arena_block *old = b->next;
	while (old) {
		struct arena_block *next = old->next;
		free(old);
		old = next;
	}
	b->next = NULL;
	a->cur = (char *)b->data;
	a->left = b->size;
	a->bytes = b->size;
}

void arena_fini(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	arena_init(a);
}
