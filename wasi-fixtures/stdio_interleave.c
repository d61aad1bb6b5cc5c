/* stdio_interleave: fprintf to stdout and stderr alternately, with and
 * without explicit flushes, unbuffered and line-buffered modes, a long line
 * bigger than stdio's buffer, non-ASCII text and number formatting. Each
 * stream is checked on its own: the runner captures them separately. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    for (int i = 1; i <= 5; i++) {
        printf("out %d\n", i);
        fprintf(stderr, "err %d\n", i);
    }
    fflush(stdout);
    fputs("partial ", stdout);
    fputs("partial ", stderr);
    fputs("line\n", stdout);
    fputs("line\n", stderr);

    /* raw write(2) after flushing stdio keeps the order within a stream */
    fflush(stdout);
    write(1, "raw write to fd 1\n", 18);
    write(2, "raw write to fd 2\n", 18);
    printf("after raw write\n");
    fflush(stdout);

    setvbuf(stdout, NULL, _IONBF, 0);
    printf("unbuffered ");
    printf("stdout\n");
    setvbuf(stderr, NULL, _IOLBF, 0);
    fprintf(stderr, "line-buffered stderr\n");

    /* one line longer than the default 1 KiB-ish stdio buffer */
    char big[5001];
    for (int i = 0; i < 5000; i++) big[i] = (char)('a' + i % 26);
    big[5000] = '\0';
    printf("%s\n", big);
    fprintf(stderr, "%zu bytes line written to stdout\n", strlen(big));

    printf("unicode: héllo wörld, 日本語, 🎉\n");
    fprintf(stderr, "unicode on stderr: ✓\n");
    printf("numbers: %d %u %ld %lld %x %o %5.2f %e %g %s %c %%\n", -42, 42u, 1234567890L,
           -9007199254740993LL, 0xbeef, 8, 3.14159, 12345.678, 0.0001, "str", 'c');
    printf("padding: [%8s] [%-8s] [%08.3f] [%+d]\n", "right", "left", -3.5, 7);
    fputs("last line without newline on stdout", stdout);
    fputs("last line without newline on stderr", stderr);
    return 0;
}
