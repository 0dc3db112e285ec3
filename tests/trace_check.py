#!/usr/bin/env python3
"""trace_check.py TRACE.json FILE... - check an ngramcount --trace file
against the input files themselves (an independent count).

Checks: the JSON loads and is in Chrome's Trace Event Format; the reader,
reduce and output tracks are named, and a track per worker (or the
parent's, with -j 0); on each worker track the task spans never overlap
and every chunk span lies inside its gzip task; the reads cover every
input byte exactly once; the tasks' lines add up to the input's lines
(plain partitions leave out the lines that straddle two reads, which the
parent joins: at most one per read); one merge per task; with
--order submission (-s), the merges run in task order.
Prints what it found and exits 1 on the first failed check.
"""
import gzip
import json
import os
import sys


def fail(msg):
    print("trace_check: " + msg)
    sys.exit(1)


def lines_of(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    n = 0
    last = b"\n"
    with opener(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            n += block.count(b"\n")
            last = block[-1:]
    return n + (last != b"\n"), opener is gzip.open


def main():
    args = sys.argv[1:]
    submission = args[:1] == ["-s"]
    if submission:
        args = args[1:]
    trace, inputs = args[0], args[1:]
    files = []
    for p in inputs:
        if os.path.isdir(p):
            files += [os.path.join(p, n) for n in sorted(os.listdir(p))
                      if not n.startswith(".")]
        else:
            files.append(p)
    doc = json.load(open(trace, encoding="utf-8"))
    ev = doc["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in ev
             if e["ph"] == "M" and e["name"] == "thread_name"}
    for want in ("reads: ", "reduce (", "output"):
        if not any(n.startswith(want) for n in names.values()):
            fail("no track named %r*: %s" % (want, sorted(names.values())))
    workers = [t for t, n in names.items() if n.startswith("worker ") or n.startswith("parent: map")]
    if not workers:
        fail("no worker or parent map track")
    for e in ev:
        if e["ph"] in "Xbe" and not (isinstance(e["ts"], (int, float)) and e["ts"] >= 0):
            fail("bad ts: %r" % e)
        if e["ph"] == "X" and e["dur"] < 0:
            fail("negative duration: %r" % e)

    # Reads: begin/end pairs per id, and together every byte of every file.
    begun = {}
    read_bytes = {}
    nreads = 0
    for e in ev:
        if e["ph"] == "b":
            if e["id"] in begun:
                fail("read %d begun twice" % e["id"])
            begun[e["id"]] = e
            f = e["args"]["file"]
            read_bytes.setdefault(f, []).append((e["args"]["offset"], e["args"]["bytes"]))
            nreads += 1
        elif e["ph"] == "e":
            b = begun.pop(e["id"], None)
            if b is None or e["ts"] < b["ts"]:
                fail("read end without its begin: %r" % e)
    if begun:
        fail("reads never ended: %d" % len(begun))
    for f in files:
        # The trace writes each byte of a name that is not UTF-8 as U+FFFD.
        shown = os.fsencode(f).decode("utf-8", "replace")
        spans = sorted(read_bytes.get(shown, []))
        off = 0
        for o, n in spans:
            if o != off:
                fail("%s: reads leave a gap or overlap at byte %d" % (f, off))
            off += n
        if off != os.path.getsize(f):
            fail("%s: reads cover %d of %d bytes" % (f, off, os.path.getsize(f)))

    # Tasks: no overlap on a track; chunks inside their gzip task.
    tasks = 0
    task_lines = 0
    plain_lines = 0
    for tid in workers:
        spans = sorted((e for e in ev if e["ph"] == "X" and e["tid"] == tid),
                       key=lambda e: (e["ts"], -e["dur"]))
        top = [e for e in spans if e["name"] in ("partition", "gzip file", "failed task")]
        for a, b in zip(top, top[1:]):
            if b["ts"] < a["ts"] + a["dur"] - 1e-3:
                fail("%s: %s at %.3f overlaps %s at %.3f" % (names[tid], b["name"], b["ts"],
                                                           a["name"], a["ts"]))
        for c in (e for e in spans if e["name"] == "inflate+map"):
            if not any(g["name"] == "gzip file" and g["args"]["file"] == c["args"]["file"] and
                       g["ts"] - 1e-3 <= c["ts"] and
                       c["ts"] + c["dur"] <= g["ts"] + g["dur"] + 1e-3 for g in top):
                fail("%s: chunk at %.3f is not inside its gzip task" % (names[tid], c["ts"]))
        tasks += len(top)
        for e in top:
            task_lines += e["args"].get("lines", 0)
            if e["name"] == "partition":
                plain_lines += e["args"]["lines"]

    want = 0
    want_plain = 0
    for f in files:
        n, gz = lines_of(f)
        want += n
        want_plain += 0 if gz else n
    seams = want_plain - plain_lines
    if task_lines + seams != want or seams < 0 or seams > nreads:
        fail("tasks hold %d lines, %d in plain partitions; the files hold %d (%d plain) "
             "in %d reads" % (task_lines, plain_lines, want, want_plain, nreads))

    merges = [e for e in ev if e["ph"] == "X" and e["name"] == "merge"]
    if workers != [2] and len(merges) != tasks:
        fail("%d merges for %d tasks" % (len(merges), tasks))
    order = [e["args"]["task"] for e in sorted(merges, key=lambda e: e["ts"])]
    if submission and order != sorted(order):
        fail("--order submission merged out of order: %s" % order[:20])
    for name in ("sort", "write"):
        if not any(e["ph"] == "X" and e["name"] == name for e in ev):
            fail("no %s span" % name)
    print("trace_check: %d events, %d reads, %d tasks on %d tracks, %d lines (%d joined "
          "by the parent), %d merges" % (len(ev), nreads, tasks, len(workers), want, seams,
                                         len(merges)))


main()
