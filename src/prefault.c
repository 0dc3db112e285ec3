/*
 * prefault.c - the helper thread of prefault.h: a queue of ranges under a
 * mutex, faulted in a MiB at a time, so that prefault_stop() waits for one
 * MiB at most.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ngramcount/prefault.h"
#include "ngramcount/util.h"

#define NGC_PREFAULT_QUEUE	8
#define NGC_PREFAULT_STEP	(1u << 20)

static struct {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	pid_t owner;			/* the process the helper runs in; 0: none */
	uintptr_t page_mask;
	int ready, stopping;
	unsigned head, tail;		/* ranges queued: tail - head */
	struct {
		uintptr_t lo, hi;	/* whole pages */
	} q[NGC_PREFAULT_QUEUE];
} pf = { .mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static void *helper(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pf.mu);
	pf.ready = 1;
	pthread_cond_broadcast(&pf.wake);
	while (!pf.stopping) {
		if (pf.head == pf.tail) {
			pthread_cond_wait(&pf.wake, &pf.mu);
			continue;
		}
		uintptr_t lo = pf.q[pf.head % NGC_PREFAULT_QUEUE].lo;
		uintptr_t hi = pf.q[pf.head % NGC_PREFAULT_QUEUE].hi;
		pf.head++;
		while (lo < hi && !pf.stopping) {
			size_t n = hi - lo < NGC_PREFAULT_STEP ? hi - lo : NGC_PREFAULT_STEP;
			pthread_mutex_unlock(&pf.mu);
			/* Fails harmlessly on a range unmapped meanwhile, or before Linux 5.14. */
			(void)madvise((void *)lo, n, MADV_POPULATE_WRITE);
			lo += n;
			pthread_mutex_lock(&pf.mu);
		}
	}
	pthread_mutex_unlock(&pf.mu);
	return NULL;
}

/*
 * The helper blocks every signal, so SIGINT and the like reach the main
 * thread, interrupting whatever it waits in. Returns once the helper waits
 * for work: a fork() after that finds no lock of the thread's start-up
 * held (ASan's allocator has no fork handler: a worker forked while the
 * thread was being made hung on it).
 */
int prefault_start(void)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&pf.thread, NULL, helper, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	pthread_mutex_lock(&pf.mu);
	while (!pf.ready)
		pthread_cond_wait(&pf.wake, &pf.mu);
	pthread_mutex_unlock(&pf.mu);
	pf.page_mask = (uintptr_t)sysconf(_SC_PAGESIZE) - 1;
	pf.owner = getpid();
	return 0;
}

int prefault_on(void)
{
	return pf.owner && pf.owner == getpid();
}

void prefault_ahead(void *p, size_t n)
{
	if (!prefault_on())
		return;
	uintptr_t lo = ((uintptr_t)p + pf.page_mask) & ~pf.page_mask;
	uintptr_t hi = ((uintptr_t)p + n) & ~pf.page_mask;
	if (lo >= hi)
		return;
	pthread_mutex_lock(&pf.mu);
	if (pf.tail - pf.head < NGC_PREFAULT_QUEUE) {
		pf.q[pf.tail % NGC_PREFAULT_QUEUE].lo = lo;
		pf.q[pf.tail % NGC_PREFAULT_QUEUE].hi = hi;
		pf.tail++;
		pthread_cond_signal(&pf.wake);
	}
	pthread_mutex_unlock(&pf.mu);
}

void prefault_stop(void)
{
	if (!prefault_on())
		return;
	thread_stop(pf.thread, &pf.mu, &pf.wake, &pf.stopping);
	pf.owner = 0;
	pf.ready = pf.stopping = 0;
	pf.head = pf.tail = 0;
}
