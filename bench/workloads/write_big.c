/* write_big PATH MIB CHUNK_KIB: writes MIB MiB to a new file in write()s of
 * CHUNK_KIB KiB each (one fd_write per chunk). */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv) {
    const char *path = arg_str(argc, argv, 1, "path");
    long long mib = arg_num(argc, argv, 2, "MiB");
    long long chunk = arg_num(argc, argv, 3, "chunk KiB") * 1024;
    if (chunk <= 0) chunk = 1024;
    unsigned char *buf = malloc((size_t)chunk);
    if (!buf) die(argv[0], "malloc", path);
    uint64_t s = 0x9E3779B97F4A7C15ULL;
    for (long long i = 0; i < chunk; i += 8) {
        uint64_t r = rng_next(&s);
        for (int k = 0; k < 8 && i + k < chunk; k++) buf[i + k] = (unsigned char)(r >> (8 * k));
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die(argv[0], "open", path);
    long long target = mib * 1024 * 1024, total = 0;
    while (total < target) {
        long long want = target - total < chunk ? target - total : chunk;
        buf[0] = (unsigned char)(total >> 20); /* each chunk differs a little */
        ssize_t n = write(fd, buf, (size_t)want);
        if (n <= 0) die(argv[0], "write", path);
        total += n;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) die(argv[0], "fstat", path);
    if (close(fd) != 0) die(argv[0], "close", path);
    printf("write_big: %lld bytes in %lld-byte chunks, file size %lld\n", total, chunk, (long long)st.st_size);
    return st.st_size == total ? 0 : 1;
}
