#!/usr/bin/env python3
"""The test oracle: ngram totals of v2 files, written independently of the C code.

Usage: oracle.py FILE|DIR...  ->  "ngram TAB total" lines, most frequent first,
ties in byte order. A file is gzip when it starts with 1f 8b (all members are
read); a directory stands for its regular files, sorted by name, dotfiles
skipped. A line counts when it has exactly four TAB-separated fields, a
non-empty ngram, whole-number match and volume, a year of 1 to 4 digits that
is not 0, and no NUL byte (a final CR ignored).
Python integers do not overflow, so any total is exact.
"""
import gzip
import os
import sys

tot = {}
def feed(data):
    for line in data.split(b'\n'):
        if line.endswith(b'\r'):
            line = line[:-1]
        f = line.split(b'\t')
        if len(f) != 4 or not f[0] or not all(x.isdigit() and x.isascii() for x in f[1:]):
            continue
        if b'\0' in line or len(f[1]) > 4 or int(f[1]) == 0 or int(f[2]) >= 2**64 or int(f[3]) >= 2**64:
            continue
        tot[f[0]] = tot.get(f[0], 0) + int(f[2])
for a in sys.argv[1:]:
    paths = [os.path.join(a, n) for n in sorted(os.listdir(a))
             if not n.startswith('.') and os.path.isfile(os.path.join(a, n))] if os.path.isdir(a) else [a]
    for p in paths:
        d = open(p, 'rb').read()
        if d[:2] == b'\x1f\x8b':
            d = gzip.decompress(d)
        feed(d)
out = sys.stdout.buffer
for k, v in sorted(tot.items(), key=lambda kv: (-kv[1], kv[0])):
    out.write(k + b'\t' + str(v).encode() + b'\n')
