/*
 * format.c - which format a file is in, and part-of-speech tags. Pure.
 *
 * Sniffing reads the data lines at a file's start (up to NGC_SNIFF_LINES,
 * blank and '#' comment lines passed over) and takes the ngram layout most
 * of them have; text only when none is ngram data. Too few complete lines
 * in the bytes at hand asks for more, in stages up to NGC_SNIFF_MAX.
 * totalcounts only in its published shapes (format.h).
 */
#include <string.h>

#include "ngramcount/format.h"

#define NGC_SNIFF_LINES	64	/* data lines looked at, at most */
#define NGC_SNIFF_ENOUGH 8	/* fewer, in a window that is not all: look further */

const char *format_name(enum ngc_format f)
{
	static const char *const names[FMT_COUNT] = {
		"auto", "v1", "v2", "v3", "text", "totalcounts", "empty",
	};
	return (unsigned)f < FMT_COUNT ? names[f] : "?";
}

static int all_digits(const char *p, const char *end)
{
	if (p == end)
		return 0;
	for (; p < end; p++)
		if ((unsigned)((unsigned char)*p - '0') > 9)
			return 0;
	return 1;
}

/* digits(,digits){commas} exactly, over [p, end). */
static int digit_list(const char *p, const char *end, int commas)
{
	for (int i = 0; i <= commas; i++) {
		const char *q = i < commas ? memchr(p, ',', (size_t)(end - p)) : end;
		if (!q || !all_digits(p, q))
			return 0;
		p = q + 1;
	}
	return 1;
}

enum line_kind {
	L_V1,		/* word TAB four numbers */
	L_V2,		/* word TAB three numbers */
	L_NUM4,		/* four numbers, TAB-separated: v1 totalcounts or v2 */
	L_V3,		/* word TAB year,match,volume ... */
	L_CSV4,		/* year,match,page,volume: a converted totalcounts line */
	L_TABNUM,	/* word TAB number...: ngram data, malformed */
	L_OTHER,
};

static enum line_kind classify(const char *p, const char *end, const char **f0end)
{
	const char *f[6];
	int nf = 0;

	if (end > p && end[-1] == '\r')
		end--;
	f[nf++] = p;
	for (const char *q = p; nf < 6 && (q = memchr(q, '\t', (size_t)(end - q))); q++)
		f[nf++] = q + 1;
	*f0end = nf > 1 ? f[1] - 1 : end;
	if (nf == 1)
		return digit_list(p, end, 3) ? L_CSV4 : L_OTHER;
	if (f[1] - 1 == p)	/* an empty ngram: malformed ngram data, or text */
		return f[1] < end && (unsigned)((unsigned char)*f[1] - '0') <= 9 ? L_TABNUM
										 : L_OTHER;
	const char *f1end = nf > 2 ? f[2] - 1 : end;
	if (digit_list(f[1], f1end, 2))
		return L_V3;
	if (nf == 5 && all_digits(f[1], f[2] - 1) && all_digits(f[2], f[3] - 1) &&
	    all_digits(f[3], f[4] - 1) && all_digits(f[4], end))
		return L_V1;
	if (nf == 4 && all_digits(f[1], f[2] - 1) && all_digits(f[2], f[3] - 1) &&
	    all_digits(f[3], end))
		return all_digits(p, f[1] - 1) ? L_NUM4 : L_V2;
	return f[1] < end && (unsigned)((unsigned char)*f[1] - '0') <= 9 ? L_TABNUM : L_OTHER;
}

/* A v2/v3 totalcounts file: blanks, a TAB, then a year,match,page,volume record. */
static int totals_line(const char *p, const char *end)
{
	const char *q;
	while (p < end && *p == ' ')
		p++;
	if (p == end || *p != '\t')
		return 0;
	p++;
	q = memchr(p, '\t', (size_t)(end - p));
	return digit_list(p, q ? q : end, 3);
}

/* A 4-digit year, rising from the last one (*prev, then updated). */
static int year_rises(const char *p, const char *end, unsigned *prev)
{
	unsigned y = 0;
	if (end - p != 4 || !all_digits(p, end))
		return 0;
	for (; p < end; p++)
		y = y * 10 + (unsigned)(*p - '0');
	if (y <= *prev)
		return 0;
	*prev = y;
	return 1;
}

/*
 * One window [buf, buf+n); whole: nothing follows it; final: decide now,
 * a cut line the only evidence if nothing else is. FMT_AUTO: look further.
 */
static enum ngc_format sniff_window(const char *buf, size_t n, int whole, int final,
				    struct sniff_note *note)
{
	const char *p = buf, *end = buf + n;
	unsigned seen[L_OTHER + 1] = { 0 }, year = 0;
	unsigned lines = 0, good;
	int header = 0, csv_years = 1;
	enum ngc_format f;

	const char *nl0 = memchr(buf, '\n', n);
	if (totals_line(buf, nl0 ? nl0 : end))
		return FMT_TOTALS;
	while (p < end && lines < NGC_SNIFF_LINES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *f0end;
		const char *eol = nl ? nl : end;
		if (!nl && !whole && !(final && !lines))
			break;		/* a cut line says nothing sure */
		enum line_kind k = classify(p, eol, &f0end);
		int blank = eol == p || (eol - p == 1 && *p == '\r');
		if (blank || (*p == '#' && k == L_OTHER)) {
			header |= eol - p >= 13 && !memcmp(p, "#Total counts", 13);
			p = eol + (nl != NULL);
			continue;	/* not data */
		}
		if (k == L_CSV4)
			csv_years &= year_rises(p, memchr(p, ',', (size_t)(eol - p)), &year);
		seen[k]++;
		lines++;
		p = eol + (nl != NULL);
	}
	if (!whole && !final && lines < NGC_SNIFF_ENOUGH)
		return FMT_AUTO;
	if (!lines)
		return header ? FMT_TOTALS : FMT_EMPTY;
	/* v1's published totalcounts: its header, then year TAB counts lines. */
	if (header && seen[L_NUM4] && !seen[L_V2] && !seen[L_V1] && !seen[L_V3])
		f = FMT_TOTALS;
	/* Seen converted, a record a line: every line one, the years rising. */
	else if (seen[L_CSV4] == lines && csv_years)
		f = FMT_TOTALS;
	else if (seen[L_V3] && seen[L_V3] >= seen[L_V2] + seen[L_NUM4] && seen[L_V3] >= seen[L_V1])
		f = FMT_V3;
	else if (seen[L_V1] && seen[L_V1] >= seen[L_V2] + seen[L_NUM4])
		f = FMT_V1;
	else if (seen[L_V2] || seen[L_NUM4] || seen[L_TABNUM])
		f = FMT_V2;	/* ngram-shaped lines that do not parse are malformed v2 */
	else
		f = FMT_TEXT;	/* no line is ngram data */
	good = f == FMT_V3 ? seen[L_V3] : f == FMT_V1 ? seen[L_V1]
	     : f == FMT_V2 ? seen[L_V2] + seen[L_NUM4] : lines;
	if (note)
		*note = (struct sniff_note){ .lines = lines, .other = lines - good };
	return f;
}

enum ngc_format format_sniff(const char *buf, size_t n, int whole, struct sniff_note *note)
{
	if (note)
		*note = (struct sniff_note){ 0 };
	if (!n)
		return whole ? FMT_EMPTY : FMT_AUTO;
	for (size_t cap = NGC_SNIFF_BYTES;; cap *= 16) {
		int last = cap >= NGC_SNIFF_MAX;
		if (n < cap && !whole)
			return FMT_AUTO;	/* this stage wants more bytes */
		enum ngc_format f = sniff_window(buf, n < cap ? n : cap, whole && n <= cap,
						 last || (whole && n <= cap), note);
		if (f != FMT_AUTO)
			return f;
	}
}

static int is_tag(const char *t, size_t n)
{
	static const char *const tags[] = {
		"NOUN", "VERB", "ADJ", "ADV", "PRON", "DET", "ADP", "NUM", "CONJ", "PRT", "X", ".",
	};
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strlen(tags[i]) == n && !memcmp(tags[i], t, n))
			return 1;
	return 0;
}

size_t format_pos_suffix(const char *tok, size_t len)
{
	/* A bare tag: _NOUN_, or one of the 2012 markers _START_ _END_ _ROOT_. */
	if (len >= 3 && tok[0] == '_' && tok[len - 1] == '_' &&
	    (is_tag(tok + 1, len - 2) ||
	     (len == 7 && !memcmp(tok, "_START_", 7)) || (len == 5 && !memcmp(tok, "_END_", 5)) ||
	     (len == 6 && !memcmp(tok, "_ROOT_", 6))))
		return len;
	/* word_TAG: the last '_' with a word before it and a tag after. */
	const char *u = memrchr(tok, '_', len);
	if (!u || u == tok || !is_tag(u + 1, len - (size_t)(u + 1 - tok)))
		return 0;
	return len - (size_t)(u - tok);
}

int format_pos_tagged(const char *key, size_t len)
{
	const char *p = key, *end = key + len;
	while (p < end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *e = sp ? sp : end;
		if (format_pos_suffix(p, (size_t)(e - p)))
			return 1;
		p = e + 1;
	}
	return 0;
}
