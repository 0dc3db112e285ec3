/*
 * pool.c - pipes, respawns and kills for the map workers; proc.c forks
 * and reaps them. No parsing here.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ngramcount/pool.h"
#include "ngramcount/proc.h"
#include "ngramcount/util.h"

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int reap(struct pool_child *w);

/* Close every descriptor from 3 up but a and b. */
static void keep_only(int a, int b)
{
	if (a > b) {
		int t = a;
		a = b;
		b = t;
	}
	if (a > 3)
		close_range(3, (unsigned)a - 1, 0);
	if (b > a + 1)
		close_range((unsigned)a + 1, (unsigned)b - 1, 0);
	close_range((unsigned)b + 1, ~0u, 0);
}

struct child {
	int in, out;		/* its ends of the two pipes */
	worker_fn fn;
	void *ctx;
};

static int child_main(void *p)
{
	const struct child *c = p;
	/*
	 * The child keeps only its own two pipe ends: not the ring, the input
	 * files or other workers' pipes (a worker respawned mid-run would
	 * otherwise hold them all).
	 */
	keep_only(c->in, c->out);
	return c->fn(c->in, c->out, c->ctx);
}

/* Start worker i (its slot in p->w must be free). Returns 0 or -errno. */
static int spawn(struct pool *p, unsigned i, worker_fn fn, void *ctx)
{
	int down[2], up[2], err;
	pid_t pid;

	if (pipe2(down, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(up, O_CLOEXEC) < 0) {
		err = -errno;
		goto close_down;
	}
	/*
	 * A result (a table on the wire) is often hundreds of KiB: with the
	 * default 64 KiB the worker waits for the parent to drain it, a
	 * wakeup each 64 KiB, instead of mapping its next partition. Best
	 * effort: past the user's pipe budget the pipe keeps its size.
	 */
	(void)fcntl(up[0], F_SETPIPE_SZ, NGC_RESULT_PIPE);
	pid = proc_spawn(child_main, &(struct child){ down[0], up[1], fn, ctx });
	if (pid < 0) {
		err = (int)pid;
		close(up[0]);
		close(up[1]);
		goto close_down;
	}
	close(down[0]);
	close(up[1]);
	p->w[i] = (struct pool_child){ .pid = pid, .to = down[1], .from = up[0] };
	return 0;
close_down:
	close(down[0]);
	close(down[1]);
	return err;
}

int pool_start(struct pool *p, unsigned n, worker_fn fn, void *ctx)
{
	p->w = xcalloc(n, sizeof(*p->w));
	for (p->n = 0; p->n < n; p->n++) {
		int err = spawn(p, p->n, fn, ctx);
		if (err) {
			pool_kill(p);
			return err;
		}
	}
	return 0;
}

int pool_respawn(struct pool *p, unsigned i, worker_fn fn, void *ctx)
{
	struct pool_child *w = &p->w[i];
	if (w->pid > 0) {
		kill(w->pid, SIGKILL);
		reap(w);
	}
	close_fd(&w->to);
	close_fd(&w->from);
	return spawn(p, i, fn, ctx);
}

int pool_send(struct pool *p, unsigned i, const struct msg *m)
{
	return write_full(p->w[i].to, m, sizeof(*m));
}

int pool_recv(struct pool *p, unsigned i, struct reply *r, struct wbuf *payload)
{
	int err = read_full(p->w[i].from, r, sizeof(*r));
	if (err)
		return err;
	payload->len = 0;
	if (!r->payload_len)
		return 0;
	if (r->payload_len > payload->cap) {
		payload->cap = r->payload_len;
		payload->p = xrealloc(payload->p, payload->cap);
	}
	err = read_full(p->w[i].from, payload->p, r->payload_len);
	if (!err)
		payload->len = r->payload_len;
	return err;
}

static int reap(struct pool_child *w)
{
	int status = 0;
	if (w->pid > 0)
		(void)proc_wait(w->pid, &status);
	w->pid = -status - 1;	/* remember how it ended, for describe */
	return status;
}

void pool_describe_exit(struct pool *p, unsigned i, char *buf, size_t size)
{
	struct pool_child *w = &p->w[i];
	if (w->pid > 0) {
		close_fd(&w->to);
		kill(w->pid, SIGKILL);
		reap(w);
	}
	proc_describe(-(w->pid + 1), buf, size);
}

int pool_stop(struct pool *p, char *why, size_t size)
{
	struct msg quit = { .type = MSG_QUIT };
	int bad = 0;
	for (unsigned i = 0; i < p->n; i++) {
		(void)pool_send(p, i, &quit);
		close_fd(&p->w[i].to);
	}
	for (unsigned i = 0; i < p->n; i++) {
		long pid = (long)p->w[i].pid;
		int status = pid > 0 ? reap(&p->w[i]) : 0;
		if ((!WIFEXITED(status) || WEXITSTATUS(status)) && !bad++) {
			char how[96];
			proc_describe(status, how, sizeof(how));
			snprintf(why, size, "worker %u (pid %ld) %s", i, pid, how);
		}
		close_fd(&p->w[i].from);
	}
	free(p->w);
	p->w = NULL;
	p->n = 0;
	return bad ? -ECHILD : 0;
}

void pool_kill(struct pool *p)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->w[i].pid > 0)
			kill(p->w[i].pid, SIGKILL);
	for (unsigned i = 0; i < p->n; i++) {
		if (p->w[i].pid > 0)
			reap(&p->w[i]);
		close_fd(&p->w[i].to);
		close_fd(&p->w[i].from);
	}
	free(p->w);
	p->w = NULL;
	p->n = 0;
}
