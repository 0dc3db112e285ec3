/* test_util - json_quote: valid JSON for any bytes; fmt_u64. */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "ngramcount/util.h"
#include "t.h"

/* json_quote(in) equals want. */
static int quoted(const char *in, size_t n, const char *want)
{
	char buf[256];
	char *end = json_quote(buf, in, n);
	*end = '\0';
	if (strcmp(buf, want))
		fprintf(stderr, "json_quote: got %s, want %s\n", buf, want);
	return !strcmp(buf, want);
}

static void json_quote_ascii_and_escapes(void)
{
	CHECK(quoted("", 0, "\"\""));
	CHECK(quoted("run_VERB", 8, "\"run_VERB\""));
	CHECK(quoted("a\"b\\c", 5, "\"a\\\"b\\\\c\""));
	CHECK(quoted("t\tn\nz", 5, "\"t\\u0009n\\u000az\""));
	CHECK(quoted("nul\0x", 5, "\"nul\\u0000x\""));
}

static void json_quote_utf8(void)
{
	/* Valid sequences of 2, 3 and 4 bytes pass through unchanged. */
	CHECK(quoted("caf\xc3\xa9", 5, "\"caf\xc3\xa9\""));
	CHECK(quoted("\xe2\x82\xac", 3, "\"\xe2\x82\xac\""));
	CHECK(quoted("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\""));
	CHECK(quoted("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\""));	/* U+10FFFF */
}

static void json_quote_invalid_utf8(void)
{
	CHECK(quoted("\xff", 1, "\"\\ufffd\""));
	CHECK(quoted("\xc3", 1, "\"\\ufffd\""));		/* cut short */
	CHECK(quoted("\xc3(", 2, "\"\\ufffd(\""));		/* bad continuation */
	CHECK(quoted("\xc0\xaf", 2, "\"\\ufffd\\ufffd\""));	/* overlong '/' */
	CHECK(quoted("\xe0\x80\xaf", 3, "\"\\ufffd\\ufffd\\ufffd\""));	/* overlong */
	CHECK(quoted("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\""));	/* surrogate */
	CHECK(quoted("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""));	/* > U+10FFFF */
	CHECK(quoted("\x80" "a", 2, "\"\\ufffda\""));		/* lone continuation */
}

static void fmt_u64_extremes(void)
{
	char b[21];
	b[fmt_u64(b, 0)] = '\0';
	CHECK(!strcmp(b, "0"));
	b[fmt_u64(b, UINT64_MAX)] = '\0';
	CHECK(!strcmp(b, "18446744073709551615"));
}

/* Against printf: each side of every power of ten and of two, and random values. */
static int same_as_printf(uint64_t v)
{
	char b[21], want[24];
	b[fmt_u64(b, v)] = '\0';
	snprintf(want, sizeof(want), "%" PRIu64, v);
	return !strcmp(b, want);
}

static void fmt_u64_like_printf(void)
{
	uint64_t x = 88172645463325252ull;
	int bad = 0;

	for (uint64_t p = 1; p <= UINT64_MAX / 10; p *= 10)
		bad += !same_as_printf(p - 1) + !same_as_printf(p) + !same_as_printf(p + 1) +
		       !same_as_printf(10 * p - 1) + !same_as_printf(10 * p);
	for (unsigned i = 0; i < 64; i++)
		bad += !same_as_printf((1ull << i) - 1) + !same_as_printf(1ull << i);
	for (unsigned i = 0; i < 1000000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		bad += !same_as_printf(x >> (x & 63));
	}
	CHECK(bad == 0);
}

int main(void)
{
	T_RUN(json_quote_ascii_and_escapes);
	T_RUN(json_quote_utf8);
	T_RUN(json_quote_invalid_utf8);
	T_RUN(fmt_u64_extremes);
	T_RUN(fmt_u64_like_printf);
	T_DONE();
}
