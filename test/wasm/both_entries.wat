;; Exports both _start and _initialize: neither a command nor a reactor.
(module
  (memory (export "memory") 1)
  (func (export "_start"))
  (func (export "_initialize")))
