// What a NodeFS holds, read from outside it: the directories this process has
// open, through /proc/self/fd (Linux). For the tests of the /proc probe
// (src/vfs/node-beneath.ts), which each need a file, and so module state, of
// their own.
import { readdirSync, readlinkSync } from 'node:fs';

/** The directories under `dir` this process holds open, sorted. */
export function heldUnder(dir: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir + '/')) out.push(target);
    } catch {
      // closed meanwhile (readdir's own descriptor)
    }
  }
  return out.sort();
}
