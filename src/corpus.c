/*
 * corpus.c - the catalog (corpus.h): Google's sets as data, their URLs
 * built from the published path layouts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngramcount/corpus.h"
#include "ngramcount/util.h"

#define PREFIX	"/books/ngrams/books/"

struct release {
	const char *year, *date;
	const char *const *langs;	/* NULL-terminated */
};

static const char *const langs_2009[] = { "eng", "eng-us", "eng-gb", "eng-fiction", "eng-1M",
	"chi-sim", "fre", "ger", "heb", "rus", "spa", NULL };
static const char *const langs_2012[] = { "eng", "eng-us", "eng-gb", "eng-fiction", "chi-sim",
	"fre", "ger", "heb", "ita", "rus", "spa", NULL };
static const char *const langs_2020[] = { "eng", "eng-us", "eng-gb", "eng-fiction", "chi_sim",
	"fre", "ger", "heb", "ita", "rus", "spa", NULL };

static const struct release releases[] = {
	{ "2009", "20090715", langs_2009 },
	{ "2012", "20120701", langs_2012 },
	{ "2020", "20200217", langs_2020 },
};
#define NRELEASES (sizeof(releases) / sizeof(releases[0]))

/* 2020: files a set, n = 1..5, in langs_2020's order (Google's datasetsv3.html). */
static const unsigned files_2020[][5] = {
	{ 24, 589, 6881, 6668, 19423 },	/* eng */
	{ 14, 365, 4178, 3936, 11145 },	/* eng-us */
	{ 4, 118, 1283, 1154, 3098 },	/* eng-gb */
	{ 1, 47, 549, 515, 1449 },	/* eng-fiction */
	{ 1, 6, 59, 46, 105 },		/* chi_sim */
	{ 6, 115, 1197, 1104, 3071 },	/* fre */
	{ 8, 181, 1369, 1003, 2262 },	/* ger */
	{ 1, 10, 45, 25, 42 },		/* heb */
	{ 2, 60, 553, 427, 984 },	/* ita */
	{ 2, 69, 471, 313, 633 },	/* rus */
	{ 3, 73, 688, 571, 1415 },	/* spa */
};

/*
 * 2009: English's counts (10, 100, 200, about 400 and 800 files), taken
 * for every language: English is the largest corpus, so they bound the
 * others'. Only its 1-grams' are sure; the 4-grams are listed to 500. For
 * the rest a 404 is a note: the server has the last word.
 */
static const unsigned files_2009[5] = { 10, 100, 200, 500, 800 };

/* 2012: the prefixes; 2- to 5-grams add two-letter ones and the tags. */
static const char *const tags_2012[] = { "_ADJ_", "_ADP_", "_ADV_", "_CONJ_", "_DET_",
	"_NOUN_", "_NUM_", "_PRON_", "_PRT_", "_VERB_" };
#define NTAGS (sizeof(tags_2012) / sizeof(tags_2012[0]))

/* 2012 files known to be absent from the server (the peers' users' reports, issue 30). */
static const char *const missing_2012[] = {
	"googlebooks-chi-sim-all-2gram-20120701-bq.gz",
	"googlebooks-chi-sim-all-3gram-20120701-bq.gz",
	"googlebooks-chi-sim-all-4gram-20120701-bq.gz",
	"googlebooks-chi-sim-all-5gram-20120701-bq.gz",
	"googlebooks-ger-all-3gram-20120701-qy.gz",
	"googlebooks-eng-all-5gram-20120701-qk.gz",
};

int corpus_release(const char *name)
{
	for (unsigned i = 0; i < NRELEASES; i++)
		if (!strcmp(name, releases[i].year) || !strcmp(name, releases[i].date))
			return (int)i;
	return -1;
}

static int lang_index(unsigned release, const char *lang)
{
	const char *const *l = releases[release].langs;
	for (int i = 0; l[i]; i++)
		if (!strcmp(l[i], lang))
			return i;
	return -1;
}

int corpus_find(int release, const char *lang, const char *n, struct corpus_set *s,
		char *err, size_t size)
{
	unsigned ri = release < 0 ? NRELEASES - 1 : (unsigned)release;
	const struct release *r = &releases[ri];
	int i = lang_index(ri, lang);

	if (i < 0) {
		char list[256] = "";
		for (const char *const *l = r->langs; *l; l++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), " %s", *l);
		snprintf(err, size, "no language '%s' in the %s release (it has:%s)", lang,
			 r->date, list);
		return -1;
	}
	if (strlen(n) != 1 || n[0] < '1' || n[0] > '5') {
		snprintf(err, size, "n is 1 to 5, not '%s'", n);
		return -1;
	}
	*s = (struct corpus_set){ ri, r->langs[i], (unsigned)(n[0] - '0') };
	return 0;
}

int corpus_parse(const char *spec, int release, struct corpus_set *s, char *err, size_t size)
{
	char buf[64], *lang = buf, *n, *ver;

	if (strlen(spec) >= sizeof(buf) || !(n = strchr(strcpy(buf, spec), ':'))) {
		snprintf(err, size, "wants LANG:N[:VERSION] (eng:1:2020), not '%s'", spec);
		return -1;
	}
	*n++ = '\0';
	if ((ver = strchr(n, ':'))) {
		*ver++ = '\0';
		if ((release = corpus_release(ver)) < 0) {
			snprintf(err, size, "no release '%s' (2009, 2012 or 2020)", ver);
			return -1;
		}
	}
	return corpus_find(release, lang, n, s, err, size);
}

static char *url(const char *base, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *url(const char *base, const char *fmt, ...)
{
	char tail[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tail, sizeof(tail), fmt, ap);
	va_end(ap);
	char *u = xmalloc(strlen(base) + strlen(PREFIX) + strlen(tail) + 1);
	sprintf(u, "%s%s%s", base, PREFIX, tail);
	return u;
}

/* The 2012 prefixes of n-grams: 0-9, a-z (and pairs for n > 1), then the rest. */
static unsigned prefixes_2012(unsigned n, char (*out)[12])
{
	unsigned k = 0;
	for (char d = '0'; d <= '9'; d++)
		snprintf(out[k++], 12, "%c", d);
	for (char a = 'a'; a <= 'z'; a++) {
		if (n == 1) {
			snprintf(out[k++], 12, "%c", a);
			continue;
		}
		for (char b = 'a'; b <= 'z'; b++)
			snprintf(out[k++], 12, "%c%c", a, b);
		snprintf(out[k++], 12, "%c_", a);
	}
	snprintf(out[k++], 12, "other");
	if (n == 1)
		snprintf(out[k++], 12, "pos");
	snprintf(out[k++], 12, "punctuation");
	for (unsigned t = 0; n > 1 && t < NTAGS; t++)
		snprintf(out[k++], 12, "%s", tags_2012[t]);
	return k;
}

#define NPREFIXES (10 + 26 * 27 + 2 + NTAGS)

static unsigned nfiles(const struct corpus_set *s)
{
	char pre[NPREFIXES][12];
	switch (s->release) {
	case 0:
		return files_2009[s->n - 1];
	case 1:
		return prefixes_2012(s->n, pre);
	default:
		return files_2020[lang_index(2, s->lang)][s->n - 1];
	}
}

char **corpus_urls(const struct corpus_set *s, const char *base, int totals, unsigned *n)
{
	char pre[NPREFIXES][12];
	const char *date = releases[s->release].date;
	unsigned count = totals ? 1 : nfiles(s);
	char **v = xmalloc(count * sizeof(*v));

	if (totals && s->release == 2)
		v[0] = url(base, "%s/%s/totalcounts-%u", date, s->lang, s->n);
	else if (totals)
		v[0] = url(base, "googlebooks-%s-all-totalcounts-%s.txt", s->lang, date);
	else if (s->release == 2)
		for (unsigned i = 0; i < count; i++)
			v[i] = url(base, "%s/%s/%u-%05u-of-%05u.gz", date, s->lang, s->n, i, count);
	else if (s->release == 1)
		for (unsigned i = 0, k = prefixes_2012(s->n, pre); i < k; i++)
			v[i] = url(base, "googlebooks-%s-all-%ugram-%s-%s.gz", s->lang, s->n, date,
				   pre[i]);
	else
		for (unsigned i = 0; i < count; i++)
			v[i] = url(base, "googlebooks-%s-all-%ugram-%s-%u.csv.zip", s->lang, s->n,
				   date, i);
	*n = count;
	return v;
}

int corpus_may_be_missing(const char *u)
{
	const char *name = strrchr(u, '/');
	name = name ? name + 1 : u;
	for (unsigned i = 0; i < sizeof(missing_2012) / sizeof(*missing_2012); i++)
		if (!strcmp(name, missing_2012[i]))
			return 1;
	/* 2009 but English's 1-grams: the counts are bounds. */
	return strstr(name, "-20090715-") && strstr(name, ".csv.zip") &&
	       strncmp(name, "googlebooks-eng-all-1gram-", 26);
}

void corpus_print(FILE *out)
{
	fprintf(out, "%-9s %-12s %8s %8s %8s %8s %8s\n", "release", "language", "1-grams",
		"2-grams", "3-grams", "4-grams", "5-grams");
	for (unsigned r = NRELEASES; r-- > 0;) {
		for (const char *const *l = releases[r].langs; *l; l++) {
			fprintf(out, "%-9s %-12s", releases[r].date, *l);
			for (unsigned n = 1; n <= 5; n++) {
				struct corpus_set s = { r, *l, n };
				char cell[16];
				unsigned k = nfiles(&s);
				if (r == 1) {
					char name[96];
					for (unsigned i = 0; i < sizeof(missing_2012) /
							       sizeof(*missing_2012); i++) {
						snprintf(name, sizeof(name),
							 "googlebooks-%s-all-%ugram-", *l, n);
						k -= !strncmp(missing_2012[i], name, strlen(name));
					}
				}
				snprintf(cell, sizeof(cell), "%s%u",
					 r == 0 && (n > 1 || strcmp(*l, "eng")) ? "<=" : "", k);
				fprintf(out, " %8s", cell);
			}
			fputc('\n', out);
		}
	}
	fprintf(out, "\nFiles a set. <=: at most; 2009's are English's (the largest corpus), "
		"its 4-grams\nlisted to 500: the server has the last word, and a file it does not "
		"have is a\nnote. 'ngramcount corpus urls LANG N --version YEAR' prints a set's "
		"URLs.\n");
}
