/*
 * merge.c - ngramcount merge (merge.h). Files are read with getline: a
 * line at a time, so memory is the longest line per file (and, unsorted,
 * the table).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngramcount/error.h"
#include "ngramcount/merge.h"
#include "ngramcount/output.h"
#include "ngramcount/parse.h"
#include "ngramcount/util.h"

/* One input of the k-way merge: its current line. */
struct src {
	FILE *f;
	const char *path;
	char *line, *prev;		/* current and previous line; owned */
	size_t cap, prev_cap;
	size_t keylen, prev_keylen;
	uint64_t count;
	uint64_t lineno;
};

/* Read s's next line; 1 when there is one, 0 at the end, -1 on error. */
static int next_line(struct src *s, char *err, size_t errsize, int check_order)
{
	struct record r;
	ssize_t n;
	int e;

	if (check_order) {
		char *t = s->prev;
		size_t tc = s->prev_cap;
		s->prev = s->line;
		s->prev_cap = s->cap;
		s->prev_keylen = s->keylen;
		s->line = t;
		s->cap = tc;
	}
	errno = 0;
	if ((n = getline(&s->line, &s->cap, s->f)) <= 0) {
		if (ferror(s->f)) {
			snprintf(err, errsize, "merge: %s: %s", s->path, strerror(errno ? errno : EIO));
			return -1;
		}
		return 0;
	}
	s->lineno++;
	if (s->line[n - 1] == '\n')
		n--;
	if ((e = parse_result(s->line, (size_t)n, &r))) {
		snprintf(err, errsize, "merge: %s:%llu: %s", s->path, (unsigned long long)s->lineno,
			 parse_strerror(e));
		return -1;
	}
	s->keylen = r.keylen;
	s->count = r.count;
	if (check_order && s->lineno > 1 &&
	    parse_result_cmp(s->line, s->keylen, s->prev, s->prev_keylen) < 0) {
		snprintf(err, errsize, "merge: %s:%llu: not sorted by key (--sorted wants each file "
			 "in LC_ALL=C sort order)", s->path, (unsigned long long)s->lineno);
		return -1;
	}
	return 1;
}

static int open_src(struct src *s, const char *path, char *err, size_t errsize)
{
	memset(s, 0, sizeof(*s));
	s->path = path;
	s->f = !strcmp(path, "-") ? stdin : fopen(path, "r");
	if (!s->f) {
		snprintf(err, errsize, "merge: %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void close_src(struct src *s)
{
	if (s->f && s->f != stdin)
		fclose(s->f);
	free(s->line);
	free(s->prev);
}

/* The total of key, at s's current line, passes 2^64-1. */
static void overflow(char *err, size_t errsize, const struct src *s, const char *key, size_t len)
{
	char why[256];
	ngc_overflow_msg(why, sizeof(why), key, len);
	snprintf(err, errsize, "merge: %s:%llu: %s", s->path, (unsigned long long)s->lineno, why);
}

int merge_files(const struct config *c, struct table *t, char *err, size_t errsize)
{
	int r = 0;

	for (int i = 0; i < c->ninputs && !r; i++) {
		struct src s;
		if (open_src(&s, c->inputs[i], err, errsize))
			return -1;
		while (!ngc_stop && (r = next_line(&s, err, errsize, 0)) > 0) {
			if (table_add(t, s.line, s.keylen, s.count)) {
				overflow(err, errsize, &s, s.line, s.keylen);
				r = -1;
				break;
			}
		}
		close_src(&s);
	}
	if (!r && ngc_stop) {
		snprintf(err, errsize, "merge: interrupted");
		r = -1;
	}
	return r < 0 ? -1 : 0;
}

/* heap_sift's order for the sources with a line: smallest key on top. */
static int less(const void *pa, const void *pb, void *ctx)
{
	const struct src *a = *(struct src *const *)pa, *b = *(struct src *const *)pb;
	(void)ctx;
	return parse_result_cmp(a->line, a->keylen, b->line, b->keylen) < 0;
}

static void sift(struct src **h, size_t n, size_t i)
{
	heap_sift(h, n, sizeof(*h), i, less, NULL);
}

int merge_sorted(const struct config *c, char *err, size_t errsize)
{
	size_t k = (size_t)c->ninputs, n = 0, cur_len = 0, cur_cap = 0;
	struct src *s = xcalloc(k, sizeof(*s));
	struct src **h = xcalloc(k, sizeof(*h));
	struct out_writer w = { 0 };
	char *cur = NULL;
	int r = 0, e;

	for (size_t i = 0; i < k && !r; i++) {
		if ((r = open_src(&s[i], c->inputs[i], err, errsize)))
			break;
		if ((e = next_line(&s[i], err, errsize, 1)) < 0)
			r = -1;
		else if (e > 0)
			h[n++] = &s[i];
	}
	if (!r && (e = out_open(&w, &c->out))) {
		snprintf(err, errsize, "merge: %s: %s", c->out.path, strerror(-e));
		r = -1;
	}
	for (size_t i = n / 2; i-- > 0;)
		sift(h, n, i);
	while (!r && n) {
		/* The smallest key: sum its lines in every file. */
		uint64_t total = 0;
		if (h[0]->keylen > cur_cap) {
			cur_cap = 2 * h[0]->keylen;
			cur = xrealloc(cur, cur_cap);
		}
		memcpy(cur, h[0]->line, h[0]->keylen);
		cur_len = h[0]->keylen;
		while (n && h[0]->keylen == cur_len && !memcmp(h[0]->line, cur, cur_len)) {
			if (__builtin_add_overflow(total, h[0]->count, &total)) {
				overflow(err, errsize, h[0], cur, cur_len);
				r = -1;
				break;
			}
			if ((e = next_line(h[0], err, errsize, 1)) < 0) {
				r = -1;
				break;
			}
			if (e == 0)
				h[0] = h[--n];
			sift(h, n, 0);
		}
		if (!r && total >= c->out.min_count)
			out_row(&w, cur, cur_len, total);
		if (ngc_stop) {
			snprintf(err, errsize, "merge: interrupted");
			r = -1;
		}
	}
	if (w.buf && (e = out_close(&w, !r)) && !r) {
		snprintf(err, errsize, "merge: %s: %s", c->out.path ? c->out.path : "stdout",
			 strerror(-e));
		r = -1;
	}
	for (size_t i = 0; i < k; i++)
		close_src(&s[i]);
	free(s);
	free(h);
	free(cur);
	return r;
}
