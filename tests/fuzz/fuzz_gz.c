/*
 * fuzz_gz - any bytes as a gzip or zip stream, fed in pieces: no crash, no hang,
 * and where zlib and ISA-L both accept it they inflate the same bytes.
 * Input: byte 0 = piece size - 1, the rest = the stream.
 */
#include <string.h>

#include "fuzz.h"
#include "ngramcount/gz.h"

struct digest {
	uint64_t len, hash;
};

static int sink(void *ctx, const char *buf, size_t len)
{
	struct digest *d = ctx;
	for (size_t i = 0; i < len; i++)
		d->hash = (d->hash ^ (unsigned char)buf[i]) * 1099511628211ull;
	d->len += len;
	return 0;
}

static int run(enum gz_backend b, const uint8_t *in, size_t n, size_t piece,
	       struct digest *d)
{
	struct gz g;
	int r = 0;
	if (gz_init(&g, b))
		return -1;
	for (size_t off = 0; off < n && !r; off += piece)
		r = gz_feed(&g, in + off, n - off < piece ? n - off : piece, sink, d);
	if (!r)
		r = gz_finish(&g);
	gz_fini(&g);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct digest z = { 0, 0 }, i = { 0, 0 };
	if (size < 1)
		return 0;
	size_t piece = (size_t)data[0] + 1;
	int rz = run(GZ_ZLIB, data + 1, size - 1, piece, &z);
	if (gz_have_isal()) {
		int ri = run(GZ_ISAL, data + 1, size - 1, piece, &i);
		if (rz == 0 && ri == 0)
			FUZZ_ASSERT(z.len == i.len && z.hash == i.hash);
	}
	return 0;
}
