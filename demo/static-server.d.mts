import type { Server } from 'node:http';

export interface StaticServer {
  server: Server;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

export function startStaticServer(options: {
  mounts: Record<string, string>;
  routes?: Record<string, () => Promise<{ type: string; body: string | Uint8Array }> | { type: string; body: string | Uint8Array }>;
  port?: number;
  host?: string;
}): Promise<StaticServer>;
