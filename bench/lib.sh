# lib.sh - sourced by bench/bench.sh and bench/compare.sh: the generated
# data sets and the timer. The caller sets runs (runs per measurement) and
# tmp (a scratch folder), and may set pre (a command run, untimed, before
# each run: dropping the page cache).

# jget PATH [FILE]: a field of the --stats=json object in FILE ($tmp/s by
# default), by a dotted path (tests/tools/jstat.py).
jget() {
	python3 tests/tools/jstat.py "${2:-$tmp/s}" "$1"
}

# gen_set DIR SIZE SEED [NGRAMGEN ARGS]: make DIR with build/ngramgen once
# (its variables start with g: the callers have a dir of their own);
# it is kept (bench/data is ignored by git) until SIZE, SEED or ARGS change.
gen_set() {
	gdir=$1 gsize=$2 seed=$3
	shift 3
	want="$gsize $seed $*"
	[ "$(cat "$gdir/.made" 2>/dev/null)" = "$want" ] && return 0
	rm -rf "$gdir"
	echo "bench: generating $gdir: ngramgen --size $gsize $*..." >&2
	build/ngramgen --size "$gsize" --seed "$seed" "$@" --out "$gdir" >/dev/null
	echo "$want" >"$gdir/.made"
}

# run_once NAME CMD: one timed run of CMD, its "wall rss user sys" line
# appended to $tmp/times.NAME. A failing CMD stops all.
run_once() {
	[ -z "${pre:-}" ] || sh -c "$pre"
	# Wall time from bash's time, to the millisecond (GNU time's %e has
	# two decimals); RSS and CPU from GNU time.
	bash -c 'TIMEFORMAT=%3R; time /usr/bin/time -f "%M %U %S" -o "$1" sh -c "$2" >"$3" 2>"$4"' \
		_ "$tmp/t" "$2" "$tmp/stdout" "$tmp/stderr" 2>"$tmp/wall" || {
		echo "bench: '$1' failed:" >&2
		cat "$tmp/stderr" >&2
		exit 1
	}
	echo "$(cat "$tmp/wall") $(cat "$tmp/t")" >>"$tmp/times.$1"
}

# summary NAME: median wall seconds, max RSS KiB and mean user+sys seconds
# of the runs in $tmp/times.NAME, into $tmp/m.NAME.
summary() {
	sort -n "$tmp/times.$1" | awk -v n="$runs" 'NR == int((n + 1) / 2) { wall = $1 }
		{ if ($2 > rss) rss = $2; cpu += $3 + $4 }
		END { printf "%s %d %.2f\n", wall, rss, cpu / n }' >"$tmp/m.$1"
}

# measure NAME CMD: $runs runs of CMD, summed up into $tmp/m.NAME.
measure() {
	: >"$tmp/times.$1"
	i=0
	while [ $i -lt "$runs" ]; do
		run_once "$1" "$2"
		i=$((i + 1))
	done
	summary "$1"
}

# measure_alternated NAME CMD [NAME CMD]...: as measure for each, but a run
# of each in turn, $runs rounds, so that the rows whose ratios are read (a
# run against its floor, -j 2 against -j 1) see the machine alike when its
# speed drifts.
measure_alternated() {
	names=
	while [ $# -gt 0 ]; do
		names="$names $1"
		printf '%s\n' "$2" >"$tmp/cmd.$1"
		: >"$tmp/times.$1"
		shift 2
	done
	i=0
	while [ $i -lt "$runs" ]; do
		for n in $names; do
			run_once "$n" "$(cat "$tmp/cmd.$n")"
		done
		i=$((i + 1))
	done
	for n in $names; do
		summary "$n"
	done
}

# serve NAME DIR [HTTPD OPTIONS]: tests/tools/httpd.py over DIR on 127.0.0.1
# in the background (its pid appended to $tmp/servers, for the caller to
# kill); its base URL into $tmp/url.NAME.
serve() {
	sname=$1 sdir=$2
	shift 2
	python3 tests/tools/httpd.py "$sdir" "$@" >"$tmp/port.$sname" 2>/dev/null &
	echo $! >>"$tmp/servers"
	n=0
	while [ ! -s "$tmp/port.$sname" ] && [ $n -lt 1000 ]; do sleep 0.01; n=$((n + 1)); done
	echo "http://127.0.0.1:$(cat "$tmp/port.$sname")" >"$tmp/url.$sname"
}

# urls NAME SET: the files of bench/data/SET as URLs of server NAME, on one line.
urls() {
	for f in "$data/$2"/*; do printf '%s/%s/%s ' "$(cat "$tmp/url.$1")" "$2" "${f##*/}"; done
}

# stop_servers: kill what serve started.
stop_servers() {
	[ ! -f "$tmp/servers" ] || kill $(cat "$tmp/servers") 2>/dev/null || true
}

# The machine, for the head of a results file.
machine() {
	echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
	echo "$(free -g | awk '/Mem:/ { print $2 }') GiB RAM, Linux $(uname -r), $(cc --version | head -1)."
}
