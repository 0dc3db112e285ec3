/*
 * gz.h - streaming gzip inflate of compressed bytes that arrive in chunks,
 * as gzip -d does it: concatenated members are all read; bytes after the
 * last member that are not a gzip member are an error.
 *
 * Two backends behind one interface: zlib (always built) and Intel ISA-L
 * (igzip_lib.h, about twice as fast; built in when its headers are there).
 * Output goes to a sink in pieces of at most NGC_GZ_OUT bytes; the sink
 * does not own them. A struct gz owns its inflate state and output buffer.
 */
#ifndef NGRAMCOUNT_GZ_H
#define NGRAMCOUNT_GZ_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

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
	struct inflate_state *isal;	/* ISA-L's state; owned */
	char *out;		/* inflate output, NGC_GZ_OUT bytes; owned */
	int member_end;		/* the last member read so far is complete */
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

/*
 * Inflate the next len compressed bytes. Returns 0, the sink's non-zero
 * return, WIRE_EGZ_CORRUPT or WIRE_EGZ_TRAILING (g->err_off set).
 */
int gz_feed(struct gz *g, const void *in, size_t len, gz_sink sink, void *ctx);

/* End of input: 0, or WIRE_EGZ_TRUNCATED if the last member is incomplete. */
int gz_finish(struct gz *g);

/* True when buf starts with the gzip magic bytes. */
int gz_magic(const void *buf, size_t len);

#endif
