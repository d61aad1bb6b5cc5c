;; A preview 0 command (imports wasi_unstable): seeks to the end of stdin-less
;; fd 3's file "f" with preview 0's whence 1 (END), prints the offset as one
;; digit, stats the file by path and prints its nlink (u32 at 20) as one digit,
;; then proc_exit(3).
(module
  (import "wasi_unstable" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "f")
  (func $digit (param $d i32)
    (i32.store8 (i32.const 200) (i32.add (i32.const 48) (local.get $d)))
    (i32.store8 (i32.const 201) (i32.const 10))
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.const 2))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    ;; path_open(3, follow, "f", 0 oflags, all rights, all rights, 0) -> fd at 300
    (if (call $path_open (i32.const 3) (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 0)
          (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 300))
      (then (call $proc_exit (i32.const 10))))
    ;; fd_seek(fd, 0, whence 1 = END in preview 0) -> offset at 308
    (if (call $fd_seek (i32.load (i32.const 300)) (i64.const 0) (i32.const 1) (i32.const 308))
      (then (call $proc_exit (i32.const 11))))
    (call $digit (i32.wrap_i64 (i64.load (i32.const 308))))
    ;; path_filestat_get(3, 0, "f") -> 56-byte filestat at 400; nlink is the u32 at 420
    (if (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 400))
      (then (call $proc_exit (i32.const 12))))
    (call $digit (i32.load (i32.const 420)))
    (call $proc_exit (i32.const 3))))
