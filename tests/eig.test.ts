// Small dense real eigenvalue routine (src/theory/eig.ts), used for the outlier matrix of spec 01 §5.
// Every case has exactly known eigenvalues; tolerances are multiples of eps * ||A|| * (condition),
// with the observed error written beside each assertion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eigenvalues, eigenvaluesSorted, type Complex } from '../src/theory/eig.js';

/** Max distance between two multisets of complex numbers (greedy matching; fine for well-separated sets). */
function matchError(got: Complex[], want: Complex[]): number {
  assert.equal(got.length, want.length);
  const left = want.slice();
  let worst = 0;
  for (const g of got) {
    let best = -1;
    let bestD = Infinity;
    left.forEach((w, i) => {
      const d = Math.hypot(g.re - w.re, g.im - w.im);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    });
    left.splice(best, 1);
    worst = Math.max(worst, bestD);
  }
  return worst;
}

/** Deterministic pseudo-random numbers in [-1, 1) (LCG; only to build test matrices). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2147483648 - 1;
  };
}

function matmul(a: number[][], b: number[][]): number[][] {
  const n = a.length;
  return a.map((row, i) => b[0].map((_, j) => row.reduce((acc, aik, k) => acc + aik * b[k][j], 0 * i)));
}

/** Inverse by Gauss-Jordan with partial pivoting (test helper). */
function inverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const piv = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((row) => row.slice(n));
}

/** Real block-diagonal matrix with the given eigenvalues (2x2 rotation-scaling blocks for pairs). */
function blockDiag(eigs: Complex[]): number[][] {
  const n = eigs.length;
  const d = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const e = eigs[i];
    if (e.im === 0) d[i][i] = e.re;
    else {
      d[i][i] = e.re;
      d[i][i + 1] = e.im;
      d[i + 1][i] = -e.im;
      d[i + 1][i + 1] = e.re;
      i++;
    }
  }
  return d;
}

test('1x1, 2x2 real/complex, empty', () => {
  assert.deepEqual(eigenvalues([]), []);
  assert.deepEqual(eigenvalues([[3.5]]), [{ re: 3.5, im: 0 }]);
  // [[2, 1], [1, 2]] -> 3, 1 : exact in floating point (observed error 0)
  assert.equal(matchError(eigenvalues([[2, 1], [1, 2]]), [{ re: 3, im: 0 }, { re: 1, im: 0 }]), 0);
  // rotation by 90 deg scaled by 2 -> +-2i (observed error 0)
  assert.equal(matchError(eigenvalues([[0, -2], [2, 0]]), [{ re: 0, im: 2 }, { re: 0, im: -2 }]), 0);
  // cancellation-prone: eigenvalues 1e8 and 1e-8 of [[1e8, 1], [0, 1e-8]] (triangular)
  const e = eigenvaluesSorted([[1e8, 1], [0, 1e-8]]);
  assert.ok(Math.abs(e[1].re - 1e-8) <= 1e-8 * 1e-15); // observed relative error 0 (det / big route)
});

test('similarity transforms of known spectra, n = 3..8', () => {
  const rnd = lcg(12345);
  const spectra: Complex[][] = [
    [{ re: 1.5, im: 0 }, { re: -0.3, im: 0 }, { re: 0.7, im: 0 }],
    [{ re: 0.2, im: 1.1 }, { re: 0.2, im: -1.1 }, { re: 2, im: 0 }],
    [{ re: 1, im: 0 }, { re: 1e-3, im: 0 }, { re: -2, im: 0.5 }, { re: -2, im: -0.5 }],
    [{ re: 0, im: 0 }, { re: 0, im: 0 }, { re: 3, im: 0 }, { re: 0.5, im: 2 }, { re: 0.5, im: -2 }],
    [{ re: 1, im: 0 }, { re: 2, im: 0 }, { re: 3, im: 0 }, { re: 4, im: 0 }, { re: 5, im: 0 }, { re: 6, im: 0 }],
    [{ re: -1, im: 3 }, { re: -1, im: -3 }, { re: 0.1, im: 0.1 }, { re: 0.1, im: -0.1 }, { re: 7, im: 0 }, { re: -7, im: 0 }, { re: 0.9, im: 0 }],
    [{ re: 1, im: 1 }, { re: 1, im: -1 }, { re: 1, im: 2 }, { re: 1, im: -2 }, { re: 1, im: 3 }, { re: 1, im: -3 }, { re: 0.99, im: 0 }, { re: 1.01, im: 0 }],
  ];
  let worst = 0;
  for (const eigs of spectra) {
    for (let trial = 0; trial < 5; trial++) {
      const n = eigs.length;
      // well-conditioned similarity: identity plus a small random perturbation
      const s = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) + 0.3 * rnd()));
      const a = matmul(matmul(s, blockDiag(eigs)), inverse(s));
      const scale = Math.max(...eigs.map((e) => Math.hypot(e.re, e.im)));
      const err = matchError(eigenvalues(a), eigs) / scale;
      worst = Math.max(worst, err);
    }
  }
  // eps * n * cond(S)^2 ~ 1e-13 allowance; observed worst relative error 2.0e-15
  assert.ok(worst < 1e-12, `worst relative error ${worst}`);
});

test('companion matrix of a polynomial with known roots', () => {
  // (x - 1)(x - 2)(x - 3)(x + 0.5)(x^2 + 1) = x^6 - 5.5 x^5 + 9 x^4 - 6 x^3 + 5 x^2 - 0.5 x - 3 (expanded by hand)
  const roots: Complex[] = [
    { re: 1, im: 0 },
    { re: 2, im: 0 },
    { re: 3, im: 0 },
    { re: -0.5, im: 0 },
    { re: 0, im: 1 },
    { re: 0, im: -1 },
  ];
  // coefficients from the roots (so the hand expansion above is checked too)
  let poly = [{ re: 1, im: 0 }];
  for (const r of roots) {
    const next = new Array(poly.length + 1).fill(0).map(() => ({ re: 0, im: 0 }));
    poly.forEach((c, k) => {
      next[k].re += c.re;
      next[k].im += c.im;
      next[k + 1].re -= c.re * r.re - c.im * r.im;
      next[k + 1].im -= c.re * r.im + c.im * r.re;
    });
    poly = next;
  }
  const c = poly.map((p) => p.re);
  assert.deepEqual(c, [1, -5.5, 9, -6, 5, -0.5, -3]);
  const n = roots.length;
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) a[0][j] = -c[j + 1];
  for (let i = 1; i < n; i++) a[i][i - 1] = 1;
  const err = matchError(eigenvalues(a), roots);
  assert.ok(err < 1e-12, `error ${err}`); // root condition numbers of a companion matrix are ~10-100: observed 1.4e-14
});

test('badly scaled matrix is balanced', () => {
  // D A D^-1 with D = diag(1, 1e6, 1e-6): same eigenvalues as A
  const a = [
    [1, 2, 0],
    [0.5, -1, 3],
    [0, 0.25, 2],
  ];
  const d = [1, 1e6, 1e-6];
  const b = a.map((row, i) => row.map((x, j) => (d[i] * x) / d[j]));
  const ea = eigenvalues(a);
  const err = matchError(eigenvalues(b), ea);
  assert.ok(err < 1e-13, `error ${err}`); // observed 8.9e-16 (balancing undoes D up to powers of two)
});

test('defective (Jordan) block: accuracy ~ eps^(1/2) as theory says', () => {
  const a = [
    [2, 1, 0],
    [0, 2, 0],
    [0, 0, -1],
  ];
  const err = matchError(eigenvalues(a), [
    { re: 2, im: 0 },
    { re: 2, im: 0 },
    { re: -1, im: 0 },
  ]);
  assert.ok(err < 1e-7, `error ${err}`); // sqrt(eps) = 1.5e-8; observed 0 (already triangular)
  // rotated Jordan block: error is O(sqrt(eps ||A||))
  const rnd = lcg(7);
  const s = Array.from({ length: 3 }, (_, i) => Array.from({ length: 3 }, (_, j) => (i === j ? 1 : 0) + 0.4 * rnd()));
  const err2 = matchError(eigenvalues(matmul(matmul(s, a), inverse(s))), [
    { re: 2, im: 0 },
    { re: 2, im: 0 },
    { re: -1, im: 0 },
  ]);
  assert.ok(err2 < 1e-6, `error ${err2}`); // observed 3.3e-8
});

test('zero and nilpotent matrices, non-finite input rejected', () => {
  const z = eigenvalues([
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ]);
  assert.ok(z.every((e) => e.re === 0 && e.im === 0));
  assert.throws(() => eigenvalues([[1, NaN], [0, 1]]), /not finite/);
  assert.throws(() => eigenvalues([[1, 2], [3]]), /not square/);
});
