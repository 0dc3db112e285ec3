/* test_wire - table encoding round trip, and malformed payloads refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ngramcount/reduce.h"
#include "ngramcount/wire.h"
#include "t.h"

static void round_trip(void)
{
	struct table a, b;
	struct wbuf w = { 0 };
	const struct ngram *over;
	uint64_t keys;
	char key[64];
	unsigned long long s = 1;

	table_init(&a);
	table_init(&b);
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(key, sizeof(key), "key%llu", t_rand(&s) % 5000);
		table_add(&a, key, (size_t)n, t_rand(&s) >> (20 + t_rand(&s) % 44));
	}
	table_add(&a, "", 0, 1);
	table_add(&a, "max", 3, UINT64_MAX);
	wire_put_table(&w, &a);
	CHECK(reduce_result(&b, w.p, w.len, &over, &keys) == 0);
	CHECK(a.count == b.count);
	size_t na, nb;
	const struct ngram **va = table_sorted(&a, 0, 0, &na), **vb = table_sorted(&b, 0, 0, &nb);
	int same = 1;
	for (size_t i = 0; i < a.count; i++)
		same &= va[i]->count == vb[i]->count && va[i]->len == vb[i]->len &&
			!memcmp(va[i]->key, vb[i]->key, va[i]->len);
	CHECK(same);
	/* Merging again doubles each total, and "max" overflows. */
	CHECK(reduce_result(&b, w.p, w.len, &over, &keys) == -EOVERFLOW);
	CHECK(over && over->len == 3 && !memcmp(over->key, "max", 3));
	free(va);
	free(vb);
	free(w.p);
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

static void malformed(void)
{
	int n = 0;
	CHECK(wire_get_table("", 0, count, &n) == 0 && n == 0);
	CHECK(wire_get_table("\x05" "ab", 3, count, &n) == -EBADMSG);	/* key past end */
	CHECK(wire_get_table("\x01" "a", 2, count, &n) == -EBADMSG);	/* no count */
	CHECK(wire_get_table("\x01" "a\x80", 3, count, &n) == -EBADMSG);	/* cut varint */
	CHECK(wire_get_table("\x01" "a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 12,
			     count, &n) == -EBADMSG);	/* count > 64 bits */
	CHECK(wire_get_table("\x01" "a\x01", 3, count, &n) == 0 && n == 1);
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
	T_RUN(malformed);
	T_RUN(random_bytes_never_crash);
	T_DONE();
}
