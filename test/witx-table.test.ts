// The syscall table against the upstream witx: same 46 functions, same lowered core signatures
// (abi-cheatsheet §1), and an import object that a real module with those imports links against.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { WASI, type WASIImport } from '../src/index.js';
import { SYSCALLS, type SyscallDef, type SyscallName } from '../src/syscalls/table.js';

// The spec's witx, vendored verbatim in spec/preview1/ (see its README).
const SPEC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../spec/preview1');
const WITX = resolve(SPEC_DIR, 'wasi_snapshot_preview1.witx');
const TYPENAMES = resolve(SPEC_DIR, 'typenames.witx');

function readSpec(path: string): string {
  if (!existsSync(path)) {
    throw new Error(`witx file missing: ${path} (expected the vendored copy in spec/preview1/)`);
  }
  return readFileSync(path, 'utf8');
}

// ---- a small S-expression reader for witx ----------------------------------------------------

type SExpr = string | SExpr[];

function parseSExprs(text: string): SExpr[] {
  const tokens: string[] = [];
  const re = /;;[^\n]*|\(|\)|"(?:[^"\\]|\\.)*"|[^\s()";]+/g;
  for (const m of text.matchAll(re)) if (!m[0].startsWith(';;')) tokens.push(m[0]);
  let i = 0;
  const read = (): SExpr => {
    const t = tokens[i++];
    if (t === '(') {
      const list: SExpr[] = [];
      while (tokens[i] !== ')') {
        if (i >= tokens.length) throw new Error('unbalanced witx');
        list.push(read());
      }
      i++;
      return list;
    }
    if (t === ')') throw new Error('unexpected )');
    return t;
  };
  const out: SExpr[] = [];
  while (i < tokens.length) out.push(read());
  return out;
}

const isList = (e: SExpr): e is SExpr[] => Array.isArray(e);
const head = (e: SExpr): string | undefined => (isList(e) && typeof e[0] === 'string' ? e[0] : undefined);
const unquote = (s: string): string => s.replace(/^"|"$/g, '');

type Core = 'i32' | 'i64';

/** typename → its definition. */
function typenames(): Map<string, SExpr> {
  const m = new Map<string, SExpr>();
  for (const e of parseSExprs(readSpec(TYPENAMES))) {
    if (head(e) === 'typename' && isList(e)) m.set(e[1] as string, e[2]);
  }
  return m;
}

const INTS: Record<string, Core> = { u8: 'i32', u16: 'i32', u32: 'i32', s8: 'i32', s16: 'i32', s32: 'i32', u64: 'i64', s64: 'i64', char8: 'i32' };

/** The core params a witx param type lowers to (cheat-sheet §1). */
function lower(t: SExpr, types: Map<string, SExpr>): Core[] {
  if (typeof t === 'string') {
    if (t === 'string') return ['i32', 'i32'];
    if (t in INTS) return [INTS[t]];
    if (t.startsWith('$')) {
      const def = types.get(t);
      if (def === undefined) throw new Error(`unknown witx type ${t}`);
      return lower(def, types);
    }
    throw new Error(`cannot lower ${t}`);
  }
  const h = head(t);
  if (h === '@witx' && (t[1] === 'pointer' || t[1] === 'const_pointer')) return ['i32'];
  if (h === 'handle') return ['i32'];
  if (h === 'list') return ['i32', 'i32'];
  if (h === 'enum') return lower(repr(t, 'tag'), types);
  if (h === 'flags') return lower(repr(t, 'repr'), types);
  throw new Error(`cannot lower a ${h} by value`);
}

/** `(enum (@witx tag u16) ...)` → 'u16'. */
function repr(t: SExpr[], key: string): string {
  const r = t[1];
  if (isList(r) && r[0] === '@witx' && r[1] === key) return r[2] as string;
  throw new Error(`no ${key} in ${JSON.stringify(t).slice(0, 80)}`);
}

interface WitxFunc {
  name: string;
  /** Core params in order, with the spec's names (strings/lists give name and name_len). */
  params: { name: string; type: Core }[];
  /** How many trailing out-pointers the result adds. */
  outs: number;
  noreturn: boolean;
}

function witxFunctions(): WitxFunc[] {
  const types = typenames();
  const top = parseSExprs(readSpec(WITX));
  const module = top.find((e) => head(e) === 'module') as SExpr[] | undefined;
  if (module === undefined) throw new Error('no (module ...) in the witx');
  const funcs: WitxFunc[] = [];
  for (const f of module) {
    if (!isList(f) || f[0] !== '@interface' || f[1] !== 'func') continue;
    const exp = f[2] as SExpr[];
    expect(exp[0]).toBe('export');
    const fn: WitxFunc = { name: unquote(exp[1] as string), params: [], outs: 0, noreturn: false };
    for (const part of f.slice(3)) {
      if (!isList(part)) continue;
      if (part[0] === 'param') {
        const name = (part[1] as string).slice(1);
        const core = lower(part[2], types);
        if (core.length === 1) fn.params.push({ name, type: core[0] });
        else core.forEach((c, i) => fn.params.push({ name: i === 0 ? name : `${name}_len`, type: c }));
      } else if (part[0] === 'result') {
        const ty = part[2];
        expect(head(ty), `${fn.name}: result is an expected`).toBe('expected');
        const payload = (ty as SExpr[]).slice(1).filter((x) => head(x) !== 'error');
        if (payload.length === 1) fn.outs = head(payload[0]) === 'tuple' ? (payload[0] as SExpr[]).length - 1 : 1;
        else expect(payload.length).toBe(0);
      } else if (part[0] === '@witx' && part[1] === 'noreturn') {
        fn.noreturn = true;
      }
    }
    funcs.push(fn);
  }
  return funcs;
}

function coreSignature(f: WitxFunc): Core[] {
  return [...f.params.map((p) => p.type), ...Array<Core>(f.outs).fill('i32')];
}

// ---- the tests ----------------------------------------------------------------------------------

describe('SYSCALLS matches wasi_snapshot_preview1.witx', () => {
  const witx = witxFunctions();
  const byName = new Map(witx.map((f) => [f.name, f]));
  const table = new Map<string, SyscallDef>(SYSCALLS.map((d) => [d.name, d]));

  it('the witx declares 46 functions', () => {
    expect(witx).toHaveLength(46);
    expect(new Set(witx.map((f) => f.name)).size).toBe(46);
  });

  it('the table has exactly the same 46 functions, no duplicates, in witx order', () => {
    expect(SYSCALLS).toHaveLength(46);
    expect(table.size).toBe(46);
    expect([...table.keys()].sort()).toEqual([...byName.keys()].sort());
    expect(SYSCALLS.map((d) => d.name)).toEqual(witx.map((f) => f.name));
  });

  for (const f of witxFunctions()) {
    it(`${f.name}: lowered core signature (${coreSignature(f).join(', ') || 'no params'})`, () => {
      const def = table.get(f.name);
      expect(def, `${f.name} missing from SYSCALLS`).toBeDefined();
      if (def === undefined) return;
      expect(def.params.map((p) => p[1])).toEqual(coreSignature(f));
      // Named params (not the out-pointers) carry the spec's names, strings and lists as name + name_len.
      expect(def.params.slice(0, f.params.length).map((p) => p[0])).toEqual(f.params.map((p) => p.name));
      expect(def.returnsErrno).toBe(!f.noreturn);
      expect(typeof def.fn).toBe('function');
    });
  }

  it('spot checks of the lowering rules', () => {
    const sig = (n: string): Core[] => coreSignature(byName.get(n) as WitxFunc);
    expect(sig('fd_write')).toEqual(['i32', 'i32', 'i32', 'i32']);
    expect(sig('path_open')).toEqual(['i32', 'i32', 'i32', 'i32', 'i32', 'i64', 'i64', 'i32', 'i32']);
    expect(sig('path_symlink')).toEqual(['i32', 'i32', 'i32', 'i32', 'i32']);
    expect(sig('sock_recv')).toEqual(['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
    expect(sig('args_sizes_get')).toEqual(['i32', 'i32']);
    expect(sig('fd_seek')).toEqual(['i32', 'i64', 'i32', 'i32']);
    expect(sig('proc_exit')).toEqual(['i32']);
    expect(sig('sched_yield')).toEqual([]);
    expect(byName.get('proc_exit')?.noreturn).toBe(true);
  });
});

describe('wasi.wasiImport', () => {
  for (const trace of [false, true]) {
    it(`has a function for every witx function and nothing else${trace ? ' (with tracing)' : ''}`, () => {
      const wasi = new WASI(trace ? { trace: () => {} } : {});
      const imp = wasi.wasiImport as Record<string, unknown>;
      const names = witxFunctions().map((f) => f.name);
      for (const n of names) expect(typeof imp[n], n).toBe('function');
      expect(Object.keys(imp).sort()).toEqual([...names].sort());
      expect(wasi.getImportObject().wasi_snapshot_preview1).toBe(wasi.wasiImport);
    });
  }

  // Checked by `tsc` (npm test type-checks test/): editors offer the names and signatures.
  it('is typed from the table: every syscall name, i64 as bigint, proc_exit returning nothing', () => {
    const wasi = new WASI({ stdout: 'collect' });
    expectTypeOf<keyof WASIImport>().toEqualTypeOf<SyscallName>();
    expectTypeOf<SyscallName>().toEqualTypeOf<(typeof SYSCALLS)[number]['name']>();
    expectTypeOf(wasi.wasiImport.fd_write).parameters.toEqualTypeOf<[number, number, number, number]>();
    expectTypeOf(wasi.wasiImport.clock_time_get).parameters.toEqualTypeOf<[number, bigint, number]>();
    expectTypeOf(wasi.wasiImport.proc_exit).returns.toEqualTypeOf<void>();
    expectTypeOf(wasi.wasiImport.sched_yield).toEqualTypeOf<() => number>();
    // @ts-expect-error not an import of preview1
    expect(wasi.wasiImport.fd_frobnicate).toBeUndefined();
    expect(wasi.wasiImport.sched_yield()).toBe(0);
  });

  it('a real module importing all 46 functions with their core types links, and i64 params arrive intact', async () => {
    const funcs = witxFunctions();
    const bytes = buildModule(funcs);
    const wasi = new WASI({ stdout: 'collect', stderr: 'collect', stdin: '' });
    const module = await WebAssembly.compile(bytes);
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject() as unknown as WebAssembly.Imports);
    wasi.initialize(instance);
    const memory = instance.exports.memory as WebAssembly.Memory;
    const call = instance.exports.clock as (ptr: number) => number;
    // clock_time_get(monotonic, precision = -1 as i64, ptr) through real wasm.
    expect(call(64)).toBe(0);
    const t = new DataView(memory.buffer).getBigUint64(64, true);
    expect(t).toBeGreaterThan(0n);
    const seek = instance.exports.seek as (fd: number, off: bigint, whence: number, out: number) => number;
    // stdout is not seekable (SPIPE = 70); a bad fd is BADF (8): the i64 offset did not break the call.
    expect(seek(1, -5n, 0, 128)).toBe(70);
    expect(seek(77, 0x7fffffffffffffffn, 0, 128)).toBe(8);
  });
});

// ---- a hand-assembled wasm module ----------------------------------------------------------------

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb64(n: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

const str = (s: string): number[] => {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const VT: Record<Core, number> = { i32: 0x7f, i64: 0x7e };

/**
 * Imports every function with its lowered type, defines and exports a memory, and exports
 * `clock(ptr)` = clock_time_get(1, -1, ptr) and `seek(fd, off, whence, out)` = fd_seek(...).
 */
function buildModule(funcs: WitxFunc[]): Uint8Array<ArrayBuffer> {
  const types: number[][] = [];
  const typeIndex = (params: Core[], results: Core[]): number => {
    const enc = [0x60, ...vec(params.map((p) => [VT[p]])), ...vec(results.map((r) => [VT[r]]))];
    const key = enc.join(',');
    const found = types.findIndex((t) => t.join(',') === key);
    if (found >= 0) return found;
    types.push(enc);
    return types.length - 1;
  };
  const imports = funcs.map((f) => {
    const ti = typeIndex(coreSignature(f), f.noreturn ? [] : ['i32']);
    return [...str('wasi_snapshot_preview1'), ...str(f.name), 0x00, ...uleb(ti)];
  });
  const idx = (n: string): number => funcs.findIndex((f) => f.name === n);
  const clockType = typeIndex(['i32'], ['i32']);
  const seekType = typeIndex(['i32', 'i64', 'i32', 'i32'], ['i32']);
  const n = funcs.length;
  const clockBody = [0x00, 0x41, 0x01, 0x42, ...sleb64(-1n), 0x20, 0x00, 0x10, ...uleb(idx('clock_time_get')), 0x0b];
  const seekBody = [0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x20, 0x03, 0x10, ...uleb(idx('fd_seek')), 0x0b];
  const code = [clockBody, seekBody].map((b) => [...uleb(b.length), ...b]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec([uleb(clockType), uleb(seekType)])),
    ...section(5, vec([[0x00, 0x01]])),
    ...section(7, vec([
      [...str('memory'), 0x02, 0x00],
      [...str('clock'), 0x00, ...uleb(n)],
      [...str('seek'), 0x00, ...uleb(n + 1)],
    ])),
    ...section(10, vec(code)),
  ]);
}
