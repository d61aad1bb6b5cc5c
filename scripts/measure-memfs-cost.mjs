#!/usr/bin/env node
// What one directory entry of a MemFS really costs in memory, by kind, as a
// guest creates it: the numbers src/vfs/memfs-quota.ts charges against
// `maxBytes`. For each kind, a fresh MemFS (with a quota, as the charged
// path runs) gets N entries named e0000000, e0000001, ... (8 bytes) in one
// directory through the WASI imports (path_open O_CREAT then fd_close,
// path_create_directory, path_symlink with a 1-byte target, path_link to
// one file), in /d, and files 65 levels down. Heap used plus ArrayBuffer bytes are read after a full GC
// before and after; the difference over N is the cost of one entry.
//
//   node --expose-gc scripts/measure-memfs-cost.mjs [N]      (uses dist/; run scripts/build.mjs first)

import { fileURLToPath } from 'node:url';
import path from 'node:path';

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { WASI, MemFS } = await import(path.join(root, 'dist/index.js'));
const N = Number(process.argv[2] ?? 20000);

function used() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** A directory DEPTH levels down: entries there cost more (memfs keeps each link's path as an array). */
const DEPTH = 64;
const DEEP = Array.from({ length: DEPTH }, (_, i) => 'd' + (i % 10)).join('/');

function measure(kind) {
  const fs = new MemFS({ 'target': '', 'd/': null, [DEEP + '/']: null }, { maxBytes: 2 ** 40 });
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasi = new WASI({ preopens: { '/m': fs }, stdout: 'ignore', stdin: '' });
  wasi.initialize({ exports: { memory } });
  const imp = wasi.wasiImport;
  const u8 = new Uint8Array(memory.buffer);
  const v = new DataView(memory.buffer);
  const put = (at, s) => { u8.set(new TextEncoder().encode(s), at); return s.length; };
  const tgt = put(2048, 'target');
  const one = put(3072, 'x');
  const before = used();
  for (let i = 0; i < N; i++) {
    const name = 'e' + String(i).padStart(7, '0');
    const len = put(1024, kind === 'deep file' ? DEEP + '/' + name : 'd/' + name);
    let e;
    switch (kind) {
      case 'file':
      case 'deep file':
        e = imp.path_open(3, 0, 1024, len, 1, 0x3fffffffn, 0n, 0, 0);
        if (e === 0) e = imp.fd_close(v.getUint32(0, true));
        break;
      case 'directory': e = imp.path_create_directory(3, 1024, len); break;
      case 'symlink': e = imp.path_symlink(3072, one, 3, 1024, len); break;
      case 'hard link': e = imp.path_link(3, 0, 2048, tgt, 3, 1024, len); break;
    }
    if (e !== 0) throw new Error(`${kind} ${i}: errno ${e}`);
  }
  const after = used();
  // Keep everything alive until measured.
  if (fs.volume === undefined || imp === undefined) throw new Error('unreachable');
  return (after - before) / N;
}

console.log(`MemFS entry cost, ${N} entries each (node ${process.version}, memfs ${(await import('memfs/package.json', { with: { type: 'json' } })).default.version}):`);
for (const kind of ['file', 'directory', 'symlink', 'hard link', 'deep file']) {
  const runs = [measure(kind), measure(kind), measure(kind)].sort((a, b) => a - b);
  console.log(`  ${(kind === 'deep file' ? `file ${DEPTH + 1} levels down` : kind + ' 2 levels down').padEnd(24)} ${runs[1].toFixed(0)} bytes per entry (runs: ${runs.map((r) => r.toFixed(0)).join(', ')})`);
}
