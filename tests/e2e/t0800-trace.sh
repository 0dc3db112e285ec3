#!/bin/sh
# t0800 - --trace writes a Chrome trace whose spans agree with the inputs
# (tests/trace_check.py counts bytes and lines from the files themselves);
# --direct (O_DIRECT) reads count the same as the page cache's.
. tests/e2e/lib.sh

"$GEN" --size 3M --seed 8 --out "$TMP/plain" >/dev/null
"$GEN" --size 3M --seed 9 --gzip --out "$TMP/gz" >/dev/null
CHECK="python3 $top/tests/trace_check.py"

trace_j2() {
	"$NGC" --no-progress -j 2 --partition-size 64K --trace t.json plain gz >out
	oracle plain gz | cmp - out
	$CHECK t.json plain gz
	grep -q '"name":"worker 1"' t.json
}
test_case "--trace -j 2: reads cover every byte, tasks hold every line, spans nest" trace_j2

trace_sync_j0() {
	"$NGC" --no-progress -j 0 --io sync --partition-size 64K --trace t.json plain gz >/dev/null
	$CHECK t.json plain gz
	grep -q '"name":"parent: map (-j 0)"' t.json
	grep -q '"name":"reads: pread"' t.json
}
test_case "--trace -j 0 --io sync: the parent's track and the pread reader" trace_sync_j0

trace_submission() {
	"$NGC" --no-progress -j 2 --order submission --partition-size 16K --trace t.json plain gz >out
	oracle plain gz | cmp - out
	$CHECK -s t.json plain gz
}
test_case "--trace --order submission: merges in task order" trace_submission

trace_not_left_on_failure() {
	expect_status 1 "$NGC" --no-progress --trace failed.json plain missing >/dev/null 2>err
	test ! -e failed.json
	test -z "$(ls -A . | grep ngramcount- || true)"
	expect_status 1 "$NGC" --no-progress --trace nodir/t.json plain >/dev/null 2>err
	grep -q "^ngramcount: --trace nodir/t.json: No such file or directory" err
	expect_status 2 "$NGC" --trace 2>/dev/null
}
test_case "--trace: no trace file from a failed run; unwritable path is exit 1" trace_not_left_on_failure

trace_odd_names() {
	# A file name that is not UTF-8 and has a quote and a tab: still valid JSON.
	name=$(printf 'we"ird\t\377name')
	cp plain/googlebooks-eng-all-1gram-20120701-a "$name"
	"$NGC" --no-progress -j 1 --trace t.json "$name" >/dev/null
	$CHECK t.json "$name"
}
test_case "--trace: file names with quotes, tabs and invalid UTF-8 stay valid JSON" trace_odd_names

direct_reads() {
	for io in uring sync; do
		for j in 0 2; do
			"$NGC" --no-progress --direct --io $io -j $j --partition-size 4K plain gz >out 2>err ||
				{ grep -q "cannot read with O_DIRECT" err && skip "no O_DIRECT here"; }
			oracle plain gz | cmp - out
		done
	done
	expect_status 2 "$NGC" --direct --partition-size 6000 plain 2>err
	grep -q "multiple of 4K" err
}
test_case "--direct: O_DIRECT reads give the oracle's counts; block-sized partitions only" direct_reads

done_testing
