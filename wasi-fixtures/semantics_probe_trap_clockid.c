// clock_time_get with a clock id past the witx enum (0-3). wasmtime 49 traps
// ("Invalid enum value Clockid"); we answer EINVAL, as Linux clock_gettime
// does. (In a poll_oneoff subscription wasmtime returns EINVAL instead:
// semantics_probe_fd.) One call per program: a trap ends it.
#include "semantics_probe.h"

int main(void) {
  __wasi_timestamp_t t;
  show("clock_time_get MONOTONIC", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t));
  fflush(stdout);
  show("clock_time_get with clock id 7", __wasi_clock_time_get(7, 1, &t));
  return 0;
}
