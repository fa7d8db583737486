/**
 * Random-mode coupling (spec 03 §5): J = sum_{a=1}^{P} D_a u_a v_a^T, u_a, v_a in R^N with i.i.d.
 * N(0, 1/N) entries, and its effective rank.
 *
 *   u_a[i] = gaussian(seed, STREAM_RM_U, a N + i) / sqrt(N)               output modes
 *   w_a[j] = gaussian(seed, STREAM_RM_V, a N + j) / sqrt(N)               independent input modes
 *   v_a    = c_a u_a + sqrt(1 - c_a^2) w_a     (c_a = 0 without model.overlap: v_a = w_a, spec 03 §5.5)
 *   gamma_i = exp(sd z_i - sd^2), z_i = gaussian(seed, STREAM_RM_GAIN, i)  (model.heterogeneity, §5.4)
 *   J_ij   = gamma_i sum_a D_a u_a[i] v_a[j]
 *
 * Mode a's vectors do not depend on P (the index is mode-major), so truncating a spectrum keeps the
 * leading modes, and c = 0 gives exactly the J of a spec without overlaps. The lognormal gains have
 * E[gamma^2] = 1 (in expectation, per unit; not renormalised over the N units).
 *
 * Memory: besides J, the build keeps the N x P matrix of input modes V (row-major, f64) and one
 * block of ROW_BLOCK rows of U D; that is O(N P). At P = N, V is N x N: 128 MiB at N = 4096, the
 * size where this is still reasonable (the validator caps N P at 2^27, 1 GiB).
 * Cost: N^2 P multiply-adds (J = (U D) V^T by dot products of contiguous rows, four rows of J at a
 * time); every sum runs in the same order on every runtime, so J is bitwise reproducible.
 */
import { gaussFill } from '../core/rng.js';
import { STREAM_RM_U, STREAM_RM_V, STREAM_RM_GAIN } from '../core/streams.js';
import type { RandomModeModel } from '../spec/types.js';
import { rhoLimit } from '../theory/dimension/effective-rank.js';

/** Rows of J computed per block (the U D block kept in memory is ROW_BLOCK x P). */
const ROW_BLOCK = 64;

/** Number of modes P of a random-mode model. */
export function randomModeCount(model: Pick<RandomModeModel, 'N' | 'spectrum'>): number {
  const s = model.spectrum;
  switch (s.kind) {
    case 'list':
      return s.D.length;
    case 'flat':
      return Math.max(1, Math.round(s.alpha * model.N));
    case 'exponential':
      return model.N;
    case 'powerLaw':
      return s.P;
  }
}

/**
 * The spectrum D_a, a = 1..P, normalised so that (1/N) sum_a D_a^2 = g^2 (spec 03 §5.1):
 *   flat:        D_a = g sqrt(N / P), P = round(alpha N)  (g / sqrt(alpha) when alpha N is an integer);
 *   exponential: D_a^2 proportional to exp(-(a - 1) / (tau N)), a = 1..N;
 *   powerLaw:    D_a^2 proportional to a^-gamma, a = 1..P;
 *   list:        D as given, times g / g_list with g_list = sqrt((1/N) sum D^2) (exactly D when g = g_list,
 *                e.g. when the spec gave no g and parseSpec filled the implied one).
 */
export function randomModeSpectrum(model: Pick<RandomModeModel, 'N' | 'g' | 'spectrum'>): Float64Array {
  const { N, g } = model;
  const s = model.spectrum;
  const P = randomModeCount(model);
  const D = new Float64Array(P);
  if (s.kind === 'flat') return D.fill(g * Math.sqrt(N / P));
  if (s.kind === 'list') D.set(s.D);
  else if (s.kind === 'exponential') for (let a = 0; a < P; a++) D[a] = Math.exp(-a / (2 * s.tau * N));
  else for (let a = 0; a < P; a++) D[a] = (a + 1) ** (-s.gamma / 2);
  let s2 = 0;
  for (let a = 0; a < P; a++) s2 += D[a] * D[a];
  const have = Math.sqrt(s2 / N);
  if (have === g) return D;
  if (have === 0) {
    if (g === 0) return D;
    throw new RangeError(`dmftlab: random-mode spectrum: every D_a is 0, cannot normalise to g = ${g}`);
  }
  const f = g / have;
  for (let a = 0; a < P; a++) D[a] *= f;
  return D;
}

/** Effective rank of a spectrum (spec 03 §5.1). */
export interface EffectiveRank {
  /** PR^D = (sum D^2)^2 / sum D^4. */
  PRD: number;
  /** rho = PR^D / N. */
  rho: number;
  /** g^2 = (1/N) sum D^2. */
  g2: number;
}

/** PR^D, rho = PR^D / N and g^2 = (1/N) sum D^2 of a spectrum D for N units (N defaults to D.length). */
export function effectiveRank(D: ArrayLike<number>, N: number = D.length): EffectiveRank {
  let s2 = 0;
  let s4 = 0;
  for (let a = 0; a < D.length; a++) {
    const d2 = D[a] * D[a];
    s2 += d2;
    s4 += d2 * d2;
  }
  const PRD = s4 > 0 ? (s2 * s2) / s4 : 0;
  return { PRD, rho: PRD / N, g2: s2 / N };
}

/**
 * N -> infinity limit of rho for the exponential family (spec 03 §5.1):
 * rho = 2 tau (1 - e^{-1/tau})^2 / (1 - e^{-2/tau}).
 */
export function exponentialRho(tau: number): number {
  return rhoLimit({ family: 'exponential', tau });
}

/** Per-unit input gains gamma_i (all 1 without heterogeneity). */
export function randomModeGains(model: Pick<RandomModeModel, 'N' | 'heterogeneity'>, seed: number): Float64Array {
  const { N } = model;
  const h = model.heterogeneity;
  if (!h || h.sd === 0) return new Float64Array(N).fill(1);
  const z = gaussFill(new Float64Array(N), seed, STREAM_RM_GAIN, 0, 1);
  const sd = h.sd;
  for (let i = 0; i < N; i++) z[i] = Math.exp(sd * z[i] - sd * sd);
  return z;
}

/** The overlap c_a of every mode (zeros without model.overlap). */
function overlaps(model: Pick<RandomModeModel, 'overlap'>, P: number): Float64Array {
  const c = new Float64Array(P);
  const o = model.overlap;
  if (!o) return c;
  if (typeof o.c === 'number') return c.fill(o.c);
  if (o.c.length !== P) throw new RangeError(`dmftlab: random-mode overlap: ${o.c.length} values for P = ${P} modes`);
  c.set(o.c);
  return c;
}

/**
 * Fill the row-major N x N coupling J of a random-mode model into `out` (row stride `ld` >= N;
 * columns N..ld-1 of each row are set to 0). Computed in f64; a Float32Array gets each entry
 * rounded once. Bitwise reproducible for a given (model, seed). See the header for the draws.
 */
export function buildRandomModeCoupling(model: RandomModeModel, seed: number, out: Float64Array | Float32Array, ld: number): void {
  const { N } = model;
  if (!Number.isInteger(ld) || ld < N) throw new RangeError(`dmftlab: buildRandomModeCoupling: row stride ld = ${ld} must be an integer >= N = ${N}`);
  if (out.length < (N - 1) * ld + N) throw new RangeError(`dmftlab: buildRandomModeCoupling: out has ${out.length} entries, needs ${(N - 1) * ld + N}`);
  const D = randomModeSpectrum(model);
  const P = D.length;
  const c = overlaps(model, P);
  const gain = randomModeGains(model, seed);
  const scale = 1 / Math.sqrt(N);
  const col = new Float64Array(N);

  // V (N x P, row-major: V[j P + a] = v_a[j]): w_a first, then the overlap with u_a
  const V = new Float64Array(N * P);
  for (let a = 0; a < P; a++) {
    gaussFill(col, seed, STREAM_RM_V, a * N, scale);
    for (let j = 0; j < N; j++) V[j * P + a] = col[j];
  }
  const anyOverlap = c.some((x) => x !== 0);
  if (anyOverlap) {
    for (let a = 0; a < P; a++) {
      const ca = c[a];
      if (ca === 0) continue;
      const sa = Math.sqrt(1 - ca * ca);
      gaussFill(col, seed, STREAM_RM_U, a * N, scale);
      for (let j = 0; j < N; j++) V[j * P + a] = ca * col[j] + sa * V[j * P + a];
    }
  }

  // rows i0..i1-1 of A = gamma (U D) (B x P, row-major), then J rows = A V^T
  const B = Math.min(ROW_BLOCK, N);
  const A = new Float64Array(B * P);
  const part = new Float64Array(B);
  for (let i0 = 0; i0 < N; i0 += B) {
    const nb = Math.min(B, N - i0);
    const ub = part.subarray(0, nb);
    for (let a = 0; a < P; a++) {
      gaussFill(ub, seed, STREAM_RM_U, a * N + i0, scale);
      const da = D[a];
      for (let r = 0; r < nb; r++) A[r * P + a] = gain[i0 + r] * (da * ub[r]);
    }
    let r = 0;
    for (; r + 4 <= nb; r += 4) {
      const a0 = r * P;
      const a1 = a0 + P;
      const a2 = a1 + P;
      const a3 = a2 + P;
      const o0 = (i0 + r) * ld;
      for (let j = 0; j < N; j++) {
        const vj = j * P;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let a = 0; a < P; a++) {
          const v = V[vj + a];
          s0 += A[a0 + a] * v;
          s1 += A[a1 + a] * v;
          s2 += A[a2 + a] * v;
          s3 += A[a3 + a] * v;
        }
        out[o0 + j] = s0;
        out[o0 + ld + j] = s1;
        out[o0 + 2 * ld + j] = s2;
        out[o0 + 3 * ld + j] = s3;
      }
    }
    for (; r < nb; r++) {
      const ar = r * P;
      const o = (i0 + r) * ld;
      for (let j = 0; j < N; j++) {
        const vj = j * P;
        let s = 0;
        for (let a = 0; a < P; a++) s += A[ar + a] * V[vj + a];
        out[o + j] = s;
      }
    }
  }
  if (ld > N) for (let i = 0; i < N; i++) out.fill(0, i * ld + N, (i + 1) * ld);
}

/** Participation ratio of the squared singular values of J (spec 03 §5.1). */
export interface EmpiricalRank {
  /** PR_J = (sum sigma^2)^2 / sum sigma^4. */
  PR: number;
  /** PR_J / N; N -> infinity: 1 / (2 + 1/rho) for independent Gaussian modes. */
  ratio: number;
  /** (1/N) sum sigma^2 = ||J||_F^2 / N (-> g^2). */
  m2: number;
  /** (1/N) sum sigma^4 = ||J^T J||_F^2 / N (-> g^4 (2 + 1/rho)). */
  m4: number;
}

/**
 * PR_J of a row-major N x N matrix J (row stride ld) from traces: sum sigma^2 = ||J||_F^2 and
 * sum sigma^4 = ||J J^T||_F^2. J J^T is formed by dot products of row pairs (i <= k, symmetric),
 * four entries at a time, so nothing beyond J is stored: N^3 / 2 multiply-adds. Plain JS, one
 * thread; see the timing in docs/SPEC.md (random-mode section).
 */
export function empiricalRankOfJ(J: ArrayLike<number>, N: number, ld: number = N): EmpiricalRank {
  let f2 = 0;
  let f4 = 0;
  for (let i = 0; i < N; i++) {
    const oi = i * ld;
    let d = 0;
    for (let j = 0; j < N; j++) d += J[oi + j] * J[oi + j];
    f2 += d;
    f4 += d * d;
    // off-diagonal (J J^T)_ik, k > i, four k at a time (one pass over row i per four rows k)
    let k = i + 1;
    for (; k + 4 <= N; k += 4) {
      const o0 = k * ld;
      const o1 = o0 + ld;
      const o2 = o1 + ld;
      const o3 = o2 + ld;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < N; j++) {
        const x = J[oi + j];
        s0 += x * J[o0 + j];
        s1 += x * J[o1 + j];
        s2 += x * J[o2 + j];
        s3 += x * J[o3 + j];
      }
      f4 += 2 * (s0 * s0 + s1 * s1 + s2 * s2 + s3 * s3);
    }
    for (; k < N; k++) {
      const ok = k * ld;
      let s = 0;
      for (let j = 0; j < N; j++) s += J[oi + j] * J[ok + j];
      f4 += 2 * s * s;
    }
  }
  const PR = f4 > 0 ? (f2 * f2) / f4 : 0;
  return { PR, ratio: PR / N, m2: f2 / N, m4: f4 / N };
}
