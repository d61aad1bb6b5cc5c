// WebAssembly text → bytes for tests that need a module no C compiler makes
// (start sections, reactors with chosen imports), via wabt's wat2wasm.
import initWabt from 'wabt';

let wabt: ReturnType<typeof initWabt> | undefined;

/** The binary of a module written in the text format; throws on a syntax error. */
export async function wat(text: string, features: { threads?: boolean } = {}): Promise<Uint8Array<ArrayBuffer>> {
  wabt ??= initWabt();
  const mod = (await wabt).parseWat('test.wat', text, features);
  try {
    // validate() ignores parseWat's features (a shared memory fails it); the engine validates on compile.
    if (features.threads !== true) mod.validate();
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}
