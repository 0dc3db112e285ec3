#!/usr/bin/env python3
"""trace_busy.py TRACE.json - one line on where an ngramcount --trace run
spent its time: the map phase (first task start to last task end), how
busy each worker and the parent's reduce were in it, then the output's
sort and write. For bench/bench.sh: is the reduce the critical path?"""
import json
import sys

TASKS = ("partition", "gzip file", "failed task")


def main():
    ev = json.load(open(sys.argv[1], encoding="utf-8"))["traceEvents"]
    spans = [e for e in ev if e["ph"] == "X"]
    tasks = [e for e in spans if e["name"] in TASKS]
    if not tasks:
        sys.exit("trace_busy: no worker tasks in " + sys.argv[1])
    t0 = min(e["ts"] for e in tasks)
    t1 = max(e["ts"] + e["dur"] for e in tasks)
    phase = t1 - t0

    def busy(names, tid=None):
        return sum(e["dur"] for e in spans if e["name"] in names
                   and (tid is None or e["tid"] == tid)) / phase * 100

    workers = sorted({e["tid"] for e in tasks})
    out = {n: sum(e["dur"] for e in spans if e["name"] == n) / 1e6
           for n in ("sort", "write")}
    print("map phase %.2f s: workers busy %s; the parent merging %.0f %%; "
          "then sort %.2f s, write %.2f s" %
          (phase / 1e6, ", ".join("%.0f %%" % busy(TASKS, w) for w in workers),
           busy(("merge",)), out["sort"], out["write"]))


if __name__ == "__main__":
    main()
