// NodeFS on Linux looks paths below its root up from directory descriptors it
// holds, once the process knows /proc/self/fd acts as openat
// (src/vfs/node-beneath.ts). That is asked at a backend's first path, with a
// probe of its root. A probe that cannot tell (the root swapped for a symlink
// or gone at that moment) must not leave the backend without held
// directories for good: the next path asks again. This file's module state
// is its own (vitest isolates test files), so its first NodeFS makes the probe.
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeFS } from '../src/vfs/node.js';
import { heldUnder } from './held-dirs.js';

const base = mkdtempSync(join(tmpdir(), 'wasi-host-proc-probe-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe.skipIf(process.platform !== 'linux')('the /proc probe', () => {
  it('one that cannot tell (the root swapped for a symlink) is asked again at the next path, and then directories are held', () => {
    const root = join(base, 'root');
    const other = join(base, 'other');
    for (const d of [root, other]) {
      mkdirSync(join(d, 'a', 'b'), { recursive: true });
      writeFileSync(join(d, 'a', 'b', 'f'), d);
    }
    const vfs = new NodeFS(root);
    // A host process swaps the root for a symlink before the backend's first path.
    renameSync(root, `${root}.away`);
    symlinkSync(other, root);
    expect(vfs.kind('/a/b/f')).toBe('file');
    expect(heldUnder(base)).toEqual([]);
    // Swapped back: the next path asks again, and holds each directory on its way.
    unlinkSync(root);
    renameSync(`${root}.away`, root);
    expect(vfs.kind('/a/b/f')).toBe('file');
    expect(heldUnder(base)).toEqual([join(root, 'a'), join(root, 'a', 'b')]);
  });
});
