// Random filesystem operations inside /sandbox, for comparing hosts
// (scripts/fuzz-vs-wasmtime.mjs runs it under wasi-host on memfs and on a
// host directory, and under wasmtime). argv: SEED[,SEED...] [OPS [all]].
//
// Names come from a small pool so that operations collide: nested
// directories, `.` and `..`, trailing slashes, symlinks (inside, out through
// `..`, dangling, loops, to directories), hard links. Each operation goes
// through a raw __wasi_* call (libc would hide the errno or the call) and
// prints one line: what was asked and the errno name, or "ok" with
// deterministic facts only (filetype, size, nlink, bytes, sorted listings).
// Never an inode, a time or an fd number a host chose: descriptors are
// printed as the program's own slot index ("s2"). At the end, the whole tree.
//
// Without "all", calls where wasmtime differs from us on purpose (README,
// Semantics) are left out or kept off the documented case, so that any
// difference from wasmtime is news:
// - rights: every open asks for all rights but FD_WRITE (read mode), all but
//   FD_READ and FD_READDIR (write mode) or all; never fd_fdstat_set_rights
//   (wasmtime: ENOTSUP) and no op that the mode's missing right would forbid
//   (we say ENOTCAPABLE where wasmtime's host fd says EBADF);
// - fd_allocate (wasmtime: ENOTSUP; we extend), path_link with
//   SYMLINK_FOLLOW (wasmtime: EINVAL; we follow);
// - path_link from a name past NAME_MAX (Linux and we: ENAMETOOLONG before the
//   new path is walked; wasmtime: after);
// - fd_pwrite on an O_APPEND fd (wasmtime: Linux appends; we write at the offset);
// - path_filestat_get without SYMLINK_FOLLOW of a path ending in '/'
//   (wasmtime: the link; we: the directory);
// - no whence outside 0-2 or advice above 5 (wasmtime traps / decodes first);
// - fd_sync, fd_datasync, fd_fdstat_set_flags on a directory (wasmtime:
//   EBADF; Linux and we: done), fd_filestat_set_times on the preopen itself
//   (wasmtime: EBADF unless it sets nothing; on a directory opened from it: done);
// - DSYNC, RSYNC, SYNC in path_open or fd_fdstat_set_flags (wasmtime: ENOTSUP,
//   EINVAL; Linux and we: taken);
// - path_filestat_set_times setting no time (wasmtime: success when the final
//   name is missing and not followed, the kernel's utimensat; we: ENOENT);
// - a trailing slash where wasmtime departs from Linux (and we follow Linux):
//   rmdir("dir/") (wasmtime: EINVAL), unlink("link-to-dir/") (EISDIR), the new
//   name of link or symlink being "file/" or "link/" (ENOTDIR; Linux: EEXIST),
//   rename of a non-directory to "name/" (wasmtime renames; Linux: ENOTDIR),
//   path_filestat_get without SYMLINK_FOLLOW of "file/." (wasmtime: the file);
// - a directory descriptor whose directory was removed (wasmtime and Linux:
//   an empty directory with nlink 0; we: ENOENT): closed at once (close_stale);
// - a file descriptor where a directory one belongs, as the base of a path
//   call or to fd_readdir (wasmtime: EBADF; Linux and we: ENOTDIR).
// With "all" those run too, and opens drop random rights, and fd_fdstat_set_rights
// drops more: for comparing memfs with a host directory only.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>
#include "wasi_errno_names.h"

static const char *const filetypes[] = {"unknown", "blockdev", "chardev", "dir", "file", "dgram", "stream", "symlink"};

static const char *ename(__wasi_errno_t e) {
  static char other[16];
  if (e < WASI_ERRNO_COUNT) return wasi_errno_names[e];
  snprintf(other, sizeof other, "errno%u", (unsigned)e);
  return other;
}
static const char *ftype(__wasi_filetype_t t) { return t < 8 ? filetypes[t] : "?"; }

// xorshift64*: the same sequence on every host.
static uint64_t rng_state;
static uint32_t rnd(uint32_t n) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

#define ALL_RIGHTS (((__wasi_rights_t)1 << 29) - 1)
#define PREOPEN 3
#define NSLOTS 8
enum mode { MODE_READ, MODE_WRITE, MODE_RW };
static const char *const mode_names[] = {"r", "w", "rw"};
struct slot {
  int open;
  __wasi_fd_t fd;
  enum mode mode;
  int append;  // O_APPEND as far as this program set it
  int is_dir;  // what fd_fdstat_get said at open
  char path[64];  // the path it was opened by, from the preopen; "" otherwise
};
static struct slot slots[NSLOTS];
static int all_ops;  // "all": also the calls where wasmtime differs on purpose

static void print_bytes(const uint8_t *b, size_t n) {
  putchar('"');
  for (size_t i = 0; i < n; i++) {
    if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '"' && b[i] != '\\') putchar(b[i]);
    else printf("\\x%02x", b[i]);
  }
  putchar('"');
}

// ---- names ----------------------------------------------------------------

static const char *const components[] = {"a", "b", "d", "e", "f", "l", "m", "d", "e", ".", ".."};
// Now and then a name of NAME_MAX (255) bytes, or, with "all", one byte more (see the header).
#define PATH_BUF 1024
static char name_max[256], name_over[257];
static int over_ok = 1;  // whether random_path may use name_over (see do_link)
static const char *const targets[] = {
    "a", "b", "d", "d/e", "e", "f", "l", "m", "../a", "..", "../..", "../canary", "../canary/secret", ".",
    "nonexist", "d/", "a/", "../d", "/abs", "d/e/../../a", "e/f", "../../canary/secret", "m/x",
};

static void random_path(char *out) {
  out[0] = 0;
  uint32_t r = rnd(100);
  if (r < 2) return;  // "": ENOENT everywhere
  int n = 1 + (int)rnd(3);
  for (int i = 0; i < n; i++) {
    if (i > 0) strcat(out, rnd(12) == 0 ? "//" : "/");
    uint32_t c = rnd(sizeof components / sizeof components[0] * 40 + 2);
    strcat(out, c == 0 ? name_max : c == 1 ? (over_ok ? name_over : name_max) : components[(c - 2) / 40]);
  }
  if (rnd(7) == 0) strcat(out, "/");
}

// Drops one trailing '/' (see the header: where wasmtime departs from Linux).
static void strip_slash(char *path) {
  size_t len = strlen(path);
  if (!all_ops && len > 1 && path[len - 1] == '/') path[len - 1] = 0;
}
static int ends_with(const char *path, const char *end) {
  size_t a = strlen(path), b = strlen(end);
  return a >= b && strcmp(path + a - b, end) == 0;
}

// A slot holding a directory (or, now and then, any slot, to see ENOTDIR).
static int random_base(void) {
  int candidates[NSLOTS], n = 0;
  for (int i = 0; i < NSLOTS; i++)
    if (slots[i].open && (slots[i].is_dir || (all_ops && rnd(6) == 0))) candidates[n++] = i;
  return n == 0 || rnd(3) == 0 ? 0 : candidates[rnd(n)];
}
static int random_open_slot(int skip_preopen) {
  int candidates[NSLOTS], n = 0;
  for (int i = skip_preopen ? 1 : 0; i < NSLOTS; i++)
    if (slots[i].open) candidates[n++] = i;
  return n == 0 ? -1 : candidates[rnd(n)];
}
static int free_slot(void) {
  for (int i = 1; i < NSLOTS; i++)
    if (!slots[i].open) return i;
  return -1;
}

// ---- listing ----------------------------------------------------------------

struct entry {
  char name[256];
  __wasi_filetype_t type;
};
static int entry_cmp(const void *a, const void *b) { return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name); }

// The whole listing, cookie by cookie through a small buffer (resuming after
// the last whole entry, as wasi-libc does), sorted. Returns the errno.
static __wasi_errno_t list_dir(__wasi_fd_t fd, struct entry *out, int max, int *count, size_t bufsize) {
  static uint8_t buf[4096];
  __wasi_dircookie_t cookie = 0;
  *count = 0;
  for (int rounds = 0; rounds < 200; rounds++) {
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_fd_readdir(fd, buf, bufsize, cookie, &used);
    if (e != 0) return e;
    size_t off = 0;
    int whole = 0;
    while (off + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, buf + off, sizeof d);
      if (off + sizeof d + d.d_namlen > used) break;
      if (*count < max) {
        size_t len = d.d_namlen < 255 ? d.d_namlen : 255;
        memcpy(out[*count].name, buf + off + sizeof d, len);
        out[*count].name[len] = 0;
        out[*count].type = d.d_type;
        (*count)++;
      }
      cookie = d.d_next;
      off += sizeof d + d.d_namlen;
      whole++;
    }
    if (used < bufsize) break;
    if (whole == 0) {
      if (bufsize * 2 > sizeof buf) return __WASI_ERRNO_NAMETOOLONG;
      bufsize *= 2;
    }
  }
  qsort(out, (size_t)*count, sizeof out[0], entry_cmp);
  return 0;
}

static void print_stat(const __wasi_filestat_t *st) {
  printf(" %s", ftype(st->filetype));
  // A directory's size and link count are the store's own (ext4: 4096 and
  // 2 + subdirectories); a file's and a symlink's are not.
  if (st->filetype != __WASI_FILETYPE_DIRECTORY) printf(" size=%llu", (unsigned long long)st->size);
  if (st->filetype == __WASI_FILETYPE_REGULAR_FILE) printf(" nlink=%llu", (unsigned long long)st->nlink);
}

// ---- operations ---------------------------------------------------------------

static int op_index;
static void head(const char *op) { printf("%d %s", op_index, op); }
static void result(__wasi_errno_t e) { printf(e == 0 ? " -> ok" : " -> %s", ename(e)); }

// Rights to drop, in "all" mode only (wasmtime ignores rights: README, Semantics).
static __wasi_rights_t random_rights(void) {
  static const __wasi_rights_t some[] = {
      __WASI_RIGHTS_FD_SEEK, __WASI_RIGHTS_FD_TELL, __WASI_RIGHTS_FD_READ, __WASI_RIGHTS_FD_WRITE,
      __WASI_RIGHTS_FD_FILESTAT_SET_SIZE, __WASI_RIGHTS_PATH_OPEN, __WASI_RIGHTS_FD_READDIR,
      __WASI_RIGHTS_PATH_CREATE_FILE, __WASI_RIGHTS_PATH_UNLINK_FILE, __WASI_RIGHTS_FD_FILESTAT_GET,
  };
  __wasi_rights_t drop = 0;
  for (size_t i = 0; i < sizeof some / sizeof some[0]; i++)
    if (rnd(6) == 0) drop |= some[i];
  return drop;
}

static void do_set_rights(void) {
  if (!all_ops) return;
  int s = random_open_slot(1);
  if (s < 0) return;
  __wasi_rights_t base = ALL_RIGHTS & ~random_rights();
  head("set_rights");
  printf(" s%d drop=%llx", s, (unsigned long long)(ALL_RIGHTS & ~base));
  result(__wasi_fd_fdstat_set_rights(slots[s].fd, base, ALL_RIGHTS));
  putchar('\n');
}

static void do_open(void) {
  int base = random_base();
  char path[PATH_BUF];
  random_path(path);
  __wasi_oflags_t of = 0;
  if (rnd(3) == 0) of |= __WASI_OFLAGS_CREAT;
  if (rnd(4) == 0) of |= __WASI_OFLAGS_DIRECTORY;
  if (rnd(5) == 0) of |= __WASI_OFLAGS_EXCL;
  if (rnd(5) == 0) of |= __WASI_OFLAGS_TRUNC;
  __wasi_lookupflags_t lf = rnd(2) ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0;
  __wasi_fdflags_t ff = 0;
  if (rnd(4) == 0) ff |= __WASI_FDFLAGS_APPEND;
  if (rnd(6) == 0) ff |= __WASI_FDFLAGS_NONBLOCK;
  if (all_ops && rnd(20) == 0) ff |= __WASI_FDFLAGS_DSYNC;
  if (all_ops && rnd(20) == 0) ff |= __WASI_FDFLAGS_SYNC;
  if (all_ops && rnd(20) == 0) ff |= __WASI_FDFLAGS_RSYNC;
  enum mode m = (enum mode)rnd(3);
  __wasi_rights_t rights = ALL_RIGHTS;
  if (m == MODE_READ) rights &= ~__WASI_RIGHTS_FD_WRITE;
  if (m == MODE_WRITE) rights &= ~(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR);
  if (all_ops) rights &= ~random_rights();
  int s = free_slot();
  if (s < 0) return;
  __wasi_fd_t fd = 0;
  printf("%d open s%d \"%s\" oflags=%u follow=%d fdflags=%u mode=%s", op_index, base, path, (unsigned)of, lf ? 1 : 0, (unsigned)ff, mode_names[m]);
  __wasi_errno_t e = __wasi_path_open(slots[base].fd, lf, path, of, rights, ALL_RIGHTS, ff, &fd);
  result(e);
  if (e == 0) {
    __wasi_fdstat_t st;
    __wasi_errno_t e2 = __wasi_fd_fdstat_get(fd, &st);
    slots[s] = (struct slot){1, fd, m, (ff & __WASI_FDFLAGS_APPEND) != 0, e2 == 0 && st.fs_filetype == __WASI_FILETYPE_DIRECTORY, ""};
    if (base == 0 && strlen(path) < sizeof slots[s].path) strcpy(slots[s].path, path);
    if (e2 == 0) printf(" s%d %s flags=%u", s, ftype(st.fs_filetype), (unsigned)st.fs_flags);
    else printf(" s%d fdstat %s", s, ename(e2));
  }
  putchar('\n');
}

static void do_close(void) {
  int s = random_open_slot(1);
  if (s < 0) return;
  head("close");
  printf(" s%d", s);
  result(__wasi_fd_close(slots[s].fd));
  slots[s].open = 0;
  putchar('\n');
}

// A slot whose mode allows `need` (MODE_READ: can read; MODE_WRITE: can write).
static int io_slot(int need_write) {
  int s = random_open_slot(0);
  if (s < 0) return -1;
  if (!all_ops && !slots[s].is_dir) {
    if (need_write && slots[s].mode == MODE_READ) return -1;
    if (!need_write && slots[s].mode == MODE_WRITE) return -1;
  }
  return s;
}

static void do_read(int positioned) {
  int s = io_slot(0);
  if (s < 0) return;
  uint8_t buf[32];
  __wasi_size_t n = 0, len = 1 + rnd(sizeof buf);
  __wasi_iovec_t iov = {buf, len};
  __wasi_filesize_t off = rnd(24);
  __wasi_errno_t e;
  if (positioned) {
    head("pread");
    printf(" s%d off=%llu len=%u", s, (unsigned long long)off, (unsigned)len);
    e = __wasi_fd_pread(slots[s].fd, &iov, 1, off, &n);
  } else {
    head("read");
    printf(" s%d len=%u", s, (unsigned)len);
    e = __wasi_fd_read(slots[s].fd, &iov, 1, &n);
  }
  result(e);
  if (e == 0) {
    printf(" n=%u ", (unsigned)n);
    print_bytes(buf, n);
  }
  putchar('\n');
}

static void do_write(int positioned) {
  int s = io_slot(1);
  if (s < 0) return;
  if (positioned && slots[s].append && !all_ops) return;
  char data[24];
  snprintf(data, sizeof data, "<%d%.*s>", op_index, (int)rnd(6), "xxxxxx");
  __wasi_ciovec_t iov = {(const uint8_t *)data, strlen(data)};
  __wasi_size_t n = 0;
  __wasi_filesize_t off = rnd(24);
  __wasi_errno_t e;
  if (positioned) {
    head("pwrite");
    printf(" s%d off=%llu \"%s\"", s, (unsigned long long)off, data);
    e = __wasi_fd_pwrite(slots[s].fd, &iov, 1, off, &n);
  } else {
    head("write");
    printf(" s%d \"%s\"", s, data);
    e = __wasi_fd_write(slots[s].fd, &iov, 1, &n);
  }
  result(e);
  if (e == 0) printf(" n=%u", (unsigned)n);
  putchar('\n');
}

static void do_seek(void) {
  int s = random_open_slot(0);
  if (s < 0) return;
  __wasi_whence_t w = (__wasi_whence_t)rnd(3);
  __wasi_filedelta_t off = (__wasi_filedelta_t)rnd(30) - 8;
  __wasi_filesize_t pos = 0;
  head("seek");
  printf(" s%d off=%lld whence=%u", s, (long long)off, (unsigned)w);
  __wasi_errno_t e = __wasi_fd_seek(slots[s].fd, off, w, &pos);
  result(e);
  if (e == 0) printf(" pos=%llu", (unsigned long long)pos);
  putchar('\n');
}

static void do_tell(void) {
  int s = random_open_slot(0);
  if (s < 0) return;
  __wasi_filesize_t pos = 0;
  head("tell");
  printf(" s%d", s);
  __wasi_errno_t e = __wasi_fd_tell(slots[s].fd, &pos);
  result(e);
  if (e == 0) printf(" pos=%llu", (unsigned long long)pos);
  putchar('\n');
}

static void do_set_size(void) {
  int s = io_slot(1);
  if (s < 0) return;
  __wasi_filesize_t size = rnd(20);
  head("set_size");
  printf(" s%d %llu", s, (unsigned long long)size);
  result(__wasi_fd_filestat_set_size(slots[s].fd, size));
  putchar('\n');
}

static void do_allocate(void) {
  if (!all_ops) return;
  int s = io_slot(1);
  if (s < 0) return;
  __wasi_filesize_t off = rnd(16), len = rnd(16);
  head("allocate");
  printf(" s%d off=%llu len=%llu", s, (unsigned long long)off, (unsigned long long)len);
  result(__wasi_fd_allocate(slots[s].fd, off, len));
  putchar('\n');
}

static void do_renumber(void) {
  int from = random_open_slot(1);
  if (from < 0) return;
  head("renumber");
  if (rnd(5) == 0) {
    // Onto a number nothing holds: wasmtime (and we) say EBADF.
    printf(" s%d fd100", from);
    result(__wasi_fd_renumber(slots[from].fd, 100));
    putchar('\n');
    return;
  }
  int to = random_open_slot(1);
  if (to < 0) to = from;
  printf(" s%d s%d", from, to);
  __wasi_errno_t e = __wasi_fd_renumber(slots[from].fd, slots[to].fd);
  result(e);
  if (e == 0 && from != to) {
    __wasi_fd_t fd = slots[to].fd;
    slots[to] = slots[from];
    slots[to].fd = fd;
    slots[from].open = 0;
  }
  putchar('\n');
}

static void do_readdir(void) {
  int s = random_open_slot(0);
  if (s < 0 || (!slots[s].is_dir && !all_ops)) return;
  static struct entry list[64];
  int count = 0;
  size_t bufsize = 32 + rnd(200);
  head("readdir");
  printf(" s%d buf=%u", s, (unsigned)bufsize);
  __wasi_errno_t e = list_dir(slots[s].fd, list, 64, &count, bufsize);
  result(e);
  if (e == 0)
    for (int i = 0; i < count; i++) printf(" %s:%s", list[i].name, ftype(list[i].type));
  putchar('\n');
}

static void do_path_stat(void) {
  int base = random_base();
  char path[PATH_BUF];
  random_path(path);
  __wasi_lookupflags_t lf = rnd(2) ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0;
  size_t len = strlen(path);
  if (!all_ops && lf == 0 && len > 0 && (path[len - 1] == '/' || ends_with(path, "/."))) lf = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  __wasi_filestat_t st;
  head("stat");
  printf(" s%d \"%s\" follow=%d", base, path, lf ? 1 : 0);
  __wasi_errno_t e = __wasi_path_filestat_get(slots[base].fd, lf, path, &st);
  result(e);
  if (e == 0) print_stat(&st);
  putchar('\n');
}

static void do_fd_stat(void) {
  int s = random_open_slot(0);
  if (s < 0) return;
  __wasi_filestat_t st;
  __wasi_fdstat_t fst;
  head("fstat");
  printf(" s%d", s);
  __wasi_errno_t e = __wasi_fd_filestat_get(slots[s].fd, &st);
  result(e);
  if (e == 0) print_stat(&st);
  e = __wasi_fd_fdstat_get(slots[s].fd, &fst);
  printf(" fdstat");
  result(e);
  if (e == 0) printf(" %s flags=%u", ftype(fst.fs_filetype), (unsigned)fst.fs_flags);
  putchar('\n');
}

static void close_stale(void);

static void do_rename(void) {
  int b1 = random_base(), b2 = random_base();
  char p1[PATH_BUF], p2[PATH_BUF];
  random_path(p1);
  random_path(p2);
  // Judged on the source without its own trailing slash, which hosts read differently (README, Semantics).
  char source[PATH_BUF];
  strcpy(source, p1);
  for (size_t n = strlen(source); n > 1 && (ends_with(source, "/") || ends_with(source, "/.")); n = strlen(source))
    source[n - (source[n - 1] == '/' ? 1 : 2)] = 0;
  __wasi_filestat_t st;
  if (__wasi_path_filestat_get(slots[b1].fd, 0, source, &st) == 0 && st.filetype != __WASI_FILETYPE_DIRECTORY) strip_slash(p2);
  head("rename");
  printf(" s%d \"%s\" s%d \"%s\"", b1, p1, b2, p2);
  __wasi_errno_t e = __wasi_path_rename(slots[b1].fd, p1, slots[b2].fd, p2);
  result(e);
  putchar('\n');
  if (e == 0) close_stale();
}

// A directory descriptor whose directory was removed (rmdir, or another renamed onto it):
// wasmtime still lists it empty and stats it (Linux too), we answer ENOENT (README, Semantics).
// Without "all", such descriptors are closed as soon as a removal could have made them.
static void close_stale(void) {
  if (all_ops) return;
  for (int i = 1; i < NSLOTS; i++) {
    __wasi_filestat_t st;
    if (!slots[i].open || !slots[i].is_dir) continue;
    if (__wasi_fd_filestat_get(slots[i].fd, &st) == 0 && st.nlink > 0) continue;
    printf("%d stale s%d closed\n", op_index, i);
    (void)__wasi_fd_close(slots[i].fd);
    slots[i].open = 0;
  }
}

static void do_path_simple(const char *name, __wasi_errno_t (*call)(__wasi_fd_t, const char *)) {
  int base = random_base();
  char path[PATH_BUF];
  random_path(path);
  if (strcmp(name, "mkdir") != 0) strip_slash(path);
  head(name);
  printf(" s%d \"%s\"", base, path);
  __wasi_errno_t e = call(slots[base].fd, path);
  result(e);
  putchar('\n');
  if (e == 0 && strcmp(name, "rmdir") == 0) close_stale();
}

// rmdir of a directory a slot holds open, by the path it was opened with (slots then go stale).
static void do_rmdir_open(void) {
  int s = random_open_slot(1);
  if (rnd(2) == 0) {
    // A fresh empty directory "m", opened into a slot: the rmdir below then succeeds.
    s = free_slot();
    if (s < 0) return;
    __wasi_fd_t fd;
    head("mkdir_open");
    result(__wasi_path_create_directory(PREOPEN, "m"));
    __wasi_errno_t e = __wasi_path_open(PREOPEN, 0, "m", __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS & ~__WASI_RIGHTS_FD_WRITE, ALL_RIGHTS, 0, &fd);
    result(e);
    putchar('\n');
    if (e != 0) return;
    slots[s] = (struct slot){1, fd, MODE_READ, 0, 1, "m"};
  }
  if (s < 0 || !slots[s].is_dir || slots[s].path[0] == 0) return;
  char path[64];
  strcpy(path, slots[s].path);
  strip_slash(path);
  head("rmdir_open");
  printf(" s%d \"%s\"", s, path);
  __wasi_errno_t e = __wasi_path_remove_directory(PREOPEN, path);
  result(e);
  putchar('\n');
  if (e == 0) close_stale();
}

static void do_symlink(void) {
  int base = random_base();
  char path[PATH_BUF];
  random_path(path);
  strip_slash(path);
  const char *target = targets[rnd(sizeof targets / sizeof targets[0])];
  head("symlink");
  printf(" \"%s\" s%d \"%s\"", target, base, path);
  result(__wasi_path_symlink(target, slots[base].fd, path));
  putchar('\n');
}

static void do_link(void) {
  int b1 = random_base(), b2 = random_base();
  char p1[PATH_BUF], p2[PATH_BUF];
  over_ok = all_ops;
  random_path(p1);
  over_ok = 1;
  random_path(p2);
  strip_slash(p2);
  __wasi_lookupflags_t lf = all_ops && rnd(3) == 0 ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0;
  head("link");
  printf(" s%d \"%s\" follow=%d s%d \"%s\"", b1, p1, lf ? 1 : 0, b2, p2);
  result(__wasi_path_link(slots[b1].fd, lf, p1, slots[b2].fd, p2));
  putchar('\n');
}

static void do_readlink(void) {
  int base = random_base();
  char path[PATH_BUF];
  random_path(path);
  uint8_t buf[64];
  __wasi_size_t len = rnd(3) == 0 ? 1 + rnd(6) : sizeof buf, used = 0;
  head("readlink");
  printf(" s%d \"%s\" buf=%u", base, path, (unsigned)len);
  __wasi_errno_t e = __wasi_path_readlink(slots[base].fd, path, buf, len, &used);
  result(e);
  if (e == 0) {
    putchar(' ');
    print_bytes(buf, used);
  }
  putchar('\n');
}

static void do_set_flags(void) {
  int s = random_open_slot(0);
  if (s < 0 || (slots[s].is_dir && !all_ops)) return;
  __wasi_fdflags_t ff = 0;
  if (rnd(2)) ff |= __WASI_FDFLAGS_APPEND;
  if (rnd(3) == 0) ff |= __WASI_FDFLAGS_NONBLOCK;
  if (all_ops && rnd(10) == 0) ff |= __WASI_FDFLAGS_SYNC;
  head("set_flags");
  printf(" s%d %u", s, (unsigned)ff);
  __wasi_errno_t e = __wasi_fd_fdstat_set_flags(slots[s].fd, ff);
  result(e);
  if (e == 0) slots[s].append = (ff & __WASI_FDFLAGS_APPEND) != 0;
  putchar('\n');
}

static __wasi_fstflags_t random_fstflags(void) {
  static const __wasi_fstflags_t choices[] = {
      0,
      __WASI_FSTFLAGS_ATIM_NOW,
      __WASI_FSTFLAGS_MTIM_NOW,
      __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW,
      __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM,
      __WASI_FSTFLAGS_ATIM,
      __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_ATIM_NOW,
      __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW,  // EINVAL
      __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW,  // EINVAL
  };
  return choices[rnd(sizeof choices / sizeof choices[0])];
}

static void do_set_times(int on_path) {
  __wasi_fstflags_t fl = random_fstflags();
  __wasi_timestamp_t t = 1000000000ULL * (1 + rnd(1000));
  if (on_path) {
    int base = random_base();
    char path[PATH_BUF];
    random_path(path);
    __wasi_lookupflags_t lf = rnd(2) ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0;
    if (fl == 0 && !all_ops) fl = __WASI_FSTFLAGS_MTIM_NOW;
    head("path_set_times");
    printf(" s%d \"%s\" follow=%d flags=%u", base, path, lf ? 1 : 0, (unsigned)fl);
    result(__wasi_path_filestat_set_times(slots[base].fd, lf, path, t, t, fl));
  } else {
    int s = random_open_slot(0);
    if (s < 0 || (s == 0 && fl != 0 && !all_ops)) return;
    head("fd_set_times");
    printf(" s%d flags=%u", s, (unsigned)fl);
    result(__wasi_fd_filestat_set_times(slots[s].fd, t, t, fl));
  }
  putchar('\n');
}

static void do_sync(void) {
  int s = random_open_slot(0);
  if (s < 0 || (slots[s].is_dir && !all_ops)) return;
  int data = rnd(2);
  head(data ? "datasync" : "sync");
  printf(" s%d", s);
  result(data ? __wasi_fd_datasync(slots[s].fd) : __wasi_fd_sync(slots[s].fd));
  putchar('\n');
}

static void do_advise(void) {
  int s = random_open_slot(0);
  if (s < 0) return;
  __wasi_advice_t a = (__wasi_advice_t)rnd(6);
  head("advise");
  printf(" s%d %u", s, (unsigned)a);
  result(__wasi_fd_advise(slots[s].fd, rnd(10), rnd(10), a));
  putchar('\n');
}

// ---- the final tree ---------------------------------------------------------

static void print_tree(const char *dir, int depth) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(PREOPEN, 0, dir, __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS & ~__WASI_RIGHTS_FD_WRITE, ALL_RIGHTS, 0, &fd);
  if (e != 0) {
    printf("tree %s: open %s\n", dir, ename(e));
    return;
  }
  // On the heap: a listing is 16 KB, and the tree may be deep.
  struct entry *list = malloc(64 * sizeof *list);
  char *path = malloc(4096);
  int count = 0;
  e = list_dir(fd, list, 64, &count, 4096);
  (void)__wasi_fd_close(fd);
  if (e != 0) {
    printf("tree %s: readdir %s\n", dir, ename(e));
    free(list);
    free(path);
    return;
  }
  for (int i = 0; i < count; i++) {
    if (strcmp(list[i].name, ".") == 0 || strcmp(list[i].name, "..") == 0) continue;
    snprintf(path, 4096, "%s/%s", dir, list[i].name);
    __wasi_filestat_t st;
    e = __wasi_path_filestat_get(PREOPEN, 0, path, &st);
    printf("tree %s", path);
    if (e != 0) {
      printf(" stat %s\n", ename(e));
      continue;
    }
    print_stat(&st);
    if (st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK) {
      uint8_t buf[64];
      __wasi_size_t used = 0;
      if (__wasi_path_readlink(PREOPEN, path, buf, sizeof buf, &used) == 0) {
        printf(" -> ");
        print_bytes(buf, used);
      }
    } else if (st.filetype == __WASI_FILETYPE_REGULAR_FILE) {
      __wasi_fd_t f;
      if (__wasi_path_open(PREOPEN, 0, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &f) == 0) {
        uint8_t buf[128];
        __wasi_iovec_t iov = {buf, sizeof buf};
        __wasi_size_t n = 0;
        if (__wasi_fd_read(f, &iov, 1, &n) == 0) {
          putchar(' ');
          print_bytes(buf, n);
        }
        (void)__wasi_fd_close(f);
      }
    }
    putchar('\n');
    if (st.filetype == __WASI_FILETYPE_DIRECTORY && depth < 8) print_tree(path, depth + 1);
  }
  free(list);
  free(path);
}

// Removes everything below `dir` (for the next seed), children first.
static void clear_tree(const char *dir) {
  __wasi_fd_t fd;
  if (__wasi_path_open(PREOPEN, 0, dir, __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS & ~__WASI_RIGHTS_FD_WRITE, ALL_RIGHTS, 0, &fd) != 0) return;
  struct entry *list = malloc(64 * sizeof *list);
  char *path = malloc(4096);
  int count = 0;
  __wasi_errno_t e = list_dir(fd, list, 64, &count, 4096);
  (void)__wasi_fd_close(fd);
  for (int i = 0; e == 0 && i < count; i++) {
    if (strcmp(list[i].name, ".") == 0 || strcmp(list[i].name, "..") == 0) continue;
    snprintf(path, 4096, "%s/%s", dir, list[i].name);
    __wasi_filestat_t st;
    if (__wasi_path_filestat_get(PREOPEN, 0, path, &st) != 0) continue;
    if (st.filetype == __WASI_FILETYPE_DIRECTORY) {
      clear_tree(path);
      (void)__wasi_path_remove_directory(PREOPEN, path);
    } else {
      (void)__wasi_path_unlink_file(PREOPEN, path);
    }
  }
  free(list);
  free(path);
}

static void run_seed(uint64_t seed, int nops) {
  rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
  memset(slots, 0, sizeof slots);
  slots[0] = (struct slot){1, PREOPEN, MODE_RW, 0, 1, ""};
  // A start that gives the names something to collide with.
  (void)__wasi_path_create_directory(PREOPEN, "d");
  (void)__wasi_path_create_directory(PREOPEN, "d/e");
  __wasi_fd_t fd;
  if (__wasi_path_open(PREOPEN, 0, "a", __WASI_OFLAGS_CREAT, ALL_RIGHTS, ALL_RIGHTS, 0, &fd) == 0) {
    __wasi_ciovec_t iov = {(const uint8_t *)"hello", 5};
    __wasi_size_t n;
    (void)__wasi_fd_write(fd, &iov, 1, &n);
    (void)__wasi_fd_close(fd);
  }
  (void)__wasi_path_symlink("a", PREOPEN, "l");
  (void)__wasi_path_symlink("e", PREOPEN, "d/l");
  printf("seed %llu ops %d%s\n", (unsigned long long)seed, nops, all_ops ? " all" : "");
  for (op_index = 0; op_index < nops; op_index++) {
    switch (rnd(25)) {
      case 0: case 1: case 2: do_open(); break;
      case 3: do_close(); break;
      case 4: do_read(0); break;
      case 5: do_read(1); break;
      case 6: do_write(0); break;
      case 7: do_write(1); break;
      case 8: do_seek(); break;
      case 9: do_tell(); break;
      case 10: do_set_size(); break;
      case 11: rnd(2) ? do_allocate() : do_set_rights(); break;
      case 12: do_renumber(); break;
      case 13: do_readdir(); break;
      case 14: do_path_stat(); break;
      case 15: do_fd_stat(); break;
      case 16: do_rename(); break;
      case 17: rnd(2) ? do_path_simple("unlink", __wasi_path_unlink_file) : do_path_simple("rmdir", __wasi_path_remove_directory); break;
      case 18: rnd(3) ? do_path_simple("mkdir", __wasi_path_create_directory) : do_rmdir_open(); break;
      case 19: do_symlink(); break;
      case 20: do_link(); break;
      case 21: do_readlink(); break;
      case 22: do_set_flags(); break;
      case 23: do_set_times(rnd(2)); break;
      case 24: rnd(2) ? do_sync() : do_advise(); break;
    }
  }
  for (int i = 1; i < NSLOTS; i++)
    if (slots[i].open) (void)__wasi_fd_close(slots[i].fd);
  print_tree(".", 0);
}

// argv: SEED[,SEED...] [OPS [all]]. Each seed starts from the same tree in an emptied sandbox.
int main(int argc, char **argv) {
  memset(name_max, 'n', 255);
  memset(name_over, 'n', 256);
  const char *seeds = argc > 1 ? argv[1] : "1";
  int nops = argc > 2 ? atoi(argv[2]) : 60;
  all_ops = argc > 3 && strcmp(argv[3], "all") == 0;
  for (const char *p = seeds; *p;) {
    char *end;
    uint64_t seed = strtoull(p, &end, 10);
    if (end == p) return 2;
    if (p != seeds) clear_tree(".");
    run_seed(seed, nops);
    p = *end == ',' ? end + 1 : end;
  }
  return 0;
}
