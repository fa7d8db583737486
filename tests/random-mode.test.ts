// Random-mode coupling (spec 03 §5.1, §5.4, §5.5): spectra, effective rank, the built J.
// Runs in Node, Deno and Chromium (no node:fs, no Buffer).
//   node scripts/run-test.mjs --no-wasm tests/random-mode.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  randomModeSpectrum,
  randomModeCount,
  effectiveRank,
  exponentialRho,
  buildRandomModeCoupling,
  empiricalRankOfJ,
  randomModeGains,
} from '../src/sim/random-mode.js';
import { parseSpec } from '../src/spec/validate.js';
import type { RandomModeModel, RandomModeSpectrum } from '../src/spec/types.js';

const model = (N: number, g: number, spectrum: RandomModeSpectrum, extra: Partial<RandomModeModel> = {}): RandomModeModel => ({
  kind: 'randomMode',
  N,
  g,
  phi: 'tanh',
  spectrum,
  overlap: null,
  heterogeneity: null,
  ...extra,
});

function buildJ(m: RandomModeModel, seed: number, ld = m.N): Float64Array {
  const J = new Float64Array(m.N * ld);
  buildRandomModeCoupling(m, seed, J, ld);
  return J;
}

test('spectra are normalised: (1/N) sum D^2 = g^2 to 1e-12', () => {
  const cases: [number, number, RandomModeSpectrum][] = [
    [1000, 2, { kind: 'flat', alpha: 0.25 }],
    [999, 1.5, { kind: 'flat', alpha: 0.3 }], // alpha N not an integer: P = 300, D = g sqrt(N / P)
    [1000, 5, { kind: 'flat', alpha: 3 }],
    [1000, 2, { kind: 'exponential', tau: 0.2 }],
    [1000, 0.7, { kind: 'powerLaw', gamma: 1.3, P: 500 }],
    [1000, 3, { kind: 'powerLaw', gamma: 0, P: 2000 }],
    [10, 2, { kind: 'list', D: [4, 3, 1, 0] }],
  ];
  for (const [N, g, s] of cases) {
    const D = randomModeSpectrum(model(N, g, s));
    assert.equal(D.length, randomModeCount(model(N, g, s)));
    const { g2 } = effectiveRank(D, N);
    assert.ok(Math.abs(g2 / (g * g) - 1) < 1e-12, `${s.kind}: g2 = ${g2}`);
    for (let a = 1; a < D.length; a++) assert.ok(D[a] <= D[a - 1] + 1e-15 || s.kind === 'list', `${s.kind}: decreasing`);
  }
  // a list without g keeps its values exactly (parseSpec fills the implied g)
  const spec = parseSpec({ dmftlab: 1, seed: 1, model: { kind: 'randomMode', N: 10, phi: 'tanh', spectrum: { kind: 'list', D: [4, 3, 1, 0] } } });
  assert.deepEqual([...randomModeSpectrum(spec.model as RandomModeModel)], [4, 3, 1, 0]);
  // flat with integer alpha N: D_a = g / sqrt(alpha) (spec 03 §5.1)
  const D = randomModeSpectrum(model(1000, 2, { kind: 'flat', alpha: 0.25 }));
  assert.equal(D.length, 250);
  assert.ok(Math.abs(D[0] - 2 / Math.sqrt(0.25)) < 1e-14);
});

test('effective rank: rho = alpha (flat), the exponential closed form at large N', () => {
  for (const alpha of [0.1, 0.25, 1, 4]) {
    const { rho, PRD } = effectiveRank(randomModeSpectrum(model(1000, 2, { kind: 'flat', alpha })), 1000);
    assert.ok(Math.abs(rho - alpha) < 1e-12, `flat alpha ${alpha}: rho ${rho}`);
    assert.ok(Math.abs(PRD - alpha * 1000) < 1e-9);
  }
  // exponential: rho_N -> 2 tau (1 - e^{-1/tau})^2 / (1 - e^{-2/tau}); the sums are geometric, so the
  // finite-N value differs by O(1/N) (Euler-Maclaurin: the discrete sum of e^{-a/(tau N)} vs its integral)
  for (const tau of [0.05, 0.2, 0.5, 2]) {
    const want = exponentialRho(tau);
    const err = (N: number) => Math.abs(effectiveRank(randomModeSpectrum(model(N, 1, { kind: 'exponential', tau })), N).rho - want);
    const e1 = err(1000);
    const e2 = err(16000);
    assert.ok(e2 < 2e-4 * want + 1e-12, `tau ${tau}: |rho - limit| = ${e2} at N = 16000`);
    assert.ok(e2 < e1 / 8, `tau ${tau}: error falls like 1/N (${e1} -> ${e2})`);
  }
  // tau -> infinity: flat with alpha = 1
  assert.ok(Math.abs(exponentialRho(1e4) - 1) < 1e-7);
});

test('built J: entries have variance g^2 / N and mean 0; padding columns are zero', () => {
  const N = 400;
  const g = 1.7;
  const m = model(N, g, { kind: 'exponential', tau: 0.3 });
  const ld = 404;
  const J = buildJ(m, 11, ld);
  let s1 = 0;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const x = J[i * ld + j];
      s1 += x;
      s2 += x * x;
      s4 += x ** 4;
    }
    for (let j = N; j < ld; j++) assert.equal(J[i * ld + j], 0);
  }
  const n = N * N;
  const v = s2 / n;
  // Var(J_ij^2) ~ E[J^4] (entries are nearly Gaussian); the N^2 entries are correlated through the
  // shared modes, so the error of the mean is larger than for independent entries: allow 5 SE of the
  // i.i.d. estimate plus the mode-sampling noise ~ sqrt(2 / PR_D) relative
  const rho = effectiveRank(randomModeSpectrum(m), N).rho;
  const tol = 5 * Math.sqrt((s4 / n - v * v) / n) + 3 * (g * g / N) * Math.sqrt(2 / (rho * N));
  assert.ok(Math.abs(v - (g * g) / N) < tol, `var ${v * N} vs g^2 ${g * g}`);
  assert.ok(Math.abs(s1 / n) < 5 * Math.sqrt(v / N), `mean ${s1 / n}`);
});

test('PR_J / N of a built J matches 1 / (2 + 1/rho) (N = 1024: flat and fast-decaying spectra)', () => {
  // Finite N: the mean of (1/N) sum sigma^4 differs from g^4 (2 + 1/rho) by O(1/N) relative (Gaussian
  // fourth moments: E|u_a|^4 = 1 + 2/N), i.e. ~0.4% at N = 1024. The network-to-network spread is
  // larger: the 1/rho part sum_a D_a^4 |u_a|^4 |v_a|^4 / N has relative SD ~ 4 / sqrt(N PR^D) (|u_a|^2
  // has variance 2/N), a fraction (1/rho) / (2 + 1/rho) of the total: ~0.5% for flat rho = 0.25 and
  // ~0.6% for the exponential tau = 0.1 (rho = 0.2). Tolerance: 5 such SD plus 4/N.
  const N = 1024;
  const cases: [string, RandomModeSpectrum][] = [
    ['flat alpha = 0.25', { kind: 'flat', alpha: 0.25 }],
    ['exponential tau = 0.1', { kind: 'exponential', tau: 0.1 }],
  ];
  for (const [name, s] of cases) {
    const m = model(N, 2, s);
    const { rho, PRD } = effectiveRank(randomModeSpectrum(m), N);
    const want = 1 / (2 + 1 / rho);
    const sd = (4 / Math.sqrt(N * PRD)) * (1 / rho / (2 + 1 / rho));
    const t0 = performance.now();
    const J = buildJ(m, 3);
    const t1 = performance.now();
    const r = empiricalRankOfJ(J, N, N);
    const t2 = performance.now();
    const rel = r.ratio / want - 1;
    console.log(`# ${name}: rho ${rho.toFixed(4)}, PR_J/N ${r.ratio.toFixed(5)} vs ${want.toFixed(5)} (${(100 * rel).toFixed(2)}%, SD ~${(100 * sd).toFixed(2)}%), m2/g^2 ${(r.m2 / 4).toFixed(4)}; build ${(t1 - t0).toFixed(0)} ms, PR_J ${(t2 - t1).toFixed(0)} ms`);
    assert.ok(Math.abs(rel) < 5 * sd + 4 / N, `${name}: PR_J/N ${r.ratio} vs ${want}`);
    // (1/N) sum sigma^2 = ||J||_F^2 / N -> g^2; relative SD ~ sqrt(2 / (N PR^D)) + O(1/N)
    assert.ok(Math.abs(r.m2 / 4 - 1) < 5 * Math.sqrt(2 / (N * PRD)) + 4 / N, `${name}: (1/N) sum sigma^2 = ${r.m2}`);
  }
});

test('empiricalRankOfJ on known matrices: identity, rank one, padded stride', () => {
  const N = 5;
  const ld = 8;
  const I = new Float64Array(N * ld);
  for (let i = 0; i < N; i++) I[i * ld + i] = 2;
  const r = empiricalRankOfJ(I, N, ld);
  assert.ok(Math.abs(r.PR - N) < 1e-12);
  const R1 = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) R1[i * N + j] = (i + 1) * (j - 2.5);
  assert.ok(Math.abs(empiricalRankOfJ(R1, N).PR - 1) < 1e-12);
});

test('reproducible: same seed bitwise, another seed differs; f32 output is the f64 value rounded once', () => {
  const m = model(96, 2, { kind: 'powerLaw', gamma: 1, P: 70 }, { overlap: { c: 0.4 }, heterogeneity: { kind: 'lognormal', sd: 0.3 } });
  const a = buildJ(m, 5, 100);
  const b = buildJ(m, 5, 100);
  assert.deepEqual(new Uint8Array(a.buffer), new Uint8Array(b.buffer));
  const c = buildJ(m, 6, 100);
  let same = 0;
  for (let k = 0; k < a.length; k++) if (a[k] === c[k] && a[k] !== 0) same++;
  assert.equal(same, 0);
  const f = new Float32Array(96 * 100);
  buildRandomModeCoupling(m, 5, f, 100);
  for (let k = 0; k < a.length; k++) assert.equal(f[k], Math.fround(a[k]));
  // c = 0 reproduces the J without overlaps bitwise; the leading modes do not depend on P
  const plain = model(64, Math.sqrt(14 / 64), { kind: 'list', D: [3, 2, 1] }); // g = the list's own: no rescaling
  const zero = buildJ({ ...plain, overlap: { c: 0 } }, 9);
  assert.deepEqual(zero, buildJ(plain, 9));
  const more = buildJ({ ...plain, spectrum: { kind: 'list', D: [3, 2, 1, 0] } }, 9);
  for (let k = 0; k < zero.length; k++) assert.ok(Math.abs(more[k] - zero[k]) < 1e-14);
});

test('overlaps: mean self-coupling (1/N) sum_i J_ii -> (1/N) sum_a D_a c_a (spec 03 §5.5 (i))', () => {
  const N = 800;
  for (const c of [0.5, -0.8]) {
    const m = model(N, 2, { kind: 'flat', alpha: 0.5 }, { overlap: { c } });
    const D = randomModeSpectrum(m);
    let want = 0;
    for (let a = 0; a < D.length; a++) want += D[a] * c;
    want /= N;
    // average over 3 networks; trace noise: J_ii = sum_a D_a u_ai v_ai has variance ~ sum_a D_a^2 / N^2
    // (1 + c^2), so the mean over i has SD ~ g sqrt((1 + c^2) / N^2) per network
    let got = 0;
    const nets = 3;
    for (let s = 0; s < nets; s++) {
      const J = buildJ(m, 20 + s);
      let tr = 0;
      for (let i = 0; i < N; i++) tr += J[i * N + i];
      got += tr / N / nets;
    }
    const se = (2 * Math.sqrt(1 + c * c)) / N / Math.sqrt(nets);
    assert.ok(Math.abs(got - want) < 5 * se + 0.02 * Math.abs(want), `c ${c}: ${got} vs ${want} (SE ${se})`);
  }
  // per-mode overlaps: c = [1, -1] with D = [1, 1] gives J_ii mean (1 - 1)/N = 0, but u_a = v_a for a = 0
  const m = model(400, Math.sqrt(2 / 400), { kind: 'list', D: [1, 1] }, { overlap: { c: [1, 0] } });
  const J = buildJ(m, 2);
  let tr = 0;
  for (let i = 0; i < 400; i++) tr += J[i * 400 + i];
  assert.ok(Math.abs(tr - 1) < 5 * Math.sqrt(2 / 400) + 0.2, `trace ${tr}`);
});

test('heterogeneity: lognormal gains with E[gamma^2] = 1 scale the rows of J', () => {
  const N = 20000;
  const gains = randomModeGains({ N, heterogeneity: { kind: 'lognormal', sd: 0.4 } }, 7);
  let m2 = 0;
  for (const x of gains) m2 += x * x;
  m2 /= N;
  // Var(gamma^2) = e^{4 sd^2} - 1
  const se = Math.sqrt(Math.exp(4 * 0.16) - 1) / Math.sqrt(N);
  assert.ok(Math.abs(m2 - 1) < 5 * se, `E[gamma^2] ${m2}`);
  assert.ok(randomModeGains({ N: 3, heterogeneity: null }, 7).every((x) => x === 1));
  // rows scaled: J with gains = diag(gamma) J without gains
  const base = model(50, 1.5, { kind: 'flat', alpha: 0.5 });
  const het = { ...base, heterogeneity: { kind: 'lognormal' as const, sd: 0.4 } };
  const J0 = buildJ(base, 4);
  const J1 = buildJ(het, 4);
  const gam = randomModeGains(het, 4);
  for (let i = 0; i < 50; i++) for (let j = 0; j < 50; j++) assert.ok(Math.abs(J1[i * 50 + j] - gam[i] * J0[i * 50 + j]) < 1e-13);
});
