/**
 * Per-unit low-rank vectors (spec 01 §1.2): for every unit i the 2R+1 numbers
 * (m_{1,i}..m_{R,i}, n_{1,i}..n_{R,i}, I_i) are one draw of a joint Gaussian with the model's means
 * and covariance. Construction (part of the determinism contract, docs/ARCHITECTURE.md):
 *
 *   C = covarianceMatrix(model)       (2R+1) x (2R+1), order m_1..m_R, n_1..n_R, I
 *   C = L L^T                          L lower triangular: Cholesky without pivoting, where a pivot
 *                                      <= 1e-12 max(diag C) gives a zero column (semidefinite C)
 *   xi_c[i] = gaussian(seed, 16 + c, i)
 *   v_a[i]  = ((mean_a + L[a][0] xi_0[i]) + L[a][1] xi_1[i]) + ... + L[a][a] xi_a[i]
 *             (left to right, terms with L[a][c] = 0 skipped)
 *
 * Because L is lower triangular in this order, m depends only on the m-blocks, n on the m- and
 * n-blocks, and so on: changing e.g. cov(n, I) in a parameter sweep leaves m and n unchanged, and the
 * authors' constructions (m = M_m + Sigma_m xi_1, n = M_n + Sigma_n xi_2, I = ... + s/Sigma_n xi_2 +
 * Sigma_perp xi_3) are reproduced column for column.
 *
 * A covariance that is not positive semidefinite (most negative eigenvalue, from a Jacobi
 * eigendecomposition, below -1e-10 times the largest |eigenvalue|) is rejected with a
 * `CovarianceError` naming `model.cov`.
 */
import { symmetricEigen } from '../math/symmetric-eigen.js';
import type { LowRankModel } from '../spec/types.js';
import { gaussFill } from '../core/rng.js';
import { lowRankStream } from '../core/streams.js';

/** Relative tolerance on the most negative eigenvalue (times the largest |eigenvalue|). */
export const PSD_TOLERANCE = 1e-10;
/** Relative pivot threshold of the semidefinite Cholesky factorisation (times max diag). */
export const PIVOT_TOLERANCE = 1e-12;

/** The joint covariance of the low-rank model is invalid (not PSD, not symmetric, wrong shape). */
export class CovarianceError extends RangeError {
  override readonly name = 'CovarianceError';
  constructor(
    message: string,
    /** Where in the spec: 'model.cov', 'model.cov.mm', ... */
    readonly path: string,
    /** Most negative eigenvalue of the joint covariance (NaN when not computed). */
    readonly minEigenvalue = NaN,
  ) {
    super(message);
  }
}

/** Names of the 2R+1 components, in matrix order. */
export function componentNames(rank: number): string[] {
  const names: string[] = [];
  for (let r = 1; r <= rank; r++) names.push(`m_${r}`);
  for (let r = 1; r <= rank; r++) names.push(`n_${r}`);
  names.push('I');
  return names;
}

function checkShape(model: LowRankModel): void {
  const R = model.rank;
  if (!Number.isInteger(R) || R < 1) throw new CovarianceError(`model.rank must be a positive integer, got ${R}`, 'model.rank');
  const vec = (v: unknown, path: string) => {
    if (!Array.isArray(v) || v.length !== R || !v.every((x) => Number.isFinite(x))) {
      throw new CovarianceError(`${path} must be an array of ${R} finite numbers`, path);
    }
  };
  const mat = (a: unknown, path: string) => {
    if (!Array.isArray(a) || a.length !== R) throw new CovarianceError(`${path} must be a ${R}x${R} matrix`, path);
    a.forEach((row, r) => vec(row, `${path}[${r}]`));
  };
  vec(model.means.m, 'model.means.m');
  vec(model.means.n, 'model.means.n');
  if (!Number.isFinite(model.means.I)) throw new CovarianceError('model.means.I must be a finite number', 'model.means.I');
  mat(model.cov.mm, 'model.cov.mm');
  mat(model.cov.nn, 'model.cov.nn');
  mat(model.cov.nm, 'model.cov.nm');
  vec(model.cov.mI, 'model.cov.mI');
  vec(model.cov.nI, 'model.cov.nI');
  if (!Number.isFinite(model.cov.II)) throw new CovarianceError('model.cov.II must be a finite number', 'model.cov.II');
  for (const key of ['mm', 'nn'] as const) {
    const a = model.cov[key];
    for (let r = 0; r < R; r++) {
      for (let s = 0; s < r; s++) {
        const tol = 1e-12 * Math.max(Math.abs(a[r][s]), Math.abs(a[s][r]), Math.abs(a[r][r]), Math.abs(a[s][s]));
        if (Math.abs(a[r][s] - a[s][r]) > tol) {
          throw new CovarianceError(
            `model.cov.${key} must be symmetric: [${r}][${s}] = ${a[r][s]} but [${s}][${r}] = ${a[s][r]}`,
            `model.cov.${key}`,
          );
        }
      }
    }
  }
}

/** Means of the 2R+1 components (order m_1..m_R, n_1..n_R, I). */
export function meanVector(model: LowRankModel): number[] {
  return [...model.means.m, ...model.means.n, model.means.I];
}

/**
 * The (2R+1) x (2R+1) joint covariance of (m_1..m_R, n_1..n_R, I) assembled from the blocks of
 * `model.cov` (cov.nm[r][s] = cov(n_r, m_s)). Throws a CovarianceError on a malformed block.
 */
export function covarianceMatrix(model: LowRankModel): number[][] {
  checkShape(model);
  const R = model.rank;
  const n = 2 * R + 1;
  const C = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const { mm, nn, nm, mI, nI, II } = model.cov;
  for (let r = 0; r < R; r++) {
    for (let s = 0; s < R; s++) {
      C[r][s] = mm[r][s];
      C[R + r][R + s] = nn[r][s];
      C[R + r][s] = nm[r][s];
      C[s][R + r] = nm[r][s];
    }
    C[r][2 * R] = C[2 * R][r] = mI[r];
    C[R + r][2 * R] = C[2 * R][R + r] = nI[r];
  }
  C[2 * R][2 * R] = II;
  return C;
}

/**
 * Eigenvalues (ascending) of a symmetric matrix by cyclic Jacobi rotations (src/math/symmetric-eigen.ts).
 * Accurate to a few ulp of the largest |eigenvalue|; meant for the small (2R+1)-sized covariances.
 */
export function symmetricEigenvalues(A: number[][]): number[] {
  return symmetricEigen(A).values;
}

export interface PsdReport {
  ok: boolean;
  /** Always 'model.cov'. */
  path: string;
  /** Eigenvalues of the joint covariance, ascending. */
  eigenvalues: number[];
  minEigenvalue: number;
  /** The threshold minEigenvalue is compared with: -PSD_TOLERANCE * max |eigenvalue|. */
  tolerance: number;
  /** Human-readable reason when !ok. */
  message?: string;
}

/**
 * Check that the joint covariance of (m, n, I) is positive semidefinite (eigenvalues >=
 * -1e-10 max |eigenvalue|). Never throws for a well-shaped model; malformed blocks throw a
 * CovarianceError naming the block.
 */
export function checkPsd(model: LowRankModel): PsdReport {
  const C = covarianceMatrix(model);
  const eigenvalues = symmetricEigenvalues(C);
  const minEigenvalue = eigenvalues[0];
  const scale = Math.max(...eigenvalues.map(Math.abs));
  const tolerance = -PSD_TOLERANCE * scale;
  const ok = minEigenvalue >= tolerance && eigenvalues.every(Number.isFinite);
  const report: PsdReport = { ok, path: 'model.cov', eigenvalues, minEigenvalue, tolerance };
  if (!ok) {
    report.message =
      `model.cov: the joint covariance of (${componentNames(model.rank).join(', ')}) is not positive semidefinite: ` +
      `its most negative eigenvalue is ${minEigenvalue.toPrecision(6)} (allowed down to ${tolerance.toPrecision(3)}). ` +
      `Check that |cov(n_r, m_s)| <= sqrt(var n_r var m_s) and the other blocks are consistent.`;
  }
  return report;
}

/**
 * Lower-triangular L with L L^T = C for a positive semidefinite C: Cholesky without pivoting, a
 * pivot <= PIVOT_TOLERANCE * max(diag C) (or negative from rounding) gives a zero column.
 */
export function semidefiniteCholesky(C: number[][]): number[][] {
  const n = C.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, C[i][i]);
  const tol = PIVOT_TOLERANCE * maxDiag;
  for (let k = 0; k < n; k++) {
    let d = C[k][k];
    for (let j = 0; j < k; j++) d -= L[k][j] * L[k][j];
    if (!(d > tol)) continue; // zero column
    const lkk = Math.sqrt(d);
    L[k][k] = lkk;
    for (let i = k + 1; i < n; i++) {
      let v = C[i][k];
      for (let j = 0; j < k; j++) v -= L[i][j] * L[k][j];
      L[i][k] = v / lkk;
    }
  }
  return L;
}

export interface LowRankVectors {
  /** m[r][i] = m_{r+1, i}, length N each. */
  m: Float64Array[];
  n: Float64Array[];
  I: Float64Array;
  /** Means and covariance used (order m_1..m_R, n_1..n_R, I). */
  mean: number[];
  cov: number[][];
  /** The factor L (C = L L^T) the draws were built with. */
  L: number[][];
  /** max |L L^T - C| (entrywise). */
  factorResidual: number;
}

/**
 * Draw the per-unit vectors m_r, n_r and the input I of a low-rank model with the given seed
 * (see the header for the exact construction). Throws a CovarianceError naming `model.cov` if the
 * covariance is not positive semidefinite.
 */
export function lowRankVectors(model: LowRankModel, seed: number): LowRankVectors {
  const N = model.N;
  if (!Number.isInteger(N) || N < 1) throw new CovarianceError(`model.N must be a positive integer, got ${N}`, 'model.N');
  const psd = checkPsd(model);
  if (!psd.ok) throw new CovarianceError(psd.message!, 'model.cov', psd.minEigenvalue);
  const C = covarianceMatrix(model);
  const L = semidefiniteCholesky(C);
  const mean = meanVector(model);
  const dim = C.length;

  let factorResidual = 0;
  for (let a = 0; a < dim; a++) {
    for (let b = 0; b < dim; b++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += L[a][c] * L[b][c];
      factorResidual = Math.max(factorResidual, Math.abs(s - C[a][b]));
    }
  }

  // xi_c only for the columns that are used
  const xi: (Float64Array | null)[] = [];
  for (let c = 0; c < dim; c++) {
    let used = false;
    for (let a = c; a < dim; a++) if (L[a][c] !== 0) used = true;
    xi.push(used ? gaussFill(new Float64Array(N), seed, lowRankStream(c), 0, 1) : null);
  }
  const out: Float64Array[] = [];
  for (let a = 0; a < dim; a++) {
    const v = new Float64Array(N).fill(mean[a]);
    for (let c = 0; c <= a; c++) {
      const l = L[a][c];
      const x = xi[c];
      if (l === 0 || x === null) continue;
      for (let i = 0; i < N; i++) v[i] += l * x[i];
    }
    out.push(v);
  }
  const R = model.rank;
  return { m: out.slice(0, R), n: out.slice(R, 2 * R), I: out[2 * R], mean, cov: C, L, factorResidual };
}
