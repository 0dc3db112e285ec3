#!/bin/sh
# compare.sh - `make compare`: what async I/O and process parallelism each
# buy, measured on one data set in one run, the way the articles compare a
# for-loop, asyncio.gather, as_completed and a semaphore-limited gather.
#
# Data: bench/data/plain (the benchmark's 39 files of v2 text, NGC_BENCH_SIZE,
# default 400M). Each mode runs on a warm page cache and on a cold one:
# --direct (O_DIRECT: every read goes to the disk) always, and, when root
# may write /proc/sys/vm/drop_caches, also with the caches dropped before
# each run; the cache column says which. Time = median of NGC_COMPARE_RUNS
# runs (default 7), with their spread (fastest to slowest); speed-up is
# against the sequential row of the same cache, and is marked within the
# noise when the two spreads overlap. Writes COMPARE.md (the table), compare.png (the chart) and
# trace-sync.png, trace-uring.png (two traces drawn) into NGC_COMPARE_OUT:
# build/compare by default; `make compare-update` writes the committed ones
# in bench/.
set -eu
cd "$(dirname "$0")/.."
runs=${NGC_COMPARE_RUNS:-7}
data=bench/data
dir=${NGC_COMPARE_OUT:-build/compare}
mkdir -p "$dir"
out=$dir/COMPARE.md
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ngc-compare.XXXXXX")
trap 'stop_servers; rm -rf "$tmp"' EXIT
. bench/lib.sh

gen_set "$data/plain" "${NGC_BENCH_SIZE:-400M}" 1
P="$data/plain/*"
bytes=$(du -bc $P | tail -1 | cut -f1)
nfiles=$(ls $P | wc -l)
NGC="build/ngramcount --no-progress"

# The modes: key, method, io, workers, queue depth, order, chart label.
cat >"$tmp/modes" <<'MODES'
seq|sequential: one read, then its map (for-loop)|sync|0|-|completion|for-loop
cio|concurrent I/O only: reads in flight, map in the parent (asyncio.gather of reads)|uring|0|32|completion|async I/O
par|parallel only: worker processes, blocking reads (process pool)|sync|2|-|completion|processes
both|concurrent I/O + parallel map (as_completed)|uring|2|32|completion|both
qd1|semaphore: at most 1 read in flight|uring|2|1|completion|QD 1
qd2|semaphore: at most 2 reads in flight|uring|2|2|completion|QD 2
qd8|semaphore: at most 8 reads in flight|uring|2|8|completion|QD 8
sub|submission order (asyncio.gather: results merged in task order)|uring|2|32|submission|gather order
MODES

caches="warm direct"
if [ "$(id -u)" -eq 0 ] && (sync && echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then
	caches="$caches dropped"
fi

args() {	# args IO WORKERS QD ORDER CACHE: ngramcount's options for a mode
	a="--io $1 -j $2 --order $4"
	[ "$3" = - ] || a="$a --queue-depth $3"
	[ "$5" != direct ] || a="$a --direct"
	echo "$a"
}

for cache in $caches; do
	pre=
	case $cache in
	warm) cat $P >/dev/null ;;
	dropped) pre="sync; echo 3 >/proc/sys/vm/drop_caches" ;;
	esac
	while IFS='|' read -r key method io j qd order label; do
		echo "compare: $key, $cache cache" >&2
		measure "$key.$cache" "$NGC $(args "$io" "$j" "$qd" "$order" "$cache") $P >/dev/null"
	done <"$tmp/modes"
done
pre=

# The network case (issue 30): the first NGC_COMPARE_NET_FILES plain files
# (default 8) served by tests/tools/httpd.py paced like a remote store, 50 ms
# before each answer and 20 MB/s a connection: downloads one at a time or
# several, mapped by the parent or by workers.
cat >"$tmp/netmodes" <<'MODES'
nseq|sequential: one download at a time, mapped in the parent (for-loop)|0|1
ncio|concurrent downloads only: 4 at once, mapped in the parent (asyncio.gather)|0|4
npar|parallel only: 2 worker processes, one download at a time|2|1
nboth|concurrent downloads + parallel map|2|4
MODES
serve paced "$data" --pace-latency 0.05 --pace-rate 20e6
netfiles=$(ls $P | head -n "${NGC_COMPARE_NET_FILES:-8}")
netbytes=$(du -bc $netfiles | tail -1 | cut -f1)
U=$(for f in $netfiles; do printf '%s/plain/%s ' "$(cat "$tmp/url.paced")" "${f##*/}"; done)
while IFS='|' read -r key method j conn; do
	echo "compare: $key, network" >&2
	measure "$key" "$NGC -j $j --connections $conn $U >/dev/null"
done <"$tmp/netmodes"
stop_servers

# spread KEY: the fastest and the slowest of a mode's runs, "min max".
spread() {
	sort -n "$tmp/times.$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo, hi }'
}

# trace_ms IO: the span of the trace of that run, first event to last, in ms.
trace_ms() {
	python3 -c '
import json, sys
ev = [e for e in json.load(open(sys.argv[1]))["traceEvents"] if "ts" in e]
print("%.0f" % ((max(e["ts"] + e.get("dur", 0) for e in ev) - min(e["ts"] for e in ev)) / 1e3))' \
		"$tmp/trace-$1.json"
}

cache_name() {
	case $1 in
	warm) echo "warm" ;;
	direct) echo "cold (O_DIRECT)" ;;
	dropped) echo "cold (caches dropped)" ;;
	esac
}

# Two traces of -j 2 on a cold cache (O_DIRECT): pread against io_uring.
for io in sync uring; do
	$NGC -j 2 --direct --io $io --trace "$tmp/trace-$io.json" $P >/dev/null
	python3 bench/trace_plot.py "$tmp/trace-$io.json" "$dir/trace-$io.png" \
		"-j 2 --direct --io $io over $nfiles files ($(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB)"
done

{
	echo "# Concurrent vs parallel: the comparison"
	echo
	echo "Made by \`make compare\` (bench/compare.sh) on $(date -u +%Y-%m-%d)."
	machine
	echo
	echo "Data: bench/data/plain, $nfiles files, $(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB of v2 text"
	echo "(\`ngramgen --size ${NGC_BENCH_SIZE:-400M} --seed 1\`). Time = median of $runs runs, and their"
	echo "spread (fastest - slowest). Speed-up is against the sequential row on the same cache;"
	echo "\"noise\" marks one whose spread overlaps the sequential row's, which this run cannot tell"
	echo "apart from it. What each mode means: docs/concurrency.md."
	echo
	echo "| Method | I/O | workers | QD | order | cache | time s | spread s | MB/s | speed-up vs sequential |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	for cache in $caches; do
		base=$(cut -d' ' -f1 "$tmp/m.seq.$cache")
		bspread=$(spread "seq.$cache")
		while IFS='|' read -r key method io j qd order label; do
			t=$(cut -d' ' -f1 "$tmp/m.$key.$cache")
			[ "$io" = uring ] && ioname=io_uring || ioname=pread
			awk -v m="$method" -v io="$ioname" -v j="$j" -v qd="$qd" -v o="$order" \
				-v c="$(cache_name "$cache")" -v t="$t" -v b="$bytes" -v base="$base" \
				-v sp="$(spread "$key.$cache")" -v bsp="$bspread" -v self="$key" 'BEGIN {
				split(sp, s, " "); split(bsp, bs, " ")
				noise = self != "seq" && s[1] <= bs[2] && bs[1] <= s[2]
				printf "| %s | %s | %s | %s | %s | %s | %.3f | %.3f-%.3f | %.0f | %.2fx%s |\n",
					m, io, j == 0 ? "0 (parent)" : j, qd, o, c, t, s[1], s[2],
					b / 1e6 / t, base / t, noise ? " (noise)" : "" }'
		done <"$tmp/modes"
	done
	echo
	echo "![time per mode, warm and cold: median, whiskers from the fastest to the slowest run](compare.png)"
	echo
	echo "Traces of the two -j 2 runs on a cold cache (O_DIRECT), drawn from their --trace files"
	echo "(one run each, so not the medians above): pread $(trace_ms sync) ms from the first read to"
	echo "the last write, io_uring $(trace_ms uring) ms."
	echo
	echo "![pread: one read at a time](trace-sync.png)"
	echo "![io_uring: 8 reads in flight (the default queue depth)](trace-uring.png)"
	echo
	echo "## Over a network"
	echo
	echo "$(echo $netfiles | wc -w) of the files, $(awk -v b="$netbytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB, served by tests/tools/httpd.py on 127.0.0.1 paced like"
	echo "a remote store: 50 ms before each answer, 20 MB/s a connection. Same columns as above."
	echo
	echo "| Method | workers | connections | time s | spread s | MB/s | speed-up vs sequential |"
	echo "|---|---|---|---|---|---|---|"
	base=$(cut -d' ' -f1 "$tmp/m.nseq")
	bspread=$(spread nseq)
	while IFS='|' read -r key method j conn; do
		awk -v m="$method" -v j="$j" -v c="$conn" -v t="$(cut -d' ' -f1 "$tmp/m.$key")" \
			-v b="$netbytes" -v base="$base" -v sp="$(spread "$key")" -v bsp="$bspread" \
			-v self="$key" 'BEGIN {
			split(sp, s, " "); split(bsp, bs, " ")
			noise = self != "nseq" && s[1] <= bs[2] && bs[1] <= s[2]
			printf "| %s | %s | %s | %.3f | %.3f-%.3f | %.0f | %.2fx%s |\n",
				m, j == 0 ? "0 (parent)" : j, c, t, s[1], s[2], b / 1e6 / t,
				base / t, noise ? " (noise)" : "" }'
	done <"$tmp/netmodes"
} >"$tmp/results"

# The chart: one group of bars per mode, one bar per cache (median, and
# whiskers from the fastest run to the slowest).
{
	while IFS='|' read -r key method io j qd order label; do
		printf '"%s"' "$label"
		for cache in $caches; do
			printf ' %s %s' "$(cut -d' ' -f1 "$tmp/m.$key.$cache")" "$(spread "$key.$cache")"
		done
		echo
	done <"$tmp/modes"
} >"$tmp/chart.tsv"
plots=
i=2
for cache in $caches; do
	plots="$plots${plots:+, }'$tmp/chart.tsv' using $i:$((i + 1)):$((i + 2)):xtic(1) title '$(cache_name "$cache")'"
	i=$((i + 3))
done
gnuplot <<GP
set terminal pngcairo size 1000,520 font ",10"
set termoption noenhanced
set output "$dir/compare.png"
set title "ngramcount on $nfiles files, $(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB: wall time per mode, median of $runs runs, whiskers min-max (lower is better)"
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set ylabel "seconds"
set yrange [0:*]
set grid ytics
set key top right
set xtics rotate by -25 scale 0
plot $plots
GP
cp "$tmp/results" "$out"
cat "$out"
