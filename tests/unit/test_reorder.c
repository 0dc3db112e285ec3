/* test_reorder - --order submission's buffer against a plain model. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ngramcount/reorder.h"
#include "t.h"

struct seen {
	uint64_t seq[1000];
	char first[1000];	/* each payload's first byte, or 0 */
	size_t n;
	uint64_t fail_at;	/* fn fails on this task; UINT64_MAX: never */
};

static int take(void *ctx, uint64_t seq, const char *payload, size_t len)
{
	struct seen *s = ctx;
	if (seq == s->fail_at)
		return -EIO;
	s->first[s->n] = len ? payload[0] : 0;
	s->seq[s->n++] = seq;
	return 0;
}

/* Results in a random order come out in task order, payloads intact. */
static void any_order_in_task_order(void)
{
	unsigned long long r = 7;
	for (int round = 0; round < 50; round++) {
		struct reorder ro = { 0 };
		struct seen s = { .fail_at = UINT64_MAX };
		uint64_t order[1000];
		size_t n = 1 + t_rand(&r) % 1000;
		for (size_t i = 0; i < n; i++)
			order[i] = i;
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = t_rand(&r) % (i + 1);
			uint64_t t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		for (size_t i = 0; i < n; i++) {
			char p = (char)('A' + order[i] % 26);
			/* Every seventh task was skipped: no payload. */
			CHECK(reorder_put(&ro, order[i], &p, order[i] % 7 ? 1 : 0, take, &s) == 0);
		}
		CHECK(s.n == n);
		CHECK(reorder_held(&ro) == 0);
		for (size_t i = 0; i < s.n; i++) {
			CHECK(s.seq[i] == i);
			CHECK(s.first[i] == (i % 7 ? (char)('A' + i % 26) : 0));
		}
		reorder_fini(&ro);
	}
}

/* A result is held until every earlier one is in. */
static void held_until_its_turn(void)
{
	struct reorder ro = { 0 };
	struct seen s = { .fail_at = UINT64_MAX };
	CHECK(reorder_put(&ro, 2, "c", 1, take, &s) == 0);
	CHECK(reorder_put(&ro, 1, "b", 1, take, &s) == 0);
	CHECK(s.n == 0 && reorder_held(&ro) == 2);
	CHECK(reorder_put(&ro, 0, "a", 1, take, &s) == 0);
	CHECK(s.n == 3 && reorder_held(&ro) == 0);
	CHECK(!memcmp(s.first, "abc", 3));
	reorder_fini(&ro);
}

/* fn's error stops the run and is returned; what is held is freed by fini. */
static void error_returned(void)
{
	struct reorder ro = { 0 };
	struct seen s = { .fail_at = 1 };
	CHECK(reorder_put(&ro, 3, "d", 1, take, &s) == 0);
	CHECK(reorder_put(&ro, 1, "b", 1, take, &s) == 0);
	CHECK(reorder_put(&ro, 0, "a", 1, take, &s) == -EIO);
	CHECK(s.n == 1 && s.seq[0] == 0);
	reorder_fini(&ro);
	CHECK(ro.held == NULL);
}

int main(void)
{
	T_RUN(any_order_in_task_order);
	T_RUN(held_until_its_turn);
	T_RUN(error_returned);
	T_DONE();
}
