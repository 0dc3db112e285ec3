/*
 * trace.c - the --trace timeline: Chrome Trace Event Format JSON, one
 * event per line, buffered and written to a temporary file that
 * trace_close renames into place. Recording a span costs one snprintf into
 * the buffer, and the run makes a few events per partition, so tracing
 * costs little (the "--trace" rows of bench/RESULTS.md).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ngramcount/trace.h"
#include "ngramcount/util.h"

#define NGC_TRACE_FLUSH	(256u << 10)	/* write the buffer past this size */
#define NGC_TRACE_EVENT	1024		/* room for one event, file name aside */

struct trace {
	struct afile file;	/* written whole or not at all */
	double start;		/* monotonic seconds of ts 0 */
	long pid;
	char *buf;		/* owned */
	size_t len, cap;
	int err;		/* first write error */
};

int trace_open(struct trace **out, const char *path, double start)
{
	struct afile file;
	struct trace *t;
	int err = afile_open(&file, path);

	if (err)
		return err;
	t = xcalloc(1, sizeof(*t));
	t->file = file;
	t->start = start;
	t->pid = (long)getpid();
	t->cap = NGC_TRACE_FLUSH + NGC_TRACE_EVENT;
	t->buf = xmalloc(t->cap);
	t->len = (size_t)snprintf(t->buf, t->cap,
				  "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n"
				  "{\"ph\":\"M\",\"pid\":%ld,\"tid\":0,\"name\":\"process_name\","
				  "\"args\":{\"name\":\"ngramcount\"}}", t->pid);
	*out = t;
	return 0;
}

static void flush(struct trace *t)
{
	if (!t->err)
		t->err = write_full(t->file.fd, t->buf, t->len);
	t->len = 0;
}

/* Make room for one event with a file name of n bytes; returns its start. */
static char *room(struct trace *t, size_t n)
{
	if (t->len > NGC_TRACE_FLUSH)
		flush(t);
	if (t->len + NGC_TRACE_EVENT + 6 * n > t->cap) {
		t->cap = t->len + NGC_TRACE_EVENT + 6 * n;
		t->buf = xrealloc(t->buf, t->cap);
	}
	return t->buf + t->len;
}

/* Microseconds since the start of the run. */
static double us(const struct trace *t, double sec)
{
	return (sec - t->start) * 1e6;
}

/* Append ,"args":{"file":...,ARGS}} and the line's end. */
__attribute__((format(printf, 3, 0)))
static void put_args(struct trace *t, const char *file, const char *args, va_list ap)
{
	char *p = t->buf + t->len;
	int sep = 0;

	p += sprintf(p, ",\"args\":{");
	if (file) {
		p = json_quote(stpcpy(p, "\"file\":"), file, strlen(file));
		sep = 1;
	}
	if (*args) {
		if (sep)
			*p++ = ',';
		p += vsnprintf(p, 256, args, ap);
	}
	p = stpcpy(p, "}}");
	t->len = (size_t)(p - t->buf);
}

void trace_track(struct trace *t, unsigned track, const char *fmt, ...)
{
	char name[128];
	va_list ap;

	if (!t)
		return;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	char *p = room(t, strlen(name));
	p += sprintf(p, ",\n{\"ph\":\"M\",\"pid\":%ld,\"tid\":%u,\"name\":\"thread_name\","
		     "\"args\":{\"name\":", t->pid, track);
	p = stpcpy(json_quote(p, name, strlen(name)), "}}");
	p += sprintf(p, ",\n{\"ph\":\"M\",\"pid\":%ld,\"tid\":%u,\"name\":\"thread_sort_index\","
		     "\"args\":{\"sort_index\":%u}}", t->pid, track, track);
	t->len = (size_t)(p - t->buf);
}

void trace_span(struct trace *t, unsigned track, const char *name, const char *file,
		double t0, double t1, const char *args, ...)
{
	va_list ap;

	if (!t)
		return;
	char *p = room(t, file ? strlen(file) : 0);
	t->len += (size_t)sprintf(p, ",\n{\"ph\":\"X\",\"pid\":%ld,\"tid\":%u,\"name\":\"%s\","
				  "\"ts\":%.3f,\"dur\":%.3f", t->pid, track, name, us(t, t0),
				  t1 > t0 ? (t1 - t0) * 1e6 : 0.0);
	va_start(ap, args);
	put_args(t, file, args, ap);
	va_end(ap);
}

void trace_async(struct trace *t, unsigned track, const char *name, unsigned id,
		 const char *file, double t0, double t1, const char *args, ...)
{
	va_list ap;

	if (!t)
		return;
	char *p = room(t, file ? strlen(file) : 0);
	t->len += (size_t)sprintf(p, ",\n{\"ph\":\"b\",\"cat\":\"%s\",\"id\":%u,\"pid\":%ld,"
				  "\"tid\":%u,\"name\":\"%s\",\"ts\":%.3f", name, id, t->pid,
				  track, name, us(t, t0));
	va_start(ap, args);
	put_args(t, file, args, ap);
	va_end(ap);
	t->len += (size_t)sprintf(t->buf + t->len, ",\n{\"ph\":\"e\",\"cat\":\"%s\",\"id\":%u,"
				  "\"pid\":%ld,\"tid\":%u,\"name\":\"%s\",\"ts\":%.3f}", name,
				  id, t->pid, track, name, us(t, t1 > t0 ? t1 : t0));
}

int trace_close(struct trace *t, int keep)
{
	int err;

	if (!t)
		return 0;
	memcpy(room(t, 0), "\n]}\n", 4);
	t->len += 4;
	flush(t);
	err = afile_close(&t->file, keep ? t->err : -ECANCELED);
	free(t->buf);
	free(t);
	return keep ? err : 0;
}
