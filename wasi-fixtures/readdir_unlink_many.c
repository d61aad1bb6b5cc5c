// readdir_unlink with 300 entries: a listing that spans several of
// wasi-libc's 4096-byte fd_readdir calls, deleted while it is read (the
// pattern of rm -r, libc++'s remove_all, Rust's remove_dir_all, and Ruby's
// Dir.foreach + File.unlink, where it was met). Here cookies index a snapshot
// taken at cookie 0, so every entry is returned once and all 300 go, as on
// Linux. wasmtime 49 answers each call from a fresh listing with the cookie
// as an index: each unlink shifts the rest, entries are skipped and rmdir
// fails (the fixture's wasmtimeKnownDifferences).
#define ENTRIES 300
#define NAME "%s/entry-with-a-longer-name-%03d"
#include "readdir_unlink.c"
