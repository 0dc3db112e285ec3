/*
 * reader.h - the read stage: file bytes -> slots of a bounded buffer pool.
 *
 * The pool is one shared mapping made before fork(): a worker maps a
 * partition straight out of the slot the kernel read into, and a read
 * starts only with a free slot in hand (the backpressure). Two backends,
 * chosen once by reader_new(): io_uring or pread(2). A short read is
 * resubmitted for the rest; a read that returns 0 ends early (EOF).
 */
#ifndef NGRAMCOUNT_READER_H
#define NGRAMCOUNT_READER_H

#include <stddef.h>
#include <stdint.h>

struct bufpool {
	char *base;		/* nslots * size bytes, MAP_SHARED; owned */
	size_t size;		/* bytes per slot */
	unsigned nslots;
	unsigned *free;		/* stack of free slot numbers; owned */
	unsigned nfree;
};

/* Returns 0 or -errno. */
int bufpool_init(struct bufpool *p, unsigned nslots, size_t size);
void bufpool_fini(struct bufpool *p);
/* A free slot number, or -1 when none is free. */
int bufpool_get(struct bufpool *p);
void bufpool_put(struct bufpool *p, unsigned slot);
static inline char *bufpool_ptr(const struct bufpool *p, unsigned slot)
{
	return p->base + (size_t)slot * p->size;
}

/*
 * O_DIRECT (--direct) reads whole blocks into aligned memory: offsets and
 * lengths are multiples of this, and the pool's slots are page-aligned.
 */
#define NGC_DIRECT_ALIGN	4096

struct read_req {
	int fd;
	char *buf;
	uint64_t off;		/* file offset of buf[0] */
	size_t len;		/* bytes wanted */
	size_t ask;		/* bytes asked for: len, rounded up to a block
				   for O_DIRECT (the read ends short at EOF) */
	size_t got;		/* bytes read so far; final when complete */
	int stream;		/* a pipe: read at the file position, not off */
	int bulk;		/* plain text from a file: its copy is worth a
				   kernel thread of its own (io_uring) */
	int res;		/* once complete: 0 or -errno */
	double done;		/* when it completed (now_sec()), for --trace */
	struct read_req *next;	/* backend's completion list */
};

enum io_mode { IO_URING, IO_SYNC };

struct reader_stats {
	uint64_t reads;		/* read requests completed */
	uint64_t sqes;		/* io_uring submission entries queued */
	uint64_t submits;	/* io_uring_submit() calls that queued entries */
};

struct reader;

struct reader_ops {
	const char *name;
	/* Queue a read; the uring backend starts it at the next flush. */
	int (*submit)(struct reader *r, struct read_req *q);
	int (*flush)(struct reader *r);
	/*
	 * Move up to max completed requests to out; never blocks. The rest
	 * of a short read is queued again: flush after reaping.
	 */
	unsigned (*reap)(struct reader *r, struct read_req **out, unsigned max);
	void (*free)(struct reader *r);
};

struct reader {
	const struct reader_ops *ops;
	unsigned inflight;		/* submitted, not yet reaped */
	int event_fd;			/* readable when completions wait; -1: none */
	struct reader_stats st;
};

/*
 * A reader of the wanted mode with up to qd reads in flight. When io_uring
 * is refused by the kernel (seccomp, io_uring_disabled, old kernel), the
 * sync backend is returned and *fell_back is set to the -errno seen.
 * Returns 0 or -errno.
 */
int reader_new(struct reader **out, enum io_mode mode, unsigned qd, int *fell_back);

static inline int reader_submit(struct reader *r, struct read_req *q)
{
	int err = r->ops->submit(r, q);
	if (!err)
		r->inflight++;
	return err;
}

static inline int reader_flush(struct reader *r)
{
	return r->ops->flush(r);
}

static inline unsigned reader_reap(struct reader *r, struct read_req **out, unsigned max)
{
	unsigned n = r->ops->reap(r, out, max);
	r->inflight -= n;
	r->st.reads += n;
	return n;
}

static inline void reader_free(struct reader *r)
{
	if (r)
		r->ops->free(r);
}

/* Backends; reader_new() picks one. */
int reader_uring_new(struct reader **out, unsigned qd);
int reader_sync_new(struct reader **out);

#endif
