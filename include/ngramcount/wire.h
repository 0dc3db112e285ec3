/*
 * wire.h - every message from a child process to the parent, and back.
 * Pure: encoding and decoding only, no I/O.
 *  parent -> worker: struct msg, naming a slot of the shared pool and a
 *    range in it (partition bytes never travel);
 *  worker -> parent: struct reply, then payload_len bytes (an encoded
 *    table, or an error's detail); both under PIPE_BUF, so writes are atomic;
 *  a spilled output's partition process -> parent: struct wire_part_report.
 */
#ifndef NGRAMCOUNT_WIRE_H
#define NGRAMCOUNT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "ngramcount/error.h"
#include "ngramcount/table.h"

enum msg_type {
	MSG_PLAIN = 1,	/* map lines buf[off, off+len); reply MSG_RESULT */
	MSG_GZ_BEGIN,	/* start inflating a gzip stream for task */
	MSG_GZ_DATA,	/* next compressed bytes; reply MSG_RELEASE */
	MSG_GZ_END,	/* end of the stream; reply MSG_RESULT */
	MSG_QUIT,	/* exit */
	MSG_RELEASE,	/* worker is done with buffer slot buf */
	MSG_RESULT,	/* task done: stats, then the table or error detail */
};

struct msg {
	uint16_t type;		/* enum msg_type */
	uint16_t fmt;		/* MSG_PLAIN, MSG_GZ_BEGIN: enum ngc_format of the
				   lines (FMT_AUTO: the worker sniffs the stream) */
	uint32_t buf;		/* buffer slot */
	uint64_t task;		/* parent's task id */
	uint64_t off, len;	/* byte range in the slot */
};

struct reply {
	uint16_t type;		/* MSG_RELEASE or MSG_RESULT */
	uint16_t fmt;		/* MSG_RESULT: the format the lines were read as */
	uint32_t buf;		/* MSG_RELEASE: the slot */
	uint64_t task;
	int32_t err;		/* 0, -errno or an ngc_error (error.h) */
	int32_t first_bad_why;	/* parse_error of the first bad line */
	uint64_t lines, bad, first_bad;	/* as struct map_stats */
	uint64_t inflated;	/* gzip: bytes after inflate */
	uint64_t err_off;	/* gzip error: offset in the compressed stream;
				   NGC_ESPILL: the errno; NGC_ELONG: the line */
	uint64_t runs, run_bytes;	/* gzip: the task's runs (task_spill) */
	uint32_t sniff_lines;	/* gzip sniffed here: the lines the format rests on, */
	uint32_t sniff_other;	/* and those of another shape (format.h) */
	uint64_t unaggregated;	/* 1: its table gave up pre-aggregating (table.h) */
	double t_start, t_end;	/* when the worker began and finished the task
				   (MSG_RELEASE: the chunk), on now_sec()'s clock */
	uint64_t payload_len;	/* bytes that follow */
};

/* Both are written whole: no padding may carry uninitialised bytes. */
_Static_assert(sizeof(struct msg) == 32 && sizeof(struct reply) == 120,
	       "struct msg and struct reply have no padding");

/* What a partition process of the spilled output reports, then nruns runs. */
struct wire_part_report {
	int32_t err;		/* 0 or -errno */
	uint32_t nruns;		/* struct spill_run records that follow */
	uint64_t keys, bytes;	/* distinct keys it chose from; bytes it wrote */
};

/* A growable byte buffer; the owner frees p. */
struct wbuf {
	char *p;
	size_t len, cap;
};

/*
 * A table's encoding: no bytes for an empty one; else an 8-byte little-
 * endian header, then entries, each varint(len) key varint(count). The
 * header is h << 1 | grouped. Grouped (a hashed table), part 0's entries
 * (table_part_of) come first, h bytes of them, then part 1's, so that the
 * parts of the final table take them on a thread each. Not grouped (a
 * table in runs, whose key order the final table keeps as runs), h is the
 * bytes of them all.
 */
#define NGC_WIRE_HEADER	8

/* Append t's encoding; tmp is scratch the caller keeps (and frees). */
void wire_put_table(struct wbuf *b, struct wbuf *tmp, const struct table *t);

/* An encoded table's entries: in parts when grouped, else all in part[0]. */
struct wire_parts {
	const char *p[NGC_TABLE_PARTS];
	size_t len[NGC_TABLE_PARTS];
	int grouped;
};

/* Split [p, p+n) as its header says. Returns 0, or -EBADMSG. */
int wire_table_parts(const char *p, size_t n, struct wire_parts *wp);

typedef int (*wire_entry_fn)(void *ctx, const char *key, size_t len, uint64_t count);

/*
 * Decode the entries of [p, p+n) (a part, no header), calling fn for
 * each. Returns 0, fn's non-zero return, or -EBADMSG for a malformed one.
 */
int wire_get_entries(const char *p, size_t n, wire_entry_fn fn, void *ctx);

/* The same for a whole encoded table, its parts in turn. */
int wire_get_table(const char *p, size_t n, wire_entry_fn fn, void *ctx);

#endif
