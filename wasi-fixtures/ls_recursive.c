/* ls_recursive: builds /sandbox/tree with 1,000 files (f0000..f0999) and a
 * few subdirectories, walks it with opendir/readdir, and prints per-directory
 * counts and an FNV-1a checksum of all sorted paths. Nothing depends on the
 * order readdir returns entries in. Also checks '.'/'..', d_type against
 * lstat, no duplicate names, telldir/seekdir, rewinddir, an empty directory,
 * and finally removes the whole tree again. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t fnv = 2166136261u;
static void fnv_add(const char *s) {
    for (; *s; s++) {
        fnv ^= (unsigned char)*s;
        fnv *= 16777619u;
    }
    fnv ^= '\n';
    fnv *= 16777619u;
}

struct entry {
    char *name;
    unsigned char type;
};

static int cmp_entry(const void *a, const void *b) {
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void die(const char *what, const char *path) {
    printf("FAIL %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static void make_file(const char *path, const char *content) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("create", path);
    size_t n = strlen(content);
    if (write(fd, content, n) != (ssize_t)n) die("write", path);
    close(fd);
}

static long total_files, total_dirs, total_bytes, dtype_mismatch;

/* Reads all entries of a directory except '.' and '..', sorted by name. */
static struct entry *list_dir(const char *path, size_t *count, int *dot, int *dotdot,
                              int *dups) {
    DIR *d = opendir(path);
    if (!d) die("opendir", path);
    size_t cap = 64, n = 0;
    struct entry *v = malloc(cap * sizeof *v);
    *dot = *dotdot = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0) { (*dot)++; continue; }
        if (strcmp(e->d_name, "..") == 0) { (*dotdot)++; continue; }
        if (n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
        v[n].name = strdup(e->d_name);
        v[n].type = e->d_type;
        n++;
    }
    if (errno != 0) die("readdir", path);
    closedir(d);
    qsort(v, n, sizeof *v, cmp_entry);
    *dups = 0;
    for (size_t i = 1; i < n; i++)
        if (strcmp(v[i - 1].name, v[i].name) == 0) (*dups)++;
    *count = n;
    return v;
}

static void walk(const char *path) {
    size_t n;
    int dot, dotdot, dups;
    struct entry *v = list_dir(path, &n, &dot, &dotdot, &dups);
    long files = 0, dirs = 0;
    char **subdirs = malloc((n ? n : 1) * sizeof *subdirs);
    size_t nsub = 0;
    for (size_t i = 0; i < n; i++) {
        char full[1024];
        snprintf(full, sizeof full, "%s/%s", path, v[i].name);
        fnv_add(full);
        struct stat st;
        if (lstat(full, &st) != 0) die("lstat", full);
        int is_dir = S_ISDIR(st.st_mode);
        if (is_dir) {
            dirs++;
            subdirs[nsub++] = strdup(full);
            if (v[i].type != DT_DIR) dtype_mismatch++;
        } else {
            files++;
            total_bytes += (long)st.st_size;
            if (v[i].type != DT_REG) dtype_mismatch++;
        }
        free(v[i].name);
    }
    free(v);
    total_files += files;
    total_dirs += dirs;
    printf("%s: %zu entries (%ld files, %ld dirs), '.' seen %d, '..' seen %d, duplicates %d\n",
           path, n, files, dirs, dot, dotdot, dups);
    for (size_t i = 0; i < nsub; i++) {
        walk(subdirs[i]);
        free(subdirs[i]);
    }
    free(subdirs);
}

static void remove_tree(const char *path) {
    size_t n;
    int dot, dotdot, dups;
    struct entry *v = list_dir(path, &n, &dot, &dotdot, &dups);
    for (size_t i = 0; i < n; i++) {
        char full[1024];
        snprintf(full, sizeof full, "%s/%s", path, v[i].name);
        if (v[i].type == DT_DIR) remove_tree(full);
        else if (unlink(full) != 0) die("unlink", full);
        free(v[i].name);
    }
    free(v);
    if (rmdir(path) != 0) die("rmdir", path);
}

int main(void) {
    char path[256], content[64];
    if (mkdir("/sandbox/tree", 0755) != 0) die("mkdir", "/sandbox/tree");
    for (int i = 0; i < 1000; i++) {
        snprintf(path, sizeof path, "/sandbox/tree/f%04d", i);
        snprintf(content, sizeof content, "file %d\n", i);
        make_file(path, content);
    }
    const char *dirs[] = {"/sandbox/tree/sub_a", "/sandbox/tree/sub_b",
                          "/sandbox/tree/sub_b/deeper", "/sandbox/tree/sub_c",
                          "/sandbox/tree/sub_c/empty"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (mkdir(dirs[i], 0755) != 0) die("mkdir", dirs[i]);
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "/sandbox/tree/sub_a/a%d.txt", i);
        make_file(path, "a\n");
    }
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "/sandbox/tree/sub_b/deeper/d%d.txt", i);
        make_file(path, "deep\n");
    }
    make_file("/sandbox/tree/sub_b/b.txt", "b\n");
    /* a name long enough that a few of them overflow libc's 4 KiB readdir
     * buffer at odd places */
    char longname[300];
    memset(longname, 'L', 200);
    longname[200] = '\0';
    snprintf(path, sizeof path, "/sandbox/tree/sub_c/%s", longname);
    make_file(path, "long\n");

    walk("/sandbox/tree");
    printf("total: %ld files, %ld dirs, %ld bytes\n", total_files, total_dirs, total_bytes);
    printf("checksum of sorted paths: %08x\n", (unsigned)fnv);
    printf("d_type matches lstat: %s\n", dtype_mismatch == 0 ? "yes" : "no");

    /* telldir/seekdir: remember a position, read on, come back. */
    DIR *d = opendir("/sandbox/tree");
    if (!d) die("opendir", "/sandbox/tree");
    for (int i = 0; i < 300; i++) readdir(d);
    long pos = telldir(d);
    struct dirent *e = readdir(d);
    char remembered[256];
    snprintf(remembered, sizeof remembered, "%s", e ? e->d_name : "(null)");
    long rest = 0;
    while (readdir(d)) rest++;
    seekdir(d, pos);
    e = readdir(d);
    printf("seekdir returns to the same entry: %s\n",
           e && strcmp(e->d_name, remembered) == 0 ? "yes" : "no");
    long again = 0;
    while (readdir(d)) again++;
    printf("entries after it, both times: %s\n", rest == again ? "same" : "different");
    rewinddir(d);
    long all = 0;
    while (readdir(d)) all++;
    printf("rewinddir then count: %ld\n", all);
    closedir(d);

    /* An empty directory lists exactly '.' and '..'. */
    d = opendir("/sandbox/tree/sub_c/empty");
    if (!d) die("opendir", "empty");
    int n = 0, dots = 0;
    while ((e = readdir(d)) != NULL) {
        n++;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) dots++;
    }
    closedir(d);
    printf("empty directory: %d entries, %d of them '.'/'..'\n", n, dots);

    /* opendir on a file fails with ENOTDIR. */
    errno = 0;
    d = opendir("/sandbox/tree/f0000");
    printf("opendir on a file: %s\n", d == NULL && errno == ENOTDIR ? "ENOTDIR" : "unexpected");

    remove_tree("/sandbox/tree");
    struct stat st;
    printf("tree removed: %s\n", stat("/sandbox/tree", &st) != 0 && errno == ENOENT ? "yes" : "no");
    return 0;
}
