// Embedding a reactor: README "Embedding a reactor" run in Node, and wasi.memory's checks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WASI } from '../src/index.js';

const GREET = readFileSync(new URL('../wasi-fixtures/reactors/greet.wasm', import.meta.url));

interface Greet {
  greet(ptr: number, len: number): number;
  malloc(size: number): number;
  free(ptr: number): void;
  memory: WebAssembly.Memory;
}

async function greeter(env: Record<string, string> = {}): Promise<{ wasi: WASI; exports: Greet; callGreet(name: string): string }> {
  const wasi = new WASI({ env });
  const { instance } = await WebAssembly.instantiate(GREET, wasi.getImportObject() as WebAssembly.Imports);
  wasi.initialize(instance);
  const exports = instance.exports as unknown as Greet;
  // As the README writes it.
  const callGreet = (name: string): string => {
    const arg = wasi.memory.alloc(name);
    const out = exports.greet(arg.ptr, arg.len);
    exports.free(arg.ptr);
    return wasi.memory.readString(wasi.memory.u32(out), wasi.memory.u32(out + 4));
  };
  return { wasi, exports, callGreet };
}

describe('the README reactor example', () => {
  it('passes a string in through malloc and reads the (ptr, len) result back', async () => {
    const { callGreet } = await greeter({ GREETING: 'Hello' });
    expect(callGreet('wasm')).toBe('Hello, wasm!');
    expect(callGreet('wörld 🎉')).toBe('Hello, wörld 🎉!');
  });

  it('the environment reaches the guest through _initialize', async () => {
    expect((await greeter({ GREETING: 'Bonjour' })).callGreet('toi')).toBe('Bonjour, toi!');
  });

  it('calls made after the guest grew its memory still read and write the right bytes', async () => {
    const { wasi, exports, callGreet } = await greeter();
    const before = exports.memory.buffer;
    const stale = new Uint8Array(before);
    const big = 'x'.repeat(1 << 20);
    expect(callGreet(big)).toBe(`Hello, ${big}!`);
    // The grow moved the buffer: a view made before it is detached, wasi.memory is not.
    expect(exports.memory.buffer).not.toBe(before);
    expect(stale.byteLength).toBe(0);
    expect(wasi.memory.byteLength).toBe(exports.memory.buffer.byteLength);
    expect(wasi.memory.byteLength).toBeGreaterThan(2 << 20);
    expect(callGreet('again')).toBe('Hello, again!');
  });
});

describe('wasi.memory', () => {
  it('is there only after initialize() or start()', () => {
    expect(() => new WASI({}).memory).toThrow(new TypeError('wasi.memory is there after initialize(instance) or start(instance)'));
  });

  it('reads and writes bytes, strings, C strings and u32 words at guest offsets', async () => {
    const { wasi, exports } = await greeter();
    const m = wasi.memory;
    const p = exports.malloc(64);
    expect(m.writeString(p, 'héllo\0')).toBe(7);
    expect(m.readCString(p)).toBe('héllo');
    expect(m.readString(p, 6)).toBe('héllo');
    m.writeBytes(p + 8, new Uint8Array([1, 2, 3, 4]));
    expect(m.u32(p + 8)).toBe(0x04030201);
    m.setU32(p + 8, 0xffffffff);
    expect([...m.readBytes(p + 8, 4)]).toEqual([255, 255, 255, 255]);
    const copy = m.readBytes(p, 2);
    m.writeBytes(p, new Uint8Array([0, 0]));
    expect([...copy]).toEqual([0x68, 0xc3]); // a copy, not a view
  });

  it('a range past the end of memory is a RangeError naming it and the size', async () => {
    const { wasi } = await greeter();
    const size = wasi.memory.byteLength;
    expect(() => wasi.memory.readBytes(size - 2, 4)).toThrow(new RangeError(`readBytes: [${size - 2}, ${size + 2}) is outside guest memory (${size} bytes)`));
    expect(() => wasi.memory.writeString(size, 'x')).toThrow(`writeBytes: [${size}, ${size + 1}) is outside guest memory (${size} bytes)`);
    expect(() => wasi.memory.u32(0xffffffff)).toThrow(RangeError);
  });

  it('a host pointer, a negative or fractional offset, or a BigInt is refused before any access', async () => {
    const { wasi } = await greeter();
    expect(() => wasi.memory.readBytes(-1, 1)).toThrow(
      new RangeError('readBytes: ptr must be an integer in 0..2^32-1 (an offset into guest memory, not a host pointer), got -1'),
    );
    expect(() => wasi.memory.readBytes(1.5, 1)).toThrow(/ptr must be an integer in 0\.\.2\^32-1 .* got 1\.5/);
    expect(() => wasi.memory.readString(0, 2 ** 32)).toThrow(/readBytes: len must be an integer in 0\.\.2\^32-1/);
    expect(() => wasi.memory.readBytes(8n as never, 1)).toThrow(new TypeError('readBytes: ptr is a BigInt; wasm32 offsets and lengths are numbers (Number(ptr))'));
  });

  it('invalid UTF-8 and an unterminated C string say so', async () => {
    const { wasi, exports } = await greeter();
    const p = exports.malloc(4);
    wasi.memory.writeBytes(p, new Uint8Array([0xff, 0xfe]));
    expect(() => wasi.memory.readString(p, 2)).toThrow(new TypeError(`readString(${p}, 2): the bytes are not valid UTF-8 (readBytes gives them raw)`));
    const size = wasi.memory.byteLength;
    wasi.memory.writeBytes(size - 1, new Uint8Array([0x41]));
    expect(() => wasi.memory.readCString(size - 1)).toThrow(new RangeError(`readCString(${size - 1}): no NUL before the end of guest memory (${size} bytes)`));
  });

  it('alloc() names a missing allocator and an allocator that returned 0', async () => {
    const wasi = new WASI({ stdout: 'ignore' });
    const module = new WebAssembly.Module(readFileSync(new URL('./wasm/reactor.wasm', import.meta.url)));
    wasi.initialize(new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports));
    expect(() => wasi.memory.alloc('x')).toThrow(
      new TypeError('alloc(data): the instance exports no malloc; pass the guest allocator: wasi.memory.alloc(data, instance.exports.my_alloc)'),
    );
    expect(() => wasi.memory.alloc('abc', () => 0)).toThrow(new RangeError('alloc(data): the guest allocator returned 0 for 3 bytes (out of guest memory)'));
    expect(wasi.memory.alloc(new Uint8Array([7, 8]), () => 100)).toEqual({ ptr: 100, len: 2 });
    expect([...wasi.memory.readBytes(100, 2)]).toEqual([7, 8]);
  });
});
