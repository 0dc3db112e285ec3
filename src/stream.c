/*
 * stream.c - ngramcount map and ngramcount reduce (stream.h). Plain reads
 * of stdin and one table: no workers, no ring, since the framework runs a
 * process per split and the input is a pipe.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ngramcount/error.h"
#include "ngramcount/gz.h"
#include "ngramcount/map.h"
#include "ngramcount/output.h"
#include "ngramcount/parse.h"
#include "ngramcount/stream.h"
#include "ngramcount/util.h"

#define NGC_STREAM_BUF	(1u << 20)
#define NGC_MAP_SLICE	(64u << 10)	/* text mapped between table checks */

/* Counters and status for Hadoop Streaming, when wanted (see stream.h). */
static int reporting(const struct config *c)
{
	return c->hadoop_counters || getenv("mapreduce_task_id") || getenv("mapred_task_id");
}

static void counter(const struct config *c, const char *name, uint64_t n)
{
	if (reporting(c))
		fprintf(stderr, "reporter:counter:ngramcount,%s,%llu\n", name, (unsigned long long)n);
}

struct map_run {
	const struct config *c;
	struct table t;
	struct mapper m;
	struct out_writer w;
	uint64_t written, flushes;
};

static int write_entry(const struct ngram *g, void *ctx)
{
	struct map_run *r = ctx;
	out_row(&r->w, g->key, g->len, g->count);
	r->written++;
	return 0;
}

/* Write the table out and start it again. */
static int flush_table(struct map_run *r)
{
	table_foreach(&r->t, write_entry, r);
	table_reset(&r->t);
	mapper_forget(&r->m);
	r->flushes++;
	if (reporting(r->c))
		fprintf(stderr, "reporter:status:ngramcount map: %llu lines, %llu keys written\n",
			(unsigned long long)r->m.st.lines, (unsigned long long)r->written);
	return r->w.err;
}

/*
 * A gz_sink (ctx: struct map_run): map text a slice at a time, writing the
 * table out whenever it passes --memory, so it overshoots by one slice's
 * keys at most, whatever the read size.
 */
static int feed(void *ctx, const char *buf, size_t len)
{
	struct map_run *r = ctx;

	while (len) {
		size_t n = len < NGC_MAP_SLICE ? len : NGC_MAP_SLICE;
		int e = map_feed(&r->m, buf, n);
		if (e || (table_bytes(&r->t) >= r->c->memory && (e = flush_table(r))))
			return e;
		buf += n;
		len -= n;
	}
	return 0;
}

static const char *map_error(const struct map_run *r, int err, const struct gz *gz)
{
	static char msg[256];
	switch (err) {
	case -EOVERFLOW:
		ngc_overflow_msg(msg, sizeof(msg), r->m.overflow->key, r->m.overflow->len);
		return msg;
	case NGC_ECONFLICT:
		return map_conflict(&r->c->map, r->m.fmt);
	case NGC_EGZ_CORRUPT:
	case NGC_EGZ_TRUNCATED:
	case NGC_EGZ_TRAILING:
	case NGC_EGZ_METHOD:
		ngc_gz_strerror(msg, sizeof(msg), err, gz->zip, gz->err_off);
		return msg;
	default:
		return ngc_strerror(err);
	}
}

int stream_map(const struct config *c, char *err, size_t errsize)
{
	struct output_opts tsv = { .keys = c->out.keys };
	struct map_run r = { .c = c };
	struct gz gz = { 0 };
	char *buf = xmalloc(NGC_STREAM_BUF);
	int compressed = -1, e = 0;
	ssize_t n;

	table_init(&r.t);
	mapper_init(&r.m, &r.t);
	mapper_set_opts(&r.m, &c->map);
	mapper_set_format(&r.m, c->map.format);
	if ((e = out_open(&r.w, &tsv)))
		goto out;
	while ((n = read(STDIN_FILENO, buf, NGC_STREAM_BUF)) != 0) {
		if (n < 0) {
			if (errno == EINTR && !ngc_stop)
				continue;
			e = ngc_stop ? -EINTR : -errno;
			break;
		}
		if (compressed < 0 && (compressed = gz_container(buf, (size_t)n) != GZC_NONE) &&
		    (e = gz_init(&gz, c->inflate)))
			break;
		e = compressed ? gz_feed(&gz, buf, (size_t)n, feed, &r) : feed(&r, buf, (size_t)n);
		if (e)
			break;
	}
	if (!e && compressed > 0)
		e = gz_finish(&gz);
	if (!e)
		e = map_flush(&r.m);
	if (!e)
		e = flush_table(&r);
out:
	if (e)
		snprintf(err, errsize, "map: stdin: %s", map_error(&r, e, &gz));
	else if (c->strict && r.m.st.bad)
		snprintf(err, errsize, "map: stdin:%llu: %s (--strict)",
			 (unsigned long long)r.m.st.first_bad, parse_strerror(r.m.st.first_bad_why));
	else if (r.m.st.bad)
		fprintf(stderr, "ngramcount: map: warning: %llu malformed lines skipped; first at "
			"stdin:%llu: %s\n", (unsigned long long)r.m.st.bad,
			(unsigned long long)r.m.st.first_bad, parse_strerror(r.m.st.first_bad_why));
	if (!e && c->strict && r.m.st.bad)
		e = -EINVAL;
	if (r.w.buf) {
		int ce = out_close(&r.w, !e);
		if (!e && ce) {
			e = ce;
			snprintf(err, errsize, "map: stdout: %s", strerror(-ce));
		}
	}
	counter(c, "Lines", r.m.st.lines);
	counter(c, "Malformed", r.m.st.bad);
	counter(c, "Keys written", r.written);
	counter(c, "Table flushes", r.flushes);
	if (compressed > 0)
		gz_fini(&gz);
	mapper_fini(&r.m);
	table_fini(&r.t);
	free(buf);
	return e ? -1 : 0;
}

int stream_reduce(const struct config *c, char *err, size_t errsize)
{
	struct output_opts tsv = { 0 };
	struct out_writer w;
	char *line = NULL, *cur = NULL;
	size_t cap = 0, cur_len = 0, cur_cap = 0;
	uint64_t lineno = 0, keys = 0, total = 0;
	ssize_t n;
	int e;

	if ((e = out_open(&w, &tsv))) {
		snprintf(err, errsize, "reduce: stdout: %s", strerror(-e));
		return -1;
	}
	errno = 0;
	while (!ngc_stop && (n = getline(&line, &cap, stdin)) > 0) {
		struct record r;
		size_t len = (size_t)n;
		lineno++;
		if (line[len - 1] == '\n')
			len--;
		if ((e = parse_result(line, len, &r))) {
			snprintf(err, errsize, "reduce: stdin:%llu: %s", (unsigned long long)lineno,
				 parse_strerror(e));
			break;
		}
		int order = cur ? parse_result_cmp(line, r.keylen, cur, cur_len) : 1;
		if (order == 0) {
			if (__builtin_add_overflow(total, r.count, &total)) {
				char why[256];
				ngc_overflow_msg(why, sizeof(why), line, r.keylen);
				snprintf(err, errsize, "reduce: stdin:%llu: %s", (unsigned long long)lineno,
					 why);
				e = -EOVERFLOW;
				break;
			}
			continue;
		}
		if (order < 0) {
			snprintf(err, errsize, "reduce: stdin:%llu: not sorted by key (sort the input "
				 "with LC_ALL=C sort)", (unsigned long long)lineno);
			e = -EINVAL;
			break;
		}
		if (cur) {
			out_row(&w, cur, cur_len, total);
			keys++;
		}
		if (r.keylen + 1 > cur_cap) {
			cur_cap = 2 * (r.keylen + 1);
			cur = xrealloc(cur, cur_cap);
		}
		memcpy(cur, line, r.keylen);
		cur_len = r.keylen;
		total = r.count;
	}
	if (!e && ngc_stop)
		e = -EINTR;
	if (!e && ferror(stdin)) {
		e = -EIO;
		snprintf(err, errsize, "reduce: stdin: %s", strerror(EIO));
	}
	if (!e && cur) {
		out_row(&w, cur, cur_len, total);
		keys++;
	}
	int ce = out_close(&w, !e);
	if (!e && ce) {
		e = ce;
		snprintf(err, errsize, "reduce: stdout: %s", strerror(-ce));
	}
	counter(c, "Lines", lineno);
	counter(c, "Keys", keys);
	free(line);
	free(cur);
	return e ? -1 : 0;
}
