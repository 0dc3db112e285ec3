/*
 * fuzz_parse - the one-pass parser against the exact one on every line of
 * any input, and the mapper over the whole input, whole and streamed, and
 * with and without the vector reader of a key's lines (parse_v2_run).
 */
#include <string.h>

#include "fuzz.h"
#include "ngramcount/map.h"
#include "ngramcount/parse.h"

/* table_foreach: the key has the same total in the other table (ctx). */
static int same_total(const struct ngram *g, void *ctx)
{
	const struct ngram *h = table_find(ctx, g->key, g->len);
	FUZZ_ASSERT(h && h->count == g->count);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct table a, b;
	struct mapper ma, mb;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		struct record r1, r2;
		int e1 = parse_v2(p, len, &r1), e2;
		const char *next = parse_v2_next(p, end, &r2, &e2);
		FUZZ_ASSERT(e1 == e2);
		FUZZ_ASSERT(next == (nl ? nl + 1 : end));
		if (e1 == PARSE_OK)
			FUZZ_ASSERT(r1.count == r2.count && r1.keylen == r2.keylen);
		p = next;
	}
	/* Whole lines and a stream cut in two give the same totals. */
	table_init(&a);
	table_init(&b);
	mapper_init(&ma, &a);
	mapper_init(&mb, &b);
	int ra = map_lines(&ma, (const char *)data, size);
	int rb = map_feed(&mb, (const char *)data, size / 2);
	if (!rb)
		rb = map_feed(&mb, (const char *)data + size / 2, size - size / 2);
	if (!rb)
		rb = map_flush(&mb);
	fuzz_same_mappers(ra, rb, &ma, &mb);
	/* The same lines read byte by byte give the same totals. */
	table_reset(&b);
	mapper_reset(&mb);
	mb.run = 0;
	rb = map_lines(&mb, (const char *)data, size);
	fuzz_same_mappers(ra, rb, &ma, &mb);
	if (!ra)
		table_foreach(&a, same_total, &b);
	mapper_fini(&ma);
	mapper_fini(&mb);
	table_fini(&a);
	table_fini(&b);
	return 0;
}
