/*
 * gz.c - inflate over chunked input, with zlib or ISA-L. The map stage
 * calls it inside a worker, one gzip file per stream, since a deflate
 * stream cannot be split. The loop (members, garbage, sink) is shared; a
 * backend only supplies "inflate some of in into out".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef NGC_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "ngramcount/gz.h"
#include "ngramcount/util.h"
#include "ngramcount/wire.h"

enum step { STEP_OK, STEP_MEMBER_END, STEP_CORRUPT };

int gz_magic(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

int gz_have_isal(void)
{
#ifdef NGC_HAVE_ISAL
	return 1;
#else
	return 0;
#endif
}

const char *gz_backend_name(enum gz_backend b)
{
	if (b == GZ_AUTO)
		b = gz_have_isal() ? GZ_ISAL : GZ_ZLIB;
	return b == GZ_ISAL ? "isal" : "zlib";
}

static void reset(struct gz *g)
{
#ifdef NGC_HAVE_ISAL
	if (g->backend == GZ_ISAL) {
		isal_inflate_reset(g->isal);
		g->isal->crc_flag = ISAL_GZIP;
		return;
	}
#endif
	inflateReset(&g->z);
}

int gz_init(struct gz *g, enum gz_backend backend)
{
	memset(g, 0, sizeof(*g));
	if (backend == GZ_AUTO)
		backend = gz_have_isal() ? GZ_ISAL : GZ_ZLIB;
	g->backend = backend;
	if (backend == GZ_ISAL) {
#ifdef NGC_HAVE_ISAL
		g->isal = xmalloc(sizeof(*g->isal));
		isal_inflate_init(g->isal);
		g->isal->crc_flag = ISAL_GZIP;
#else
		return -ENOTSUP;
#endif
	} else if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
		/* 16 + MAX_WBITS: gzip wrapper only, checking CRC and length. */
		return -ENOMEM;
	}
	g->out = xmalloc(NGC_GZ_OUT);
	return 0;
}

void gz_fini(struct gz *g)
{
	if (g->backend == GZ_ZLIB)
		inflateEnd(&g->z);
	free(g->isal);
	free(g->out);
	g->isal = NULL;
	g->out = NULL;
}

/*
 * Inflate from *in (*avail bytes) into g->out; advance *in and *avail and
 * set *produced.
 */
static enum step step(struct gz *g, const unsigned char **in, size_t *avail,
		      size_t *produced)
{
#ifdef NGC_HAVE_ISAL
	if (g->backend == GZ_ISAL) {
		struct inflate_state *s = g->isal;
		int r;
		s->next_in = (uint8_t *)*in;
		s->avail_in = (uint32_t)*avail;
		s->next_out = (uint8_t *)g->out;
		s->avail_out = NGC_GZ_OUT;
		r = isal_inflate(s);
		*produced = NGC_GZ_OUT - s->avail_out;
		*in = s->next_in;
		*avail = s->avail_in;
		if (r < 0)
			return STEP_CORRUPT;
		return s->block_state == ISAL_BLOCK_FINISH ? STEP_MEMBER_END : STEP_OK;
	}
#endif
	int r;
	g->z.next_in = (unsigned char *)*in;
	g->z.avail_in = (unsigned)*avail;
	g->z.next_out = (unsigned char *)g->out;
	g->z.avail_out = NGC_GZ_OUT;
	r = inflate(&g->z, Z_NO_FLUSH);
	*produced = NGC_GZ_OUT - g->z.avail_out;
	*in = g->z.next_in;
	*avail = g->z.avail_in;
	if (r == Z_STREAM_END)
		return STEP_MEMBER_END;
	return r == Z_OK || r == Z_BUF_ERROR ? STEP_OK : STEP_CORRUPT;
}

int gz_feed(struct gz *g, const void *in, size_t len, gz_sink sink, void *ctx)
{
	const unsigned char *start = in, *p = start;
	size_t avail = len;

	while (avail) {
		size_t before = avail, produced;
		enum step s;

		if (g->member_end) {
			/* Another member follows; anything else is garbage. */
			if ((avail >= 2 && !gz_magic(p, 2)) || (avail == 1 && p[0] != 0x1f))
				goto trailing;
			reset(g);
			g->member_end = 0;
		}
		s = step(g, &p, &avail, &produced);
		g->out_total += produced;
		if (s == STEP_CORRUPT || (!produced && before == avail && s == STEP_OK))
			goto corrupt;	/* an error, or no progress possible: never spin */
		if (produced) {
			int r = sink(ctx, g->out, produced);
			if (r)
				return r;
		}
		if (s == STEP_MEMBER_END)
			g->member_end = 1;
	}
	g->in += len;
	return 0;
corrupt:
	g->err_off = g->in + (uint64_t)(p - start);
	return WIRE_EGZ_CORRUPT;
trailing:
	g->err_off = g->in + (uint64_t)(p - start);
	return WIRE_EGZ_TRAILING;
}

int gz_finish(struct gz *g)
{
	if (g->member_end)
		return 0;
	g->err_off = g->in;
	return WIRE_EGZ_TRUNCATED;
}
