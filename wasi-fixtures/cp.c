/* cp: copies argv[1] to argv[2] with open/read/write and a deliberately tiny
 * buffer (many fd_read/fd_write calls), then checks the copy with stat. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: cp SRC DST\n");
        return 2;
    }
    int in = open(argv[1], O_RDONLY);
    if (in < 0) {
        fprintf(stderr, "cp: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    int out = open(argv[2], O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (out < 0) {
        fprintf(stderr, "cp: %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    char buf[7];
    long total = 0, reads = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0) {
            fprintf(stderr, "cp: read: %s\n", strerror(errno));
            return 1;
        }
        if (n == 0) break;
        reads++;
        ssize_t off = 0;
        while (off < n) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0) {
                fprintf(stderr, "cp: write: %s\n", strerror(errno));
                return 1;
            }
            off += w;
        }
        total += n;
    }
    close(in);
    if (close(out) != 0) {
        fprintf(stderr, "cp: close: %s\n", strerror(errno));
        return 1;
    }
    struct stat a, b;
    if (stat(argv[1], &a) != 0 || stat(argv[2], &b) != 0) {
        fprintf(stderr, "cp: stat: %s\n", strerror(errno));
        return 1;
    }
    printf("copied %ld bytes\n", total);
    printf("reads >= %ld: %s\n", (total + 6) / 7, reads >= (total + 6) / 7 ? "yes" : "no");
    printf("sizes equal: %s\n", a.st_size == b.st_size && a.st_size == total ? "yes" : "no");
    printf("destination is a regular file: %s\n", S_ISREG(b.st_mode) ? "yes" : "no");
    /* A second copy onto the now existing destination must fail (O_EXCL). */
    int again = open(argv[2], O_WRONLY | O_CREAT | O_EXCL, 0644);
    printf("O_EXCL on existing destination: %s\n",
           again < 0 && errno == EEXIST ? "EEXIST" : "unexpected");
    return 0;
}
