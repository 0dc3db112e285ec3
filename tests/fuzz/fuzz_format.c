/*
 * fuzz_format - any bytes under any options: the format sniffed from a
 * stream fed in pieces (map_feed, FMT_AUTO) and from the whole input
 * (format_sniff, map_lines) agree, and so do the two tables, key by key.
 * Input: byte 0 picks the options, byte 1 the piece size, the rest is the
 * input.
 */
#include <string.h>

#include "fuzz.h"
#include "ngramcount/map.h"

struct cmp {
	const struct table *other;
	int same;
};

static int same_in_other(const struct ngram *g, void *ctx)
{
	struct cmp *c = ctx;
	const struct ngram *h = table_find(c->other, g->key, g->len);
	if (!h || h->count != g->count)
		c->same = 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct map_opts o;
	struct table a, b, only;
	struct mapper ma, mb;
	size_t piece;
	int ra, rb = 0;

	if (size < 2)
		return 0;
	map_opts_init(&o);
	o.pos = (enum map_pos)(data[0] % 3);
	o.ignore_case = data[0] >> 2 & 1;
	o.per_year = data[0] >> 3 & 1;
	o.field = data[0] >> 4 & 1 ? FIELD_VOLUME : FIELD_MATCH;
	o.words = 1 + (data[0] >> 5 & 3);
	if (data[0] & 0x80) {
		o.year_from = 1900;
		o.year_to = 2000;
	}
	table_init(&only);
	if (data[1] & 0x80) {
		map_add_word(&only, &o, "the", 3);
		map_add_word(&only, &o, "A", 1);
		o.only = &only;
	}
	piece = 1 + (data[1] & 0x7f);
	data += 2;
	size -= 2;

	table_init(&a);
	table_init(&b);
	mapper_init(&ma, &a);
	mapper_init(&mb, &b);
	mapper_set_opts(&ma, &o);
	mapper_set_opts(&mb, &o);
	ra = mapper_set_format(&ma, format_sniff((const char *)data, size, 1, NULL));
	if (!ra)
		ra = map_lines(&ma, (const char *)data, size);
	mapper_set_format(&mb, FMT_AUTO);
	for (size_t off = 0; off < size && !rb; off += piece)
		rb = map_feed(&mb, (const char *)data + off, size - off < piece ? size - off : piece);
	if (!rb)
		rb = map_flush(&mb);
	fuzz_same_mappers(ra, rb, &ma, &mb);
	FUZZ_ASSERT(size == 0 || ma.fmt == mb.fmt);
	if (!ra) {
		struct cmp c = { &b, 1 };
		table_foreach(&a, same_in_other, &c);
		FUZZ_ASSERT(c.same);
	}
	mapper_fini(&ma);
	mapper_fini(&mb);
	table_fini(&a);
	table_fini(&b);
	table_fini(&only);
	return 0;
}
