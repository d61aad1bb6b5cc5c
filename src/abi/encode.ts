import { FileType } from './constants.js';
import { FDSTAT_SIZE, FILESTAT_SIZE, FILESTAT_UNSTABLE_SIZE, FdstatOff, FilestatOff, FilestatUnstableOff } from './layout.js';
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

/** Writes a 64-byte filestat (padding zeroed). */
export function writeFilestat(mem: GuestMemory, ptr: number, st: VfsStat): void {
  mem.check(ptr, FILESTAT_SIZE);
  const v = mem.view;
  const p = ptr >>> 0;
  v.setBigUint64(p + FilestatOff.DEV, st.dev, true);
  v.setBigUint64(p + FilestatOff.INO, st.ino, true);
  v.setBigUint64(p + FilestatOff.FILETYPE, 0n, true);
  v.setUint8(p + FilestatOff.FILETYPE, filetypeOf(st.kind));
  v.setBigUint64(p + FilestatOff.NLINK, st.nlink, true);
  v.setBigUint64(p + FilestatOff.SIZE, st.size, true);
  v.setBigUint64(p + FilestatOff.ATIM, st.atimNs, true);
  v.setBigUint64(p + FilestatOff.MTIM, st.mtimNs, true);
  v.setBigUint64(p + FilestatOff.CTIM, st.ctimNs, true);
}

/** Writes wasi_unstable's 56-byte filestat: nlink is a u32 there (a count past 2^32-1 saturates). */
export function writeFilestatUnstable(mem: GuestMemory, ptr: number, st: VfsStat): void {
  mem.check(ptr, FILESTAT_UNSTABLE_SIZE);
  const v = mem.view;
  const p = ptr >>> 0;
  v.setBigUint64(p + FilestatUnstableOff.DEV, st.dev, true);
  v.setBigUint64(p + FilestatUnstableOff.INO, st.ino, true);
  v.setBigUint64(p + FilestatUnstableOff.FILETYPE, 0n, true);
  v.setUint8(p + FilestatUnstableOff.FILETYPE, filetypeOf(st.kind));
  v.setUint32(p + FilestatUnstableOff.NLINK, st.nlink > 0xffffffffn ? 0xffffffff : Number(st.nlink), true);
  v.setBigUint64(p + FilestatUnstableOff.SIZE, st.size, true);
  v.setBigUint64(p + FilestatUnstableOff.ATIM, st.atimNs, true);
  v.setBigUint64(p + FilestatUnstableOff.MTIM, st.mtimNs, true);
  v.setBigUint64(p + FilestatUnstableOff.CTIM, st.ctimNs, true);
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
