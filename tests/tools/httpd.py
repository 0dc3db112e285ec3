#!/usr/bin/env python3
"""httpd.py - a threaded HTTP server for URL inputs' tests and bench rows.

Serves ROOT (GET and HEAD, Range bytes=A- and A-B) on 127.0.0.1 and prints
its port on stdout. Faults are injected per file name (the last path part):

  --fault NAME=KIND[:N[:body]]  the first N requests for NAME (default 1)
                          fail; with body, only requests past a probe's
                          (Range bytes=0-65535 is a probe's):
      503      answer 503 (Retry-After: 0)
      reset    send half the body, then reset the connection (RST)
      short    send Content-Length, half the body, then close cleanly
      trickle  send 1 KiB, then nothing for 5 s (past a 1 s --stall-timeout)
      norange  ignore Range: 200 and the whole body (N: every request if 0)
      404      answer 404 (N: every request if 0)
      chunked  no Content-Length: the whole body, chunked, Range ignored
               (with reset or short: half of it, then the connection closes)
  --pace-latency S  wait S seconds before each answer (a remote store)
  --pace-rate B     send at most B bytes a second on each connection
  --log FILE        a line a request: "PATH RANGE STATUS"

Standard library only, so tests and the bench run it with python3 alone.
"""
import argparse
import http.server
import os
import socket
import struct
import sys
import threading
import time

ARGS = None
COUNTS = {}
LOCK = threading.Lock()


def faults_for(name, rng):
    """The faults this request of name (Range rng) meets: a set of kinds."""
    kinds = set()
    for rule in ARGS.fault:
        rname, _, kind = rule.partition("=")
        kind, _, n = kind.partition(":")
        n, _, only = n.partition(":")
        if rname != name or (only == "body" and rng == "bytes=0-65535"):
            continue
        n = int(n) if n else 1
        with LOCK:
            seen = COUNTS.get(rule, 0)
            COUNTS[rule] = seen + 1
        if n == 0 or seen < n:
            kinds.add(kind)
    return kinds


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go in two writes: without this, Nagle holds the
        # body for the client's delayed ACK (40 ms a request).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        pass

    def note(self, status, rng=""):
        if ARGS.log:
            with LOCK, open(ARGS.log, "a") as f:
                f.write("%s %s %d\n" % (self.path, rng or "-", status))

    def send_body(self, data):
        """data, paced as --pace-rate asks."""
        if not ARGS.pace_rate:
            self.wfile.write(data)
            return
        step = 64 << 10
        start = time.monotonic()
        for i in range(0, len(data), step):
            self.wfile.write(data[i:i + step])
            ahead = (i + step) / ARGS.pace_rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head=False):
        if ARGS.pace_latency:
            time.sleep(ARGS.pace_latency)
        path = os.path.normpath(self.path.split("?")[0]).lstrip("/")
        full = os.path.join(ARGS.root, path)
        name = os.path.basename(path)
        rng = self.headers.get("Range", "")
        faults = faults_for(name, rng)
        if "404" in faults or not os.path.isfile(full):
            self.note(404, rng)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if "503" in faults:
            self.note(503, rng)
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(full, "rb") as f:
            data = f.read()
        size = len(data)
        if "chunked" in faults:
            self.note(200, rng)
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            cut = faults & {"reset", "short"}
            for i in range(0, size // 2 if cut else size, 16384):
                part = data[i:i + 16384]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            if cut:
                self.close_connection = True
            else:
                self.wfile.write(b"0\r\n\r\n")
            return
        start, end, status = 0, size - 1, 200
        if rng.startswith("bytes=") and "norange" not in faults:
            a, _, b = rng[6:].partition("-")
            start = int(a)
            end = min(int(b), size - 1) if b else size - 1
            status = 206
            if start >= size:
                self.note(416, rng)
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        body = data[start:end + 1]
        self.note(status, rng)
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        if head:
            return
        if faults & {"reset", "short"}:
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            if "reset" in faults:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if "trickle" in faults:
            self.wfile.write(body[:1024])
            self.wfile.flush()
            time.sleep(5)
            self.close_connection = True
            return
        self.send_body(body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("root")
    p.add_argument("--fault", action="append", default=[])
    p.add_argument("--pace-latency", type=float, default=0)
    p.add_argument("--pace-rate", type=float, default=0)
    p.add_argument("--log")
    p.add_argument("--port", type=int, default=0)
    ARGS = p.parse_args()
    srv = Server(("127.0.0.1", ARGS.port), Handler)
    print(srv.server_address[1], flush=True)
    sys.stdout.close()
    srv.serve_forever()


if __name__ == "__main__":
    main()
