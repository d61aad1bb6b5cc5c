// One scratch directory per vitest run, for the packed-package suites
// (test/packed/project.ts builds its contents on first use, once per run).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    packRoot: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'wasi-host-pack-'));
  project.provide('packRoot', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
