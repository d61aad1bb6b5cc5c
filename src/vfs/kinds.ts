import type { VfsKind } from './types.js';

/** The file-type bits of a POSIX st_mode. */
export const S_IFMT = 0o170000;

/** A node's kind from its st_mode (Node's Stats and memfs's alike). */
export function kindOfMode(mode: number): VfsKind {
  switch (mode & S_IFMT) {
    case 0o100000: return 'file';
    case 0o040000: return 'directory';
    case 0o120000: return 'symlink';
    case 0o020000: return 'char';
    case 0o060000: return 'block';
    case 0o010000: return 'fifo';
    case 0o140000: return 'socket';
    default: return 'unknown';
  }
}

/** The type tests of a directory entry, as Node's and memfs's Dirent both have them. */
export interface DirentLike {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}

export function kindOfDirent(d: DirentLike): VfsKind {
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'directory';
  if (d.isSymbolicLink()) return 'symlink';
  if (d.isCharacterDevice()) return 'char';
  if (d.isBlockDevice()) return 'block';
  if (d.isFIFO()) return 'fifo';
  if (d.isSocket()) return 'socket';
  return 'unknown';
}
