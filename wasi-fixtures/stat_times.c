/* stat_times: stat/fstat sizes and types, and timestamps set with
 * utimensat/futimens/utimes read back exactly to the nanosecond; UTIME_OMIT
 * keeps a time, UTIME_NOW sets "now", AT_SYMLINK_NOFOLLOW changes the link
 * itself. Only fixed, chosen timestamps are printed; "now" is checked
 * against clock_gettime and printed as ok/not ok. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e) {
    switch (e) {
    case 0: return "ok";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case ENOENT: return "ENOENT";
    case ENOTDIR: return "ENOTDIR";
    }
    static char buf[32];
    snprintf(buf, sizeof buf, "errno %d", e);
    return buf;
}

static const char *type_of(mode_t m) {
    return S_ISLNK(m) ? "symlink" : S_ISDIR(m) ? "directory" : S_ISREG(m) ? "file" : "other";
}

static void times_of(const char *label, const char *path, int flags) {
    struct stat st;
    if (fstatat(AT_FDCWD, path, &st, flags) != 0) {
        printf("%s: stat failed: %s\n", label, errname(errno));
        return;
    }
    printf("%s: atime %lld.%09ld mtime %lld.%09ld\n", label, (long long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static int near_now(struct timespec t, struct timespec lo, struct timespec hi) {
    /* allow 2 s either side: filesystems may round "now" to their own tick */
    return t.tv_sec >= lo.tv_sec - 2 && t.tv_sec <= hi.tv_sec + 2;
}

int main(void) {
    const char *f = "/sandbox/file.txt";
    int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "hello", 5);

    struct stat st, fst;
    stat(f, &st);
    fstat(fd, &fst);
    printf("stat: %s, size %lld, nlink %lld\n", type_of(st.st_mode), (long long)st.st_size,
           (long long)st.st_nlink);
    printf("fstat agrees with stat: %s\n",
           fst.st_size == st.st_size && fst.st_ino == st.st_ino && fst.st_dev == st.st_dev &&
                   fst.st_mtim.tv_sec == st.st_mtim.tv_sec && fst.st_mtim.tv_nsec == st.st_mtim.tv_nsec
               ? "yes"
               : "no");
    mkdir("/sandbox/dir", 0755);
    stat("/sandbox/dir", &st);
    printf("stat dir: %s\n", type_of(st.st_mode));
    stat("/sandbox", &st);
    printf("stat /sandbox: %s\n", type_of(st.st_mode));
    printf("stat missing: %s\n", stat("/sandbox/missing", &st) == 0 ? "ok" : errname(errno));
    printf("stat through a file: %s\n", stat("/sandbox/file.txt/x", &st) == 0 ? "ok" : errname(errno));
    printf("fstat on a bad fd: %s\n", fstat(99, &st) == 0 ? "ok" : errname(errno));

    /* exact nanoseconds round-trip */
    struct timespec ts[2] = {{1000000000, 123456789}, {1234567890, 987654321}};
    printf("utimensat: %s\n", utimensat(AT_FDCWD, f, ts, 0) == 0 ? "ok" : errname(errno));
    times_of("after utimensat", f, 0);
    stat(f, &st);
    printf("ns roundtrip: %s\n",
           st.st_atim.tv_sec == ts[0].tv_sec && st.st_atim.tv_nsec == ts[0].tv_nsec &&
                   st.st_mtim.tv_sec == ts[1].tv_sec && st.st_mtim.tv_nsec == ts[1].tv_nsec
               ? "ok"
               : "MISMATCH");

    /* UTIME_OMIT keeps atime */
    struct timespec ts2[2] = {{0, UTIME_OMIT}, {1500000000, 5}};
    printf("utimensat(atime UTIME_OMIT): %s\n", utimensat(AT_FDCWD, f, ts2, 0) == 0 ? "ok" : errname(errno));
    times_of("after UTIME_OMIT", f, 0);

    /* futimens on the open fd */
    struct timespec ts3[2] = {{1600000000, 1}, {0, UTIME_OMIT}};
    printf("futimens(mtime UTIME_OMIT): %s\n", futimens(fd, ts3) == 0 ? "ok" : errname(errno));
    times_of("after futimens", f, 0);
    struct timespec ts4[2] = {{2000000000, 999999999}, {2000000001, 0}};
    printf("futimens both: %s\n", futimens(fd, ts4) == 0 ? "ok" : errname(errno));
    times_of("after futimens both", f, 0);

    /* utimes (microseconds) */
    struct timeval tv[2] = {{1100000000, 250000}, {1100000001, 999999}};
    printf("utimes: %s\n", utimes(f, tv) == 0 ? "ok" : errname(errno));
    times_of("after utimes", f, 0);

    /* invalid nanoseconds are rejected */
    struct timespec bad[2] = {{1, 1000000000}, {1, 0}};
    printf("utimensat with tv_nsec = 1e9: %s\n", utimensat(AT_FDCWD, f, bad, 0) == 0 ? "ok" : errname(errno));
    times_of("unchanged", f, 0);

    /* UTIME_NOW and NULL mean "now" */
    struct timespec before, after;
    clock_gettime(CLOCK_REALTIME, &before);
    struct timespec ts5[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
    printf("utimensat(mtime UTIME_NOW): %s\n", utimensat(AT_FDCWD, f, ts5, 0) == 0 ? "ok" : errname(errno));
    clock_gettime(CLOCK_REALTIME, &after);
    stat(f, &st);
    printf("mtime is now: %s, atime kept: %s\n", near_now(st.st_mtim, before, after) ? "yes" : "no",
           st.st_atim.tv_sec == 1100000000 && st.st_atim.tv_nsec == 250000000 ? "yes" : "no");
    utimensat(AT_FDCWD, f, ts, 0);
    clock_gettime(CLOCK_REALTIME, &before);
    printf("utimensat(NULL): %s\n", utimensat(AT_FDCWD, f, NULL, 0) == 0 ? "ok" : errname(errno));
    clock_gettime(CLOCK_REALTIME, &after);
    stat(f, &st);
    printf("both now: %s\n", near_now(st.st_atim, before, after) && near_now(st.st_mtim, before, after) ? "yes" : "no");

    /* writing updates mtime */
    utimensat(AT_FDCWD, f, ts, 0);
    lseek(fd, 0, SEEK_END);
    write(fd, " world", 6);
    fstat(fd, &st);
    printf("write updates mtime: %s, size now %lld\n",
           st.st_mtim.tv_sec > 1234567890 ? "yes" : "no", (long long)st.st_size);
    ftruncate(fd, 2);
    fstat(fd, &st);
    printf("size after ftruncate: %lld\n", (long long)st.st_size);
    close(fd);

    /* directories have times too */
    struct timespec ts6[2] = {{1300000000, 300}, {1300000001, 400}};
    printf("utimensat on a directory: %s\n", utimensat(AT_FDCWD, "/sandbox/dir", ts6, 0) == 0 ? "ok" : errname(errno));
    times_of("dir", "/sandbox/dir", 0);

    /* a symlink's own times with AT_SYMLINK_NOFOLLOW; the target is untouched */
    symlink("file.txt", "/sandbox/link");
    utimensat(AT_FDCWD, f, ts, 0);
    struct timespec ts7[2] = {{1400000000, 7}, {1400000000, 8}};
    printf("utimensat(AT_SYMLINK_NOFOLLOW) on a symlink: %s\n",
           utimensat(AT_FDCWD, "/sandbox/link", ts7, AT_SYMLINK_NOFOLLOW) == 0 ? "ok" : errname(errno));
    times_of("link itself", "/sandbox/link", AT_SYMLINK_NOFOLLOW);
    times_of("target", f, 0);
    struct timespec ts8[2] = {{1450000000, 9}, {1450000000, 10}};
    printf("utimensat through the symlink: %s\n", utimensat(AT_FDCWD, "/sandbox/link", ts8, 0) == 0 ? "ok" : errname(errno));
    times_of("target", f, 0);

    printf("utimensat on a missing file: %s\n", utimensat(AT_FDCWD, "/sandbox/missing", ts, 0) == 0 ? "ok" : errname(errno));
    return 0;
}
