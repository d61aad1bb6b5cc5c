/* cwd: wasi-libc emulates a current directory on top of the preopens (the
 * host only ever sees paths relative to a preopen fd). getcwd starts at "/",
 * chdir into the sandbox makes relative paths work, "..", errors. libc
 * does not normalise "..": after chdir("..") getcwd says "/sandbox/sub/.."
 * and the host then sees paths like "sub/../top.txt". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *errname(int e) {
    switch (e) {
    case 0: return "ok";
    case ENOENT: return "ENOENT";
    case ENOTDIR: return "ENOTDIR";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case EPERM: return "EPERM";
    }
    static char buf[32];
    snprintf(buf, sizeof buf, "errno %d", e);
    return buf;
}

static void cwd(void) {
    char buf[256];
    printf("  getcwd: %s\n", getcwd(buf, sizeof buf) ? buf : errname(errno));
}

static void cat(const char *path) {
    char buf[64] = {0};
    FILE *f = fopen(path, "r");
    if (!f) { printf("  read %s: %s\n", path, errname(errno)); return; }
    fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    printf("  read %s: %s", path, buf);
}

int main(void) {
    cwd();
    cat("sandbox/top.txt");
    printf("chdir /sandbox: %s\n", chdir("/sandbox") == 0 ? "ok" : errname(errno));
    cwd();
    cat("top.txt");
    cat("./sub/inner.txt");
    printf("chdir sub: %s\n", chdir("sub") == 0 ? "ok" : errname(errno));
    cwd();
    cat("inner.txt");
    cat("../top.txt");
    FILE *f = fopen("new.txt", "w");
    fputs("made via a relative path\n", f);
    fclose(f);
    cat("/sandbox/sub/new.txt");
    printf("mkdir rel: %s\n", mkdir("rel", 0755) == 0 ? "ok" : errname(errno));
    struct stat st;
    printf("stat /sandbox/sub/rel: %s\n", stat("/sandbox/sub/rel", &st) == 0 && S_ISDIR(st.st_mode) ? "directory" : "missing");
    printf("chdir ..: %s\n", chdir("..") == 0 ? "ok" : errname(errno));
    cwd();
    cat("top.txt");
    printf("chdir missing: %s\n", chdir("missing") == 0 ? "ok" : errname(errno));
    printf("chdir top.txt: %s\n", chdir("top.txt") == 0 ? "ok" : errname(errno));
    cwd();
    printf("chdir /: %s\n", chdir("/") == 0 ? "ok" : errname(errno));
    cwd();
    return 0;
}
