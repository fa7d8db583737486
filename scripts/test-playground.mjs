// End-to-end test of the playground (issue 7) in Debian's chromium, driven by playwright-core: it serves
// dist/web (built by scripts/build.mjs) from 127.0.0.1 with COOP/COEP, then
//   1. opens the playground and checks that it is cross-origin isolated and runs on the thread pool;
//   2. starts a low-rank simulation (M&O Fig. 1: rank one, M_m = 1.1, M_n = 2, N = 1000, g = 0.8) and checks
//      that frames arrive, that the heatmap canvas changes, and that Pause holds the stream and Resume goes on;
//   3. reads the displayed running variance at g = 0.8 (static, bistable), moves the g control across the
//      transitions (g_C = 1.80, g_S = 2.06) to g = 2.5 (chaotic, kappa = 0), and checks both times that the
//      displayed variance lies in the displayed theory band around Delta0, and that the displayed Delta0
//      is the one this Node process computes for the same spec (an independent route: dist/node);
//   4. runs the theory from the page (branches, C(tau)) and checks that the table and the plots filled;
//   5. exports the spec as JSON and as a link, reloads the link, and checks that the page shows and
//      exports the same spec, and that it runs;
//   6. saves a screenshot as test-artifacts/playground.png;
//   7. runs a multiregion network (P = 2): its currents S_ab stream next to the DMFT's end state (the same as
//      Node's), g changes on the running network, and the theory runs;
//   8. opens the page served WITHOUT COOP/COEP: it must say why it runs on one thread, and still run.
//   node scripts/build.mjs && node scripts/test-playground.mjs
// DMFTLAB_CHROMIUM overrides the browser path. Part of `npm test` (with the chromium runtime).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from './static-server.mjs';
import { isMain, reportMissing, seconds } from './test-runtimes.mjs';

const root = new URL('..', import.meta.url).pathname;
const WEB = join(root, 'dist', 'web');
const ARTIFACTS = join(root, 'test-artifacts');
const CHROMIUM = process.env.DMFTLAB_CHROMIUM || '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-renderer-backgrounding', '--disable-background-timer-throttling'];
/** Longest wait for one condition on the page (a 2-core CI machine runs the other suites beside it). */
const WAIT_MS = 120_000;

const state = (page) => page.evaluate(() => {
  const p = window.dmftlabPlayground;
  return p ? { ...p, spec: p.spec() } : null;
});

async function waitFor(page, what, pred) {
  const t0 = Date.now();
  let s = null;
  while (Date.now() - t0 < WAIT_MS) {
    s = await state(page);
    if (s?.error) throw new Error(`the page reports an error while waiting for ${what}: ${s.error}`);
    if (s && pred(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${WAIT_MS / 1000} s waiting for ${what}; last state ${JSON.stringify(s)}`);
}

/** A cheap fingerprint of the heatmap's pixels. */
const canvasHash = (page) => page.evaluate(() => {
  const c = document.getElementById('heatmap');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let h = 2166136261;
  for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 16777619);
  return h >>> 0;
});

/** What the page displays: the running variance, its SE and frame count, Delta0 and the band half-width. */
const displayed = (page) => page.evaluate(() => {
  const v = document.getElementById('variance').dataset;
  return {
    variance: Number(v.value),
    frames: Number(v.frames),
    delta0: Number(document.getElementById('delta0').dataset.value),
    halfWidth: Number(document.getElementById('band').dataset.halfWidth),
    agreeText: document.getElementById('agree').textContent,
  };
});

async function setNumber(page, id, value) {
  await page.locator(`#${id}`).fill(String(value));
  await page.locator(`#${id}`).dispatchEvent('change');
}

/** The library's Node bundle, for the values the page must show (another bundle and runtime than the page's). */
async function nodeLib() {
  const lib = await import(join(root, 'dist', 'node', 'index.js'));
  await lib.init({ threads: 1 });
  return lib;
}

/**
 * Open the playground at `origin` in a fresh context, wait until init() is done, run `fn(page, first state,
 * console errors so far and later)`, and close the context.
 */
async function withPlayground(browser, origin, fn, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  try {
    const page = await context.newPage();
    const consoleErrors = [];
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(`${origin}/`, { waitUntil: 'load' });
    const s0 = await waitFor(page, 'init()', (s) => s.status === 'idle');
    return await fn(page, s0, consoleErrors);
  } finally {
    await context.close();
  }
}

/** Theory Delta0 of the stable solutions at g for the playground's low-rank spec, computed in this process. */
async function nodeDelta0(lowrankSpec, g) {
  const lib = await nodeLib();
  const sw = await lib.lowrank.sweep(lowrankSpec, [g]);
  return sw.results[0].solutions.filter((s) => s.stable).map((s) => ({ type: s.type, branch: s.branch, delta0: s.delta0, kappa: s.kappa }));
}

async function checkVarianceInBand(page, label, g, nodeSols, log) {
  // enough settled frames for the block SE (8 blocks), and the theory at this g shown
  await waitFor(page, `the variance at g = ${g}`, (s) => s.g === g && s.variance.frames >= 120 && s.theory && !s.theory.pending && s.agree !== null);
  const d = await displayed(page);
  log(`${label}: g = ${g}, displayed variance ${d.variance.toFixed(4)} over ${d.frames} frames, theory Delta0 ${d.delta0.toFixed(5)} +- ${d.halfWidth.toFixed(4)} (${d.agreeText})`);
  assert.ok(d.frames >= 120, `${label}: ${d.frames} frames displayed`);
  // the displayed Delta0 is one of the stable solutions Node finds for the same spec (the same code through
  // another bundle and runtime: equal to rounding)
  const match = nodeSols.find((x) => Math.abs(x.delta0 - d.delta0) <= 1e-9 * Math.max(1, x.delta0));
  assert.ok(match, `${label}: displayed Delta0 ${d.delta0} is none of Node's stable solutions ${JSON.stringify(nodeSols)}`);
  assert.ok(Number.isFinite(d.halfWidth) && d.halfWidth > 0, `${label}: band half-width ${d.halfWidth}`);
  assert.ok(Math.abs(d.variance - d.delta0) <= d.halfWidth, `${label}: displayed variance ${d.variance} is outside the band ${d.delta0} +- ${d.halfWidth}`);
  return d;
}

const isolatedRun = (browser, origin, log) =>
  withPlayground(browser, origin, async (page, s0, consoleErrors) => {
    // 1. open
    assert.equal(s0.isolated, true, 'the page served with COOP/COEP is not cross-origin isolated');
    assert.ok(s0.threads >= 1);
    log(`opened: cross-origin isolated, ${s0.threads} thread(s)`);
    assert.equal(await page.locator('#isolation').isHidden(), true, 'the not-isolated banner shows on an isolated page');

    // 2. a low-rank simulation
    await page.selectOption('#kind', 'lowrank');
    await setNumber(page, 'N', 1000);
    await page.locator('#g').fill('0.8');
    const spec0 = (await state(page)).spec;
    assert.equal(spec0.model.kind, 'lowrank');
    assert.equal(spec0.model.N, 1000);
    assert.equal(spec0.model.g, 0.8);
    const blank = await canvasHash(page);
    await page.click('#start');
    const s1 = await waitFor(page, 'the first 20 frames', (s) => s.status === 'running' && s.frames >= 20);
    const h1 = await canvasHash(page);
    assert.notEqual(h1, blank, 'the heatmap did not change after 20 frames');
    await waitFor(page, '20 more frames', (s) => s.frames >= s1.frames + 20);
    const h2 = await canvasHash(page);
    assert.notEqual(h2, h1, 'the heatmap did not change between frames');
    log(`frames arrive (${s1.frames} after start) and the heatmap changes`);
    // pause holds the network (no frame arrives), resume goes on
    await page.click('#pause');
    const p0 = await waitFor(page, 'the pause', (s) => s.status === 'paused');
    await new Promise((r) => setTimeout(r, 500));
    const p1 = await state(page);
    assert.ok(p1.frames <= p0.frames + 1, `frames went on while paused: ${p0.frames} -> ${p1.frames}`);
    await page.click('#pause');
    await waitFor(page, 'frames after resume', (s) => s.status === 'running' && s.frames >= p1.frames + 10);
    log(`pause holds the stream (${p0.frames} -> ${p1.frames} frames in 0.5 s), resume continues`);

    // 3. the variance against the theory, below and above the transitions
    const low = await checkVarianceInBand(page, 'static state', 0.8, await nodeDelta0(spec0, 0.8), log);
    await page.locator('#g').fill('2.5');
    const high = await checkVarianceInBand(page, 'chaotic state', 2.5, await nodeDelta0({ ...spec0, model: { ...spec0.model, g: 2.5 } }, 2.5), log);
    // the displayed variance followed the change: Delta0 moves from 1.74 to 3.50, far more than both bands
    assert.ok(high.variance - low.variance > low.halfWidth + high.halfWidth, `the variance did not follow g: ${low.variance} -> ${high.variance}`);

    // 4. the theory for the same spec, overlaid
    await page.click('#theory');
    await waitFor(page, 'the theory run', (s) => s.theoryRuns >= 1);
    const rows = await page.locator('#solutions tbody tr').count();
    assert.ok(rows >= 2, `the solutions table has ${rows} rows`);
    const plots = await page.evaluate(() => ['plot-ctau', 'plot-branches'].map((id) => document.querySelectorAll(`#${id} canvas`).length));
    assert.deepEqual(plots, [1, 1], 'C(tau) and branch plots');
    log(`theory: ${rows} solutions in the table; C(tau) and branch plots drawn`);

    // 6. screenshot (the live state with the theory)
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });
    log(`screenshot: test-artifacts/playground.png`);

    // 5. export and reload
    await page.click('#export-json');
    const exported = JSON.parse(await page.locator('#spec-text').inputValue());
    assert.equal(exported.model.kind, 'lowrank');
    assert.equal(exported.model.g, 2.5);
    assert.equal(exported.model.N, 1000);
    await page.click('#export-url');
    const url = await page.locator('#spec-url').inputValue();
    assert.ok(url.startsWith(`${origin}/#spec=`), `link ${url}`);
    await page.click('#stop');
    await page.goto('about:blank');
    await page.goto(url, { waitUntil: 'load' });
    const r = await waitFor(page, 'the reloaded page', (s) => s.status === 'idle');
    assert.deepEqual(r.spec, exported, 'the reloaded page exports another spec');
    assert.equal(await page.locator('#g').inputValue(), '2.5');
    assert.equal(await page.locator('#kind').inputValue(), 'lowrank');
    assert.equal(await page.locator('#N').inputValue(), '1000');
    await page.click('#start');
    await waitFor(page, 'frames of the reloaded spec', (s) => s.frames >= 10);
    await page.click('#stop');
    // the JSON route: load a changed spec from the text box
    await page.locator('#spec-text').fill(JSON.stringify({ ...exported, model: { ...exported.model, g: 1.9 } }));
    await page.click('#import');
    const j = await waitFor(page, 'the loaded JSON', (s) => s.g === 1.9);
    assert.equal(j.spec.model.g, 1.9);
    log(`export: JSON and link; the link reloads the same spec (${url.length} characters) and runs; JSON loads`);
    // a broken spec gives a message that names the field, and nothing else changes
    await page.locator('#spec-text').fill(JSON.stringify({ ...exported, model: { ...exported.model, N: -5 } }));
    await page.click('#import');
    const err = await page.locator('#error').textContent();
    assert.match(err, /model\.N/, `error text: ${err}`);
    assert.equal((await state(page)).spec.model.N, 1000);
    log(`a broken spec is refused with: ${err.split('\n').slice(0, 2).join(' ')}`);
    assert.deepEqual(consoleErrors, [], 'errors in the page console');
  }, { viewport: { width: 1400, height: 1100 }, acceptDownloads: true });

const multiregionRun = (browser, origin, log) =>
  withPlayground(browser, origin, async (page) => {
    await page.selectOption('#kind', 'multiregion');
    await setNumber(page, 'N', 400);
    const spec = (await state(page)).spec;
    assert.equal(spec.model.kind, 'multiregion');
    assert.deepEqual([spec.model.P, spec.model.N, spec.model.g], [2, 400, [1.5, 1.5]]);
    assert.equal(await page.locator('#structure-label').isHidden(), true, 'the structure scale is offered for multiregion');
    await page.click('#start');
    const s1 = await waitFor(page, 'multiregion frames and the DMFT end state', (s) => s.frames >= 20 && s.trace.length === 4 && s.traceTheory && s.theory && !s.theory.pending);
    assert.ok(s1.trace.every(Number.isFinite), `currents ${s1.trace}`);
    // the displayed end state is the DMFT's for this spec, computed here through the Node bundle
    const fin = (await (await nodeLib()).solve(spec)).result.dmft.final;
    assert.deepEqual(s1.traceTheory, fin.currents.flat());
    assert.equal(s1.theory.delta0, (fin.variance[0] + fin.variance[1]) / 2);
    assert.equal(s1.agree, null, 'multiregion has no agreement verdict');
    // g scales every g_a on the running network: frames go on without a restart
    await page.locator('#g').fill('1');
    const s2 = await waitFor(page, 'frames at g = 1', (s) => s.g === 1 && s.frames >= s1.frames + 20);
    assert.deepEqual(s2.spec.model.g, [1, 1]);
    await page.click('#theory');
    await waitFor(page, 'the multiregion theory run', (s) => s.theoryRuns >= 1);
    assert.equal(await page.locator('#solutions tbody tr').count(), 1);
    log(`multiregion P = 2, N = 400: currents S_ab stream (${s1.trace.map((v) => v.toFixed(3)).join(', ')} at frame ${s1.frames}), the DMFT end state (${fin.currents.flat().map((v) => v.toFixed(3)).join(', ')}) as in Node, g moved to 1 without a restart, theory run`);
  });

const notIsolatedRun = (browser, origin, log) =>
  withPlayground(browser, origin, async (page, s) => {
    assert.equal(s.isolated, false);
    assert.equal(s.threads, 1);
    const banner = await page.locator('#isolation').textContent();
    assert.equal(await page.locator('#isolation').isVisible(), true, 'no banner on a page that is not isolated');
    assert.match(banner, /not cross-origin isolated/);
    assert.ok(s.reason.length > 0, 'init() gave no reason');
    // the i.i.d. network, and its participation ratio from the theory run
    await page.selectOption('#kind', 'random');
    await page.click('#start');
    await waitFor(page, 'settled frames on one thread', (s) => s.variance.frames >= 20);
    await page.click('#theory');
    await waitFor(page, 'the theory run with PR', (s) => s.theoryRuns >= 1);
    const prText = await page.locator('#pr').textContent();
    const m = /theory \(N → ∞\) (\d\.\d+); simulation (\d\.\d+)/.exec(prText);
    assert.ok(m, `PR text: ${prText}`);
    const spec = (await state(page)).spec;
    const th = (await (await nodeLib()).solve({ ...spec, simulation: { ...spec.simulation, dimension: 'x', blocks: 8 } })).result.dimension;
    assert.equal(m[1], th.prX.toFixed(4), 'the page shows another PR/N than Node computes');
    log(`without COOP/COEP: one thread, and the page says why ("${banner.slice(0, 80)}…"); frames arrive; PR/N theory ${m[1]} (as Node), simulation ${m[2]}`);
  });

/** Returns { status: 'pass' | 'fail' | 'missing', s }. */
export async function runPlayground() {
  const t0 = Date.now();
  console.log(`\n== playground (chromium, end to end) ==`);
  if (!existsSync(CHROMIUM)) return { status: reportMissing('chromium', `not installed (${CHROMIUM} is missing)`, 'apt-get update && apt-get install -y chromium'), s: seconds(t0) };
  if (!existsSync(join(WEB, 'index.html'))) {
    console.log(`not ok - dist/web/index.html is missing (node scripts/build.mjs builds the playground)`);
    return { status: 'fail', s: seconds(t0) };
  }
  const { chromium } = await import('playwright-core');
  const iso = await serveStatic(WEB, { isolated: true });
  const plain = await serveStatic(WEB, { isolated: false });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  let n = 0;
  let failed = 0;
  const step = async (name, fn) => {
    const t = Date.now();
    const lines = [];
    try {
      await fn((l) => lines.push(l));
      console.log(`ok ${++n} - ${name} (${seconds(t).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`not ok ${++n} - ${name} (${seconds(t).toFixed(1)} s)`);
      console.log(String(e.stack ?? e).replace(/^/gm, '  # '));
    }
    for (const l of lines) console.log(`  # ${l}`);
  };
  try {
    await step('playground: low-rank stream, variance against the theory across the transition, theory, export and reload, screenshot', (log) => isolatedRun(browser, iso.origin, log));
    await step('playground, multiregion: currents S_ab, the DMFT end state, g on the running network', (log) => multiregionRun(browser, iso.origin, log));
    await step('playground without COOP/COEP: one thread, the reason shown, frames arrive; PR/N of the i.i.d. network', (log) => notIsolatedRun(browser, plain.origin, log));
  } finally {
    await browser.close().catch(() => {});
    iso.server.close();
    plain.server.close();
  }
  console.log(`# playground: ${n - failed} pass, ${failed} fail; ${seconds(t0).toFixed(1)} s`);
  return { status: failed ? 'fail' : 'pass', s: seconds(t0) };
}

if (isMain(import.meta.url)) {
  const r = await runPlayground();
  process.exit(r.status === 'fail' ? 1 : 0);
}
