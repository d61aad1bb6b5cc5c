// Deletes a directory's entries while reading it, as libc++'s
// std::filesystem::remove_all does (opendir, readdir, unlinkat per entry,
// then rmdir) and Rust's fs::remove_dir_all likewise: the class of bug issue
// 15 names. On a host that answers a listing in one fd_readdir call (12
// short names fit in wasi-libc's 4096-byte buffer) every entry goes. When the
// listing spans several calls and each call is answered from a fresh listing
// (cookies are indexes into it, as in wasmtime; `--fault readdir-one`), every
// unlink shifts the entries after it, the next cookie skips one, and the
// final rmdir fails with ENOTEMPTY. The host is right either way: what a
// cookie means after the directory changed is unspecified.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

// readdir_unlink_many.c includes this file with its own count and names.
#ifndef ENTRIES
#define ENTRIES 12
#define NAME "%s/f%02d"
#endif

int main(void) {
  const char *dir = "/sandbox/tree";
  if (mkdir(dir, 0755) != 0) { perror("mkdir"); return 2; }
  for (int i = 0; i < ENTRIES; i++) {
    char path[96];
    snprintf(path, sizeof path, NAME, dir, i);
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
  printf("removed %d of %d entries while reading\n", removed, ENTRIES);
  if (rmdir(dir) != 0) {
    printf("rmdir: %s\n", strerror(errno));
    return 1;
  }
  printf("rmdir: ok\n");
  return 0;
}
