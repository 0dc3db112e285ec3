/*
 * util.c - allocation, descriptor and clock helpers used by every stage.
 * Nothing here keeps state.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ngramcount/util.h"

volatile sig_atomic_t ngc_stop;
const char *ngc_doing = "starting";

static void oom(size_t n)
{
	/* No stdio buffers are flushed: a worker shares them with its parent. */
	char msg[128];
	int len = snprintf(msg, sizeof(msg),
			   "ngramcount: out of memory allocating %zu bytes (pid %ld, %s)\n",
			   n, (long)getpid(), ngc_doing);
	if (len > 0)
		(void)!write(STDERR_FILENO, msg, (size_t)len);
	_exit(NGC_EXIT_FAIL);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xmalloc_huge(size_t *n)
{
	void *p;

	if (*n < NGC_HUGE_PAGE)
		return xmalloc(*n);
	*n = (*n + NGC_HUGE_PAGE - 1) & ~(size_t)(NGC_HUGE_PAGE - 1);
	if (posix_memalign(&p, NGC_HUGE_PAGE, *n))
		oom(*n);
	madvise(p, *n, MADV_HUGEPAGE);	/* advice: without it, 4 KiB pages */
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void heap_sift(void *base, size_t n, size_t size, size_t i,
	       int (*above)(const void *a, const void *b, void *ctx), void *ctx)
{
	char *h = base, tmp[16];

	for (;;) {
		size_t top = i, l = 2 * i + 1, r = l + 1;
		if (l < n && above(h + l * size, h + top * size, ctx))
			top = l;
		if (r < n && above(h + r * size, h + top * size, ctx))
			top = r;
		if (top == i)
			return;
		memcpy(tmp, h + i * size, size);
		memcpy(h + i * size, h + top * size, size);
		memcpy(h + top * size, tmp, size);
		i = top;
	}
}

/* How many decimal digits v has: 1 to 20. */
static unsigned decimal_digits(uint64_t v)
{
	static const uint64_t pow10[] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
		100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
		1000000000000ull, 10000000000000ull, 100000000000000ull,
		1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
		1000000000000000000ull, 10000000000000000000ull,
	};
	/* From the bit length, times log10(2) ~ 1233/4096: n or n + 1 digits. */
	unsigned n = (64 - (unsigned)__builtin_clzll(v | 1)) * 1233 >> 12;

	return n + ((v | 1) >= pow10[n]);
}

size_t fmt_u64(char *p, uint64_t v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	unsigned n = decimal_digits(v);
	char *q = p + n;

	/* Two digits at a time from the right, into their places. */
	for (; v >= 100; v /= 100) {
		q -= 2;
		memcpy(q, pairs + 2 * (v % 100), 2);
	}
	if (v >= 10)
		memcpy(q - 2, pairs + 2 * v, 2);
	else
		q[-1] = (char)('0' + v);
	return n;
}

/* The length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

char *json_quote(char *dst, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	*dst++ = '"';
	while (p < end) {
		size_t len = utf8_len(p, (size_t)(end - p));
		if (len == 0) {
			memcpy(dst, "\\ufffd", 6);
			dst += 6;
			p++;
		} else if (*p == '"' || *p == '\\') {
			*dst++ = '\\';
			*dst++ = (char)*p++;
		} else if (*p < 0x20) {
			dst += sprintf(dst, "\\u%04x", *p++);
		} else {
			memcpy(dst, p, len);
			dst += len;
			p += len;
		}
	}
	*dst++ = '"';
	return dst;
}

char *fmt_bytes(char *buf, size_t size, double bytes)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;
	while (bytes >= 1024 && u < 4) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
	return buf;
}

int afile_open(struct afile *a, const char *path)
{
	char *dcopy, *bcopy, *real;
	size_t size;
	struct stat st, target;

	*a = (struct afile){ .fd = -1 };
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (real = realpath(path, NULL))) {
		if (stat(real, &target) == 0 && S_ISREG(target.st_mode))
			a->dest = real;	/* the link's target, replaced beside it */
		else
			free(real);
	}
	if (!a->dest && lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* /dev/null, a FIFO, a dangling link: written through, as by > */
		a->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		return a->fd < 0 ? -errno : 0;
	}
	if (!a->dest)
		a->dest = xstrdup(path);
	/* dirname + basename is at most the path's length + 1 (for "."). */
	size = strlen(a->dest) + 32;
	dcopy = xstrdup(a->dest);
	bcopy = xstrdup(a->dest);
	a->tmp = xmalloc(size);
	snprintf(a->tmp, size, "%s/.%s.ngramcount-XXXXXX", dirname(dcopy), basename(bcopy));
	free(dcopy);
	free(bcopy);
	a->fd = mkostemp(a->tmp, O_CLOEXEC);
	if (a->fd < 0) {
		int err = -errno;
		free(a->tmp);
		free(a->dest);
		*a = (struct afile){ .fd = -1 };
		return err;
	}
	/* mkstemp makes 0600; give the file the usual umask-derived mode. */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(a->fd, 0666 & ~mask);
	return 0;
}

int afile_close(struct afile *a, int err)
{
	if (a->tmp && !err && fsync(a->fd) < 0)
		err = -errno;
	if (a->fd >= 0 && close(a->fd) < 0 && !err)
		err = -errno;
	if (a->tmp) {
		if (!err && ngc_stop)
			err = -EINTR;
		if (!err && rename(a->tmp, a->dest) < 0)
			err = -errno;
		if (err)
			unlink(a->tmp);
	}
	free(a->tmp);
	free(a->dest);
	*a = (struct afile){ .fd = -1 };
	return err;
}

void thread_stop(pthread_t th, pthread_mutex_t *mu, pthread_cond_t *wake, int *stopping)
{
	pthread_mutex_lock(mu);
	*stopping = 1;
	pthread_cond_signal(wake);
	pthread_mutex_unlock(mu);
	pthread_join(th, NULL);
}
