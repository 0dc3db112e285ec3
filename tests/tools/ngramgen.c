/*
 * ngramgen - make realistic Google Books Ngram 1-gram files: v2 (2012) by
 * default, or v1 (2009: a page count too), v3 (2020: every year of an ngram
 * on one line, in shards named 1-000NN-of-00039), or raw text (words drawn
 * with the same Zipf weights, 5 to 20 a line).
 *
 * The shape follows the real dump: Zipf-distributed totals (the top
 * ngram's yearly counts pass 2^32, the rarest total about 40), frequent
 * ngrams spread over up to 400 years and rare ones over a few, files split
 * by first character (0-9, a-z, other, pos, punctuation), lines sorted by
 * ngram then year, part-of-speech tagged tokens (run_VERB) and bare tags
 * (_NOUN_), UTF-8 words. Output is plain or gzip; the same seed gives the
 * same lines either way, and whatever number of processes writes them.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "ngramcount/util.h"

#define NFILES		39
#define OUTBUF		(1u << 20)
#define FIRST_YEAR	1505
#define LAST_YEAR	2008
#define MAX_YEARS	400
#define BYTES_PER_KEY	840.0	/* measured: this generator's bytes per key */
#define TOP_TOTAL	4e11	/* the most frequent ngram's total */
#define LAST_TOTAL	40.0	/* the rarest's, as in the real dump */

static const char *const file_names[NFILES] = {
	"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
	"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
	"n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
	"other", "pos", "punctuation",
};

static const char *const tags[] = {
	"NOUN", "VERB", "ADJ", "ADV", "PRON", "DET", "ADP", "NUM", "CONJ", "PRT", ".", "X",
};
#define NTAGS (sizeof(tags) / sizeof(tags[0]))

static const char *const onsets[] = {
	"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "qu", "r", "s", "t",
	"v", "w", "x", "y", "z", "br", "ch", "cl", "dr", "fl", "gr", "pl", "pr", "sh",
	"st", "th", "tr", "wh", "",
};
static const char *const nuclei[] = {
	"a", "e", "i", "o", "u", "ea", "ou", "io", "ai", "y", "ee", "oo",
};
static const char *const codas[] = {
	"", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck", "x",
};
static const char *const utf8[] = {
	"é", "è", "ö", "ü", "ñ", "ç", "ß", "å", "ø", "α", "ξ", "λ", "ж", "я", "ł", "ő",
};
static const char *const punct[] = {
	",", ".", ";", ":", "!", "?", "-", "--", "(", ")", "'", "\"", "[", "]", "&", "*",
	"...", "/", "%", "+", "=", "#", "$", "@", "<", ">", "!!", "?!", ";-", "''",
};

struct key {
	char *s;
	uint32_t len;
	uint32_t file;
	uint64_t total;
	uint32_t years;
};

enum gen_format { GEN_V1, GEN_V2, GEN_V3, GEN_TEXT };

struct opts {
	double size;
	uint64_t keys;			/* --keys: distinct 2-grams in random order */
	unsigned per_key;		/* then: lines a key (years) */
	unsigned files;			/* then: files */
	uint64_t seed;
	int gzip, zip, level, jobs;
	enum gen_format format;
	const char *dir, *prefix;
	const double *cdf;		/* text: cumulative weight of each key */
};

/* splitmix64: small, fast, and good enough for test data. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double unif(uint64_t *s)
{
	return (double)(rnd(s) >> 11) / 9007199254740992.0;
}

static const char *pick(uint64_t *s, const char *const *v, size_t n)
{
	return v[rnd(s) % n];
}
#define PICK(s, v) pick(s, v, sizeof(v) / sizeof(v[0]))

static void die(const char *msg)
{
	fprintf(stderr, "ngramgen: %s\n", msg);
	exit(1);
}

static unsigned file_of(const char *s)
{
	unsigned char c = (unsigned char)s[0];
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return 10 + c - 'a';
	if (c >= 'A' && c <= 'Z')
		return 10 + c - 'A';
	if (c == '_')
		return 37;
	return c < 0x80 ? 38 : 36;
}

static char *make_word(uint64_t *s, char *buf)
{
	int syl = 1 + (int)(rnd(s) % 4);
	double u = unif(s);
	buf[0] = '\0';
	for (int i = 0; i < syl; i++) {
		strcat(buf, PICK(s, onsets));
		strcat(buf, PICK(s, nuclei));
		strcat(buf, PICK(s, codas));
	}
	if (u < 0.05) {
		/* A UTF-8 letter, sometimes leading (those land in "other"). */
		char tmp[128];
		size_t at = rnd(s) % 3 == 0 ? 0 : rnd(s) % strlen(buf);
		snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)at, buf, PICK(s, utf8), buf + at);
		strcpy(buf, tmp);
	} else if (u < 0.20) {
		buf[0] = (char)(buf[0] - 'a' + 'A');
	} else if (u < 0.22) {
		for (char *p = buf; *p; p++)
			*p = (char)(*p - 'a' + 'A');
	}
	return buf;
}

static char *make_token(uint64_t *s, char *buf)
{
	double u = unif(s);
	if (u < 0.04) {
		snprintf(buf, 64, "%llu", (unsigned long long)(rnd(s) % (u < 0.02 ? 3000 : 1000000)));
	} else if (u < 0.045) {
		strcpy(buf, PICK(s, punct));
	} else if (u < 0.19) {
		char w[96];
		snprintf(buf, 128, "%s_%s", make_word(s, w), tags[rnd(s) % NTAGS]);
	} else {
		make_word(s, buf);
	}
	return buf;
}

/* Total of rank r is TOP_TOTAL / r^e: e such that rank n totals LAST_TOTAL. */
static double zipf_exponent(size_t n)
{
	return n > 1 ? log(TOP_TOTAL / LAST_TOTAL) / log((double)n) : 1;
}

static int by_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return strcmp(x->s, y->s);
}

/* The vocabulary, sorted by file then key, with totals and year counts. */
static struct key *vocabulary(const struct opts *o, size_t *nkeys)
{
	uint64_t s = o->seed;
	size_t want = (size_t)(o->size / BYTES_PER_KEY) + 20, n = 0;
	struct key *k = calloc(want + NTAGS, sizeof(*k));
	char buf[160];

	if (!k)
		die("out of memory");
	for (size_t i = 0; i < NTAGS; i++) {
		snprintf(buf, sizeof(buf), "_%s_", tags[i]);
		k[n++].s = strdup(buf);
	}
	while (n < want + NTAGS)
		k[n++].s = strdup(make_token(&s, buf));
	for (size_t i = 0; i < n; i++) {
		k[i].len = (uint32_t)strlen(k[i].s);
		k[i].file = file_of(k[i].s);
	}
	qsort(k, n, sizeof(*k), by_key);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && !strcmp(k[m - 1].s, k[i].s))
			free(k[i].s);
		else
			k[m++] = k[i];
	}
	n = m;

	/*
	 * Ranks are a random permutation. Total of rank r: A / r^e, with e
	 * chosen so that the last rank totals about 40, as in the real dump.
	 */
	uint32_t *rank = malloc(n * sizeof(*rank));
	if (!rank)
		die("out of memory");
	for (size_t i = 0; i < n; i++)
		rank[i] = (uint32_t)i + 1;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rnd(&s) % (i + 1);
		uint32_t t = rank[i];
		rank[i] = rank[j];
		rank[j] = t;
	}
	double e = zipf_exponent(n);
	for (size_t i = 0; i < n; i++) {
		double r = rank[i], frac = 1 - (r - 1) / (double)n;
		double jitter = 0.6 + 0.4 * unif(&s);
		k[i].total = (uint64_t)(TOP_TOTAL / pow(r, e)) + 1;
		k[i].years = 1 + (uint32_t)((MAX_YEARS - 1) * pow(frac, 6) * jitter);
	}
	free(rank);
	*nkeys = n;
	return k;
}

struct out {
	FILE *fp;
	gzFile gz;
	z_stream *z;		/* --zip: raw deflate into fp */
	uint32_t crc;
	uint64_t usize, csize;
	char *buf;
	size_t used;
};

/* Deflate w->buf (flush: Z_FINISH at the end) and write what comes out. */
static void zip_deflate(struct out *w, int flush)
{
	unsigned char out[1 << 16];
	w->z->next_in = (unsigned char *)w->buf;
	w->z->avail_in = (unsigned)w->used;
	w->crc = (uint32_t)crc32(w->crc, (unsigned char *)w->buf, (unsigned)w->used);
	w->usize += w->used;
	do {
		w->z->next_out = out;
		w->z->avail_out = sizeof(out);
		if (deflate(w->z, flush) == Z_STREAM_ERROR)
			die("deflate failed");
		size_t n = sizeof(out) - w->z->avail_out;
		if (fwrite(out, 1, n, w->fp) != n)
			die("write failed");
		w->csize += n;
	} while (w->z->avail_out == 0);
}

static void out_flush(struct out *w)
{
	if (w->z)
		zip_deflate(w, Z_NO_FLUSH);
	else if (w->gz ? gzwrite(w->gz, w->buf, (unsigned)w->used) != (int)w->used
		       : fwrite(w->buf, 1, w->used, w->fp) != w->used)
		die("write failed");
	w->used = 0;
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/*
 * A zip record: a local header (sizes in a data descriptor, flag 8) or,
 * with central set, the central directory entry; both for one deflated
 * member named name, at offset 0.
 */
static size_t zip_header(unsigned char *h, const struct out *w, const char *name, int central)
{
	size_t o = central ? 2 : 0, n = strlen(name);
	memcpy(h, central ? "PK\1\2" : "PK\3\4", 4);
	if (central)
		put16(h + 4, 20);		/* made by */
	put16(h + 4 + o, 20);			/* version needed: deflate */
	put16(h + 6 + o, 8);			/* flags: sizes after the data */
	put16(h + 8 + o, 8);			/* method: deflate */
	put16(h + 10 + o, 0);			/* time */
	put16(h + 12 + o, 0x21);		/* date: 1980-01-01 */
	put32(h + 14 + o, central ? w->crc : 0);
	put32(h + 18 + o, central ? (uint32_t)w->csize : 0);
	put32(h + 22 + o, central ? (uint32_t)w->usize : 0);
	put16(h + 26 + o, (unsigned)n);
	put16(h + 28 + o, 0);			/* extra */
	size_t len = 30 + o;
	if (central) {
		memset(h + 32, 0, 14);		/* comment, disk, attributes, offset 0 */
		len = 46;
	}
	memcpy(h + len, name, n);
	return len + n;
}

static void zip_open(struct out *w, const char *name)
{
	unsigned char h[512];
	if (!(w->z = calloc(1, sizeof(*w->z))) ||
	    deflateInit2(w->z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit failed");
	size_t n = zip_header(h, w, name, 0);
	if (fwrite(h, 1, n, w->fp) != n)
		die("write failed");
	w->crc = 0;
	w->usize = w->csize = 0;
}

/* The data's end, its descriptor, the central directory and the end record. */
static void zip_close(struct out *w, const char *name)
{
	unsigned char h[512];
	size_t local = 30 + strlen(name), n;

	zip_deflate(w, Z_FINISH);
	deflateEnd(w->z);
	free(w->z);
	if (w->usize > 0xffffffffu || w->csize > 0xffffffffu)
		die("--zip: a member of 4 GiB or more needs zip64, which ngramgen does not write");
	memcpy(h, "PK\7\10", 4);
	put32(h + 4, w->crc);
	put32(h + 8, (uint32_t)w->csize);
	put32(h + 12, (uint32_t)w->usize);
	n = zip_header(h + 16, w, name, 1);
	uint32_t cd_off = (uint32_t)(local + w->csize + 16);
	unsigned char *e = h + 16 + n;
	memcpy(e, "PK\5\6", 4);
	put16(e + 4, 0);
	put16(e + 6, 0);
	put16(e + 8, 1);
	put16(e + 10, 1);
	put32(e + 12, (uint32_t)n);
	put32(e + 16, cd_off);
	put16(e + 20, 0);
	n += 16 + 22;
	if (fwrite(h, 1, n, w->fp) != n)
		die("write failed");
}

static void write_key(struct out *w, const struct key *k, uint64_t *s, enum gen_format fmt)
{
	uint32_t ny = k->years, gap = (uint32_t)(rnd(s) % (ny / 4 + 1));
	uint32_t y0 = LAST_YEAR + 1 - ny - gap;
	double skip = (double)gap / (ny + gap), weight[MAX_YEARS], wsum = 0;
	uint32_t year[MAX_YEARS], m = 0;

	if (y0 < FIRST_YEAR)
		y0 = FIRST_YEAR;
	for (uint32_t y = y0; y <= LAST_YEAR && m < ny; y++) {
		if (unif(s) < skip && LAST_YEAR - y >= ny - m)
			continue;
		year[m] = y;
		/* More books every year: recent years carry most of the count. */
		weight[m] = exp(0.012 * ((double)y - 1900)) * (0.5 + unif(s));
		wsum += weight[m++];
	}
	for (uint32_t i = 0; i < m; i++) {
		uint64_t match = (uint64_t)((double)k->total * weight[i] / wsum) + 1;
		uint64_t vol = match / (1 + rnd(s) % 4) + 1;
		uint64_t page = vol + rnd(s) % (match > vol ? match - vol + 1 : 1);
		char sep = fmt == GEN_V3 ? ',' : '\t';
		if (w->used + k->len + 96 > OUTBUF)
			out_flush(w);
		char *p = w->buf + w->used;
		if (fmt != GEN_V3 || i == 0) {
			memcpy(p, k->s, k->len);
			p += k->len;
		}
		*p++ = '\t';
		p += fmt_u64(p, year[i]);
		*p++ = sep;
		p += fmt_u64(p, match);
		*p++ = sep;
		if (fmt == GEN_V1) {
			p += fmt_u64(p, page);
			*p++ = '\t';
		}
		p += fmt_u64(p, vol);
		if (fmt != GEN_V3 || i + 1 == m)
			*p++ = '\n';
		w->used = (size_t)(p - w->buf);
	}
}

/* Text: lines of 5 to 20 words drawn by weight, about bytes in all. */
static void write_text(struct out *w, const struct opts *o, const struct key *k, size_t n,
		       double bytes, uint64_t *s)
{
	const double *cdf = o->cdf;
	double done = 0;

	while (done < bytes) {
		unsigned words = 5 + (unsigned)(rnd(s) % 16);
		for (unsigned i = 0; i < words; i++) {
			double x = unif(s) * cdf[n - 1];
			size_t lo = 0, hi = n - 1;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (cdf[mid] < x)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (w->used + k[lo].len + 2 > OUTBUF)
				out_flush(w);
			memcpy(w->buf + w->used, k[lo].s, k[lo].len);
			w->used += k[lo].len;
			w->buf[w->used++] = i + 1 < words ? ' ' : '\n';
			done += k[lo].len + 1;
		}
	}
}

/*
 * --keys: a random permutation of [0, n) by a four-round Feistel network
 * over the next power of four, walking the cycle until it lands inside.
 */
static uint64_t permute(uint64_t x, uint64_t n, uint64_t seed)
{
	unsigned half = 1;
	while ((1ull << (2 * half)) < n)
		half++;
	uint64_t mask = (1ull << half) - 1;
	do {
		uint64_t l = x >> half, r = x & mask;
		for (uint64_t round = 0; round < 4; round++) {
			uint64_t s = seed ^ (r * 0x9e3779b97f4a7c15ull) ^ (round << 56), t = l;
			l = r;
			r = t ^ (rnd(&s) & mask);
		}
		x = l << half | r;
	} while (x >= n);
	return x;
}

/*
 * Key i of --keys: a drawn word, a space, and a word spelled from i itself
 * (distinct for every i), so no two keys are equal and none is a 1-gram.
 */
static size_t many_key(char *buf, uint64_t i, uint64_t seed)
{
	uint64_t s = seed ^ (i * 0xbf58476d1ce4e5b9ull);
	static const char letters[] = "bcdfghjklmnprstvwz", vowels[] = "aeiou";
	char *p = buf;
	make_word(&s, buf);
	p += strlen(buf);
	*p++ = ' ';
	do {	/* i in base 90: a consonant and a vowel a digit */
		*p++ = letters[i % 18];
		*p++ = vowels[i / 18 % 5];
		i /= 90;
	} while (i);
	return (size_t)(p - buf);
}

/* File f of --keys: its share of the permuted lines. */
static void write_many(struct out *w, const struct opts *o, unsigned f)
{
	uint64_t lines = o->keys * o->per_key, lo = lines * f / o->files;
	uint64_t hi = lines * (f + 1) / o->files;
	char key[160];

	for (uint64_t at = lo; at < hi; at++) {
		uint64_t line = permute(at, lines, o->seed), i = line / o->per_key;
		uint64_t s = o->seed ^ (line * 0x94d049bb133111ebull);
		size_t len = many_key(key, i, o->seed);
		if (w->used + len + 64 > OUTBUF)
			out_flush(w);
		char *p = w->buf + w->used;
		memcpy(p, key, len);
		p += len;
		*p++ = '\t';
		/* A key's lines are distinct years, from 2008 down. */
		p += fmt_u64(p, LAST_YEAR - line % o->per_key);
		*p++ = '\t';
		uint64_t match = 1 + rnd(&s) % 1000;
		p += fmt_u64(p, match);
		*p++ = '\t';
		p += fmt_u64(p, 1 + match / (1 + rnd(&s) % 8));
		*p++ = '\n';
		w->used = (size_t)(p - w->buf);
	}
}

static void write_file(const struct opts *o, unsigned f, const struct key *k, size_t n)
{
	char path[4096], mode[8];
	struct out w = { .buf = malloc(OUTBUF) };
	uint64_t s = o->seed ^ (0x51ed2701ull * (f + 1));

	if (!w.buf)
		die("out of memory");
	char member[512];
	if (o->keys)
		snprintf(path, sizeof(path), "%s/%s%05u-of-%05u%s", o->dir, o->prefix, f, o->files,
			 o->gzip ? ".gz" : "");
	else if (o->format == GEN_V3)
		snprintf(path, sizeof(path), "%s/%s%05u-of-%05u%s", o->dir, o->prefix, f, NFILES,
			 o->gzip ? ".gz" : "");
	else
		snprintf(path, sizeof(path), "%s/%s%s%s", o->dir, o->prefix, file_names[f],
			 o->gzip ? ".gz" : o->zip ? ".csv.zip" : "");
	snprintf(member, sizeof(member), "%s%s.csv", o->prefix, file_names[f]);
	if (o->gzip) {
		snprintf(mode, sizeof(mode), "wb%d", o->level);
		if (!(w.gz = gzopen(path, mode)))
			die("cannot create output file");
		gzbuffer(w.gz, 1u << 18);
	} else if (!(w.fp = fopen(path, "wb"))) {
		die("cannot create output file");
	} else if (o->zip) {
		zip_open(&w, member);
	}
	if (o->keys)
		write_many(&w, o, f);
	else if (o->format == GEN_TEXT)
		write_text(&w, o, k, n, o->size / NFILES, &s);
	else
		for (size_t i = 0; i < n; i++)
			if (k[i].file == f)
				write_key(&w, &k[i], &s, o->format);
	if (w.z)
		zip_close(&w, member);
	else
		out_flush(&w);
	if (w.gz ? gzclose(w.gz) != Z_OK : fclose(w.fp) != 0)
		die("cannot close output file");
	free(w.buf);
}

static double parse_size(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	switch (*end) {
	case 'k': case 'K': v *= 1e3; end++; break;
	case 'm': case 'M': v *= 1e6; end++; break;
	case 'g': case 'G': v *= 1e9; end++; break;
	}
	if (*end || v <= 0)
		die("--size wants a positive size such as 400M");
	return v;
}

/* mkdir -p */
static int mkdir_p(const char *dir)
{
	char *p = strdup(dir), *s = p;
	int r = 0;
	do {
		s = strchr(s + 1, '/');
		if (s)
			*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			r = -1;
		if (s)
			*s = '/';
	} while (s && !r);
	free(p);
	return r;
}

static const char usage[] =
"usage: ngramgen [options]\n"
"Write Google Books Ngram 1-gram files: <dir>/<prefix>{0-9,a-z,other,pos,punctuation}[.gz]\n"
"  -f, --format FMT   v2 (default), v1 (with page counts), v3 (a line per ngram,\n"
"                     files <prefix>000NN-of-00039) or text (words, Zipf-weighted)\n"
"  -s, --size SIZE    about this many bytes of text, K/M/G (default 10M)\n"
"  -S, --seed N       random seed (default 1)\n"
"  -z, --gzip         write gzip files (same lines as without -z)\n"
"      --zip          write .csv.zip archives of one member, as Google shipped v1\n"
"  -l, --level N      gzip level 1-9 (default 6)\n"
"  -o, --out DIR      output directory, made if missing (default .)\n"
"  -p, --prefix STR   file name prefix (default googlebooks-eng-all-1gram-20120701-;\n"
"                     v1: ...-20090715-, v3: 1-, text: text-)\n"
"  -j, --jobs N       processes writing files (default: online CPUs)\n"
"  -k, --keys N       instead: N distinct 2-gram-like v2 keys, K/M/G, each in\n"
"                     --lines-per-key lines (default 2, distinct years), all\n"
"                     in random order over --files files (default 16, named\n"
"                     <prefix>NNNNN-of-NNNNN; prefix default 2-)\n";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "gzip", no_argument, NULL, 'z' },
		{ "level", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "zip", no_argument, NULL, 'Z' },
		{ "keys", required_argument, NULL, 'k' },
		{ "lines-per-key", required_argument, NULL, 'L' },
		{ "files", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const fmt_names[] = { "v1", "v2", "v3", "text" };
	static const char *const prefixes[] = {
		"googlebooks-eng-all-1gram-20090715-", "googlebooks-eng-all-1gram-20120701-",
		"1-", "text-",
	};
	struct opts o = {
		.size = 10e6, .seed = 1, .level = 6, .dir = ".", .format = GEN_V2,
		.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN), .per_key = 2, .files = 16,
	};
	int opt, known;

	while ((opt = getopt_long(argc, argv, "s:S:zl:o:p:j:f:k:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			known = 0;
			for (int i = 0; i < 4; i++)
				if (!strcmp(optarg, fmt_names[i]))
					o.format = (enum gen_format)i, known = 1;
			if (!known)
				die("--format wants v1, v2, v3 or text");
			break;
		case 's': o.size = parse_size(optarg); break;
		case 'k': o.keys = (uint64_t)parse_size(optarg); break;
		case 'L': o.per_key = (unsigned)atoi(optarg); break;
		case 'F': o.files = (unsigned)atoi(optarg); break;
		case 'S': o.seed = strtoull(optarg, NULL, 10); break;
		case 'z': o.gzip = 1; break;
		case 'Z': o.zip = 1; break;
		case 'l': o.level = atoi(optarg); break;
		case 'o': o.dir = optarg; break;
		case 'p': o.prefix = optarg; break;
		case 'j': o.jobs = atoi(optarg); break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc || o.level < 1 || o.level > 9 || o.jobs < 1 || (o.gzip && o.zip) ||
	    o.per_key < 1 || o.per_key > 400 || o.files < 1 || (o.keys && o.zip)) {
		fputs(usage, stderr);
		return 2;
	}
	if (mkdir_p(o.dir))
		die("cannot make the output directory");
	if (!o.prefix)
		o.prefix = o.keys ? "2-" : prefixes[o.format];

	size_t n = 0;
	struct key *k = o.keys ? NULL : vocabulary(&o, &n);
	double *cdf = NULL;
	if (o.format == GEN_TEXT) {
		/*
		 * The totals fall as rank^-e with e near 3 (a dump's range);
		 * words in running text fall as rank^-1: weigh by total^(1/e).
		 */
		double e = zipf_exponent(n);
		if (!(cdf = malloc(n * sizeof(*cdf))))
			die("out of memory");
		for (size_t i = 0; i < n; i++)
			cdf[i] = (i ? cdf[i - 1] : 0) + pow((double)k[i].total, 1 / e);
		o.cdf = cdf;
	}
	fflush(NULL);
	for (int j = 0; j < o.jobs; j++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork failed");
		if (pid == 0) {
			for (unsigned f = (unsigned)j; f < (o.keys ? o.files : NFILES);
			     f += (unsigned)o.jobs)
				write_file(&o, f, k, n);
			_exit(0);
		}
	}
	int status, bad = 0;
	while (wait(&status) > 0)
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	for (size_t i = 0; i < n; i++)
		free(k[i].s);
	free(k);
	free(cdf);
	return bad;
}
