;; A thread traps (unreachable) while _start waits forever and another thread
;; spins, counting at 16: the run ends with the trap. The trapping thread
;; waits for the count to move, then makes one forwarded call (random_get of
;; 0 bytes, which a test can time) just before it traps.
(module
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "_start")
    (drop (call $spawn (i32.const 1)))
    (drop (call $spawn (i32.const 0)))
    (loop $forever (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1))) (br $forever)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (if (i32.eqz (local.get $arg))
      (then
        (loop $until (br_if $until (i32.eqz (i32.atomic.load (i32.const 16)))))
        (drop (call $random_get (i32.const 32) (i32.const 0)))
        unreachable))
    (loop $spin (drop (i32.atomic.rmw.add (i32.const 16) (i32.const 1))) (br $spin)))
)
