// A static file server on 127.0.0.1 for the browser tests and the playground (`npm run serve`). With
// `isolated`, every response carries the headers that make a page cross-origin isolated
// (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp,
// Cross-Origin-Resource-Policy: same-origin), which the thread pool's shared memory needs. A directory URL
// serves its index.html. Nothing outside `root` is served.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Headers that make a page cross-origin isolated. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Serve `root` on 127.0.0.1:`port` (0: any free port). Resolves to { server, origin } once listening;
 * rejects with the listen error (e.g. EADDRINUSE).
 */
export function serveStatic(root, { isolated = true, port = 0, host = '127.0.0.1' } = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const headers = { 'Cache-Control': 'no-store', ...(isolated ? ISOLATION_HEADERS : {}) };
    let file;
    try {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      file = resolve(base, `.${path}`);
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    } catch {
      file = null;
    }
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !file || !(file === base || file.startsWith(base + '/')) || !existsSync(file)) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('not found');
    }
    res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok({ server, origin: `http://${host}:${server.address().port}` }));
  });
}
