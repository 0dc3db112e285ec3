/*
 * fetch.c - URL inputs over libcurl's multi interface, driven by the
 * engine's poll(2): curl says which sockets to watch (on_socket) and when
 * to wake it (on_timer); fetch_poll polls them beside the engine's fds.
 * A transfer per URL, one request of the engine's at a time; bytes past
 * the request wait in a spare buffer, and past that the transfer pauses
 * (a plain file's, paused, yields its connection to a request that waits).
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ngramcount/fetch.h"
#include "ngramcount/util.h"

#define NGC_BACKOFF_BASE	0.25	/* seconds before the first retry */
#define NGC_BACKOFF_MAX		30.0
#define NGC_RETRY_AFTER_MAX	60.0	/* the most of a server's Retry-After heeded */
#define NGC_CURL_BUFFER		(256L << 10)

enum xstate {
	X_IDLE,		/* no request yet, or between them */
	X_QUEUED,	/* waiting for a connection */
	X_RUNNING,
	X_BACKOFF,	/* waiting to try again at due */
	X_DONE,		/* the whole body is in */
	X_FAILED,
};

struct xfer {
	struct fetcher *fx;
	char *url;
	unsigned id;
	long http;		/* the last answer's status */
	enum xstate state;
	uint64_t size;		/* the body's bytes, or NGC_FETCH_UNKNOWN */
	uint64_t pos;		/* bytes of the body received (spare's too) */
	uint64_t start;		/* where the running request started */
	uint64_t skip;		/* bytes of a 200 answer already had */
	CURL *h;
	struct read_req *q;	/* the engine's request being filled */
	char *spare;		/* received bytes past q */
	size_t nspare, spare_cap;
	int paused, checked;
	int yields;		/* lets go of its connection when paused */
	unsigned tries;		/* retries of this request so far */
	struct xfer *qnext;	/* the connection queue */
	int queued;		/* in it (its state may have moved on) */
	unsigned live;		/* its index in fx->live while it runs */
	double due, heard;	/* retry time; last byte or start */
	double retry_after;	/* the server's Retry-After, seconds */
	uint64_t range_from, range_total;	/* Content-Range of the answer */
	int has_range;
	/* the cache */
	char *cache;		/* DIR/HOST/PATH, or NULL */
	char *part;		/* DIR/HOST/DIRS/.NAME.part, written first */
	int fd;			/* the part, or -1 */
	uint64_t disk;		/* bytes 0..disk are in the .part */
	/* a probe */
	int probe;
	char *head;		/* while the probe runs */
	size_t nhead;
	int head_full;		/* stopped on purpose: enough bytes */
	int reported;		/* the probe's callback has had it */
	char err[256];
};

struct fetcher {
	struct fetch_opts o;
	CURLM *m;
	struct xfer **x;	/* by id */
	unsigned nx;
	unsigned running;	/* requests holding a connection: live[] */
	struct xfer **live;
	struct xfer *qhead, *qtail;	/* waiting for a connection, in turn */
	unsigned backoffs;	/* in X_BACKOFF */
	struct read_req *done, **done_tail;
	struct pollfd *socks;	/* what curl asked to watch */
	unsigned nsocks, socks_cap;
	struct pollfd *all;	/* the engine's fds, then socks */
	unsigned all_cap;
	double timer;		/* when curl wants to be woken; 0: never */
	struct fetch_stats st;
};

int fetch_is_url(const char *s)
{
	return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

char *fetch_cache_path(const char *dir, const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;
	char *path;

	if (!p || !p[3] || p[3] == '/')
		return NULL;
	p += 3;
	n = strcspn(p, "?#");
	size_t d = strlen(dir);
	path = xmalloc(d + n + 2);
	memcpy(path, dir, d);
	path[d] = '/';
	memcpy(path + d + 1, p, n);
	path[d + 1 + n] = '\0';
	/* ".." would leave the folder: it becomes "__". */
	for (char *s = path + strlen(dir); (s = strstr(s, "/..")); s += 3)
		if (s[3] == '/' || !s[3])
			memcpy(s + 1, "__", 2);
	return path;
}

static int mkdirs(char *path)
{
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		int r = mkdir(path, 0777);
		*s = '/';
		if (r < 0 && errno != EEXIST)
			return -errno;
	}
	return 0;
}

/*
 * x's cache file as it is written: .NAME.part beside DIR/HOST/PATH, a dot
 * file, so a folder of cached files read as input passes it over.
 */
static char *part_path(const char *cache)
{
	size_t n = strlen(cache), dir = (size_t)(strrchr(cache, '/') - cache) + 1;
	char *part = xmalloc(n + 7);
	memcpy(part, cache, dir);
	part[dir] = '.';
	memcpy(part + dir + 1, cache + dir, n - dir);
	memcpy(part + n + 1, ".part", 6);
	return part;
}

static void xfail_msg(struct xfer *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void xfail_msg(struct xfer *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->err, sizeof(x->err), fmt, ap);
	va_end(ap);
}

static void set_state(struct fetcher *fx, struct xfer *x, enum xstate st)
{
	fx->backoffs += (st == X_BACKOFF) - (x->state == X_BACKOFF);
	x->state = st;
}

static void complete(struct fetcher *fx, struct xfer *x, int res)
{
	struct read_req *q = x->q;
	if (!q)
		return;
	x->q = NULL;
	q->res = res;
	q->done = now_sec();
	q->next = NULL;
	*fx->done_tail = q;
	fx->done_tail = &q->next;
}

/* The cache's .part is whole: it becomes the file. */
static void cache_finish(struct xfer *x)
{
	if (x->fd >= 0 && x->disk == x->pos && fdatasync(x->fd) == 0)
		(void)rename(x->part, x->cache);
}

static void stop(struct fetcher *fx, struct xfer *x)
{
	if (!x->h)
		return;
	curl_multi_remove_handle(fx->m, x->h);
	curl_easy_cleanup(x->h);
	x->h = NULL;
	x->paused = 0;
	fx->live[x->live] = fx->live[--fx->running];
	fx->live[x->live]->live = x->live;
}

/* Is this curl result worth another try? */
static int transient(CURLcode code, long http)
{
	switch (code) {
	case CURLE_HTTP_RETURNED_ERROR:
		return http == 408 || http == 429 || http >= 500;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/*
 * The request failed (x->err says how): try again after a backoff if it
 * may pass and tries remain, else the URL has failed.
 */
static void retry_or_fail(struct fetcher *fx, struct xfer *x, int again)
{
	stop(fx, x);
	if (again && x->tries < fx->o.retries) {
		double d = NGC_BACKOFF_BASE * (double)(1u << (x->tries < 16 ? x->tries : 16));
		d = d > NGC_BACKOFF_MAX ? NGC_BACKOFF_MAX : d;
		d = d / 2 + d / 2 * ((double)rand() / RAND_MAX);	/* jitter */
		if (x->retry_after > d)
			d = x->retry_after < NGC_RETRY_AFTER_MAX ? x->retry_after
								 : NGC_RETRY_AFTER_MAX;
		x->tries++;
		set_state(fx, x, X_BACKOFF);
		x->due = now_sec() + d;
		return;
	}
	if (again)
		snprintf(x->err + strlen(x->err), sizeof(x->err) - strlen(x->err),
			 " (after %u retries)", x->tries);
	set_state(fx, x, X_FAILED);
	complete(fx, x, -EIO);
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	size_t len = size * n;
	unsigned long long a, b, t;
	char line[256];

	if (len >= sizeof(line))
		return len;
	memcpy(line, p, len);
	line[len] = '\0';
	if (!strncmp(line, "HTTP/", 5)) {	/* a new answer (after a redirect) */
		x->has_range = 0;
		x->retry_after = 0;
	} else if (!strncasecmp(line, "Content-Range:", 14)) {
		if (sscanf(line + 14, " bytes %llu-%llu/%llu", &a, &b, &t) == 3) {
			x->has_range = 1;
			x->range_from = a;
			x->range_total = t;
		} else if (sscanf(line + 14, " bytes */%llu", &t) == 1) {
			x->range_total = t;
		}
	} else if (!strncasecmp(line, "Retry-After:", 12)) {
		x->retry_after = strtod(line + 12, NULL);
	}
	return len;
}

/* The answer's status and size, at its first body bytes: 0, or -1 with x->err. */
static int check_answer(struct xfer *x)
{
	long http = 0;
	curl_off_t clen = -1;
	uint64_t size;

	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &http);
	curl_easy_getinfo(x->h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &clen);
	x->checked = 1;
	x->http = http;
	if (http == 206 && x->has_range) {
		if (x->range_from != x->start) {
			xfail_msg(x, "asked for bytes from %llu, the server sent them from %llu",
				  (unsigned long long)x->start, (unsigned long long)x->range_from);
			return -1;
		}
		size = x->range_total;
	} else {
		x->skip = x->start;	/* 200: the whole body again */
		x->fx->st.restarts += x->start > 0;
		size = clen >= 0 ? (uint64_t)clen : NGC_FETCH_UNKNOWN;
	}
	if (x->probe) {
		x->size = size;
	} else if (size != x->size && size != NGC_FETCH_UNKNOWN && x->size != NGC_FETCH_UNKNOWN) {
		xfail_msg(x, "its size changed from %llu to %llu bytes while it was read",
			  (unsigned long long)x->size, (unsigned long long)size);
		return -1;
	}
	return 0;
}

/* Bytes received for x at x->pos: to the cache, then to q or the spare. */
static int take(struct xfer *x, const char *p, size_t len)
{
	if (x->fd >= 0 && x->disk == x->pos) {
		for (size_t done = 0; done < len;) {
			ssize_t w = pwrite(x->fd, p + done, len - done, (off_t)(x->pos + done));
			if (w < 0) {
				xfail_msg(x, "writing %s: %s", x->part, strerror(errno));
				return -1;
			}
			done += (size_t)w;
		}
		x->disk += len;
	}
	x->pos += len;
	x->fx->st.bytes += len;
	struct read_req *q = x->q;
	if (q && !x->nspare) {
		size_t n = q->len - q->got < len ? q->len - q->got : len;
		memcpy(q->buf + q->got, p, n);
		q->got += n;
		p += n;
		len -= n;
		if (q->got == q->len)
			complete(x->fx, x, 0);
	}
	if (len) {
		if (x->nspare + len > x->spare_cap) {
			x->spare_cap = x->nspare + len;
			x->spare = xrealloc(x->spare, x->spare_cap);
		}
		memcpy(x->spare + x->nspare, p, len);
		x->nspare += len;
	}
	return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	size_t len = size * n;

	if (!x->checked && check_answer(x))
		return 0;
	if (x->probe) {
		size_t room = NGC_FETCH_HEAD - x->nhead;
		size_t take_n = len < room ? len : room;
		memcpy(x->head + x->nhead, p, take_n);
		x->nhead += take_n;
		x->fx->st.bytes += take_n;
		x->heard = now_sec();
		if (x->nhead < NGC_FETCH_HEAD)
			return len;
		x->head_full = 1;
		return 0;	/* enough: stop here */
	}
	/* Nowhere to put more: hold it until the engine asks again (tick may let it go). */
	if (!x->q && x->nspare) {
		x->paused = 1;
		return CURL_WRITEFUNC_PAUSE;
	}
	x->heard = now_sec();
	if (x->skip) {
		size_t s = x->skip < len ? (size_t)x->skip : len;
		x->skip -= s;
		p += s;
		len -= s;
	}
	return len && take(x, p, len) ? 0 : size * n;
}

static int start(struct fetcher *fx, struct xfer *x)
{
	char range[48];
	CURL *h = curl_easy_init();

	if (!h)
		return -ENOMEM;
	if (x->probe && !x->head)
		x->head = xmalloc(NGC_FETCH_HEAD);
	x->h = h;
	x->start = x->pos;
	x->checked = x->has_range = x->paused = 0;
	x->skip = 0;
	x->retry_after = 0;
	x->err[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, x->url);
	curl_easy_setopt(h, CURLOPT_PRIVATE, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)fx->o.stall_timeout);
	curl_easy_setopt(h, CURLOPT_BUFFERSIZE, NGC_CURL_BUFFER);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "ngramcount");
	if (x->probe)
		snprintf(range, sizeof(range), "0-%u", NGC_FETCH_HEAD - 1);
	else
		snprintf(range, sizeof(range), "%llu-", (unsigned long long)x->pos);
	if (x->probe || x->pos)
		curl_easy_setopt(h, CURLOPT_RANGE, range);
	if (curl_multi_add_handle(fx->m, h) != CURLM_OK) {
		curl_easy_cleanup(h);
		x->h = NULL;
		return -ENOMEM;
	}
	set_state(fx, x, X_RUNNING);
	x->heard = now_sec();
	x->live = fx->running;
	fx->live[fx->running++] = x;
	fx->st.requests++;
	if (x->tries) {
		fx->st.retries++;
		fx->st.resumes += x->pos > 0;
	}
	return 0;
}

/* A paused transfer that yields lets go of its connection for a request that waits. */
static void preempt(struct fetcher *fx)
{
	for (unsigned i = 0; fx->running == fx->o.connections && i < fx->running; i++) {
		struct xfer *x = fx->live[i];
		if (x->yields && x->paused && !x->q) {
			stop(fx, x);	/* keeps pos and the spare: resumed by Range */
			set_state(fx, x, X_IDLE);
			return;
		}
	}
}

/* Start what waits for a connection, in turn, while connections are free. */
static void start_queued(struct fetcher *fx)
{
	while (fx->qhead && fx->qhead->state != X_QUEUED) {	/* cancelled while it waited */
		fx->qhead->queued = 0;
		if (!(fx->qhead = fx->qhead->qnext))
			fx->qtail = NULL;
	}
	if (fx->qhead)
		preempt(fx);
	while (fx->running < fx->o.connections && fx->qhead) {
		struct xfer *x = fx->qhead;
		if (!(fx->qhead = x->qnext))
			fx->qtail = NULL;
		x->queued = 0;
		if (x->state != X_QUEUED)
			continue;	/* cancelled while it waited */
		if (start(fx, x)) {
			xfail_msg(x, "cannot start a transfer");
			retry_or_fail(fx, x, 0);
		}
	}
}

/* x waits for a connection: behind the others, or first (a retry keeps its turn). */
static void enqueue(struct fetcher *fx, struct xfer *x, int first)
{
	set_state(fx, x, X_QUEUED);
	if (x->queued)
		return;
	x->queued = 1;
	if (first || !fx->qhead) {
		x->qnext = fx->qhead;
		fx->qhead = x;
		if (!fx->qtail)
			fx->qtail = x;
	} else {
		x->qnext = NULL;
		fx->qtail->qnext = x;
		fx->qtail = x;
	}
}

/*
 * Fill x's request from what is here (the spare, the cache's .part), then
 * complete it, or make sure a transfer is on its way for the rest.
 */
static void feed(struct fetcher *fx, struct xfer *x)
{
	struct read_req *q = x->q;

	while (q && q->got < q->len) {
		uint64_t at = q->off + q->got;
		size_t room = q->len - q->got;
		if (x->nspare) {
			size_t n = room < x->nspare ? room : x->nspare;
			memcpy(q->buf + q->got, x->spare, n);
			memmove(x->spare, x->spare + n, x->nspare - n);
			x->nspare -= n;
			q->got += n;
		} else if (at < x->disk && x->state != X_RUNNING) {
			size_t want = x->disk - at < room ? (size_t)(x->disk - at) : room;
			ssize_t r = pread(x->fd, q->buf + q->got, want, (off_t)at);
			if (r <= 0) {
				xfail_msg(x, "reading %s: %s", x->part,
					  r < 0 ? strerror(errno) : "it shrank");
				set_state(fx, x, X_FAILED);
				complete(fx, x, -EIO);
				return;
			}
			q->got += (size_t)r;
			if (x->pos < at + (uint64_t)r)
				x->pos = at + (uint64_t)r;
			if (x->pos == x->size) {	/* the .part was whole */
				set_state(fx, x, X_DONE);
				cache_finish(x);
			}
		} else {
			break;
		}
	}
	if (!q)
		return;
	if (q->got == q->len || x->state == X_DONE) {
		complete(fx, x, 0);
	} else if (x->state == X_FAILED) {
		complete(fx, x, -EIO);
	} else if (x->state == X_IDLE) {
		enqueue(fx, x, 0);
		start_queued(fx);
	} else if (x->state == X_RUNNING && x->paused) {
		x->paused = 0;
		x->heard = now_sec();
		curl_easy_pause(x->h, CURLPAUSE_CONT);	/* may call on_body at once */
	}
}

/* A request of x ended with code. */
static void ended(struct fetcher *fx, struct xfer *x, CURLcode code)
{
	long http = 0;

	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &http);
	x->http = http;
	if (x->probe && x->head_full)
		code = CURLE_OK;
	if (code == CURLE_HTTP_RETURNED_ERROR && x->probe && http == 416) {
		x->size = x->range_total;	/* a Range past an empty body */
		code = CURLE_OK;
	}
	/* No body came: the answer is checked now (a probe's: no length, no bytes). */
	if (code == CURLE_OK && !x->checked && http != 416) {
		if (check_answer(x)) {
			retry_or_fail(fx, x, 0);
			return;
		}
		if (x->probe && x->size == NGC_FETCH_UNKNOWN)
			x->size = 0;
	}
	if (code == CURLE_OK) {
		if (!x->probe && x->size != NGC_FETCH_UNKNOWN && x->pos != x->size) {
			xfail_msg(x, "the body ended at byte %llu of %llu",
				  (unsigned long long)x->pos, (unsigned long long)x->size);
			retry_or_fail(fx, x, 1);
			return;
		}
		stop(fx, x);
		set_state(fx, x, X_DONE);
		x->tries = 0;
		if (!x->probe) {
			cache_finish(x);
			feed(fx, x);
		}
		return;
	}
	if (x->err[0]) {
		retry_or_fail(fx, x, 0);	/* ours: a check failed, or the cache */
	} else if (code == CURLE_HTTP_RETURNED_ERROR) {
		xfail_msg(x, "HTTP %ld", http);
		retry_or_fail(fx, x, transient(code, http));
	} else {
		xfail_msg(x, "%s", curl_easy_strerror(code));
		retry_or_fail(fx, x, transient(code, http));
	}
}

static int on_socket(CURL *h, curl_socket_t s, int what, void *ctx, void *sockp)
{
	struct fetcher *fx = ctx;
	unsigned i;
	(void)h, (void)sockp;

	for (i = 0; i < fx->nsocks && fx->socks[i].fd != s; i++)
		;
	if (what == CURL_POLL_REMOVE) {
		if (i < fx->nsocks)
			fx->socks[i] = fx->socks[--fx->nsocks];
		return 0;
	}
	if (i == fx->nsocks) {
		if (fx->nsocks == fx->socks_cap) {
			fx->socks_cap = fx->socks_cap ? 2 * fx->socks_cap : 8;
			fx->socks = xrealloc(fx->socks, fx->socks_cap * sizeof(*fx->socks));
		}
		fx->nsocks++;
	}
	fx->socks[i] = (struct pollfd){
		.fd = s,
		.events = (short)((what & CURL_POLL_IN ? POLLIN : 0) |
				  (what & CURL_POLL_OUT ? POLLOUT : 0)),
	};
	return 0;
}

static int on_timer(CURLM *m, long ms, void *ctx)
{
	struct fetcher *fx = ctx;
	(void)m;
	fx->timer = ms < 0 ? 0 : now_sec() + (double)ms / 1000;
	return 0;
}

static CURLM *new_multi(struct fetcher *fx)
{
	CURLM *m = curl_multi_init();
	if (!m)
		return NULL;
	curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(m, CURLMOPT_SOCKETDATA, fx);
	curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(m, CURLMOPT_TIMERDATA, fx);
	return m;
}

int fetch_new(struct fetcher **out, const struct fetch_opts *o)
{
	static int global;
	struct fetcher *fx;

	if (!global && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -ENOMEM;
	global = 1;
	fx = xcalloc(1, sizeof(*fx));
	fx->o = *o;
	if (!fx->o.connections)
		fx->o.connections = 1;
	fx->live = xcalloc(fx->o.connections, sizeof(*fx->live));
	fx->done_tail = &fx->done;
	srand((unsigned)getpid() ^ (unsigned)(now_sec() * 1e6));
	*out = fx;
	return 0;
}

static struct xfer *new_xfer(struct fetcher *fx, const char *url)
{
	struct xfer *x = xcalloc(1, sizeof(*x));
	x->fx = fx;
	x->url = xstrdup(url);
	x->fd = -1;
	x->size = NGC_FETCH_UNKNOWN;
	x->id = fx->nx;
	fx->x = xrealloc(fx->x, (fx->nx + 1) * sizeof(*fx->x));
	fx->x[fx->nx++] = x;
	return x;
}

static void free_xfer(struct fetcher *fx, struct xfer *x)
{
	stop(fx, x);
	if (x->fd >= 0)
		close(x->fd);
	free(x->url);
	free(x->spare);
	free(x->cache);
	free(x->part);
	free(x->head);
	free(x);
}

void fetch_free(struct fetcher *fx)
{
	if (!fx)
		return;
	for (unsigned i = 0; i < fx->nx; i++)
		free_xfer(fx, fx->x[i]);
	if (fx->m)
		curl_multi_cleanup(fx->m);
	free(fx->x);
	free(fx->live);
	free(fx->socks);
	free(fx->all);
	free(fx);
}

const struct fetch_stats *fetch_stats(const struct fetcher *fx)
{
	return &fx->st;
}

/* Requests whose retry is due go back in the queue; stalled ones are retried. */
static void tick(struct fetcher *fx)
{
	double now = now_sec();
	for (unsigned i = 0; fx->backoffs && i < fx->nx; i++) {
		struct xfer *x = fx->x[i];
		if (x->state == X_BACKOFF && now >= x->due)
			enqueue(fx, x, 1);
	}
	for (unsigned i = 0; i < fx->running;) {
		struct xfer *x = fx->live[i];
		if (!x->paused && now - x->heard > fx->o.stall_timeout) {
			xfail_msg(x, "no byte for %u s (--stall-timeout)", fx->o.stall_timeout);
			retry_or_fail(fx, x, 1);	/* leaves live[]: i now holds another */
		} else {
			i++;
		}
	}
	start_queued(fx);
}

/* Take the requests curl has finished. */
static void reap_curl(struct fetcher *fx)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(fx->m, &left))) {
		struct xfer *x;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		ended(fx, x, msg->data.result);
	}
}

int fetch_active(const struct fetcher *fx)
{
	return fx && (fx->running || fx->qhead || fx->backoffs);
}

int fetch_poll(struct fetcher *fx, struct pollfd *pfd, unsigned n, int timeout_ms)
{
	unsigned total = n + fx->nsocks;
	double now = now_sec();
	int running, r;

	if (fx->timer) {
		double wait = (fx->timer - now) * 1000;
		if (wait < timeout_ms)
			timeout_ms = wait < 0 ? 0 : (int)wait + 1;
	}
	for (unsigned i = 0; fx->backoffs && i < fx->nx; i++)
		if (fx->x[i]->state == X_BACKOFF) {
			double wait = (fx->x[i]->due - now) * 1000;
			if (wait < timeout_ms)
				timeout_ms = wait < 0 ? 0 : (int)wait + 1;
		}
	if (total > fx->all_cap) {
		fx->all_cap = 2 * total;
		fx->all = xrealloc(fx->all, fx->all_cap * sizeof(*fx->all));
	}
	if (n)
		memcpy(fx->all, pfd, n * sizeof(*pfd));
	if (fx->nsocks)
		memcpy(fx->all + n, fx->socks, fx->nsocks * sizeof(*fx->socks));
	r = poll(fx->all, total, timeout_ms);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < n; i++)
		pfd[i].revents = fx->all[i].revents;
	fx->st.busy = fx->running;
	/* Each socket with news, then curl's timer: curl moves the transfers on. */
	for (unsigned i = n; i < total; i++) {
		short ev = fx->all[i].revents;
		if (!ev)
			continue;
		curl_multi_socket_action(fx->m, fx->all[i].fd,
					 (ev & POLLIN ? CURL_CSELECT_IN : 0) |
					 (ev & POLLOUT ? CURL_CSELECT_OUT : 0) |
					 (ev & (POLLERR | POLLHUP) ? CURL_CSELECT_ERR : 0),
					 &running);
	}
	if (fx->timer && now_sec() >= fx->timer) {
		fx->timer = 0;
		curl_multi_socket_action(fx->m, CURL_SOCKET_TIMEOUT, 0, &running);
	}
	reap_curl(fx);
	tick(fx);
	return r;
}

unsigned fetch_add(struct fetcher *fx, const char *url, uint64_t size, int yields)
{
	struct xfer *x = new_xfer(fx, url);
	x->size = size;
	x->yields = yields;
	if (fx->o.cache && (x->cache = fetch_cache_path(fx->o.cache, url)) && size == 0) {
		/* Nothing to fetch: the cache holds it at once. */
		int fd;
		if (mkdirs(x->cache) == 0 &&
		    (fd = open(x->cache, O_WRONLY | O_CREAT | O_CLOEXEC, 0666)) >= 0)
			close(fd);
	}
	return x->id;
}

/* The cache's .part for x, at its first request: an earlier run's bytes are read from it. */
static void cache_open(struct fetcher *fx, struct xfer *x)
{
	struct stat sb;

	x->part = part_path(x->cache);
	if (mkdirs(x->part) == 0 &&
	    (x->fd = open(x->part, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) >= 0 &&
	    fstat(x->fd, &sb) == 0) {
		x->disk = (uint64_t)sb.st_size <= x->size ? (uint64_t)sb.st_size : 0;
		if (!x->disk && sb.st_size)
			(void)ftruncate(x->fd, 0);	/* larger than the file: not of it */
		fx->st.cache_resumed += x->disk;
	}
}

int fetch_submit(struct fetcher *fx, unsigned id, struct read_req *q)
{
	struct xfer *x = fx->x[id];

	if (!fx->m && !(fx->m = new_multi(fx)))
		return -ENOMEM;
	if (x->cache && x->fd < 0 && x->state == X_IDLE && !x->pos)
		cache_open(fx, x);
	q->got = 0;
	q->res = 0;
	x->q = q;
	if (q->off != x->pos - x->nspare) {
		/* From another byte (a worker died: from 0): a new request there. */
		stop(fx, x);
		x->nspare = 0;
		x->pos = q->off;
		if (x->state != X_FAILED)
			set_state(fx, x, X_IDLE);
		x->tries = 0;
	}
	feed(fx, x);
	return 0;
}

int fetch_ready(const struct fetcher *fx, unsigned id)
{
	const struct xfer *x = fx->x[id];
	return x->h || x->state == X_DONE || x->state == X_FAILED || x->disk > x->pos ||
	       (fx->running < fx->o.connections && !fx->qhead);
}

struct read_req *fetch_cancel(struct fetcher *fx, unsigned id)
{
	struct xfer *x = fx->x[id];
	struct read_req *q = x->q;

	stop(fx, x);
	x->q = NULL;
	x->nspare = 0;
	if (x->state != X_FAILED)
		set_state(fx, x, X_IDLE);	/* again: from the cache, then the server */
	x->pos = x->disk;
	start_queued(fx);
	return q;
}

const char *fetch_error(const struct fetcher *fx, unsigned id)
{
	return fx->x[id]->err;
}

unsigned fetch_reap(struct fetcher *fx, struct read_req **out, unsigned max)
{
	unsigned n = 0;
	while (fx && fx->done && n < max) {
		out[n++] = fx->done;
		if (!(fx->done = fx->done->next))
			fx->done_tail = &fx->done;
	}
	return n;
}

void fetch_drop_parts(struct fetcher *fx)
{
	for (unsigned i = 0; fx && i < fx->nx; i++) {
		struct xfer *x = fx->x[i];
		if (x->fd >= 0 && x->state != X_DONE)
			(void)unlink(x->part);
	}
}

int fetch_probe(struct fetcher *fx, char *const *urls, unsigned n, fetch_probed done,
		void *ctx)
{
	unsigned first = fx->nx, left = 0;
	int r = 0;

	if (!(fx->m = new_multi(fx)))
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		struct xfer *x = new_xfer(fx, urls[i]);
		char *cached = fx->o.cache ? fetch_cache_path(fx->o.cache, urls[i]) : NULL;
		struct stat sb;
		x->probe = 1;
		if (cached && stat(cached, &sb) == 0 && S_ISREG(sb.st_mode)) {
			struct fetch_probe p = { .size = (uint64_t)sb.st_size, .cached = cached };
			fx->st.cache_hits++;
			x->state = X_DONE;
			x->reported = 1;
			if (!r)
				r = done(ctx, i, &p);
			free(cached);
			continue;
		}
		free(cached);
		enqueue(fx, x, 0);
		left++;
	}
	start_queued(fx);
	while (!r && left) {
		if (fetch_poll(fx, NULL, 0, 100) < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (ngc_stop) {
			r = -EINTR;
			break;
		}
		for (unsigned i = first; !r && i < fx->nx; i++) {
			struct xfer *x = fx->x[i];
			if (x->reported || (x->state != X_DONE && x->state != X_FAILED))
				continue;
			x->reported = 1;
			struct fetch_probe p = {
				.size = x->size, .head = x->head, .nhead = x->nhead,
				.err = x->state == X_FAILED ? x->err : NULL,
			};
			p.http = x->http;
			r = done(ctx, i - first, &p);
			free(x->head);
			x->head = NULL;
			left--;
		}
	}
	/* Its connections go: the workers are forked next. */
	for (unsigned i = first; i < fx->nx; i++)
		free_xfer(fx, fx->x[i]);
	fx->nx = first;
	fx->qhead = fx->qtail = NULL;
	fx->backoffs = 0;
	curl_multi_cleanup(fx->m);
	fx->m = NULL;
	fx->nsocks = 0;
	fx->timer = 0;
	return r;
}
