/* fs_ops: mkdir/rename/unlink/rmdir/open and the errno each failure must
 * give, printed by name ("rmdir nonempty: ENOTEMPTY"). The expected errnos
 * are what wasmtime gives on Linux (they are also Linux's own). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *errname(int e) {
    switch (e) {
    case 0: return "ok";
    case EACCES: return "EACCES";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case EIO: return "EIO";
    case EISDIR: return "EISDIR";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOENT: return "ENOENT";
    case ENOSYS: return "ENOSYS";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENOTSUP: return "ENOTSUP";
    case EPERM: return "EPERM";
    case EXDEV: return "EXDEV";
    }
    static char buf[32];
    snprintf(buf, sizeof buf, "errno %d", e);
    return buf;
}

/* Prints "what: ok" or "what: ENAME" for a call returning 0 / -1. */
static void res(const char *what, int rc) {
    int e = errno;
    printf("%s: %s\n", what, rc == 0 ? "ok" : errname(e));
}
static int fdres(int fd) { return fd >= 0 ? 0 : -1; }

static void put(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) { printf("FAIL fopen %s: %s\n", path, errname(errno)); return; }
    fputs(text, f);
    fclose(f);
}

static void show(const char *path) {
    char buf[256];
    FILE *f = fopen(path, "r");
    if (!f) { printf("%s: cannot open: %s\n", path, errname(errno)); return; }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    printf("%s contains [%s]\n", path, buf);
}

static const char *kind(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return errname(errno);
    if (S_ISDIR(st.st_mode)) return "directory";
    if (S_ISREG(st.st_mode)) return "file";
    if (S_ISLNK(st.st_mode)) return "symlink";
    return "other";
}

int main(void) {
    int fd;

    /* mkdir */
    res("mkdir a", mkdir("/sandbox/a", 0755));
    res("mkdir a again", mkdir("/sandbox/a", 0755));
    res("mkdir under missing parent", mkdir("/sandbox/missing/x", 0755));
    put("/sandbox/a/file.txt", "hello");
    res("mkdir over a file", mkdir("/sandbox/a/file.txt", 0755));
    res("mkdir under a file", mkdir("/sandbox/a/file.txt/sub", 0755));
    res("mkdir nested", mkdir("/sandbox/a/b", 0755));
    res("mkdir with trailing slash", mkdir("/sandbox/c/", 0755));
    printf("c is a %s\n", kind("/sandbox/c"));

    /* open */
    res("open missing", fdres(open("/sandbox/nope.txt", O_RDONLY)));
    res("open file as a dir component", fdres(open("/sandbox/a/file.txt/x", O_RDONLY)));
    res("open file with trailing slash", fdres(open("/sandbox/a/file.txt/", O_RDONLY)));
    res("open O_CREAT|O_EXCL existing", fdres(open("/sandbox/a/file.txt", O_WRONLY | O_CREAT | O_EXCL, 0644)));
    res("open dir for writing", fdres(open("/sandbox/a", O_WRONLY)));
    res("open file with O_DIRECTORY", fdres(open("/sandbox/a/file.txt", O_RDONLY | O_DIRECTORY)));
    fd = open("/sandbox/a", O_RDONLY | O_DIRECTORY);
    res("open dir with O_DIRECTORY", fdres(fd));
    if (fd >= 0) {
        char c;
        ssize_t n = read(fd, &c, 1);
        res("read from a directory fd", n < 0 ? -1 : 0);
        close(fd);
    }
    fd = open("/sandbox/a/created.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    res("open O_CREAT new", fdres(fd));
    if (fd >= 0) {
        write(fd, "created", 7);
        close(fd);
    }
    fd = open("/sandbox/a/created.txt", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = write(fd, "x", 1);
        res("write to a read-only fd", n < 0 ? -1 : 0);
        close(fd);
    }
    fd = open("/sandbox/a/created.txt", O_WRONLY | O_TRUNC);
    res("open O_TRUNC existing", fdres(fd));
    if (fd >= 0) close(fd);
    struct stat st;
    stat("/sandbox/a/created.txt", &st);
    printf("size after O_TRUNC: %lld\n", (long long)st.st_size);
    res("close a closed fd", close(fd));

    /* rmdir */
    res("rmdir nonempty", rmdir("/sandbox/a"));
    res("rmdir a file", rmdir("/sandbox/a/file.txt"));
    res("rmdir missing", rmdir("/sandbox/nope"));
    res("rmdir empty", rmdir("/sandbox/a/b"));
    printf("a/b is now: %s\n", kind("/sandbox/a/b"));

    /* unlink */
    res("unlink a directory", unlink("/sandbox/a"));
    res("unlink missing", unlink("/sandbox/nope.txt"));
    res("unlink file with trailing slash", unlink("/sandbox/a/created.txt/"));
    res("unlink file", unlink("/sandbox/a/created.txt"));
    printf("a/created.txt is now: %s\n", kind("/sandbox/a/created.txt"));

    /* An unlinked file stays readable through an fd opened before. */
    put("/sandbox/keep.txt", "still here");
    fd = open("/sandbox/keep.txt", O_RDONLY);
    res("unlink an open file", unlink("/sandbox/keep.txt"));
    if (fd >= 0) {
        char buf[32] = {0};
        ssize_t n = read(fd, buf, sizeof buf - 1);
        printf("read after unlink: %zd bytes [%s]\n", n, n > 0 ? buf : "");
        close(fd);
    }
    printf("keep.txt is now: %s\n", kind("/sandbox/keep.txt"));

    /* remove(): libc tries unlink, and falls back to rmdir on EISDIR */
    mkdir("/sandbox/r", 0755);
    res("remove empty dir", remove("/sandbox/r"));
    printf("r is now: %s\n", kind("/sandbox/r"));
    put("/sandbox/r.txt", "r");
    res("remove file", remove("/sandbox/r.txt"));
    printf("r.txt is now: %s\n", kind("/sandbox/r.txt"));

    /* rename */
    res("rename file", rename("/sandbox/a/file.txt", "/sandbox/a/renamed.txt"));
    printf("a/file.txt is now: %s\n", kind("/sandbox/a/file.txt"));
    show("/sandbox/a/renamed.txt");
    put("/sandbox/a/other.txt", "other");
    res("rename onto existing file", rename("/sandbox/a/renamed.txt", "/sandbox/a/other.txt"));
    show("/sandbox/a/other.txt");
    printf("a/renamed.txt is now: %s\n", kind("/sandbox/a/renamed.txt"));
    res("rename missing", rename("/sandbox/a/nope", "/sandbox/a/nope2"));
    res("rename into missing dir", rename("/sandbox/a/other.txt", "/sandbox/missing/x"));
    res("rename file to itself", rename("/sandbox/a/other.txt", "/sandbox/a/other.txt"));
    show("/sandbox/a/other.txt");

    mkdir("/sandbox/d1", 0755);
    mkdir("/sandbox/d2", 0755);
    mkdir("/sandbox/d3", 0755);
    put("/sandbox/d3/inside.txt", "inside");
    res("rename file onto a dir", rename("/sandbox/a/other.txt", "/sandbox/d1"));
    res("rename dir onto a file", rename("/sandbox/d1", "/sandbox/a/other.txt"));
    res("rename dir onto nonempty dir", rename("/sandbox/d1", "/sandbox/d3"));
    show("/sandbox/d3/inside.txt");
    res("rename dir onto empty dir", rename("/sandbox/d1", "/sandbox/d2"));
    printf("d1 is now: %s, d2 is now: %s\n", kind("/sandbox/d1"), kind("/sandbox/d2"));
    res("rename dir into itself", rename("/sandbox/d3", "/sandbox/d3/sub"));
    res("rename dir to new name", rename("/sandbox/d3", "/sandbox/d4"));
    show("/sandbox/d4/inside.txt");
    res("rename file across dirs", rename("/sandbox/d4/inside.txt", "/sandbox/a/moved.txt"));
    show("/sandbox/a/moved.txt");

    /* names */
    char name[300];
    memset(name, 'n', 255);
    name[255] = '\0';
    char path[400];
    snprintf(path, sizeof path, "/sandbox/%s", name);
    res("create 255-byte name", fdres(fd = open(path, O_WRONLY | O_CREAT, 0644)));
    if (fd >= 0) close(fd);
    res("unlink 255-byte name", unlink(path));
    snprintf(path, sizeof path, "/sandbox/%sn", name);
    res("create 256-byte name", fdres(fd = open(path, O_WRONLY | O_CREAT, 0644)));
    if (fd >= 0) close(fd);
    res("create in a path with ./ and ../", fdres(fd = open("/sandbox/a/./../a/dots.txt", O_WRONLY | O_CREAT, 0644)));
    if (fd >= 0) close(fd);
    printf("a/dots.txt is a %s\n", kind("/sandbox/a/dots.txt"));
    res("unlink a/dots.txt", unlink("/sandbox/a/dots.txt"));

    /* final listing of /sandbox (sorted) */
    DIR *d = opendir("/sandbox");
    char *names[64];
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < 64)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
    if (d) closedir(d);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j]; names[j] = names[j - 1]; names[j - 1] = t;
        }
    printf("/sandbox:");
    for (int i = 0; i < n; i++) printf(" %s(%s)", names[i], kind((snprintf(path, sizeof path, "/sandbox/%s", names[i]), path)));
    printf("\n");
    return 0;
}
