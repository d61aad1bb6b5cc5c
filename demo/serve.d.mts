import type { StaticServer } from './static-server.mjs';

/** Serves the demo (demo/, dist/, wasi-fixtures/) on 127.0.0.1; port 0 picks a free one. */
export function startDemoServer(options?: { port?: number }): Promise<StaticServer>;
