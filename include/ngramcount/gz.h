/*
 * gz.h - streaming gzip inflate (zlib) of compressed bytes that arrive in
 * chunks, as gzip -d does it: concatenated members are all read; bytes
 * after the last member that are not a gzip member are an error.
 *
 * Output goes to a sink in pieces of at most NGC_GZ_OUT bytes; the sink
 * does not own them. A struct gz owns its zlib state and output buffer.
 */
#ifndef NGRAMCOUNT_GZ_H
#define NGRAMCOUNT_GZ_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#define NGC_GZ_OUT	(256u << 10)

typedef int (*gz_sink)(void *ctx, const char *buf, size_t len);

struct gz {
	z_stream z;
	char *out;		/* inflate output, NGC_GZ_OUT bytes; owned */
	int member_end;		/* the last member read so far is complete */
	uint64_t in;		/* compressed bytes consumed */
	uint64_t out_total;	/* bytes inflated */
	uint64_t err_off;	/* after an error: compressed offset near it */
};

/* Returns 0 or -ENOMEM. */
int gz_init(struct gz *g);
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
