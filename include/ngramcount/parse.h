/*
 * parse.h - one input line -> its records. Pure: no allocation, no state.
 *
 * v2 (2012) lines: ngram TAB year TAB match_count TAB volume_count; v1
 * (2009) has page_count before volume_count; a v3 (2020) line is an ngram
 * and TAB-separated year,match,volume triples; a totalcounts line holds
 * year records (format.h). A record's key points into the line. A line is
 * checked whole before any of its records is given out, so a malformed
 * line is never half-counted.
 */
#ifndef NGRAMCOUNT_PARSE_H
#define NGRAMCOUNT_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* The longest line read: a key is shorter than 4 GiB (table.h). */
#define NGC_LINE_MAX	((size_t)UINT32_MAX - 1)

enum parse_error {
	PARSE_OK = 0,
	PARSE_FIELDS,		/* not exactly four TAB-separated fields */
	PARSE_EMPTY_KEY,	/* the ngram field is empty */
	PARSE_YEAR,		/* year is not a whole number */
	PARSE_COUNT,		/* a count is not a whole number */
	PARSE_RANGE,		/* a count does not fit in 64 bits */
	PARSE_YEAR_RANGE,	/* year is 0 or has more than four digits */
	PARSE_NUL,		/* a NUL byte: not a text line */
	PARSE_FIELDS5,		/* v1: not exactly five fields */
	PARSE_V3,		/* v3: a field is not year,match,volume */
	PARSE_TOTALS,		/* totalcounts: not year,match,page,volume */
	PARSE_RESULT,		/* a result line: not key TAB count */
	PARSE_LONG,		/* longer than NGC_LINE_MAX */
	PARSE_NERRORS
};

struct record {
	const char *key;	/* points into the parsed line */
	size_t keylen;
	uint64_t count;		/* match_count */
	uint64_t year;		/* not set by the v2 fast path (parse_v2_next) */
	uint64_t volume;	/* volume_count; idem */
	uint64_t page;		/* page_count: v1 and totalcounts only */
};

/* Called for each record of a line; a non-zero return stops and is returned. */
typedef int (*parse_fn)(void *ctx, const struct record *r);

/*
 * Parse one line of len bytes, without its LF; a final CR is ignored.
 * Returns PARSE_OK and fills *r, or a parse_error (r undefined).
 */
int parse_v2(const char *line, size_t len, struct record *r);

/*
 * Parse the line that starts at p and ends at the first LF before end (or
 * at end), in one pass over its bytes; the map stage's hot path. Returns
 * where the next line starts; *err as parse_v2() would return for the line.
 */
const char *parse_v2_next(const char *p, const char *end, struct record *r, int *err);

/*
 * The year of a line parse_v2_next or parse_v2_next_key parsed without
 * error (which leave r->year unset): its 1 to 4 digits after the key's TAB.
 */
static inline uint64_t parse_v2_year(const struct record *r)
{
	uint64_t y = 0;
	for (const char *p = r->key + r->keylen + 1; *p != '\t'; p++)
		y = y * 10 + (uint64_t)(*p - '0');
	return y;
}

/*
 * As parse_v2_next, for a line known to start with a keylen-byte key and a
 * TAB (the caller checked, e.g. against the previous line's key).
 */
const char *parse_v2_next_key(const char *line, size_t keylen, const char *end,
			      struct record *r, int *err);

/* What parse_v2_run read. */
struct v2_run {
	uint64_t lines;		/* lines read */
	uint64_t counted;	/* those with a year in the range asked for */
	uint64_t sum;		/* their match counts, summed */
};

/*
 * The lines from p on that repeat the key k (kl bytes) in the common
 * shape: key TAB, a four-digit year other than 0000, TAB, a match count
 * of 1 to 8 digits, TAB, a volume count of 1 to 19 digits, LF, the whole
 * line in 64 bytes and starting 128 bytes or more before end. The lines
 * are read with 32-byte vector compares (AVX2). Adds to r what it
 * read: the lines, those whose year is in [year_from, year_to], and their
 * match counts (the sum cannot wrap on less than a terabyte: each count is
 * under 10^8 and takes 10 bytes or more). Returns the first line not read
 * (p when none was), which the caller parses as any other. Every line it
 * reads, parse_v2 reads the same way, without error.
 * Call it only where parse_v2_run_usable(): an x86-64 build on a CPU with
 * AVX2 and BMI2, and NGRAMCOUNT_SIMD not "0" (which turns it off, for
 * the tests and measurements of the byte-by-byte path).
 */
int parse_v2_run_usable(void);
const char *parse_v2_run(const char *p, const char *end, const char *k, size_t kl,
			 uint64_t year_from, uint64_t year_to, struct v2_run *r);

/* A v1 line: ngram TAB year TAB match TAB page TAB volume. As parse_v2. */
int parse_v1(const char *line, size_t len, struct record *r);

/*
 * A v3 line: check it whole, then call fn for each year,match,volume
 * triple (key set in each). Returns PARSE_OK, a parse_error (fn was not
 * called), or the first non-zero return of fn, which must be negative.
 */
int parse_v3(const char *line, size_t len, parse_fn fn, void *ctx);

/* What parse_v3_sum read of a line. */
struct v3_sum {
	uint64_t counted;	/* records with a year in the range asked for */
	uint64_t sum;		/* their field, summed */
};

/*
 * A v3 line in the common shape, in one pass: key TAB, then TAB-separated
 * year,match,volume records of 1 to 4, 19 and 19 digits (the year not 0),
 * nothing else. Sets r->key and r->keylen, and in *s the records whose
 * year is in [year_from, year_to] and the sum of their field (1: match, 2:
 * volume). Returns 0, or -1 for any other line (a CR, an empty record, a
 * sum past 2^64-1, anything malformed), which parse_v3 then reads. A line
 * it reads, parse_v3 reads the same way, without error.
 */
int parse_v3_sum(const char *line, size_t len, unsigned field, uint64_t year_from,
		 uint64_t year_to, struct record *r, struct v3_sum *s);

/*
 * A totalcounts line: TAB-separated year,match,page,volume records after
 * leading blanks (v2, v3), or one year TAB match TAB page TAB volume
 * record (v1). Checked whole, then fn gets each record (key empty).
 * Returns as parse_v3.
 */
int parse_totals(const char *line, size_t len, parse_fn fn, void *ctx);

/*
 * A result line, as ngramcount, its map and its reduce print them: a key
 * (everything before the last TAB: "ngram" or, per year, "ngram TAB
 * year"), a TAB, a count. Sets key, keylen and count.
 */
int parse_result(const char *line, size_t len, struct record *r);

/*
 * The order of result lines with keys a and b that LC_ALL=C sort gives
 * them: of "key TAB" as bytes. <0, 0 or >0.
 */
int parse_result_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* "too few or too many fields", ... for a parse_error. */
const char *parse_strerror(int err);

/*
 * Decimal digits [s, s+len) -> *v. Returns PARSE_OK, PARSE_COUNT (empty or
 * not all digits) or PARSE_RANGE (more than 2^64-1).
 */
int parse_u64(const char *s, size_t len, uint64_t *v);

#endif
