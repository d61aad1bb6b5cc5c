// The hosts of the startup row (bench/workloads/empty.wasm), as bench/child.mjs
// makes them: one factory shared by bench/startup-probe.mjs (whole runs) and
// bench/startup-phases.mjs (each phase timed).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const base = { version: 'preview1', args: ['x'], env: {}, returnOnExit: true };

/**
 * For `which` (memfs|host|shim|node), a function making a fresh host with
 * one preopen at /data (a new MemFS, `hostDir`, or the shim's empty
 * directory): it returns [host with start(), () => its import object].
 * wasi-host comes from `distDir`. Undefined for an unknown `which`.
 */
export async function startupHost(which, distDir, hostDir) {
  if (which === 'shim') {
    const { WASI, File, OpenFile, PreopenDirectory, ConsoleStdout } = await import('@bjorn3/browser_wasi_shim');
    return () => {
      const fds = [new OpenFile(new File(new ArrayBuffer(0))), new ConsoleStdout(() => {}), new ConsoleStdout(() => {}), new PreopenDirectory('/data', new Map())];
      const w = new WASI(['x'], [], fds, { debug: false });
      return [w, () => ({ wasi_snapshot_preview1: w.wasiImport })];
    };
  }
  if (which === 'node') {
    process.removeAllListeners('warning');
    const { WASI } = await import('node:wasi');
    return () => {
      const w = new WASI({ ...base, preopens: { '/data': hostDir } });
      return [w, () => w.getImportObject()];
    };
  }
  if (which === 'memfs' || which === 'host') {
    const { WASI, MemFS } = await import(pathToFileURL(path.join(distDir, 'index.js')).href);
    return () => {
      const w = new WASI({ ...base, preopens: { '/data': which === 'memfs' ? new MemFS() : hostDir } });
      return [w, () => w.getImportObject()];
    };
  }
  return undefined;
}
