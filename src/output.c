/*
 * output.c - sort the final table and write it. Lines are formatted into
 * one large buffer and written with write(2): no stdio per line.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ngramcount/output.h"
#include "ngramcount/util.h"

#define NGC_OUT_BUF	(1u << 20)

static int write_sorted(int fd, const struct table *t)
{
	const struct ngram **v = table_sorted(t);
	char *buf = xmalloc(NGC_OUT_BUF);
	size_t used = 0;
	int err = 0;

	for (size_t i = 0; i < t->count && !err; i++) {
		const struct ngram *g = v[i];
		size_t need = g->len + 22;
		if (used + need > NGC_OUT_BUF) {
			err = ngc_stop ? -EINTR : write_full(fd, buf, used);
			used = 0;
		}
		if (need > NGC_OUT_BUF) {
			/* A key larger than the buffer goes out directly. */
			if (!err)
				err = write_full(fd, g->key, g->len);
		} else {
			memcpy(buf + used, g->key, g->len);
			used += g->len;
		}
		buf[used++] = '\t';
		used += fmt_u64(buf + used, g->count);
		buf[used++] = '\n';
	}
	if (!err)
		err = ngc_stop ? -EINTR : write_full(fd, buf, used);
	free(buf);
	free(v);
	return err;
}

int output_write(const struct table *t, const char *path)
{
	char *dcopy, *bcopy, *tmp;
	int fd, err;

	if (!path)
		return write_sorted(STDOUT_FILENO, t);
	dcopy = xstrdup(path);
	bcopy = xstrdup(path);
	/* dirname + basename is at most the path's length + 1 (for "."). */
	size_t size = strlen(path) + 32;
	tmp = xmalloc(size);
	snprintf(tmp, size, "%s/.%s.ngramcount-XXXXXX", dirname(dcopy), basename(bcopy));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	/* mkstemp makes 0600; give the file the usual umask-derived mode. */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	err = write_sorted(fd, t);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && ngc_stop)
		err = -EINTR;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
out:
	free(tmp);
	free(dcopy);
	free(bcopy);
	return err;
}
