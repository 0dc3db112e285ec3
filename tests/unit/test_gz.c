/*
 * test_gz - chunked inflate: multi-member streams, any chunking, and the
 * truncated, corrupt and trailing-garbage cases.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ngramcount/gz.h"
#include "ngramcount/wire.h"
#include "t.h"

struct sink {
	char *p;
	size_t len, cap;
};

/* The output so far; grown by doubling (ASan's realloc always copies). */
static int collect(void *ctx, const char *buf, size_t len)
{
	struct sink *s = ctx;
	if (s->len + len > s->cap) {
		s->cap = s->cap * 2 > s->len + len ? s->cap * 2 : s->len + len;
		s->p = realloc(s->p, s->cap);
	}
	memcpy(s->p + s->len, buf, len);
	s->len += len;
	return 0;
}

/* One gzip member of data. */
static size_t gzip_member(const char *data, size_t len, unsigned char *out, size_t cap)
{
	z_stream z = { 0 };
	deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)data;
	z.avail_in = (unsigned)len;
	z.next_out = out;
	z.avail_out = (unsigned)cap;
	deflate(&z, Z_FINISH);
	size_t n = z.total_out;
	deflateEnd(&z);
	return n;
}

static char *text(size_t len, unsigned long long seed)
{
	char *t = malloc(len);
	for (size_t i = 0; i < len; i++)
		t[i] = i % 30 == 29 ? '\n' : (char)('a' + t_rand(&seed) % 4);
	return t;
}

/* Inflate in[0,n) fed in pieces of 1..maxpiece bytes. */
static enum gz_backend backend;	/* each test runs once per backend */

static int run(const unsigned char *in, size_t n, size_t maxpiece, struct sink *s,
	       unsigned long long seed)
{
	struct gz g;
	int r = 0;
	CHECK(gz_init(&g, backend) == 0);
	for (size_t off = 0; off < n && !r;) {
		size_t piece = 1 + t_rand(&seed) % maxpiece;
		if (piece > n - off)
			piece = n - off;
		r = gz_feed(&g, in + off, piece, collect, s);
		off += piece;
	}
	if (!r)
		r = gz_finish(&g);
	gz_fini(&g);
	return r;
}

/* gz_restart: a stream cut off (corrupt, or left half read), then a whole one. */
static void restart_keeps_nothing_of_the_last(void)
{
	size_t n = 50000;
	char *t = text(n, 9);
	unsigned char *gz = malloc(n + 64);
	size_t len = gzip_member(t, n, gz, n + 64);
	struct gz g;

	CHECK(gz_init(&g, backend) == 0);
	for (int round = 0; round < 3; round++) {
		struct sink s = { 0 };
		gz_restart(&g);
		if (round == 1) {	/* half of it, then nothing more */
			CHECK(gz_feed(&g, gz, len / 2, collect, &s) == 0);
			free(s.p);
			continue;
		}
		CHECK(gz_feed(&g, gz, len, collect, &s) == 0 && gz_finish(&g) == 0);
		CHECK(s.len == n && !memcmp(s.p, t, n));
		free(s.p);
	}
	gz_fini(&g);
	free(t);
	free(gz);
}

static void multi_member_any_chunking(void)
{
	size_t n1 = 700000, n2 = 3000;
	char *t1 = text(n1, 1), *t2 = text(n2, 2);
	size_t cap = n1 + n2 + 4096;
	unsigned char *gz = malloc(cap);
	size_t len = gzip_member(t1, n1, gz, cap);
	len += gzip_member(t2, n2, gz + len, cap - len);
	static const size_t pieces[] = { 1, 7, 4096, 1 << 20 };
	for (size_t i = 0; i < 4; i++) {
		struct sink s = { 0 };
		CHECK(run(gz, len, pieces[i], &s, i) == 0);
		CHECK(s.len == n1 + n2);
		CHECK(s.len == n1 + n2 && !memcmp(s.p, t1, n1) && !memcmp(s.p + n1, t2, n2));
		free(s.p);
	}
	free(t1);
	free(t2);
	free(gz);
}

static void truncated_corrupt_trailing(void)
{
	size_t n = 100000;
	char *t = text(n, 3);
	unsigned char *gz = malloc(n + 64 + 16);
	size_t len = gzip_member(t, n, gz, n + 64);
	struct sink s = { 0 };

	CHECK(run(gz, len - 5, 4096, &s, 1) == NGC_EGZ_TRUNCATED);
	CHECK(run(gz, 10, 4096, &s, 1) == NGC_EGZ_TRUNCATED);
	gz[len - 3] ^= 0xff;		/* the length trailer */
	CHECK(run(gz, len, 4096, &s, 1) == NGC_EGZ_CORRUPT);
	gz[len - 3] ^= 0xff;
	gz[len / 2] ^= 0x55;		/* deflate data or CRC */
	CHECK(run(gz, len, 4096, &s, 1) == NGC_EGZ_CORRUPT);
	gz[len / 2] ^= 0x55;
	gz[3] |= 0x20;			/* a reserved header flag: both refuse */
	CHECK(run(gz, len, 4096, &s, 1) == NGC_EGZ_CORRUPT);
	CHECK(run(gz, len, 1, &s, 1) == NGC_EGZ_CORRUPT);
	gz[3] &= (unsigned char)~0x20;
	memcpy(gz + len, "garbage!", 8);
	CHECK(run(gz, len + 8, 4096, &s, 1) == NGC_EGZ_TRAILING);
	CHECK(run(gz, len, 4096, &s, 1) == 0);
	free(s.p);
	free(t);
	free(gz);
}

static void magic(void)
{
	CHECK(gz_magic("\x1f\x8b", 2));
	CHECK(!gz_magic("\x1f", 1));
	CHECK(!gz_magic("ab", 2));
}

static void backends(void)
{
	struct gz g;
	CHECK(strcmp(gz_backend_name(GZ_ZLIB), "zlib") == 0);
	CHECK(strcmp(gz_backend_name(GZ_AUTO), gz_have_isal() ? "isal" : "zlib") == 0);
	if (!gz_have_isal())
		CHECK(gz_init(&g, GZ_ISAL) == -ENOTSUP);
}

int main(void)
{
	backend = GZ_ZLIB;
	T_RUN(multi_member_any_chunking);
	T_RUN(restart_keeps_nothing_of_the_last);
	T_RUN(truncated_corrupt_trailing);
	if (gz_have_isal()) {
		backend = GZ_ISAL;
		printf("# ISA-L backend\n");
		T_RUN(multi_member_any_chunking);
		T_RUN(restart_keeps_nothing_of_the_last);
		T_RUN(truncated_corrupt_trailing);
	}
	T_RUN(magic);
	T_RUN(backends);
	T_DONE();
}
