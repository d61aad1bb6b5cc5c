/** `--invoke NAME ARGS...`: arguments parsed and results printed as `wasmtime run --invoke` does. */
import type { ValType } from './wasm-sig.js';

const INT_RANGE: Readonly<Record<'i32' | 'i64', [bigint, bigint]>> = {
  i32: [-(2n ** 31n), 2n ** 31n - 1n],
  i64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** One command-line word as a value of `type` (i64 as a BigInt), or a message saying why not. */
export function parseArg(type: ValType, word: string): number | bigint | string {
  if (type === 'i32' || type === 'i64') {
    if (!/^[+-]?(\d+|0[xX][0-9a-fA-F]+)$/.test(word)) return `'${word}' is not an ${type}`;
    const neg = word.startsWith('-');
    const digits = word.replace(/^[+-]/, '');
    const v = (neg ? -1n : 1n) * BigInt(digits);
    const [lo, hi] = INT_RANGE[type];
    if (v < lo || v > hi) return `'${word}' is out of range for ${type}`;
    return type === 'i64' ? v : Number(v);
  }
  if (type === 'f32' || type === 'f64') {
    const v = /^[+-]?(inf|infinity)$/i.test(word) ? (word.startsWith('-') ? -Infinity : Infinity) : /^[+-]?nan$/i.test(word) ? NaN : Number(word);
    if (word.trim() === '' || (Number.isNaN(v) && !/nan$/i.test(word))) return `'${word}' is not an ${type}`;
    return type === 'f32' ? Math.fround(v) : v;
  }
  return `a parameter of type ${type} cannot be given on the command line`;
}

/** A decimal without an exponent, as Rust's Display prints floats ("0.0000001", "1000000000000000000000"). */
function plain(s: string): string {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (m === null) return s;
  const [, sign, int, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = int + frac;
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const point = 1 + exp;
  return point >= digits.length ? sign + digits + '0'.repeat(point - digits.length) : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** The shortest decimal that reads back as the same f32, as Rust prints an f32. */
function shortestF32(v: number): string {
  for (let p = 1; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

/** A result as wasmtime prints it: integers in decimal, floats as Rust's Display, references by kind. */
export function formatResult(type: ValType, v: unknown): string {
  if (type === 'f32' || type === 'f64') {
    const n = v as number;
    if (Number.isNaN(n)) return 'NaN';
    if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
    if (Object.is(n, -0)) return '-0';
    return plain(type === 'f32' ? shortestF32(n) : String(n));
  }
  if (type === 'i32' || type === 'i64') return String(v);
  if (type === 'externref' || type === 'funcref') return `<${type}>`;
  return `<${type}>`;
}
