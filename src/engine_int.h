/*
 * engine_int.h - the engine's shared state, private to its rooms:
 *   engine.c  the loop, setup and teardown, errors;
 *   inputs.c  argv -> files: listing, typing, LPT order, duplicates;
 *   chunks.c  pool slots: reads started and landed, partitions and seams;
 *   lanes.c   the workers: work handed out, replies, retries, timeouts;
 *   local.c   the -j 0 lane: the parent maps and inflates itself.
 * The invariants they keep together: docs/ARCHITECTURE.md, "What stays true".
 */
#ifndef NGRAMCOUNT_ENGINE_INT_H
#define NGRAMCOUNT_ENGINE_INT_H

#include <poll.h>
#include <sys/types.h>

#include "ngramcount/engine.h"
#include "ngramcount/fetch.h"
#include "ngramcount/gz.h"
#include "ngramcount/map.h"
#include "ngramcount/partition.h"
#include "ngramcount/pool.h"
#include "ngramcount/progress.h"
#include "ngramcount/reader.h"
#include "ngramcount/reduce.h"
#include "ngramcount/worker.h"


#define NGC_GZ_HOLD		2	/* slots one gzip stream may hold */
#define NGC_PLAIN_ACTIVE	4	/* plain files read at the same time */
#define NGC_REAP_BATCH		64
#define NGC_POLL_MS		100	/* also the progress redraw period */
/*
 * Plain partitions a worker holds: the one it maps and one waiting in its
 * pipe, so it does not stand idle while the parent merges a large result.
 */
#define NGC_WORKER_AHEAD	2

enum file_state { F_WAIT, F_ACTIVE, F_DONE };

struct chunk;

struct file {
	char *path;			/* owned */
	uint64_t size, nchunks;
	dev_t dev;			/* identity, to notice a file named twice */
	ino_t ino;
	uint64_t next_chunk;		/* next chunk to read */
	uint64_t chunks_read;
	int fd;				/* -1 unless reads remain */
	int gzip;			/* compressed: gzip, or zip when zip is set */
	int zip;
	int stream;			/* stdin, a FIFO or a URL: read in order */
	int sized;			/* its size is known (files; most URLs) */
	int url;			/* read through e->fx, as transfer xfer */
	unsigned xfer;
	int net_failed;			/* its download failed (fetch_error says why) */
	int typed;			/* gzip or not is known (streams: after chunk 0) */
	int counted;			/* its format is counted in run_stats */
	int from_dir;			/* found in a folder, not named */
	enum ngc_format fmt;		/* FMT_AUTO until known (gzip: the worker's reply) */
	int reading;			/* stream: a read is in flight */
	enum file_state state;
	unsigned held;			/* pool slots holding this file's bytes */
	/* plain files */
	struct partitioner part;
	uint64_t *lines;		/* per chunk: its seam line + partition lines */
	uint64_t lines_cap;		/* entries in lines */
	/* gzip files */
	unsigned gen;			/* bumped when the stream restarts */
	uint64_t seq;			/* task number, for --order submission */
	unsigned tries;			/* workers that died on this stream */
	unsigned worker;		/* assigned worker; nw means the parent */
	double started;			/* when it was assigned, for --trace */
	uint64_t next_deliver;		/* next chunk the worker gets */
	struct chunk *early;		/* read, waiting for earlier chunks */
	/* the first malformed line: chunk bad_k, line bad_i of that chunk */
	uint64_t bad, bad_k, bad_i;
	int bad_why;
};

struct chunk {
	struct read_req req;		/* must be first: the reader hands it back */
	struct file *f;
	uint64_t k;			/* chunk number in its file */
	unsigned slot;
	unsigned gen;			/* f->gen when the read started */
	uint64_t seq;			/* task number, for --order submission */
	unsigned tries;			/* workers that died on this partition */
	int at_worker;			/* gzip: sent, not yet released */
	double t_read;			/* when its read was submitted, for --trace */
	size_t part_off, part_len;	/* its partition */
	struct chunk *next;		/* ready queue or f->early */
};

struct wstate {
	struct chunk *plain[NGC_WORKER_AHEAD];	/* partitions sent, oldest (being
						   mapped) first */
	unsigned nplain;
	struct file *gz;		/* gzip stream being inflated */
	double heard;			/* when it last got work or answered */
	unsigned owed;			/* replies it owes: a worker owing none is
					   only waiting for input, never late */
	int timed_out;			/* killed for --task-timeout */
	int respawned;			/* started this turn: what poll saw on its
					   pipe was the old worker's */
};

struct engine {
	const struct config *c;
	struct run_stats *st;
	struct file *files;
	unsigned nfiles;
	unsigned *gz_order, ngz, next_gz;	/* gzip files, in assignment order */
	unsigned *plain_order, nplain, next_plain;
	struct file *active[NGC_PLAIN_ACTIVE];	/* plain files being read */
	unsigned rr;				/* round-robin among active files */

	struct bufpool pool;
	struct chunk *chunks;		/* one per slot */
	unsigned plain_held, plain_cap;
	struct chunk *ready, **ready_tail;	/* partitions for workers */

	struct reader *rd;
	struct fetcher *fx;		/* URL inputs' downloads, or NULL */
	struct worker_env env;		/* what a (re)spawned worker gets */
	struct pool workers;
	unsigned nw;
	struct wstate *ws;		/* [nw + 1]: [nw] is the parent */
	struct wbuf payload;
	struct pollfd *pfd;		/* [nw + 1] */
	uint64_t next_seq;		/* number of the next task handed out */

	struct reducer red;		/* the final table and how results reach it */
	struct table *t;		/* red.t: the final table; not owned */
	struct trace *tr;		/* --trace, or NULL; not owned */
	struct mapper pm;		/* the parent's: seams, -j 0 partitions */
	struct mapper gm;		/* the parent's gzip stream (-j 0), */
	struct table gt;		/* into its own table, merged when whole */
	struct worker_gz gtask;		/* its mapping and runs */
	struct gz gz;
	int gz_err;			/* its first error; then chunks are dropped */
	char *sniff;			/* a file's start (inflated), as format_sniff asks */
	struct gz lgz;			/* inflates compressed files' starts at listing */
	int lgz_ready;			/* lgz is initialised */
	size_t sniff_cap;

	uint64_t done_bytes;
	struct progress *prog;		/* the display; not owned */
	char *err;
	size_t errsize;
	int failed;
};

/* engine.c: errors. Each returns -1; the first message is kept. */
int engine_fail(struct engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int engine_fail_overflow(struct engine *e, const char *key, size_t len);
int engine_fail_spill(struct engine *e, const char *path, int err);
/*
 * Input path cannot be counted, for the reason in fmt. With --keep-going
 * it is skipped (noted for main, returns 0) if none of its counts have
 * reached the final table (whole): else the run fails (returns -1).
 */
int engine_skip_or_fail(struct engine *e, const char *path, int whole, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A failed task of f: a code from its MSG_RESULT (or the -j 0 lane's). */
int engine_task_error(struct engine *e, struct file *f, int err, uint64_t off,
		      const char *detail, size_t len);
/* Task seq's result (len 0: skipped) reaches the final table. */
int engine_reduce(struct engine *e, uint64_t seq, const char *payload, size_t len);
/* Task task of f completed with runs task runs of its own. */
int engine_adopt(struct engine *e, const char *path, uint64_t task, uint64_t runs,
		 uint64_t bytes);
/* Hand out work, start reads, take the reads done: progress made, or -1. */
int engine_pump(struct engine *e);

/* inputs.c */
/* List c->inputs into e->files, gzip ones in LPT order. 0 or -1. */
int inputs_list(struct engine *e);
/* Open f for reading. 0 or -1. */
int inputs_open(struct engine *e, struct file *f);
/* gzip, zip or plain, from f's first bytes. */
void inputs_set_container(struct file *f, const void *buf, size_t n);
/* A plain file's format from its first bytes (or --format): 0 or -1. */
/*
 * A plain file's format is known (sniffed, or --format given): check the
 * options fit it, say when the verdict is in doubt (note), and pass over a
 * file they do not count (totalcounts, or with --totals anything else).
 */
int inputs_typed(struct engine *e, struct file *f, enum ngc_format sniffed,
		 const struct sniff_note *note);
/* Many of the lines f's format was told from are of another shape: say so. */
void inputs_doubt(struct engine *e, const struct file *f, const struct sniff_note *note);
/* Count f's format; 1 if this run passes it over (map_skips). */
int inputs_count_format(struct engine *e, struct file *f);
/* Close and free every file, and the listing's inflater. */
void inputs_fini(struct engine *e);

/* chunks.c */
/* Give ch's slot back to the pool. */
void chunks_release(struct engine *e, struct chunk *ch);
/* bad malformed lines in f, the first at line i of chunk k. */
void chunks_note_bad(struct file *f, uint64_t bad, uint64_t k, uint64_t i, int why);
/* Start the reads there is room for: how many, or -1. */
int chunks_start_reads(struct engine *e);
/* Read ch landed: cut it (plain) or queue it for its worker (gzip). 0 or -1. */
int chunks_read_done(struct engine *e, struct chunk *ch);
/* The next partition ready for a worker, or NULL. */
struct chunk *chunks_pop_ready(struct engine *e);

/* lanes.c */
/* Hand idle workers what is ready: how many tasks, or -1. */
int lanes_dispatch(struct engine *e);
/* Send gzip file f's chunks that are next in file order to its lane. 0 or -1. */
int lanes_deliver_gz(struct engine *e, struct file *f);
/* Worker w has something on its pipe: read it and act. 0 or -1. */
int lanes_reply(struct engine *e, unsigned w);
/* Kill workers that have not answered for --task-timeout seconds. */
void lanes_check_timeouts(struct engine *e);

/* local.c: the -j 0 lane (nw == 0; the parent is lane e->nw). */
/* Map partition ch in the parent. 0 or -1. */
int local_map(struct engine *e, struct chunk *ch);
/* Start inflating gzip file f in the parent. 0 or -1. */
int local_gz_begin(struct engine *e, struct file *f);
/* f's next chunk ch in the parent, or its end (ch NULL). 0 or -1. */
int local_gz(struct engine *e, struct file *f, struct chunk *ch);

#endif
