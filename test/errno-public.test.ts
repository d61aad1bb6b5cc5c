// The exported Errno is built from ERRNO_NAMES (src/abi/errno-public.ts) rather
// than emitted from the enum: it must be the very object the enum would be.
import { describe, expect, it } from 'vitest';
import { Errno as Written, ERRNO_NAMES } from '../src/abi/errno.js';
import { Errno } from '../src/index.js';
import { Errno as CoreErrno } from '../src/core.js';

describe('the exported Errno', () => {
  it('has every forward and reverse mapping of the enum, and nothing else', () => {
    expect({ ...Errno }).toEqual({ ...Written });
    expect(CoreErrno).toBe(Errno);
    expect(Errno.TOOBIG).toBe(1);
    expect(Errno[1]).toBe('TOOBIG');
    expect(Errno.NOTCAPABLE).toBe(76);
    expect(Object.keys(Errno)).toHaveLength(2 * ERRNO_NAMES.length);
  });
});
