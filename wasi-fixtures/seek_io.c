/* seek_io: lseek (SET/CUR/END, past the end, negative results), pread and
 * pwrite (which never move the offset), O_APPEND, ftruncate (shrink and
 * grow), readv/writev with several buffers, and stdio fseek/ftell. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *errname(int e) {
    switch (e) {
    case 0: return "ok";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EISDIR: return "EISDIR";
    case ENOENT: return "ENOENT";
    case EOVERFLOW: return "EOVERFLOW";
    case ESPIPE: return "ESPIPE";
    }
    static char buf[32];
    snprintf(buf, sizeof buf, "errno %d", e);
    return buf;
}

static int fd;

static void pos(const char *label) {
    off_t p = lseek(fd, 0, SEEK_CUR);
    printf("%s: offset %lld\n", label, (long long)p);
}

static void seek(const char *label, off_t off, int whence) {
    off_t p = lseek(fd, off, whence);
    if (p < 0) printf("%s: %s\n", label, errname(errno));
    else printf("%s: %lld\n", label, (long long)p);
}

static void hex(const char *label, const char *buf, ssize_t n) {
    printf("%s: %zd bytes [", label, n);
    for (ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c >= 0x20 && c < 0x7f) putchar(c);
        else printf("\\x%02x", c);
    }
    printf("]\n");
}

static void rd(const char *label, size_t n) {
    char buf[64];
    ssize_t r = read(fd, buf, n);
    if (r < 0) printf("%s: %s\n", label, errname(errno));
    else hex(label, buf, r);
}

static void prd(const char *label, size_t n, off_t off) {
    char buf[64];
    ssize_t r = pread(fd, buf, n, off);
    if (r < 0) printf("%s: %s\n", label, errname(errno));
    else hex(label, buf, r);
}

static long long size_of(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void whole(const char *path) {
    char buf[128];
    int f = open(path, O_RDONLY);
    ssize_t n = read(f, buf, sizeof buf);
    close(f);
    hex(path, buf, n);
}

/* writev/readv may transfer less than asked (hosts may use only the first
 * buffer per call); loop until everything is done, as callers must. */
static size_t writev_all(int f, struct iovec *iov, int cnt) {
    size_t total = 0;
    while (cnt > 0) {
        ssize_t n = writev(f, iov, cnt);
        if (n <= 0) break;
        total += (size_t)n;
        while (cnt > 0 && (size_t)n >= iov->iov_len) { n -= (ssize_t)iov->iov_len; iov++; cnt--; }
        if (cnt > 0) { iov->iov_base = (char *)iov->iov_base + n; iov->iov_len -= (size_t)n; }
    }
    return total;
}
static size_t readv_all(int f, struct iovec *iov, int cnt) {
    size_t total = 0;
    while (cnt > 0) {
        ssize_t n = readv(f, iov, cnt);
        if (n <= 0) break;
        total += (size_t)n;
        while (cnt > 0 && (size_t)n >= iov->iov_len) { n -= (ssize_t)iov->iov_len; iov++; cnt--; }
        if (cnt > 0) { iov->iov_base = (char *)iov->iov_base + n; iov->iov_len -= (size_t)n; }
    }
    return total;
}

int main(void) {
    const char *path = "/sandbox/data.bin";
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { printf("open: %s\n", errname(errno)); return 1; }
    write(fd, "0123456789", 10);
    pos("after writing 10 bytes");
    seek("lseek(0, SEEK_SET)", 0, SEEK_SET);
    rd("read 4", 4);
    pos("after read 4");
    prd("pread 3 at 7", 3, 7);
    pos("after pread");
    ssize_t w = pwrite(fd, "AB", 2, 2);
    printf("pwrite 2 at 2: %zd\n", w);
    pos("after pwrite");
    prd("pread 10 at 0", 10, 0);
    prd("pread 5 at 8 (short)", 5, 8);
    prd("pread at 100 (past the end)", 5, 100);
    seek("lseek(-3, SEEK_END)", -3, SEEK_END);
    rd("read rest", 10);
    rd("read at EOF", 10);
    seek("lseek(0, SEEK_END)", 0, SEEK_END);
    seek("lseek(5, SEEK_END)", 5, SEEK_END);
    write(fd, "X", 1);
    printf("size after writing past the end: %lld\n", size_of(path));
    prd("the gap reads as zeros", 6, 10);
    seek("lseek(-1, SEEK_SET)", -1, SEEK_SET);
    pos("offset unchanged after a failed seek");
    seek("lseek(-100, SEEK_CUR)", -100, SEEK_CUR);
    seek("lseek(-2, SEEK_CUR)", -2, SEEK_CUR);
    seek("lseek(0, 99) bad whence", 0, 99);

    /* ftruncate does not move the offset */
    seek("lseek(12, SEEK_SET)", 12, SEEK_SET);
    printf("ftruncate to 4: %s\n", ftruncate(fd, 4) == 0 ? "ok" : errname(errno));
    printf("size: %lld\n", size_of(path));
    pos("offset after ftruncate");
    rd("read past the new end", 4);
    printf("ftruncate to 8: %s\n", ftruncate(fd, 8) == 0 ? "ok" : errname(errno));
    prd("grown part reads as zeros", 8, 0);
    printf("ftruncate to -1: %s\n", ftruncate(fd, -1) == 0 ? "ok" : errname(errno));

    /* writev / readv */
    lseek(fd, 0, SEEK_SET);
    char a[] = "alpha-", b[] = "", c[] = "beta-", d[] = "gamma";
    struct iovec wv[4] = {{a, 6}, {b, 0}, {c, 5}, {d, 5}};
    printf("writev 4 buffers (one empty): %zu bytes\n", writev_all(fd, wv, 4));
    pos("after writev");
    lseek(fd, 0, SEEK_SET);
    char r1[3], r2[5], r3[20];
    memset(r3, 0, sizeof r3);
    struct iovec rv[3] = {{r1, 3}, {r2, 5}, {r3, 20}};
    size_t got = readv_all(fd, rv, 3);
    printf("readv into 3 buffers: %zu bytes\n", got);
    hex("  buffer 1", r1, 3);
    hex("  buffer 2", r2, 5);
    hex("  buffer 3", r3, (ssize_t)got - 8);
    close(fd);
    whole(path);

    /* O_APPEND: every write lands at the end, whatever the offset */
    const char *ap = "/sandbox/append.txt";
    fd = open(ap, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "start\n", 6);
    close(fd);
    fd = open(ap, O_RDWR | O_APPEND);
    pos("O_APPEND fd, after open");
    write(fd, "one\n", 4);
    pos("after append write");
    seek("lseek(0, SEEK_SET) on O_APPEND fd", 0, SEEK_SET);
    rd("read from 0", 6);
    write(fd, "two\n", 4);
    pos("after second append write");
    close(fd);
    whole(ap);

    /* the same through stdio: "a" mode, fseek/ftell */
    FILE *f = fopen(ap, "a+");
    fputs("three\n", f);
    printf("ftell after fputs in a+ mode: %ld\n", ftell(f));
    fseek(f, 6, SEEK_SET);
    char line[32];
    fgets(line, sizeof line, f);
    printf("line at offset 6: %s", line);
    printf("ftell: %ld\n", ftell(f));
    fseek(f, -6, SEEK_END);
    fgets(line, sizeof line, f);
    printf("last line: %s", line);
    fclose(f);
    whole(ap);

    /* seeking a directory fd fails */
    int dfd = open("/sandbox", O_RDONLY | O_DIRECTORY);
    off_t p = lseek(dfd, 0, SEEK_CUR);
    printf("lseek on a directory: %s\n", p < 0 ? errname(errno) : "succeeded");
    close(dfd);
    p = lseek(99, 0, SEEK_CUR);
    printf("lseek on a bad fd: %s\n", p < 0 ? errname(errno) : "succeeded");
    return 0;
}
