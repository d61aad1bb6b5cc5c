import { FileType } from './constants.js';
import { FDSTAT_SIZE, FILESTAT_PREVIEW1, FdstatOff, type FilestatLayout } from './layout.js';
import type { GuestMemory } from '../memory.js';
import type { VfsKind, VfsStat } from '../vfs/types.js';

export function filetypeOf(kind: VfsKind): FileType {
  switch (kind) {
    case 'file': return FileType.REGULAR_FILE;
    case 'directory': return FileType.DIRECTORY;
    case 'symlink': return FileType.SYMBOLIC_LINK;
    case 'char': return FileType.CHARACTER_DEVICE;
    case 'block': return FileType.BLOCK_DEVICE;
    // wasi-libc maps DT_FIFO and sockets onto socket_stream; preview1 has no FIFO type.
    case 'socket': case 'fifo': return FileType.SOCKET_STREAM;
    default: return FileType.UNKNOWN;
  }
}

/**
 * Writes a filestat in the given version's layout (64 bytes in preview1, 56 in
 * wasi_unstable), padding zeroed. Preview 0's u32 nlink saturates past 2^32-1.
 */
export function writeFilestat(mem: GuestMemory, ptr: number, st: VfsStat, layout: FilestatLayout = FILESTAT_PREVIEW1): void {
  mem.check(ptr, layout.size);
  const v = mem.view;
  const p = ptr >>> 0;
  v.setBigUint64(p, st.dev, true);
  v.setBigUint64(p + 8, st.ino, true);
  v.setBigUint64(p + 16, 0n, true);
  v.setUint8(p + 16, filetypeOf(st.kind));
  if (layout.nlinkIs64) v.setBigUint64(p + layout.nlink, st.nlink, true);
  else v.setUint32(p + layout.nlink, st.nlink > 0xffffffffn ? 0xffffffff : Number(st.nlink), true);
  v.setBigUint64(p + layout.fileSize, st.size, true);
  v.setBigUint64(p + layout.atim, st.atimNs, true);
  v.setBigUint64(p + layout.mtim, st.mtimNs, true);
  v.setBigUint64(p + layout.ctim, st.ctimNs, true);
}

/** Writes a 24-byte fdstat (padding zeroed). */
export function writeFdstat(
  mem: GuestMemory, ptr: number, filetype: FileType, flags: number, rightsBase: number, rightsInheriting: number,
): void {
  mem.check(ptr, FDSTAT_SIZE);
  const v = mem.view;
  const p = ptr >>> 0;
  v.setBigUint64(p, 0n, true);
  v.setUint8(p + FdstatOff.FILETYPE, filetype);
  v.setUint16(p + FdstatOff.FLAGS, flags, true);
  v.setBigUint64(p + FdstatOff.RIGHTS_BASE, BigInt(rightsBase >>> 0), true);
  v.setBigUint64(p + FdstatOff.RIGHTS_INHERITING, BigInt(rightsInheriting >>> 0), true);
}
