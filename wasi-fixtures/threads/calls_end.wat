;; Every thread keeps calling WASI while one ends the run: two threads call
;; clock_time_get (forwarded to the owner) in a loop, counting at 16; one
;; sleeps 10 s at a time in poll_oneoff (on its own thread); _start sleeps
;; 10 ms at a time the same way. Thread arg 0 waits for 1,000 counts, makes
;; one forwarded call (random_get of 0 bytes, which a test can time), then
;; calls proc_exit(7), or traps (unreachable) if the host set the cell at 20.
;; None of them waits in memory.atomic.wait32 or spins without calling WASI,
;; so each stops at its next call, or in its sleep, without being terminated.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  ;; a clock sleep of $ns with slot $s: subscription at 1024+128s, event at +64, nevents at +120
  (func $sleep (param $s i32) (param $ns i64) (local $p i32)
    (local.set $p (i32.add (i32.const 1024) (i32.mul (local.get $s) (i32.const 128))))
    (i64.store (local.get $p) (i64.const 0))            ;; userdata
    (i32.store8 offset=8 (local.get $p) (i32.const 0))  ;; tag: clock
    (i32.store offset=16 (local.get $p) (i32.const 1))  ;; id: monotonic
    (i64.store offset=24 (local.get $p) (local.get $ns)) ;; timeout
    (i64.store offset=32 (local.get $p) (i64.const 0))  ;; precision
    (i32.store16 offset=40 (local.get $p) (i32.const 0)) ;; flags: relative
    (drop (call $poll_oneoff (local.get $p) (i32.add (local.get $p) (i32.const 64)) (i32.const 1) (i32.add (local.get $p) (i32.const 120)))))
  (func (export "_start")
    (drop (call $spawn (i32.const 1)))
    (drop (call $spawn (i32.const 2)))
    (drop (call $spawn (i32.const 3)))
    (drop (call $spawn (i32.const 0)))
    (loop $forever (call $sleep (i32.const 4) (i64.const 10000000)) (br $forever)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (if (i32.eqz (local.get $arg))
      (then
        (loop $until (br_if $until (i32.lt_u (i32.atomic.load (i32.const 16)) (i32.const 1000))))
        (drop (call $random_get (i32.const 32) (i32.const 0)))
        (if (i32.atomic.load (i32.const 20)) (then unreachable))
        (call $proc_exit (i32.const 7))))
    (if (i32.eq (local.get $arg) (i32.const 3))
      (then (loop $sleeping (call $sleep (i32.const 3) (i64.const 10000000000)) (br $sleeping))))
    (loop $calling
      (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.add (i32.const 256) (i32.shl (local.get $arg) (i32.const 4)))))
      (drop (i32.atomic.rmw.add (i32.const 16) (i32.const 1)))
      (br $calling)))
)
