/*
 * proc.c - fork, wait and the fault hook (proc.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ngramcount/proc.h"
#include "ngramcount/util.h"

pid_t proc_spawn(int (*fn)(void *ctx), void *ctx)
{
	pid_t parent = getpid(), pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(NGC_EXIT_FAIL);	/* it died before the line above */
		_exit(fn(ctx));
	}
	return pid;
}

int proc_wait(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int proc_join(pid_t pid)
{
	int status;
	if (proc_wait(pid, &status))
		return -ECHILD;
	return WIFEXITED(status) && WEXITSTATUS(status) == NGC_EXIT_OK ? 0 : -ECHILD;
}

void proc_describe(int status, char *buf, size_t size)
{
	if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
}

int proc_fault(const char *kind, unsigned *n)
{
	static const char *fault;
	static int read;
	size_t len = strlen(kind);

	if (!read) {
		fault = getenv("NGRAMCOUNT_FAULT");
		read = 1;
	}
	if (!fault || strncmp(fault, kind, len) || (fault[len] && fault[len] != ':'))
		return 0;
	if (n)
		*n = fault[len] ? (unsigned)strtoul(fault + len + 1, NULL, 10) : 0;
	return 1;
}
