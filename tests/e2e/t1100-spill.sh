#!/bin/sh
# t1100 - past memory: with a tiny --memory the final table spills to
# sorted runs in --tmpdir and the output is byte for byte the in-memory
# run's, for every order, --top, --per-year and output format; the runs are
# removed on success, on failure and on SIGINT.
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
	"$NGC" --no-progress $SMALL --memory 2M --tmpdir tmp --stats "$@" "$TMP/plain" "$TMP/gz" \
		>spill.out 2>stats
	cmp mem.out spill.out
	n=$(sed -n 's/^  spilled  *\([0-9]*\) tables.*/\1/p' stats)
	test "$n" -ge 2
	test -z "$(ls -A tmp)"
}

orders() {
	spills
	spills --sort key
	spills --sort count --min-count 500
	spills -j 0
	spills --io sync -j 1
}
test_case "spilled runs merge to the in-memory bytes: count and key order, -j 0/1/2" orders

options() {
	spills --top 40
	spills --top 40 --sort key
	spills --per-year --years 1990-2000
	spills --ignore-case --pos drop --output-format json
	spills --output-format csv --min-count 10
	$ORACLE "$TMP/plain" "$TMP/gz" | cmp - spill.out && return 1	# csv differs from TSV
	"$NGC" --no-progress $SMALL --memory 2M --tmpdir tmp "$TMP/plain" "$TMP/gz" >got
	$ORACLE "$TMP/plain" "$TMP/gz" | cmp - got
}
test_case "spilling with --top, --per-year, filters and output formats; the oracle agrees" options

millions() {
	# Word trigrams of 12 MB of text: over a million distinct keys.
	"$GEN" --format text --size 12M --seed 43 --out text >/dev/null
	mkdir -p tmp
	"$NGC" --no-progress -n 3 --stats text >mem.out 2>stats.mem
	keys=$(sed -n 's/^  distinct ngrams  //p' stats.mem)
	test "$keys" -gt 1000000
	"$NGC" --no-progress -n 3 --memory 96M --tmpdir tmp --stats text >spill.out 2>stats
	grep -q "^  distinct ngrams  $keys$" stats
	test "$(sed -n 's/^  spilled  *\([0-9]*\) tables.*/\1/p' stats)" -ge 2
	cmp mem.out spill.out
	$ORACLE -n 3 text | cmp - spill.out
	test -z "$(ls -A tmp)"
}
test_case "over a million distinct keys through a 96M budget: the oracle's bytes" millions

cleanup() {
	mkdir -p tmp
	expect_status 1 "$NGC" --no-progress $SMALL --memory 2M --tmpdir tmp "$TMP/plain" missing \
		>/dev/null 2>err
	test -z "$(ls -A tmp)"
	expect_status 1 "$NGC" --no-progress $SMALL --memory 2M --tmpdir nodir "$TMP/plain" \
		>/dev/null 2>err
	grep -q "spilling to nodir: No such file or directory" err
	expect_status 2 "$NGC" --memory 1M "$TMP/plain" 2>err
	grep -q "does not even hold the read buffers" err
	# SIGINT once runs exist: they go with the run.
	"$NGC" --no-progress -j 2 --buffer-memory 1M --partition-size 16 --memory 200K \
		--tmpdir tmp -o out.tsv "$TMP/plain" 2>err &
	pid=$!
	n=0
	until ls tmp/*/run-0 >/dev/null 2>&1; do
		n=$((n + 1))
		[ $n -lt 400 ] || { kill -9 $pid; echo "never spilled"; return 1; }
		sleep 0.05
	done
	kill -INT $pid
	set +e
	wait $pid
	got=$?
	set -e
	test "$got" -eq 130
	test -z "$(ls -A tmp)"
	test ! -e out.tsv
}
test_case "spilled runs removed on failure and on SIGINT; a budget below the buffers is refused" cleanup

done_testing
