;; A condition-variable hand-off over shared memory: _start and one thread
;; take turns 5 times through a turn cell (memory.atomic.wait32 / notify),
;; each printing its word on its turn, so the output is ping pong ping pong ...
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  ;; 8: whose turn (0 = _start, 1 = the thread, 2 = finished); 32: "ping\n"; 48: "pong\n"
  (data (i32.const 32) "ping\n")
  (data (i32.const 48) "pong\n")
  (func $await (param $turn i32) (local $now i32)
    (loop $wait
      (local.set $now (i32.atomic.load (i32.const 8)))
      (if (i32.ne (local.get $now) (local.get $turn))
        (then
          ;; sleeps only while the cell still holds the value just seen
          (drop (memory.atomic.wait32 (i32.const 8) (local.get $now) (i64.const -1)))
          (br $wait)))))
  (func $pass (param $turn i32)
    (i32.atomic.store (i32.const 8) (local.get $turn))
    (drop (memory.atomic.notify (i32.const 8) (i32.const 1))))
  (func $say (param $word i32) (param $iov i32)
    (i32.store (local.get $iov) (local.get $word))
    (i32.store offset=4 (local.get $iov) (i32.const 5))
    (if (call $fd_write (i32.const 1) (local.get $iov) (i32.const 1) (i32.add (local.get $iov) (i32.const 8)))
      (then (call $proc_exit (i32.const 2)))))
  (func (export "_start") (local $n i32)
    (if (i32.lt_s (call $spawn (i32.const 0)) (i32.const 1)) (then (call $proc_exit (i32.const 4))))
    (loop $round
      (call $await (i32.const 0))
      (call $say (i32.const 32) (i32.const 128))
      (call $pass (i32.const 1))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $n) (i32.const 5))))
    (call $await (i32.const 2)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32) (local $n i32)
    (loop $round
      (call $await (i32.const 1))
      (call $say (i32.const 48) (i32.const 192))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (if (i32.lt_u (local.get $n) (i32.const 5))
        (then (call $pass (i32.const 0)) (br $round))))
    (call $pass (i32.const 2)))
)
