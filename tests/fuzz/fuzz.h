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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold: abort, so the fuzzer keeps the input. */
#define FUZZ_ASSERT(cond)                                                    \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                             \
		}                                                            \
	} while (0)

#endif
