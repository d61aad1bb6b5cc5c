;; Writes one stderr line in three fd_write calls: "one", " two", " three\n".
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "one two three\n")
  (func $piece (param i32 i32)
    (i32.store (i32.const 0) (local.get 0))
    (i32.store (i32.const 4) (local.get 1))
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (call $piece (i32.const 100) (i32.const 3))
    (call $piece (i32.const 103) (i32.const 4))
    (call $piece (i32.const 107) (i32.const 7))))
