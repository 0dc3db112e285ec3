/*
 * worker.c - a map worker's loop. Runs in a child process: failures are
 * sent to the parent as a MSG_RESULT with err set; the child only ever
 * leaves through its return value (pool.c _exit()s with it).
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "ngramcount/gz.h"
#include "ngramcount/map.h"
#include "ngramcount/proc.h"
#include "ngramcount/util.h"
#include "ngramcount/wire.h"
#include "ngramcount/worker.h"

struct worker {
	int out;
	unsigned tasks;		/* tasks started, for the fault hook */
	unsigned fault_at;	/* NGRAMCOUNT_FAULT: fail on this task; 0: never */
	char fault_kind;	/* 'c'rash, 'h'ang, 'o'ut of memory, 'l'ate crash */
	int fault_armed;	/* a gzip task fails at its first chunk */
	struct table table;
	struct mapper m;
	struct gz gz;
	int in_gz;		/* a gzip task is open */
	int gz_err;		/* its first error, then chunks are only released */
	struct worker_gz task;	/* its mapping and runs */
	double start;		/* when the task began */
	struct wbuf payload;
	struct wbuf scratch;	/* wire_put_table's */
};

static int send_reply(struct worker *w, struct reply *r, const void *p, size_t n)
{
	int err;
	r->t_end = now_sec();
	r->payload_len = n;
	err = write_full(w->out, r, sizeof(*r));
	if (!err && n)
		err = write_full(w->out, p, n);
	return err;
}

static int send_result(struct worker *w, uint64_t task, int err, uint64_t err_off,
		       uint64_t inflated)
{
	struct reply r = {
		.type = MSG_RESULT,
		.task = task,
		.err = err,
		.first_bad_why = w->m.st.first_bad_why,
		.fmt = (uint16_t)w->m.fmt,
		.lines = w->m.st.lines,
		.bad = w->m.st.bad,
		.first_bad = w->m.st.first_bad,
		.inflated = inflated,
		.err_off = err_off,
		.runs = w->in_gz ? w->task.ts.runs : 0,
		.run_bytes = w->in_gz ? w->task.ts.bytes : 0,
		.sniff_lines = w->m.sniffed.lines,
		.sniff_other = w->m.sniffed.other,
		.unaggregated = (uint64_t)w->table.appending,
		.t_start = w->start,
	};
	w->payload.len = 0;
	if (err == -EOVERFLOW) {
		/* The detail is the key whose total would wrap. */
		const struct ngram *g = w->m.overflow;
		return send_reply(w, &r, g->key, g->len);
	}
	if (!err)
		wire_put_table(&w->payload, &w->scratch, &w->table);
	return send_reply(w, &r, w->payload.p, w->payload.len);
}

/*
 * Test-only fault hook (proc.h): crash:N, hang:N or oom:N makes each
 * worker die by SIGKILL, stop answering, or fail to allocate memory in its
 * N-th task (a gzip task at its first chunk, so some of the stream was
 * delivered); late:N dies by SIGKILL when the N-th task is mapped, before
 * its result is sent (a gzip task's runs are written).
 */
static void fault_init(struct worker *w)
{
	static const char kinds[][6] = { "crash", "hang", "oom", "late" };
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (proc_fault(kinds[i], &w->fault_at))
			w->fault_kind = kinds[i][0];
}

/* The fault is due: at the start of this task, or (late) at its end. */
static int fault_due(const struct worker *w, int late)
{
	return w->fault_at && w->tasks == w->fault_at && (w->fault_kind == 'l') == late;
}

static void fault(struct worker *w)
{
	if (w->fault_kind == 'h')
		for (;;)
			pause();
	if (w->fault_kind == 'o')
		free(xmalloc((size_t)1 << 62));	/* never returns */
	raise(SIGKILL);
}

void worker_gz_init(struct worker_gz *k, const struct worker_env *env, struct mapper *m,
		    struct table *t, uint64_t task)
{
	*k = (struct worker_gz){
		.m = m, .t = t, .budget = env->task_budget,
		.ts = { .dir = env->spill_dir, .dir_err = env->spill_err,
			.parts = env->spill_parts, .task = task },
	};
}

uint64_t worker_gz_err_off(const struct worker_gz *k, int err, uint64_t off)
{
	if (err == NGC_ELONG)
		return k->m->st.lines + 1;
	return err == NGC_ESPILL ? (uint64_t)-k->spill_err : off;
}

int worker_gz_sink(void *ctx, const char *buf, size_t len)
{
	struct worker_gz *k = ctx;
	int err = map_feed(k->m, buf, len);

	if (err || !(err = task_spill(&k->ts, k->t, k->budget)))
		return err;
	if (err > 0) {
		mapper_forget(k->m);
		return 0;
	}
	k->spill_err = err;
	return NGC_ESPILL;
}

static int serve(struct worker *w, const struct msg *msg, const struct worker_env *env)
{
	const char *data = bufpool_ptr(env->pool, msg->buf) + msg->off;
	int err;

	switch (msg->type) {
	case MSG_PLAIN:
		ngc_doing = "worker mapping a partition";
		w->start = now_sec();
		w->tasks++;
		if (fault_due(w, 0))
			fault(w);
		table_reset(&w->table);
		mapper_reset(&w->m);
		if (!(err = mapper_set_format(&w->m, (enum ngc_format)msg->fmt)))
			err = map_lines(&w->m, data, msg->len);
		if (fault_due(w, 1))
			fault(w);
		return send_result(w, msg->task, err, 0, 0);
	case MSG_GZ_BEGIN:
		ngc_doing = "worker inflating and mapping a gzip file";
		w->start = now_sec();
		w->tasks++;
		w->fault_armed = fault_due(w, 0);
		table_reset(&w->table);
		mapper_reset(&w->m);
		worker_gz_init(&w->task, env, &w->m, &w->table, msg->task);
		if ((err = gz_init(&w->gz, env->inflate)))
			return err;
		w->in_gz = 1;
		w->gz_err = mapper_set_format(&w->m, (enum ngc_format)msg->fmt);
		return 0;
	case MSG_GZ_DATA: {
		struct reply rel = { .type = MSG_RELEASE, .buf = msg->buf, .task = msg->task,
				     .t_start = now_sec() };
		if (!w->in_gz)
			return -EPROTO;
		if (w->fault_armed)
			fault(w);
		if (!w->gz_err)
			w->gz_err = gz_feed(&w->gz, data, msg->len, worker_gz_sink, &w->task);
		return send_reply(w, &rel, NULL, 0);
	}
	case MSG_GZ_END:
		if (!w->in_gz)
			return -EPROTO;
		err = w->gz_err;
		if (!err && !(err = gz_finish(&w->gz)))
			err = map_flush(&w->m);
		if (fault_due(w, 1))
			fault(w);
		err = send_result(w, msg->task, err, worker_gz_err_off(&w->task, err, w->gz.err_off),
				  w->gz.out_total);
		gz_fini(&w->gz);
		w->in_gz = 0;
		return err;
	default:
		return -EPROTO;
	}
}

int worker_main(int in_fd, int out_fd, void *ctx)
{
	const struct worker_env *env = ctx;
	struct worker w = { .out = out_fd };
	struct msg msg;
	int err;

	table_init_task(&w.table, 1);
	mapper_init(&w.m, &w.table);
	mapper_set_opts(&w.m, env->map);
	fault_init(&w);
	while (!(err = read_full(in_fd, &msg, sizeof(msg))) && msg.type != MSG_QUIT)
		if ((err = serve(&w, &msg, env)))
			break;
	if (w.in_gz)
		gz_fini(&w.gz);
	mapper_fini(&w.m);
	table_fini(&w.table);
	free(w.payload.p);
	free(w.scratch.p);
	/* EOF on the pipe: the parent is gone or done with us. */
	return err && err != -EPIPE ? NGC_EXIT_FAIL : NGC_EXIT_OK;
}
