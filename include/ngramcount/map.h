/*
 * map.h - the map stage: lines -> totals in a table.
 *
 * A mapper sums the count of every well-formed line into its table and
 * counts the lines it skipped as malformed. It can take whole lines
 * (map_lines, for a line-aligned partition) or a byte stream cut anywhere
 * (map_feed/map_flush, for inflated gzip), carrying a partial line over.
 * The mapper does not own its table; it owns its carry buffer.
 */
#ifndef NGRAMCOUNT_MAP_H
#define NGRAMCOUNT_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "ngramcount/table.h"

struct map_stats {
	uint64_t lines;		/* lines seen, good and bad */
	uint64_t bad;		/* malformed lines skipped */
	uint64_t first_bad;	/* 1-based number of the first bad line, 0 if none */
	int first_bad_why;	/* its parse_error */
};

struct mapper {
	struct table *t;		/* where totals go; not owned */
	struct ngram *last;		/* previous line's entry: sorted input repeats keys */
	struct map_stats st;
	const struct ngram *overflow;	/* the key whose total would wrap, after -EOVERFLOW */
	char *carry;			/* partial line of a stream; owned */
	size_t carry_len, carry_cap;
};

void mapper_init(struct mapper *m, struct table *t);
void mapper_fini(struct mapper *m);
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

/* Stream interface: bytes cut anywhere; map_flush maps the unterminated tail. */
int map_feed(struct mapper *m, const char *buf, size_t len);
int map_flush(struct mapper *m);

#endif
