/* wordcount PATH: reads a text file with stdio (getc), counts lines, words
 * and bytes, counts each distinct word in a hash table and prints the most
 * frequent ones: a small real program, mostly guest computation. */
#include <string.h>
#include "common.h"

#define TABLE (1 << 16)

struct entry {
    char word[32];
    long long count;
};

static struct entry table[TABLE];

static uint32_t fnv(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void add(const char *w, size_t n) {
    if (n >= sizeof table[0].word) n = sizeof table[0].word - 1;
    uint32_t i = fnv(w, n) & (TABLE - 1);
    while (table[i].count != 0 && (strncmp(table[i].word, w, n) != 0 || table[i].word[n] != '\0')) i = (i + 1) & (TABLE - 1);
    if (table[i].count == 0) {
        memcpy(table[i].word, w, n);
        table[i].word[n] = '\0';
    }
    table[i].count++;
}

int main(int argc, char **argv) {
    const char *path = arg_str(argc, argv, 1, "path");
    FILE *f = fopen(path, "r");
    if (!f) die(argv[0], "fopen", path);
    long long bytes = 0, lines = 0, words = 0;
    char w[64];
    size_t n = 0;
    int c;
    while ((c = getc(f)) != EOF) {
        bytes++;
        if (c == '\n') lines++;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            if (n < sizeof w) w[n++] = (char)c;
        } else if (n > 0) {
            add(w, n);
            words++;
            n = 0;
        }
    }
    if (n > 0) { add(w, n); words++; }
    fclose(f);
    long long distinct = 0;
    for (int i = 0; i < TABLE; i++) distinct += table[i].count != 0;
    printf("wordcount: %lld lines, %lld words, %lld bytes, %lld distinct; top:", lines, words, bytes, distinct);
    for (int k = 0; k < 5; k++) {
        int best = -1;
        for (int i = 0; i < TABLE; i++)
            if (table[i].count > 0 && (best < 0 || table[i].count > table[best].count)) best = i;
        if (best < 0) break;
        printf(" %s=%lld", table[best].word, table[best].count);
        table[best].count = -table[best].count;
    }
    printf("\n");
    return 0;
}
