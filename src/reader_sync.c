/*
 * reader_sync.c - the pread(2) backend: each read completes inside submit.
 * It is the fallback where io_uring is refused and the baseline that
 * --io sync measures against.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "ngramcount/reader.h"
#include "ngramcount/util.h"

struct sync_reader {
	struct reader r;
	struct read_req *done, **tail;	/* completed, oldest first */
};

static int sync_submit(struct reader *r, struct read_req *q)
{
	struct sync_reader *s = (struct sync_reader *)r;
	q->res = 0;
	while (q->got < q->len) {
		ssize_t n = q->stream ? read(q->fd, q->buf + q->got, q->ask - q->got)
				      : pread(q->fd, q->buf + q->got, q->ask - q->got,
					      (off_t)(q->off + q->got));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			q->res = -errno;
			break;
		}
		if (n == 0)
			break;
		q->got += (size_t)n;
	}
	if (q->got > q->len)
		q->got = q->len;	/* the file grew: keep what was stat()ed */
	q->done = now_sec();
	q->next = NULL;
	*s->tail = q;
	s->tail = &q->next;
	return 0;
}

static int sync_flush(struct reader *r)
{
	(void)r;
	return 0;
}

static unsigned sync_reap(struct reader *r, struct read_req **out, unsigned max)
{
	struct sync_reader *s = (struct sync_reader *)r;
	unsigned n = 0;
	while (n < max && s->done) {
		out[n++] = s->done;
		s->done = s->done->next;
	}
	if (!s->done)
		s->tail = &s->done;
	return n;
}

static void sync_free(struct reader *r)
{
	free(r);
}

static const struct reader_ops sync_ops = {
	.name = "sync",
	.submit = sync_submit,
	.flush = sync_flush,
	.reap = sync_reap,
	.free = sync_free,
};

int reader_sync_new(struct reader **out)
{
	struct sync_reader *s = xcalloc(1, sizeof(*s));
	s->r.ops = &sync_ops;
	s->r.event_fd = -1;
	s->tail = &s->done;
	*out = &s->r;
	return 0;
}
