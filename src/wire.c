/*
 * wire.c - table encoding for results on the pipe (wire.h): LEB128
 * varints, so a typical 1-gram entry costs its key plus two or three bytes.
 */
#include <errno.h>
#include <string.h>

#include "ngramcount/util.h"
#include "ngramcount/wire.h"

static void reserve(struct wbuf *b, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
}

static void put_varint(struct wbuf *b, uint64_t v)
{
	while (v >= 0x80) {
		b->p[b->len++] = (char)(v | 0x80);
		v >>= 7;
	}
	b->p[b->len++] = (char)v;
}

static int put_entry(const struct ngram *g, void *ctx)
{
	struct wbuf *b = ctx;
	reserve(b, g->len + 20);
	put_varint(b, g->len);
	memcpy(b->p + b->len, g->key, g->len);
	b->len += g->len;
	put_varint(b, g->count);
	return 0;
}

/* A hashed table's entry, into b (part 0) or tmp (part 1). */
struct grouping {
	struct wbuf *b, *tmp;
};

static int put_grouped(const struct ngram *g, void *ctx)
{
	struct grouping *gr = ctx;
	return put_entry(g, table_part_of(g->key, g->len) ? gr->tmp : gr->b);
}

void wire_put_table(struct wbuf *b, struct wbuf *tmp, const struct table *t)
{
	size_t at = b->len, h;
	int grouped = !t->ordered;

	_Static_assert(NGC_TABLE_PARTS == 2, "part 1's entries follow part 0's");
	if (!t->count)
		return;
	reserve(b, NGC_WIRE_HEADER);
	b->len += NGC_WIRE_HEADER;
	tmp->len = 0;
	if (grouped)
		table_foreach(t, put_grouped, &(struct grouping){ b, tmp });
	else
		table_foreach(t, put_entry, b);
	h = b->len - at - NGC_WIRE_HEADER;
	if (tmp->len) {
		reserve(b, tmp->len);
		memcpy(b->p + b->len, tmp->p, tmp->len);
		b->len += tmp->len;
	}
	for (unsigned i = 0; i < NGC_WIRE_HEADER; i++)
		b->p[at + i] = (char)(((uint64_t)h << 1 | (unsigned)grouped) >> 8 * i);
}

int wire_table_parts(const char *p, size_t n, struct wire_parts *wp)
{
	uint64_t head = 0;

	memset(wp, 0, sizeof(*wp));
	if (!n)
		return 0;
	if (n < NGC_WIRE_HEADER)
		return -EBADMSG;
	for (unsigned i = 0; i < NGC_WIRE_HEADER; i++)
		head |= (uint64_t)(unsigned char)p[i] << 8 * i;
	p += NGC_WIRE_HEADER;
	n -= NGC_WIRE_HEADER;
	wp->grouped = head & 1;
	head >>= 1;
	if (head > n || (!wp->grouped && head != n))
		return -EBADMSG;
	wp->p[0] = p;
	wp->len[0] = head;
	wp->p[1] = p + head;
	wp->len[1] = n - head;
	return 0;
}

static int get_varint_long(const char **pp, const char *end, uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;
	for (unsigned shift = 0; p < end && shift < 64; shift += 7) {
		unsigned char c = (unsigned char)*p++;
		if (shift == 63 && c > 1)
			return -EBADMSG;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*pp = p;
			*v = x;
			return 0;
		}
	}
	return -EBADMSG;
}

/* Most varints here are a byte: a key's length, a small count. */
static inline int get_varint(const char **pp, const char *end, uint64_t *v)
{
	if (*pp < end && !(**pp & 0x80)) {
		*v = (unsigned char)*(*pp)++;
		return 0;
	}
	return get_varint_long(pp, end, v);
}

int wire_get_entries(const char *p, size_t n, wire_entry_fn fn, void *ctx)
{
	const char *end;

	if (!n)
		return 0;	/* p may be NULL: no p + 0 */
	for (end = p + n; p < end;) {
		uint64_t len, count;
		const char *key;
		int r;
		if (get_varint(&p, end, &len) || len > (uint64_t)(end - p))
			return -EBADMSG;
		key = p;
		p += len;
		if (get_varint(&p, end, &count))
			return -EBADMSG;
		if ((r = fn(ctx, key, (size_t)len, count)))
			return r;
	}
	return 0;
}

int wire_get_table(const char *p, size_t n, wire_entry_fn fn, void *ctx)
{
	struct wire_parts wp;
	int r = wire_table_parts(p, n, &wp);

	for (unsigned i = 0; i < NGC_TABLE_PARTS && !r; i++)
		r = wire_get_entries(wp.p[i], wp.len[i], fn, ctx);
	return r;
}
