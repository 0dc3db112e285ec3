/*
 * test_map - lines into totals: whole lines and a stream cut anywhere give
 * the same table; malformed lines are counted and located.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngramcount/map.h"
#include "ngramcount/parse.h"
#include "t.h"

static const char text[] =
	"a\t2000\t1\t1\n"
	"a\t2001\t2\t1\n"
	"b\t2000\t10\t1\n"
	"bad line\n"
	"a\t2002\t4\t1\r\n"		/* CRLF */
	"c c\t1999\t7\t1\n"
	"b\tyear\t3\t1\n"		/* bad year */
	"b\t2001\t20\t1";		/* no final LF */

static uint64_t total(struct table *t, const char *k)
{
	return table_upsert(t, k, strlen(k))->count;
}

static void whole_lines(void)
{
	struct table t;
	struct mapper m;
	table_init(&t);
	mapper_init(&m, &t);
	CHECK(map_lines(&m, text, strlen(text)) == 0);
	CHECK(m.st.lines == 8 && m.st.bad == 2);
	CHECK(m.st.first_bad == 4);
	CHECK(total(&t, "a") == 7 && total(&t, "b") == 30 && total(&t, "c c") == 7);
	CHECK(t.count == 3);
	mapper_fini(&m);
	table_fini(&t);
}

/* A stream's open line past o.line_max is NGC_ELONG, its line number known. */
static void line_max_bounds_the_carry(void)
{
	struct table t;
	struct mapper m;
	struct map_opts o;
	map_opts_init(&o);
	o.line_max = 16;
	table_init(&t);
	mapper_init(&m, &t);
	mapper_set_opts(&m, &o);
	CHECK(mapper_set_format(&m, FMT_V2) == 0);
	const char *a = "a\t2000\t1\t1\nlong", *b = "er than sixteen";
	CHECK(map_feed(&m, a, strlen(a)) == 0);
	CHECK(map_feed(&m, b, strlen(b)) == NGC_ELONG);
	CHECK(m.st.lines + 1 == 2);
	mapper_fini(&m);
	table_fini(&t);
}

static void stream_cut_anywhere(void)
{
	unsigned long long s = 3;
	for (int round = 0; round < 200; round++) {
		struct table t;
		struct mapper m;
		size_t off = 0, len = strlen(text);
		table_init(&t);
		mapper_init(&m, &t);
		while (off < len) {
			size_t n = 1 + t_rand(&s) % 20;
			if (n > len - off)
				n = len - off;
			CHECK(map_feed(&m, text + off, n) == 0);
			off += n;
		}
		CHECK(map_flush(&m) == 0);
		CHECK(m.st.lines == 8 && m.st.bad == 2 && m.st.first_bad == 4);
		CHECK(total(&t, "a") == 7 && total(&t, "b") == 30 && total(&t, "c c") == 7);
		mapper_fini(&m);
		table_fini(&t);
	}
}

static void alternating_keys_skip_nothing(void)
{
	/* The previous-key shortcut must not stick to a stale entry. */
	struct table t;
	struct mapper m;
	const char *s = "x\t1\t1\t1\ny\t1\t2\t1\nx\t1\t4\t1\nxx\t1\t8\t1\n";
	table_init(&t);
	mapper_init(&m, &t);
	CHECK(map_lines(&m, s, strlen(s)) == 0);
	CHECK(total(&t, "x") == 5 && total(&t, "y") == 2 && total(&t, "xx") == 8);
	table_reset(&t);
	mapper_reset(&m);
	CHECK(map_lines(&m, s, strlen(s)) == 0);
	CHECK(total(&t, "x") == 5 && m.st.lines == 4);
	mapper_fini(&m);
	table_fini(&t);
}

/*
 * Neighbour lines whose keys, of one length, differ in one byte, at each
 * place, for lengths 1 to 24: the previous-key compare must see every byte.
 */
static void neighbour_keys_differ_anywhere(void)
{
	char *buf = malloc(1 << 16), key[32];
	for (size_t len = 1; len <= 24; len++) {
		struct table t;
		struct mapper m;
		size_t n = 0;
		table_init(&t);
		mapper_init(&m, &t);
		memset(key, 'k', len);
		key[len] = '\0';
		n += (size_t)sprintf(buf + n, "%s\t2000\t1\t1\n", key);
		for (size_t i = 0; i < len; i++) {
			key[i] = 'q';
			n += (size_t)sprintf(buf + n, "%s\t2000\t2\t1\n", key);
			key[i] = 'k';
			n += (size_t)sprintf(buf + n, "%s\t2000\t1\t1\n", key);
		}
		CHECK(map_lines(&m, buf, n) == 0);
		CHECK(t.count == len + 1 && total(&t, key) == len + 1);
		mapper_fini(&m);
		table_fini(&t);
	}
	free(buf);
}

static void overflow_names_the_key(void)
{
	struct table t;
	struct mapper m;
	const char *s = "k\t1\t18446744073709551615\t1\nk\t2\t1\t1\n";
	table_init(&t);
	mapper_init(&m, &t);
	CHECK(map_lines(&m, s, strlen(s)) == -EOVERFLOW);
	CHECK(m.overflow && m.overflow->len == 1 && m.overflow->key[0] == 'k');
	mapper_fini(&m);
	table_fini(&t);
}

/*
 * A line of 4 GiB or more (only a seam or a stream's carry gets there) is
 * malformed, not read: a table's key length is 32 bits. The bytes past the
 * first are never touched, so a short buffer stands for the long line.
 */
static void four_gib_line_is_malformed(void)
{
	struct table t;
	struct mapper m;
	table_init(&t);
	mapper_init(&m, &t);
	CHECK(map_line(&m, "x", NGC_LINE_MAX + 1) == 0);
	CHECK(m.st.lines == 1 && m.st.bad == 1 && m.st.first_bad_why == PARSE_LONG);
	CHECK(map_line(&m, "x\t2000\t3\t1", 10) == 0 && total(&t, "x") == 3);
	CHECK(t.count == 1);
	mapper_fini(&m);
	table_fini(&t);
}

int main(void)
{
	T_RUN(whole_lines);
	T_RUN(line_max_bounds_the_carry);
	T_RUN(stream_cut_anywhere);
	T_RUN(alternating_keys_skip_nothing);
	T_RUN(neighbour_keys_differ_anywhere);
	T_RUN(overflow_names_the_key);
	T_RUN(four_gib_line_is_malformed);
	T_DONE();
}
