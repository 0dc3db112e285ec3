/* test_parse - the v2 line parser: fields, numbers, limits, CRLF. */
#include <stdint.h>
#include <stdio.h>
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

/*
 * Check parse_v2_run from each line start of buf against parse_v2 line by
 * line: it stops at a line start, every line it passed parses without
 * error with the key it was given, and it counted and summed those with a
 * year in [from, to]. Returns how many lines it passed in all.
 */
static unsigned long long run_agrees(const char *buf, size_t len, uint64_t from, uint64_t to,
				     int *agree)
{
	const char *end = buf + len;
	unsigned long long passed = 0;

	for (const char *p = buf; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		struct record r;
		if (parse_v2(p, (size_t)((nl ? nl : end) - p), &r) == PARSE_OK) {
			struct v2_run run = { 0 }, want = { 0 };
			const char *q = parse_v2_run(p, end, r.key, r.keylen, from, to, &run), *l = p;
			while (l < q) {
				const char *e = memchr(l, '\n', (size_t)(end - l));
				struct record x;
				*agree &= e != NULL && parse_v2(l, (size_t)(e - l), &x) == PARSE_OK &&
					  x.keylen == r.keylen && !memcmp(x.key, r.key, r.keylen);
				if (!e)
					break;
				want.lines++;
				if (x.year >= from && x.year <= to) {
					want.counted++;
					want.sum += x.count;
				}
				l = e + 1;
			}
			*agree &= l == q && !memcmp(&run, &want, sizeof(run));
			passed += run.lines;
		}
		p = next;
	}
	return passed;
}

/* key TAB year TAB match TAB volume LF at buf; its length. */
static size_t put_line(char *buf, const char *key, const char *year, const char *match,
		       const char *volume)
{
	return (size_t)sprintf(buf, "%s\t%s\t%s\t%s\n", key, year, match, volume);
}

/*
 * The vector reader of a key's run (AVX2) takes the lines parse_v2
 * reads, summed alike, every year or some, and stops at the first it does
 * not take whole: on runs of one key with lines of every shape at its
 * edges among them.
 */
static void run_reads_what_parse_v2_reads(void)
{
	static const char *const keys[] = { "a", "of", "on", "the_DET", "the_DEF",
		"exactly-sixteen!", "0123456789abcdef0123456789abcdef0123456789abcdef",	/* 48 */
		"0123456789abcdef0123456789abcdef0123456789abcdefg" };		/* 49 */
	static const char *const good_years[] = { "1899", "1900", "1950", "1951", "0001", "9999" };
	static const char *const years[] = { "1987", "0001", "0000", "987", "19870", "1x87" };
	static const char *const counts[] = { "7", "12345678", "123456789", "00000001", "",
		"1234567890123456789", "18446744073709551615", "18446744073709551616", "1\r",
		"1\t2", "9x", "+1" };
	static const uint64_t ranges[][2] = { { 0, 9999 }, { 1, 9999 }, { 1900, 1950 },
		{ 1951, 1951 }, { 1, 1 }, { 2000, 1900 } };
	static char buf[1 << 20];
	unsigned long long s = 5;
	int agree = 1;
	size_t len = 0;

	if (!parse_v2_run_usable()) {
		printf("# skipped: parse_v2_run is not usable here (no AVX2 and BMI2, or NGRAMCOUNT_SIMD=0)\n");
		return;
	}
	/* Runs of each key; now and then a line of another shape. */
	while (len < sizeof(buf) - 512) {
		const char *k = keys[t_rand(&s) % 8];
		for (unsigned i = t_rand(&s) % 40; i-- && len < sizeof(buf) - 512;) {
			int odd = t_rand(&s) % 8 == 0;
			len += put_line(buf + len, k,
					odd ? years[t_rand(&s) % 6] : good_years[t_rand(&s) % 6],
					counts[odd ? t_rand(&s) % 12 : 0],
					counts[odd ? t_rand(&s) % 12 : 1]);
		}
	}
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		unsigned long long passed = run_agrees(buf, len, ranges[i][0], ranges[i][1], &agree);
		printf("# years %llu-%llu: %llu lines read as runs\n",
		       (unsigned long long)ranges[i][0], (unsigned long long)ranges[i][1], passed);
		CHECK(passed > 10000 || ranges[i][0] > ranges[i][1]);
	}
	CHECK(agree);

	/*
	 * A run of good lines is read to within 128 bytes of its end, at every
	 * length of line it takes (20 to 64 bytes with its LF) and of key.
	 */
	static const char long_key[] = "0123456789abcdef0123456789abcdef0123456789abcdef";
	struct v2_run run;
	const char *q;
	for (size_t kl = 1; kl <= 48; kl++)
		for (size_t v = 0; v < 2; v++) {
			char key[49];
			const char *vol = v ? "1234567890123456789" : "7";
			memcpy(key, long_key, kl);
			key[kl] = 0;
			size_t one = put_line(buf, key, "1987", "12345678", vol);
			if (one > 64)
				continue;
			for (len = one; len < 1000 * one;)
				len += put_line(buf + len, key, "1987", "12345678", vol);
			run = (struct v2_run){ 0 };
			q = parse_v2_run(buf, buf + len, key, kl, 0, 9999, &run);
			CHECK(buf + len - q < 128 && run.lines * one == (size_t)(q - buf) &&
			      run.counted == run.lines && run.sum == run.lines * 12345678);
		}

	/* Each odd line stops the run at its start, after a good one. */
	for (size_t y = 0; y < 6; y++)
		for (size_t m = 0; m < 12; m++) {
			size_t first = put_line(buf, "of", "1987", "7", "7");
			len = first + put_line(buf + first, "of", years[y], counts[m], "7");
			len += put_line(buf + len, "of", "1987", "7", counts[m]);
			memset(buf + len, '\n', 200);
			run = (struct v2_run){ 0 };
			q = parse_v2_run(buf, buf + len + 200, "of", 2, 0, 9999, &run);
			int good = y <= 1 && (m <= 1 || m == 3);
			CHECK(q >= buf + first && (q == buf + first) == !good);
			CHECK(run_agrees(buf, len + 200, 0, 9999, &agree) >= 1);
		}
	/* A digit where the key's TAB was: "of51987 TAB 7 TAB 7" has three fields. */
	size_t first = put_line(buf, "of", "1987", "7", "7");
	len = first + (size_t)sprintf(buf + first, "of51987\t7\t7\n");
	memset(buf + len, '\n', 200);
	run = (struct v2_run){ 0 };
	CHECK(parse_v2_run(buf, buf + len + 200, "of", 2, 0, 9999, &run) == buf + first &&
	      run.lines == 1);
	CHECK(agree);
}

int main(void)
{
	T_RUN(fast_path_agrees);
	T_RUN(run_reads_what_parse_v2_reads);
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
