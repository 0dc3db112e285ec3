#!/bin/sh
# run.sh - the whole test suite, as `make test` runs it:
#   1. unit tests, normal build (build/) and ASan+UBSan build (build-san/);
#   2. the fuzz corpus (tests/fuzz/corpus) replayed through every target;
#   3. end-to-end tests (tests/e2e/t*.sh) on both builds; sanitizer reports
#      go to files, and any report fails the suite;
#   4. the zlib-only build (build-zlib/, ISAL=0 XXHASH=0: the fallbacks): unit tests and the gzip
#      end-to-end tests, since zlib must always build and always work;
#   5. the build's flags file: ISAL=0, then a plain build, has ISA-L;
#   6. valgrind memcheck over small end-to-end runs (workers traced too),
#      spilling ones included.
# Last line: "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
skipped=0
began=$(date +%s)
san_logs=$(mktemp -d "${TMPDIR:-/tmp}/ngc-san.XXXXXX")
# The oracle's answers, shared by the builds' end-to-end runs (tests/e2e/lib.sh).
NGC_ORACLE_CACHE=$(mktemp -d "${TMPDIR:-/tmp}/ngc-oracle.XXXXXX")
export NGC_ORACLE_CACHE
trap 'rm -rf "$san_logs" "$NGC_ORACLE_CACHE"' EXIT

# tally OUTPUT_FILE: add its "RESULT p f s" line to the totals.
tally() {
	res=$(grep '^RESULT ' "$1" | tail -1)
	if [ -z "$res" ]; then
		failed=$((failed + 1))
		echo "not ok - $2 (no RESULT line: crashed?)"
		return
	fi
	set -- $res
	passed=$((passed + $2))
	failed=$((failed + $3))
	skipped=$((skipped + ${4:-0}))
}

# run LABEL CMD...: a test binary or script that prints RESULT. One line
# for it; its whole output only when something in it failed.
run() {
	label=$1
	shift
	out=$san_logs/out
	"$@" >"$out" 2>&1
	before=$failed
	tally "$out" "$label"
	res=$(grep '^RESULT ' "$out" | tail -1)
	if [ -n "$res" ]; then
		set -- $res
		printf '%-4s %-32s %s passed' "$([ "$3" -eq 0 ] && echo ok || echo FAIL)" "$label" "$2"
		[ "$3" -eq 0 ] || printf ', %s failed' "$3"
		[ "${4:-0}" -eq 0 ] || printf ', %s skipped' "$4"
		echo
	fi
	if [ "$failed" -ne "$before" ]; then
		grep -v '^RESULT ' "$out" | sed "s|^|    |"
	else
		grep ' # SKIP ' "$out" | sed "s|^ok - |     skipped: |"
	fi
}

for build in build build-san; do
	if [ "$build" = build-san ]; then
		export ASAN_OPTIONS="log_path=$san_logs/asan:detect_leaks=1:allocator_may_return_null=1"
		export UBSAN_OPTIONS="log_path=$san_logs/ubsan:print_stacktrace=1:halt_on_error=1"
		export NGC_SANITIZED=1
	fi
	for t in tests/unit/test_*.c; do
		bin=$build/tests/unit/$(basename "$t" .c)
		run "$build $(basename "$bin")" "$bin"
	done
	for t in tests/fuzz/fuzz_*.c; do
		name=$(basename "$t" .c)
		run "$build replay ${name#fuzz_}" "$build/tests/fuzz/replay_${name#fuzz_}" \
			"tests/fuzz/corpus/${name#fuzz_}"
	done
	for t in tests/e2e/t*.sh; do
		NGC=$build/ngramcount GEN=build/ngramgen run "$build $(basename "$t" .sh)" sh "$t"
	done
	unset ASAN_OPTIONS UBSAN_OPTIONS NGC_SANITIZED
done

run "build flags" sh tests/build.sh

if ls "$san_logs"/asan* "$san_logs"/ubsan* >/dev/null 2>&1; then
	failed=$((failed + 1))
	echo "not ok - sanitizers reported errors:"
	cat "$san_logs"/asan* "$san_logs"/ubsan* | head -60
else
	passed=$((passed + 1))
	echo "ok - sanitizers (ASan, UBSan, LSan) reported nothing"
fi

for t in tests/unit/test_*.c; do
	bin=build-zlib/tests/unit/$(basename "$t" .c)
	run "build-zlib $(basename "$bin")" "$bin"
done
for t in tests/e2e/t0100-engine.sh tests/e2e/t0300-errors.sh; do
	NGC=build-zlib/ngramcount GEN=build/ngramgen run "build-zlib $(basename "$t" .sh)" sh "$t"
done

# valgrind: no errors and no leaks, in the parent and in every worker.
if command -v valgrind >/dev/null; then
	vg=$san_logs/vg
	mkdir -p "$vg"
	build/ngramgen --size 300K --seed 5 --out "$vg/plain" >/dev/null
	build/ngramgen --size 300K --seed 5 --gzip --out "$vg/gz" >/dev/null
	build/ngramgen --format v3 --size 200K --seed 6 --out "$vg/v3" >/dev/null
	build/ngramgen --format text --size 200K --seed 7 --gzip --out "$vg/text" >/dev/null
	# Past 2^18 keys, the output's sort forks a process for half of them.
	awk 'BEGIN { for (i = 0; i < 300000; i++)
		printf "sharedprefix%d\t2000\t%d\t1\n", i * 7919 % 1000003, i % 59 + 1 }' >"$vg/keys"
	# vg_case ARGS ORACLE_ARGS [LABEL]: valgrind over ngramcount ARGS in $vg,
	# whose output must be the oracle's over ORACLE_ARGS.
	vg_case() {
		# shellcheck disable=SC2086
		if (cd "$vg" && valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect,possible \
			--trace-children=yes "$OLDPWD/build/ngramcount" --no-progress $1 >out 2>err &&
			python3 "$OLDPWD/tests/oracle.py" $2 | cmp -s - out); then
			passed=$((passed + 1))
			echo "ok - valgrind: ngramcount ${3:-$1}"
		else
			failed=$((failed + 1))
			echo "not ok - valgrind: ngramcount ${3:-$1}"
			head -40 "$vg/err"
		fi
	}
	# ENGINE OPTIONS | OPTIONS THE ORACLE TAKES TOO | INPUTS
	for case in "-j 2 --io uring --partition-size 16K||plain" \
		    "-j 2|--min-count 2|keys" \
		    "-j 0 --io sync||gz" \
		    "-j 2 --io uring --trace t.json||gz plain" \
		    "-j 2 --partition-size 4K|--ignore-case --per-year --top 50 --output-format csv|v3" \
		    "-j 2|--ignore-case --pos drop -n 2 --min-count 2 --sort key|text" \
		    "-j 2 --buffer-memory 1M --partition-size 64K --memory 1100K --tmpdir .|-n 2|text" \
		    "-j 3 --buffer-memory 1M --partition-size 64K --memory 1100K --tmpdir .|--top 20 --sort key|text plain"; do
		args=${case%%|*}
		shared=${case#*|}
		shared=${shared%|*}
		inputs=${case##*|}
		vg_case "$args $shared $inputs" "$shared $inputs"
	done
	# URL inputs (libcurl in the parent), a cache written, then read.
	python3 tests/tools/httpd.py "$vg" >"$vg/port" 2>/dev/null &
	httpd=$!
	n=0
	while [ ! -s "$vg/port" ] && [ $n -lt 1000 ]; do sleep 0.01; n=$((n + 1)); done
	urls=$(cd "$vg" && for f in gz/* plain/*; do printf 'http://127.0.0.1:%s/%s ' "$(cat port)" "$f"; done)
	for pass in downloaded cached; do
		vg_case "-j 2 --cache cache $urls" "gz plain" "-j 2 --cache cache URLs of gz/ plain/ ($pass)"
	done
	kill $httpd
else
	echo "not ok - valgrind is not installed (scripts/install-deps.sh installs it)"
	failed=$((failed + 1))
fi

took=$(($(date +%s) - began))
echo "make test took $((took / 60)) min $((took % 60)) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
