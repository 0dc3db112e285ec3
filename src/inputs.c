/*
 * inputs.c - the engine's inputs: argv -> files. Folders are listed, each
 * file typed (gzip, zip or plain, and its format from its first lines,
 * inflated for a compressed one), text among ngram files set apart, gzip
 * files put largest first (LPT), and files named twice noticed. Files are
 * opened for reading only when their turn comes.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "engine_int.h"
#include "ngramcount/corpus.h"
#include "ngramcount/format.h"
#include "ngramcount/util.h"

/* Count f's format; note it if this run does not count it (map_skips). */
int inputs_count_format(struct engine *e, struct file *f)
{
	if (f->counted)
		return map_skips(&e->c->map, f->fmt);
	f->counted = 1;
	e->st->formats[f->fmt]++;
	if (!map_skips(&e->c->map, f->fmt))
		return 0;
	if (!e->st->passed_over++)
		e->st->passed_over_path = xstrdup(f->path);
	return 1;
}

/* gzip, zip or plain, from the file's first bytes. */
void inputs_set_container(struct file *f, const void *buf, size_t n)
{
	enum gz_container c = gz_container(buf, n);
	f->gzip = c != GZC_NONE;
	f->zip = c == GZC_ZIP;
}

void inputs_doubt(struct engine *e, const struct file *f, const struct sniff_note *note)
{
	struct run_stats *st = e->st;
	char msg[512];

	if (note->lines < 4 || note->other * 4 <= note->lines || st->doubts++)
		return;
	snprintf(msg, sizeof(msg), "%s: read as %s, though %u of its first %u data lines are "
		 "not %s lines (--format to say)", f->path, format_name(f->fmt), note->other,
		 note->lines, format_name(f->fmt));
	st->doubt = xstrdup(msg);
}

int inputs_typed(struct engine *e, struct file *f, enum ngc_format sniffed,
		 const struct sniff_note *note)
{
	const struct map_opts *o = &e->c->map;
	const char *why;

	f->fmt = o->format != FMT_AUTO ? o->format : sniffed;
	if (o->format == FMT_AUTO)
		inputs_doubt(e, f, note);
	if ((why = map_conflict(o, f->fmt)))
		return engine_fail(e, "%s: %s", f->path, why);
	if (inputs_count_format(e, f) && (!f->stream || f->url))
		f->nchunks = 0;		/* passed over: not even read */
	return 0;
}

/*
 * A plain file's format, from its first bytes read into e->sniff (have of
 * them there already), more read in format_sniff's stages as it asks.
 * Returns the format, or FMT_AUTO with errno set after a read error.
 */
static enum ngc_format sniff_file(struct engine *e, int fd, uint64_t size, size_t have,
				  struct sniff_note *note)
{
	enum ngc_format fmt;

	while ((fmt = format_sniff(e->sniff, have, have >= size, note)) == FMT_AUTO) {
		size_t want = have * 16 < NGC_SNIFF_MAX ? have * 16 : NGC_SNIFF_MAX;
		ssize_t n;
		if (want > e->sniff_cap) {
			e->sniff_cap = want;
			e->sniff = xrealloc(e->sniff, want);
		}
		if ((n = pread(fd, e->sniff + have, want - have, (off_t)have)) < 0)
			return FMT_AUTO;
		if (n == 0)
			size = have;	/* it shrank: what is here is all */
		have += (size_t)n;
	}
	return fmt;
}

#define NGC_SNIFF_SLICE	4096	/* compressed bytes inflated between sniffs */

struct held_text {
	struct engine *e;
	size_t len;
};

/* A gz_sink: inflated text into e->sniff, as much as a sniff can ask for. */
static int hold_text(void *ctx, const char *buf, size_t len)
{
	struct held_text *h = ctx;
	struct engine *e = h->e;
	if (len > NGC_SNIFF_MAX - h->len)
		len = NGC_SNIFF_MAX - h->len;
	if (h->len + len > e->sniff_cap) {
		e->sniff_cap = h->len + len > 2 * e->sniff_cap ? h->len + len : 2 * e->sniff_cap;
		e->sniff = xrealloc(e->sniff, e->sniff_cap);
	}
	memcpy(e->sniff + h->len, buf, len);
	h->len += len;
	return h->len == NGC_SNIFF_MAX;	/* enough: stop inflating */
}

/*
 * A compressed file's format, from its first lines inflated here, so the
 * run knows every file's before it counts any: read from fd, or from head
 * (a URL's first size bytes) when fd is -1. FMT_AUTO when its start
 * cannot be inflated: its worker then meets (and names) the error.
 */
static enum ngc_format sniff_compressed(struct engine *e, int fd, const char *head,
					uint64_t size, struct sniff_note *note)
{
	struct held_text h = { e, 0 };
	enum ngc_format fmt = FMT_AUTO;
	char in[NGC_SNIFF_SLICE];
	uint64_t off = 0;
	ssize_t n;

	/* One inflater for every file listed: its buffers are made once. */
	if (!e->lgz_ready && gz_init(&e->lgz, e->c->inflate))
		return FMT_AUTO;
	e->lgz_ready = 1;
	gz_restart(&e->lgz);
	/* A slice at a time: most files tell from their first few KiB. */
	while (fmt == FMT_AUTO) {
		n = fd >= 0 ? pread(fd, in, sizeof(in), (off_t)off)
			    : (ssize_t)(size - off < sizeof(in) ? size - off : sizeof(in));
		if (n <= 0)
			break;
		int r = gz_feed(&e->lgz, fd >= 0 ? in : head + off, (size_t)n, hold_text, &h);
		if (r < 0)
			break;	/* corrupt: the worker will say */
		off += (uint64_t)n;
		fmt = format_sniff(e->sniff, h.len, r || off >= size, note);
	}
	return fmt;
}

/* The reads (partitions) of a file of size bytes. */
static uint64_t chunks_of(const struct engine *e, uint64_t size)
{
	return (size + e->c->partition_size - 1) / e->c->partition_size;
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
		return engine_skip_or_fail(e, path, 1, "%s", strerror(errno));
	/*
	 * A pipe holds 64 KiB by default: a read (and a wakeup of the writer)
	 * each 64 KiB. A larger one, where the system allows, moves more a turn.
	 */
	if (S_ISFIFO(sb.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, NGC_RESULT_PIPE);
	f = new_file(e, path, &sb);
	f->fd = fd;
	f->stream = 1;
	f->nchunks = UINT64_MAX;	/* until the read that comes back short */
	return 0;
}

static int add_file(struct engine *e, const char *path, int from_dir)
{
	struct stat sb;
	struct file *f;
	ssize_t n;
	int fd;

	if (stat(path, &sb) == 0 && S_ISFIFO(sb.st_mode)) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return engine_skip_or_fail(e, path, 1, "%s", strerror(errno));
		return add_stream(e, path, fd);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return engine_skip_or_fail(e, path, 1, "%s", strerror(errno));
	if (fstat(fd, &sb) < 0 || (n = pread(fd, e->sniff, NGC_SNIFF_BYTES, 0)) < 0) {
		int err = errno;
		close(fd);
		return engine_skip_or_fail(e, path, 1, "%s", strerror(err));
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return engine_skip_or_fail(e, path, 1, "not a regular file");
	}
	f = new_file(e, path, &sb);
	f->from_dir = from_dir;
	f->sized = 1;
	f->size = (uint64_t)sb.st_size;
	f->nchunks = chunks_of(e, f->size);
	inputs_set_container(f, e->sniff, (size_t)n);
	f->typed = 1;
	e->st->bytes_total += f->size;
	struct sniff_note note = { 0 };
	if (f->gzip) {
		f->fmt = e->c->map.format != FMT_AUTO ? e->c->map.format
						      : sniff_compressed(e, fd, NULL, f->size, &note);
		close(fd);
		/* Not inflatable here: its worker sniffs it and names the error. */
		return f->fmt == FMT_AUTO ? 0 : inputs_typed(e, f, f->fmt, &note);
	}
	enum ngc_format fmt = e->c->map.format != FMT_AUTO ? FMT_AUTO
			    : sniff_file(e, fd, f->size, (size_t)n, &note);
	int err = errno;
	close(fd);
	if (e->c->map.format == FMT_AUTO && fmt == FMT_AUTO)
		return engine_skip_or_fail(e, path, 1, "%s", strerror(err));
	return inputs_typed(e, f, fmt, &note);
}

/* What a URL's probe said, typed: kept until the URL takes its turn in the listing. */
struct url_probe {
	uint64_t size;
	enum gz_container container;
	enum ngc_format fmt;
	struct sniff_note note;
	long http;
	char *err;		/* why it failed; owned, or NULL */
	char *cached;		/* its whole copy in --cache; owned, or NULL */
	int done;		/* probed (the probes stop at a failure) */
};

struct probes {
	struct engine *e;
	struct url_probe *p;	/* [n]: the URL inputs' */
	char **urls;
	unsigned n;
};

/* A 404 for a file the catalog knows may be absent: a note, not a failure. */
static int absent_allowed(const char *url, const struct url_probe *up)
{
	return up->err && up->http == 404 && corpus_may_be_missing(url);
}

static int on_probe(void *ctx, unsigned i, const struct fetch_probe *fp)
{
	struct engine *e = ((struct probes *)ctx)->e;
	struct url_probe *up = &((struct probes *)ctx)->p[i];

	up->done = 1;
	up->size = fp->size;
	up->http = fp->http;
	if (fp->cached || fp->err) {
		up->cached = fp->cached ? xstrdup(fp->cached) : NULL;
		up->err = fp->err ? xstrdup(fp->err) : NULL;
		/* Stop: the run fails at this URL (a dead network is not retried 19,423 times). */
		return up->err && !e->c->keep_going &&
		       !absent_allowed(((struct probes *)ctx)->urls[i], up);
	}
	up->container = gz_container(fp->head, fp->nhead);
	if (e->c->map.format != FMT_AUTO)
		up->fmt = e->c->map.format;
	else if (up->container != GZC_NONE)
		up->fmt = sniff_compressed(e, -1, fp->head, fp->nhead, &up->note);
	else	/* as a stream's first chunk: all there is to go by */
		up->fmt = format_sniff(fp->head, fp->nhead, 1, &up->note);
	return 0;
}

/* An identity for a URL (find_duplicates): the same URL twice is a duplicate. */
static ino_t url_identity(const char *url)
{
	uint64_t h = 1469598103934665603ull;
	while (*url)
		h = (h ^ (unsigned char)*url++) * 1099511628211ull;
	return (ino_t)h;
}

/* A URL input, probed: read from the cache, skipped, or listed to be downloaded. */
static int add_url(struct engine *e, const char *url, const struct url_probe *up)
{
	struct stat sb = { .st_dev = (dev_t)-1, .st_ino = url_identity(url) };
	struct file *f;

	if (!up->done)
		return 0;	/* not probed: the probes stopped at a URL that fails the run */
	if (up->cached)
		return add_file(e, up->cached, 0);
	if (absent_allowed(url, up)) {
		if (!e->st->missing++)
			e->st->missing_path = xstrdup(url);
		return 0;
	}
	if (up->err)
		return engine_skip_or_fail(e, url, 1, "%s", up->err);
	f = new_file(e, url, &sb);
	f->url = f->stream = f->typed = 1;
	f->sized = up->size != NGC_FETCH_UNKNOWN;
	f->size = f->sized ? up->size : 0;
	f->nchunks = f->sized ? chunks_of(e, f->size) : UINT64_MAX;
	f->gzip = up->container != GZC_NONE;
	f->zip = up->container == GZC_ZIP;
	f->xfer = fetch_add(e->fx, url, up->size, !f->gzip);
	e->st->bytes_total += f->size;
	if (f->gzip && up->fmt == FMT_AUTO)
		return 0;	/* its worker sniffs it, or names the error */
	return inputs_typed(e, f, up->fmt, &up->note);
}

/*
 * Probe every URL input at once (--connections at a time): its size and
 * type are known before anything is counted, and a missing one fails the
 * run (or is skipped) before it starts.
 */
static int probe_urls(struct engine *e, struct probes *pr)
{
	const struct config *c = e->c;
	char **urls = xmalloc(((size_t)c->ninputs + 1) * sizeof(*urls));
	unsigned n = 0;
	int err;

	for (int i = 0; i < c->ninputs; i++)
		if (fetch_is_url(c->inputs[i]))
			urls[n++] = c->inputs[i];
	pr->p = n ? xcalloc(n, sizeof(*pr->p)) : NULL;
	pr->urls = urls;
	pr->n = n;
	if (n && (err = fetch_new(&e->fx, &(struct fetch_opts){
			.connections = c->connections, .retries = c->retries,
			.stall_timeout = c->stall_timeout, .cache = c->cache })))
		return engine_fail(e, "cannot start downloads: %s", strerror(-err));
	err = n ? fetch_probe(e->fx, urls, n, on_probe, pr) : 0;
	free(urls);
	pr->urls = NULL;
	if (err == 1)
		return 0;	/* stopped at a failure: the listing names it */
	if (err == -EINTR)
		return engine_fail(e, "interrupted by signal %d", (int)ngc_stop);
	if (err)
		return engine_fail(e, "downloads: %s", strerror(-err));
	return 0;
}

/*
 * A folder: its files and, recursively, its folders', in name order, as
 * grep -r reads them. Names starting with '.' are passed over, and so are
 * symbolic links to folders (no loop can form); links to files are read.
 */
static int add_dir(struct engine *e, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), r = 0;

	if (n < 0)
		return engine_skip_or_fail(e, dir, 1, "%s", strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct stat sb, lsb;
		if (!r && name[0] != '.') {
			size_t size = strlen(dir) + strlen(name) + 2;
			char *path = xmalloc(size);
			snprintf(path, size, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
				 name);
			int found = stat(path, &sb) == 0;
			if (found && S_ISREG(sb.st_mode))
				r = add_file(e, path, 1);
			else if (found && S_ISDIR(sb.st_mode) && lstat(path, &lsb) == 0 &&
				 S_ISDIR(lsb.st_mode))
				r = add_dir(e, path);
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

/*
 * Text among ngram files (a README beside the dump, say): in a folder it is
 * passed over and named; named on the command line, it is an error. A
 * stream's format is not known yet: it is counted as it is.
 */
static int text_among_ngrams(struct engine *e)
{
	struct run_stats *st = e->st;
	int ngrams = 0;

	if (e->c->map.format != FMT_AUTO)
		return 0;
	for (unsigned i = 0; i < e->nfiles; i++)
		ngrams |= (e->files[i].fmt >= FMT_V1 && e->files[i].fmt <= FMT_V3) ||
			  e->files[i].fmt == FMT_TOTALS;
	for (unsigned i = 0; ngrams && i < e->nfiles; i++) {
		struct file *f = &e->files[i];
		if (f->fmt != FMT_TEXT || (f->stream && !f->url))
			continue;
		if (!f->from_dir)
			return engine_fail(e, "%s: text among ngram files (--format text counts "
					   "its words)", f->path);
		if (!st->text_passed++)
			st->text_passed_path = xstrdup(f->path);
		f->nchunks = 0;		/* passed over: not even read */
	}
	return 0;
}

int inputs_list(struct engine *e)
{
	struct probes pr = { .e = e };
	unsigned nurl = 0;
	int r = probe_urls(e, &pr);

	for (int i = 0; !r && i < e->c->ninputs; i++) {
		const char *path = e->c->inputs[i];
		struct stat sb;
		if (fetch_is_url(path))
			r = add_url(e, path, &pr.p[nurl++]);
		else if (!strcmp(path, "-"))
			r = add_stream(e, "-", STDIN_FILENO);
		else if (stat(path, &sb) < 0)
			r = engine_skip_or_fail(e, path, 1, "%s", strerror(errno));
		else
			r = S_ISDIR(sb.st_mode) ? add_dir(e, path) : add_file(e, path, 0);
	}
	e->st->urls = nurl;
	for (unsigned i = 0; i < pr.n; i++) {
		free(pr.p[i].err);
		free(pr.p[i].cached);
	}
	free(pr.p);
	if (r || text_among_ngrams(e))
		return -1;
	e->gz_order = xmalloc((e->nfiles + 1) * sizeof(unsigned));
	e->plain_order = xmalloc((e->nfiles + 1) * sizeof(unsigned));
	for (unsigned i = 0; i < e->nfiles; i++) {
		struct file *f = &e->files[i];
		if (f->gzip) {
			if (f->nchunks)
				e->gz_order[e->ngz++] = i;
			else
				f->state = F_DONE;	/* passed over: not even read */
		} else {
			/* Streams start here too, until their first chunk says gzip. */
			e->plain_order[e->nplain++] = i;
			partition_init(&f->part);
			f->part.line_max = map_line_max(&e->c->map);
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

int inputs_open(struct engine *e, struct file *f)
{
	if (f->stream) {	/* opened when listed (or a URL: fetched) */
		f->state = F_ACTIVE;
		return 0;
	}
	f->fd = open(f->path, O_RDONLY | O_CLOEXEC | (e->c->direct ? O_DIRECT : 0));
	if (f->fd < 0 && e->c->direct && errno == EINVAL)
		return engine_fail(e, "%s: this file system cannot read with O_DIRECT (--direct)",
				   f->path);
	if (f->fd < 0)
		return engine_fail(e, "%s: %s", f->path, strerror(errno));
	f->state = F_ACTIVE;
	return 0;
}

void inputs_fini(struct engine *e)
{
	for (unsigned i = 0; i < e->nfiles; i++) {
		struct file *f = &e->files[i];
		if (f->fd >= 0)
			close(f->fd);
		partition_fini(&f->part);
		free(f->lines);
		free(f->path);
	}
	if (e->lgz_ready)
		gz_fini(&e->lgz);
	e->lgz_ready = 0;
	free(e->files);
	free(e->gz_order);
	free(e->plain_order);
	e->files = NULL;
	e->gz_order = e->plain_order = NULL;
	e->nfiles = 0;
}
