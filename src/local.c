/*
 * local.c - the -j 0 lane: the parent maps each partition itself, and
 * inflates a gzip file into a table of its own, merged when the stream
 * checked out whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_int.h"
#include "ngramcount/trace.h"
#include "ngramcount/util.h"

int local_map(struct engine *e, struct chunk *ch)
{
	struct mapper *m = &e->pm;
	const char *p = bufpool_ptr(&e->pool, ch->slot) + ch->part_off;
	double t0 = now_sec();

	memset(&m->st, 0, sizeof(m->st));
	mapper_set_format(m, ch->f->fmt);
	table_new_source(e->t);
	if (map_lines(m, p, ch->part_len))
		return engine_fail_overflow(e, m->overflow->key, m->overflow->len);
	trace_span(e->tr, TRACK_PARENT, "partition", ch->f->path, t0, now_sec(),
		   "\"offset\":%llu,\"bytes\":%zu,\"lines\":%llu",
		   (unsigned long long)(ch->req.off + ch->part_off), ch->part_len,
		   (unsigned long long)m->st.lines);
	ch->f->lines[ch->k] += m->st.lines;
	e->st->lines += m->st.lines;
	chunks_note_bad(ch->f, m->st.bad, ch->k, 1 + m->st.first_bad, m->st.first_bad_why);
	e->st->partitions[e->nw]++;
	chunks_release(e, ch);
	return 0;
}

int local_gz_begin(struct engine *e, struct file *f)
{
	worker_gz_init(&e->gtask, &e->env, &e->gm, &e->gt, (uint64_t)(f - e->files));
	mapper_reset(&e->gm);
	e->gz_err = mapper_set_format(&e->gm, f->fmt);
	if (gz_init(&e->gz, e->c->inflate))
		return engine_fail(e, "%s: cannot start zlib", f->path);
	return 0;
}

/* The parent's gzip stream (-j 0): chunk data, then the end. */
int local_gz(struct engine *e, struct file *f, struct chunk *ch)
{
	struct mapper *m = &e->gm;
	const struct ngram *over = NULL;
	int err = e->gz_err, r = 0;

	if (ch) {
		double t0 = now_sec();
		if (!err)
			e->gz_err = gz_feed(&e->gz, bufpool_ptr(&e->pool, ch->slot),
					    ch->req.got, worker_gz_sink, &e->gtask);
		trace_span(e->tr, TRACK_PARENT, "inflate+map", f->path, t0, now_sec(),
			   "\"bytes\":%zu", ch->req.got);
		chunks_release(e, ch);
		return 0;
	}
	if (!err && !(err = gz_finish(&e->gz)))
		err = map_flush(m);
	if (f->fmt == FMT_AUTO) {
		f->fmt = m->fmt;	/* sniffed here */
		inputs_doubt(e, f, &m->sniffed);
	}
	if (err == -EOVERFLOW)
		over = m->overflow;
	else if (!err)
		err = table_merge(e->t, &e->gt, &over);
	if (err) {
		r = engine_task_error(e, f, err, worker_gz_err_off(&e->gtask, err, e->gz.err_off),
				      over ? over->key : NULL, over ? over->len : 0);
	} else if (!(r = engine_adopt(e, f->path, e->gtask.ts.task, e->gtask.ts.runs,
				      e->gtask.ts.bytes))) {
		e->st->lines += m->st.lines;
		e->st->bytes_inflated += e->gz.out_total;
		chunks_note_bad(f, m->st.bad, 0, m->st.first_bad, m->st.first_bad_why);
		e->st->partitions[e->nw]++;
		e->st->unaggregated += (uint64_t)e->gt.appending;
		inputs_count_format(e, f);
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
