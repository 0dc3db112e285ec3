/*
 * chunks.c - the pool's slots: reads started into free slots (gzip streams
 * first, then up to NGC_PLAIN_ACTIVE plain files in turn), and reads that
 * landed: a plain chunk cut into a partition for the workers, its edge
 * lines joined and mapped here in file order; a gzip chunk queued in file
 * order for its lane.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_int.h"
#include "ngramcount/trace.h"
#include "ngramcount/util.h"

struct seam_ctx {
	struct engine *e;
	struct file *f;
};

void chunks_note_bad(struct file *f, uint64_t bad, uint64_t k, uint64_t i, int why)
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

static int seam_line(void *ctx, uint64_t k, const char *line, size_t len)
{
	struct engine *e = ((struct seam_ctx *)ctx)->e;
	struct file *f = ((struct seam_ctx *)ctx)->f;
	struct mapper *m = &e->pm;

	memset(&m->st, 0, sizeof(m->st));
	mapper_set_format(m, f->fmt);
	table_new_source(e->t);
	if (map_line(m, line, len))
		return engine_fail_overflow(e, m->overflow->key, m->overflow->len);
	f->lines[k]++;
	e->st->lines++;
	e->st->seam_lines++;
	chunks_note_bad(f, m->st.bad, k, 1, m->st.first_bad_why);
	return 0;
}

void chunks_release(struct engine *e, struct chunk *ch)
{
	struct file *f = ch->f;
	ch->at_worker = 0;
	f->held--;
	if (!f->gzip)
		e->plain_held--;
	e->done_bytes += ch->req.got;
	bufpool_put(&e->pool, ch->slot);
}

static int plain_chunk(struct engine *e, struct chunk *ch)
{
	struct file *f = ch->f;
	const char *buf = bufpool_ptr(&e->pool, ch->slot);
	struct seam_ctx ctx = { e, f };
	struct cut cut;

	partition_cut(buf, ch->req.got, &cut);
	int r = partition_join(&f->part, ch->k, buf, ch->req.got, &cut, seam_line, &ctx);
	if (r == NGC_ELONG)
		return engine_fail(e, "%s: a line before byte %llu is longer than %zu bytes, a "
				   "quarter of --memory", f->path,
				   (unsigned long long)(ch->req.off + ch->req.got),
				   map_line_max(&e->c->map));
	if (r)
		return -1;
	if (f->part.next == f->nchunks) {
		if (partition_finish(&f->part, seam_line, &ctx))
			return -1;
		f->state = F_DONE;
	}
	if (cut.end == cut.start) {
		chunks_release(e, ch);
		return 0;
	}
	ch->part_off = cut.start;
	ch->part_len = cut.end - cut.start;
	ch->next = NULL;
	*e->ready_tail = ch;
	e->ready_tail = &ch->next;
	return 0;
}

/*
 * URL f's download failed for good at chunk ch. A gzip file's stream ends
 * there: its worker finds it truncated, and engine_task_error names the
 * download's error (skipped with --keep-going: nothing of it was merged).
 * A plain one is skipped only if no partition of it was cut yet.
 */
static int url_failed(struct engine *e, struct chunk *ch)
{
	struct file *f = ch->f;
	const char *why = fetch_error(e->fx, f->xfer);

	f->net_failed = 1;
	f->reading = 0;
	chunks_release(e, ch);
	if (f->gzip && e->c->keep_going) {
		f->nchunks = ch->k;
		return lanes_deliver_gz(e, f);
	}
	if (engine_skip_or_fail(e, f->path, !f->gzip && ch->k == 0, "%s", why))
		return -1;
	f->nchunks = f->next_chunk = 0;
	f->state = F_DONE;
	return 0;
}

int chunks_read_done(struct engine *e, struct chunk *ch)
{
	struct file *f = ch->f;

	if (ch->gen != f->gen) {
		chunks_release(e, ch);		/* read for a stream that restarted */
		return 0;
	}
	if (ch->req.res < 0 && f->url)
		return url_failed(e, ch);
	if (ch->req.res < 0)
		return engine_fail(e, "%s: read error at byte %llu: %s", f->path,
				   (unsigned long long)(ch->req.off + ch->req.got),
				   strerror(-ch->req.res));
	trace_async(e->tr, TRACK_READ, "read", ch->slot, f->path, ch->t_read, ch->req.done,
		    "\"offset\":%llu,\"bytes\":%zu", (unsigned long long)ch->req.off,
		    ch->req.got);
	if (f->stream)
		f->reading = 0;
	if (!f->sized) {
		e->st->bytes_total += ch->req.got;
		if (ch->req.got < ch->req.len)
			f->nchunks = ch->k + 1;		/* end of the stream */
	} else if (ch->req.got < ch->req.len) {
		return engine_fail(e, "%s: the file shrank while it was read (end of file at "
				   "byte %llu of %llu)", f->path,
				   (unsigned long long)(ch->req.off + ch->req.got),
				   (unsigned long long)f->size);
	}
	if (!f->typed) {
		f->typed = 1;
		inputs_set_container(f, ch->req.buf, ch->req.got);
		if (f->gzip) {
			/* A gzip or zip stream: it waits, like any gzip file, for a worker. */
			f->fmt = e->c->map.format;
			e->plain_held--;
			e->gz_order[e->ngz++] = (unsigned)(f - e->files);
		} else {
			/* A stream is typed by its first chunk: there is no more to ask. */
			struct sniff_note note;
			enum ngc_format fmt = format_sniff(ch->req.buf, ch->req.got, 1, &note);
			if (inputs_typed(e, f, fmt, &note))
				return -1;
		}
	}
	e->st->bytes_read += ch->req.got;
	if (f->gzip)
		e->st->bytes_gzip += ch->req.got;
	if (++f->chunks_read == f->nchunks && f->fd >= 0) {
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
	return lanes_deliver_gz(e, f);
}

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
			} else if (inputs_open(e, f)) {
				return NULL;
			}
			e->active[i] = f;
		}
		/* A URL's read only when it can start: waiting, it would hold a slot. */
		if (f && !f->reading && (!f->url || fetch_ready(e->fx, f->xfer))) {
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

int chunks_start_reads(struct engine *e)
{
	int started = 0;
	while (e->rd->inflight < e->c->queue_depth && e->pool.nfree) {
		struct file *f = next_read(e);
		if (!f && e->failed)
			return -1;	/* a file could not be opened */
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
			.len = !f->sized || f->size - off > e->pool.size ? e->pool.size
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
		int err = f->url ? fetch_submit(e->fx, f->xfer, &ch->req)
				 : reader_submit(e->rd, &ch->req);
		if (err)
			return engine_fail(e, "%s: cannot start read: %s", f->path, strerror(-err));
		/*
		 * pread(2) blocks: read one chunk a turn, so the chunk just read
		 * is handed to a worker before the next read, not after 32 more.
		 * So is the only chunk a gzip file holds: its worker has nothing
		 * to inflate until it lands, and a gzip read from the page cache
		 * is copied when it is submitted, with the rest of the batch.
		 */
		started++;
		if ((e->rd->event_fd < 0 && !f->url) || (f->gzip && f->held == 1))
			break;
	}
	int err = reader_flush(e->rd);
	if (err)
		return engine_fail(e, "io_uring submit: %s", strerror(-err));
	return started;
}

struct chunk *chunks_pop_ready(struct engine *e)
{
	struct chunk *ch = e->ready;
	if (ch && !(e->ready = ch->next))
		e->ready_tail = &e->ready;
	return ch;
}
