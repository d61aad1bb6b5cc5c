import type { MemFS } from '../vfs/memfs.js';
import type { Vfs } from '../vfs/types.js';

/**
 * One entry of a MemFS as it crosses between a page and the runner's Worker
 * (src/runner/spawn.ts, "a MemFS preopen"): parents before their children,
 * so the list can be replayed in order.
 */
export type FileEntry =
  | { readonly path: string; readonly kind: 'dir' }
  | { readonly path: string; readonly kind: 'file'; readonly bytes: Uint8Array }
  | { readonly path: string; readonly kind: 'symlink'; readonly target: string };

const join = (dir: string, name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);

/** Every file, directory and symlink of `fs`, files copied. */
export function entriesOf(fs: MemFS): FileEntry[] {
  const out: FileEntry[] = [];
  const walk = (dir: string): void => {
    for (const { name, kind } of fs.readdir(dir)) {
      const path = join(dir, name);
      if (kind === 'directory') {
        out.push({ path, kind: 'dir' });
        walk(path);
      } else if (kind === 'symlink') out.push({ path, kind: 'symlink', target: fs.readlink(path) });
      else if (kind === 'file') out.push({ path, kind: 'file', bytes: fs.readFile(path) });
    }
  };
  walk('/');
  return out;
}

/** Makes `fs` hold exactly `entries`: what it held before is removed first. */
export function replaceEntries(fs: Vfs, entries: readonly FileEntry[]): void {
  const clear = (dir: string): void => {
    for (const { name, kind } of fs.readdir(dir)) {
      const path = join(dir, name);
      if (kind === 'directory') {
        clear(path);
        fs.rmdir(path);
      } else fs.unlink(path);
    }
  };
  clear('/');
  for (const e of entries) {
    if (e.kind === 'dir') fs.mkdir(e.path);
    else if (e.kind === 'symlink') fs.symlink(e.target, e.path);
    else {
      const file = fs.open(e.path, { read: false, write: true, create: true, exclusive: true, truncate: false, noFollow: true });
      try {
        for (let at = 0; at < e.bytes.byteLength; ) {
          const n = file.write(e.bytes.subarray(at), at);
          if (n === 0) throw new RangeError(`spawn(): the MemFS took only ${at} of the ${e.bytes.byteLength} bytes of ${e.path} (its maxBytes?)`);
          at += n;
        }
      } finally {
        file.close();
      }
    }
  }
}
