// npm test: build everything, run the as-pect kernel tests, then the node:test suites.
//   DMFTLAB_TEST_FILTER=regex  runs only matching node:test files
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const sh = (cmd, argv, env = {}) =>
  execFileSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, ...env } });

const t0 = Date.now();
sh('node', ['scripts/build.mjs', '--tests']);
console.log(`\n== as-pect kernel tests ==`);
sh('node_modules/.bin/asp', ['--config', 'as-pect.config.js', '--summary']);
console.log(`\n== node:test ==`);
const filter = process.env.DMFTLAB_TEST_FILTER ? new RegExp(process.env.DMFTLAB_TEST_FILTER) : null;
const files = readdirSync('dist-test')
  .filter((f) => f.endsWith('.test.js') && (!filter || filter.test(f)))
  .map((f) => `dist-test/${f}`);
sh('node', ['--test', '--test-concurrency=2', ...files]);
console.log(`\nall tests passed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
