/*
 * test_prefault - the helper faults ranges in, only in the process that
 * started it, and blocks the signals the main thread must get; stopping
 * and starting again; an arena with blocks made ahead keeps every byte and
 * counts every block.
 */
#include <dirent.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ngramcount/arena.h"
#include "ngramcount/prefault.h"
#include "t.h"

#define MAP_BYTES	(8u << 20)

static size_t resident(void *p, size_t n)
{
	size_t pages = n / 4096, in = 0;
	unsigned char *v = malloc(pages);
	if (!v || mincore(p, n, v)) {
		free(v);
		return 0;
	}
	for (size_t i = 0; i < pages; i++)
		in += v[i] & 1;
	free(v);
	return in;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait for the helper: every page of p resident, or half a minute gone (a failure). */
static int faulted_in(void *p, size_t n)
{
	double end = now() + 30;
	while (resident(p, n) < n / 4096 && now() < end)
		sched_yield();
	return resident(p, n) == n / 4096;
}

static void *fresh(void)
{
	void *p = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void off_until_started(void)
{
	char *p = fresh();
	CHECK(p);
	CHECK(!prefault_on());
	prefault_ahead(p, MAP_BYTES);	/* nothing to hand it to */
	CHECK(resident(p, MAP_BYTES) == 0);
	prefault_stop();		/* nothing to stop */
	munmap(p, MAP_BYTES);
}

static void faults_ranges_in(void)
{
	char *p = fresh(), *q = fresh();
	CHECK(p && q);
	CHECK(prefault_start() == 0);
	CHECK(prefault_on());
	CHECK(resident(p, MAP_BYTES) == 0);
	prefault_ahead(p, MAP_BYTES);
	prefault_ahead(q + 4096 + 1, 3 * 4096);	/* whole pages inside only: two */
	CHECK(faulted_in(p, MAP_BYTES));
	CHECK(faulted_in(q + 2 * 4096, 2 * 4096));
	CHECK(resident(q, MAP_BYTES) == 2);
	for (size_t i = 0; i < MAP_BYTES; i += 4096)
		CHECK(p[i] == 0);	/* faulted in, not written */
	/* A range unmapped before the helper gets to it is passed over. */
	munmap(q, MAP_BYTES);
	prefault_ahead(q, MAP_BYTES);
	prefault_stop();
	CHECK(!prefault_on());
	munmap(p, MAP_BYTES);
}

/* Threads of this process besides the main one that block sig; -1 on error. */
static int others_blocking(int sig)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], line[256];
		unsigned long long blk;
		FILE *f;
		if (e->d_name[0] == '.' || atoi(e->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "SigBlk: %llx", &blk) == 1 && (blk >> (sig - 1) & 1))
				n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

/* SIGINT and the rest interrupt the main thread's waits: the helper blocks them. */
static void signals_for_the_main_thread(void)
{
	static const int sig[] = { SIGHUP, SIGINT, SIGPIPE, SIGTERM, SIGCHLD, SIGUSR1 };

	CHECK(others_blocking(SIGINT) == 0);
	CHECK(prefault_start() == 0);
	for (size_t i = 0; i < sizeof(sig) / sizeof(sig[0]); i++)
		CHECK(others_blocking(sig[i]) == 1);
	prefault_stop();
}

static void off_in_a_child(void)
{
	int status = -1;
	pid_t pid;

	CHECK(prefault_start() == 0);
	pid = fork();
	if (pid == 0) {
		char *p = fresh();
		prefault_ahead(p, MAP_BYTES);
		_exit(!prefault_on() && resident(p, MAP_BYTES) == 0 ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(prefault_on());
	prefault_stop();
}

/* 24 MiB in pieces of 40 bytes: each piece keeps its bytes, blocks made ahead or not. */
static void arena_blocks_ahead(void)
{
	for (int on = 0; on < 2; on++) {
		struct arena a;
		char **piece = malloc((24u << 20) / 40 * sizeof(*piece));
		size_t n = (24u << 20) / 40;

		CHECK(piece);
		if (on)
			CHECK(prefault_start() == 0);
		arena_init(&a);
		for (size_t i = 0; i < n; i++) {
			piece[i] = arena_alloc(&a, 40);
			memset(piece[i], (int)(i % 251), 40);
		}
		for (size_t i = 0; i < n; i++)
			CHECK(piece[i][0] == (char)(i % 251) && piece[i][39] == (char)(i % 251));
		CHECK(a.bytes >= (24u << 20));
		/* Made ahead: one block more than the pieces need, of 2 MiB at most. */
		CHECK(on ? !!a.ahead && a.bytes < (24u << 20) + (4u << 20) : !a.ahead);
		arena_reset(&a);
		CHECK(on == !!a.ahead);
		piece[0] = arena_alloc(&a, 40);
		memset(piece[0], 1, 40);
		arena_fini(&a);
		CHECK(!a.head && !a.ahead && a.bytes == 0);
		free(piece);
		prefault_stop();
	}
}

int main(void)
{
	T_RUN(off_until_started);
	T_RUN(faults_ranges_in);
	T_RUN(signals_for_the_main_thread);
	T_RUN(off_in_a_child);
	T_RUN(arena_blocks_ahead);
	T_DONE();
}
