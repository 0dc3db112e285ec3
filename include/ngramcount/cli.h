/*
 * cli.h - argv -> struct config. The CLI prints usage errors and --help
 * itself; main() turns its answer into an exit status.
 */
#ifndef NGRAMCOUNT_CLI_H
#define NGRAMCOUNT_CLI_H

#include <stddef.h>

#include "ngramcount/corpus.h"
#include "ngramcount/gz.h"
#include "ngramcount/map.h"
#include "ngramcount/output.h"
#include "ngramcount/reader.h"

enum ngc_mode {
	MODE_COUNT,	/* ngramcount FILE...: the whole MapReduce */
	MODE_MAP,	/* ngramcount map: stdin -> partial totals (stream.h) */
	MODE_REDUCE,	/* ngramcount reduce: sorted partial totals -> totals */
	MODE_MERGE,	/* ngramcount merge FILE...: result files -> one (merge.h) */
	MODE_CORPUS,	/* ngramcount corpus [urls LANG N]: the catalog (corpus.h) */
};

struct config {
	enum ngc_mode mode;
	char **inputs;			/* files, directories and URLs; argv's and
					   the catalog's (--corpus) */
	int ninputs;
	unsigned workers;		/* -j; 0 maps in the parent */
	unsigned queue_depth;		/* reads in flight */
	size_t partition_size;		/* bytes per read and per partition */
	size_t buffer_memory;		/* bytes of read buffers, all processes */
	enum io_mode io;
	enum gz_backend inflate;	/* --inflate */
	int progress;			/* -1: only if stderr is a terminal */
	enum stats_form { STATS_NONE, STATS_TEXT, STATS_JSON } stats;	/* --stats */
	enum { ORDER_COMPLETION, ORDER_SUBMISSION } order;	/* --order */
	int strict;			/* a malformed line is an error */
	int keep_going;			/* skip inputs that cannot be counted */
	unsigned task_timeout;		/* seconds without an answer; 0: none */
	const char *trace;		/* --trace FILE: Chrome trace JSON; NULL: none */
	struct map_opts map;		/* formats and what is counted */
	struct output_opts out;		/* -o, and what is printed, how */
	char **words;			/* --word arguments (argv's); owned array */
	unsigned nwords;
	const char *words_file;		/* --words FILE */
	int hadoop_counters;		/* map, reduce: Hadoop counters on stderr */
	size_t memory;			/* the run's budget: the final table spills past
					   it (map: is written out past it) */
	const char *tmpdir;		/* --tmpdir: where spilled runs go */
	int sorted;			/* merge: inputs sorted by key, merged k-way */
	int direct;			/* O_DIRECT reads: past the page cache */
	unsigned connections;		/* URL inputs: downloads at once */
	unsigned retries;		/* tries after the first, per request */
	unsigned stall_timeout;		/* seconds without a byte: tried again */
	const char *cache;		/* --cache DIR: downloads kept there; or NULL */
	const char *base_url;		/* the catalog's server (NGC_BASE_URL, or --base-url) */
	int release;			/* --version YEAR: the catalog's release; -1 */
	struct corpus_set urls_of;	/* ngramcount corpus urls LANG N: the set */
	char **corpus;			/* --corpus arguments (argv's); owned array */
	unsigned ncorpus;
	char **owned;			/* inputs, when --corpus added URLs; owned */
	unsigned nowned;		/* of them, the URLs made here (the tail) */
};

enum cli_result {
	CLI_RUN,	/* config filled: run it */
	CLI_DONE,	/* --help or --version printed: exit 0 */
	CLI_USAGE,	/* bad command line, message printed: exit 2 */
};

enum cli_result cli_parse(int argc, char **argv, struct config *c);
void cli_fini(struct config *c);

#endif
