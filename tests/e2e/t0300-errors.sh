#!/bin/sh
# t0300 - bad input and bad command lines: clear messages that name the
# file, documented exit statuses, and never a partial output file.
. tests/e2e/lib.sh

missing_file() {
	printf 'a\t2000\t1\t1\n' >good
	expect_status 1 "$NGC" --no-progress -o out.tsv good nosuchfile 2>err
	grep -q "nosuchfile: No such file or directory" err
	test ! -e out.tsv
	test "$(ls -a | grep -c ngramcount-)" -eq 0
}
test_case "a missing file: message names it, exit 1, no output file" missing_file

unreadable_file() {
	printf 'a\t2000\t1\t1\n' >secret
	chmod 000 secret
	as_user=""
	if [ "$(id -u)" -eq 0 ]; then
		# Root reads any file: run as nobody, in a folder nobody may write.
		command -v setpriv >/dev/null || skip "root, and no setpriv"
		chmod 755 "$TMP"
		mkdir -p pub
		chmod 777 pub
		as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	fi
	# shellcheck disable=SC2086
	expect_status 1 $as_user "$NGC" --no-progress -o pub/out.tsv secret 2>err
	cat err
	grep -q "secret: Permission denied" err
	test ! -e pub/out.tsv
	printf 'b\t2000\t1\t1\n' >open
	# shellcheck disable=SC2086
	expect_status 3 $as_user "$NGC" --no-progress --keep-going secret open >out 2>err
	grep -q "skipped secret: Permission denied" err
	printf 'b\t1\n' | cmp - out
}
test_case "an unreadable file: message names it, exit 1" unreadable_file

malformed_lines_warn() {
	python3 - <<'PY'
lines = []
for i in range(1, 5001):
    lines.append("w%d\t2000\t%d\t1" % (i % 50, i))
lines[1234] = "only\ttwo"            # line 1235
lines[3000] = "neg\t2000\t-5\t1"     # line 3001
open("bad", "w").write("\n".join(lines) + "\n")
PY
	for j in 0 2; do
		for ps in 100 4K 1M; do
			"$NGC" --no-progress -j $j --partition-size $ps --stats bad >out 2>err
			grep -q "warning: 2 malformed lines skipped; first at bad:1235: not four TAB-separated fields" err
			grep -q "malformed lines  2" err
		done
	done
	oracle bad | cmp - out
}
test_case "malformed lines: skipped, counted, first file:line named" malformed_lines_warn

malformed_fixture() {
	bad=$DATA/bad
	for j in 0 2; do
		for ps in 16 1M; do
			expect_same -j $j --partition-size $ps -- "$bad/malformed.tsv" "$bad/plain-named.gz" "$bad/gzip-named.tsv"
		done
	done
	"$NGC" --no-progress --stats "$bad/malformed.tsv" 2>err >/dev/null
	grep -q "malformed lines  9" err
	grep -q "first at $bad/malformed.tsv:2: not four TAB-separated fields" err
	grep -q "^good	18446744073709551615$" ngc.out
	grep -q "^crlf	7$" ngc.out
	grep -q "^c	5$" ngc.out
}
test_case "tests/data/bad: every malformed kind, and names that lie about gzip" malformed_fixture

odd_lines() {
	# Years 0 and 5 digits, a NUL byte, invalid UTF-8 (kept byte-exact),
	# a count of exactly 2^64-1: only the last two count.
	printf 'a\t0\t5\t1\na\t20000\t5\t1\nn\000ul\t2000\t5\t1\n\377\376\t2000\t7\t1\nm\t2000\t18446744073709551615\t1\n' >odd
	for j in 0 2; do
		expect_same -j $j -- odd
		"$NGC" --no-progress -j $j odd 2>err >/dev/null
		grep -q "warning: 3 malformed lines skipped; first at odd:1: year out of range 1-9999" err
	done
	printf 'm\t18446744073709551615\n\377\376\t7\n' | cmp - ngc.out
}
test_case "year out of range, NUL bytes: malformed; invalid UTF-8 kept byte-exact" odd_lines

malformed_in_gzip() {
	printf 'a\t2000\t1\t1\na\t2001\tx\t1\nb\t2000\t1\t1\n' | gzip -c >bad.gz
	printf 'a\t2000\t1\t1\n' >good
	"$NGC" --no-progress -j 2 good bad.gz >out 2>err
	grep -q "first at bad.gz:2: count is not a whole number" err
}
test_case "malformed line in a gzip file: named by line" malformed_in_gzip

strict() {
	printf 'a\t2000\t1\t1\nbroken\n' >bad
	expect_status 1 "$NGC" --no-progress --strict -o out.tsv bad 2>err
	grep -q "1 malformed line (--strict); first at bad:2" err
	test ! -e out.tsv
}
test_case "--strict: a malformed line is an error, no output" strict

overflow() {
	printf 'big\t2000\t18446744073709551615\t1\nbig\t2001\t1\t1\n' >of
	expect_status 1 "$NGC" --no-progress -j 0 of 2>err
	grep -q "ngram 'big' passes 2^64-1" err
	# Across partitions, the overflow happens in the reduce.
	printf 'big\t2000\t18446744073709551615\t1\nbig\t2001\t1\t1\n' >of2
	expect_status 1 "$NGC" --no-progress -j 2 --partition-size 16 of2 2>err
	grep -q "ngram 'big' passes 2^64-1" err
	printf 'big\t2000\t18446744073709551616\t1\n' >range
	"$NGC" --no-progress range 2>err >/dev/null
	grep -q "count does not fit in 64 bits" err
}
test_case "a total past 2^64-1 is an error naming the ngram" overflow

# ok.gz and broken copies of it: truncated, corrupt (deflate data and CRC),
# trailing garbage; size is ok.gz's length.
make_bad_gzips() {
	seq 1 20000 | sed 's/^/k/; s/$/\t2000\t1\t1/' | gzip -c >ok.gz
	size=$(wc -c <ok.gz)
	head -c $((size - 10)) ok.gz >trunc.gz
	cp ok.gz corrupt.gz
	printf 'XXXXXXXX' | dd of=corrupt.gz bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
	cp ok.gz badcrc.gz
	printf 'X' | dd of=badcrc.gz bs=1 seek=$((size - 6)) conv=notrunc 2>/dev/null
	cp ok.gz trailing.gz
	printf 'garbage' >>trailing.gz
}

bad_gzip() {
	make_bad_gzips
	for inf in $BACKENDS; do
		for j in 0 2; do
			expect_status 1 "$NGC" --no-progress --inflate $inf -j $j -o out.tsv trunc.gz 2>err
			grep -q "trunc.gz: truncated gzip stream" err
			test ! -e out.tsv
			expect_status 1 "$NGC" --no-progress --inflate $inf -j $j corrupt.gz 2>err
			grep -q "corrupt.gz: corrupt gzip data near byte [0-9]" err
			expect_status 1 "$NGC" --no-progress --inflate $inf -j $j badcrc.gz 2>err
			grep -q "badcrc.gz: corrupt gzip data near byte [0-9]" err
			expect_status 1 "$NGC" --no-progress --inflate $inf -j $j trailing.gz 2>err
			grep -q "trailing.gz: trailing garbage after gzip data at byte $size" err
		done
	done
}
test_case "truncated, corrupt, bad-CRC, trailing-garbage gzip: file and offset named, each backend" bad_gzip

keep_going() {
	make_bad_gzips
	printf 'a\t2000\t5\t1\nb\t2000\t1\t1\n' >plain
	oracle ok.gz plain >want
	for inf in $BACKENDS; do
		for j in 0 2; do
			rm -f out.tsv
			expect_status 3 "$NGC" --no-progress --keep-going --stats --inflate $inf -j $j \
				-o out.tsv trunc.gz ok.gz missing corrupt.gz plain 2>err
			cmp want out.tsv
			grep -q "ngramcount: skipped trunc.gz: truncated gzip stream" err
			grep -q "ngramcount: skipped missing: No such file or directory" err
			grep -q "ngramcount: skipped corrupt.gz: corrupt gzip data near byte" err
			grep -q "skipped files    3" err
		done
	done
	# A skipped task still takes its turn in submission order.
	expect_status 3 "$NGC" --no-progress --keep-going --order submission -j 2 \
		trunc.gz ok.gz corrupt.gz plain >out 2>/dev/null
	cmp want out
	# Nothing to skip: exit 0.
	"$NGC" --no-progress --keep-going ok.gz plain | cmp want -
	# A gzip stream that kills two workers is skipped too.
	NGRAMCOUNT_FAULT=crash:1 "$NGC" --no-progress --keep-going -j 1 ok.gz >out 2>err && return 1
	grep -q "skipped ok.gz: failed twice" err
}
test_case "--keep-going: bad inputs skipped and named, the rest counted, exit 3" keep_going

file_shrinks() {
	# The file is listed (its size taken), then cut while the run waits to
	# open the FIFO named after it: its reads come up short.
	"$GEN" --size 2M --seed 9 --out shrink >/dev/null
	cat shrink/* >victim
	rm -f hold
	mkfifo hold
	"$NGC" --no-progress -o shrunk.tsv victim hold 2>err &
	pid=$!
	n=0
	until [ "$(cat /proc/$pid/wchan 2>/dev/null)" = wait_for_partner ]; do
		n=$((n + 1))
		[ $n -lt 400 ] || { kill -9 $pid; echo "never listed"; return 1; }
		sleep 0.05
	done
	truncate -s 1000 victim
	: >hold
	set +e
	wait $pid
	got=$?
	set -e
	cat err
	[ "$got" -eq 1 ]
	grep -q "victim: the file shrank while it was read" err
	test ! -e shrunk.tsv
}
test_case "a file that shrinks while it is read is an error naming it" file_shrinks

too_many_open_files() {
	# Out of descriptors while opening an input: an error naming it, not a
	# hang (timeout: a hang detector, far above the run's time).
	mkdir -p fds
	i=0
	while [ $i -lt 40 ]; do
		printf 'a\t2000\t1\t1\n' >fds/f$i
		i=$((i + 1))
	done
	set +e
	(ulimit -n 14 && exec timeout 60 "$NGC" --no-progress -j 2 fds) >out 2>err
	got=$?
	set -e
	cat err
	[ "$got" -eq 1 ]
	grep -q "fds/f[0-9]*: Too many open files" err
	# Inputs are opened as they are read, a few at once: many files need few.
	(ulimit -n 40 && exec "$NGC" --no-progress -j 2 fds) >out
	printf 'a\t40\n' | cmp - out
}
test_case "out of file descriptors: the input named, exit 1; many inputs need few" too_many_open_files

line_past_memory() {
	# A line is held whole: one past a quarter of --memory is an error
	# naming the file (and the line, or the byte it passed), not gigabytes.
	{ printf 'a\t2000\t1\t1\n'; head -c 3000000 /dev/zero | tr '\0' x
	  printf '\t2000\t1\t1\nb\t2000\t2\t1\n'; } >long.tsv
	gzip -c long.tsv >long.gz
	small="--memory 4M --buffer-memory 1M --partition-size 64K"
	for j in 0 2; do
		# shellcheck disable=SC2086
		expect_status 1 "$NGC" --no-progress -j $j $small -o long.out long.tsv 2>err
		grep -q "long.tsv: a line before byte [0-9]* is longer than 1048576 bytes, a quarter of --memory" err
		# shellcheck disable=SC2086
		expect_status 1 "$NGC" --no-progress -j $j $small -o long.out long.gz 2>err
		grep -q "long.gz: line 2 is longer than 1048576 bytes, a quarter of --memory" err
		test ! -e long.out
	done
	# shellcheck disable=SC2086
	expect_status 3 "$NGC" --no-progress --keep-going $small long.gz 2>err >/dev/null
	grep -q "skipped long.gz: line 2 is longer" err
	# With room for it, the line is read (and, shaped so, counted).
	expect_same --memory 16M -- long.tsv long.gz
}
test_case "a line longer than a quarter of --memory is an error naming file and line" line_past_memory

output_atomic() {
	printf 'a\t2000\t1\t1\n' >good
	echo "precious" >out.tsv
	expect_status 1 "$NGC" --no-progress -o out.tsv good missing 2>/dev/null
	grep -q precious out.tsv
	"$NGC" --no-progress -o out.tsv good
	printf 'a\t1\n' | cmp - out.tsv
	test "$(ls -a | grep -c ngramcount-)" -eq 0
	expect_status 1 "$NGC" --no-progress -o nodir/out.tsv good 2>err
	grep -q "nodir/out.tsv" err
}
test_case "-o writes atomically; a failed run leaves an existing file alone" output_atomic

output_not_regular() {
	printf 'a\t2000\t1\t1\nb\t2000\t2\t1\n' >good
	printf 'b\t2\na\t1\n' >want
	# A FIFO (as /dev/null would be) is written through, and stays a FIFO.
	mkfifo fifo
	cat fifo >got &
	"$NGC" --no-progress -o fifo good
	test -p fifo || { kill $!; return 1; }	# renamed over: cat waits for ever
	wait $!
	cmp want got
	# A symbolic link stays a link: its target is replaced whole, by a
	# temporary made beside it; a failed run leaves the target as it was.
	mkdir -p elsewhere
	echo old >elsewhere/target
	ln -s elsewhere/target link
	echo old >trace.json
	ln -s trace.json tlink
	"$NGC" --no-progress -o link --trace tlink good
	test -L link && test -L tlink
	cmp want elsewhere/target
	grep -q traceEvents trace.json
	echo old >elsewhere/target
	printf 'x\t1\t1\n' >bad.tsv
	expect_status 1 "$NGC" --no-progress --strict -o link bad.tsv 2>/dev/null
	echo old | cmp - elsewhere/target
	test "$(ls -a . elsewhere | grep -c ngramcount-)" -eq 0
	# A dangling link is written through, as the shell's > would.
	ln -s made dangling
	"$NGC" --no-progress -o dangling good
	test -L dangling
	cmp want made
}
test_case "-o to a FIFO, a symbolic link or a dangling one: the link stays, its file whole" output_not_regular

usage_errors() {
	expect_status 2 "$NGC" 2>err
	grep -q "no input files" err
	expect_status 2 "$NGC" --bogus x 2>err
	grep -q "unknown option '--bogus'" err
	! grep -q "did you mean" err
	expect_status 2 "$NGC" --ignorecase x 2>err
	grep -q "unknown option '--ignorecase'; did you mean '--ignore-case'?" err
	expect_status 2 "$NGC" -j many x 2>/dev/null
	expect_status 2 "$NGC" - x - </dev/null 2>err
	grep -q "'-' (standard input) is named twice" err
	expect_status 2 "$NGC" --io fast x 2>/dev/null
	expect_status 2 "$NGC" --queue-depth 0 x 2>/dev/null
	expect_status 2 "$NGC" --partition-size 1 x 2>/dev/null
	expect_status 2 "$NGC" -o 2>/dev/null
	"$NGC" --help | grep -q "^usage: ngramcount"
	"$NGC" --version | grep -q "^ngramcount "
}
test_case "bad command lines exit 2; --help and --version exit 0" usage_errors

not_regular() {
	expect_status 1 "$NGC" --no-progress /dev/zero 2>err
	grep -q "/dev/zero: not a regular file" err
}
test_case "a device is refused by name" not_regular

done_testing
