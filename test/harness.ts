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

/** A preview1 filestat as the guest sees it: the fields, and the 64 raw bytes for padding checks. */
export interface Filestat {
  dev: bigint;
  ino: bigint;
  filetype: number;
  nlink: bigint;
  size: bigint;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  raw: Uint8Array;
}

/** Decodes the preview1 filestat at `at` in the harness's memory. */
export function readFilestat(h: Harness, at: number): Filestat {
  const v = h.view();
  return {
    dev: v.getBigUint64(at, true),
    ino: v.getBigUint64(at + 8, true),
    filetype: v.getUint8(at + 16),
    nlink: v.getBigUint64(at + 24, true),
    size: v.getBigUint64(at + 32, true),
    atim: v.getBigUint64(at + 40, true),
    mtim: v.getBigUint64(at + 48, true),
    ctim: v.getBigUint64(at + 56, true),
    raw: h.bytes(at, 64),
  };
}
