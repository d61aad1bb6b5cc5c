// A WASI host driven directly through its imports, with a plain memory: unit
// tests call `imp.fd_write(...)` exactly as a guest would and inspect bytes.
import { WASI } from '../src/index.js';
import type { WASIOptions, WASIImport } from '../src/wasi.js';

export type Imports = Record<string, (...args: (number | bigint)[]) => number>;

export interface Harness {
  wasi: WASI;
  imp: Imports;
  memory: WebAssembly.Memory;
  /** A fresh DataView (memory may have grown). */
  view(): DataView;
  bytes(ptr: number, len: number): Uint8Array;
  /** Writes a UTF-8 string at ptr and returns its byte length. */
  putString(ptr: number, s: string): number;
  u32(ptr: number): number;
  u64(ptr: number): bigint;
  /** Writes iovecs at `at` for the given (ptr, len) pairs. */
  putIovecs(at: number, iovs: readonly [number, number][]): void;
}

export function makeHarness(options: WASIOptions = {}, pages = 1, shared = false): Harness {
  const memory = shared
    ? new WebAssembly.Memory({ initial: pages, maximum: 1024, shared: true })
    : new WebAssembly.Memory({ initial: pages, maximum: 1024 });
  const wasi = new WASI({ stdout: 'collect', stderr: 'collect', stdin: '', ...options });
  wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
  const imp = wasi.wasiImport as WASIImport as unknown as Imports;
  const view = (): DataView => new DataView(memory.buffer);
  return {
    wasi,
    imp,
    memory,
    view,
    bytes: (ptr, len) => new Uint8Array(memory.buffer, ptr, len).slice(),
    putString: (ptr, s) => {
      const b = new TextEncoder().encode(s);
      new Uint8Array(memory.buffer).set(b, ptr);
      return b.byteLength;
    },
    u32: (ptr) => view().getUint32(ptr, true),
    u64: (ptr) => view().getBigUint64(ptr, true),
    putIovecs: (at, iovs) => {
      const v = view();
      iovs.forEach(([p, l], i) => {
        v.setUint32(at + i * 8, p, true);
        v.setUint32(at + i * 8 + 4, l, true);
      });
    },
  };
}
