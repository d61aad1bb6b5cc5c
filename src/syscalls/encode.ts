import type { FileType } from '../abi/constants.js';
import { encodeFdstat, encodeFilestat } from '../abi/encode.js';
import { FDSTAT_SIZE, FILESTAT_PREVIEW1, type FilestatLayout } from '../abi/layout.js';
import type { GuestMemory } from '../memory.js';
import { filetypeOf } from '../namespace/types.js';
import type { VfsStat } from '../vfs/types.js';

/** Writes a backend's stat as a filestat in the version's layout (EFAULT if it does not fit). */
export function writeFilestat(mem: GuestMemory, ptr: number, st: VfsStat, layout: FilestatLayout = FILESTAT_PREVIEW1): void {
  mem.check(ptr, layout.size);
  encodeFilestat(mem.view, ptr >>> 0, st, filetypeOf(st.kind), layout);
}

/** Writes an fdstat (EFAULT if it does not fit). */
export function writeFdstat(
  mem: GuestMemory, ptr: number, filetype: FileType, flags: number, rightsBase: number, rightsInheriting: number,
): void {
  mem.check(ptr, FDSTAT_SIZE);
  encodeFdstat(mem.view, ptr >>> 0, filetype, flags, rightsBase, rightsInheriting);
}
