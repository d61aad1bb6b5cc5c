#!/usr/bin/env python3
"""wasmtime's side of scripts/real-programs.mjs: runs one program under
wasmtime (its Python embedding) as the job file says, and prints the result
as one JSON line. Not meant to be run by hand; real-programs.mjs writes the
job and reads the answer.

Job (JSON): wasm, argv, env ([[name, value]]), preopens ([[host, guest]]),
stdin, stdout, stderr (file paths), cache (a directory for compiled
modules), and for a ruby.wasm reactor `ruby`: {init_args, source}.

A compiled module is kept in `cache` (wasmtime's own serialisation), so a
75 MB module is compiled once, not once per step; the answer says how long
the compile (or the load from the cache) took apart from the run.
"""
import hashlib
import json
import os
import sys
import time
from importlib.metadata import version

from wasmtime import Engine, ExitTrap, Func, Linker, Module, Store, Trap, WasiConfig


def load(engine, path, cache):
    st = os.stat(path)
    key = hashlib.sha256(f'{os.path.abspath(path)}:{st.st_size}:{st.st_mtime_ns}:{version("wasmtime")}'.encode()).hexdigest()[:24]
    cached = os.path.join(cache, key + '.cwasm')
    if os.path.exists(cached):
        return Module.deserialize_file(engine, cached), 'loaded from cache'
    module = Module.from_file(engine, path)
    os.makedirs(cache, exist_ok=True)
    with open(cached + '.tmp', 'wb') as f:
        f.write(module.serialize())
    os.replace(cached + '.tmp', cached)
    return module, 'compiled'


def ruby_imports(linker, store, module):
    """ruby.wasm's JS bridge: `canonical_abi` handles as plain numbers (what
    rb-eval-string-protect needs), every `rb-js-abi-host` call a trap (the
    scripts never touch JS)."""
    for imp in module.imports:
        if imp.module == 'wasi_snapshot_preview1':
            continue
        ty = imp.type
        if imp.module == 'canonical_abi' and imp.name.startswith('resource_drop'):
            fn = lambda *a: None
        elif imp.module == 'canonical_abi':
            fn = lambda handle: handle
        else:
            name = imp.name

            def fn(*a, name=name):
                raise Trap(f'rb-js-abi-host {name} called: no JS here')
        linker.define(store, imp.module, imp.name, Func(store, ty, fn))


def utf8_into(store, exports, text):
    data = text.encode('utf-8')
    ptr = exports['cabi_realloc'](store, 0, 0, 1, len(data))
    exports['memory'].write(store, data, ptr)
    return ptr, len(data)


def run_ruby(store, instance, job):
    exports = instance.exports(store)
    exports['_initialize'](store)
    memory = exports['memory']
    args = job['ruby']['init_args']
    vec = exports['cabi_realloc'](store, 0, 0, 4, len(args) * 8)
    for i, arg in enumerate(args):
        ptr, n = utf8_into(store, exports, arg)
        memory.write(store, ptr.to_bytes(4, 'little') + n.to_bytes(4, 'little'), vec + 8 * i)
    exports['ruby-init: func(args: list<string>) -> ()'](store, vec, len(args))
    ptr, n = utf8_into(store, exports, job['ruby']['source'])
    ret = exports['rb-eval-string-protect: func(str: string) -> tuple<handle<rb-abi-value>, s32>'](store, ptr, n)
    state = int.from_bytes(memory.read(store, ret + 4, ret + 8), 'little', signed=True)
    raise RuntimeError(f'rb-eval-string-protect returned (state {state}) instead of exiting')


def main(job_path):
    with open(job_path, encoding='utf-8') as f:
        job = json.load(f)
    engine = Engine()
    t0 = time.perf_counter()
    module, how = load(engine, job['wasm'], job['cache'])
    t1 = time.perf_counter()
    config = WasiConfig()
    config.argv = job['argv']
    config.env = job['env']
    config.stdin_file, config.stdout_file, config.stderr_file = job['stdin'], job['stdout'], job['stderr']
    for host, guest in job['preopens']:
        config.preopen_dir(host, guest)
    store = Store(engine)
    store.set_wasi(config)
    linker = Linker(engine)
    linker.define_wasi()
    if job.get('ruby'):
        ruby_imports(linker, store, module)
    code, trap = 0, None
    try:
        instance = linker.instantiate(store, module)
        if job.get('ruby'):
            run_ruby(store, instance, job)
        else:
            instance.exports(store)['_start'](store)
    except ExitTrap as e:
        code = e.code
    except Exception as e:  # a trap: the program stopped; what it wrote stays
        lines = [line.strip() for line in str(e).splitlines() if line.strip()]
        trap = lines[0] if lines else type(e).__name__
        code = 134
    t2 = time.perf_counter()
    print(json.dumps({'exitCode': code, 'trap': trap, 'module': how, 'loadMs': (t1 - t0) * 1000,
                      'runMs': (t2 - t1) * 1000, 'wasmtime': version('wasmtime')}))


if __name__ == '__main__':
    main(sys.argv[1])
