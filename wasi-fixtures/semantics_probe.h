// Shared by the semantics_probe*.c fixtures: raw preview1 calls (wasi/api.h,
// so libc neither translates an errno nor skips a call) and one output line
// per case, "label: ERRNO" or "label: ok ...".
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>
#include "wasi_errno_names.h"

static inline const char *errno_name(int e) {
  if (e == 0) return "ok";
  return e > 0 && e < (int)WASI_ERRNO_COUNT ? wasi_errno_names[e] : "?";
}

static const char *const filetype_names[] = {
  "unknown", "block_device", "character_device", "directory", "regular_file", "socket_dgram", "socket_stream", "symbolic_link",
};

static inline const char *filetype_name(int t) { return t >= 0 && t < 8 ? filetype_names[t] : "?"; }

/** One case: its label and the errno name ("ok" for success). */
static inline void show(const char *label, int err) { printf("%s: %s\n", label, errno_name(err)); }

#define PREOPEN 3
#define RIGHTS_ALL ((__wasi_rights_t)0x3FFFFFFF)
#define RIGHTS_FILE_READ                                                                                          \
  (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET |          \
   __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES |             \
   __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_POLL_FD_READWRITE)
#define RIGHTS_FILE_WRITE                                                                                         \
  (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET |         \
   __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE |                       \
   __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_SYNC |              \
   __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_POLL_FD_READWRITE)
#define RIGHTS_FILE_RW (RIGHTS_FILE_READ | RIGHTS_FILE_WRITE)

/** Opens `path` under the preopen (lookup flags 0 unless given). */
static inline int open_at(__wasi_fd_t dir, __wasi_lookupflags_t lookup, const char *path, __wasi_oflags_t oflags,
                   __wasi_rights_t base, __wasi_fdflags_t fdflags, __wasi_fd_t *fd) {
  return __wasi_path_open(dir, lookup, path, oflags, base, base, fdflags, fd);
}

/** Creates (or truncates) a file holding `text`. */
static inline void make_file(const char *path, const char *text) {
  __wasi_fd_t fd;
  int e = open_at(PREOPEN, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_FILE_RW, 0, &fd);
  if (e != 0) {
    printf("setup: create %s: %s\n", path, errno_name(e));
    return;
  }
  __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
  __wasi_size_t n;
  e = __wasi_fd_write(fd, &iov, 1, &n);
  if (e != 0) printf("setup: write %s: %s\n", path, errno_name(e));
  (void)!__wasi_fd_close(fd);
}

static inline void make_dir(const char *path) {
  int e = __wasi_path_create_directory(PREOPEN, path);
  if (e != 0) printf("setup: mkdir %s: %s\n", path, errno_name(e));
}

static inline void make_symlink(const char *target, const char *path) {
  int e = __wasi_path_symlink(target, PREOPEN, path);
  if (e != 0) printf("setup: symlink %s -> %s: %s\n", path, target, errno_name(e));
}

/**
 * path_filestat_get: "ok <filetype>", with size and nlink for a file and size
 * for a symlink (a directory's size and nlink differ between hosts), or the errno.
 */
static inline void show_stat(const char *label, __wasi_lookupflags_t lookup, const char *path) {
  __wasi_filestat_t st;
  int e = __wasi_path_filestat_get(PREOPEN, lookup, path, &st);
  if (e != 0) show(label, e);
  else if (st.filetype == __WASI_FILETYPE_REGULAR_FILE)
    printf("%s: ok %s size %llu nlink %llu\n", label, filetype_name(st.filetype), (unsigned long long)st.size,
           (unsigned long long)st.nlink);
  else if (st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK)
    printf("%s: ok %s size %llu\n", label, filetype_name(st.filetype), (unsigned long long)st.size);
  else printf("%s: ok %s\n", label, filetype_name(st.filetype));
}
