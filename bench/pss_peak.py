#!/usr/bin/python3
"""pss_peak.py CMD...: run CMD and print, in KiB, the peak of the summed PSS of
it and all its descendants (shared pages counted once, shared among them)
and the peak PSS of the largest single one, sampled every 20 ms."""
import os
import subprocess
import sys
import time


def children():
    """ppid -> [pid] for every process now."""
    kids = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % d) as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def pss(pid):
    try:
        with open('/proc/%d/smaps_rollup' % pid) as f:
            for line in f:
                if line.startswith('Pss:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    p = subprocess.Popen(sys.argv[1:])
    peak_sum = peak_one = 0
    while p.poll() is None:
        kids, tree, todo = children(), [], [p.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(kids.get(pid, []))
        sizes = [pss(pid) for pid in tree]
        peak_sum = max(peak_sum, sum(sizes))
        peak_one = max([peak_one] + sizes)
        time.sleep(0.02)
    if p.returncode:
        sys.exit('pss_peak: the command exited with %d' % p.returncode)
    print(peak_sum, peak_one)


main()
