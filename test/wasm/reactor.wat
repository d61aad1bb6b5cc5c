;; A reactor: _initialize sets up state; greet() writes "ready\n" once initialised.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $ready (mut i32) (i32.const 0))
  (data (i32.const 16) "ready\n")
  (func (export "_initialize") (global.set $ready (i32.const 1)))
  (func (export "greet") (result i32)
    (if (i32.eqz (global.get $ready)) (then (return (i32.const -1))))
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
