/*
 * main.c - ngramcount: count ngram totals across Google Books Ngram files.
 *
 * Wires the stages together and is the only place that decides an exit
 * status: parse the command line, run the engine, report warnings, write
 * the output, print --stats.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ngramcount/cli.h"
#include "ngramcount/corpus.h"
#include "ngramcount/engine.h"
#include "ngramcount/helper.h"
#include "ngramcount/merge.h"
#include "ngramcount/output.h"
#include "ngramcount/parse.h"
#include "ngramcount/prefault.h"
#include "ngramcount/spill.h"
#include "ngramcount/stats.h"
#include "ngramcount/stream.h"
#include "ngramcount/table.h"
#include "ngramcount/trace.h"
#include "ngramcount/util.h"

/* --stats, in binary units throughout (KiB, MiB); status says how the run ended. */
static double cpu_seconds(int who)
{
	struct rusage ru;
	getrusage(who, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The --word and --words set into only. Returns 0, or -1 after a message. */
static int read_words(const struct config *c, struct table *only)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	for (unsigned i = 0; i < c->nwords; i++)
		map_add_word(only, &c->map, c->words[i], strlen(c->words[i]));
	if (!c->words_file)
		return 0;
	if (!(f = fopen(c->words_file, "r"))) {
		fprintf(stderr, "ngramcount: --words %s: %s\n", c->words_file, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if ((size_t)n > NGC_LINE_MAX) {
			fprintf(stderr, "ngramcount: --words %s: %s\n", c->words_file,
				parse_strerror(PARSE_LONG));
			free(line);
			fclose(f);
			return -1;
		}
		if (n)
			map_add_word(only, &c->map, line, (size_t)n);
	}
	free(line);
	if (ferror(f)) {
		fprintf(stderr, "ngramcount: --words %s: %s\n", c->words_file, strerror(EIO));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* ngramcount corpus [urls LANG N]: the catalog, or a set's URLs (found by cli.c). */
static int run_corpus(const struct config *c)
{
	unsigned n;

	if (!c->ninputs) {
		corpus_print(stdout);
		return fflush(stdout) ? -1 : 0;
	}
	char **urls = corpus_urls(&c->urls_of, c->base_url, c->map.totals, &n);
	for (unsigned i = 0; i < n; i++) {
		puts(urls[i]);
		free(urls[i]);
	}
	free(urls);
	return fflush(stdout) ? -1 : 0;
}

/* ngramcount map, reduce and merge. Returns 0, or -1 after a message. */
static int run_mode(const struct config *c)
{
	char err[1024];
	struct table t;
	int r;

	/* Their output is their result: a closed stdout ends them, like any filter. */
	signal(SIGPIPE, SIG_DFL);
	switch (c->mode) {
	case MODE_CORPUS:
		r = run_corpus(c);
		snprintf(err, sizeof(err), "corpus: %s", strerror(errno));
		break;
	case MODE_MAP:
		r = stream_map(c, err, sizeof(err));
		break;
	case MODE_REDUCE:
		r = stream_reduce(c, err, sizeof(err));
		break;
	default:
		if (c->sorted) {
			r = merge_sorted(c, err, sizeof(err));
			break;
		}
		table_init(&t);
		if (!(r = merge_files(c, &t, err, sizeof(err))) &&
		    (r = output_write(&t, &c->out, NULL))) {
			snprintf(err, sizeof(err), "merge: %s: %s",
				 c->out.path ? c->out.path : "stdout", strerror(-r));
			r = -1;
		}
		table_fini(&t);
		break;
	}
	if (r && !ngc_stop)
		fprintf(stderr, "ngramcount: %s\n", err);
	return r;
}

static void on_signal(int sig)
{
	ngc_stop = sig;
}

/*
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT only set ngc_stop: the engine then
 * kills and reaps the workers, the output's temporary file and the spill
 * folder are removed, and main exits 128 + the signal's number, as a shell
 * reports a death by that signal. No SA_RESTART: a blocking poll()
 * returns at once.
 */
static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* The read buffers and the table budget c asks for fit: 0, or NGC_EXIT_USAGE. */
static int check_memory(const struct config *c)
{
	unsigned least;
	long slots = engine_pool_slots(c, &least);

	if (slots < 0) {
		fprintf(stderr, "ngramcount: --buffer-memory %zu bytes holds fewer than the %u "
			"partitions of %zu bytes that %u worker%s need (raise --buffer-memory "
			"or lower --partition-size)\n", c->buffer_memory, least,
			c->partition_size, c->workers, c->workers == 1 ? "" : "s");
		return NGC_EXIT_USAGE;
	}
	if (c->mode == MODE_COUNT && c->memory <= (size_t)slots * c->partition_size) {
		fprintf(stderr, "ngramcount: --memory %zu bytes does not even hold the read buffers "
			"(%zu bytes; lower --buffer-memory)\n", c->memory,
			(size_t)slots * c->partition_size);
		return NGC_EXIT_USAGE;
	}
	return 0;
}

/*
 * The engine's warnings and notes. Returns NGC_EXIT_FAIL when the run
 * cannot stand (nothing to count; --totals with no totalcounts file; a
 * malformed line with --strict), else 0.
 */
static int warn(const struct config *c, const struct run_stats *st)
{
	if (st->text_passed)
		fprintf(stderr, "ngramcount: note: passed over %u text file%s among ngram files "
			"(first: %s); --format text counts words\n", st->text_passed,
			st->text_passed == 1 ? "" : "s", st->text_passed_path);
	if (st->doubts)
		fprintf(stderr, "ngramcount: warning: %u file%s read with doubt; first: %s\n",
			st->doubts, st->doubts == 1 ? "" : "s", st->doubt);
	if (st->passed_over)
		fprintf(stderr, "ngramcount: note: passed over %u %s (first: %s)\n", st->passed_over,
			c->map.totals ? "ngram file(s): --totals counts totalcounts files only"
				      : "totalcounts file(s): --totals counts them", st->passed_over_path);
	if (c->map.totals && !st->formats[FMT_TOTALS] && st->files) {
		fprintf(stderr, "ngramcount: --totals: no input is a totalcounts file\n");
		return NGC_EXIT_FAIL;
	}
	if (!st->files && !st->nskipped) {
		fprintf(stderr, "ngramcount: nothing to count: the folders named hold no files\n");
		return NGC_EXIT_FAIL;
	}
	if (st->files && st->passed_over == st->files && !c->map.totals) {
		fprintf(stderr, "ngramcount: nothing to count: every input was passed over\n");
		return NGC_EXIT_FAIL;
	}
	if (st->missing)
		fprintf(stderr, "ngramcount: note: %u file%s not on the server, as the catalog "
			"allows (first: %s)\n", st->missing, st->missing == 1 ? " is" : "s are",
			st->missing_path);
	if (st->duplicates)
		fprintf(stderr, "ngramcount: warning: %u input%s the same file as an earlier "
			"one (first: %s); every input is counted\n", st->duplicates,
			st->duplicates == 1 ? " is" : "s are", st->duplicate_path);
	for (unsigned i = 0; i < st->nskipped; i++)
		fprintf(stderr, "ngramcount: skipped %s\n", st->skipped[i]);
	if (st->restarts)
		fprintf(stderr, "ngramcount: warning: %u worker%s replaced and %s task run again; "
			"first: %s\n", st->restarts, st->restarts == 1 ? "" : "s",
			st->restarts == 1 ? "its" : "their", st->restart_note);
	if (*st->stop_note)
		fprintf(stderr, "ngramcount: warning: %s after its last task; every result was "
			"in, nothing was lost\n", st->stop_note);
	if (st->io_fallback)
		fprintf(stderr, "ngramcount: warning: io_uring unavailable (%s); read with pread instead\n",
			strerror(-st->io_fallback));
	if (st->bad)
		fprintf(stderr, "ngramcount: %s%llu malformed line%s %s; first at %s:%llu: %s\n",
			c->strict ? "" : "warning: ", (unsigned long long)st->bad,
			st->bad == 1 ? "" : "s", c->strict ? "(--strict)" : "skipped",
			st->bad_path, (unsigned long long)st->bad_line, parse_strerror(st->bad_why));
	return st->bad && c->strict ? NGC_EXIT_FAIL : 0;
}

/* Write the totals, in t or spilled to sp: an exit status. */
static int write_output(const struct config *c, const struct table *t, struct spill *sp,
			struct trace *tr, const struct run_stats *st, uint64_t *spilled_keys)
{
	/* A closed stdout (| head) ends us quietly, like any filter. */
	ngc_doing = "parent sorting and writing the output";
	signal(SIGPIPE, SIG_DFL);
	int in_runs = 0;
	int r = sp->spills ? output_spilled(sp, &c->out, st->table_budget, spilled_keys, &in_runs)
			   : output_write(t, &c->out, tr);
	if (r == -ECHILD && !ngc_stop) {
		fprintf(stderr, "ngramcount: a process merging a partition of the spilled runs "
			"died; nothing written\n");
		return NGC_EXIT_FAIL;
	}
	if (r == -EOVERFLOW && in_runs) {
		fprintf(stderr, "ngramcount: the total of an ngram passes 2^64-1 (found merging "
			"the spilled runs)\n");
		return NGC_EXIT_FAIL;
	}
	if (r && in_runs && !ngc_stop) {
		fprintf(stderr, "ngramcount: the spilled runs in %s: %s\n", sp->dir,
			strerror(-r));
		return NGC_EXIT_FAIL;
	}
	if (r && !ngc_stop) {
		fprintf(stderr, "ngramcount: %s: %s\n", c->out.path ? c->out.path : "stdout",
			strerror(-r));
		return NGC_EXIT_FAIL;
	}
	return st->nskipped ? NGC_EXIT_PARTIAL : NGC_EXIT_OK;
}

/* ngramcount FILE...: the whole run. Returns an exit status. */
static int run_count(const struct config *c, struct spill *sp)
{
	struct run_stats st;
	struct table t;
	struct trace *tr = NULL;
	struct progress prog;
	uint64_t spilled_keys = 0;
	double start = now_sec(), mapped;
	char err[1024];
	int status, keep, r;

	if (c->trace && (r = trace_open(&tr, c->trace, start))) {
		fprintf(stderr, "ngramcount: --trace %s: %s\n", c->trace, strerror(-r));
		return NGC_EXIT_FAIL;
	}
	table_init(&t);
	/* No helper, no hint taken: the run is the same, only slower. */
	(void)prefault_start();
	progress_init(&prog, c->progress ? stderr : NULL);
	r = engine_run(c, &t, sp, tr, &prog, &st, err, sizeof(err));
	/* Every worker is reaped: children from here on sort or merge the output. */
	mapped = cpu_seconds(RUSAGE_CHILDREN);
	progress_end(&prog);
	if (r && !ngc_stop)
		fprintf(stderr, "ngramcount: %s\n", err);
	status = r ? NGC_EXIT_FAIL : warn(c, &st);
	st.table_bytes = table_bytes(&t);
	table_seal(&t);
	if (!status) {
		/* Not between rows going to the same terminal. */
		if (c->out.path || !isatty(STDOUT_FILENO))
			progress_phase(&prog, sp->spills ? "merging the spilled runs and writing "
							 "the rows" : "sorting and writing the rows");
		status = write_output(c, &t, sp, tr, &st, &spilled_keys);
		progress_end(&prog);
	}
	prefault_stop();
	/* The trace is kept when the output was written; then its failure is a warning. */
	keep = !ngc_stop && (status == NGC_EXIT_OK || status == NGC_EXIT_PARTIAL);
	if ((r = trace_close(tr, keep)) && keep)
		fprintf(stderr, "ngramcount: warning: --trace %s: %s (the output is complete)\n",
			c->trace, strerror(-r));
	if (c->stats) {
		st.wall = now_sec() - start;
		st.cpu_workers = mapped;
		st.cpu_parent = cpu_seconds(RUSAGE_SELF) + cpu_seconds(RUSAGE_CHILDREN) - mapped;
		stats_print(stderr, c, &st, sp, &(struct stats_end){
			sp->spills ? spilled_keys : t.count, status, (int)ngc_stop });
	}
	run_stats_fini(&st);
	table_fini(&t);
	return status;
}

int main(int argc, char **argv)
{
	struct config c;
	struct table only;
	struct spill sp;
	int status;

	/*
	 * A huge page or more is mmapped, and unmapped when freed: glibc's
	 * sliding threshold would put such blocks on the heap, where 2 MiB-aligned
	 * ones (xmalloc_huge) fragment it, and a table spilled past --memory
	 * left its old blocks resident (twice the budget).
	 */
	mallopt(M_MMAP_THRESHOLD, NGC_HUGE_PAGE);
	switch (cli_parse(argc, argv, &c)) {
	case CLI_DONE:
		cli_fini(&c);
		return NGC_EXIT_OK;
	case CLI_USAGE:
		cli_fini(&c);
		return NGC_EXIT_USAGE;
	case CLI_RUN:
		break;
	}
	/* A dead worker must not kill us on write: we report it instead. */
	signal(SIGPIPE, SIG_IGN);
	catch_signals();
	table_init(&only);
	/* A partition a worker: the runs' final merge runs in that many processes. */
	spill_init(&sp, c.tmpdir, c.workers);
	if (c.nwords || c.words_file)
		c.map.only = &only;
	if (c.map.only && read_words(&c, &only))
		status = NGC_EXIT_FAIL;
	else if (c.mode == MODE_CORPUS)
		status = run_mode(&c) ? NGC_EXIT_FAIL : NGC_EXIT_OK;
	else if (!(status = check_memory(&c)))
		status = c.mode == MODE_COUNT ? run_count(&c, &sp)
		       : run_mode(&c) ? NGC_EXIT_FAIL : NGC_EXIT_OK;
	if (ngc_stop && status != NGC_EXIT_USAGE)
		status = 128 + ngc_stop;
	helper_stop();
	spill_fini(&sp);
	table_fini(&only);
	cli_fini(&c);
	return status;
}
