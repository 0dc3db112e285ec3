/*
 * format.h - the input formats, and telling them apart from a file's first
 * bytes. Pure: no I/O, no allocation. The formats' lines:
 *  v1 (2009)   ngram TAB year TAB match TAB page TAB volume
 *  v2 (2012)   ngram TAB year TAB match TAB volume
 *  v3 (2020)   ngram TAB year,match,volume TAB year,match,volume ...
 *  totalcounts year,match,page,volume records (enum ngc_format says how)
 *  text        anything else: whitespace-separated words
 */
#ifndef NGRAMCOUNT_FORMAT_H
#define NGRAMCOUNT_FORMAT_H

#include <stddef.h>

enum ngc_format {
	FMT_AUTO,	/* sniff each file */
	FMT_V1,
	FMT_V2,
	FMT_V3,
	FMT_TEXT,
	/*
	 * totalcounts: v2/v3, one line of spaces and a TAB, then TAB-separated
	 * year,match,page,volume records (often no final newline); v1, a '#'
	 * header, then year TAB match TAB page TAB volume lines; also seen
	 * converted to one year,match,page,volume record a line.
	 */
	FMT_TOTALS,
	FMT_EMPTY,	/* no data lines to tell by: nothing to conflict with; any
			   lines past the sniffed start are read as v2 */
	FMT_COUNT
};

/* The stages of a sniff: this many bytes first, then 16 times more, to the cap. */
#define NGC_SNIFF_BYTES	65536
#define NGC_SNIFF_MAX	(16u << 20)

/* "auto", "v1", "v2", "v3", "text", "totalcounts", "empty". */
const char *format_name(enum ngc_format f);

/* What a verdict rests on: data lines looked at, and those of another shape. */
struct sniff_note {
	unsigned lines, other;
};

/*
 * The format of a file that starts with buf[0, n) (whole: that is all of
 * it). Data lines are looked at in stages of NGC_SNIFF_BYTES, 16 times
 * that, and so on to NGC_SNIFF_MAX, until enough complete ones are there;
 * FMT_AUTO when the stage needs bytes buf does not hold yet. Blank lines
 * and '#' comments are passed over; none at all is FMT_EMPTY. note (or
 * NULL) says what the verdict rests on.
 */
enum ngc_format format_sniff(const char *buf, size_t n, int whole, struct sniff_note *note);

/*
 * Whether an ngram holds a part-of-speech tag (2012 and later data): a
 * token like run_VERB or A112_. (word, '_', one of NOUN VERB ADJ ADV PRON
 * DET ADP NUM CONJ PRT X .), or a bare tag token like _NOUN_ or _START_.
 */
int format_pos_tagged(const char *key, size_t len);

/*
 * The length of the tag suffix ("_VERB") at the end of the token
 * [tok, tok+len), or 0 when it has none. A bare tag token is all tag.
 */
size_t format_pos_suffix(const char *tok, size_t len);

#endif
