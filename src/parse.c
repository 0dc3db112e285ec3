/*
 * parse.c - the line parser of the map stage. Fields are found with
 * memchr; numbers are checked digit by digit, so a malformed line is
 * always reported and never half-counted.
 */
#include <string.h>

#include "ngramcount/parse.h"

#define NGC_YEAR_MIN	1
#define NGC_YEAR_MAX	9999

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
	uint64_t year = 0, volume;
	int err;

	if (memchr(line, '\0', len))
		return PARSE_NUL;
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
	if (parse_u64(f[1], (size_t)(f[2] - 1 - f[1]), &year) == PARSE_COUNT)
		return PARSE_YEAR;
	if (f[2] - 1 - f[1] > 4 || year < NGC_YEAR_MIN || year > NGC_YEAR_MAX)
		return PARSE_YEAR_RANGE;
	err = parse_u64(f[2], (size_t)(f[3] - 1 - f[2]), &r->count);
	if (err == PARSE_OK)
		err = parse_u64(f[3], (size_t)(end - f[3]), &volume);
	if (err != PARSE_OK)
		return err;
	r->key = line;
	r->keylen = (size_t)(f[1] - 1 - line);
	return PARSE_OK;
}

/* Skip decimal digits; a run longer than 19 may not fit in 64 bits. */
static inline const char *skip_digits(const char *p, const char *end)
{
	while (p < end && (unsigned)((unsigned char)*p - '0') <= 9)
		p++;
	return p;
}

/* The digits [p, q), at most 19 of them: no overflow is possible. */
static inline uint64_t small_u64(const char *p, const char *q)
{
	uint64_t x = 0;
	for (; p < q; p++)
		x = x * 10 + (uint64_t)((unsigned char)*p - '0');
	return x;
}

/*
 * The fields after the key of a line that starts at line, from p (just
 * past the key's TAB). A well-formed line goes straight through; anything
 * else (a CR, a long or bad number, a field too many or too few) falls
 * back to parse_v2(), which classifies the error exactly.
 */
static inline const char *parse_tail(const char *line, const char *p, const char *end,
				     struct record *r, int *err)
{
	const char *s = p, *nl;

	p = skip_digits(p, end);			/* year: 1 to 4 digits, not 0 */
	if (p == s || p - s > 4 || p == end || *p != '\t' || small_u64(s, p) == 0)
		goto slow;
	s = ++p;
	p = skip_digits(p, end);			/* match_count */
	if (p == s || p - s > 19 || p == end || *p != '\t')
		goto slow;
	r->count = small_u64(s, p);
	s = ++p;
	p = skip_digits(p, end);			/* volume_count */
	if (p == s || p - s > 19 || (p < end && *p != '\n'))
		goto slow;
	*err = PARSE_OK;
	return p < end ? p + 1 : p;
slow:
	nl = memchr(p, '\n', (size_t)(end - p));
	*err = parse_v2(line, (size_t)((nl ? nl : end) - line), r);
	return nl ? nl + 1 : end;
}

const char *parse_v2_next(const char *p, const char *end, struct record *r, int *err)
{
	const char *line = p;

	while (p < end && *p != '\t' && *p != '\n' && *p)
		p++;
	if (p == line || p == end || *p != '\t')
		return parse_tail(line, p, end, r, err);	/* straight to the slow path */
	r->key = line;
	r->keylen = (size_t)(p - line);
	return parse_tail(line, p + 1, end, r, err);
}

const char *parse_v2_next_key(const char *line, size_t keylen, const char *end,
			      struct record *r, int *err)
{
	r->key = line;
	r->keylen = keylen;
	return parse_tail(line, line + keylen + 1, end, r, err);
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
		[PARSE_YEAR_RANGE] = "year out of range 1-9999",
		[PARSE_NUL] = "NUL byte in line",
	};
	return err >= 0 && err < PARSE_NERRORS ? msg[err] : "unknown error";
}
