import { RIGHTS_DIR_BASE, RIGHTS_DIR_INHERITING, RIGHTS_STDIN_BASE, RIGHTS_STDOUT_BASE } from './abi/constants.js';
import { FdTable, StreamDescriptor } from './fd-table.js';
import { GuestMemory, Iovecs, StringList } from './memory.js';
import { Namespace } from './namespace/namespace.js';
import { checkOptions, type WASIOptions } from './options.js';
import type { HostStream, Platform } from './platform/types.js';
import { inputStream, outputStream } from './stdio.js';
import type { HostContext } from './syscalls/context.js';
import { isAsyncVfs } from './vfs/async.js';
import type { Vfs } from './vfs/types.js';
import { noWriteBehind, type WriteBatch } from './write-batch.js';

/** What the facade needs besides the context: the host's stdio (never closed). */
export interface HostSetup {
  readonly ctx: HostContext;
  readonly stdio: readonly HostStream[];
}

/**
 * The full entry's part (src/wasi-full.ts): checks the options only it takes
 * and returns the write-behind they ask for (`check`), and mounts preopens
 * only it can mount (an AsyncVfs, through the JSPI journal). An object with
 * methods: one per host, not closures.
 */
export interface ContextExtension {
  check(options: WASIOptions): WriteBatch | undefined;
  mount(target: unknown): Vfs | undefined;
}

/**
 * Options + platform → the context every syscall runs against: descriptors
 * (stdio at 0-2, preopens from 3 in order), the namespace, guest memory (bound
 * later, by start() or initialize()), argv and environ, clocks and
 * randomness through the platform. Checks every option first, so a bad one
 * builds nothing. The context is plain data owned by one thread; the
 * facade (src/wasi.ts) binds imports to it.
 */
export function buildContext(options: WASIOptions, platform: Platform, extend?: ContextExtension): HostSetup {
  const env = checkOptions(options, extend !== undefined);
  const writeBehind = extend?.check(options);
  const fds = new FdTable(options.maxOpenFiles ?? 1024);
  const stdio = [
    options.stdin === undefined ? platform.defaultStdio(0) : inputStream(options.stdin, platform),
    options.stdout === undefined ? platform.defaultStdio(1) : outputStream(options.stdout, 'stdout', platform),
    options.stderr === undefined ? platform.defaultStdio(2) : outputStream(options.stderr, 'stderr', platform),
  ];
  for (let i = 0; i < 3; i++) fds.set(i, new StreamDescriptor(stdio[i], i === 0 ? RIGHTS_STDIN_BASE : RIGHTS_STDOUT_BASE));

  const ns = new Namespace(fds);
  const preopens = options.preopens;
  // Own keys by for…in, as checkOptionShapes walks the options: no keys array per host.
  let fd = 3;
  for (const guest in preopens) {
    if (!Object.hasOwn(preopens, guest)) continue;
    const target = preopens[guest];
    const guestPath = normaliseGuestPath(guest);
    let vfs = typeof target === 'string' ? platform.hostDirectory(target, `preopens['${guest}']`) : extend?.mount(target);
    if (vfs === undefined) {
      // An AsyncVfs also has lstat and open, returning promises: never mount it as a Vfs.
      if (isAsyncVfs(target)) throw new TypeError(`preopens['${guest}'] is an AsyncVfs: the WASI of 'wasi-host' serves it in JSPI mode (getAsyncImportObject, startAsync), and spawn() from wasi-host/runner in a Worker`);
      if (!isVfs(target)) throw new TypeError(`preopens['${guest}'] must be a host directory path or a backend (e.g. new MemFS(), or an AsyncVfs with JSPI)`);
      vfs = target;
    }
    // A backend made here has a directory for its root: a host directory was just found to be one
    // (Platform.hostDirectory), and an AsyncVfs's journaled view answers 'directory' for its root
    // until an import runs (JournaledVfs.lstat). Only an embedder's backend is asked.
    fds.set(fd++, ns.mount(guestPath, vfs, RIGHTS_DIR_BASE, RIGHTS_DIR_INHERITING, vfs !== target));
  }

  const ctx: HostContext = {
    mem: new GuestMemory(),
    fds,
    ns,
    platform,
    // A copy of the embedder's args (its array may change later); env is already this host's own.
    args: new StringList((options.args ?? []).slice()),
    env: new StringList(env),
    writeBehind: writeBehind ?? noWriteBehind(),
    iovecs: new Iovecs(),
  };
  return { ctx, stdio };
}

function isVfs(v: unknown): v is Vfs {
  return typeof v === 'object' && v !== null && typeof (v as Vfs).lstat === 'function' && typeof (v as Vfs).open === 'function';
}

/** "/a/b/" → "/a/b"; the guest sees preopen names exactly as given otherwise. */
function normaliseGuestPath(p: string): string {
  if (p.length === 0) throw new TypeError('preopens: a guest path must not be empty');
  let s = p;
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

