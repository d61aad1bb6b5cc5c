/* write_small PATH COUNT SIZE: COUNT unbuffered write()s of SIZE bytes each
 * to a new file, so exactly COUNT fd_write calls reach the host. PATH "-" is
 * stdout (fd 1), which the runner redirects to a file for that row. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv) {
    const char *path = arg_str(argc, argv, 1, "path");
    long long count = arg_num(argc, argv, 2, "count");
    long long size = arg_num(argc, argv, 3, "size");
    static char buf[65536];
    if (size > (long long)sizeof buf) size = sizeof buf;
    for (long long i = 0; i < size; i++) buf[i] = (char)('a' + i % 26);
    buf[size - 1] = '\n';
    int to_stdout = path[0] == '-' && path[1] == '\0';
    int fd = to_stdout ? 1 : open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die(argv[0], "open", path);
    long long total = 0;
    for (long long i = 0; i < count; i++) {
        ssize_t n = write(fd, buf, (size_t)size);
        if (n != size) die(argv[0], "write", path);
        total += n;
    }
    if (to_stdout) {
        printf("write_small: %lld writes, %lld bytes to stdout\n", count, total);
        return 0;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) die(argv[0], "fstat", path);
    if (close(fd) != 0) die(argv[0], "close", path);
    printf("write_small: %lld writes, %lld bytes, file size %lld\n", count, total, (long long)st.st_size);
    return st.st_size == total ? 0 : 1;
}
