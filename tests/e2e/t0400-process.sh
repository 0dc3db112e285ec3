#!/bin/sh
# t0400 - proof of the shape: the map runs in worker processes, reads go
# through io_uring, and the progress bar shows on a terminal only.
. tests/e2e/lib.sh

"$GEN" --size 2M --seed 3 --out "$TMP/plain" >/dev/null

workers_do_the_map() {
	"$NGC" --no-progress -j 2 --partition-size 64K --stats=json plain >/dev/null 2>stats
	cat stats
	test "$(jstat stats workers)" -eq 2
	test "$(jstat stats partitions.workers.0)" -gt 0
	test "$(jstat stats partitions.workers.1)" -gt 0
	test "$(jstat stats partitions.parent)" -eq 0
	test "$(jstat stats reduce.keys)" -gt 0
	"$NGC" --no-progress -j 0 --partition-size 64K --stats=json plain >/dev/null 2>stats
	test "$(jstat stats partitions.parent)" -gt 0
	test "$(jstat stats reduce.keys)" -eq 0
	# The text says the same.
	"$NGC" --no-progress -j 2 --partition-size 64K --stats plain >/dev/null 2>stats
	grep -Eq "partitions       worker0=[1-9][0-9]* worker1=[1-9][0-9]* parent=0" stats
	"$NGC" --no-progress -j 0 --stats plain >/dev/null 2>stats
	grep -q "reduce           none: -j 0 maps into the final table" stats
}
test_case "--stats: partitions mapped by each worker, none by the parent" workers_do_the_map

stats_json() {
	"$NGC" --no-progress --stats=json plain >/dev/null 2>stats
	# One object on one line, whose counts are the oracle's and the files'.
	test "$(grep -c . stats)" -eq 1
	test "$(jstat stats run)" = complete
	test "$(jstat stats exit_status)" -eq 0
	test "$(jstat stats lines)" -eq "$(cat plain/* | wc -l)"
	test "$(jstat stats bytes_read)" -eq "$(cat plain/* | wc -c)"
	test "$(jstat stats distinct_ngrams)" -eq "$(oracle plain | wc -l)"
	test "$(jstat stats files)" -eq "$(ls plain | wc -l)"
	test "$(jstat stats formats.v2)" -gt 0
	test "$(jstat stats skipped)" = "[]"
	# v3 has a line an ngram: every key reaches the total once, by a result or a seam line.
	"$GEN" --format v3 --size 300K --seed 5 --out v3 >/dev/null
	"$NGC" --no-progress -j 2 --partition-size 16K --stats=json v3 >/dev/null 2>stats
	test "$(jstat stats reduce.seam_lines)" -gt 0
	test $(($(jstat stats reduce.keys) + $(jstat stats reduce.seam_lines))) -eq \
		"$(jstat stats distinct_ngrams)"
	test "$(jstat stats distinct_ngrams)" -eq "$(jstat stats lines)"
	expect_status 2 "$NGC" --stats=xml plain 2>err
	grep -q -- "--stats wants text or json, not 'xml'" err
}
test_case "--stats=json: one object, its counts the oracle's; --stats=xml refused" stats_json

worker_pids() {
	# strace shows the clone()s and the reads: each worker process reads
	# only its pipe, never an input file.
	command -v strace >/dev/null || skip "no strace"
	# LeakSanitizer cannot run under ptrace: leaks are checked everywhere else.
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		strace -f -e trace=clone,clone3,fork,vfork -o trace "$NGC" --no-progress -j 3 plain >/dev/null
	# Processes only: the parent's prefault thread is a clone too.
	test "$(grep -E '^[0-9]+ +(clone|clone3|fork|vfork)\(' trace | grep -vc CLONE_THREAD)" -eq 3
}
test_case "-j 3 forks three workers" worker_pids

reads_use_io_uring() {
	"$NGC" --no-progress --io uring --partition-size 64K --stats=json plain >/dev/null 2>stats
	if grep -q "io_uring unavailable" stats; then
		skip "the kernel refuses io_uring here"
	fi
	test "$(jstat stats io)" = io_uring
	test "$(jstat stats io_reads)" -gt 0 && test "$(jstat stats io_submits)" -gt 0
	"$NGC" --no-progress --io sync --stats plain >/dev/null 2>stats
	grep -q "io               sync$" stats
}
test_case "--stats: reads queued on the io_uring ring" reads_use_io_uring

uring_refused_falls_back() {
	# kernel.io_uring_disabled=2 makes io_uring_setup fail with EPERM, as a
	# seccomp filter or a hardened kernel would. Root only; restored after.
	knob=/proc/sys/kernel/io_uring_disabled
	if [ "$(id -u)" -ne 0 ] || [ ! -w $knob ]; then
		skip "needs root and $knob"
	fi
	old=$(cat $knob)
	echo 2 >$knob
	"$NGC" --no-progress --stats -j 2 plain >fallback.out 2>err || { echo "$old" >$knob; return 1; }
	echo "$old" >$knob
	cat err
	test "$(grep -c "warning: io_uring unavailable (Operation not permitted); read with pread instead" err)" -eq 1
	grep -q "io               sync$" err
	oracle plain | cmp - fallback.out
}
test_case "io_uring refused by the kernel: one warning, pread, same result" uring_refused_falls_back

progress_on_a_tty() {
	command -v script >/dev/null || skip "no script(1)"
	script -qec "$NGC -j 2 --partition-size 4K plain >/dev/null" /dev/null >tty.log
	grep -q "%" tty.log
	grep -q "MiB" tty.log
	grep -q "files" tty.log
	# It ends on a clean line: the last thing drawn erases it.
	tail -c 4 tty.log | od -c | grep -q '\\r 033   \[   K'
	script -qec "$NGC --no-progress -j 2 plain >/dev/null" /dev/null >tty2.log
	test "$(grep -c "%" tty2.log)" -eq 0
	# Never wider than the terminal, each line erasing what the last left;
	# after the reads, the phase (the output goes to a file, not the terminal).
	for cols in 40 120; do
		script -qec "stty cols $cols; $NGC -j 2 --partition-size 4K -o out.tsv plain" \
			/dev/null >tty.log
		python3 - "$cols" tty.log <<'PY'
import re, sys
cols, d = int(sys.argv[1]), open(sys.argv[2], 'rb').read()
lines = [re.sub(rb'\x1b\[K', b'', p) for p in re.split(rb'[\r\n]', d)]
drawn = [l for l in lines if l]
assert drawn, 'nothing drawn'
assert max(len(l) for l in drawn) < cols, max(drawn, key=len)
assert d.count(b'\x1b[K') >= len(drawn), 'a line drawn without erasing the rest'
assert any(b'sorting and writing' in l for l in drawn), 'no phase after the reads'
PY
	done
}
test_case "progress on a pseudo-terminal: within its width, erased as redrawn, phases; --no-progress hides it" progress_on_a_tty

no_progress_when_not_a_tty() {
	"$NGC" -j 2 plain >/dev/null 2>err
	test ! -s err
	"$NGC" --progress -j 2 plain >/dev/null 2>err
	grep -q "%" err
}
test_case "no progress bar when stderr is not a terminal, unless --progress" no_progress_when_not_a_tty

done_testing
