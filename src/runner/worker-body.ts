import type { Platform } from '../platform/types.js';
import { MemFS } from '../vfs/memfs.js';
import type { Vfs } from '../vfs/types.js';
import { VfsBridgeClient } from '../vfs/bridge.js';
import { WASIHost, wasiImportVersion } from '../wasi.js';
import type { StartMessage, WorkerMessage } from './protocol.js';
import { StdinReader } from './stdin-ring.js';

export type Post = (message: WorkerMessage, transfer?: Transferable[]) => void;

/**
 * Runs one command inside the runner's Worker: stdin from the shared ring
 * (blocking in Atomics.wait), stdout and stderr posted as written, the exit
 * status or the trap posted last. Sleeps wait on the ring's kill cell, so
 * kill() also ends a sleeping guest at once.
 */
export function runInWorker(start: StartMessage, post: Post, base: Platform): void {
  try {
    const stdin = new StdinReader(start.stdin, () => post({ type: 'room' }));
    const platform: Platform = { ...base, sleep: (ns) => stdin.sleep(ns) };
    const sink = (type: 'stdout' | 'stderr') => ({
      isTTY: start.tty,
      write: (bytes: Uint8Array) => post({ type, bytes }, [bytes.buffer]),
    });
    const preopens: Record<string, string | Vfs> = {};
    for (const [guest, target] of Object.entries(start.preopens)) {
      preopens[guest] = typeof target === 'string' ? target : target instanceof SharedArrayBuffer ? new VfsBridgeClient(target) : new MemFS(target);
    }
    const wasi = new WASIHost(
      {
        version: wasiImportVersion(start.module) ?? 'preview1',
        args: start.args,
        env: start.env,
        preopens,
        stdin: {
          isTTY: start.tty,
          read: (into) => stdin.read(into),
          available: () => stdin.available(),
          waitAvailable: (ms) => stdin.waitAvailable(ms),
        },
        stdout: sink('stdout'),
        stderr: sink('stderr'),
      },
      platform,
    );
    const instance = new WebAssembly.Instance(start.module, wasi.getImportObject() as unknown as WebAssembly.Imports);
    post({ type: 'exit', code: wasi.start(instance) });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'error', message: e.message, name: e.name });
  }
}
