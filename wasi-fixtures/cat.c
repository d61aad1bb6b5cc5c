/* cat: copies each file named in argv to stdout with stdio. A file that
 * cannot be opened is reported on stderr (libc's strerror text) and the exit
 * status becomes 1, but the remaining files are still copied. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    int status = 0;
    char buf[4096];
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            fwrite(buf, 1, n, stdout);
        if (ferror(f)) {
            fprintf(stderr, "cat: %s: read error\n", argv[i]);
            status = 1;
        }
        fclose(f);
    }
    return status;
}
