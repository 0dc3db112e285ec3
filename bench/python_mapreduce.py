#!/usr/bin/python3
"""The design the well-known Python MapReduce articles use, as a benchmark row.

asyncio + aiofiles read every file, a ProcessPoolExecutor maps each file's
bytes (gunzipping them if needed) to a dict through run_in_executor, and
functools.reduce sums the dicts. Output as ngramcount's: "ngram TAB total",
most frequent first, ties in byte order.

Usage: python_mapreduce.py [-j N] FILE...   (Debian: python3-aiofiles)
"""
import asyncio
import functools
import gzip
import sys
from concurrent.futures import ProcessPoolExecutor

import aiofiles


def map_file(data):
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    counts = {}
    for line in data.split(b"\n"):
        fields = line.split(b"\t")
        if len(fields) == 4:
            counts[fields[0]] = counts.get(fields[0], 0) + int(fields[2])
    return counts


def reduce_counts(total, counts):
    for key, n in counts.items():
        total[key] = total.get(key, 0) + n
    return total


async def read(path):
    async with aiofiles.open(path, "rb") as f:
        return await f.read()


async def run(paths, workers):
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        async def one(path):
            data = await read(path)
            return await loop.run_in_executor(pool, map_file, data)
        results = await asyncio.gather(*(one(p) for p in paths))
    return functools.reduce(reduce_counts, results, {})


def main():
    args = sys.argv[1:]
    workers = 2
    if args[:1] == ["-j"]:
        workers, args = int(args[1]), args[2:]
    total = asyncio.run(run(args, workers))
    out = sys.stdout.buffer
    for key, n in sorted(total.items(), key=lambda kv: (-kv[1], kv[0])):
        out.write(key + b"\t" + str(n).encode() + b"\n")


if __name__ == "__main__":
    main()
