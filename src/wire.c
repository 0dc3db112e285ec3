/*
 * wire.c - table encoding for results on the pipe: LEB128 varints, so a
 * typical 1-gram entry costs its key plus two or three bytes.
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

void wire_put_table(struct wbuf *b, const struct table *t)
{
	table_foreach(t, put_entry, b);
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

int wire_get_table(const char *p, size_t n,
		   int (*fn)(void *ctx, const char *key, size_t len, uint64_t count),
		   void *ctx)
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
