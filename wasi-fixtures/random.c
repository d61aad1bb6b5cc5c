/* random: getentropy (256 bytes per call, and 100,000 bytes in 256-byte
 * calls), arc4random_buf, and one direct random_get of 100,000 bytes: libc's
 * getentropy caps a call at 256 bytes and arc4random is a ChaCha stream
 * seeded from getentropy, so only a direct call makes the host fill a large
 * buffer in one go (browsers' crypto.getRandomValues takes 65,536 bytes at
 * most, so a host must split it). Prints checks, never the bytes. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#define BIG 100000

static int all_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

/* With 100,000 random bytes every byte value appears (the chance that one
 * is missing is about 256 * e^-390) and the share of 1 bits is within 1% of
 * one half (about 28 standard deviations). */
static void quality(const char *label, const unsigned char *p, size_t n) {
    size_t seen[256] = {0};
    uint64_t ones = 0;
    for (size_t i = 0; i < n; i++) {
        seen[p[i]]++;
        ones += (uint64_t)__builtin_popcount(p[i]);
    }
    int missing = 0;
    for (int i = 0; i < 256; i++)
        if (!seen[i]) missing++;
    uint64_t bits = (uint64_t)n * 8;
    int balanced = ones * 100 >= bits * 49 && ones * 100 <= bits * 51;
    printf("%s: all byte values present: %s, bits balanced: %s\n", label, missing == 0 ? "yes" : "no",
           balanced ? "yes" : "no");
}

/* The buffer is pre-filled with 0xA5; a host that fills only part of it
 * leaves a run of the pattern at the end (16 random 0xA5s in a row has a
 * chance of 2^-128). */
static int tail_untouched(const unsigned char *p, size_t n) {
    size_t run = 0;
    for (size_t i = n; i > 0 && p[i - 1] == 0xA5; i--) run++;
    return run >= 16;
}

int main(void) {
    unsigned char a[256], b[256];
    printf("getentropy(256): %s\n", getentropy(a, sizeof a) == 0 ? "ok" : "failed");
    printf("getentropy(256) again: %s\n", getentropy(b, sizeof b) == 0 ? "ok" : "failed");
    printf("not all zero: %s, two samples differ: %s\n", all_zero(a, 256) ? "no" : "yes",
           memcmp(a, b, 256) != 0 ? "yes" : "no");
    errno = 0;
    printf("getentropy(257): %s\n", getentropy(a, 257) == -1 && errno == EIO ? "EIO" : "unexpected");
    printf("getentropy(0): %s\n", getentropy(a, 0) == 0 ? "ok" : "failed");

    unsigned char *x = malloc(BIG), *y = malloc(BIG);
    memset(x, 0xA5, BIG);
    int ok = 1;
    for (size_t off = 0; off < BIG; off += 256) {
        size_t n = BIG - off < 256 ? BIG - off : 256;
        if (getentropy(x + off, n) != 0) ok = 0;
    }
    printf("getentropy x %d calls: %s, tail filled: %s\n", (BIG + 255) / 256, ok ? "ok" : "failed",
           tail_untouched(x, BIG) ? "no" : "yes");
    quality("  getentropy 100000 bytes", x, BIG);

    memset(y, 0xA5, BIG);
    arc4random_buf(y, BIG);
    printf("arc4random_buf(100000): tail filled: %s, differs from getentropy sample: %s\n",
           tail_untouched(y, BIG) ? "no" : "yes", memcmp(x, y, BIG) != 0 ? "yes" : "no");
    quality("  arc4random_buf 100000 bytes", y, BIG);
    uint32_t r1 = arc4random(), r2 = arc4random(), r3 = arc4random();
    printf("arc4random three calls not all equal: %s\n", r1 == r2 && r2 == r3 ? "no" : "yes");
    int in_range = 1;
    for (int i = 0; i < 1000; i++)
        if (arc4random_uniform(10) >= 10) in_range = 0;
    printf("arc4random_uniform(10) in range: %s\n", in_range ? "yes" : "no");

    /* the one direct WASI call: a single random_get larger than 65536 */
    memset(x, 0xA5, BIG);
    __wasi_errno_t e = __wasi_random_get(x, BIG);
    printf("random_get(100000) in one call: %s, tail filled: %s\n", e == 0 ? "ok" : "failed",
           tail_untouched(x, BIG) ? "no" : "yes");
    quality("  random_get 100000 bytes", x, BIG);
    memset(y, 0xA5, BIG);
    e = __wasi_random_get(y + 1, 65537);
    printf("random_get(65537) at an odd address: %s, bytes before and after untouched: %s, tail filled: %s\n",
           e == 0 ? "ok" : "failed", y[0] == 0xA5 && y[65538] == 0xA5 ? "yes" : "no",
           tail_untouched(y + 1, 65537) ? "no" : "yes");
    printf("random_get(0): %s\n", __wasi_random_get(y, 0) == 0 ? "ok" : "failed");
    free(x);
    free(y);
    return 0;
}
