#!/usr/bin/env python3
"""trace_plot.py TRACE.json OUT.png [TITLE] - draw an ngramcount --trace
file as a timeline PNG with gnuplot: the reads in flight (one thin lane
per read that overlaps others), then a row per worker (tasks, and the
gzip chunks inside them), the parent's own map, the reducer and the
output. For docs/concurrency.md; Perfetto shows the same file live."""
import json
import subprocess
import sys

COLORS = {"read": "#4e79a7", "partition": "#59a14f", "gzip file": "#8cd17d",
          "inflate+map": "#59a14f", "failed task": "#e15759", "merge": "#f28e2b",
          "sort": "#b07aa1", "write": "#9c755f"}


def main():
    path, out = sys.argv[1], sys.argv[2]
    title = sys.argv[3] if len(sys.argv) > 3 else path
    ev = json.load(open(path, encoding="utf-8"))["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in ev
             if e["ph"] == "M" and e["name"] == "thread_name"}
    begins = {}
    reads = []
    for e in sorted(ev, key=lambda e: e.get("ts", 0)):
        if e["ph"] == "b":
            begins[e["id"]] = e["ts"]
        elif e["ph"] == "e":
            reads.append((begins.pop(e["id"]), e["ts"]))
    # Lanes: a read goes to the first lane that is free when it starts.
    lanes = []
    placed = []
    for t0, t1 in sorted(reads):
        for i, end in enumerate(lanes):
            if end <= t0:
                lanes[i] = t1
                break
        else:
            i = len(lanes)
            lanes.append(t1)
        placed.append((t0, t1, i))
    objs = []
    rows = []
    y = 0.0

    def rect(t0, t1, y0, y1, color):
        objs.append("set object rect from %.3f,%.3f to %.3f,%.3f fc rgb '%s' "
                    "fs solid 0.85 border lc rgb '#333333' lw 0.3" %
                    (t0 / 1e3, y0, max(t1, t0 + 1) / 1e3, y1, color))

    tracks = sorted(t for t in names if t != 1)
    for tid in reversed(tracks):
        spans = [e for e in ev if e["ph"] == "X" and e["tid"] == tid]
        for e in spans:
            inner = e["name"] == "inflate+map"
            rect(e["ts"], e["ts"] + e["dur"], y + (0.3 if inner else 0.1),
                 y + (0.7 if inner else 0.9), COLORS.get(e["name"], "#bab0ab"))
        rows.append((names[tid], y + 0.5))
        y += 1.0
    if placed:
        h = 3.0 / len(lanes)
        for t0, t1, i in placed:
            rect(t0, t1, y + 3.0 - (i + 1) * h, y + 3.0 - i * h + 0.0, COLORS["read"])
        rows.append(("%s\\n(%d lane%s: reads in flight)" % (names.get(1, "reads"), len(lanes), "s" * (len(lanes) > 1)),
                     y + 1.5))
        y += 3.0
    end = max([e["ts"] + e.get("dur", 0) for e in ev if e["ph"] in "Xe"] + [1.0])
    legend = [n for n in ("read", "partition", "gzip file", "merge", "sort", "write")
              if any(e.get("name") == n for e in ev if e["ph"] in "Xb")]
    script = "\n".join([
        "set terminal pngcairo size 1200,%d font ',9'" % (140 + 36 * y),
        "set output '%s'" % out,
        "set termoption noenhanced",
        "set title \"%s\"" % title.replace('"', "'"),
        "set xlabel 'milliseconds since the start'",
        "set xrange [0:%.3f]" % (end / 1e3 * 1.01),
        "set yrange [0:%.3f]" % y,
        "set ytics (%s) scale 0" % ", ".join('"%s" %.2f' % r for r in rows),
        "set grid xtics",
        "set key outside bottom center horizontal",
        "set lmargin 44",
    ] + objs + [
        "plot " + ", ".join("NaN with boxes fs solid lc rgb '%s' title '%s'" % (COLORS[n], n)
                            for n in legend),
    ])
    subprocess.run(["gnuplot"], input=script.encode(), check=True)


main()
