// `npm run demo` on a port something else holds: one line saying so, and the flag to pick another.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';

const SERVE = new URL('../demo/serve.mjs', import.meta.url).pathname;

describe('demo/serve.mjs', () => {
  it('a busy port is reported in one line with --port suggested', async () => {
    const holder = createServer();
    await new Promise<void>((ok) => holder.listen(0, '127.0.0.1', ok));
    const port = (holder.address() as { port: number }).port;
    try {
      const r = spawnSync(process.execPath, [SERVE, '--port', String(port)], { encoding: 'utf8', timeout: 20000 });
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
        status: 1,
        stdout: '',
        stderr: `wasi-host demo: port ${port} on 127.0.0.1 is already in use; pick another with: npm run demo -- --port ${port + 1}\n`,
      });
    } finally {
      holder.close();
    }
  });
});
