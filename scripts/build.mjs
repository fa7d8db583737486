// Build: Wasm (release SIMD build + debug build with asserts), then the TypeScript bundles.
//   node scripts/build.mjs            everything
//   node scripts/build.mjs --wasm-only
//   node scripts/build.mjs --tests    also type-check bench/ (tsconfig.bench.json) and transpile tests/ to dist-test/
// Outputs: build/ (Wasm), dist/node, dist/browser (the library), dist/web (the playground), dist/bench, dist/types.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, readdirSync, existsSync, copyFileSync } from 'node:fs';
import { build } from 'esbuild';

const args = new Set(process.argv.slice(2));
const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const bin = (name) => `node_modules/.bin/${name}`;

function run(cmd, argv) {
  execFileSync(cmd, argv, { stdio: 'inherit' });
}

mkdirSync('build', { recursive: true });
for (const target of ['release', 'debug']) {
  run(bin('asc'), ['assembly/index.ts', '--config', 'asconfig.json', '--target', target]);
}

// The kernel worker of the thread pool, one script for every runtime (no imports or exports left; its
// only `require` is guarded and reached only under Node), inlined into the library as text: Node starts
// it with eval: true, Deno and browsers from a blob: URL.
const workerBuild = {
  entryPoints: ['bindings/kernel-worker.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  external: ['node:*'],
  target: 'es2022',
  logLevel: 'warning',
  legalComments: 'none',
};
await build({ ...workerBuild, outfile: 'build/kernel-worker.txt' });

if (args.has('--wasm-only')) process.exit(0);

const common = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  loader: { '.wasm': 'binary', '.txt': 'text' },
  external: ['node:*'],
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
};

rmSync('dist', { recursive: true, force: true });
await build({
  ...common,
  platform: 'node',
  entryPoints: Object.fromEntries(Object.entries({ index: 'src/index.ts', cli: 'bindings/node/cli.ts' }).filter(([, f]) => existsSync(f))),
  outdir: 'dist/node',
});
await build({
  ...common,
  platform: 'browser',
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist/browser',
});
// the same worker as a file, for pages whose CSP forbids blob: workers (init({ workerUrl }))
await build({ ...workerBuild, outfile: 'dist/browser/kernel-worker.js' });
// the playground (web/, docs/PLAYGROUND.md): static files, served by `npm run serve`
if (existsSync('web/main.ts')) {
  await build({
    ...common,
    platform: 'browser',
    entryPoints: { app: 'web/main.ts' },
    outdir: 'dist/web',
    loader: { ...common.loader, '.css': 'css' },
  });
  copyFileSync('web/index.html', 'dist/web/index.html');
}
if (existsSync('bench') && readdirSync('bench').some((f) => f.endsWith('.ts'))) {
  await build({
    ...common,
    platform: 'node',
    entryPoints: readdirSync('bench').filter((f) => f.endsWith('.ts')).map((f) => `bench/${f}`),
    outdir: 'dist/bench',
    external: ['node:*', 'tinybench'],
  });
}
// Type declarations for the exports map.
run(bin('tsc'), ['-p', 'tsconfig.json', '--emitDeclarationOnly', '--declaration', '--outDir', 'dist/types']);

if (args.has('--tests')) {
  // esbuild only strips types: type-check the benchmarks here, so that they do not rot between bench runs
  run(bin('tsc'), ['-p', 'tsconfig.bench.json', '--noEmit']);
  rmSync('dist-test', { recursive: true, force: true });
  const tests = readdirSync('tests').filter((f) => f.endsWith('.test.ts')).map((f) => `tests/${f}`);
  await build({
    ...common,
    platform: 'node',
    entryPoints: tests,
    outdir: 'dist-test',
    // the tests exercise the library as bundled; share one copy of it
    external: ['node:*'],
  });
}
