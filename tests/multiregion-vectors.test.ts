// Multiregion vectors (spec 02 §1.3, §1.4, §7): overlaps, determinism, independence of regions,
// permutations, the symmetric eigen-solver and square root.
//   node scripts/run-test.mjs --no-wasm tests/multiregion-vectors.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  multiregionVectors,
  regionPermutations,
  symmetricEigen,
  minReadoutVariance,
  autoReadoutScale,
  vectorParams,
  RegionCovarianceError,
  type MultiregionVectorParams,
  type MultiregionVectors,
} from '../src/sim/multiregion-vectors.js';
import { gaussian, Rng } from '../src/core/rng.js';
import { STREAM_MULTIREGION } from '../src/core/streams.js';
import { parseSpec } from '../src/spec/validate.js';
import type { MultiregionModel } from '../src/spec/types.js';

/** Strict threshold: |empirical - expected| <= Z standard errors. */
const Z = 5;

/**
 * P = 3 with a random tensor T, region-dependent U (positive definite, not diagonal), an input with
 * overlaps V, and readoutScale "auto". N is set after validation: the vectors alone need far less memory
 * than the coupling matrices the validator budgets for.
 */
function model3(N: number, extra: (m: Record<string, unknown>) => void = () => {}): MultiregionModel {
  const m = model3At200(extra);
  return { ...m, N };
}
function model3At200(extra: (m: Record<string, unknown>) => void): MultiregionModel {
  const N = 200;
  const rng = new Rng(11, 0);
  const T = [0, 1, 2].map(() => [0, 1, 2].map(() => [0, 1, 2].map(() => Number((1.2 * rng.normal()).toFixed(3)))));
  const model: Record<string, unknown> = {
    kind: 'multiregion',
    P: 3,
    N,
    g: 1,
    phi: 'erf',
    interactions: { kind: 'tensor', T },
    U: [
      [[1, 0.3, 0], [0.3, 1, 0.2], [0, 0.2, 1.5]],
      [[2, 0, 0], [0, 1, 0], [0, 0, 0.5]],
      [[1, -0.4, 0.1], [-0.4, 1, 0], [0.1, 0, 1]],
    ],
    input: {
      V: [[0.3, 0, -0.2], [0, 0.5, 0], [0.1, 0, 0.4]],
      schedule: [{ t: 0, I: [1, 0, 0] }],
    },
  };
  extra(model);
  return parseSpec({ dmftlab: 1, seed: 1, model }).model as MultiregionModel;
}

const dot = (x: Float64Array, y: Float64Array) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s / x.length;
};
const nv = (v: MultiregionVectors, a: number, b: number) => v.n.subarray((a * v.P + b) * v.N, (a * v.P + b + 1) * v.N);
const mv = (v: MultiregionVectors, a: number, b: number) => v.m.subarray((a * v.P + b) * v.N, (a * v.P + b + 1) * v.N);
const vv = (v: MultiregionVectors, a: number) => v.v!.subarray(a * v.N, (a + 1) * v.N);

/**
 * (1/N) sum_i x_i y_i of zero-mean jointly Gaussian pairs with variances sxx, syy and covariance sxy:
 * mean sxy, standard error sqrt((sxx syy + sxy^2) / N) (Isserlis: Var(x y) = sxx syy + sxy^2).
 */
function assertOverlap(x: Float64Array, y: Float64Array, sxx: number, syy: number, sxy: number, what: string): void {
  const se = Math.sqrt((sxx * syy + sxy * sxy) / x.length);
  const got = dot(x, y);
  assert.ok(Math.abs(got - sxy) <= Z * se, `${what}: ${got} vs ${sxy} (SE ${se})`);
}

test('empirical overlaps at N = 20000 match T, U, V, sigma_b^2 within 5 standard errors', () => {
  const m = model3(20000);
  const v = multiregionVectors(vectorParams(m), 7);
  const P = 3;
  const V = m.input!.V;
  for (let b = 0; b < P; b++) {
    const s2 = m.readoutScale[b] ** 2;
    assert.ok(v.rootResidual[b] < 1e-10 * Math.max(1, s2), `square root of Sigma^${b}: residual ${v.rootResidual[b]}`);
    for (let a = 0; a < P; a++) {
      // read-outs in region b: variance sigma_b^2, uncorrelated with each other
      for (let e = a; e < P; e++) assertOverlap(nv(v, a, b), nv(v, e, b), s2, s2, a === e ? s2 : 0, `n^{${a}${b}} . n^{${e}${b}}`);
      // n^{ab} . m^{bc} -> T[a][b][c]
      for (let c = 0; c < P; c++) assertOverlap(nv(v, a, b), mv(v, b, c), s2, m.U[b][c][c], m.T[a][b][c], `n^{${a}${b}} . m^{${b}${c}}`);
      // m^{ba} . m^{bc} -> U[b][a][c]
      for (let c = 0; c < P; c++) assertOverlap(mv(v, b, a), mv(v, b, c), m.U[b][a][a], m.U[b][c][c], m.U[b][a][c], `m^{${b}${a}} . m^{${b}${c}}`);
      // input direction of region b: n^{ab} . v^b -> V[a][b], m^{ba} . v^b -> 0
      assertOverlap(nv(v, a, b), vv(v, b), s2, 1, V[a][b], `n^{${a}${b}} . v^${b}`);
      assertOverlap(mv(v, b, a), vv(v, b), m.U[b][a][a], 1, 0, `m^{${b}${a}} . v^${b}`);
    }
    assertOverlap(vv(v, b), vv(v, b), 1, 1, 1, `v^${b} . v^${b}`);
  }
});

test('a singular covariance (readoutScale exactly at its bound) is sampled through the symmetric square root', () => {
  // symmetric c = 2.5 off the diagonal, U = I: lambda = 6.25 exactly, sigma = 2.5 makes Sigma^b singular
  const m = parseSpec({
    dmftlab: 1,
    seed: 1,
    model: { kind: 'multiregion', P: 2, N: 20000, g: 1.5, phi: 'erf', readoutScale: 2.5, coupling: 'shared', interactions: { kind: 'symmetric', c: [[0, 2.5], [2.5, 0]] } },
    simulation: { precision: 'f32' },
  }).model as MultiregionModel;
  assert.equal(minReadoutVariance(m.T, m.U, null, 0), 6.25);
  const v = multiregionVectors(vectorParams(m), 3);
  for (let b = 0; b < 2; b++) {
    assert.ok(v.rootResidual[b] < 1e-12, `residual ${v.rootResidual[b]}`);
    assert.ok(symmetricEigen(v.roots[b]).values[0] > -1e-7, 'A is the positive semidefinite root');
  }
  // n^{10} = 2.5 m^{01} exactly in distribution (the pair is perfectly correlated): the difference is tiny
  const diff = nv(v, 1, 0).map((x, i) => x - 2.5 * mv(v, 0, 1)[i]);
  assert.ok(dot(diff, diff) < 1e-20, `n^{10} - 2.5 m^{01} has mean square ${dot(diff, diff)}`);
  assertOverlap(nv(v, 1, 0), mv(v, 0, 1), 6.25, 1, 2.5, 'n^{10} . m^{01}');
});

test('the construction: Sigma = I gives n^{ab}_i = gaussian(seed, STREAM_MULTIREGION, (b (2P+1) + a) N + i)', () => {
  const p: MultiregionVectorParams = {
    P: 2,
    N: 5,
    T: [[[0, 0], [0, 0]], [[0, 0], [0, 0]]],
    U: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]],
    readoutScale: [1, 1],
    V: null,
    coupling: 'independent',
  };
  const v = multiregionVectors(p, 42);
  const P = 2;
  const N = 5;
  for (let b = 0; b < P; b++) {
    for (let a = 0; a < P; a++) {
      for (let i = 0; i < N; i++) {
        assert.equal(v.n[(a * P + b) * N + i], gaussian(42, STREAM_MULTIREGION, (b * (2 * P + 1) + a) * N + i));
        assert.equal(v.m[(b * P + a) * N + i], gaussian(42, STREAM_MULTIREGION, (b * (2 * P + 1) + P + a) * N + i));
      }
    }
  }
  assert.equal(v.v, null);
  assert.equal(v.perm, null);
});

/** The bytes of a typed array, with a bytewise `equals` (no Node Buffer: this file also runs in Chromium). */
const bytes = (x: Float64Array | Int32Array) => {
  const u = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  return { equals: (o: { u: Uint8Array }) => o.u.length === u.length && o.u.every((v, i) => v === u[i]), u };
};

test('same seed: bitwise identical vectors; another seed: different ones', () => {
  const p = vectorParams(model3(3000, (m) => (m.input = null)));
  const shared = { ...p, coupling: 'shared' as const };
  const a = multiregionVectors(shared, 5);
  const b = multiregionVectors(shared, 5);
  assert.ok(bytes(a.n).equals(bytes(b.n)) && bytes(a.m).equals(bytes(b.m)) && bytes(a.perm!).equals(bytes(b.perm!)));
  const c = multiregionVectors(shared, 6);
  assert.ok(!bytes(a.n).equals(bytes(c.n)) && !bytes(a.perm!).equals(bytes(c.perm!)));
  // coupling does not change n and m
  const d = multiregionVectors(p, 5);
  assert.ok(bytes(a.n).equals(bytes(d.n)) && bytes(a.m).equals(bytes(d.m)));
});

test("regions are independent: no cross-region overlaps, and a region's draws ignore the other regions' parameters", () => {
  const m = model3(20000);
  const p = vectorParams(m);
  const v = multiregionVectors(p, 9);
  const P = 3;
  for (let b = 0; b < P; b++) {
    for (let b2 = b + 1; b2 < P; b2++) {
      const s = m.readoutScale[b] ** 2;
      const s2 = m.readoutScale[b2] ** 2;
      for (let a = 0; a < P; a++) {
        assertOverlap(nv(v, a, b), nv(v, a, b2), s, s2, 0, `n^{${a}${b}} . n^{${a}${b2}}`);
        assertOverlap(mv(v, b, a), mv(v, b2, a), m.U[b][a][a], m.U[b2][a][a], 0, `m^{${b}${a}} . m^{${b2}${a}}`);
      }
      assertOverlap(vv(v, b), vv(v, b2), 1, 1, 0, `v^${b} . v^${b2}`);
    }
  }
  // change everything that belongs to region 1 (its t^1 = T[.][1][.], U[1], sigma_1, V[.][1]):
  // regions 0 and 2 draw the same numbers
  const q: MultiregionVectorParams = structuredClone(p);
  for (let a = 0; a < P; a++) for (let c = 0; c < P; c++) q.T[a][1][c] *= 0.5;
  q.U[1] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  q.readoutScale[1] *= 2;
  for (let a = 0; a < P; a++) q.V![a][1] = 0;
  const w = multiregionVectors(q, 9);
  for (const b of [0, 2]) {
    for (let a = 0; a < P; a++) {
      assert.ok(bytes(nv(v, a, b)).equals(bytes(nv(w, a, b))), `n^{${a}${b}}`);
      assert.ok(bytes(mv(v, b, a)).equals(bytes(mv(w, b, a))), `m^{${b}${a}}`);
    }
    assert.ok(bytes(vv(v, b)).equals(bytes(vv(w, b))), `v^${b}`);
  }
  assert.ok(!bytes(nv(v, 0, 1)).equals(bytes(nv(w, 0, 1))));
});

test('adding an input leaves n and m unchanged (v is built on top of them)', () => {
  const withInput = model3(2000);
  const without = model3(2000, (m) => (m.input = null));
  // same sigma in both, so that only the input differs
  const p = { ...vectorParams(without), readoutScale: withInput.readoutScale };
  const a = multiregionVectors(p, 1);
  const b = multiregionVectors(vectorParams(withInput), 1);
  assert.ok(bytes(a.n).equals(bytes(b.n)) && bytes(a.m).equals(bytes(b.m)));
  assert.equal(a.v, null);
  assert.equal(b.v!.length, 3 * 2000);
});

test('permutations: each region gets a permutation of 0..N-1, different per region, reproducible', () => {
  const N = 1000;
  const perm = regionPermutations(4, N, 3);
  for (let a = 0; a < 4; a++) {
    const p = perm.subarray(a * N, (a + 1) * N);
    const seen = new Uint8Array(N);
    for (const j of p) seen[j]++;
    assert.ok(seen.every((c) => c === 1), `region ${a}: not a permutation`);
    const fixed = p.filter((j, i) => j === i).length;
    assert.ok(fixed < 10, `region ${a}: ${fixed} fixed points (expected about 1)`);
  }
  assert.ok(!bytes(perm.subarray(0, N)).equals(bytes(perm.subarray(N, 2 * N))));
  assert.ok(bytes(regionPermutations(4, N, 3)).equals(bytes(perm)));
  // region a's permutation does not depend on P
  assert.ok(bytes(regionPermutations(2, N, 3)).equals(bytes(perm.subarray(0, 2 * N))));
});

test('symmetricEigen: A = Q diag(lambda) Q^T with orthonormal Q, values ascending', () => {
  const rng = new Rng(2, 0);
  for (const n of [1, 2, 5, 12, 33]) {
    const B = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
    const A = B.map((row, i) => row.map((x, j) => x + B[j][i]));
    const { values, vectors } = symmetricEigen(A);
    const scale = Math.max(...values.map(Math.abs));
    for (let k = 1; k < n; k++) assert.ok(values[k] >= values[k - 1]);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let r = 0;
        let o = 0;
        for (let k = 0; k < n; k++) {
          r += vectors[k][i] * values[k] * vectors[k][j];
          o += vectors[i][k] * vectors[j][k];
        }
        assert.ok(Math.abs(r - A[i][j]) <= 1e-12 * scale * n, `n = ${n}: reconstruction [${i}][${j}]`);
        assert.ok(Math.abs(o - (i === j ? 1 : 0)) <= 1e-12 * n, `n = ${n}: orthonormality [${i}][${j}]`);
      }
    }
  }
});

test('an inadmissible readoutScale is refused; the auto values of parseSpec always sample', () => {
  const p = vectorParams(model3(100));
  const lambda = minReadoutVariance(p.T, p.U, p.V, 2);
  assert.equal(p.readoutScale[2], autoReadoutScale(lambda));
  const bad = { ...p, readoutScale: [p.readoutScale[0], p.readoutScale[1], 0.99 * Math.sqrt(lambda)] };
  assert.throws(() => multiregionVectors(bad, 1), (e: unknown) => e instanceof RegionCovarianceError && e.region === 2);
});
