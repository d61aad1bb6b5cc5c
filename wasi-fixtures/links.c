/* links: symlink/readlink/link, lstat vs stat, st_nlink after link and
 * unlink, dangling symlinks, symlink loops, symlinks to directories, and
 * O_NOFOLLOW. All symlink targets are relative and stay inside the sandbox. */
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
    case EISDIR: return "EISDIR";
    case ELOOP: return "ELOOP";
    case ENOENT: return "ENOENT";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENOTSUP: return "ENOTSUP";
    case EPERM: return "EPERM";
    }
    static char buf[32];
    snprintf(buf, sizeof buf, "errno %d", e);
    return buf;
}

static void res(const char *what, int rc) {
    int e = errno;
    printf("%s: %s\n", what, rc == 0 ? "ok" : errname(e));
}

static void put(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) { printf("FAIL fopen %s: %s\n", path, errname(errno)); return; }
    fputs(text, f);
    fclose(f);
}

static void show(const char *path) {
    char buf[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("read %s: %s\n", path, errname(errno)); return; }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = '\0';
    printf("read %s: [%s]\n", path, buf);
}

static void do_readlink(const char *path, size_t bufsize) {
    char buf[256];
    memset(buf, '#', sizeof buf);
    ssize_t n = readlink(path, buf, bufsize);
    if (n < 0) { printf("readlink %s (buf %zu): %s\n", path, bufsize, errname(errno)); return; }
    printf("readlink %s (buf %zu): %zd [%.*s]\n", path, bufsize, n, (int)n, buf);
}

static const char *type_of(mode_t m) {
    return S_ISLNK(m) ? "symlink" : S_ISDIR(m) ? "directory" : S_ISREG(m) ? "file" : "other";
}

static void stats(const char *path) {
    struct stat st, lst;
    int r1 = stat(path, &st);
    int e1 = errno;
    int r2 = lstat(path, &lst);
    int e2 = errno;
    printf("%s: stat ", path);
    /* directory sizes depend on the filesystem: only print file/link sizes */
    if (r1 == 0 && S_ISDIR(st.st_mode)) printf("directory");
    else if (r1 == 0) printf("%s size %lld", type_of(st.st_mode), (long long)st.st_size);
    else printf("%s", errname(e1));
    printf(", lstat ");
    if (r2 == 0 && S_ISDIR(lst.st_mode)) printf("directory");
    else if (r2 == 0) printf("%s size %lld", type_of(lst.st_mode), (long long)lst.st_size);
    else printf("%s", errname(e2));
    printf("\n");
}

static long long nlink(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    return (long long)st.st_nlink;
}

int main(void) {
    put("/sandbox/target.txt", "target content\n");

    /* symlink to a file */
    res("symlink link -> target.txt", symlink("target.txt", "/sandbox/link"));
    res("symlink over existing name", symlink("target.txt", "/sandbox/link"));
    res("symlink over existing file", symlink("x", "/sandbox/target.txt"));
    do_readlink("/sandbox/link", 256);
    do_readlink("/sandbox/link", 4);
    do_readlink("/sandbox/target.txt", 64);
    do_readlink("/sandbox/nope", 64);
    stats("/sandbox/link");
    stats("/sandbox/target.txt");
    show("/sandbox/link");
    int fd = open("/sandbox/link", O_RDONLY | O_NOFOLLOW);
    res("open symlink with O_NOFOLLOW", fd >= 0 ? 0 : -1);
    if (fd >= 0) close(fd);

    /* writing through a symlink writes the target */
    FILE *f = fopen("/sandbox/link", "a");
    if (f) { fputs("appended via link\n", f); fclose(f); }
    show("/sandbox/target.txt");

    /* hard links */
    printf("nlink before link: %lld\n", nlink("/sandbox/target.txt"));
    res("link hard -> target.txt", link("/sandbox/target.txt", "/sandbox/hard"));
    printf("nlink after link: target %lld, hard %lld\n", nlink("/sandbox/target.txt"), nlink("/sandbox/hard"));
    struct stat a, b;
    stat("/sandbox/target.txt", &a);
    stat("/sandbox/hard", &b);
    printf("same inode: %s\n", a.st_ino == b.st_ino && a.st_dev == b.st_dev ? "yes" : "no");
    res("link onto existing name", link("/sandbox/target.txt", "/sandbox/hard"));
    res("link missing source", link("/sandbox/nope", "/sandbox/nope2"));
    mkdir("/sandbox/dir", 0755);
    res("link a directory", link("/sandbox/dir", "/sandbox/dir2"));
    /* link() does not follow a symlink source: the new name is a symlink */
    res("link of a symlink", link("/sandbox/link", "/sandbox/link2"));
    stats("/sandbox/link2");
    res("unlink link2", unlink("/sandbox/link2"));

    res("unlink target.txt", unlink("/sandbox/target.txt"));
    printf("nlink of hard after unlink: %lld\n", nlink("/sandbox/hard"));
    show("/sandbox/hard");

    /* now link is dangling */
    stats("/sandbox/link");
    show("/sandbox/link");
    do_readlink("/sandbox/link", 64);
    res("symlink dangling -> nonexistent", symlink("nonexistent", "/sandbox/dangling"));
    stats("/sandbox/dangling");
    fd = open("/sandbox/dangling", O_RDONLY | O_NOFOLLOW);
    res("open dangling with O_NOFOLLOW", fd >= 0 ? 0 : -1);
    if (fd >= 0) close(fd);
    res("unlink dangling", unlink("/sandbox/dangling"));
    stats("/sandbox/dangling");

    /* loops */
    symlink("loop2", "/sandbox/loop1");
    symlink("loop1", "/sandbox/loop2");
    stats("/sandbox/loop1");
    show("/sandbox/loop1");
    res("symlink self", symlink("self", "/sandbox/self"));
    stats("/sandbox/self");

    /* symlink to a directory, and relative targets inside subdirectories */
    put("/sandbox/dir/inner.txt", "inner\n");
    res("symlink dirlink -> dir", symlink("dir", "/sandbox/dirlink"));
    stats("/sandbox/dirlink");
    show("/sandbox/dirlink/inner.txt");
    res("symlink dir/up -> ../hard", symlink("../hard", "/sandbox/dir/up"));
    show("/sandbox/dir/up");
    res("symlink dir/chain -> ../dirlink/inner.txt", symlink("../dirlink/inner.txt", "/sandbox/dir/chain"));
    show("/sandbox/dir/chain");
    DIR *d = opendir("/sandbox/dirlink");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    if (d) closedir(d);
    printf("entries via dirlink: %d\n", n);
    res("rmdir a symlink to a dir", rmdir("/sandbox/dirlink"));
    res("unlink dirlink", unlink("/sandbox/dirlink"));
    stats("/sandbox/dir");
    /* a symlink with a trailing slash names the directory it points to */
    res("symlink dirlink2 -> dir", symlink("dir", "/sandbox/dirlink2"));
    stats("/sandbox/dirlink2/");

    /* rename moves the link itself, not the target; the relative target is
     * then resolved from the link's new directory */
    mkdir("/sandbox/dir2", 0755);
    res("rename dir/up -> dir2/up2", rename("/sandbox/dir/up", "/sandbox/dir2/up2"));
    stats("/sandbox/dir2/up2");
    do_readlink("/sandbox/dir2/up2", 64);
    show("/sandbox/dir2/up2");
    return 0;
}
