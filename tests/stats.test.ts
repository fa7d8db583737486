// Estimates, standard errors and Student-t critical values used by compare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockEstimate, combineNetworks, studentCritical, studentTwoSidedTail, logGamma, betaIncReg } from '../src/stats.js';

test('logGamma matches exact values (Gamma(1/2) = sqrt(pi), Gamma(n) = (n-1)!)', () => {
  assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-13); // observed 1.4e-14
  assert.ok(Math.abs(logGamma(10) - Math.log(362880)) < 1e-13); // observed 2.0e-14
  assert.ok(Math.abs(logGamma(1)) < 1e-13);
});

test('incomplete beta: closed forms I_x(1, b) = 1 - (1-x)^b and I_x(a, 1) = x^a', () => {
  for (const x of [0.01, 0.3, 0.7, 0.99]) {
    for (const b of [0.5, 2, 7.5]) assert.ok(Math.abs(betaIncReg(x, 1, b) - (1 - (1 - x) ** b)) < 1e-13);
    for (const a of [0.5, 3]) assert.ok(Math.abs(betaIncReg(x, a, 1) - x ** a) < 1e-13);
  }
});

test('Student t: Cauchy tail, tabulated critical values, and the Gaussian limit', () => {
  assert.ok(Math.abs(studentTwoSidedTail(1, 1) - 0.5) < 1e-13); // Cauchy: P(|T| > 1) = 1/2
  // two-sided 5 % points from standard tables
  const table: [number, number][] = [[1, 12.7062], [2, 4.3027], [5, 2.5706], [10, 2.2281], [30, 2.0423]];
  for (const [dof, t] of table) assert.ok(Math.abs(studentCritical(0.05, dof) - t) < 1e-4, `dof ${dof}`);
  // 3-sigma two-sided level; large dof tends to the Gaussian 3.0
  assert.ok(Math.abs(studentCritical(0.0027, 1e6) - 3.0) < 1e-3);
  assert.ok(studentCritical(0.0027, 7) > 4.5 && studentCritical(0.0027, 7) < 4.55); // 4.530
  assert.ok(Number.isNaN(studentCritical(0.0027, 0)));
});

test('block estimate: mean of block means and SE = sd/sqrt(B); trailing samples beyond B blocks dropped', () => {
  const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 99];
  const e = blockEstimate(x, 5);
  assert.deepEqual(e.blockMeans, [1.5, 3.5, 5.5, 7.5, 9.5]);
  assert.equal(e.mean, 5.5);
  assert.ok(Math.abs(e.se - Math.sqrt(10 / 5)) < 1e-12); // sample variance of block means = 10
});

test('combining networks: SE is the larger of the network spread and the time blocks; dof is K - 1 with K >= 2, else blocks - 1', () => {
  const a = { mean: 1, se: 0.01, blockMeans: [1, 1, 1] };
  const b = { mean: 2, se: 0.01, blockMeans: [2, 2, 2] };
  const c = combineNetworks([a, b]);
  assert.equal(c.mean, 1.5);
  assert.equal(c.seNetworks, 0.5);
  assert.equal(c.se, 0.5);
  assert.equal(c.dof, 1);
  const one = combineNetworks([{ mean: 1, se: 0.2, blockMeans: [0.8, 1, 1.2] }]);
  assert.equal(one.seNetworks, null);
  assert.equal(one.se, 0.2);
  assert.equal(one.dof, 2);
  // network means that agree by chance: se falls back to the time blocks, dof stays K - 1
  const close = combineNetworks([
    { mean: 1, se: 0.3, blockMeans: [0.7, 1, 1.3] },
    { mean: 1.001, se: 0.3, blockMeans: [0.701, 1.001, 1.301] },
    { mean: 0.999, se: 0.3, blockMeans: [0.699, 0.999, 1.299] },
  ]);
  assert.ok((close.seNetworks ?? 0) < close.seTime);
  assert.equal(close.se, close.seTime);
  assert.equal(close.dof, 2);
});
