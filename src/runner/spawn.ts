import { MemFS, type MemFSSeed } from '../vfs/memfs.js';
import { isAsyncVfs, type AsyncVfs } from '../vfs/async.js';
import { createVfsBridge, isVfsBridge, serveVfsBridge, type VfsBridgeServer } from '../vfs/bridge.js';
import { entriesOf, replaceEntries, type FileEntry } from './files.js';
import type { StartMessage, WorkerMessage } from './protocol.js';
import { createStdinBuffer, StdinWriter } from './stdin-ring.js';

export interface SpawnOptions {
  /** argv, including argv[0]. */
  args?: readonly string[];
  env?: Readonly<Record<string, string>>;
  /**
   * Guest path → a host directory path (Node only), the files of a new MemFS
   * inside the Worker (`{ 'notes.txt': 'hi', 'dir/': null }`), a MemFS of
   * the caller's, or an AsyncVfs. A MemFS is shared by copy: its files,
   * directories and symlinks are copied to the Worker when spawn() is called,
   * and when the command exits (or traps) the MemFS is made to hold what the
   * command left, before `exited` settles. Not live: what the caller writes
   * to it meanwhile is replaced at the end, and after kill() it keeps what it
   * held before. Contents cross, not identities: times are new, hard links
   * come back apart. An AsyncVfs (`await openOPFS('data')`, or
   * `toAsyncVfs(memfs)` for live sharing) stays on this thread and serves the
   * Worker's calls through a blocking bridge (src/vfs/bridge.ts). A buffer
   * from createVfsBridge() is mounted as it is: its server runs elsewhere
   * (an OPFS served from a dedicated Worker, where sync access handles exist).
   */
  preopens?: Readonly<Record<string, string | MemFSSeed | MemFS | AsyncVfs | SharedArrayBuffer>>;
  /** Called with each chunk the guest writes to stdout, as it writes it. */
  stdout?: (chunk: Uint8Array) => void;
  stderr?: (chunk: Uint8Array) => void;
  /**
   * True when stdin and stdout are a terminal (an xterm.js pane, a Node TTY):
   * stdio are character devices, so the guest's isatty() is true and libc
   * line-buffers stdout. Default false.
   */
  tty?: boolean;
  /** Where the Worker script is, for bundlers that move it (default: beside this module in dist/). */
  workerUrl?: string | URL;
}

/** A running command. */
export interface Spawned {
  /** Input for the guest, delivered while it runs; a guest blocked reading wakes at once. */
  readonly stdin: {
    write(data: Uint8Array | string): void;
    /** End of input: once what was written is read, the guest's reads return 0. */
    end(): void;
  };
  /** Stops the guest wherever it is (blocked on stdin, sleeping, computing); `exited` resolves to null. */
  kill(): void;
  /** The exit status; null after kill(). Rejects if the guest traps or cannot start. */
  readonly exited: Promise<number | null>;
}

/** What spawn needs of a Worker, Node's or the browser's. */
export interface WorkerPort {
  post(message: StartMessage): void;
  /** Ends the Worker; resolves once it has stopped. */
  terminate(): Promise<unknown> | void;
}

export type WorkerFactory = (url: string | URL | undefined, onMessage: (m: WorkerMessage) => void, onError: (e: Error) => void) => WorkerPort;

const KNOWN = ['args', 'env', 'preopens', 'stdout', 'stderr', 'tty', 'workerUrl'];

function checkSpawnOptions(o: SpawnOptions): void {
  if (typeof o !== 'object' || o === null) throw new TypeError('spawn(): options must be an object');
  for (const k of Object.keys(o)) if (!KNOWN.includes(k)) throw new TypeError(`spawn(): unknown option \`${k}\` (options are ${KNOWN.join(', ')})`);
  if (o.args !== undefined && (!Array.isArray(o.args) || o.args.some((a) => typeof a !== 'string'))) throw new TypeError('spawn(): args must be an array of strings');
  if (o.env !== undefined && (typeof o.env !== 'object' || o.env === null || Object.values(o.env).some((v) => typeof v !== 'string'))) {
    throw new TypeError('spawn(): env must be an object of strings');
  }
  if (o.preopens !== undefined) {
    if (typeof o.preopens !== 'object' || o.preopens === null) throw new TypeError('spawn(): preopens must be an object');
    for (const [guest, target] of Object.entries(o.preopens)) {
      if (typeof target !== 'string' && !(target instanceof MemFS) && !isAsyncVfs(target) && !isVfsBridge(target) && (typeof target !== 'object' || target === null || Object.getPrototypeOf(target) !== Object.prototype)) {
        throw new TypeError(`spawn(): preopens['${guest}'] must be a host directory path, a plain object of files ({ 'a.txt': 'text' }), an AsyncVfs, a createVfsBridge() buffer or a MemFS (its files are copied in and back); other backends cannot cross to the Worker: toAsyncVfs(backend) shares one live`);
      }
    }
  }
  for (const k of ['stdout', 'stderr'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'function') throw new TypeError(`spawn(): ${k} must be a function called with each chunk`);
  }
  if (o.tty !== undefined && typeof o.tty !== 'boolean') throw new TypeError('spawn(): tty must be a boolean');
  if (typeof SharedArrayBuffer !== 'function') {
    throw new TypeError('spawn() needs SharedArrayBuffer: serve the page cross-origin isolated (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)');
  }
}

/**
 * Runs a WASI command in a Worker (docs/async-seam.md, "Worker runner"): the
 * guest may block reading stdin, in Atomics.wait on a shared ring, while the
 * calling thread stays free to feed it.
 */
export function spawnWith(factory: WorkerFactory, wasm: WebAssembly.Module | BufferSource, options: SpawnOptions = {}): Spawned {
  checkSpawnOptions(options);
  const sab = createStdinBuffer();
  const writer = new StdinWriter(sab);
  const encoder = new TextEncoder();
  let settle: (code: number | null) => void = () => {};
  let fail: (e: Error) => void = () => {};
  const exited = new Promise<number | null>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  let port: WorkerPort | undefined;
  let done = false;
  // Each AsyncVfs preopen is served from this thread while the program runs.
  const servers: VfsBridgeServer[] = [];
  // A MemFS is copied now: the command sees it as it is when spawned.
  const preopens: Record<string, string | MemFSSeed | SharedArrayBuffer> = {};
  const shared: Record<string, readonly FileEntry[]> = {};
  const sharedWith = new Map<string, MemFS>();
  for (const [guest, target] of Object.entries(options.preopens ?? {})) {
    if (target instanceof MemFS) {
      shared[guest] = entriesOf(target);
      sharedWith.set(guest, target);
    } else if (isAsyncVfs(target)) {
      const bridge = createVfsBridge();
      servers.push(serveVfsBridge(target, bridge));
      preopens[guest] = bridge;
    } else preopens[guest] = target;
  }
  const finish = (then: () => void): void => {
    if (done) return;
    done = true;
    for (const s of servers) s.stop();
    const stopped = port?.terminate();
    if (stopped instanceof Promise) stopped.then(then, then);
    else then();
  };
  /** Puts what the command left into the caller's MemFSs; false (and `exited` rejects) if one refused it. */
  const bringBack = (files: Readonly<Record<string, readonly FileEntry[]>> | undefined): boolean => {
    if (files === undefined) return true;
    try {
      for (const [guest, fs] of sharedWith) replaceEntries(fs, files[guest] ?? []);
      return true;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      finish(() => fail(new Error(`spawn(): the files the command left in ${[...sharedWith.keys()].join(', ')} could not be put back: ${e.message}`, { cause: e })));
      return false;
    }
  };
  const onMessage = (m: WorkerMessage): void => {
    if (done) return;
    switch (m.type) {
      case 'stdout':
        options.stdout?.(m.bytes);
        break;
      case 'stderr':
        options.stderr?.(m.bytes);
        break;
      case 'room':
        writer.pump();
        break;
      case 'exit':
        if (bringBack(m.shared)) finish(() => settle(m.code));
        break;
      case 'error': {
        if (!bringBack(m.shared)) break;
        const e = new Error(m.message);
        e.name = m.name;
        finish(() => fail(e));
        break;
      }
    }
  };
  const onError = (e: Error): void => finish(() => fail(e));
  const begin = (module: WebAssembly.Module): void => {
    if (done) return;
    port = factory(options.workerUrl, onMessage, onError);
    port.post({
      type: 'start',
      module,
      args: options.args ?? ['main.wasm'],
      env: options.env ?? {},
      preopens,
      shared,
      tty: options.tty ?? false,
      stdin: sab,
    });
  };
  if (wasm instanceof WebAssembly.Module) begin(wasm);
  else WebAssembly.compile(wasm).then(begin, (e: Error) => finish(() => fail(e)));
  return {
    stdin: {
      write: (data) => writer.write(typeof data === 'string' ? encoder.encode(data) : data),
      end: () => writer.end(),
    },
    kill: () => {
      // Wake a guest blocked in the ring first, so the Worker is free to stop.
      writer.kill();
      finish(() => settle(null));
    },
    exited,
  };
}
