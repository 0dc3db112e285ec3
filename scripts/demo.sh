#!/bin/sh
# demo.sh - `make demo`: make a small realistic data set (39 gzip files of
# Google Books Ngram v2 1-grams, about 200 MB of text) and count it, with
# the progress display and the --stats summary; then count the real sample
# lines of Google's files that ship in tests/data.
set -eu
cd "$(dirname "$0")/.."
dir=build/demo
if [ ! -d "$dir/data" ]; then
	echo "demo: generating $dir/data (200 MB of v2 text, gzipped)..."
	build/ngramgen --size 200M --seed 42 --gzip --out "$dir/data" >/dev/null
fi
echo "demo: build/ngramcount --progress --stats -o $dir/freq.tsv $dir/data"
build/ngramcount --progress --stats -o "$dir/freq.tsv" "$dir/data"
echo "demo: the ten most frequent ngrams ($dir/freq.tsv):"
head -10 "$dir/freq.tsv"
echo
echo "demo: and real lines of Google's files, shipped in tests/data (see its PROVENANCE.md):"
echo "demo: build/ngramcount --top 8 tests/data/v2   (2012: the first 10,000 lines of a, i, q, x, z)"
build/ngramcount --no-progress --top 8 tests/data/v2
echo "demo: build/ngramcount tests/data/v3   (2020: 'forever', 'forevermore', 'for ever', every year)"
build/ngramcount --no-progress tests/data/v3
