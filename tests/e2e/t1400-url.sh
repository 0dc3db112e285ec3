#!/bin/sh
# t1400 - URL inputs (src/fetch.c) against tests/tools/httpd.py on
# 127.0.0.1: every answer is the oracle's over the same files on disk,
# through injected faults (503, resets, short bodies, stalls, Range
# ignored), 404s, --cache (a second run makes no request; a .part
# resumes), a worker killed mid-download and SIGINT; then the catalog.
. tests/e2e/lib.sh

HTTPD="python3 $top/tests/tools/httpd.py"
G=googlebooks-eng-all-1gram-20120701

# The served tree: v2 gzip, v2 plain, v3 gzip, v1 zip and one larger file of each kind.
mkdir -p "$TMP/srv/big"
"$GEN" --size 300K --seed 41 --gzip --out "$TMP/srv/gz" >/dev/null
"$GEN" --size 200K --seed 42 --out "$TMP/srv/plain" >/dev/null
"$GEN" --format v3 --size 200K --seed 43 --gzip --out "$TMP/srv/v3" >/dev/null
"$GEN" --format v1 --size 200K --seed 44 --zip --out "$TMP/srv/zip" >/dev/null
"$GEN" --size 3M --seed 45 --out "$TMP/bigsrc" >/dev/null
cat "$TMP"/bigsrc/* >"$TMP/srv/big/all.tsv"
gzip -c "$TMP/srv/big/all.tsv" >"$TMP/srv/big/all.gz"
rm -r "$TMP/bigsrc"

# serve [httpd options]: httpd.py over $TMP/srv; sets U, its base URL. It
# logs each request to ./requests and is killed when the test ends.
serve() {
	$HTTPD "$TMP/srv" --log "$PWD/requests" "$@" >port 2>httpd.err &
	SRV_PID=$!
	trap 'kill $SRV_PID 2>/dev/null' EXIT
	n=0
	while [ ! -s port ] && [ $n -lt 1000 ]; do	# until it listens (10 s at most)
		sleep 0.01
		n=$((n + 1))
	done
	U=http://127.0.0.1:$(cat port)
}

# urls DIR...: the served files under DIR as URLs, one a line.
urls() {
	for d in "$@"; do
		for f in "$TMP/srv/$d"/*; do echo "$U/$d/${f##*/}"; done
	done
}

formats() {
	mkdir formats && cd formats
	serve
	oracle "$TMP/srv/gz" "$TMP/srv/plain" "$TMP/srv/v3" >want
	for j in 0 1 2; do
		"$NGC" --no-progress -j $j $(urls gz plain v3) >got
		cmp want got
	done
	for c in 1 8; do
		"$NGC" --no-progress --connections $c --partition-size 16K --stats=json \
			$(urls gz plain v3) >got 2>err
		cmp want got
		# -j defaults to at least --connections: a gzip URL is a worker's task
		test "$(jstat err workers)" -ge $c
	done
	oracle --field page "$TMP/srv/zip" >want
	"$NGC" --no-progress --field page $(urls zip) >got
	cmp want got
	oracle --per-year --pos drop "$TMP/srv/big/all.gz" >want
	"$NGC" --no-progress --per-year --pos drop "$U/big/all.gz" >got
	cmp want got
}
test_case "v2 gzip and plain, v3, v1 zip by URL: the oracle's bytes at -j 0/1/2, 1 and 8 connections (-j 8 then)" formats

faults() {
	mkdir faults && cd faults
	serve --fault $G-a.gz=503:2 --fault all.tsv=reset:2:body --fault all.gz=short:1:body \
	      --fault $G-b=trickle:1:body --fault $G-c=norange:0 --fault $G-c=reset:1:body \
	      --fault $G-d.gz=norange:0 --fault $G-d.gz=short:1:body \
	      --fault $G-g=chunked:0 --fault $G-h.gz=chunked:0
	oracle "$TMP/srv/gz" "$TMP/srv/plain" "$TMP/srv/big" >want
	"$NGC" --no-progress --stall-timeout 1 --partition-size 64K --stats=json \
		$(urls gz plain big) >got 2>err
	cmp want got
	tail -n 1 err >stats.json
	# 503 twice, 3 resets, 2 short bodies, 1 stall; a short body's retry
	# resumes past byte 0 (a reset's may have had nothing yet)
	test "$(jstat stats.json downloads.retries)" -eq 8
	test "$(jstat stats.json downloads.resumes)" -ge 3
	test "$(jstat stats.json downloads.range_ignored)" -ge 1
	grep -q "/all.tsv bytes=[1-9][0-9]*- 206" requests	# resumed past byte 0
}
test_case "503, resets, short bodies, a stall, Range ignored, no Content-Length: retried and resumed, exact" faults

unsized() {
	mkdir unsized && cd unsized
	serve --fault all.tsv=chunked:0 --fault all.gz=chunked:0 --fault all.tsv=short:1:body \
	      --fault all.gz=short:1:body
	oracle "$TMP/srv/big" >want
	"$NGC" --no-progress --partition-size 64K --stats=json "$U/big/all.tsv" "$U/big/all.gz" \
		>got 2>err
	cmp want got
	test "$(jstat err downloads.range_ignored)" -eq 2
}
test_case "no Content-Length (chunked), cut mid-body: read to its end, the bytes had skipped on the retry" unsized

one_connection() {
	mkdir one && cd one
	serve
	oracle "$TMP/srv/big/all.tsv" "$TMP/srv/plain" "$TMP/srv/gz" >want
	# A plain file's paused download must not hold the one connection while
	# reads of other files wait for it, each holding a slot it needs; nor
	# may gzip files' reads wait on a paused plain download (hang detector:
	# 100x the time this takes).
	for j in 1 2; do
		timeout 120 "$NGC" --no-progress -j $j --connections 1 --partition-size 16K \
			--buffer-memory 256K "$U/big/all.tsv" $(urls plain gz) >got
		cmp want got
	done
}
test_case "one connection, many files, a small pool: no download waits on another forever" one_connection

failures() {
	mkdir failures && cd failures
	serve --fault $G-e.gz=404:0 --fault $G-f.gz=503:0 --fault all.gz=reset:0:body
	expect_status 1 "$NGC" --no-progress -o out $(urls gz) 2>err
	grep -q "ngramcount: $U/gz/$G-e.gz: HTTP 404" err
	test ! -e out
	expect_status 1 "$NGC" --no-progress --retries 2 "$U/gz/$G-f.gz" 2>err
	grep -q "$G-f.gz: HTTP 503 (after 2 retries)" err
	# A gzip stream failing mid-body: nothing of it merged, so --keep-going skips it.
	expect_status 1 "$NGC" --no-progress --retries 1 "$U/big/all.gz" "$U/gz/$G-a.gz" 2>err
	grep -q "all.gz: .*(after 1 retries)" err
	oracle "$TMP/srv/gz/$G-a.gz" >want
	expect_status 3 "$NGC" --no-progress --keep-going --retries 1 "$U/big/all.gz" \
		"$U/gz/$G-a.gz" "$U/gz/$G-e.gz" >got 2>err
	cmp want got
	grep -q "skipped $U/big/all.gz: " err
	grep -q "skipped $U/gz/$G-e.gz: HTTP 404" err
	# A file Google's catalog knows to be absent: a note, not a failure.
	"$NGC" --no-progress "$U/gz/$G-a.gz" "$U/books/googlebooks-eng-all-5gram-20120701-qk.gz" \
		>got 2>err
	cmp want got
	grep -q "note: 1 file is not on the server, as the catalog allows" err
	expect_status 1 "$NGC" --no-progress --retries 1 http://127.0.0.1:1/x.gz 2>err
	grep -q "http://127.0.0.1:1/x.gz: " err
}
test_case "a 404, 503s past --retries, a body cut for good: the run fails naming the URL; --keep-going exit 3; catalog-missing: a note" failures

cache() {
	mkdir cache && cd cache
	serve
	oracle "$TMP/srv/gz" "$TMP/srv/plain" "$TMP/srv/big" >want
	"$NGC" --no-progress --cache c $(urls gz plain big) >got
	cmp want got
	find c -name '*.part' | grep . && return 1
	cmp c/127.0.0.1:*/big/all.gz "$TMP/srv/big/all.gz"
	: >requests
	"$NGC" --no-progress --cache c --stats=json $(urls gz plain big) >got 2>err
	cmp want got
	test ! -s requests	# the second run asked the server nothing
	test "$(jstat err downloads.cache_hits)" -eq $(urls gz plain big | wc -l)
	# A .part an earlier run left (killed): its bytes are read, the rest fetched.
	d=$(echo c/127.0.0.1:*/big)
	for f in all.tsv all.gz; do
		head -c 300000 "$TMP/srv/big/$f" >"$d/.$f.part"
		rm "$d/$f"
	done
	: >requests
	"$NGC" --no-progress --cache c $(urls gz plain big) >got
	cmp want got
	grep -q "/big/all.tsv bytes=300000- 206" requests
	grep -q "/big/all.gz bytes=300000- 206" requests
	cmp "$d/all.tsv" "$TMP/srv/big/all.tsv"
	# The cache read as a folder: its files, and never a .part (a dot file).
	head -c 1000 "$TMP/srv/big/all.tsv" >"$d/.x.part"
	"$NGC" --no-progress c >got
	cmp want got
}
test_case "--cache: the second run makes no request; a .part left behind resumes with Range" cache

killed_worker() {
	mkdir killed && cd killed
	serve
	oracle "$TMP/srv/big/all.gz" "$TMP/srv/gz/$G-a.gz" >want
	# The second task's worker dies: its download starts again from byte 0.
	NGRAMCOUNT_FAULT=crash:2 "$NGC" --no-progress -j 1 --partition-size 64K \
		"$U/big/all.gz" "$U/gz/$G-a.gz" >got 2>err
	cmp want got
	grep -q "worker replaced" err
	NGRAMCOUNT_FAULT=crash:2 "$NGC" --no-progress -j 1 --partition-size 64K --cache c \
		"$U/big/all.gz" "$U/gz/$G-a.gz" >got 2>err
	cmp want got
}
test_case "a worker killed mid-download: the stream starts again, nothing counted twice" killed_worker

interrupted() {
	mkdir int && cd int
	serve --pace-rate 200000
	"$NGC" --no-progress --cache c -o out "$U/big/all.tsv" "$U/big/all.gz" 2>err &
	pid=$!
	n=0
	until grep -q " - 200\|=0- 206\|bytes=[0-9]*- 206" requests 2>/dev/null ||
	      [ $n -ge 2000 ]; do
		sleep 0.01
		n=$((n + 1))
	done
	kill -INT $pid
	expect_status 130 wait $pid
	test ! -e out
	find c -name '*.part' | grep . && return 1
	true
}
test_case "SIGINT mid-download: exit 130, no output and no .part left in the cache" interrupted

catalog() {
	python3 - "$NGC" <<'EOF'
import subprocess, sys
ngc = sys.argv[1]
want = {
    "eng": (24, 589, 6881, 6668, 19423), "eng-us": (14, 365, 4178, 3936, 11145),
    "eng-gb": (4, 118, 1283, 1154, 3098), "eng-fiction": (1, 47, 549, 515, 1449),
    "chi_sim": (1, 6, 59, 46, 105), "fre": (6, 115, 1197, 1104, 3071),
    "ger": (8, 181, 1369, 1003, 2262), "heb": (1, 10, 45, 25, 42),
    "ita": (2, 60, 553, 427, 984), "rus": (2, 69, 471, 313, 633),
    "spa": (3, 73, 688, 571, 1415),
}
base = "http://storage.googleapis.com/books/ngrams/books/"
def urls(*a):
    return subprocess.run([ngc, "corpus", "urls", *a], check=True, capture_output=True,
                          text=True).stdout.split()
for lang, counts in want.items():
    for n, k in enumerate(counts, 1):
        u = urls(lang, str(n), "--version", "2020")
        assert len(u) == k, (lang, n, len(u))
        assert u[0] == "%s20200217/%s/%d-00000-of-%05d.gz" % (base, lang, n, k), u[0]
        assert u[-1] == "%s20200217/%s/%d-%05d-of-%05d.gz" % (base, lang, n, k - 1, k)
# 2012: 0-9, a-z, other, pos, punctuation; past 1-grams letter pairs and the tags
u = urls("eng", "1", "--version", "2012")
tails = [x.rsplit("-", 1)[1] for x in u]
assert tails == [c + ".gz" for c in "0123456789abcdefghijklmnopqrstuvwxyz"] + \
    ["other.gz", "pos.gz", "punctuation.gz"], tails
u = urls("chi-sim", "3", "--version", "20120701")
assert len(u) == 724 and u[0] == base + "googlebooks-chi-sim-all-3gram-20120701-0.gz"
assert base + "googlebooks-chi-sim-all-3gram-20120701-a_.gz" in u
assert u[-1] == base + "googlebooks-chi-sim-all-3gram-20120701-_VERB_.gz"
u = urls("eng", "2", "--version", "2009")
assert len(u) == 100 and u[-1] == base + "googlebooks-eng-all-2gram-20090715-99.csv.zip"
assert urls("heb", "2", "--totals") == [base + "20200217/heb/totalcounts-2"]
assert urls("fre", "1", "--version", "2012", "--totals") == \
    [base + "googlebooks-fre-all-totalcounts-20120701.txt"]
EOF
	"$NGC" corpus >list
	grep -q "^20200217  eng-fiction         1       47      549      515     1449$" list
	grep -q "^20120701  eng  .* 723$" list	# the 5-grams' qk is absent
	grep -q "^20090715  eng  .*<=500" list
	expect_status 2 "$NGC" corpus urls xx 1 2>err
	grep -q "no language 'xx' in the 20200217 release" err
	expect_status 2 "$NGC" corpus urls eng 6 2>err
	expect_status 2 "$NGC" --corpus eng:1:1999 2>err
	grep -q "no release '1999'" err
	expect_status 2 "$NGC" --version 2012 x 2>err
	"$NGC" --version | grep -q "^ngramcount [0-9]"
}
test_case "the catalog: each set's URL count as published, 2012 prefixes, 2009, totalcounts; usage" catalog

corpus_run() {
	mkdir corpus && cd corpus
	b=$TMP/srv/books/ngrams/books
	mkdir -p "$b/20200217/heb"
	cp "$TMP/srv/gz"/* "$b/"	# ngramgen names them as Google's 2012 1-grams
	cat "$TMP"/srv/v3/* | gzip >"$b/20200217/heb/1-00000-of-00001.gz"
	cp "$DATA/totalcounts/orgtre-heb-20200217-totalcounts-1" "$b/20200217/heb/totalcounts-1"
	serve
	oracle "$TMP/srv/gz" >want
	"$NGC" --no-progress --corpus eng:1:2012 --base-url "$U" >got
	cmp want got
	oracle "$b/20200217/heb/1-00000-of-00001.gz" >want
	"$NGC" --no-progress --corpus heb:1 --base-url "$U" >got
	cmp want got
	oracle --totals "$b/20200217/heb/totalcounts-1" >want
	"$NGC" --no-progress --corpus heb:1 --version 2020 --totals --base-url "$U" >got
	cmp want got
}
test_case "--corpus LANG:N[:YEAR] --base-url counts a set served under Google's layout; --totals" corpus_run

done_testing
