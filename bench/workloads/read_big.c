/* read_big PATH CHUNK_KIB: reads the whole file with read()s of CHUNK_KIB KiB
 * (one fd_read per chunk) and prints a checksum of every 4096th byte. */
#include <fcntl.h>
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv) {
    const char *path = arg_str(argc, argv, 1, "path");
    long long chunk = arg_num(argc, argv, 2, "chunk KiB") * 1024;
    if (chunk <= 0) chunk = 1024;
    unsigned char *buf = malloc((size_t)chunk);
    if (!buf) die(argv[0], "malloc", path);
    int fd = open(path, O_RDONLY);
    if (fd < 0) die(argv[0], "open", path);
    long long total = 0, reads = 0;
    uint32_t sum = 0;
    for (;;) {
        ssize_t n = read(fd, buf, (size_t)chunk);
        if (n < 0) die(argv[0], "read", path);
        if (n == 0) break;
        reads++;
        for (ssize_t i = 0; i < n; i += 4096) sum = sum * 31 + buf[i];
        total += n;
    }
    close(fd);
    printf("read_big: %lld bytes in %lld reads, checksum %08x\n", total, reads, sum);
    return 0;
}
