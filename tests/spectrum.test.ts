// Stability theory (spec 01 §5) against the spectrum of finite networks: at a simulated fixed point x*,
// the eigenvalues of J diag(phi'(x*)) fill a disk of the predicted bulk radius, and the predicted
// outlier (here outside the bulk, so it is visible at finite N) appears as a real eigenvalue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec } from '../src/spec/validate.js';
import { referenceRun } from '../src/sim/reference.js';
import { eigenvalues } from '../src/theory/eig.js';
import { solveLowRank } from '../src/theory/lowrank.js';
import { studentCritical } from '../src/stats.js';

test('rank one, g = 0.2, + branch: bulk radius and outlier of J diag(phi\'(x*)) at N = 400 match the theory', () => {
  const N = 400;
  const g = 0.2;
  const spec = (seed: number) =>
    parseSpec({
      dmftlab: 1,
      seed,
      model: { kind: 'lowrank', N, g, phi: 'tanh', rank: 1, means: { m: 1.1, n: 2 }, cov: { mm: 1, nn: 1 } },
      simulation: { method: 'rk4', dt: 0.2, tBurn: 0, tMeasure: 1, sampleEvery: 0.2, blocks: 2, init: { kind: 'branch', sign: 1, c: 1.5, scale: 1 } },
    });
  const theory = solveLowRank(spec(1).model as never, spec(1).theory).solutions.find((s) => s.type === 'static' && s.branch === 'plus')!;
  const r = theory.stability!.bulkRadius; // 0.0964
  const outlier = Math.max(...theory.stability!.outliers.map((o) => o.re)); // 0.2332, real
  assert.ok(outlier > 2 * r, 'the case must have its outlier outside the bulk');
  const tops: number[] = [];
  for (const seed of [1, 2, 3, 4]) {
    // 250 RK4 steps of 0.2: the slowest relaxation rate is 1 - 0.23, so x* is reached to e^-38
    const run = referenceRun(spec(seed), seed, [250]);
    const x = run.states[0];
    const A = Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => run.J[i * N + j] * (1 - Math.tanh(x[j]) ** 2)));
    const ev = eigenvalues(A).sort((a, b) => Math.hypot(b.re, b.im) - Math.hypot(a.re, a.im));
    // the outlier: the largest eigenvalue, real, well outside the bulk
    assert.equal(ev[0].im, 0, `seed ${seed}: leading eigenvalue ${ev[0].re} + ${ev[0].im}i is not real`);
    assert.ok(ev[0].re > 1.5 * r, `seed ${seed}: leading eigenvalue ${ev[0].re} is not outside the bulk`);
    tops.push(ev[0].re);
    // the bulk: no eigenvalue beyond 1.1 r (observed none), and the edge is reached (observed 1-9 % beyond 0.9 r)
    const bulk = ev.slice(1).map((e) => Math.hypot(e.re, e.im));
    assert.equal(bulk.filter((m) => m > 1.1 * r).length, 0, `seed ${seed}: eigenvalues beyond 1.1 r`);
    assert.ok(bulk.filter((m) => m > 0.8 * r).length >= 0.02 * N, `seed ${seed}: bulk edge not reached`);
  }
  // the outlier over networks: Student-t test at the 3-sigma level, as in compare (observed z = -2.0:
  // mean 0.2146 +- 0.0093 against 0.2332; quenched O(N^-1/2) spread of the sample overlap n.m/N)
  const mean = tops.reduce((a, v) => a + v, 0) / tops.length;
  const sd = Math.sqrt(tops.reduce((a, v) => a + (v - mean) ** 2, 0) / (tops.length - 1));
  const z = (mean - outlier) / (sd / Math.sqrt(tops.length));
  assert.ok(Math.abs(z) <= studentCritical(0.0027, tops.length - 1), `outlier ${mean} vs theory ${outlier}, z = ${z}`);
  assert.ok(Math.abs(mean - outlier) < 0.15 * outlier, `outlier ${mean} vs theory ${outlier}`);
});
