/*
 * test_partition - chunks cut at any size and arriving in any order give
 * back every line exactly once, seams in file order.
 */
#include <stdlib.h>
#include <string.h>

#include "ngramcount/error.h"
#include "ngramcount/partition.h"
#include "t.h"

struct collect {
	char *lines;		/* every line seen, each + '\n', in arrival order */
	size_t len;
	uint64_t last_k;	/* seams must come in chunk order */
	int order_ok;
};

static void add(struct collect *c, const char *s, size_t n)
{
	c->lines = realloc(c->lines, c->len + n + 1);
	memcpy(c->lines + c->len, s, n);
	c->lines[c->len + n] = '\n';
	c->len += n + 1;
}

static int seam(void *ctx, uint64_t k, const char *line, size_t len)
{
	struct collect *c = ctx;
	if (k < c->last_k)
		c->order_ok = 0;
	c->last_k = k;
	add(c, line, len);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted lines of a text, as one NUL-separated, newline-joined string. */
static char *sorted_lines(const char *text, size_t len, size_t *n)
{
	char *copy = malloc(len + 1), **v = malloc((len + 1) * sizeof(*v)), *out, *p;
	size_t m = 0, total = 0;
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (p = copy; p < copy + len;) {
		char *nl = memchr(p, '\n', (size_t)(copy + len - p));
		if (nl)
			*nl = '\0';
		v[m++] = p;
		total += strlen(p) + 1;
		p = nl ? nl + 1 : copy + len;
	}
	qsort(v, m, sizeof(*v), cmp_str);
	out = p = malloc(total + 1);
	for (size_t i = 0; i < m; i++)
		p += sprintf(p, "%s\n", v[i]);
	*n = m;
	free(v);
	free(copy);
	return out;
}

static void one_case(unsigned long long seed, size_t chunk, int shuffle, int final_nl)
{
	unsigned long long s = seed;
	size_t len = 0, cap = 20000, nchunks;
	char *text = malloc(cap);
	struct collect c = { .order_ok = 1 };
	struct partitioner p;

	/* Lines of 0..300 bytes, a few far longer than a chunk. */
	while (len < 8000) {
		size_t n = t_rand(&s) % 13 == 0 ? 1000 + t_rand(&s) % 2000 : t_rand(&s) % 40;
		for (size_t i = 0; i < n; i++)
			text[len++] = (char)('a' + t_rand(&s) % 26);
		text[len++] = '\n';
	}
	if (!final_nl)
		text[len - 1] = 'z';
	nchunks = (len + chunk - 1) / chunk;
	size_t *order = malloc(nchunks * sizeof(*order));
	for (size_t i = 0; i < nchunks; i++)
		order[i] = i;
	for (size_t i = nchunks - 1; shuffle && i > 0; i--) {
		size_t j = t_rand(&s) % (i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	partition_init(&p);
	for (size_t i = 0; i < nchunks; i++) {
		size_t k = order[i], off = k * chunk;
		size_t n = len - off < chunk ? len - off : chunk;
		struct cut cut;
		partition_cut(text + off, n, &cut);
		CHECK(cut.start <= cut.end && cut.end <= n);
		CHECK(cut.start == cut.end || text[off + cut.end - 1] == '\n');
		if (cut.end > cut.start) {
			/* The partition's lines, as a worker would map them. */
			const char *q = text + off + cut.start, *end = text + off + cut.end;
			while (q < end) {
				const char *nl = memchr(q, '\n', (size_t)(end - q));
				add(&c, q, (size_t)(nl - q));
				q = nl + 1;
			}
		}
		CHECK(partition_join(&p, k, text + off, n, &cut, seam, &c) == 0);
	}
	CHECK(p.next == nchunks);
	CHECK(partition_finish(&p, seam, &c) == 0);
	partition_fini(&p);

	size_t nwant, ngot;
	char *want = sorted_lines(text, len - (final_nl ? 1 : 0), &nwant);
	char *got = sorted_lines(c.lines, c.len - 1, &ngot);
	CHECK(nwant == ngot);
	CHECK(strcmp(want, got) == 0);
	CHECK(c.order_ok);
	free(want);
	free(got);
	free(order);
	free(c.lines);
	free(text);
}

static void in_order_every_chunk_size(void)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 16, 64, 100, 999, 4096, 100000 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		one_case(i + 1, sizes[i], 0, 1);
}

static void out_of_order(void)
{
	for (unsigned long long seed = 1; seed <= 40; seed++)
		one_case(seed, 1 + t_rand(&seed) % 500, 1, 1);
}

static void no_final_newline(void)
{
	one_case(7, 50, 0, 0);
	one_case(8, 50, 1, 0);
	one_case(9, 100000, 0, 0);
}

static void cut_without_newline(void)
{
	struct cut c;
	partition_cut("abc", 3, &c);
	CHECK(!c.has_nl && c.start == 3 && c.end == 3 && c.head == 3);
	partition_cut("\n", 1, &c);
	CHECK(c.has_nl && c.head == 0 && c.start == 1 && c.end == 1);
	partition_cut("a\nb\nc", 5, &c);
	CHECK(c.head == 1 && c.start == 2 && c.end == 4);
}

static int count_line(void *ctx, uint64_t k, const char *line, size_t len)
{
	(void)k;
	(void)line;
	(void)len;
	(*(int *)ctx)++;
	return 0;
}

static void empty_lines_count(void)
{
	/* "\n\n" is two empty lines: the seam of chunk 0, then a partition line. */
	struct partitioner p;
	struct cut c;
	int n = 0;
	partition_init(&p);
	partition_cut("\n\n", 2, &c);
	CHECK(partition_join(&p, 0, "\n\n", 2, &c, count_line, &n) == 0);
	CHECK(n == 1 && c.end - c.start == 1);
	CHECK(partition_finish(&p, count_line, &n) == 0 && n == 1);
	partition_fini(&p);
}

/* An open line past line_max is NGC_ELONG; at line_max, it is whole. */
static void line_max_bounds_the_seam(void)
{
	struct partitioner p;
	struct cut c;
	int n = 0;
	partition_init(&p);
	p.line_max = 10;
	partition_cut("12345", 5, &c);
	CHECK(partition_join(&p, 0, "12345", 5, &c, count_line, &n) == 0);
	partition_cut("67890\nab", 8, &c);
	CHECK(partition_join(&p, 1, "67890\nab", 8, &c, count_line, &n) == 0 && n == 1);
	partition_cut("cdefghijk", 9, &c);
	CHECK(partition_join(&p, 2, "cdefghijk", 9, &c, count_line, &n) == NGC_ELONG);
	partition_fini(&p);
}

int main(void)
{
	T_RUN(cut_without_newline);
	T_RUN(in_order_every_chunk_size);
	T_RUN(out_of_order);
	T_RUN(no_final_newline);
	T_RUN(empty_lines_count);
	T_RUN(line_max_bounds_the_seam);
	T_DONE();
}
