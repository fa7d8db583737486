/**
 * Vectors of the multiregion model (spec 02 §1.3, §1.4, §7): the read-out vectors n^{ab}, the input
 * vectors m^{ab}, the input directions v^a and the per-region permutations of the shared-matrix trick.
 *
 * Covariance (region b; every unit i of region b draws one vector, i.i.d. over i, zero mean). The
 * components are z = (n^{0b}, .., n^{P-1,b}, m^{b0}, .., m^{b,P-1}):
 *
 *   Sigma^b = [[ sigma_b^2 I_P , t^b  ],       t^b[a][c] = T[a][b][c] = <n^{ab} m^{bc}>
 *              [ (t^b)^T      , U[b] ]]       U[b][c][d] = <m^{bc} m^{bd}>
 *
 * With an input, v^b joins with var 1, cov(n^{ab}, v^b) = V[a][b] and cov(m^{bc}, v^b) = 0. Because
 * the lower-right block [[U[b], 0], [0, 1]] is positive definite, the joint covariance is positive
 * semidefinite exactly when sigma_b^2 >= lambda_max(M^b), M^b = t^b U[b]^{-1} (t^b)^T + r r^T with
 * r_a = V[a][b] (r = 0 without input): the Schur complement (`minReadoutVariance`).
 *
 * Construction (part of the determinism contract, like src/sim/lowrank-vectors.ts):
 *
 *   Sigma^b = Q diag(lambda) Q^T              cyclic Jacobi (`symmetricEigen`)
 *   A = Q diag(sqrt(max(lambda, 0))) Q^T      symmetric square root (Cholesky fails on a singular Sigma)
 *   xi_c[i] = gaussian(seed, STREAM_MULTIREGION, (b (2P+1) + c) N + i),   c = 0..2P
 *   z_k[i] = sum_{c < 2P} A[k][c] xi_c[i]     (c ascending)
 *   v^b[i] = sum_{c < 2P} beta_c xi_c[i] + s xi_{2P}[i],   beta = A^+ r,  s = sqrt(max(0, 1 - |beta|^2))
 *
 * so cov(z, v) = A beta = r and var v = 1. The slot c = 2P is reserved whether or not there is an input,
 * and v is built on top of the n, m draws: adding or changing the input leaves n and m unchanged, and
 * region b's draws do not depend on any other region's parameters.
 *
 * Permutations (coupling "shared", spec 02 §1.4): pi_a = Rng(seed, STREAM_MULTIREGION_PERM, a N)
 * .permutation(N) (Fisher–Yates; N blocks per region is more than the N - 1 uniforms it consumes).
 */
import { symmetricEigen } from '../math/symmetric-eigen.js';
export { symmetricEigen };
import type { MultiregionModel } from '../spec/types.js';
import { gaussFill, Rng } from '../core/rng.js';
import { STREAM_MULTIREGION, STREAM_MULTIREGION_PERM } from '../core/streams.js';

/** Relative tolerance of the positive semidefinite test (as for the low-rank covariance). */
export const MR_PSD_TOLERANCE = 1e-10;
/** Eigenvalues of Sigma^b below this times its largest eigenvalue are treated as zero in A^+. */
export const MR_RANK_TOLERANCE = 1e-12;
/** Factor of the "auto" readoutScale rule (spec 02 §1.3, the reference code's rule). */
export const AUTO_READOUT_FACTOR = 1.05;
/** Steps of the "auto" rule before giving up (1.05^20000 overflows long before). */
const AUTO_READOUT_MAX_STEPS = 20000;

/** The parts of a multiregion model the vectors depend on (nested arrays, as in `MultiregionModel`). */
export interface MultiregionVectorParams {
  P: number;
  N: number;
  T: number[][][];
  U: number[][][];
  readoutScale: number[];
  /** V[a][b] = <n^{ab} v^b>, or null without input. */
  V: number[][] | null;
  coupling: 'independent' | 'shared';
}

/** The vector parameters of a validated multiregion model (`parseSpec` output). */
export function vectorParams(model: MultiregionModel): MultiregionVectorParams {
  const { P, N, T, U, readoutScale, coupling } = model;
  return { P, N, T, U, readoutScale, V: model.input ? model.input.V : null, coupling };
}

// ---------------------------------------------------------------------------------------------
// Small dense linear algebra
// ---------------------------------------------------------------------------------------------

/** Q diag(f(lambda)) Q^T from an eigen-decomposition. */
function spectralFunction(e: { values: number[]; vectors: number[][] }, f: (lambda: number) => number): number[][] {
  const n = e.values.length;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let k = 0; k < n; k++) {
    const w = f(e.values[k]);
    if (w === 0) continue;
    const q = e.vectors[k];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i][j] += w * q[i] * q[j];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Covariances and the readout scale
// ---------------------------------------------------------------------------------------------

/** t^b[a][c] = T[a][b][c]: overlaps of region b's read-outs with its input vectors. */
export function readoutOverlaps(T: readonly (readonly (readonly number[])[])[], b: number): number[][] {
  return T.map((Ta) => Ta[b].slice());
}

/**
 * lambda_max(t^b U[b]^{-1} (t^b)^T + r r^T), r_a = V[a][b] (r = 0 when V is null): the smallest
 * admissible sigma_b^2 (see the header). U[b] must be symmetric positive definite.
 */
export function minReadoutVariance(
  T: readonly (readonly (readonly number[])[])[],
  U: readonly (readonly (readonly number[])[])[],
  V: readonly (readonly number[])[] | null,
  b: number,
): number {
  const P = T.length;
  const t = readoutOverlaps(T, b);
  const Uinv = spectralFunction(symmetricEigen(U[b]), (l) => 1 / l);
  const M = Array.from({ length: P }, () => new Array<number>(P).fill(0));
  for (let a = 0; a < P; a++) {
    for (let e = 0; e < P; e++) {
      let s = 0;
      for (let c = 0; c < P; c++) for (let d = 0; d < P; d++) s += t[a][c] * Uinv[c][d] * t[e][d];
      M[a][e] = s + (V ? V[a][b] * V[e][b] : 0);
    }
  }
  const ev = symmetricEigen(M).values;
  return Math.max(0, ev[ev.length - 1]);
}

/** Whether sigma makes the covariance of a region PSD, given lambda = minReadoutVariance (relative tolerance MR_PSD_TOLERANCE). */
export function readoutScaleAdmissible(sigma: number, lambda: number): boolean {
  const s2 = sigma * sigma;
  return s2 - lambda >= -MR_PSD_TOLERANCE * Math.max(s2, lambda);
}

/**
 * The "auto" readoutScale of spec 02 §1.3 (the reference code's rule): sigma = 1, multiplied by 1.05
 * (one rounded multiplication per step) until the region's covariance is positive semidefinite.
 * `lambda` is minReadoutVariance for the region. Returns NaN if lambda is not finite.
 */
export function autoReadoutScale(lambda: number): number {
  if (!Number.isFinite(lambda)) return NaN;
  let sigma = 1;
  for (let k = 0; k < AUTO_READOUT_MAX_STEPS && !readoutScaleAdmissible(sigma, lambda); k++) sigma *= AUTO_READOUT_FACTOR;
  return readoutScaleAdmissible(sigma, lambda) ? sigma : NaN;
}

/**
 * Sigma^b, the 2P x 2P covariance of (n^{0b}..n^{P-1,b}, m^{b0}..m^{b,P-1}) of region b; with
 * `withInput` (and V given) a (2P+1)-th row/column for v^b.
 */
export function regionCovariance(p: MultiregionVectorParams, b: number, withInput = false): number[][] {
  const P = p.P;
  const dim = 2 * P + (withInput && p.V ? 1 : 0);
  const C = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  const s2 = p.readoutScale[b] * p.readoutScale[b];
  for (let a = 0; a < P; a++) {
    C[a][a] = s2;
    for (let c = 0; c < P; c++) {
      C[a][P + c] = C[P + c][a] = p.T[a][b][c];
      C[P + a][P + c] = p.U[b][a][c];
    }
    if (dim > 2 * P) C[a][2 * P] = C[2 * P][a] = p.V![a][b];
  }
  if (dim > 2 * P) C[2 * P][2 * P] = 1;
  return C;
}

// ---------------------------------------------------------------------------------------------
// Sampling
// ---------------------------------------------------------------------------------------------

/** The problem in a region whose covariance cannot be sampled (an invalid readoutScale or input overlap). */
export class RegionCovarianceError extends RangeError {
  override readonly name = 'RegionCovarianceError';
  constructor(
    message: string,
    readonly region: number,
  ) {
    super(message);
  }
}

export interface MultiregionVectors {
  P: number;
  N: number;
  /** n[(a P + b) N + i] = n^{ab}_i, unit i of region b (read-out of the current b -> a). */
  n: Float64Array;
  /** m[(a P + b) N + i] = m^{ab}_i, unit i of region a (where the current b -> a arrives). */
  m: Float64Array;
  /** v[a N + i] = v^a_i, unit i of region a; null without input. */
  v: Float64Array | null;
  /** perm[a N + j] = pi_a(j): column j of the shared matrix reads unit pi_a(j) of region a; null unless coupling "shared". */
  perm: Int32Array | null;
  /** Per region: the symmetric square root A of Sigma^b used (2P x 2P), and max |A A - Sigma^b|. */
  roots: number[][][];
  rootResidual: number[];
}

/** The per-region random permutations of the shared-matrix trick (spec 02 §1.4), P N entries. */
export function regionPermutations(P: number, N: number, seed: number): Int32Array {
  const perm = new Int32Array(P * N);
  for (let a = 0; a < P; a++) perm.set(new Rng(seed, STREAM_MULTIREGION_PERM, a * N).permutation(N), a * N);
  return perm;
}

/**
 * Draw n, m (and v, and the permutations for coupling "shared") of a multiregion model with the given
 * seed; see the header for the exact construction. Throws a RegionCovarianceError when a region's
 * covariance is not positive semidefinite (parseSpec rejects such specs first).
 */
export function multiregionVectors(p: MultiregionVectorParams, seed: number): MultiregionVectors {
  const { P, N } = p;
  if (!Number.isInteger(P) || P < 1) throw new RangeError(`dmftlab: multiregion P must be a positive integer, got ${P}`);
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`dmftlab: multiregion N must be a positive integer, got ${N}`);
  const D = 2 * P;
  const n = new Float64Array(P * P * N);
  const m = new Float64Array(P * P * N);
  const v = p.V ? new Float64Array(P * N) : null;
  const roots: number[][][] = [];
  const rootResidual: number[] = [];
  const xi = new Float64Array(N);
  const z = Array.from({ length: D }, () => new Float64Array(N));
  for (let b = 0; b < P; b++) {
    const lambda = minReadoutVariance(p.T, p.U, p.V, b);
    if (!readoutScaleAdmissible(p.readoutScale[b], lambda)) {
      throw new RegionCovarianceError(
        `dmftlab: the covariance of region ${b}'s vectors is not positive semidefinite: readoutScale[${b}] = ${p.readoutScale[b]} is below sqrt(${lambda}) = ${Math.sqrt(lambda)}`,
        b,
      );
    }
    const Sigma = regionCovariance(p, b);
    const eig = symmetricEigen(Sigma);
    const top = Math.max(0, eig.values[D - 1]);
    const A = spectralFunction(eig, (l) => (l > 0 ? Math.sqrt(l) : 0));
    roots.push(A);
    let res = 0;
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        let s = 0;
        for (let k = 0; k < D; k++) s += A[i][k] * A[k][j];
        res = Math.max(res, Math.abs(s - Sigma[i][j]));
      }
    }
    rootResidual.push(res);

    for (const zk of z) zk.fill(0);
    for (let c = 0; c < D; c++) {
      gaussFill(xi, seed, STREAM_MULTIREGION, (b * (D + 1) + c) * N);
      for (let k = 0; k < D; k++) {
        const w = A[k][c];
        if (w === 0) continue;
        const zk = z[k];
        for (let i = 0; i < N; i++) zk[i] += w * xi[i];
      }
    }
    for (let a = 0; a < P; a++) {
      n.set(z[a], (a * P + b) * N); // n^{ab}: unit i of region b
      m.set(z[P + a], (b * P + a) * N); // m^{ba}: unit i of region b
    }

    if (v && p.V) {
      // beta = A^+ r, with r = (V[0][b], .., V[P-1][b], 0, .., 0)
      const r = new Array<number>(D).fill(0);
      for (let a = 0; a < P; a++) r[a] = p.V[a][b];
      const Apinv = spectralFunction(eig, (l) => (l > MR_RANK_TOLERANCE * top ? 1 / Math.sqrt(l) : 0));
      const beta = Apinv.map((row) => row.reduce((s, x, j) => s + x * r[j], 0));
      const s = Math.sqrt(Math.max(0, 1 - beta.reduce((acc, x) => acc + x * x, 0)));
      const out = v.subarray(b * N, (b + 1) * N);
      for (let c = 0; c <= D; c++) {
        const w = c < D ? beta[c] : s;
        if (w === 0) continue;
        gaussFill(xi, seed, STREAM_MULTIREGION, (b * (D + 1) + c) * N);
        for (let i = 0; i < N; i++) out[i] += w * xi[i];
      }
    }
  }
  const perm = p.coupling === 'shared' ? regionPermutations(P, N, seed) : null;
  return { P, N, n, m, v, perm, roots, rootResidual };
}
