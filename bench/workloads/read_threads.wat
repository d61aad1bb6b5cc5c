;; read_threads THREADS READS: READS times open("data.bin") under the first
;; preopen + fd_read of 4 KiB + fd_close. THREADS = 0 does them all in
;; _start (any WASI host can run it); THREADS = 1..16 spawns that many
;; wasi-threads threads that share READS evenly while _start waits for them
;; (WASI.startThreaded), so every call is forwarded to the owner thread.
;; WAT, not C: the bench's wasi-libc has no wasm32-wasip1-threads build.
;; Exits 2 on bad arguments, 5/6 on a failed open/read, 7 on a short read;
;; prints one line the bench runner compares across runtimes.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 4 4 shared))
  (export "memory" (memory 0))
  ;; 0: threads; 4: reads per thread; 8: threads finished; 16: argc, 20: argv bytes;
  ;; 256: the summary line; 512: argv pointers; 640: argv strings (256 bytes at most);
  ;; thread slot i (0..15): scratch at 1024+256i (path at +0, iovec at +16,
  ;; fd at +32, bytes read at +36, out iovec at +48), data at 8192+4096i
  (data (i32.const 256) "read_threads: every read returned 4096 bytes\n")

  ;; The decimal number at $p (ends at NUL); exit 2 on anything else.
  (func $number (param $p i32) (result i32) (local $n i32) (local $d i32)
    (if (i32.eqz (i32.load8_u (local.get $p))) (then (call $proc_exit (i32.const 2))))
    (block $end (loop $digit
      (br_if $end (i32.eqz (i32.load8_u (local.get $p))))
      (local.set $d (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
      (if (i32.or (i32.gt_u (local.get $d) (i32.const 9)) (i32.gt_u (local.get $n) (i32.const 100000000)))
        (then (call $proc_exit (i32.const 2))))
      (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (local.get $d)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $digit)))
    (local.get $n))

  ;; $count times open + read 4 KiB + close, with slot $slot's scratch and buffer.
  (func $work (param $slot i32) (param $count i32) (local $s i32) (local $n i32)
    (local.set $s (i32.add (i32.const 1024) (i32.shl (local.get $slot) (i32.const 8))))
    (i64.store (local.get $s) (i64.const 0x6e69622e61746164)) ;; "data.bin"
    (i32.store offset=16 (local.get $s) (i32.add (i32.const 8192) (i32.shl (local.get $slot) (i32.const 12))))
    (i32.store offset=20 (local.get $s) (i32.const 4096))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $n) (local.get $count)))
      ;; path_open(fd 3, no lookup flags, "data.bin", no oflags, rights fd_read, none, no fdflags)
      (if (call $path_open (i32.const 3) (i32.const 0) (local.get $s) (i32.const 8) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.add (local.get $s) (i32.const 32)))
        (then (call $proc_exit (i32.const 5))))
      (if (call $fd_read (i32.load offset=32 (local.get $s)) (i32.add (local.get $s) (i32.const 16)) (i32.const 1) (i32.add (local.get $s) (i32.const 36)))
        (then (call $proc_exit (i32.const 6))))
      (if (i32.ne (i32.load offset=36 (local.get $s)) (i32.const 4096)) (then (call $proc_exit (i32.const 7))))
      (drop (call $fd_close (i32.load offset=32 (local.get $s))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $l))))

  (func (export "_start") (local $threads i32) (local $reads i32) (local $i i32) (local $seen i32)
    (if (call $args_sizes_get (i32.const 16) (i32.const 20)) (then (call $proc_exit (i32.const 2))))
    (if (i32.or (i32.ne (i32.load (i32.const 16)) (i32.const 3)) (i32.gt_u (i32.load (i32.const 20)) (i32.const 256)))
      (then (call $proc_exit (i32.const 2))))
    (if (call $args_get (i32.const 512) (i32.const 640)) (then (call $proc_exit (i32.const 2))))
    (local.set $threads (call $number (i32.load (i32.const 516))))
    (local.set $reads (call $number (i32.load (i32.const 520))))
    (if (i32.gt_u (local.get $threads) (i32.const 16)) (then (call $proc_exit (i32.const 2))))
    (if (i32.eqz (local.get $threads))
      (then (call $work (i32.const 0) (local.get $reads)))
      (else
        (i32.store (i32.const 4) (i32.div_u (local.get $reads) (local.get $threads)))
        (i32.store (i32.const 0) (local.get $threads))
        (loop $spawn
          (if (i32.lt_s (call $spawn (local.get $i)) (i32.const 1)) (then (call $proc_exit (i32.const 4))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $spawn (i32.lt_u (local.get $i) (local.get $threads))))
        (block $joined (loop $wait
          (local.set $seen (i32.atomic.load (i32.const 8)))
          (br_if $joined (i32.ge_u (local.get $seen) (local.get $threads)))
          (drop (memory.atomic.wait32 (i32.const 8) (local.get $seen) (i64.const -1)))
          (br $wait)))))
    (i32.store (i32.const 1072) (i32.const 256))
    (i32.store (i32.const 1076) (i32.const 45))
    (drop (call $fd_write (i32.const 1) (i32.const 1072) (i32.const 1) (i32.const 1080))))

  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (call $work (local.get $arg) (i32.load (i32.const 4)))
    (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 8) (i32.const 1)))))
