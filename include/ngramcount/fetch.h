/*
 * fetch.h - URL inputs: HTTP(S) bodies into read requests, with libcurl's
 * multi interface inside the engine's one poll(2) (fetch_poll). A URL is
 * read front to back, one request at a time, like a pipe, but it can be
 * read again: a transfer cut short (reset, stall, 429, 5xx) resumes with a
 * Range request from the byte it reached, after a backoff with jitter; a
 * server that answers with 200 instead has the bytes already had skipped.
 * A request completes when it is full or the body ends, checked against
 * the size the probe found. With a cache folder each byte also goes to
 * .NAME.part beside DIR/HOST/PATH (a dot file: a folder read as input
 * passes it over), renamed to DIR/HOST/PATH when the body is whole.
 * Errors are values and messages; nothing here exits or prints.
 */
#ifndef NGRAMCOUNT_FETCH_H
#define NGRAMCOUNT_FETCH_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "ngramcount/reader.h"

#define NGC_FETCH_HEAD	(64u << 10)	/* bytes a probe asks for */
#define NGC_FETCH_UNKNOWN UINT64_MAX	/* a body's size the server did not say */

struct fetch_opts {
	unsigned connections;	/* transfers at once */
	unsigned retries;	/* tries after the first, per request */
	unsigned stall_timeout;	/* seconds without a byte: retried */
	const char *cache;	/* folder, or NULL */
};

struct fetch_stats {
	uint64_t bytes;		/* body bytes received, skipped ones too */
	uint64_t requests;	/* HTTP requests made, probes too */
	uint64_t retries;	/* requests that were a retry */
	uint64_t resumes;	/* of them, from a byte past 0 (Range) */
	uint64_t restarts;	/* Range answered with the whole body */
	uint64_t cache_hits;	/* files read from the cache */
	uint64_t cache_resumed;	/* bytes of .part files from earlier runs */
	unsigned busy;		/* transfers running now */
};

/* What a probe learned of a URL. */
struct fetch_probe {
	long http;		/* the last HTTP status, 0 if none came */
	uint64_t size;		/* the body's bytes, or NGC_FETCH_UNKNOWN */
	const char *head;	/* its first bytes (valid during the callback) */
	size_t nhead;
	const char *cached;	/* the whole file in the cache, or NULL */
	const char *err;	/* why it failed, or NULL */
};

struct fetcher;

/* Returns 0 or -errno (curl could not start). */
int fetch_new(struct fetcher **out, const struct fetch_opts *o);
void fetch_free(struct fetcher *fx);
/* Every request made, retried, resumed; every byte. */
const struct fetch_stats *fetch_stats(const struct fetcher *fx);

/*
 * Probe urls[0..n): a cached copy, or the first NGC_FETCH_HEAD bytes and
 * the size, connections at a time, each retried as a transfer is. done()
 * is called once a URL, in completion order; a nonzero return stops the
 * probes and is returned. Its connections are closed before it returns
 * (the engine forks its workers next). -EINTR if ngc_stop was set.
 */
typedef int (*fetch_probed)(void *ctx, unsigned i, const struct fetch_probe *p);
int fetch_probe(struct fetcher *fx, char *const *urls, unsigned n, fetch_probed done,
		void *ctx);

/*
 * A URL to read, of size bytes (the probe's); returns its id. A transfer
 * that yields lets go of its connection while it is paused (no request,
 * its spare full) and a request waits for one, and resumes by Range later:
 * the waiting request holds a pool slot, and the paused transfer may be
 * waiting for a slot (a plain file's partitions wait for workers busy with
 * gzip files that wait for bytes). A gzip file's transfer waits only for
 * its own worker: it need not yield.
 */
unsigned fetch_add(struct fetcher *fx, const char *url, uint64_t size, int yields);
/*
 * A request for URL id would start at once: its transfer holds a
 * connection, needs none, or one is free. A request of a yielding URL is
 * made only then, so it never holds a slot while it waits.
 */
int fetch_ready(const struct fetcher *fx, unsigned id);
/*
 * Fill q with URL id's bytes from q->off (the byte after the last request,
 * or 0 to start again). It completes (fetch_reap) when full, short at the
 * body's end, or with q->res = -EIO when the URL failed: fetch_error says
 * why. 0 or -errno.
 */
int fetch_submit(struct fetcher *fx, unsigned id, struct read_req *q);
/* Stop URL id's transfer; returns its request in flight (not reaped), or NULL. */
struct read_req *fetch_cancel(struct fetcher *fx, unsigned id);
/* Why URL id failed. */
const char *fetch_error(const struct fetcher *fx, unsigned id);
/* Move up to max completed requests to out. */
unsigned fetch_reap(struct fetcher *fx, struct read_req **out, unsigned max);
/* Transfers to run: 1 if fetch_poll should be called rather than poll(2). */
int fetch_active(const struct fetcher *fx);
/*
 * poll(2) on pfd[0..n) and the transfers' sockets for at most timeout_ms,
 * then move the transfers on (retries whose time came, stalls). Returns
 * what poll(2) would, -1 with errno.
 */
int fetch_poll(struct fetcher *fx, struct pollfd *pfd, unsigned n, int timeout_ms);
/* Leave no .part file of this run behind (an interrupted run). */
void fetch_drop_parts(struct fetcher *fx);

/* The cache's path for url (DIR/HOST/PATH), malloc'ed; NULL if url has no host. */
char *fetch_cache_path(const char *dir, const char *url);
/* url starts with http:// or https:// */
int fetch_is_url(const char *s);

#endif
