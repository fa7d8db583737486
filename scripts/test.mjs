// npm test: build everything, run the as-pect kernel tests, then the node:test suites on Node, under Deno
// and in headless Chromium (one test corpus, three runtimes).
//   DMFTLAB_TEST_FILTER=regex               runs only matching test files (all runtimes; the playground's
//                                           end-to-end test is the name playground.e2e)
//   DMFTLAB_TEST_RUNTIMES=node,deno,chromium runs only these runtimes (default all; as-pect goes with node)
// A runtime that is not installed is skipped with a loud message; with CI=true that is a failure.
// Which files run where, and why some are skipped: scripts/test-runtimes.mjs.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { NODE_FILE_TIMEOUT_S, fileFilter, fileTimeoutMs, selectedRuntimes, seconds } from './test-runtimes.mjs';
import { runDeno } from './test-deno.mjs';
import { runBrowser } from './test-browser.mjs';
import { runPlayground } from './test-playground.mjs';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const sh = (cmd, argv, env = {}) =>
  execFileSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, ...env } });

const t0 = Date.now();
const runtimes = selectedRuntimes();
sh('node', ['scripts/build.mjs', '--tests']);

/** Seconds between the Node stage's "still running" lines. */
const HEARTBEAT_S = 180;

/** The test files running now, from ps: name, elapsed s, CPU % averaged since its start, RSS MB (empty without ps). */
function runningFiles() {
  try {
    const out = execFileSync('ps', ['-eo', 'etimes=,pcpu=,rss=,args='], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter((l) => !/\s--test\s/.test(l)) // the runner itself, whose arguments list every file
      .map((l) => l.trim().match(/^(\d+)\s+([\d.]+)\s+(\d+)\s+.*?([\w.-]+\.test\.js)\b/))
      .filter(Boolean)
      .map(([, s, cpu, rss, f]) => `${f} (${s} s, ${cpu} % CPU, ${Math.round(rss / 1024)} MB)`);
  } catch {
    return [];
  }
}

/**
 * node --test with a heartbeat: node reports files in order, so a slow file keeps the log silent; every
 * HEARTBEAT_S seconds a TAP comment names the files still running, with their average CPU use (a file
 * stuck waiting on something drifts toward 0 %, one stuck in a loop stays near 100 %). Resolves with the
 * exit status.
 */
function nodeTestWatched(argv) {
  const t = Date.now();
  const child = spawn('node', argv, { stdio: 'inherit' });
  const beat = setInterval(() => {
    const files = runningFiles();
    console.log(`# node:test still running after ${seconds(t).toFixed(0)} s${files.length ? `; running: ${files.join(', ')}` : ''}`);
  }, HEARTBEAT_S * 1000);
  return new Promise((done) => {
    child.on('error', () => (clearInterval(beat), done(1)));
    child.on('exit', (code) => (clearInterval(beat), done(code ?? 1)));
  });
}

async function runNode() {
  const t = Date.now();
  console.log(`\n== as-pect kernel tests ==`);
  sh('node_modules/.bin/asp', ['--config', 'as-pect.config.js', '--summary']);
  console.log(`\n== node:test ==`);
  const keep = fileFilter();
  const files = readdirSync('dist-test')
    .filter((f) => f.endsWith('.test.js') && keep(f))
    .map((f) => `dist-test/${f}`);
  // with no file names node --test would search the whole tree
  if (!files.length) {
    console.log(`# no test file matches DMFTLAB_TEST_FILTER=${process.env.DMFTLAB_TEST_FILTER}`);
    return { status: 'none', s: seconds(t) };
  }
  // --test-timeout bounds each file (and each test in it): a file that hangs fails by name after the limit
  // instead of holding the whole run (node reports files in order, so one hung file hides every later one)
  const code = await nodeTestWatched(['--test', '--test-concurrency=2', `--test-timeout=${fileTimeoutMs(NODE_FILE_TIMEOUT_S)}`, ...files]);
  return { status: code === 0 ? 'pass' : 'fail', s: seconds(t) };
}

/** The chromium runtime: the shared suites in the browser, then the playground end to end (scripts/test-playground.mjs). */
async function runChromium() {
  const files = await runBrowser();
  if (files.status === 'missing' || !fileFilter()('playground.e2e')) return files;
  const e2e = await runPlayground();
  const rank = { fail: 3, missing: 2, pass: 1, none: 0 };
  return { status: rank[e2e.status] > rank[files.status] ? e2e.status : files.status, s: files.s + e2e.s };
}

const runners = { node: runNode, deno: runDeno, chromium: runChromium };
const results = [];
for (const name of runtimes) results.push([name, await runners[name]()]);

const label = { pass: 'passed', fail: 'FAILED', missing: 'SKIPPED (not installed)', none: 'no matching test files' };
console.log(`\n== summary (${seconds(t0).toFixed(0)} s) ==`);
for (const [name, r] of results) console.log(`${name.padEnd(9)} ${label[r.status].padEnd(24)} ${r.s.toFixed(0).padStart(5)} s`);
const notRun = ['node', 'deno', 'chromium'].filter((r) => !runtimes.includes(r));
if (notRun.length) console.log(`not selected (DMFTLAB_TEST_RUNTIMES): ${notRun.join(', ')}`);
if (results.every(([, r]) => r.status === 'none')) {
  console.log(`\nDMFTLAB_TEST_FILTER=${process.env.DMFTLAB_TEST_FILTER} matches no test file`);
  process.exit(1);
}
if (results.some(([, r]) => r.status === 'fail')) {
  console.log(`\ntests FAILED`);
  process.exit(1);
}
console.log(`\nall ${results.some(([, r]) => r.status === 'missing') ? 'runtimes that are installed' : 'tests'} passed in ${seconds(t0).toFixed(0)} s`);
// done: nothing left to wait for (a stray timer or child service must not hold the exit)
process.exit(0);
