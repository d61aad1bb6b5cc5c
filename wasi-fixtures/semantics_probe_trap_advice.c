// fd_advise with an advice value past the witx enum (0-5). wasmtime 49 traps
// ("Invalid enum value Advice") before it looks at the fd; we answer EINVAL,
// as Linux posix_fadvise does. One call per program: a trap ends it.
#include "semantics_probe.h"

int main(void) {
  __wasi_fd_t fd;
  show("open f.txt", open_at(PREOPEN, 0, "f.txt", 0, RIGHTS_FILE_READ, 0, &fd));
  fflush(stdout);
  show("fd_advise with advice 9", __wasi_fd_advise(fd, 0, 0, 9));
  return 0;
}
