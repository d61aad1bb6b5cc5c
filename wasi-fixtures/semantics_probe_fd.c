// Every fd case of README's Semantics table and of docs/reference-behaviour.md
// (sections 1-4 and 7-10) that a guest can make, through raw preview1 calls,
// one line each: what the call answered. Cases where wasmtime traps (an
// enum or flags value out of range) are in semantics_probe_trap_*.c.
#include "semantics_probe.h"

// A directory opened with FD_WRITE is EISDIR (wasmtime and Linux alike).
#define RIGHTS_DIR (RIGHTS_ALL & ~__WASI_RIGHTS_FD_WRITE)

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int32_t raw_proc_raise(int32_t sig);

static __wasi_fd_t open_or_say(const char *path, __wasi_oflags_t oflags, __wasi_rights_t base) {
  __wasi_fd_t fd = 999;
  int e = open_at(PREOPEN, 0, path, oflags, base, 0, &fd);
  if (e != 0) printf("setup: open %s: %s\n", path, errno_name(e));
  return fd;
}

static void show_fdstat(const char *label, __wasi_fd_t fd) {
  __wasi_fdstat_t st;
  int e = __wasi_fd_fdstat_get(fd, &st);
  if (e != 0) show(label, e);
  else printf("%s: ok %s flags %u base 0x%llx inheriting 0x%llx\n", label, filetype_name(st.fs_filetype), st.fs_flags,
              (unsigned long long)st.fs_rights_base, (unsigned long long)st.fs_rights_inheriting);
}

static void rights(void) {
  puts("-- fd_fdstat_get: rights");
  show_fdstat("stdin", 0);
  show_fdstat("stdout", 1);
  show_fdstat("stderr", 2);
  show_fdstat("preopen", PREOPEN);
  __wasi_fd_t fd;
  const struct { const char *label; const char *path; __wasi_oflags_t oflags; __wasi_rights_t base; } cases[] = {
    {"file, FD_READ", "f.txt", 0, __WASI_RIGHTS_FD_READ},
    {"file, FD_WRITE", "f.txt", 0, __WASI_RIGHTS_FD_WRITE},
    {"file, FD_READ|FD_WRITE", "f.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE},
    {"file, all rights", "f.txt", 0, RIGHTS_ALL},
    {"file, rights 0", "f.txt", 0, 0},
    {"file, O_CREAT, rights 0", "new.txt", __WASI_OFLAGS_CREAT, 0},
    {"dir, all rights", "d", __WASI_OFLAGS_DIRECTORY, RIGHTS_ALL},
    {"dir, all rights but FD_WRITE", "d", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR},
    {"dir, FD_READDIR", "d", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int e = __wasi_path_open(PREOPEN, 0, cases[i].path, cases[i].oflags, cases[i].base, RIGHTS_ALL, 0, &fd);
    if (e != 0) {
      show(cases[i].label, e);
      continue;
    }
    show_fdstat(cases[i].label, fd);
    (void)!__wasi_fd_close(fd);
  }
  // Rights 0: can it read? (wasmtime opens for reading whatever was asked.)
  __wasi_fd_t r0;
  if (__wasi_path_open(PREOPEN, 0, "f.txt", 0, 0, 0, 0, &r0) == 0) {
    char b[8];
    __wasi_iovec_t iov = {(uint8_t *)b, sizeof b};
    __wasi_size_t n = 0;
    int e = __wasi_fd_read(r0, &iov, 1, &n);
    if (e != 0) show("fd_read on a file opened with rights 0", e);
    else printf("fd_read on a file opened with rights 0: ok %lu bytes\n", (unsigned long)n);
    (void)!__wasi_fd_close(r0);
  }
}

static void stdio_filestat(void) {
  puts("-- fd_filestat_get on stdio");
  for (__wasi_fd_t fd = 0; fd < 3; fd++) {
    __wasi_filestat_t st;
    int e = __wasi_fd_filestat_get(fd, &st);
    char label[32];
    snprintf(label, sizeof label, "filestat fd %u", (unsigned)fd);
    if (e != 0) show(label, e);
    else printf("%s: ok %s, dev ino size times all 0: %s, nlink %llu\n", label, filetype_name(st.filetype),
                st.dev == 0 && st.ino == 0 && st.size == 0 && st.atim == 0 && st.mtim == 0 && st.ctim == 0 ? "yes" : "no",
                (unsigned long long)st.nlink);
  }
}

static void prestat(void) {
  puts("-- fd_prestat_get, fd_prestat_dir_name");
  __wasi_prestat_t ps;
  int e = __wasi_fd_prestat_get(PREOPEN, &ps);
  if (e != 0) show("prestat preopen", e);
  else printf("prestat preopen: ok tag %u name_len %lu\n", ps.tag, (unsigned long)ps.u.dir.pr_name_len);
  __wasi_fd_t file = open_or_say("f.txt", 0, RIGHTS_FILE_READ);
  __wasi_fd_t dir = open_or_say("d", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR);
  show("prestat of a file", __wasi_fd_prestat_get(file, &ps));
  show("prestat of stdin", __wasi_fd_prestat_get(0, &ps));
  show("prestat of a dir from path_open", __wasi_fd_prestat_get(dir, &ps));
  show("prestat of fd 99", __wasi_fd_prestat_get(99, &ps));
  char name[16];
  memset(name, '#', sizeof name);
  show("prestat_dir_name into 3 bytes", __wasi_fd_prestat_dir_name(PREOPEN, (uint8_t *)name, 3));
  memset(name, '#', sizeof name);
  e = __wasi_fd_prestat_dir_name(PREOPEN, (uint8_t *)name, sizeof name);
  if (e != 0) show("prestat_dir_name into 16 bytes", e);
  else printf("prestat_dir_name into 16 bytes: ok [%.10s]\n", name);
  show("prestat_dir_name of a file", __wasi_fd_prestat_dir_name(file, (uint8_t *)name, sizeof name));
  show("prestat_dir_name of a dir from path_open", __wasi_fd_prestat_dir_name(dir, (uint8_t *)name, sizeof name));
  show("prestat_dir_name of stdout", __wasi_fd_prestat_dir_name(1, (uint8_t *)name, sizeof name));
  show("prestat_dir_name of fd 99", __wasi_fd_prestat_dir_name(99, (uint8_t *)name, sizeof name));
  (void)!__wasi_fd_close(file);
  (void)!__wasi_fd_close(dir);
}

static void wrong_kind(void) {
  puts("-- fd calls on the wrong kind of descriptor");
  __wasi_fd_t dir = open_or_say("d", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR);
  char b[8];
  __wasi_iovec_t iov = {(uint8_t *)b, sizeof b};
  __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  __wasi_filesize_t pos;
  show("dir: fd_read", __wasi_fd_read(dir, &iov, 1, &n));
  show("dir: fd_pread", __wasi_fd_pread(dir, &iov, 1, 0, &n));
  show("dir: fd_write", __wasi_fd_write(dir, &ciov, 1, &n));
  show("dir: fd_pwrite", __wasi_fd_pwrite(dir, &ciov, 1, 0, &n));
  show("dir: fd_seek SET", __wasi_fd_seek(dir, 0, __WASI_WHENCE_SET, &pos));
  show("dir: fd_seek CUR", __wasi_fd_seek(dir, 0, __WASI_WHENCE_CUR, &pos));
  show("dir: fd_seek END", __wasi_fd_seek(dir, 0, __WASI_WHENCE_END, &pos));
  show("dir: fd_tell", __wasi_fd_tell(dir, &pos));
  show("dir: fd_filestat_set_size", __wasi_fd_filestat_set_size(dir, 0));
  show("dir: fd_advise", __wasi_fd_advise(dir, 0, 0, __WASI_ADVICE_NORMAL));
  show("dir: fd_allocate", __wasi_fd_allocate(dir, 0, 1));
  show("dir: fd_datasync", __wasi_fd_datasync(dir));
  show("dir: fd_sync", __wasi_fd_sync(dir));
  show("dir: fd_fdstat_set_flags APPEND", __wasi_fd_fdstat_set_flags(dir, __WASI_FDFLAGS_APPEND));
  show("dir: fd_fdstat_set_flags 0", __wasi_fd_fdstat_set_flags(dir, 0));
  (void)!__wasi_fd_close(dir);

  __wasi_fd_t file = open_or_say("f.txt", 0, RIGHTS_ALL);
  uint8_t dbuf[128];
  show("file: fd_readdir", __wasi_fd_readdir(file, dbuf, sizeof dbuf, 0, &n));
  show("stdin: fd_readdir", __wasi_fd_readdir(0, dbuf, sizeof dbuf, 0, &n));
  (void)!__wasi_fd_close(file);

  for (__wasi_fd_t fd = 0; fd < 3; fd++) {
    char label[48];
    const char *name = fd == 0 ? "stdin" : fd == 1 ? "stdout" : "stderr";
    snprintf(label, sizeof label, "%s: fd_seek", name);
    show(label, __wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &pos));
    snprintf(label, sizeof label, "%s: fd_tell", name);
    show(label, __wasi_fd_tell(fd, &pos));
    snprintf(label, sizeof label, "%s: fd_pread", name);
    show(label, __wasi_fd_pread(fd, &iov, 1, 0, &n));
    snprintf(label, sizeof label, "%s: fd_pwrite", name);
    show(label, __wasi_fd_pwrite(fd, &ciov, 0, 0, &n));
    snprintf(label, sizeof label, "%s: fd_advise", name);
    show(label, __wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_NORMAL));
    snprintf(label, sizeof label, "%s: fd_allocate", name);
    show(label, __wasi_fd_allocate(fd, 0, 1));
    snprintf(label, sizeof label, "%s: fd_filestat_set_size", name);
    show(label, __wasi_fd_filestat_set_size(fd, 0));
    snprintf(label, sizeof label, "%s: fd_datasync", name);
    show(label, __wasi_fd_datasync(fd));
    snprintf(label, sizeof label, "%s: fd_sync", name);
    show(label, __wasi_fd_sync(fd));
    snprintf(label, sizeof label, "%s: fd_fdstat_set_flags APPEND", name);
    show(label, __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
    snprintf(label, sizeof label, "%s: fd_fdstat_set_rights (same)", name);
    __wasi_fdstat_t st;
    (void)!__wasi_fd_fdstat_get(fd, &st);
    show(label, __wasi_fd_fdstat_set_rights(fd, st.fs_rights_base, st.fs_rights_inheriting));
  }
  show("stdout: fd_read", __wasi_fd_read(1, &iov, 1, &n));
  show("stdin: fd_write", __wasi_fd_write(0, &ciov, 0, &n));
  show("stdin: fd_read (empty input)", __wasi_fd_read(0, &iov, 1, &n));

  // Read-only, but with the rights to truncate and allocate: the open mode decides.
  __wasi_fd_t ro = open_or_say("f.txt", 0, RIGHTS_FILE_READ | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_ALLOCATE);
  __wasi_fd_t wo = open_or_say("f.txt", 0, RIGHTS_FILE_WRITE);
  show("write-only file: fd_read", __wasi_fd_read(wo, &iov, 1, &n));
  show("write-only file: fd_pread", __wasi_fd_pread(wo, &iov, 1, 0, &n));
  show("read-only file: fd_write", __wasi_fd_write(ro, &ciov, 1, &n));
  show("read-only file: fd_pwrite", __wasi_fd_pwrite(ro, &ciov, 1, 0, &n));
  show("read-only file: fd_filestat_set_size", __wasi_fd_filestat_set_size(ro, 1));
  show("read-only file: fd_allocate", __wasi_fd_allocate(ro, 0, 1));
  (void)!__wasi_fd_close(ro);
  (void)!__wasi_fd_close(wo);
}

static void file_ops(void) {
  puts("-- fd_seek, fd_advise, fd_allocate, fd_fdstat_set_flags, fd_fdstat_set_rights on a file");
  __wasi_fd_t fd = open_or_say("f.txt", 0, RIGHTS_FILE_RW);
  __wasi_filesize_t pos = 0;
  show("seek SET -1", __wasi_fd_seek(fd, -1, __WASI_WHENCE_SET, &pos));
  show("seek CUR -1 at 0", __wasi_fd_seek(fd, -1, __WASI_WHENCE_CUR, &pos));
  show("seek END -6 (size 5)", __wasi_fd_seek(fd, -6, __WASI_WHENCE_END, &pos));
  int e = __wasi_fd_seek(fd, 100, __WASI_WHENCE_END, &pos);
  if (e != 0) show("seek END +100", e);
  else printf("seek END +100: ok %llu\n", (unsigned long long)pos);
  e = __wasi_fd_tell(fd, &pos);
  if (e != 0) show("tell", e);
  else printf("tell: ok %llu\n", (unsigned long long)pos);
  show("advise NORMAL", __wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_NORMAL));
  show("advise DONTNEED 0..100", __wasi_fd_advise(fd, 0, 100, __WASI_ADVICE_DONTNEED));
  show("allocate 0..10", __wasi_fd_allocate(fd, 0, 10));
  __wasi_filestat_t st;
  (void)!__wasi_fd_filestat_get(fd, &st);
  printf("  size after: %llu\n", (unsigned long long)st.size);
  show("allocate bad fd 99", __wasi_fd_allocate(99, 0, 10));
  show("set_flags DSYNC", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_DSYNC));
  show("set_flags RSYNC", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_RSYNC));
  show("set_flags SYNC", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC));
  show("set_flags APPEND|NONBLOCK", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_NONBLOCK));
  __wasi_fdstat_t fs;
  (void)!__wasi_fd_fdstat_get(fd, &fs);
  printf("  flags: %u\n", fs.fs_flags);
  show("set_flags NONBLOCK", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK));
  (void)!__wasi_fd_fdstat_get(fd, &fs);
  printf("  flags: %u\n", fs.fs_flags);
  show("set_flags bad fd 99", __wasi_fd_fdstat_set_flags(99, 0));
  const __wasi_fstflags_t both_a = __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW;
  show("fd_filestat_set_times ATIM|ATIM_NOW", __wasi_fd_filestat_set_times(fd, 5, 5, both_a));
  show("fd_filestat_set_times ATIM|ATIM_NOW, bad fd", __wasi_fd_filestat_set_times(99, 5, 5, both_a));
  show("fd_filestat_set_times MTIM|MTIM_NOW",
       __wasi_fd_filestat_set_times(fd, 5, 5, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));

  (void)!__wasi_fd_fdstat_get(fd, &fs);
  show("set_rights: the same rights", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base, fs.fs_rights_inheriting));
  show("set_rights: drop FD_WRITE", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE, 0));
  __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  show("  then fd_write", __wasi_fd_write(fd, &ciov, 1, &n));
  show("set_rights: add FD_WRITE back", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base, 0));
  show("set_rights: bad fd 99", __wasi_fd_fdstat_set_rights(99, 0, 0));
  __wasi_fd_t dir = open_or_say("d", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR);
  (void)!__wasi_fd_fdstat_get(dir, &fs);
  show("set_rights on a dir: the same rights", __wasi_fd_fdstat_set_rights(dir, fs.fs_rights_base, fs.fs_rights_inheriting));
  (void)!__wasi_fd_close(dir);
  (void)!__wasi_fd_close(fd);

  // fd_pwrite on an O_APPEND fd: POSIX writes at the offset, Linux appends.
  __wasi_fd_t ap;
  int e2 = open_at(PREOPEN, 0, "append.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_FILE_RW, __WASI_FDFLAGS_APPEND, &ap);
  if (e2 != 0) {
    show("setup: open append.txt", e2);
    return;
  }
  __wasi_ciovec_t abc = {(const uint8_t *)"abc", 3};
  __wasi_ciovec_t x = {(const uint8_t *)"X", 1};
  (void)!__wasi_fd_write(ap, &abc, 1, &n);
  show("pwrite X at 0 on an O_APPEND fd holding abc", __wasi_fd_pwrite(ap, &x, 1, 0, &n));
  char got[8] = {0};
  __wasi_iovec_t giov = {(uint8_t *)got, sizeof got - 1};
  (void)!__wasi_fd_pread(ap, &giov, 1, 0, &n);
  (void)!__wasi_fd_tell(ap, &pos);
  printf("  the file: [%s], position %llu\n", got, (unsigned long long)pos);
  (void)!__wasi_fd_close(ap);
}

static void numbering(void) {
  puts("-- fd numbers, fd_renumber, fd_close");
  __wasi_fd_t a = open_or_say("f.txt", 0, RIGHTS_FILE_READ);
  __wasi_fd_t b = open_or_say("f.txt", 0, RIGHTS_FILE_READ);
  __wasi_fd_t c = open_or_say("f.txt", 0, RIGHTS_FILE_READ);
  printf("three opens: %u %u %u\n", (unsigned)a, (unsigned)b, (unsigned)c);
  (void)!__wasi_fd_close(a);
  (void)!__wasi_fd_close(b);
  __wasi_fd_t x = open_or_say("f.txt", 0, RIGHTS_FILE_READ);
  __wasi_fd_t y = open_or_say("f.txt", 0, RIGHTS_FILE_READ);
  printf("after closing %u and %u, two opens: %u %u\n", (unsigned)a, (unsigned)b, (unsigned)x, (unsigned)y);
  show("renumber onto an fd not open (99)", __wasi_fd_renumber(x, 99));
  show("renumber from an fd not open (99)", __wasi_fd_renumber(99, x));
  show("renumber fd onto itself", __wasi_fd_renumber(x, x));
  show("renumber 99 onto itself", __wasi_fd_renumber(99, 99));
  show("renumber x onto y", __wasi_fd_renumber(x, y));
  __wasi_fdstat_t st;
  show("  x after", __wasi_fd_fdstat_get(x, &st));
  show("  y after", __wasi_fd_fdstat_get(y, &st));
  show("close y", __wasi_fd_close(y));
  show("close y again", __wasi_fd_close(y));
  show("close c", __wasi_fd_close(c));
  __wasi_fd_t dir = open_or_say("d", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR);
  show("renumber a dir onto the preopen", __wasi_fd_renumber(dir, PREOPEN));
  __wasi_prestat_t ps;
  show("  prestat of fd 3 after", __wasi_fd_prestat_get(PREOPEN, &ps));
  show_stat("  inner.txt through fd 3", 0, "inner.txt");
  show("  old fd after", __wasi_fd_fdstat_get(dir, &st));
  __wasi_fd_t f2;
  show("  open through fd 3", __wasi_path_open(PREOPEN, 0, "inner.txt", 0, RIGHTS_FILE_READ, 0, 0, &f2));
  (void)!__wasi_fd_close(f2);
  show("renumber fd 3 onto stdin", __wasi_fd_renumber(PREOPEN, 0));
  show("  fd 3 after", __wasi_fd_fdstat_get(PREOPEN, &st));
  show("  fdstat stdin after", __wasi_fd_fdstat_get(0, &st));
  printf("  stdin is now a %s\n", filetype_name(st.fs_filetype));
  show("close stdin (now the dir)", __wasi_fd_close(0));
  show("close stderr", __wasi_fd_close(2));
  show("  fd_write to stderr after", __wasi_fd_write(2, &(__wasi_ciovec_t){(const uint8_t *)"x", 1}, 1, &(__wasi_size_t){0}));
}

static void poll(void) {
  puts("-- poll_oneoff");
  __wasi_subscription_t s[2];
  __wasi_event_t ev[2];
  __wasi_size_t n = 0;
  memset(s, 0, sizeof s);
  memset(ev, 0xAA, sizeof ev);
  show("no subscriptions", __wasi_poll_oneoff(s, ev, 0, &n));

  const __wasi_clockid_t cpu[2] = {__WASI_CLOCKID_PROCESS_CPUTIME_ID, __WASI_CLOCKID_THREAD_CPUTIME_ID};
  for (int i = 0; i < 2; i++) {
    memset(s, 0, sizeof s);
    s[0].userdata = 7;
    s[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    s[0].u.u.clock.id = cpu[i];
    s[0].u.u.clock.timeout = 1000;
    s[1] = s[0];
    s[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    n = 99;
    int e = __wasi_poll_oneoff(s, ev, 2, &n);
    char label[64];
    snprintf(label, sizeof label, "clock %s 1 us + monotonic 1 us", i == 0 ? "PROCESS_CPUTIME" : "THREAD_CPUTIME");
    if (e != 0) show(label, e);
    else printf("%s: ok %lu events, first error %s\n", label, (unsigned long)n, errno_name(ev[0].error));
  }

  memset(s, 0, sizeof s);
  s[0].userdata = 1;
  s[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  s[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s[0].u.u.clock.timeout = 1000;
  int e = __wasi_poll_oneoff(s, ev, 1, &n);
  if (e != 0) show("one relative monotonic clock, 1 us", e);
  else printf("one relative monotonic clock, 1 us: ok %lu events, error %s, type %u, nbytes %llu\n", (unsigned long)n,
              errno_name(ev[0].error), ev[0].type, (unsigned long long)ev[0].fd_readwrite.nbytes);
  s[1] = s[0];
  s[1].userdata = 2;
  s[1].u.u.clock.timeout = 1000000000;
  e = __wasi_poll_oneoff(s, ev, 2, &n);
  if (e != 0) show("monotonic 1 us + 1 s", e);
  else printf("monotonic 1 us + 1 s: ok %lu events, userdata %llu, error %s, nbytes %llu\n", (unsigned long)n,
              (unsigned long long)ev[0].userdata, errno_name(ev[0].error), (unsigned long long)ev[0].fd_readwrite.nbytes);

  __wasi_timestamp_t now = 0;
  (void)!__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now);
  memset(s, 0, sizeof s);
  s[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  s[0].u.u.clock.id = __WASI_CLOCKID_REALTIME;
  s[0].u.u.clock.timeout = now + 1000;
  s[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
  e = __wasi_poll_oneoff(s, ev, 1, &n);
  if (e != 0) show("realtime absolute, now + 1 us", e);
  else printf("realtime absolute, now + 1 us: ok %lu events, error %s\n", (unsigned long)n, errno_name(ev[0].error));

  struct { const char *label; __wasi_fd_t fd; int tag; } fdcases[] = {
    {"FD_READ on fd 99", 99, __WASI_EVENTTYPE_FD_READ},
    {"FD_READ on a dir", 0, __WASI_EVENTTYPE_FD_READ},
    {"FD_READ on stdout", 1, __WASI_EVENTTYPE_FD_READ},
    {"FD_WRITE on stdin", 0, __WASI_EVENTTYPE_FD_WRITE},
    {"FD_READ on a file, at offset 0", 0, __WASI_EVENTTYPE_FD_READ},
    {"FD_WRITE on a file", 0, __WASI_EVENTTYPE_FD_WRITE},
    {"FD_READ on a file at EOF", 0, __WASI_EVENTTYPE_FD_READ},
    {"FD_WRITE on stdout", 1, __WASI_EVENTTYPE_FD_WRITE},
    {"FD_READ on stdin (empty input)", 0, __WASI_EVENTTYPE_FD_READ},
  };
  __wasi_fd_t dir = open_or_say("d", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR);
  __wasi_fd_t file = open_or_say("f.txt", 0, RIGHTS_FILE_RW);
  __wasi_fd_t eof = open_or_say("f.txt", 0, RIGHTS_FILE_RW);
  __wasi_filesize_t pos;
  (void)!__wasi_fd_seek(eof, 0, __WASI_WHENCE_END, &pos);
  fdcases[1].fd = dir;
  fdcases[4].fd = file;
  fdcases[5].fd = file;
  fdcases[6].fd = eof;
  for (size_t i = 0; i < sizeof fdcases / sizeof fdcases[0]; i++) {
    memset(s, 0, sizeof s);
    memset(ev, 0xAA, sizeof ev);
    s[0].userdata = 42;
    s[0].u.tag = fdcases[i].tag;
    s[0].u.u.fd_read.file_descriptor = fdcases[i].fd;
    n = 99;
    e = __wasi_poll_oneoff(s, ev, 1, &n);
    if (e != 0) printf("%s: %s, nevents %lu\n", fdcases[i].label, errno_name(e), (unsigned long)n);
    else printf("%s: ok %lu events, error %s, nbytes %llu, flags %u\n", fdcases[i].label, (unsigned long)n,
                errno_name(ev[0].error), (unsigned long long)ev[0].fd_readwrite.nbytes, ev[0].fd_readwrite.flags);
  }
  (void)!__wasi_fd_close(dir);
  (void)!__wasi_fd_close(file);
  (void)!__wasi_fd_close(eof);

  memset(s, 0, sizeof s);
  s[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  s[0].u.u.clock.id = 9;
  s[0].u.u.clock.timeout = 1000;
  n = 99;
  e = __wasi_poll_oneoff(s, ev, 1, &n);
  if (e != 0) printf("clock id 9: %s, nevents %lu\n", errno_name(e), (unsigned long)n);
  else printf("clock id 9: ok %lu events, error %s\n", (unsigned long)n, errno_name(ev[0].error));
  memset(s, 0, sizeof s);
  s[0].u.tag = 3;
  n = 99;
  e = __wasi_poll_oneoff(s, ev, 1, &n);
  if (e != 0) printf("event type 3: %s, nevents %lu\n", errno_name(e), (unsigned long)n);
  else printf("event type 3: ok %lu events, error %s\n", (unsigned long)n, errno_name(ev[0].error));
  memset(s, 0, sizeof s);
  s[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  s[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s[0].u.u.clock.flags = 2;
  n = 99;
  e = __wasi_poll_oneoff(s, ev, 1, &n);
  if (e != 0) printf("subclockflags 2 (undefined): %s, nevents %lu\n", errno_name(e), (unsigned long)n);
  else printf("subclockflags 2 (undefined): ok %lu events, error %s\n", (unsigned long)n, errno_name(ev[0].error));
}

static void clocks_socks_proc(void) {
  puts("-- clocks, sockets, proc_raise, sched_yield");
  const char *names[] = {"REALTIME", "MONOTONIC", "PROCESS_CPUTIME_ID", "THREAD_CPUTIME_ID"};
  for (__wasi_clockid_t id = 0; id < 4; id++) {
    __wasi_timestamp_t t;
    char label[48];
    snprintf(label, sizeof label, "clock_res_get %s", names[id]);
    show(label, __wasi_clock_res_get(id, &t));
    snprintf(label, sizeof label, "clock_time_get %s", names[id]);
    show(label, __wasi_clock_time_get(id, 1, &t));
  }
  __wasi_fd_t file = open_or_say("f.txt", 0, RIGHTS_FILE_READ);
  __wasi_fd_t dir = open_or_say("d", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR);
  struct { const char *name; __wasi_fd_t fd; } fds[] = {{"fd 99", 99}, {"a file", file}, {"a dir", dir}, {"stdout", 1}};
  for (size_t i = 0; i < 4; i++) {
    char label[48];
    char b[4];
    __wasi_iovec_t iov = {(uint8_t *)b, sizeof b};
    __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
    __wasi_size_t n;
    __wasi_roflags_t ro;
    __wasi_fd_t got;
    snprintf(label, sizeof label, "sock_recv on %s", fds[i].name);
    show(label, __wasi_sock_recv(fds[i].fd, &iov, 1, 0, &n, &ro));
    snprintf(label, sizeof label, "sock_send on %s", fds[i].name);
    show(label, __wasi_sock_send(fds[i].fd, &ciov, 1, 0, &n));
    snprintf(label, sizeof label, "sock_shutdown on %s", fds[i].name);
    show(label, __wasi_sock_shutdown(fds[i].fd, __WASI_SDFLAGS_WR));
    snprintf(label, sizeof label, "sock_accept on %s", fds[i].name);
    show(label, __wasi_sock_accept(fds[i].fd, 0, &got));
  }
  (void)!__wasi_fd_close(file);
  (void)!__wasi_fd_close(dir);
  show("proc_raise 0 (NONE)", raw_proc_raise(0));
  show("sched_yield", __wasi_sched_yield());
}

static void identity(void) {
  puts("-- dev, ino, nlink, fd_readdir of . and ..");
  __wasi_fd_t dir = open_or_say("d", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR);
  __wasi_filestat_t ds, fs, ls;
  (void)!__wasi_fd_filestat_get(dir, &ds);
  (void)!__wasi_path_filestat_get(PREOPEN, 0, "d/inner.txt", &fs);
  int e = __wasi_path_link(PREOPEN, 0, "d/inner.txt", PREOPEN, "inner-link");
  show("link d/inner.txt", e);
  (void)!__wasi_path_filestat_get(PREOPEN, 0, "inner-link", &ls);
  printf("  same dev for dir and file: %s; link has the file's dev and ino: %s; nlink %llu\n",
         ds.dev == fs.dev ? "yes" : "no", ls.dev == fs.dev && ls.ino == fs.ino ? "yes" : "no",
         (unsigned long long)ls.nlink);
  uint8_t buf[512];
  __wasi_size_t used = 0;
  e = __wasi_fd_readdir(dir, buf, sizeof buf, 0, &used);
  if (e != 0) {
    show("readdir d", e);
    return;
  }
  size_t at = 0;
  while (at + sizeof(__wasi_dirent_t) <= used) {
    __wasi_dirent_t de;
    memcpy(&de, buf + at, sizeof de);
    const char *name = (const char *)buf + at + sizeof de;
    if (at + sizeof de + de.d_namlen > used) break;
    int is_dot = de.d_namlen == 1 && name[0] == '.';
    int is_inner = de.d_namlen == 9 && memcmp(name, "inner.txt", 9) == 0;
    printf("  entry %.*s: %s, d_next %llu%s\n", (int)de.d_namlen, name, filetype_name(de.d_type),
           (unsigned long long)de.d_next,
           is_dot ? (de.d_ino == ds.ino ? ", d_ino = the dir's ino" : ", d_ino differs from the dir's ino")
           : is_inner ? (de.d_ino == fs.ino ? ", d_ino = the file's ino" : ", d_ino differs from the file's ino") : "");
    at += sizeof de + de.d_namlen;
  }
  (void)!__wasi_fd_close(dir);
}

// fd_read/fd_write/fd_pread/fd_pwrite with two iovecs on a regular file: how
// many bytes one call moves. POSIX allows a short count; Linux fills both.
static void iovecs(void) {
  puts("-- two iovecs on a file");
  __wasi_fd_t fd = 999;
  int e = open_at(PREOPEN, 0, "iov.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_FILE_RW, 0, &fd);
  if (e != 0) {
    show("setup: create iov.txt", e);
    return;
  }
  __wasi_ciovec_t out[2] = {{(const uint8_t *)"Hello, ", 7}, {(const uint8_t *)"world!", 6}};
  uint8_t a[7], b[7];
  __wasi_iovec_t in[2] = {{a, sizeof a}, {b, sizeof b}};
  __wasi_iovec_t empty_first[2] = {{a, 0}, {b, sizeof b}};
  __wasi_size_t n = 0;
  __wasi_filesize_t pos = 0;
  e = __wasi_fd_write(fd, out, 2, &n);
  if (e != 0) show("fd_write 7+6 bytes", e);
  else printf("fd_write 7+6 bytes: ok %lu\n", (unsigned long)n);
  e = __wasi_fd_pwrite(fd, out, 2, 0, &n);
  if (e != 0) show("fd_pwrite 7+6 bytes at 0", e);
  else printf("fd_pwrite 7+6 bytes at 0: ok %lu\n", (unsigned long)n);
  e = __wasi_fd_pread(fd, in, 2, 0, &n);
  if (e != 0) show("fd_pread 7+7 at 0", e);
  else printf("fd_pread 7+7 at 0: ok %lu\n", (unsigned long)n);
  e = __wasi_fd_pread(fd, empty_first, 2, 0, &n);
  if (e != 0) show("fd_pread 0+7 at 0", e);
  else printf("fd_pread 0+7 at 0: ok %lu\n", (unsigned long)n);
  (void)!__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
  e = __wasi_fd_read(fd, in, 2, &n);
  if (e != 0) show("fd_read 7+7 from 0", e);
  else printf("fd_read 7+7 from 0: ok %lu, %.7s%.*s\n", (unsigned long)n, (const char *)a, n > 7 ? (int)(n - 7) : 0, (const char *)b);
  (void)!__wasi_fd_close(fd);
}

int main(void) {
  rights();
  stdio_filestat();
  prestat();
  wrong_kind();
  file_ops();
  clocks_socks_proc();
  identity();
  poll();
  iovecs();
  numbering();
  return 0;
}
