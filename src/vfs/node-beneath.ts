import * as fs from 'node:fs';

/**
 * Host paths that cannot leave a directory, on Linux, for NodeFS.
 *
 * Node has no openat, but `/proc/self/fd/N/name` looks `name` up inside the
 * directory open as fd N, whatever has happened since to the names that led
 * to it. So a backend path "/a/b/name" becomes "/proc/self/fd/B/name", where
 * B was opened as "/proc/self/fd/A/b" and A as "ROOT/a", each with
 * O_DIRECTORY|O_NOFOLLOW: every component is looked up in the directory
 * actually reached, and a component swapped for a symlink fails (ENOTDIR)
 * instead of being followed. The final name is never followed either: the
 * callers use lstat, O_NOFOLLOW and the other no-follow calls, and reach a
 * directory's contents through its own descriptor (`dir`).
 *
 * The root itself is reached by its path, as before: the embedder chose it,
 * nothing below it can change what its path names, and a name directly in it
 * ("/name", the commonest) then costs no /proc lookup, which measures ~1.5 µs
 * more per call than a plain path.
 *
 * Directory descriptors are held for reuse (a walk per call would double the
 * system calls). A held descriptor keeps denoting the directory it was opened
 * on; the resolver checks each intermediate component (src/namespace/resolver.ts
 * kindAt) before using it, and `checked` drops a held directory whose path now
 * leads elsewhere, so host renames are seen on the next lookup.
 */

// Linux's O_PATH (the generic value, used by every architecture Node runs on):
// a descriptor that only names a directory, cheaper than a read one.
const O_PATH = 0o10000000;
const C = fs.constants;
const WALK = O_PATH | C.O_DIRECTORY | C.O_NOFOLLOW;
/** How many directories stay open per backend: enough for the directories a program works in. */
const HELD = 16;

interface Held {
  readonly fd: number;
  /** "/proc/self/fd/N/": a name appended is looked up inside it (built once: at() runs on every call). */
  readonly proc: string;
  readonly dev: number;
  readonly ino: number;
}

// A NodeFS that is collected closes what it held.
const closer = new FinalizationRegistry<{ held: Map<string, Held>; retired: number[] }>(({ held, retired }) => {
  for (const h of held.values()) fs.closeSync(h.fd);
  for (const fd of retired) fs.closeSync(fd);
});

/** Whether /proc/self/fd/N/name looks name up in fd N here: undefined until the first Beneath.open asks. */
let procWorks: boolean | undefined;

/**
 * Opens directory `real` and checks that /proc/self/fd leads back to the very
 * directory: /proc may be absent or hidepid-restricted.
 */
function probeProc(real: string): boolean | undefined {
  if (process.platform !== 'linux') return false;
  let fd: number;
  try {
    fd = fs.openSync(real, O_PATH | C.O_DIRECTORY);
  } catch {
    // Not an answer about /proc (the directory itself failed): ask again with the next one.
    return undefined;
  }
  try {
    // realpath, not fstat against lstat: the first Stats a process makes cost ~0.2 ms (Node's Stats
    // class and its date fields compiled), a fifth of a first host-directory run's start. Another
    // path than `real` (the directory renamed since its realpath) says nothing of /proc: ask again.
    return fs.realpathSync.native(`/proc/self/fd/${fd}/.`) === real ? true : undefined;
  } catch (err) {
    // ENOENT is also what the directory removed since the open above gets (nlink 0 then): that says
    // nothing of /proc either, ask again. Anything else: /proc is absent or does not lead here.
    return (err as { code?: unknown }).code === 'ENOENT' && fs.fstatSync(fd).nlink === 0 ? undefined : false;
  } finally {
    fs.closeSync(fd);
  }
}

export class Beneath {
  // Both made when the first directory is held: a backend whose program never works below the root
  // (an empty program, files in the root only) makes neither (BENCHMARKS.md, issue 14 part 7).
  #held: Map<string, Held> | undefined;
  /** Descriptors evicted during one call, closed at the start of the next (paths built on them may still be in use). */
  #retired: number[] | undefined;
  readonly #root: string;
  readonly #prefix: string;
  /** The NodeFS to register with `closer` when the first directory is held; undefined once registered. */
  #owner: object | undefined;

  private constructor(root: string, prefix: string, owner: object) {
    this.#root = root;
    this.#prefix = prefix;
    this.#owner = owner;
  }

  /**
   * A Beneath for host directory `real` (`prefix`: without a trailing separator), undefined
   * where `/proc/self/fd` does not act as openat, or null while the process has no answer (the
   * probe could not tell, e.g. `real` renamed, swapped or removed since its realpath): ask again later.
   */
  static open(owner: object, real: string, prefix: string): Beneath | undefined | null {
    // Whether /proc/self/fd acts as openat is a property of the process, not of the directory: asked once.
    if (procWorks === undefined) procWorks = probeProc(real);
    if (procWorks === undefined) return null;
    if (procWorks !== true) return undefined;
    // Registered with `closer` when it first holds a descriptor: a backend whose program never works
    // below the root (an empty program, files in the root only) costs the registry nothing.
    return new Beneath(real, prefix, owner);
  }

  /**
   * The host path for normalised backend path `path`: its last component
   * inside its parent's held descriptor ("/" is the root's "."). `fresh` is
   * false for the second path of a two-path call, so the first stays valid.
   */
  at(path: string, fresh = true): string {
    if (fresh) this.#closeRetired();
    if (path === '/') return this.#root;
    const cut = path.lastIndexOf('/');
    if (cut === 0) return this.#prefix + path;
    return this.#dir(path.slice(0, cut)).proc + path.slice(cut + 1);
  }

  /** A host path that opens directory `path` itself (for readdir), without following a symlink there. */
  dir(path: string): string {
    this.#closeRetired();
    return path === '/' ? this.#root : `/proc/self/fd/${this.#dir(path).fd}`;
  }

  /**
   * Tells what an lstat of `path` just found (undefined: nothing there), so a
   * held descriptor whose path now leads elsewhere is dropped.
   */
  checked(path: string, dev: number, ino: number, isDir: boolean): void {
    const h = this.#held?.get(path);
    if (h !== undefined && (!isDir || h.dev !== dev || h.ino !== ino)) this.#drop(path, h);
  }

  /** Renames and removals move or end directories: nothing held stays. */
  forget(): void {
    if (this.#held !== undefined) for (const [path, h] of this.#held) this.#drop(path, h);
  }

  #dir(path: string): Held {
    const got = this.#held?.get(path);
    if (got !== undefined) return got;
    const cut = path.lastIndexOf('/');
    const fd = fs.openSync(cut === 0 ? this.#prefix + path : this.#dir(path.slice(0, cut)).proc + path.slice(cut + 1), WALK);
    let st: fs.Stats;
    try {
      st = fs.fstatSync(fd);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    const held = (this.#held ??= new Map());
    const retired = (this.#retired ??= []);
    if (held.size >= HELD) {
      // The oldest: insertion order is age.
      const [p, old] = held.entries().next().value as [string, Held];
      this.#drop(p, old);
    }
    const h = { fd, proc: `/proc/self/fd/${fd}/`, dev: st.dev, ino: st.ino };
    held.set(path, h);
    if (this.#owner !== undefined) {
      closer.register(this.#owner, { held, retired });
      this.#owner = undefined;
    }
    return h;
  }

  /** Only for a held directory: #held and #retired exist then. */
  #drop(path: string, h: Held): void {
    this.#held!.delete(path);
    this.#retired!.push(h.fd);
  }

  #closeRetired(): void {
    const retired = this.#retired;
    if (retired !== undefined) while (retired.length > 0) fs.closeSync(retired.pop() as number);
  }
}
