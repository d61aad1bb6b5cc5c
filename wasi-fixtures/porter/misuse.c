// Misuses the preview1 ABI in ways a lenient host lets pass, one per step,
// through raw __wasi_* calls (wasi-libc would never make them): strict mode
// (test/porter.test.ts) must flag each. It prints the errno each call got, so
// the run itself is deterministic.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static void show(const char *what, int err) { printf("%s: %d\n", what, err); }

int main(void) {
  __wasi_fd_t fd = 0;
  // 1. oflags bit 0x10 is undefined (oflags has creat, directory, excl, trunc).
  show("open with undefined oflags", __wasi_path_open(3, 0, "a.txt", 0x1 | 0x10, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));
  // 2. rights bit 40 is undefined.
  show("open with undefined rights", __wasi_path_open(3, 0, "a.txt", 0x1, ((__wasi_rights_t)1) << 40, 0, 0, &fd));
  // 3. A well-formed open, then a readdir with a cookie no call returned.
  __wasi_fd_t dir = 0;
  show("open dir", __wasi_path_open(3, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN, __WASI_RIGHTS_FD_READ, 0, &dir));
  // 3a. Through it, a file with a right the directory does not pass on.
  __wasi_fd_t w = 0;
  show("open for writing under a read-only dir", __wasi_path_open(dir, 0, "a.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &w));
  static unsigned char buf[256];
  __wasi_size_t used = 0;
  show("readdir from cookie 0", __wasi_fd_readdir(dir, buf, sizeof buf, 0, &used));
  show("readdir from an invented cookie", __wasi_fd_readdir(dir, buf, sizeof buf, 12345, &used));
  // 4. Use after close.
  show("close dir", __wasi_fd_close(dir));
  show("readdir after close", __wasi_fd_readdir(dir, buf, sizeof buf, 0, &used));
  // 5. Reads into overlapping iovecs.
  __wasi_fd_t f = 0;
  show("open file", __wasi_path_open(3, 0, "a.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f));
  static char data[16];
  __wasi_iovec_t iovs[2] = { { (uint8_t *)data, 8 }, { (uint8_t *)data + 4, 8 } };
  __wasi_size_t n = 0;
  show("read into overlapping iovecs", __wasi_fd_read(f, iovs, 2, &n));
  // 6. A write to stdin.
  __wasi_ciovec_t out = { (const uint8_t *)"x", 1 };
  show("write to stdin", __wasi_fd_write(0, &out, 1, &n) != 0);
  fflush(stdout);
  // 7. An exit status a shell would read as "not run".
  __wasi_proc_exit(200);
}
