// A reactor (built with -mexec-model=reactor): no main; the embedder calls
// _initialize once (wasi.initialize), then greet() as often as it likes.
//
// greet(ptr, len) takes a UTF-8 name in the guest's own memory and returns a
// pointer to a two-word struct {ptr, len}: the greeting, also in guest memory,
// valid until the next call. The name is written in by the embedder through
// the exported malloc (README, "Embedding a reactor"). GREETING from the
// environment replaces "Hello", read once by a constructor (environ_get).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct str {
  char *ptr;
  size_t len;
};

static const char *greeting = "Hello";
static struct str result;

__attribute__((constructor)) static void init(void) {
  const char *g = getenv("GREETING");
  if (g != NULL) greeting = g;
}

__attribute__((export_name("greet"))) struct str *greet(const char *name, size_t len) {
  free(result.ptr);
  size_t g = strlen(greeting);
  size_t n = g + 2 + len + 1;  // "<greeting>, <name>!"
  char *out = malloc(n);
  if (out == NULL) {
    result.ptr = NULL;
    result.len = 0;
    return &result;
  }
  memcpy(out, greeting, g);
  memcpy(out + g, ", ", 2);
  memcpy(out + g + 2, name, len);
  out[n - 1] = '!';
  result.ptr = out;
  result.len = n;
  return &result;
}
