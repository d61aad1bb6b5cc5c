;; Four threads write 50 lines each through one descriptor that _start opened:
;; every line lands whole in out.txt, and _start prints "done" after joining.
(module
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  ;; 0: the fd of out.txt; 4: threads finished; 16: "out.txt"; 32: "done\n"
  ;; thread i: its iovec at 256+32i, its line "t<i>\n" at 512+16i
  (data (i32.const 16) "out.txt")
  (data (i32.const 32) "done\n")
  (func $write (param $fd i32) (param $ptr i32) (param $len i32) (param $iov i32)
    (i32.store (local.get $iov) (local.get $ptr))
    (i32.store offset=4 (local.get $iov) (local.get $len))
    (if (call $fd_write (local.get $fd) (local.get $iov) (i32.const 1) (i32.add (local.get $iov) (i32.const 8)))
      (then (call $proc_exit (i32.const 2)))))
  (func $join (param $n i32) (local $seen i32)
    (block $done (loop $wait
      (local.set $seen (i32.atomic.load (i32.const 4)))
      (br_if $done (i32.ge_u (local.get $seen) (local.get $n)))
      (drop (memory.atomic.wait32 (i32.const 4) (local.get $seen) (i64.const -1)))
      (br $wait))))
  (func (export "_start") (local $i i32)
    ;; out.txt under the first preopen (fd 3): O_CREAT|O_TRUNC, all rights
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 7) (i32.const 9) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0))
      (then (call $proc_exit (i32.const 3))))
    (loop $spawn
      (if (i32.lt_s (call $spawn (local.get $i)) (i32.const 1)) (then (call $proc_exit (i32.const 4))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $spawn (i32.lt_u (local.get $i) (i32.const 4))))
    (call $join (i32.const 4))
    (if (call $fd_close (i32.load (i32.const 0))) (then (call $proc_exit (i32.const 5))))
    (call $write (i32.const 1) (i32.const 32) (i32.const 5) (i32.const 64)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32) (local $n i32) (local $line i32)
    (local.set $line (i32.add (i32.const 512) (i32.shl (local.get $arg) (i32.const 4))))
    (i32.store8 (local.get $line) (i32.const 116))
    (i32.store8 offset=1 (local.get $line) (i32.add (i32.const 48) (local.get $arg)))
    (i32.store8 offset=2 (local.get $line) (i32.const 10))
    (loop $lines
      (call $write (i32.load (i32.const 0)) (local.get $line) (i32.const 3) (i32.add (i32.const 256) (i32.shl (local.get $arg) (i32.const 5))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $lines (i32.lt_u (local.get $n) (i32.const 50))))
    (drop (i32.atomic.rmw.add (i32.const 4) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 4) (i32.const 1))))
)
