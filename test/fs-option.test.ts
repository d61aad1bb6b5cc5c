import * as nodeFs from 'node:fs';
// @tybys/wasm-util's `fs` option (src/fs-option.ts), as the napi-rs browser
// loaders pass it: a Node-fs-shaped object, string preopens naming its
// directories. Node entry and browser entry alike.
import { readFileSync } from 'node:fs';
import { Volume, createFsFromVolume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { MemFS, WASI } from '../src/index.js';
import { WASI as BrowserEntryWASI } from '../src/browser.js';

const cat = new WebAssembly.Module(readFileSync(new URL('../wasi-fixtures/cat.wasm', import.meta.url)));

/** Runs cat on `path` with `make`'s WASI; its stdout and exit status. */
function runCat(make: (stdout: 'collect') => WASI | BrowserEntryWASI, path: string): { code: number; out: string } {
  const wasi = make('collect');
  const code = wasi.start(new WebAssembly.Instance(cat, wasi.getImportObject() as WebAssembly.Imports));
  return { code, out: new TextDecoder().decode(wasi.getStdout()) };
}

describe('the fs option', () => {
  const vol = Volume.fromJSON({ '/data/a.txt': 'from the volume\n', '/other/b.txt': 'outside\n' });

  it('a memfs Volume: a string preopen names one of its directories, and nothing outside it is reachable', () => {
    expect(runCat((stdout) => new WASI({ args: ['cat', '/m/a.txt'], fs: vol, preopens: { '/m': '/data' }, stdout }), '/m/a.txt'))
      .toEqual({ code: 0, out: 'from the volume\n' });
    expect(runCat((stdout) => new WASI({ args: ['cat', '/m/../other/b.txt'], fs: vol, preopens: { '/m': '/data' }, stdout }), '').code).not.toBe(0);
  });

  it("memfs's createFsFromVolume and the browser entry, as the napi-rs browser loaders pass them ('/' → '/')", () => {
    const fs = createFsFromVolume(vol);
    expect(runCat((stdout) => new BrowserEntryWASI({ args: ['cat', '/data/a.txt'], fs, preopens: { '/': '/' }, stdout }), ''))
      .toEqual({ code: 0, out: 'from the volume\n' });
  });

  it('anything else is refused, naming what it lacks', () => {
    expect(() => new WASI({ fs: { openSync() {} }, preopens: { '/': '/' } })).toThrow(/^WASI: fs lacks closeSync, readSync/);
    expect(() => new WASI({ fs: 'memfs' as unknown as object })).toThrow(/^WASI: fs must be a Node-fs-shaped object/);
    // Every method there, but not memfs's (Node's own fs): no tree for MemFS to work on.
    expect(() => new WASI({ fs: nodeFs, preopens: { '/': '/' } })).toThrow(/^WASI: fs is not memfs's: pass a memfs Volume/);
    // And MemFS itself says what to pass instead of createFsFromVolume's object.
    expect(() => new MemFS(createFsFromVolume(vol) as unknown as Volume)).toThrow(/not a memfs Volume .* pass vol/);
  });
});
