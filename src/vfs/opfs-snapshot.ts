import type { MemFS, MemFSSeed } from './memfs.js';

/**
 * A MemFS saved to the Origin Private File System as a whole, and read back
 * as a seed for a new MemFS: files that outlive a page reload without an OPFS
 * backend. Files and directories are kept; symlinks are not (OPFS has none).
 * Runs on a page's main thread or in a Worker (createWritable: Chromium 86+,
 * Firefox 111+, Safari 26+).
 */

function opfsRoot(): Promise<FileSystemDirectoryHandle> {
  const storage = (globalThis as { navigator?: { storage?: { getDirectory?: () => Promise<FileSystemDirectoryHandle> } } }).navigator?.storage;
  if (typeof storage?.getDirectory !== 'function') {
    throw new TypeError('OPFS (navigator.storage.getDirectory) is not available here: it needs a browser page or Worker served over https or from localhost');
  }
  return storage.getDirectory();
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('/') || name === '.' || name === '..') {
    throw new TypeError(`OPFS directory name must be one non-empty path component without '/', got ${JSON.stringify(name)}`);
  }
}

/** Replaces the OPFS directory `name` with the files and directories of `fs`. */
export async function saveToOPFS(fs: MemFS, name = 'wasi-host'): Promise<void> {
  checkName(name);
  const root = await opfsRoot();
  await root.removeEntry(name, { recursive: true }).catch((e: DOMException) => {
    if (e.name !== 'NotFoundError') throw e;
  });
  const walk = async (path: string, dir: FileSystemDirectoryHandle): Promise<void> => {
    for (const entry of fs.readdir(path)) {
      const child = path === '/' ? `/${entry.name}` : `${path}/${entry.name}`;
      if (entry.kind === 'directory') await walk(child, await dir.getDirectoryHandle(entry.name, { create: true }));
      else if (entry.kind === 'file') {
        const writable = await (await dir.getFileHandle(entry.name, { create: true })).createWritable();
        await writable.write(fs.readFile(child) as Uint8Array<ArrayBuffer>);
        await writable.close();
      }
    }
  };
  await walk('/', await root.getDirectoryHandle(name, { create: true }));
}

/** The OPFS directory `name` as a MemFS seed (`new MemFS(await loadFromOPFS())`); empty if it does not exist. */
export async function loadFromOPFS(name = 'wasi-host'): Promise<MemFSSeed> {
  checkName(name);
  const root = await opfsRoot();
  const seed: MemFSSeed = {};
  let top: FileSystemDirectoryHandle;
  try {
    top = await root.getDirectoryHandle(name);
  } catch (e) {
    if ((e as DOMException).name === 'NotFoundError') return seed;
    throw e;
  }
  const walk = async (prefix: string, dir: FileSystemDirectoryHandle): Promise<void> => {
    for await (const [entryName, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
      const path = prefix + entryName;
      if (handle.kind === 'directory') {
        seed[`${path}/`] = null;
        await walk(`${path}/`, handle as FileSystemDirectoryHandle);
      } else {
        seed[path] = new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer());
      }
    }
  };
  await walk('', top);
  return seed;
}
