/**
 * Mehler-series form of the two-point averages that enter the chaotic low-rank DMFT (spec 01 §2, §4.3).
 *
 * This file belongs to the low-rank solver (src/theory/lowrank.ts). It is not a replacement for the
 * Gaussian toolkit (src/theory/gauss.ts): the toolkit's two-point average C_f(c) is a nested 2-D
 * quadrature, which the solver uses for the independent residual check. The solver itself needs
 * quantities that a pointwise C_f cannot give without cancellation:
 *
 *   S1 = (1/(D0 - Dinf)) int_{Dinf}^{D0} C_phi(c) dc   = ([Phi^2] - C_Phi(Dinf)) / (D0 - Dinf)       (Price)
 *   S2 = (2/(D0 - Dinf)^2) int_{Dinf}^{D0} (D0 - c) C_phi'(c) dc
 *
 * S1 is the energy condition divided by (D0 - Dinf); S2 is what is left of (r_inf - r_en)/(D0 - Dinf),
 * which removes the static root D0 = Dinf altogether (see lowrank.ts, "deflated chaotic system").
 * With the Hermite coefficients a_k of phi(mu + sqrt(D0) z) and t = Dinf/D0 both are sums of
 * non-negative terms for 0 <= t <= 1:
 *
 *   C_phi(Dinf) = sum_k A_k t^k,                 A_k = a_k^2
 *   S1          = sum_k A_k U_k(t),              U_k = (1/(k+1)) sum_{i<=k} t^i
 *   C_phi'(Dinf) = sum_k B_k t^k,                B_k = (k+1) A_{k+1} / D0   (coefficients of phi')
 *   S2          = sum_k B_k W_k(t),              W_k = (2/((k+1)(k+2))) sum_{m<=k} (m+1) t^m
 *
 * (U_k is the mean of s^k over [t, 1], W_k its mean under the weight 2(1-s)/(1-t)^2.) Derivatives with
 * respect to mu and D0 follow from a_k' = sqrt((k+1)/D0) a_{k+1} and
 * da_k/dD0 = (sqrt((k+1)(k+2)) a_{k+2} + k a_k)/(2 D0), so the solver gets an exact Jacobian.
 *
 * Coefficients: the toolkit's `mehlerCoefficients` (gauss.ts; trapezoid grid resolving both phi and the
 * oscillation of psi_K). Truncation: the omitted tails are bounded with the exact one-point averages,
 * [phi^2] - sum A_k and [phi'^2] - sum B_k (passed in from the averager), times the largest weight
 * U_{K+1}(t) or W_K(t) of an omitted term; K doubles until the bound is below `tol`.
 */
import type { PhiDef } from '../phi.js';
import { mehlerCoefficients } from './gauss.js';

export interface MehlerSettings {
  /** Largest node spacing in x-units of the coefficient grid (toolkit default 0.15). */
  hx: number;
  /** Half-width of the z-grid (toolkit default 13.5). */
  zMax: number;
  /** First number of coefficients tried (default 64); doubled until the tail bound is met. */
  kStart: number;
  /** Largest number of coefficients (default 8192). */
  kMax: number;
  /** Target bound on the truncation error of every sum (default 1e-14). */
  tol: number;
}

export const defaultMehlerSettings: MehlerSettings = { hx: 0.15, zMax: 13.5, kStart: 64, kMax: 8192, tol: 1e-14 };

/** Hermite coefficients of phi(mu + sqrt(D0) z): a_0 .. a_{K+2} and how they were computed. */
export interface MehlerSeries {
  mu: number;
  D0: number;
  /** Sums run over k = 0..K; a has K+3 entries (two spare for the derivatives). */
  K: number;
  a: Float64Array;
  /** [phi^2](mu, D0) - sum_{k<=K} A_k (exact one-point value minus the partial sum). */
  tailA: number;
  /** [phi'^2](mu, D0) - sum_{k<K} B_k. */
  tailB: number;
  /** Number of grid nodes used for the coefficients. */
  nodes: number;
}

/**
 * Largest weights of the omitted terms, U_{K+1}(t) and W_K(t) (both are means of s^k over [t, 1], hence
 * decreasing in k), computed exactly for 0 <= |t| < 1 (for t < 0 the bound uses |t|, which dominates).
 */
function tailWeights(K: number, t: number): { u: number; w: number } {
  const at = Math.abs(t);
  if (at >= 1) return { u: 1, w: 1 };
  let tk = 1;
  let sum = 0;
  let P = 0;
  let PK = 0;
  for (let k = 0; k <= K + 1; k++) {
    sum += tk;
    P += (k + 1) * tk;
    if (k === K) PK = P;
    tk *= at;
  }
  return { u: sum / (K + 2), w: (2 * PK) / ((K + 1) * (K + 2)) };
}

/**
 * Series at (mu, D0) with enough terms for every t in [-tMax, tMax]. phi2 = [phi^2](mu, D0) and
 * dphi2 = [phi'^2](mu, D0) come from the one-point toolkit and bound the truncation.
 */
/** Counters (for diagnostics and benchmarks). */
export const mehlerStats = { series: 0, coefficientCalls: 0, coefficientWork: 0 };

/** Number of terms that sufficed recently, by phi and octave-half of D0 (a starting guess only). */
const kMemory = new Map<string, number>();

export function mehlerSeries(phi: PhiDef, mu: number, D0: number, phi2: number, dphi2: number, tMax: number, s: MehlerSettings = defaultMehlerSettings, kFirst?: number): MehlerSeries {
  if (!(D0 > 0)) throw new Error(`mehlerSeries: D0 must be > 0 (got ${D0})`);
  // first K: the caller's hint, else what sufficed last time for this phi and a similar D0 (halved, so that
  // K can also shrink), else s.kStart
  const key = `${phi.name}|${Math.floor(2 * Math.log2(D0))}`;
  const remembered = kMemory.get(key);
  let K = Math.min(Math.max(kFirst ?? (remembered !== undefined ? Math.max(s.kStart, remembered >> 1) : s.kStart), 8), s.kMax);
  mehlerStats.series++;
  for (;;) {
    mehlerStats.coefficientCalls++;
    const { a, nodes } = mehlerCoefficients(phi.f, mu, D0, K + 2, { hx: s.hx, zMax: s.zMax });
    mehlerStats.coefficientWork += nodes * (K + 3);
    let sumA = 0;
    for (let k = 0; k <= K; k++) sumA += a[k] * a[k];
    let sumB = 0;
    for (let k = 0; k < K; k++) sumB += ((k + 1) * a[k + 1] * a[k + 1]) / D0;
    const tailA = phi2 - sumA;
    const tailB = dphi2 - sumB;
    const tw = tailWeights(K, tMax);
    const bound = Math.max(Math.abs(tailA) * tw.u, Math.abs(tailB) * tw.w);
    if (bound <= s.tol || K >= s.kMax) {
      kMemory.set(key, K);
      return { mu, D0, K, a, tailA, tailB, nodes };
    }
    K = Math.min(2 * K, s.kMax);
  }
}

/** Sums at t = Dinf/D0 and their partial derivatives (mu and D0 at fixed t, and t). */
export interface MehlerSums {
  t: number;
  /** C_phi(t D0). */
  C: number;
  /** C_phi'(t D0) (= dC_phi/dc, spec 01 §2 Price). */
  Cd: number;
  S1: number;
  S2: number;
  dS1: { mu: number; D0: number; t: number };
  dS2: { mu: number; D0: number; t: number };
  dC: { mu: number; D0: number; t: number };
  /** Bound on the truncation error of C, S1 and S2 (from the tails, see the file header). */
  truncation: number;
}

export function mehlerSums(ser: MehlerSeries, t: number): MehlerSums {
  const { a, K, D0 } = ser;
  const A = (k: number) => a[k] * a[k];
  // dA_k/dmu and dA_k/dD0 (fixed t), k = 0..K
  const dAmu = (k: number) => (2 * a[k] * Math.sqrt((k + 1) / D0) * a[k + 1]);
  const dAD = (k: number) => ((a[k] * (Math.sqrt((k + 1) * (k + 2)) * a[k + 2] + k * a[k])) / D0);
  let C = 0;
  let dCmu = 0;
  let dCD = 0;
  let dCt = 0;
  let Cd = 0;
  let S1 = 0;
  let S1mu = 0;
  let S1D = 0;
  let S1t = 0;
  let S2 = 0;
  let S2mu = 0;
  let S2D = 0;
  let S2t = 0;
  let tk = 1; // t^k
  let tkm1 = 0; // t^(k-1) (0 for k = 0)
  let sumT = 0; // sum_{i<=k} t^i
  let dSumT = 0; // sum_{i<=k} i t^(i-1)
  let P = 0; // sum_{m<=k} (m+1) t^m
  let dP = 0; // sum_{m<=k} m (m+1) t^(m-1)
  for (let k = 0; k <= K; k++) {
    sumT += tk;
    dSumT += k * tkm1;
    P += (k + 1) * tk;
    dP += k * (k + 1) * tkm1;
    const Ak = A(k);
    const Amu = dAmu(k);
    const AD = dAD(k);
    C += Ak * tk;
    dCmu += Amu * tk;
    dCD += AD * tk;
    dCt += Ak * k * tkm1;
    const U = sumT / (k + 1);
    const dU = dSumT / (k + 1);
    S1 += Ak * U;
    S1mu += Amu * U;
    S1D += AD * U;
    S1t += Ak * dU;
    if (k < K) {
      // B_k = (k+1) A_{k+1} / D0
      const Bk = ((k + 1) * A(k + 1)) / D0;
      const Bmu = ((k + 1) * dAmu(k + 1)) / D0;
      const BD = ((k + 1) * (dAD(k + 1) - A(k + 1) / D0)) / D0;
      const cw = 2 / ((k + 1) * (k + 2));
      const W = cw * P;
      const dW = cw * dP;
      Cd += Bk * tk;
      S2 += Bk * W;
      S2mu += Bmu * W;
      S2D += BD * W;
      S2t += Bk * dW;
    }
    tkm1 = tk;
    tk *= t;
  }
  const tw = tailWeights(K, t);
  const truncation = Math.max(Math.abs(ser.tailA) * tw.u, Math.abs(ser.tailB) * tw.w);
  return {
    t,
    C,
    Cd,
    S1,
    S2,
    dS1: { mu: S1mu, D0: S1D, t: S1t },
    dS2: { mu: S2mu, D0: S2D, t: S2t },
    dC: { mu: dCmu, D0: dCD, t: dCt },
    truncation,
  };
}

/** S1(t) = mean of C_phi over [t D0, D0] alone (no derivatives); O(K). */
export function meanCphi(ser: MehlerSeries, t: number): number {
  const { a, K } = ser;
  let tk = 1;
  let sumT = 0;
  let S1 = 0;
  for (let k = 0; k <= K; k++) {
    sumT += tk;
    S1 += (a[k] * a[k] * sumT) / (k + 1);
    tk *= t;
  }
  return S1;
}

/**
 * The potential V(D) = -D^2/2 + Lambda D + g^2 C_Phi(D) of a chaotic state (spec 01 §4.3) in the two
 * cancellation-free forms used for Delta(tau) (scs.ts `PotentialGaps`):
 *   upper(s2) = (V(D0) - V(D0 - s2)) / s2 = -(2 D0 - s2)/2 + Lambda + g^2 S1((D0 - s2)/D0)
 *   lower(e)  = (V(Dinf) - V(Dinf + e)) / e^2 = 1/2 - g^2 sum_j c_j (e/D0)^j / ((j+1)(j+2))
 * where c_j are the Taylor coefficients of C_phi'(D0 (u + x)) in x at u = Dinf/D0 (a Taylor shift of the
 * series sum_k B_k t^k: positive terms only, no cancellation). lower uses V'(Dinf) = 0, i.e. Lambda = Dinf - g^2 C_phi(Dinf).
 * The series must be valid up to t = 1 (built with tMax = 1).
 */
export function lowRankPotentialGaps(ser: MehlerSeries, g: number, Lambda: number, Dinf: number): { D0: number; Dinf: number; upper(s2: number): number; lower(e: number): number; taylorTerms: number } {
  const { a, K, D0 } = ser;
  const g2 = g * g;
  const u = Dinf / D0;
  // B_k = (k+1) A_{k+1} / D0, k < K; Taylor shift to t = u (repeated synthetic division)
  const c = new Float64Array(K);
  for (let k = 0; k < K; k++) c[k] = ((k + 1) * a[k + 1] * a[k + 1]) / D0;
  if (u !== 0) {
    for (let j = 0; j < K; j++) for (let k = K - 2; k >= j; k--) c[k] += u * c[k + 1];
  }
  // coefficients in x = e/D0 <= 1/2 (no powers of D0, so nothing overflows), pre-divided by (j+1)(j+2);
  // terms are positive: drop the trailing ones whose total at x = xMax is below 1e-18 of the sum (single small
  // terms are normal, e.g. odd j at a symmetric state)
  const xMax = (0.5 * (D0 - Dinf)) / D0;
  const d: number[] = [];
  const terms: number[] = [];
  let sum = 0;
  let xp = 1;
  for (let j = 0; j < K; j++) {
    const dj = c[j] / ((j + 1) * (j + 2));
    d.push(dj);
    terms.push(dj * xp);
    sum += dj * xp;
    xp *= xMax;
  }
  let tail = 0;
  while (d.length > 1 && tail + terms[d.length - 1] <= 1e-18 * sum) {
    tail += terms[d.length - 1];
    d.pop();
  }
  return {
    D0,
    Dinf,
    taylorTerms: d.length,
    upper(s2: number): number {
      const t = (D0 - s2) / D0;
      return -(2 * D0 - s2) / 2 + Lambda + g2 * meanCphi(ser, t);
    },
    lower(e: number): number {
      const x = e / D0;
      let s = 0;
      for (let j = d.length - 1; j >= 0; j--) s = s * x + d[j];
      return 0.5 - g2 * s;
    },
  };
}
