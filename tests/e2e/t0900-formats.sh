#!/bin/sh
# t0900 - every format (v1, v2, v3, totalcounts, text) on the real samples
# (tests/data) and on generated data, plain and gzip, in the parent and in
# workers; auto-detection in a directory that mixes them; the options that
# choose what is counted and printed, alone and together. The oracle
# (tests/oracle.py) takes the same options and counts on its own.
. tests/e2e/lib.sh

for f in v1 v2 v3 text; do
	"$GEN" --format $f --size 600K --seed 11 --out "$TMP/gen/$f" >/dev/null
	"$GEN" --format $f --size 600K --seed 12 --gzip --out "$TMP/gen/$f.gz" >/dev/null
done

# engines ARGS...: in every engine shape (parent, workers, partitions far
# smaller than a line), ngramcount ARGS prints what the oracle prints for
# ARGS (options both know, then inputs).
# Each status is checked here: callers use it in "||", where set -e is off.
engines() {
	oracle "$@" >want || { cat want; return 1; }
	for eng in "-j 0" "-j 2" "-j 2 --partition-size 512" "-j 1 --io sync --partition-size 4K"; do
		# shellcheck disable=SC2086
		"$NGC" --no-progress $eng "$@" >got || { echo "exit $? with: $eng $*"; return 1; }
		cmp want got || { echo "differs with: $eng $*"; return 1; }
	done
}

real_samples() {
	engines "$DATA/v1"
	engines "$DATA/v2"
	engines "$DATA/v3"
	engines --totals "$DATA/totalcounts"
	engines "$top/docs/concurrency.md"	# text: prose of our own
	test "$(wc -l <"$TMP/got")" -gt 300
}
test_case "real v1, v2, v3, totalcounts and text samples: the oracle's totals" real_samples

generated() {
	for f in v1 v2 v3 text; do
		engines "$TMP/gen/$f" "$TMP/gen/$f.gz"
	done
	engines -n 3 "$TMP/gen/text.gz"
	test "$(wc -l <"$TMP/got")" -gt 1000
}
test_case "generated v1, v2, v3 and text, plain and gzip: the oracle's totals" generated

text_blanks() {
	# Words split on exactly space, TAB, CR, VT and FF, wherever they fall in
	# the 16-byte blocks the splitter reads: lines of random blanks and of
	# bytes next to them in value (BS, SO, US, '!', DEL, 0x85, 0xa0).
	python3 -c '
import random, sys
r = random.Random(5)
pieces = [b" ", b"\t", b"\r", b"\v", b"\f", b"\x08", b"\x0e", b"\x1f", b"!", b"\x7f",
          b"\x85", b"\xa0", b"a", b"b", b"ab", b"a" * 17, b" " * 17]
for _ in range(3000):
    sys.stdout.buffer.write(b"".join(r.choice(pieces) for _ in range(r.randrange(40))) + b"\n")
' >blanks
	engines --format text blanks
	engines --format text -n 2 blanks
}
test_case "text: words split on exactly the five blanks, at every offset of a vector read" text_blanks

mixed_directory() {
	mkdir mix
	cp "$DATA"/v1/* "$DATA"/v3/* "$DATA"/totalcounts/msr-* "$DATA"/totalcounts/seananderson-* mix/
	cp "$DATA"/v2/*-q-* mix/
	cp "$TMP/gen/v3.gz/1-00012-of-00039.gz" "$TMP/gen/v1.gz/googlebooks-eng-all-1gram-20090715-k.gz" mix/
	gzip -c "$DATA/totalcounts/vidhi0206-eng-20200217-totalcounts-1" >mix/totals.gz
	cp "$top/docs/concurrency.md" mix/prose.txt
	engines mix
	"$NGC" --no-progress --stats -j 2 mix 2>stats >/dev/null
	grep -q "formats          v1=4 v2=1 v3=4 text=1 totalcounts=3" stats
	grep -q "passed over      3 totalcounts files: --totals counts them" stats
	engines --totals mix
	"$NGC" --no-progress --stats --totals mix 2>stats >/dev/null
	grep -q "passed over      10 ngram files: --totals counts totalcounts files only" stats
}
test_case "auto-detection in a directory mixing every format, plain and gzip" mixed_directory

options_alone() {
	in="$DATA/v1 $DATA/v2 $DATA/v3 $TMP/gen/v3.gz"
	for opts in "--years 1990-2000" "--years 1999" "--years -1800" "--years 2005-" \
		"--field volume" "--pos drop" "--pos only" "--ignore-case" "--per-year" \
		"--min-count 5000" "--top 7" "--sort key" "--output-format csv"; do
		# shellcheck disable=SC2086
		engines $opts $in || { echo "with $opts"; return 1; }
	done
	engines --field page "$DATA/v1" "$TMP/gen/v1.gz"
	engines --field page --totals "$DATA/totalcounts/seananderson-eng-all-totalcounts-20090715.txt"
}
test_case "--years, --field, --pos, --ignore-case, --per-year, --min-count, --top, --sort" options_alone

options_together() {
	in="$DATA/v2 $DATA/v1 $TMP/gen/v2.gz"
	for opts in "--years 1950-2000 --per-year" "--pos drop --ignore-case" \
		"--pos only --ignore-case --top 20" "--top 10 --min-count 100" \
		"--top 50 --min-count 100000 --sort key" "--per-year --top 15 --sort count" \
		"--ignore-case --years 2000- --per-year --output-format csv" \
		"--field volume --pos drop --min-count 3"; do
		# shellcheck disable=SC2086
		engines $opts $in || { echo "with $opts"; return 1; }
	done
	engines --ignore-case --pos drop -n 2 --top 30 "$TMP/gen/text"
}
test_case "options that interact: years + per-year, pos + ignore-case, top + min-count" options_together

word_lists() {
	printf 'doctor\nclimate change\nforever\r\nA\nnot there\n' >words
	engines --words words "$DATA/v1" "$DATA/v3" "$DATA/v2"
	test "$(wc -l <got)" -eq 3
	engines --word Doctor --word FOREVER --word 'For Ever' --ignore-case "$DATA/v1" "$DATA/v3"
	test "$(cut -f1 got | sort | tr '\n' ' ')" = "doctor for ever forever "
	engines --word forever --per-year "$DATA/v3"
	test "$(wc -l <got)" -eq 430
	expect_status 1 "$NGC" --words missing "$DATA/v1" 2>err
	grep -q "^ngramcount: --words missing: No such file or directory" err
}
test_case "--word and --words: only those ngrams; with --ignore-case, folded" word_lists

pos_double_count() {
	# 2012 data: the untagged line already holds every tagged use.
	printf 'run\t2000\t10\t5\nrun_NOUN\t2000\t4\t2\nrun_VERB\t2000\t6\t3\n_NOUN_\t2000\t99\t9\n' >pos.tsv
	"$NGC" --no-progress pos.tsv >got
	test "$(awk -F'\t' '{ s += $2 } END { print s }' got)" -eq 119	# run counted twice
	"$NGC" --no-progress --pos drop pos.tsv >got
	printf 'run\t10\n' | cmp - got
	"$NGC" --no-progress --pos only --sort key pos.tsv >got
	printf '_NOUN_\t99\nrun_NOUN\t4\nrun_VERB\t6\n' | cmp - got
	printf 'The_DET\t2000\t3\t1\nthe_DET\t2000\t4\t1\nTHE\t2000\t5\t1\n' >case.tsv
	"$NGC" --no-progress --ignore-case case.tsv >got
	printf 'the_DET\t7\nthe\t5\n' | cmp - got
}
test_case "--pos: the double count of tagged tokens, dropped or kept alone" pos_double_count

hot_path_options() {
	# Sorted v2 lines, as the hot path reads them: a key's run of lines holds
	# bad ones (year, count, field count), years on both sides of a --years
	# edge (its first lines outside), case twins and tagged keys after it.
	printf 'The\t1799\t5\t1\nThe\t1800\t7\t2\nThe\t18x0\t9\t1\nThe\t1900\t11\t3\nThe_DET\t1900\t4\t1\n' >hot.tsv
	printf 'apple\t1750\t1\t1\napple\t1850\t2\t1\napple\t1850\t3x\t1\napple\t1950\t4\t1\r\n' >>hot.tsv
	printf 'apple_NOUN\t1950\t2\t1\nthe\t1800\t100\t9\nthe\t1801\t200\t9\nthe\t0\t1\t1\n' >>hot.tsv
	printf 'the\t1950\t300\t9\nthe\t1950\t7\nzebra\t2000\t1\t1\n' >>hot.tsv
	bad=$(awk '!/^[^\t]+\t[0-9][0-9]?[0-9]?[0-9]?\t[0-9]+\t[0-9]+\r?$/ || $2 == 0' hot.tsv | wc -l)
	test "$bad" -eq 4
	for opts in "--years 1800-1900" "--years 1801-" "--years -1850 --pos drop" "--pos only" \
		"--ignore-case" "--ignore-case --years 1800-1900 --per-year" "--word the --word apple" \
		"--word THE --ignore-case --years 1800-"; do
		# shellcheck disable=SC2086
		engines $opts hot.tsv || return 1
		# shellcheck disable=SC2086
		"$NGC" --no-progress --stats -j 0 $opts hot.tsv 2>err >/dev/null
		grep -q "^  malformed lines  $bad\$" err || { echo "malformed lines with: $opts"; return 1; }
	done
}
test_case "options on the hot path: bad lines and --years edges inside a key's run, case twins" hot_path_options

output_formats() {
	in="$DATA/v3 $DATA/v1 $DATA/bad"
	engines --output-format csv $in
	head -1 got | grep -qx "ngram,count"
	grep -q '^"climate change",' got && return 1
	for f in json ndjson; do
		for extra in "" "--per-year --top 40" "--totals"; do
			# shellcheck disable=SC2086
			oracle --output-format $f $extra $in "$DATA/totalcounts/msr-ds3-googlebooks-eng-all-totalcounts-20120701.txt" >want 2>/dev/null
			# shellcheck disable=SC2086
			"$NGC" --no-progress --output-format $f $extra $in "$DATA/totalcounts/msr-ds3-googlebooks-eng-all-totalcounts-20120701.txt" >got 2>/dev/null
			python3 - "$f" <<'PY'
import json, sys
def load(p):
    t = open(p, encoding='utf-8').read()
    return json.loads(t) if sys.argv[1] == 'json' else [json.loads(l) for l in t.splitlines()]
a, b = load('want'), load('got')
# Keys that are not UTF-8 become U+FFFD: compare those by count only.
bad = lambda o: '\ufffd' in o.get('ngram', '')
assert [o for o in a if not bad(o)] == [o for o in b if not bad(o)], 'rows differ'
assert sorted(o['count'] for o in a if bad(o)) == sorted(o['count'] for o in b if bad(o))
PY
		done
	done
	# Every JSON string is valid even for keys that are not UTF-8.
	printf 'caf\351\t2000\t1\t1\nq"u\\o\t2000\t2\t1\n' >odd.tsv
	"$NGC" --no-progress --output-format json odd.tsv | python3 -c '
import json, sys; d = json.load(sys.stdin); assert {o["ngram"] for o in d} == {"caf\ufffd", "q\"u\\o"}'
	"$NGC" --no-progress --output-format csv odd.tsv | grep -q '^"q""u\\o",2$'
}
test_case "--output-format csv, json, ndjson: the oracle's rows; always valid syntax" output_formats

# zip_shapes INPUT: with every inflate backend and engine shape,
# ngramcount INPUT prints the file want.
zip_shapes() {
	for inflate in $BACKENDS; do
		for eng in "-j 0" "-j 2" "-j 2 --partition-size 64"; do
			# shellcheck disable=SC2086
			"$NGC" --no-progress --inflate $inflate $eng "$1" >got
			cmp want got || { echo "differs with: --inflate $inflate $eng $1"; return 1; }
		done
	done
}

zip_archives() {
	"$GEN" --format v1 --zip --size 600K --seed 15 --out zipped >/dev/null
	"$GEN" --format v1 --size 600K --seed 15 --out plain >/dev/null
	oracle plain >want
	zip_shapes zipped
	# What other zip writers make: stored, two members, a data descriptor
	# after zip64 data (written to a pipe), stored members written to a pipe
	# (their sizes only in their descriptors), a member in bzip2.
	python3 - "$DATA/v1" <<'PY'
import io, os, sys, zipfile
v1 = sys.argv[1]
a, b = (open(os.path.join(v1, n), 'rb').read() for n in sorted(os.listdir(v1))[:2])
for name, how in (('stored', zipfile.ZIP_STORED), ('deflated', zipfile.ZIP_DEFLATED)):
    with zipfile.ZipFile(name + '.zip', 'w', how) as z:
        z.writestr('a.csv', a)
with zipfile.ZipFile('two.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('a.csv', a)
    z.writestr('b.csv', b)
class Pipe(io.RawIOBase):
    def __init__(self, f): self.f = f
    def writable(self): return True
    def write(self, d): return self.f.write(d)
with open('piped.zip', 'wb') as f, zipfile.ZipFile(Pipe(f), 'w', zipfile.ZIP_DEFLATED) as z:
    with z.open('a.csv', 'w', force_zip64=True) as m:
        m.write(a)
# Stored, to a pipe: the sizes only in the descriptor after each member.
with open('pipedstored.zip', 'wb') as f, zipfile.ZipFile(Pipe(f), 'w', zipfile.ZIP_STORED) as z:
    with z.open('a.csv', 'w') as m:
        m.write(a)
    with z.open('b.csv', 'w', force_zip64=True) as m:
        m.write(b)
with zipfile.ZipFile('bzip2.zip', 'w', zipfile.ZIP_BZIP2) as z:
    z.writestr('a.csv', a)
d = open('deflated.zip', 'rb').read()
open('corrupt.zip', 'wb').write(d[:60] + bytes([d[60] ^ 0xff]) + d[61:])
open('truncated.zip', 'wb').write(d[:len(d) // 2])
open('trailing.zip', 'wb').write(d[:d.index(b'PK\x01\x02')] + b'garbage!')
t = open('two.zip', 'rb').read()
open('cut.zip', 'wb').write(t[:t.index(b'PK\x01\x02')])
zipfile.ZipFile('empty.zip', 'w').close()
PY
	for f in stored deflated two piped pipedstored; do
		oracle $f.zip >want
		test -s want
		zip_shapes $f.zip
	done
	expect_status 1 "$NGC" --no-progress bzip2.zip 2>err
	grep -q "bzip2.zip: the zip member before byte 3[0-9] is encrypted or not deflated or stored" err
	expect_status 1 "$NGC" --no-progress corrupt.zip 2>err
	grep -q "corrupt.zip: corrupt zip data near byte" err
	expect_status 1 "$NGC" --no-progress -j 0 truncated.zip 2>err
	grep -q "truncated.zip: truncated zip stream (ends at byte" err
	# Cut at a member's end, before the central directory: truncated too.
	for j in 0 2; do
		expect_status 1 "$NGC" --no-progress -j $j cut.zip 2>err >got
		grep -q "cut.zip: truncated zip stream (ends at byte" err
		test ! -s got
	done
	# An empty archive is an empty input: no rows, no warning.
	"$NGC" --no-progress empty.zip deflated.zip >got 2>err
	oracle deflated.zip | cmp - got
	test ! -s err
	expect_status 1 "$NGC" --no-progress trailing.zip 2>err
	grep -q "trailing.zip: trailing garbage after zip data at byte" err
	expect_status 3 "$NGC" --no-progress --keep-going deflated.zip corrupt.zip >got 2>err
	oracle deflated.zip | cmp - got
	grep -q "skipped corrupt.zip" err
}
test_case "v1 .csv.zip archives: generated and made by other writers; bad ones named" zip_archives

sort_none() {
	"$NGC" --no-progress --sort none -j 2 "$DATA/v2" | sort >got
	oracle "$DATA/v2" | sort | cmp - got
}
test_case "--sort none: the same rows, in the table's order" sort_none

comments_and_long_lines() {
	# The extracts' three '#' lines are not data and not malformed.
	"$NGC" --no-progress --stats "$DATA/v1" 2>stats >/dev/null
	grep -q "malformed lines  0" stats
	# A v3 line longer than a partition is counted whole.
	"$NGC" --no-progress --partition-size 16 -j 2 "$DATA/v3" >got
	oracle "$DATA/v3" | cmp - got
	# '#' as an ngram (Google's punctuation file) is data.
	printf '#\t2000\t5\t1\n#\t2001\t6\t1\n' | "$NGC" --no-progress - >got
	printf '#\t11\n' | cmp - got
}
test_case "'#' comment lines pass, '#' ngrams count; long v3 lines across partitions" comments_and_long_lines

bad_option_uses() {
	expect_status 1 "$NGC" --no-progress --years 1900-2000 "$DATA/v2" "$top/docs/concurrency.md" 2>err >out
	grep -q "concurrency.md: text has no years (--years)" err
	test ! -s out
	expect_status 1 "$NGC" --no-progress --field page "$DATA/v2" 2>err
	grep -q "only v1 (2009) files and totalcounts have page counts" err
	gzip -c "$top/docs/concurrency.md" >prose.gz
	expect_status 1 "$NGC" --no-progress -j 2 --per-year prose.gz 2>err
	grep -q "prose.gz: text has no years (--per-year)" err
	# -n counts runs of words in text: over ngram files it is an error, plain or gzip.
	expect_status 1 "$NGC" --no-progress -n 2 "$DATA/v2" 2>err >out
	grep -q "head10k.tsv: its lines hold ngrams already; -n counts runs of words in text (-n)" err
	test ! -s out
	gzip -c "$DATA/v2/lirenh-eng-all-1gram-20120701-q-head10k.tsv" >q.gz
	expect_status 1 "$NGC" --no-progress -j 2 -n 3 q.gz 2>err
	grep -q "q.gz: its lines hold ngrams already" err
	expect_status 2 "$NGC" --format v3 -n 2 x 2>/dev/null
	expect_status 2 "$NGC" --format text --years 1900 x 2>/dev/null
	expect_status 2 "$NGC" --per-year --totals x 2>/dev/null
	for bad in "--years 2000-1900" "--years abc" "--years -" "-n 6" "-n 0" "--top 0" \
		"--format v4" "--field pages" "--pos maybe" "--sort random" "--output-format xml" \
		"--min-count -1"; do
		# shellcheck disable=SC2086
		expect_status 2 "$NGC" $bad x 2>err || { echo "accepted: $bad"; return 1; }
		grep -q "Try 'ngramcount --help'" err
	done
}
test_case "options a format cannot answer are errors naming the file; bad values exit 2" bad_option_uses

totalcounts_said() {
	t=$DATA/totalcounts/msr-ds3-googlebooks-eng-all-totalcounts-20120701.txt
	v2=$DATA/v2/lirenh-eng-all-1gram-20120701-q-head10k.tsv
	# Passed over beside ngram files: said once on stderr, pointing at --totals.
	expect_same -j 2 -- "$v2" "$t"
	"$NGC" --no-progress "$v2" "$t" 2>err >/dev/null
	test "$(grep -c "note: passed over 1 totalcounts file(s): --totals counts them (first: $t)" err)" -eq 1
	# Alone: nothing to count, exit 1, no output.
	expect_status 1 "$NGC" --no-progress "$t" 2>err >out
	grep -q "nothing to count: every input was passed over" err
	test ! -s out
	# --totals with no totalcounts input: an error naming the option.
	expect_status 1 "$NGC" --no-progress --totals "$v2" 2>err >out
	grep -q -- "--totals: no input is a totalcounts file" err
	test ! -s out
}
test_case "totalcounts files passed over are said; alone, or --totals without one, exit 1" totalcounts_said

format_obeyed_compressed() {
	# --format holds for gzip and zip files too: a v2 file read as text.
	v2=$DATA/v2/lirenh-eng-all-1gram-20120701-q-head10k.tsv
	gzip -c "$v2" >q.gz
	oracle --format text "$v2" >want
	for j in 0 2; do
		"$NGC" --no-progress -j $j --format text q.gz >got
		cmp want got
	done
	cp "$v2" q.tsv
	rm -f q.zip
	python3 -c 'import sys, zipfile; zipfile.ZipFile("q.zip", "w", zipfile.ZIP_DEFLATED).write("q.tsv")'
	"$NGC" --no-progress --format text q.zip >got
	cmp want got
}
test_case "--format is obeyed for gzip and zip files, as for plain ones" format_obeyed_compressed

top_in_count_order() {
	# --top asks for the largest: by count, with --per-year and --totals too.
	expect_same -- --per-year --top 5 "$DATA/v2"
	head -3 ngc.out | awk -F'\t' 'NR > 1 && $3 > last { exit 1 } { last = $3 }'
	expect_same -- --totals --top 3 "$DATA/totalcounts/msr-ds3-googlebooks-eng-all-totalcounts-20120701.txt"
	expect_same -- --per-year --top 5 --sort key "$DATA/v2"
}
test_case "--top with --per-year or --totals: largest first unless --sort says" top_in_count_order

detection_edges() {
	# Each as the oracle reads it, plain and gzip, and never a silent guess.
	mkdir -p det
	# A v2 file whose first line passes the first 64 KiB (a giant ngram).
	{ head -c 70000 /dev/zero | tr '\0' g; printf '\t2000\t3\t1\n'
	  cat "$DATA/v2/lirenh-eng-all-1gram-20120701-q-head10k.tsv"; } >det/longfirst
	# More than 64 KiB of '#' comment lines before v1 data.
	{ i=0; while [ $i -lt 3000 ]; do echo "# an extract's comment line, number $i"; i=$((i + 1)); done
	  cat "$DATA"/v1/*; } >det/comments
	# Blank lines at the top of a v2 file.
	{ printf '\n\n\n\n\n\n\n\n\n\n'; cat "$DATA/v2/lirenh-eng-all-1gram-20120701-q-head10k.tsv"; } >det/blanks
	# A first line with an empty ngram: v2 with a malformed line, not totalcounts.
	{ printf '\t2000\t5\t1\n'; cat "$DATA/v2/lirenh-eng-all-1gram-20120701-q-head10k.tsv"; } >det/tabfirst
	# All-digit ngrams, rising, one line each: v2.
	awk 'BEGIN { for (i = 1; i <= 40; i++) printf "%d\t2000\t%d\t1\n", i, i }' >det/digits
	# Text that starts with comma-separated numbers: text.
	prose prose.txt
	{ printf '1,2,3,4\n5,6,7,8\n'; cat prose.txt; } >det/numbers.txt
	for f in longfirst comments blanks tabfirst digits numbers.txt; do
		gzip -c det/$f >det/$f.gz
	done
	for j in 0 2; do
		oracle det >want
		"$NGC" --no-progress -j $j det >got 2>err
		cmp want got
	done
	"$NGC" --no-progress --stats det 2>stats >/dev/null
	grep -q "formats          v1=2 v2=8 text=2$" stats
	# Many lines of another shape where the verdict rests: a warning names the file.
	{ printf 'a\t2000\t1\t1\n'; i=0; while [ $i -lt 5 ]; do echo "no data $i"; i=$((i + 1)); done
	  printf 'b\t2000\t1\t1\n'; } >doubt
	"$NGC" --no-progress doubt 2>err >/dev/null
	grep -q "warning: 1 file read with doubt; first: doubt: read as v2, though 5 of its first 7 data lines are not v2 lines" err
	"$NGC" --no-progress --format v2 doubt 2>err >/dev/null
	! grep -q "read with doubt" err
	# A gzip stream is sniffed by its worker (or the parent at -j 0): the same.
	for j in 0 2; do
		gzip -c doubt | "$NGC" --no-progress -j $j - 2>err >/dev/null
		grep -q "warning: 1 file read with doubt; first: -: read as v2, though 5 of its first 7" err
	done
}
test_case "detection past long first lines and comment blocks; totalcounts only as published; doubt said" detection_edges

done_testing
