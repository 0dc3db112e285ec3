/*
 * t.h - the unit-test harness: TEST() functions run by T_RUN(), CHECK()
 * counts failures, T_SKIP() ends a test that cannot run here. A binary
 * prints one line per failed check and, last, "RESULT <passed> <failed>
 * <skipped>" (tests, not checks) for tests/run.sh to sum.
 */
#ifndef NGRAMCOUNT_T_H
#define NGRAMCOUNT_T_H

#include <stdio.h>

static int t_failed_checks, t_passed, t_failed, t_skipped;
static const char *t_skip_why;

/* Leave the test; it counts as skipped, not passed. */
#define T_SKIP(why)                                                          \
	do {                                                                 \
		t_skip_why = (why);                                          \
		return;                                                      \
	} while (0)

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			t_failed_checks++;                                   \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n",         \
				__FILE__, __LINE__, #cond);                  \
		}                                                            \
	} while (0)

#define T_RUN(fn)                                                            \
	do {                                                                 \
		int before = t_failed_checks;                                \
		t_skip_why = NULL;                                           \
		fn();                                                        \
		if (t_failed_checks == before && t_skip_why) {               \
			t_skipped++;                                         \
			printf("ok - %s # SKIP %s\n", #fn, t_skip_why);      \
		} else if (t_failed_checks == before) {                      \
			t_passed++;                                          \
			printf("ok - %s\n", #fn);                            \
		} else {                                                     \
			t_failed++;                                          \
			printf("not ok - %s\n", #fn);                        \
		}                                                            \
	} while (0)

#define T_DONE()                                                             \
	do {                                                                 \
		printf("RESULT %d %d %d\n", t_passed, t_failed, t_skipped);  \
		return t_failed ? 1 : 0;                                     \
	} while (0)

/* Deterministic pseudo-random numbers for tests (splitmix64). */
static inline unsigned long long t_rand(unsigned long long *s)
{
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif
