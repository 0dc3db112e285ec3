/*
 * parse.c - the line parser of the map stage. Every byte of a number is
 * checked (a digit at a time, eight at a time for a v2 line's short
 * counts and a v3 record's fields, or a line at a time in a vector for a
 * run of lines with one key), so a malformed line is always reported and
 * never half-counted.
 */
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "ngramcount/parse.h"
#include "ngramcount/util.h"

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

static int parse_year(const char *s, size_t len, uint64_t *year)
{
	if (parse_u64(s, len, year) == PARSE_COUNT)
		return PARSE_YEAR;
	if (len > 4 || *year < NGC_YEAR_MIN || *year > NGC_YEAR_MAX)
		return PARSE_YEAR_RANGE;
	return PARSE_OK;
}

/*
 * ngram TAB year TAB n numbers (n = 3: v2, match volume; n = 4: v1, match
 * page volume), fields split at TABs, a final CR ignored.
 */
static int parse_tsv(const char *line, size_t len, int nf, struct record *r)
{
	const char *end = line + len, *f[5];
	uint64_t *num[3] = { &r->count, nf == 5 ? &r->page : &r->volume, &r->volume };
	int err;

	if (memchr(line, '\0', len))
		return PARSE_NUL;
	if (len && end[-1] == '\r')
		end--;
	f[0] = line;
	for (int i = 1; i < nf; i++) {
		const char *tab = memchr(f[i - 1], '\t', (size_t)(end - f[i - 1]));
		if (!tab)
			return nf == 5 ? PARSE_FIELDS5 : PARSE_FIELDS;
		f[i] = tab + 1;
	}
	if (memchr(f[nf - 1], '\t', (size_t)(end - f[nf - 1])))
		return nf == 5 ? PARSE_FIELDS5 : PARSE_FIELDS;
	if (f[1] - 1 == f[0])
		return PARSE_EMPTY_KEY;
	if ((err = parse_year(f[1], (size_t)(f[2] - 1 - f[1]), &r->year)))
		return err;
	r->page = 0;
	for (int i = 2; i < nf; i++) {
		const char *fe = i + 1 < nf ? f[i + 1] - 1 : end;
		if ((err = parse_u64(f[i], (size_t)(fe - f[i]), num[i - 2])))
			return err;
	}
	r->key = line;
	r->keylen = (size_t)(f[1] - 1 - line);
	return PARSE_OK;
}

int parse_v2(const char *line, size_t len, struct record *r)
{
	return parse_tsv(line, len, 4, r);
}

int parse_v1(const char *line, size_t len, struct record *r)
{
	return parse_tsv(line, len, 5, r);
}

/*
 * The sep-separated numbers of [p, end) into v[0..n): exactly n, the
 * first a year. Returns a parse_error (PARSE_FIELDS for a wrong count).
 */
static int parse_numbers(const char *p, const char *end, char sep, uint64_t *v, int n)
{
	for (int i = 0; i < n; i++) {
		const char *c = i + 1 < n ? memchr(p, sep, (size_t)(end - p)) : end;
		int err;
		if (!c || (i + 1 == n && memchr(p, sep, (size_t)(end - p))))
			return PARSE_FIELDS;
		err = i ? parse_u64(p, (size_t)(c - p), &v[i]) : parse_year(p, (size_t)(c - p), &v[i]);
		if (err)
			return err;
		p = c + 1;
	}
	return PARSE_OK;
}

/*
 * The n comma-separated numbers of the record at p, the last ended by a
 * TAB or by end, in one pass with no call: each field 1 to 19 digits, the
 * year 1 to 4 and not 0. Returns the record's end, or NULL for anything
 * else (an empty or long field, another byte), which parse_numbers() then
 * reads exactly.
 */
static inline const char *record_fast(const char *p, const char *end, uint64_t *v, int n)
{
	for (int i = 0; i < n; i++) {
		const char *s = p;
		uint64_t x = 0;
		unsigned d;
		while (p < end && (d = (unsigned)((unsigned char)*p - '0')) <= 9) {
			x = x * 10 + d;
			p++;
		}
		if (p == s || p - s > (i ? 19 : 4))
			return NULL;
		v[i] = x;
		if (i + 1 == n)
			break;
		if (p == end || *p != ',')
			return NULL;
		p++;
	}
	return v[0] && (p == end || *p == '\t') ? p : NULL;
}

/*
 * Walk the TAB-separated comma records of [p, end): check them all (fn
 * NULL), or hand each to fn. n is 3 (v3: year,match,volume) or 4
 * (totalcounts: year,match,page,volume). An empty field (the TAB that ends
 * a totalcounts line) is passed over; there must be one record at least.
 */
static int walk_records(const char *p, const char *end, int n, struct record *r,
			parse_fn fn, void *ctx)
{
	uint64_t v[4];
	int records = 0;
	while (p < end) {
		const char *fe = record_fast(p, end, v, n);
		int err;
		if (!fe) {
			const char *tab = memchr(p, '\t', (size_t)(end - p));
			fe = tab ? tab : end;
			if (fe == p) {
				p++;
				continue;
			}
			if ((err = parse_numbers(p, fe, ',', v, n)))
				return n == 3 ? (err == PARSE_FIELDS ? PARSE_V3 : err)
					      : (err == PARSE_FIELDS ? PARSE_TOTALS : err);
		}
		records++;
		if (fn) {
			r->year = v[0];
			r->count = v[1];
			r->page = n == 4 ? v[2] : 0;
			r->volume = v[n - 1];
			if ((err = fn(ctx, r)))
				return err;
		}
		p = fe + 1;
	}
	return records ? PARSE_OK : n == 3 ? PARSE_V3 : PARSE_TOTALS;
}

int parse_v3(const char *line, size_t len, parse_fn fn, void *ctx)
{
	const char *end = line + len, *tab;
	struct record r;
	int err;

	if (memchr(line, '\0', len))
		return PARSE_NUL;
	if (len && end[-1] == '\r')
		end--;
	if (!(tab = memchr(line, '\t', (size_t)(end - line))))
		return PARSE_V3;
	if (tab == line)
		return PARSE_EMPTY_KEY;
	r.key = line;
	r.keylen = (size_t)(tab - line);
	if ((err = walk_records(tab + 1, end, 3, &r, NULL, NULL)))
		return err;
	return walk_records(tab + 1, end, 3, &r, fn, ctx);
}

int parse_totals(const char *line, size_t len, parse_fn fn, void *ctx)
{
	const char *p = line, *end = line + len;
	struct record r = { .key = line, .keylen = 0 };
	int err;

	if (memchr(line, '\0', len))
		return PARSE_NUL;
	if (len && end[-1] == '\r')
		end--;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return PARSE_TOTALS;
	if (!memchr(p, ',', (size_t)(end - p))) {
		/* v1: year TAB match TAB page TAB volume */
		uint64_t v[4];
		if ((err = parse_numbers(p, end, '\t', v, 4)))
			return err == PARSE_FIELDS ? PARSE_TOTALS : err;
		r.year = v[0];
		r.count = v[1];
		r.page = v[2];
		r.volume = v[3];
		return fn(ctx, &r);
	}
	if ((err = walk_records(p, end, 4, &r, NULL, NULL)))
		return err;
	return walk_records(p, end, 4, &r, fn, ctx);
}

/*
 * Skip decimal digits, their value in *v as they go by: exact for 19 or
 * fewer (a longer run may not fit in 64 bits, and the caller refuses it).
 */
static inline const char *scan_digits(const char *p, const char *end, uint64_t *v)
{
	uint64_t x = 0;
	unsigned d;

	while (p < end && (d = (unsigned)((unsigned char)*p - '0')) <= 9) {
		x = x * 10 + d;
		p++;
	}
	*v = x;
	return p;
}

/* Whether the four bytes of x are all ASCII digits. */
static inline int four_digits(uint32_t x)
{
	/* Each byte 0x30-0x39: high nibble 3, and still 3 once 6 is added. */
	return ((x & 0xf0f0f0f0u) | ((x + 0x06060606u) & 0xf0f0f0f0u) >> 4) == 0x33333333u;
}

#define ONES	0x0101010101010101ull

/*
 * How many of the eight bytes of t (a load XOR '0' in each byte, the
 * first byte lowest) are digits before the first that is not: a digit is
 * now 0-9, and any other byte has its top bit set, by itself or once 0x76
 * is added. A carry out of a byte reaches only bytes after it.
 */
static inline unsigned digits8(uint64_t t)
{
	uint64_t stop = (t | (t + 0x76 * ONES)) & 0x80 * ONES;
	return stop ? (unsigned)__builtin_ctzll(stop) >> 3 : 8;
}

/* The value of the first n (1-8) digits of t: pairs, then fours, then eight. */
static inline uint64_t value8(uint64_t t, unsigned n)
{
	t <<= 8 * (8 - n);			/* the missing leading digits are 0 */
	t = (t * 10 + (t >> 8)) & 0x00ff00ff00ff00ffull;
	t = (t * 100 + (t >> 16)) & 0x0000ffff0000ffffull;
	return (t * 10000 + (t >> 32)) & 0xffffffffull;
}

/* The index of the first byte c in the 16 bytes a, b (16: none). */
static inline unsigned first_byte(uint64_t a, uint64_t b, unsigned char c)
{
	uint64_t x = a ^ c * ONES, y = b ^ c * ONES;
	uint64_t za = (x - ONES) & ~x & 0x80 * ONES;	/* exact up to the first */
	uint64_t zb = (y - ONES) & ~y & 0x80 * ONES;

	return za ? (unsigned)__builtin_ctzll(za) >> 3 :
		    zb ? 8 + ((unsigned)__builtin_ctzll(zb) >> 3) : 16;
}

/*
 * match TAB volume NL in the 16 bytes at p, each field 1-7 digits, with no
 * branch per digit (end - p >= 16). The end of the line comes from one
 * search for its NL, not through the digits, so the next line's work need
 * not wait for this one's. Returns the end of the line, or NULL for
 * anything else, which the digit-by-digit path then reads.
 */
static inline const char *counts_swar(const char *p, uint64_t *match)
{
	uint64_t a = load64(p), t = a ^ '0' * ONES;
	unsigned nl = first_byte(a, load64(p + 8), '\n');
	unsigned n = digits8(t);

	if (n - 1 >= 7 || p[n] != '\t' || nl - n - 2 >= 7 ||
	    digits8(load64(p + n + 1) ^ '0' * ONES) != nl - n - 1)
		return NULL;
	*match = value8(t, n);
	return p + nl + 1;
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
	uint64_t v;
	uint32_t y;

	/* year: 1 to 4 digits, not 0; four digits and a TAB read as one word */
	if (end - p > 4 && p[4] == '\t' && four_digits(y = load32(p)) &&
	    y != 0x30303030u) {
		p += 4;
	} else {
		p = scan_digits(p, end, &v);
		if (p == s || p - s > 4 || p == end || *p != '\t' || v == 0)
			goto slow;
	}
	s = ++p;
	if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && end - p >= 16 &&
	    (nl = counts_swar(p, &r->count))) {
		*err = PARSE_OK;
		return nl;
	}
	p = scan_digits(p, end, &r->count);		/* match_count */
	if (p == s || p - s > 19 || p == end || *p != '\t')
		goto slow;
	s = ++p;
	p = scan_digits(p, end, &v);			/* volume_count */
	if (p == s || p - s > 19 || (p < end && *p != '\n'))
		goto slow;
	*err = PARSE_OK;
	return p < end ? p + 1 : p;
slow:
	nl = memchr(p, '\n', (size_t)(end - p));
	*err = parse_v2(line, (size_t)((nl ? nl : end) - line), r);
	return nl ? nl + 1 : end;
}

/*
 * The record year,match,volume at p in the common shape (a four-digit
 * year, counts of 1 to 8 digits), eight bytes a field with no branch per
 * digit; 32 bytes readable at p. Returns the byte after it, or NULL for
 * anything else, which record_fast then reads.
 */
static inline const char *record_swar(const char *p, uint64_t *v)
{
	uint32_t y = load32(p);
	uint64_t m = load64(p + 5) ^ '0' * ONES;
	unsigned nm = digits8(m);

	if (!four_digits(y) || p[4] != ',' || nm - 1 >= 8 || p[5 + nm] != ',')
		return NULL;
	p += 6 + nm;
	uint64_t c = load64(p) ^ '0' * ONES;
	unsigned nc = digits8(c);
	if (nc - 1 >= 8)
		return NULL;
	v[0] = value8((uint64_t)y ^ '0' * ONES, 4);
	v[1] = value8(m, nm);
	v[2] = value8(c, nc);
	return p + nc;
}

int parse_v3_sum(const char *line, size_t len, unsigned field, uint64_t year_from,
		 uint64_t year_to, struct record *r, struct v3_sum *s)
{
	const char *p = line, *end = line + len, *e;
	uint64_t v[3], sum = 0, counted = 0;

	while (p < end && *p != '\t' && *p)
		p++;
	if (p == line || p == end || *p != '\t')
		return -1;
	r->key = line;
	r->keylen = (size_t)(p - line);
	do {
		p++;
		if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && end - p >= 32 &&
		    (e = record_swar(p, v)) && *e == '\t' && v[0])
			p = e;
		else if (!(p = record_fast(p, end, v, 3)))
			return -1;
		if (v[0] >= year_from && v[0] <= year_to) {
			counted++;
			if (__builtin_add_overflow(sum, v[field], &sum))
				return -1;
		}
	} while (p < end);
	s->counted = counted;
	s->sum = sum;
	return 0;
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

#if defined(__x86_64__)
#define NGC_RUN_KEY_MAX	48	/* key, year and an 8-digit match in 64 bytes */
#define RUN_TARGET	__attribute__((target("avx2,bmi,bmi2,popcnt")))

int parse_v2_run_usable(void)
{
	const char *env = getenv("NGRAMCOUNT_SIMD");

	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
	       !(env && !strcmp(env, "0"));
}

struct run_shape {
	__m256i key[2];		/* the key, its TAB at kl, then zeros: 64 bytes */
	uint64_t head;		/* bits of the key and its TAB */
	uint64_t year_tab;	/* the bit of the TAB after a four-digit year */
	uint64_t match_tab;	/* the bits where the match count's TAB may be */
	unsigned kl, ytab;
};

/* A line's bytes as bit masks (bit i: byte i): TAB, digit or TAB, equal to the key. */
struct run_masks {
	uint64_t tab, digit_tab, key;
};

/* The masks of the 32 bytes v, the key's half k, as the low bits. */
RUN_TARGET static inline struct run_masks run_masks32(__m256i v, __m256i k)
{
	const __m256i d = _mm256_sub_epi8(v, _mm256_set1_epi8('0'));
	const __m256i t = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\t'));
	const __m256i digit = _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d);
	const __m256i dt = _mm256_or_si256(digit, t);

	return (struct run_masks){ (uint32_t)_mm256_movemask_epi8(t),
				   (uint32_t)_mm256_movemask_epi8(dt),
				   (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, k)) };
}

/* The bit mask of the bytes c in the 64 bytes at p. */
RUN_TARGET static inline uint64_t run_find64(const char *p, char c)
{
	const __m256i x = _mm256_set1_epi8(c);
	const __m256i lo = _mm256_cmpeq_epi8(_mm256_loadu_si256((const void *)p), x);
	const __m256i hi = _mm256_cmpeq_epi8(_mm256_loadu_si256((const void *)(p + 32)), x);

	return (uint32_t)_mm256_movemask_epi8(lo) | (uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32;
}

/*
 * The match count of the line of len bytes (its LF at len) that starts at
 * p (with 64 bytes readable there), or -1 when it is not in the shape. A
 * line under 32 bytes (most) is read in one 32-byte half.
 */
RUN_TARGET static inline __attribute__((always_inline)) int64_t
run_line(const struct run_shape *sh, const char *p, unsigned len)
{
	struct run_masks m = run_masks32(_mm256_loadu_si256((const void *)p), sh->key[0]);

	if (len >= 32) {
		struct run_masks h = run_masks32(_mm256_loadu_si256((const void *)(p + 32)), sh->key[1]);
		m.tab |= h.tab << 32;
		m.digit_tab |= h.digit_tab << 32;
		m.key |= h.key << 32;
	}
	uint64_t tail = _bzhi_u64(~0ull, len) & ~sh->head;	/* year .. volume */
	uint64_t second = (m.tab & tail) ^ sh->year_tab;	/* the match's TAB, if all is well */
	unsigned mtab = (unsigned)_tzcnt_u64(second);

	if ((sh->head & ~m.key) | (tail & ~m.digit_tab) | (second & ~sh->match_tab))
		return -1;
	if (_mm_popcnt_u64(second) != 1 || len - mtab - 2 >= 19 ||
	    load32(p + sh->kl + 1) == 0x30303030u)
		return -1;
	return (int64_t)value8(load64(p + sh->ytab + 1) ^ '0' * ONES, mtab - sh->ytab - 1);
}

/*
 * One line's count into r: all of it (every year asked for), or as its
 * year falls in [from, from + span], with no branch.
 */
static inline __attribute__((always_inline)) void run_add(struct v2_run *r, const char *p,
							  const struct run_shape *sh,
							  int64_t c, int years,
							  uint64_t from, uint64_t span)
{
	uint64_t in = 1;

	if (years)
		in = value8(load64(p + sh->kl + 1) ^ '0' * ONES, 4) - from <= span;
	r->lines++;
	r->counted += in;
	r->sum += (uint64_t)c & -in;
}

/*
 * Two lines a step: one 64-byte read gives both LFs (the bit mask of its
 * LF bytes), and the next step's read waits for nothing else, so the
 * chain from one read to the next is half a line. Each line is then
 * checked in 32-byte loads of its own, compared three ways (the key and
 * its TAB, TAB, digit) into bit masks: its shape is a few bit tests on
 * them, with no branch per field or digit. years: some years are not
 * counted (else the year is not read).
 */
RUN_TARGET static inline __attribute__((always_inline)) const char *
run_lines(const struct run_shape *sh, const char *p, const char *end, int years,
	  uint64_t from, uint64_t span, struct v2_run *out)
{
	struct v2_run r = { 0 };
	int64_t c;

	while (end - p >= 128) {
		uint64_t nl = run_find64(p, '\n');
		unsigned len = (unsigned)_tzcnt_u64(nl), len2 = (unsigned)_tzcnt_u64(_blsr_u64(nl));
		if (!nl || (c = run_line(sh, p, len)) < 0)
			break;
		run_add(&r, p, sh, c, years, from, span);
		p += len + 1;
		if (len2 == 64)
			continue;
		if ((c = run_line(sh, p, len2 - len - 1)) < 0)
			break;
		run_add(&r, p, sh, c, years, from, span);
		p += len2 - len;
	}
	out->lines += r.lines;
	out->counted += r.counted;
	out->sum += r.sum;
	return p;
}

RUN_TARGET const char *parse_v2_run(const char *p, const char *end, const char *k, size_t kl,
				    uint64_t year_from, uint64_t year_to, struct v2_run *r)
{
	char key[64] = { 0 };

	if (kl == 0 || kl > NGC_RUN_KEY_MAX || year_from > year_to)
		return p;
	memcpy(key, k, kl);
	key[kl] = '\t';
	const struct run_shape sh = {
		.key = { _mm256_loadu_si256((const void *)key),
			 _mm256_loadu_si256((const void *)(key + 32)) },
		.head = _bzhi_u64(~0ull, (unsigned)kl + 1),
		.year_tab = 1ull << (kl + 5),
		.match_tab = 0xffull << (kl + 7),	/* after 1 to 8 digits */
		.kl = (unsigned)kl,
		.ytab = (unsigned)kl + 5,
	};

	if (year_from <= NGC_YEAR_MIN && year_to >= NGC_YEAR_MAX)
		return run_lines(&sh, p, end, 0, 0, 0, r);
	return run_lines(&sh, p, end, 1, year_from, year_to - year_from, r);
}
#else
int parse_v2_run_usable(void)
{
	return 0;
}

const char *parse_v2_run(const char *p, const char *end, const char *k, size_t kl,
			 uint64_t year_from, uint64_t year_to, struct v2_run *r)
{
	(void)end, (void)k, (void)kl, (void)year_from, (void)year_to, (void)r;
	return p;
}
#endif

int parse_result(const char *line, size_t len, struct record *r)
{
	const char *tab;

	if (len > NGC_LINE_MAX)
		return PARSE_LONG;
	if (len && line[len - 1] == '\r')
		len--;
	if (memchr(line, '\0', len))
		return PARSE_NUL;
	if (!(tab = memrchr(line, '\t', len)))
		return PARSE_RESULT;
	if (tab == line)
		return PARSE_EMPTY_KEY;
	r->key = line;
	r->keylen = (size_t)(tab - line);
	return parse_u64(tab + 1, (size_t)(line + len - tab - 1), &r->count);
}

int parse_result_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);

	if (c || alen == blen)
		return c;
	/* One key begins the other: the shorter goes on with its TAB. */
	unsigned char x = alen > n ? (unsigned char)a[n] : '\t';
	unsigned char y = blen > n ? (unsigned char)b[n] : '\t';
	if (x != y)
		return x < y ? -1 : 1;
	return alen < blen ? -1 : 1;	/* both TAB: the shorter line ends first */
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
		[PARSE_FIELDS5] = "not five TAB-separated fields",
		[PARSE_V3] = "not ngram TAB year,match,volume ...",
		[PARSE_TOTALS] = "not a year,match,page,volume record",
		[PARSE_RESULT] = "not 'key TAB count'",
		[PARSE_LONG] = "line of 4 GiB or more",
	};
	return err >= 0 && err < PARSE_NERRORS ? msg[err] : "unknown error";
}
