/*
 * parse.c - the line parser of the map stage. Fields are found with
 * memchr; numbers are checked digit by digit, so a malformed line is
 * always reported and never half-counted.
 */
#include <string.h>

#include "ngramcount/parse.h"

int parse_u64(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	if (len == 0)
		return PARSE_COUNT;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return PARSE_COUNT;
		if (__builtin_mul_overflow(x, 10, &x) ||
		    __builtin_add_overflow(x, d, &x))
			return PARSE_RANGE;
	}
	*v = x;
	return PARSE_OK;
}

int parse_v2(const char *line, size_t len, struct record *r)
{
	const char *end = line + len, *f[4];
	uint64_t year, volume;
	int err;

	if (len && end[-1] == '\r')
		end--;
	f[0] = line;
	for (int i = 1; i < 4; i++) {
		const char *tab = memchr(f[i - 1], '\t', (size_t)(end - f[i - 1]));
		if (!tab)
			return PARSE_FIELDS;
		f[i] = tab + 1;
	}
	if (memchr(f[3], '\t', (size_t)(end - f[3])))
		return PARSE_FIELDS;
	if (f[1] - 1 == f[0])
		return PARSE_EMPTY_KEY;
	if (parse_u64(f[1], (size_t)(f[2] - 1 - f[1]), &year) != PARSE_OK)
		return PARSE_YEAR;
	err = parse_u64(f[2], (size_t)(f[3] - 1 - f[2]), &r->count);
	if (err == PARSE_OK)
		err = parse_u64(f[3], (size_t)(end - f[3]), &volume);
	if (err != PARSE_OK)
		return err;
	r->key = line;
	r->keylen = (size_t)(f[1] - 1 - line);
	return PARSE_OK;
}

/* Digits from p; *v and *ok (0 on overflow) updated. Stops at a non-digit. */
static inline const char *digits(const char *p, const char *end, uint64_t *v, int *ok)
{
	uint64_t x = 0;
	for (; p < end; p++) {
		unsigned d = (unsigned char)*p - '0';
		if (d > 9)
			break;
		*ok &= !__builtin_mul_overflow(x, 10, &x) && !__builtin_add_overflow(x, d, &x);
	}
	*v = x;
	return p;
}

const char *parse_v2_next(const char *p, const char *end, struct record *r, int *err)
{
	const char *line = p, *s, *nl;
	uint64_t year, volume;
	int ok = 1;

	/*
	 * The fast path takes a well-formed line in one pass. Anything it does
	 * not expect (a CR, a bad number, a field too many or too few) falls
	 * back to parse_v2(), which classifies the error exactly.
	 */
	while (p < end && *p != '\t' && *p != '\n')
		p++;
	if (p == line || p == end || *p != '\t')
		goto slow;
	r->key = line;
	r->keylen = (size_t)(p - line);
	s = ++p;
	p = digits(p, end, &year, &ok);
	if (p == s || p == end || *p != '\t')
		goto slow;
	s = ++p;
	p = digits(p, end, &r->count, &ok);
	if (p == s || p == end || *p != '\t')
		goto slow;
	s = ++p;
	p = digits(p, end, &volume, &ok);
	if (p == s || !ok || (p < end && *p != '\n'))
		goto slow;
	*err = PARSE_OK;
	return p < end ? p + 1 : p;
slow:
	nl = memchr(p, '\n', (size_t)(end - p));
	*err = parse_v2(line, (size_t)((nl ? nl : end) - line), r);
	return nl ? nl + 1 : end;
}

const char *parse_strerror(int err)
{
	static const char *const msg[PARSE_NERRORS] = {
		[PARSE_OK] = "no error",
		[PARSE_FIELDS] = "not four TAB-separated fields",
		[PARSE_EMPTY_KEY] = "empty ngram",
		[PARSE_YEAR] = "year is not a whole number",
		[PARSE_COUNT] = "count is not a whole number",
		[PARSE_RANGE] = "count does not fit in 64 bits",
	};
	return err >= 0 && err < PARSE_NERRORS ? msg[err] : "unknown error";
}
