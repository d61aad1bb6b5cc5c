;; Thread arg 0 calls proc_exit(7) while _start waits forever and two other
;; threads spin forever, counting at 16: the run ends with status 7 all the
;; same. The exiting thread waits for the count to move first, so the
;; spinners are running when it exits.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "_start")
    (drop (call $spawn (i32.const 1)))
    (drop (call $spawn (i32.const 1)))
    (drop (call $spawn (i32.const 0)))
    (loop $forever (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1))) (br $forever)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (if (i32.eqz (local.get $arg))
      (then
        (loop $until (br_if $until (i32.eqz (i32.atomic.load (i32.const 16)))))
        (call $proc_exit (i32.const 7))))
    (loop $spin (drop (i32.atomic.rmw.add (i32.const 16) (i32.const 1))) (br $spin)))
)
