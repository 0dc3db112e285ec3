/*
 * partition.h - the partition stage: read chunks of a plain file ->
 * line-aligned partitions, plus the lines that straddle chunk ends.
 *
 * A chunk is cut at its first and last LF: the whole lines between are its
 * partition, mapped by any worker. The line across two chunks (a "seam")
 * is joined here and handed on in file order, whatever order chunks come
 * in; a chunk with no LF joins the seam whole. No line is split or lost.
 * Pure: no I/O; the partitioner owns copies of early chunks' edges.
 */
#ifndef NGRAMCOUNT_PARTITION_H
#define NGRAMCOUNT_PARTITION_H

#include <stddef.h>
#include <stdint.h>

struct cut {
	size_t start, end;	/* partition: [start, end), whole lines */
	size_t head;		/* bytes before the first LF (len if none) */
	int has_nl;		/* the chunk holds at least one LF */
};

/* Where chunk buf[0, len) splits into head, partition and tail. */
void partition_cut(const char *buf, size_t len, struct cut *c);

/* Receives one seam line (no LF) that ends in chunk k. */
typedef int (*seam_fn)(void *ctx, uint64_t k, const char *line, size_t len);

struct frag;

struct partitioner {
	uint64_t next;			/* next chunk whose edges join the seam */
	char *carry;			/* the open line's bytes so far; owned */
	size_t len, cap;
	struct frag *pending;		/* edges of chunks that came early, by index */
	size_t line_max;		/* a longer seam is NGC_ELONG; 0: no limit */
};

void partition_init(struct partitioner *p);
void partition_fini(struct partitioner *p);

/*
 * Chunk k (cut as c) arrived. Emits, in order, every seam line now complete.
 * Returns 0, the first non-zero return of emit, or NGC_ELONG (error.h) when
 * the open line passes line_max.
 */
int partition_join(struct partitioner *p, uint64_t k, const char *buf,
		   size_t len, const struct cut *c, seam_fn emit, void *ctx);

/*
 * Every chunk has arrived: emit the file's last line if it has no LF (as
 * chunk p->next). Returns 0 or emit's return.
 */
int partition_finish(struct partitioner *p, seam_fn emit, void *ctx);

#endif
