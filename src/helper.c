/*
 * helper.c - the parent's second thread (helper.h): a job slot under a
 * mutex, a condition variable each way.
 */
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <unistd.h>

#include "ngramcount/helper.h"
#include "ngramcount/util.h"

static struct {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake, done;
	pid_t owner;			/* the process it runs in; 0: none */
	int failed, stopping;
	void (*fn)(void *);		/* the job handed over; NULL when done */
	void *arg;
} h = { .mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER };

static void *helper_main(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&h.mu);
	for (;;) {
		while (!h.fn && !h.stopping)
			pthread_cond_wait(&h.wake, &h.mu);
		if (h.stopping)
			break;
		pthread_mutex_unlock(&h.mu);
		h.fn(h.arg);
		pthread_mutex_lock(&h.mu);
		h.fn = NULL;
		pthread_cond_signal(&h.done);
	}
	pthread_mutex_unlock(&h.mu);
	return NULL;
}

/* Whether this process has the helper, started on first use. */
static int ready(void)
{
	sigset_t all, old;

	if (h.owner == getpid())
		return 1;
	if (h.owner || h.failed)
		return 0;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	h.failed = pthread_create(&h.thread, NULL, helper_main, NULL) != 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (h.failed)
		return 0;
	h.owner = getpid();
	return 1;
}

int helper_start(void (*fn)(void *), void *arg)
{
	if (!ready())
		return 0;
	pthread_mutex_lock(&h.mu);
	h.arg = arg;
	h.fn = fn;
	pthread_cond_signal(&h.wake);
	pthread_mutex_unlock(&h.mu);
	return 1;
}

void helper_wait(void)
{
	if (h.owner != getpid())
		return;
	pthread_mutex_lock(&h.mu);
	while (h.fn)
		pthread_cond_wait(&h.done, &h.mu);
	pthread_mutex_unlock(&h.mu);
}

void helper_stop(void)
{
	if (h.owner != getpid())
		return;
	thread_stop(h.thread, &h.mu, &h.wake, &h.stopping);
	h.owner = 0;
	h.stopping = 0;
}
