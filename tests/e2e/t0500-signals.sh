#!/bin/sh
# t0500 - SIGINT and SIGTERM: the workers are stopped and reaped, no output
# file or temporary file is left, and the exit status is 128 + signal.
. tests/e2e/lib.sh

"$GEN" --size 3M --seed 4 --out "$TMP/sigdata" >/dev/null

# start_run PARTITION_SIZE DATA [OPTION...]: start a run to out.tsv in the
# background, made slow by tiny partitions; set pid; wait (bounded, 20 s)
# until its progress bar shows it has started.
start_run() {
	ps=$1 in=$2
	shift 2
	"$NGC" --progress -j 2 --partition-size "$ps" "$@" -o out.tsv "$in" 2>err &
	pid=$!
	n=0
	until grep -q '%' err 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 400 ] || { kill -9 $pid; echo "never started"; return 1; }
		sleep 0.05
	done
}

# interrupt SIGNAL STATUS: signal a slow run as soon as it has started.
# stop_run SIG STATUS: the run start_run began, sent SIG, exits with STATUS.
stop_run() {
	kill -$1 $pid
	set +e
	wait $pid
	got=$?
	set -e
	[ "$got" -eq "$2" ] || { echo "exit $got, expected $2"; return 1; }
}

interrupt() {
	start_run 16 "$TMP/sigdata" || return 1
	stop_run $1 $2 || return 1
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

sighup_sigquit() {
	interrupt HUP 129
	interrupt QUIT 131
}
test_case "SIGHUP and SIGQUIT: as SIGTERM, exit 129 and 131" sighup_sigquit

stats_say_interrupted() {
	start_run 16 "$TMP/sigdata" --stats || return 1
	stop_run INT 130
	grep -q "run              interrupted by signal 2: what follows is what was done until then" err
	start_run 16 "$TMP/sigdata" --stats=json || return 1
	stop_run INT 130
	test "$(jstat err run)" = interrupted && test "$(jstat err signal)" -eq 2
	# A whole run says nothing of the kind, and its rates are in binary units.
	"$NGC" --no-progress --stats -j 2 "$TMP/sigdata" 2>err >/dev/null
	! grep -q "  run  " err
	grep -q "throughput       .* MiB/s read" err
}
test_case "--stats (text and JSON) after SIGINT says the run was interrupted" stats_say_interrupted

worker_killed() {
	# A worker killed from outside is replaced (its task, if it had one, run
	# again). A FIFO this test holds open keeps the run going until then.
	cp -r "$TMP/sigdata" "$TMP/killdata"
	rm -f out.tsv
	mkfifo hold
	exec 3<>hold
	"$NGC" --no-progress -j 2 --partition-size 4K -o out.tsv "$TMP/killdata" hold 2>err 3>&- &
	pid=$!
	n=0
	until [ "$(pgrep -P $pid | wc -l)" -eq 2 ]; do
		n=$((n + 1))
		[ $n -lt 400 ] || { kill -9 $pid; echo "no workers"; return 1; }
		sleep 0.05
	done
	victim=$(pgrep -P $pid | head -1)
	kill -9 "$victim"
	printf 'held\t2000\t5\t1\n' | tee held >&3
	exec 3>&-
	wait $pid || { echo "exit $?"; cat err; return 1; }
	cat err
	# Replaced when the run next needs it, or, if it never does, said at the end.
	grep -Eq "warning: (1 worker replaced and its task run again; first: )?worker [0-9] \(pid $victim\) killed by signal 9" err
	oracle "$TMP/killdata" held | cmp - out.tsv
	test -z "$(pgrep -f "$TMP/killdata")"
}
test_case "a worker killed from outside: replaced, task rerun, exact result" worker_killed

crash_hook() {
	oracle "$TMP/sigdata" >want
	gzip -c "$TMP/sigdata/googlebooks-eng-all-1gram-20120701-s" >s.gz
	oracle "$TMP/sigdata" s.gz >want2
	for n in 2 3 7; do
		NGRAMCOUNT_FAULT=crash:$n "$NGC" --no-progress -j 2 --partition-size 32K "$TMP/sigdata" >out 2>err
		cmp want out
		grep -q "workers\{0,1\} replaced" err
		NGRAMCOUNT_FAULT=crash:$n "$NGC" --no-progress -j 3 --partition-size 32K "$TMP/sigdata" s.gz >out 2>err
		cmp want2 out
	done
	# A gzip stream whose worker dies at its first chunk starts over.
	NGRAMCOUNT_FAULT=crash:1 "$NGC" --no-progress -j 1 s.gz >/dev/null 2>err && return 1
	grep -q "s.gz: failed twice; the last time worker 0 (pid [0-9]*) killed by signal 9" err
	# A gzip stream on stdin cannot be read again: its worker's death is final.
	NGRAMCOUNT_FAULT=crash:1 "$NGC" --no-progress -j 1 - <s.gz >/dev/null 2>err && return 1
	grep -q "^ngramcount: -: is a stream, which is read only once, and worker 0" err
	rm -f out.tsv
	NGRAMCOUNT_FAULT=crash:1 "$NGC" --no-progress -j 2 -o out.tsv --partition-size 32K "$TMP/sigdata" 2>err && return 1
	grep -q "the partition at byte [0-9]* failed twice" err
	test ! -e out.tsv
}
test_case "NGRAMCOUNT_FAULT=crash:N: each task rerun once, exact; twice fails by name" crash_hook

task_timeout() {
	head -c 100000 "$TMP/sigdata/googlebooks-eng-all-1gram-20120701-s" | sed '$d' >small
	oracle small >want
	# Each worker hangs in its second task: one timeout for each of the
	# three partitions after the first, each rerun by a fresh worker.
	NGRAMCOUNT_FAULT=hang:2 "$NGC" --no-progress -j 1 --partition-size 40K --task-timeout 1 small >out 2>err
	cat err
	cmp want out
	grep -q "did not answer for 1 s (--task-timeout)" err
	NGRAMCOUNT_FAULT=hang:1 "$NGC" --no-progress -j 1 --task-timeout 1 small >/dev/null 2>err && return 1
	grep -q "failed twice; the last time worker 0 (pid [0-9]*) did not answer for 1 s" err
	expect_status 2 "$NGC" --task-timeout 0 small 2>/dev/null
	# A worker waiting for a slow stream owes nothing and is not timed out:
	# the writer pauses 2 s (a slow producer, not a wait for the test).
	gzip -c small >small.gz
	rm -f fifo
	mkfifo fifo
	{ head -c 5000 small.gz; sleep 2; tail -c +5001 small.gz; } >fifo &
	"$NGC" --no-progress -j 1 --partition-size 4K --task-timeout 1 fifo >out 2>err
	wait
	cmp want out
	test ! -s err
}
test_case "--task-timeout: a hung worker is killed and its task rerun" task_timeout

parent_killed() {
	start_run 16 "$TMP/sigdata" || return 1
	kill -9 $pid
	wait $pid || true
	# PR_SET_PDEATHSIG: the kernel kills the workers; wait (bounded) for it.
	n=0
	while [ -n "$(pgrep -f "$TMP/sigdata")" ]; do
		n=$((n + 1))
		[ $n -lt 100 ] || { echo "workers outlived their parent"; return 1; }
		sleep 0.05
	done
}
test_case "parent killed with SIGKILL: its workers exit too" parent_killed

done_testing
