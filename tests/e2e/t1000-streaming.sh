#!/bin/sh
# t1000 - ngramcount map, reduce and merge: the contract Hadoop Streaming
# (and Spark's RDD.pipe) hold them to, run as the framework runs them:
# mappers over input splits, LC_ALL=C sort as the shuffle, reducers fed by
# a hash of the key, their outputs concatenated - equal to one machine's
# count. Totals are checked against the oracle.
. tests/e2e/lib.sh

"$GEN" --size 1M --seed 21 --out "$TMP/v2" >/dev/null
"$GEN" --format v3 --size 600K --seed 22 --gzip --out "$TMP/v3gz" >/dev/null
"$GEN" --format text --size 300K --seed 23 --out "$TMP/text" >/dev/null
cat "$TMP"/v2/* >"$TMP/all.tsv"

# sum: add up "key TAB n" lines by key, sorted as LC_ALL=C sort would.
sum() {
	python3 -c '
import sys
t = {}
for line in sys.stdin.buffer:
    k, _, n = line.rstrip(b"\n").rpartition(b"\t")
    t[k] = t.get(k, 0) + int(n)
for k in sorted(t, key=lambda k: k + b"\t"):
    sys.stdout.buffer.write(k + b"\t" + str(t[k]).encode() + b"\n")'
}

# The oracle's totals, in the same order.
oracle_sum() {
	oracle "$@" | sum
}

map_alone() {
	"$NGC" map <all.tsv | sum >got
	oracle_sum all.tsv | cmp - got
	cat "$TMP"/v3gz/* | "$NGC" map | sum >got		# gzip members, one stream
	oracle_sum "$TMP/v3gz" | cmp - got
	"$NGC" map --pos drop --ignore-case -n 2 <"$TMP/text/text-a" | sum >got
	oracle_sum --pos drop --ignore-case -n 2 "$TMP/text/text-a" | cmp - got
	"$NGC" map --per-year --years 1950-1990 <all.tsv | sum >got
	oracle --per-year --years 1950-1990 all.tsv | sum | cmp - got
}
test_case "map: partial totals of any format on stdin add up to the oracle's" map_alone

map_flushes() {
	"$NGC" map --memory 4K --hadoop-counters <all.tsv 2>err | sum >got
	oracle_sum all.tsv | cmp - got
	flushes=$(sed -n 's/^reporter:counter:ngramcount,Table flushes,//p' err)
	test "$flushes" -gt 10
	test "$(sed -n 's/^reporter:counter:ngramcount,Lines,//p' err)" -eq "$(wc -l <all.tsv)"
	grep -q "^reporter:status:ngramcount map: " err
	"$NGC" map <all.tsv 2>err >/dev/null
	test ! -s err
	mapreduce_task_id=attempt_1 "$NGC" map <all.tsv 2>err >/dev/null
	grep -q "^reporter:counter:ngramcount,Lines," err
}
test_case "map: a bounded table written out when full; Hadoop counters when asked" map_flushes

reduce_alone() {
	"$NGC" map --memory 4K <all.tsv | LC_ALL=C sort | "$NGC" reduce >got
	oracle_sum all.tsv | cmp - got
	printf 'b\t1\na\t2\n' | expect_status 1 "$NGC" reduce 2>err >/dev/null
	grep -q "reduce: stdin:2: not sorted by key" err
	printf 'a\t1\na\tx\n' | expect_status 1 "$NGC" reduce 2>err >/dev/null
	grep -q "reduce: stdin:2: count is not a whole number" err
	printf 'a\t18446744073709551615\na\t1\n' | expect_status 1 "$NGC" reduce 2>err >/dev/null
	grep -q "passes 2^64-1" err
	printf 'run\t1999\t5\nrun\t1999\t2\nrun\t2000\t1\n' | "$NGC" reduce >got
	printf 'run\t1999\t7\nrun\t2000\t1\n' | cmp - got
}
test_case "reduce: key-sorted partial totals summed; unsorted or bad lines named" reduce_alone

framework() {
	# What Hadoop Streaming does with -mapper 'ngramcount map' -combiner
	# 'ngramcount reduce' -reducer 'ngramcount reduce', here with 3 map
	# tasks over line splits and 2 reduce tasks.
	for opts in "" "--per-year --pos drop"; do
		rm -rf splits maps parts
		mkdir splits maps parts
		split -n l/3 all.tsv splits/s
		for s in splits/*; do
			# shellcheck disable=SC2086
			"$NGC" map --memory 8K $opts <"$s" | LC_ALL=C sort |
				"$NGC" reduce >"maps/$(basename "$s")"
		done
		cat maps/* | python3 -c '
import sys, zlib
outs = [open("parts/r%d" % i, "wb") for i in range(2)]
for line in sys.stdin.buffer:
    key = line.rstrip(b"\n").rpartition(b"\t")[0]
    outs[zlib.crc32(key) % 2].write(line)'
		for p in parts/r0 parts/r1; do
			LC_ALL=C sort "$p" | "$NGC" reduce >"$p.out"
		done
		cat parts/r0.out parts/r1.out | LC_ALL=C sort >cluster
		# shellcheck disable=SC2086
		"$NGC" --no-progress --sort key $opts all.tsv | sum >single
		cmp single cluster
		test "$(wc -l <single)" -gt 1000
	done
}
test_case "the Hadoop Streaming contract: 3 mappers, sort, 2 reducers = one machine" framework

merge_results() {
	"$NGC" --no-progress "$TMP/v2" >one
	head -3000 all.tsv >a.tsv
	tail -n +3001 all.tsv >b.tsv
	"$NGC" --no-progress a.tsv >ra
	"$NGC" --no-progress b.tsv >rb
	"$NGC" merge ra rb >got
	cmp one got
	"$NGC" --no-progress --sort key a.tsv >sa
	"$NGC" --no-progress --sort key b.tsv >sb
	"$NGC" merge --sorted sa sb >got
	"$NGC" --no-progress --sort key "$TMP/v2" | cmp - got
	"$NGC" merge --top 5 --output-format ndjson ra rb >got
	test "$(wc -l <got)" -eq 5
	expect_status 1 "$NGC" merge --sorted sa ra 2>err >/dev/null
	grep -q "merge: ra:[0-9]*: not sorted by key" err
	expect_status 1 "$NGC" merge ra missing 2>err >/dev/null
	grep -q "merge: missing: No such file or directory" err
	# A total past 2^64-1 fails both merges, naming the file, line and ngram.
	printf 'big\t18446744073709551615\n' >max
	printf 'big\t1\n' >one
	for sorted in "" --sorted; do
		expect_status 1 "$NGC" merge $sorted max one 2>err >out
		grep -q "merge: one:1: the total of ngram 'big' passes 2^64-1" err
		test ! -s out
	done
	"$NGC" merge --sorted --min-count 1000 -o out.tsv sa sb
	awk -F'\t' '$2 < 1000' out.tsv | grep -q . && return 1
	test -s out.tsv
}
test_case "merge: result files summed, any order or sorted (k-way, streaming)" merge_results

subcommand_usage() {
	expect_status 2 "$NGC" map all.tsv 2>err
	grep -q "'ngramcount map' reads standard input, not 'all.tsv'" err
	expect_status 2 "$NGC" map -j 2 2>err </dev/null
	grep -q "does not apply to 'ngramcount map'" err
	expect_status 2 "$NGC" reduce --top 3 2>/dev/null </dev/null
	expect_status 2 "$NGC" merge --sorted --top 3 a 2>/dev/null
	expect_status 2 "$NGC" merge 2>/dev/null
	expect_status 2 "$NGC" --sorted all.tsv 2>/dev/null
	expect_status 2 "$NGC" --hadoop-counters all.tsv 2>/dev/null
	printf 'x\t2000\t1\n' | expect_status 1 "$NGC" map --strict 2>err >/dev/null
	grep -q "map: stdin:1: not four TAB-separated fields (--strict)" err
}
test_case "subcommands: their own options only; stdin for map and reduce" subcommand_usage

done_testing
