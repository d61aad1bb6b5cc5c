/** Reads the module the CLI was given: a binary, or WebAssembly text through the optional WAT parser. */
import { readFileSync } from 'node:fs';

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

export async function loadModuleBytes(path: string): Promise<Uint8Array<ArrayBuffer>> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
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
