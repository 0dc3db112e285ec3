/*
 * pool.h - the worker processes: their pipes and their lifecycle.
 *
 * Each worker is a child (proc.h) that runs a main function over two
 * pipes: it reads struct msg from the parent and writes struct reply
 * (+ payload) back; it sees EOF when the parent closes its pipe. The pool
 * neither parses nor schedules: the engine decides what each worker does.
 */
#ifndef NGRAMCOUNT_POOL_H
#define NGRAMCOUNT_POOL_H

#include <stdint.h>
#include <sys/types.h>

#include "ngramcount/wire.h"

/* The pipe back holds this much where the system allows: a result is rarely waited on. */
#define NGC_RESULT_PIPE	(1 << 20)	/* /proc/sys/fs/pipe-max-size by default */

/* Runs in the child; its return value is the child's exit status. */
typedef int (*worker_fn)(int in_fd, int out_fd, void *ctx);

struct pool_child {
	pid_t pid;		/* 0 once reaped */
	int to;			/* parent writes struct msg here */
	int from;		/* parent reads struct reply here */
};

struct pool {
	struct pool_child *w;	/* owned */
	unsigned n;
};

/* Start n workers running fn(ctx). Returns 0 or -errno (none left running). */
int pool_start(struct pool *p, unsigned n, worker_fn fn, void *ctx);

/*
 * Replace worker i, dead or alive (killed and reaped first), with a new
 * one running fn(ctx). Returns 0 or -errno.
 */
int pool_respawn(struct pool *p, unsigned i, worker_fn fn, void *ctx);

/* Send one message to worker i; it never blocks for long (ARCHITECTURE.md). */
int pool_send(struct pool *p, unsigned i, const struct msg *m);

/*
 * Read one reply from worker i, and its payload into *payload (grown as
 * needed; len set). Blocks until the whole reply is there. Returns 0,
 * -EPIPE if the worker died, or -errno.
 */
int pool_recv(struct pool *p, unsigned i, struct reply *r, struct wbuf *payload);

/* Say "why" a worker is gone: "exited with status 3", "killed by signal 9". */
void pool_describe_exit(struct pool *p, unsigned i, char *buf, size_t size);

/*
 * Ask every worker to quit and reap them. Returns 0 if all exited 0, else
 * -ECHILD with the first that did not said in why ("worker 0 (pid 12)
 * killed by signal 9 (Killed)").
 */
int pool_stop(struct pool *p, char *why, size_t size);

/* Kill and reap every worker (error path). */
void pool_kill(struct pool *p);

#endif
