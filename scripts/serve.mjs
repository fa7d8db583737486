// The playground (web/, built into dist/web by scripts/build.mjs) on 127.0.0.1 with the COOP/COEP headers,
// so that the page is cross-origin isolated and the simulation runs on the thread pool.
//   npm run serve                      build, then serve on http://127.0.0.1:8080/
//   node scripts/serve.mjs [--port P] [--no-isolation]
// --no-isolation leaves the headers out: the page then runs on one thread and says why (for trying that).
// PORT in the environment is the default port.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from './static-server.mjs';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'dist', 'web');
const argv = process.argv.slice(2);
let portArg = process.env.PORT ?? '8080';
let isolated = true;
for (let k = 0; k < argv.length; k++) {
  if (argv[k] === '--port') portArg = argv[++k];
  else if (argv[k] === '--no-isolation') isolated = false;
  else {
    console.error(`serve: unknown argument ${argv[k]}; valid: --port <0..65535>, --no-isolation`);
    process.exit(2);
  }
}
const port = Number(portArg);
if (!(portArg !== undefined && /^\d+$/.test(portArg) && port <= 65535)) {
  console.error(`serve: port: got ${JSON.stringify(portArg ?? null)}; must be an integer from 0 to 65535`);
  process.exit(2);
}
if (!existsSync(join(dir, 'index.html'))) {
  console.error(`serve: ${dir}/index.html is missing: build first (npm run build, or npm run serve, which builds)`);
  process.exit(1);
}
try {
  const { origin } = await serveStatic(dir, { isolated, port });
  console.log(`dmftlab playground: ${origin}/  (${isolated ? 'cross-origin isolated: threads on' : 'no COOP/COEP: one thread'}; Ctrl-C stops)`);
} catch (e) {
  console.error(`serve: cannot listen on 127.0.0.1:${port}: ${e.message}${e.code === 'EADDRINUSE' ? ' (try --port 0 for any free port)' : ''}`);
  process.exit(1);
}
