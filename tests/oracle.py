#!/usr/bin/env python3
"""The test oracle: what ngramcount should print, written independently of
the C code, from the rules in README.md.

Usage: oracle.py [options] FILE|DIR...  (options as ngramcount's: --format,
-n, --field, --years, --pos, --ignore-case, --word, --words, --per-year,
--totals, --min-count, --top, --sort, --output-format)

Inputs: a file is gzip when it starts with 1f 8b (all members are read), a
zip archive when it starts with PK 03 04 (its members, in order); a
directory stands for its regular files, sorted by name, dotfiles skipped.
Formats (--format auto looks at each file's first data lines):
  v1  ngram TAB year TAB match TAB page TAB volume
  v2  ngram TAB year TAB match TAB volume
  v3  ngram TAB year,match,volume [TAB year,match,volume]...
  totalcounts  [blanks TAB] year,match,page,volume TAB ...  or (v1)
      year TAB match TAB page TAB volume, after a '#Total counts' header
  text  whitespace-separated words; -n N counts runs of N words in a line
A line counts whole or not at all: a non-empty ngram, years of 1 to 4
digits that are not 0, whole numbers below 2^64, no NUL byte (a final CR
ignored). Python integers do not overflow, so any total is exact.
"""
import argparse
import csv
import gzip
import io
import json
import os
import re
import sys
import unicodedata
import zipfile

TAGS = rb'(NOUN|VERB|ADJ|ADV|PRON|DET|ADP|NUM|CONJ|PRT|X|\.)'
BARE = re.compile(rb'^_(' + TAGS[1:-1] + rb'|START|END|ROOT)_$')
SUFFIX = re.compile(rb'^.+(_' + TAGS + rb')$', re.S)
NUM = re.compile(rb'^[0-9]+$')
TRIPLE = re.compile(rb'^[0-9]+,[0-9]+,[0-9]+$')
QUAD = re.compile(rb'^[0-9]+,[0-9]+,[0-9]+,[0-9]+$')
LIMIT = 2 ** 64


def year_ok(y):
    return NUM.match(y) is not None and len(y) <= 4 and int(y) > 0


def nums_ok(xs):
    return all(NUM.match(x) and int(x) < LIMIT for x in xs)


def tag_len(tok):
    if BARE.match(tok):
        return len(tok)
    m = SUFFIX.match(tok)
    return len(m.group(1)) if m else 0


def tagged(key):
    return any(tag_len(t) for t in key.split(b' '))


def fold(key):
    out = []
    for tok in key.split(b' '):
        n = tag_len(tok)
        word, tag = tok[:len(tok) - n], tok[len(tok) - n:]
        try:
            word = unicodedata.normalize('NFC', word.decode('utf-8').casefold()).encode()
        except UnicodeDecodeError:
            word = bytes(c + 32 if 65 <= c <= 90 else c for c in word)
        out.append(word + tag)
    return b' '.join(out)


def kind(line):
    """What one data line looks like: v1, v2, v3, num4, csv4, tabnum (word TAB
    number, but none of those) or other."""
    f = line.split(b'\t')
    if len(f) == 1:
        return 'csv4' if QUAD.match(line) else 'other'
    if not f[0]:
        return 'tabnum' if f[1][:1].isdigit() else 'other'
    if TRIPLE.match(f[1]):
        return 'v3'
    if len(f) == 5 and all(NUM.match(x) for x in f[1:]):
        return 'v1'
    if len(f) == 4 and all(NUM.match(x) for x in f[1:]):
        return 'num4' if NUM.match(f[0]) else 'v2'
    if f[1][:1].isdigit():
        return 'tabnum'
    return 'other'


def sniff_window(head, whole, final):
    """format.c's sniff_window: a format, or None to look further."""
    first = head.split(b'\n', 1)[0].lstrip(b' ')
    if first[:1] == b'\t' and QUAD.match(first[1:].split(b'\t')[0]):
        return 'totals'
    pieces = head.split(b'\n')
    seen = {}
    header = False
    year, csv_years, n = 0, True, 0
    for i, line in enumerate(pieces):
        cut = i == len(pieces) - 1      # no LF after it in the window
        if n == 64 or (cut and not line):
            break
        if cut and not whole and not (final and n == 0):
            break
        line = line[:-1] if line.endswith(b'\r') else line
        k = kind(line)
        if not line or (line.startswith(b'#') and k == 'other'):
            header |= line.startswith(b'#Total counts')
            continue
        if k == 'csv4':
            y = line.split(b',')[0]
            if len(y) == 4 and int(y) > year:
                year = int(y)
            else:
                csv_years = False
        seen[k] = seen.get(k, 0) + 1
        n += 1
    if not whole and not final and n < 8:
        return None
    if n == 0:
        return 'totals' if header else 'v2'
    v1, v2, v3 = seen.get('v1', 0), seen.get('v2', 0), seen.get('v3', 0)
    num4, tab = seen.get('num4', 0), seen.get('tabnum', 0)
    if header and num4 and not (v1 or v2 or v3):
        return 'totals'
    if seen.get('csv4', 0) == n and csv_years:
        return 'totals'
    if v3 and v3 >= v2 + num4 and v3 >= v1:
        return 'v3'
    if v1 and v1 >= v2 + num4:
        return 'v1'
    return 'v2' if v2 or num4 or tab else 'text'


def sniff(data):
    """format_sniff: windows of 64 KiB, 1 MiB, 16 MiB until one can tell."""
    cap = 65536
    while True:
        whole = len(data) <= cap
        f = sniff_window(data[:cap], whole, whole or cap >= 16 << 20)
        if f:
            return f
        cap *= 16


def records(fmt, line):
    """(ngram, [(year, match, page, volume)...]) of a good line, else None."""
    if b'\0' in line:
        return None
    if line.endswith(b'\r'):
        line = line[:-1]
    f = line.split(b'\t')
    if fmt in ('v1', 'v2'):
        if len(f) != (5 if fmt == 'v1' else 4) or not f[0] or not year_ok(f[1]) \
                or not nums_ok(f[2:]):
            return None
        n = [int(x) for x in f[2:]]
        return f[0], [(int(f[1]), n[0], n[1] if fmt == 'v1' else 0, n[-1])]
    if fmt == 'v3':
        recs = []
        if len(f) < 2 or not f[0]:
            return None
        for r in f[1:]:
            if not r:
                continue
            p = r.split(b',')
            if len(p) != 3 or not year_ok(p[0]) or not nums_ok(p[1:]):
                return None
            recs.append((int(p[0]), int(p[1]), 0, int(p[2])))
        return (f[0], recs) if recs else None
    # totalcounts
    body = line.lstrip(b' \t')
    if b',' not in body:
        if len(f) != 4 or not year_ok(f[0]) or not nums_ok(f[1:]):
            return None
        return b'', [tuple(int(x) for x in f)]
    recs = []
    for r in body.split(b'\t'):
        if not r:
            continue
        p = r.split(b',')
        if len(p) != 4 or not year_ok(p[0]) or not nums_ok(p[1:]):
            return None
        recs.append(tuple(int(x) for x in p))
    return (b'', recs) if recs else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--format', default='auto')
    ap.add_argument('-n', type=int, default=1)
    ap.add_argument('--field', default='match')
    ap.add_argument('--years', default='-')
    ap.add_argument('--pos', default='keep')
    ap.add_argument('--ignore-case', action='store_true')
    ap.add_argument('--word', action='append', default=[])
    ap.add_argument('--words')
    ap.add_argument('--per-year', action='store_true')
    ap.add_argument('--totals', action='store_true')
    ap.add_argument('--min-count', type=int, default=0)
    ap.add_argument('--top', type=int, default=0)
    ap.add_argument('--sort')
    ap.add_argument('--output-format', default='tsv')
    ap.add_argument('inputs', nargs='+')
    a = ap.parse_args()

    lo, _, hi = a.years.partition('-') if '-' in a.years else (a.years, '', a.years)
    lo, hi = int(lo or 0), int(hi or 9999)
    field = {'match': 1, 'page': 2, 'volume': 3}[a.field]
    only = None
    if a.word or a.words:
        ws = [w.encode() for w in a.word]
        if a.words:
            ws += [w.rstrip(b'\r') for w in open(a.words, 'rb').read().split(b'\n')]
        only = {fold(w) if a.ignore_case else w for w in ws if w}

    def key_of(k):
        if a.pos == 'drop' and tagged(k) or a.pos == 'only' and not tagged(k):
            return None
        k = fold(k) if a.ignore_case else k
        return k if only is None or k in only else None

    tot = {}

    def add(k, v):
        tot[k] = tot.get(k, 0) + v

    def files(d):
        """A folder's files, and its folders' (not through links), by name."""
        for n in sorted(os.listdir(d)):
            p = os.path.join(d, n)
            if n.startswith('.'):
                continue
            if os.path.isfile(p):
                yield p
            elif os.path.isdir(p) and not os.path.islink(p):
                yield from files(p)

    inputs = []     # (path, found in a folder, a stream, text, format)
    for arg in a.inputs:
        paths = files(arg) if os.path.isdir(arg) else [arg]
        for p in paths:
            d = open(p, 'rb').read()
            if d[:2] == b'\x1f\x8b':
                d = gzip.decompress(d)
            elif d[:4] in (b'PK\x03\x04', b'PK\x05\x06'):
                z = zipfile.ZipFile(io.BytesIO(d))
                d = b''.join(z.read(n) for n in z.namelist())
            fmt = sniff(d) if a.format == 'auto' else a.format
            inputs.append((p, p != arg, not os.path.isfile(p), d, fmt))
    # Text among ngram files: passed over in a folder, an error when named.
    if a.format == 'auto' and any(i[4] in ('v1', 'v2', 'v3', 'totals') for i in inputs):
        for p, in_dir, stream, d, fmt in inputs:
            if fmt == 'text' and not in_dir and not stream:
                sys.exit('oracle: %s: text among ngram files' % p)
        inputs = [i for i in inputs if i[4] != 'text' or not i[1] or i[2]]
    for p, in_dir, stream, d, fmt in inputs:
        if (fmt == 'totals') != a.totals:
            continue
        for line in d.split(b'\n'):
            if fmt == 'text':
                if b'\0' in line:
                    continue
                w = [t for t in re.split(rb'[ \t\r\v\f]+', line) if t]
                for i in range(len(w) - a.n + 1):
                    k = key_of(b' '.join(w[i:i + a.n]))
                    if k is not None:
                        add(k, 1)
                continue
            got = records(fmt, line)
            if got is None:
                continue
            ngram, recs = got
            k = ngram if fmt == 'totals' else key_of(ngram)
            if k is None:
                continue
            for r in recs:
                if lo <= r[0] <= hi:
                    if fmt == 'totals':
                        add(r[0], r[field])
                    elif a.per_year:
                        add((k, r[0]), r[field])
                    else:
                        add(k, r[field])

    rows = [(k, v) for k, v in tot.items() if v >= a.min_count]
    by_key = a.sort == 'key' or (a.sort is None and (a.per_year or a.totals) and not a.top)
    rows.sort(key=lambda kv: (-kv[1], kv[0]))
    if a.top:
        rows = rows[:a.top]
    if by_key:
        rows.sort(key=lambda kv: kv[0])

    def cols(k, v):
        if a.totals:
            return [k, v]
        if a.per_year:
            return [k[0], k[1], v]
        return [k, v]

    out = sys.stdout.buffer
    names = ['year', 'count'] if a.totals else \
        ['ngram', 'year', 'count'] if a.per_year else ['ngram', 'count']
    if a.output_format == 'tsv':
        for k, v in rows:
            out.write(b'\t'.join(c if isinstance(c, bytes) else str(c).encode()
                                 for c in cols(k, v)) + b'\n')
    elif a.output_format == 'csv':
        s = io.StringIO()
        w = csv.writer(s, lineterminator='\n')
        w.writerow(names)
        for k, v in rows:
            w.writerow([c.decode('utf-8', 'surrogateescape') if isinstance(c, bytes) else c
                        for c in cols(k, v)])
        out.write(s.getvalue().encode('utf-8', 'surrogateescape'))
    else:
        objs = [dict(zip(names, [c.decode('utf-8', 'replace') if isinstance(c, bytes) else c
                                 for c in cols(k, v)])) for k, v in rows]
        if a.output_format == 'json':
            out.write(json.dumps(objs, ensure_ascii=False).encode() + b'\n')
        else:
            for o in objs:
                out.write(json.dumps(o, ensure_ascii=False).encode() + b'\n')


main()
