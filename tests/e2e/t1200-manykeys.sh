#!/bin/sh
# t1200 - many distinct keys (ngramgen --keys: 2-gram-like keys that rarely
# repeat, in random order), the shape issue 27 is about: every engine shape,
# order and budget against the oracle.
. tests/e2e/lib.sh

# Four files of 15000 lines: a gzip file's task, and a task of 1 MiB, find
# nearly every key new, so its table gives up pre-aggregating (table.h);
# one of 64 KiB (2000 lines) decides too early to.
"$GEN" --keys 30000 --seed 21 --files 4 --out "$TMP/many" >/dev/null
"$GEN" --keys 30000 --seed 21 --files 4 --gzip --out "$TMP/manygz" >/dev/null

generator_shape() {
	test "$(cat "$TMP"/many/* | wc -l)" -eq 60000
	test "$(cut -f1 "$TMP"/many/* | sort -u | wc -l)" -eq 30000
	# The same lines plain and gzipped.
	for f in "$TMP"/many/*; do
		gzip -dc "$TMP/manygz/$(basename "$f").gz" | cmp - "$f"
	done
}
test_case "ngramgen --keys: distinct 2-gram keys, two lines each, plain and gzip alike" generator_shape

engine_shapes() {
	oracle "$TMP/many" >want
	# Results of 1 MiB partitions: the final table's two parts take them on
	# two threads, keys sent as read (repeats and all) by tables that gave up.
	for in in many manygz; do
		"$NGC" --no-progress -j 2 --stats=json "$TMP/$in" >got 2>stats
		cmp want got
		test "$(jstat stats reduce.keys_on_two_threads)" -gt 0
		test "$(jstat stats reduce.unaggregated_tasks)" -gt 0
	done
	"$NGC" --no-progress -j 2 --partition-size 64K --stats=json "$TMP/many" >got 2>stats
	test "$(jstat stats reduce.unaggregated_tasks)" -eq 0
	for j in 0 1 2 4; do
		"$NGC" --no-progress -j $j --partition-size 64K "$TMP/many" >got
		cmp want got
		"$NGC" --no-progress -j $j "$TMP/manygz" >got
		cmp want got
	done
}
test_case "-j 0/1/2/4, plain and gzip, results added on two threads: the oracle's totals" engine_shapes

orders_and_options() {
	for o in "--sort key" "--sort count" "--top 25" "--per-year" "--per-year --top 7" \
		 "--min-count 1500"; do
		# shellcheck disable=SC2086
		oracle $o "$TMP/many" >want
		# shellcheck disable=SC2086
		"$NGC" --no-progress -j 2 $o "$TMP/many" >got
		cmp want got
	done
	oracle "$TMP/many" | sort >want
	"$NGC" --no-progress -j 2 --sort none "$TMP/many" | sort >got
	cmp want got
}
test_case "every --sort, --top, --per-year, --min-count" orders_and_options

spilled_and_killed() {
	oracle "$TMP/many" >want
	mkdir -p tmp
	# Tasks of 64 KiB pre-aggregate; of 256 KiB append (repeats and all);
	# gzip files spill in their tasks, appending past 4M.
	for run in "1M 64K 1300K many 0" "1280K 256K 2M many 1" "1M 64K 1300K manygz 0" \
		   "1M 64K 4M manygz 1"; do
		set -- $run
		"$NGC" --no-progress -j 2 --buffer-memory $1 --partition-size $2 --memory $3 \
			--tmpdir tmp --stats=json "$TMP/$4" >got 2>stats
		test "$(jstat stats spilled.tables)" -gt 0
		[ $4 = many ] || test "$(jstat stats spilled.by_gzip_tasks)" -gt 0
		[ $5 = 0 ] || test "$(jstat stats reduce.unaggregated_tasks)" -gt 0
		cmp want got
	done
	# A worker killed in its third task: replaced, the task run again.
	NGRAMCOUNT_FAULT=crash:3 "$NGC" --no-progress -j 2 --partition-size 64K "$TMP/many" >got 2>err
	grep -q "replaced and" err
	cmp want got
	# Each worker killed in its second task, while results go on two threads.
	NGRAMCOUNT_FAULT=crash:2 "$NGC" --no-progress -j 2 --partition-size 256K --stats=json \
		"$TMP/many" >got 2>err
	grep -q "replaced and" err
	test "$(jstat err reduce.keys_on_two_threads)" -gt 0
	test "$(jstat err reduce.unaggregated_tasks)" -gt 0
	cmp want got
	test -z "$(ls -A tmp)"
}
test_case "past --memory (spilled, plain and gzip) and with a worker killed: the same totals" spilled_and_killed

done_testing
