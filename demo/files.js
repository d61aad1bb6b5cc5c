// The demo's file list ({ path, kind: 'file'|'dir'|'symlink', bytes?, target? },
// parents first) to and from a MemFS, for the page (app.js) and its Worker
// (worker.js) alike.
import { MemFS } from '/dist/browser.js';

/** Every entry under the backend's root, files copied. */
export function entriesOf(fs, dir = '/', out = []) {
  for (const { name, kind } of fs.readdir(dir)) {
    const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
    if (kind === 'directory') {
      out.push({ path, kind: 'dir' });
      entriesOf(fs, path, out);
    } else if (kind === 'symlink') {
      out.push({ path, kind: 'symlink', target: fs.readlink(path) });
    } else if (kind === 'file') {
      out.push({ path, kind: 'file', bytes: fs.readFile(path) });
    }
  }
  return out;
}

/** A new MemFS holding `entries`. */
export function memfsFrom(entries) {
  const seed = {};
  for (const e of entries) {
    if (e.kind === 'dir') seed[e.path] = null;
    else if (e.kind === 'file') seed[e.path] = e.bytes;
  }
  const fs = new MemFS(seed);
  for (const e of entries) if (e.kind === 'symlink') fs.symlink(e.target, e.path);
  return fs;
}
