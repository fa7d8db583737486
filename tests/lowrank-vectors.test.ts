// Low-rank vectors: covariance assembly, PSD check, semidefinite factor, sample moments.
// Run: node scripts/run-test.mjs tests/lowrank-vectors.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LowRankModel } from '../src/spec/types.js';
import {
  covarianceMatrix,
  checkPsd,
  lowRankVectors,
  semidefiniteCholesky,
  symmetricEigenvalues,
  CovarianceError,
} from '../src/sim/lowrank-vectors.js';
import { gaussian } from '../src/core/rng.js';

function model(R: number, over: Partial<Omit<LowRankModel, 'cov' | 'means'>> & { means?: Partial<LowRankModel['means']>; cov?: Partial<LowRankModel['cov']> } = {}): LowRankModel {
  const zeros = () => Array.from({ length: R }, () => new Array<number>(R).fill(0));
  const eye = () => zeros().map((row, r) => row.map((_, s) => (r === s ? 1 : 0)));
  return {
    kind: 'lowrank',
    N: over.N ?? 1000,
    g: over.g ?? 0.5,
    phi: 'tanh',
    rank: R,
    means: { m: new Array(R).fill(0), n: new Array(R).fill(0), I: 0, ...over.means },
    cov: { mm: eye(), nn: eye(), nm: zeros(), mI: new Array(R).fill(0), nI: new Array(R).fill(0), II: 0, ...over.cov },
  };
}

/** Sample mean vector and covariance of the 2R+1 component arrays. */
function sampleMoments(v: Float64Array[]): { mean: number[]; cov: number[][] } {
  const N = v[0].length;
  const mean = v.map((x) => x.reduce((s, a) => s + a, 0) / N);
  const cov = v.map((x, a) =>
    v.map((y, b) => {
      let s = 0;
      for (let i = 0; i < N; i++) s += (x[i] - mean[a]) * (y[i] - mean[b]);
      return s / (N - 1);
    }),
  );
  return { mean, cov };
}

/**
 * Sample means and covariances within 5 standard errors: SE(mean_a) = sqrt(C_aa / N),
 * SE(cov_ab) = sqrt((C_aa C_bb + C_ab^2) / N) (Gaussian data).
 */
function assertMomentsMatch(m: LowRankModel, seed: number): void {
  const v = lowRankVectors(m, seed);
  const all = [...v.m, ...v.n, v.I];
  const C = covarianceMatrix(m);
  const mean = [...m.means.m, ...m.means.n, m.means.I];
  const s = sampleMoments(all);
  const N = m.N;
  for (let a = 0; a < C.length; a++) {
    const se = Math.sqrt(C[a][a] / N);
    assert.ok(Math.abs(s.mean[a] - mean[a]) <= 5 * se + 1e-12, `mean[${a}] ${s.mean[a]} vs ${mean[a]}`);
    for (let b = 0; b < C.length; b++) {
      const seC = Math.sqrt((C[a][a] * C[b][b] + C[a][b] ** 2) / N);
      assert.ok(Math.abs(s.cov[a][b] - C[a][b]) <= 5 * seC + 1e-12, `cov[${a}][${b}] ${s.cov[a][b]} vs ${C[a][b]} (se ${seC})`);
    }
  }
}

test('covarianceMatrix places the blocks in the order m_1..m_R, n_1..n_R, I', () => {
  const m = model(2, {
    cov: {
      mm: [
        [1, 0.1],
        [0.1, 2],
      ],
      nn: [
        [3, 0.2],
        [0.2, 4],
      ],
      nm: [
        [0.5, 0.6],
        [0.7, 0.8],
      ],
      mI: [0.01, 0.02],
      nI: [0.03, 0.04],
      II: 5,
    },
  });
  const C = covarianceMatrix(m);
  assert.deepEqual(C, [
    [1, 0.1, 0.5, 0.7, 0.01],
    [0.1, 2, 0.6, 0.8, 0.02],
    [0.5, 0.6, 3, 0.2, 0.03],
    [0.7, 0.8, 0.2, 4, 0.04],
    [0.01, 0.02, 0.03, 0.04, 5],
  ]);
});

test('Jacobi eigenvalues and the semidefinite Cholesky factor', () => {
  const A = [
    [4, 1, 2],
    [1, 3, 0],
    [2, 0, 5],
  ];
  const ev = symmetricEigenvalues(A);
  // trace and determinant
  assert.ok(Math.abs(ev.reduce((s, x) => s + x, 0) - 12) < 1e-13);
  assert.ok(Math.abs(ev[0] * ev[1] * ev[2] - (4 * 15 - 1 * 5 + 2 * -6)) < 1e-12);
  // characteristic polynomial vanishes at each eigenvalue
  for (const l of ev) {
    const det = (4 - l) * ((3 - l) * (5 - l)) - 1 * (1 * (5 - l)) + 2 * (0 - 2 * (3 - l));
    assert.ok(Math.abs(det) < 1e-11, `det at ${l}: ${det}`);
  }
  // rank-one PSD matrix: the factor has one non-zero column and reproduces C
  const u = [1, -2, 0.5];
  const C = u.map((a) => u.map((b) => a * b));
  const L = semidefiniteCholesky(C);
  for (let a = 0; a < 3; a++) {
    assert.equal(L[a][1], 0);
    assert.equal(L[a][2], 0);
    for (let b = 0; b < 3; b++) assert.ok(Math.abs(L[a][0] * L[b][0] - C[a][b]) < 1e-15);
  }
});

test('M&O Fig. 1 case (overlap through the means): sample moments within 5 standard errors', () => {
  const m = model(1, { N: 100_000, means: { m: [1.1], n: [2] } });
  assertMomentsMatch(m, 7);
  const v = lowRankVectors(m, 7);
  // diagonal covariance: m = M_m + xi_0 with xi_0 = gaussian(seed, 16, i), exactly
  for (const i of [0, 1, 2, 99_999]) {
    assert.equal(v.m[0][i], 1.1 + gaussian(7, 16, i));
    assert.equal(v.n[0][i], 2 + gaussian(7, 17, i));
    assert.equal(v.I[i], 0);
  }
});

test('input-driven case: cov(n, I) = s reproduces the authors construction column by column', () => {
  const s = 0.7;
  const m = model(1, { N: 100_000, means: { m: [3.5], n: [1], I: 0.2 }, cov: { nI: [s], II: s * s + 1 } });
  assertMomentsMatch(m, 11);
  const v = lowRankVectors(m, 11);
  for (const i of [0, 5, 77]) {
    // I = M_I + (s / Sigma_n) xi_n + Sigma_perp xi_I
    const want = 0.2 + s * gaussian(11, 17, i) + 1 * gaussian(11, 18, i);
    assert.ok(Math.abs(v.I[i] - want) < 1e-14, `I[${i}]`);
  }
  // a sweep over s leaves m and n bit-identical
  const v2 = lowRankVectors(model(1, { N: 100_000, means: { m: [3.5], n: [1], I: 0.2 }, cov: { nI: [1.9], II: 1.9 ** 2 + 1 } }), 11);
  assert.deepEqual(v2.m[0], v.m[0]);
  assert.deepEqual(v2.n[0], v.n[0]);
});

test('rank two, all blocks non-zero: sample moments within 5 standard errors', () => {
  const m = model(2, {
    N: 100_000,
    means: { m: [0.3, -1], n: [2, 0.5], I: 1 },
    cov: {
      mm: [
        [1.5, 0.3],
        [0.3, 0.8],
      ],
      nn: [
        [2, -0.4],
        [-0.4, 1.2],
      ],
      nm: [
        [0.6, 0.1],
        [-0.2, 0.4],
      ],
      mI: [0.2, -0.1],
      nI: [0.3, 0.25],
      II: 0.9,
    },
  });
  assert.ok(checkPsd(m).ok);
  assertMomentsMatch(m, 2024);
  const v = lowRankVectors(m, 2024);
  assert.ok(v.factorResidual < 1e-14, `factor residual ${v.factorResidual}`);
  // deterministic; another seed differs
  const again = lowRankVectors(m, 2024);
  assert.deepEqual(again.n[1], v.n[1]);
  assert.notDeepEqual(lowRankVectors(m, 2025).n[1], v.n[1]);
});

test('semidefinite covariances are accepted: ring model (var I = 0) and n = m exactly', () => {
  // M&O Fig. S5: zero means, var Sigma^2, cov(n_r, m_r) = rho^2, no input
  const Sig2 = 4;
  const rho2 = 1.6 ** 2;
  const ring = model(2, {
    N: 100_000,
    cov: {
      mm: [
        [Sig2, 0],
        [0, Sig2],
      ],
      nn: [
        [Sig2, 0],
        [0, Sig2],
      ],
      nm: [
        [rho2, 0],
        [0, rho2],
      ],
    },
  });
  assertMomentsMatch(ring, 3);
  assert.ok(lowRankVectors(ring, 3).I.every((x) => x === 0));
  // perfectly correlated n and m (singular 2x2 block)
  const same = model(1, { N: 5000, means: { m: [1], n: [-1] }, cov: { mm: [[2]], nn: [[2]], nm: [[2]] } });
  const rep = checkPsd(same);
  assert.ok(rep.ok, rep.message);
  const v = lowRankVectors(same, 5);
  for (let i = 0; i < 5000; i++) assert.ok(Math.abs(v.n[0][i] + 1 - (v.m[0][i] - 1)) < 1e-14);
  // tiny negative eigenvalue from rounding is tolerated
  const c = 0.1 + 0.2; // 0.30000000000000004
  const nearly = model(1, { cov: { mm: [[0.3]], nn: [[0.3]], nm: [[c]] } });
  assert.ok(checkPsd(nearly).ok);
  lowRankVectors(nearly, 1);
});

test('a covariance that is not PSD is rejected with a message naming model.cov', () => {
  const bad = model(1, { cov: { mm: [[1]], nn: [[1]], nm: [[2]] } }); // eigenvalues -1 and 3
  const rep = checkPsd(bad);
  assert.equal(rep.ok, false);
  assert.equal(rep.path, 'model.cov');
  assert.ok(Math.abs(rep.minEigenvalue + 1) < 1e-14, `${rep.minEigenvalue}`);
  assert.match(rep.message!, /model\.cov/);
  assert.match(rep.message!, /-1\.00000/);
  assert.throws(
    () => lowRankVectors(bad, 1),
    (e: unknown) => e instanceof CovarianceError && e.path === 'model.cov' && /model\.cov/.test(e.message) && Math.abs(e.minEigenvalue + 1) < 1e-14,
  );
  // negative variance
  assert.equal(checkPsd(model(1, { cov: { II: -0.5 } })).ok, false);
  // malformed and asymmetric blocks name the block
  assert.throws(() => covarianceMatrix(model(2, { cov: { mm: [[1, 0]] } })), /model\.cov\.mm/);
  assert.throws(
    () =>
      covarianceMatrix(
        model(2, {
          cov: {
            nn: [
              [1, 0.5],
              [0.4, 1],
            ],
          },
        }),
      ),
    /model\.cov\.nn must be symmetric/,
  );
});
