#!/usr/bin/env python3
"""jstat FILE PATH - a field of the --stats=json object in FILE.

The object is the last one in FILE, after whatever else stderr held (the
progress display's last line, warnings). PATH is dotted: lines,
reduce.keys, partitions.workers.0. Prints the value (objects and lists as
JSON); fails when the object or the field is not there. The tests and the
bench read --stats through it.
"""
import json
import sys

path, field = sys.argv[1], sys.argv[2]
mark = '{"run"'
lines = [l[l.find(mark):] for l in open(path, errors="replace") if mark in l]
if not lines:
    sys.exit("jstat: no --stats=json object in %s" % path)
v = json.loads(lines[-1])
for k in field.split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if isinstance(v, (dict, list)) else v)
