/* readdir DIR REPS: lists DIR REPS times with opendir/readdir (wasi-libc
 * fills a 4 KiB buffer per fd_readdir call) and counts the entries other than
 * "." and ".." (node:wasi leaves those two out; wasmtime and wasi-host list them). */
#include <dirent.h>
#include <string.h>
#include "common.h"

int main(int argc, char **argv) {
    const char *path = arg_str(argc, argv, 1, "dir");
    long long reps = arg_num(argc, argv, 2, "reps");
    long long entries = -1, names = 0;
    for (long long r = 0; r < reps; r++) {
        DIR *d = opendir(path);
        if (!d) die(argv[0], "opendir", path);
        long long n = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            n++;
            names += (long long)strlen(e->d_name);
        }
        closedir(d);
        if (entries >= 0 && n != entries) {
            fprintf(stderr, "readdir: listing %lld saw %lld entries, the first saw %lld\n", r, n, entries);
            return 1;
        }
        entries = n;
    }
    printf("readdir: %lld listings of %lld entries, %lld name bytes\n", reps, entries, names);
    return 0;
}
