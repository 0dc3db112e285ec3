/*
 * handoff - what it costs to give partitions to worker processes, the two
 * ways ngramcount could: copy the bytes through a pipe, or send a 32-byte
 * message naming a slot of a shared mapping made before fork() (what
 * ngramcount does). Workers scan every byte for LF either way, so both
 * rows include the same useful work.
 *
 *   handoff pipe|shm -j N -s MiB    prints seconds for MiB of partitions
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PART (2u << 20)
#define SLOTS 8

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int full(ssize_t (*op)(int, void *, size_t), int fd, void *p, size_t n)
{
	char *c = p;
	while (n) {
		ssize_t r = op(fd, c, n);
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

static ssize_t wr(int fd, void *p, size_t n)
{
	return write(fd, p, n);
}

static size_t scan(const char *p, size_t n)
{
	size_t lines = 0;
	const char *end = p + n;
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		p++;
		lines++;
	}
	return lines;
}

int main(int argc, char **argv)
{
	if (argc != 6 || strcmp(argv[2], "-j") || strcmp(argv[4], "-s")) {
		fprintf(stderr, "usage: handoff pipe|shm -j N -s MiB\n");
		return 2;
	}
	int shm = !strcmp(argv[1], "shm"), nw = atoi(argv[3]);
	size_t parts = (size_t)atoi(argv[5]) / 2;
	char *slots = mmap(NULL, (size_t)SLOTS * nw * PART, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int down[64][2], up[64][2];
	pid_t pid[64];

	if (nw < 1 || nw > 64)
		return 2;

	/* The data: lines of 20 bytes, as if just read from a file. */
	for (size_t i = 0; i < (size_t)SLOTS * nw * PART; i++)
		slots[i] = i % 20 == 19 ? '\n' : 'x';
	for (int w = 0; w < nw; w++) {
		if (pipe(down[w]) || pipe(up[w]))
			return 1;
		if ((pid[w] = fork()) == 0) {
			char *buf = malloc(PART);
			uint32_t msg[2];
			while (full(read, down[w][0], msg, sizeof(msg)) == 0) {
				const char *p = slots + (size_t)msg[0] * PART;
				if (!shm) {
					full(read, down[w][0], buf, msg[1]);
					p = buf;
				}
				size_t lines = scan(p, msg[1]);
				full(wr, up[w][1], &lines, sizeof(lines));
			}
			_exit(0);
		}
	}
	double t0 = now();
	size_t sent = 0, done = 0, total = 0;
	/* Round-robin, one partition in flight per worker. */
	for (int w = 0; w < nw && sent < parts; w++, sent++) {
		uint32_t msg[2] = { (uint32_t)(w * SLOTS), PART };
		full(wr, down[w][1], msg, sizeof(msg));
		if (!shm)
			full(wr, down[w][1], slots + (size_t)msg[0] * PART, PART);
	}
	while (done < parts) {
		for (int w = 0; w < nw && done < parts; w++) {
			size_t lines;
			if (full(read, up[w][0], &lines, sizeof(lines)))
				return 1;
			total += lines;
			done++;
			if (sent < parts) {
				uint32_t msg[2] = { (uint32_t)(w * SLOTS + sent % SLOTS), PART };
				full(wr, down[w][1], msg, sizeof(msg));
				if (!shm)
					full(wr, down[w][1], slots + (size_t)msg[0] * PART, PART);
				sent++;
			}
		}
	}
	double t = now() - t0;
	/* Children share each other's pipes, so no EOF comes: stop them. */
	for (int w = 0; w < nw; w++)
		kill(pid[w], SIGTERM);
	while (wait(NULL) > 0)
		;
	printf("%.3f\n", t);
	return total > 0 ? 0 : 1;	/* the scans did run */
}
