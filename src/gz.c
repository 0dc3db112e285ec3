/*
 * gz.c - inflate over chunked input, with zlib or ISA-L. The map stage
 * calls it inside a worker, one compressed file per stream, since a
 * deflate stream cannot be split. The loops (gzip members, zip records,
 * garbage, sink) are shared; a backend only supplies "inflate some of in
 * into out", with the gzip wrapper or raw (zip, which has its own CRC).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef NGC_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "ngramcount/gz.h"
#include "ngramcount/util.h"

enum step { STEP_OK, STEP_MEMBER_END, STEP_CORRUPT };

/* Where a zip stream is: the record being gathered or read. */
enum zip_state {
	ZIP_HEAD,	/* the 30 fixed bytes of a local file header */
	ZIP_NAME,	/* its file name and extra field */
	ZIP_DATA,	/* the member's data */
	ZIP_DESC,	/* a data descriptor (flag 8): the CRC after the data */
	ZIP_NEXT,	/* a signature: another member or the central directory */
	ZIP_END,	/* central directory and end records: passed over */
};

#define ZIP_LOCAL	"PK\3\4"

int gz_magic(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

enum gz_container gz_container(const void *buf, size_t len)
{
	if (gz_magic(buf, len))
		return GZC_GZIP;
	/* A zip archive: a member, or the end record alone (an empty archive). */
	return len >= 4 && (!memcmp(buf, ZIP_LOCAL, 4) || !memcmp(buf, "PK\5\6", 4)) ? GZC_ZIP
										   : GZC_NONE;
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

/* Ready the inflater for a new gzip member, or a raw deflate stream. */
static void reset(struct gz *g, int raw)
{
#ifdef NGC_HAVE_ISAL
	if (g->backend == GZ_ISAL && !raw) {
		isal_inflate_reset(g->isal);
		g->isal->crc_flag = ISAL_GZIP;
		return;
	}
#endif
	inflateReset2(&g->z, raw ? -MAX_WBITS : 16 + MAX_WBITS);
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
	} else {
		g->z_ready = 1;
	}
	g->out = xmalloc(NGC_GZ_OUT);
	return 0;
}

void gz_restart(struct gz *g)
{
	struct gz keep = *g;

	memset(g, 0, sizeof(*g));
	g->backend = keep.backend;
	g->z = keep.z;
	g->z_ready = keep.z_ready;
	g->isal = keep.isal;
	g->out = keep.out;
	g->hdr = keep.hdr;
	g->hdr_cap = keep.hdr_cap;
#ifdef NGC_HAVE_ISAL
	if (g->backend == GZ_ISAL) {
		isal_inflate_reset(g->isal);
		g->isal->crc_flag = ISAL_GZIP;
	}
#endif
	if (g->z_ready)
		inflateReset2(&g->z, 16 + MAX_WBITS);
}

void gz_fini(struct gz *g)
{
	if (g->z_ready)
		inflateEnd(&g->z);
	free(g->isal);
	free(g->out);
	free(g->hdr);
	g->isal = NULL;
	g->out = NULL;
	g->hdr = NULL;
}

/*
 * Inflate from *in (*avail bytes) into g->out; advance *in and *avail and
 * set *produced.
 */
static enum step step(struct gz *g, const unsigned char **in, size_t *avail,
		      size_t *produced)
{
#ifdef NGC_HAVE_ISAL
	if (g->backend == GZ_ISAL && !g->zip) {
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

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static uint64_t le64(const unsigned char *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* An error at the current input position: note where, return it. */
static int fail_at(struct gz *g, const unsigned char *start, const unsigned char *p, int err)
{
	g->err_off = g->in + (uint64_t)(p - start) - (err == NGC_EGZ_TRAILING && g->zip ? 4 : 0);
	return err;
}

/*
 * One inflate step from *p into g->out, handed to the sink (and, for zip,
 * its CRC). Returns 0 with *s set, the sink's return, or NGC_EGZ_CORRUPT
 * for bad data or no progress (never spin).
 */
static int inflate_step(struct gz *g, const unsigned char **p, size_t *avail, gz_sink sink,
			void *ctx, enum step *s)
{
	size_t before = *avail, produced;

	*s = step(g, p, avail, &produced);
	if (*s == STEP_CORRUPT || (!produced && before == *avail && *s == STEP_OK))
		return NGC_EGZ_CORRUPT;
	g->out_total += produced;
	if (!produced)
		return 0;
	if (g->zip)
		g->crc = (uint32_t)crc32(g->crc, (const unsigned char *)g->out, (unsigned)produced);
	return sink(ctx, g->out, produced);
}

/* Gather zip header bytes until g->hdr holds need; 1 when it does. */
static int gather(struct gz *g, const unsigned char **p, size_t *avail, size_t need)
{
	if (g->hdr_len >= need)
		return 1;
	size_t n = need - g->hdr_len < *avail ? need - g->hdr_len : *avail;
	if (need > g->hdr_cap) {
		g->hdr_cap = need;
		g->hdr = xrealloc(g->hdr, need);
	}
	memcpy(g->hdr + g->hdr_len, *p, n);
	g->hdr_len += n;
	*p += n;
	*avail -= n;
	return g->hdr_len == need;
}

/*
 * A whole local file header is in g->hdr: ready its data. Returns 0, or
 * -1 for what cannot be read (encrypted, a method other than deflate or
 * stored, stored with a data descriptor).
 */
static int zip_member(struct gz *g)
{
	const unsigned char *h = g->hdr, *x = h + 30 + le16(h + 26), *xend = x + le16(h + 28);
	uint64_t csize = le32(h + 18), usize = le32(h + 22);
	unsigned method = le16(h + 8);

	g->zflags = le16(h + 6);
	g->crc_want = le32(h + 14);
	g->crc = 0;
	g->zip64 = 0;
	for (; x + 4 <= xend; x += 4 + le16(x + 2)) {
		/* zip64: the 8-byte sizes whose 4-byte fields are all ones, in order. */
		if (le16(x) != 1)
			continue;
		const unsigned char *v = x + 4, *vend = x + 4 + le16(x + 2);
		if (vend > xend)
			vend = xend;	/* a field that claims more than the header holds */
		g->zip64 = 1;
		if (usize == 0xffffffff)
			v += 8;
		if (csize == 0xffffffff && v + 8 <= vend)
			csize = le64(v);
	}
	g->hdr_len = 0;
	g->stored_dd = 0;
	if (g->zflags & 1)
		return -1;		/* encrypted */
	if (method == 0 && !(g->zflags & 8)) {
		g->stored_left = csize;
		return 0;
	}
	if (method == 0) {
		/* Stored, written to a pipe: its end is the descriptor that checks out. */
		g->stored_dd = 1;
		g->stored_seen = 0;
		g->stored_left = UINT64_MAX;
		return 0;
	}
	if (method != 8)
		return -1;
	g->stored_left = UINT64_MAX;	/* deflate: the stream says where it ends */
	if (!g->z_ready) {		/* the ISA-L backend: zlib for zip */
		if (inflateInit2(&g->z, -MAX_WBITS) != Z_OK)
			return -1;
		g->z_ready = 1;
	}
	reset(g, 1);
	return 0;
}

/* The member's data ended: check its CRC now, or after its descriptor. */
static int zip_data_end(struct gz *g)
{
	g->hdr_len = 0;
	if (g->zflags & 8) {
		g->zstate = ZIP_DESC;
		return 0;
	}
	g->zstate = ZIP_NEXT;
	return g->crc == g->crc_want ? 0 : -1;
}

/* Hand a stored member's bytes to the sink (in pieces it takes) and the CRC. */
static int stored_out(struct gz *g, const unsigned char *p, size_t n, gz_sink sink, void *ctx)
{
	int r = 0;
	g->crc = (uint32_t)crc32(g->crc, p, (unsigned)n);
	g->out_total += n;
	g->stored_seen += n;
	while (n && !r) {
		size_t k = n < NGC_GZ_OUT ? n : NGC_GZ_OUT;
		r = sink(ctx, (const char *)p, k);
		p += k;
		n -= k;
	}
	return r;
}

/*
 * A stored member whose sizes are only in its data descriptor: the bytes
 * held back (g->hdr: fewer than a descriptor) and the new ones are scanned
 * for a descriptor whose CRC and size match what came before it. *ended
 * is set when it is found; *p and *avail then point past it.
 */
static int stored_dd_feed(struct gz *g, const unsigned char **p, size_t *avail, gz_sink sink,
			  void *ctx, int *ended)
{
	size_t need = 8 + (g->zip64 ? 16 : 8), held = g->hdr_len, len = held + *avail, i = 0;
	unsigned char *s;
	int r;

	if (len > g->hdr_cap) {
		g->hdr_cap = len;
		g->hdr = xrealloc(g->hdr, len);
	}
	s = g->hdr;
	memcpy(s + held, *p, *avail);
	while (i + need <= len) {
		unsigned char *sig = memmem(s + i, len - i, "PK\7\10", 4);
		size_t at = sig ? (size_t)(sig - s) : len;
		if (at + need > len)
			break;		/* no whole descriptor here yet */
		if ((r = stored_out(g, s + i, at - i, sink, ctx)))
			return r;
		i = at;
		uint64_t csize = g->zip64 ? le64(s + at + 8) : le32(s + at + 8);
		if (le32(s + at + 4) == g->crc && csize == g->stored_seen) {
			*p += at + need - held;
			*avail -= at + need - held;
			g->hdr_len = 0;
			*ended = 1;
			return 0;
		}
		if ((r = stored_out(g, s + i, 1, sink, ctx)))	/* "P", data after all */
			return r;
		i++;
	}
	/* Keep what a descriptor could still start in. */
	size_t keep = len - i < need - 1 ? len - i : need - 1;
	if ((r = stored_out(g, s + i, len - i - keep, sink, ctx)))
		return r;
	memmove(s, s + len - keep, keep);
	g->hdr_len = keep;
	*p += *avail;
	*avail = 0;
	*ended = 0;
	return 0;
}

/* The zip records of [in, in+len); as gz_feed. */
static int zip_feed(struct gz *g, const unsigned char *start, size_t len, gz_sink sink,
		    void *ctx)
{
	const unsigned char *p = start;
	size_t avail = len, produced, need;
	enum step s;
	int r;

	while (avail && g->zstate != ZIP_END) {
		switch (g->zstate) {
		case ZIP_NEXT:
			if (!gather(g, &p, &avail, 4))
				break;
			if (!memcmp(g->hdr, ZIP_LOCAL, 4))
				g->zstate = ZIP_HEAD;
			else if (!memcmp(g->hdr, "PK\1\2", 4) || !memcmp(g->hdr, "PK\5\6", 4) ||
				 !memcmp(g->hdr, "PK\6\6", 4))
				g->zstate = ZIP_END;
			else
				return fail_at(g, start, p, NGC_EGZ_TRAILING);
			break;
		case ZIP_HEAD:
			if (!gather(g, &p, &avail, 30))
				break;
			if (memcmp(g->hdr, ZIP_LOCAL, 4))
				return fail_at(g, start, p, NGC_EGZ_CORRUPT);
			g->zstate = ZIP_NAME;
			break;
		case ZIP_NAME:
			if (!gather(g, &p, &avail, 30 + le16(g->hdr + 26) + le16(g->hdr + 28)))
				break;
			if (zip_member(g))
				return fail_at(g, start, p, NGC_EGZ_METHOD);
			g->zstate = ZIP_DATA;
			if (g->stored_left == 0 && zip_data_end(g))
				return fail_at(g, start, p, NGC_EGZ_CORRUPT);
			break;
		case ZIP_DATA:
			if (g->stored_dd) {
				int ended;
				if ((r = stored_dd_feed(g, &p, &avail, sink, ctx, &ended)))
					return r;
				if (ended) {
					g->stored_dd = 0;
					g->zstate = ZIP_NEXT;	/* its descriptor is read */
				}
				break;
			}
			if (g->stored_left != UINT64_MAX) {
				/* Stored: the bytes themselves. */
				produced = avail < g->stored_left ? avail : (size_t)g->stored_left;
				if (produced > NGC_GZ_OUT)
					produced = NGC_GZ_OUT;
				g->crc = (uint32_t)crc32(g->crc, p, (unsigned)produced);
				g->out_total += produced;
				g->stored_left -= produced;
				s = g->stored_left ? STEP_OK : STEP_MEMBER_END;
				r = sink(ctx, (const char *)p, produced);
				p += produced;
				avail -= produced;
			} else if ((r = inflate_step(g, &p, &avail, sink, ctx, &s)) == NGC_EGZ_CORRUPT) {
				return fail_at(g, start, p, r);
			}
			if (r)
				return r;
			if (s == STEP_MEMBER_END && zip_data_end(g))
				return fail_at(g, start, p, NGC_EGZ_CORRUPT);
			break;
		case ZIP_DESC:
			/* [PK\7\10] crc32, then 4- or (zip64) 8-byte sizes. */
			if (!gather(g, &p, &avail, 4))
				break;
			need = (memcmp(g->hdr, "PK\7\10", 4) ? 4 : 8) + (g->zip64 ? 16 : 8);
			if (!gather(g, &p, &avail, need))
				break;
			if (le32(g->hdr + need - (g->zip64 ? 20 : 12)) != g->crc)
				return fail_at(g, start, p, NGC_EGZ_CORRUPT);
			g->hdr_len = 0;
			g->zstate = ZIP_NEXT;
			break;
		}
	}
	g->in += len;
	return 0;
}

int gz_feed(struct gz *g, const void *in, size_t len, gz_sink sink, void *ctx)
{
	const unsigned char *start = in, *p = start;
	size_t avail = len;

	if (g->in == 0 && len && start[0] == 'P') {
		g->zip = 1;		/* gzip starts 1f 8b; a zip archive, PK */
		g->zstate = ZIP_NEXT;
	}
	if (g->zip)
		return zip_feed(g, start, len, sink, ctx);
	while (avail) {
		enum step s;
		int r;

		if (g->member_end) {
			/* Another member follows; anything else is garbage. */
			if ((avail >= 2 && !gz_magic(p, 2)) || (avail == 1 && p[0] != 0x1f))
				return fail_at(g, start, p, NGC_EGZ_TRAILING);
			reset(g, 0);
			g->member_end = 0;
			g->mhead = 0;
		}
		/* RFC 1952: reserved FLG bits set is an error (ISA-L would read on). */
		if (g->mhead < 4 && g->mhead + avail > 3 && (p[3 - g->mhead] & 0xe0))
			return fail_at(g, start, p + 3 - g->mhead, NGC_EGZ_CORRUPT);
		const unsigned char *before = p;
		if ((r = inflate_step(g, &p, &avail, sink, ctx, &s)) == NGC_EGZ_CORRUPT)
			return fail_at(g, start, p, r);
		if (g->mhead < 4)
			g->mhead += (size_t)(p - before) < 4 - g->mhead ? (unsigned)(p - before)
									 : 4 - g->mhead;
		if (r)
			return r;
		if (s == STEP_MEMBER_END)
			g->member_end = 1;
	}
	g->in += len;
	return 0;
}

int gz_finish(struct gz *g)
{
	/* A zip ends with its central directory: without it, it was cut short. */
	if (g->zip ? g->zstate == ZIP_END : g->member_end)
		return 0;
	g->err_off = g->in;
	return NGC_EGZ_TRUNCATED;
}
