// A tiny static file server for the demo and the browser tests. Listens on
// 127.0.0.1 only. Every response is cross-origin isolated (COOP + COEP), so
// pages get SharedArrayBuffer and their workers can sleep with Atomics.wait.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.c': 'text/plain; charset=utf-8',
  '.wat': 'text/plain; charset=utf-8',
  '.rs': 'text/plain; charset=utf-8',
  '.cpp': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/**
 * Serves directories at URL prefixes, e.g. { '/dist': 'dist', '/': 'demo' }
 * (the longest matching prefix wins; '/' alone serves index.html), plus
 * `routes`: exact paths answered by a function returning { type, body }.
 * Resolves to { server, url, close() } once listening.
 */
export async function startStaticServer({ mounts, routes = {}, port = 0, host = '127.0.0.1' }) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer(async (req, res) => {
    const send = (status, type, body) => {
      res.writeHead(status, { ...ISOLATION, 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, 'text/plain', 'bad path\n');
    }
    if (Object.hasOwn(routes, path)) {
      try {
        const { type, body } = await routes[path]();
        return send(200, type, body);
      } catch (err) {
        return send(500, 'text/plain', `${err}\n`);
      }
    }
    const prefix = prefixes.find((p) => p === '/' || path === p || path.startsWith(p + '/'));
    if (prefix === undefined) return send(404, 'text/plain', 'not found\n');
    const root = resolve(mounts[prefix]);
    let file = resolve(join(root, prefix === '/' ? path : path.slice(prefix.length)));
    if (file !== root && !file.startsWith(root + sep)) return send(403, 'text/plain', 'forbidden\n');
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      send(200, TYPES[extname(file)] ?? 'application/octet-stream', body);
    } catch {
      send(404, 'text/plain', 'not found\n');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const address = server.address();
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: () => new Promise((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    }),
  };
}
