// Developer helper: bundle and run selected node:test files without building the whole library.
//   node scripts/run-test.mjs tests/foo.test.ts [tests/bar.test.ts ...]
// Rebuilds the wasm first unless --no-wasm is given.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const argv = process.argv.slice(2);
const files = argv.filter((a) => !a.startsWith('--'));
if (!argv.includes('--no-wasm')) execFileSync('node', ['scripts/build.mjs', '--wasm-only'], { stdio: 'inherit' });
const out = mkdtempSync(join(tmpdir(), 'dmftlab-test-'));
await build({
  entryPoints: files,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'es2022',
  loader: { '.wasm': 'binary', '.txt': 'text' },
  external: ['node:*'],
  outdir: out,
  logLevel: 'warning',
});
const outs = files.map((f) => join(out, basename(f).replace(/\.ts$/, '.js')));
try {
  execFileSync('node', ['--test', ...outs], { stdio: 'inherit' });
} catch {
  process.exit(1);
}
