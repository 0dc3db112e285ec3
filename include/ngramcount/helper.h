/*
 * helper.h - the parent's second thread: one job at a time, handed over
 * and waited for. The reduce gives it a hashed result's second part, the
 * output's sort half of the rows, and every other chunk of rows to format.
 *
 * Started on first use, in the process that uses it only (a forked child
 * has none: helper_start() there says no, and the caller does the job
 * itself). It blocks every signal. helper_stop() joins it; main calls it
 * before the process ends.
 */
#ifndef NGRAMCOUNT_HELPER_H
#define NGRAMCOUNT_HELPER_H

/*
 * Run fn(arg) on the helper, now. Returns 1, or 0 when there is no helper
 * (it could not be started, or this is a child): then nothing runs, and
 * the caller runs fn itself. One job at a time: helper_wait() first.
 */
int helper_start(void (*fn)(void *), void *arg);

/* Wait until the job helper_start() handed over is done. */
void helper_wait(void);

/* Join the helper, if this process started one. */
void helper_stop(void);

#endif
