#!/bin/sh
# t0200 - real sample lines and awkward inputs: no final newline, empty
# files, lines longer than a chunk, CRLF, names that lie about gzip.
. tests/e2e/lib.sh

real_samples() {
	expect_same -j 2 -- "$DATA/v2"
	expect_same -j 0 --partition-size 777 -- "$DATA/v2"
	expect_same -j 4 --partition-size 16 --io sync -- "$DATA/v2"
	gzip -c "$DATA/v2/lirenh-eng-all-1gram-20120701-x-head10k.tsv" >x.gz
	expect_same -j 2 -- x.gz "$DATA/v2/lirenh-eng-all-1gram-20120701-a-head10k.tsv"
}
test_case "real 2012 sample lines (tests/data/v2)" real_samples

no_final_newline() {
	printf 'a\t2000\t1\t1\nb\t2000\t2\t1\na\t2001\t40\t1' >nofinal
	expect_same -j 2 -- nofinal
	expect_same -j 0 --partition-size 16 -- nofinal
	grep -q "^a	41$" ngc.out
	gzip -c nofinal >nofinal.gz
	expect_same -j 2 -- nofinal.gz
}
test_case "a last line without newline counts" no_final_newline

empty_files() {
	: >empty
	printf '' | gzip -c >empty.gz
	printf 'a\t2000\t5\t1\n' >one
	expect_same -j 2 -- empty one empty.gz
	"$NGC" --no-progress empty >out
	test ! -s out
}
test_case "empty files, plain and gzip" empty_files

long_lines() {
	key=$(head -c 300000 /dev/zero | tr '\0' 'k')
	{
		printf 'a\t2000\t1\t1\n'
		printf '%s\t2000\t3\t1\n' "$key"
		printf 'b\t2000\t1\t1\n'
		printf '%s\t2001\t4\t1\n' "$key"
	} >long
	for ps in 16 1000 64K 1M; do
		expect_same -j 2 --partition-size $ps -- long
	done
	expect_same -j 0 --partition-size 100 -- long
	gzip -c long >long.gz
	expect_same -j 2 --partition-size 100 -- long.gz
	grep -q "	7$" ngc.out
}
test_case "a line longer than a read chunk is counted whole" long_lines

crlf() {
	printf 'a\t2000\t1\t1\r\na\t2001\t2\t1\r\nb\t2000\t5\t1\r\n' >crlf
	expect_same -j 2 -- crlf
	printf 'b\t5\na\t3\n' | cmp - ngc.out
}
test_case "CRLF line ends count as LF" crlf

names_lie() {
	cp "$DATA/v2/lirenh-eng-all-1gram-20120701-q-head10k.tsv" plain.gz
	gzip -c "$DATA/v2/lirenh-eng-all-1gram-20120701-z-head10k.tsv" >packed.tsv
	expect_same -j 2 -- plain.gz packed.tsv
	"$NGC" --no-progress --stats plain.gz packed.tsv 2>stats >/dev/null
	grep -q "bytes inflated   [1-9]" stats
}
test_case "gzip is detected by content, not by name" names_lie

multi_member() {
	printf 'a\t2000\t1\t1\n' | gzip -c >mm.gz
	printf 'b\t2000\t2\t1\na\t2001\t3\t1\n' | gzip -c >>mm.gz
	expect_same -j 2 -- mm.gz
	printf 'a\t4\nb\t2\n' | cmp - ngc.out
}
test_case "concatenated gzip members are all read" multi_member

directories() {
	mkdir -p d/sub/deeper d/.dot d/empty other
	printf 'a\t2000\t1\t1\n' >d/1
	printf 'a\t2000\t2\t1\n' >d/2
	printf 'z\t2000\t9\t1\n' >d/sub/3
	printf 'y\t2000\t4\t1\n' >d/sub/deeper/4
	printf 'z\t2000\t9\t1\n' >d/.hidden
	printf 'z\t2000\t9\t1\n' >d/.dot/5
	printf 'x\t2000\t7\t1\n' >other/6
	# A link to a folder is not followed (a loop cannot form); to a file, it is.
	ln -s .. d/sub/loop
	ln -s ../other d/linked
	ln -s ../other/6 d/six
	expect_same -j 2 -- d
	printf 'z\t9\nx\t7\ny\t4\na\t3\n' | cmp - ngc.out
	# Nothing to count: exit 1, and why.
	mkdir -p none/sub
	expect_status 1 "$NGC" --no-progress none 2>err >out
	grep -q "nothing to count" err
	test ! -s out
}
test_case "a directory means its files and its folders', recursively; dot names and folder links skipped" directories

text_beside_ngrams() {
	# A README beside the dump: passed over and named, not summed.
	mkdir -p dump
	cp "$DATA"/v2/* dump/
	prose dump/README.txt
	gzip -c "$top/docs/concurrency.md" >dump/notes.gz
	expect_same -j 2 -- dump
	"$NGC" --no-progress dump 2>err >/dev/null
	grep -q "note: passed over 2 text files among ngram files (first: dump/README.txt); --format text counts words" err
	# Named on the command line among ngram files: an error naming it.
	prose README.md
	expect_status 1 "$NGC" --no-progress "$DATA/v2" README.md 2>err >out
	grep -q "README.md: text among ngram files (--format text counts its words)" err
	test ! -s out
	# Alone, or with --format text, text is counted.
	expect_same -- README.md
	"$NGC" --no-progress --format text dump >got
	oracle --format text dump | cmp - got
}
test_case "text among ngram files: in a folder passed over and named, named on the command line an error" text_beside_ngrams

same_file_twice() {
	printf 'a\t2000\t1\t1\n' >f
	ln f hardlink
	expect_same -j 2 -- f f
	printf 'a\t2\n' | cmp - ngc.out
	"$NGC" --no-progress f ./f hardlink >out 2>err
	printf 'a\t3\n' | cmp - out
	grep -q "warning: 2 inputs are the same file as an earlier one (first: ./f)" err
	printf 'a\t2000\t1\t1\n' >g
	"$NGC" --no-progress f g >out 2>err
	test ! -s err
}
test_case "a file named twice is counted twice, with a warning" same_file_twice

stdin_and_fifos() {
	v2=$DATA/v2
	a=$v2/lirenh-eng-all-1gram-20120701-a-head10k.tsv
	q=$v2/lirenh-eng-all-1gram-20120701-q-head10k.tsv
	gzip -c "$q" >q.gz
	oracle "$a" >want.a
	oracle "$a" q.gz "$v2" >want.mix
	for j in 0 2; do
		for io in uring sync; do
			for ps in 100 4K 2M; do
				opts="--no-progress -j $j --io $io --partition-size $ps"
				# shellcheck disable=SC2086
				cat "$a" | "$NGC" $opts - >out
				cmp want.a out
				# shellcheck disable=SC2086
				"$NGC" $opts "$a" - "$v2" <q.gz >out
				cmp want.mix out
			done
		done
	done
	rm -f fifo
	mkfifo fifo
	cat q.gz >fifo &
	"$NGC" --no-progress -j 2 --partition-size 4K "$a" fifo "$v2" >out
	wait
	cmp want.mix out
	printf 'x\t2000\t1\n' | "$NGC" --no-progress - 2>err >/dev/null
	grep -q "first at -:1: not four TAB-separated fields" err
}
test_case "stdin (-) and FIFOs, plain or gzip, read once in order" stdin_and_fifos

streams_do_not_stall() {
	# 32 MB through a pipe, and its gzip: each takes well under a second; a
	# reader that waits out poll()'s 100 ms between pipe reads takes 50 s.
	# The timeout is a hang detector, 100x above the expected time (0.1 s).
	"$GEN" --size 4M --seed 8 --out set >/dev/null
	cat set/* >four
	for i in 1 2 3 4 5 6 7 8; do cat four; done >big
	gzip -1 -c big >big.gz
	oracle four | python3 -c 'import sys
for l in sys.stdin:
    k, _, n = l.rstrip("\n").rpartition("\t")
    print(k + "\t" + str(8 * int(n)))' | LC_ALL=C sort -t "$(printf '\t')" -k2,2nr -k1,1 >want
	for io in uring sync; do
		cat big | timeout 10 "$NGC" --no-progress --io $io - >out
		cmp want out
		cat big.gz | timeout 10 "$NGC" --no-progress --io $io - >out
		cmp want out
	done
}
test_case "a stream through a pipe does not stall between reads (plain and gzip)" streams_do_not_stall

done_testing
