// A host directory's root removed for good before the backend's first path:
// the /proc probe (src/vfs/node-beneath.ts) cannot open it, which says
// nothing of /proc, so every path asks again. That must stay a plain ENOENT
// for each call, bounded in cost, with no descriptor left behind by the
// probes; and once a directory is back at the root's path, the next path
// holds directories as usual. This file's module state is its own (vitest
// isolates test files), so its first NodeFS makes the probe.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeFS } from '../src/vfs/node.js';
import { heldUnder } from './held-dirs.js';

const base = mkdtempSync(join(tmpdir(), 'wasi-host-proc-gone-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe.skipIf(process.platform !== 'linux')('the /proc probe, its root gone for good', () => {
  it('each path is ENOENT and asks again, leaving no descriptor; a root back at the path is held from', () => {
    const root = join(base, 'root');
    mkdirSync(join(root, 'a'), { recursive: true });
    const vfs = new NodeFS(root);
    rmSync(root, { recursive: true });
    const fds = readdirSync('/proc/self/fd').length;
    const errors = new Map<string, number>();
    const t0 = performance.now();
    for (let i = 0; i < 5000; i++) {
      for (const call of [() => vfs.kind('/a/x'), () => vfs.lstat('/a'), () => vfs.readdir('/a')]) {
        try {
          call();
          errors.set('none', (errors.get('none') ?? 0) + 1);
        } catch (e) {
          const code = (e as { code?: string }).code ?? String(e);
          errors.set(code, (errors.get(code) ?? 0) + 1);
        }
      }
    }
    // kind answers undefined for a missing path; lstat and readdir throw ENOENT. Measured ~1 s per 20,000 calls here.
    expect([...errors].sort()).toEqual([['ENOENT', 10000], ['none', 5000]]);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(readdirSync('/proc/self/fd').length).toBe(fds);
    expect(heldUnder(base)).toEqual([]);
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    writeFileSync(join(root, 'a', 'b', 'f'), 'x');
    expect(vfs.kind('/a/b/f')).toBe('file');
    expect(heldUnder(base)).toEqual([join(root, 'a'), join(root, 'a', 'b')]);
  });
});
