# lib.sh - sourced by every tests/e2e/t*.sh.
#
# test_case NAME FUNCTION runs FUNCTION in a subshell with set -e; its output
# is shown only when it fails. A test that cannot run here calls skip WHY.
# done_testing prints "RESULT <passed> <failed> <skipped>" for tests/run.sh. NGC and GEN name the binaries under test, so the same
# scripts run on the normal and the sanitizer builds.
set -u
NGC=${NGC:-build/ngramcount}
GEN=${GEN:-build/ngramgen}
ORACLE="python3 tests/oracle.py"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ngc-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
t_pass=0
t_fail=0
t_skip=0
NGC_SKIP=77	# a test's exit status for "skipped", as automake's

# skip WHY: end this test as skipped (it counts apart from the passes).
skip() {
	echo "$*" >"$TMP/.skip"
	exit $NGC_SKIP
}

test_case() {
	name=$1
	fn=$2
	# Not inside "if": there the shell ignores set -e, and only a test's
	# last command could fail it.
	(set -e; cd "$TMP"; "$fn") >"$TMP/.log" 2>&1
	status=$?
	if [ $status -eq $NGC_SKIP ] && [ -f "$TMP/.skip" ]; then
		t_skip=$((t_skip + 1))
		echo "ok - $name # SKIP $(cat "$TMP/.skip")"
		rm -f "$TMP/.skip"
	elif [ $status -eq 0 ]; then
		t_pass=$((t_pass + 1))
		echo "ok - $name"
	else
		t_fail=$((t_fail + 1))
		echo "not ok - $name"
		sed 's/^/#   /' "$TMP/.log"
	fi
}

done_testing() {
	echo "RESULT $t_pass $t_fail $t_skip"
	[ "$t_fail" -eq 0 ]
}

# The binaries and the oracle by absolute path: test bodies run in $TMP.
top=$(pwd)
case $NGC in /*) ;; *) NGC=$top/$NGC ;; esac
case $GEN in /*) ;; *) GEN=$top/$GEN ;; esac
ORACLE="python3 $top/tests/oracle.py"
DATA=$top/tests/data

# jstat FILE PATH: a field of the --stats=json object in FILE (tests/tools/jstat.py).
jstat() {
	python3 "$top/tests/tools/jstat.py" "$@"
}

# prose FILE: a README's worth of English, no TAB in it: text, whatever
# the project's own README holds.
prose() {
	cat >"$1" <<'PROSE'
# About these files

These are the 1-gram files of the 2012 English corpus, as downloaded.
Each line holds an ngram, a year, the times it was seen and the books.
Lines are sorted by ngram, then by year; nothing was changed in them.

The totals per year are in a file of their own, one line for all years.
Counts of 40 or more are kept; rarer ngrams were left out by Google.
Read the notes before use: words tagged with a part of speech repeat
the counts of their bare word, so add only one of the two.

Questions go to the list, 3 to 5 days for an answer, 7 at most.
PROSE
}

# The gzip backends this build has.
BACKENDS=zlib
if "$NGC" --inflate isal --version >/dev/null 2>&1; then
	BACKENDS="zlib isal"
fi

# oracle ARGS...: what tests/oracle.py prints for ARGS (options ngramcount
# also takes, then inputs). The oracle takes a hundred times as long as
# ngramcount and a test file asks it about one set many times, so its
# answer is kept for the same arguments over inputs of the same names and
# contents (a name under $TMP taken relative to it): in $TMP, or in
# NGC_ORACLE_CACHE, which tests/run.sh sets to share the answers across its
# builds (they run the same scripts on the same data). An input that is
# neither a file nor a directory (a FIFO) is asked about every time. A
# failure is said on stdout too, so a pipe into cmp cannot pass on two
# empty outputs.
ORACLE_CACHE=${NGC_ORACLE_CACHE:-$TMP/.oracle}
ask_oracle() {
	$ORACLE "$@" || { echo "the oracle failed on: $*"; return 1; }
}
oracle() {
	for oracle_arg in "$@"; do
		if [ -e "$oracle_arg" ] && [ ! -f "$oracle_arg" ] && [ ! -d "$oracle_arg" ]; then
			ask_oracle "$@"
			return
		fi
	done
	mkdir -p "$ORACLE_CACHE"
	oracle_kept=$ORACLE_CACHE/$({
		printf '%s\n' "$@"
		for a in "$@"; do [ ! -e "$a" ] || find -L "$a" -type f; done |
			LC_ALL=C sort | xargs -r -d '\n' md5sum
	} | sed "s|$TMP/||g" | md5sum | cut -c1-32)
	if [ ! -f "$oracle_kept" ]; then
		ask_oracle "$@" >"$oracle_kept.new" || { cat "$oracle_kept.new"; return 1; }
		mv "$oracle_kept.new" "$oracle_kept"
	fi
	cat "$oracle_kept"
}

# expect_same ARGS... -- INPUTS...: ngramcount ARGS INPUTS equals the oracle
# over INPUTS.
expect_same() {
	args=""
	while [ "$1" != "--" ]; do args="$args $1"; shift; done
	shift
	oracle "$@" >oracle.out || { cat oracle.out; return 1; }
	# shellcheck disable=SC2086
	"$NGC" --no-progress $args "$@" >ngc.out || { echo "exit $? with:$args $*"; return 1; }
	cmp oracle.out ngc.out
}

# expect_fail STATUS CMD...: CMD exits with STATUS.
expect_status() {
	want=$1
	shift
	set +e
	"$@"
	got=$?
	set -e
	[ "$got" -eq "$want" ] || { echo "exit status $got, expected $want"; return 1; }
}
