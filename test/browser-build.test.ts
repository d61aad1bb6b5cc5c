import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
// @ts-expect-error: a plain .mjs build script without types
import { FILE_TYPE_BITS } from '../scripts/browser-build.mjs';

const require = createRequire(import.meta.url);

describe('browser build stand-ins (scripts/browser-build.mjs)', () => {
  it("the fs-node-utils stand-in gives every constant memfs's tree reads, with the package's values", () => {
    const { constants } = require('@jsonjoy.com/fs-node-utils/lib/constants.js') as { constants: Record<string, number> };
    const read = new Set<string>();
    for (const m of ['Node', 'Link']) {
      const src = readFileSync(require.resolve(`@jsonjoy.com/fs-core/lib/${m}.js`), 'utf8');
      // `const { S_IFMT, ... } = fs_node_utils_1.constants;` is how they read them.
      for (const [, names] of src.matchAll(/const \{([^}]*)\} = fs_node_utils_1\.constants/g)) {
        for (const n of names.split(',')) read.add(n.trim());
      }
      expect(src.replace(/const \{[^}]*\} = fs_node_utils_1\.constants;/g, '')).not.toMatch(/fs_node_utils_1\./);
    }
    expect(read.size).toBeGreaterThan(0);
    for (const n of read) expect([n, FILE_TYPE_BITS[n as keyof typeof FILE_TYPE_BITS]]).toEqual([n, constants[n]]);
  });
});
