/*
 * gz.h - streaming inflate of compressed bytes that arrive in chunks, with
 * bounded memory: nothing waits for the whole file. gzip as gzip -d reads
 * it (every member; other bytes after the last are an error); zip as
 * unzip -p prints it (each member's header, data and CRC-32 in order; the
 * central directory passed over). Two backends: zlib (always) and ISA-L
 * (about twice as fast, built in when its headers are there); zip members
 * always go through zlib, since ISA-L reads past a raw deflate stream's end.
 * Output goes to a sink in pieces of at most NGC_GZ_OUT bytes.
 */
#ifndef NGRAMCOUNT_GZ_H
#define NGRAMCOUNT_GZ_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "ngramcount/error.h"

#define NGC_GZ_OUT	(256u << 10)

enum gz_backend {
	GZ_AUTO,	/* ISA-L when built in, else zlib */
	GZ_ZLIB,
	GZ_ISAL,
};

typedef int (*gz_sink)(void *ctx, const char *buf, size_t len);

struct inflate_state;

struct gz {
	enum gz_backend backend;	/* never GZ_AUTO once initialised */
	z_stream z;			/* zlib's state */
	int z_ready;			/* z is initialised */
	struct inflate_state *isal;	/* ISA-L's state; owned */
	char *out;		/* inflate output, NGC_GZ_OUT bytes; owned */
	int member_end;		/* the last member read so far is complete */
	unsigned mhead;		/* gzip: bytes of this member's header read, to 4 */
	int zip;		/* a zip archive (known from the first byte) */
	int zstate;		/* zip: where in the archive (gz.c) */
	unsigned char *hdr;	/* zip: header bytes gathered; owned */
	size_t hdr_len, hdr_cap;
	unsigned zflags;	/* zip: the member's flags */
	int zip64;		/* zip: it has a zip64 extra field */
	uint32_t crc, crc_want;	/* zip: CRC-32 of its data, and the header's */
	uint64_t stored_left;	/* zip: stored (method 0) bytes still to come */
	int stored_dd;		/* zip: stored, its size only in the descriptor after */
	uint64_t stored_seen;	/* then: its bytes so far */
	uint64_t in;		/* compressed bytes consumed */
	uint64_t out_total;	/* bytes inflated */
	uint64_t err_off;	/* after an error: compressed offset near it */
};

/* True when this build has the ISA-L backend. */
int gz_have_isal(void);

/* "zlib" or "isal" for a backend (GZ_AUTO resolved). */
const char *gz_backend_name(enum gz_backend b);

/* Returns 0, -ENOMEM, or -ENOTSUP for GZ_ISAL in a build without it. */
int gz_init(struct gz *g, enum gz_backend backend);
void gz_fini(struct gz *g);
/* Ready g for another stream from its first byte, its buffers kept. */
void gz_restart(struct gz *g);

/*
 * Inflate the next len compressed bytes (gzip or zip: the first byte of
 * the stream tells). Returns 0, the sink's non-zero return,
 * NGC_EGZ_CORRUPT (bad data, a CRC that does not match),
 * NGC_EGZ_TRAILING, or NGC_EGZ_METHOD (an encrypted zip member, or one
 * neither deflated nor stored), with g->err_off set.
 */
int gz_feed(struct gz *g, const void *in, size_t len, gz_sink sink, void *ctx);

/* End of input: 0, or NGC_EGZ_TRUNCATED if the last member is incomplete. */
int gz_finish(struct gz *g);

/* True when buf starts with the gzip magic bytes. */
int gz_magic(const void *buf, size_t len);

/* What a file's first bytes say it is. */
enum gz_container { GZC_NONE, GZC_GZIP, GZC_ZIP };
enum gz_container gz_container(const void *buf, size_t len);

#endif
