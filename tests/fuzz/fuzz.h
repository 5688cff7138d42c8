/*
 * The TCE fuzz target's entry point, shared by its two drivers: libFuzzer
 * (`make fuzz`, clang) and the deterministic replay (`make test`, gcc).
 */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Decode one input into operations and run them under the oracle; any
 * oracle violation prints what it saw and aborts. Always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* TESTS_FUZZ_H */
