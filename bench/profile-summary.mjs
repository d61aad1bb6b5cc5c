#!/usr/bin/env node
// Summarises V8 .cpuprofile files (from `npm run bench -- --cpu-prof DIR` or
// `node --cpu-prof`): the functions with the most self time, and the most
// inclusive time, as percentages of the profile.
//
//   node bench/profile-summary.mjs FILE.cpuprofile... [--top N]

import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const ti = args.indexOf('--top');
const top = ti >= 0 ? Number(args.splice(ti, 2)[1]) : 25;
if (args.length === 0) {
  console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile... [--top N]');
  process.exit(2);
}

for (const file of args) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((nd) => [nd.id, nd]));
  const parent = new Map();
  for (const nd of prof.nodes) for (const c of nd.children ?? []) parent.set(c, nd.id);
  // Sample counts → time: timeDeltas[i] is the time before sample i.
  const selfUs = new Map();
  const deltas = prof.timeDeltas;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) ?? 0) + dt);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const label = (nd) => {
    const f = nd.callFrame;
    const where = f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'}${where ? ' ' + where : ''}`;
  };
  const self = new Map();
  const incl = new Map();
  for (const [id, us] of selfUs) {
    const nd = byId.get(id);
    const key = label(nd);
    self.set(key, (self.get(key) ?? 0) + us);
    // Count each function once per stack for inclusive time.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = label(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const ms = (us) => `${(us / 1000).toFixed(0).padStart(6)} ms`;
  console.log(`\n== ${path.basename(file)}: ${(total / 1000).toFixed(0)} ms sampled`);
  console.log('-- self time');
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} ${ms(us)}  ${k}`);
  console.log('-- inclusive time');
  for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} ${ms(us)}  ${k}`);
}
