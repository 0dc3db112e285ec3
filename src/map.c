/*
 * map.c - parse lines and sum them into a table.
 *
 * The hot path (v2, summing match counts) is one pass a line and one table
 * lookup, skipped when the key equals the previous line's (v2 files are
 * sorted by ngram, then year); with AVX2, such lines are summed a run at a
 * time (parse_v2_run). The general path parses any format, applies the
 * options record by record, reusing the previous ngram's outcome, and adds
 * to its key; a v3 line in the common shape is summed in one pass.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "ngramcount/map.h"
#include "ngramcount/parse.h"
#include "ngramcount/util.h"

#define NGC_YEAR_KEY	5	/* NUL and four digits after the ngram */

static const struct map_opts defaults = {
	.format = FMT_AUTO,
	.field = FIELD_MATCH,
	.year_from = 0,
	.year_to = 9999,
	.pos = POS_KEEP,
	.words = 1,
};

void map_opts_init(struct map_opts *o)
{
	*o = defaults;
}

size_t map_line_max(const struct map_opts *o)
{
	return o->line_max && o->line_max < NGC_LINE_MAX ? o->line_max : NGC_LINE_MAX;
}

/* No --years: every year counts. */
static int all_years(const struct map_opts *o)
{
	return o->year_from == 0 && o->year_to == 9999;
}

/* Whether --years keeps year y. */
static inline int in_years(const struct map_opts *o, uint64_t y)
{
	return y >= o->year_from && y <= o->year_to;
}

const char *map_conflict(const struct map_opts *o, enum ngc_format f)
{
	if (f == FMT_TEXT && !all_years(o))
		return "text has no years (--years)";
	if (f == FMT_TEXT && o->per_year)
		return "text has no years (--per-year)";
	if (f == FMT_TEXT && o->field != FIELD_MATCH)
		return "text has occurrences only, no volume or page counts (--field)";
	if (o->words > 1 && (f == FMT_V1 || f == FMT_V2 || f == FMT_V3))
		return "its lines hold ngrams already; -n counts runs of words in text (-n)";
	if (o->field == FIELD_PAGE && (f == FMT_V2 || f == FMT_V3))
		return "only v1 (2009) files and totalcounts have page counts (--field page)";
	return NULL;
}

int map_skips(const struct map_opts *o, enum ngc_format f)
{
	if (f == FMT_EMPTY)
		return 0;	/* nothing to pass over */
	return o->totals ? f != FMT_TOTALS : f == FMT_TOTALS;
}

/* Keys go to the table as they are read. */
static int plain_keys(const struct map_opts *o)
{
	return o->pos == POS_KEEP && !o->per_year && !o->ignore_case && !o->only;
}

/* What the v2 hot path does: it sums the match count, and has no totalcounts. */
static int hot_opts(const struct map_opts *o)
{
	return o->field == FIELD_MATCH && !o->totals;
}

void mapper_init(struct mapper *m, struct table *t)
{
	memset(m, 0, sizeof(*m));
	m->t = t;
	m->o = &defaults;
	m->run = parse_v2_run_usable();
	mapper_set_format(m, FMT_V2);
}

void mapper_fini(struct mapper *m)
{
	free(m->carry);
	free(m->raw);
	free(m->key);
	free(m->join);
	m->carry = m->raw = m->key = m->join = NULL;
	m->carry_len = m->carry_cap = m->raw_cap = m->key_cap = m->join_cap = 0;
}

void mapper_set_opts(struct mapper *m, const struct map_opts *o)
{
	m->o = o;
	mapper_set_format(m, m->fmt);
}

int mapper_set_format(struct mapper *m, enum ngc_format f)
{
	m->fmt = f;
	m->fast = f == FMT_V2 && hot_opts(m->o);
	m->plain_keys = plain_keys(m->o);
	m->skip = f != FMT_AUTO && map_skips(m->o, f);
	mapper_forget(m);
	return f != FMT_AUTO && map_conflict(m->o, f) ? NGC_ECONFLICT : 0;
}

void mapper_forget(struct mapper *m)
{
	m->last = NULL;
	m->raw_valid = 0;
}

void mapper_reset(struct mapper *m)
{
	mapper_forget(m);
	m->overflow = NULL;
	m->carry_len = 0;
	memset(&m->st, 0, sizeof(m->st));
	memset(&m->sniffed, 0, sizeof(m->sniffed));
}

static void bad(struct mapper *m, int why)
{
	if (!m->st.bad++) {
		m->st.first_bad = m->st.lines;
		m->st.first_bad_why = why;
	}
}

/* Add v to g's total; past 2^64-1, m->overflow names g. */
static inline int add_to(struct mapper *m, struct ngram *g, uint64_t v)
{
	return ngram_add_naming(g, v, &m->overflow);
}

/* Add v to key k as read, reusing the previous line's entry when it is k. */
static inline int add_plain(struct mapper *m, const char *k, size_t n, uint64_t v)
{
	struct ngram *g = m->last;

	if (!g || g->len != n || !same_bytes(g->key, k, n))
		g = m->last = table_upsert(m->t, k, n);
	return add_to(m, g, v);
}

/* The general path */

static void reserve(char **p, size_t *cap, size_t n)
{
	if (n > *cap) {
		*cap = n > 2 * *cap ? n : 2 * *cap;
		*p = xrealloc(*p, *cap);
	}
}

/* Append the case fold of the word [w, w+n) to m->key. */
static void fold_word(struct mapper *m, const char *w, size_t n)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t len;
	size_t i;

	for (i = 0; i < n && !(w[i] & 0x80); i++)
		;
	if (i < n && (len = utf8proc_map((const utf8proc_uint8_t *)w, (utf8proc_ssize_t)n, &out,
					 UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE |
					 UTF8PROC_STABLE)) >= 0) {
		reserve(&m->key, &m->key_cap, m->key_len + (size_t)len + NGC_YEAR_KEY);
		memcpy(m->key + m->key_len, out, (size_t)len);
		m->key_len += (size_t)len;
		free(out);
		return;
	}
	free(out);
	/* ASCII, or not UTF-8 at all (kept as bytes): fold A-Z only. */
	reserve(&m->key, &m->key_cap, m->key_len + n + NGC_YEAR_KEY);
	for (i = 0; i < n; i++) {
		char c = w[i];
		m->key[m->key_len++] = c >= 'A' && c <= 'Z' ? (char)(c + 'a' - 'A') : c;
	}
}

/* m->key = k folded token by token; a part-of-speech tag stays as it is. */
static void fold_key(struct mapper *m, const char *k, size_t n)
{
	const char *p = k, *end = k + n;

	m->key_len = 0;
	while (p <= end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *e = sp ? sp : end;
		size_t tag = format_pos_suffix(p, (size_t)(e - p));
		fold_word(m, p, (size_t)(e - p) - tag);
		reserve(&m->key, &m->key_cap, m->key_len + tag + 1 + NGC_YEAR_KEY);
		memcpy(m->key + m->key_len, e - tag, tag);
		m->key_len += tag;
		if (!sp)
			break;
		m->key[m->key_len++] = ' ';
		p = sp + 1;
	}
}

/*
 * What the ngram k becomes: whether it is counted (m->raw_keep) and its
 * key (m->key). Worked out once for a run of lines with the same ngram.
 */
static void take_key(struct mapper *m, const char *k, size_t n)
{
	const struct map_opts *o = m->o;

	if (m->raw_valid && m->raw_len == n && !memcmp(m->raw, k, n))
		return;
	reserve(&m->raw, &m->raw_cap, n);
	memcpy(m->raw, k, n);
	m->raw_len = n;
	m->raw_valid = 1;
	m->last = NULL;
	m->raw_keep = 1;
	if (o->pos != POS_KEEP) {
		int tagged = format_pos_tagged(k, n);
		m->raw_keep = o->pos == POS_ONLY ? tagged : !tagged;
	}
	if (o->ignore_case) {
		fold_key(m, k, n);
	} else {
		reserve(&m->key, &m->key_cap, n + NGC_YEAR_KEY);
		memcpy(m->key, k, n);
		m->key_len = n;
	}
	if (m->raw_keep && o->only)
		m->raw_keep = table_find(o->only, m->key, m->key_len) != NULL;
}

void map_add_word(struct table *only, const struct map_opts *o, const char *w, size_t n)
{
	struct map_opts fold = { .ignore_case = o->ignore_case };
	struct mapper m;

	mapper_init(&m, only);
	mapper_set_opts(&m, &fold);
	take_key(&m, w, n);
	table_upsert(only, m.key, m.key_len);
	mapper_fini(&m);
}

/* A year (0-9999) as four digits at y, zero-padded: keys in year order. */
static void put_year4(char *y, uint64_t year)
{
	for (int i = 3; i >= 0; i--, year /= 10)
		y[i] = (char)('0' + year % 10);
}

/* Add v to m->key's total (its year's, with --per-year). */
static int add_value(struct mapper *m, uint64_t year, uint64_t v)
{
	struct ngram *g = m->last;

	if (m->o->per_year) {
		m->key[m->key_len] = '\0';
		put_year4(m->key + m->key_len + 1, year);
		g = table_upsert(m->t, m->key, m->key_len + NGC_YEAR_KEY);
	} else if (!g) {
		g = m->last = table_upsert(m->t, m->key, m->key_len);
	}
	return add_to(m, g, v);
}

static uint64_t field(const struct map_opts *o, const struct record *r)
{
	return o->field == FIELD_MATCH ? r->count : o->field == FIELD_VOLUME ? r->volume : r->page;
}

/* Add v, counted in year, to what the ngram k becomes. */
static int add_ngram(struct mapper *m, const char *k, size_t kl, uint64_t year, uint64_t v)
{
	if (m->plain_keys)
		return add_plain(m, k, kl, v);
	take_key(m, k, kl);
	return m->raw_keep ? add_value(m, year, v) : 0;
}

/* parse_fn for v1, v2 and v3 records. */
static int add_record(void *ctx, const struct record *r)
{
	struct mapper *m = ctx;

	if (!in_years(m->o, r->year))
		return 0;
	return add_ngram(m, r->key, r->keylen, r->year, field(m->o, r));
}

/*
 * A v3 line's records summed in one pass and added once (but with
 * --per-year, whose key changes with each record). Returns 1 for a line
 * parse_v3_sum does not read, else as add_record.
 */
static int add_v3_sum(struct mapper *m, const char *line, size_t len)
{
	struct record r;
	struct v3_sum s;

	if (m->o->per_year || parse_v3_sum(line, len, m->o->field == FIELD_VOLUME ? 2 : 1,
					   m->o->year_from, m->o->year_to, &r, &s))
		return 1;
	return s.counted ? add_ngram(m, r.key, r.keylen, 0, s.sum) : 0;
}

/* parse_fn for totalcounts records: the key is the year, four digits. */
static int add_total(void *ctx, const struct record *r)
{
	struct mapper *m = ctx;
	char y[4];

	if (!in_years(m->o, r->year))
		return 0;
	put_year4(y, r->year);
	take_key(m, y, 4);
	return add_value(m, 0, field(m->o, r));
}

/* The bytes that separate words in text: space, TAB, CR, VT, FF. */
static const unsigned char blank[256] = {
	[' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\v'] = 1, ['\f'] = 1,
};

static inline int is_blank(char c)
{
	return blank[(unsigned char)c];
}

/*
 * The first byte of [p, end) that is blank (want 1) or not (want 0), else
 * end: sixteen bytes a compare where there are sixteen, so the end of a
 * word is found with no branch per byte. The blanks are the space and
 * the bytes 9 to 13 but LF.
 */
static inline const char *skip_to(const char *p, const char *end, int want)
{
#if defined(__SSE2__)
	const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'),
		      lf = _mm_set1_epi8('\n'), four = _mm_set1_epi8(4);

	for (; end - p >= 16; p += 16) {
		__m128i v = _mm_loadu_si128((const void *)p), d = _mm_sub_epi8(v, tab);
		__m128i in = _mm_andnot_si128(_mm_cmpeq_epi8(v, lf),
					      _mm_cmpeq_epi8(_mm_min_epu8(d, four), d));
		unsigned b = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, space), in));
		if ((b ^= want ? 0 : 0xffff))
			return p + __builtin_ctz(b);
	}
#endif
	while (p < end && is_blank(*p) != want)
		p++;
	return p;
}

/* Text: every run of -n words (whitespace-separated) counts 1. */
static int map_text(struct mapper *m, const char *line, size_t len)
{
	const char *p = line, *end = line + len, *tok[5];
	size_t tlen[5];
	unsigned n = m->o->words, seen = 0;
	int err;

	if (memchr(line, '\0', len)) {
		bad(m, PARSE_NUL);
		return 0;
	}
	for (;;) {
		if ((p = skip_to(p, end, 0)) == end)
			return 0;
		tok[seen % n] = p;
		p = skip_to(p, end, 1);
		tlen[seen % n] = (size_t)(p - tok[seen % n]);
		if (++seen < n)
			continue;
		const char *k = tok[0];
		size_t kl = tlen[0];
		if (n > 1) {
			size_t jl = 0;
			reserve(&m->join, &m->join_cap, (size_t)(end - line) + n);
			for (unsigned i = seen - n; i < seen; i++) {
				memcpy(m->join + jl, tok[i % n], tlen[i % n]);
				jl += tlen[i % n];
				m->join[jl++] = ' ';
			}
			k = m->join;
			kl = jl - 1;
		}
		if (m->plain_keys) {
			if ((err = add_plain(m, k, kl, 1)))
				return err;
			continue;
		}
		take_key(m, k, kl);
		if (m->raw_keep && (err = add_value(m, 0, 1)))
			return err;
	}
}

/* One line of any format, by the general path. */
static int map_general(struct mapper *m, const char *line, size_t len)
{
	struct record r;
	int err;

	m->st.lines++;
	if (m->skip)
		return 0;
	switch (m->fmt) {
	case FMT_TEXT:
		return map_text(m, line, len);
	case FMT_TOTALS:
		err = parse_totals(line, len, add_total, m);
		break;
	case FMT_V3:
		if ((err = add_v3_sum(m, line, len)) == 1)
			err = parse_v3(line, len, add_record, m);
		break;
	case FMT_V1:
		if (!(err = parse_v1(line, len, &r)))
			err = add_record(m, &r);
		break;
	default:
		if (!(err = parse_v2(line, len, &r)))
			err = add_record(m, &r);
		break;
	}
	if (err > 0 && !(len && line[0] == '#'))
		bad(m, err);	/* '#' lines that are not data: an extract's comments */
	return err < 0 ? err : 0;
}

/*
 * The hot path: sum one v2 line parsed by parse_v2_next (its year not
 * read) or parse_v2, or count it as malformed. as_read: plain keys and
 * every year.
 */
static inline int map_record(struct mapper *m, struct record *r, int err, int comment,
			     int as_read)
{
	m->st.lines++;
	if (err != PARSE_OK) {
		if (!comment)
			bad(m, err);
		return 0;
	}
	if (as_read)
		return add_plain(m, r->key, r->keylen, r->count);
	r->year = parse_v2_year(r);
	return add_record(m, r);
}

/*
 * v, counted in year, to the previous line's entry, or (kept) to what
 * take_key made of its ngram.
 */
static inline int add_kept(struct mapper *m, uint64_t year, uint64_t v, int kept)
{
	if (!kept)
		return add_to(m, m->last, v);
	return m->raw_keep ? add_value(m, year, v) : 0;
}

/* A line with the previous line's ngram. */
static inline int add_again(struct mapper *m, struct record *r, int as_read, int kept)
{
	if (as_read)
		return add_to(m, m->last, r->count);
	r->year = parse_v2_year(r);
	if (!in_years(m->o, r->year))
		return 0;
	return add_kept(m, r->year, r->count, kept);
}

/*
 * v2 lines by the hot path. Sorted input: most lines start with the
 * previous line's key, the entry it went to (m->last) or, where options
 * change keys, the ngram take_key kept (m->raw): such a line's key is
 * neither scanned nor looked up. as_read: plain keys and every year;
 * kept: the key is m->raw (not plain keys).
 */
static inline __attribute__((always_inline)) int hot_lines(struct mapper *m, const char *p,
							   const char *end, int as_read,
							   int kept)
{
	int err;

	while (p < end) {
		const char *line = p, *k = kept ? m->raw : m->last ? m->last->key : NULL;
		size_t kl = kept ? m->raw_len : m->last ? m->last->len : 0;
		struct record r;
		int perr;
		if ((kept ? m->raw_valid : k != NULL) && (size_t)(end - p) > kl && p[kl] == '\t' &&
		    same_bytes(p, k, kl)) {
			if (m->run && !m->o->per_year) {
				struct v2_run run = { 0 };
				p = parse_v2_run(p, end, k, kl, m->o->year_from, m->o->year_to, &run);
				if (run.lines) {
					m->st.lines += run.lines;
					if (run.counted && (err = add_kept(m, 0, run.sum, kept)))
						return err;
					continue;
				}
			}
			p = parse_v2_next_key(p, kl, end, &r, &perr);
			if (perr == PARSE_OK) {
				m->st.lines++;
				if ((err = add_again(m, &r, as_read, kept)))
					return err;
				continue;
			}
		} else {
			p = parse_v2_next(p, end, &r, &perr);
		}
		if ((err = map_record(m, &r, perr, *line == '#', as_read)))
			return err;
	}
	return 0;
}

int map_line(struct mapper *m, const char *line, size_t len)
{
	struct record r;

	if (len > NGC_LINE_MAX) {	/* only a seam or a carry can be this long */
		m->st.lines++;
		bad(m, PARSE_LONG);
		return 0;
	}
	if (!m->fast)
		return map_general(m, line, len);
	return map_record(m, &r, parse_v2(line, len, &r), len && line[0] == '#',
			  m->plain_keys && all_years(m->o));
}

int map_lines(struct mapper *m, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	int err;

	if (!m->fast) {
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *e = nl ? nl : end;
			if ((err = map_general(m, p, (size_t)(e - p))))
				return err;
			p = e + 1;
		}
		return 0;
	}
	if (!m->plain_keys)
		return hot_lines(m, p, end, 0, 1);
	return all_years(m->o) ? hot_lines(m, p, end, 1, 0) : hot_lines(m, p, end, 0, 0);
}

/* Hold n more bytes of the open line; NGC_ELONG past the line limit. */
static int carry_append(struct mapper *m, const char *p, size_t n)
{
	if (!n)
		return 0;
	if (m->carry_len + n > map_line_max(m->o)) {
		free(m->carry);
		m->carry = NULL;
		m->carry_len = m->carry_cap = 0;
		return NGC_ELONG;
	}
	reserve(&m->carry, &m->carry_cap, m->carry_len + n);
	memcpy(m->carry + m->carry_len, p, n);
	m->carry_len += n;
	return 0;
}

/*
 * A stream of FMT_AUTO: sniff what it held back (all of it: whole), then
 * map that. Not enough yet to tell: hold on (0).
 */
static int sniff_carry(struct mapper *m, int whole)
{
	char *data = m->carry;
	size_t n = m->carry_len;
	enum ngc_format f = format_sniff(data, n, whole, &m->sniffed);
	int err;

	if (f == FMT_AUTO)
		return 0;
	err = mapper_set_format(m, f);
	m->carry = NULL;
	m->carry_len = m->carry_cap = 0;
	if (!err && n)
		err = map_feed(m, data, n);
	free(data);
	return err;
}

int map_feed(struct mapper *m, const char *buf, size_t len)
{
	const char *end = buf + len, *first, *last;
	int err;

	if (m->fmt == FMT_AUTO) {
		/* Held until the sniff can tell; at the line limit, it must, on what is here. */
		if (m->carry_len + len > map_line_max(m->o)) {
			size_t room = map_line_max(m->o) - m->carry_len;
			if ((err = carry_append(m, buf, room)) || (err = sniff_carry(m, 1)))
				return err;
			return map_feed(m, buf + room, len - room);
		}
		if ((err = carry_append(m, buf, len)))
			return err;
		return m->carry_len < NGC_SNIFF_BYTES ? 0 : sniff_carry(m, 0);
	}
	first = memchr(buf, '\n', len);
	if (!first)
		return carry_append(m, buf, len);
	if (m->carry_len) {
		size_t n;
		if ((err = carry_append(m, buf, (size_t)(first - buf))))
			return err;
		n = m->carry_len;
		m->carry_len = 0;
		err = map_line(m, m->carry, n);
	} else {
		err = map_line(m, buf, (size_t)(first - buf));
	}
	if (err)
		return err;
	last = memrchr(first, '\n', (size_t)(end - first));
	if (last > first && (err = map_lines(m, first + 1, (size_t)(last - first))))
		return err;
	return carry_append(m, last + 1, (size_t)(end - last - 1));
}

int map_flush(struct mapper *m)
{
	int err = 0;
	if (m->fmt == FMT_AUTO && (err = sniff_carry(m, 1)))
		return err;
	if (m->carry_len)
		err = map_line(m, m->carry, m->carry_len);
	m->carry_len = 0;
	return err;
}
