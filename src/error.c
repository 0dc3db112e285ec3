/*
 * error.c - the error codes in words (error.h): one wording for each.
 */
#include <stdio.h>
#include <string.h>

#include "ngramcount/error.h"
#include "ngramcount/parse.h"

const char *ngc_strerror(int err)
{
	switch (err) {
	case NGC_EGZ_CORRUPT:
		return "corrupt compressed data";
	case NGC_EGZ_TRUNCATED:
		return "truncated compressed stream";
	case NGC_EGZ_TRAILING:
		return "trailing garbage after compressed data";
	case NGC_EGZ_METHOD:
		return "a zip member is encrypted or not deflated or stored";
	case NGC_ESPILL:
		return "a task's table could not be spilled";
	case NGC_ECONFLICT:
		return "the options do not apply to this format";
	case NGC_ELONG:
		return "a line longer than a quarter of --memory";
	default:
		return err > 0 ? parse_strerror(err) : strerror(-err);
	}
}

void ngc_gz_strerror(char *buf, size_t size, int err, int zip, uint64_t off)
{
	const char *kind = zip ? "zip" : "gzip";
	unsigned long long at = (unsigned long long)off;

	switch (err) {
	case NGC_EGZ_CORRUPT:
		snprintf(buf, size, "corrupt %s data near byte %llu", kind, at);
		break;
	case NGC_EGZ_TRUNCATED:
		snprintf(buf, size, "truncated %s stream (ends at byte %llu)", kind, at);
		break;
	case NGC_EGZ_TRAILING:
		snprintf(buf, size, "trailing garbage after %s data at byte %llu", kind, at);
		break;
	case NGC_EGZ_METHOD:
		snprintf(buf, size, "the zip member before byte %llu is encrypted or not "
			 "deflated or stored: it cannot be read", at);
		break;
	default:
		snprintf(buf, size, "%s", ngc_strerror(err));
	}
}

void ngc_overflow_msg(char *buf, size_t size, const char *key, size_t len)
{
	snprintf(buf, size, "the total of ngram '%.*s' passes 2^64-1",
		 (int)(len > 200 ? 200 : len), key);
}
