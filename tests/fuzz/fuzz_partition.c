/*
 * fuzz_partition - any text cut into chunks of any size, arriving in any
 * order: partitions plus seam lines give back exactly the text's lines.
 * Input: byte 0 = chunk size - 1, byte 1 = order seed, the rest = text.
 */
#include <string.h>

#include "fuzz.h"
#include "ngramcount/partition.h"

struct acc {
	uint64_t lines;		/* lines seen */
	uint64_t bytes;		/* their bytes, LF excluded */
	uint64_t sum;		/* order-free checksum of the lines */
};

static uint64_t line_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static void add(struct acc *a, const char *s, size_t n)
{
	a->lines++;
	a->bytes += n;
	a->sum += line_hash(s, n);
}

static int seam(void *ctx, uint64_t k, const char *line, size_t len)
{
	(void)k;
	add(ctx, line, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t chunk = (size_t)data[0] + 1, seed = data[1];
	const char *text = (const char *)data + 2;
	size_t len = size - 2, nchunks = (len + chunk - 1) / chunk;
	struct acc want = { 0 }, got = { 0 };
	struct partitioner p;

	/* The oracle: split on LF; a last line without LF counts too. */
	for (const char *s = text, *end = text + len; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		add(&want, s, (size_t)((nl ? nl : end) - s));
		s = nl ? nl + 1 : end;
	}
	/* The arrival order: a shuffle driven by the seed byte. */
	size_t *order = malloc((nchunks + 1) * sizeof(*order));
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	for (size_t i = 0; i < nchunks; i++)
		order[i] = i;
	for (size_t i = nchunks; i > 1; i--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		size_t j = (size_t)(x % i), t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	partition_init(&p);
	for (size_t i = 0; i < nchunks; i++) {
		size_t k = order[i];
		size_t off = k * chunk, n = len - off < chunk ? len - off : chunk;
		struct cut c;
		partition_cut(text + off, n, &c);
		for (const char *s = text + off + c.start, *e = text + off + c.end; s < e;) {
			const char *nl = memchr(s, '\n', (size_t)(e - s));
			add(&got, s, (size_t)(nl - s));
			s = nl + 1;
		}
		partition_join(&p, k, text + off, n, &c, seam, &got);
	}
	FUZZ_ASSERT(p.next == nchunks);
	partition_finish(&p, seam, &got);
	partition_fini(&p);
	free(order);
	FUZZ_ASSERT(got.lines == want.lines);
	FUZZ_ASSERT(got.bytes == want.bytes);
	FUZZ_ASSERT(got.sum == want.sum);
	return 0;
}
