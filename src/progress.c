/*
 * progress.c - stderr progress bar. It only ever writes to its stream, and
 * only while enabled; the CLI decides whether stderr is a terminal.
 */
#include <stdio.h>

#include "ngramcount/progress.h"
#include "ngramcount/util.h"

#define NGC_PROGRESS_INTERVAL	0.1	/* seconds between redraws */
#define NGC_PROGRESS_BAR	20	/* characters in the bar */

void progress_init(struct progress *p, FILE *out)
{
	p->out = out;
	p->start = now_sec();
	p->last = 0;
	p->drawn = 0;
}

void progress_update(struct progress *p, uint64_t done, uint64_t total)
{
	char bar[NGC_PROGRESS_BAR + 1], d[32], t[32], rate[32];
	double now, elapsed, frac, speed;
	int fill;

	if (!p->out)
		return;
	now = now_sec();
	if (now - p->last < NGC_PROGRESS_INTERVAL)
		return;
	p->last = now;
	elapsed = now - p->start;
	frac = total ? (double)done / (double)total : 1.0;
	if (frac > 1)
		frac = 1;
	fill = (int)(frac * NGC_PROGRESS_BAR);
	for (int i = 0; i < NGC_PROGRESS_BAR; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[NGC_PROGRESS_BAR] = '\0';
	speed = elapsed > 0 ? (double)done / elapsed : 0;
	fmt_bytes(d, sizeof(d), (double)done);
	fmt_bytes(t, sizeof(t), (double)total);
	fmt_bytes(rate, sizeof(rate), speed);
	fprintf(p->out, "\r[%s] %3.0f%%  %s / %s  %s/s  ETA ", bar, frac * 100, d, t, rate);
	if (speed > 0 && done < total)
		fprintf(p->out, "%.0fs ", (double)(total - done) / speed);
	else
		fputs("-- ", p->out);
	fflush(p->out);
	p->drawn = 1;
}

void progress_end(struct progress *p)
{
	if (!p->out || !p->drawn)
		return;
	/* Blank the bar, then return to column 0. */
	fprintf(p->out, "\r%*s\r", 80, "");
	fflush(p->out);
	p->drawn = 0;
}
