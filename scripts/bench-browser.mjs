// Benchmarks W1 and W3 of issue 6 in headless Chromium (Debian's /usr/bin/chromium through playwright-core;
// no browser download): bundles the bench page bench/browser/page.ts (the portable cores bench/lib/w1-core.ts
// and w3-core.ts, with the library's Wasm kernel and worker inlined) and its Node-side driver
// bench/browser/driver.ts into build/bench-browser/, then runs the driver, which serves the page from
// 127.0.0.1 with COOP/COEP (cross-origin isolated: the thread pool works), runs W1 (1 and 2 threads) and W3
// in fresh pages, writes bench/results/<date>T<hhmm>-w1-chromium.json and -w3-chromium.json (the records of
// the Node benches, runtime 'chromium') and prints the same tables. The numpy peers do not run here.
//   node scripts/build.mjs && node scripts/bench-browser.mjs        (npm run bench:browser)
// Environment: W1_NS=2000,4000, W3_NTS=1000 (subsets: the record is then -partial), BENCH_WORKLOADS=w1 or w3
// (default both), BENCH_RESULTS_DIR (where the records go), DMFTLAB_CHROMIUM (the browser).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const out = join(root, 'build', 'bench-browser');
const pageDir = join(out, 'page');
if (!existsSync(join(root, 'build', 'dmftlab.wasm')) || !existsSync(join(root, 'build', 'kernel-worker.txt'))) {
  console.error('build/dmftlab.wasm or build/kernel-worker.txt is missing: run node scripts/build.mjs first');
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(pageDir, { recursive: true });
const common = { bundle: true, format: 'esm', target: 'es2022', loader: { '.wasm': 'binary', '.txt': 'text' }, logLevel: 'warning', legalComments: 'none' };
// the page: everything inlined; node:* imports are runtime branches the browser never takes
await build({ ...common, platform: 'browser', entryPoints: { page: 'bench/browser/page.ts' }, outdir: pageDir, external: ['node:*'] });
copyFileSync(join(root, 'bench', 'browser', 'index.html'), join(pageDir, 'index.html'));
await build({ ...common, platform: 'node', entryPoints: { driver: 'bench/browser/driver.ts' }, outdir: out, external: ['node:*', 'playwright-core'] });
const { main } = await import(pathToFileURL(join(out, 'driver.js')).href);
process.exitCode = await main(pageDir);
