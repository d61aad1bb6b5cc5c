/* log_then_compute: the write-behind loss of issue 9, section 2. Prints
 * "writing" (one write(2) to stdout), makes COUNT unbuffered 25-byte
 * write(2)s to PATH, then computes for ROUNDS rounds without any WASI call
 * (0: forever, until the host is killed) and prints a checksum. Every write
 * returned success, so all COUNT * 25 bytes must be in the host file however
 * the process ends (test/durability.test.ts kills it during the computation).
 *
 *   log_then_compute PATH COUNT ROUNDS */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: log_then_compute PATH COUNT ROUNDS\n"); return 2; }
    long count = atol(argv[2]), rounds = atol(argv[3]);
    write(1, "writing\n", 8);
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { perror("open"); return 1; }
    char rec[26];
    for (long i = 0; i < count; i++) {
        /* 25 bytes: "record 000042 of the log\n" */
        snprintf(rec, sizeof rec, "record %06ld of the log\n", i % 1000000);
        if (write(fd, rec, 25) != 25) { perror("write"); return 1; }
    }
    /* No WASI call from here on: a host that holds acknowledged bytes in its
     * own memory has no chance to hand them down before it is killed. */
    volatile unsigned long long x = 1;
    for (long r = 0; rounds == 0 || r < rounds; r++) x = x * 6364136223846793005ull + 1442695040888963407ull;
    printf("wrote %ld records, checksum %lu\n", count, (unsigned long)(x & 0xffffu));
    close(fd);
    return 0;
}
