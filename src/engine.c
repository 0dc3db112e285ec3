/*
 * engine.c - the scheduler of one run: its loop, setup, teardown and
 * errors. Single-threaded, in the parent; its rooms are in engine_int.h.
 * Each turn: hand work to idle workers, start reads into free pool slots,
 * take completed reads, then poll the ring's eventfd and the workers'
 * pipes. The invariants the rooms keep together (slots, pipes, retries)
 * are docs/ARCHITECTURE.md's "What stays true".
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "ngramcount/error.h"
#include "ngramcount/trace.h"
#include "ngramcount/util.h"

int engine_fail(struct engine *e, const char *fmt, ...)
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

int engine_fail_overflow(struct engine *e, const char *key, size_t len)
{
	char msg[256];
	ngc_overflow_msg(msg, sizeof(msg), key, len);
	return engine_fail(e, "%s", msg);
}

/* A table could not be written out; path names the task's input, or NULL. */
int engine_fail_spill(struct engine *e, const char *path, int err)
{
	return engine_fail(e, "%s%sspilling to %s: %s", path ? path : "", path ? ": " : "",
			   e->c->tmpdir, strerror(-err));
}

int engine_adopt(struct engine *e, const char *path, uint64_t task, uint64_t runs,
		 uint64_t bytes)
{
	int err = reducer_adopt(&e->red, task, runs, bytes);
	return err ? engine_fail_spill(e, path, err) : 0;
}

int engine_skip_or_fail(struct engine *e, const char *path, int whole, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!e->c->keep_going || !whole)
		return engine_fail(e, "%s: %s", path, why);
	struct run_stats *st = e->st;
	st->skipped = xrealloc(st->skipped, (st->nskipped + 1) * sizeof(*st->skipped));
	st->skipped[st->nskipped] = xmalloc(strlen(path) + strlen(why) + 3);
	sprintf(st->skipped[st->nskipped++], "%s: %s", path, why);
	return 0;
}

/*
 * A failed task: a gzip error at a compressed offset, or a total overflow.
 * A gzip file is skipped with --keep-going (its counts were never merged).
 */
int engine_task_error(struct engine *e, struct file *f, int err, uint64_t off,
		      const char *detail, size_t len)
{
	char why[256];

	if (f->net_failed)	/* its stream was cut short: that is why */
		return engine_skip_or_fail(e, f->path, f->gzip, "%s", fetch_error(e->fx, f->xfer));
	switch (err) {
	case NGC_EGZ_CORRUPT:
	case NGC_EGZ_TRUNCATED:
	case NGC_EGZ_TRAILING:
	case NGC_EGZ_METHOD:
		ngc_gz_strerror(why, sizeof(why), err, f->zip, off);
		return engine_skip_or_fail(e, f->path, f->gzip, "%s", why);
	case NGC_ESPILL:
		return engine_fail_spill(e, f->path, -(int)off);
	case -EOVERFLOW:
		return engine_fail_overflow(e, detail, len);
	case NGC_ECONFLICT:
		return engine_fail(e, "%s: %s", f->path, map_conflict(&e->c->map, f->fmt));
	case NGC_ELONG:
		return engine_skip_or_fail(e, f->path, f->gzip, "line %llu is longer than %zu bytes, "
					   "a quarter of --memory", (unsigned long long)off,
					   map_line_max(&e->c->map));
	default:
		return engine_fail(e, "%s: %s", f->path, ngc_strerror(err));
	}
}

int engine_reduce(struct engine *e, uint64_t seq, const char *payload, size_t len)
{
	int err = reducer_put(&e->red, seq, payload, len);

	if (err == -EOVERFLOW)
		return engine_fail_overflow(e, e->red.overflow->key, e->red.overflow->len);
	if (err)
		return engine_fail(e, "a worker sent a malformed result");
	return 0;
}

/*
 * Hand out what is ready, start the reads there is room for, and take in
 * the reads done: the progress made (tasks, reads), or -1.
 */
int engine_pump(struct engine *e)
{
	struct read_req *done[NGC_REAP_BATCH];
	int progress, n;

	if ((progress = lanes_dispatch(e)) < 0 || (n = chunks_start_reads(e)) < 0)
		return -1;
	progress += n;
	while ((n = (int)reader_reap(e->rd, done, NGC_REAP_BATCH)) > 0 ||
	       (n = (int)fetch_reap(e->fx, done, NGC_REAP_BATCH)) > 0) {
		progress += n;
		for (int i = 0; i < n; i++)
			if (chunks_read_done(e, (struct chunk *)done[i]))
				return -1;
	}
	/* A pipe's short read was queued again: start it before poll() sleeps. */
	if ((n = reader_flush(e->rd)))
		return engine_fail(e, "io_uring submit: %s", strerror(-n));
	return progress;
}

static int finished(struct engine *e)
{
	for (unsigned i = 0; i < e->nfiles; i++)
		if (e->files[i].state != F_DONE)
			return 0;
	return e->pool.nfree == e->pool.nslots;
}

/* The final table out as a run when past its budget, or always (force). */
static int spill_check(struct engine *e, int force)
{
	int r = reducer_spill(&e->red, force);

	if (r < 0)
		return engine_fail(e, "spilling to %s: %s", e->c->tmpdir, strerror(-r));
	if (r)
		mapper_forget(&e->pm);	/* its remembered entry was in the table */
	return 0;
}

/* What the reads have done, on the progress display. */
static void show_progress(struct engine *e)
{
	struct progress_state s = {
		.bytes = e->done_bytes, .total = e->st->bytes_total, .total_known = 1,
		.inflated = e->st->bytes_inflated, .nfiles = e->nfiles,
	};
	for (unsigned i = 0; i < e->nfiles; i++) {
		s.files += e->files[i].state == F_DONE;
		if (!e->files[i].sized && e->files[i].state != F_DONE)
			s.total_known = 0;
	}
	if (e->fx) {
		const struct fetch_stats *net = fetch_stats(e->fx);
		s.downloads = 1;
		s.downloaded = net->bytes;
		s.connections = net->busy;
		s.retries = net->retries;
	}
	progress_update(e->prog, &s);
}

static int turn(struct engine *e)
{
	struct pollfd *pfd = e->pfd;
	int progress;
	unsigned nfd = 0;

	if ((progress = engine_pump(e)) < 0)
		return -1;
	if (finished(e))
		return 0;
	if (e->rd->event_fd >= 0 && e->rd->inflight)
		pfd[nfd++] = (struct pollfd){ .fd = e->rd->event_fd, .events = POLLIN };
	for (unsigned w = 0; w < e->nw; w++) {
		e->ws[w].respawned = 0;
		pfd[nfd++] = (struct pollfd){ .fd = e->workers.w[w].from, .events = POLLIN };
	}
	int fetching = e->fx && fetch_active(e->fx);
	if (!nfd && !progress && !fetching)
		return engine_fail(e, "internal error: the run stalled");
	/* Downloads' sockets are polled with the ring and the pipes (fetch.h). */
	int r = fetching ? fetch_poll(e->fx, pfd, nfd, progress ? 0 : NGC_POLL_MS)
			 : poll(pfd, nfd, progress ? 0 : NGC_POLL_MS);
	if (r < 0 && errno != EINTR)
		return engine_fail(e, "poll: %s", strerror(errno));
	if (ngc_stop)
		return engine_fail(e, "interrupted by signal %d", (int)ngc_stop);
	if (e->c->task_timeout)
		lanes_check_timeouts(e);
	for (unsigned i = 0; i < nfd; i++) {
		if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) ||
		    pfd[i].fd == e->rd->event_fd)
			continue;
		unsigned w = i - (nfd - e->nw);
		/* A reply that started a worker in another's place: wait for it. */
		if (!e->ws[w].respawned && lanes_reply(e, w))
			return -1;
	}
	if (progress_due(e->prog))
		show_progress(e);
	return spill_check(e, 0) ? -1 : 1;
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
		if ((err = spill_mkdir(e->red.sp)))
			e->env.spill_err = err;	/* told only if a task must spill */
		e->env.spill_dir = e->red.sp->dir;
		e->env.spill_parts = e->red.sp->parts;
		e->env.task_budget = e->st->task_budget;
	}
	e->red.budget = e->st->table_budget;
	if ((err = bufpool_init(&e->pool, nslots, c->partition_size)))
		return engine_fail(e, "cannot map %u buffers of %zu bytes: %s", nslots,
				   c->partition_size, strerror(-err));
	e->chunks = xcalloc(nslots, sizeof(*e->chunks));
	for (unsigned i = 0; i < nslots; i++)
		e->chunks[i].slot = i;
	/* Fork before the ring and the input files exist: workers hold neither. */
	if (e->nw && (err = pool_start(&e->workers, e->nw, worker_main, &e->env)))
		return engine_fail(e, "cannot start workers: %s", strerror(-err));
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
	       struct progress *prog, struct run_stats *st, char *err, size_t errsize)
{
	struct engine e = {
		.c = c, .st = st, .t = t, .tr = tr, .prog = prog, .err = err, .errsize = errsize,
		.nw = c->workers,
		.red = { .t = t, .sp = sp, .tr = tr, .in_order = c->order == ORDER_SUBMISSION },
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
	table_init_task(&e.gt, 1);
	mapper_init(&e.gm, &e.gt);
	mapper_set_opts(&e.gm, &c->map);
	e.sniff = xmalloc(NGC_SNIFF_BYTES);
	e.sniff_cap = NGC_SNIFF_BYTES;

	ngc_doing = "parent listing the inputs";
	if (!inputs_list(&e) && !setup(&e)) {
		ngc_doing = "parent reading, joining lines and reducing results";
		while ((r = turn(&e)) > 0)
			;
	}

	if (e.workers.w) {
		if (e.failed)
			pool_kill(&e.workers);
		else	/* every task's result was in: a failure here is a warning */
			(void)pool_stop(&e.workers, st->stop_note, sizeof(st->stop_note));
	}
	if (e.rd) {
		st->sqes = e.rd->st.sqes;
		st->submits = e.rd->st.submits;
	}
	reader_free(e.rd);	/* before the pool: in-flight reads write into it */
	if (e.fx) {
		st->net = *fetch_stats(e.fx);
		if (e.failed)
			fetch_drop_parts(e.fx);
		fetch_free(e.fx);	/* so are downloads */
	}
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
	}
	inputs_fini(&e);
	free(e.sniff);
	free(e.chunks);
	free(e.ws);
	free(e.pfd);
	st->reduce_keys = e.red.keys;
	st->reduce_split_keys = e.red.split_keys;
	st->reduce_secs = e.red.secs;
	st->task_runs = e.red.task_runs;
	reducer_fini(&e.red);
	free(e.payload.p);
	mapper_fini(&e.pm);
	mapper_fini(&e.gm);
	table_fini(&e.gt);
	/* Spilled once: the rest joins the runs, so the output reads only them. */
	if (!e.failed && sp->spills && t->count)
		spill_check(&e, 1);
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
	free(st->missing_path);
	st->missing_path = NULL;
	free(st->passed_over_path);
	st->passed_over_path = NULL;
	free(st->doubt);
	st->doubt = NULL;
	free(st->text_passed_path);
	st->text_passed_path = NULL;
	free(st->bad_path);
	free(st->partitions);
	st->bad_path = NULL;
	st->partitions = NULL;
}
