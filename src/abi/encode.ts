import { FileType } from './constants.js';
import { FdstatOff, type FilestatLayout } from './layout.js';

/**
 * The fields of a filestat other than its filetype, as the host holds them
 * (times in ns). The caller has bounds-checked the bytes it hands over.
 */
export interface FilestatFields {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly nlink: bigint;
  readonly size: bigint;
  readonly atimNs: bigint;
  readonly mtimNs: bigint;
  readonly ctimNs: bigint;
}

/**
 * Writes a filestat in the given version's layout (64 bytes in preview1, 56 in
 * wasi_unstable), padding zeroed. Preview 0's u32 nlink saturates past 2^32-1.
 */
export function encodeFilestat(v: DataView, p: number, st: FilestatFields, filetype: FileType, layout: FilestatLayout): void {
  v.setBigUint64(p, st.dev, true);
  v.setBigUint64(p + 8, st.ino, true);
  v.setBigUint64(p + 16, 0n, true);
  v.setUint8(p + 16, filetype);
  if (layout.nlinkIs64) v.setBigUint64(p + layout.nlink, st.nlink, true);
  else v.setUint32(p + layout.nlink, st.nlink > 0xffffffffn ? 0xffffffff : Number(st.nlink), true);
  v.setBigUint64(p + layout.fileSize, st.size, true);
  v.setBigUint64(p + layout.atim, st.atimNs, true);
  v.setBigUint64(p + layout.mtim, st.mtimNs, true);
  v.setBigUint64(p + layout.ctim, st.ctimNs, true);
}

/** Writes a 24-byte fdstat (padding zeroed) at `p`, which the caller has bounds-checked. */
export function encodeFdstat(
  v: DataView, p: number, filetype: FileType, flags: number, rightsBase: number, rightsInheriting: number,
): void {
  v.setBigUint64(p, 0n, true);
  v.setUint8(p + FdstatOff.FILETYPE, filetype);
  v.setUint16(p + FdstatOff.FLAGS, flags, true);
  v.setBigUint64(p + FdstatOff.RIGHTS_BASE, BigInt(rightsBase >>> 0), true);
  v.setBigUint64(p + FdstatOff.RIGHTS_INHERITING, BigInt(rightsInheriting >>> 0), true);
}
