/*
 * reader_uring.c - the io_uring backend: one ring in the parent, up to qd
 * reads in flight across many files, plain ones done by the ring's kernel
 * threads.
 * Submission is batched: submit only queues an SQE; flush makes one
 * io_uring_submit() for all of them.
 * Completions raise an eventfd, so the parent can wait on reads and
 * worker pipes with one poll(2).
 */
#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ngramcount/reader.h"
#include "ngramcount/util.h"

struct uring_reader {
	struct reader r;
	struct io_uring ring;
	unsigned queued;	/* SQEs not yet submitted */
};

static int uring_flush(struct reader *r)
{
	struct uring_reader *u = (struct uring_reader *)r;
	while (u->queued) {
		int n = io_uring_submit(&u->ring);
		if (n < 0) {
			if (n == -EINTR || n == -EAGAIN)
				continue;
			return n;
		}
		u->r.st.submits++;
		u->queued -= (unsigned)n < u->queued ? (unsigned)n : u->queued;
	}
	return 0;
}

static int uring_queue(struct uring_reader *u, struct read_req *q)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
	if (!sqe) {
		int err = uring_flush(&u->r);
		if (err)
			return err;
		sqe = io_uring_get_sqe(&u->ring);
		if (!sqe)
			return -EBUSY;
	}
	io_uring_prep_read(sqe, q->fd, q->buf + q->got, (unsigned)(q->ask - q->got),
			   q->stream ? (uint64_t)-1 : q->off + q->got);
	io_uring_sqe_set_data(sqe, q);
	/*
	 * Plain text to the ring's kernel threads (io-wq): a read the page
	 * cache holds would otherwise be copied inside io_uring_submit(), by
	 * the parent, one after another; there the copies run beside its
	 * merging. A gzip file's compressed bytes are a fifth as many, and
	 * a thread's wakeups cost the parent more than their copy; a pipe's
	 * read waits on the ring's poll instead of blocking a thread.
	 */
	if (q->bulk)
		io_uring_sqe_set_flags(sqe, IOSQE_ASYNC);
	u->queued++;
	u->r.st.sqes++;
	return 0;
}

static int uring_submit(struct reader *r, struct read_req *q)
{
	q->res = 0;
	return uring_queue((struct uring_reader *)r, q);
}

static unsigned uring_reap(struct reader *r, struct read_req **out, unsigned max)
{
	struct uring_reader *u = (struct uring_reader *)r;
	struct io_uring_cqe *cqe;
	unsigned n = 0;
	uint64_t ev;

	/* Clear the eventfd before looking, so a later completion re-arms it. */
	(void)!read(u->r.event_fd, &ev, sizeof(ev));
	while (n < max && io_uring_peek_cqe(&u->ring, &cqe) == 0) {
		struct read_req *q = io_uring_cqe_get_data(cqe);
		int res = cqe->res;
		io_uring_cqe_seen(&u->ring, cqe);
		if (res == -EINTR || res == -EAGAIN ||
		    (res > 0 && (q->got += (size_t)res) < q->len)) {
			/* Interrupted or short: ask again for the rest. */
			int err = uring_queue(u, q);
			if (!err)
				continue;
			res = err;
		}
		if (res < 0)
			q->res = res;
		if (q->got > q->len)
			q->got = q->len;	/* the file grew: keep what was stat()ed */
		q->done = now_sec();
		out[n++] = q;
	}
	return n;
}

static void uring_free(struct reader *r)
{
	struct uring_reader *u = (struct uring_reader *)r;
	io_uring_queue_exit(&u->ring);
	close(u->r.event_fd);
	free(u);
}

static const struct reader_ops uring_ops = {
	.name = "io_uring",
	.submit = uring_submit,
	.flush = uring_flush,
	.reap = uring_reap,
	.free = uring_free,
};

int reader_uring_new(struct reader **out, unsigned qd)
{
	struct uring_reader *u = xcalloc(1, sizeof(*u));
	int err = io_uring_queue_init(qd, &u->ring, 0);
	if (err) {
		free(u);
		return err;
	}
	u->r.event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (u->r.event_fd < 0 ||
	    (err = io_uring_register_eventfd(&u->ring, u->r.event_fd)) < 0) {
		err = u->r.event_fd < 0 ? -errno : err;
		if (u->r.event_fd >= 0)
			close(u->r.event_fd);
		io_uring_queue_exit(&u->ring);
		free(u);
		return err;
	}
	u->r.ops = &uring_ops;
	*out = &u->r;
	return 0;
}
