/*
 * output.c - select, sort and write the final table. Rows are formatted
 * into one large buffer and written with write(2): no stdio per row.
 *
 * The default (every row, most frequent first) is table_sorted's radix
 * sort. --top K keeps a heap of the K best rows seen, O(n log K), instead
 * of sorting millions of keys to print a few; --sort key is printed as
 * table_foreach_by_key visits the rows (a table of sorted keys has that
 * order already); --sort none prints them in the table's order.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ngramcount/helper.h"
#include "ngramcount/output.h"
#include "ngramcount/proc.h"
#include "ngramcount/wire.h"
#include "ngramcount/util.h"

#define NGC_OUT_BUF	(1u << 20)
#define NGC_OUT_AHEAD	16	/* rows prefetched ahead of the one printed */
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

/* heap_sift's order for top_k: the worst row (last in count order) on top. */
static int worse(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	return by_count(a, b) > 0;
}

/* Keep the k best of v[0..n) in v[0..k), in count order. */
static size_t top_k(const struct ngram **v, size_t n, size_t k)
{
	if (k >= n) {
		qsort(v, n, sizeof(*v), by_count);
		return n;
	}
	for (size_t i = k / 2; i-- > 0;)
		heap_sift(v, k, sizeof(*v), i, worse, NULL);
	for (size_t i = k; i < n; i++) {
		if (ngram_cmp_count(v[i], v[0]) < 0) {
			v[0] = v[i];
			heap_sift(v, k, sizeof(*v), 0, worse, NULL);
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

	if (o->sort == SORT_COUNT && !o->top)
		return table_sorted(t, r.min, 1, n);
	r.v = xmalloc((t->count ? t->count : 1) * sizeof(*r.v));
	table_foreach(t, keep_row, &r);
	if (o->top)
		r.n = top_k(r.v, r.n, o->top);
	if (o->sort == SORT_KEY)	/* the --top rows */
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

/* One row at p (room: 6 key bytes + 96); returns its end. */
static char *put_row(char *p, const char *key, size_t len, uint64_t count,
		     const struct output_opts *o, int first)
{
	const char *name = key, *year = NULL;

	if (o->keys == KEYS_NGRAM_YEAR) {
		len -= NGC_YEAR_KEY;
		year = key + len + 1;
	} else if (o->keys == KEYS_YEAR) {
		year = key;
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
	p += fmt_u64(p, count);
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

static void out_flush(struct out_writer *w)
{
	if (!w->err)
		w->err = ngc_stop ? -EINTR : write_full(w->fd, w->buf, w->used);
	w->bytes += w->used;
	w->used = 0;
}

int out_open(struct out_writer *w, const struct output_opts *o)
{
	*w = (struct out_writer){ .o = o, .fd = STDOUT_FILENO, .cap = NGC_OUT_BUF };
	int err = o->path ? afile_open(&w->file, o->path) : 0;
	if (err)
		return err;
	if (o->path)
		w->fd = w->file.fd;
	w->buf = xmalloc(w->cap);
	if (o->format == OUT_CSV)
		w->used = (size_t)(stpcpy(w->buf, csv_header(o->keys)) - w->buf);
	else if (o->format == OUT_JSON)
		w->buf[w->used++] = '[';
	return 0;
}

void out_row(struct out_writer *w, const char *key, size_t len, uint64_t count)
{
	size_t need = 6 * len + 96;
	if (w->used + need > w->cap) {
		out_flush(w);
		if (need > w->cap) {	/* a key larger than the buffer */
			w->cap = need;
			w->buf = xrealloc(w->buf, w->cap);
		}
	}
	w->used = (size_t)(put_row(w->buf + w->used, key, len, count, w->o, w->rows == 0) - w->buf);
	w->rows++;
}

int out_close(struct out_writer *w, int ok)
{
	int err;

	if (ok && w->o->format == OUT_JSON) {
		if (w->used + 4 > w->cap)
			out_flush(w);
		w->used = (size_t)(stpcpy(w->buf + w->used, w->rows ? "\n]\n" : "]\n") - w->buf);
	}
	if (ok)
		out_flush(w);
	err = ok ? w->err : -ECANCELED;
	if (w->o->path)
		err = afile_close(&w->file, err);
	free(w->buf);
	w->buf = NULL;
	return ok || err != -ECANCELED ? err : 0;
}

struct from_runs {
	const struct output_opts *o;
	struct out_writer w;
	struct table top;		/* --top: candidates, pruned to o->top */
	struct spill_sorter sorter;	/* count order: rows to sort on disk */
	struct spill_writer rows;	/* key order, a partition: its rows */
	int to_rows;			/* rows go to rows, not to w */
	uint64_t keys;
};

/* A row merged from runs of rows already chosen: print it. */
static int write_merged(void *ctx, const char *key, size_t len, uint64_t count)
{
	struct from_runs *r = ctx;
	out_row(&r->w, key, len, count);
	return r->w.err;
}

/* Keep the o->top best of r->top's rows once it holds twice as many. */
static void prune_top(struct from_runs *r)
{
	struct table kept;
	size_t n;
	struct output_opts best = { .sort = SORT_COUNT, .top = r->o->top };
	const struct ngram **v = select_rows(&r->top, &best, &n);

	table_init(&kept);
	for (size_t i = 0; i < n; i++)
		table_add(&kept, v[i]->key, v[i]->len, v[i]->count);
	free(v);
	table_fini(&r->top);
	r->top = kept;
}

/* A candidate for --top. */
static int add_top(void *ctx, const char *key, size_t len, uint64_t count)
{
	struct from_runs *r = ctx;
	table_add(&r->top, key, len, count);
	if (r->top.count >= 2 * r->o->top + 1024)
		prune_top(r);
	return 0;
}

/* A key's total, merged from the runs: choose it and send it on. */
static int merged_row(void *ctx, const char *key, size_t len, uint64_t count)
{
	struct from_runs *r = ctx;

	r->keys++;
	if (count < r->o->min_count)
		return 0;
	if (r->o->top)
		return add_top(ctx, key, len, count);
	if (r->o->sort == SORT_COUNT)
		return spill_add(&r->sorter, key, len, count);
	if (r->to_rows)
		return spill_write(&r->rows, key, len, count);
	return write_merged(ctx, key, len, count);
}

/*
 * Partition part's totals, merged from its runs, to the rows chosen from
 * them, in runs again: sorted by count (the default order), in key order
 * (--sort key), or the partition's best (--top, by count). *keys: the
 * partition's distinct keys.
 */
static int choose(struct spill *sp, unsigned part, const struct output_opts *o,
		  size_t budget, uint64_t *keys)
{
	struct from_runs r = { .o = o };
	int err, ce;

	table_init(&r.top);
	if (o->top) {
		if (!(err = spill_merge(sp, part, SPILL_BY_KEY, merged_row, &r)) && r.top.count)
			err = spill_table(sp, &r.top, SPILL_BY_COUNT);
	} else if (o->sort == SORT_COUNT) {
		spill_sorter_init(&r.sorter, sp, budget);
		err = spill_merge(sp, part, SPILL_BY_KEY, merged_row, &r);
		ce = spill_add_end(&r.sorter);
		if (!err)
			err = ce;
	} else {
		/* Tagged past the partitions: not a run of the merge it is made by. */
		r.to_rows = 1;
		if (!(err = spill_writer_open(&r.rows, sp, sp->parts))) {
			err = spill_merge(sp, part, SPILL_BY_KEY, merged_row, &r);
			err = spill_writer_close(&r.rows, err);
		}
	}
	table_fini(&r.top);
	*keys = r.keys;
	return err;
}

/* What choose_all() gives the child process of partition part. */
struct part_child {
	struct spill *sp;
	unsigned part;
	const struct output_opts *o;
	size_t budget;
	unsigned next;			/* its runs' first number */
	int fd;				/* its pipe's write end */
	int rfd;			/* the read end: closed in the child */
	pid_t *pid;			/* the parent's arrays: freed in the child */
	int *fds;
};

/* Partition part in a child process: choose, then report what it made. */
static int choose_child(void *p)
{
	const struct part_child *c = p;
	struct spill *sp = c->sp;
	struct wire_part_report rep = { 0 };
	uint64_t bytes = sp->bytes;
	unsigned base = sp->next = c->next;

	close(c->rfd);
	free(c->pid);
	free(c->fds);
	if (proc_fault("merge", NULL))
		raise(SIGKILL);
	rep.err = choose(sp, c->part, c->o, c->budget, &rep.keys);
	rep.bytes = sp->bytes - bytes;
	spill_drop_below(sp, base);	/* what is left, it made */
	rep.nruns = sp->nruns;
	int err = write_full(c->fd, &rep, sizeof(rep));
	if (!err && rep.nruns)
		err = write_full(c->fd, sp->run, rep.nruns * sizeof(*sp->run));
	return rep.err || err ? NGC_EXIT_FAIL : NGC_EXIT_OK;
}

/* Child p's report and runs, once it has exited; its runs become live. */
static int collect_child(struct spill *sp, pid_t pid, int fd, uint64_t *keys)
{
	struct wire_part_report rep;
	struct spill_run *made = NULL;
	int err = read_full(fd, &rep, sizeof(rep)), joined;

	if (!err && rep.nruns) {
		made = xmalloc(rep.nruns * sizeof(*made));
		err = read_full(fd, made, rep.nruns * sizeof(*made));
	}
	close(fd);
	joined = proc_join(pid);
	/* No report: it died. A report: its own verdict, and a clean exit. */
	err = err ? -ECHILD : rep.err;
	if (!err)
		err = joined;
	if (!err) {
		spill_add_runs(sp, made, rep.nruns, rep.bytes);
		*keys += rep.keys;
	}
	free(made);
	return err;
}

/*
 * Every partition's rows chosen (choose()), partition 0 here and each
 * other in a child process of its own, at the same time: each merges only
 * its own runs. Child p numbers its runs from base + p * stride, and
 * reports them; the partitions' key-sorted runs are gone afterwards.
 */
static int choose_all(struct spill *sp, const struct output_opts *o, size_t budget,
		      uint64_t *keys)
{
	unsigned parts = sp->parts, base = sp->next, stride = (UINT_MAX - base) / parts;
	pid_t *pid = xcalloc(parts, sizeof(*pid));
	int *fd = xcalloc(parts, sizeof(*fd));
	int err = 0, e;

	budget /= parts;
	for (unsigned p = 1; p < parts && !err; p++) {
		int pfd[2];
		if (pipe(pfd) < 0) {
			err = -errno;
			break;
		}
		pid[p] = proc_spawn(choose_child, &(struct part_child){
			.sp = sp, .part = p, .o = o, .budget = budget, .next = base + p * stride,
			.fd = pfd[1], .rfd = pfd[0], .pid = pid, .fds = fd });
		close(pfd[1]);
		fd[p] = pfd[0];
		if (pid[p] < 0) {
			err = (int)pid[p];
			close(fd[p]);
		}
	}
	if (!err)
		err = choose(sp, 0, o, budget, keys);
	/* The key-sorted runs of the other partitions are the children's. */
	spill_drop_below(sp, base);
	for (unsigned p = 1; p < parts; p++)
		if (pid[p] > 0 && (e = collect_child(sp, pid[p], fd[p], keys)) && !err)
			err = e;
	free(pid);
	free(fd);
	return err;
}

int output_spilled(struct spill *sp, const struct output_opts *o, size_t budget,
		   uint64_t *keys, int *in_runs)
{
	struct from_runs r = { .o = o };
	/* One partition, in key order or --top: rows straight from its totals. */
	int direct = sp->parts == 1 && (o->top || o->sort != SORT_COUNT);
	/* Else each partition's chosen rows become runs first, then merged. */
	int err = direct ? 0 : choose_all(sp, o, budget, keys), ce;
	spill_fn fn = direct ? merged_row : o->top ? add_top : write_merged;
	enum spill_order order = !direct && (o->top || o->sort == SORT_COUNT) ? SPILL_BY_COUNT
									       : SPILL_BY_KEY;

	table_init(&r.top);
	*in_runs = err != 0;
	if (!err && o->top) {
		*in_runs = (err = spill_merge(sp, SPILL_ALL, order, fn, &r)) != 0;
		if (!err)
			err = output_write(&r.top, o, NULL);
	} else if (!err && !(err = out_open(&r.w, o))) {
		err = spill_merge(sp, SPILL_ALL, order, fn, &r);
		*in_runs = err && !r.w.err;	/* not the writer's own error */
		ce = out_close(&r.w, !err);
		if (!err)
			err = ce;
	}
	if (direct)
		*keys = r.keys;
	table_fini(&r.top);
	return err;
}

/*
 * Sorted rows are formatted on two threads: the parent's helper formats
 * every other chunk of rows into a buffer of its own while the parent
 * formats the chunk before it; the parent writes both, in order.
 */
#define NGC_OUT_CHUNK	(1u << 15)

struct chunk_fmt {
	const struct ngram **v;
	size_t from, to;
	const struct output_opts *o;
	char *buf;			/* owned */
	size_t used, cap;
};

/*
 * Sorted rows are scattered over the arena: v[i]'s entry and key, fetched
 * ahead. Inlined by force: GCC 12 at -O2 split it out, then dropped the
 * split part's prefetches as a call without effect.
 */
static inline __attribute__((always_inline)) void fetch_row(const struct ngram **v, size_t i, size_t end)
{
	if (i < end) {
		__builtin_prefetch(v[i]);
		__builtin_prefetch(v[i]->key);
	}
}

static void format_chunk(void *arg)
{
	struct chunk_fmt *c = arg;

	c->used = 0;
	for (size_t i = c->from; i < c->to; i++) {
		const struct ngram *g = c->v[i];
		size_t need = 6 * (size_t)g->len + 96;
		fetch_row(c->v, i + NGC_OUT_AHEAD, c->to);
		if (c->used + need > c->cap) {
			c->cap = 2 * (c->used + need);
			c->buf = xrealloc(c->buf, c->cap);
		}
		c->used = (size_t)(put_row(c->buf + c->used, g->key, g->len, g->count, c->o, i == 0) -
				   c->buf);
	}
}

/* n bytes of rows formatted elsewhere, after what w holds. */
static void out_bytes(struct out_writer *w, const char *p, size_t n, uint64_t rows)
{
	out_flush(w);
	if (!w->err)
		w->err = ngc_stop ? -EINTR : write_full(w->fd, p, n);
	w->bytes += n;
	w->rows += rows;
}

static void write_rows(struct out_writer *w, const struct ngram **v, size_t n)
{
	struct chunk_fmt c = { .v = v, .o = w->o };

	for (size_t at = 0; at < n && !w->err; at += 2 * NGC_OUT_CHUNK) {
		size_t mid = n - at < NGC_OUT_CHUNK ? n : at + NGC_OUT_CHUNK;
		size_t end = n - mid < NGC_OUT_CHUNK ? n : mid + NGC_OUT_CHUNK;
		int helped = 0;

		c.from = mid;
		c.to = end;
		if (mid < end)
			helped = helper_start(format_chunk, &c);
		for (size_t i = at; i < mid; i++) {
			fetch_row(v, i + NGC_OUT_AHEAD, mid);
			out_row(w, v[i]->key, v[i]->len, v[i]->count);
		}
		if (mid < end) {
			if (helped)
				helper_wait();
			else
				format_chunk(&c);
			out_bytes(w, c.buf, c.used, end - mid);
		}
	}
	free(c.buf);
}

static int write_row(const struct ngram *g, void *ctx)
{
	struct out_writer *w = ctx;
	out_row(w, g->key, g->len, g->count);
	return w->err;
}

int output_write(const struct table *t, const struct output_opts *o, struct trace *tr)
{
	double t0 = now_sec(), t1;
	/* Every row by key: straight from the table as it is walked, no array. */
	int by_key = o->sort == SORT_KEY && !o->top;
	size_t n = 0;
	const struct ngram **v = NULL;
	struct out_writer w;
	int err;

	if (!by_key)
		v = select_rows(t, o, &n);
	t1 = now_sec();
	err = out_open(&w, o);
	if (!err && by_key)
		table_foreach_by_key(t, o->min_count, 1, write_row, &w);	/* stops at w.err */
	if (!err)
		write_rows(&w, v, n);
	if (!err)
		err = out_close(&w, 1);
	trace_span(tr, TRACK_OUTPUT, "sort", NULL, t0, t1, "\"keys\":%zu,\"rows\":%llu",
		   t->count, (unsigned long long)w.rows);
	trace_span(tr, TRACK_OUTPUT, "write", NULL, t1, now_sec(), "\"bytes\":%llu",
		   (unsigned long long)w.bytes);
	free(v);
	return err;
}
