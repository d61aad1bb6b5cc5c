import { Errno, WasiError } from './abi/errno.js';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();
const EMPTY = new ArrayBuffer(0);
const EMPTY_U8 = new Uint8Array(EMPTY);
const EMPTY_VIEW = new DataView(EMPTY);
const EMPTY_WORDS = new Uint32Array(EMPTY);
/** Whether a Uint32Array reads guest memory (little-endian) as it is laid out. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Bounds-checked access to the guest's linear memory.
 *
 * Views are re-derived whenever `memory.buffer` has changed: a grow detaches
 * a non-shared buffer (its views drop to length 0) and lengthens a shared one.
 * So every access checks against the current length and, when it would fail,
 * refreshes once before reporting EFAULT. No view is held across a call that
 * can run guest or embedder code; callers fetch `u8`/`view` after such calls.
 */
export class GuestMemory {
  declare private memory: WebAssembly.Memory | undefined;
  private buffer: ArrayBufferLike = EMPTY;
  // Empty until attached; shared, as a zero-length view never changes.
  private _u8 = EMPTY_U8;
  private _view = EMPTY_VIEW;
  private _words = EMPTY_WORDS;
  private _shared = false;

  /** The views are derived at the first access that needs them (check, u8, view): most runs of a small program never read memory. */
  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this._u8 = EMPTY_U8;
  }

  get attached(): boolean {
    return this.memory !== undefined;
  }

  get shared(): boolean {
    if (this._u8.byteLength === 0) this.refresh();
    return this._shared;
  }

  /** Re-derives the views if the memory was grown (or first attached). */
  refresh(): void {
    const memory = this.memory;
    if (memory === undefined) return;
    const buffer = memory.buffer;
    if (buffer !== this.buffer || buffer.byteLength !== this._u8.byteLength) {
      this.buffer = buffer;
      this._u8 = new Uint8Array(buffer);
      this._view = new DataView(buffer);
      // Whole wasm pages: the length is a multiple of 4.
      this._words = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
      this._shared = typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
    }
  }

  /** A byte view of all memory, current as of this call. */
  get u8(): Uint8Array {
    if (this._u8.byteLength === 0) this.refresh();
    return this._u8;
  }

  get view(): DataView {
    if (this._u8.byteLength === 0) this.refresh();
    return this._view;
  }

  /**
   * The u32 at `ptr`, which the caller has checked and is 4-aligned, read in
   * one piece: another thread storing it meanwhile (shared memory) gives the
   * old or the new value, never bytes of both, which a DataView read may.
   * Little-endian hosts only (every engine wasi-host runs on); callers fall
   * back to `view` elsewhere.
   */
  wordAt(ptr: number): number {
    return this._shared ? Atomics.load(this._words, ptr >>> 2) : this._words[ptr >>> 2];
  }

  /**
   * Throws EFAULT unless [ptr, ptr+len) lies inside memory. `ptr` and `len`
   * are raw i32 values; they are read as unsigned so lengths near 2^32 do not wrap.
   */
  check(ptr: number, len: number): void {
    // A raw i32 length is read as unsigned; a computed one (count × struct size) may exceed
    // 2^32 and must not wrap to a small number.
    const end = (ptr >>> 0) + (len < 0 ? len >>> 0 : len);
    if (end > this._u8.byteLength) {
      this.refresh();
      if (end > this._u8.byteLength) throw new WasiError(Errno.FAULT);
    }
  }

  /** check() as a test, for the few hot calls that return EFAULT without throwing. */
  fits(ptr: number, len: number): boolean {
    const end = (ptr >>> 0) + len;
    if (end <= this._u8.byteLength) return true;
    this.refresh();
    return end <= this._u8.byteLength;
  }

  u8At(ptr: number): number {
    this.check(ptr, 1);
    return this._u8[ptr >>> 0];
  }
  u16(ptr: number): number {
    this.check(ptr, 2);
    return this._view.getUint16(ptr >>> 0, true);
  }
  u32(ptr: number): number {
    this.check(ptr, 4);
    return this._view.getUint32(ptr >>> 0, true);
  }
  u64(ptr: number): bigint {
    this.check(ptr, 8);
    return this._view.getBigUint64(ptr >>> 0, true);
  }
  setU8(ptr: number, v: number): void {
    this.check(ptr, 1);
    this._u8[ptr >>> 0] = v;
  }
  setU16(ptr: number, v: number): void {
    this.check(ptr, 2);
    this._view.setUint16(ptr >>> 0, v, true);
  }
  setU32(ptr: number, v: number): void {
    this.check(ptr, 4);
    this._view.setUint32(ptr >>> 0, v, true);
  }
  setU64(ptr: number, v: bigint): void {
    this.check(ptr, 8);
    this._view.setBigUint64(ptr >>> 0, v, true);
  }

  /** Writes a u64 given as a non-negative integral double, sparing hot paths a BigInt. */
  setU64Number(ptr: number, v: number): void {
    this.check(ptr, 8);
    this.setU64NumberChecked(ptr, v);
  }

  /** setU64Number after the caller has established fits(ptr, 8). */
  setU64NumberChecked(ptr: number, v: number): void {
    const lo = v % 4294967296;
    this._view.setUint32(ptr >>> 0, lo, true);
    this._view.setUint32((ptr >>> 0) + 4, (v - lo) / 4294967296, true);
  }

  /** setU64 after the caller has established fits(ptr, 8). */
  setU64Checked(ptr: number, v: bigint): void {
    this._view.setBigUint64(ptr >>> 0, v, true);
  }

  /** A live view of guest bytes [ptr, ptr+len); valid until guest or embedder code runs. */
  bytes(ptr: number, len: number): Uint8Array {
    this.check(ptr, len);
    const p = ptr >>> 0;
    return this._u8.subarray(p, p + (len >>> 0));
  }

  /**
   * bytes() for a range already checked in this call (a decoded iovec): memory
   * never shrinks, so only a view detached by a grow needs re-deriving.
   */
  checkedBytes(ptr: number, len: number): Uint8Array {
    if (this._u8.byteLength === 0) this.refresh();
    return this._u8.subarray(ptr, ptr + len);
  }

  /** Copies `src` into guest memory at ptr (EFAULT if it does not fit). */
  write(ptr: number, src: Uint8Array): void {
    this.check(ptr, src.byteLength);
    this._u8.set(src, ptr >>> 0);
  }

  /** Zeroes [ptr, ptr+len): struct padding is written as zeros, as the reference hosts do. */
  zero(ptr: number, len: number): void {
    this.check(ptr, len);
    const p = ptr >>> 0;
    this._u8.fill(0, p, p + len);
  }

  /**
   * Decodes a (ptr, len) UTF-8 string. Invalid UTF-8 is EILSEQ. TextDecoder
   * refuses views on a SharedArrayBuffer, so shared memories are copied first.
   */
  string(ptr: number, len: number): string {
    this.check(ptr, len);
    const u8 = this._u8;
    const p = ptr >>> 0;
    const n = len >>> 0;
    // A short ASCII string (most paths) is built here, each byte read once: TextDecoder's call and
    // the view to hand it cost an open+fstat+close more (BENCHMARKS.md, issue 14 part 6).
    let s = '';
    for (let i = p, c; n < 64 && i < p + n && (c = u8[i]) < 128; i++) s += String.fromCharCode(c);
    if (s.length === n) return s;
    const bytes = u8.subarray(p, p + n);
    try {
      return utf8Decoder.decode(this._shared ? bytes.slice() : bytes);
    } catch {
      throw new WasiError(Errno.ILSEQ);
    }
  }
}

/**
 * Most iovecs one call moves. Any further ones are left for the caller's next
 * call, as a short transfer that readv/writev allow: libuv (node:wasi) cuts
 * at IOV_MAX the same way. It bounds the host's copy of the array, whatever
 * count the guest passes.
 */
export const IOV_MAX = 1024;

/** Iovecs held before a call passes more: 16 u32s are 64 bytes, V8's limit for a typed array kept on its heap. */
const IOVECS_INITIAL = 16;
/** Up to this many bytes an iovec is copied byte by byte rather than through a view and set(). */
const SMALL_COPY = 64;
const NO_WORDS = new Uint32Array(0);

/** The largest count a u32 `nwritten`/`nread` can report. */
const U32_MAX = 0xffffffff;

/**
 * An iovec array decoded once into host-side copies. With shared memory
 * another thread can change a length or pointer at any moment: after
 * decode(), only `ptr`/`len` are used, never the guest's array (design.md,
 * "read every guest-controlled value once"). Reused across calls; a call
 * made from inside a stream callback while one is in use gets its own.
 */
export class Iovecs {
  // Made at the first decode (most runs never write through an iovec), small enough for V8 to keep
  // inside the object's heap (no backing store to allocate, src/context-builder.ts); grown up to IOV_MAX on demand.
  ptr = NO_WORDS;
  len = NO_WORDS;
  count = 0;
  /** Sum of `len`: at most 2^32-1, so the count reported is never more than moved nor wrapped. */
  total = 0;
  busy = false;
  /** The buffer scratch() hands out: an empty one until a call needs it (most runs never do). */
  private spare = EMPTY_U8;

  /**
   * A buffer of at least `size` bytes for a copy between guest memory and a host that cannot take a
   * shared view (a gathered stream write, a partial dirent), reused from call to call. A method here,
   * not a closure in the context: the closure and its scope were made for every host, used or not
   * (BENCHMARKS.md, issue 14 part 8).
   */
  scratch(size: number): Uint8Array {
    if (this.spare.byteLength < size) this.spare = new Uint8Array(Math.max(size, this.spare.byteLength * 2, 4096));
    return this.spare;
  }

  /**
   * Reads `n` iovecs at `iovs` (at most IOV_MAX) and checks each buffer
   * lies in memory, so a bad one is EFAULT before any byte moves. Lengths
   * past a total of 2^32-1 are cut there.
   */
  decode(mem: GuestMemory, iovs: number, n: number): void {
    const at = iovs >>> 0;
    const count = n >>> 0 < IOV_MAX ? n >>> 0 : IOV_MAX;
    mem.check(at, (n >>> 0) * 8);
    if (count > this.ptr.length) {
      const size = count <= IOVECS_INITIAL ? IOVECS_INITIAL : IOV_MAX;
      this.ptr = new Uint32Array(size);
      this.len = new Uint32Array(size);
    }
    const view = mem.view;
    // Aligned (as the ABI lays iovecs out): each field read whole, so a racing thread's store is seen
    // entirely or not at all (a length of 8 or 4000, never a mix of their bytes).
    const whole = LITTLE_ENDIAN && (at & 3) === 0;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const p = whole ? mem.wordAt(at + i * 8) : view.getUint32(at + i * 8, true);
      let l = whole ? mem.wordAt(at + i * 8 + 4) : view.getUint32(at + i * 8 + 4, true);
      if (l !== 0) mem.check(p, l);
      if (l > U32_MAX - total) l = U32_MAX - total;
      this.ptr[i] = p;
      this.len[i] = l;
      total += l;
    }
    this.count = count;
    this.total = total;
  }

  /** Copies the iovecs' bytes back to back into `out` from `at`; it holds at least `at + total`. */
  gather(mem: GuestMemory, out: Uint8Array, at = 0): void {
    const u8 = mem.u8;
    for (let i = 0; i < this.count; i++) {
      const p = this.ptr[i];
      const l = this.len[i];
      // A small piece (a line of printf) byte by byte: the view set() needs per piece cost a
      // batched 32-byte write more than its copy (BENCHMARKS.md, issue 14 part 9).
      if (l <= SMALL_COPY) for (let j = 0; j < l; j++) out[at + j] = u8[p + j];
      else out.set(u8.subarray(p, p + l), at);
      at += l;
    }
  }
}

export function encodeUtf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/** The bytes and count of a list of strings laid out NUL-terminated, as args_get/environ_get write them. */
export class StringList {
  declare readonly count: number;
  declare private readonly items: readonly string[];
  declare private bytes: Uint8Array[] | undefined;
  /** `items` is kept as it is: pass an array nothing else changes (the context builder copies the embedder's). */
  constructor(items: readonly string[]) {
    this.items = items;
    this.count = items.length;
  }
  /** Encoded on first use: most runs never ask, and each encoding is a buffer to allocate. */
  get encoded(): Uint8Array[] {
    return (this.bytes ??= this.items.map((s) => utf8Encoder.encode(s + '\0')));
  }
  get bufSize(): number {
    return this.encoded.reduce((n, b) => n + b.byteLength, 0);
  }
  /** Writes count pointers at `ptrs` and the strings at `buf`; all-or-EFAULT. */
  writeTo(mem: GuestMemory, ptrs: number, buf: number): void {
    mem.check(ptrs, this.count * 4);
    mem.check(buf, this.bufSize);
    let at = buf >>> 0;
    for (let i = 0; i < this.encoded.length; i++) {
      const s = this.encoded[i];
      mem.setU32(ptrs + i * 4, at);
      mem.write(at, s);
      at += s.byteLength;
    }
  }
}
