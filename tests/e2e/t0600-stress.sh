#!/bin/sh
# t0600 - many files, few descriptors, workers dying at many points, no
# memory, no disk: the count is exact or the run fails by name.
. tests/e2e/lib.sh

# 1,000 small files (plain and gzip) and three large ones.
python3 - "$TMP/many" <<'PY'
import gzip, os, random, sys
d = sys.argv[1]
os.makedirs(d)
r = random.Random(5)
for i in range(1000):
    lines = "".join("w%d\t%d\t%d\t1\n" % (r.randrange(3000), 1800 + r.randrange(200), r.randrange(1, 10**12))
                    for _ in range(r.randrange(0, 40)))
    data = lines.encode()
    if i % 3 == 0:
        data = gzip.compress(data)
    open(os.path.join(d, "small-%04d" % i), "wb").write(data)
PY
"$GEN" --size 2M --seed 11 --prefix large- --out "$TMP/many" >/dev/null
"$GEN" --size 1M --seed 12 --gzip --prefix large-gz- --out "$TMP/many" >/dev/null
oracle "$TMP/many" >"$TMP/many.want"

many_files_workers_dying() {
	ls "$TMP/many" | wc -l
	for n in 1 2 3 5 8 13 21; do
		# Every worker process dies in its n-th task; each task is rerun once.
		NGRAMCOUNT_FAULT=crash:$((n + 1)) "$NGC" --no-progress -j 4 --partition-size 64K \
			"$TMP/many" >out 2>err || { cat err; return 1; }
		cmp "$TMP/many.want" out
	done
}
test_case "1,000 small files + large ones, -j 4, workers killed at many points: exact" many_files_workers_dying

ten_thousand_files() {
	mkdir -p tiny
	python3 -c '
import os
for i in range(10000):
    open("tiny/f%05d" % i, "w").write("k%d\t2000\t%d\t1\n" % (i % 97, i))
'
	oracle tiny >want
	(ulimit -n 64 && "$NGC" --no-progress -j 4 tiny >out)
	cmp want out
}
test_case "ten thousand small files under ulimit -n 64" ten_thousand_files

few_descriptors() {
	(ulimit -n 64 && "$NGC" --no-progress -j 4 --queue-depth 32 "$TMP/many" >out)
	cmp "$TMP/many.want" out
	(ulimit -n 64 && "$NGC" --no-progress -j 2 --io sync "$TMP/many" >out)
	cmp "$TMP/many.want" out
}
test_case "under ulimit -n 64: open descriptors stay bounded" few_descriptors

out_of_memory() {
	# A worker that cannot allocate says so (pid, what it was doing); its
	# task reruns and fails again; the run fails by name with no output.
	rm -f out.tsv
	NGRAMCOUNT_FAULT=oom:1 "$NGC" --no-progress -j 2 -o out.tsv "$TMP/many" 2>err && return 1
	grep -q "out of memory allocating [0-9]* bytes (pid [0-9]*, worker .*)" err
	grep -q "failed twice; the last time worker [0-9] (pid [0-9]*) exited with status 1" err
	test ! -e out.tsv
	# The parent, with too little address space for its buffer pool
	# (not under ASan, which needs terabytes of address space to start).
	[ -z "${NGC_SANITIZED:-}" ] || return 0
	(ulimit -v 1000000 && "$NGC" --no-progress -j 2 --queue-depth 32 --partition-size 64M --buffer-memory 4G \
		-o out.tsv "$TMP/many") 2>err && return 1
	cat err
	grep -q "cannot map 38 buffers of 67108864 bytes: Cannot allocate memory" err
	test ! -e out.tsv
}
test_case "out of memory in a worker or the parent: reported, no output" out_of_memory

disk_full() {
	mkdir -p small
	if ! mount -t tmpfs -o size=64k tmpfs small 2>/dev/null; then
		skip "cannot mount a small tmpfs here (not root?)"
	fi
	echo precious >small/out.tsv
	# Through a symbolic link too: the temporary goes beside the target.
	ln -sf small/out.tsv link.tsv
	for out in small/out.tsv link.tsv; do
		set +e
		"$NGC" --no-progress -o $out "$TMP/many" 2>err
		got=$?
		set -e
		cat err
		[ "$got" -eq 1 ] || { umount small; return 1; }
		grep -q "$out: No space left on device" err || { umount small; return 1; }
	done
	# A trace that does not fit, once the output is written: a warning, exit 0.
	set +e
	"$NGC" --no-progress --partition-size 4K -o whole.tsv --trace small/t.json "$TMP/many" 2>err
	got=$?
	set -e
	cat err
	[ "$got" -eq 0 ] || { umount small; return 1; }
	grep -q "warning: --trace small/t.json: No space left on device (the output is complete)" err ||
		{ umount small; return 1; }
	cmp "$TMP/many.want" whole.tsv || { umount small; return 1; }
	contents=$(cat small/out.tsv)
	left=$(ls -A small)
	umount small
	[ "$contents" = precious ]
	[ "$left" = out.tsv ]
	test -L link.tsv
}
test_case "disk full on -o (or a link to it): error, temporary removed, the file untouched; on --trace: a warning" disk_full

many_keys_sorted_in_two() {
	# Over 2^18 distinct keys the output is sorted a half in each of two
	# processes: few counts (ties merged by key), keys sharing 8 bytes.
	python3 -c '
import random
r = random.Random(7)
for i in range(300000):
    print("sharedprefix%d\t2000\t%d\t1" % (r.randrange(10**9), r.randrange(1, 60)))
' >keys.tsv
	oracle keys.tsv >want
	"$NGC" --no-progress -j 2 keys.tsv >out
	cmp want out
	"$NGC" --no-progress -j 2 --min-count 30 keys.tsv >out
	oracle --min-count 30 keys.tsv | cmp - out
}
test_case "300,000 keys: sorted a half on each of two threads" many_keys_sorted_in_two

done_testing
