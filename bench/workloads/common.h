/* Shared helpers for the benchmark workloads: argument parsing and a tiny
 * deterministic PRNG. Every size comes from argv so `npm run bench -- --quick`
 * can shrink it. Each program prints one summary line that the runner compares
 * across runtimes, so a host that skipped work is caught. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline long long arg_num(int argc, char **argv, int i, const char *what) {
    if (i >= argc) {
        fprintf(stderr, "%s: missing argument %d (%s)\n", argv[0], i, what);
        exit(2);
    }
    char *end;
    long long v = strtoll(argv[i], &end, 10);
    if (*end != '\0' || v < 0) {
        fprintf(stderr, "%s: bad %s: %s\n", argv[0], what, argv[i]);
        exit(2);
    }
    return v;
}

static inline const char *arg_str(int argc, char **argv, int i, const char *what) {
    if (i >= argc) {
        fprintf(stderr, "%s: missing argument %d (%s)\n", argv[0], i, what);
        exit(2);
    }
    return argv[i];
}

/* xorshift64*: deterministic across runtimes. */
static inline uint64_t rng_next(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static inline void die(const char *prog, const char *what, const char *path) {
    perror(what);
    fprintf(stderr, "%s: %s failed on %s\n", prog, what, path);
    exit(1);
}

#endif
