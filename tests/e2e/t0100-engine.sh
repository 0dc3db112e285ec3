#!/bin/sh
# t0100 - the whole pipeline against the oracle: worker counts, both I/O
# backends, queue depths, partition sizes, plain, gzip and mixed inputs.
. tests/e2e/lib.sh

"$GEN" --size 3M --seed 7 --out "$TMP/plain" >/dev/null
"$GEN" --size 3M --seed 7 --gzip --out "$TMP/gz" >/dev/null
"$GEN" --size 1M --seed 8 --gzip --level 1 --prefix mixed- --out "$TMP/mixed" >/dev/null
"$GEN" --size 1M --seed 9 --prefix mixed-plain- --out "$TMP/mixed" >/dev/null

workers_and_io() {
	for j in 0 1 2 4; do
		for io in uring sync; do
			expect_same -j $j --io $io -- plain
		done
	done
}
test_case "plain set: -j 0/1/2/4 x --io uring/sync" workers_and_io

queue_depths() {
	for qd in 1 2 8 32; do
		expect_same -j 2 --queue-depth $qd -- plain
	done
}
test_case "plain set: queue depths 1, 2, 8, 32" queue_depths

partition_sizes() {
	for ps in 16 1000 4K 64K 1M; do
		expect_same -j 2 --partition-size $ps -- plain
		expect_same -j 0 --partition-size $ps -- plain
	done
}
test_case "plain set: partition sizes 16 B to 1 MiB, -j 2 and -j 0" partition_sizes

gzip_set() {
	for inf in $BACKENDS; do
		for j in 0 1 2 4; do
			expect_same -j $j --inflate $inf -- gz
		done
		expect_same -j 2 --inflate $inf --io sync --partition-size 4K -- gz
		expect_same -j 2 --inflate $inf --queue-depth 1 --partition-size 100 -- gz
	done
}
test_case "gzip set: -j 0/1/2/4, small chunks, sync, every inflate backend" gzip_set

inflate_backends() {
	echo "backends: $BACKENDS"
	"$NGC" --no-progress --stats gz 2>stats >/dev/null
	grep -Eq "inflate          (zlib|isal)" stats
	if [ "$BACKENDS" = "zlib isal" ]; then
		grep -q "inflate          isal" stats	# auto prefers ISA-L
		"$NGC" --no-progress --inflate zlib gz >a.out
		"$NGC" --no-progress --inflate isal gz >b.out
		cmp a.out b.out
	else
		expect_status 2 "$NGC" --inflate isal gz 2>err
		grep -q "no ISA-L" err
	fi
	expect_status 2 "$NGC" --inflate lz4 gz 2>/dev/null
}
test_case "--inflate: auto, zlib and isal agree; isal refused when not built" inflate_backends

gzip_equals_plain() {
	"$NGC" --no-progress plain >a.out
	"$NGC" --no-progress gz >b.out
	cmp a.out b.out
	test -s a.out
}
test_case "gzip and plain copies of one data set count the same" gzip_equals_plain

orders() {
	for o in completion submission; do
		expect_same -j 3 --order $o --partition-size 16K -- plain gz mixed
		expect_same -j 2 --order $o --queue-depth 2 --partition-size 4K -- gz
	done
	"$NGC" --no-progress --stats --order submission -j 2 plain 2>stats >/dev/null
	grep -q "order            submission" stats
	expect_status 2 "$NGC" --order random plain 2>/dev/null
}
test_case "--order completion and submission: the same counts" orders

buffer_memory() {
	# 5 slots of 4 KiB: the least two workers can run with; gzip and plain.
	expect_same -j 2 --buffer-memory 20K --partition-size 4K -- gz plain
	"$NGC" --no-progress --stats -j 2 --buffer-memory 20K --partition-size 4K gz plain 2>stats >/dev/null
	grep -q "buffers          5 x 4.0 KiB" stats
	"$NGC" --no-progress --stats plain 2>stats >/dev/null
	grep -q "buffers          14 x 1.0 MiB" stats
	expect_status 2 "$NGC" -j 2 --buffer-memory 19K --partition-size 4K plain 2>err
	grep -q "holds fewer than the 5 partitions of 4096 bytes that 2 workers need" err
}
test_case "--buffer-memory bounds the pool; too small a budget is refused" buffer_memory

mixed_inputs() {
	expect_same -j 2 -- mixed
	expect_same -j 0 -- mixed
	expect_same -j 3 --partition-size 5000 -- mixed plain/googlebooks-eng-all-1gram-20120701-q gz
}
test_case "plain and gzip mixed in one run, files and directories" mixed_inputs

# Runs of one key with a line of each shape at the edges of parse_v2_run's
# vector reads among them: counts of 8 and 9 digits, volumes of 19 and 20,
# years 0000 and 0001, a CR, a fifth field, a key without its TAB, keys of
# 48 and 49 bytes.
edge_runs() {
	awk 'BEGIN {
		n = split("12345678 123456789 00000001 0", m, " ")
		for (k = 1; k <= 40; k++) {
			key = sprintf("key%d", k)
			if (k % 10 == 0) key = sprintf("%048d", k)
			if (k % 10 == 5) key = sprintf("%049d", k)
			for (i = 0; i < 30; i++) {
				if (i % 7 == 3) {
					e = (k + i) % 9
					if (e == 0) printf "%s\t0000\t5\t1\n", key
					else if (e == 1) printf "%s\t0001\t5\t1234567890123456789\n", key
					else if (e == 2) printf "%s\t1999\t5\t18446744073709551616\n", key
					else if (e == 3) printf "%s\t1999\t5\t1\r\n", key
					else if (e == 4) printf "%s\t1999\t5\t1\t1\n", key
					else if (e == 5) printf "%s1999\t5\t1\n", key
					else if (e == 6) printf "%s\t999\t5\t1\n", key
					else printf "%s\t1999\t%s\t1\n", key, m[1 + e % n]
				} else {
					printf "%s\t%d\t%d\t%d\n", key, 1800 + i, (k * 7919 + i * 104729) % 100000000, 1 + i
				}
			}
		}
	}' >"$1"
}

v2_runs() {
	mkdir edges
	edge_runs edges/e.tsv
	for o in "" "--years 1810-1820" "--years 1999-1999" "--pos drop" "--ignore-case" \
		 "--word key7 --years 1801-1999" "--ignore-case --years 1830-1998"; do
		# shellcheck disable=SC2086
		oracle $o plain edges >want
		for simd in 1 0; do
			for eng in "-j 0" "-j 2 --partition-size 4K"; do
				# shellcheck disable=SC2086
				NGRAMCOUNT_SIMD=$simd "$NGC" --no-progress $eng $o plain edges >got
				cmp want got || { echo "differs: NGRAMCOUNT_SIMD=$simd $eng $o"; return 1; }
			done
		done
	done
	oracle gz >want
	for simd in 1 0; do
		NGRAMCOUNT_SIMD=$simd "$NGC" --no-progress -j 2 gz >got
		cmp want got
	done
	NGRAMCOUNT_SIMD=0 "$NGC" --no-progress --stats plain 2>stats >/dev/null
	grep -q "v2 runs          bytewise" stats
	reader=bytewise
	if grep -qw avx2 /proc/cpuinfo && grep -qw bmi2 /proc/cpuinfo; then
		reader=avx2
	fi
	echo "v2 runs: $reader"
	"$NGC" --no-progress --stats plain 2>stats >/dev/null
	grep -q "v2 runs          $reader" stats
}
test_case "v2 runs read by vector (AVX2) and byte by byte: both as the oracle, edges and options too" v2_runs

big_counts() {
	# The generator's top ngram has yearly counts above 2^32.
	awk -F'\t' '$3 > 4294967296 { found = 1 } END { exit !found }' plain/*
	expect_same -j 2 -- plain
	awk -F'\t' 'NR == 1 && length($2) >= 12 { ok = 1 } END { exit !ok }' ngc.out
}
test_case "yearly counts above 2^32 sum exactly" big_counts

done_testing
