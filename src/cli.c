/*
 * cli.c - command-line parsing with getopt_long. Everything the run needs
 * ends up in struct config; nothing here touches files.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ngramcount/cli.h"

#define NGC_VERSION		"0.1.0"
#define NGC_DEFAULT_QD		8
#define NGC_DEFAULT_PARTITION	(1u << 20)
#define NGC_DEFAULT_BUFMEM	(256ul << 20)
#define NGC_DEFAULT_MAPMEM	(256ul << 20)
#define NGC_MAX_WORKERS		256
#define NGC_MAX_QD		4096
#define NGC_MIN_PARTITION	16
#define NGC_MAX_PARTITION	(1ul << 30)

static const char usage[] =
"usage: ngramcount [options] FILE|DIR...\n"
"\n"
"Count ngram totals across Google Books Ngram files (v1 2009, v2 2012, v3\n"
"2020) or raw text, plain or gzip (detected by content). Prints 'ngram TAB\n"
"total', most frequent first, ties in byte order. A directory stands for\n"
"its regular files, sorted by name; - is stdin.\n"
"\n"
"What is read and counted:\n"
"      --format auto|v1|v2|v3|text  input format (default auto: each file's\n"
"                           own, from its first lines)\n"
"  -n, --ngram N            text: count runs of N words, 1 to 5 (default 1)\n"
"      --field match|volume|page  the count summed (default match; page: v1)\n"
"      --years FROM-TO      only these years (either end may be left out)\n"
"      --pos keep|drop|only  part-of-speech tagged ngrams (run_VERB, _NOUN_):\n"
"                           keep (default), drop, or count only them\n"
"      --ignore-case        fold case (Unicode, utf8proc); tags kept\n"
"      --word W             count only ngram W (repeatable)\n"
"      --words FILE         count only the ngrams in FILE, one a line\n"
"      --per-year           print 'ngram TAB year TAB total', by ngram, year\n"
"      --totals             sum totalcounts files per year ('year TAB total');\n"
"                           without it they are passed over\n"
"\n"
"What is printed:\n"
"      --min-count N        leave out ngrams whose total is below N\n"
"      --top K              only the K most frequent\n"
"      --sort count|key|none  most frequent first (default; key with\n"
"                           --per-year, --totals), byte order, or as reduced\n"
"      --output-format tsv|csv|json|ndjson  (default tsv)\n"
"\n"
"How:\n"
"  -o, --output FILE        write to FILE (atomically: temp file + rename)\n"
"  -j, --workers N          map in N worker processes (default: online CPUs);\n"
"                           0 maps in the parent (the sequential baseline)\n"
"      --io uring|sync      read with io_uring (default) or pread(2)\n"
"      --queue-depth N      reads in flight with io_uring (default 8)\n"
"      --inflate auto|zlib|isal  gzip backend (default auto: ISA-L when\n"
"                           built in, else zlib)\n"
"      --partition-size SZ  bytes per read and partition, K/M/G suffixes\n"
"                           (default 1M)\n"
"      --direct             read files with O_DIRECT, past the page cache (a\n"
"                           cold-cache measurement); partition size a\n"
"                           multiple of 4K\n"
"      --buffer-memory SZ   read buffers for the whole run, shared by all\n"
"                           processes (default 256M)\n"
"      --order completion|submission  reduce results as they complete (default)\n"
"                           or in the order tasks were handed out\n"
"      --progress           show the progress bar even if stderr is no tty\n"
"      --no-progress        never show the progress bar\n"
"      --memory SIZE        the run's memory: past it (less the read buffers)\n"
"                           the totals spill to sorted runs on disk (default:\n"
"                           half the RAM; map: 256M)\n"
"      --tmpdir DIR         where spilled runs go (default $TMPDIR, /tmp)\n"
"      --stats              print a summary on stderr at the end\n"
"      --trace FILE         write a timeline of the reads, the workers' tasks,\n"
"                           the merges and the output to FILE, in Chrome's\n"
"                           Trace Event Format (open it in ui.perfetto.dev)\n"
"      --strict             a malformed line is an error, not skipped\n"
"      --keep-going         skip an input that is missing, unreadable or a\n"
"                           corrupt gzip file, name it, and exit 3\n"
"      --task-timeout SECS  replace a worker that has not answered for SECS\n"
"                           seconds and run its task again (default: none)\n"
"  -h, --help               this help\n"
"  -V, --version            print the version\n"
"\n"
"Hadoop Streaming and result files (see README):\n"
"  ngramcount map [what is counted] [--memory SZ]  stdin -> 'key TAB partial'\n"
"                           lines, flushed whenever the table passes SZ (256M)\n"
"  ngramcount reduce        key-sorted 'key TAB count' lines on stdin -> one\n"
"                           summed line per key, in constant memory\n"
"  ngramcount merge [what is printed] [--sorted] FILE...  sum result files;\n"
"                           --sorted: each file in key order, merged k-way in\n"
"                           constant memory\n"
"      --hadoop-counters    map, reduce: counters and status on stderr in\n"
"                           Hadoop Streaming's form (automatic in a task)\n"
"\n"
"Exit status: 0 success, 1 bad input or run failure (no output written),\n"
"2 bad command line, 3 partial result (--keep-going skipped inputs),\n"
"130/143 stopped by SIGINT/SIGTERM.\n";

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
static const char *const ofmt_names[] = { "tsv", "csv", "json", "ndjson", NULL };	/* enum out_format */
_Static_assert(IO_URING == 0 && IO_SYNC == 1 && GZ_AUTO == 0 && GZ_ZLIB == 1 &&
	       GZ_ISAL == 2 && ORDER_COMPLETION == 0 && ORDER_SUBMISSION == 1 &&
	       FMT_AUTO == 0 && FMT_TEXT == 4 && FIELD_PAGE == 2 && POS_ONLY == 2 &&
	       SORT_NONE == 2 && OUT_NDJSON == 3,
	       "the name lists follow their enums");

/* Long options without a short one. */
enum {
	OPT_IO = 256, OPT_QD, OPT_INFLATE, OPT_BUFMEM, OPT_ORDER, OPT_PART, OPT_PROGRESS,
	OPT_NO_PROGRESS, OPT_STATS, OPT_STRICT, OPT_TIMEOUT, OPT_KEEP_GOING, OPT_TRACE, OPT_DIRECT,
	OPT_FORMAT, OPT_FIELD, OPT_YEARS, OPT_POS, OPT_ICASE, OPT_WORD, OPT_WORDS, OPT_PER_YEAR,
	OPT_TOTALS, OPT_MIN_COUNT, OPT_TOP, OPT_SORT, OPT_OFMT, OPT_HADOOP, OPT_MEMORY, OPT_SORTED,
	OPT_TMPDIR,
};

static const char *const mode_names[] = { "", "map", "reduce", "merge" };	/* enum ngc_mode */

/* The options each mode takes, by class. */
enum {
	C_RUN = 1,	/* the engine: workers, I/O, progress, trace */
	C_COUNT = 2,	/* what is read and counted */
	C_PRINT = 4,	/* what is printed */
	C_HELP = 8,	/* -h, -V */
	C_INFLATE = 16,	/* --inflate */
	C_STREAM = 32,	/* --hadoop-counters */
	C_MEMORY = 64,	/* --memory */
	C_SORTED = 128,	/* --sorted */
};
static const unsigned mode_allows[] = {
	[MODE_COUNT] = C_RUN | C_COUNT | C_PRINT | C_HELP | C_INFLATE | C_MEMORY,
	[MODE_MAP] = C_COUNT | C_HELP | C_INFLATE | C_STREAM | C_MEMORY,
	[MODE_REDUCE] = C_HELP | C_STREAM,
	[MODE_MERGE] = C_PRINT | C_HELP | C_SORTED,
};

static unsigned opt_class(int opt)
{
	switch (opt) {
	case 'n': case OPT_FORMAT: case OPT_FIELD: case OPT_YEARS: case OPT_POS: case OPT_ICASE:
	case OPT_WORD: case OPT_WORDS: case OPT_PER_YEAR: case OPT_TOTALS: case OPT_STRICT:
		return C_COUNT;
	case 'o': case OPT_MIN_COUNT: case OPT_TOP: case OPT_SORT: case OPT_OFMT:
		return C_PRINT;
	case 'h': case 'V':
		return C_HELP;
	case OPT_INFLATE:
		return C_INFLATE;
	case OPT_HADOOP:
		return C_STREAM;
	case OPT_MEMORY:
		return C_MEMORY;
	case OPT_SORTED:
		return C_SORTED;
	default:
		return C_RUN;
	}
}

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

enum cli_result cli_parse(int argc, char **argv, struct config *c)
{
	int sort = -1;
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "workers", required_argument, NULL, 'j' },
		{ "io", required_argument, NULL, OPT_IO },
		{ "queue-depth", required_argument, NULL, OPT_QD },
		{ "inflate", required_argument, NULL, OPT_INFLATE },
		{ "buffer-memory", required_argument, NULL, OPT_BUFMEM },
		{ "order", required_argument, NULL, OPT_ORDER },
		{ "partition-size", required_argument, NULL, OPT_PART },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "keep-going", no_argument, NULL, OPT_KEEP_GOING },
		{ "task-timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "direct", no_argument, NULL, OPT_DIRECT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "ngram", required_argument, NULL, 'n' },
		{ "field", required_argument, NULL, OPT_FIELD },
		{ "years", required_argument, NULL, OPT_YEARS },
		{ "pos", required_argument, NULL, OPT_POS },
		{ "ignore-case", no_argument, NULL, OPT_ICASE },
		{ "word", required_argument, NULL, OPT_WORD },
		{ "words", required_argument, NULL, OPT_WORDS },
		{ "per-year", no_argument, NULL, OPT_PER_YEAR },
		{ "totals", no_argument, NULL, OPT_TOTALS },
		{ "min-count", required_argument, NULL, OPT_MIN_COUNT },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "output-format", required_argument, NULL, OPT_OFMT },
		{ "hadoop-counters", no_argument, NULL, OPT_HADOOP },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "sorted", no_argument, NULL, OPT_SORTED },
		{ "tmpdir", required_argument, NULL, OPT_TMPDIR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	int n;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int opt;

	*c = (struct config){
		.workers = cpus > 0 ? (unsigned)cpus : 1,
		.queue_depth = NGC_DEFAULT_QD,
		.partition_size = NGC_DEFAULT_PARTITION,
		.buffer_memory = NGC_DEFAULT_BUFMEM,
		.io = IO_URING,
		.progress = -1,
	};
	map_opts_init(&c->map);
	for (int m = MODE_MAP; m <= MODE_MERGE; m++) {
		if (argc > 1 && !strcmp(argv[1], mode_names[m])) {
			c->mode = (enum ngc_mode)m;
			argc--;
			argv++;	/* getopt takes the subcommand for the program name */
		}
	}
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:j:n:hV", longopts, NULL)) != -1) {
		if (opt != ':' && opt != '?' && !(opt_class(opt) & mode_allows[c->mode]))
			return bad("%s does not apply to 'ngramcount %s'", argv[optind - 1],
				   mode_names[c->mode]);
		switch (opt) {
		case OPT_HADOOP:
			c->hadoop_counters = 1;
			break;
		case OPT_MEMORY:
			if (parse_size(optarg, &v) || v < 4096 || v > SIZE_MAX / 2)
				return bad("--memory wants a size from 4K, such as 256M, not '%s'", optarg);
			c->memory = (size_t)v;
			break;
		case OPT_SORTED:
			c->sorted = 1;
			break;
		case OPT_TMPDIR:
			c->tmpdir = optarg;
			break;
		case 'o':
			c->out.path = optarg;
			break;
		case 'n':
			if (parse_uint(optarg, 5, &v) || v == 0)
				return bad("-n wants a number of words from 1 to 5, not '%s'", optarg);
			c->map.words = (unsigned)v;
			break;
		case OPT_FORMAT:
			if (choice("--format", optarg, format_names, &n))
				return CLI_USAGE;
			c->map.format = (enum ngc_format)n;
			break;
		case OPT_FIELD:
			if (choice("--field", optarg, field_names, &n))
				return CLI_USAGE;
			c->map.field = (enum map_field)n;
			break;
		case OPT_YEARS:
			if (parse_years(optarg, &c->map.year_from, &c->map.year_to))
				return bad("--years wants FROM-TO, FROM-, -TO or YEAR (0 to 9999, "
					   "FROM <= TO), not '%s'", optarg);
			break;
		case OPT_POS:
			if (choice("--pos", optarg, pos_names, &n))
				return CLI_USAGE;
			c->map.pos = (enum map_pos)n;
			break;
		case OPT_ICASE:
			c->map.ignore_case = 1;
			break;
		case OPT_WORD:
			c->words = realloc(c->words, (c->nwords + 1) * sizeof(*c->words));
			if (!c->words)
				return bad("out of memory");
			c->words[c->nwords++] = optarg;
			break;
		case OPT_WORDS:
			c->words_file = optarg;
			break;
		case OPT_PER_YEAR:
			c->map.per_year = 1;
			break;
		case OPT_TOTALS:
			c->map.totals = 1;
			break;
		case OPT_MIN_COUNT:
			if (parse_uint(optarg, UINT64_MAX, &v))
				return bad("--min-count wants a whole number, not '%s'", optarg);
			c->out.min_count = v;
			break;
		case OPT_TOP:
			if (parse_uint(optarg, UINT64_MAX, &v) || v == 0)
				return bad("--top wants a number of ngrams from 1, not '%s'", optarg);
			c->out.top = v;
			break;
		case OPT_SORT:
			if (choice("--sort", optarg, sort_names, &sort))
				return CLI_USAGE;
			break;
		case OPT_OFMT:
			if (choice("--output-format", optarg, ofmt_names, &n))
				return CLI_USAGE;
			c->out.format = (enum out_format)n;
			break;
		case 'j':
			if (parse_uint(optarg, NGC_MAX_WORKERS, &v))
				return bad("-j wants a number of workers from 0 to 256, not '%s'", optarg);
			c->workers = (unsigned)v;
			break;
		case OPT_IO:
			if (choice("--io", optarg, io_names, &n))
				return CLI_USAGE;
			c->io = (enum io_mode)n;
			break;
		case OPT_INFLATE:
			if (choice("--inflate", optarg, inflate_names, &n))
				return CLI_USAGE;
			if (n == GZ_ISAL && !gz_have_isal())
				return bad("--inflate isal: this build has no ISA-L (install libisal-dev and rebuild)");
			c->inflate = (enum gz_backend)n;
			break;
		case OPT_QD:
			if (parse_uint(optarg, NGC_MAX_QD, &v) || v == 0)
				return bad("--queue-depth wants a number from 1 to 4096, not '%s'", optarg);
			c->queue_depth = (unsigned)v;
			break;
		case OPT_PART:
			if (parse_size(optarg, &v) || v < NGC_MIN_PARTITION || v > NGC_MAX_PARTITION)
				return bad("--partition-size wants a size from 16 bytes to 1G, not '%s'", optarg);
			c->partition_size = (size_t)v;
			break;
		case OPT_BUFMEM:
			if (parse_size(optarg, &v) || v == 0 || v > SIZE_MAX / 2)
				return bad("--buffer-memory wants a size such as 256M, not '%s'", optarg);
			c->buffer_memory = (size_t)v;
			break;
		case OPT_ORDER:
			if (choice("--order", optarg, order_names, &n))
				return CLI_USAGE;
			c->order = n;
			break;
		case OPT_PROGRESS:
			c->progress = 1;
			break;
		case OPT_NO_PROGRESS:
			c->progress = 0;
			break;
		case OPT_STATS:
			c->stats = 1;
			break;
		case OPT_STRICT:
			c->strict = 1;
			break;
		case OPT_KEEP_GOING:
			c->keep_going = 1;
			break;
		case OPT_TIMEOUT:
			if (parse_uint(optarg, 86400, &v) || v == 0)
				return bad("--task-timeout wants seconds from 1 to 86400, not '%s'", optarg);
			c->task_timeout = (unsigned)v;
			break;
		case OPT_TRACE:
			if (!*optarg)
				return bad("--trace wants a file name");
			c->trace = optarg;
			break;
		case OPT_DIRECT:
			c->direct = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return CLI_DONE;
		case 'V':
			puts("ngramcount " NGC_VERSION);
			return CLI_DONE;
		case ':':
			return bad("option '%s' needs an argument", argv[optind - 1]);
		default:
			return bad("unknown option '%s'", argv[optind - 1]);
		}
	}
	c->inputs = argv + optind;
	c->ninputs = argc - optind;
	if ((c->mode == MODE_MAP || c->mode == MODE_REDUCE) && c->ninputs)
		return bad("'ngramcount %s' reads standard input, not '%s'", mode_names[c->mode],
			   c->inputs[0]);
	if (c->ninputs == 0 && (c->mode == MODE_COUNT || c->mode == MODE_MERGE))
		return bad("no input files");
	if (c->sorted && (c->out.top || sort == SORT_COUNT))
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
	if (!c->tmpdir)
		c->tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	c->out.keys = c->map.totals ? KEYS_YEAR : c->map.per_year ? KEYS_NGRAM_YEAR : KEYS_NGRAM;
	/* Rows keyed by year read best in key order, unless asked otherwise. */
	c->out.sort = sort >= 0 ? (enum out_sort)sort
				: c->out.keys == KEYS_NGRAM && !c->sorted ? SORT_COUNT : SORT_KEY;
	if (c->progress < 0)
		c->progress = isatty(STDERR_FILENO);
	return CLI_RUN;
}

void cli_fini(struct config *c)
{
	free(c->words);
	c->words = NULL;
	c->nwords = 0;
}
