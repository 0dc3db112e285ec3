#!/bin/sh
# t1300 - scripts/ngramcount-dask on a real Dask cluster (a LocalCluster of
# 2 worker processes over TCP on loopback): its one result is the oracle's,
# for 1, 2 and 5 reducers, with a worker killed mid-map, and with a corrupt
# gzip input (named; skipped with --keep-going). Skipped where Dask
# distributed is not installed (scripts/install-deps.sh installs it).
. tests/e2e/lib.sh

DASK="/usr/bin/python3 $top/scripts/ngramcount-dask --ngramcount $NGC --workers 2"

have_dask() {
	/usr/bin/python3 -c 'import distributed' 2>/dev/null ||
		skip "python3-distributed is not installed"
}

"$GEN" --size 600K --seed 31 --out "$TMP/v2" >/dev/null
"$GEN" --format v3 --size 300K --seed 32 --out "$TMP/v3" >/dev/null
"$GEN" --size 600K --seed 33 --gzip --out "$TMP/gz" >/dev/null

reducers() {
	have_dask
	oracle "$TMP/v2" "$TMP/v3" "$TMP/gz" >want
	for r in 1 2 5; do
		$DASK --reducers $r --out out$r "$TMP/v2" "$TMP/v3" "$TMP/gz" >got
		cmp want got
		test "$(ls out$r | wc -l)" -eq $r
	done
	oracle --per-year --pos drop "$TMP/v2" >want
	$DASK --reducers 3 --out py --per-year --pos drop "$TMP/v2" >got
	cmp want got
}
test_case "v2, v3 and gzip through 1, 2 and 5 reducers: the oracle's bytes" reducers

killed_worker() {
	have_dask
	oracle "$TMP/v2" >want
	victim=$(ls "$TMP/v2" | sed -n 3p)
	NGRAMCOUNT_DASK_FAULT=kill-map:$victim:$PWD/killed $DASK --out out "$TMP/v2" >got 2>err ||
		{ echo "exit $?"; cat err; return 1; }
	test -f killed	# the worker did die in that map
	cmp want got
}
test_case "a worker killed (SIGKILL) in a map: the task runs again, nothing lost or twice" killed_worker

corrupt_gzip() {
	have_dask
	mkdir in
	cp "$TMP"/gz/* in/
	printf '\037\213\010\000\000\000\000\000\000\003garbage' >in/bad.gz
	expect_status 1 $DASK --out out in 2>err >got
	grep -q "ngramcount-dask: in/bad.gz: corrupt gzip data" err
	rm in/bad.gz
	oracle in >want
	printf '\037\213\010\000\000\000\000\000\000\003garbage' >in/bad.gz
	expect_status 3 $DASK --keep-going --out out in 2>err >got
	grep -q "ngramcount-dask: skipped in/bad.gz: corrupt gzip data" err
	cmp want got
}
test_case "a corrupt gzip input: the job fails naming it; --keep-going skips it, exit 3" corrupt_gzip

usage() {
	have_dask
	expect_status 2 $DASK 2>err
	grep -q "no input files" err
	expect_status 2 $DASK --reducers 0 x 2>err
	expect_status 2 $DASK http://example.com/1-00000-of-00024.gz 2>err
	grep -q "a URL is read by ngramcount itself" err
	/usr/bin/python3 "$top/scripts/ngramcount-dask" --help | grep -q -- "--scheduler"
}
test_case "usage: no inputs, bad --reducers and URLs refused (exit 2); --help" usage

done_testing
