import type { GuestMemory } from './memory.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** A guest allocator as the module exports it: `malloc(size) -> ptr`. */
export type GuestAllocator = (size: number) => number;

/**
 * The guest's linear memory for the embedder of a reactor (`wasi.memory`):
 * bytes, UTF-8 strings and u32 words at guest offsets, and copying data in
 * through the module's own allocator.
 *
 * Offsets are the guest's (wasm32: 0 to 2^32-1), never host pointers or JS
 * objects. Every access is checked against the memory's current size, and
 * views are taken afresh on each call, so a `memory.grow` by the guest
 * (inside malloc, say) never leaves this object with a stale view. Misuse is a
 * RangeError or TypeError naming the offset and the size; this is the
 * embedder's API, so it throws where a syscall would return EFAULT.
 */
export class EmbedderMemory {
  constructor(
    private readonly mem: GuestMemory,
    private readonly exports: WebAssembly.Exports,
  ) {}

  /** The memory's size in bytes now (it changes when the guest grows it). */
  get byteLength(): number {
    // A shared memory grows in place: its old view keeps the old length.
    this.mem.refresh();
    return this.mem.u8.byteLength;
  }

  /** A copy of [ptr, ptr+len): safe to keep after the guest runs again. */
  readBytes(ptr: number, len: number): Uint8Array {
    const [p, n] = this.range('readBytes', ptr, len);
    return this.mem.u8.slice(p, p + n);
  }

  /** Copies `bytes` into guest memory at ptr. */
  writeBytes(ptr: number, bytes: Uint8Array): void {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('writeBytes(ptr, bytes): bytes must be a Uint8Array');
    const [p] = this.range('writeBytes', ptr, bytes.byteLength);
    this.mem.u8.set(bytes, p);
  }

  /** Decodes [ptr, ptr+len) as UTF-8 (a (pointer, length) pair a C, Rust or TinyGo function returned). */
  readString(ptr: number, len: number): string {
    const bytes = this.readBytes(ptr, len);
    try {
      return utf8.decode(bytes);
    } catch {
      throw new TypeError(`readString(${ptr}, ${len}): the bytes are not valid UTF-8 (readBytes gives them raw)`);
    }
  }

  /** Decodes a NUL-terminated UTF-8 string starting at ptr (a C `char *`). */
  readCString(ptr: number): string {
    const [p] = this.range('readCString', ptr, 0);
    this.mem.refresh();
    const u8 = this.mem.u8;
    const end = u8.indexOf(0, p);
    if (end < 0) throw new RangeError(`readCString(${ptr}): no NUL before the end of guest memory (${u8.byteLength} bytes)`);
    return this.readString(p, end - p);
  }

  /** Writes `text` as UTF-8 at ptr (no NUL added) and returns its length in bytes. */
  writeString(ptr: number, text: string): number {
    if (typeof text !== 'string') throw new TypeError('writeString(ptr, text): text must be a string');
    const bytes = encoder.encode(text);
    this.writeBytes(ptr, bytes);
    return bytes.byteLength;
  }

  /** The little-endian u32 at ptr: a guest pointer or size_t in wasm32. */
  u32(ptr: number): number {
    const [p] = this.range('u32', ptr, 4);
    return new DataView(this.mem.u8.buffer).getUint32(p, true);
  }

  setU32(ptr: number, value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`setU32(${ptr}, ${value}): the value must be an integer in 0..2^32-1`);
    const [p] = this.range('setU32', ptr, 4);
    new DataView(this.mem.u8.buffer).setUint32(p, value, true);
  }

  /**
   * Allocates room in the guest through its allocator (the exported `malloc`
   * unless one is given) and copies `data` in: a string as UTF-8, without a
   * NUL (append '\0' for a C string). Returns the guest offset and length to
   * pass to the guest; freeing it is the guest's business (its `free`).
   */
  alloc(data: string | Uint8Array, malloc?: GuestAllocator): { ptr: number; len: number } {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    if (!(bytes instanceof Uint8Array)) throw new TypeError('alloc(data): data must be a string or a Uint8Array');
    const allocate = malloc ?? this.exports.malloc;
    if (typeof allocate !== 'function') {
      throw new TypeError('alloc(data): the instance exports no malloc; pass the guest allocator: wasi.memory.alloc(data, instance.exports.my_alloc)');
    }
    // malloc(0) may return NULL legitimately, so ask for at least a byte.
    const ptr = Number((allocate as GuestAllocator)(Math.max(1, bytes.byteLength))) >>> 0;
    if (ptr === 0) throw new RangeError(`alloc(data): the guest allocator returned 0 for ${bytes.byteLength} bytes (out of guest memory)`);
    // The allocator may have grown memory: writeBytes takes a fresh view.
    this.writeBytes(ptr, bytes);
    return { ptr, len: bytes.byteLength };
  }

  /** [ptr, len] checked: integers, and the range inside memory as it is now. */
  private range(what: string, ptr: number, len: number): [number, number] {
    for (const [name, v] of [['ptr', ptr], ['len', len]] as const) {
      if (typeof v === 'bigint') throw new TypeError(`${what}: ${name} is a BigInt; wasm32 offsets and lengths are numbers (Number(${name}))`);
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
        throw new RangeError(`${what}: ${name} must be an integer in 0..2^32-1 (an offset into guest memory, not a host pointer), got ${String(v)}`);
      }
    }
    if (!this.mem.fits(ptr, len)) {
      throw new RangeError(`${what}: [${ptr}, ${ptr + len}) is outside guest memory (${this.mem.u8.byteLength} bytes)`);
    }
    return [ptr, len];
  }
}
