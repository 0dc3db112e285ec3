/*
 * arena.c - bump allocator. Blocks grow geometrically from 64 KiB to a
 * huge page (2 MiB, advised as one: util.h); a request larger than a block
 * gets a block of its own. In the parent
 * (prefault_on), once blocks are a MiB or more, the next one is made when
 * one is taken, and faulted in on the helper thread by the time it is
 * needed: a large table's new pages are zeroed off the parent's path.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ngramcount/arena.h"
#include "ngramcount/prefault.h"
#include "ngramcount/util.h"

#define NGC_ARENA_MIN	(64u << 10)
#define NGC_ARENA_MAX	NGC_HUGE_PAGE	/* with its header */
#define NGC_ARENA_AHEAD	(1u << 20)	/* blocks from this size are made ahead */

struct arena_block {
	struct arena_block *next;	/* older block */
	size_t size;			/* usable bytes after the header */
	max_align_t data[];
};

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->ahead = NULL;
	a->cur = NULL;
	a->left = 0;
	a->bytes = 0;
}

/* A block of the largest size (a huge page) or more is whole huge pages, all usable. */
static struct arena_block *block_new(struct arena *a, size_t size)
{
	size_t bytes = sizeof(struct arena_block) + size;
	struct arena_block *b = xmalloc_huge(&bytes);

	b->size = bytes - sizeof(*b);
	a->bytes += b->size;
	return b;
}

/* The size of the block after one of size bytes. */
static size_t next_size(size_t size)
{
	return size < NGC_ARENA_MAX / 2 ? size * 2 : NGC_ARENA_MAX - sizeof(struct arena_block);
}

/* Make the newest block one with at least n bytes free (n aligned to 8). */
static void arena_fit(struct arena *a, size_t n)
{
	if (n <= a->left)
		return;
	size_t size = a->head ? next_size(a->head->size) : NGC_ARENA_MIN;
	struct arena_block *b = a->ahead;
	if (b && b->size >= n)
		a->ahead = NULL;
	else
		b = block_new(a, size < n ? n : size);
	b->next = a->head;
	a->head = b;
	a->cur = (char *)b->data;
	a->left = b->size;
	if (!a->ahead && b->size >= NGC_ARENA_AHEAD && prefault_on()) {
		a->ahead = block_new(a, next_size(b->size));
		prefault_ahead(a->ahead, sizeof(*a->ahead) + a->ahead->size);
	}
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
	a->bytes = b->size + (a->ahead ? a->ahead->size : 0);
}

void arena_fini(struct arena *a)
{
	struct arena_block *b = a->head;
	free(a->ahead);
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	arena_init(a);
}
