;; Imports a host function wasi-host does not provide.
(module
  (import "env" "host_add" (func (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))
