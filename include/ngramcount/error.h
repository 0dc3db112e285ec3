/*
 * error.h - the error codes. A module returns 0, -errno, or one of these
 * (all far below -4095, so they never meet an errno); a malformed line's
 * reason is a positive enum parse_error. ngc_strerror words all three.
 * At main()'s boundary, engine_run(), stream_*() and merge_*() return -1
 * with the whole message (file, offset, reason) in a buffer.
 */
#ifndef NGRAMCOUNT_ERROR_H
#define NGRAMCOUNT_ERROR_H

#include <stddef.h>
#include <stdint.h>

enum ngc_error {
	NGC_EGZ_CORRUPT = -5000,	/* bad deflate data or header, or a CRC */
	NGC_EGZ_TRUNCATED,		/* the stream ends before its trailer */
	NGC_EGZ_TRAILING,		/* non-gzip bytes after the last member */
	NGC_EGZ_METHOD,			/* zip: encrypted, or not deflated or stored */
	NGC_ESPILL,			/* a task's table could not be spilled */
	NGC_ECONFLICT,			/* the options do not apply to the format */
	NGC_ELONG,			/* a line longer than map_opts.line_max */
};

/* err in words: -errno, an ngc_error, or a parse_error (> 0). */
const char *ngc_strerror(int err);

/*
 * An inflate error (NGC_EGZ_*) in words, with its container and the
 * compressed offset: "corrupt gzip data near byte 812".
 */
void ngc_gz_strerror(char *buf, size_t size, int err, int zip, uint64_t off);

/* "the total of ngram 'KEY' passes 2^64-1", the key cut at 200 bytes. */
void ngc_overflow_msg(char *buf, size_t size, const char *key, size_t len);

#endif
