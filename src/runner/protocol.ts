import type { MemFSSeed } from '../vfs/memfs.js';
import type { FileEntry } from './files.js';

/**
 * The messages between a runner handle (src/runner/spawn.ts) and its Worker
 * (src/runner/worker-body.ts). Stdin does not travel as messages: it is the
 * shared ring of src/runner/stdin-ring.ts, which a blocked guest can read.
 */
export interface StartMessage {
  readonly type: 'start';
  readonly module: WebAssembly.Module;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Guest path → a host directory (Node), the files of a new MemFS, or a bridge to an AsyncVfs served by the spawning thread. */
  readonly preopens: Readonly<Record<string, string | MemFSSeed | SharedArrayBuffer>>;
  /**
   * Guest path → the entries of a page's MemFS (src/runner/files.ts): a new
   * MemFS in the Worker holds them, and its entries come back at the end.
   */
  readonly shared: Readonly<Record<string, readonly FileEntry[]>>;
  readonly tty: boolean;
  readonly stdin: SharedArrayBuffer;
}

export type WorkerMessage =
  | { readonly type: 'stdout' | 'stderr'; readonly bytes: Uint8Array }
  /** A read made room in the stdin ring while the writer had bytes queued. */
  | { readonly type: 'room' }
  | { readonly type: 'exit'; readonly code: number; readonly shared: Readonly<Record<string, readonly FileEntry[]>> }
  /** The guest trapped (`shared` as it left them) or the host could not start it (no `shared`). */
  | { readonly type: 'error'; readonly message: string; readonly name: string; readonly shared?: Readonly<Record<string, readonly FileEntry[]>> };
