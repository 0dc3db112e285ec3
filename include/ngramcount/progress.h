/*
 * progress.h - the progress bar on stderr: percent of input bytes done,
 * bytes done/total, throughput and ETA, redrawn in place at most ten times
 * a second, and blanked at the end so the terminal is left on a clean line.
 */
#ifndef NGRAMCOUNT_PROGRESS_H
#define NGRAMCOUNT_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

struct progress {
	FILE *out;		/* NULL: disabled */
	double start, last;	/* monotonic seconds */
	int drawn;		/* a line is on screen */
};

void progress_init(struct progress *p, FILE *out);
/* Redraw if 0.1 s have passed since the last draw. */
void progress_update(struct progress *p, uint64_t done, uint64_t total);
/* Blank the line. */
void progress_end(struct progress *p);

#endif
