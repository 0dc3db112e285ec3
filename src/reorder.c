/*
 * reorder.c - the --order submission buffer: a sorted list of results that
 * came early. Few are held at once (at most one a worker).
 */
#include <stdlib.h>
#include <string.h>

#include "ngramcount/reorder.h"
#include "ngramcount/util.h"

struct reorder_held {
	struct reorder_held *next;
	uint64_t seq;
	size_t len;
	char payload[];
};

int reorder_put(struct reorder *r, uint64_t seq, const char *payload, size_t len,
		reorder_fn fn, void *ctx)
{
	struct reorder_held *h, **pp;
	int err;

	if (seq != r->next) {
		h = xmalloc(sizeof(*h) + len);
		h->seq = seq;
		h->len = len;
		if (len)
			memcpy(h->payload, payload, len);
		for (pp = &r->held; *pp && (*pp)->seq < seq; pp = &(*pp)->next)
			;
		h->next = *pp;
		*pp = h;
		return 0;
	}
	if ((err = fn(ctx, seq, payload, len)))
		return err;
	r->next++;
	while ((h = r->held) && h->seq == r->next) {
		err = fn(ctx, h->seq, h->payload, h->len);
		r->held = h->next;
		free(h);
		if (err)
			return err;
		r->next++;
	}
	return 0;
}

size_t reorder_held(const struct reorder *r)
{
	size_t n = 0;
	for (const struct reorder_held *h = r->held; h; h = h->next)
		n++;
	return n;
}

void reorder_fini(struct reorder *r)
{
	while (r->held) {
		struct reorder_held *h = r->held;
		r->held = h->next;
		free(h);
	}
}
