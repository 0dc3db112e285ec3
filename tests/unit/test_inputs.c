/*
 * test_inputs - the engine's inputs room: a folder listed in name order
 * (regular files only), gzip files largest first, a file named twice
 * counted, an input that cannot be opened skipped or fatal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/engine_int.h"
#include "ngramcount/format.h"
#include "ngramcount/util.h"
#include "t.h"

static char dir[] = "/tmp/ngc-inputs.XXXXXX";
static char errbuf[256];

static void put(const char *name, const char *bytes, size_t n)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	fwrite(bytes, 1, n, f);
	fclose(f);
}

/* A gzip file of n bytes: the magic, then anything (only listed here). */
static void put_gz(const char *name, size_t n)
{
	char *b = xcalloc(n, 1);
	memcpy(b, "\x1f\x8b\x08\x00", 4);
	put(name, b, n);
	free(b);
}

static int list(struct engine *e, struct config *c, struct run_stats *st, char **argv, int n,
		int keep_going)
{
	memset(e, 0, sizeof(*e));
	memset(st, 0, sizeof(*st));
	memset(c, 0, sizeof(*c));
	c->inputs = argv;
	c->ninputs = n;
	c->partition_size = 1 << 20;
	c->map.format = FMT_AUTO;
	c->keep_going = keep_going;
	e->c = c;
	e->st = st;
	e->err = errbuf;
	e->errsize = sizeof(errbuf);
	e->sniff = xmalloc(NGC_SNIFF_BYTES);
	return inputs_list(e);
}

static void done(struct engine *e, struct run_stats *st)
{
	inputs_fini(e);
	free(e->sniff);
	run_stats_fini(st);
}

static const char *base(const struct file *f)
{
	return strrchr(f->path, '/') + 1;
}

static void folder_in_order_gzip_largest_first(void)
{
	struct engine e;
	struct config c;
	struct run_stats st;
	char *argv[] = { dir };

	CHECK(list(&e, &c, &st, argv, 1, 0) == 0);
	/* b.tsv, big.gz, c.tsv, small.gz, z.gz: not sub/ or .hidden. */
	CHECK(e.nfiles == 5);
	if (e.nfiles == 5) {
		CHECK(!strcmp(base(&e.files[0]), "b.tsv"));
		CHECK(!strcmp(base(&e.files[4]), "z.gz"));
		CHECK(e.ngz == 3 && e.nplain == 2);
		CHECK(!strcmp(base(&e.files[e.gz_order[0]]), "big.gz"));
		CHECK(!strcmp(base(&e.files[e.gz_order[1]]), "z.gz"));
		CHECK(!strcmp(base(&e.files[e.gz_order[2]]), "small.gz"));
		CHECK(e.files[e.plain_order[0]].fmt == FMT_V2);
	}
	CHECK(st.files == 5 && st.duplicates == 0);
	done(&e, &st);
}

static void named_twice(void)
{
	struct engine e;
	struct config c;
	struct run_stats st;
	char p1[256], p2[256];
	snprintf(p1, sizeof(p1), "%s/c.tsv", dir);
	snprintf(p2, sizeof(p2), "%s/../%s/c.tsv", dir, strrchr(dir, '/') + 1);
	char *argv[] = { p1, dir, p2 };

	CHECK(list(&e, &c, &st, argv, 3, 0) == 0);
	CHECK(e.nfiles == 7);
	CHECK(st.duplicates == 2);
	CHECK(st.duplicate_path && !strcmp(st.duplicate_path, p1));
	done(&e, &st);
}

static void missing_fails_or_is_skipped(void)
{
	struct engine e;
	struct config c;
	struct run_stats st;
	char miss[256];
	snprintf(miss, sizeof(miss), "%s/nothing-here", dir);
	char *argv[] = { miss, dir };

	CHECK(list(&e, &c, &st, argv, 2, 0) == -1);
	CHECK(strstr(errbuf, "nothing-here: No such file or directory") != NULL);
	done(&e, &st);

	CHECK(list(&e, &c, &st, argv, 2, 1) == 0);
	CHECK(e.nfiles == 5 && st.nskipped == 1);
	CHECK(st.nskipped && strstr(st.skipped[0], "nothing-here: No such file") != NULL);
	done(&e, &st);
}

int main(void)
{
	static const char v2[] = "word\t2000\t3\t1\nword\t2001\t4\t2\n";
	char sub[300];

	if (!mkdtemp(dir))
		return 1;
	put("b.tsv", v2, sizeof(v2) - 1);
	put("c.tsv", v2, sizeof(v2) - 1);
	put(".hidden", v2, sizeof(v2) - 1);
	put_gz("small.gz", 100);
	put_gz("big.gz", 5000);
	put_gz("z.gz", 1000);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	mkdir(sub, 0755);

	T_RUN(folder_in_order_gzip_largest_first);
	T_RUN(named_twice);
	T_RUN(missing_fails_or_is_skipped);

	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		return 1;
	T_DONE();
}
