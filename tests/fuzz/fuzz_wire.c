/*
 * fuzz_wire - any bytes as a result payload: decoding never reads out of
 * bounds, and whatever decodes re-encodes to a table with the same totals.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "ngramcount/reduce.h"
#include "ngramcount/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table a, b;
	struct wbuf w = { 0 }, tmp = { 0 };
	const struct ngram *over;
	uint64_t keys;
	int split;
	int r;

	table_init(&a);
	table_init(&b);
	r = reduce_result(&a, (const char *)data, size, &over, &keys, &split);
	FUZZ_ASSERT(r == 0 || r == -EBADMSG || r == -EOVERFLOW);
	if (r == 0) {
		wire_put_table(&w, &tmp, &a);
		FUZZ_ASSERT(reduce_result(&b, w.p, w.len, &over, &keys, &split) == 0);
		FUZZ_ASSERT(a.count == b.count);
		size_t na, nb;
		const struct ngram **va = table_sorted(&a, 0, 0, &na), **vb = table_sorted(&b, 0, 0, &nb);
		for (size_t i = 0; i < a.count; i++)
			FUZZ_ASSERT(va[i]->count == vb[i]->count && va[i]->len == vb[i]->len &&
				    !memcmp(va[i]->key, vb[i]->key, va[i]->len));
		free(va);
		free(vb);
	}
	free(w.p);
	free(tmp.p);
	table_fini(&a);
	table_fini(&b);
	return 0;
}
