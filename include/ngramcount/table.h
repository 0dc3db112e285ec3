/*
 * table.h - ngram key -> 64-bit total: a task's table and the final one.
 *
 * A table owns its keys and entries (two arenas); a struct ngram pointer
 * stays valid until table_reset() or table_fini(). Keys of sorted input
 * are kept in runs, looked up by hash only when they must be. A task's
 * table (table_init_task) hashes the rest with uthash; any other table
 * with an index (index.h) over its ngrams, a third the bytes a key. No
 * other module sees uthash.
 */
#ifndef NGRAMCOUNT_TABLE_H
#define NGRAMCOUNT_TABLE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "ngramcount/arena.h"
#include "ngramcount/index.h"

struct ngram {
	uint64_t count;		/* running total */
	uint32_t len;		/* key bytes, no terminator; under UINT32_MAX */
	char key[];		/* not NUL-terminated */
};

struct table_entry;
struct table_run;

/* Ngrams one after another in an arena's blocks (table.c). */
struct table_seq {
	struct arena arena;
	char *first, *end;		/* the first ngram, and where the next
					   goes (NULL: none yet) */
	size_t room;			/* bytes free at end */
};

/*
 * A final table, once hashed, is parts: a key's hash picks one, and each
 * part has its own index and memory, so parts take keys at the same time
 * (table_add_part).
 */
#define NGC_TABLE_PARTS	2

struct table_part {
	struct index ix;		/* its keys, wherever their ngrams are */
	struct table_seq seq;		/* its keys added after hashing began */
};

struct table {
	struct table_entry *head;	/* uthash head; NULL when no key is hashed */
	struct table_run *runs;		/* key ranges, while every key is in one */
	size_t nruns, runs_cap;
	size_t open;			/* the run that the last key went to, when
					   it ends the runs' memory, or SIZE_MAX */
	size_t work;			/* ngrams walked, runs moved (table.c) */
	struct table_seq mem;		/* the runs' memory */
	struct arena hashed;		/* uthash entries, and the ngrams of keys
					   hashed as they came */
	char *unhashed;			/* the first of the runs' ngrams not hashed
					   (NULL or mem.end: none) */
	size_t count;			/* distinct keys */
	int ordered;			/* runs[] holds every key (see table_upsert) */
	int task;			/* hashed keys go to uthash, not the parts */
	int may_append;			/* a task's: may give up pre-aggregating */
	size_t looked, found;		/* a task's: keys looked up in uthash, and found */
	int appending;			/* a task's: keys appended unhashed, repeats
					   and all (table_upsert) */
	struct table_part part[NGC_TABLE_PARTS];
};

/* A table for many keys: the final table, and those of the subcommands. */
void table_init(struct table *t);
/*
 * A table for one task's keys, reset after each (a worker's). may_append:
 * it may give up pre-aggregating (table_upsert) when that does not pay.
 */
void table_init_task(struct table *t, int may_append);
/* Return every block; t is left empty, of the same kind. */
void table_fini(struct table *t);
/* Forget every key, keeping memory for reuse. */
void table_reset(struct table *t);

/*
 * The entry for key, added with count 0 if absent. Never NULL. A key is
 * shorter than UINT32_MAX bytes (its callers' lines are: NGC_LINE_MAX).
 *
 * Keys that come in rising byte order, as sorted files and the tables made
 * from them give them, are appended without a hash: the table keeps the
 * ranges (runs) they came in, and a key after the last of a run and before
 * the next run is new for certain. A key inside a run splits it there.
 * Once runs cost more than hashing (a fall every few keys), every key is
 * hashed, for good (until table_reset).
 *
 * A task's table that may append, whose lookups nearly all find their key
 * new (many distinct keys in random order), stops looking them up: later
 * keys are appended, a key given twice is two entries, t->count counts
 * entries, and table_find does not see them. Every walk (table_foreach,
 * table_sorted, spills) sees each; the reduce sums them as it sums one key
 * from two tasks.
 */
struct ngram *table_upsert(struct table *t, const char *key, size_t len);

/*
 * The keys upserted next come from another source (another result, file or
 * partition): the first starts a run of its own instead of extending the
 * last one, which could cover the ranges of sources still to come.
 */
void table_new_source(struct table *t);

/*
 * The entry for key, or NULL. Keys table_upsert appended unhashed are
 * hashed and bucketed first: the table's keys and totals stay as they are.
 */
const struct ngram *table_find(const struct table *t, const char *key, size_t len);

/* One key and count of a batch. */
struct table_kv {
	const char *key;
	size_t len;
	uint64_t count;
};

#define NGC_TABLE_BATCH 128

/*
 * Add up to NGC_TABLE_BATCH counts, overlapping the lookups' cache misses.
 * Returns 0, or -EOVERFLOW with *overflow naming the key (the entries
 * before it are added).
 */
int table_add_batch(struct table *t, const struct table_kv *kv, size_t n,
		    const struct ngram **overflow);

/*
 * Add n to the total of key. Returns 0, or -EOVERFLOW when the total would
 * pass 2^64-1 (the total is then left unchanged).
 */
int table_add(struct table *t, const char *key, size_t len, uint64_t n);

/* Add n to an entry's total, with the same overflow rule. */
static inline int ngram_add(struct ngram *g, uint64_t n)
{
	uint64_t sum;
	if (__builtin_add_overflow(g->count, n, &sum))
		return -EOVERFLOW;
	g->count = sum;
	return 0;
}

/* The same; past 2^64-1, *overflow names g. */
static inline int ngram_add_naming(struct ngram *g, uint64_t n, const struct ngram **overflow)
{
	if (ngram_add(g, n)) {
		*overflow = g;
		return -EOVERFLOW;
	}
	return 0;
}

/* The part a key goes to in a hashed final table (0 to NGC_TABLE_PARTS - 1). */
unsigned table_part_of(const char *key, size_t len);

/*
 * Add kv[0..n), keys of part p all, to a final table that is hashed (not
 * a task's, not ordered): safe beside a call for another part on another
 * thread. New keys are counted in *added, not in t->count (the caller adds
 * them). Returns 0, -EBADMSG when a key is not of part p (nothing more is
 * added), or -EOVERFLOW as table_add_batch.
 */
int table_add_part(struct table *t, unsigned p, const struct table_kv *kv, size_t n,
		   const struct ngram **overflow, size_t *added);

/*
 * Add every total of src to dst. Returns 0, or -EOVERFLOW with *overflow
 * naming the key in dst (entries before it are added).
 */
int table_merge(struct table *dst, const struct table *src, const struct ngram **overflow);

/* Visit every entry in an unspecified order; stops at a non-zero return. */
int table_foreach(const struct table *t,
		  int (*fn)(const struct ngram *g, void *ctx), void *ctx);

/* From this many entries, table_sorted(split 1) of a hashed table sorts on two threads. */
#define NGC_SORT_SPLIT	(1u << 18)

/*
 * A new array of the table's entries whose total is at least min (*n of
 * them), most frequent first, ties in byte order of the key. The caller
 * frees the array (not the entries). An ordered table (every key in a run)
 * sorts in this process, with no key compared, unless its largest count and
 * its number of entries need more than 64 bits together; then it sorts as a
 * hashed one. A hashed one, with split set and NGC_SORT_SPLIT entries or
 * more: the helper thread (helper.h) sorts half of them while this one
 * sorts the other half.
 */
const struct ngram **table_sorted(const struct table *t, uint64_t min, int split, size_t *n);

/*
 * Visit the table's entries whose total is at least min in byte order of
 * the key; stops at a non-zero return, and returns it. An ordered table
 * walks its runs, which are in that order, with no array; a hashed one
 * radix sorts records of its entries by key first (24 bytes an entry, as
 * table_sorted's, split as its are).
 */
int table_foreach_by_key(const struct table *t, uint64_t min, int split,
			 int (*fn)(const struct ngram *g, void *ctx), void *ctx);

/* Most frequent first, ties in byte order of the key; qsort-style result. */
int ngram_cmp_count(const struct ngram *a, const struct ngram *b);
/* Byte order of the key (a shorter key before a longer one it begins). */
int ngram_cmp_key(const struct ngram *a, const struct ngram *b);

/*
 * No key will be added or looked up again: the parts' indexes are freed
 * (the output's sort needs their memory more). The table is still read
 * whole (foreach, sorted, by key); reset or fini make it whole again.
 */
void table_seal(struct table *t);

/* Bytes the table holds (arena and buckets), for --stats. */
size_t table_bytes(const struct table *t);

#endif
