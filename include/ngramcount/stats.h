/*
 * stats.h - --stats: what a run did, on stderr at its end, as text for a
 * person or as one JSON object for a program (--stats=json).
 *
 * Units are one system throughout: bytes as counts (text adds IEC sizes,
 * KiB = 1024 bytes, and MiB/s), times in seconds. A run that was stopped
 * by a signal or failed says so first; what follows is what was done.
 */
#ifndef NGRAMCOUNT_STATS_H
#define NGRAMCOUNT_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "ngramcount/cli.h"
#include "ngramcount/engine.h"
#include "ngramcount/spill.h"

struct stats_end {
	uint64_t distinct;		/* distinct ngrams: the table's, or the runs' */
	int status;			/* the exit status */
	int signal;			/* the signal that stopped the run, or 0 */
};

/* Print st as c->stats says (nothing for STATS_NONE) to f. */
void stats_print(FILE *f, const struct config *c, const struct run_stats *st,
		 const struct spill *sp, const struct stats_end *end);

#endif
