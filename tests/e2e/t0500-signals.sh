#!/bin/sh
# t0500 - SIGINT and SIGTERM: the workers are stopped and reaped, no output
# file or temporary file is left, and the exit status is 128 + signal.
. tests/e2e/lib.sh

"$GEN" --size 3M --seed 4 --out "$TMP/sigdata" >/dev/null

# interrupt SIGNAL STATUS: start a run made slow by tiny partitions, wait
# (bounded) until its progress bar shows it is mapping, then signal it.
interrupt() {
	"$NGC" --progress -j 2 --partition-size 16 -o out.tsv "$TMP/sigdata" 2>err &
	pid=$!
	n=0
	until grep -q '%' err 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 400 ] || { kill -9 $pid; echo "never started"; return 1; }
		sleep 0.05
	done
	kill -$1 $pid
	set +e
	wait $pid
	got=$?
	set -e
	[ "$got" -eq "$2" ] || { echo "exit $got, expected $2"; return 1; }
	test ! -e out.tsv
	test "$(ls -a | grep -c ngramcount-)" -eq 0
	# Every worker is gone (they carry the parent's argv, data path included).
	test -z "$(pgrep -f "$TMP/sigdata")"
	# A quiet stop: no "worker died" or other error message.
	if grep -q "ngramcount:" err; then cat err; return 1; fi
}

sigint() {
	interrupt INT 130
}
test_case "SIGINT: workers reaped, no output file, exit 130" sigint

sigterm() {
	interrupt TERM 143
}
test_case "SIGTERM: workers reaped, no output file, exit 143" sigterm

worker_killed() {
	# Until workers are restarted (issue 5), a dead worker fails the run
	# clearly: never a silently partial count.
	"$NGC" --progress -j 2 --partition-size 16 -o out.tsv "$TMP/sigdata" 2>err &
	pid=$!
	n=0
	until grep -q '%' err 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 400 ] || { kill -9 $pid; echo "never started"; return 1; }
		sleep 0.05
	done
	victim=$(pgrep -P $pid | head -1)
	kill -9 "$victim"
	set +e
	wait $pid
	got=$?
	set -e
	cat err
	[ "$got" -eq 1 ]
	grep -q "ngramcount: worker [0-9] (pid $victim) killed by signal 9" err
	test ! -e out.tsv
	test -z "$(pgrep -f "$TMP/sigdata")"
}
test_case "a worker killed mid-run: the run fails naming it, no output" worker_killed

done_testing
