/*
 * util.h - small helpers shared by every stage: allocation that dies on
 * out-of-memory, whole-buffer read/write on descriptors, a monotonic clock.
 */
#ifndef NGRAMCOUNT_UTIL_H
#define NGRAMCOUNT_UTIL_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Exit statuses; only main.c turns outcomes into these. */
#define NGC_EXIT_OK	0
#define NGC_EXIT_FAIL	1	/* bad input, I/O error, worker failure */
#define NGC_EXIT_USAGE	2	/* bad command line */
#define NGC_EXIT_PARTIAL 3	/* --keep-going skipped inputs */

/*
 * Allocation wrappers: never return NULL. On failure they print which
 * process (parent or worker pid) ran out and how much it asked for, then
 * _exit(NGC_EXIT_FAIL); a worker's death is then reported by the parent.
 */
void *xmalloc(size_t n) __attribute__((malloc, returns_nonnull));
void *xcalloc(size_t n, size_t size) __attribute__((malloc, returns_nonnull));
void *xrealloc(void *p, size_t n) __attribute__((returns_nonnull));
char *xstrdup(const char *s) __attribute__((malloc, returns_nonnull));

#define NGC_HUGE_PAGE	(2u << 20)

/*
 * *n bytes for memory read at random, a TLB miss a read on 4 KiB pages:
 * from a huge page up, rounded up to whole huge pages (*n is updated) that
 * the kernel backs with huge pages where it can (MADV_HUGEPAGE); below
 * that, xmalloc's. free() frees it.
 */
void *xmalloc_huge(size_t *n) __attribute__((malloc, returns_nonnull));

/*
 * The number of the SIGINT or SIGTERM that asked the run to stop, or 0.
 * Set by main's signal handler only; long loops (the engine's, the
 * output's) check it and return -EINTR, so cleanup runs on the way out.
 */
extern volatile sig_atomic_t ngc_stop;

/*
 * What this process is doing, for the out-of-memory message: "worker
 * mapping a partition", "parent reducing results", ... Set by the stage
 * that starts the work; a string literal.
 */
extern const char *ngc_doing;

/* Unaligned loads, in the machine's byte order. */
static inline uint64_t load64(const char *p)
{
	uint64_t x;
	memcpy(&x, p, sizeof(x));
	return x;
}

static inline uint32_t load32(const char *p)
{
	uint32_t x;
	memcpy(&x, p, sizeof(x));
	return x;
}

/*
 * Whether a[0..n) == b[0..n), for short keys: two overlapping loads cover
 * 4 to 16 bytes, four 16 to 32 (a 2-gram's key), and nothing past either
 * key is read. A library memcmp call costs more than the compare.
 */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
	if (n >= 8 && n <= 16)
		return load64(a) == load64(b) && load64(a + n - 8) == load64(b + n - 8);
	if (n > 16 && n <= 32)
		return ((load64(a) ^ load64(b)) | (load64(a + 8) ^ load64(b + 8)) |
			(load64(a + n - 16) ^ load64(b + n - 16)) |
			(load64(a + n - 8) ^ load64(b + n - 8))) == 0;
	if (n >= 4 && n < 8)
		return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
	return !memcmp(a, b, n);
}

/*
 * Stop a thread that waits on wake under mu until *stopping: set it,
 * wake the thread, join it (helper.c's and prefault.c's).
 */
void thread_stop(pthread_t th, pthread_mutex_t *mu, pthread_cond_t *wake, int *stopping);

/* Seconds on CLOCK_MONOTONIC. */
double now_sec(void);

/*
 * Read exactly len bytes. Returns 0, -errno, or -EPIPE when the descriptor
 * reaches end of file first (a peer that died).
 */
int read_full(int fd, void *buf, size_t len);

/* Write exactly len bytes, retrying on EINTR. Returns 0 or -errno. */
int write_full(int fd, const void *buf, size_t len);

/*
 * A file that appears whole or not at all: afile_open makes a temporary
 * file beside path (mode from the umask), and afile_close, with err 0,
 * fsyncs, closes and renames it over path; otherwise (or if any of that
 * fails) it closes and unlinks it. A symbolic link to a regular file gets
 * its temporary beside the target, renamed over the target: the link
 * stays, and a failure leaves the target as it was. Anything else that is
 * there and not a regular file (/dev/null, a FIFO, a dangling link) is
 * opened and written through, as the shell's > would (tmp is NULL).
 */
struct afile {
	int fd;
	char *tmp;		/* the temporary's name, or NULL; owned */
	char *dest;		/* what it is renamed over; owned */
};
/* Returns 0 or -errno. */
int afile_open(struct afile *a, const char *path);
/* Returns err, or the first -errno of its own; frees a's names. */
int afile_close(struct afile *a, int err);

/*
 * Restore a binary heap below index i: base holds n elements of size bytes
 * (at most 16, pointers in practice), and above(a, b, ctx) says element a
 * belongs nearer the top than b.
 */
void heap_sift(void *base, size_t n, size_t size, size_t i,
	       int (*above)(const void *a, const void *b, void *ctx), void *ctx);

/* v in decimal at p, no terminator (at most 20 bytes); returns the length. */
size_t fmt_u64(char *p, uint64_t v);

/*
 * s[0..n) as a JSON string, quotes included, at dst (room for 6 n + 2
 * bytes). Valid UTF-8 passes through; control characters, '"' and '\\'
 * are escaped, and each byte of invalid UTF-8 becomes \ufffd, so the
 * result is always valid JSON. Returns the end of what was written.
 */
char *json_quote(char *dst, const char *s, size_t n);

/* Human-readable byte count ("12.3 MiB") into buf; returns buf. */
char *fmt_bytes(char *buf, size_t size, double bytes);

#endif
