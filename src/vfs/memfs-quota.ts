import type { Link } from '@jsonjoy.com/fs-core/lib/Link.js';
import type { Node } from '@jsonjoy.com/fs-core/lib/Node.js';
import { codeError } from '../errors.js';
import { S_IFMT } from './kinds.js';

/**
 * The byte quota of the MemFS backend (memfs.ts, `MemFSOptions.maxBytes`).
 *
 * memfs has no space limit: a tree grows until the process runs out of
 * memory, so without one a guest could fill the host's heap (or the browser
 * tab's). The backend charges growth here before it asks memfs for it, and a
 * guest past the limit gets ENOSPC, as on a full disk.
 */

/*
 * What the tree costs in memory, so that a quota bounds the heap and not
 * only the file data. Measured with scripts/measure-memfs-cost.mjs (memfs
 * 4.80.1, Node 20, x64: V8 heap plus ArrayBuffer bytes after a full GC,
 * 20,000 entries of each kind created through the imports, 8-byte names):
 * a file or a directory 2 levels down 1,424 / 1,420 bytes, a symlink with a
 * 1-byte target 1,457, a hard link 625, a file 65 levels down 1,924. memfs
 * keeps a Link per entry (with its own children Map, change fan-out, and
 * its whole path as an array of components) and a Node per inode.
 */

/** One directory entry (memfs Link), besides its name and path components. */
const LINK_BYTES = 600;
/** Each Link holds its path as an array: this much per component. */
const STEP_BYTES = 8;
/** One inode (memfs Node): every file, directory and symlink; a hard link adds none. */
const NODE_BYTES = 800;
/** A symlink's target, besides its bytes and its components. */
const TARGET_BYTES = 32;

/** What an entry named `name` at `depth` components below the tree's root costs, besides its inode. */
function linkBytes(depth: number, name: string): number {
  return LINK_BYTES + STEP_BYTES * depth + utf8Length(name);
}

/** What a symlink holding `target` costs besides its entry and inode. */
export function targetBytes(target: string): number {
  let parts = 1;
  for (let i = 0; i < target.length; i++) if (target.charCodeAt(i) === 0x2f) parts++;
  return TARGET_BYTES + utf8Length(target) + STEP_BYTES * parts;
}

/** UTF-8 length of a string, without encoding it: a symlink's size is its target's byte count. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n += 4; i++; } else n += 3;
    } else n += 3;
  }
  return n;
}

function noSpace(what: string): Error {
  return codeError('ENOSPC', `ENOSPC: ${what} would exceed the MemFS quota (maxBytes)`);
}

/**
 * A byte quota for one tree: file data, symlink targets, and what memfs
 * holds per entry and per inode (above). The count never undercounts what went
 * through a MemFS: growth is charged as it happens, and frees (unlink, rmdir,
 * rename over a name, shrinking, closing an unlinked file) only mark the
 * count stale. A stale count is redone by walking the volume, and only when
 * a charge would not fit otherwise, so a guest at its limit costs a walk per
 * free, not per write. Bytes of files unlinked while still open stay counted
 * until they are closed, as on a POSIX filesystem (once per descriptor: an
 * overcount, never an undercount). One exception: a directory renamed to a
 * deeper place lengthens its descendants' path arrays (STEP_BYTES each per
 * level), which is counted only at the next recount.
 */
export class Quota {
  #used = 0;
  #stale = true;
  /** Files opened through MemFS, by descriptor: an unlinked one still holds its bytes. */
  readonly #open = new Map<object, Node>();

  /** `root` is the root of the whole tree (a Volume's, not a MemFS `root` option's): the limit counts all of it. */
  constructor(readonly root: Link, public max: number) {}

  /** Bytes still free, recounting first if `want` does not fit a stale count. */
  #room(want: number): number {
    if (this.#used + want > this.max && this.#stale) this.recount();
    return Math.max(0, this.max - this.#used);
  }

  /** Takes `n` bytes or throws ENOSPC. */
  #charge(n: number, what: string): void {
    if (n <= 0) return;
    if (n > this.#room(n)) throw noSpace(what);
    this.#used += n;
  }

  /** The bytes in use, recounting a stale count first. */
  count(): number {
    if (this.#stale) this.recount();
    return this.#used;
  }

  /** Something may have been freed (unlink, rmdir, a truncating open): the count is stale. */
  freed(): void {
    this.#stale = true;
  }

  recount(): void {
    let used = 0;
    const seen = new Set<Node>();
    const dirs: [Link, number][] = [[this.root, 0]];
    for (let top = dirs.pop(); top !== undefined; top = dirs.pop()) {
      const [dir, depth] = top;
      for (const [name, link] of dir.children) {
        if (name === '.' || name === '..' || link === undefined) continue;
        used += linkBytes(depth + 1, name);
        const node = link.getNode();
        if (seen.has(node)) continue;
        seen.add(node);
        used += NODE_BYTES;
        const kind = node.mode & S_IFMT;
        if (kind === 0o040000) dirs.push([link, depth + 1]);
        else if (kind === 0o120000) used += targetBytes(node.symlink);
        else used += node.getSize();
      }
    }
    for (const node of this.#open.values()) {
      if (node.nlink === 0) used += node.getSize();
    }
    this.#used = used;
    this.#stale = false;
  }

  /**
   * Charges a new entry named `name` at `depth` components below the tree's
   * root (with a new inode unless it is a hard link, plus `extra` bytes),
   * runs `make`, and refunds if it fails.
   */
  newEntry<T>(depth: number, name: string, newInode: boolean, extra: number, make: () => T): T {
    const cost = linkBytes(depth, name) + (newInode ? NODE_BYTES : 0) + extra;
    this.#charge(cost, 'a new directory entry');
    try {
      return make();
    } catch (err) {
      this.#used -= cost;
      throw err;
    }
  }

  /** An entry is renamed from `fromName` at `fromDepth` to `toName` at `toDepth`; what it replaces is freed. */
  renamed(fromDepth: number, fromName: string, toDepth: number, toName: string): void {
    // The entry keeps its cost at its new place; a longer name or a deeper place costs the difference.
    this.#charge(linkBytes(toDepth, toName) - linkBytes(fromDepth, fromName), 'a longer name or a deeper path');
    this.#stale = true;
  }

  /** Descriptor `key` of `node` was opened through MemFS: if its file is unlinked, its bytes stay counted until it is closed. */
  opened(key: object, node: Node): void {
    this.#open.set(key, node);
  }

  /** Descriptor `key` is about to close. */
  closing(key: object): void {
    const node = this.#open.get(key);
    // Closing the last descriptor of an unlinked file frees its bytes.
    if (node !== undefined && this.#open.delete(key) && node.nlink === 0) this.#stale = true;
  }

  /** `node` is truncated or extended to `size` bytes: charges growth or throws ENOSPC. */
  resize(node: Node, size: number): void {
    const current = node.getSize();
    if (size > current) this.#charge(size - current, 'growing a file');
    else if (size < current) this.#stale = true;
  }

  /**
   * The part of a write of `from` at `position` to `node` that fits the
   * quota, charged: a write that would grow the file past it is cut short
   * (write(2) then returns a short count), and one that cannot store a
   * single byte is ENOSPC.
   */
  fit(node: Node, from: Uint8Array, position: number): Uint8Array {
    // An empty write stores nothing, even past the end.
    if (from.byteLength === 0) return from;
    const size = node.getSize();
    const end = position + from.byteLength;
    if (end <= size) return from;
    const room = this.#room(end - size);
    if (end - size <= room) {
      this.#used += end - size;
      return from;
    }
    const keep = size + room - position;
    if (keep <= 0) throw noSpace('a write');
    this.#used += room;
    return from.subarray(0, keep);
  }
}
