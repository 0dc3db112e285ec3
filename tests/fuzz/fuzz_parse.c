/*
 * fuzz_parse - the one-pass parsers (v2, v3's sums) against the exact ones
 * on every line of any input, and the mapper over the whole input, whole
 * and streamed, and with and without the vector reader of a key's lines
 * (parse_v2_run).
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

/* What parse_v3 gives out in a year range: as struct v3_sum, for parse_v3_sum. */
struct v3_want {
	uint64_t from, to, counted, sum;
	unsigned field;
};

static int v3_add(void *ctx, const struct record *r)
{
	struct v3_want *w = ctx;
	if (r->year >= w->from && r->year <= w->to) {
		w->counted++;
		w->sum += w->field == 2 ? r->volume : r->count;
	}
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
		/* A v3 line parse_v3_sum reads, parse_v3 reads alike. */
		struct v3_want w = { len & 2 ? 1900 : 0, len & 2 ? 2000 : 9999, 0, 0, 1 + (len & 1) };
		struct v3_sum s;
		if (!parse_v3_sum(p, len, w.field, w.from, w.to, &r1, &s)) {
			FUZZ_ASSERT(parse_v3(p, len, v3_add, &w) == PARSE_OK);
			FUZZ_ASSERT(s.counted == w.counted && s.sum == w.sum);
		}
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
