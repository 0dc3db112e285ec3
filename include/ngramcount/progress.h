/*
 * progress.h - the progress display on stderr: while the reads run, a bar,
 * percent, files done, bytes (and text inflated), rate (for URL inputs the
 * network's, the connections busy and the requests retried) and ETA; after them,
 * the phase the run is in (sorting, writing...) with a spinner and its time.
 * One line, redrawn in place at most ten times a second, never wider than
 * the terminal (asked again on SIGWINCH), erased at the end.
 */
#ifndef NGRAMCOUNT_PROGRESS_H
#define NGRAMCOUNT_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

struct progress {
	FILE *out;		/* NULL: disabled */
	int tty;		/* out is a terminal: its width, erase-to-end */
	unsigned width;		/* columns */
	double start, last;	/* monotonic seconds */
	double phase_start;	/* when the phase began */
	const char *phase;	/* after the reads: what the run is doing */
	unsigned spin;		/* the spinner's step */
	size_t drawn;		/* columns of the line on screen; 0: none */
};

/* What the reads have done. */
struct progress_state {
	uint64_t bytes, total;	/* input bytes read, and of all the inputs */
	int total_known;	/* 0: a stream's size is not known: a spinner */
	uint64_t inflated;	/* text out of compressed inputs so far */
	unsigned files, nfiles;	/* inputs done, and listed */
	int downloads;		/* URL inputs: the fields below count */
	uint64_t downloaded;	/* bytes come over the network */
	unsigned connections;	/* transfers running */
	uint64_t retries;	/* requests tried again so far */
};

void progress_init(struct progress *p, FILE *out);
/* Whether a redraw is due (0.1 s since the last one); then call progress_update. */
int progress_due(struct progress *p);
void progress_update(struct progress *p, const struct progress_state *s);
/* The reads are over; the run now does what (a string that outlives it). */
void progress_phase(struct progress *p, const char *what);
/* Erase the line. */
void progress_end(struct progress *p);

/* The line for s in at most width - 1 columns, into buf (pure, for tests). */
void progress_line(char *buf, size_t size, unsigned width, double elapsed,
		   const struct progress_state *s);

#endif
