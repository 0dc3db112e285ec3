/*
 * gz.c - zlib inflate over chunked input. The map stage calls it inside a
 * worker, one gzip file per stream, since a deflate stream cannot be split.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ngramcount/gz.h"
#include "ngramcount/util.h"
#include "ngramcount/wire.h"

int gz_magic(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

int gz_init(struct gz *g)
{
	memset(g, 0, sizeof(*g));
	/* 16 + MAX_WBITS: gzip wrapper only, checking CRC and length. */
	if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	g->out = xmalloc(NGC_GZ_OUT);
	return 0;
}

void gz_fini(struct gz *g)
{
	inflateEnd(&g->z);
	free(g->out);
	g->out = NULL;
}

int gz_feed(struct gz *g, const void *in, size_t len, gz_sink sink, void *ctx)
{
	const unsigned char *start = in;
	int r;

	g->z.next_in = (unsigned char *)start;
	g->z.avail_in = (unsigned)len;
	while (g->z.avail_in) {
		if (g->member_end) {
			/* Another member follows; anything else is garbage. */
			if (g->z.avail_in >= 2 && !gz_magic(g->z.next_in, 2))
				goto trailing;
			if (g->z.avail_in == 1 && g->z.next_in[0] != 0x1f)
				goto trailing;
			inflateReset(&g->z);
			g->member_end = 0;
		}
		unsigned avail = g->z.avail_in;
		g->z.next_out = (unsigned char *)g->out;
		g->z.avail_out = NGC_GZ_OUT;
		r = inflate(&g->z, Z_NO_FLUSH);
		size_t produced = NGC_GZ_OUT - g->z.avail_out;
		if (r == Z_BUF_ERROR && !produced && avail == g->z.avail_in)
			goto corrupt;	/* no progress possible: never spin */
		g->out_total += produced;
		if (produced && (r == Z_OK || r == Z_STREAM_END || r == Z_BUF_ERROR)) {
			int s = sink(ctx, g->out, produced);
			if (s)
				return s;
		}
		if (r == Z_STREAM_END)
			g->member_end = 1;
		else if (r != Z_OK && r != Z_BUF_ERROR)
			goto corrupt;
	}
	g->in += len;
	return 0;
corrupt:
	g->err_off = g->in + (uint64_t)(g->z.next_in - start);
	return WIRE_EGZ_CORRUPT;
trailing:
	g->err_off = g->in + (uint64_t)(g->z.next_in - start);
	return WIRE_EGZ_TRAILING;
}

int gz_finish(struct gz *g)
{
	if (g->member_end)
		return 0;
	g->err_off = g->in;
	return WIRE_EGZ_TRUNCATED;
}
