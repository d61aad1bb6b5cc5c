/* many_fds: 300 files open at once, each written and read through its own
 * fd; closed fds are reused; fds stay valid across unrelated closes; using a
 * closed or never-opened fd gives EBADF. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define N 300

int main(void) {
    static int fds[N];
    char path[64], buf[32];
    int opened = 0, distinct = 1;
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "/sandbox/f%03d", i);
        fds[i] = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fds[i] >= 0) opened++;
        for (int j = 0; j < i; j++)
            if (fds[j] == fds[i]) distinct = 0;
    }
    printf("opened %d files at once, all fds distinct: %s, none is 0/1/2: %s\n", opened,
           distinct ? "yes" : "no", fds[0] > 2 ? "yes" : "no");
    int ok = 1;
    for (int i = 0; i < N; i++) {
        int len = snprintf(buf, sizeof buf, "file %d", i);
        if (write(fds[i], buf, (size_t)len) != len) ok = 0;
    }
    for (int i = N - 1; i >= 0; i--) {
        char want[32];
        int len = snprintf(want, sizeof want, "file %d", i);
        memset(buf, 0, sizeof buf);
        if (pread(fds[i], buf, sizeof buf, 0) != len || memcmp(buf, want, (size_t)len) != 0) ok = 0;
    }
    printf("each fd reads back its own file: %s\n", ok ? "yes" : "no");

    /* close every other fd; the rest keep working */
    for (int i = 0; i < N; i += 2) close(fds[i]);
    ok = 1;
    for (int i = 1; i < N; i += 2) {
        char want[32];
        int len = snprintf(want, sizeof want, "file %d", i);
        memset(buf, 0, sizeof buf);
        if (pread(fds[i], buf, sizeof buf, 0) != len || memcmp(buf, want, (size_t)len) != 0) ok = 0;
    }
    printf("odd fds still work after closing the even ones: %s\n", ok ? "yes" : "no");
    errno = 0;
    printf("read from a closed fd: %s\n", read(fds[0], buf, 1) < 0 && errno == EBADF ? "EBADF" : "unexpected");
    errno = 0;
    printf("close a closed fd: %s\n", close(fds[0]) < 0 && errno == EBADF ? "EBADF" : "unexpected");
    errno = 0;
    printf("write to fd 12345: %s\n", write(12345, "x", 1) < 0 && errno == EBADF ? "EBADF" : "unexpected");
    errno = 0;
    printf("read from fd -1: %s\n", read(-1, buf, 1) < 0 && errno == EBADF ? "EBADF" : "unexpected");

    /* a new open reuses one of the freed numbers */
    int again = open("/sandbox/f000", O_RDONLY);
    int reused = 0;
    for (int i = 0; i < N; i += 2)
        if (fds[i] == again) reused = 1;
    printf("new fd reuses a closed number: %s\n", reused ? "yes" : "no");
    close(again);
    for (int i = 1; i < N; i += 2) close(fds[i]);
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "/sandbox/f%03d", i);
        unlink(path);
    }
    printf("done\n");
    return 0;
}
