/* names: file names with non-ASCII UTF-8 (2-, 3- and 4-byte sequences),
 * spaces, leading dots, dashes and a 255-byte multibyte name are created,
 * listed by readdir byte-for-byte, stat'ed and removed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
    static char long_name[256];
    /* 85 x "語" (3 bytes each) = 255 bytes */
    for (int i = 0; i < 85; i++) memcpy(long_name + 3 * i, "\xe8\xaa\x9e", 3);
    long_name[255] = '\0';
    const char *names[] = {"héllo.txt", "日本語.txt", "🎉party", "with space", ".hidden",
                           "-dash", "Ω", "e\xcc\x81 (e + combining acute)", long_name};
    size_t count = sizeof names / sizeof *names;
    mkdir("/sandbox/names", 0755);
    char path[1024];
    for (size_t i = 0; i < count; i++) {
        snprintf(path, sizeof path, "/sandbox/names/%s", names[i]);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) {
            printf("create [%s]: errno %d\n", names[i], errno);
            continue;
        }
        write(fd, names[i], strlen(names[i]));
        close(fd);
    }
    /* precomposed é and e + combining accent are different names */
    snprintf(path, sizeof path, "/sandbox/names/%s", "h\xc3\xa9llo.txt");
    struct stat st;
    printf("stat precomposed héllo.txt: %s\n", stat(path, &st) == 0 ? "ok" : "missing");
    printf("stat decomposed he\xcc\x81llo.txt: %s\n",
           stat("/sandbox/names/he\xcc\x81llo.txt", &st) == 0 ? "found (normalised!)" : "ENOENT");
    printf("stat HÉLLO.TXT (case differs): %s\n",
           stat("/sandbox/names/HÉLLO.TXT", &st) == 0 ? "found (case-insensitive!)" : "ENOENT");

    DIR *d = opendir("/sandbox/names");
    char *seen[32];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 32)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) seen[n++] = strdup(e->d_name);
    closedir(d);
    qsort(seen, n, sizeof *seen, cmp);
    printf("readdir: %zu names\n", n);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(seen[i]);
        snprintf(path, sizeof path, "/sandbox/names/%s", seen[i]);
        long long size = stat(path, &st) == 0 ? (long long)st.st_size : -1;
        if (len > 40)
            printf("  [%.12s...] %zu bytes, file size %lld\n", seen[i], len, size);
        else
            printf("  [%s] %zu bytes, file size %lld\n", seen[i], len, size);
    }
    int removed = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "/sandbox/names/%s", seen[i]);
        if (unlink(path) == 0) removed++;
    }
    printf("removed %d, rmdir: %s\n", removed, rmdir("/sandbox/names") == 0 ? "ok" : "failed");
    return 0;
}
