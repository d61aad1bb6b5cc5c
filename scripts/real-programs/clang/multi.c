/* Built by clang (@yowasp/clang) under wasi-host, then run: several headers
   of wasi-libc and a local one, libm, files and directories in /data. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "wordstats.h"

size_t split_words(char *text, struct word *words, size_t max) {
    size_t n = 0;
    for (char *tok = strtok(text, " \t\n"); tok != NULL; tok = strtok(NULL, " \t\n")) {
        for (char *p = tok; *p; p++) *p = (char)tolower((unsigned char)*p);
        size_t i = 0;
        while (i < n && strcmp(words[i].text, tok) != 0) i++;
        if (i == n) {
            if (n == max) continue;
            snprintf(words[n].text, sizeof words[n].text, "%s", tok);
            words[n++].count = 0;
        }
        words[i].count++;
    }
    return n;
}

int by_count_then_text(const void *a, const void *b) {
    const struct word *x = a, *y = b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    return strcmp(x->text, y->text);
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    printf("argc=%d argv[1]=%s\n", argc, argc > 1 ? argv[1] : "(none)");
    printf("sqrt(2)=%.6f pow(2,0.5)=%.6f atan2(1,1)*4=%.6f\n", sqrt(2.0), pow(2.0, 0.5), atan2(1.0, 1.0) * 4);
    int64_t big = strtoll("-9007199254740993", NULL, 10);
    printf("strtoll=%" PRId64 " uint64 max=%" PRIu64 "\n", big, UINT64_MAX);

    FILE *in = fopen("/data/input.txt", "r");
    if (!in) { perror("/data/input.txt"); return 1; }
    char text[4096];
    size_t len = fread(text, 1, sizeof text - 1, in);
    text[len] = '\0';
    fclose(in);
    struct word words[64];
    size_t n = split_words(text, words, 64);
    qsort(words, n, sizeof words[0], by_count_then_text);
    for (size_t i = 0; i < n && i < 3; i++) printf("word %zu: %s x%zu\n", i + 1, words[i].text, words[i].count);

    if (mkdir("/data/out", 0755) != 0) { perror("mkdir /data/out"); return 1; }
    for (int i = 0; i < 3; i++) {
        char path[64];
        snprintf(path, sizeof path, "/data/out/part%d.txt", i);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) { perror(path); return 1; }
        for (int j = 0; j <= i; j++) write(fd, words[j].text, strlen(words[j].text));
        close(fd);
    }
    DIR *d = opendir("/data/out");
    char *names[16];
    int count = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && count < 16;)
        if (e->d_name[0] != '.') names[count++] = strdup(e->d_name);
    closedir(d);
    qsort(names, count, sizeof names[0], by_name);
    for (int i = 0; i < count; i++) {
        char path[64];
        struct stat st;
        snprintf(path, sizeof path, "/data/out/%s", names[i]);
        stat(path, &st);
        printf("%s %lld bytes\n", names[i], (long long)st.st_size);
        free(names[i]);
    }
    errno = 0;
    if (open("/data/missing", O_RDONLY) < 0) printf("open missing: %s\n", strerror(errno));
    if (rmdir("/data/out") < 0) printf("rmdir non-empty: %s\n", strerror(errno));
    const char *env = getenv("WORDS_GREETING");
    printf("WORDS_GREETING=%s\n", env ? env : "(unset)");
    return 3;
}
