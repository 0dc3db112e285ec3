/* test_parse - the v2 line parser: fields, numbers, limits, CRLF. */
#include <string.h>

#include "ngramcount/parse.h"
#include "t.h"

static int p(const char *line, struct record *r)
{
	return parse_v2(line, strlen(line), r);
}

static void good_line(void)
{
	struct record r;
	CHECK(p("A'Aang_NOUN\t1879\t45\t5", &r) == PARSE_OK);
	CHECK(r.keylen == 11 && !memcmp(r.key, "A'Aang_NOUN", 11));
	CHECK(r.count == 45);
}

static void spaces_and_utf8_keys_are_bytes(void)
{
	struct record r;
	CHECK(p("for ever\t1900\t7\t1", &r) == PARSE_OK && r.keylen == 8);
	CHECK(p("Zach\xc3\xb3" "d\t1900\t7\t1", &r) == PARSE_OK && r.keylen == 7);
	CHECK(p("\xff\xfe\t1900\t7\t1", &r) == PARSE_OK && r.keylen == 2);
}

static void crlf_is_lf(void)
{
	struct record r;
	CHECK(p("x\t2000\t3\t1\r", &r) == PARSE_OK && r.count == 3);
}

static void wrong_field_counts(void)
{
	struct record r;
	CHECK(p("", &r) == PARSE_FIELDS);
	CHECK(p("x\t2000\t3", &r) == PARSE_FIELDS);
	CHECK(p("x\t2000\t3\t1\t9", &r) == PARSE_FIELDS);
	CHECK(p("\t2000\t3\t1", &r) == PARSE_EMPTY_KEY);
}

static void bad_numbers(void)
{
	struct record r;
	CHECK(p("x\ttwo\t3\t1", &r) == PARSE_YEAR);
	CHECK(p("x\t2000\t-3\t1", &r) == PARSE_COUNT);
	CHECK(p("x\t2000\t3x\t1", &r) == PARSE_COUNT);
	CHECK(p("x\t2000\t\t1", &r) == PARSE_COUNT);
	CHECK(p("x\t2000\t3\t", &r) == PARSE_COUNT);
	CHECK(p("x\t2000\t3 \t1", &r) == PARSE_COUNT);
}

static void years_and_nul(void)
{
	struct record r;
	CHECK(p("x\t1\t3\t1", &r) == PARSE_OK);
	CHECK(p("x\t0999\t3\t1", &r) == PARSE_OK);
	CHECK(p("x\t9999\t3\t1", &r) == PARSE_OK);
	CHECK(p("x\t0\t3\t1", &r) == PARSE_YEAR_RANGE);
	CHECK(p("x\t10000\t3\t1", &r) == PARSE_YEAR_RANGE);
	CHECK(p("x\t99999999999999999999999\t3\t1", &r) == PARSE_YEAR_RANGE);
	CHECK(parse_v2("x\0y\t2000\t3\t1", 13, &r) == PARSE_NUL);
	CHECK(parse_v2("x\t2000\t3\t1\0", 13, &r) == PARSE_NUL);
}

static void sixty_four_bits(void)
{
	struct record r;
	CHECK(p("x\t2008\t19482936409\t1", &r) == PARSE_OK && r.count == 19482936409ull);
	CHECK(p("x\t2008\t18446744073709551615\t1", &r) == PARSE_OK &&
	      r.count == 18446744073709551615ull);
	CHECK(p("x\t2008\t18446744073709551616\t1", &r) == PARSE_RANGE);
	CHECK(p("x\t2008\t99999999999999999999999\t1", &r) == PARSE_RANGE);
}

static void messages(void)
{
	for (int e = 0; e < PARSE_NERRORS; e++)
		CHECK(strlen(parse_strerror(e)) > 0);
	CHECK(strcmp(parse_strerror(999), "unknown error") == 0);
	/* Checked before a byte is read: a short buffer stands for the line. */
	struct record r;
	CHECK(parse_result("k\t1", NGC_LINE_MAX + 1, &r) == PARSE_LONG);
	CHECK(parse_result("k\t1", 3, &r) == PARSE_OK && r.count == 1);
}

/*
 * The one-pass parser agrees with parse_v2 on every line, good or bad,
 * counts of every width, at the end of the buffer or followed by more
 * (the eight-bytes-a-field path needs 16 bytes after the year).
 */
static void fast_path_agrees(void)
{
	static const char alphabet[] = "ab\t\t\t01239\r\n-x \xc3\0";
	unsigned long long s = 11;
	char buf[128];
	int agree = 1, oks = 0;
	for (int i = 0; i < 300000; i++) {
		size_t len = t_rand(&s) % 24;
		/* Mostly well-formed lines, mutated in one byte. */
		int n = snprintf(buf, sizeof(buf), "k%llu\t%llu\t%llu\t%llu",
				 t_rand(&s) % 100, t_rand(&s) % 12000,
				 t_rand(&s) >> (t_rand(&s) % 64),
				 t_rand(&s) >> (t_rand(&s) % 64));
		if (t_rand(&s) % 2)
			buf[t_rand(&s) % (size_t)n] = alphabet[t_rand(&s) % (sizeof(alphabet) - 1)];
		if (t_rand(&s) % 8 == 0)
			for (size_t j = 0; j < len; j++)
				buf[j] = alphabet[t_rand(&s) % (sizeof(alphabet) - 1)];
		else
			len = (size_t)n;
		if (t_rand(&s) % 4) {	/* a next line, or some of one */
			size_t more = t_rand(&s) % 20;
			buf[len++] = '\n';
			for (size_t j = 0; j < more; j++)
				buf[len++] = alphabet[t_rand(&s) % (sizeof(alphabet) - 1)];
		}
		const char *nl = memchr(buf, '\n', len);
		size_t linelen = nl ? (size_t)(nl - buf) : len;
		struct record a, b;
		int ea = parse_v2(buf, linelen, &a), eb;
		const char *next = parse_v2_next(buf, buf + len, &b, &eb);
		agree &= ea == eb && next == (nl ? nl + 1 : buf + len);
		if (ea == PARSE_OK) {
			oks++;
			agree &= a.count == b.count && a.keylen == b.keylen && a.key == b.key;
		}
	}
	CHECK(agree);
	CHECK(oks > 1000);
}

int main(void)
{
	T_RUN(fast_path_agrees);
	T_RUN(good_line);
	T_RUN(spaces_and_utf8_keys_are_bytes);
	T_RUN(crlf_is_lf);
	T_RUN(wrong_field_counts);
	T_RUN(bad_numbers);
	T_RUN(sixty_four_bits);
	T_RUN(years_and_nul);
	T_RUN(messages);
	T_DONE();
}
