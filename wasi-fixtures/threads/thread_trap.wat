;; A thread traps (unreachable) while _start waits forever and another thread
;; spins: the run ends with the trap.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "_start")
    (drop (call $spawn (i32.const 1)))
    (drop (call $spawn (i32.const 0)))
    (loop $forever (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1))) (br $forever)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (if (i32.eqz (local.get $arg)) (then unreachable))
    (loop $spin (br $spin)))
)
