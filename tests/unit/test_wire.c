/*
 * test_wire - table encoding round trip (grouped by part from a hashed
 * table, in key order from one in runs; a large one reduced on two
 * threads), and malformed payloads refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ngramcount/reduce.h"
#include "ngramcount/wire.h"
#include "t.h"

static void round_trip(void)
{
	struct table a, b;
	struct wbuf w = { 0 }, tmp = { 0 };
	const struct ngram *over;
	uint64_t keys;
	int split;
	char key[64];
	unsigned long long s = 1;

	table_init(&a);
	table_init(&b);
	for (int i = 0; i < 60000; i++) {
		int n = snprintf(key, sizeof(key), "key%llu", t_rand(&s) % 50000);
		table_add(&a, key, (size_t)n, t_rand(&s) >> (20 + t_rand(&s) % 44));
	}
	table_add(&a, "", 0, 1);
	table_add(&a, "max", 3, UINT64_MAX);
	wire_put_table(&w, &tmp, &a);
	CHECK(w.len > (64u << 10) && (w.p[0] & 1));	/* grouped, and past the split */
	CHECK(reduce_result(&b, w.p, w.len, &over, &keys, &split) == 0 && keys == a.count);
	CHECK(a.count == b.count);
	size_t na, nb;
	const struct ngram **va = table_sorted(&a, 0, 0, &na), **vb = table_sorted(&b, 0, 0, &nb);
	int same = 1;
	for (size_t i = 0; i < a.count; i++)
		same &= va[i]->count == vb[i]->count && va[i]->len == vb[i]->len &&
			!memcmp(va[i]->key, vb[i]->key, va[i]->len);
	CHECK(same);
	/* Again, hashed, on two threads: each total doubles, and "max" overflows. */
	CHECK(!b.ordered);
	CHECK(reduce_result(&b, w.p, w.len, &over, &keys, &split) == -EOVERFLOW && split);
	CHECK(over && over->len == 3 && !memcmp(over->key, "max", 3));
	same = 1;
	for (size_t i = 0; i < a.count; i++) {
		const struct ngram *g = table_find(&b, va[i]->key, va[i]->len);
		same &= g && (g->count == 2 * va[i]->count || va[i]->count > UINT64_MAX / 2);
	}
	CHECK(same && b.count == a.count);
	free(va);
	free(vb);
	free(w.p);
	free(tmp.p);
	table_fini(&a);
	table_fini(&b);
}

static int count(void *ctx, const char *key, size_t len, uint64_t n)
{
	(void)key;
	(void)len;
	(void)n;
	(*(int *)ctx)++;
	return 0;
}

/* Rising keys (a table in runs) go in key order, not grouped. */
static void ordered_table_not_grouped(void)
{
	struct table a;
	struct wbuf w = { 0 }, tmp = { 0 };
	char key[16], prev[16] = "";
	struct wire_parts wp;

	table_init_task(&a, 0);
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(key, sizeof(key), "k%04d", i);
		table_add(&a, key, (size_t)n, 1);
	}
	CHECK(a.ordered);
	wire_put_table(&w, &tmp, &a);
	CHECK(wire_table_parts(w.p, w.len, &wp) == 0 && !wp.grouped && wp.len[1] == 0);
	/* In key order: each entry is "\x05" "kNNNN" "\x01". */
	int rising = 1;
	for (size_t i = 0; i + 7 <= wp.len[0]; i += 7) {
		memcpy(key, wp.p[0] + i + 1, 5);
		key[5] = 0;
		rising &= strcmp(prev, key) < 0;
		memcpy(prev, key, 6);
	}
	CHECK(rising && wp.len[0] == 7000);
	free(w.p);
	free(tmp.p);
	table_fini(&a);
}

/* Entries (no header) then headers. */
static void malformed(void)
{
	int n = 0;
	struct wire_parts wp;
	CHECK(wire_get_entries("", 0, count, &n) == 0 && n == 0);
	CHECK(wire_get_entries("\x05" "ab", 3, count, &n) == -EBADMSG);	/* key past end */
	CHECK(wire_get_entries("\x01" "a", 2, count, &n) == -EBADMSG);	/* no count */
	CHECK(wire_get_entries("\x01" "a\x80", 3, count, &n) == -EBADMSG);	/* cut varint */
	CHECK(wire_get_entries("\x01" "a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 12,
			       count, &n) == -EBADMSG);	/* count > 64 bits */
	CHECK(wire_get_entries("\x01" "a\x01", 3, count, &n) == 0 && n == 1);
	CHECK(wire_get_table("", 0, count, &n) == 0 && n == 1);	/* empty: no header */
	CHECK(wire_table_parts("\x06\0\0\0\0\0\0", 7, &wp) == -EBADMSG);	/* cut header */
	CHECK(wire_get_table("\x06\0\0\0\0\0\0\0" "\x01" "a\x01", 11, count, &n) == 0 &&
	      n == 2);	/* three bytes, not grouped */
	CHECK(wire_table_parts("\x08\0\0\0\0\0\0\0" "\x01" "a\x01", 11, &wp) == -EBADMSG);
	CHECK(wire_table_parts("\x04\0\0\0\0\0\0\0" "\x01" "a\x01", 11, &wp) == -EBADMSG);
	CHECK(wire_table_parts("\x09\0\0\0\0\0\0\0" "\x01" "a\x01", 11, &wp) == -EBADMSG);
	CHECK(wire_table_parts("\x03\0\0\0\0\0\0\0" "\x01" "a\x01", 11, &wp) == 0 &&
	      wp.grouped && wp.len[0] == 1 && wp.len[1] == 2);
}

static void random_bytes_never_crash(void)
{
	unsigned long long s = 9;
	char buf[256];
	for (int i = 0; i < 20000; i++) {
		size_t len = t_rand(&s) % sizeof(buf);
		int n = 0, r;
		for (size_t j = 0; j < len; j++)
			buf[j] = (char)t_rand(&s);
		r = wire_get_table(buf, len, count, &n);
		CHECK(r == 0 || r == -EBADMSG);
	}
}

int main(void)
{
	T_RUN(round_trip);
	T_RUN(ordered_table_not_grouped);
	T_RUN(malformed);
	T_RUN(random_bytes_never_crash);
	T_DONE();
}
