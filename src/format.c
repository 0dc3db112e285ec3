/*
 * format.c - which format a file is in, and part-of-speech tags. Pure.
 *
 * Sniffing reads up to eight data lines from the start of the file and
 * takes the ngram layout most of them have, so a malformed line at the top
 * does not turn a file into text. Four all-numeric fields are a v1
 * totalcounts file when the first field (the year) rises from line to line,
 * and a v2 file of numbers (Google's "0" file) when the ngram repeats.
 */
#include <string.h>

#include "ngramcount/format.h"

#define NGC_SNIFF_LINES	8	/* data lines looked at, at most */

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
	if (f[1] - 1 == p)
		return L_OTHER;		/* an empty first field */
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

enum ngc_format format_sniff(const char *buf, size_t n)
{
	const char *p = buf, *end, *prev = NULL;
	size_t prevlen = 0;
	unsigned seen[L_OTHER + 1] = { 0 };
	int header = 0, rising = 1, lines = 0;

	if (n > NGC_SNIFF_BYTES)
		n = NGC_SNIFF_BYTES;
	end = buf + n;
	/* v2/v3 totalcounts: spaces, then a TAB, then a record. */
	while (p < end && *p == ' ')
		p++;
	if (p < end && *p == '\t')
		return FMT_TOTALS;
	for (p = buf; p < end && lines < NGC_SNIFF_LINES;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *f0end;
		const char *eol = nl ? nl : end;
		if (!nl && lines)
			break;		/* a cut line says nothing more */
		enum line_kind k = classify(p, eol, &f0end);
		if (*p == '#' && k == L_OTHER) {
			header |= eol - p >= 13 && !memcmp(p, "#Total counts", 13);
			p = eol + (nl != NULL);
			continue;	/* a comment, not data */
		}
		if (k == L_NUM4) {
			/* A totalcounts year rises from line to line. */
			size_t len = (size_t)(f0end - p);
			if (prev && (len < prevlen || (len == prevlen && memcmp(p, prev, len) <= 0)))
				rising = 0;
			prev = p;
			prevlen = len;
		}
		seen[k]++;
		lines++;
		p = eol + (nl != NULL);
	}
	if (!lines)
		return header ? FMT_TOTALS : FMT_EMPTY;
	if (seen[L_NUM4] && !seen[L_V2] && (header || (rising && seen[L_NUM4] >= 2)))
		return FMT_TOTALS;
	seen[L_V2] += seen[L_NUM4];
	/*
	 * The ngram layout most of these lines have; a malformed line or two
	 * at the top does not make a file text. Text only when no line parses.
	 */
	if (seen[L_V3] && seen[L_V3] >= seen[L_V2] && seen[L_V3] >= seen[L_V1])
		return FMT_V3;
	if (seen[L_V1] && seen[L_V1] >= seen[L_V2])
		return FMT_V1;
	if (seen[L_V2])
		return FMT_V2;
	if (seen[L_CSV4])
		return FMT_TOTALS;
	/* Lines shaped like ngram data are malformed v2 (reported), not prose. */
	return seen[L_TABNUM] ? FMT_V2 : FMT_TEXT;
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
