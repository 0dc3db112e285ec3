/*
 * progress.c - the progress display (progress.h). It only ever writes to
 * its stream, and only while enabled; the CLI decides whether stderr is a
 * terminal. The line is composed whole, then cut to the terminal's width.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ngramcount/progress.h"
#include "ngramcount/util.h"

#define NGC_PROGRESS_INTERVAL	0.1	/* seconds between redraws */
#define NGC_PROGRESS_WIDTH	80	/* columns when out is no terminal */

static volatile sig_atomic_t resized = 1;

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

static unsigned term_width(FILE *out)
{
	struct winsize ws;
	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return NGC_PROGRESS_WIDTH;
}

void progress_init(struct progress *p, FILE *out)
{
	*p = (struct progress){ .out = out, .width = NGC_PROGRESS_WIDTH };
	p->start = now_sec();
	if (out && isatty(fileno(out))) {
		struct sigaction sa = { .sa_handler = on_winch, .sa_flags = SA_RESTART };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGWINCH, &sa, NULL);
		p->tty = 1;
	}
}

/* "h:mm:ss", or "m:ss" under an hour. */
static void fmt_time(char *buf, size_t size, double secs)
{
	unsigned long s = secs > 0 ? (unsigned long)(secs + 0.5) : 0;
	if (s >= 3600)
		snprintf(buf, size, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%lu:%02lu", s / 60, s % 60);
}

/* Append " text" to buf if it still fits in cols columns (ASCII: a byte a column). */
static void add(char *buf, size_t size, unsigned cols, const char *text)
{
	size_t len = strlen(buf);
	if (len + 2 + strlen(text) <= cols && len + 2 + strlen(text) < size)
		snprintf(buf + len, size - len, "%s%s", len ? "  " : "", text);
}

void progress_line(char *buf, size_t size, unsigned width, double elapsed,
		   const struct progress_state *s)
{
	unsigned cols = width > 1 ? width - 1 : 0;	/* the last column would wrap */
	char part[96], a[32], b[32];
	double speed = elapsed > 0 ? (double)s->bytes / elapsed : 0;

	*buf = '\0';
	if (s->total_known) {
		double frac = s->total ? (double)s->bytes / (double)s->total : 1.0;
		frac = frac > 1 ? 1 : frac;
		/* The bar takes what the numbers leave, between 10 and 30 columns. */
		unsigned bar = cols > 70 ? 30 : cols > 50 ? 20 : cols > 40 ? 10 : 0;
		if (s->downloads)	/* the network's part needs 20 more */
			bar = cols > 110 ? 30 : cols > 50 ? 10 : 0;
		if (bar) {
			unsigned fill = (unsigned)(frac * bar);
			part[0] = '[';
			for (unsigned i = 0; i < bar; i++)
				part[1 + i] = i < fill ? '#' : '.';
			snprintf(part + 1 + bar, sizeof(part) - 1 - bar, "] %3.0f%%", frac * 100);
		} else {
			snprintf(part, sizeof(part), "%3.0f%%", frac * 100);
		}
		add(buf, size, cols, part);
	} else {
		static const char spinner[] = "|/-\\";
		snprintf(part, sizeof(part), "%c", spinner[(unsigned)(elapsed * 10) % 4]);
		add(buf, size, cols, part);
	}
	snprintf(part, sizeof(part), "%u/%u files", s->files, s->nfiles);
	add(buf, size, cols, part);
	fmt_bytes(a, sizeof(a), (double)s->bytes);
	if (s->total_known) {
		fmt_bytes(b, sizeof(b), (double)s->total);
		snprintf(part, sizeof(part), "%s / %s", a, b);
	} else {
		snprintf(part, sizeof(part), "%s", a);
	}
	add(buf, size, cols, part);
	fmt_bytes(a, sizeof(a), s->downloads ? (elapsed > 0 ? (double)s->downloaded / elapsed : 0)
						: speed);
	int len = snprintf(part, sizeof(part), "%s%s/s", s->downloads ? "net " : "", a);
	if (s->downloads)	/* URL inputs: the network's rate, connections, retries */
		len += snprintf(part + len, sizeof(part) - (size_t)len, " on %u", s->connections);
	if (s->retries)
		snprintf(part + len, sizeof(part) - (size_t)len, ", %llu retried",
			 (unsigned long long)s->retries);
	add(buf, size, cols, part);
	if (s->total_known && speed > 0 && s->bytes < s->total) {
		fmt_time(a, sizeof(a), (double)(s->total - s->bytes) / speed);
		snprintf(part, sizeof(part), "ETA %s", a);
		add(buf, size, cols, part);
	}
	if (s->inflated) {
		fmt_bytes(a, sizeof(a), (double)s->inflated);
		snprintf(part, sizeof(part), "(%s of text inflated)", a);
		add(buf, size, cols, part);
	}
}

/* Put line on screen over the last one: erase what is left of that. */
static void draw(struct progress *p, const char *line)
{
	size_t len = strlen(line);
	if (p->tty)
		fprintf(p->out, "\r%s\033[K", line);
	else
		fprintf(p->out, "\r%s%*s", line, p->drawn > len ? (int)(p->drawn - len) : 0, "");
	fflush(p->out);
	p->drawn = len ? len : 1;
}

int progress_due(struct progress *p)
{
	double now = now_sec();
	if (!p->out || now - p->last < NGC_PROGRESS_INTERVAL)
		return 0;
	p->last = now;
	if (p->tty && resized) {
		resized = 0;
		p->width = term_width(p->out);
	}
	return 1;
}

void progress_update(struct progress *p, const struct progress_state *s)
{
	char line[512];
	progress_line(line, sizeof(line), p->width, now_sec() - p->start, s);
	draw(p, line);
}

void progress_phase(struct progress *p, const char *what)
{
	static const char spinner[] = "|/-\\";
	char line[512];
	double now = now_sec();

	if (!p->out)
		return;
	if (what != p->phase) {
		p->phase = what;
		p->phase_start = now;
		p->last = 0;	/* draw the new phase at once */
	}
	if (!progress_due(p))
		return;
	char t[32];
	fmt_time(t, sizeof(t), now - p->phase_start);
	snprintf(line, sizeof(line), "%c %s  %s", spinner[p->spin++ % 4], what, t);
	if (p->width > 1 && strlen(line) > p->width - 1)
		line[p->width - 1] = '\0';
	draw(p, line);
}

void progress_end(struct progress *p)
{
	if (!p->out || !p->drawn)
		return;
	/* Erase the line, then return to column 0. */
	if (p->tty)
		fputs("\r\033[K", p->out);
	else
		fprintf(p->out, "\r%*s\r", (int)p->drawn, "");
	fflush(p->out);
	p->drawn = 0;
}
