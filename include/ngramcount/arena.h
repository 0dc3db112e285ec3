/*
 * arena.h - bump allocator for the many small keys of a table.
 *
 * Allocations are never freed one by one: arena_reset() forgets them all
 * (keeping the newest block, and the one made ahead, for reuse),
 * arena_fini() returns every block. `bytes` counts both.
 * The arena owns its blocks; pointers into it die with reset/fini.
 */
#ifndef NGRAMCOUNT_ARENA_H
#define NGRAMCOUNT_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;	/* newest block; older ones chained */
	struct arena_block *ahead;	/* the next block, made early (arena.c) */
	char *cur;			/* next free byte in head */
	size_t left;			/* bytes free in head */
	size_t bytes;			/* total bytes of all blocks */
};

void arena_init(struct arena *a);
/* n bytes aligned to 8; never NULL (dies on out-of-memory). */
void *arena_alloc(struct arena *a, size_t n);
/*
 * At least n bytes, aligned to 8: all that is left of the newest block if
 * n fit there, else a new block, whole. *got says how many bytes.
 */
void *arena_alloc_rest(struct arena *a, size_t n, size_t *got);
void arena_reset(struct arena *a);
void arena_fini(struct arena *a);

#endif
