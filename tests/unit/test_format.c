/*
 * test_format - format_sniff on the real samples (tests/data) and on
 * made-up starts; part-of-speech tags; the v1, v3 and totalcounts parsers.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "ngramcount/format.h"
#include "ngramcount/parse.h"
#include "t.h"

static char buf[NGC_SNIFF_BYTES + 1];

/* The sniffed format of every file in tests/data/dir is want. */
static int sniff_dir(const char *dir, enum ngc_format want)
{
	char path[512];
	struct dirent *d;
	DIR *dp = opendir(dir);
	int ok = 1, n = 0;

	if (!dp)
		return 0;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		FILE *f = fopen(path, "rb");
		size_t len = f ? fread(buf, 1, NGC_SNIFF_BYTES, f) : 0;
		if (f)
			fclose(f);
		enum ngc_format got = format_sniff(buf, len, len < NGC_SNIFF_BYTES, NULL);
		if (got != want) {
			fprintf(stderr, "%s: sniffed %s, want %s\n", path, format_name(got),
				format_name(want));
			ok = 0;
		}
		n++;
	}
	closedir(dp);
	return ok && n > 0;
}

static enum ngc_format sniff(const char *s)
{
	return format_sniff(s, strlen(s), 1, NULL);
}

static void sniff_real_samples(void)
{
	CHECK(sniff_dir("tests/data/v1", FMT_V1));
	CHECK(sniff_dir("tests/data/v2", FMT_V2));
	CHECK(sniff_dir("tests/data/v3", FMT_V3));
	CHECK(sniff_dir("tests/data/totalcounts", FMT_TOTALS));
}

static void sniff_made_up(void)
{
	CHECK(sniff("") == FMT_EMPTY);
	CHECK(sniff("# only a comment\n") == FMT_EMPTY);
	CHECK(!strcmp(format_name(FMT_EMPTY), "empty"));
	CHECK(sniff("the quick brown fox\njumps\n") == FMT_TEXT);
	CHECK(sniff("one\ttwo\tthree\n") == FMT_TEXT);
	/* Numbers as ngrams (Google's "0" file): the ngram repeats. */
	CHECK(sniff("1\t1800\t5\t3\n1\t1801\t6\t2\n") == FMT_V2);
	CHECK(sniff("10\t1999\t5\t3\n9\t2000\t6\t2\n") == FMT_V2);
	/* totalcounts only as published: a v1 body without its header is v2. */
	CHECK(sniff("1520\t51191\t112\t1\n1527\t4384\t18\t1\n") == FMT_V2);
	CHECK(sniff("#Total counts of 1grams\n1520\t51191\t112\t1\n") == FMT_TOTALS);
	/* All-digit ngrams, one line each, rising: still v2. */
	CHECK(sniff("1\t2000\t5\t3\n2\t2000\t5\t3\n3\t2000\t5\t3\n") == FMT_V2);
	/* Numbers with commas that are no years: text, not totalcounts. */
	CHECK(sniff("1,2,3,4\n5,6,7,8\n") == FMT_TEXT);
	/* A TAB first: an empty ngram (malformed v2), or indented text. */
	CHECK(sniff("\t2000\t5\t1\n") == FMT_V2);
	CHECK(sniff("\tsome words\n\tmore words\n") == FMT_TEXT);
	/* Blank lines at the top are not data. */
	CHECK(sniff("\n\n\n\n\n\n\n\n\n\na\t2000\t1\t1\n") == FMT_V2);
	/* '#' as data (the punctuation file) is not a comment. */
	CHECK(sniff("#\t1800\t5\t3\n") == FMT_V2);
	CHECK(sniff("# a comment\n# another\nfoo\t1800\t5\t4\t3\n") == FMT_V1);
	CHECK(sniff("\t1505,32059,231,1\t1507,49586,477,1\t") == FMT_TOTALS);
	CHECK(sniff("  \t1470,1019,10,1") == FMT_TOTALS);
	CHECK(sniff("1505,32059,231,1\n1507,49586,477,1") == FMT_TOTALS);
	CHECK(sniff("for ever\t1478,1,1\t1480,2,1\n") == FMT_V3);
	/* A first line cut by the sniff window still tells v3. */
	static const char cut[] = "forever\t1500,1,1\t1501,6,3\t15";
	CHECK(format_sniff(cut, sizeof(cut) - 1, 1, NULL) == FMT_V3);
	CHECK(sniff("run_VERB\t2000\t3\t2\r\n") == FMT_V2);
	/* A malformed first line does not make a v2 file text. */
	CHECK(sniff("garbage here\na\t2000\t1\t1\nb\t2000\t2\t1\n") == FMT_V2);
	CHECK(sniff("too\tfew\t1\ngood\t2000\t10\t1\n") == FMT_V2);
	/* Only malformed ngram lines: still v2, so they are reported. */
	CHECK(sniff("x\t2000\t1\n") == FMT_V2);
	CHECK(sniff("indented\ttext here\n") == FMT_TEXT);
}

/* Past the first stage: long first lines, long comment blocks, few lines. */
static void sniff_stages(void)
{
	size_t big = NGC_SNIFF_BYTES + 5000, n;
	char *b = malloc(4 * big);
	struct sniff_note note;

	/* A v2 line whose ngram alone passes the first stage's bytes. */
	memset(b, 'x', big);
	n = big + (size_t)sprintf(b + big, "\t2000\t1\t1\na\t2000\t2\t1\n");
	CHECK(format_sniff(b, n, 1, NULL) == FMT_V2);
	CHECK(format_sniff(b, NGC_SNIFF_BYTES, 0, NULL) == FMT_AUTO);
	/* More than the first stage of comment lines before v1 data. */
	for (n = 0; n < big;)
		n += (size_t)sprintf(b + n, "# a comment line of the extract\n");
	n += (size_t)sprintf(b + n, "foo\t1800\t5\t4\t3\nbar\t1801\t1\t1\t1\n");
	CHECK(format_sniff(b, n, 1, NULL) == FMT_V1);
	/* A verdict resting on lines of another shape is noted. */
	n = (size_t)sprintf(b, "a\t2000\t1\t1\nnot data\nnor this\nb\t2000\t1\t1\n");
	CHECK(format_sniff(b, n, 1, &note) == FMT_V2);
	CHECK(note.lines == 4 && note.other == 2);
	free(b);
}

static void pos_tags(void)
{
	static const char *const tagged[] = {
		"run_VERB", "A112_.", "_NOUN_", "_START_", "_END_", "a_X", "I'Antiquité_NOUN",
		"the_DET cat", "_START_ the", "climate change_NOUN",
	};
	static const char *const plain[] = {
		"run", "XQuery_", "AHAB_", "foo_bar", "_", "__", "_FOO_", "run_verb", "a b",
		"VERB", "_VERB",
	};
	for (size_t i = 0; i < sizeof(tagged) / sizeof(*tagged); i++)
		CHECK(format_pos_tagged(tagged[i], strlen(tagged[i])));
	for (size_t i = 0; i < sizeof(plain) / sizeof(*plain); i++)
		if (format_pos_tagged(plain[i], strlen(plain[i])))
			CHECK(!plain[i]);
	CHECK(format_pos_suffix("run_VERB", 8) == 5);
	CHECK(format_pos_suffix("_NOUN_", 6) == 6);
	CHECK(format_pos_suffix("run", 3) == 0);
}

struct sum {
	unsigned n;
	uint64_t match, page, volume, first_year, last_year;
	size_t keylen;
};

static int add(void *ctx, const struct record *r)
{
	struct sum *s = ctx;
	if (!s->n++)
		s->first_year = r->year;
	s->last_year = r->year;
	s->match += r->count;
	s->page += r->page;
	s->volume += r->volume;
	s->keylen = r->keylen;
	return 0;
}

/* parse_v1 over a C string. */
static int v1(const char *s, struct record *r)
{
	return parse_v1(s, strlen(s), r);
}

static void v1_lines(void)
{
	struct record r;
	CHECK(v1("doctor\t2008\t668666\t446034\t72694", &r) == PARSE_OK);
	CHECK(r.keylen == 6 && r.year == 2008 && r.count == 668666 && r.page == 446034 &&
	      r.volume == 72694);
	CHECK(v1("acid rain\t1990\t5\t4\t3\r", &r) == PARSE_OK && r.keylen == 9);
	CHECK(v1("doctor\t2008\t668666\t72694", &r) == PARSE_FIELDS5);
	CHECK(v1("doctor\t2008\t1\t2\t3\t4", &r) == PARSE_FIELDS5);
	CHECK(v1("doctor\t2008\t1\tx\t3", &r) == PARSE_COUNT);
}

static void v3_lines(void)
{
	static const char ok[] = "for ever\t1478,1,1\t1480,20000000000,3\t2019,5,2";
	struct sum s = { 0 };
	CHECK(parse_v3(ok, strlen(ok), add, &s) == PARSE_OK);
	CHECK(s.n == 3 && s.match == 20000000006ull && s.volume == 6 && s.first_year == 1478 &&
	      s.last_year == 2019 && s.keylen == 8);
	/* A bad triple anywhere: nothing is given out. */
	static const char *const bad[] = {
		"x\t1478,1,1\t1480,2", "x\t1478,1,1\t1480,2,3,4", "x\t1478,1,1\t0,2,3",
		"x\t1478,1,1\t1480,a,3", "x\t", "x", "\t1478,1,1", "x\t1478,1,1\t\t1480,2,2x", "x\t\t",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		memset(&s, 0, sizeof(s));
		CHECK(parse_v3(bad[i], strlen(bad[i]), add, &s) != PARSE_OK);
		CHECK(s.n == 0);
	}
	/* Each triple's fault named as the exact parser names it, wherever it is. */
	static const struct {
		const char *line;
		int err;
	} why[] = {
		{ "x\t1478,1,1\t1480,2", PARSE_V3 },
		{ "x\t1478,1,1\t1480,2,3,4", PARSE_V3 },
		{ "x\t1478,1,1\t1480,,3", PARSE_COUNT },
		{ "x\t1478,1,1\t0,2,3", PARSE_YEAR_RANGE },
		{ "x\t1478,1,1\t01480,2,3", PARSE_YEAR_RANGE },
		{ "x\t1478,1,1\t1x80,2,3", PARSE_YEAR },
		{ "x\t1478,1,1\t1480,a,3", PARSE_COUNT },
		{ "x\t1478,1,1\t1480,2,3 ", PARSE_COUNT },
		{ "x\t1478,18446744073709551616,1", PARSE_RANGE },
		{ "x\t1478,18446744073709551616x,1", PARSE_RANGE },
		{ "x\t1478,1844674407370955161x,1", PARSE_COUNT },
	};
	for (size_t i = 0; i < sizeof(why) / sizeof(*why); i++)
		CHECK(parse_v3(why[i].line, strlen(why[i].line), NULL, NULL) == why[i].err);
	/* Fields past 19 digits that still fit: read exactly. */
	static const char longer[] = "x\t1478,00000000000000000000007,1\t1479,18446744073709551615,2";
	memset(&s, 0, sizeof(s));
	CHECK(parse_v3(longer, strlen(longer), add, &s) == PARSE_OK);
	CHECK(s.n == 2 && s.match == 6 && s.volume == 3);	/* 7 + 2^64-1 wraps in the test's sum */
}

/* The records parse_v3 gives out with a year in [from, to]: their number and field. */
struct in_range {
	uint64_t from, to, counted, sum;
	unsigned field;
	int wrapped;
};

static int add_in_range(void *ctx, const struct record *r)
{
	struct in_range *s = ctx;
	if (r->year >= s->from && r->year <= s->to) {
		s->counted++;
		s->wrapped |= __builtin_add_overflow(s->sum, s->field == 2 ? r->volume : r->count,
						     &s->sum);
	}
	return 0;
}

/*
 * parse_v3_sum takes only lines parse_v3 reads without error, and sums
 * them alike, for each field and year range; and it takes the common
 * ones: on lines of good and odd records, keys and separators.
 */
static void v3_sum_reads_what_parse_v3_reads(void)
{
	static const struct {
		const char *s;
		size_t n;
	} keys[] = { { "for ever", 8 }, { "x", 1 }, { "", 0 }, { "a\0b", 3 }, { "the_DET", 7 } };
	static const char *const years[] = { "1478", "2019", "1999", "0001", "1", "0", "01480",
					     "1x80", "", "0000" };
	static const char *const counts[] = { "1", "12345678", "20000000000",
					      "9999999999999999999", "7", "18446744073709551615",
					      "", "a", "1 ", "1\r" };
	static const char *const seps[] = { "\t", "\t", "\t", "\t", "\t\t", "," };
	static const uint64_t ranges[][2] = { { 0, 9999 }, { 1500, 2000 }, { 2019, 2019 },
					      { 3000, 1 } };
	static char line[4096];
	unsigned long long seed = 3;
	unsigned taken = 0, tries = 0;

	for (unsigned n = 0; n < 20000; n++) {
		int odd = t_rand(&seed) % 4 == 0;
		size_t k = odd ? t_rand(&seed) % 5 : t_rand(&seed) % 2, len = keys[k].n;
		memcpy(line, keys[k].s, len);
		for (unsigned i = 1 + (unsigned)(t_rand(&seed) % 12); i--;) {
			int o = odd && t_rand(&seed) % 6 == 0;
			len += (size_t)sprintf(line + len, "%s%s,%s,%s",
					       seps[o ? t_rand(&seed) % 6 : 0],
					       years[o ? t_rand(&seed) % 10 : t_rand(&seed) % 4],
					       counts[o ? t_rand(&seed) % 10 : t_rand(&seed) % 4],
					       counts[o ? t_rand(&seed) % 10 : t_rand(&seed) % 2]);
		}
		if (odd && t_rand(&seed) % 4 == 0)
			line[len++] = t_rand(&seed) % 2 ? '\t' : '\r';
		for (size_t r = 0; r < sizeof(ranges) / sizeof(*ranges); r++)
			for (unsigned field = 1; field <= 2; field++) {
				struct in_range want = { ranges[r][0], ranges[r][1], 0, 0, field, 0 };
				struct record rec;
				struct v3_sum got;
				tries++;
				if (parse_v3_sum(line, len, field, want.from, want.to, &rec, &got))
					continue;
				taken++;
				CHECK(parse_v3(line, len, add_in_range, &want) == PARSE_OK);
				CHECK(!want.wrapped && got.counted == want.counted && got.sum == want.sum);
				CHECK(rec.key == line &&
				      rec.keylen == (size_t)((char *)memchr(line, '\t', len) - line));
			}
	}
	printf("# %u of %u lines taken\n", taken, tries);
	CHECK(taken > tries / 2);

	/* A record a byte off its shape, with room for eight-byte reads past it. */
	static const char *const off[] = { "x\t1478;5,7", "x\t1478,5;7", "x\t1478,5,7;",
					   "x\t0000,5,7", "x\t1478,5,7,1", "x\t1478,,7" };
	for (size_t i = 0; i < sizeof(off) / sizeof(*off); i++) {
		struct record rec;
		struct v3_sum got;
		char l[128];
		int n = sprintf(l, "%s\t1999,1,1\t1999,1,1\t1999,1,1\t1999,1,1", off[i]);
		CHECK(parse_v3(l, (size_t)n, NULL, NULL) != PARSE_OK);
		CHECK(parse_v3_sum(l, (size_t)n, 1, 0, 9999, &rec, &got) == -1);
	}

	/* A sum past 2^64-1 is left to the exact path. */
	static const char big[] = "x\t1478,9999999999999999999,1\t1479,9999999999999999999,1";
	struct record rec;
	struct v3_sum got;
	CHECK(parse_v3_sum(big, strlen(big), 1, 0, 9999, &rec, &got) == -1);
	CHECK(parse_v3_sum(big, strlen(big), 2, 0, 9999, &rec, &got) == 0 && got.sum == 2);
	CHECK(parse_v3_sum(big, strlen(big), 1, 1479, 9999, &rec, &got) == 0 &&
	      got.counted == 1 && got.sum == 9999999999999999999ull);
}

static void totals_lines(void)
{
	struct sum s = { 0 };
	FILE *f = fopen("tests/data/totalcounts/msr-ds3-googlebooks-eng-all-totalcounts-20120701.txt", "rb");
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
	if (f)
		fclose(f);
	CHECK(parse_totals(buf, n, add, &s) == PARSE_OK);
	CHECK(s.n == 425 && s.first_year == 1505 && s.last_year == 2008);
	memset(&s, 0, sizeof(s));
	CHECK(parse_totals("2008\t13598879452\t1\t2", 20, add, &s) == PARSE_OK);
	CHECK(s.n == 1 && s.match == 13598879452ull && s.page == 1 && s.volume == 2);
	memset(&s, 0, sizeof(s));
	CHECK(parse_totals("1505,32059,231,1", 16, add, &s) == PARSE_OK && s.page == 231);
	CHECK(parse_totals(" \t1505,32059,231\t", 17, add, &s) == PARSE_TOTALS);
	CHECK(parse_totals("2008\t1\t2", 8, add, &s) == PARSE_TOTALS);
}

int main(void)
{
	T_RUN(sniff_real_samples);
	T_RUN(sniff_made_up);
	T_RUN(sniff_stages);
	T_RUN(pos_tags);
	T_RUN(v1_lines);
	T_RUN(v3_lines);
	T_RUN(v3_sum_reads_what_parse_v3_reads);
	T_RUN(totals_lines);
	T_DONE();
}
