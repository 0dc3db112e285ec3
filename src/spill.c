/*
 * spill.c - runs on disk and their k-way merge (spill.h). Runs are read
 * and written through stdio with large buffers: a record is a few bytes,
 * and the merge reads them in order.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ngramcount/spill.h"
#include "ngramcount/util.h"

#define NGC_SPILL_FANIN	32		/* runs merged at once */
#define NGC_SPILL_BUF	(256u << 10)	/* stdio buffer per open run */

void spill_init(struct spill *s, const char *tmpdir, unsigned parts)
{
	memset(s, 0, sizeof(*s));
	s->tmpdir = tmpdir;
	s->parts = parts < 1 ? 1 : parts > NGC_SPILL_MAX_PARTS ? NGC_SPILL_MAX_PARTS : parts;
}

unsigned spill_part(const char *key, size_t len, unsigned parts)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	return h % parts;
}

static void run_path(const struct spill *s, unsigned n, char *path, size_t size)
{
	snprintf(path, size, "%s/run-%u", s->dir, n);
}

void spill_fini(struct spill *s)
{
	char path[4096];
	DIR *d = s->dir ? opendir(s->dir) : NULL;
	struct dirent *de;

	/* Everything: live runs, and the runs of tasks that never completed. */
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", s->dir, de->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	if (s->dir)
		rmdir(s->dir);
	free(s->dir);
	free(s->run);
	s->dir = NULL;
	s->run = NULL;
	s->nruns = 0;
}

int spill_mkdir(struct spill *s)
{
	size_t n = strlen(s->tmpdir) + 32;

	if (s->dir)
		return 0;
	s->dir = xmalloc(n);
	snprintf(s->dir, n, "%s/ngramcount-spill-XXXXXX", s->tmpdir);
	if (!mkdtemp(s->dir)) {
		int err = -errno;
		free(s->dir);
		s->dir = NULL;
		return err;
	}
	return 0;
}

static void live(struct spill *s, unsigned part)
{
	s->run = xrealloc(s->run, (s->nruns + 1) * sizeof(*s->run));
	s->run[s->nruns++] = (struct spill_run){ s->next++, part };
}

static FILE *open_run(const char *path, const char *mode, int *err)
{
	FILE *f = fopen(path, mode);
	if (!f)
		*err = -errno;
	else
		setvbuf(f, NULL, _IOFBF, NGC_SPILL_BUF);
	return f;
}

/* A new run file of partition part, open for writing; it is live from now. */
static FILE *run_create(struct spill *s, unsigned part, int *err)
{
	char path[4096];
	FILE *f;

	if ((*err = spill_mkdir(s)))
		return NULL;
	run_path(s, s->next, path, sizeof(path));
	if ((f = open_run(path, "wbx", err)))
		live(s, part);
	return f;
}

static int put_record(uint64_t *bytes, FILE *f, const char *key, size_t len, uint64_t count)
{
	uint32_t l = (uint32_t)len;
	if (fwrite(&l, sizeof(l), 1, f) != 1 || (len && fwrite(key, len, 1, f) != 1) ||
	    fwrite(&count, sizeof(count), 1, f) != 1)
		return -errno ? -errno : -EIO;
	*bytes += sizeof(l) + len + sizeof(count);
	return 0;
}

static int run_close(FILE *f, int err)
{
	if (fclose(f) != 0 && !err)
		err = -errno;
	return err;
}

struct table_out {
	FILE **f;
	unsigned nf;
	uint64_t *bytes;
};

static int put_entry(const struct ngram *g, void *ctx)
{
	struct table_out *o = ctx;
	return put_record(o->bytes, o->f[o->nf > 1 ? spill_part(g->key, g->len, o->nf) : 0],
			  g->key, g->len, g->count);
}

/*
 * Write t in that order to f[0], or by key to f[spill_part()] of nf files,
 * and close them.
 */
static int write_table(FILE **f, unsigned nf, const struct table *t, enum spill_order order,
		       uint64_t *bytes)
{
	struct table_out out = { f, nf, bytes };
	int err = 0;

	if (order == SPILL_BY_COUNT) {
		size_t n;
		const struct ngram **v = table_sorted(t, 0, 0, &n);
		for (size_t i = 0; i < n && !err; i++)
			err = put_entry(v[i], &out);
		free(v);
	} else {
		err = table_foreach_by_key(t, 0, 0, put_entry, &out);
	}
	for (unsigned i = 0; i < nf; i++)
		err = run_close(f[i], err);
	return err;
}

/* Close the first n of f after a failure to open the next. */
static int close_some(FILE **f, unsigned n, int err)
{
	while (n--)
		run_close(f[n], 0);
	free(f);
	return err;
}

int spill_table(struct spill *s, const struct table *t, enum spill_order order)
{
	unsigned nf = order == SPILL_BY_KEY ? s->parts : 1;
	FILE **f = xcalloc(nf, sizeof(*f));
	int err = 0;

	for (unsigned i = 0; i < nf; i++)
		if (!(f[i] = run_create(s, i, &err)))
			return close_some(f, i, err);
	s->spills++;
	err = write_table(f, nf, t, order, &s->bytes);
	free(f);
	return err;
}

static void task_path(const char *dir, uint64_t task, unsigned k, unsigned part, char *path,
		      size_t size)
{
	snprintf(path, size, "%s/task-%llu-%u-%u", dir, (unsigned long long)task, k, part);
}

int task_spill(struct task_spill *ts, struct table *t, size_t budget)
{
	char path[4096];
	int err = 0;
	FILE **f;

	if (table_bytes(t) <= budget)
		return 0;
	if (!ts->dir)
		return ts->dir_err;
	f = xcalloc(ts->parts, sizeof(*f));
	for (unsigned i = 0; i < ts->parts; i++) {
		task_path(ts->dir, ts->task, ts->runs, i, path, sizeof(path));
		/* "w": a task run again after its worker died writes over its runs. */
		if (!(f[i] = open_run(path, "wb", &err)))
			return close_some(f, i, err);
	}
	ts->runs++;
	err = write_table(f, ts->parts, t, SPILL_BY_KEY, &ts->bytes);
	free(f);
	if (err)
		return err;
	table_fini(t);
	return 1;
}

int spill_adopt(struct spill *s, uint64_t task, unsigned runs, uint64_t bytes)
{
	char from[4096], to[4096];

	for (unsigned k = 0; k < runs; k++)
		for (unsigned i = 0; i < s->parts; i++) {
			task_path(s->dir, task, k, i, from, sizeof(from));
			run_path(s, s->next, to, sizeof(to));
			if (rename(from, to) < 0)
				return -errno;
			live(s, i);
		}
	s->spills += runs;
	s->bytes += bytes;
	return 0;
}

void spill_drop_below(struct spill *s, unsigned base)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->nruns; i++)
		if (s->run[i].num >= base)
			s->run[n++] = s->run[i];
	s->nruns = n;
}

void spill_add_runs(struct spill *s, const struct spill_run *run, unsigned n, uint64_t bytes)
{
	s->run = xrealloc(s->run, (s->nruns + n) * sizeof(*s->run));
	for (unsigned i = 0; i < n; i++) {
		s->run[s->nruns++] = run[i];
		if (run[i].num >= s->next)
			s->next = run[i].num + 1;
	}
	s->bytes += bytes;
}

/* One open run in a merge: its current record. */
struct run_reader {
	FILE *f;
	char *key;		/* owned */
	size_t cap;
	uint32_t len;
	uint64_t count;
};

/* The reader's next record: 1, 0 at the end of the run, or -errno. */
static int next_record(struct run_reader *r)
{
	uint32_t len;
	if (fread(&len, sizeof(len), 1, r->f) != 1)
		return ferror(r->f) ? -EIO : 0;
	if (len > r->cap) {
		r->cap = 2 * (size_t)len;
		r->key = xrealloc(r->key, r->cap);
	}
	if ((len && fread(r->key, len, 1, r->f) != 1) ||
	    fread(&r->count, sizeof(r->count), 1, r->f) != 1)
		return -EIO;	/* a run cut short: never a partial total */
	r->len = len;
	return 1;
}

/* heap_sift's order: a's record before b's, by count first or by key alone. */
static int before(const void *pa, const void *pb, void *ctx)
{
	const struct run_reader *a = *(struct run_reader *const *)pa, *b = *(struct run_reader *const *)pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (*(const enum spill_order *)ctx == SPILL_BY_COUNT && a->count != b->count)
		return a->count > b->count;
	if ((c = memcmp(a->key, b->key, n)))
		return c < 0;
	return a->len < b->len;
}

static void sift(struct run_reader **h, size_t n, size_t i, enum spill_order order)
{
	heap_sift(h, n, sizeof(*h), i, before, &order);
}

/*
 * Merge live runs [first, first+n) to fn, then remove them from disk and
 * from the live list.
 */
static int merge_some(struct spill *s, unsigned first, unsigned n, enum spill_order order,
		      spill_fn fn, void *ctx)
{
	struct run_reader *rd = xcalloc(n, sizeof(*rd));
	struct run_reader **h = xcalloc(n, sizeof(*h));
	char path[4096], *cur = NULL;
	size_t nh = 0, cur_cap = 0;
	int err = 0, r;

	for (unsigned i = 0; i < n && !err; i++) {
		run_path(s, s->run[first + i].num, path, sizeof(path));
		if (!(rd[i].f = open_run(path, "rb", &err)))
			break;
		if ((r = next_record(&rd[i])) < 0)
			err = r;
		else if (r)
			h[nh++] = &rd[i];
	}
	for (size_t i = nh / 2; i-- > 0;)
		sift(h, nh, i, order);
	while (!err && nh) {
		struct run_reader *top = h[0];
		uint32_t len = top->len;
		uint64_t total = top->count;
		if (order == SPILL_BY_KEY) {
			/* Gather the key's records from every run. */
			if (len > cur_cap) {
				cur_cap = 2 * (size_t)len;
				cur = xrealloc(cur, cur_cap);
			}
			memcpy(cur, top->key, len);
			total = 0;
			while (nh && h[0]->len == len && !memcmp(h[0]->key, cur, len)) {
				if (__builtin_add_overflow(total, h[0]->count, &total)) {
					err = -EOVERFLOW;
					break;
				}
				if ((r = next_record(h[0])) < 0)
					err = r;
				else if (!r)
					h[0] = h[--nh];
				sift(h, nh, 0, order);
			}
			if (!err)
				err = fn(ctx, cur, len, total);
		} else {
			if (!(err = fn(ctx, top->key, len, total))) {
				if ((r = next_record(top)) < 0)
					err = r;
				else if (!r)
					h[0] = h[--nh];
			}
			sift(h, nh, 0, order);
		}
		if (!err && ngc_stop)
			err = -EINTR;
	}
	for (unsigned i = 0; i < n; i++) {
		if (rd[i].f)
			fclose(rd[i].f);
		free(rd[i].key);
		run_path(s, s->run[first + i].num, path, sizeof(path));
		unlink(path);
	}
	memmove(s->run + first, s->run + first + n, (s->nruns - first - n) * sizeof(*s->run));
	s->nruns -= n;
	free(rd);
	free(h);
	free(cur);
	return err;
}

int spill_writer_open(struct spill_writer *w, struct spill *s, unsigned part)
{
	int err = 0;
	w->s = s;
	w->f = run_create(s, part, &err);
	return err;
}

int spill_write(void *ctx, const char *key, size_t len, uint64_t count)
{
	struct spill_writer *w = ctx;
	return put_record(&w->s->bytes, w->f, key, len, count);
}

int spill_writer_close(struct spill_writer *w, int err)
{
	return run_close(w->f, err);
}

/* Move the runs of part (SPILL_ALL: every run) to the front; returns how many. */
static unsigned gather(struct spill *s, unsigned part)
{
	unsigned n = 0;

	if (part == SPILL_ALL)
		return s->nruns;
	for (unsigned i = 0; i < s->nruns; i++)
		if (s->run[i].part == part) {
			struct spill_run r = s->run[i];
			memmove(s->run + n + 1, s->run + n, (i - n) * sizeof(*s->run));
			s->run[n++] = r;
		}
	return n;
}

int spill_merge(struct spill *s, unsigned part, enum spill_order order, spill_fn fn, void *ctx)
{
	struct spill_writer w;
	unsigned n;
	int err = 0;

	/* Passes: NGC_SPILL_FANIN runs at a time into one new run of the part. */
	while ((n = gather(s, part)) > NGC_SPILL_FANIN) {
		if ((err = spill_writer_open(&w, s, part == SPILL_ALL ? 0 : part)))
			return err;
		err = merge_some(s, 0, NGC_SPILL_FANIN, order, spill_write, &w);
		if ((err = spill_writer_close(&w, err)))
			return err;
	}
	return n ? merge_some(s, 0, n, order, fn, ctx) : 0;
}

void spill_sorter_init(struct spill_sorter *q, struct spill *s, size_t budget)
{
	q->s = s;
	q->budget = budget;
	table_init(&q->t);
}

int spill_add(struct spill_sorter *q, const char *key, size_t len, uint64_t count)
{
	int err = table_add(&q->t, key, len, count);
	if (!err && table_bytes(&q->t) > q->budget) {
		err = spill_table(q->s, &q->t, SPILL_BY_COUNT);
		table_fini(&q->t);
	}
	return err;
}

int spill_add_end(struct spill_sorter *q)
{
	int err = q->t.count ? spill_table(q->s, &q->t, SPILL_BY_COUNT) : 0;
	table_fini(&q->t);
	return err;
}
