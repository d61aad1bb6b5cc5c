// Builds wasi-fixtures/threads/*.wat into .wasm beside them with wabt (a
// devDependency): the threaded fixtures, which no toolchain here can compile
// from C (no wasm32-wasip1-threads sysroot). `npm run fixtures` runs it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initWabt from 'wabt';

const dir = 'wasi-fixtures/threads';
const wabt = await initWabt();
for (const name of readdirSync(dir).filter((f) => f.endsWith('.wat')).sort()) {
  const mod = wabt.parseWat(name, readFileSync(join(dir, name), 'utf8'), { threads: true });
  try {
    // wabt's validate() ignores the features parseWat was given (shared memory
    // fails it); the engine's own validation stands in.
    const { buffer } = mod.toBinary({});
    if (!WebAssembly.validate(buffer)) throw new Error(`${name}: not a valid module`);
    writeFileSync(join(dir, name.replace(/\.wat$/, '.wasm')), buffer);
    console.log(`${name} -> ${buffer.length} bytes`);
  } finally {
    mod.destroy();
  }
}
