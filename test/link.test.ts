// A module that imports what wasi-host does not provide: the error names the import and the fix.
import { describe, expect, it } from 'vitest';
import wabt from 'wabt';
import { run } from '../src/index.js';

async function wat(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const m = (await wabt()).parseWat('t.wat', text);
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

const ADDS = `(module
  (import "env" "host_add" (func $add (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (call $add (i32.const 2) (i32.const 3)))))`;

describe('imports wasi-host does not provide', () => {
  it('run() names the missing import and says how to pass it', async () => {
    await expect(run(await wat(ADDS))).rejects.toThrow(
      new TypeError("env.host_add is not provided; pass it in run()'s imports option: run(wasm, { imports: { env: { ... } } })"),
    );
  });

  it('run() takes the extra imports', async () => {
    const r = await run(await wat(ADDS), { imports: { env: { host_add: (a: number, b: number) => a + b } } });
    expect(r.exitCode).toBe(5);
  });

  it('lists every missing import, says what kind a non-function is, and tells a WASI name it lacks from one to supply', async () => {
    const bytes = await wat(`(module
      (import "env" "memory" (memory 1))
      (import "env" "f" (func))
      (import "wasi_snapshot_preview1" "fd_frobnicate" (func))
      (func (export "_start")))`);
    await expect(run(bytes)).rejects.toThrow(
      "env.memory is not provided (a WebAssembly.Memory); pass it in run()'s imports option: run(wasm, { imports: { env: { ... } } }) (also missing: env.f, wasi_snapshot_preview1.fd_frobnicate)",
    );
    await expect(run(bytes, { imports: { env: { memory: new WebAssembly.Memory({ initial: 1 }), f() {} } } })).rejects.toThrow(
      new TypeError('wasi_snapshot_preview1.fd_frobnicate is not a wasi_snapshot_preview1 function wasi-host provides'),
    );
  });

  it('names imports whose names hold spaces whole (wit-bindgen\'s legacy names, as ruby.wasm imports them)', async () => {
    const bytes = await wat(`(module
      (import "host" "first: func() -> ()" (func))
      (import "host" "eval-js: func(code: string) -> variant { success(u32), failure(u32) }" (func (param i32 i32 i32)))
      (func (export "_start")))`);
    await expect(run(bytes)).rejects.toThrow(
      "host.first: func() -> () is not provided; pass it in run()'s imports option: run(wasm, { imports: { env: { ... } } }) (also missing: host.eval-js: func(code: string) -> variant { success(u32), failure(u32) })",
    );
  });

  it('a WASI version the host was not made for is named with the option that fixes it', async () => {
    const bytes = await wat(`(module (import "wasi_unstable" "proc_exit" (func (param i32))) (memory (export "memory") 1) (func (export "_start")))`);
    await expect(run(bytes, { version: 'preview1' })).rejects.toThrow(
      "wasi_unstable.proc_exit is not provided: the module imports wasi_unstable, so create the host with version: 'unstable'",
    );
  });

  it('run() checks its imports option', async () => {
    await expect(run(await wat(ADDS), { imports: 5 as never })).rejects.toThrow(/option `imports` must be an object/);
  });
});
