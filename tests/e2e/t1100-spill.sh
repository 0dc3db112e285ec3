#!/bin/sh
# t1100 - past memory: with a tiny --memory the final table spills to
# sorted runs in --tmpdir, and so does a gzip task's table in its worker,
# and the output is byte for byte the in-memory run's, for every order,
# --top, --per-year and output format; the runs are removed on success, on
# failure and on SIGINT.
. tests/e2e/lib.sh

"$GEN" --size 12M --seed 41 --out "$TMP/plain" >/dev/null
"$GEN" --size 4M --seed 42 --gzip --out "$TMP/gz" >/dev/null
SMALL="--buffer-memory 1M --partition-size 64K"

# spills OPTS...: the same bytes with and without spilling; runs were made.
spills() {
	# shellcheck disable=SC2086
	"$NGC" --no-progress $SMALL "$@" "$TMP/plain" "$TMP/gz" >mem.out
	mkdir -p tmp
	# shellcheck disable=SC2086
	"$NGC" --no-progress $SMALL --memory 2M --tmpdir tmp --stats=json "$@" "$TMP/plain" \
		"$TMP/gz" >spill.out 2>stats
	cmp mem.out spill.out
	test "$(jstat stats spilled.tables)" -ge 2
	test -z "$(ls -A tmp)"
}

orders() {
	spills
	test "$(jstat stats spilled.partitions)" -eq 2
	spills -j 3 --sort key
	test "$(jstat stats spilled.partitions)" -eq 3
	spills --sort key
	spills --sort count --min-count 500
	spills -j 0
	test "$(jstat stats spilled.partitions)" -eq 1
	spills --io sync -j 1
}
test_case "spilled runs merge to the in-memory bytes: count and key order, -j 0/1/2" orders

options() {
	spills --top 40
	spills --top 40 --sort key
	spills --per-year --years 1990-2000
	spills --ignore-case --pos drop --output-format json
	spills --output-format csv --min-count 10
	oracle "$TMP/plain" "$TMP/gz" | cmp - spill.out && return 1	# csv differs from TSV
	"$NGC" --no-progress $SMALL --memory 2M --tmpdir tmp "$TMP/plain" "$TMP/gz" >got
	oracle "$TMP/plain" "$TMP/gz" | cmp - got
}
test_case "spilling with --top, --per-year, filters and output formats; the oracle agrees" options

millions() {
	# Word trigrams of 20 MB of text: over a million distinct keys.
	"$GEN" --format text --size 20M --seed 43 --out text >/dev/null
	mkdir -p tmp
	"$NGC" --no-progress -n 3 --stats=json text >mem.out 2>stats.mem
	keys=$(jstat stats.mem distinct_ngrams)
	test "$keys" -gt 1000000
	"$NGC" --no-progress -n 3 --memory 64M --tmpdir tmp --stats=json text >spill.out 2>stats
	test "$(jstat stats distinct_ngrams)" -eq "$keys"
	test "$(jstat stats spilled.tables)" -ge 2
	cmp mem.out spill.out
	oracle -n 3 text | cmp - spill.out
	test -z "$(ls -A tmp)"
}
test_case "over a million distinct keys through a 64M budget: the oracle's bytes" millions

gzip_tasks() {
	# A gzip file is one task: its table outgrows its worker's share.
	mkdir -p two tmp
	"$GEN" --format text --size 8M --seed 44 --out text >/dev/null
	cat text/* | gzip -1 >two/a.gz
	"$GEN" --format text --size 6M --seed 45 --out text2 >/dev/null
	cat text2/* | gzip -1 >two/b.gz
	"$NGC" --no-progress -n 3 two >mem.out
	oracle -n 3 two | cmp - mem.out
	budget="--buffer-memory 24M --memory 48M --tmpdir tmp"
	for j in 0 1 2; do
		# shellcheck disable=SC2086
		"$NGC" --no-progress -j $j -n 3 $budget --stats=json two >spill.out 2>stats
		cmp mem.out spill.out
		test "$(jstat stats spilled.by_gzip_tasks)" -ge 2
		test -z "$(ls -A tmp)"
	done
	# A gzip stream on stdin spills the same way.
	oracle -n 3 two/b.gz >b.want
	# shellcheck disable=SC2086
	"$NGC" --no-progress -n 3 $budget - <two/b.gz >spill.out
	cmp b.want spill.out
	# A worker killed once its task's runs are written: those never count,
	# the rerun's do.
	# shellcheck disable=SC2086
	NGRAMCOUNT_FAULT=late:2 "$NGC" --no-progress -j 1 -n 3 $budget two >spill.out 2>err
	grep -q "1 worker replaced" err
	cmp mem.out spill.out
	test -z "$(ls -A tmp)"
	# No folder for the runs: the run fails naming the file, no output.
	expect_status 1 "$NGC" --no-progress -n 3 --buffer-memory 24M --memory 48M \
		--tmpdir nodir -o out.tsv two 2>err
	grep -q "^ngramcount: two/[ab].gz: spilling to nodir: No such file or directory" err
	test ! -e out.tsv
	# --keep-going: a truncated stream that spilled is skipped, its runs removed.
	head -c 2000000 two/a.gz >cut.gz
	# shellcheck disable=SC2086
	expect_status 3 "$NGC" --no-progress -n 3 --keep-going $budget --stats cut.gz two/b.gz \
		>spill.out 2>err
	grep -q "skipped cut.gz: truncated gzip stream" err
	cmp b.want spill.out
	test -z "$(ls -A tmp)"
}
test_case "a gzip file past its worker's share spills task runs: -j 0/1/2, stdin, a killed worker, --keep-going" gzip_tasks

cleanup() {
	mkdir -p tmp
	expect_status 1 "$NGC" --no-progress $SMALL --memory 2M --tmpdir tmp "$TMP/plain" missing \
		>/dev/null 2>err
	test -z "$(ls -A tmp)"
	# The plain set's table alone fits 2M's budget: the gzip set's keys join it.
	expect_status 1 "$NGC" --no-progress $SMALL --memory 2M --tmpdir nodir "$TMP/plain" \
		"$TMP/gz" >/dev/null 2>err
	grep -q "spilling to nodir: No such file or directory" err
	# A partition's merge process dies: the run fails, nothing is left.
	# shellcheck disable=SC2086
	expect_status 1 env NGRAMCOUNT_FAULT=merge "$NGC" --no-progress -j 2 $SMALL --memory 2M \
		--tmpdir tmp -o out.tsv "$TMP/plain" "$TMP/gz" 2>err
	grep -q "a process merging a partition of the spilled runs died" err
	test -z "$(ls -A tmp)"
	test ! -e out.tsv
	expect_status 2 "$NGC" --memory 1M "$TMP/plain" 2>err
	grep -q "does not even hold the read buffers" err
	# SIGINT, SIGHUP or SIGQUIT once runs exist: they go with the run.
	for sig in INT:130 HUP:129 QUIT:131; do
		"$NGC" --no-progress -j 2 --buffer-memory 1M --partition-size 16 --memory 200K \
			--tmpdir tmp -o out.tsv "$TMP/plain" 2>err &
		pid=$!
		n=0
		until ls tmp/*/run-0 >/dev/null 2>&1; do
			n=$((n + 1))
			[ $n -lt 400 ] || { kill -9 $pid; echo "never spilled"; return 1; }
			sleep 0.05
		done
		kill -"${sig%:*}" $pid
		set +e
		wait $pid
		got=$?
		set -e
		test "$got" -eq "${sig#*:}"
		test -z "$(ls -A tmp)"
		test ! -e out.tsv
	done
}
test_case "spilled runs removed on failure (a merge process killed too) and on SIGINT, SIGHUP, SIGQUIT; a budget below the buffers is refused" cleanup

runs_errors_named() {
	# An overflow found only when the runs are merged: the first addend went
	# to disk with the table before the second arrived.
	{ printf 'big\t2000\t18446744073709551615\t1\n'
	  awk 'BEGIN { for (i = 0; i < 300000; i++) printf "k%07d\t2000\t1\t1\n", i }'
	  printf 'big\t2000\t1\t1\n'; } >c
	mkdir -p tmp
	for j in 0 2; do
		expect_status 1 "$NGC" --no-progress -j $j --buffer-memory 1M --partition-size 64K \
			--memory 1100K --tmpdir tmp -o over.tsv c 2>err
		grep -q "the total of an ngram passes 2^64-1 (found merging the spilled runs)" err
		test ! -e over.tsv
	done
	# Out of descriptors while merging runs: said of the runs, not of stdout.
	head -n 300001 c >d
	set +e
	(ulimit -n 24 && exec "$NGC" --no-progress -j 2 --buffer-memory 1M --partition-size 64K \
		--memory 1100K --tmpdir tmp d) >/dev/null 2>err
	got=$?
	set -e
	cat err
	[ "$got" -eq 1 ]
	grep -q "the spilled runs in tmp/ngramcount-spill-[^:]*: Too many open files" err
	test -z "$(ls -A tmp)"
}
test_case "errors in the spilled runs are said of the runs: an overflow found merging them, EMFILE" runs_errors_named

done_testing
