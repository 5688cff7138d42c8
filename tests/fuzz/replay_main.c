/*
 * The TCE fuzz target as a deterministic host test, built with gcc and
 * ASan/UBSan (build/host/test_fuzz_replay):
 *
 *   test_fuzz_replay            N_INPUTS pseudo-random inputs from a fixed
 *                               seed, one TAP line each (tests/run.py)
 *   test_fuzz_replay FILE...    replay inputs, e.g. a crash file of make fuzz
 *   test_fuzz_replay -w DIR     write the pseudo-random inputs to DIR: the
 *                               seed corpus of make fuzz
 *
 * An oracle violation aborts with its description on stderr, which the
 * test runner shows; the TAP lines before it are flushed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"

#define N_INPUTS	40
#define SEED		0x7ce5eedULL
#define INPUT_MIN	64
#define INPUT_MAX	4096

static uint64_t rng_state = SEED;

/* splitmix64: the same inputs on every machine and every run */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t make_input(uint8_t *buf)
{
	size_t n = INPUT_MIN + rng() % (INPUT_MAX - INPUT_MIN + 1), i;

	for (i = 0; i < n; i++)
		buf[i] = (uint8_t)rng();
	return n;
}

static int write_seeds(const char *dir)
{
	static uint8_t buf[INPUT_MAX];
	static char path[4096];
	unsigned int i;

	for (i = 0; i < N_INPUTS; i++) {
		size_t n = make_input(buf);
		FILE *f;

		snprintf(path, sizeof(path), "%s/seed-%02u", dir, i);
		f = fopen(path, "wb");
		if (!f || fwrite(buf, 1, n, f) != n || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

static int replay_files(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	int i;

	printf("1..%d\n", argc - 1);
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		fflush(stdout);
		LLVMFuzzerTestOneInput(buf, n);
		printf("ok %d - %s (%zu bytes)\n", i, argv[i], n);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t buf[INPUT_MAX];
	unsigned int i;

	if (argc == 3 && !strcmp(argv[1], "-w"))
		return write_seeds(argv[2]);
	if (argc > 1)
		return replay_files(argc, argv);
	printf("1..%u\n", N_INPUTS);
	for (i = 0; i < N_INPUTS; i++) {
		size_t n = make_input(buf);

		fflush(stdout);
		LLVMFuzzerTestOneInput(buf, n);
		printf("ok %u - fuzz_tce input %u of seed %#llx (%zu bytes)\n", i + 1, i,
		       (unsigned long long)SEED, n);
	}
	return 0;
}
