/*
 * engine.c - the scheduler of one run. Single-threaded, in the parent.
 *
 * Each turn of the loop: hand work to idle workers, start reads into free
 * pool slots, take completed reads, then poll the ring's eventfd and the
 * workers' pipes. What stays true:
 *  - every pool slot is free, or held by exactly one chunk (in flight,
 *    waiting for a worker, or being mapped);
 *  - a gzip file's chunks reach its one worker in file order;
 *  - an assigned gzip file may hold NGC_GZ_HOLD slots, and that many are
 *    kept back from plain files for each worker, so a worker inflating a
 *    stream can always get its next chunk (no deadlock on the pool);
 *  - the parent never blocks writing a pipe: a worker has at most
 *    NGC_GZ_HOLD + 2 messages queued, far below the pipe's capacity;
 *  - a task's counts reach the final table only with its MSG_RESULT, so a
 *    worker that dies (or is killed after --task-timeout) is replaced and
 *    its task run once more from the start: nothing counted twice or lost.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ngramcount/engine.h"
#include "ngramcount/format.h"
#include "ngramcount/gz.h"
#include "ngramcount/map.h"
#include "ngramcount/parse.h"
#include "ngramcount/partition.h"
#include "ngramcount/pool.h"
#include "ngramcount/progress.h"
#include "ngramcount/reader.h"
#include "ngramcount/reduce.h"
#include "ngramcount/trace.h"
#include "ngramcount/util.h"
#include "ngramcount/wire.h"
#include "ngramcount/worker.h"

#define NGC_GZ_HOLD		2	/* slots one gzip stream may hold */
#define NGC_PLAIN_ACTIVE	4	/* plain files read at the same time */
#define NGC_REAP_BATCH		64
#define NGC_POLL_MS		100	/* also the progress redraw period */
/*
 * Plain partitions a worker holds: the one it maps and one waiting in its
 * pipe, so it does not stand idle while the parent merges a large result.
 */
#define NGC_WORKER_AHEAD	2

enum file_state { F_WAIT, F_ACTIVE, F_DONE };

struct chunk;

struct file {
	char *path;			/* owned */
	uint64_t size, nchunks;
	dev_t dev;			/* identity, to notice a file named twice */
	ino_t ino;
	uint64_t next_chunk;		/* next chunk to read */
	uint64_t chunks_read;
	int fd;				/* -1 unless reads remain */
	int gzip;			/* compressed: gzip, or zip when zip is set */
	int zip;
	int stream;			/* stdin or a FIFO: read in order, size unknown */
	int typed;			/* gzip or not is known (streams: after chunk 0) */
	enum ngc_format fmt;		/* FMT_AUTO until known (gzip: the worker's reply) */
	int reading;			/* stream: a read is in flight */
	enum file_state state;
	unsigned held;			/* pool slots holding this file's bytes */
	/* plain files */
	struct partitioner part;
	uint64_t *lines;		/* per chunk: its seam line + partition lines */
	uint64_t lines_cap;		/* entries in lines */
	/* gzip files */
	unsigned gen;			/* bumped when the stream restarts */
	uint64_t seq;			/* task number, for --order submission */
	unsigned tries;			/* workers that died on this stream */
	unsigned worker;		/* assigned worker; nw means the parent */
	double started;			/* when it was assigned, for --trace */
	uint64_t next_deliver;		/* next chunk the worker gets */
	struct chunk *early;		/* read, waiting for earlier chunks */
	/* the first malformed line: chunk bad_k, line bad_i of that chunk */
	uint64_t bad, bad_k, bad_i;
	int bad_why;
};

struct chunk {
	struct read_req req;		/* must be first: the reader hands it back */
	struct file *f;
	uint64_t k;			/* chunk number in its file */
	unsigned slot;
	unsigned gen;			/* f->gen when the read started */
	uint64_t seq;			/* task number, for --order submission */
	unsigned tries;			/* workers that died on this partition */
	int at_worker;			/* gzip: sent, not yet released */
	double t_read;			/* when its read was submitted, for --trace */
	size_t part_off, part_len;	/* its partition */
	struct chunk *next;		/* ready queue or f->early */
};

/* A result held back by --order submission until its turn. */
struct held {
	struct held *next;
	uint64_t seq;
	size_t len;
	char payload[];
};

struct wstate {
	struct chunk *plain[NGC_WORKER_AHEAD];	/* partitions sent, oldest (being
						   mapped) first */
	unsigned nplain;
	struct file *gz;		/* gzip stream being inflated */
	double heard;			/* when it last got work or answered */
	unsigned owed;			/* replies it owes: a worker owing none is
					   only waiting for input, never late */
	int timed_out;			/* killed for --task-timeout */
	int respawned;			/* started this turn: what poll saw on its
					   pipe was the old worker's */
};

struct engine {
	const struct config *c;
	struct run_stats *st;
	struct file *files;
	unsigned nfiles;
	unsigned *gz_order, ngz, next_gz;	/* gzip files, in assignment order */
	unsigned *plain_order, nplain, next_plain;
	struct file *active[NGC_PLAIN_ACTIVE];	/* plain files being read */
	unsigned rr;				/* round-robin among active files */

	struct bufpool pool;
	struct chunk *chunks;		/* one per slot */
	unsigned plain_held, plain_cap;
	struct chunk *ready, **ready_tail;	/* partitions for workers */

	struct reader *rd;
	struct worker_env env;		/* what a (re)spawned worker gets */
	struct pool workers;
	unsigned nw;
	struct wstate *ws;		/* [nw + 1]: [nw] is the parent */
	struct wbuf payload;
	struct pollfd *pfd;		/* [nw + 1] */
	uint64_t next_seq;		/* number of the next task handed out */
	uint64_t merge_seq;		/* --order submission: next task to merge */
	struct held *held;		/* results that came early, by seq; owned */

	struct table *t;		/* the final table; not owned */
	struct spill *sp;		/* where t goes past its budget; not owned */
	struct trace *tr;		/* --trace, or NULL; not owned */
	struct mapper pm;		/* the parent's: seams, -j 0 partitions */
	struct mapper gm;		/* the parent's gzip stream (-j 0), */
	struct table gt;		/* into its own table, merged when whole */
	struct gz_task gtask;		/* its mapping and runs */
	struct gz gz;
	int gz_err;			/* its first error; then chunks are dropped */
	char *sniff;			/* NGC_SNIFF_BYTES: a plain file's start */

	uint64_t done_bytes;
	struct progress prog;
	char *err;
	size_t errsize;
	int failed;
};

static int fail(struct engine *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int worker_gone(struct engine *e, unsigned w, int err);

static int fail(struct engine *e, const char *fmt, ...)
{
	va_list ap;
	if (e->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->err, e->errsize, fmt, ap);
	va_end(ap);
	e->failed = 1;
	return -1;
}

static int fail_overflow(struct engine *e, const char *key, size_t len)
{
	return fail(e, "the total of ngram '%.*s' passes 2^64-1", (int)(len > 200 ? 200 : len), key);
}

/* A table could not be written out; path names the task's input, or NULL. */
static int fail_spill(struct engine *e, const char *path, int err)
{
	return fail(e, "%s%sspilling to %s: %s", path ? path : "", path ? ": " : "",
		    e->c->tmpdir, strerror(-err));
}

/* Task task completed with runs runs of its own: they count from now on. */
static int adopt(struct engine *e, const char *path, uint64_t task, uint64_t runs,
		 uint64_t bytes)
{
	int err = runs ? spill_adopt(e->sp, task, (unsigned)runs, bytes) : 0;
	e->st->task_runs += runs;
	return err ? fail_spill(e, path, err) : 0;
}

/*
 * Input file f cannot be counted, for the reason in fmt. With --keep-going
 * it is skipped (noted for main, returns 0) if none of its counts have
 * reached the final table (whole): else the run fails (returns -1).
 */
static int skip_or_fail(struct engine *e, const char *path, int whole, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Count f's format; note it if this run does not count it (map_skips). */
static int count_format(struct engine *e, struct file *f)
{
	e->st->formats[f->fmt]++;
	if (!map_skips(&e->c->map, f->fmt))
		return 0;
	if (!e->st->passed_over++)
		e->st->passed_over_path = xstrdup(f->path);
	return 1;
}

static int skip_or_fail(struct engine *e, const char *path, int whole, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!e->c->keep_going || !whole)
		return fail(e, "%s: %s", path, why);
	struct run_stats *st = e->st;
	st->skipped = xrealloc(st->skipped, (st->nskipped + 1) * sizeof(*st->skipped));
	st->skipped[st->nskipped] = xmalloc(strlen(path) + strlen(why) + 3);
	sprintf(st->skipped[st->nskipped++], "%s: %s", path, why);
	return 0;
}

/* Inputs */

/* gzip, zip or plain, from the file's first bytes. */
static void set_container(struct file *f, const void *buf, size_t n)
{
	enum gz_container c = gz_container(buf, n);
	f->gzip = c != GZC_NONE;
	f->zip = c == GZC_ZIP;
}

/*
 * A plain file's format is known (from its first bytes, or --format):
 * check the options fit it, and pass over a file they do not count
 * (totalcounts, or with --totals anything else).
 */
static int typed(struct engine *e, struct file *f, const char *buf, size_t n)
{
	const struct map_opts *o = &e->c->map;
	const char *why;

	f->fmt = o->format != FMT_AUTO ? o->format : format_sniff(buf, n);
	if ((why = map_conflict(o, f->fmt)))
		return fail(e, "%s: %s", f->path, why);
	if (count_format(e, f) && !f->stream)
		f->nchunks = 0;		/* passed over: not even read */
	return 0;
}

static struct file *new_file(struct engine *e, const char *path, const struct stat *sb)
{
	struct file *f;
	e->files = xrealloc(e->files, (e->nfiles + 1) * sizeof(*e->files));
	f = &e->files[e->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->fd = -1;
	f->dev = sb->st_dev;
	f->ino = sb->st_ino;
	f->bad_k = f->bad_i = UINT64_MAX;
	f->worker = UINT_MAX;
	return f;
}

/*
 * stdin or a FIFO: read front to back, one read at a time, until a short
 * read; gzip or not is decided by its first chunk.
 */
static int add_stream(struct engine *e, const char *path, int fd)
{
	struct stat sb;
	struct file *f;
	if (fstat(fd, &sb) < 0)
		return skip_or_fail(e, path, 1, "%s", strerror(errno));
	f = new_file(e, path, &sb);
	f->fd = fd;
	f->stream = 1;
	f->nchunks = UINT64_MAX;	/* until the read that comes back short */
	return 0;
}

static int add_file(struct engine *e, const char *path)
{
	struct stat sb;
	struct file *f;
	ssize_t n;
	int fd;

	if (stat(path, &sb) == 0 && S_ISFIFO(sb.st_mode)) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return skip_or_fail(e, path, 1, "%s", strerror(errno));
		return add_stream(e, path, fd);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return skip_or_fail(e, path, 1, "%s", strerror(errno));
	if (fstat(fd, &sb) < 0 || (n = pread(fd, e->sniff, NGC_SNIFF_BYTES, 0)) < 0) {
		int err = errno;
		close(fd);
		return skip_or_fail(e, path, 1, "%s", strerror(err));
	}
	close(fd);
	if (!S_ISREG(sb.st_mode))
		return skip_or_fail(e, path, 1, "not a regular file");
	f = new_file(e, path, &sb);
	f->size = (uint64_t)sb.st_size;
	f->nchunks = (f->size + e->c->partition_size - 1) / e->c->partition_size;
	set_container(f, e->sniff, (size_t)n);
	f->typed = 1;
	e->st->bytes_total += f->size;
	return f->gzip ? 0 : typed(e, f, e->sniff, (size_t)n);
}

static int add_dir(struct engine *e, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), r = 0;

	if (n < 0)
		return skip_or_fail(e, dir, 1, "%s", strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *path;
		struct stat sb;
		if (!r && name[0] != '.') {
			size_t size = strlen(dir) + strlen(name) + 2;
			path = xmalloc(size);
			snprintf(path, size, "%s/%s", dir, name);
			/* Only regular files: subfolders are not descended into. */
			if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
				r = add_file(e, path);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

static int by_identity(const void *pa, const void *pb)
{
	const struct file *a = *(const struct file *const *)pa;
	const struct file *b = *(const struct file *const *)pb;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* Count inputs that are the same file as an earlier one (by dev, inode). */
static void find_duplicates(struct engine *e)
{
	const struct file **v = xmalloc((e->nfiles + 1) * sizeof(*v));
	const struct file *first = NULL;

	for (unsigned i = 0; i < e->nfiles; i++)
		v[i] = &e->files[i];
	qsort(v, e->nfiles, sizeof(*v), by_identity);
	for (unsigned i = 1; i < e->nfiles; i++) {
		if (v[i]->dev != v[i - 1]->dev || v[i]->ino != v[i - 1]->ino)
			continue;
		e->st->duplicates++;
		if (!first || v[i] < first)
			first = v[i];
	}
	if (first)
		e->st->duplicate_path = xstrdup(first->path);
	free(v);
}

/* Largest first; equal sizes in input order. */
static int by_size_desc(const void *pa, const void *pb, void *ctx)
{
	const struct file *files = ctx;
	unsigned a = *(const unsigned *)pa, b = *(const unsigned *)pb;
	if (files[a].size != files[b].size)
		return files[a].size > files[b].size ? -1 : 1;
	return (a > b) - (a < b);
}

static int list_inputs(struct engine *e)
{
	for (int i = 0; i < e->c->ninputs; i++) {
		const char *path = e->c->inputs[i];
		struct stat sb;
		int r;
		if (!strcmp(path, "-"))
			r = add_stream(e, "-", STDIN_FILENO);
		else if (stat(path, &sb) < 0)
			r = skip_or_fail(e, path, 1, "%s", strerror(errno));
		else
			r = S_ISDIR(sb.st_mode) ? add_dir(e, path) : add_file(e, path);
		if (r)
			return r;
	}
	e->gz_order = xmalloc((e->nfiles + 1) * sizeof(unsigned));
	e->plain_order = xmalloc((e->nfiles + 1) * sizeof(unsigned));
	for (unsigned i = 0; i < e->nfiles; i++) {
		struct file *f = &e->files[i];
		if (f->gzip) {
			e->gz_order[e->ngz++] = i;
		} else {
			/* Streams start here too, until their first chunk says gzip. */
			e->plain_order[e->nplain++] = i;
			partition_init(&f->part);
			if (!f->stream) {
				f->lines_cap = f->nchunks + 1;
				f->lines = xcalloc(f->lines_cap, sizeof(*f->lines));
			}
		}
	}
	/*
	 * Longest processing time first: a gzip file is one task, so the
	 * largest start first and a big file never runs alone at the end.
	 */
	qsort_r(e->gz_order, e->ngz, sizeof(*e->gz_order), by_size_desc, e->files);
	e->st->files = e->nfiles;
	find_duplicates(e);
	return 0;
}

static int open_file(struct engine *e, struct file *f)
{
	if (f->stream) {	/* opened when listed, and read once only */
		f->state = F_ACTIVE;
		return 0;
	}
	f->fd = open(f->path, O_RDONLY | O_CLOEXEC | (e->c->direct ? O_DIRECT : 0));
	if (f->fd < 0 && e->c->direct && errno == EINVAL)
		return fail(e, "%s: this file system cannot read with O_DIRECT (--direct)", f->path);
	if (f->fd < 0)
		return fail(e, "%s: %s", f->path, strerror(errno));
	f->state = F_ACTIVE;
	return 0;
}

/* Malformed lines and the parent's own mapping */

static void note_bad(struct file *f, uint64_t bad, uint64_t k, uint64_t i, int why)
{
	if (!bad)
		return;
	f->bad += bad;
	if (k < f->bad_k || (k == f->bad_k && i < f->bad_i)) {
		f->bad_k = k;
		f->bad_i = i;
		f->bad_why = why;
	}
}

struct seam_ctx {
	struct engine *e;
	struct file *f;
};

static int seam_line(void *ctx, uint64_t k, const char *line, size_t len)
{
	struct engine *e = ((struct seam_ctx *)ctx)->e;
	struct file *f = ((struct seam_ctx *)ctx)->f;
	struct mapper *m = &e->pm;

	memset(&m->st, 0, sizeof(m->st));
	mapper_set_format(m, f->fmt);
	table_new_source(e->t);
	if (map_line(m, line, len))
		return fail_overflow(e, m->overflow->key, m->overflow->len);
	f->lines[k]++;
	e->st->lines++;
	note_bad(f, m->st.bad, k, 1, m->st.first_bad_why);
	return 0;
}

/* Pool slots */

static void release(struct engine *e, struct chunk *ch)
{
	struct file *f = ch->f;
	ch->at_worker = 0;
	f->held--;
	if (!f->gzip)
		e->plain_held--;
	e->done_bytes += ch->req.got;
	bufpool_put(&e->pool, ch->slot);
}

/* Partitions in the parent (-j 0) */

static int map_inline(struct engine *e, struct chunk *ch)
{
	struct mapper *m = &e->pm;
	const char *p = bufpool_ptr(&e->pool, ch->slot) + ch->part_off;
	double t0 = now_sec();

	memset(&m->st, 0, sizeof(m->st));
	mapper_set_format(m, ch->f->fmt);
	table_new_source(e->t);
	if (map_lines(m, p, ch->part_len))
		return fail_overflow(e, m->overflow->key, m->overflow->len);
	trace_span(e->tr, TRACK_PARENT, "partition", ch->f->path, t0, now_sec(),
		   "\"offset\":%llu,\"bytes\":%zu,\"lines\":%llu",
		   (unsigned long long)(ch->req.off + ch->part_off), ch->part_len,
		   (unsigned long long)m->st.lines);
	ch->f->lines[ch->k] += m->st.lines;
	e->st->lines += m->st.lines;
	note_bad(ch->f, m->st.bad, ch->k, 1 + m->st.first_bad, m->st.first_bad_why);
	e->st->partitions[e->nw]++;
	release(e, ch);
	return 0;
}

/*
 * A failed task: a gzip error at a compressed offset, or a total overflow.
 * A gzip file is skipped with --keep-going (its counts were never merged).
 */
static int task_error(struct engine *e, struct file *f, int err, uint64_t off,
		      const char *detail, size_t len)
{
	const char *kind = f->zip ? "zip" : "gzip";

	switch (err) {
	case WIRE_EGZ_CORRUPT:
		return skip_or_fail(e, f->path, f->gzip, "corrupt %s data near byte %llu", kind,
				    (unsigned long long)off);
	case WIRE_EGZ_TRUNCATED:
		return skip_or_fail(e, f->path, f->gzip, "truncated %s stream (ends at byte %llu)",
				    kind, (unsigned long long)off);
	case WIRE_EGZ_TRAILING:
		return skip_or_fail(e, f->path, f->gzip,
				    "trailing garbage after %s data at byte %llu", kind,
				    (unsigned long long)off);
	case WIRE_EGZ_METHOD:
		return skip_or_fail(e, f->path, f->gzip, "the zip member before byte %llu is "
				    "encrypted or not deflated or stored: it cannot be read",
				    (unsigned long long)off);
	case WIRE_ESPILL:
		return fail_spill(e, f->path, -(int)off);
	case -EOVERFLOW:
		return fail_overflow(e, detail, len);
	case MAP_ECONFLICT:
		return fail(e, "%s: %s", f->path, map_conflict(&e->c->map, f->fmt));
	default:
		return fail(e, "%s: %s", f->path, strerror(-err));
	}
}

/* The parent's gzip stream (-j 0): chunk data, then the end. */
static int gz_inline(struct engine *e, struct file *f, struct chunk *ch)
{
	struct mapper *m = &e->gm;
	const struct ngram *over = NULL;
	int err = e->gz_err, r = 0;

	if (ch) {
		double t0 = now_sec();
		if (!err)
			e->gz_err = gz_feed(&e->gz, bufpool_ptr(&e->pool, ch->slot),
					    ch->req.got, gz_task_sink, &e->gtask);
		trace_span(e->tr, TRACK_PARENT, "inflate+map", f->path, t0, now_sec(),
			   "\"bytes\":%zu", ch->req.got);
		release(e, ch);
		return 0;
	}
	if (!err && !(err = gz_finish(&e->gz)))
		err = map_flush(m);
	f->fmt = m->fmt;
	if (err == -EOVERFLOW)
		over = m->overflow;
	else if (!err)
		err = table_merge(e->t, &e->gt, &over);
	if (err) {
		r = task_error(e, f, err, gz_task_err_off(&e->gtask, err, e->gz.err_off),
			       over ? over->key : NULL, over ? over->len : 0);
	} else if (!(r = adopt(e, f->path, e->gtask.ts.task, e->gtask.ts.runs,
			       e->gtask.ts.bytes))) {
		e->st->lines += m->st.lines;
		e->st->bytes_inflated += e->gz.out_total;
		note_bad(f, m->st.bad, 0, m->st.first_bad, m->st.first_bad_why);
		e->st->partitions[e->nw]++;
		count_format(e, f);
		trace_span(e->tr, TRACK_PARENT, "gzip file", f->path, f->started, now_sec(),
			   "\"inflated\":%llu,\"lines\":%llu",
			   (unsigned long long)e->gz.out_total, (unsigned long long)m->st.lines);
	}
	gz_fini(&e->gz);
	table_reset(&e->gt);
	e->gz_err = 0;
	f->state = F_DONE;
	e->ws[e->nw].gz = NULL;
	return r;
}

/* Send f's chunks that are next in file order to its worker. */
static int deliver_gz(struct engine *e, struct file *f)
{
	int err;

	if (f->worker == UINT_MAX)
		return 0;	/* no worker yet */
	while (f->early && f->early->k == f->next_deliver) {
		struct chunk *ch = f->early;
		f->early = ch->next;
		f->next_deliver++;
		if (f->worker == e->nw) {
			if (gz_inline(e, f, ch))
				return -1;
		} else {
			struct msg m = { .type = MSG_GZ_DATA, .buf = ch->slot,
					 .task = (uint64_t)(f - e->files), .len = ch->req.got };
			ch->at_worker = 1;
			e->ws[f->worker].heard = now_sec();
			e->ws[f->worker].owed++;
			if ((err = pool_send(&e->workers, f->worker, &m)))
				return worker_gone(e, f->worker, err);
		}
	}
	if (f->next_deliver == f->nchunks && f->state == F_ACTIVE && f->fd < 0) {
		f->next_deliver++;	/* the end is sent once */
		if (f->worker == e->nw)
			return gz_inline(e, f, NULL);
		struct msg m = { .type = MSG_GZ_END, .task = (uint64_t)(f - e->files) };
		e->ws[f->worker].heard = now_sec();
		e->ws[f->worker].owed++;
		if ((err = pool_send(&e->workers, f->worker, &m)))
			return worker_gone(e, f->worker, err);
	}
	return 0;
}

/* Completed reads */

static int plain_chunk(struct engine *e, struct chunk *ch)
{
	struct file *f = ch->f;
	const char *buf = bufpool_ptr(&e->pool, ch->slot);
	struct seam_ctx ctx = { e, f };
	struct cut cut;

	partition_cut(buf, ch->req.got, &cut);
	if (partition_join(&f->part, ch->k, buf, ch->req.got, &cut, seam_line, &ctx))
		return -1;
	if (f->part.next == f->nchunks) {
		if (partition_finish(&f->part, seam_line, &ctx))
			return -1;
		f->state = F_DONE;
	}
	if (cut.end == cut.start) {
		release(e, ch);
		return 0;
	}
	ch->part_off = cut.start;
	ch->part_len = cut.end - cut.start;
	ch->next = NULL;
	*e->ready_tail = ch;
	e->ready_tail = &ch->next;
	return 0;
}

static int read_done(struct engine *e, struct chunk *ch)
{
	struct file *f = ch->f;

	if (ch->gen != f->gen) {
		release(e, ch);		/* read for a stream that restarted */
		return 0;
	}
	if (ch->req.res < 0)
		return fail(e, "%s: read error at byte %llu: %s", f->path,
			    (unsigned long long)(ch->req.off + ch->req.got),
			    strerror(-ch->req.res));
	trace_async(e->tr, TRACK_READ, "read", ch->slot, f->path, ch->t_read, ch->req.done,
		    "\"offset\":%llu,\"bytes\":%zu", (unsigned long long)ch->req.off,
		    ch->req.got);
	if (f->stream) {
		f->reading = 0;
		e->st->bytes_total += ch->req.got;
		if (ch->req.got < ch->req.len)
			f->nchunks = ch->k + 1;		/* end of the stream */
	}
	if (!f->typed) {
		f->typed = 1;
		set_container(f, ch->req.buf, ch->req.got);
		if (f->gzip) {
			/* A gzip or zip stream: it waits, like any gzip file, for a worker. */
			f->fmt = e->c->map.format;
			e->plain_held--;
			e->gz_order[e->ngz++] = (unsigned)(f - e->files);
		} else if (typed(e, f, ch->req.buf, ch->req.got)) {
			return -1;
		}
	}
	e->st->bytes_read += ch->req.got;
	if (f->gzip)
		e->st->bytes_gzip += ch->req.got;
	if (++f->chunks_read == f->nchunks) {
		close(f->fd);
		f->fd = -1;
	}
	if (!f->gzip)
		return plain_chunk(e, ch);
	struct chunk **pp = &f->early;
	while (*pp && (*pp)->k < ch->k)
		pp = &(*pp)->next;
	ch->next = *pp;
	*pp = ch;
	return deliver_gz(e, f);
}

/* Starting reads */

/* A stream's per-chunk line counts grow as it is read. */
static void grow_lines(struct file *f, uint64_t n)
{
	if (f->gzip || n <= f->lines_cap)
		return;
	uint64_t cap = n > 2 * f->lines_cap ? n : 2 * f->lines_cap;
	f->lines = xrealloc(f->lines, cap * sizeof(*f->lines));
	memset(f->lines + f->lines_cap, 0, (cap - f->lines_cap) * sizeof(*f->lines));
	f->lines_cap = cap;
}

static struct file *next_plain_file(struct engine *e)
{
	for (unsigned n = 0; n < NGC_PLAIN_ACTIVE; n++) {
		unsigned i = (e->rr + n) % NGC_PLAIN_ACTIVE;
		struct file *f = e->active[i];
		if (f && (f->next_chunk == f->nchunks || f->gzip))
			f = e->active[i] = NULL;	/* read, or a stream that is gzip */
		while (!f && e->next_plain < e->nplain) {
			f = &e->files[e->plain_order[e->next_plain++]];
			if (f->nchunks == 0) {
				f->state = F_DONE;	/* empty: nothing to read */
				f = NULL;
			} else if (open_file(e, f)) {
				return NULL;
			}
			e->active[i] = f;
		}
		if (f && !f->reading) {
			e->rr = i + 1;
			return f;
		}
	}
	return NULL;
}

static struct file *next_read(struct engine *e)
{
	struct file *best = NULL;

	/* The gzip file holding fewest chunks: a worker with none waits. */
	for (unsigned i = 0; i <= e->nw; i++) {
		struct file *f = e->ws[i].gz;
		if (f && f->next_chunk < f->nchunks && f->held < NGC_GZ_HOLD && !f->reading &&
		    (!best || f->held < best->held))
			best = f;
	}
	if (best)
		return best;
	return e->plain_held < e->plain_cap ? next_plain_file(e) : NULL;
}

static int start_reads(struct engine *e)
{
	int started = 0;
	while (e->rd->inflight < e->c->queue_depth && e->pool.nfree) {
		struct file *f = next_read(e);
		if (!f)
			break;
		struct chunk *ch = &e->chunks[bufpool_get(&e->pool)];
		uint64_t off = f->next_chunk * e->pool.size;
		ch->f = f;
		ch->gen = f->gen;
		ch->tries = 0;
		ch->k = f->next_chunk++;
		ch->req = (struct read_req){
			.fd = f->fd,
			.buf = bufpool_ptr(&e->pool, ch->slot),
			.off = off,
			.len = f->stream || f->size - off > e->pool.size ? e->pool.size
									 : f->size - off,
			.stream = f->stream,
			.bulk = !f->stream && !f->gzip,
		};
		ch->req.ask = ch->req.len;
		if (e->c->direct && !f->stream)
			ch->req.ask = (ch->req.len + NGC_DIRECT_ALIGN - 1) &
				      ~(size_t)(NGC_DIRECT_ALIGN - 1);
		ch->t_read = now_sec();
		if (f->stream) {
			f->reading = 1;
			grow_lines(f, ch->k + 2);
		}
		f->held++;
		if (!f->gzip)
			e->plain_held++;
		int err = reader_submit(e->rd, &ch->req);
		if (err)
			return fail(e, "%s: cannot start read: %s", f->path, strerror(-err));
		/*
		 * pread(2) blocks: read one chunk a turn, so the chunk just read
		 * is handed to a worker before the next read, not after 32 more.
		 * So is the only chunk a gzip file holds: its worker has nothing
		 * to inflate until it lands, and a gzip read from the page cache
		 * is copied when it is submitted, with the rest of the batch.
		 */
		started++;
		if (e->rd->event_fd < 0 || (f->gzip && f->held == 1))
			break;
	}
	int err = reader_flush(e->rd);
	if (err)
		return fail(e, "io_uring submit: %s", strerror(-err));
	return started;
}

/* Handing out work */

/*
 * Send worker w its partitions from the i-th on. If the pipe is gone,
 * worker_gone() starts a new worker and sends it every partition held.
 */
static int send_plain(struct engine *e, unsigned w, unsigned i)
{
	struct wstate *ws = &e->ws[w];
	int err;

	for (; i < ws->nplain; i++) {
		const struct chunk *ch = ws->plain[i];
		struct msg m = { .type = MSG_PLAIN, .buf = ch->slot, .task = ch->slot,
				 .off = ch->part_off, .len = ch->part_len,
				 .fmt = (uint16_t)ch->f->fmt };
		ws->heard = now_sec();
		ws->owed++;
		if ((err = pool_send(&e->workers, w, &m)))
			return worker_gone(e, w, err);
	}
	return 0;
}

static int send_gz_begin(struct engine *e, unsigned w, struct file *f)
{
	struct msg m = { .type = MSG_GZ_BEGIN, .task = (uint64_t)(f - e->files),
			 .fmt = (uint16_t)f->fmt };
	int err;
	e->ws[w].heard = now_sec();
	if ((err = pool_send(&e->workers, w, &m)))
		return worker_gone(e, w, err);
	return 0;
}

static int assign_gz(struct engine *e, unsigned w)
{
	struct file *f = &e->files[e->gz_order[e->next_gz++]];

	if (f->fd < 0 && open_file(e, f))
		return -1;
	f->state = F_ACTIVE;
	f->worker = w;
	f->seq = e->next_seq++;
	f->started = now_sec();
	e->ws[w].gz = f;
	if (w == e->nw) {
		gz_task_init(&e->gtask, &e->env, &e->gm, &e->gt, (uint64_t)(f - e->files));
		mapper_reset(&e->gm);
		e->gz_err = mapper_set_format(&e->gm, f->fmt);
		if (gz_init(&e->gz, e->c->inflate))
			return fail(e, "%s: cannot start zlib", f->path);
	} else if (send_gz_begin(e, w, f)) {
		return -1;
	}
	return deliver_gz(e, f);	/* a stream's first chunk is already here */
}

static struct chunk *pop_ready(struct engine *e)
{
	struct chunk *ch = e->ready;
	if (ch && !(e->ready = ch->next))
		e->ready_tail = &e->ready;
	return ch;
}

static int dispatch(struct engine *e)
{
	int n = 0;
	struct chunk *ch;

	if (e->nw == 0) {
		while ((ch = pop_ready(e)) && ++n)
			if (map_inline(e, ch))
				return -1;
		if (!e->ws[0].gz && e->next_gz < e->ngz && ++n)
			return assign_gz(e, 0) ? -1 : n;
		return n;
	}
	/* Idle workers first; then, with no gzip file waiting, a partition ahead. */
	for (unsigned ahead = 0; ahead < NGC_WORKER_AHEAD; ahead++) {
		for (unsigned w = 0; w < e->nw; w++) {
			struct wstate *ws = &e->ws[w];
			if (ws->nplain != ahead || ws->gz)
				continue;
			/* Whole gzip files first: the longest jobs start earliest. */
			if (e->next_gz < e->ngz) {
				if (ahead)
					return n;
				if (assign_gz(e, w))
					return -1;
			} else if ((ch = pop_ready(e))) {
				ch->seq = e->next_seq++;
				ws->plain[ws->nplain++] = ch;
				if (send_plain(e, w, ws->nplain - 1))
					return -1;
			} else {
				return n;
			}
			n++;
		}
	}
	return n;
}

/*
 * Hand out what is ready, start the reads there is room for, and take in
 * the reads done: the progress made (tasks, reads), or -1.
 */
static int pump(struct engine *e)
{
	struct read_req *done[NGC_REAP_BATCH];
	int progress, n;

	if ((progress = dispatch(e)) < 0 || (n = start_reads(e)) < 0)
		return -1;
	progress += n;
	while ((n = (int)reader_reap(e->rd, done, NGC_REAP_BATCH)) > 0) {
		progress += n;
		for (int i = 0; i < n; i++)
			if (read_done(e, (struct chunk *)done[i]))
				return -1;
	}
	return progress;
}

/* Worker replies */

/* Let go of gzip file f's chunks: those at a dead worker and those waiting. */
static void drop_chunks(struct engine *e, struct file *f)
{
	f->gen++;	/* reads still in flight are dropped when they land */
	for (unsigned i = 0; i < e->pool.nslots; i++)
		if (e->chunks[i].f == f && e->chunks[i].at_worker)
			release(e, &e->chunks[i]);
	while (f->early) {
		struct chunk *ch = f->early;
		f->early = ch->next;
		release(e, ch);
	}
}

/* Start gzip file f again from its first byte, for a new worker. */
static int restart_gz(struct engine *e, struct file *f)
{
	drop_chunks(e, f);
	f->next_chunk = f->next_deliver = f->chunks_read = 0;
	if (f->fd < 0)
		return open_file(e, f);
	return 0;
}

/*
 * Worker w is gone (crashed, killed, or timed out): replace it, and run
 * its task once more; a task that has killed two workers fails the run.
 */
static int worker_gone(struct engine *e, unsigned w, int err)
{
	struct wstate *ws = &e->ws[w];
	char why[160];
	long pid = (long)e->workers.w[w].pid;
	unsigned tries;

	if (err != -EPIPE)
		return fail(e, "worker %u: %s", w, strerror(-err));
	pool_describe_exit(&e->workers, w, why, sizeof(why));
	if (ws->timed_out)
		snprintf(why, sizeof(why), "did not answer for %u s (--task-timeout)",
			 e->c->task_timeout);
	ws->timed_out = 0;
	ws->owed = 0;	/* the new worker owes what is sent to it from now on */
	/* The partition it was mapping is charged; one waiting was not begun. */
	tries = ws->nplain ? ++ws->plain[0]->tries : ws->gz ? ++ws->gz->tries : 0;
	const char *how = "failed twice; the last time";
	if (ws->gz && ws->gz->stream) {
		tries = 2;	/* a stream cannot be read again */
		how = "is a stream, which is read only once, and";
	}
	if (tries > 1 && ws->gz && e->c->keep_going) {
		/* --keep-going: the stream is skipped; nothing of it was merged. */
		struct file *f = ws->gz;
		drop_chunks(e, f);
		f->next_chunk = f->nchunks;
		if (f->fd >= 0)
			close(f->fd);
		f->fd = -1;
		f->state = F_DONE;
		ws->gz = NULL;
		skip_or_fail(e, f->path, 1, "%s worker %u (pid %ld) %s", how, w, pid, why);
	} else if (tries > 1) {
		if (ws->nplain)
			return fail(e, "%s: the partition at byte %llu failed twice; the last time "
				    "worker %u (pid %ld) %s", ws->plain[0]->f->path,
				    (unsigned long long)(ws->plain[0]->req.off + ws->plain[0]->part_off),
				    w, pid, why);
		return fail(e, "%s: %s worker %u (pid %ld) %s", ws->gz->path, how, w, pid, why);
	}
	if (!e->st->restarts++)
		snprintf(e->st->restart_note, sizeof(e->st->restart_note),
			 "worker %u (pid %ld) %s", w, pid, why);
	if (ws->gz && restart_gz(e, ws->gz))
		return -1;
	if ((err = pool_respawn(&e->workers, w, worker_main, &e->env)))
		return fail(e, "cannot restart worker %u: %s", w, strerror(-err));
	ws->respawned = 1;
	if (ws->nplain)
		return send_plain(e, w, 0);
	if (ws->gz)
		return send_gz_begin(e, w, ws->gz);
	return 0;
}

/* Kill workers that have not answered for --task-timeout seconds. */
static void check_timeouts(struct engine *e)
{
	double now = now_sec();
	for (unsigned w = 0; w < e->nw; w++) {
		struct wstate *ws = &e->ws[w];
		if (ws->owed && !ws->timed_out && now - ws->heard > e->c->task_timeout) {
			ws->timed_out = 1;
			kill(e->workers.w[w].pid, SIGKILL);	/* its pipe then hangs up */
		}
	}
}

static int merge(struct engine *e, uint64_t seq, const char *payload, size_t len)
{
	const struct ngram *over;
	double t0 = now_sec();
	uint64_t keys;
	int err = reduce_merge(e->t, payload, len, &over, &keys);
	double t1 = now_sec();

	e->st->reduce_keys += keys;
	e->st->reduce_secs += t1 - t0;
	trace_span(e->tr, TRACK_REDUCE, "merge", NULL, t0, t1, "\"task\":%llu,\"keys\":%llu",
		   (unsigned long long)seq, (unsigned long long)keys);
	if (err == -EOVERFLOW)
		return fail_overflow(e, over->key, over->len);
	if (err)
		return fail(e, "a worker sent a malformed result");
	return 0;
}

/*
 * Task seq's result (len 0 for a skipped task) is in. --order completion
 * merges it now; --order submission holds it until every earlier task's
 * result is merged, like asyncio.gather against asyncio.as_completed.
 */
static int complete(struct engine *e, uint64_t seq, const char *payload, size_t len)
{
	struct held *h, **pp;

	if (e->c->order == ORDER_COMPLETION)
		return merge(e, seq, payload, len);
	if (seq != e->merge_seq) {
		h = xmalloc(sizeof(*h) + len);
		h->seq = seq;
		h->len = len;
		if (len)
			memcpy(h->payload, payload, len);
		for (pp = &e->held; *pp && (*pp)->seq < seq; pp = &(*pp)->next)
			;
		h->next = *pp;
		*pp = h;
		return 0;
	}
	if (merge(e, seq, payload, len))
		return -1;
	e->merge_seq++;
	while ((h = e->held) && h->seq == e->merge_seq) {
		int err = merge(e, h->seq, h->payload, h->len);
		e->held = h->next;
		free(h);
		if (err)
			return -1;
		e->merge_seq++;
	}
	return 0;
}

/* Worker w's task as a span on its track, from the worker's own clock. */
static void trace_task(struct engine *e, unsigned w, const struct file *f,
		       const struct reply *r)
{
	const struct chunk *ch = e->ws[w].nplain ? e->ws[w].plain[0] : NULL;

	if (r->err)
		trace_span(e->tr, TRACK_WORKER0 + w, "failed task", f->path, r->t_start,
			   r->t_end, "\"error\":%d", r->err);
	else if (ch)
		trace_span(e->tr, TRACK_WORKER0 + w, "partition", f->path, r->t_start, r->t_end,
			   "\"offset\":%llu,\"bytes\":%zu,\"lines\":%llu",
			   (unsigned long long)(ch->req.off + ch->part_off), ch->part_len,
			   (unsigned long long)r->lines);
	else
		trace_span(e->tr, TRACK_WORKER0 + w, "gzip file", f->path, r->t_start, r->t_end,
			   "\"inflated\":%llu,\"lines\":%llu", (unsigned long long)r->inflated,
			   (unsigned long long)r->lines);
}

static int reply(struct engine *e, unsigned w)
{
	struct wstate *ws = &e->ws[w];
	struct reply r;
	struct file *f;
	uint64_t seq;
	int err = pool_recv(&e->workers, w, &r, &e->payload);

	if (err)
		return worker_gone(e, w, err);
	ws->heard = now_sec();
	ws->owed--;
	if (r.type == MSG_RELEASE) {
		if (r.buf >= e->pool.nslots)
			return fail(e, "worker %u: bad message", w);
		trace_span(e->tr, TRACK_WORKER0 + w, "inflate+map", e->chunks[r.buf].f->path,
			   r.t_start, r.t_end, "\"bytes\":%zu", e->chunks[r.buf].req.got);
		release(e, &e->chunks[r.buf]);
		return 0;
	}
	if (r.type != MSG_RESULT || (!ws->nplain && !ws->gz))
		return fail(e, "worker %u: unexpected message %u", w, r.type);
	f = ws->nplain ? ws->plain[0]->f : ws->gz;
	seq = ws->nplain ? ws->plain[0]->seq : ws->gz->seq;
	if (ws->gz && r.fmt < FMT_COUNT)
		f->fmt = (enum ngc_format)r.fmt;	/* the worker sniffed it */
	trace_task(e, w, f, &r);
	if (r.err) {
		if (task_error(e, f, r.err, r.err_off, e->payload.p, e->payload.len))
			return -1;
		f->state = F_DONE;	/* skipped: the stream was read to its end */
		ws->gz = NULL;
		return complete(e, seq, NULL, 0);
	}
	e->st->lines += r.lines;
	e->st->partitions[w]++;
	if (ws->nplain) {
		struct chunk *ch = ws->plain[0];
		f->lines[ch->k] += r.lines;
		note_bad(f, r.bad, ch->k, 1 + r.first_bad, r.first_bad_why);
		memmove(ws->plain, ws->plain + 1, --ws->nplain * sizeof(*ws->plain));
		release(e, ch);
	} else {
		e->st->bytes_inflated += r.inflated;
		note_bad(f, r.bad, 0, r.first_bad, r.first_bad_why);
		count_format(e, f);
		f->state = F_DONE;
		ws->gz = NULL;
	}
	/*
	 * Hand the worker its next task, and start its reads, first: it maps
	 * while this merges.
	 */
	if (pump(e) < 0 || complete(e, seq, e->payload.p, e->payload.len) ||
	    adopt(e, f->path, (uint64_t)(f - e->files), r.runs, r.run_bytes))
		return -1;
	return 0;
}

/* The loop */

static int finished(struct engine *e)
{
	for (unsigned i = 0; i < e->nfiles; i++)
		if (e->files[i].state != F_DONE)
			return 0;
	return e->pool.nfree == e->pool.nslots;
}

/* Write the final table out as a run and empty it. */
static int spill_out(struct engine *e)
{
	int err;

	if ((err = spill_table(e->sp, e->t, SPILL_BY_KEY)))
		return fail(e, "spilling to %s: %s", e->c->tmpdir, strerror(-err));
	/* Give the memory back (table_reset would keep it for reuse). */
	table_fini(e->t);
	table_init(e->t);
	mapper_forget(&e->pm);	/* its remembered entry was in the table */
	return 0;
}

/* The final table past its budget goes out as a run. */
static int spill_check(struct engine *e)
{
	return table_bytes(e->t) > e->st->table_budget ? spill_out(e) : 0;
}

static int turn(struct engine *e)
{
	struct pollfd *pfd = e->pfd;
	int progress;
	unsigned nfd = 0;

	if ((progress = pump(e)) < 0)
		return -1;
	if (finished(e))
		return 0;
	if (e->rd->event_fd >= 0 && e->rd->inflight)
		pfd[nfd++] = (struct pollfd){ .fd = e->rd->event_fd, .events = POLLIN };
	for (unsigned w = 0; w < e->nw; w++) {
		e->ws[w].respawned = 0;
		pfd[nfd++] = (struct pollfd){ .fd = e->workers.w[w].from, .events = POLLIN };
	}
	if (!nfd && !progress)
		return fail(e, "internal error: the run stalled");
	if (poll(pfd, nfd, progress ? 0 : NGC_POLL_MS) < 0 && errno != EINTR)
		return fail(e, "poll: %s", strerror(errno));
	if (ngc_stop)
		return fail(e, "interrupted by signal %d", (int)ngc_stop);
	if (e->c->task_timeout)
		check_timeouts(e);
	for (unsigned i = 0; i < nfd; i++) {
		if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) ||
		    pfd[i].fd == e->rd->event_fd)
			continue;
		unsigned w = i - (nfd - e->nw);
		/* A reply that started a worker in another's place: wait for it. */
		if (!e->ws[w].respawned && reply(e, w))
			return -1;
	}
	progress_update(&e->prog, e->done_bytes, e->st->bytes_total);
	return spill_check(e) ? -1 : 1;
}

/* Gzip or zip files, or streams that may be: tasks whose tables can be large. */
static int has_tasks(const struct engine *e)
{
	for (unsigned i = 0; i < e->nfiles; i++)
		if (e->files[i].gzip || e->files[i].stream)
			return 1;
	return 0;
}

long engine_pool_slots(const struct config *c, unsigned *least)
{
	unsigned lanes = c->workers ? c->workers : 1;
	unsigned long want = c->queue_depth + lanes * (NGC_GZ_HOLD + 1);
	unsigned long budget = c->buffer_memory / c->partition_size;

	/* Each lane's gzip reserve, and one slot for plain files. */
	*least = lanes * NGC_GZ_HOLD + 1;
	if (budget < *least)
		return -1;
	return (long)(want < budget ? want : budget);
}

static int setup(struct engine *e)
{
	const struct config *c = e->c;
	unsigned lanes = e->nw ? e->nw : 1, least;
	long slots = engine_pool_slots(c, &least);
	unsigned nslots = slots > 0 ? (unsigned)slots : least;
	int err;

	e->plain_cap = nslots - lanes * NGC_GZ_HOLD;
	e->st->slots = nslots;
	e->st->table_budget = c->memory > (size_t)nslots * c->partition_size
				      ? c->memory - (size_t)nslots * c->partition_size : 0;
	e->env = (struct worker_env){ .pool = &e->pool, .inflate = c->inflate, .map = &c->map };
	if (has_tasks(e)) {
		/*
		 * A gzip task's table lives in its worker until the stream ends:
		 * the final table gets half the budget, the lanes share the rest.
		 */
		e->st->task_budget = e->st->table_budget / 2 / lanes;
		e->st->table_budget -= e->st->task_budget * lanes;
		if ((err = spill_mkdir(e->sp)))
			e->env.spill_err = err;	/* told only if a task must spill */
		e->env.spill_dir = e->sp->dir;
		e->env.spill_parts = e->sp->parts;
		e->env.task_budget = e->st->task_budget;
	}
	if ((err = bufpool_init(&e->pool, nslots, c->partition_size)))
		return fail(e, "cannot map %u buffers of %zu bytes: %s", nslots,
			    c->partition_size, strerror(-err));
	e->chunks = xcalloc(nslots, sizeof(*e->chunks));
	for (unsigned i = 0; i < nslots; i++)
		e->chunks[i].slot = i;
	/* Fork before the ring and the input files exist: workers hold neither. */
	if (e->nw && (err = pool_start(&e->workers, e->nw, worker_main, &e->env)))
		return fail(e, "cannot start workers: %s", strerror(-err));
	reader_new(&e->rd, c->io, c->queue_depth, &e->st->io_fallback);
	e->st->io = e->rd->ops->name;
	if (e->rd->event_fd >= 0)
		trace_track(e->tr, TRACK_READ, "reads: io_uring, queue depth %u%s",
			    c->queue_depth, c->direct ? ", O_DIRECT" : "");
	else
		trace_track(e->tr, TRACK_READ, "reads: pread%s", c->direct ? ", O_DIRECT" : "");
	if (!e->nw)
		trace_track(e->tr, TRACK_PARENT, "parent: map (-j 0)");
	for (unsigned w = 0; w < e->nw; w++)
		trace_track(e->tr, TRACK_WORKER0 + w, "worker %u", w);
	trace_track(e->tr, TRACK_REDUCE, "reduce (%s order)",
		    c->order == ORDER_SUBMISSION ? "submission" : "completion");
	trace_track(e->tr, TRACK_OUTPUT, "output");
	return 0;
}

int engine_run(const struct config *c, struct table *t, struct spill *sp, struct trace *tr,
	       struct run_stats *st, char *err, size_t errsize)
{
	struct engine e = {
		.c = c, .st = st, .t = t, .sp = sp, .tr = tr, .err = err, .errsize = errsize,
		.nw = c->workers,
	};
	int r;

	memset(st, 0, sizeof(*st));
	e.ready_tail = &e.ready;
	e.ws = xcalloc(e.nw + 1, sizeof(*e.ws));
	e.pfd = xcalloc(e.nw + 1, sizeof(*e.pfd));
	st->workers = e.nw;
	st->partitions = xcalloc(e.nw + 1, sizeof(*st->partitions));
	mapper_init(&e.pm, t);
	mapper_set_opts(&e.pm, &c->map);
	table_init(&e.gt);
	mapper_init(&e.gm, &e.gt);
	mapper_set_opts(&e.gm, &c->map);
	e.sniff = xmalloc(NGC_SNIFF_BYTES);
	progress_init(&e.prog, c->progress ? stderr : NULL);

	ngc_doing = "parent listing the inputs";
	if (!list_inputs(&e) && !setup(&e)) {
		ngc_doing = "parent reading, joining lines and reducing results";
		while ((r = turn(&e)) > 0)
			;
	}
	progress_end(&e.prog);

	if (e.workers.w) {
		if (e.failed)
			pool_kill(&e.workers);
		else if (pool_stop(&e.workers))
			fail(&e, "a worker did not exit cleanly");
	}
	if (e.rd) {
		st->sqes = e.rd->st.sqes;
		st->submits = e.rd->st.submits;
	}
	reader_free(e.rd);	/* before the pool: in-flight reads write into it */
	if (e.ws[e.nw].gz)
		gz_fini(&e.gz);
	bufpool_fini(&e.pool);
	for (unsigned i = 0; i < e.nfiles; i++) {
		struct file *f = &e.files[i];
		if (f->bad && !st->bad_path) {
			uint64_t line = f->bad_i;
			for (uint64_t k = 0; !f->gzip && k < f->bad_k; k++)
				line += f->lines[k];
			st->bad_path = xstrdup(f->path);
			st->bad_line = line;
			st->bad_why = f->bad_why;
		}
		st->bad += f->bad;
		if (f->fd >= 0)
			close(f->fd);
		partition_fini(&f->part);
		free(f->lines);
		free(f->path);
	}
	free(e.files);
	free(e.sniff);
	free(e.gz_order);
	free(e.plain_order);
	free(e.chunks);
	free(e.ws);
	free(e.pfd);
	while (e.held) {
		struct held *h = e.held;
		e.held = h->next;
		free(h);
	}
	free(e.payload.p);
	mapper_fini(&e.pm);
	mapper_fini(&e.gm);
	table_fini(&e.gt);
	/* Spilled once: the rest joins the runs, so the output reads only them. */
	if (!e.failed && sp->spills && t->count)
		spill_out(&e);
	return e.failed ? -1 : 0;
}

void run_stats_fini(struct run_stats *st)
{
	for (unsigned i = 0; i < st->nskipped; i++)
		free(st->skipped[i]);
	free(st->skipped);
	st->skipped = NULL;
	st->nskipped = 0;
	free(st->duplicate_path);
	st->duplicate_path = NULL;
	free(st->passed_over_path);
	st->passed_over_path = NULL;
	free(st->bad_path);
	free(st->partitions);
	st->bad_path = NULL;
	st->partitions = NULL;
}
