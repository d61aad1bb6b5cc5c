/** Reads the module the CLI was given: a binary, or WebAssembly text through the optional WAT parser. */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** A failure to read or parse the module: the message to print, exit status 2. */
export class LoadError extends Error {}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** The wabt package's parser, as far as it is used here (its own index.d.ts has more). */
interface Wabt {
  parseWat(filename: string, text: string): { toBinary(options: object): { buffer: Uint8Array }; destroy(): void };
}

function isBinary(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

/** Text if the name says so or it starts like an s-expression or a comment, as wasmtime guesses. */
function looksLikeText(path: string, bytes: Uint8Array): boolean {
  if (/\.wat$/i.test(path)) return true;
  const head = new TextDecoder().decode(bytes.subarray(0, 256)).trimStart();
  return head.startsWith('(') || head.startsWith(';;');
}

/** The first 8 bytes of every core module: "\\0asm" and version 1 (little-endian u32). */
const HEADER = [...MAGIC, 0x01, 0x00, 0x00, 0x00];

/** Up to `max` bytes from the start of the file. */
function head(path: string, max: number): Uint8Array {
  const out = new Uint8Array(max);
  const fd = openSync(path, 'r');
  let n = 0;
  try {
    for (let got = -1; n < max && got !== 0; n += got) got = readSync(fd, out, n, max - n, null);
  } finally {
    closeSync(fd);
  }
  return out.subarray(0, n);
}

/**
 * What is wrong with a binary's first bytes, or undefined if they are a core
 * module's header. Judged before the file is read whole, so a large file that
 * is not WebAssembly fails at once, in bounded memory.
 */
function headerProblem(start: Uint8Array): string | undefined {
  const n = Math.min(start.byteLength, HEADER.length);
  const hex = Array.from(start.subarray(0, HEADER.length), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const differs = (from: number, to: number): boolean => HEADER.slice(from, Math.min(to, n)).some((b, i) => start[from + i] !== b);
  if (n === 0) return 'the file is empty';
  if (differs(0, 4)) return `it does not start with 00 61 73 6d ("\\0asm"), found ${hex}`;
  if (n < HEADER.length) return `it ends after ${n} bytes, inside the 8-byte header`;
  if (differs(4, 8)) return `version ${hex.slice(12)} is not 01 00 00 00 (a component or another binary format, not a core module)`;
  return undefined;
}

export async function loadModuleBytes(path: string): Promise<Uint8Array<ArrayBuffer>> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    const start = head(path, 256);
    if (!looksLikeText(path, start)) {
      const problem = headerProblem(start);
      if (problem !== undefined) throw new LoadError(`${path} is not a valid WebAssembly module: ${problem}`);
    }
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
    if (err instanceof LoadError) throw err;
    throw new LoadError(`cannot read ${path}: ${(err as Error).message}`);
  }
  if (isBinary(bytes) || !looksLikeText(path, bytes)) return bytes;
  let wabt: Wabt;
  try {
    // An optional dependency: a binary-only install stays 5 MB smaller.
    const mod = (await import('wabt')) as unknown as { default: () => Promise<Wabt> };
    wabt = await mod.default();
  } catch {
    throw new LoadError(
      `${path} is WebAssembly text; to run it, install the WAT parser wasi-host uses (npm install wabt) or convert it first (wat2wasm ${path})`,
    );
  }
  let parsed: ReturnType<Wabt['parseWat']>;
  try {
    parsed = wabt.parseWat(path, new TextDecoder().decode(bytes));
  } catch (err) {
    // wabt says "parseWat failed:" first and writes positions as FILE#:LINE:COL.
    const detail = (err as Error).message.replace(/^parseWat failed:\n/, '').split(`${path}#:`).join(`${path}:`);
    throw new LoadError(`${path} is not valid WebAssembly text:\n${detail.trimEnd()}`);
  }
  try {
    return new Uint8Array(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}
