/*
 * proc.h - child processes, in one place: the map workers (pool.c), the
 * output sort's second process (table.c) and the spilled output's
 * partition processes (output.c) all start and end here.
 *
 * A child starts with stdio flushed (nothing buffered is written twice),
 * dies with its parent (PR_SET_PDEATHSIG) and leaves with _exit(), so it
 * never runs the parent's atexit handlers.
 */
#ifndef NGRAMCOUNT_PROC_H
#define NGRAMCOUNT_PROC_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Run fn(ctx) in a new child process, whose exit status is its return
 * value. Returns the child's pid, or -errno.
 */
pid_t proc_spawn(int (*fn)(void *ctx), void *ctx);

/* Wait for child pid, through EINTR: 0 and its *status, or -errno. */
int proc_wait(pid_t pid, int *status);

/* Wait for child pid: 0 if it exited with NGC_EXIT_OK, else -ECHILD. */
int proc_join(pid_t pid);

/* How a child ended, in words: "exited with status 3", "killed by signal 9 (Killed)". */
void proc_describe(int status, char *buf, size_t size);

/*
 * The test-only fault hook, read from the environment once:
 * NGRAMCOUNT_FAULT=KIND or KIND:N. Returns 1 if it names kind (then *n is
 * N, or 0 without one; n may be NULL), else 0. The kinds and who acts on
 * them: crash, hang, oom, late (worker.c, N the task); sort (table.c);
 * merge (output.c).
 */
int proc_fault(const char *kind, unsigned *n);

#endif
