import { describe, expect, it } from 'vitest';
import { Volume, createFsFromVolume } from 'memfs';
import { FS_SHAPED_METHODS } from '../src/vfs/fs-shaped.js';

// Browser entries in one module graph: dynamic imports, in this order, so the
// main entry is seen before wasi-host/napi has registered its backend
// (src/fs-option.ts, acceptFsShaped). This file imports nothing else of src/.
describe("the fs option in browsers: wasi-host and wasi-host/napi", () => {
  // An fs-shaped object that is not memfs's: its methods, not its tree.
  const vol = Volume.fromJSON({ '/app/hello.txt': 'hi\n' });
  const fs = createFsFromVolume(vol);
  const call = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
  const shaped = Object.fromEntries(FS_SHAPED_METHODS.map((m) => [m, (...a: unknown[]) => call[m](...a)]));

  it("the main browser entry mounts a memfs volume, and names wasi-host/napi for any other fs-shaped object", async () => {
    const { WASI } = await import('../src/browser.js');
    expect(() => new WASI({ fs, preopens: { '/': '/app' } })).not.toThrow();
    expect(() => new WASI({ fs: shaped, preopens: { '/': '/app' } })).toThrow(/fs is not a memfs Volume.*'wasi-host\/napi'/);
  });

  it('wasi-host/napi mounts it through its methods', async () => {
    const { WASI, FsShapedFS } = await import('../src/browser-napi.js');
    expect(typeof FsShapedFS).toBe('function');
    const wasi = new WASI({ fs: shaped, preopens: { '/': '/app' } });
    expect(wasi.getImportObject().wasi_snapshot_preview1).toBeDefined();
  });

  it("wasi-host/napi's bridge helpers name the missing step: no bridge on this thread, a pool of no Workers, a message that is not the bridge", async () => {
    const { bridgedVfs, shareVfsBridge, startBridgedWorkers, acceptVfsBridge } = await import('../src/browser-napi.js');
    expect(() => bridgedVfs()).toThrow(/useVfsBridge\(sab\)/);
    expect(() => shareVfsBridge({ postMessage() {} })).toThrow(/useVfsBridge\(sab\)/);
    await expect(startBridgedWorkers('w.js', 0)).rejects.toThrow(RangeError);
    expect(acceptVfsBridge({ data: { __emnapi__: { type: 'load' } } })).toBe(false);
  });
});
