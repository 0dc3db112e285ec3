/*
 * corpus.h - the catalog of Google's published Ngram sets: releases
 * (20090715, 20120701, 20200217) x languages x n, their file counts and
 * the URLs of their files. Pure data and string building; no network.
 * The facts and where they come from: docs/corpus.md.
 */
#ifndef NGRAMCOUNT_CORPUS_H
#define NGRAMCOUNT_CORPUS_H

#include <stdio.h>

#define NGC_BASE_URL	"http://storage.googleapis.com"

struct corpus_set {
	unsigned release;	/* index into the releases: 0 2009, 1 2012, 2 2020 */
	const char *lang;	/* the catalog's spelling */
	unsigned n;		/* 1 to 5 */
};

/* A release by year or date (2009, 20090715, ...): its index, or -1. */
int corpus_release(const char *name);
/*
 * "LANG:N[:VERSION]" (VERSION as corpus_release takes it; else release)
 * -> *s. 0, or -1 with why in err.
 */
int corpus_parse(const char *spec, int release, struct corpus_set *s, char *err, size_t size);
/* Set lang, n of release (-1: the latest, 2020) -> *s. 0, or -1 with why in err. */
int corpus_find(int release, const char *lang, const char *n, struct corpus_set *s,
		char *err, size_t size);
/*
 * The set's file URLs under base (NGC_BASE_URL), or its totalcounts file
 * (totals): a malloc'ed array of *n malloc'ed strings.
 */
char **corpus_urls(const struct corpus_set *s, const char *base, int totals, unsigned *n);
/*
 * url is a file the catalog knows may be absent from the server (missing
 * there, or past a count it is not sure of): a 404 for it is a note.
 */
int corpus_may_be_missing(const char *url);
/* The table of sets and their file counts, for `ngramcount corpus`. */
void corpus_print(FILE *out);

#endif
