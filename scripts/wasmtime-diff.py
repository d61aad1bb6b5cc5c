#!/usr/bin/env python3
"""Runs every fixture of wasi-fixtures/ under wasmtime, the reference runtime,
and compares what comes out with what the fixture's json expects of
wasi-host (wasi-fixtures/README.md, "Running a fixture").

A fixture whose json has `wasmtimeKnownDifferences` (why wasmtime answers
otherwise, and why we keep our answer) must still differ: if wasmtime now
agrees, the note can go, and this says so. Any other difference is reported
with its first differing line. Exit status 1 when anything is unexpected.

A probe fixture, whose every line is one case, records wasmtime's answer
exactly: `wasmtimeStdout` (the whole stdout wasmtime gives, up to a trap if
it traps) and `wasmtimeTrap` (text its trap message contains: wasmtime ends
the program there). With either, wasmtime must give exactly that, so a new
difference in such a fixture is reported like any other; without a trap the
exit code, stderr and files are held to the fixture's own expectations.

Needs the `wasmtime` Python package (the embedding API; no wasmtime binary):

    python3 -m venv .venv && .venv/bin/pip install wasmtime
    .venv/bin/python scripts/wasmtime-diff.py [NAME...]

Not part of `npm test`: the package is not on every machine. Checked with
wasmtime 49.0.0.
"""
import glob
import json
import os
import shutil
import sys
import tempfile
from importlib.metadata import version

try:
    from wasmtime import Engine, ExitTrap, Linker, Module, Store, WasiConfig
except ImportError:
    sys.exit('wasmtime-diff: the wasmtime Python package is missing: python3 -m venv .venv && .venv/bin/pip install wasmtime, '
             'then run this script with .venv/bin/python')

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'wasi-fixtures')


def seed(sandbox, files):
    """The fixture's `files`: a key ending in '/' or a null value is a directory."""
    for key, value in (files or {}).items():
        path = os.path.join(sandbox, key)
        if key.endswith('/') or value is None:
            os.makedirs(path, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w', encoding='utf-8') as f:
                f.write(value)


def run(engine, name, spec):
    """Runs one fixture under wasmtime: (stdout, stderr, exit code, files after, trap message or None)."""
    work = tempfile.mkdtemp(prefix=f'wasmtime-diff-{name}-')
    try:
        sandbox = os.path.join(work, 'sandbox')
        os.makedirs(sandbox)
        seed(sandbox, spec.get('files'))
        paths = {k: os.path.join(work, k) for k in ('stdin', 'stdout', 'stderr')}
        with open(paths['stdin'], 'w', encoding='utf-8') as f:
            f.write(spec.get('stdin', ''))
        config = WasiConfig()
        config.argv = [name] + spec.get('args', [])
        config.env = list((spec.get('env') or {}).items())
        config.stdin_file, config.stdout_file, config.stderr_file = paths['stdin'], paths['stdout'], paths['stderr']
        config.preopen_dir(sandbox, '/sandbox')
        store = Store(engine)
        store.set_wasi(config)
        linker = Linker(engine)
        linker.define_wasi()
        instance = linker.instantiate(store, Module.from_file(engine, os.path.join(FIXTURES, f'{name}.wasm')))
        code, trap = 0, None
        try:
            instance.exports(store)['_start'](store)
        except ExitTrap as e:
            code = e.code
        except Exception as e:  # a trap: wasmtime stopped the program; what it wrote before stays
            lines = [line.strip() for line in str(e).splitlines() if line.strip()]
            trap = lines[-1] if lines else type(e).__name__
        out = {k: open(paths[k], encoding='utf-8', errors='replace').read() for k in ('stdout', 'stderr')}
        after = {}
        for key in spec.get('filesAfter') or {}:
            path = os.path.join(sandbox, key)
            after[key] = open(path, encoding='utf-8', errors='replace').read() if os.path.isfile(path) else None
        return out['stdout'], out['stderr'], code, after, trap
    finally:
        shutil.rmtree(work, ignore_errors=True)


def first_difference(got, want):
    g, w = got.split('\n'), want.split('\n')
    for i in range(max(len(g), len(w))):
        a = g[i] if i < len(g) else '<end>'
        b = w[i] if i < len(w) else '<end>'
        if a != b:
            return f'line {i + 1}: wasmtime {a!r}, expected {b!r}'
    return 'same lines'


def differences(spec, result, want_stdout=None):
    """What differs from the fixture's expectations (stdout: want_stdout when given)."""
    stdout, stderr, code, after, trap = result
    want_stdout = spec['stdout'] if want_stdout is None else want_stdout
    out = []
    if trap is not None:
        out.append(f'trap: {trap}')
    if stdout != want_stdout:
        out.append(f'stdout {first_difference(stdout, want_stdout)}')
    if trap is not None:
        return out
    if stderr != spec.get('stderr', ''):
        out.append(f'stderr {first_difference(stderr, spec.get("stderr", ""))}')
    if code != spec['exitCode']:
        out.append(f'exit code {code}, expected {spec["exitCode"]}')
    for key, want in (spec.get('filesAfter') or {}).items():
        if after.get(key) != want:
            out.append(f'file {key}: {after.get(key)!r}, expected {want!r}')
    return out


def main(names):
    engine = Engine()
    unexpected = 0
    specs = sorted(glob.glob(os.path.join(FIXTURES, '*.json')))
    known = {os.path.basename(p)[:-5] for p in specs}
    for name in names:
        if name not in known:
            sys.exit(f'wasmtime-diff: no fixture {name} (wasi-fixtures/{name}.json)')
    print(f'wasmtime {version("wasmtime")}, fixtures in {os.path.normpath(FIXTURES)}')
    for path in specs:
        name = os.path.basename(path)[:-5]
        if names and name not in names:
            continue
        with open(path, encoding='utf-8') as f:
            spec = json.load(f)
        why = spec.get('wasmtimeKnownDifferences')
        recorded = 'wasmtimeStdout' in spec or 'wasmtimeTrap' in spec
        if recorded and why is None:
            unexpected += 1
            print(f'{name}: wasmtimeStdout or wasmtimeTrap without wasmtimeKnownDifferences (the why)')
            continue
        result = run(engine, name, spec)
        found = differences(spec, result)
        if recorded and found:
            # Held to wasmtime's recorded answer: anything else is a new difference.
            trap, want_trap = result[4], spec.get('wasmtimeTrap')
            off = differences(spec, result, spec.get('wasmtimeStdout'))
            off = [d for d in off if not d.startswith('trap: ')]
            if want_trap is None and trap is not None:
                off.insert(0, f'trap: {trap}, recorded: none')
            elif want_trap is not None and (trap is None or want_trap not in trap):
                off.insert(0, f'trap: {trap}, recorded: {want_trap!r}')
            if off:
                unexpected += 1
                print(f'{name}: DIFFERS from its recorded wasmtime answer: {"; ".join(off)}')
            else:
                print(f'{name}: known difference, as recorded ({"; ".join(found)})')
        elif why is not None and found:
            print(f'{name}: known difference ({"; ".join(found)})')
        elif why is not None:
            unexpected += 1
            print(f'{name}: wasmtime now agrees: remove wasmtimeKnownDifferences from {name}.json')
        elif found:
            unexpected += 1
            print(f'{name}: DIFFERS: {"; ".join(found)}')
        else:
            print(f'{name}: same')
    print('unexpected: none' if unexpected == 0 else f'unexpected: {unexpected}')
    return 1 if unexpected else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
