// The same fixture under Node's built-in node:wasi (on a real temp directory)
// and under wasi-host: outputs must match, except where the fixture's json
// records why node:wasi is wrong (nodeWasiKnownDifferences).
import { describe, expect, it } from 'vitest';
import { loadFixtures, runFixture } from './fixture-runner.js';

// A fixture node:wasi cannot run at all (it would hang) is listed, with its reason, but not run there.
const fixtures = loadFixtures().filter((f) => f.nodeWasiSkip !== true);
const skipped = loadFixtures().filter((f) => f.nodeWasiSkip === true);

describe('differential: wasi-host vs node:wasi', () => {
  it('records why any fixture is not run under node:wasi', () => {
    for (const f of skipped) expect(f.nodeWasiKnownDifferences, f.name).toMatch(/\w/);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, spec) => {
    const ours = runFixture(spec, 'node');
    const theirs = runFixture(spec, 'node:wasi');
    const oursOut = { stdout: ours.stdout, stderr: ours.stderr, exitCode: ours.exitCode };
    const theirsOut = { stdout: theirs.stdout, stderr: theirs.stderr, exitCode: theirs.exitCode };
    if (spec.nodeWasiKnownDifferences !== undefined) {
      // node:wasi is documented as wrong here: ours must be the expected output, theirs must differ from it
      // (if node:wasi gets fixed, this fails and the note can go).
      expect(oursOut).toEqual({ stdout: spec.stdout, stderr: spec.stderr ?? '', exitCode: spec.exitCode });
      expect(theirsOut, `node:wasi now agrees; remove nodeWasiKnownDifferences from ${spec.name}.json`).not.toEqual(oursOut);
    } else if (spec.nodeWasiSometimes !== undefined) {
      const { text, as } = spec.nodeWasiSometimes;
      expect(oursOut).toEqual({ stdout: spec.stdout, stderr: spec.stderr ?? '', exitCode: spec.exitCode });
      expect({ ...theirsOut, stdout: theirsOut.stdout.split(text).join(as) }).toEqual(oursOut);
    } else {
      expect(oursOut).toEqual(theirsOut);
    }
  });
});
