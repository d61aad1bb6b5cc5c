/* bigfile: writes 3 MiB of deterministic pseudo-random bytes in chunks of
 * varying sizes, checks the size, reads it back with different chunk sizes
 * (stdio and read(2)) and compares FNV-1a hashes; also a single 1 MiB
 * write and read. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIZE (3 * 1024 * 1024)

static uint32_t fnv(const unsigned char *p, size_t n, uint32_t h) {
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 16777619u; }
    return h;
}

int main(void) {
    unsigned char *data = malloc(SIZE), *back = malloc(SIZE);
    uint32_t x = 12345;
    for (size_t i = 0; i < SIZE; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (unsigned char)(x >> 16);
    }
    uint32_t want = fnv(data, SIZE, 2166136261u);
    printf("hash of generated data: %08x\n", (unsigned)want);

    int fd = open("/sandbox/big.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    size_t off = 0, chunk = 1;
    while (off < SIZE) {
        size_t n = chunk < SIZE - off ? chunk : SIZE - off;
        ssize_t w = write(fd, data + off, n);
        if (w <= 0) { printf("write failed at %zu\n", off); return 1; }
        off += (size_t)w;
        chunk = chunk * 3 + 7;
        if (chunk > 200000) chunk = 1;
    }
    close(fd);
    struct stat st;
    stat("/sandbox/big.bin", &st);
    printf("size: %lld\n", (long long)st.st_size);

    FILE *f = fopen("/sandbox/big.bin", "rb");
    size_t got = 0, n;
    while ((n = fread(back + got, 1, 4093, f)) > 0) got += n;
    fclose(f);
    printf("fread back %zu bytes, hash %08x, equal: %s\n", got, (unsigned)fnv(back, got, 2166136261u),
           got == SIZE && fnv(back, got, 2166136261u) == want ? "yes" : "no");

    fd = open("/sandbox/big.bin", O_RDONLY);
    got = 0;
    ssize_t r;
    while ((r = read(fd, back + got, SIZE - got)) > 0) got += (size_t)r;
    close(fd);
    printf("read(2) back %zu bytes, equal: %s\n", got, got == SIZE && fnv(back, got, 2166136261u) == want ? "yes" : "no");

    /* one 1 MiB write and one 1 MiB pread (loop on short counts) */
    fd = open("/sandbox/one.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    size_t done = 0;
    while (done < 1048576 && (r = write(fd, data + done, 1048576 - done)) > 0) done += (size_t)r;
    printf("1 MiB write: %zu bytes\n", done);
    done = 0;
    while (done < 1048576 && (r = pread(fd, back + done, 1048576 - done, (off_t)done)) > 0) done += (size_t)r;
    printf("1 MiB pread: %zu bytes, equal: %s\n", done,
           done == 1048576 && fnv(back, done, 1) == fnv(data, done, 1) ? "yes" : "no");
    close(fd);
    unlink("/sandbox/one.bin");
    unlink("/sandbox/big.bin");
    free(data);
    free(back);
    return 0;
}
