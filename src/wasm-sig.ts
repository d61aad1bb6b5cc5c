/**
 * The parameter and result types of an exported function, read from the
 * module's binary (type, import, function and export sections; the
 * WebAssembly core spec, "Binary Format", modules). JS reflection gives only a
 * function's arity, and `--invoke` needs the types to parse its arguments
 * (i64 as BigInt) and print its results (f32 as f32) as wasmtime does.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' | 'ref';

export interface FuncSig {
  params: ValType[];
  results: ValType[];
}

const SIMPLE: Readonly<Record<number, ValType>> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

class Reader {
  at = 0;
  constructor(private readonly b: Uint8Array) {}
  byte(): number {
    if (this.at >= this.b.length) throw new RangeError('unexpected end of module');
    return this.b[this.at++];
  }
  /** An unsigned LEB128 (u32 in every place read here). */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new RangeError('LEB128 too long');
    }
  }
  /** A signed LEB128 heap type, skipped. */
  skipS33(): void {
    while ((this.byte() & 0x80) !== 0);
  }
  skip(n: number): void {
    this.at += n;
  }
  valtype(): ValType {
    const b = this.byte();
    const t = SIMPLE[b];
    if (t !== undefined) return t;
    // (ref null? heaptype), from the function-references proposal.
    if (b === 0x63 || b === 0x64) {
      this.skipS33();
      return 'ref';
    }
    if (b >= 0x69 && b <= 0x74) return 'ref'; // abbreviated heap types (anyref, eqref, ...)
    throw new RangeError(`unknown value type 0x${b.toString(16)}`);
  }
  limits(): void {
    const flags = this.byte();
    this.u32();
    if ((flags & 1) !== 0) this.u32();
  }
}

/** The signature of export `name` if it is a function, undefined otherwise; throws RangeError on a binary it cannot read. */
export function exportSignature(bytes: Uint8Array, name: string): FuncSig | undefined {
  const r = new Reader(bytes);
  r.skip(8); // magic and version
  const types: (FuncSig | undefined)[] = [];
  const funcTypes: number[] = []; // type index per function index, imports first
  let exportIndex: number | undefined;
  while (r.at < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        const form = r.byte();
        // rec groups and subtypes (GC): only plain function types are read.
        if (form === 0x4e || form === 0x50 || form === 0x4f) {
          types.push(undefined);
          r.at = end;
          break;
        }
        if (form !== 0x60) throw new RangeError(`unknown type form 0x${form.toString(16)}`);
        const params: ValType[] = [];
        for (let p = r.u32(); p > 0; p--) params.push(r.valtype());
        const results: ValType[] = [];
        for (let q = r.u32(); q > 0; q--) results.push(r.valtype());
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.skip(r.u32());
        r.skip(r.u32());
        const kind = r.byte();
        if (kind === 0) funcTypes.push(r.u32());
        else if (kind === 1) {
          r.valtype();
          r.limits();
        } else if (kind === 2) r.limits();
        else if (kind === 3) {
          r.valtype();
          r.byte();
        } else if (kind === 4) {
          r.byte();
          r.u32();
        } else throw new RangeError(`unknown import kind ${kind}`);
      }
    } else if (id === 3) {
      for (let n = r.u32(); n > 0; n--) funcTypes.push(r.u32());
    } else if (id === 7) {
      const dec = new TextDecoder();
      for (let n = r.u32(); n > 0; n--) {
        const len = r.u32();
        const exportName = dec.decode(bytes.subarray(r.at, r.at + len));
        r.skip(len);
        const kind = r.byte();
        const index = r.u32();
        if (exportName === name && kind === 0) exportIndex = index;
      }
    }
    r.at = end;
  }
  if (exportIndex === undefined) return undefined;
  const t = funcTypes[exportIndex];
  return t === undefined ? undefined : types[t];
}
