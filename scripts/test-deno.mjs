// The node:test suites under Deno (npm package `deno`, pinned in package.json): `deno test` runs the
// same dist-test/*.test.js bundles that Node runs (Deno implements node:test, node:assert and the node:
// modules the tests use). One Deno process per file, two at a time, each with a time limit.
//   node scripts/build.mjs --tests && node scripts/test-deno.mjs
// Environment: see scripts/test-runtimes.mjs (DMFTLAB_TEST_FILTER, DMFTLAB_TEST_FILE_TIMEOUT_S, CI);
// DMFTLAB_DENO overrides the deno binary.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { NODE_ONLY, fileFilter, fileTimeoutMs, inParallel, isMain, reportMissing, seconds, slowFirst } from './test-runtimes.mjs';

const root = new URL('..', import.meta.url).pathname;
const DENO = process.env.DMFTLAB_DENO || `${root}node_modules/.bin/deno`;
const JOBS = Number(process.env.DMFTLAB_TEST_JOBS ?? 2) || 2;

function runFile(file, timeoutMs) {
  return new Promise((done) => {
    const t0 = Date.now();
    const child = spawn(DENO, ['test', '-A', '--no-check', `dist-test/${file}`], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const n = (word) => Number(out.match(new RegExp(`^(?:ok|FAILED) \\|.*?(\\d+) ${word}`, 'm'))?.[1] ?? 0);
      const summary = /^(ok|FAILED) \|/m.test(out);
      done({
        file,
        out,
        code,
        signal,
        timedOut,
        s: seconds(t0),
        pass: n('passed'),
        fail: n('failed'),
        skip: n('ignored'),
        // a crash before the summary line (load error, kill) still fails the file
        ok: code === 0 && summary && !timedOut,
      });
    });
  });
}

/** Returns { status: 'pass' | 'fail' | 'missing' | 'none', s } ('none': no file to run). */
export async function runDeno() {
  const t0 = Date.now();
  console.log(`\n== deno ==`);
  const probe = existsSync(DENO) ? spawnSync(DENO, ['--version'], { encoding: 'utf8' }) : null;
  if (!probe || probe.status !== 0) {
    const why = probe ? `${DENO} does not run: ${(probe.stderr || probe.error?.message || '').trim()}` : `${DENO} is missing`;
    return { status: reportMissing('deno', `not installed (${why})`, 'npm ci  (deno is a pinned devDependency)'), s: seconds(t0) };
  }
  console.log(`# ${probe.stdout.split('\n')[0]}`);
  if (!existsSync(`${root}dist-test`)) throw new Error('dist-test/ is missing: run node scripts/build.mjs --tests first');
  const keep = fileFilter();
  const files = readdirSync(`${root}dist-test`).filter((f) => f.endsWith('.test.js') && keep(f)).sort();
  const skipped = files.filter((f) => NODE_ONLY[f]);
  for (const f of skipped) console.log(`# SKIP ${f} (deno): ${NODE_ONLY[f]}`);
  const run = slowFirst(files.filter((f) => !NODE_ONLY[f]));
  if (!run.length) {
    console.log('# deno: no test file to run');
    return { status: 'none', s: seconds(t0) };
  }
  const limit = fileTimeoutMs();
  const results = await inParallel(run, JOBS, async (f) => {
    const r = await runFile(f, limit);
    console.log(`\n# deno ${f}: ${r.ok ? 'ok' : 'FAILED'} (${r.s.toFixed(1)} s)`);
    process.stdout.write(r.out.replace(/^/gm, '  ').trimEnd() + '\n');
    if (r.timedOut) console.log(`not ok - ${f}: killed after the file time limit of ${limit / 1000} s (DMFTLAB_TEST_FILE_TIMEOUT_S)`);
    else if (!r.ok) console.log(`not ok - ${f}: deno exited with ${r.signal ?? r.code}`);
    return r;
  });
  const sum = (k) => results.reduce((a, r) => a + r[k], 0);
  const failedFiles = results.filter((r) => !r.ok).map((r) => r.file);
  console.log(`\n# deno: files ${results.length} run, ${skipped.length} skipped; tests ${sum('pass')} pass, ${sum('fail')} fail, ${sum('skip')} skipped; ${seconds(t0).toFixed(1)} s`);
  results.sort((a, b) => a.file.localeCompare(b.file));
  for (const r of results) console.log(`#   ${r.ok ? 'ok    ' : 'FAILED'} ${r.file.padEnd(28)} ${String(r.pass).padStart(4)} pass ${String(r.fail).padStart(3)} fail ${r.s.toFixed(1).padStart(7)} s`);
  if (failedFiles.length) console.log(`# deno: FAILED files: ${failedFiles.join(', ')}`);
  return { status: failedFiles.length ? 'fail' : 'pass', s: seconds(t0) };
}

if (isMain(import.meta.url)) {
  const r = await runDeno();
  process.exit(r.status === 'fail' ? 1 : 0);
}
