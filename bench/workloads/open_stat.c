/* open_stat DIR NFILES COUNT: COUNT times open(O_RDONLY) + fstat + close of
 * DIR/fNNNNN, cycling through the first NFILES names. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv) {
    const char *dir = arg_str(argc, argv, 1, "dir");
    long long nfiles = arg_num(argc, argv, 2, "nfiles");
    long long count = arg_num(argc, argv, 3, "count");
    if (nfiles <= 0) nfiles = 1;
    char (*names)[256] = malloc((size_t)nfiles * 256);
    if (!names) die(argv[0], "malloc", dir);
    for (long long i = 0; i < nfiles; i++) snprintf(names[i], 256, "%s/f%05lld", dir, i);
    long long sizes = 0, regular = 0;
    for (long long i = 0; i < count; i++) {
        const char *p = names[i % nfiles];
        int fd = open(p, O_RDONLY);
        if (fd < 0) die(argv[0], "open", p);
        struct stat st;
        if (fstat(fd, &st) != 0) die(argv[0], "fstat", p);
        sizes += st.st_size;
        regular += S_ISREG(st.st_mode);
        if (close(fd) != 0) die(argv[0], "close", p);
    }
    printf("open_stat: %lld opens over %lld files, %lld regular, %lld bytes\n", count, nfiles, regular, sizes);
    return regular == count ? 0 : 1;
}
