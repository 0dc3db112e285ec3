/*
 * test_corpus - the catalog's sets, releases and URLs (corpus.h), and the
 * cache's paths for URLs (fetch.h): what a typo or a hostile URL makes.
 */
#include <stdlib.h>
#include <string.h>

#include "ngramcount/corpus.h"
#include "ngramcount/fetch.h"
#include "t.h"

static void releases_and_specs(void)
{
	struct corpus_set s;
	char err[256];

	CHECK(corpus_release("2009") == 0 && corpus_release("20120701") == 1);
	CHECK(corpus_release("2020") == 2 && corpus_release("2019") == -1);
	CHECK(corpus_parse("eng:1", -1, &s, err, sizeof(err)) == 0 && s.release == 2 && s.n == 1);
	CHECK(corpus_parse("eng:1", 1, &s, err, sizeof(err)) == 0 && s.release == 1);
	CHECK(corpus_parse("fre:3:2012", 2, &s, err, sizeof(err)) == 0 && s.release == 1);
	CHECK(!strcmp(s.lang, "fre") && s.n == 3);
	CHECK(corpus_parse("eng", -1, &s, err, sizeof(err)) == -1 && strstr(err, "LANG:N"));
	CHECK(corpus_parse("eng:0", -1, &s, err, sizeof(err)) == -1 && strstr(err, "1 to 5"));
	CHECK(corpus_parse("eng:12", -1, &s, err, sizeof(err)) == -1);
	CHECK(corpus_parse("ita:1:2009", -1, &s, err, sizeof(err)) == -1 && strstr(err, "ita"));
	/* Chinese is chi-sim in 2012, chi_sim in 2020. */
	CHECK(corpus_parse("chi_sim:1:2012", -1, &s, err, sizeof(err)) == -1);
	CHECK(corpus_parse("chi-sim:1:2012", -1, &s, err, sizeof(err)) == 0);
	CHECK(corpus_parse("chi_sim:1:2020", -1, &s, err, sizeof(err)) == 0);
	CHECK(corpus_parse("eng:1:1999", -1, &s, err, sizeof(err)) == -1 && strstr(err, "1999"));
}

static void urls(void)
{
	struct corpus_set s = { 2, "ger", 3 };
	unsigned n;
	char **u = corpus_urls(&s, "http://m.example", 0, &n);

	CHECK(n == 1369);
	CHECK(!strcmp(u[1368], "http://m.example/books/ngrams/books/20200217/ger/3-01368-of-01369.gz"));
	for (unsigned i = 0; i < n; i++)
		free(u[i]);
	free(u);
	s = (struct corpus_set){ 1, "eng", 5 };
	u = corpus_urls(&s, NGC_BASE_URL, 0, &n);
	CHECK(n == 724);
	int qk = 0;
	for (unsigned i = 0; i < n; i++) {
		qk += corpus_may_be_missing(u[i]);
		free(u[i]);
	}
	free(u);
	CHECK(qk == 1);	/* 5-gram qk; the other sets' absent files are not eng's */
	CHECK(corpus_may_be_missing("http://x/googlebooks-ger-all-3gram-20120701-qy.gz"));
	CHECK(!corpus_may_be_missing("http://x/googlebooks-ger-all-2gram-20120701-qy.gz"));
	CHECK(corpus_may_be_missing("http://x/googlebooks-fre-all-4gram-20090715-399.csv.zip"));
	CHECK(corpus_may_be_missing("http://x/googlebooks-fre-all-1gram-20090715-9.csv.zip"));
	CHECK(!corpus_may_be_missing("http://x/googlebooks-eng-all-1gram-20090715-9.csv.zip"));
}

static void cache_paths(void)
{
	char *p;

	CHECK(fetch_is_url("http://a/b") && fetch_is_url("https://a/b"));
	CHECK(!fetch_is_url("ftp://a/b") && !fetch_is_url("http:/a") && !fetch_is_url("a/http://"));
	p = fetch_cache_path("/c", "http://h.example:8080/books/x.gz?sig=1#f");
	CHECK(p && !strcmp(p, "/c/h.example:8080/books/x.gz"));
	free(p);
	/* ".." never leaves the folder. */
	p = fetch_cache_path("/c", "http://h/a/../../../etc/passwd");
	CHECK(p && !strstr(p, "/../") && !strncmp(p, "/c/h/", 5));
	free(p);
	p = fetch_cache_path("/c", "http://h/..");
	CHECK(p && !strcmp(p, "/c/h/__"));
	free(p);
	CHECK(fetch_cache_path("/c", "http:///x") == NULL);
	CHECK(fetch_cache_path("/c", "http://") == NULL);
}

int main(void)
{
	T_RUN(releases_and_specs);
	T_RUN(urls);
	T_RUN(cache_paths);
	T_DONE();
}
