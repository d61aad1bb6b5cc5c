import { ERRNO_NAMES, Errno as ErrnoEnum } from './errno.js';

/**
 * The `Errno` the package exports: the same object a TypeScript enum would
 * be (NOENT → 44 and 44 → 'NOENT'), built from ERRNO_NAMES instead of
 * written out a second time, which cost ~0.8 KB min+gzip of the core bundle
 * (scripts/build.mjs). Inside the host the const enum of ./errno.ts is used,
 * and its members are inlined.
 */
function build(): typeof ErrnoEnum {
  const o: Record<string | number, string | number> = {};
  ERRNO_NAMES.forEach((name, i) => {
    // The one spec name that is not an identifier: `2big` is TOOBIG.
    const key = i === 1 ? 'TOOBIG' : name.toUpperCase();
    o[key] = i;
    o[i] = key;
  });
  return o as unknown as typeof ErrnoEnum;
}

export const Errno = build();
export type Errno = ErrnoEnum;
