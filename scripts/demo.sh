#!/bin/sh
# demo.sh - `make demo`: make a small realistic data set (39 gzip files of
# Google Books Ngram v2 1-grams, about 200 MB of text) and count it, with
# the progress bar and the --stats summary.
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
