// What scripts/test.mjs, test-deno.mjs and test-browser.mjs share: which runtimes to run, the file filter,
// the files kept to Node on purpose, and how a missing runtime is reported.
//
//   DMFTLAB_TEST_RUNTIMES=node,deno,chromium   runtimes to run (default: all three)
//   DMFTLAB_TEST_FILTER=regex                  only test files whose name (e.g. smoke.test.js) matches
//   DMFTLAB_TEST_FILE_TIMEOUT_S=600            a test file that runs longer fails (default 600 s for Deno and
//                                              Chromium, 1800 s for Node)
//   DMFTLAB_TEST_EVERYWHERE=1                  also run the NODE_ONLY files under Deno and in Chromium
//   DMFTLAB_TEST_JOBS=2                        test files run at a time (Deno and Chromium)
//   CI=true                                    a runtime that is not installed is a failure, not a skip
//
// Which test files run where:
// - Node runs every tests/*.test.ts.
// - Deno runs them too, except the ones in NODE_ONLY below.
// - Chromium runs the files that do not import a Node built-in module (node:fs, node:child_process, ...;
//   found from esbuild's import graph, so nothing to keep up to date by hand) and are not in NODE_ONLY,
//   plus the browser-only files tests/browser/*.test.ts. Each skipped file is printed with its reason.
// - Inside a file, a test that cannot run somewhere uses node:test's own `{ skip: 'reason' }`.

import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const ALL_RUNTIMES = ['node', 'deno', 'chromium'];

const STATISTICAL =
  'statistical agreement suite: run on Node only to keep CI under 40 minutes; the simulation numerics are bitwise identical across runtimes (see determinism test), and the theory suites run in every runtime';
/** Test files (as built into dist-test/) that run on Node only, and why (DMFTLAB_TEST_EVERYWHERE=1 runs them everywhere). */
const NODE_ONLY_FILES = {
  'agreement.test.js': STATISTICAL,
  'demo.test.js': STATISTICAL,
  'multiregion-agreement.test.js': STATISTICAL,
};
export const NODE_ONLY = /^(1|true|yes)$/i.test(process.env.DMFTLAB_TEST_EVERYWHERE ?? '') ? {} : NODE_ONLY_FILES;

/** The slowest files start first, so that two lanes finish close together (measured: Deno, Chromium). */
const SLOW_FIRST = ['agreement.test.js', 'multiregion-agreement.test.js', 'lowrank-theory.test.js', 'demo.test.js', 'cli.test.js', 'output-doc.test.js', 'spectrum.test.js'];
export const slowFirst = (names) => {
  const rank = (n) => (SLOW_FIRST.includes(n) ? SLOW_FIRST.indexOf(n) : SLOW_FIRST.length);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
};

export function selectedRuntimes() {
  const raw = process.env.DMFTLAB_TEST_RUNTIMES;
  if (!raw) return ALL_RUNTIMES;
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((r) => !ALL_RUNTIMES.includes(r));
  if (bad.length) throw new Error(`DMFTLAB_TEST_RUNTIMES: unknown runtime ${bad.join(', ')}; use a comma-separated subset of ${ALL_RUNTIMES.join(',')}`);
  return list;
}

/** Does a test file name pass DMFTLAB_TEST_FILTER? */
export function fileFilter() {
  const re = process.env.DMFTLAB_TEST_FILTER ? new RegExp(process.env.DMFTLAB_TEST_FILTER) : null;
  return (name) => !re || re.test(name);
}

/** The per-file time limit: DMFTLAB_TEST_FILE_TIMEOUT_S where set, else `defaultS` seconds. */
export function fileTimeoutMs(defaultS = 600) {
  const s = Number(process.env.DMFTLAB_TEST_FILE_TIMEOUT_S ?? defaultS);
  return (Number.isFinite(s) && s > 0 ? s : defaultS) * 1000;
}

/**
 * Node's default limit is longer: Node alone runs the statistical suites (agreement.test.js takes about
 * 220 s and multiregion-agreement.test.js 160 s on the 2-core dev machine, two files at a time).
 */
export const NODE_FILE_TIMEOUT_S = 1800;

export const isCI = () => /^(1|true|yes)$/i.test(process.env.CI ?? '');

/**
 * A runtime that is not installed: a loud skip locally, a failure under CI=true.
 * Returns the status for the summary: 'missing' (skipped) or 'fail'.
 */
export function reportMissing(runtime, what, howToInstall) {
  const ci = isCI();
  const bar = '!'.repeat(100);
  console.log(`\n${bar}`);
  console.log(`!!! ${runtime}: ${what}`);
  console.log(`!!! ${ci ? `CI=true: a missing runtime FAILS the run.` : `The ${runtime} tests are SKIPPED (with CI=true this is a failure).`}`);
  console.log(`!!! Install: ${howToInstall}`);
  console.log(`${bar}\n`);
  return ci ? 'fail' : 'missing';
}

export const seconds = (t0) => (Date.now() - t0) / 1000;

/** Run `task` on every item with at most `n` at a time, in order of the list. */
export async function inParallel(items, n, task) {
  const results = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
  return results;
}

/** True when the module at `metaUrl` is the script node was started with. */
export const isMain = (metaUrl) => Boolean(process.argv[1]) && fileURLToPath(metaUrl) === resolve(process.argv[1]);
