// path_open with an oflags bit the witx does not define (0x10). wasmtime 49
// traps ("Invalid flag value Oflags"), as it does for an undefined bit of
// every flags argument tried (fdflags, lookupflags, rights, fstflags,
// sdflags); we answer EINVAL. One call per program: a trap ends it.
#include "semantics_probe.h"

int main(void) {
  __wasi_fd_t fd;
  show("open f.txt", open_at(PREOPEN, 0, "f.txt", 0, RIGHTS_FILE_READ, 0, &fd));
  fflush(stdout);
  show("path_open with oflags 0x10", open_at(PREOPEN, 0, "f.txt", 0x10, RIGHTS_FILE_READ, 0, &fd));
  return 0;
}
