# lib.sh - sourced by bench/bench.sh and bench/compare.sh: the generated
# data sets and the timer. The caller sets runs (runs per measurement) and
# tmp (a scratch folder), and may set pre (a command run, untimed, before
# each run: dropping the page cache).

# gen_set DIR SIZE SEED [NGRAMGEN ARGS]: make DIR with build/ngramgen once;
# it is kept (bench/data is ignored by git) until SIZE, SEED or ARGS change.
gen_set() {
	dir=$1 gsize=$2 seed=$3
	shift 3
	want="$gsize $seed $*"
	[ "$(cat "$dir/.made" 2>/dev/null)" = "$want" ] && return 0
	rm -rf "$dir"
	echo "bench: generating $dir: ngramgen --size $gsize $*..." >&2
	build/ngramgen --size "$gsize" --seed "$seed" "$@" --out "$dir" >/dev/null
	echo "$want" >"$dir/.made"
}

# measure NAME CMD: median wall seconds, max RSS KiB and mean user+sys
# seconds of $runs runs of CMD, into $tmp/m.NAME. A failing CMD stops all.
measure() {
	name=$1
	shift
	: >"$tmp/times"
	i=0
	while [ $i -lt "$runs" ]; do
		[ -z "${pre:-}" ] || sh -c "$pre"
		# Wall time from bash's time, to the millisecond (GNU time's %e
		# has two decimals); RSS and CPU from GNU time.
		bash -c 'TIMEFORMAT=%3R; time /usr/bin/time -f "%M %U %S" -o "$1" sh -c "$2" >"$3" 2>"$4"' \
			_ "$tmp/t" "$*" "$tmp/stdout" "$tmp/stderr" 2>"$tmp/wall" || {
			echo "bench: '$name' failed:" >&2
			cat "$tmp/stderr" >&2
			exit 1
		}
		echo "$(cat "$tmp/wall") $(cat "$tmp/t")" >>"$tmp/times"
		i=$((i + 1))
	done
	sort -n "$tmp/times" | awk -v n="$runs" 'NR == int((n + 1) / 2) { wall = $1 }
		{ if ($2 > rss) rss = $2; cpu += $3 + $4 }
		END { printf "%s %d %.2f\n", wall, rss, cpu / n }' >"$tmp/m.$name"
}

# The machine, for the head of a results file.
machine() {
	echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
	echo "$(free -g | awk '/Mem:/ { print $2 }') GiB RAM, Linux $(uname -r), $(cc --version | head -1)."
}
