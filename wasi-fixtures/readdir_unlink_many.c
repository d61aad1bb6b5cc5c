// readdir_unlink with 300 entries: a listing that spans several of
// wasi-libc's 4096-byte fd_readdir calls, deleted while it is read (the
// pattern of rm -r, libc++'s remove_all, Rust's remove_dir_all, and Ruby's
// Dir.foreach + File.unlink, where it was met). Here cookies index a snapshot
// taken at cookie 0, so every entry is returned once and all 300 go, as on
// Linux. wasmtime 49 answers each call from a fresh listing with the cookie
// as an index: each unlink shifts the rest, entries are skipped and rmdir
// fails (the fixture's wasmtimeKnownDifferences).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#define N 300

int main(void) {
  const char *dir = "/sandbox/tree";
  if (mkdir(dir, 0755) != 0) { perror("mkdir"); return 2; }
  for (int i = 0; i < N; i++) {
    char path[96];
    snprintf(path, sizeof path, "%s/entry-with-a-longer-name-%03d", dir, i);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    if (fd < 0) { perror(path); return 2; }
    close(fd);
  }
  DIR *d = opendir(dir);
  if (d == NULL) { perror("opendir"); return 2; }
  int removed = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (unlinkat(dirfd(d), e->d_name, 0) != 0) { perror(e->d_name); return 2; }
    removed++;
  }
  closedir(d);
  printf("removed %d of %d entries while reading\n", removed, N);
  if (rmdir(dir) != 0) {
    printf("rmdir: %s\n", strerror(errno));
    return 1;
  }
  printf("rmdir: ok\n");
  return 0;
}
