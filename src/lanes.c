/*
 * lanes.c - the worker lanes: partitions and gzip streams handed to idle
 * workers, their replies taken, a worker that died or timed out replaced
 * and its task run again (at most twice).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "engine_int.h"
#include "ngramcount/trace.h"
#include "ngramcount/util.h"

static int worker_gone(struct engine *e, unsigned w, int err);

/*
 * Send m to worker w, which answers it if owes. If the pipe is gone,
 * worker_gone() starts a new worker and sends it the task again.
 */
static int send(struct engine *e, unsigned w, const struct msg *m, int owes)
{
	int err;

	e->ws[w].heard = now_sec();
	e->ws[w].owed += owes;
	if ((err = pool_send(&e->workers, w, m)))
		return worker_gone(e, w, err);
	return 0;
}

/* Send worker w its partitions from the i-th on. */
static int send_plain(struct engine *e, unsigned w, unsigned i)
{
	struct wstate *ws = &e->ws[w];

	for (; i < ws->nplain; i++) {
		const struct chunk *ch = ws->plain[i];
		struct msg m = { .type = MSG_PLAIN, .buf = ch->slot, .task = ch->slot,
				 .off = ch->part_off, .len = ch->part_len,
				 .fmt = (uint16_t)ch->f->fmt };
		if (send(e, w, &m, 1))
			return -1;
	}
	return 0;
}

static int send_gz_begin(struct engine *e, unsigned w, struct file *f)
{
	struct msg m = { .type = MSG_GZ_BEGIN, .task = (uint64_t)(f - e->files),
			 .fmt = (uint16_t)f->fmt };
	return send(e, w, &m, 0);
}

static int assign_gz(struct engine *e, unsigned w)
{
	struct file *f = &e->files[e->gz_order[e->next_gz++]];

	if (f->fd < 0 && inputs_open(e, f))
		return -1;
	f->state = F_ACTIVE;
	f->worker = w;
	f->seq = e->next_seq++;
	f->started = now_sec();
	e->ws[w].gz = f;
	if (w == e->nw ? local_gz_begin(e, f) : send_gz_begin(e, w, f))
		return -1;
	return lanes_deliver_gz(e, f);	/* a stream's first chunk is already here */
}

int lanes_dispatch(struct engine *e)
{
	int n = 0;
	struct chunk *ch;

	if (e->nw == 0) {
		while ((ch = chunks_pop_ready(e)) && ++n)
			if (local_map(e, ch))
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
			} else if ((ch = chunks_pop_ready(e))) {
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

/* Send f's chunks that are next in file order to its worker. */
int lanes_deliver_gz(struct engine *e, struct file *f)
{
	if (f->worker == UINT_MAX)
		return 0;	/* no worker yet */
	while (f->early && f->early->k == f->next_deliver) {
		struct chunk *ch = f->early;
		f->early = ch->next;
		f->next_deliver++;
		if (f->worker == e->nw) {
			if (local_gz(e, f, ch))
				return -1;
		} else {
			struct msg m = { .type = MSG_GZ_DATA, .buf = ch->slot,
					 .task = (uint64_t)(f - e->files), .len = ch->req.got };
			ch->at_worker = 1;
			if (send(e, f->worker, &m, 1))
				return -1;
		}
	}
	if (f->next_deliver == f->nchunks && f->state == F_ACTIVE && f->fd < 0) {
		f->next_deliver++;	/* the end is sent once */
		if (f->worker == e->nw)
			return local_gz(e, f, NULL);
		struct msg m = { .type = MSG_GZ_END, .task = (uint64_t)(f - e->files) };
		return send(e, f->worker, &m, 1);
	}
	return 0;
}

/* Let go of gzip file f's chunks: those at a dead worker and those waiting. */
static void drop_chunks(struct engine *e, struct file *f)
{
	f->gen++;	/* reads still in flight are dropped when they land */
	for (unsigned i = 0; i < e->pool.nslots; i++)
		if (e->chunks[i].f == f && e->chunks[i].at_worker)
			chunks_release(e, &e->chunks[i]);
	while (f->early) {
		struct chunk *ch = f->early;
		f->early = ch->next;
		chunks_release(e, ch);
	}
}

/* Start gzip file f again from its first byte, for a new worker. */
static int restart_gz(struct engine *e, struct file *f)
{
	drop_chunks(e, f);
	f->next_chunk = f->next_deliver = f->chunks_read = 0;
	if (f->url) {
		/* Its download starts again (from the cache's copy, if it has one). */
		struct chunk *ch = (struct chunk *)fetch_cancel(e->fx, f->xfer);
		if (ch)
			chunks_release(e, ch);
		f->reading = 0;
		return 0;
	}
	if (f->fd < 0)
		return inputs_open(e, f);
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
		return engine_fail(e, "worker %u: %s", w, strerror(-err));
	pool_describe_exit(&e->workers, w, why, sizeof(why));
	if (ws->timed_out)
		snprintf(why, sizeof(why), "did not answer for %u s (--task-timeout)",
			 e->c->task_timeout);
	ws->timed_out = 0;
	ws->owed = 0;	/* the new worker owes what is sent to it from now on */
	/* The partition it was mapping is charged; one waiting was not begun. */
	tries = ws->nplain ? ++ws->plain[0]->tries : ws->gz ? ++ws->gz->tries : 0;
	const char *how = "failed twice; the last time";
	if (ws->gz && ws->gz->stream && !ws->gz->url) {
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
		engine_skip_or_fail(e, f->path, 1, "%s worker %u (pid %ld) %s", how, w, pid, why);
	} else if (tries > 1) {
		if (ws->nplain)
			return engine_fail(e, "%s: the partition at byte %llu failed twice; the "
					   "last time worker %u (pid %ld) %s", ws->plain[0]->f->path,
					   (unsigned long long)(ws->plain[0]->req.off +
								ws->plain[0]->part_off), w, pid, why);
		return engine_fail(e, "%s: %s worker %u (pid %ld) %s", ws->gz->path, how, w, pid, why);
	}
	if (!e->st->restarts++)
		snprintf(e->st->restart_note, sizeof(e->st->restart_note),
			 "worker %u (pid %ld) %s", w, pid, why);
	if (ws->gz && restart_gz(e, ws->gz))
		return -1;
	if ((err = pool_respawn(&e->workers, w, worker_main, &e->env)))
		return engine_fail(e, "cannot restart worker %u: %s", w, strerror(-err));
	ws->respawned = 1;
	if (ws->nplain)
		return send_plain(e, w, 0);
	if (ws->gz)
		return send_gz_begin(e, w, ws->gz);
	return 0;
}

/* Kill workers that have not answered for --task-timeout seconds. */
void lanes_check_timeouts(struct engine *e)
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

int lanes_reply(struct engine *e, unsigned w)
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
			return engine_fail(e, "worker %u: bad message", w);
		trace_span(e->tr, TRACK_WORKER0 + w, "inflate+map", e->chunks[r.buf].f->path,
			   r.t_start, r.t_end, "\"bytes\":%zu", e->chunks[r.buf].req.got);
		chunks_release(e, &e->chunks[r.buf]);
		return 0;
	}
	if (r.type != MSG_RESULT || (!ws->nplain && !ws->gz))
		return engine_fail(e, "worker %u: unexpected message %u", w, r.type);
	f = ws->nplain ? ws->plain[0]->f : ws->gz;
	seq = ws->nplain ? ws->plain[0]->seq : ws->gz->seq;
	if (ws->gz && f->fmt == FMT_AUTO && r.fmt < FMT_COUNT) {
		f->fmt = (enum ngc_format)r.fmt;	/* the worker sniffed it */
		inputs_doubt(e, f, &(struct sniff_note){ r.sniff_lines, r.sniff_other });
	}
	trace_task(e, w, f, &r);
	if (r.err) {
		if (engine_task_error(e, f, r.err, r.err_off, e->payload.p, e->payload.len))
			return -1;
		f->state = F_DONE;	/* skipped: the stream was read to its end */
		ws->gz = NULL;
		return engine_reduce(e, seq, NULL, 0);
	}
	e->st->lines += r.lines;
	e->st->partitions[w]++;
	e->st->unaggregated += r.unaggregated != 0;
	if (ws->nplain) {
		struct chunk *ch = ws->plain[0];
		f->lines[ch->k] += r.lines;
		chunks_note_bad(f, r.bad, ch->k, 1 + r.first_bad, r.first_bad_why);
		memmove(ws->plain, ws->plain + 1, --ws->nplain * sizeof(*ws->plain));
		chunks_release(e, ch);
	} else {
		e->st->bytes_inflated += r.inflated;
		chunks_note_bad(f, r.bad, 0, r.first_bad, r.first_bad_why);
		inputs_count_format(e, f);
		f->state = F_DONE;
		ws->gz = NULL;
	}
	/*
	 * Hand the worker its next task, and start its reads, first: it maps
	 * while this merges.
	 */
	if (engine_pump(e) < 0 || engine_reduce(e, seq, e->payload.p, e->payload.len) ||
	    engine_adopt(e, f->path, (uint64_t)(f - e->files), r.runs, r.run_bytes))
		return -1;
	return 0;
}
