/*
 * floor - the work ngramcount cannot avoid, alone: the floors its bench
 * rows are measured against.
 *
 *   floor inflate -j N FILE...   inflate every gzip file with zlib, output
 *                                discarded (all members, as gzip -d)
 *   floor isal -j N FILE...      the same with ISA-L (igzip's library), when
 *                                built with it
 *   floor igzip -j N FILE...     igzip -d -c, ISA-L's own command (Debian
 *                                isal), over the files, to /dev/null
 *   floor scan -j N FILE...      read every file and find each TAB and LF
 *                                with memchr
 *
 * Files are dealt to N processes largest first (LPT), as ngramcount deals
 * gzip files, so a floor is as parallel as the real run can be: each takes
 * the next file as it finishes one; for igzip, which takes its files at
 * once, each gets them in turn to whichever has the fewest bytes so far.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#ifdef NGC_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#define BUF (1u << 20)

static int inflate_file(const char *path, char *in, char *out)
{
	z_stream z = { 0 };
	int fd = open(path, O_RDONLY), r = Z_OK;
	ssize_t n;
	if (fd < 0 || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -1;
	while ((n = read(fd, in, BUF)) > 0) {
		z.next_in = (unsigned char *)in;
		z.avail_in = (unsigned)n;
		while (z.avail_in) {
			if (r == Z_STREAM_END)
				inflateReset(&z);
			z.next_out = (unsigned char *)out;
			z.avail_out = BUF;
			r = inflate(&z, Z_NO_FLUSH);
			if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
				return -1;
		}
	}
	inflateEnd(&z);
	close(fd);
	return 0;
}

#ifdef NGC_HAVE_ISAL
static int isal_file(const char *path, char *in, char *out)
{
	struct inflate_state *s = malloc(sizeof(*s));
	int fd = open(path, O_RDONLY), end = 0;
	ssize_t n;
	if (fd < 0 || !s)
		return -1;
	isal_inflate_init(s);
	s->crc_flag = ISAL_GZIP;
	while ((n = read(fd, in, BUF)) > 0) {
		s->next_in = (uint8_t *)in;
		s->avail_in = (uint32_t)n;
		while (s->avail_in) {
			if (end) {
				isal_inflate_reset(s);
				s->crc_flag = ISAL_GZIP;
			}
			s->next_out = (uint8_t *)out;
			s->avail_out = BUF;
			if (isal_inflate(s) < 0)
				return -1;
			end = s->block_state == ISAL_BLOCK_FINISH;
		}
	}
	free(s);
	close(fd);
	return 0;
}
#endif

static unsigned long long scan_file(const char *path, char *in)
{
	unsigned long long found = 0;
	int fd = open(path, O_RDONLY);
	ssize_t n;
	if (fd < 0)
		return 0;
	while ((n = read(fd, in, BUF)) > 0) {
		const char *p = in, *end = in + n;
		while ((p = memchr(p, '\n', (size_t)(end - p)))) {
			p++;
			found++;
		}
		for (p = in; (p = memchr(p, '\t', (size_t)(end - p))); p++)
			found++;
	}
	close(fd);
	return found;
}

struct job {
	const char *path;
	off_t size;
};

static int by_size(const void *a, const void *b)
{
	off_t x = ((const struct job *)a)->size, y = ((const struct job *)b)->size;
	return (x < y) - (x > y);
}

/* Wait for every child: non-zero when one failed. */
static int wait_all(void)
{
	int status, bad = 0;
	while (wait(&status) > 0)
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	return bad;
}

/* igzip -d -c over job[0..n) in jobs processes, output to /dev/null. */
static int run_igzip(struct job *job, int n, int jobs)
{
	const char **argv = calloc((size_t)n + 4, sizeof(*argv));
	off_t *load = calloc((size_t)jobs, sizeof(*load));
	int *to = calloc((size_t)n, sizeof(*to));

	for (int i = 0; i < n; i++) {
		for (int j = 1; j < jobs; j++)
			if (load[j] < load[to[i]])
				to[i] = j;
		load[to[i]] += job[i].size;
	}
	for (int j = 0; j < jobs && j < n; j++) {	/* no files: igzip would read stdin */
		if (fork() == 0) {
			int k = 0, null = open("/dev/null", O_WRONLY);
			argv[k++] = "igzip";
			argv[k++] = "-d";
			argv[k++] = "-c";
			for (int i = 0; i < n; i++)
				if (to[i] == j)
					argv[k++] = job[i].path;
			if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
				_exit(1);
			execvp("igzip", (char *const *)argv);
			perror("floor: igzip");
			_exit(1);
		}
	}
	free(argv);
	free(load);
	free(to);
	return wait_all();
}

int main(int argc, char **argv)
{
	int jobs = 1, first = 2, mode;
	static const char *const modes[] = { "scan", "inflate", "isal", "igzip" };
	for (mode = 0; mode < 4 && argc >= 3 && strcmp(argv[1], modes[mode]); mode++)
		;
#ifndef NGC_HAVE_ISAL
	if (mode == 2)
		mode = 4;
#endif
	if (mode < 4 && !strcmp(argv[2], "-j") && argc > 3) {
		jobs = atoi(argv[3]);
		first = 4;
	}
	int n = argc - first;
	if (mode == 4 || n < 1 || jobs < 1) {
		fprintf(stderr, "usage: floor scan|inflate|isal|igzip [-j N] FILE...\n");
		return 2;
	}
	struct job *job = calloc((size_t)n, sizeof(*job));
	for (int i = 0; i < n; i++) {
		struct stat sb;
		job[i].path = argv[first + i];
		job[i].size = stat(job[i].path, &sb) == 0 ? sb.st_size : 0;
	}
	qsort(job, (size_t)n, sizeof(*job), by_size);
	if (mode == 3) {
		int bad = run_igzip(job, n, jobs);
		free(job);
		return bad;
	}
	/* Each process takes the next file from a shared counter. */
	int *next = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (next == MAP_FAILED)
		return 1;
	*next = 0;
	for (int j = 0; j < jobs; j++) {
		if (fork() == 0) {
			char *in = malloc(BUF), *out = malloc(BUF);
			unsigned long long found = 0;
			int i;
			while ((i = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED)) < n) {
				int r = 0;
				if (mode == 0)
					found += scan_file(job[i].path, in);
				else if (mode == 1)
					r = inflate_file(job[i].path, in, out);
#ifdef NGC_HAVE_ISAL
				else
					r = isal_file(job[i].path, in, out);
#endif
				if (r) {
					fprintf(stderr, "floor: %s: cannot inflate\n", job[i].path);
					_exit(1);
				}
			}
			/* Print the count, so the scan cannot be optimised away. */
			if (mode == 0)
				fprintf(stderr, "%llu\n", found);
			_exit(0);
		}
	}
	int bad = wait_all();
	free(job);
	return bad;
}
