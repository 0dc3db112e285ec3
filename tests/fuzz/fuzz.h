/*
 * fuzz.h - shared by the fuzz targets: each defines LLVMFuzzerTestOneInput.
 * Built with clang's libFuzzer by `make fuzz`, and with replay.c (a plain
 * main that feeds it files) by `make test`, so the corpus is replayed under
 * gcc and ASan on every test run.
 */
#ifndef NGRAMCOUNT_FUZZ_H
#define NGRAMCOUNT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ngramcount/map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold: abort, so the fuzzer keeps the input. */
#define FUZZ_ASSERT(cond)                                                    \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                             \
		}                                                            \
	} while (0)

/* Two mappers fed the same bytes (ra, rb: what they returned) agree. */
static inline void fuzz_same_mappers(int ra, int rb, const struct mapper *ma,
				     const struct mapper *mb)
{
	FUZZ_ASSERT(ra == rb);
	if (ra)
		return;
	FUZZ_ASSERT(ma->t->count == mb->t->count);
	FUZZ_ASSERT(ma->st.lines == mb->st.lines && ma->st.bad == mb->st.bad);
	FUZZ_ASSERT(ma->st.first_bad == mb->st.first_bad);
}

#endif
