#!/usr/bin/env node
// dmftlab command line (the bundle is built by `npm run build`).
import { existsSync } from 'node:fs';
const cli = new URL('../dist/node/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('dmftlab: the library is not built yet; run `npm run build` first\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
