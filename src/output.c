/*
 * output.c - sort the final table and write it. Lines are formatted into
 * one large buffer and written with write(2): no stdio per line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ngramcount/output.h"
#include "ngramcount/trace.h"
#include "ngramcount/util.h"

#define NGC_OUT_BUF	(1u << 20)

static int write_sorted(int fd, const struct table *t, struct trace *tr)
{
	double t0 = now_sec();
	const struct ngram **v = table_sorted(t);
	double t1 = now_sec();
	char *buf = xmalloc(NGC_OUT_BUF);
	size_t used = 0;
	uint64_t bytes = 0;
	int err = 0;

	trace_span(tr, TRACK_OUTPUT, "sort", NULL, t0, t1, "\"keys\":%zu", t->count);
	for (size_t i = 0; i < t->count && !err; i++) {
		const struct ngram *g = v[i];
		size_t need = g->len + 22;
		if (used + need > NGC_OUT_BUF) {
			err = ngc_stop ? -EINTR : write_full(fd, buf, used);
			bytes += used;
			used = 0;
		}
		if (need > NGC_OUT_BUF) {
			/* A key larger than the buffer goes out directly. */
			if (!err)
				err = write_full(fd, g->key, g->len);
			bytes += g->len;
		} else {
			memcpy(buf + used, g->key, g->len);
			used += g->len;
		}
		buf[used++] = '\t';
		used += fmt_u64(buf + used, g->count);
		buf[used++] = '\n';
	}
	if (!err)
		err = ngc_stop ? -EINTR : write_full(fd, buf, used);
	bytes += used;
	trace_span(tr, TRACK_OUTPUT, "write", NULL, t1, now_sec(), "\"bytes\":%llu",
		   (unsigned long long)bytes);
	free(buf);
	free(v);
	return err;
}

int output_write(const struct table *t, const char *path, struct trace *tr)
{
	char *tmp;
	int fd;

	if (!path)
		return write_sorted(STDOUT_FILENO, t, tr);
	if ((fd = afile_open(path, &tmp)) < 0)
		return fd;
	return afile_close(fd, tmp, path, write_sorted(fd, t, tr));
}
