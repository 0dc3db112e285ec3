#!/bin/sh
# bench.sh - `make bench`: ngramcount against its floors and against the
# tools people use instead, on one generated data set, in one run.
#
# Data: bench/data/{plain,gz} (NGC_BENCH_SIZE of v2 text, default 400M, and
# the same lines gzipped), made by build/ngramgen once and kept.
# Each row: median wall time of NGC_BENCH_RUNS runs (default 3) on a warm
# page cache; peak RSS is GNU time's maximum over the process and its
# children. Writes the tables to bench/RESULTS.md and prints them.
set -eu
cd "$(dirname "$0")/.."
size=${NGC_BENCH_SIZE:-400M}
runs=${NGC_BENCH_RUNS:-3}
data=bench/data
out=${NGC_BENCH_OUT:-bench/RESULTS.md}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ngc-bench.XXXXXX")
trap 'stop_servers; rm -rf "$tmp"' EXIT

. bench/lib.sh
gen_set "$data/plain" "$size" 1
gen_set "$data/gz" "$size" 1 --gzip
gen_set "$data/v3" "$size" 1 --format v3
gen_set "$data/text" "$size" 1 --format text
# About 5 M distinct keys (the generator draws a key per ~840 bytes of text,
# and repeats some: 5600M makes 5.04 M distinct),
# for the table's bytes per key and the reduce's rate.
gen_set "$data/keys" "${NGC_BENCH_KEYS_SIZE:-5600M}" 2
# Many distinct keys (issue 27): 2-gram-like keys in random order, two
# lines each (ngramgen --keys), 20 M of them in 40 M lines by default.
hikeys=${NGC_BENCH_HIKEYS:-20M}
gen_set "$data/hikeys" 1M 3 --keys "$hikeys"	# --keys: the size goes unused
# The text set as one gzip file: one task, whose table spills in its worker.
if [ "$(cat "$data/textgz/.made" 2>/dev/null)" != "$(cat "$data/text/.made")" ]; then
	mkdir -p "$data/textgz"
	cat "$data"/text/* | gzip -1 >"$data/textgz/text.gz"
	cp "$data/text/.made" "$data/textgz/.made"
fi
cat "$data"/plain/* "$data"/gz/* >/dev/null	# warm the page cache

plain_mb=$(du -bc "$data"/plain/* | tail -1 | cut -f1)
gz_mb=$(du -bc "$data"/gz/* | tail -1 | cut -f1)
awk_prog='{ a[$1] += $3 } END { for (k in a) print k "\t" a[k] }'

row() {	# row NAME LABEL BYTES BASELINE FLOOR
	set -- "$1" "$2" "$3" "$(cut -d' ' -f1 "$tmp/m.$4")" "$(cut -d' ' -f1 "$tmp/m.$5")"
	read -r wall rss cpu <"$tmp/m.$1"
	awk -v l="$2" -v w="$wall" -v r="$rss" -v c="$cpu" -v b="$3" -v base="$4" -v fl="$5" 'BEGIN {
		printf "| %s | %.3f | %.0f | %.2f | %.0f | %.1fx | %.2fx |\n",
			l, w, b / 1e6 / w, c, r / 1024, base / w, w / fl }'
}

ratio() {	# ratio A B: A's median wall time over B's
	awk -v a="$(cut -d' ' -f1 "$tmp/m.$1")" -v b="$(cut -d' ' -f1 "$tmp/m.$2")" \
		'BEGIN { printf "%.2f", a / b }'
}

mem_row() {	# mem_row NAME RUN INPUT: a row of the memory table
	read -r wall rss cpu <"$tmp/m.$1"
	awk -v run="$2" -v inp="$3" -v w="$wall" -v r="$rss" 'BEGIN {
		printf "| %s | %s | %.2f | %.0f |\n", run, inp, w, r / 1024 }'
}

# trace_cost INPUTS: "A s -> B s (+x %)", the median wall time of -j 2 and
# of -j 2 --trace, 11 runs each, alternated so both see the same machine.
trace_cost() {
	: >"$tmp/tc.off"
	: >"$tmp/tc.on"
	for i in 1 2 3 4 5 6 7 8 9 10 11; do
		for mode in off on; do
			opt=
			[ $mode = off ] || opt="--trace $tmp/trace.json"
			s=$(date +%s%N)
			sh -c "$NGC -j 2 $opt $1 >/dev/null"
			echo $(( $(date +%s%N) - s )) >>"$tmp/tc.$mode"
		done
	done
	a=$(sort -n "$tmp/tc.off" | sed -n 6p)
	b=$(sort -n "$tmp/tc.on" | sed -n 6p)
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f s -> %.3f s (%+.1f %%)", a / 1e9, b / 1e9, (b / a - 1) * 100 }'
}

# share NAME INPUTS: the median parent and workers CPU seconds and reduce
# rate (M keys/s) of $runs runs of -j 2 --stats, into $tmp/share.NAME; and
# one --trace run's busy line (bench/trace_busy.py), into $tmp/busy.NAME.
share() {
	: >"$tmp/share"
	i=0
	while [ $i -lt "$runs" ]; do
		sh -c "$NGC -j 2 --stats=json $2" 2>"$tmp/s" >/dev/null
		echo "$(jget cpu_seconds.parent) $(jget cpu_seconds.workers)" \
			"$(awk -v k="$(jget reduce.keys)" -v s="$(jget reduce.seconds)" \
				'BEGIN { printf "%.1f", (s > 0 ? k / s / 1e6 : 0) }')" >>"$tmp/share"
		i=$((i + 1))
	done
	for c in 1 2 3; do
		cut -d' ' -f$c "$tmp/share" | sort -n | sed -n "$(((runs + 1) / 2))p"
	done | paste -sd' ' >"$tmp/share.$1"
	sh -c "$NGC -j 2 --trace $tmp/trace.json $2" >/dev/null
	python3 bench/trace_busy.py "$tmp/trace.json" >"$tmp/busy.$1"
}

share_row() {	# share_row NAME LABEL
	read -r p w r <"$tmp/share.$1"
	awk -v l="$2" -v p="$p" -v w="$w" -v r="$r" 'BEGIN {
		printf "| %s | %.3f | %.3f | %.1f %% | %.1f |\n", l, p, w, p / w * 100, r }'
}

P="$data/plain/*"
G="$data/gz/*"
NGC="build/ngramcount --no-progress"
measure_alternated scan2 "build/floor scan -j 2 $P" \
	p0 "$NGC -j 0 $P >/dev/null" \
	p1 "$NGC -j 1 $P >/dev/null" \
	p2 "$NGC -j 2 $P >/dev/null" \
	p2sync "$NGC -j 2 --io sync $P >/dev/null" \
	pipep "cat $P | $NGC -j 2 - >/dev/null"
measure mawkp "mawk -F'\t' '$awk_prog' $P >/dev/null"
measure_alternated inflate1 "build/floor inflate -j 1 $G" \
	inflate2 "build/floor inflate -j 2 $G" \
	g2zlib "$NGC -j 2 --inflate zlib $G >/dev/null"
set -- g0 "$NGC -j 0 $G >/dev/null" g1 "$NGC -j 1 $G >/dev/null" g2 "$NGC -j 2 $G >/dev/null" \
	g2sync "$NGC -j 2 --io sync $G >/dev/null" pipeg "cat $G | $NGC -j 2 - >/dev/null"
isal=0
if build/floor isal -j 1 "$data/gz/googlebooks-eng-all-1gram-20120701-0.gz" 2>/dev/null; then
	isal=1
	set -- isal1 "build/floor isal -j 1 $G" isal2 "build/floor isal -j 2 $G" "$@"
fi
# ISA-L's own command over the same files (Debian's isal): the floor as issue 4 words it.
igzip=0
if [ $isal = 1 ] && command -v igzip >/dev/null; then
	igzip=1
	set -- igzip2 "build/floor igzip -j 2 $G" "$@"
fi
measure_alternated "$@"
measure mawkg "zcat $G | mawk -F'\t' '$awk_prog' >/dev/null"
# The Python design (one run: it is slow). Debian's python3 has aiofiles.
py=0
if /usr/bin/python3 -c 'import aiofiles' 2>/dev/null; then
	py=1
	keep=$runs
	runs=1
	measure pyp "/usr/bin/python3 bench/python_mapreduce.py -j 2 $P >/dev/null"
	measure pyg "/usr/bin/python3 bench/python_mapreduce.py -j 2 $G >/dev/null"
	runs=$keep
fi
# Memory: the same keys read ten times (4 GB), and the many-keys set.
keep=$runs
runs=1
P10="$P $P $P $P $P $P $P $P $P $P"
measure p10 "$NGC -j 2 $P10 >/dev/null"
cat "$data"/keys/* >/dev/null	# warm: the rows compare memory, not the disk
measure keys "$NGC -j 2 --stats $data/keys/* 2>$tmp/keys.stats >/dev/null"
cp "$tmp/keys.stats" "$tmp/keys.keep"
share keys "$data/keys/*"
mkdir -p "$tmp/spill"
measure keysspill "$NGC -j 2 --memory 64M --tmpdir $tmp/spill --stats $data/keys/* 2>$tmp/spill.stats >/dev/null"
# Word trigrams of the text set: about 24 M distinct keys, the size of the
# 2012 English 1-gram vocabulary; in memory, then through a 1 GB budget.
measure tri "$NGC -j 2 -n 3 --stats=json $data/text/* 2>$tmp/tri.stats >/dev/null"
measure trispill "$NGC -j 2 -n 3 --memory 512M --tmpdir $tmp/spill --stats $data/text/* 2>$tmp/trispill.stats >/dev/null"
measure trigz "$NGC -j 2 -n 3 $data/textgz/text.gz >/dev/null"
measure trigzspill "$NGC -j 2 -n 3 --memory 1G --tmpdir $tmp/spill --stats $data/textgz/text.gz 2>$tmp/trigzspill.stats >/dev/null"
runs=$keep
# What the options cost: each against the plain -j 2 run (p2) above.
for o in "word:--word silshybet" "top:--top 100" "pos:--pos drop" "icase:--ignore-case" \
	 "peryear:--per-year" "years:--years 1900-1950" "json:--output-format json"; do
	measure "opt.${o%%:*}" "$NGC -j 2 ${o#*:} $P >/dev/null"
done
measure v3 "$NGC -j 2 $data/v3/* >/dev/null"
measure v3mawk "mawk -F'\t' '{ for (i = 2; i <= NF; i++) { split(\$i, r, \",\"); a[\$1] += r[2] } } END { for (k in a) print k \"\t\" a[k] }' $data/v3/* >/dev/null"
measure text "$NGC -j 2 $data/text/* >/dev/null"
measure textmawk "mawk '{ for (i = 1; i <= NF; i++) a[\$i]++ } END { for (k in a) print k \"\t\" a[k] }' $data/text/* >/dev/null"
share plain "$P"
share gz "$G"
trace_cost "$P" >"$tmp/trace.p"
trace_cost "$G" >"$tmp/trace.g"
# Many distinct keys against DuckDB (npm's @duckdb/node-api, installed once
# into build/duckdb), a run of each in turn; memory from PSS samples.
H="$data/hikeys/*"
duck=0
if command -v node >/dev/null && command -v npm >/dev/null; then
	[ -d build/duckdb/node_modules/@duckdb/node-api ] ||
		(mkdir -p build/duckdb && cd build/duckdb &&
		 npm install --silent --no-audit --no-fund @duckdb/node-api >/dev/null 2>&1) || true
	[ -d build/duckdb/node_modules/@duckdb/node-api ] && duck=1
fi
DUCK="NODE_PATH=build/duckdb/node_modules node bench/duckdb_count.cjs 2"
cat "$data"/hikeys/* >/dev/null
set -- hk2 "$NGC -j 2 $H >/dev/null" hk1 "$NGC -j 1 $H >/dev/null"
[ $duck = 0 ] || set -- "$@" hkduck "$DUCK $H >/dev/null"
measure_alternated "$@"
$NGC -j 2 --stats=json $H 2>"$tmp/hk.stats" >/dev/null
python3 bench/pss_peak.py sh -c "$NGC -j 2 $H >/dev/null" >"$tmp/pss.hk2"
python3 bench/pss_peak.py sh -c "$NGC -j 1 $H >/dev/null" >"$tmp/pss.hk1"
[ $duck = 0 ] || python3 bench/pss_peak.py sh -c "$DUCK $H >/dev/null" >"$tmp/pss.hkduck"
# The gzip set through ngramcount-dask (a LocalCluster of 2 workers) against -j 2.
dask=0
if /usr/bin/python3 -c 'import distributed' 2>/dev/null; then
	dask=1
	measure_alternated daskgz "/usr/bin/python3 scripts/ngramcount-dask --ngramcount build/ngramcount --workers 2 --out $tmp/dask $G >/dev/null" \
		daskj2 "$NGC -j 2 $G >/dev/null"
fi
# URL inputs (issue 30): the gzip and plain sets served by tests/tools/httpd.py
# on 127.0.0.1 (Python, on the same 2 cores) at loopback speed, and the gzip set
# paced as a remote store (50 ms before each answer, 20 MB/s a connection),
# against the same files on disk; then a second run from --cache.
serve fast "$data"
serve paced "$data" --pace-latency 0.05 --pace-rate 20e6
UG=$(urls fast gz)
UP=$(urls fast plain)
UGP=$(urls paced gz)
measure_alternated ugdisk "$NGC -j 2 $G >/dev/null" \
	ug1 "$NGC -j 2 --connections 1 $UG >/dev/null" \
	ug4 "$NGC -j 2 --connections 4 $UG >/dev/null" \
	ug8 "$NGC -j 2 --connections 8 $UG >/dev/null" \
	ug8j8 "$NGC -j 8 --connections 8 $UG >/dev/null"
measure_alternated updisk "$NGC -j 2 $P >/dev/null" \
	up1 "$NGC -j 2 --connections 1 $UP >/dev/null" \
	up4 "$NGC -j 2 --connections 4 $UP >/dev/null" \
	up8 "$NGC -j 2 --connections 8 $UP >/dev/null"
measure_alternated pg11 "$NGC -j 1 --connections 1 $UGP >/dev/null" \
	pg1 "$NGC -j 2 --connections 1 $UGP >/dev/null" \
	pg4 "$NGC -j 2 --connections 4 $UGP >/dev/null" \
	pg8 "$NGC -j 2 --connections 8 $UGP >/dev/null" \
	pg8j8 "$NGC -j 8 --connections 8 $UGP >/dev/null" \
	pg16j16 "$NGC -j 16 --connections 16 $UGP >/dev/null"
$NGC -j 2 --cache "$tmp/cache" $UG >/dev/null
measure ugcache "$NGC -j 2 --cache $tmp/cache $UG >/dev/null"
stop_servers
measure pipe "build/handoff pipe -j 2 -s 400"
measure shm "build/handoff shm -j 2 -s 400"

$NGC --stats=json -j 2 $P 2>"$tmp/stats" >/dev/null
keys=$(jget distinct_ngrams "$tmp/stats")
lines=$(jget lines "$tmp/stats")

{
	echo "# Benchmark results"
	echo
	echo "Made by \`make bench\` (bench/bench.sh) on $(date -u +%Y-%m-%d)."
	machine
	echo
	echo "Data: \`ngramgen --size $size --seed 1\`: 39 files, $(awk -v b="$plain_mb" 'BEGIN { printf "%.0f", b / 1e6 }') MB of"
	echo "v2 text, $lines lines, $keys distinct ngrams; gzip -6: $(awk -v b="$gz_mb" 'BEGIN { printf "%.0f", b / 1e6 }') MB."
	echo "Warm page cache. Wall = median of $runs runs; CPU = user+sys of all processes;"
	echo "RSS = peak of the largest process. Ratios are against rows of this same run; the"
	echo "floors and ngramcount's -j rows of each table ran in turn, a run of each a round."
	echo
	echo "## Plain text"
	echo
	echo "| run | wall s | MB/s | CPU s | peak RSS MiB | vs mawk | x scan floor |"
	echo "|---|---|---|---|---|---|---|"
	row scan2 "floor: memchr scan, 2 processes" "$plain_mb" mawkp scan2
	row p0 "ngramcount -j 0" "$plain_mb" mawkp scan2
	row p1 "ngramcount -j 1" "$plain_mb" mawkp scan2
	row p2 "ngramcount -j 2" "$plain_mb" mawkp scan2
	row p2sync "ngramcount -j 2 --io sync" "$plain_mb" mawkp scan2
	row pipep "cat FILES \\| ngramcount -j 2 - (one stream)" "$plain_mb" mawkp scan2
	row mawkp "mawk: {a[\$1]+=\$3} over the files" "$plain_mb" mawkp scan2
	[ $py = 0 ] || row pyp "Python: asyncio+aiofiles, ProcessPoolExecutor(2), reduce (1 run)" "$plain_mb" mawkp scan2
	echo
	echo "## gzip (MB/s of inflated text)"
	echo
	echo "ngramcount rows use its default inflate backend ($($NGC --stats=json -j 0 "$data/gz/googlebooks-eng-all-1gram-20120701-0.gz" 2>"$tmp/s" >/dev/null; jget inflate));"
	echo "'x floor' is against the floor of that backend with 2 processes."
	echo
	echo "| run | wall s | MB/s | CPU s | peak RSS MiB | vs zcat+mawk | x inflate floor |"
	echo "|---|---|---|---|---|---|---|"
	row inflate1 "floor: zlib inflate, 1 process" "$plain_mb" mawkg inflate2
	row inflate2 "floor: zlib inflate, 2 processes" "$plain_mb" mawkg inflate2
	fl=inflate2
	if [ $isal = 1 ]; then
		row isal1 "floor: ISA-L inflate, 1 process" "$plain_mb" mawkg isal2
		row isal2 "floor: ISA-L inflate, 2 processes" "$plain_mb" mawkg isal2
		[ $igzip = 0 ] || row igzip2 "floor: igzip -d -c, 2 processes" "$plain_mb" mawkg isal2
		row g2zlib "ngramcount -j 2 --inflate zlib" "$plain_mb" mawkg inflate2
		fl=isal2
	fi
	row g0 "ngramcount -j 0" "$plain_mb" mawkg $fl
	row g1 "ngramcount -j 1" "$plain_mb" mawkg $fl
	row g2 "ngramcount -j 2" "$plain_mb" mawkg $fl
	row g2sync "ngramcount -j 2 --io sync" "$plain_mb" mawkg $fl
	row pipeg "cat FILES \\| ngramcount -j 2 - (one gzip stream)" "$plain_mb" mawkg $fl
	row mawkg "zcat FILES, piped to the same mawk" "$plain_mb" mawkg inflate2
	[ $py = 0 ] || row pyg "Python: asyncio+aiofiles, ProcessPoolExecutor(2), reduce (1 run)" "$plain_mb" mawkg inflate2
	echo
	echo "A stream against the same files (-j 2): plain $(ratio pipep p2)x (target 2x at most),"
	echo "gzip $(ratio pipeg g2)x (target 2.5x: a stream is one task, inflated on one core)."
	echo
	echo "--trace costs (-j 2 with and without it, 11 runs each, alternated; median wall):"
	echo "plain $(cat "$tmp/trace.p"), gzip $(cat "$tmp/trace.g")."
	echo
	echo "## The parent's share, and the reduce (-j 2)"
	echo
	echo "CPU seconds from --stats (median of $runs runs; the many-keys set: 1 run). The reduce"
	echo "rate is keys merged per second of the parent's merging, which shares the 2 cores with"
	echo "the workers. The busy lines come from a --trace of one run (bench/trace_busy.py)."
	echo
	echo "| run | parent CPU s | workers CPU s | parent / workers | reduce M keys/s |"
	echo "|---|---|---|---|---|"
	share_row plain "plain set"
	share_row gz "gzip set"
	share_row keys "many-keys set (5 M distinct)"
	echo
	for s in plain:plain gz:gzip keys:many-keys; do
		echo "- ${s#*:} set: $(cat "$tmp/busy.${s%%:*}")"
	done
	echo
	echo "## Formats and options (-j 2)"
	echo
	echo "Each option on the plain set against the plain run; v3 and text sets of the same"
	echo "size (\`ngramgen --format v3|text --size $size\`) against mawk doing the same sum."
	echo
	echo "| run | wall s | MB/s | CPU s | peak RSS MiB | vs baseline | baseline |"
	echo "|---|---|---|---|---|---|---|"
	for o in "word:--word W (one ngram)" "top:--top 100" "pos:--pos drop" "icase:--ignore-case" \
		 "peryear:--per-year" "years:--years 1900-1950" "json:--output-format json"; do
		row "opt.${o%%:*}" "ngramcount ${o#*:}" "$plain_mb" p2 p2 | sed 's/| [0-9.]*x |$/| ngramcount -j 2 |/'
	done
	v3_mb=$(du -bc "$data"/v3/* | tail -1 | cut -f1)
	text_mb=$(du -bc "$data"/text/* | tail -1 | cut -f1)
	row v3 "ngramcount, v3 set" "$v3_mb" v3mawk v3mawk | sed 's/| [0-9.]*x |$/| mawk |/'
	row v3mawk "mawk: split each year,match,volume" "$v3_mb" v3mawk v3mawk | sed 's/| [0-9.]*x |$/| mawk |/'
	row text "ngramcount, text set (word count)" "$text_mb" textmawk textmawk | sed 's/| [0-9.]*x |$/| mawk |/'
	row textmawk "mawk: {for (i = 1; i <= NF; i++) a[\$i]++}" "$text_mb" textmawk textmawk | sed 's/| [0-9.]*x |$/| mawk |/'
	echo
	echo "## Memory"
	echo
	echo "| run | input | wall s | peak RSS MiB |"
	echo "|---|---|---|---|"
	gb=$(awk -v b="$plain_mb" 'BEGIN { printf "%.1f", b / 1e9 }')
	mem_row p2 "ngramcount -j 2" "the plain set, $gb GB"
	gb=$(awk -v b="$plain_mb" 'BEGIN { printf "%.1f", 10 * b / 1e9 }')
	mem_row p10 "ngramcount -j 2" "the plain set named 10 times, $gb GB"
	gb=$(du -bc "$data"/keys/* | tail -1 | awk '{ printf "%.1f", $1 / 1e9 }')
	mem_row keys "ngramcount -j 2" "many-keys set, $gb GB"
	mem_row keysspill "ngramcount -j 2 --memory 64M (spills)" "many-keys set, $gb GB"
	tri=$(jget distinct_ngrams "$tmp/tri.stats" | awk '{ printf "%.1f M", $1 / 1e6 }')
	mem_row tri "ngramcount -j 2 -n 3" "text set: $tri distinct word trigrams"
	mem_row trispill "ngramcount -j 2 -n 3 --memory 512M (spills)" "text set: $tri distinct word trigrams"
	mem_row trigz "ngramcount -j 2 -n 3" "the text set as one gzip file (one task): $tri trigrams"
	mem_row trigzspill "ngramcount -j 2 -n 3 --memory 1G (its worker spills)" \
		"the text set as one gzip file (one task): $tri trigrams"
	echo
	echo "Read buffers come from one pool (\`buffers\` in --stats), so ten times the input costs no"
	echo "more memory; the table grows with distinct keys only. The many-keys run's --stats:"
	echo
	echo '```'
	grep -E "distinct|table memory|reduce|wall|cpu|buffers" "$tmp/keys.keep"
	echo '```'
	echo
	echo "The same with --memory 64M: the table (twice that, above) spills to sorted runs, a run per"
	echo "hash partition; the partitions are merged back k-way and sorted by count on disk at the"
	echo "same time, a process each; the output is the same bytes:"
	echo
	echo '```'
	grep -E "distinct|spilled|wall|cpu" "$tmp/spill.stats"
	echo '```'
	echo
	echo "The text set as one gzip file is one task: its worker's table holds every trigram"
	echo "until the stream ends, so with --memory 1G the worker writes task runs past its share"
	echo "(a quarter of the budget less the buffers, with -j 2); the output is the same bytes:"
	echo
	echo '```'
	grep -E "distinct|spilled|wall|cpu" "$tmp/trigzspill.stats"
	echo '```'
	echo
	echo "## Many distinct keys (issue 27)"
	echo
	hkeys=$(jget distinct_ngrams "$tmp/hk.stats")
	hk_mb=$(du -bc "$data"/hikeys/* | tail -1 | cut -f1)
	echo "\`ngramgen --keys $hikeys --seed 3\`: $hkeys distinct 2-gram-like keys, two lines each,"
	echo "in random order, 16 files, $(awk -v b="$hk_mb" 'BEGIN { printf "%.0f", b / 1e6 }') MB. Memory: the peak of the summed PSS of all"
	echo "the run's processes (shared pages once), and of the largest, sampled every 20 ms."
	echo
	echo "| run | wall s | CPU s | peak PSS, all MiB | bytes a key | largest MiB |"
	echo "|---|---|---|---|---|---|"
	for r in "hk2:ngramcount -j 2" "hk1:ngramcount -j 1" "hkduck:DuckDB, GROUP BY, 2 threads (npm @duckdb/node-api)"; do
		[ -f "$tmp/m.${r%%:*}" ] || continue
		read -r wall rss cpu <"$tmp/m.${r%%:*}"
		read -r sum one <"$tmp/pss.${r%%:*}"
		awk -v l="${r#*:}" -v w="$wall" -v c="$cpu" -v s="$sum" -v o="$one" -v k="$hkeys" 'BEGIN {
			printf "| %s | %.2f | %.2f | %.0f | %.0f | %.0f |\n", l, w, c, s / 1024, s * 1024 / k, o / 1024 }'
	done
	[ $duck = 1 ] || echo "(DuckDB: not installed here; npm could not fetch @duckdb/node-api.)"
	echo
	echo "Targets: -j 2 against DuckDB $([ $duck = 1 ] && ratio hkduck hk2 || echo -)x faster (target 4x);"
	echo "-j 2 against -j 1 $(ratio hk1 hk2)x (target 1.8x); $(awk -v k="$hkeys" '{ printf "%.0f", $1 * 1024 / k }' "$tmp/pss.hk2") bytes a key (target 48);"
	echo "the reduce $(awk -v k="$(jget reduce.keys "$tmp/hk.stats")" -v s="$(jget reduce.seconds "$tmp/hk.stats")" 'BEGIN { printf "%.1f", k / s / 1e6 }') M keys/s in --stats (target 25). --per-year on the plain set:"
	echo "$(ratio opt.peryear p2)x the plain run, $(awk '{ printf "%.0f", $2 / 1024 }' "$tmp/m.opt.peryear") MiB (targets 2x, 200 MB); -n 3 on the text set: see Memory"
	echo "(targets 10 s and 1.5 GB; with --memory 512M under 2x that time)."
	echo
	echo "## Beyond one machine: ngramcount-dask (issue 31)"
	echo
	if [ $dask = 1 ]; then
		echo "The gzip set through scripts/ngramcount-dask on a LocalCluster of 2 worker processes"
		echo "(2 reducers), against ngramcount -j 2 on the same files: what the engine costs on one machine."
		echo
		echo "| run | wall s | CPU s |"
		echo "|---|---|---|"
		for r in "daskgz:ngramcount-dask, LocalCluster of 2 workers" "daskj2:ngramcount -j 2"; do
			read -r wall rss cpu <"$tmp/m.${r%%:*}"
			awk -v l="${r#*:}" -v w="$wall" -v c="$cpu" 'BEGIN { printf "| %s | %.2f | %.2f |\n", l, w, c }'
		done
		echo
		echo "ngramcount-dask takes $(ratio daskgz daskj2)x the time of -j 2."
	else
		echo "(Dask distributed is not installed here: scripts/install-deps.sh installs python3-distributed.)"
	fi
	echo
	echo "## URL inputs (issue 30)"
	echo
	echo "The sets above served over HTTP by tests/tools/httpd.py on 127.0.0.1 (Python's threaded"
	echo "http.server, sharing the 2 cores): at loopback speed, and paced like a remote store, 50 ms"
	echo "before each answer and 20 MB/s a connection (GCS gives a client tens of MB/s a stream)."
	echo "Each group ran in turn, a run of each a round. MB/s: text counted. A gzip file is one"
	echo "worker's task, so at most -j gzip downloads run at once, whatever --connections says."
	echo
	echo "| run | wall s | MB/s | CPU s | peak RSS MiB | vs the files on disk | x the first row |"
	echo "|---|---|---|---|---|---|---|"
	row ugdisk "gzip set, files on disk, -j 2" "$plain_mb" ugdisk ugdisk
	row ug1 "gzip set, loopback, -j 2 --connections 1" "$plain_mb" ugdisk ugdisk
	row ug4 "gzip set, loopback, -j 2 --connections 4" "$plain_mb" ugdisk ugdisk
	row ug8 "gzip set, loopback, -j 2 --connections 8" "$plain_mb" ugdisk ugdisk
	row ug8j8 "gzip set, loopback, -j 8 --connections 8" "$plain_mb" ugdisk ugdisk
	row ugcache "gzip set, second run from --cache, -j 2" "$plain_mb" ugdisk ugdisk
	row updisk "plain set, files on disk, -j 2" "$plain_mb" updisk updisk
	row up1 "plain set, loopback, -j 2 --connections 1" "$plain_mb" updisk updisk
	row up4 "plain set, loopback, -j 2 --connections 4" "$plain_mb" updisk updisk
	row up8 "plain set, loopback, -j 2 --connections 8" "$plain_mb" updisk updisk
	row pg11 "gzip set, paced, -j 1 --connections 1 (one at a time)" "$plain_mb" ugdisk pg11
	row pg1 "gzip set, paced, -j 2 --connections 1" "$plain_mb" ugdisk pg11
	row pg4 "gzip set, paced, -j 2 --connections 4" "$plain_mb" ugdisk pg11
	row pg8 "gzip set, paced, -j 2 --connections 8" "$plain_mb" ugdisk pg11
	row pg8j8 "gzip set, paced, -j 8 --connections 8" "$plain_mb" ugdisk pg11
	row pg16j16 "gzip set, paced, -j 16 --connections 16" "$plain_mb" ugdisk pg11
	echo
	echo "'vs the files on disk' is the disk run's time over this one's (1.0x: as fast);"
	echo "'x the first row' is this one's time over the first row of its group."
	echo
	echo "## Handing partitions to workers: pipe copy vs shared slots"
	echo
	echo "400 MB in 2 MiB partitions to 2 workers that scan each for LF (bench/handoff.c)."
	echo
	echo "| hand-off | wall s | MB/s |"
	echo "|---|---|---|"
	for m in pipe shm; do
		read -r wall rss cpu <"$tmp/m.$m"
		awk -v m="$m" -v w="$wall" 'BEGIN { printf "| %s | %.3f | %.0f |\n",
			m == "pipe" ? "bytes copied through the pipe" : "slot named in a 32-byte message (ngramcount)", w, 400 / w }'
	done
} >"$tmp/results"
if [ -f bench/NOTES.md ]; then
	{ echo; cat bench/NOTES.md; } >>"$tmp/results"
fi
cp "$tmp/results" "$out"
cat "$out"
