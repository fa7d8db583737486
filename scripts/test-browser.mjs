// The node:test suites in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no
// browser download). Every portable tests/*.test.ts is bundled for the browser with `node:test` and
// `node:assert[/strict]` aliased to the shims in tests/browser/, served from 127.0.0.1 with COOP/COEP
// (cross-origin isolated, as the threaded library needs) and run on a fresh page each. The browser-only
// files tests/browser/*.test.ts run too; not-isolated.test.ts on a second server WITHOUT those headers,
// where the library must fall back to one thread and say why.
//   node scripts/build.mjs --tests && node scripts/test-browser.mjs
// Environment: see scripts/test-runtimes.mjs (DMFTLAB_TEST_FILTER, DMFTLAB_TEST_FILE_TIMEOUT_S, CI);
// DMFTLAB_CHROMIUM overrides the browser path.
// A test file that imports a Node built-in (node:fs, node:child_process, ...), found from esbuild's
// import graph, cannot run here: it is skipped and listed with the modules it needs.
import { build } from 'esbuild';
import { serveStatic } from './static-server.mjs';
import { existsSync, readdirSync, rmSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_ONLY, fileFilter, fileTimeoutMs, inParallel, isMain, reportMissing, seconds, slowFirst } from './test-runtimes.mjs';

const root = new URL('..', import.meta.url).pathname;
const OUT = join(root, 'dist-test', 'browser');
const SHIMS = join(root, 'tests', 'browser');
const CHROMIUM = process.env.DMFTLAB_CHROMIUM || '/usr/bin/chromium';
const JOBS = Number(process.env.DMFTLAB_TEST_JOBS ?? 2) || 2;
/** browser-only test files that run on the page served without COOP/COEP */
const NOT_ISOLATED = new Set(['not-isolated.test.js']);
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Node built-ins the test modules may import: the shims stand in for them */
const SHIMMED = { 'node:test': 'node-test.ts', 'node:assert/strict': 'node-assert-strict.ts', 'node:assert': 'node-assert-legacy.ts' };

const shimPlugin = {
  name: 'node-test-shims',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => (SHIMMED[a.path] ? { path: join(SHIMS, SHIMMED[a.path]) } : { path: a.path, external: true }));
  },
};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  loader: { '.wasm': 'binary', '.txt': 'text' },
  plugins: [shimPlugin],
  logLevel: 'warning',
  legalComments: 'none',
};

/** name in dist-test (smoke.test.js) -> source (tests/smoke.test.ts), for both kinds of test files */
function testSources() {
  const keep = fileFilter();
  const list = (dir) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => [f.replace(/\.ts$/, '.js'), `${dir}/${f}`]);
  const shared = list('tests');
  const browserOnly = list('tests/browser');
  for (const [n] of browserOnly) if (shared.some(([m]) => m === n)) throw new Error(`tests/browser/${n} has the name of a shared test file`);
  return { shared: shared.filter(([n]) => keep(n)), browserOnly: browserOnly.filter(([n]) => keep(n)) };
}

/** For each entry, the Node built-ins it imports statically (directly or through its imports). */
async function nodeImports(entries) {
  const r = await build({ ...common, entryPoints: entries.map(([, src]) => src), outdir: join(tmpdir(), 'unused'), write: false, metafile: true });
  const { inputs } = r.metafile;
  const out = {};
  for (const [name, src] of entries) {
    const found = new Set();
    const seen = new Set();
    const walk = (p) => {
      if (seen.has(p) || !inputs[p]) return;
      seen.add(p);
      for (const i of inputs[p].imports) {
        if (i.kind !== 'import-statement' && i.kind !== 'require-call') continue; // dynamic imports are runtime branches
        if (i.external && i.path.startsWith('node:')) found.add(i.path);
        else if (!i.external) walk(i.path);
      }
    };
    walk(src);
    out[name] = [...found].sort();
  }
  return out;
}

/** A static server for OUT on 127.0.0.1 (port 0); `isolated` adds COOP/COEP/CORP to every response. */
const serve = (isolated) => serveStatic(OUT, { isolated });

// unref'd: a file's time-limit timer must not keep the process alive after the run (it did, for up to
// the 600 s limit after the last file, which doubled CI's wall time)
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms).unref());
const indent = (s, p = '# ') => String(s).trimEnd().replace(/^/gm, p);

/** One lane: its own browser (relaunched after a file hangs), files one after another. */
function lane(chromium) {
  let browser = null;
  const get = async () => (browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS }));
  const drop = async () => {
    const b = browser;
    browser = null;
    if (b) await Promise.race([b.close().catch(() => {}), sleep(10_000)]);
  };
  /** Run one test file on a fresh page; returns its counts and printable lines. */
  async function runFile(name, url, limit) {
    const t0 = Date.now();
    const lines = [];
    const counts = { pass: 0, fail: 0, skip: 0, todo: 0 };
    let n = 0;
    let fileError = false;
    let info = null;
    const failFile = (what, detail) => {
      fileError = true;
      lines.push(`not ok ${++n} - ${name}: ${what}`);
      if (detail) lines.push(indent(detail));
    };
    let finish;
    const done = new Promise((ok) => (finish = ok));
    let context = null;
    // everything that talks to the page is under the time limit: a page stuck in a loop answers nothing
    const session = async () => {
      context = await (await get()).newContext();
      await context.exposeFunction('__dmftReport', (e) => {
        if (e.type === 'result') {
          const r = e.result;
          counts[r.status]++;
          const title = [...r.path, r.name].join(' > ');
          if (r.status === 'pass') lines.push(`ok ${++n} - ${title} (${r.ms.toFixed(0)} ms)`);
          else if (r.status === 'fail') lines.push(`not ok ${++n} - ${title} (${r.ms.toFixed(0)} ms)`, indent(r.error ?? ''));
          else lines.push(`ok ${++n} - ${title} # ${r.status.toUpperCase()}${r.reason ? ` ${r.reason}` : ''}`);
          for (const d of r.diagnostics) lines.push(indent(d));
        } else if (e.type === 'error') {
          const [head, ...rest] = e.message.split('\n');
          failFile(head, rest.join('\n'));
        } else if (e.type === 'done') {
          info = e.info;
          finish('done');
        }
      });
      const page = await context.newPage();
      page.on('console', (m) => lines.push(indent(m.text(), `# console.${m.type()}: `)));
      page.on('crash', () => finish('the page crashed'));
      // uncaught exceptions and unhandled rejections, also those after the test that caused them
      page.on('pageerror', (e) => failFile(`uncaught error: ${e.message.split('\n')[0]}`, e.stack ?? e.message));
      await page.goto(url, { waitUntil: 'load' });
      return done;
    };
    try {
      const how = await Promise.race([session(), sleep(limit).then(() => 'timeout')]);
      if (how === 'timeout') failFile(`no result after the file time limit of ${limit / 1000} s (DMFTLAB_TEST_FILE_TIMEOUT_S); the browser is restarted`);
      else if (how !== 'done') failFile(how);
    } catch (e) {
      failFile(String(e.message ?? e).split('\n')[0], e.stack ?? String(e));
    }
    if (fileError || !info) await drop(); // a fresh browser for the next file
    else await Promise.race([context?.close().catch(() => {}), sleep(10_000)]);
    const isolated = info ? (info.crossOriginIsolated ? 'cross-origin isolated page' : 'page NOT cross-origin isolated') : 'no report from the page';
    return { name, lines, counts, ok: !fileError && counts.fail === 0 && info !== null, isolated, s: seconds(t0) };
  }
  return { runFile, close: drop };
}

/** Returns { status: 'pass' | 'fail' | 'missing' | 'none', s } ('none': no file to run). */
export async function runBrowser() {
  const t0 = Date.now();
  console.log(`\n== chromium ==`);
  if (!existsSync(CHROMIUM)) {
    return { status: reportMissing('chromium', `not installed (${CHROMIUM} is missing)`, 'apt-get update && apt-get install -y chromium  (Debian; .ci/run does this as root)'), s: seconds(t0) };
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    return { status: reportMissing('chromium', `playwright-core cannot be loaded (${e.message.split('\n')[0]})`, 'npm ci  (playwright-core is a pinned devDependency)'), s: seconds(t0) };
  }
  const { shared, browserOnly } = testSources();
  const imports = await nodeImports([...shared, ...browserOnly]);
  const skipped = [];
  const portable = [];
  for (const [name, src] of shared) {
    if (NODE_ONLY[name]) skipped.push([name, NODE_ONLY[name]]);
    else if (imports[name].length) skipped.push([name, `imports ${imports[name].join(', ')}, which a browser does not have (runs on Node and Deno)`]);
    else portable.push([name, src]);
  }
  for (const [name, src] of browserOnly) {
    if (imports[name].length) throw new Error(`${src} is browser-only but imports ${imports[name].join(', ')}`);
  }
  for (const [name, why] of skipped) console.log(`# SKIP ${name} (chromium): ${why}`);

  const toRun = [...portable, ...browserOnly];
  const order = slowFirst(toRun.map(([name]) => name));
  toRun.sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  if (!toRun.length) {
    console.log('# chromium: no test file to run');
    return { status: 'none', s: seconds(t0) };
  }
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  await build({
    ...common,
    entryPoints: [...toRun.map(([name, src]) => ({ in: src, out: name.replace(/\.js$/, '') })), { in: join(SHIMS, 'harness.ts'), out: 'harness' }],
    outdir: OUT,
    splitting: true,
    sourcemap: true,
  });
  copyFileSync(join(SHIMS, 'run.html'), join(OUT, 'run.html'));
  // the kernel worker as a plain file, for the explicit-worker-URL test (pages whose CSP forbids blob: workers)
  copyFileSync(join(root, 'build', 'kernel-worker.txt'), join(OUT, 'kernel-worker.js'));
  // the embedding example and the ESM bundle it imports, at their repository paths (tests/browser/embedding.test.ts)
  mkdirSync(join(OUT, 'examples', 'embed'), { recursive: true });
  mkdirSync(join(OUT, 'dist', 'browser'), { recursive: true });
  copyFileSync(join(root, 'examples', 'embed', 'index.html'), join(OUT, 'examples', 'embed', 'index.html'));
  if (existsSync(join(root, 'dist', 'browser', 'index.js'))) copyFileSync(join(root, 'dist', 'browser', 'index.js'), join(OUT, 'dist', 'browser', 'index.js'));
  const iso = await serve(true);
  const plain = await serve(false);
  const limit = fileTimeoutMs();
  const lanes = Array.from({ length: Math.min(JOBS, toRun.length) }, () => lane(chromium));
  let results = [];
  try {
    // files are handed to the lanes in order; each lane keeps its browser between files
    let next = 0;
    const take = () => (next < toRun.length ? toRun[next++] : null);
    const perLane = await inParallel(lanes, lanes.length, async (l) => {
      const mine = [];
      for (let f = take(); f; f = take()) {
        const [name] = f;
        const origin = NOT_ISOLATED.has(name) ? plain.origin : iso.origin;
        const r = await l.runFile(name, `${origin}/run.html?file=${encodeURIComponent(name)}`, limit);
        const c = r.counts;
        console.log(`\n# chromium ${name} (${r.isolated}): ${r.ok ? 'ok' : 'FAILED'} (${r.s.toFixed(1)} s)`);
        for (const line of r.lines) console.log(line.replace(/^/gm, '  '));
        console.log(`  # ${c.pass} pass, ${c.fail} fail, ${c.skip} skipped, ${c.todo} todo`);
        mine.push(r);
      }
      return mine;
    });
    results = perLane.flat().sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    await Promise.all(lanes.map((l) => l.close()));
    iso.server.close();
    plain.server.close();
  }
  const sum = (k) => results.reduce((a, r) => a + r.counts[k], 0);
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  console.log(`\n# chromium: files ${results.length} run, ${skipped.length} skipped; tests ${sum('pass')} pass, ${sum('fail')} fail, ${sum('skip')} skipped, ${sum('todo')} todo; ${seconds(t0).toFixed(1)} s`);
  for (const r of results) console.log(`#   ${r.ok ? 'ok    ' : 'FAILED'} ${r.name.padEnd(28)} ${String(r.counts.pass).padStart(4)} pass ${String(r.counts.fail).padStart(3)} fail ${r.s.toFixed(1).padStart(7)} s`);
  for (const [name, why] of skipped) console.log(`#   SKIP   ${name.padEnd(28)} ${why}`);
  if (failed.length) console.log(`# chromium: FAILED files: ${failed.join(', ')}`);
  return { status: failed.length ? 'fail' : 'pass', s: seconds(t0) };
}

if (isMain(import.meta.url)) {
  const r = await runBrowser();
  process.exit(r.status === 'fail' ? 1 : 0);
}
