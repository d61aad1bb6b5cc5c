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

/** What one directory entry costs against a quota besides its name: memfs keeps a link and a node per entry. */
const ENTRY_BYTES = 128;

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
 * A byte quota for one Volume: file data, symlink targets and a fixed cost
 * plus the name for each directory entry. The count never undercounts what went
 * through a MemFS: growth is charged as it happens, and frees (unlink, rmdir,
 * rename over a name, shrinking, closing an unlinked file) only mark the
 * count stale. A stale count is redone by walking the volume, and only when
 * a charge would not fit otherwise, so a guest at its limit costs a walk per
 * free, not per write. Bytes of files unlinked while still open stay counted
 * until they are closed, as on a POSIX filesystem (once per descriptor: an
 * overcount, never an undercount).
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
    const dirs = [this.root];
    for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
      for (const [name, link] of dir.children) {
        if (name === '.' || name === '..' || link === undefined) continue;
        used += ENTRY_BYTES + utf8Length(name);
        const node = link.getNode();
        if (seen.has(node)) continue;
        seen.add(node);
        const kind = node.mode & S_IFMT;
        if (kind === 0o040000) dirs.push(link);
        else if (kind === 0o120000) used += utf8Length(node.symlink);
        else used += node.getSize();
      }
    }
    for (const node of this.#open.values()) {
      if (node.nlink === 0) used += node.getSize();
    }
    this.#used = used;
    this.#stale = false;
  }

  /** Charges a new entry named `name` (plus `extra` bytes), runs `make`, and refunds if it fails. */
  newEntry<T>(name: string, extra: number, make: () => T): T {
    const cost = ENTRY_BYTES + utf8Length(name) + extra;
    this.#charge(cost, 'a new directory entry');
    try {
      return make();
    } catch (err) {
      this.#used -= cost;
      throw err;
    }
  }

  /** An entry is renamed from `fromName` to `toName`; what it replaces is freed. */
  renamed(fromName: string, toName: string): void {
    // The entry keeps its cost under a new name; a longer name costs its extra bytes.
    this.#charge(utf8Length(toName) - utf8Length(fromName), 'a longer name');
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
