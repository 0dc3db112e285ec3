/*
 * partition.c - cut chunks at line boundaries and join the lines that
 * straddle them. Chunks arriving in order cost nothing but two memchr
 * calls; an early chunk has its head and tail copied until its turn.
 */
#include <stdlib.h>
#include <string.h>

#include "ngramcount/error.h"
#include "ngramcount/partition.h"
#include "ngramcount/util.h"

struct frag {
	struct frag *next;
	uint64_t k;
	int has_nl;
	size_t head, tail;	/* bytes of each in data: head first */
	char data[];
};

void partition_cut(const char *buf, size_t len, struct cut *c)
{
	const char *first = memchr(buf, '\n', len);
	if (!first) {
		c->start = c->end = c->head = len;
		c->has_nl = 0;
		return;
	}
	c->has_nl = 1;
	c->head = (size_t)(first - buf);
	c->start = c->head + 1;
	c->end = (size_t)((const char *)memrchr(buf, '\n', len) - buf) + 1;
}

void partition_init(struct partitioner *p)
{
	memset(p, 0, sizeof(*p));
}

void partition_fini(struct partitioner *p)
{
	while (p->pending) {
		struct frag *f = p->pending;
		p->pending = f->next;
		free(f);
	}
	free(p->carry);
	partition_init(p);
}

static void carry_set(struct partitioner *p, size_t keep, const char *s, size_t n)
{
	if (keep + n > p->cap) {
		p->cap = (keep + n) * 2;
		p->carry = xrealloc(p->carry, p->cap);
	}
	if (n)
		memcpy(p->carry + keep, s, n);
	p->len = keep + n;
}

/* Chunk p->next's edges join the seam; on LF the seam line is complete. */
static int join_edges(struct partitioner *p, int has_nl, const char *head,
		      size_t nhead, const char *tail, size_t ntail,
		      seam_fn emit, void *ctx)
{
	uint64_t k = p->next++;
	int r;

	if (p->line_max && p->len + nhead > p->line_max)
		return NGC_ELONG;
	carry_set(p, p->len, head, nhead);
	if (!has_nl)
		return 0;
	if ((r = emit(ctx, k, p->carry ? p->carry : "", p->len)))
		return r;
	carry_set(p, 0, tail, ntail);
	return 0;
}

int partition_join(struct partitioner *p, uint64_t k, const char *buf,
		   size_t len, const struct cut *c, seam_fn emit, void *ctx)
{
	int r;

	if (k == p->next) {
		r = join_edges(p, c->has_nl, buf, c->head, buf + c->end,
			       len - c->end, emit, ctx);
	} else {
		size_t tail = len - c->end;
		struct frag *f = xmalloc(sizeof(*f) + c->head + tail), **pp;
		f->k = k;
		f->has_nl = c->has_nl;
		f->head = c->head;
		f->tail = tail;
		memcpy(f->data, buf, c->head);
		memcpy(f->data + c->head, buf + c->end, tail);
		for (pp = &p->pending; *pp && (*pp)->k < k; pp = &(*pp)->next)
			;
		f->next = *pp;
		*pp = f;
		r = 0;
	}
	while (!r && p->pending && p->pending->k == p->next) {
		struct frag *f = p->pending;
		p->pending = f->next;
		r = join_edges(p, f->has_nl, f->data, f->head,
			       f->data + f->head, f->tail, emit, ctx);
		free(f);
	}
	return r;
}

int partition_finish(struct partitioner *p, seam_fn emit, void *ctx)
{
	int r = 0;
	if (p->len)
		r = emit(ctx, p->next, p->carry, p->len);
	p->len = 0;
	return r;
}
