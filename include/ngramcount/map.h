/*
 * map.h - the map stage: lines -> totals in a table.
 *
 * A mapper sums every well-formed line's records into its table and counts
 * the malformed ones ('#' comment lines are passed over). It takes whole
 * lines (map_lines) or a byte stream cut anywhere (map_feed/map_flush).
 * What is counted follows struct map_opts, the same in every process; the
 * format is set per task (FMT_AUTO: sniffed from the stream's start). It
 * owns its buffers, not its table or options.
 */
#ifndef NGRAMCOUNT_MAP_H
#define NGRAMCOUNT_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "ngramcount/error.h"
#include "ngramcount/format.h"
#include "ngramcount/table.h"

enum map_field { FIELD_MATCH, FIELD_VOLUME, FIELD_PAGE };
enum map_pos { POS_KEEP, POS_DROP, POS_ONLY };

struct map_opts {
	enum ngc_format format;		/* --format; FMT_AUTO: each file's own */
	enum map_field field;		/* --field: the count summed */
	unsigned year_from, year_to;	/* --years, inclusive (0 and 9999: all) */
	enum map_pos pos;		/* --pos: tagged ngrams kept, dropped, only */
	unsigned words;			/* text: -n, words per ngram (1-5) */
	int per_year;			/* keys are ngram NUL year (4 digits) */
	int totals;			/* --totals: count totalcounts files by year */
	int ignore_case;		/* fold keys (utf8proc), tags kept as they are */
	const struct table *only;	/* --word/--words: these keys only; NULL: all */
	size_t line_max;		/* a longer line is NGC_ELONG (a quarter of
					   --memory); 0: NGC_LINE_MAX */
};

/* The options of a plain run: v2 sniffed, match counts, every year. */
void map_opts_init(struct map_opts *o);

/* The longest line o lets a mapper or a partitioner hold. */
size_t map_line_max(const struct map_opts *o);

/*
 * Why o cannot be applied to a file of format f ("text has no years
 * (--years)"), or NULL when it can.
 */
const char *map_conflict(const struct map_opts *o, enum ngc_format f);

/* Whether a whole file of format f is passed over (totalcounts or not). */
int map_skips(const struct map_opts *o, enum ngc_format f);

/*
 * Add the ngram w to a --word set as o would count it (case-folded with
 * --ignore-case), so that o->only can be that set.
 */
void map_add_word(struct table *only, const struct map_opts *o, const char *w, size_t n);

struct map_stats {
	uint64_t lines;		/* lines seen, good and bad */
	uint64_t bad;		/* malformed lines skipped */
	uint64_t first_bad;	/* 1-based number of the first bad line, 0 if none */
	int first_bad_why;	/* its parse_error */
};

struct mapper {
	struct table *t;		/* where totals go; not owned */
	const struct map_opts *o;	/* not owned */
	enum ngc_format fmt;		/* this task's; FMT_AUTO until sniffed */
	struct sniff_note sniffed;	/* what that sniff rested on */
	int fast;			/* v2, match counts, no --totals: the hot path */
	int plain_keys;			/* keys as read: no --pos, --ignore-case, --word
					   or --per-year to apply */
	int skip;			/* the format is passed over (map_skips) */
	int run;			/* parse_v2_run reads the previous key's lines */
	struct ngram *last;		/* previous line's entry: sorted input repeats keys */
	struct map_stats st;
	const struct ngram *overflow;	/* the key whose total would wrap, after -EOVERFLOW */
	char *carry;			/* partial line of a stream; owned */
	size_t carry_len, carry_cap;
	/* the general path: the previous ngram as read, and what became of it */
	char *raw;			/* owned */
	size_t raw_len, raw_cap;
	int raw_valid;			/* raw holds the previous line's ngram */
	int raw_keep;			/* it passed the --pos and --word filters */
	char *key;			/* its key as counted (folded); owned */
	size_t key_len, key_cap;
	char *join;			/* text: the words of an n-gram; owned */
	size_t join_cap;
};

/* A mapper for v2 with map_opts_init()'s options. */
void mapper_init(struct mapper *m, struct table *t);
void mapper_fini(struct mapper *m);
/* Use o (which outlives the mapper) from now on. */
void mapper_set_opts(struct mapper *m, const struct map_opts *o);
/*
 * The format of the next task's lines (FMT_AUTO: sniff the stream).
 * Returns 0, or NGC_ECONFLICT when the options cannot apply to it.
 */
int mapper_set_format(struct mapper *m, enum ngc_format f);
/* The table was reset: forget the entries the mapper remembers in it. */
void mapper_forget(struct mapper *m);
/*
 * Forget the stats, the carry and the remembered entry, for the next task.
 * Call it after table_reset() of the mapper's table: the entry dies there.
 */
void mapper_reset(struct mapper *m);

/*
 * Map one line (without its LF). Returns 0, or -EOVERFLOW when the line's
 * count would wrap its key's total (m->overflow names the key).
 */
int map_line(struct mapper *m, const char *line, size_t len);

/* Map every line of buf; the last one may lack its LF. Returns as map_line. */
int map_lines(struct mapper *m, const char *buf, size_t len);

/*
 * Stream interface: bytes cut anywhere; map_flush maps the unterminated
 * tail. Both also return NGC_ECONFLICT when a sniffed format conflicts,
 * and NGC_ELONG when a line passes o->line_max: then it is line
 * m->st.lines + 1, and nothing more of it is held.
 */
int map_feed(struct mapper *m, const char *buf, size_t len);
int map_flush(struct mapper *m);

#endif
