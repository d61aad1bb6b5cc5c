import type { ErrnoFault, FaultPlan } from './faults.js';
import { injectableErrno } from './errnos.js';

/** How `--fault` is spelt, for help and error messages. */
export const FAULT_SPEC_HELP =
  'short-reads, short-writes, short-io, readdir-one, clock-jump=SECONDS[@EVERY], or CALL:ERRNO[@N|%P] (fd_write:ENOSPC@3, fd_read:EIO%0.1)';

/** The fault plan of `--fault` words (each may be several, comma-separated) and a seed. Throws a RangeError naming the bad word. */
export function parseFaultSpec(words: readonly string[], seed?: number): FaultPlan {
  const plan: { -readonly [K in keyof FaultPlan]: FaultPlan[K] } = seed === undefined ? {} : { seed };
  const errnos: ErrnoFault[] = [];
  for (const word of words.flatMap((w) => w.split(','))) {
    const w = word.trim();
    if (w === 'short-reads' || w === 'short-io') plan.shortReads = true;
    if (w === 'short-writes' || w === 'short-io') plan.shortWrites = true;
    if (w === 'short-reads' || w === 'short-writes' || w === 'short-io') continue;
    if (w === 'readdir-one') {
      plan.readdirOneEntry = true;
      continue;
    }
    const jump = /^clock-jump=(-?\d+(?:\.\d+)?)(?:@(\d+))?$/.exec(w);
    if (jump !== null) {
      plan.clockJump = { ns: BigInt(Math.round(Number(jump[1]) * 1e9)), every: jump[2] === undefined ? 10 : Number(jump[2]) };
      if (plan.clockJump.every < 1) throw new RangeError(`--fault ${w}: EVERY must be 1 or more`);
      continue;
    }
    const m = /^([a-z_]+):([A-Za-z0-9]+)(?:@(\d+)|%(0(?:\.\d+)?|1(?:\.0+)?))?$/.exec(w);
    if (m === null) throw new RangeError(`--fault ${w}: expected ${FAULT_SPEC_HELP}`);
    injectableErrno(m[1], m[2], `--fault ${w}`);
    errnos.push({ call: m[1], errno: m[2], ...(m[4] !== undefined ? { probability: Number(m[4]) } : { nth: m[3] === undefined ? 1 : Number(m[3]) }) });
  }
  if (errnos.length > 0) plan.errnos = errnos;
  return plan;
}
