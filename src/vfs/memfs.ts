import { Link } from '@jsonjoy.com/fs-core/lib/Link.js';
import { Node } from '@jsonjoy.com/fs-core/lib/Node.js';
import type { Superblock } from '@jsonjoy.com/fs-core/lib/Superblock.js';
import type { Volume } from 'memfs';
import { codeError } from '../errors.js';
import type { Vfs, VfsDirEntry, VfsFile, VfsKind, VfsOpened, VfsOpenFlags, VfsStat, VfsTime } from './types.js';
import { kindOfMode, S_IFMT } from './kinds.js';
import { Quota, targetBytes, utf8Length } from './memfs-quota.js';
import { timeOf, TimeTable } from './memfs-times.js';

/**
 * A backend on memfs's tree (`@jsonjoy.com/fs-core`: `Link`s naming `Node`s),
 * for Node and browsers alike.
 *
 * It works on the tree, not through memfs's `Volume` (a whole Node `fs`
 * clone: a permission check with the real uid, path parsing and a `Stats`
 * object per call), which made it five times slower than it needs to be and
 * pulled a `Buffer` and `events` polyfill into browsers (BENCHMARKS.md). A
 * `Volume` passed in is used as is: its tree (`vol._core`) is walked and
 * changed the way its own methods change it, so both see one filesystem.
 *
 * Buffers: a file's bytes stay in the node's `buf` (a Buffer, `capacity`
 * bytes, the first `size` of them the file), where memfs's own methods and an
 * embedder's Volume find them. Small files grow by memfs's doubling; large
 * ones in place (`grow` below). Bytes move with `Uint8Array#set`.
 *
 * What memfs lacks lives beside this file: nanosecond times (memfs-times.ts)
 * and a byte quota (memfs-quota.ts), both kept per tree in `TreeState`.
 */

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** Symlinks followed in one lookup before ELOOP (Linux's MAXSYMLINKS). */
const MAX_HOPS = 40;

/** What this file needs of a tree: a Volume's Superblock has it, and so does `Store`. */
interface Tree {
  /** Undefined only in a store whose root is not made yet (Store.plant). */
  readonly root: Link | undefined;
  createNode(mode: number): Node;
  deleteNode(node: Node): void;
}

/**
 * memfs's Node constructor asks the process for its uid and gid twice (its
 * field initialisers call process.getuid()/getgid() even when the caller
 * passes both): four system calls in Node, most of the cost of a new file in
 * a MemFS. A node of our own store is made instead as one made by that
 * constructor with uid and gid 0, field for field in the constructor's order
 * (one hidden class): a copy of a template. test/memfs-node.test.ts holds
 * this to fs-core's constructor, so an upgrade that adds a field fails there,
 * not here.
 *
 * What such a node and its link hold is kept small, because a tree the
 * embedder builds before a run stays in the young generation long enough to
 * make V8 grow it (to 32 MiB for 10,000 files, 1.4 KB each), and every page
 * of young generation a run touches for the first time costs a page fault
 * (BENCHMARKS.md, issue 14 part 7). So: one `Date` for a new node's four
 * times (memfs replaces a time, never changes a `Date` in place), and one
 * change bus for every node and link of our stores, where nothing can listen
 * (nodes and links of a store never leave this file; memfs's deprecated
 * per-node buses are for Volume users).
 */
const NODE_TEMPLATE = new Node(0, 0, 0, 0);
const FanOut = (NODE_TEMPLATE.changes as object).constructor as new () => Node['changes'];
const BUS = new FanOut();
let stamp = new Date(0);

export function newNode(ino: number, mode: number, ms = Date.now()): Node {
  // A spread copies the fields in order into an object of their size (V8 clones the template's layout);
  // Object.assign into Object.create's empty object grew its property store field by field, 144 bytes
  // more per node, and took longer while cold (BENCHMARKS.md, issue 14 part 7).
  const node = Object.setPrototypeOf({ ...NODE_TEMPLATE }, Node.prototype) as Record<string, unknown>;
  // Nodes of a store never leave this file, so nothing listens on their change bus: one serves them all.
  node.changes = BUS;
  // One Date for the four times, and for every node made in the same millisecond (a tree seeded at
  // once holds one): fs-core and this backend replace a node's Dates, never change one in place, and
  // these nodes are never handed to an embedder (a Volume makes its own).
  if (ms !== stamp.getTime()) stamp = new Date(ms);
  node._atime = node._mtime = node._ctime = node._btime = stamp;
  node.mode = mode;
  node.ino = ino;
  return node as unknown as Node;
}

/** The children of every link of a store that is not a directory's: nothing ever adds to them (exported for a test). */
export const NO_CHILDREN = new Map<string, Link>();

/**
 * A link `name` to `node` in `dir`, by fs-core's `createChild`; in a store of
 * ours it then drops what it made of its own but needs not: its change bus,
 * and but for a directory's, its `Map` of children (garbage at once, never
 * kept).
 */
function addChild(dir: Link, name: string, node: Node): Link {
  const link = dir.createChild(name, node);
  if (dir.vol instanceof Store) {
    (link as { changes: unknown }).changes = BUS;
    if (!isDir(node)) link.children = NO_CHILDREN;
  }
  return link;
}

/** The root directory of `tree`, made first if it is a store's not made yet (Store.plant). */
function rootOf(tree: Tree): Link {
  return tree.root ?? (tree as Store).plant();
}

/** A tree of MemFS's own, without a Volume: memfs's Links and Nodes and an ino counter. */
class Store implements Tree {
  /** This store's state, kept here rather than in `states`: a WeakMap entry per MemFS costs the GC. */
  declare state: TreeState | undefined;
  #ino = 0;
  /**
   * The root directory, made at its first use (plant): a MemFS whose program never looks at a file
   * makes no Link, Node, Map, Set or Date for it (BENCHMARKS.md, issue 14 part 8). A data property,
   * not a getter: every lookup reads it (a getter there cost opens 6% and listings 10%, bench/ab.mjs).
   */
  declare root: Link | undefined;
  /** The root's times, whenever the root is made: the store's making. */
  readonly #born = Date.now();

  /** Makes the root: the first node made, so ino 1. */
  plant(): Link {
    // Link keeps its tree only to make default nodes (createChild without one), which this file never asks for.
    const root = (this.root = new Link(this as unknown as Superblock, undefined, ''));
    root.setNode(newNode(++this.#ino, S_IFDIR | 0o777, this.#born));
    root.children.set('.', root);
    root.children.set('..', root);
    return root;
  }

  createNode(mode: number): Node {
    // inos are never reused, so (dev, ino) names one node for the store's life.
    return newNode(++this.#ino, mode);
  }

  deleteNode(): void {}
}

/** State shared by every MemFS on one tree, so two views of one volume agree. */
interface TreeState {
  readonly tree: Tree;
  readonly dev: bigint;
  readonly times: TimeTable;
  /** The byte quota (MemFSOptions.maxBytes), if one was set on any view of this tree. */
  quota: Quota | undefined;
}

const states = new WeakMap<Tree, TreeState>();
// Arbitrary, only distinct per tree: m, e, m in ASCII.
let nextDev = 0x6d656d00n;

function stateOf(tree: Tree): TreeState {
  if (tree instanceof Store) return (tree.state ??= { tree, dev: nextDev++, times: new TimeTable(), quota: undefined });
  let s = states.get(tree);
  if (s === undefined) {
    s = { tree, dev: nextDev++, times: new TimeTable(), quota: undefined };
    states.set(tree, s);
  }
  return s;
}

function fail(code: string, what: string, path: string): never {
  throw codeError(code, `${code}: ${what} '${path}'`);
}

const isDir = (node: Node): boolean => (node.mode & S_IFMT) === S_IFDIR;
const isSymlink = (node: Node): boolean => (node.mode & S_IFMT) === S_IFLNK;

function isEmpty(dir: Link): boolean {
  for (const name of dir.children.keys()) if (name !== '.' && name !== '..') return false;
  return true;
}

function statOf(s: TreeState, node: Node): VfsStat {
  const r = s.times.live(node);
  // A symlink's size is its target's length (POSIX, Node); memfs says 0.
  const size = isSymlink(node) ? utf8Length(node.symlink) : node.getSize();
  return {
    dev: s.dev,
    ino: BigInt(node.ino),
    kind: kindOfMode(node.mode),
    nlink: BigInt(node.nlink),
    size: BigInt(size),
    atimNs: timeOf(r?.a, node.atime.getTime()),
    mtimNs: timeOf(r?.m, node.mtime.getTime()),
    ctimNs: timeOf(r?.c, node.ctime.getTime()),
  };
}

/** The fields of memfs's Node that hold a file's bytes (private in its types; test/memfs-node.test.ts checks them). */
interface NodeData {
  buf: Node['buf'];
  capacity: number;
  size: number;
}

/** ES2024's resizable ArrayBuffer (Node 20, Chromium 111, Firefox 128), beyond this build's ES2022 lib. */
interface Resizable extends ArrayBuffer {
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}
type ResizableBuffer = new (byteLength: number, options: { maxByteLength: number }) => Resizable;

/**
 * Makes room for `end` bytes in `node`. memfs doubles into a new buffer and
 * leaves the old ones to the garbage collector, so 30 MiB of appends peaked
 * at 66 MiB (BENCHMARKS.md, issue 14 part 5). A file past 1 MiB instead
 * lives in a resizable ArrayBuffer reserving 16 times its size: it grows
 * there without a copy, and moves (one copy, geometric, so appends stay
 * amortised O(1)) only when it outgrows the reservation. Below 1 MiB
 * memfs's doubling is cheap and a mapping of its own not worth it. Where
 * resizable buffers are missing or a reservation is refused (address space,
 * a browser's own limit), memfs's doubling does it. Returns the offset from
 * which the new buffer holds zeros, or undefined when it made none.
 */
function grow(node: Node, end: number): number | undefined {
  const d = node as unknown as NodeData;
  if (end <= d.capacity || end < 1 << 20) return undefined;
  let ab = d.buf.buffer as Resizable;
  // A fixed-length buffer's maxByteLength is its length (ES2024), so a buffer memfs made has to move;
  // one that could hold `end` throws at resize below and is left to memfs. memfs makes no resizable
  // buffer: one behind a node is this function's.
  const moving = ab.maxByteLength < end;
  let capacity;
  let buf: Node['buf'];
  try {
    // 2^32: Node 20's largest reservation.
    if (moving) ab = new (ArrayBuffer as unknown as ResizableBuffer)(0, { maxByteLength: Math.min(2 ** 32, 16 * end) });
    // Doubling still, so a run of small appends resizes rarely; pages not yet written cost no memory.
    // Throws where resizable buffers are missing (no resize), or past the reservation (a file over 4 GiB).
    ab.resize((capacity = Math.min(Math.max(d.capacity * 2, end), ab.maxByteLength)));
    // A view of the node's own Buffer class (Node's, or the browser build's stand-in), so memfs's
    // methods work on it; memfs's package that exports it is not this package's dependency.
    buf = (d.buf.constructor as unknown as { from(ab: ArrayBuffer, offset: number, length: number): Node['buf'] }).from(ab, 0, capacity);
  } catch {
    return undefined; // memfs's doubling instead
  }
  // A resizable buffer's new bytes are zeros (ES2024 resize), a fresh one's too.
  const fresh = moving ? d.size : d.capacity;
  if (moving) buf.set(d.buf.subarray(0, d.size));
  d.buf = buf;
  d.capacity = capacity;
  return fresh;
}

/**
 * Makes `node` `end` bytes long (more than it holds), zeros in the gap.
 * memfs's truncate fills the whole gap, touching every page of it: one write
 * a byte short of 4 GiB made the host zero 4 GiB (11 s, 4 GiB resident).
 * Past what grow() made fresh the bytes are zeros already; only the stale
 * tail before it (bytes a shrink left behind) is filled.
 */
function extend(node: Node, end: number, quota: Quota | undefined): void {
  const fresh = grow(node, end);
  if (fresh === undefined) {
    try {
      return node.truncate(end);
    } catch {
      // Memory refused the bytes below MAX_FILE_BYTES (a browser's limit, address space): to the
      // guest a full disk, as Linux's tmpfs answers when memory runs out, not the EINVAL of a
      // RangeError. What the quota charged for them is recounted.
      quota?.freed();
      throw codeError('ENOSPC');
    }
  }
  const d = node as unknown as NodeData;
  if (fresh > d.size) d.buf.fill(0, d.size, Math.min(fresh, end));
  d.size = end;
  node.touch();
}

/**
 * The largest MemFS file: one buffer, and Node 20's largest Buffer holds 2^32
 * bytes. Past it a write or truncate is EFBIG, what POSIX names for a file
 * past the largest size (not the EINVAL of the allocation's RangeError),
 * with nothing written; a host directory takes such a file (sparse).
 */
const MAX_FILE_BYTES = 2 ** 32;

function checkFileSize(end: number): void {
  if (end > MAX_FILE_BYTES) throw codeError('EFBIG', `EFBIG: a memory file holds at most ${MAX_FILE_BYTES} bytes, not ${end}`);
}

/** Writes `from` into `node` at `position`, growing it (zeros in any gap) as needed. */
function writeNode(node: Node, from: Uint8Array, position: number, quota?: Quota): void {
  const end = position + from.byteLength;
  // Zeros in any gap; past the capacity of a small file memfs doubles into a new buffer.
  if (end > node.getSize()) extend(node, end, quota);
  else node.touch();
  node.buf.set(from, position);
}

class MemFile implements VfsFile {
  readonly #s: TreeState;
  readonly #node: Node;

  constructor(s: TreeState, node: Node) {
    this.#s = s;
    this.#node = node;
  }

  read(into: Uint8Array, position: number): number {
    const node = this.#node;
    if (isDir(node)) throw codeError('EISDIR', 'EISDIR: read of a directory');
    const n = Math.min(into.byteLength, node.getSize() - position);
    node.atime = new Date();
    if (n <= 0) return 0;
    // A plain view, not buf.subarray: a Buffer's subarray makes another Buffer through its species
    // (Node's FastBuffer, or the browser stand-in), 2.6× the cost of this one while cold.
    const buf = node.buf;
    into.set(new Uint8Array(buf.buffer, buf.byteOffset + position, n));
    return n;
  }

  write(from: Uint8Array, position: number): number {
    // An empty write stores nothing, so it exceeds no size, wherever it is.
    if (from.byteLength > 0) checkFileSize(position + from.byteLength);
    const node = this.#node;
    const { quota, times } = this.#s;
    if (quota !== undefined) from = quota.fit(node, from, position);
    // An empty write changes nothing, times included, as POSIX allows.
    if (from.byteLength === 0) return 0;
    const r = times.forNode(node);
    // The clock only for a node whose times are kept apart (memfs-times.ts): most writes read none.
    const t0 = r === undefined ? 0 : Date.now();
    writeNode(node, from, position, quota);
    r?.modifiedSince(t0, node);
    return from.byteLength;
  }

  truncate(size: number): void {
    checkFileSize(size);
    const node = this.#node;
    const { quota, times } = this.#s;
    quota?.resize(node, size);
    const r = times.forNode(node);
    const t0 = Date.now();
    if (size > node.getSize()) extend(node, size, quota);
    else node.truncate(size);
    r?.modifiedSince(t0, node);
  }

  stat(): VfsStat {
    return statOf(this.#s, this.#node);
  }

  setTimes(atim: VfsTime, mtim: VfsTime): void {
    this.#s.times.setTimes(this.#node, atim, mtim);
  }

  // Memory has nothing to flush.
  sync(): void {}
  datasync(): void {}

  close(): void {
    this.#s.quota?.closing(this);
  }
}

export type MemFSSeed = Record<string, string | Uint8Array | null>;

export interface MemFSOptions {
  /**
   * The Volume directory that backend path "/" maps to (default "/"). A
   * guest given this MemFS reaches that subtree only; the rest of the Volume
   * stays out of its reach. Seeds are created inside it.
   */
  root?: string;
  /**
   * Most bytes the Volume may hold: file data, symlink targets, and 128
   * bytes plus the name for each directory entry. Writes, truncates and new
   * entries past it fail with ENOSPC (a write that partly fits is cut
   * short). Counts the whole Volume, seed included; the limit is the
   * Volume's, shared by every MemFS on it (the latest one set wins).
   * Default: no limit.
   */
  maxBytes?: number;
}

function isVolume(x: Volume | MemFSSeed): x is Volume {
  // Duck-typed so a Volume from another copy of memfs is still taken as one;
  // a seed's values are never functions.
  return typeof (x as { openSync?: unknown }).openSync === 'function';
}

/** The components of a path, without empty ones: "/a//b/" is ["a", "b"]. */
function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '');
}

function checkOptions(options: MemFSOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('MemFS: options must be an object');
  const { root, maxBytes } = options;
  if (root !== undefined && (typeof root !== 'string' || !root.startsWith('/') || /(^|\/)\.\.?(\/|$)|\0/.test(root))) {
    throw new TypeError(`MemFS: option \`root\` must be an absolute Volume path without "." or "..", got ${String(root)}`);
  }
  if (maxBytes !== undefined && !(typeof maxBytes === 'number' && maxBytes >= 0 && Number.isSafeInteger(maxBytes))) {
    throw new RangeError(`MemFS: option \`maxBytes\` must be a non-negative integer, got ${String(maxBytes)}`);
  }
}

/** A seed's values become file contents as they are; anything else would be written as its String(). */
function checkSeed(seed: Volume | MemFSSeed): void {
  if (typeof seed !== 'object' || seed === null || Array.isArray(seed)) {
    throw new TypeError("MemFS: the seed must be a memfs Volume or an object of files, e.g. { 'dir/a.txt': 'text', 'empty/': null }");
  }
  if (isVolume(seed)) {
    // MemFS works on the Volume's tree (its `_core`), which another fs-shaped object lacks.
    if (typeof (seed as { _core?: unknown })._core !== 'object') {
      throw new TypeError("MemFS: the seed has fs methods but is not a memfs Volume (it has no tree, `_core`): pass the Volume itself (for memfs's createFsFromVolume(vol), pass vol)");
    }
    return;
  }
  for (const [name, value] of Object.entries(seed)) {
    if (value === null || typeof value === 'string' || value instanceof Uint8Array) continue;
    const got = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
    const fix = typeof value === 'object' ? `write nested files as '${name}/child': ...` : `write String(${String(value)})`;
    throw new TypeError(`MemFS: seed ${JSON.stringify(name)} must be a string, a Uint8Array or null (a directory), got ${got}; ${fix}`);
  }
}

/** A directory entry looked up without following it: its directory, its name, and the link there if any. */
interface Entry {
  dir: Link;
  name: string;
  link: Link | undefined;
}

/** Components between the tree's root and `link` (the root is 0). */
function depthOf(link: Link): number {
  let n = 0;
  for (const c of link.steps) if (c !== '') n++;
  return n;
}

export class MemFS implements Vfs {
  readonly name = 'memfs';
  /** openFile looks names up link by link and follows no symlink: the resolver may hand it a plain path whole. */
  readonly walksBeneath = true;
  readonly #s: TreeState;
  readonly #volume: Volume | undefined;
  /** The tree path of backend "/" (MemFSOptions.root), as components; [] for the tree's own root. */
  readonly #prefix: string[];

  /**
   * @param seed a Volume to use as is (an embedder may share it), or files to
   *   create: `{'src/main.c': '...', 'empty-dir/': null}`; a key ending in "/"
   *   or a null value is a directory; parent directories are created.
   * @param options `root` (a Volume subtree to serve) and `maxBytes` (a quota).
   */
  constructor(seed?: Volume | MemFSSeed, options: MemFSOptions = {}) {
    checkOptions(options);
    if (seed !== undefined) checkSeed(seed);
    const given = seed !== undefined && isVolume(seed) ? seed : undefined;
    this.#volume = given;
    const tree: Tree = given !== undefined ? given._core : new Store();
    this.#s = stateOf(tree);
    // Each option's work is a method of its own: `new MemFS()` compiles only what it runs (a fresh
    // process's first MemFS is part of its start, BENCHMARKS.md, issue 14 part 10).
    this.#prefix = [];
    if (options.root !== undefined && options.root !== '/') this.#prefix = this.#rootSteps(options.root, given === undefined);
    if (given === undefined && seed !== undefined) this.#seed(seed as MemFSSeed, tree);
    if (options.maxBytes !== undefined) this.#limit(tree, options.maxBytes);
  }

  /** The tree path of option `root`, made first when the tree is this backend's own. */
  #rootSteps(root: string, own: boolean): string[] {
    if (own) this.#mkdirs(components(root));
    // Symlinks in the root itself are the embedder's; resolve them once, as NodeFS does.
    let link: Link | undefined;
    try {
      link = this.#lookup(root, true);
    } catch {
      // reported below
    }
    if (link === undefined || !isDir(link.getNode())) throw new TypeError(`MemFS: option \`root\` is not a directory of the Volume: ${root}`);
    return link.steps.filter((c) => c !== '');
  }

  /** Creates the seed's files and directories (below `root`: #mkdirs works under the prefix). */
  #seed(files: MemFSSeed, tree: Tree): void {
    const utf8 = new TextEncoder();
    for (const key of Object.keys(files)) {
      const value = files[key];
      const parts = components(key);
      if (value === null || key.endsWith('/')) {
        this.#mkdirs(parts);
        continue;
      }
      const name = parts.pop();
      if (name === undefined) continue;
      const dir = this.#mkdirs(parts);
      let link = dir.children.get(name);
      // A new node is empty already: an empty file makes no buffer and no new times (see newNode).
      if (link === undefined) link = addChild(dir, name, tree.createNode(S_IFREG | 0o666));
      else link.getNode().truncate(0);
      const bytes = typeof value === 'string' ? utf8.encode(value) : value;
      if (bytes.byteLength > 0) writeNode(link.getNode(), bytes, 0);
    }
  }

  /** Option `maxBytes`: a quota over the whole tree, shared with every MemFS on it. */
  #limit(tree: Tree, maxBytes: number): void {
    const s = this.#s;
    if (s.quota === undefined) s.quota = new Quota(rootOf(tree), maxBytes);
    else s.quota.max = maxBytes;
    s.quota.recount();
  }

  overlaps(other: Vfs): boolean {
    if (!(other instanceof MemFS) || other.#s !== this.#s) return false;
    const a = this.#prefix;
    const b = other.#prefix;
    // One is a prefix of the other, the tree's root ([]) included.
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** The backend's root directory: the tree's root, or the `root` option's directory if it is still there. */
  #base(path: string): Link {
    let link = rootOf(this.#s.tree);
    for (const name of this.#prefix) {
      const next = link.children.get(name);
      if (next === undefined || !isDir(next.getNode())) fail('ENOENT', 'no such file or directory', path);
      link = next;
    }
    return link;
  }

  /**
   * The link at backend path `path`, following symlinks in every component
   * but the last (and the last too when `followLast`), inside this backend:
   * an absolute target starts at its root, ".." stops there. Undefined if the
   * last component is missing; ENOENT or ENOTDIR if an earlier one is.
   */
  #lookup(path: string, followLast: boolean): Link | undefined {
    // The common case, plain names and no symlink on the way, in one pass without arrays (the resolver's
    // walk asks this once per component); anything else starts over in #walk, which handles it all.
    const cut = path.lastIndexOf('/');
    const dir = this.#dirPlain(path, cut);
    const name = path.slice(cut + 1);
    // ".." would be memfs's own link to the parent, which may lie above the backend root: #walk stops there.
    if (dir !== undefined && name !== '..') {
      if (name === '') return dir;
      const link = dir.children.get(name);
      if (link === undefined || !followLast || !isSymlink(link.getNode())) return link;
    }
    return this.#walk(this.#base(path), path, followLast);
  }

  /**
   * The directory `path` names up to `end`, through plain names only, each
   * looked up in the directory reached; undefined at anything else (a
   * symlink, "..", an empty name, something missing or not a directory).
   */
  #dirPlain(path: string, end: number): Link | undefined {
    let dir = this.#base(path);
    for (let at = 1; at < end; ) {
      let next = path.indexOf('/', at);
      if (next < 0 || next > end) next = end;
      const name = path.slice(at, next);
      const link = name === '..' ? undefined : dir.children.get(name);
      if (link === undefined || !isDir(link.getNode())) return undefined;
      dir = link;
      at = next + 1;
    }
    return dir;
  }

  /** #lookup's general walk: ".", ".." and symlinks. */
  #walk(base: Link, path: string, followLast: boolean): Link | undefined {
    let parts = components(path);
    let link = base;
    let hops = 0;
    for (let i = 0; i < parts.length; ) {
      if (!isDir(link.getNode())) fail('ENOTDIR', 'not a directory', path);
      const name = parts[i];
      if (name === '.' || name === '..') {
        if (name === '..' && link !== base) link = link.parent ?? base;
        i++;
        continue;
      }
      const child = link.children.get(name);
      const last = i === parts.length - 1;
      if (child === undefined) {
        if (last) return undefined;
        fail('ENOENT', 'no such file or directory', path);
      }
      const node = child.getNode();
      if (isSymlink(node) && (!last || followLast)) {
        if (++hops > MAX_HOPS) fail('ELOOP', 'too many symbolic links', path);
        if (node.symlink.startsWith('/')) link = base;
        parts = components(node.symlink).concat(parts.slice(i + 1));
        i = 0;
        continue;
      }
      link = child;
      i++;
    }
    return link;
  }

  /** The entry for `path`: its parent directory (which must exist) and what is there, not followed. */
  #entry(path: string): Entry {
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    if (name === '') {
      // The backend's root, which no call may remove or move (`link === dir` says so).
      const root = this.#base(path);
      return { dir: root, name, link: root };
    }
    const dir = this.#lookup(path.slice(0, slash) || '/', true);
    if (dir === undefined) fail('ENOENT', 'no such file or directory', path);
    if (!isDir(dir.getNode())) fail('ENOTDIR', 'not a directory', path);
    return { dir, name, link: name === '.' || name === '..' ? undefined : dir.children.get(name) };
  }

  /** The node at `path`, not following a final symlink; ENOENT if missing. */
  #existing(path: string): Link {
    const { link } = this.#entry(path);
    if (link === undefined) fail('ENOENT', 'no such file or directory', path);
    return link;
  }

  /** Makes the directories `parts` (tree components below the backend root) and returns the last. */
  #mkdirs(parts: string[]): Link {
    let link = this.#base('/');
    for (const name of parts) {
      let next = link.children.get(name);
      if (next === undefined) next = addChild(link, name, this.#s.tree.createNode(S_IFDIR | 0o777));
      else if (!isDir(next.getNode())) fail('ENOTDIR', 'not a directory', '/' + parts.join('/'));
      link = next;
    }
    return link;
  }

  /** Bytes the Volume holds as the quota counts them (file data, symlink targets, entries), or undefined without maxBytes. */
  get usedBytes(): number | undefined {
    return this.#s.quota?.count();
  }

  /** Charges a new entry `name` in `dir` (a new inode unless a hard link, plus `extra` bytes) and runs `make`, which creates it. */
  #newEntry<T>(dir: Link, name: string, extra: number, make: () => T, newInode = true): T {
    const q = this.#s.quota;
    return q === undefined ? make() : q.newEntry(depthOf(dir) + 1, name, newInode, extra, make);
  }

  /** The memfs Volume this MemFS was given, or undefined for one made from a seed (it has no Volume). */
  get volume(): Volume | undefined {
    return this.#volume;
  }

  /** The file at `path` (symlinks followed), for the helpers below. */
  #file(path: string): Node {
    const p = path.startsWith('/') ? path : '/' + path;
    const link = this.#lookup(p, true);
    if (link === undefined) fail('ENOENT', 'no such file or directory', p);
    const node = link.getNode();
    if (isDir(node)) fail('EISDIR', 'is a directory', p);
    return node;
  }

  /** A copy of a file's bytes, for reading results back after a run. */
  readFile(path: string): Uint8Array {
    const node = this.#file(path);
    // A copy: Buffer#slice would be a view of the node's storage.
    return new Uint8Array(node.buf.subarray(0, node.getSize()));
  }

  readText(path: string): string {
    const node = this.#file(path);
    return new TextDecoder().decode(node.buf.subarray(0, node.getSize()));
  }

  /**
   * Every file as UTF-8 text and every empty directory as null, keyed like a
   * seed (no leading "/"). Symlinks are left out, as memfs's toJSON does.
   */
  toJSON(): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    const decoder = new TextDecoder();
    const walk = (dir: Link, at: string): void => {
      let empty = true;
      for (const [name, link] of dir.children) {
        if (name === '.' || name === '..' || link === undefined) continue;
        empty = false;
        const node = link.getNode();
        const path = at === '' ? name : `${at}/${name}`;
        if (isDir(node)) walk(link, path);
        else if (!isSymlink(node)) out[path] = decoder.decode(node.buf.subarray(0, node.getSize()));
      }
      if (empty && at !== '') out[at] = null;
    };
    walk(this.#base('/'), '');
    return out;
  }

  lstat(path: string): VfsStat {
    return statOf(this.#s, this.#existing(path).getNode());
  }

  kind(path: string): VfsKind | undefined {
    // A tree's root is a directory for the tree's life (a Volume's too): answered without the lookup,
    // which would make a store's root (Store.root) for a preopen's check (Namespace.mount).
    if (path === '/' && this.#prefix.length === 0) return 'directory';
    // The resolver's per-component question: nothing there, even for want of a parent, is undefined.
    let link: Link | undefined;
    try {
      link = this.#lookup(path, false);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
      throw err;
    }
    return link === undefined ? undefined : kindOfMode(link.getNode().mode);
  }

  open(path: string, flags: VfsOpenFlags): VfsFile {
    const e = this.#entry(path);
    let link = e.link;
    if (link !== undefined && flags.create && flags.exclusive) fail('EEXIST', 'file exists', path);
    if (link !== undefined && isSymlink(link.getNode())) {
      if (flags.noFollow) fail('ELOOP', 'a symbolic link, opened with O_NOFOLLOW', path);
      link = this.#lookup(path, true);
    }
    if (link === undefined) {
      if (!flags.create || e.link !== undefined) fail('ENOENT', 'no such file or directory', path);
      link = this.#create(e.dir, e.name);
    }
    return this.#openNode(link.getNode(), flags, path);
  }

  /**
   * One walk from the root, each name looked up in the directory reached and
   * no symlink followed (src/vfs/types.ts openFile, walksBeneath): opens a
   * regular file, or creates one where nothing is, as `open` does.
   */
  openFile(path: string, flags: VfsOpenFlags): VfsOpened {
    const cut = path.lastIndexOf('/');
    const dir = this.#dirPlain(path, cut);
    // Something else on the way: the resolver's walk says what.
    if (dir === undefined) return undefined;
    const name = path.slice(cut + 1);
    const node = dir.children.get(name)?.getNode();
    if (node === undefined) return flags.create ? this.#openNode(this.#create(dir, name).getNode(), flags, path) : 'none';
    // O_EXCL on a file: left to the general walk's EEXIST.
    return (node.mode & S_IFMT) !== S_IFREG ? kindOfMode(node.mode) : flags.exclusive ? undefined : this.#openNode(node, flags, path);
  }

  /** A new regular file `name` in `dir`. */
  #create(dir: Link, name: string): Link {
    return this.#newEntry(dir, name, 0, () => addChild(dir, name, this.#s.tree.createNode(S_IFREG | 0o666)));
  }

  /** Opens `node` (reached through `path`) as `flags` say. */
  #openNode(node: Node, flags: VfsOpenFlags, path: string): VfsFile {
    const s = this.#s;
    if (isDir(node) && flags.write) fail('EISDIR', 'is a directory', path);
    if (flags.truncate && !isDir(node)) {
      node.truncate(0);
      s.quota?.freed();
      s.times.truncated(node);
    }
    const file = new MemFile(s, node);
    s.quota?.opened(file, node);
    return file;
  }

  readdir(path: string): VfsDirEntry[] {
    const dir = this.#existing(path);
    if (!isDir(dir.getNode())) fail('ENOTDIR', 'not a directory', path);
    const out: VfsDirEntry[] = [];
    for (const [name, link] of dir.children) {
      if (name === '.' || name === '..' || link === undefined) continue;
      const node = link.getNode();
      out.push({ name, kind: kindOfMode(node.mode), ino: BigInt(node.ino) });
    }
    out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    return out;
  }

  mkdir(path: string): void {
    const { dir, name, link } = this.#entry(path);
    if (link !== undefined) fail('EEXIST', 'file exists', path);
    this.#newEntry(dir, name, 0, () => addChild(dir, name, this.#s.tree.createNode(S_IFDIR | 0o777)));
  }

  rmdir(path: string): void {
    const { dir, link } = this.#entry(path);
    if (link === undefined) fail('ENOENT', 'no such file or directory', path);
    if (!isDir(link.getNode())) fail('ENOTDIR', 'not a directory', path);
    if (link === dir) fail('EBUSY', 'the root of the backend', path);
    if (!isEmpty(link)) fail('ENOTEMPTY', 'directory not empty', path);
    this.#remove(dir, link);
  }

  unlink(path: string): void {
    const { dir, link } = this.#entry(path);
    if (link === undefined) fail('ENOENT', 'no such file or directory', path);
    if (isDir(link.getNode())) fail('EISDIR', 'is a directory', path);
    this.#remove(dir, link);
  }

  /** Takes `link` out of `dir`; a node left with no links goes when its last descriptor closes. */
  #remove(dir: Link, link: Link): void {
    dir.deleteChild(link);
    const node = link.getNode();
    // A directory's own "." link, and its entry: POSIX reports nlink 0 for a removed directory.
    node.nlink = isDir(node) ? 0 : node.nlink - 1;
    if (node.nlink <= 0) this.#s.tree.deleteNode(node);
    this.#s.quota?.freed();
  }

  rename(fromPath: string, toPath: string): void {
    const { quota } = this.#s;
    const from = this.#entry(fromPath);
    const src = from.link;
    if (src === undefined) fail('ENOENT', 'no such file or directory', fromPath);
    const to = this.#entry(toPath);
    const dst = to.link;
    if (src === from.dir || dst === to.dir) fail('EBUSY', 'the root of the backend', src === from.dir ? fromPath : toPath);
    const srcNode = src.getNode();
    if (dst?.getNode() === srcNode) return; // POSIX: two links to one file, nothing to do
    const srcIsDir = isDir(srcNode);
    if (srcIsDir) {
      // Not into itself or below: the walk up from the destination's directory must not meet it.
      for (let d: Link | undefined = to.dir; d !== undefined && d !== this.#s.tree.root; d = d.parent) {
        if (d === src) fail('EINVAL', 'a directory moved into itself', toPath);
      }
    }
    if (dst !== undefined) {
      const dstIsDir = isDir(dst.getNode());
      if (dstIsDir && !srcIsDir) fail('EISDIR', 'rename onto a directory', toPath);
      if (!dstIsDir && srcIsDir) fail('ENOTDIR', 'rename a directory onto a non-directory', toPath);
      if (dstIsDir && !isEmpty(dst)) fail('ENOTEMPTY', 'directory not empty', toPath);
    }
    quota?.renamed(depthOf(from.dir) + 1, from.name, depthOf(to.dir) + 1, to.name);
    if (dst !== undefined) this.#remove(to.dir, dst);
    from.dir.deleteChild(src);
    src.name = to.name;
    // Link keeps each link's path (steps) for the Volume's own methods; the setter renews a subtree's.
    src.steps = [...to.dir.steps, to.name];
    to.dir.setChild(to.name, src);
  }

  symlink(target: string, path: string): void {
    const { dir, name, link } = this.#entry(path);
    if (link !== undefined) fail('EEXIST', 'file exists', path);
    // memfs cannot store an empty target (its Volume says ENOENT, as Linux does).
    if (target === '') fail('ENOENT', 'an empty symlink target', path);
    this.#newEntry(dir, name, targetBytes(target), () => {
      const node = this.#s.tree.createNode(S_IFLNK | 0o666);
      node.symlink = target;
      addChild(dir, name, node);
    });
  }

  readlink(path: string): string {
    const node = this.#existing(path).getNode();
    if (!isSymlink(node)) fail('EINVAL', 'not a symbolic link', path);
    return node.symlink;
  }

  link(existing: string, path: string): void {
    const node = this.#existing(existing).getNode();
    const { dir, name, link } = this.#entry(path);
    if (link !== undefined) fail('EEXIST', 'file exists', path);
    this.#newEntry(dir, name, 0, () => {
      addChild(dir, name, node);
      node.nlink++;
    }, false);
  }

  setTimes(path: string, atim: VfsTime, mtim: VfsTime, follow: boolean): void {
    const link = follow ? this.#lookup(path, true) : this.#existing(path);
    if (link === undefined) fail('ENOENT', 'no such file or directory', path);
    this.#s.times.setTimes(link.getNode(), atim, mtim);
  }
}
