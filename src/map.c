/*
 * map.c - parse lines and sum them into a table.
 *
 * The hot loop is memchr for the LF, parse_v2, and one table lookup, which
 * is skipped when the key equals the previous line's: v2 files are sorted
 * by ngram then year, so most lines repeat the key of the line before.
 */
#include <stdlib.h>
#include <string.h>

#include "ngramcount/map.h"
#include "ngramcount/parse.h"
#include "ngramcount/util.h"

void mapper_init(struct mapper *m, struct table *t)
{
	memset(m, 0, sizeof(*m));
	m->t = t;
}

void mapper_fini(struct mapper *m)
{
	free(m->carry);
	m->carry = NULL;
	m->carry_len = m->carry_cap = 0;
}

void mapper_reset(struct mapper *m)
{
	m->last = NULL;
	m->overflow = NULL;
	m->carry_len = 0;
	memset(&m->st, 0, sizeof(m->st));
}

/* Sum one parsed line, or count it as malformed. */
static inline int map_record(struct mapper *m, const struct record *r, int err)
{
	struct ngram *g = m->last;

	m->st.lines++;
	if (err != PARSE_OK) {
		if (!m->st.bad++) {
			m->st.first_bad = m->st.lines;
			m->st.first_bad_why = err;
		}
		return 0;
	}
	if (!g || g->len != r->keylen || memcmp(g->key, r->key, r->keylen))
		g = m->last = table_upsert(m->t, r->key, r->keylen);
	if (ngram_add(g, r->count)) {
		m->overflow = g;
		return -EOVERFLOW;
	}
	return 0;
}

int map_line(struct mapper *m, const char *line, size_t len)
{
	struct record r;
	return map_record(m, &r, parse_v2(line, len, &r));
}

int map_lines(struct mapper *m, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const struct ngram *g = m->last;
		struct record r;
		int err, perr;
		/* Sorted input: most lines start with the previous line's key. */
		if (g && (size_t)(end - p) > g->len && p[g->len] == '\t' &&
		    !memcmp(p, g->key, g->len))
			p = parse_v2_next_key(p, g->len, end, &r, &perr);
		else
			p = parse_v2_next(p, end, &r, &perr);
		if ((err = map_record(m, &r, perr)))
			return err;
	}
	return 0;
}

static void carry_append(struct mapper *m, const char *p, size_t n)
{
	if (!n)
		return;
	if (m->carry_len + n > m->carry_cap) {
		m->carry_cap = (m->carry_len + n) * 2;
		m->carry = xrealloc(m->carry, m->carry_cap);
	}
	memcpy(m->carry + m->carry_len, p, n);
	m->carry_len += n;
}

int map_feed(struct mapper *m, const char *buf, size_t len)
{
	const char *end = buf + len, *first, *last;
	int err;

	first = memchr(buf, '\n', len);
	if (!first) {
		carry_append(m, buf, len);
		return 0;
	}
	if (m->carry_len) {
		size_t n;
		carry_append(m, buf, (size_t)(first - buf));
		n = m->carry_len;
		m->carry_len = 0;
		err = map_line(m, m->carry, n);
	} else {
		err = map_line(m, buf, (size_t)(first - buf));
	}
	if (err)
		return err;
	last = memrchr(first, '\n', (size_t)(end - first));
	if (last > first && (err = map_lines(m, first + 1, (size_t)(last - first))))
		return err;
	carry_append(m, last + 1, (size_t)(end - last - 1));
	return 0;
}

int map_flush(struct mapper *m)
{
	int err = 0;
	if (m->carry_len)
		err = map_line(m, m->carry, m->carry_len);
	m->carry_len = 0;
	return err;
}
