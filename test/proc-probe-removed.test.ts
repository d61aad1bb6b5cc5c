// The /proc probe (src/vfs/node-beneath.ts) opens a host directory's root and
// asks /proc/self/fd to lead back to it. A host process that removes that very
// directory between the probe's open and its question (and puts another at
// the same path) makes the question fail with ENOENT, as a missing /proc
// would. That says nothing of /proc: the process must not give up held
// directories for good over it; the next path asks again. This file's module
// state is its own (vitest isolates test files), so its first NodeFS probes.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeFS } from '../src/vfs/node.js';
import { heldUnder } from './held-dirs.js';

const base = fs.mkdtempSync(join(tmpdir(), 'wasi-host-proc-removed-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe.skipIf(process.platform !== 'linux')('the /proc probe, its root removed while it asks', () => {
  it('answers nothing for the process: the next path asks again and holds directories', () => {
    const root = join(base, 'root');
    fs.mkdirSync(join(root, 'a', 'b'), { recursive: true });
    fs.writeFileSync(join(root, 'a', 'b', 'f'), 'x');
    const vfs = new NodeFS(root);
    // Between the probe's open of the root and its realpath through /proc, a host process moves the
    // root's contents into a new directory at the same path and removes the one the probe opened.
    const realpath = fs.realpathSync.native;
    let swapped = 0;
    fs.realpathSync.native = ((p: fs.PathLike, o?: fs.EncodingOption) => {
      if (swapped === 0 && String(p).startsWith('/proc/self/fd/')) {
        swapped++;
        fs.renameSync(root, `${root}.old`);
        fs.mkdirSync(root);
        fs.renameSync(join(`${root}.old`, 'a'), join(root, 'a'));
        fs.rmdirSync(`${root}.old`);
      }
      return realpath(p, o);
    }) as typeof fs.realpathSync.native;
    try {
      expect(vfs.kind('/a/b/f')).toBe('file');
    } finally {
      fs.realpathSync.native = realpath;
    }
    expect(swapped).toBe(1);
    expect(vfs.kind('/a/b/f')).toBe('file');
    expect(heldUnder(base)).toEqual([join(root, 'a'), join(root, 'a', 'b')]);
  });
});
