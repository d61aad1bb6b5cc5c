// Every fixture, end to end, under each backend, against its expected output.
import { describe, expect, it } from 'vitest';
import { loadFixtures, runFixture, type Backend } from './fixture-runner.js';

const fixtures = loadFixtures();

describe.each<Backend>(['memfs', 'node'])('fixtures on the %s backend', (backend) => {
  it('has fixtures to run', () => {
    expect(fixtures.length).toBeGreaterThan(10);
  });
  it.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, spec) => {
    const r = runFixture(spec, backend);
    expect({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }).toEqual({
      stdout: spec.stdout,
      stderr: spec.stderr ?? '',
      exitCode: spec.exitCode,
    });
    for (const [path, content] of Object.entries(spec.filesAfter ?? {})) {
      expect(r.readAfter(path), `file ${path} after the run`).toBe(content);
    }
  });
});
