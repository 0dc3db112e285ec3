/*
 * cli.c - command-line parsing. One table, options[], names every option
 * once: getopt_long's tables, the subcommand checks, --help and the bash
 * completion (--completion-helper) are all made from it. Everything the
 * run needs ends up in struct config; nothing here touches files.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ngramcount/cli.h"
#include "ngramcount/fetch.h"

#define NGC_VERSION		"0.1.0"
#define NGC_DEFAULT_QD		8
#define NGC_DEFAULT_PARTITION	(1u << 20)
#define NGC_DEFAULT_BUFMEM	(256ul << 20)
#define NGC_DEFAULT_MAPMEM	(256ul << 20)
#define NGC_MAX_WORKERS		256
#define NGC_MAX_QD		4096
#define NGC_MIN_PARTITION	16
#define NGC_MAX_PARTITION	(1ul << 30)
#define NGC_DEFAULT_CONNECTIONS	4
#define NGC_DEFAULT_RETRIES	5
#define NGC_DEFAULT_STALL	30

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int bad(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "ngramcount: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry 'ngramcount --help' for more information.\n");
	va_end(ap);
	return CLI_USAGE;
}

/*
 * *n = the index of arg in a NULL-terminated list of names (each list is
 * in the order of its enum's values). Returns 0, or CLI_USAGE after naming
 * option opt and the choices: "--sort wants count, key or none, not 'x'".
 */
static int choice(const char *opt, const char *arg, const char *const *names, int *n)
{
	char list[128] = "";

	for (*n = 0; names[*n]; ++*n)
		if (!strcmp(arg, names[*n]))
			return 0;
	for (int i = 0; names[i]; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 !i ? "" : names[i + 1] ? ", " : " or ", names[i]);
	return bad("%s wants %s, not '%s'", opt, list, arg);
}

static const char *const io_names[] = { "uring", "sync", NULL };		/* enum io_mode */
static const char *const inflate_names[] = { "auto", "zlib", "isal", NULL };	/* enum gz_backend */
static const char *const order_names[] = { "completion", "submission", NULL };
static const char *const format_names[] = { "auto", "v1", "v2", "v3", "text", NULL };	/* enum ngc_format */
static const char *const field_names[] = { "match", "volume", "page", NULL };	/* enum map_field */
static const char *const pos_names[] = { "keep", "drop", "only", NULL };	/* enum map_pos */
static const char *const sort_names[] = { "count", "key", "none", NULL };	/* enum out_sort */
static const char *const stats_names[] = { "text", "json", NULL };	/* enum stats_form, less 1 */
static const char *const ofmt_names[] = { "tsv", "csv", "json", "ndjson", NULL };	/* enum out_format */
_Static_assert(IO_URING == 0 && IO_SYNC == 1 && GZ_AUTO == 0 && GZ_ZLIB == 1 &&
	       GZ_ISAL == 2 && ORDER_COMPLETION == 0 && ORDER_SUBMISSION == 1 &&
	       FMT_AUTO == 0 && FMT_TEXT == 4 && FIELD_PAGE == 2 && POS_ONLY == 2 &&
	       SORT_NONE == 2 && OUT_NDJSON == 3,
	       "the name lists follow their enums");

static int parse_uint(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;
	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, &end, 10);
	if (errno || *end || *v > max)
		return -1;
	return 0;
}

static int parse_size(const char *s, unsigned long long *v)
{
	char *end;
	unsigned shift = 0;
	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end == 'i' && shift)
		end++;
	if (*end == 'B' || (*end == 'b' && !end[1]))
		end++;
	if (*end || *v > (ULLONG_MAX >> shift))
		return -1;
	*v <<= shift;
	return 0;
}

/* --years FROM-TO, FROM-, -TO or YEAR, each 0 to 9999. */
static int parse_years(const char *s, unsigned *from, unsigned *to)
{
	const char *dash = strchr(s, '-');
	unsigned long long v;
	char part[8];

	*from = 0;
	*to = 9999;
	if (!dash)
		dash = s + strlen(s);
	if (dash > s) {
		if ((size_t)(dash - s) >= sizeof(part))
			return -1;
		memcpy(part, s, (size_t)(dash - s));
		part[dash - s] = '\0';
		if (parse_uint(part, 9999, &v))
			return -1;
		*from = (unsigned)v;
		if (!*dash)
			*to = *from;
	}
	if (*dash && dash[1]) {
		if (parse_uint(dash + 1, 9999, &v))
			return -1;
		*to = (unsigned)v;
	}
	return *dash && !dash[1] && dash == s ? -1 : (*from <= *to ? 0 : -1);
}

static const char *const mode_names[] = { "", "map", "reduce", "merge", "corpus" };	/* enum ngc_mode */

/* The subcommands that take an option. */
enum {
	M_COUNT = 1 << MODE_COUNT,
	M_MAP = 1 << MODE_MAP,
	M_REDUCE = 1 << MODE_REDUCE,
	M_MERGE = 1 << MODE_MERGE,
	M_CORPUS = 1 << MODE_CORPUS,
	M_ALL = M_COUNT | M_MAP | M_REDUCE | M_MERGE | M_CORPUS,
	M_RUN = M_COUNT,		/* the engine: workers, I/O, progress, trace */
	M_READ = M_COUNT | M_MAP,	/* what is read and counted */
	M_PRINT = M_COUNT | M_MERGE,	/* what is printed */
};

struct cli_state {
	int sort;			/* --sort's choice, or -1 */
	int argc;			/* what getopt reads: --version may take */
	char **argv;			/*   the word after it (a release) */
};

enum opt_kind {
	K_FLAG,		/* sets its field to max */
	K_UINT,		/* a whole number from min to max */
	K_SIZE,		/* a size with K/M/G suffixes, from min to max */
	K_CHOICE,	/* one of choices: its index */
	K_STRING,	/* the argument itself (argv's), at least min bytes */
	K_CALL,		/* call(): anything else */
};

struct cli_option {
	const char *name;		/* NULL: a heading (help) of --help */
	int short_name;			/* or 0 */
	const char *arg;		/* its argument, as --help names it; NULL: none */
	unsigned modes;			/* M_*: the subcommands that take it */
	enum opt_kind kind;
	size_t off, size;		/* the struct config field it sets (F()) */
	unsigned long long min, max;	/* K_UINT, K_SIZE; K_FLAG: max is the value */
	const char *const *choices;	/* K_CHOICE, NULL-terminated */
	int (*call)(struct config *c, struct cli_state *s, const char *arg);
	const char *want;		/* "OPTION wants WANT, not 'ARG'" */
	const char *complete;		/* what bash completes after it: "<file>",
					   "<dir>", "<value>"; choices go without */
	const char *help;		/* '\n' starts another line */
	int optional;			/* arg may be left out: --name[=ARG], NULL then */
};

#define F(m)	offsetof(struct config, m), sizeof(((struct config *)0)->m)

static int call_word(struct config *c, struct cli_state *s, const char *arg);
static int call_years(struct config *c, struct cli_state *s, const char *arg);
static int call_sort(struct config *c, struct cli_state *s, const char *arg);
static int call_inflate(struct config *c, struct cli_state *s, const char *arg);
static int call_stats(struct config *c, struct cli_state *s, const char *arg);
static int call_help(struct config *c, struct cli_state *s, const char *arg);
static int call_version(struct config *c, struct cli_state *s, const char *arg);
static int call_completion(struct config *c, struct cli_state *s, const char *arg);
static int call_corpus(struct config *c, struct cli_state *s, const char *arg);

/* --help's order. */
static const struct cli_option options[] = {
	{ .help = "What is read and counted:" },
	{ "format", 0, "auto|v1|v2|v3|text", M_READ, K_CHOICE, F(map.format),
	  .choices = format_names,
	  .help = "input format (default auto: each file's\nown, from its first lines)" },
	{ "ngram", 'n', "N", M_READ, K_UINT, F(map.words), 1, 5,
	  .want = "a number of words from 1 to 5",
	  .complete = "<value>", .help = "text: count runs of N words, 1 to 5 (default 1)" },
	{ "field", 0, "match|volume|page", M_READ, K_CHOICE, F(map.field), .choices = field_names,
	  .help = "the count summed (default match; page: v1)" },
	{ "years", 0, "FROM-TO", M_READ, K_CALL, .call = call_years, .complete = "<value>",
	  .want = "FROM-TO, FROM-, -TO or YEAR (0 to 9999, FROM <= TO)",
	  .help = "only these years (either end may be left out)" },
	{ "pos", 0, "keep|drop|only", M_READ, K_CHOICE, F(map.pos), .choices = pos_names,
	  .help = "part-of-speech tagged ngrams (run_VERB, _NOUN_):\n"
		  "keep (default), drop, or count only them" },
	{ "ignore-case", 0, NULL, M_READ, K_FLAG, F(map.ignore_case), .max = 1,
	  .help = "fold case (Unicode, utf8proc); tags kept" },
	{ "word", 0, "W", M_READ, K_CALL, .call = call_word, .complete = "<value>",
	  .help = "count only ngram W (repeatable)" },
	{ "words", 0, "FILE", M_READ, K_STRING, F(words_file), .complete = "<file>",
	  .help = "count only the ngrams in FILE, one a line" },
	{ "per-year", 0, NULL, M_READ, K_FLAG, F(map.per_year), .max = 1,
	  .help = "print 'ngram TAB year TAB total', by ngram, year" },
	{ "totals", 0, NULL, M_READ | M_CORPUS, K_FLAG, F(map.totals), .max = 1,
	  .help = "sum totalcounts files per year ('year TAB total');\n"
		  "without it they are passed over" },
	{ .help = "What is printed:" },
	{ "min-count", 0, "N", M_PRINT, K_UINT, F(out.min_count), 0, UINT64_MAX,
	  .want = "a whole number", .complete = "<value>",
	  .help = "leave out ngrams whose total is below N" },
	{ "top", 0, "K", M_PRINT, K_UINT, F(out.top), 1, UINT64_MAX,
	  .want = "a number of ngrams from 1", .complete = "<value>",
	  .help = "only the K most frequent" },
	{ "sort", 0, "count|key|none", M_PRINT, K_CALL, .call = call_sort, .choices = sort_names,
	  .help = "most frequent first (default; key with\n"
		  "--per-year, --totals but --top), byte order, or as\nreduced" },
	{ "output-format", 0, "tsv|csv|json|ndjson", M_PRINT, K_CHOICE, F(out.format),
	  .choices = ofmt_names, .help = "(default tsv)" },
	{ .help = "How:" },
	{ "output", 'o', "FILE", M_PRINT, K_STRING, F(out.path), .complete = "<file>",
	  .help = "write to FILE (atomically: temp file + rename)" },
	{ "workers", 'j', "N", M_RUN, K_UINT, F(workers), 0, NGC_MAX_WORKERS,
	  .want = "a number of workers from 0 to 256", .complete = "<value>",
	  .help = "map in N worker processes (default: online CPUs,\nwith URL inputs at least "
		  "--connections); 0 maps in\nthe parent (the sequential baseline)" },
	{ "io", 0, "uring|sync", M_RUN, K_CHOICE, F(io), .choices = io_names,
	  .help = "read with io_uring (default) or pread(2)" },
	{ "queue-depth", 0, "N", M_RUN, K_UINT, F(queue_depth), 1, NGC_MAX_QD,
	  .want = "a number from 1 to 4096", .complete = "<value>",
	  .help = "reads in flight with io_uring (default 8)" },
	{ "inflate", 0, "auto|zlib|isal", M_READ, K_CALL, .call = call_inflate,
	  .choices = inflate_names,
	  .help = "gzip backend (default auto: ISA-L when\nbuilt in, else zlib)" },
	{ "partition-size", 0, "SZ", M_RUN, K_SIZE, F(partition_size), NGC_MIN_PARTITION,
	  NGC_MAX_PARTITION, .want = "a size from 16 bytes to 1G", .complete = "<value>",
	  .help = "bytes per read and partition, K/M/G suffixes\n(default 1M)" },
	{ "direct", 0, NULL, M_RUN, K_FLAG, F(direct), .max = 1,
	  .help = "read files with O_DIRECT, past the page cache (a\ncold-cache measurement); "
		  "partition size a\nmultiple of 4K" },
	{ "buffer-memory", 0, "SZ", M_RUN, K_SIZE, F(buffer_memory), 1, SIZE_MAX / 2,
	  .want = "a size such as 256M", .complete = "<value>",
	  .help = "read buffers for the whole run, shared by all\nprocesses (default 256M)" },
	{ "order", 0, "completion|submission", M_RUN, K_CHOICE, F(order), .choices = order_names,
	  .help = "reduce results as they complete (default)\n"
		  "or in the order tasks were handed out" },
	{ "progress", 0, NULL, M_RUN, K_FLAG, F(progress), .max = 1,
	  .help = "show the progress bar even if stderr is no tty" },
	{ "no-progress", 0, NULL, M_RUN, K_FLAG, F(progress), .max = 0,
	  .help = "never show the progress bar" },
	{ "memory", 0, "SIZE", M_READ, K_SIZE, F(memory), 4096, SIZE_MAX / 2,
	  .want = "a size from 4K, such as 256M", .complete = "<value>",
	  .help = "the run's memory: past it (less the read buffers)\nthe totals spill to sorted "
		  "runs on disk (default:\nhalf the RAM; map: 256M)" },
	{ "tmpdir", 0, "DIR", M_RUN, K_STRING, F(tmpdir), .complete = "<dir>",
	  .help = "where spilled runs go (default $TMPDIR, /tmp)" },
	{ "stats", 0, "text|json", M_RUN, K_CALL, .optional = 1, .call = call_stats,
	  .choices = stats_names,
	  .help = "print a summary on stderr at the end: text\n(default), or one JSON object" },
	{ "trace", 0, "FILE", M_RUN, K_STRING, F(trace), 1, .want = "a file name",
	  .complete = "<file>",
	  .help = "write a timeline of the reads, the workers' tasks,\nthe merges and the output "
		  "to FILE, in Chrome's\nTrace Event Format (open it in ui.perfetto.dev)" },
	{ "strict", 0, NULL, M_READ, K_FLAG, F(strict), .max = 1,
	  .help = "a malformed line is an error, not skipped" },
	{ "keep-going", 0, NULL, M_RUN, K_FLAG, F(keep_going), .max = 1,
	  .help = "skip an input that is missing, unreadable or a\ncorrupt gzip file, name it, "
		  "and exit 3" },
	{ "task-timeout", 0, "SECS", M_RUN, K_UINT, F(task_timeout), 1, 86400,
	  .want = "seconds from 1 to 86400", .complete = "<value>",
	  .help = "replace a worker that has not answered for SECS\nseconds and run its task "
		  "again (default: none)" },
	{ .help = "URL inputs (http://, https://) and Google's sets:" },
	{ "corpus", 0, "LANG:N[:YEAR]", M_COUNT, K_CALL, .call = call_corpus,
	  .complete = "<value>",
	  .help = "count a published set, e.g. eng:1:2020 (see\n'ngramcount corpus'); "
		  "repeatable" },
	{ "connections", 0, "N", M_RUN, K_UINT, F(connections), 1, 256,
	  .want = "a number from 1 to 256", .complete = "<value>",
	  .help = "downloads at once (default 4); a gzip file is\none worker's task, "
		  "so -j bounds those too" },
	{ "retries", 0, "N", M_RUN, K_UINT, F(retries), 0, 100,
	  .want = "a number from 0 to 100", .complete = "<value>",
	  .help = "tries again after a reset, timeout, 429 or 5xx,\n"
		  "backing off, resuming where it stopped (default 5)" },
	{ "stall-timeout", 0, "SECS", M_RUN, K_UINT, F(stall_timeout), 1, 86400,
	  .want = "seconds from 1 to 86400", .complete = "<value>",
	  .help = "a download with no byte for SECS is tried again\n(default 30)" },
	{ "cache", 0, "DIR", M_RUN, K_STRING, F(cache), 1, .want = "a folder",
	  .complete = "<dir>",
	  .help = "keep downloads in DIR/HOST/PATH; later runs read\nthem from there" },
	{ "base-url", 0, "URL", M_COUNT | M_CORPUS, K_STRING, F(base_url), 1, .want = "a URL",
	  .complete = "<value>",
	  .help = "the catalog's server (default\n" NGC_BASE_URL "): a mirror" },
	{ "help", 'h', NULL, M_ALL, K_CALL, .call = call_help, .help = "this help" },
	{ "version", 'V', "YEAR", M_ALL, K_CALL, .optional = 1, .call = call_version,
	  .want = "2009, 2012 or 2020 (or the release's date)",
	  .help = "print the version; with YEAR, the release that\n--corpus and 'corpus urls' "
		  "take (default 2020)" },
	{ .help = "Hadoop Streaming and result files (see README):\n"
		  "  ngramcount map [what is counted] [--memory SZ]  stdin -> 'key TAB partial'\n"
		  "                           lines, flushed whenever the table passes SZ (256M)\n"
		  "  ngramcount reduce        key-sorted 'key TAB count' lines on stdin -> one\n"
		  "                           summed line per key, in constant memory\n"
		  "  ngramcount merge [what is printed] [--sorted] FILE...  sum result files;\n"
		  "                           --sorted: each file in key order, merged k-way in\n"
		  "                           constant memory\n"
		  "  ngramcount corpus        Google's sets and their file counts\n"
		  "  ngramcount corpus urls LANG N [--version YEAR] [--totals]  the set's URLs\n"
		  "                           (--totals: its totalcounts file)" },
	{ "hadoop-counters", 0, NULL, M_MAP | M_REDUCE, K_FLAG, F(hadoop_counters), .max = 1,
	  .help = "map, reduce: counters and status on stderr in\nHadoop Streaming's form "
		  "(automatic in a task)" },
	{ "sorted", 0, NULL, M_MERGE, K_FLAG, F(sorted), .max = 1, .help = NULL },
	/* Not in --help: for scripts/ngramcount.bash, as git's --git-completion-helper. */
	{ "completion-helper", 0, NULL, M_ALL, K_CALL, .call = call_completion, .help = NULL },
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static const char usage_head[] =
"usage: ngramcount [options] FILE|DIR|URL...\n"
"\n"
"Count ngram totals across Google Books Ngram files (v1 2009, v2 2012, v3\n"
"2020) or raw text, plain, gzip or zip (told by content). Prints 'ngram\n"
"TAB total', most frequent first, ties in byte order. A directory stands for\n"
"its files and its folders', recursively, by name; - is stdin; a URL is\n"
"downloaded as it is counted.\n";

static const char usage_tail[] =
"\n"
"Exit status: 0 success, 1 bad input or run failure (no output written),\n"
"2 bad command line, 3 partial result (--keep-going skipped inputs),\n"
"128+N stopped by signal N (SIGINT 130, SIGTERM 143, SIGHUP 129, SIGQUIT 131).\n";

/* The option's name as the user typed it (short_form: true): "-j" or "--workers". */
static const char *spelled(const struct cli_option *o, int short_form, char *buf, size_t size)
{
	if (short_form)
		snprintf(buf, size, "-%c", o->short_name);
	else
		snprintf(buf, size, "--%s", o->name);
	return buf;
}

static int call_help(struct config *c, struct cli_state *s, const char *arg)
{
	(void)c, (void)s, (void)arg;
	fputs(usage_head, stdout);
	for (const struct cli_option *o = options; o < options + NOPTIONS; o++) {
		char left[64];
		const char *h = o->help;
		if (!h)
			continue;
		if (!o->name) {
			printf("\n%s\n", h);
			continue;
		}
		snprintf(left, sizeof(left), "  %c%c%s--%s%s%s%s", o->short_name ? '-' : ' ',
			 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
			 !o->arg ? "" : o->optional ? "[=" : " ", o->arg ? o->arg : "",
			 o->arg && o->optional ? "]" : "");
		/* The text in column 28, or two spaces after a long left side. */
		printf(strlen(left) < 26 ? "%-27s%.*s\n" : "%s  %.*s\n", left,
		       (int)strcspn(h, "\n"), h);
		while (*(h += strcspn(h, "\n"))) {
			h++;
			printf("%27s%.*s\n", "", (int)strcspn(h, "\n"), h);
		}
	}
	fputs(usage_tail, stdout);
	return CLI_DONE;
}

/* --version prints ours; --version YEAR (or =YEAR) picks the catalog's release. */
static int call_version(struct config *c, struct cli_state *s, const char *arg)
{
	if (!arg && optind < s->argc && corpus_release(s->argv[optind]) >= 0)
		arg = s->argv[optind++];
	if (arg)
		return (c->release = corpus_release(arg)) < 0 ? -1 : CLI_RUN;
	puts("ngramcount " NGC_VERSION);
	return CLI_DONE;
}

/* --corpus sets -> their URLs, after the inputs named. */
static int add_corpus(struct config *c)
{
	char err[256];

	c->owned = malloc((size_t)c->ninputs * sizeof(*c->owned));
	if (!c->owned && c->ninputs)
		return bad("out of memory");
	memcpy(c->owned, c->inputs, (size_t)c->ninputs * sizeof(*c->owned));
	for (unsigned i = 0; i < c->ncorpus; i++) {
		struct corpus_set set;
		unsigned n;
		if (corpus_parse(c->corpus[i], c->release, &set, err, sizeof(err)))
			return bad("--corpus: %s", err);
		char **urls = corpus_urls(&set, c->base_url, c->map.totals, &n);
		c->owned = realloc(c->owned, ((size_t)c->ninputs + n) * sizeof(*c->owned));
		if (!c->owned)
			return bad("out of memory");
		memcpy(c->owned + c->ninputs, urls, n * sizeof(*urls));
		free(urls);
		c->ninputs += (int)n;
		c->nowned += n;
	}
	c->inputs = c->owned;
	return CLI_RUN;
}

/* ngramcount corpus [urls LANG N]: the words after it, the set into c->urls_of. */
static int check_corpus(struct config *c)
{
	char err[256];

	if (!c->ninputs)
		return CLI_RUN;
	if (strcmp(c->inputs[0], "urls") || c->ninputs != 3)
		return bad("'ngramcount corpus' takes nothing, or 'urls LANG N'");
	if (corpus_find(c->release, c->inputs[1], c->inputs[2], &c->urls_of, err, sizeof(err)))
		return bad("corpus urls: %s", err);
	return CLI_RUN;
}

/* The options c->mode takes, a line each: the name, then what follows it. */
static int call_completion(struct config *c, struct cli_state *s, const char *arg)
{
	(void)s, (void)arg;
	for (const struct cli_option *o = options; o < options + NOPTIONS; o++) {
		if (!o->name || o->call == call_completion || !(o->modes & (1u << c->mode)))
			continue;
		for (int form = 0; form < 2; form++) {
			if (form == 0 && !o->short_name)
				continue;
			if (form == 0)
				printf("-%c", o->short_name);
			else
				printf("--%s", o->name);
			if (o->complete)
				printf(" %s", o->complete);
			for (const char *const *ch = o->choices; ch && *ch; ch++)
				printf(" %s", *ch);
			putchar('\n');
		}
	}
	return CLI_DONE;
}

/* A repeatable option's argument, onto its list. */
static int append(char ***list, unsigned *n, const char *arg)
{
	char **l = realloc(*list, (*n + 1) * sizeof(**list));
	if (!l)
		return bad("out of memory");
	l[(*n)++] = (char *)arg;
	*list = l;
	return CLI_RUN;
}

static int call_word(struct config *c, struct cli_state *s, const char *arg)
{
	(void)s;
	return append(&c->words, &c->nwords, arg);
}

static int call_corpus(struct config *c, struct cli_state *s, const char *arg)
{
	(void)s;
	return append(&c->corpus, &c->ncorpus, arg);
}

static int call_years(struct config *c, struct cli_state *s, const char *arg)
{
	(void)s;
	return parse_years(arg, &c->map.year_from, &c->map.year_to) ? -1 : CLI_RUN;
}

static int call_stats(struct config *c, struct cli_state *s, const char *arg)
{
	int n = STATS_TEXT - 1;
	(void)s;
	if (arg && choice("--stats", arg, stats_names, &n))
		return CLI_USAGE;
	c->stats = (enum stats_form)(n + 1);
	return CLI_RUN;
}

static int call_sort(struct config *c, struct cli_state *s, const char *arg)
{
	(void)c;
	return choice("--sort", arg, sort_names, &s->sort);
}

static int call_inflate(struct config *c, struct cli_state *s, const char *arg)
{
	int n;
	(void)s;
	if (choice("--inflate", arg, inflate_names, &n))
		return CLI_USAGE;
	if (n == GZ_ISAL && !gz_have_isal())
		return bad("--inflate isal: this build has no ISA-L (install libisal-dev and rebuild)");
	c->inflate = (enum gz_backend)n;
	return CLI_RUN;
}

/* Edits (insert, delete, replace) from a to b; more than max: max + 1. */
static unsigned distance(const char *a, const char *b, unsigned max)
{
	unsigned row[64], n = (unsigned)strlen(b);
	if (n >= 64)
		return max + 1;
	for (unsigned j = 0; j <= n; j++)
		row[j] = j;
	for (unsigned i = 1; a[i - 1]; i++) {
		unsigned diag = row[0], least = row[0] = i;
		for (unsigned j = 1; j <= n; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);
			best = up + 1 < best ? up + 1 : best;
			best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
			row[j] = best;
			diag = up;
			least = best < least ? best : least;
		}
		if (least > max)
			return max + 1;
	}
	return row[n];
}

/* An unknown option, and the one it was likely meant to be. */
static int unknown(const char *arg)
{
	const char *name = arg + strspn(arg, "-"), *best = NULL;
	size_t len = strcspn(name, "=");
	char typed[64];
	unsigned d, best_d = 3;

	if (strncmp(arg, "--", 2) || len >= sizeof(typed))
		return bad("unknown option '%s'", arg);
	memcpy(typed, name, len);
	typed[len] = '\0';
	for (const struct cli_option *o = options; o < options + NOPTIONS; o++)
		if (o->name && o->help && (d = distance(typed, o->name, 2)) < best_d) {
			best_d = d;
			best = o->name;
		}
	if (best)
		return bad("unknown option '%s'; did you mean '--%s'?", arg, best);
	return bad("unknown option '%s'", arg);
}

/* Store v in the field at off of size bytes. */
static void store(struct config *c, size_t off, size_t size, unsigned long long v)
{
	char *p = (char *)c + off;
	uint64_t u64 = v;
	uint32_t u32 = (uint32_t)v;
	unsigned char u8 = (unsigned char)v;

	uint16_t u16 = (uint16_t)v;

	if (size == 8)
		memcpy(p, &u64, 8);
	else if (size == 4)
		memcpy(p, &u32, 4);
	else if (size == 2)
		memcpy(p, &u16, 2);
	else
		memcpy(p, &u8, 1);
}

/* Apply option o, typed in its short form or not, with argument arg (or NULL). */
static int apply(const struct cli_option *o, int short_form, const char *arg,
		 struct config *c, struct cli_state *s)
{
	unsigned long long v = o->max;
	char name[40];
	const char *as = spelled(o, short_form, name, sizeof(name));
	int n, r = 0;

	if (!(o->modes & (1u << c->mode)))
		return bad("%s does not apply to 'ngramcount %s'", as, mode_names[c->mode]);
	switch (o->kind) {
	case K_FLAG:
		break;
	case K_UINT:
		r = parse_uint(arg, o->max, &v) || v < o->min;
		break;
	case K_SIZE:
		r = parse_size(arg, &v) || v < o->min || v > o->max;
		break;
	case K_CHOICE:
		if (choice(as, arg, o->choices, &n))
			return CLI_USAGE;
		v = (unsigned long long)n;
		break;
	case K_STRING:
		if (strlen(arg) < o->min)
			return bad("%s wants %s", as, o->want);
		memcpy((char *)c + o->off, &arg, sizeof(arg));
		return CLI_RUN;
	case K_CALL:
		r = o->call(c, s, arg);
		if (r >= 0)
			return r;
		break;
	}
	if (r)
		return bad("%s wants %s, not '%s'", as, o->want, arg);
	store(c, o->off, o->size, v);
	return CLI_RUN;
}

/* The defaults and the checks that span options. */
static int finish(struct config *c, const struct cli_state *s)
{
	if (c->workers == UINT_MAX) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		c->workers = cpus > 0 ? (unsigned)cpus : 1;
		/* A gzip URL is one worker's task: a worker a download, or downloads wait. */
		int urls = c->ncorpus > 0;
		for (int i = 0; i < c->ninputs && !urls; i++)
			urls = fetch_is_url(c->inputs[i]);
		if (urls && c->connections > c->workers)
			c->workers = c->connections;
	}
	if (!c->base_url)
		c->base_url = NGC_BASE_URL;
	if (c->mode == MODE_CORPUS)
		return check_corpus(c);
	if (c->release >= 0 && !c->ncorpus)
		return bad("--version YEAR picks the release of --corpus sets; name one");
	if (c->ncorpus && add_corpus(c) != CLI_RUN)
		return CLI_USAGE;
	if ((c->mode == MODE_MAP || c->mode == MODE_REDUCE) && c->ninputs)
		return bad("'ngramcount %s' reads standard input, not '%s'", mode_names[c->mode],
			   c->inputs[0]);
	if (c->ninputs == 0 && (c->mode == MODE_COUNT || c->mode == MODE_MERGE))
		return bad("no input files");
	for (int i = 0, stdin_seen = 0; i < c->ninputs; i++)
		if (!strcmp(c->inputs[i], "-") && stdin_seen++)
			return bad("'-' (standard input) is named twice: it can be read only once");
	if (c->sorted && (c->out.top || s->sort == SORT_COUNT))
		return bad("merge --sorted writes in key order as it reads: --top and --sort count "
			   "need every total first (leave out --sorted)");
	if (c->direct && c->partition_size % NGC_DIRECT_ALIGN)
		return bad("--direct reads whole blocks: --partition-size must be a multiple of 4K");
	if (c->map.per_year && c->map.totals)
		return bad("--totals already counts by year: leave out --per-year");
	if (c->map.format != FMT_AUTO && map_conflict(&c->map, c->map.format))
		return bad("--format %s: %s", format_names[c->map.format],
			   map_conflict(&c->map, c->map.format));
	if (!c->memory) {
		/* map: a table written out often is cheap; a run: half the RAM. */
		long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
		c->memory = c->mode == MODE_MAP || pages <= 0 || page <= 0
				    ? NGC_DEFAULT_MAPMEM : (size_t)pages * (size_t)page / 2;
	}
	/* A line is held whole: a few copies of it must fit in the budget. */
	c->map.line_max = c->memory / 4;
	if (!c->tmpdir)
		c->tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	c->out.keys = c->map.totals ? KEYS_YEAR : c->map.per_year ? KEYS_NGRAM_YEAR : KEYS_NGRAM;
	/* Rows keyed by year read best in key order, unless asked otherwise: --top too. */
	c->out.sort = s->sort >= 0 ? (enum out_sort)s->sort
		    : (c->out.keys == KEYS_NGRAM || c->out.top) && !c->sorted ? SORT_COUNT
									  : SORT_KEY;
	if (c->progress < 0)
		c->progress = isatty(STDERR_FILENO);
	return CLI_RUN;
}

enum cli_result cli_parse(int argc, char **argv, struct config *c)
{
	struct option longopts[NOPTIONS + 1];
	char shorts[2 * NOPTIONS + 2] = ":";
	struct cli_state s = { .sort = -1 };
	size_t n = 0;
	int opt, r;

	*c = (struct config){
		.workers = UINT_MAX,	/* not given: finish() says */
		.queue_depth = NGC_DEFAULT_QD,
		.partition_size = NGC_DEFAULT_PARTITION,
		.buffer_memory = NGC_DEFAULT_BUFMEM,
		.io = IO_URING,
		.progress = -1,
		.connections = NGC_DEFAULT_CONNECTIONS,
		.retries = NGC_DEFAULT_RETRIES,
		.stall_timeout = NGC_DEFAULT_STALL,
		.release = -1,
	};
	map_opts_init(&c->map);
	for (int m = MODE_MAP; m <= MODE_CORPUS; m++) {
		if (argc > 1 && !strcmp(argv[1], mode_names[m])) {
			c->mode = (enum ngc_mode)m;
			argc--;
			argv++;	/* getopt takes the subcommand for the program name */
		}
	}
	/* getopt_long's tables from options[]: val is the row's index. */
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct cli_option *o = &options[i];
		if (!o->name)
			continue;
		longopts[n++] = (struct option){ o->name, !o->arg ? no_argument : o->optional ?
						 optional_argument : required_argument,
						 NULL, (int)(i + 1000) };
		if (o->short_name)
			snprintf(shorts + strlen(shorts), 3, "%c%s", o->short_name,
				 longopts[n - 1].has_arg ? ":" : "");
	}
	longopts[n] = (struct option){ 0 };
	opterr = 0;
	s.argc = argc;
	s.argv = argv;
	while ((opt = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		const struct cli_option *o = NULL;
		if (opt >= 1000)
			o = &options[opt - 1000];
		for (size_t i = 0; !o && i < NOPTIONS; i++)
			if (options[i].name && options[i].short_name == opt)
				o = &options[i];
		if (opt == ':')
			return bad("option '%s' needs an argument", argv[optind - 1]);
		if (!o)
			return unknown(argv[optind - 1]);
		if ((r = apply(o, opt < 1000, optarg, c, &s)) != CLI_RUN)
			return (enum cli_result)r;
	}
	c->inputs = argv + optind;
	c->ninputs = argc - optind;
	return (enum cli_result)finish(c, &s);
}

void cli_fini(struct config *c)
{
	for (unsigned i = 0; i < c->nowned; i++)
		free(c->owned[c->ninputs - c->nowned + i]);
	free(c->owned);
	free(c->corpus);
	c->owned = c->corpus = NULL;
	c->nowned = c->ncorpus = 0;
	free(c->words);
	c->words = NULL;
	c->nwords = 0;
}
