// Crash-proof property tests: every import of SYSCALLS gets random arguments
// of its core types (i32s biased toward 0, small values, fds 0..10, the memory
// size give or take a little, 0xFFFFFFFF, 0x7FFFFFFF, negatives; i64s biased
// toward 0, small values, 2^63-1, -1, 2^64-1 as signed), over a memory full of
// half-plausible structures (iovecs, paths, subscriptions). Properties:
//   - the import returns an errno (an integer 0..76) and never throws;
//   - no byte of memory outside the call's declared out-params changes
//     (OUT_REGIONS below: fixed-size results, and for calls that fill a
//     buffer of a given length, that buffer or the iovecs' buffers);
//   - a failing call writes nothing at all;
//   - below the import wrapper, nothing but a WasiError, an error carrying a
//     POSIX code, or a RangeError (a length nothing could honour) is thrown.
// They run on a plain memory, on a SharedArrayBuffer-backed one, and on one
// that grows during the call (stdout/stderr callbacks and a stdin source that
// call memory.grow). proc_exit is checked separately: it throws WASIExit.
// Then every import (proc_exit too, both versions, plain and traced) gets
// arguments of the wrong JS types or count, as from a module that declared
// it with another signature: EINVAL, nothing written, no exception; and
// hand-assembled modules declare some imports wrongly and call them.
//
// Run sizes (about 8 s on a 2-core machine): for each of the 45 imports,
// 100 runs on a plain memory and 40 each on a shared and a growing one, each
// run a fresh host and 1-4 calls; then 150 runs of mixed sequences (1-8
// calls) through the imports and 150 more calling the syscall functions
// directly. FC_RUNS_SCALE multiplies them (8x passed: about 80 s).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Errno, WasiError } from '../src/abi/errno.js';
import { errnoOf } from '../src/errors.js';
import { WASI } from '../src/index.js';
import { WASIExit, type HostContext } from '../src/syscalls/context.js';
import { SYSCALLS, type SyscallDef } from '../src/syscalls/table.js';
import { SYSCALLS_UNSTABLE } from '../src/syscalls/unstable.js';
import { MemFS } from '../src/vfs/memfs.js';
import { NodeFS } from '../src/vfs/node.js';
import type { WASIOptions } from '../src/wasi.js';

const SCALE = Number(process.env.FC_RUNS_SCALE ?? '1') || 1;
const RUNS_PER_IMPORT: Record<MemoryKind, number> = { plain: 100 * SCALE, shared: 40 * SCALE, growing: 40 * SCALE };
const SEQ_RUNS = 150 * SCALE;
const TIMEOUT = 60_000 * SCALE;

const PAGE = 65536;
const ARGS = ['prog', 'arg one', 'ünïcödé'];
const ENV = { HOME: '/sandbox', LANG: 'C.UTF-8' };
const enc = new TextEncoder();

// ---------------------------------------------------------------------------
// What each import may write: regions [ptr, len) computed from its arguments
// and, for iovecs, from memory. Anything not listed writes nothing.

type Args = Record<string, number | bigint>;
type Region = readonly [number, number];

const u = (v: number | bigint): number => Number(v) >>> 0;

/** The buffers of an iovec array, as memory holds it now (capped at what memory can hold). */
function iovecRegions(mem: Uint8Array, iovs: number | bigint, n: number | bigint): Region[] {
  const v = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  const out: Region[] = [];
  const count = Math.min(u(n), Math.floor(mem.byteLength / 8));
  for (let i = 0; i < count; i++) {
    const at = u(iovs) + i * 8;
    if (at + 8 > mem.byteLength) break;
    out.push([v.getUint32(at, true), v.getUint32(at + 4, true)]);
  }
  return out;
}

const ARGS_BUF = ARGS.reduce((n, a) => n + enc.encode(a).byteLength + 1, 0);
const ENV_LIST = Object.entries(ENV).map(([k, v]) => `${k}=${v}`);
const ENV_BUF = ENV_LIST.reduce((n, a) => n + enc.encode(a).byteLength + 1, 0);

const OUT_REGIONS: Record<string, (a: Args, mem: Uint8Array) => Region[]> = {
  args_get: (a) => [[u(a.argv), ARGS.length * 4], [u(a.argv_buf), ARGS_BUF]],
  args_sizes_get: (a) => [[u(a.argc_out), 4], [u(a.argv_buf_size_out), 4]],
  environ_get: (a) => [[u(a.environ), ENV_LIST.length * 4], [u(a.environ_buf), ENV_BUF]],
  environ_sizes_get: (a) => [[u(a.count_out), 4], [u(a.buf_size_out), 4]],
  clock_res_get: (a) => [[u(a.resolution_out), 8]],
  clock_time_get: (a) => [[u(a.time_out), 8]],
  fd_fdstat_get: (a) => [[u(a.stat_out), 24]],
  fd_filestat_get: (a) => [[u(a.buf_out), 64]],
  fd_pread: (a, mem) => [...iovecRegions(mem, a.iovs, a.iovs_len), [u(a.nread_out), 4]],
  fd_prestat_get: (a) => [[u(a.buf_out), 8]],
  fd_prestat_dir_name: (a) => [[u(a.path), u(a.path_len)]],
  fd_pwrite: (a) => [[u(a.nwritten_out), 4]],
  fd_read: (a, mem) => [...iovecRegions(mem, a.iovs, a.iovs_len), [u(a.nread_out), 4]],
  fd_readdir: (a) => [[u(a.buf), u(a.buf_len)], [u(a.bufused_out), 4]],
  fd_seek: (a) => [[u(a.newoffset_out), 8]],
  fd_tell: (a) => [[u(a.offset_out), 8]],
  fd_write: (a) => [[u(a.nwritten_out), 4]],
  path_filestat_get: (a) => [[u(a.buf_out), 64]],
  path_open: (a) => [[u(a.fd_out), 4]],
  path_readlink: (a) => [[u(a.buf), u(a.buf_len)], [u(a.bufused_out), 4]],
  poll_oneoff: (a) => [[u(a.out), u(a.nsubscriptions) * 32], [u(a.nevents_out), 4]],
  random_get: (a) => [[u(a.buf), u(a.buf_len)]],
  sock_accept: (a) => [[u(a.fd_out), 4]],
  sock_recv: (a, mem) => [...iovecRegions(mem, a.ri_data, a.ri_data_len), [u(a.ro_datalen_out), 4], [u(a.ro_flags_out), 2]],
  sock_send: (a) => [[u(a.so_datalen_out), 4]],
};

/** Calls that only read memory or write nothing; listed so a new import cannot slip through undeclared. */
const NO_OUT = new Set([
  'fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_set_flags', 'fd_fdstat_set_rights',
  'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_renumber', 'fd_sync', 'path_create_directory',
  'path_filestat_set_times', 'path_link', 'path_remove_directory', 'path_rename', 'path_symlink',
  'path_unlink_file', 'proc_raise', 'sched_yield', 'sock_shutdown', 'proc_exit',
]);

// ---------------------------------------------------------------------------
// Argument generators, per parameter name and core type.

const FD_NAMES = new Set(['fd', 'old_fd', 'new_fd', 'to']);
const LEN_NAMES = /(_len|^nsubscriptions)$/;
const FLAG_NAMES = new Set([
  'dirflags', 'oflags', 'fdflags', 'flags', 'old_flags', 'fst_flags', 'whence', 'advice', 'id', 'how', 'sig',
  'ri_flags', 'si_flags', 'rval',
]);

const anyI32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const specialI32 = fc.constantFrom(0xffffffff, 0x7fffffff, 0x80000000, -1, -2, -8, 0xfffffff8);

/** An i32 as a guest would pass it: wasm hands JS a signed 32-bit number. */
function i32For(name: string, memSize: number, pathCall = false): fc.Arbitrary<number> {
  const near = fc.integer({ min: -64, max: 16 }).map((d) => memSize + d);
  let arb: fc.Arbitrary<number>;
  if (FD_NAMES.has(name)) {
    // 3, 4 and 6 are directories, 5, 7 and 8 files, 0-2 stdio, 9 and 10 not open.
    // Path calls mostly get a directory, and most often the MemFS preopen, which holds the symlinks.
    arb = fc.oneof(
      { weight: pathCall ? 6 : 1, arbitrary: fc.constant(3) }, { weight: pathCall ? 3 : 2, arbitrary: fc.constantFrom(4, 6) },
      { weight: 6, arbitrary: fc.nat(10) }, { weight: 1, arbitrary: specialI32 }, { weight: 1, arbitrary: anyI32 },
    );
  } else if (LEN_NAMES.test(name)) {
    arb = fc.oneof(
      { weight: 3, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 64 }) },
      { weight: 2, arbitrary: fc.integer({ min: 65, max: 4096 }) }, { weight: 1, arbitrary: near },
      { weight: 2, arbitrary: specialI32 }, { weight: 1, arbitrary: anyI32 },
    );
  } else if (FLAG_NAMES.has(name)) {
    arb = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.nat(31) }, { weight: 1, arbitrary: specialI32 }, { weight: 1, arbitrary: anyI32 });
  } else {
    // A pointer: mostly into the structures laid out in memory, sometimes at or past its end.
    arb = fc.oneof(
      { weight: 2, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.nat(64) },
      { weight: 6, arbitrary: fc.nat(LAYOUT_END - 1) }, { weight: 3, arbitrary: fc.nat(memSize - 1) },
      { weight: 3, arbitrary: near }, { weight: 2, arbitrary: specialI32 }, { weight: 1, arbitrary: anyI32 },
    );
  }
  return arb.map((v) => v | 0);
}

const i64 = fc
  .oneof(
    { weight: 4, arbitrary: fc.constant(0n) },
    { weight: 4, arbitrary: fc.bigInt({ min: 1n, max: 64n }) },
    { weight: 2, arbitrary: fc.bigInt({ min: 65n, max: 1n << 20n }) },
    { weight: 3, arbitrary: fc.constantFrom(2n ** 63n - 1n, -1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 32n, 0x3fffffffn) },
    { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  )
  // As the engine delivers an i64: a signed BigInt.
  .map((v) => BigInt.asIntN(64, v));

/** String parameters (ptr, then ptr_len) that are read as paths; 3 times in 4 they get one of PATHS exactly. */
const STRING_PARAMS = new Set(['path', 'old_path', 'new_path']);

function argsFor(def: SyscallDef, memSize: number): fc.Arbitrary<(number | bigint)[]> {
  const pathCall = def.name.startsWith('path_');
  const base = fc.tuple(...def.params.map(([name, type]) => (type === 'i64' ? i64 : i32For(name, memSize, pathCall)) as fc.Arbitrary<number | bigint>));
  const pairs = def.name === 'fd_prestat_dir_name' ? [] : def.params.flatMap(([n], i) => (STRING_PARAMS.has(n) && def.params[i + 1]?.[0] === n + '_len' ? [i] : []));
  if (pairs.length === 0) return base;
  const pick = def.name === 'path_readlink' ? fc.constantFrom(...LINK_PATHS) : fc.nat(PATHS.length - 1);
  const picks = fc.array(fc.option(pick, { freq: 4 }), { minLength: pairs.length, maxLength: pairs.length });
  return fc.tuple(base, picks).map(([args, chosen]) => {
    const out = [...args];
    pairs.forEach((i, k) => {
      const pick = chosen[k];
      if (pick !== null) {
        out[i] = PATHS_AT + PATH_SLOT * pick;
        out[i + 1] = enc.encode(PATHS[pick]).byteLength;
      }
    });
    return out;
  });
}

// ---------------------------------------------------------------------------
// Memory contents: iovec arrays, paths, subscriptions, then biased noise from a seed.

const IOVECS_AT = 0;
const PATHS_AT = 1024;
const SUBS_AT = 2048;
const LAYOUT_END = 4096;
const PATHS = ['a.txt', 'dir', 'dir/c.txt', '..', '.', 'link', 'loop', 'new', 'dir/', '/abs', 'a.txt/', 'dir/../a.txt', '', 'dir/sub', 'dir/up/x', 'b.txt', 'n\u00e9w', 'new/', 'dir/up'];
/** The ones that are symlinks (makeWorld makes them): path_readlink picks among these. */
const LINK_PATHS = ['link', 'loop', 'dir/up'].map((p) => PATHS.indexOf(p));
/** Each of PATHS sits NUL-padded in a slot of its own from PATHS_AT; packed random ones follow. */
const PATH_SLOT = 32;

/** A small PRNG (mulberry32), so memory contents shrink with their seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Pages of noise: u32 words biased toward small values and pointers into one page; made once, picked by seed. */
const NOISE: Uint32Array[] = [];
function noise(seed: number): Uint32Array {
  const i = seed % 32;
  if (NOISE[i] === undefined) {
    const r = prng(i + 1);
    const words = new Uint32Array(PAGE / 4);
    for (let k = 0; k < words.length; k++) {
      const c = r() % 10;
      words[k] = c < 3 ? r() % 64 : c < 6 ? r() % PAGE : c < 7 ? 0xffffffff : r();
    }
    NOISE[i] = words;
  }
  return NOISE[i];
}

function fillMemory(mem: WebAssembly.Memory, seed: number): void {
  const bytes = new Uint8Array(mem.buffer);
  const v = new DataView(mem.buffer);
  const size = bytes.byteLength;
  const r = prng(seed);
  new Uint32Array(mem.buffer, 0, PAGE / 4).set(noise(seed));
  // iovecs: pointers into memory with small lengths, some zero-length, some out of range.
  for (let i = 0; i < 128; i++) {
    const k = r() % 10;
    v.setUint32(IOVECS_AT + i * 8, k < 8 ? LAYOUT_END + (r() % (size - LAYOUT_END)) : r(), true);
    v.setUint32(IOVECS_AT + i * 8 + 4, k < 2 ? 0 : k < 8 ? r() % 128 : r(), true);
  }
  // Paths: each of PATHS in its slot, then random ones packed, each starting where a pointer might land.
  PATHS.forEach((p, i) => {
    bytes.fill(0, PATHS_AT + i * PATH_SLOT, PATHS_AT + (i + 1) * PATH_SLOT);
    bytes.set(enc.encode(p), PATHS_AT + i * PATH_SLOT);
  });
  let at = PATHS_AT + PATHS.length * PATH_SLOT;
  while (at < SUBS_AT - 16) {
    const p = enc.encode(PATHS[r() % PATHS.length]);
    bytes.set(p.subarray(0, SUBS_AT - at), at);
    at += p.byteLength + 1;
  }
  // Subscriptions: clock (relative or absolute), fd_read, fd_write, bad tags.
  for (let at2 = SUBS_AT; at2 + 48 <= LAYOUT_END; at2 += 48) {
    bytes.fill(0, at2, at2 + 48);
    v.setBigUint64(at2, BigInt(r()), true);
    const tag = r() % 4;
    v.setUint8(at2 + 8, tag);
    v.setUint32(at2 + 16, tag === 0 ? r() % 5 : r() % 12, true);
    v.setBigUint64(at2 + 24, BigInt(r() % 3_000_000), true);
    v.setUint16(at2 + 40, r() % 3, true);
  }
}

/** Where boundPoll finds a clock subscription's fields: preview1's layout, or wasi_unstable's. */
interface PollLayout { size: number; timeout: number; flags: number }
const POLL_PREVIEW1: PollLayout = { size: 48, timeout: 24, flags: 40 };
const POLL_UNSTABLE: PollLayout = { size: 56, timeout: 32, flags: 48 };

/** Caps every clock subscription poll_oneoff would read at a few ms, so no run sleeps long. */
function boundPoll(mem: Uint8Array, args: Args, layout: PollLayout = POLL_PREVIEW1): void {
  const v = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  const n = Math.min(u(args.nsubscriptions), Math.floor(mem.byteLength / layout.size));
  for (let i = 0; i < n; i++) {
    const at = u(args.in) + i * layout.size;
    if (at + layout.size > mem.byteLength) break;
    if (v.getUint8(at + 8) !== 0) continue;
    // Relative: at most 2 ms. Absolute: a deadline far in the past, so no wait at all.
    const abs = (v.getUint16(at + layout.flags, true) & 1) !== 0;
    const t = v.getBigUint64(at + layout.timeout, true);
    v.setBigUint64(at + layout.timeout, abs ? t % 1_000_000n : t % 2_000_000n, true);
  }
}

// ---------------------------------------------------------------------------
// A world: a host with a MemFS and a NodeFS preopen and some open descriptors.

type MemoryKind = 'plain' | 'shared' | 'growing';
const MAX_PAGES = 16;

interface World {
  wasi: WASI;
  imp: Record<string, (...a: (number | bigint)[]) => number>;
  memory: WebAssembly.Memory;
  ctx: HostContext;
}

let hostDir: string;

function resetHostDir(): void {
  rmSync(hostDir, { recursive: true, force: true });
  mkdirSync(join(hostDir, 'dir'), { recursive: true });
  writeFileSync(join(hostDir, 'a.txt'), 'host file\n');
  writeFileSync(join(hostDir, 'dir', 'c.txt'), 'host c\n');
}

/**
 * Memories are reused across runs: each one reserves a large virtual range,
 * and thousands of short-lived ones keep the GC and the kernel busy. A
 * memory that grew is replaced, so every run starts at one page.
 */
const MEMORIES = new Map<MemoryKind, WebAssembly.Memory>();
function memoryFor(kind: MemoryKind): WebAssembly.Memory {
  let m = MEMORIES.get(kind);
  if (m === undefined || m.buffer.byteLength !== PAGE) {
    m = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: kind === 'shared' });
    MEMORIES.set(kind, m);
  }
  return m;
}

function makeWorld(kind: MemoryKind, seed: number, version: 'preview1' | 'unstable' = 'preview1'): World {
  const memory = memoryFor(kind);
  const grow = (): void => {
    if (memory.buffer.byteLength < MAX_PAGES * PAGE) memory.grow(1);
  };
  const options: WASIOptions = {
    version,
    args: ARGS,
    env: ENV,
    preopens: {
      // A quota keeps truncates to 2^32 and writes at 2^40 from taking the test's own memory.
      '/sandbox': new MemFS({ 'a.txt': 'hello, world\n', 'dir/c.txt': 'c\n', 'dir/sub/': null, 'b.txt': 'bee\n' }, { maxBytes: 4 << 20 }),
      '/host': new NodeFS(hostDir),
    },
    stdin: kind === 'growing'
      ? { read(into: Uint8Array): number { grow(); const n = Math.min(3, into.byteLength); if (into.byteLength > 0) into.set(enc.encode('in!').subarray(0, n)); return n; } }
      : 'some stdin\n',
    stdout: kind === 'growing' ? () => grow() : 'collect',
    stderr: kind === 'growing' ? () => grow() : 'ignore',
  };
  const sandbox = (options.preopens as Record<string, MemFS>)['/sandbox'];
  sandbox.symlink('a.txt', '/link');
  sandbox.symlink('loop', '/loop');
  sandbox.symlink('../..', '/dir/up');
  const wasi = new WASI(options);
  wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
  const imp = wasi.wasiImport as unknown as World['imp'];
  // Open a few descriptors so random fds name every kind: 5 a.txt (rw), 6 dir, 7 host a.txt (rw), 8 b.txt (read-only).
  fillMemory(memory, seed);
  const scratch = new Uint8Array(memory.buffer);
  const opens: [number, string, bigint][] = [[3, 'a.txt', 0x3fffffffn], [3, 'dir', 0x3fffffffn & ~0x400140n], [4, 'a.txt', 0x3fffffffn], [3, 'b.txt', 0x2n | 0x4n | 0x200000n]];
  const saved = scratch.slice(0, 64);
  for (const [dir, path, rights] of opens) {
    const b = enc.encode(path);
    scratch.set(b, 0);
    let e = imp.path_open(dir, 1, 0, b.byteLength, 0, rights, rights, 0, 32);
    // An earlier run may have removed or replaced the host file.
    if (e !== Errno.SUCCESS && dir === 4) {
      resetHostDir();
      e = imp.path_open(dir, 1, 0, b.byteLength, 0, rights, rights, 0, 32);
    }
    if (e !== Errno.SUCCESS) throw new Error(`setup: path_open(${path}) = ${e}`);
  }
  new Uint8Array(memory.buffer).set(saved, 0);
  // The context behind the imports, to call the syscall functions directly and see what they throw.
  const ctx = (wasi as unknown as { ctx: HostContext }).ctx;
  return { wasi, imp, memory, ctx };
}

function closeWorld(w: World): void {
  for (let fd = 3; fd < 64; fd++) if (w.ctx.fds.peek(fd)?.kind === 'file') w.imp.fd_close(fd);
}

// ---------------------------------------------------------------------------
// One call, checked.

function snapshotOf(memory: WebAssembly.Memory): Uint8Array {
  return new Uint8Array(memory.buffer).slice();
}

function describeCall(def: SyscallDef, args: (number | bigint)[]): string {
  return `${def.name}(${def.params.map(([n], i) => `${n}=${String(args[i])}`).join(', ')})`;
}

/** What a failing check reports: the call and the first bytes that changed where they should not have. */
function checkMemory(
  def: SyscallDef, args: (number | bigint)[], argMap: Args, before: Uint8Array, after: Uint8Array, errno: number,
  regionsOf: typeof OUT_REGIONS = OUT_REGIONS,
): void {
  const size = after.byteLength;
  expect(size >= before.byteLength, 'memory shrank').toBe(true);
  // Most calls change nothing or a few bytes: find the changed 1 KiB chunks with memcmp first.
  const changed: number[] = [];
  for (let at = 0; at < size; at += 1024) {
    const end = Math.min(at + 1024, size);
    const a = Buffer.from(after.buffer, after.byteOffset + at, end - at);
    if (at >= before.byteLength ? a.some((b) => b !== 0) : !a.equals(Buffer.from(before.buffer, before.byteOffset + at, end - at))) changed.push(at);
  }
  if (changed.length === 0) return;
  const allowed = new Uint8Array(size);
  if (errno === Errno.SUCCESS) {
    const regions = [...(regionsOf[def.name]?.(argMap, before) ?? []), ...(regionsOf[def.name]?.(argMap, after) ?? [])];
    for (const [p, l] of regions) allowed.fill(1, Math.min(p, size), Math.min(p + l, size));
  }
  const bad: number[] = [];
  for (const at of changed) {
    for (let i = at; i < Math.min(at + 1024, size) && bad.length < 8; i++) {
      const was = i < before.byteLength ? before[i] : 0;
      if (after[i] !== was && allowed[i] === 0) bad.push(i);
    }
  }
  expect(bad, `${describeCall(def, args)} -> ${errno} wrote outside its out-params at ${bad.join(', ')}`).toEqual([]);
}

function callChecked(
  w: World, def: SyscallDef, args: (number | bigint)[], regionsOf: typeof OUT_REGIONS = OUT_REGIONS, poll: PollLayout = POLL_PREVIEW1,
): number {
  const argMap: Args = {};
  def.params.forEach(([n], i) => (argMap[n] = args[i]));
  if (def.name === 'poll_oneoff') boundPoll(new Uint8Array(w.memory.buffer), argMap, poll);
  const before = snapshotOf(w.memory);
  let errno: unknown;
  try {
    errno = w.imp[def.name](...args);
  } catch (err) {
    throw new Error(`${describeCall(def, args)} threw ${String(err)}`);
  }
  expect(typeof errno === 'number' && Number.isInteger(errno) && errno >= 0 && errno <= 76, `${describeCall(def, args)} returned ${String(errno)}`).toBe(true);
  checkMemory(def, args, argMap, before, new Uint8Array(w.memory.buffer), errno as number, regionsOf);
  return errno as number;
}

/** Calls the syscall function itself and classifies what it throws, if anything. */
function callDirect(w: World, def: SyscallDef, args: (number | bigint)[]): void {
  if (def.name === 'poll_oneoff') {
    const argMap: Args = {};
    def.params.forEach(([n], i) => (argMap[n] = args[i]));
    boundPoll(new Uint8Array(w.memory.buffer), argMap);
  }
  try {
    const e = (def.fn as unknown as (ctx: HostContext, ...a: (number | bigint)[]) => number)(w.ctx, ...args);
    expect(typeof e, describeCall(def, args)).toBe('number');
  } catch (err) {
    const ok = err instanceof WasiError || err instanceof RangeError ||
      (typeof (err as { code?: unknown })?.code === 'string' && errnoOf(err) !== Errno.IO);
    expect(ok, `${describeCall(def, args)} threw ${String(err)} (${(err as Error)?.constructor?.name}, code ${String((err as { code?: unknown })?.code)})`).toBe(true);
  }
}

// ---------------------------------------------------------------------------

const IMPORTS = SYSCALLS.filter((d) => d.name !== 'proc_exit');

beforeAll(() => {
  hostDir = mkdtempSync(join(tmpdir(), 'wasi-host-props-'));
  resetHostDir();
});
afterAll(() => rmSync(hostDir, { recursive: true, force: true }));

describe('every import is declared', () => {
  it('has its out-params listed (or is known to write nothing)', () => {
    for (const d of SYSCALLS) expect(d.name in OUT_REGIONS || NO_OUT.has(d.name), d.name).toBe(true);
  });
});

for (const kind of ['plain', 'shared', 'growing'] as const) {
  describe(`crash-proof imports (property), ${kind} memory`, () => {
    for (const def of IMPORTS) {
      it(`${def.name}: an errno, nothing written outside its out-params`, () => {
        fc.assert(
          fc.property(fc.nat(), fc.array(argsFor(def, PAGE), { minLength: 1, maxLength: 4 }), (seed, calls) => {
            resetHostDirSometimes(seed);
            const w = makeWorld(kind, seed);
            try {
              for (const args of calls) callChecked(w, def, args);
            } finally {
              closeWorld(w);
            }
          }),
          { numRuns: RUNS_PER_IMPORT[kind] },
        );
      }, TIMEOUT);
    }
  });
}

// wasi_unstable: the imports whose decoding differs from preview1 (src/syscalls/unstable.ts),
// with its 56-byte filestat and subscription records.
const UNSTABLE_REGIONS: typeof OUT_REGIONS = {
  ...OUT_REGIONS,
  fd_filestat_get: (a) => [[u(a.buf_out), 56]],
  path_filestat_get: (a) => [[u(a.buf_out), 56]],
};
describe('crash-proof imports (property), wasi_unstable', () => {
  const own = SYSCALLS_UNSTABLE.filter((d) => SYSCALLS.find((p) => p.name === d.name)?.fn !== d.fn);
  it('overrides exactly the calls whose layouts differ', () => {
    expect(own.map((d) => d.name).sort()).toEqual(['fd_filestat_get', 'fd_seek', 'path_filestat_get', 'poll_oneoff']);
  });
  for (const def of own) {
    it(`${def.name}: an errno, nothing written outside its out-params`, () => {
      fc.assert(
        fc.property(fc.nat(), fc.array(argsFor(def, PAGE), { minLength: 1, maxLength: 4 }), (seed, calls) => {
          resetHostDirSometimes(seed);
          const w = makeWorld('plain', seed, 'unstable');
          try {
            for (const args of calls) callChecked(w, def, args, UNSTABLE_REGIONS, POLL_UNSTABLE);
          } finally {
            closeWorld(w);
          }
        }),
        { numRuns: RUNS_PER_IMPORT.plain },
      );
    }, TIMEOUT);
  }
});

/** The host directory is only reset now and then: most random calls cannot change it anyway. */
function resetHostDirSometimes(seed: number): void {
  if (seed % 16 === 0) resetHostDir();
}

describe('crash-proof imports (property), sequences', () => {
  const call = fc.integer({ min: 0, max: IMPORTS.length - 1 }).chain((i) => fc.tuple(fc.constant(i), argsFor(IMPORTS[i], PAGE)));
  it(`random sequences of calls on one host: errnos, no stray writes (${SEQ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom<MemoryKind>('plain', 'shared', 'growing'), fc.array(call, { minLength: 1, maxLength: 8 }), (seed, kind, calls) => {
        resetHostDirSometimes(seed);
        const w = makeWorld(kind, seed);
        try {
          for (const [i, args] of calls) callChecked(w, IMPORTS[i], args);
        } finally {
          closeWorld(w);
        }
      }),
      { numRuns: SEQ_RUNS },
    );
  }, TIMEOUT);

  it(`below the import wrapper, only errno-carrying errors are thrown (${SEQ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom<MemoryKind>('plain', 'shared', 'growing'), fc.array(call, { minLength: 1, maxLength: 8 }), (seed, kind, calls) => {
        resetHostDirSometimes(seed);
        const w = makeWorld(kind, seed);
        try {
          for (const [i, args] of calls) callDirect(w, IMPORTS[i], args);
        } finally {
          closeWorld(w);
        }
      }),
      { numRuns: SEQ_RUNS },
    );
  }, TIMEOUT);
});

describe('proc_exit', () => {
  it('throws WASIExit with the status as unsigned, for any i32', () => {
    const def = SYSCALLS.find((d) => d.name === 'proc_exit') as SyscallDef;
    fc.assert(
      fc.property(i32For('rval', PAGE), (rval) => {
        const w = makeWorld('plain', 1);
        const before = snapshotOf(w.memory);
        let thrown: unknown;
        try {
          w.imp.proc_exit(rval);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(WASIExit);
        expect((thrown as WASIExit).code).toBe(rval >>> 0);
        checkMemory(def, [rval], { rval }, before, snapshotOf(w.memory), 1);
        closeWorld(w);
      }),
      { numRuns: 50 },
    );
  });
});

describe('stream callbacks during a call (growing memory, failures)', () => {
  it('fd_write to a stdout callback that grows memory delivers every iovec (joined into one write, as writev)', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 8 });
    const got: string[] = [];
    const wasi = new WASI({ stdout: (c) => { got.push(new TextDecoder().decode(c)); memory.grow(1); }, stdin: '' });
    wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
    const imp = wasi.wasiImport as unknown as World['imp'];
    const v = new DataView(memory.buffer);
    const parts = ['one ', 'two ', 'three'];
    parts.forEach((p, i) => {
      new Uint8Array(memory.buffer).set(enc.encode(p), 1024 + i * 16);
      v.setUint32(i * 8, 1024 + i * 16, true);
      v.setUint32(i * 8 + 4, p.length, true);
    });
    expect(imp.fd_write(1, 0, 3, 512)).toBe(Errno.SUCCESS);
    expect(got).toEqual([parts.join('')]);
    expect(new DataView(memory.buffer).getUint32(512, true)).toBe(13);
    expect(memory.buffer.byteLength).toBe(2 * PAGE);
  });

  it('a stream that fails after some iovecs: the bytes moved are reported; an exit still unwinds', () => {
    // Iovecs totalling over 64 KiB go to a stream one by one (smaller ones are joined into one write).
    const LEN = 30000;
    const memory = new WebAssembly.Memory({ initial: 1 });
    let calls = 0;
    let failWith: unknown;
    const wasi = new WASI({ stdout: () => { if (++calls === 2) throw failWith; }, stdin: '' });
    wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
    const imp = wasi.wasiImport as unknown as World['imp'];
    const v = new DataView(memory.buffer);
    for (let i = 0; i < 3; i++) {
      v.setUint32(i * 8, 1024, true);
      v.setUint32(i * 8 + 4, LEN, true);
    }
    failWith = Object.assign(new Error('EPIPE'), { code: 'EPIPE' });
    expect(imp.fd_write(1, 0, 3, 512)).toBe(Errno.SUCCESS);
    expect(v.getUint32(512, true)).toBe(LEN);
    calls = 1;
    expect(imp.fd_write(1, 0, 3, 512)).toBe(Errno.PIPE);
    calls = 0;
    failWith = new WASIExit(3);
    expect(() => imp.fd_write(1, 0, 3, 512)).toThrow(WASIExit);
  });

  it('fd_read from a stdin source that grows memory lands the bytes in guest memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 8 });
    const wasi = new WASI({ stdin: { read(into) { memory.grow(1); into.set(enc.encode('abc').subarray(0, into.byteLength)); return Math.min(3, into.byteLength); } }, stdout: 'ignore' });
    wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
    const imp = wasi.wasiImport as unknown as World['imp'];
    const v = new DataView(memory.buffer);
    v.setUint32(0, 1024, true);
    v.setUint32(4, 3, true);
    v.setUint32(8, 2048, true);
    v.setUint32(12, 3, true);
    expect(imp.fd_read(0, 0, 2, 512)).toBe(Errno.SUCCESS);
    const now = new Uint8Array(memory.buffer);
    expect(new DataView(memory.buffer).getUint32(512, true)).toBe(6);
    expect(new TextDecoder().decode(now.subarray(1024, 1027))).toBe('abc');
    expect(new TextDecoder().decode(now.subarray(2048, 2051))).toBe('abc');
  });
});

// ---------------------------------------------------------------------------
// Imports called with arguments of the wrong JS types, as when a module
// declares an import with another signature than the spec's: the engine then
// passes a BigInt for an i64, a number for an i32 or f64, anything for an
// externref, and as many arguments as the module declared. Every import
// answers EINVAL (as node:wasi does), writes nothing and never throws.

/** One argument of the wrong type for a parameter of core type `type`. */
function wrongFor(type: 'i32' | 'i64'): fc.Arbitrary<unknown> {
  const common = fc.constantFrom<unknown>(undefined, null, 'x', {}, 1.5, NaN, 2 ** 32, -(2 ** 31) - 1, Infinity);
  return type === 'i64'
    ? fc.oneof(fc.integer(), fc.constant(0), common)
    : fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constant(0n), common);
}

/** Well-typed arguments with one or more replaced by wrong ones, or one too few, or one too many. */
function mistypedArgsFor(def: SyscallDef): fc.Arbitrary<unknown[]> {
  const good = argsFor(def, PAGE);
  const n = def.params.length;
  const replaced = n === 0 ? fc.constant(null) : fc.tuple(good, fc.integer({ min: 0, max: n - 1 })).chain(([args, i]) =>
    wrongFor(def.params[i][1]).map((w) => { const out: unknown[] = [...args]; out[i] = w; return out; }));
  const fewer = n === 0 ? fc.constant(null) : good.map((args) => args.slice(0, -1) as unknown[]);
  const more = fc.tuple(good, fc.oneof(fc.constant<unknown>(0), fc.constant<unknown>(0n), fc.constant<unknown>(undefined)))
    .map(([args, extra]) => [...args, extra] as unknown[]);
  return fc.oneof(replaced, fewer, more).filter((a): a is unknown[] => a !== null);
}

describe('imports declared with the wrong types (property)', () => {
  for (const [version, table] of [['preview1', SYSCALLS], ['unstable', SYSCALLS_UNSTABLE]] as const) {
    it(`${version}: every import, proc_exit included, answers EINVAL for mistyped or miscounted arguments, writing nothing`, () => {
      for (const def of table) {
        fc.assert(
          fc.property(fc.nat(), mistypedArgsFor(def), fc.boolean(), (seed, args, traced) => {
            const w = makeWorld('plain', seed, version);
            const entries: { errno: number | undefined }[] = [];
            // The traced binding (trace option) checks arguments the same way.
            const imp = traced ? new WASI({ version, trace: (e) => entries.push(e), stdin: '' }) : undefined;
            if (imp !== undefined) imp.initialize({ exports: { memory: w.memory } } as unknown as WebAssembly.Instance);
            const call = ((imp?.wasiImport ?? w.imp) as unknown as Record<string, (...a: unknown[]) => unknown>)[def.name];
            const before = snapshotOf(w.memory);
            let errno: unknown;
            try {
              errno = call(...args);
            } catch (err) {
              throw new Error(`${def.name}(${args.map(String).join(', ')}) threw ${String(err)}`);
            } finally {
              closeWorld(w);
            }
            expect(errno, `${def.name}(${args.map(String).join(', ')})`).toBe(Errno.INVAL);
            expect(Buffer.from(new Uint8Array(w.memory.buffer)).equals(Buffer.from(before)), `${def.name} wrote to memory`).toBe(true);
            if (traced) expect(entries.map((e) => e.errno)).toEqual([Errno.INVAL]);
          }),
          { numRuns: 30 },
        );
      }
    }, TIMEOUT);
  }
});

/** A module importing `name` from wasi_snapshot_preview1 with the given core types, and an export `call` passing `args`. */
function moduleCalling(name: string, params: readonly string[], result: string | undefined, args: readonly (number | bigint)[]): Uint8Array<ArrayBuffer> {
  const T: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };
  const u = (n: number): number[] => { const out: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n !== 0) b |= 0x80; out.push(b); } while (n !== 0); return out; };
  const s = (n: bigint): number[] => {
    const out: number[] = [];
    for (;;) { const b = Number(n & 0x7fn); n >>= 7n; if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) { out.push(b); return out; } out.push(b | 0x80); }
  };
  const str = (x: string): number[] => { const b = [...enc.encode(x)]; return [...u(b.length), ...b]; };
  const vec = (items: number[][]): number[] => [...u(items.length), ...items.flat()];
  const section = (id: number, body: number[]): number[] => [id, ...u(body.length), ...body];
  const code: number[] = [];
  params.forEach((p, i) => {
    const a = args[i];
    if (p === 'i32') code.push(0x41, ...s(BigInt(a)));
    else if (p === 'i64') code.push(0x42, ...s(BigInt(a)));
    else if (p === 'f64') { const b = new Uint8Array(8); new DataView(b.buffer).setFloat64(0, Number(a), true); code.push(0x44, ...b); }
    else { const b = new Uint8Array(4); new DataView(b.buffer).setFloat32(0, Number(a), true); code.push(0x43, ...b); }
  });
  code.push(0x10, 0); // call the import
  if (result === undefined) code.push(0x41, 0x7f); // no result: return -1
  else if (result !== 'i32') code.push(0x1a, 0x41, 0x7f); // drop it, return -1
  code.push(0x0b);
  const body = [0, ...code];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(params.map((p) => [T[p]])), ...vec(result === undefined ? [] : [[T[result]]])], [0x60, 0, 1, 0x7f]])),
    ...section(2, vec([[...str('wasi_snapshot_preview1'), ...str(name), 0x00, 0]])),
    ...section(3, vec([[1]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...str('call'), 0x00, 1], [...str('memory'), 0x02, 0]])),
    ...section(10, vec([[...u(body.length), ...body]])),
  ]);
}

describe('a module that declares an import with the wrong signature', () => {
  const cases: [string, string[], string | undefined, (number | bigint)[]][] = [
    // The issue's case: clock_time_get's time_out declared as an i64.
    ['clock_time_get', ['i32', 'i64', 'i64'], 'i32', [1, 0n, 1024n]],
    ['clock_time_get', ['i32', 'i32', 'i32'], 'i32', [1, 0, 1024]],
    ['fd_write', ['i32', 'i32', 'i32'], 'i32', [1, 0, 1]],
    ['fd_write', ['i32', 'i32', 'i32', 'i32', 'i32'], 'i32', [1, 0, 1, 64, 0]],
    ['fd_write', ['f64', 'f64', 'f64', 'f64'], 'i32', [1.5, 0, 1, 64]],
    ['fd_seek', ['i32', 'i32', 'i32', 'i32'], 'i32', [1, 0, 0, 64]],
    ['path_open', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], 'i32', [3, 0, 0, 1, 0, 0, 0, 0, 64]],
    ['args_sizes_get', ['i64', 'i64'], 'i32', [0n, 8n]],
    ['sched_yield', ['i32'], 'i32', [0]],
    ['random_get', ['f32', 'i32'], 'i32', [0.5, 16]],
    ['proc_exit', ['i64'], undefined, [3n]],
  ];
  for (const [name, params, result, args] of cases) {
    it(`${name}(${params.join(' ')}): EINVAL, memory untouched, no exception`, async () => {
      for (const traced of [false, true]) {
        // Traced, the errno is seen even for an import declared without a result (proc_exit here).
        const errnos: (number | undefined)[] = [];
        const wasi = new WASI({ stdout: 'collect', stderr: 'collect', stdin: '', trace: traced ? (e) => errnos.push(e.errno) : undefined });
        const instance = await WebAssembly.instantiate(new WebAssembly.Module(moduleCalling(name, params, result, args)), wasi.getImportObject() as WebAssembly.Imports);
        wasi.initialize(instance);
        const memory = instance.exports.memory as WebAssembly.Memory;
        new Uint8Array(memory.buffer).fill(0xa5, 0, 4096);
        const call = instance.exports.call as () => number;
        expect(call()).toBe(result === 'i32' ? Errno.INVAL : -1);
        expect(new Uint8Array(memory.buffer).subarray(0, 4096).every((b) => b === 0xa5)).toBe(true);
        expect(wasi.getStdout().byteLength).toBe(0);
        if (traced) expect(errnos).toEqual([Errno.INVAL]);
      }
    });
  }
});
