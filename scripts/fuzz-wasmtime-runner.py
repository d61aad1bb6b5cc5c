#!/usr/bin/env python3
"""The wasmtime side of scripts/fuzz-vs-wasmtime.mjs: runs one module many
times under wasmtime (its Python embedding), each run in a directory the
driver prepared, with WORK/sandbox preopened as /sandbox.

Input (stdin, JSON): {"wasm": PATH, "runs": [{"args": [...], "work": DIR}, ...]}
Output (stdout, JSON): [{"stdout": TEXT, "exitCode": N, "trap": TEXT|null}, ...]
Exit status 3 when the wasmtime package is missing (the driver says so).
"""
import json
import os
import sys

try:
    from wasmtime import Engine, ExitTrap, Linker, Module, Store, WasiConfig
except ImportError:
    sys.stderr.write('the wasmtime Python package is missing\n')
    sys.exit(3)


def main():
    job = json.load(sys.stdin)
    engine = Engine()
    module = Module.from_file(engine, job['wasm'])
    results = []
    for run in job['runs']:
        work = run['work']
        config = WasiConfig()
        config.argv = run['args']
        config.env = []
        paths = {k: os.path.join(work, k) for k in ('stdin', 'stdout', 'stderr')}
        with open(paths['stdin'], 'w', encoding='utf-8'):
            pass
        config.stdin_file, config.stdout_file, config.stderr_file = paths['stdin'], paths['stdout'], paths['stderr']
        config.preopen_dir(os.path.join(work, 'sandbox'), '/sandbox')
        store = Store(engine)
        store.set_wasi(config)
        linker = Linker(engine)
        linker.define_wasi()
        instance = linker.instantiate(store, module)
        code, trap = 0, None
        try:
            instance.exports(store)['_start'](store)
        except ExitTrap as e:
            code = e.code
        except Exception as e:  # a trap: wasmtime stopped the program
            lines = [line.strip() for line in str(e).splitlines() if line.strip()]
            trap = lines[-1] if lines else type(e).__name__
            code = -1
        del store, instance
        out = {k: open(paths[k], encoding='utf-8', errors='replace').read() for k in ('stdout', 'stderr')}
        for k in paths.values():
            os.remove(k)
        results.append({'stdout': out['stdout'], 'stderr': out['stderr'], 'exitCode': code, 'trap': trap})
    json.dump(results, sys.stdout)


if __name__ == '__main__':
    main()
