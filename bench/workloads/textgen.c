/* textgen PATH MIB SEED: writes about MIB MiB of text (words from a fixed
 * vocabulary, Zipf-like frequencies, lines of up to 12 words) with stdio,
 * the way ordinary programs write files. */
#include <string.h>
#include "common.h"

#define VOCAB 4096

int main(int argc, char **argv) {
    const char *path = arg_str(argc, argv, 1, "path");
    long long mib = arg_num(argc, argv, 2, "MiB");
    uint64_t s = (uint64_t)arg_num(argc, argv, 3, "seed") * 2654435761ULL + 1;
    static char words[VOCAB][16];
    static const char letters[] = "etaoinshrdlucmfwypvbgkjqxz";
    for (int w = 0; w < VOCAB; w++) {
        int len = 2 + (int)(rng_next(&s) % 9);
        for (int k = 0; k < len; k++) {
            uint64_t r = rng_next(&s) % 676;
            words[w][k] = letters[(r * r) / 17576]; /* skewed towards common letters */
        }
        words[w][len] = '\0';
    }
    FILE *f = fopen(path, "w");
    if (!f) die(argv[0], "fopen", path);
    long long target = mib * 1024 * 1024, total = 0, lines = 0;
    int inLine = 0;
    while (total < target) {
        uint64_t r = rng_next(&s);
        /* Zipf-like: squaring a uniform number favours the low indices. */
        uint64_t u = r % 65536;
        int w = (int)((u * u) >> 20) % VOCAB;
        size_t len = strlen(words[w]);
        fputs(words[w], f);
        total += (long long)len;
        if (++inLine == 1 + (int)((r >> 32) % 12)) {
            fputc('\n', f);
            inLine = 0;
            lines++;
        } else {
            fputc((r >> 40) % 7 == 0 ? ',' : ' ', f);
        }
        total++;
    }
    if (fclose(f) != 0) die(argv[0], "fclose", path);
    printf("textgen: %lld bytes, %lld lines\n", total, lines);
    return 0;
}
