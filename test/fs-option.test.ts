import * as nodeFs from 'node:fs';
// @tybys/wasm-util's `fs` option (src/fs-option.ts), as the napi-rs browser
// loaders pass it: a Node-fs-shaped object, string preopens naming its
// directories. Node entry and browser entry alike.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('any other Node-fs-shaped object is used through its methods: a wrapper of a Volume, and Node\'s own fs', () => {
    const fs = createFsFromVolume(vol) as unknown as Record<string, unknown>;
    // Only the methods, as a forwarding proxy has them: no Volume to find behind it.
    const wrapper = Object.fromEntries(Object.keys(fs).filter((k) => k.endsWith('Sync')).map((k) => [k, (...a: unknown[]) => (fs[k] as (...x: unknown[]) => unknown)(...a)]));
    const wasi = new WASI({ args: ['cat', '/m/a.txt'], fs: wrapper, preopens: { '/m': '/data' }, stdout: 'collect' });
    expect(runCat(() => wasi, '')).toEqual({ code: 0, out: 'from the volume\n' });
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-fs-option-'));
    try {
      writeFileSync(join(dir, 'n.txt'), 'from node:fs\n');
      expect(runCat((stdout) => new WASI({ args: ['cat', '/h/n.txt'], fs: nodeFs, preopens: { '/h': dir }, stdout }), '')).toEqual({ code: 0, out: 'from node:fs\n' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('print and printErr get the lines of stdout and stderr, the last one at the end of the run', () => {
    const out: string[] = [];
    const wasi = new WASI({ args: ['cat', '/m/a.txt', '/m/missing'], fs: vol, preopens: { '/m': '/data' }, print: (l) => out.push(`out:${l}`), printErr: (l) => out.push('err') });
    expect(wasi.start(new WebAssembly.Instance(cat, wasi.getImportObject() as WebAssembly.Imports))).not.toBe(0);
    expect(out[0]).toBe('out:from the volume');
    expect(out.slice(1).length).toBeGreaterThan(0);
    const partial: string[] = [];
    const vol2 = Volume.fromJSON({ '/p.txt': 'no newline' });
    const w2 = new BrowserEntryWASI({ args: ['cat', '/p.txt'], fs: vol2, preopens: { '/': '/' }, print: (l) => partial.push(l) });
    expect(w2.start(new WebAssembly.Instance(cat, w2.getImportObject() as WebAssembly.Imports))).toBe(0);
    expect(partial).toEqual(['no newline']);
  });

  it('anything else is refused, naming what it lacks or what to do', () => {
    expect(() => new WASI({ fs: { openSync() {} }, preopens: { '/': '/' } })).toThrow(/^WASI: fs lacks closeSync, readSync/);
    expect(() => new WASI({ fs: 'memfs' as unknown as object })).toThrow(/^WASI: fs must be a Node-fs-shaped object/);
    expect(() => new WASI({ fs: vol, preopens: { '/': '/nowhere' } })).toThrow(/MemFS|nowhere/);
    const wrapper = { ...createFsFromVolume(vol) } as unknown as Record<string, unknown>;
    delete wrapper.StatWatcher;
    expect(() => new WASI({ fs: wrapper, preopens: { '/m': '/data/a.txt' } })).toThrow("preopens['/m']: /data/a.txt is not a directory in the fs object");
    expect(() => new WASI({ fs: wrapper, preopens: { '/m': 'data' } })).toThrow(/^preopens\['\/m'\] must be an absolute path/);
    expect(() => new WASI({ print: console.log, stdout: 'collect' })).toThrow('WASI: pass print or stdout, not both (print is stdout delivered a line at a time)');
    expect(() => new WASI({ printErr: 'yes' as unknown as () => void })).toThrow(/^WASI: printErr must be a function/);
    // And MemFS itself says what to pass instead of createFsFromVolume's object.
    expect(() => new MemFS(createFsFromVolume(vol) as unknown as Volume)).toThrow(/not a memfs Volume .* pass vol/);
  });
});
