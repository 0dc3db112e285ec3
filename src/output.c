/*
 * output.c - select, sort and write the final table. Rows are formatted
 * into one large buffer and written with write(2): no stdio per row.
 *
 * The default (every row, most frequent first) is table_sorted's radix
 * sort. --top K keeps a heap of the K best rows seen, O(n log K), instead
 * of sorting millions of keys to print a few; --sort key is a qsort of the
 * rows kept; --sort none prints them in the table's order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ngramcount/output.h"
#include "ngramcount/util.h"

#define NGC_OUT_BUF	(1u << 20)
#define NGC_YEAR_KEY	5	/* NUL and four digits after the ngram */

static int by_count(const void *a, const void *b)
{
	return ngram_cmp_count(*(const struct ngram *const *)a, *(const struct ngram *const *)b);
}

static int by_key(const void *a, const void *b)
{
	return ngram_cmp_key(*(const struct ngram *const *)a, *(const struct ngram *const *)b);
}

struct rows {
	const struct ngram **v;
	size_t n, cap;
	uint64_t min;
};

static int keep_row(const struct ngram *g, void *ctx)
{
	struct rows *r = ctx;
	if (g->count >= r->min)
		r->v[r->n++] = g;
	return 0;
}

/* Restore the heap below i: the worst row (last in count order) on top. */
static void sift_down(const struct ngram **h, size_t n, size_t i)
{
	for (;;) {
		size_t w = i, l = 2 * i + 1, r = l + 1;
		if (l < n && ngram_cmp_count(h[l], h[w]) > 0)
			w = l;
		if (r < n && ngram_cmp_count(h[r], h[w]) > 0)
			w = r;
		if (w == i)
			return;
		const struct ngram *tmp = h[i];
		h[i] = h[w];
		h[w] = tmp;
		i = w;
	}
}

/* Keep the k best of v[0..n) in v[0..k), in count order. */
static size_t top_k(const struct ngram **v, size_t n, size_t k)
{
	if (k >= n) {
		qsort(v, n, sizeof(*v), by_count);
		return n;
	}
	for (size_t i = k / 2; i-- > 0;)
		sift_down(v, k, i);
	for (size_t i = k; i < n; i++) {
		if (ngram_cmp_count(v[i], v[0]) < 0) {
			v[0] = v[i];
			sift_down(v, k, 0);
		}
	}
	qsort(v, k, sizeof(*v), by_count);
	return k;
}

/* The rows to print, in order; the caller frees the array. */
static const struct ngram **select_rows(const struct table *t, const struct output_opts *o,
					size_t *n)
{
	struct rows r = { .min = o->min_count };

	if (o->sort == SORT_COUNT && !o->top) {
		r.v = table_sorted(t);
		for (size_t i = 0; i < t->count; i++)
			if (r.v[i]->count >= r.min)
				r.v[r.n++] = r.v[i];
		*n = r.n;
		return r.v;
	}
	r.v = xmalloc((t->count ? t->count : 1) * sizeof(*r.v));
	table_foreach(t, keep_row, &r);
	if (o->top)
		r.n = top_k(r.v, r.n, o->top);
	if (o->sort == SORT_KEY)
		qsort(r.v, r.n, sizeof(*r.v), by_key);
	*n = r.n;
	return r.v;
}

/* A year key's four digits, without leading zeros, at p. */
static char *put_year(char *p, const char *y)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++)
		v = v * 10 + (unsigned)(y[i] - '0');
	return p + fmt_u64(p, v);
}

/* s[0..n) as one CSV field (RFC 4180): quoted when it must be. */
static char *put_csv(char *p, const char *s, size_t n)
{
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) &&
	    !memchr(s, '\r', n)) {
		memcpy(p, s, n);
		return p + n;
	}
	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			*p++ = '"';
		*p++ = s[i];
	}
	*p++ = '"';
	return p;
}

/* One row at p (room: 6 key bytes + 64); returns its end. */
static char *put_row(char *p, const struct ngram *g, const struct output_opts *o, int first)
{
	const char *name = g->key, *year = NULL;
	size_t len = g->len;

	if (o->keys == KEYS_NGRAM_YEAR) {
		len -= NGC_YEAR_KEY;
		year = g->key + len + 1;
	} else if (o->keys == KEYS_YEAR) {
		year = g->key;
		name = NULL;
	}
	switch (o->format) {
	case OUT_TSV:
	case OUT_CSV: {
		char sep = o->format == OUT_TSV ? '\t' : ',';
		if (name) {
			if (o->format == OUT_TSV) {
				memcpy(p, name, len);
				p += len;
			} else {
				p = put_csv(p, name, len);
			}
			*p++ = sep;
		}
		if (year) {
			p = put_year(p, year);
			*p++ = sep;
		}
		break;
	}
	case OUT_JSON:
	case OUT_NDJSON:
		if (o->format == OUT_JSON)
			p = stpcpy(p, first ? "\n" : ",\n");
		*p++ = '{';
		if (name)
			p = json_quote(stpcpy(p, "\"ngram\":"), name, len);
		if (year) {
			p = stpcpy(p, name ? ",\"year\":" : "\"year\":");
			p = put_year(p, year);
		}
		p = stpcpy(p, ",\"count\":");
		break;
	}
	p += fmt_u64(p, g->count);
	if (o->format == OUT_JSON || o->format == OUT_NDJSON)
		*p++ = '}';
	if (o->format != OUT_JSON)
		*p++ = '\n';
	return p;
}

static const char *csv_header(enum out_keys k)
{
	return k == KEYS_NGRAM ? "ngram,count\n" : k == KEYS_YEAR ? "year,count\n"
								   : "ngram,year,count\n";
}

static int write_rows(int fd, const struct table *t, const struct output_opts *o,
		      struct trace *tr)
{
	double t0 = now_sec();
	size_t n;
	const struct ngram **v = select_rows(t, o, &n);
	double t1 = now_sec();
	size_t cap = NGC_OUT_BUF, used = 0;
	char *buf = xmalloc(cap);
	uint64_t bytes = 0;
	int err = 0;

	trace_span(tr, TRACK_OUTPUT, "sort", NULL, t0, t1, "\"keys\":%zu,\"rows\":%zu",
		   t->count, n);
	if (o->format == OUT_CSV)
		used = (size_t)(stpcpy(buf, csv_header(o->keys)) - buf);
	else if (o->format == OUT_JSON)
		buf[used++] = '[';
	for (size_t i = 0; i < n && !err; i++) {
		size_t need = 6 * (size_t)v[i]->len + 96;
		if (used + need > cap) {
			err = ngc_stop ? -EINTR : write_full(fd, buf, used);
			bytes += used;
			used = 0;
			if (need > cap) {	/* a key larger than the buffer */
				cap = need;
				buf = xrealloc(buf, cap);
			}
		}
		used = (size_t)(put_row(buf + used, v[i], o, i == 0) - buf);
	}
	if (o->format == OUT_JSON)
		used = (size_t)(stpcpy(buf + used, n ? "\n]\n" : "]\n") - buf);
	if (!err)
		err = ngc_stop ? -EINTR : write_full(fd, buf, used);
	bytes += used;
	trace_span(tr, TRACK_OUTPUT, "write", NULL, t1, now_sec(), "\"bytes\":%llu",
		   (unsigned long long)bytes);
	free(buf);
	free(v);
	return err;
}

int output_write(const struct table *t, const struct output_opts *o, struct trace *tr)
{
	char *tmp;
	int fd;

	if (!o->path)
		return write_rows(STDOUT_FILENO, t, o, tr);
	if ((fd = afile_open(o->path, &tmp)) < 0)
		return fd;
	return afile_close(fd, tmp, o->path, write_rows(fd, t, o, tr));
}
