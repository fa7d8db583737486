// The paper-figure scripts of examples/multiregion/ (Clark & Beiran 2025, Figs. 3-6 and the input switch) and
// of examples/dimension/ (Clark, Abbott & Litwin-Kumar 2023: PR/N against g; Clark et al. 2024: PR/N against
// the effective rank), run as a user runs them: `node examples/<dir>/<script>.mjs` in an empty working
// directory, against the built bundle dist/node/index.js, in quick mode (DMFTLAB_EXAMPLE_QUICK=1: small grids,
// N and durations). Each must exit 0, write its SVG into the working directory, and end its stdout with one JSON
// line whose key numbers are checked here against the theory (computed here from src/, not taken from the script).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prFlow, prAtRho } from '../src/theory/dimension/pr.js';
import { rhoLimit, couplingRankLimit } from '../src/theory/dimension/effective-rank.js';

const ROOT = process.cwd();
const DIST = join(ROOT, 'dist', 'node', 'index.js');
const inDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
const skip = inDeno ? 'the example scripts are Node programs run as child processes (node examples/*/*.mjs)' : false;

interface Run {
  summary: Record<string, unknown>;
  svg: string;
  stdout: string;
  /** The working directory the script ran in. */
  cwd: string;
}

/**
 * Run examples/<dir>/<script> in quick mode in a fresh temporary directory (or in `cwd`, e.g. to rerun a script
 * on the results file of an earlier run), with command-line `args`.
 */
function runExample(dir: string, script: string, svgName: string, args: string[] = [], cwd = mkdtempSync(join(tmpdir(), 'dmftlab-example-'))): Run {
  assert.ok(existsSync(DIST), `${DIST} is missing: build first (node scripts/build.mjs)`);
  const r = spawnSync(process.execPath, [join(ROOT, 'examples', dir, script), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DMFTLAB_EXAMPLE_QUICK: '1' },
  });
  assert.equal(r.signal, null, `${script}: killed (${r.signal}); stderr: ${r.stderr}`);
  assert.equal(r.status, 0, `${script}: exit ${r.status}; stderr: ${r.stderr}`);
  const svgPath = join(cwd, svgName);
  assert.ok(existsSync(svgPath), `${script}: no ${svgName} in the working directory`);
  assert.ok(r.stdout.includes(svgPath), `${script}: the SVG path is not printed`);
  const svg = readFileSync(svgPath, 'utf8');
  assert.ok(svg.startsWith('<svg'), `${script}: ${svgName} does not start with <svg`);
  assert.ok(svg.trimEnd().endsWith('</svg>'), `${script}: ${svgName} does not end with </svg>`);
  assert.ok(!/NaN|Infinity/.test(svg), `${script}: ${svgName} contains NaN or Infinity`);
  const lines = r.stdout.trimEnd().split('\n');
  const summary = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  assert.equal(summary.quick, true, `${script}: quick mode not taken`);
  return { summary, svg, stdout: r.stdout, cwd };
}

test('fig3.mjs: P = 5 simulations; for g = 0 the DMFT reaches the pinned-gain sqrt(A^a) = sqrt((2/pi)(b_a^2 - 1))', { skip }, () => {
  const { summary } = runExample('multiregion', 'fig3.mjs', 'fig3.svg');
  const sets = summary.sets as { set: string; regions: { predicted: number; stationary: number; measured: number }[] }[];
  assert.deepEqual(
    sets.map((s) => s.set),
    ['i', 'iv'],
  );
  const b = [2.4609, 2.538, 2.4939, 2.4959, 2.5164]; // set (i), g = 0: A^a = Delta0 = (2/pi)(b_a^2 - 1) (spec 02 §5.2)
  sets[0].regions.forEach((r, a) => {
    assert.ok(Math.abs(r.predicted - Math.sqrt((2 / Math.PI) * (b[a] ** 2 - 1))) < 1e-12, `region ${a}: prediction ${r.predicted}`);
    assert.ok(Math.abs(r.stationary - r.predicted) < 1e-6, `region ${a}: DMFT stationary ${r.stationary} vs pinned ${r.predicted}`);
    assert.ok(r.measured > 0.5 && r.measured < 3, `region ${a}: simulated sqrt(A) ${r.measured}`);
  });
});

test('fig4.mjs: sqrt(A) at g = 0, b = 2 is sqrt((2/pi)(b^2 - 1)); chaos appears at g = (1 + pi Delta0)^(1/4)', { skip }, () => {
  const { summary } = runExample('multiregion', 'fig4.mjs', 'fig4.svg');
  const expected = Math.sqrt((2 / Math.PI) * (2 * 2 - 1));
  assert.ok(Math.abs((summary.sqrtA_g0_b2 as number) - expected) < 1e-12, `sqrt(A)(g = 0, b = 2) = ${summary.sqrtA_g0_b2}, expected ${expected}`);
  const bd = summary.boundaries as Record<string, { chaosWithStructureFrom: number; currentsDieAt: number }>;
  for (const b of [1.5, 2, 2.5]) {
    const D0 = (2 / Math.PI) * (b * b - 1);
    assert.ok(Math.abs(bd[String(b)].chaosWithStructureFrom - (1 + Math.PI * D0) ** 0.25) < 1e-12);
    assert.ok(bd[String(b)].currentsDieAt > bd[String(b)].chaosWithStructureFrom, `b = ${b}: currents die before chaos appears`);
  }
  const f4b = summary.fig4b as { regime: string }[];
  assert.deepEqual(
    f4b.map((s) => s.regime),
    ['chaos-suppressed', 'chaos-with-structure', 'chaos'],
  );
});

test('fig5.mjs: the phase map over the leading eigenvalue shows at least two categories', { skip }, () => {
  const { summary } = runExample('multiregion', 'fig5.mjs', 'fig5.svg');
  const found = summary.categoriesFound as string[];
  assert.ok(found.length >= 2, `categories: ${found.join(', ')}`);
  assert.equal(summary.failedRuns, 0);
});

test('fig6.mjs: silencing region 0 turns the real leading eigenvalue of T-hat into a complex pair', { skip }, () => {
  const { summary } = runExample('multiregion', 'fig6.mjs', 'fig6.svg');
  const tensors = summary.tensors as { leadingIsReal: boolean; silencedIsComplex: boolean; sweep: { g0: number; psi0: number }[] }[];
  assert.equal(tensors.length, 2);
  for (const t of tensors) {
    assert.ok(t.leadingIsReal && t.silencedIsComplex);
    assert.equal(t.sweep.length, 4);
    assert.ok(t.sweep.every((s) => s.psi0 > 0 && s.psi0 <= 1));
  }
});

test('fig7-input-switch.mjs: the input kills the self-current of region 0 and removing it restores it', { skip }, () => {
  const { summary } = runExample('multiregion', 'fig7-input-switch.mjs', 'fig7-input-switch.svg');
  const [before, on, after] = summary.phases as { S00: number; outOfRegion0: number }[];
  assert.ok(Math.abs(before.S00) > 1, `S^00 before the input: ${before.S00}`);
  assert.ok(Math.abs(on.S00) < 0.1 * Math.abs(before.S00), `S^00 with the input: ${on.S00}`);
  assert.ok(on.outOfRegion0 > 0.05 && before.outOfRegion0 < 1e-6, 'region 0 sends currents only while the input is on');
  assert.ok(Math.abs(after.S00 - before.S00) < 1e-3, `S^00 after the input: ${after.S00} (before: ${before.S00})`);
});

// ---- examples/dimension/ (spec 03). Quick mode: N = 256, 2 networks a point, 400 measured time units.

interface DimensionPoint {
  variable: string;
  N: number;
  g: number;
  networks: number;
  mean: number;
  seNetworks: number;
  seJackknife: number;
  theory: number;
  relDiff: number;
}

/**
 * Checks shared by both scripts: every point has `networks` networks (rank.mjs: some may be `excluded`, see there),
 * its PR/N is finite and positive with finite SEs, and relDiff is mean/theory - 1.
 */
function checkPoints(points: (DimensionPoint & { excluded?: number })[], networks: number): void {
  for (const p of points) {
    const where = JSON.stringify(p);
    assert.ok(p.networks >= 1 && p.networks + (p.excluded ?? 0) === networks, `networks: ${where}`);
    // PR/N of a covariance lies in [1/N, 1]; the cross-block estimator can leave that range only by its noise
    assert.ok(Number.isFinite(p.mean) && p.mean > 0.5 / p.N && p.mean < 1, `PR/N: ${where}`);
    assert.ok(p.seNetworks > 0 && Number.isFinite(p.seNetworks) && p.seJackknife > 0 && Number.isFinite(p.seJackknife), `SEs: ${where}`);
    assert.ok(Math.abs(p.relDiff - (p.mean / p.theory - 1)) < 1e-12, `relDiff: ${where}`);
  }
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${what}: ${a} vs ${b}`);

test('dimension/pr-vs-g.mjs: the theory values are dimension.prFlow(g); the simulated PR/N are positive and within the N = 256 scatter', { skip }, () => {
  const { summary } = runExample('dimension', 'pr-vs-g.mjs', 'pr-vs-g.svg');
  const theory = summary.theory as { g: number; prX: number; prPhi: number }[];
  assert.deepEqual(
    theory.map((t) => t.g),
    [2, 3],
  );
  const flow = new Map(theory.map((t) => [t.g, prFlow(t.g)]));
  for (const t of theory) {
    // the same code (dist is built from src) at the same settings: equal to round-off
    close(t.prX, flow.get(t.g)!.prX, `PR^x/N at g = ${t.g}`);
    close(t.prPhi, flow.get(t.g)!.prPhi, `PR^phi/N at g = ${t.g}`);
  }
  const points = summary.summary as DimensionPoint[];
  assert.deepEqual(
    points.map((p) => [p.variable, p.N, p.g]),
    [
      ['x', 256, 2],
      ['x', 256, 3],
    ],
  );
  checkPoints(points, 2);
  for (const p of points) {
    close(p.theory, flow.get(p.g)!.prX, `theory of the point at g = ${p.g}`);
    // At N = 256 (PR ~ 4-8 dimensions) the network-to-network scatter is 50-70 % of the theory: 12 quick-mode
    // networks gave 0.5x to 2.6x the theory at g = 2 and 0.46x to 1.8x at g = 3, with a finite-N excess of their
    // mean (+25 % at g = 2, +20 % at g = 3). A mean of two networks therefore lies within a factor 3 of the theory;
    // outside it the script measured something else (PR not divided by N, the wrong variable, a broken estimator).
    assert.ok(p.mean > p.theory / 3 && p.mean < 3 * p.theory, `g = ${p.g}: PR/N ${p.mean} vs theory ${p.theory}`);
  }
});

test('dimension/rank.mjs: theory at the measured rho from (5.1); measured rho and PR_J/N of the built J; a rerun resumes from the results file', { skip }, () => {
  const first = runExample('dimension', 'rank.mjs', 'rank.svg', ['--results', 'r.jsonl']);
  const { summary } = first;
  const g = summary.g as number;
  assert.equal(g, 3);
  const base = prFlow(g);
  const th = summary.theory as { iid: { prX: number; prPhi: number }; interceptX: number; slopeX: number; spectra: { spectrum: { kind: string }; rhoSpec: number; PRJlimit: number; prX: number }[] };
  close(th.iid.prX, base.prX, 'i.i.d. PR^x/N');
  close(th.iid.prPhi, base.prPhi, 'i.i.d. PR^phi/N');
  close(th.interceptX, base.pieces.interceptX, 'intercept of N/PR^x');
  close(th.slopeX, base.pieces.slopeX, 'slope of N/PR^x');
  for (const s of th.spectra) {
    close(s.prX, prAtRho(base.pieces, s.rhoSpec).prX, `theory PR^x/N of ${JSON.stringify(s.spectrum)}`);
    close(s.PRJlimit, 1 / (2 + 1 / s.rhoSpec), 'PR_J/N limit');
  }
  type RankPoint = DimensionPoint & { spectrum: { kind: 'flat'; alpha: number } | { kind: 'exponential'; tau: number }; rhoSpec: number; rho: number; PRJperN: number; PRJperNSD: number; PRJlimit: number; theoryAtSpecRho: number };
  const points = summary.summary as RankPoint[];
  assert.deepEqual(
    points.map((p) => [p.variable, p.N, p.spectrum]),
    [
      ['x', 256, { kind: 'flat', alpha: 0.25 }],
      ['x', 256, { kind: 'exponential', tau: 0.05 }],
    ],
  );
  checkPoints(points, 2);
  for (const p of points) {
    const name = JSON.stringify(p.spectrum);
    const family = p.spectrum.kind === 'flat' ? { family: 'flat' as const, alpha: p.spectrum.alpha } : { family: 'exponential' as const, tau: p.spectrum.tau };
    close(p.rhoSpec, rhoLimit(family), `${name}: rho of the spec`);
    // The measured rho is PR^D/N of the spectrum built at N (deterministic): flat round(alpha N)/N, off alpha by
    // at most 1/(2N) (0 for alpha = 0.25 at N = 256); exponential: discrete sums for integrals, off by O(1/(tau N)^2)
    // (5e-4 relative at tau = 0.05, N = 256). 1 % is the "few %" of the acceptance with room to spare.
    assert.ok(Math.abs(p.rho / p.rhoSpec - 1) < 0.01, `${name}: rho ${p.rho} vs ${p.rhoSpec}`);
    // The theory of a point is (5.1) at the measured rho (as solve(spec) takes it)
    close(p.theory, prAtRho(base.pieces, p.rho).prX, `${name}: theory`);
    close(p.theoryAtSpecRho, prAtRho(base.pieces, p.rhoSpec).prX, `${name}: theory at the spec's rho`);
    close(p.PRJlimit, couplingRankLimit(p.rho), `${name}: PR_J/N limit`);
    // PR_J/N of the built J: the tolerance of tests/random-mode.test.ts, 5 network-to-network SD plus 4/N. The SD
    // is the relative SD of the 1/rho part of (1/N) sum sigma^4, 4/sqrt(N PR^D), times its share (1/rho)/(2 + 1/rho):
    // 2.1 % for flat alpha = 0.25 and 4.1 % for exponential tau = 0.05 at N = 256; the finite-N bias is O(1/N)
    // (E|u_a|^4 = 1 + 2/N). Observed here: -1 % and +2 %.
    const sd = (4 / Math.sqrt(p.N * p.rho * p.N)) * (1 / p.rho / (2 + 1 / p.rho));
    assert.ok(Math.abs(p.PRJperN / p.PRJlimit - 1) < 5 * sd + 4 / p.N, `${name}: PR_J/N ${p.PRJperN} vs ${p.PRJlimit}`);
    assert.ok(p.PRJperNSD >= 0 && p.PRJperNSD < 5 * sd * p.PRJlimit, `${name}: SD of PR_J/N ${p.PRJperNSD}`);
    // No check of PR/N against the theory: at N = 256 these spectra have ~1-2 theoretical dimensions (PR^x/N =
    // 0.0072 and 0.0034), where the N -> infinity theory does not describe a network (it even gives PR < 1 for
    // tau = 0.05): 10 quick-mode networks per spectrum sat at 2.4x and 3.5x the theory on average, and their
    // spreads overlap. The validation at N = 1024 and 2048 is examples/dimension/results/random-mode-x.jsonl.
  }
  const lines = readFileSync(join(first.cwd, 'r.jsonl'), 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 4, 'one results line per simulated network (2 spectra x 2 networks)');
  // a rerun on the same results file simulates nothing and reports the same summary
  const again = runExample('dimension', 'rank.mjs', 'rank.svg', ['--results', 'r.jsonl'], first.cwd);
  assert.ok(!/ seed \d+:/.test(again.stdout), 'the rerun simulated networks again');
  assert.deepEqual(again.summary.summary, summary.summary);
  assert.equal(readFileSync(join(first.cwd, 'r.jsonl'), 'utf8').trimEnd().split('\n').length, 4);
});
