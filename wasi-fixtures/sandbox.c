/* sandbox: paths that try to leave the preopened directory. '..' past the
 * preopen's root is refused by the host (wasmtime: EPERM), an absolute path
 * outside every preopen is refused by libc itself (ENOTCAPABLE), and '..'
 * that stays inside works. Symlinks that point outside (relative or
 * absolute) are never followed; hosts may or may not allow creating such a
 * symlink, so the output is the same either way ("not followed"). */
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
    case ENOENT: return "ENOENT";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case ENOTDIR: return "ENOTDIR";
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
static int fdres(int fd) {
    if (fd >= 0) { close(fd); return 0; }
    return -1;
}

int main(void) {
    struct stat st;
    FILE *f = fopen("/sandbox/inside.txt", "w");
    fputs("inside\n", f);
    fclose(f);
    mkdir("/sandbox/a", 0755);
    mkdir("/sandbox/a/b", 0755);

    /* '..' that stays inside */
    res("open /sandbox/a/../inside.txt", fdres(open("/sandbox/a/../inside.txt", O_RDONLY)));
    res("open /sandbox/a/b/../../inside.txt", fdres(open("/sandbox/a/b/../../inside.txt", O_RDONLY)));
    res("open /sandbox/./a/./b/.././../inside.txt", fdres(open("/sandbox/./a/./b/.././../inside.txt", O_RDONLY)));
    res("stat /sandbox/a/..", stat("/sandbox/a/..", &st));
    printf("  it is a directory: %s\n", S_ISDIR(st.st_mode) ? "yes" : "no");
    res("stat /sandbox/.", stat("/sandbox/.", &st));

    /* '..' past the root of the preopen */
    res("open /sandbox/../etc/passwd", fdres(open("/sandbox/../etc/passwd", O_RDONLY)));
    res("open /sandbox/a/../../outside.txt", fdres(open("/sandbox/a/../../outside.txt", O_RDONLY)));
    res("open /sandbox/a/b/../../../../../../etc/passwd", fdres(open("/sandbox/a/b/../../../../../../etc/passwd", O_RDONLY)));
    res("create /sandbox/../created.txt", fdres(open("/sandbox/../created.txt", O_WRONLY | O_CREAT, 0644)));
    res("stat /sandbox/..", stat("/sandbox/..", &st));
    res("opendir /sandbox/..", opendir("/sandbox/..") ? 0 : -1);
    res("mkdir /sandbox/../newdir", mkdir("/sandbox/../newdir", 0755));
    res("rmdir /sandbox/../sandbox", rmdir("/sandbox/../sandbox"));
    res("unlink /sandbox/../outside.txt", unlink("/sandbox/../outside.txt"));
    res("rename inside.txt to /sandbox/../moved.txt", rename("/sandbox/inside.txt", "/sandbox/../moved.txt"));
    res("rename /sandbox/../x to inside", rename("/sandbox/../x", "/sandbox/x"));
    res("symlink whose link path is outside", symlink("inside.txt", "/sandbox/../link"));
    res("link to a path outside", link("/sandbox/inside.txt", "/sandbox/../hard"));

    /* absolute paths that match no preopen: refused by libc */
    res("open /etc/passwd", fdres(open("/etc/passwd", O_RDONLY)));
    res("open /sandboxed/x (not a path component match)", fdres(open("/sandboxed/x", O_RDONLY)));
    res("stat /", stat("/", &st));

    /* symlinks pointing outside are never followed */
    symlink("../outside.txt", "/sandbox/esc_rel");
    symlink("a/b/../../../outside.txt", "/sandbox/esc_deep");
    symlink("/sandbox/inside.txt", "/sandbox/esc_abs");
    symlink("/etc/passwd", "/sandbox/esc_etc");
    symlink("..", "/sandbox/a/up");   /* inside: /sandbox */
    symlink("../..", "/sandbox/a/up2"); /* outside */
    const char *escapes[] = {"/sandbox/esc_rel", "/sandbox/esc_deep", "/sandbox/esc_abs",
                             "/sandbox/esc_etc", "/sandbox/a/up2/x"};
    for (size_t i = 0; i < sizeof escapes / sizeof *escapes; i++) {
        /* If the host refused to create the symlink there is nothing to
         * follow; O_CREAT would then make an ordinary file inside, so only
         * try it when the link exists. Either way nothing outside is opened. */
        char parent[64];
        snprintf(parent, sizeof parent, "%s", escapes[i]);
        if (strcmp(escapes[i], "/sandbox/a/up2/x") == 0) parent[strlen("/sandbox/a/up2")] = '\0';
        struct stat lst;
        int is_link = lstat(parent, &lst) == 0 && S_ISLNK(lst.st_mode);
        int fd = open(escapes[i], O_RDONLY);
        int fd2 = is_link ? open(escapes[i], O_WRONLY | O_CREAT, 0644) : -1;
        printf("%s: %s\n", escapes[i], fd >= 0 || fd2 >= 0 ? "FOLLOWED (escape!)" : "not followed");
        if (fd >= 0) close(fd);
        if (fd2 >= 0) close(fd2);
    }
    res("open /sandbox/a/up/inside.txt (symlink to .. that stays inside)",
        fdres(open("/sandbox/a/up/inside.txt", O_RDONLY)));

    /* the sandbox is intact */
    char buf[32] = {0};
    f = fopen("/sandbox/inside.txt", "r");
    if (f) { fread(buf, 1, sizeof buf - 1, f); fclose(f); }
    printf("inside.txt intact: %s\n", strcmp(buf, "inside\n") == 0 ? "yes" : "no");
    return 0;
}
