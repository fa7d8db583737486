/**
 * The "hat" matrices of spec 02 §6.1 and the heuristic outcome prediction of §6.2.
 *
 * Pairs are flattened (a, b) -> a*P + b. Around S = 0 with gains psi_b the currents obey
 * dS/dt = -S + T^_psi S with
 *
 *   T^[(a,b),(c,d)]     = delta_{bc} T[a][b][d]            (P^2 x P^2)
 *   T^_psi[(a,b),(c,d)] = psi_b delta_{bc} T[a][b][d]
 *   U^[(a,b),(c,d)]     = delta_{ac} U[a][b][d]            (quadratic form of the structured variances:
 *                                                          sum_a A^a = S^T U^ S)
 *
 * Prediction (`predictOutcome`): psi0_b is the gain of the current-free state of region b (1 for g_b <= 1,
 * psi(Delta0(g_b)) with the chaos-only Delta0 of §4.3 otherwise) and mu the rightmost eigenvalue of T^_psi0
 * (for equal gains mu = psi0 lambda, lambda the rightmost eigenvalue of T^, so Re mu > 1 is the spec's
 * Re lambda > 1/psi0):
 *
 *   Re mu <= 1                       S = 0 stays stable: 'quiescent' (every g <= 1) or 'chaos'
 *   Re mu > 1, |Im mu| <= threshold  'fixed-point' (currents grow along a real mode and saturate)
 *   Re mu > 1, |Im mu| >  threshold  'limit-cycle' (oscillatory instability)
 *
 * The imaginary-part threshold (option `imagThreshold`, default 0.05) is a rate in units of 1/tau: the
 * linearised current mode oscillates with angular frequency Im mu, so the default calls a mode real when its
 * period would exceed 2 pi / 0.05 ~ 126 time units, longer than the few hundred time units over which DMFT runs
 * are usually read. It is a heuristic: gain modulation can turn a weakly complex pair into a fixed point and
 * the random part may or may not stay chaotic, so the non-stationary DMFT decides. `belowDisorderCircle`
 * (|lambda| < max g, the circle drawn in Fig. 5) flags where the paper finds that disorder tends to win.
 */
import { eigenvaluesSorted, type Complex } from '../eig.js';
import { chaosOnlyDelta0 } from './stationary.js';
import { erfGaussianPhi } from './toolbox.js';
import type { GaussianPhi, MultiregionParams } from './types.js';
import { checkInteger, checkNumber, checkVector, hasCrossDisorder } from './validate-params.js';

/** T^ (psi omitted) or T^_psi (spec 02 §6.1), as a P^2 x P^2 row-major number[][]. */
export function hatT(p: Pick<MultiregionParams, 'P' | 'T'>, psi?: ArrayLike<number>): number[][] {
  const where = 'hatT';
  checkInteger(where, 'params.P', p.P, 1, 64);
  const P = p.P;
  checkVector(where, 'params.T', p.T, P * P * P);
  if (psi !== undefined) checkVector(where, 'psi', psi, P, 0);
  const n = P * P;
  const M = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let a = 0; a < P; a++) {
    for (let b = 0; b < P; b++) {
      const w = psi ? psi[b] : 1;
      for (let d = 0; d < P; d++) M[a * P + b][b * P + d] = w * p.T[(a * P + b) * P + d];
    }
  }
  return M;
}

/** U^[(a,b),(c,d)] = delta_{ac} U[a][b][d] (spec 02 §6.1). */
export function hatU(p: Pick<MultiregionParams, 'P' | 'U'>): number[][] {
  const where = 'hatU';
  checkInteger(where, 'params.P', p.P, 1, 64);
  const P = p.P;
  checkVector(where, 'params.U', p.U, P * P * P);
  const n = P * P;
  const M = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) for (let d = 0; d < P; d++) M[a * P + b][a * P + d] = p.U[(a * P + b) * P + d];
  return M;
}

export interface HatSpectrum {
  /** Eigenvalues by decreasing real part (ties: decreasing imaginary part). */
  eigenvalues: Complex[];
  /** The rightmost eigenvalue. */
  leading: Complex;
}

/** Spectrum of T^ or T^_psi (src/theory/eig.ts). */
export function hatSpectrum(p: Pick<MultiregionParams, 'P' | 'T'>, psi?: ArrayLike<number>): HatSpectrum {
  const eigenvalues = eigenvaluesSorted(hatT(p, psi));
  return { eigenvalues, leading: eigenvalues[0] };
}

export type PredictedOutcome = 'quiescent' | 'chaos' | 'fixed-point' | 'limit-cycle';

export interface OutcomePrediction {
  prediction: PredictedOutcome;
  /** Rightmost eigenvalue of T^ and of T^_psi0. */
  lambda: Complex;
  mu: Complex;
  /** Gains of the current-free state per region. */
  psi0: Float64Array;
  /** Growth rate Re mu - 1 and angular frequency |Im mu| of the leading linear mode around S = 0. */
  growthRate: number;
  frequency: number;
  /** |lambda| < max_a g_a (Fig. 5 reference circle: disorder tends to win inside). */
  belowDisorderCircle: boolean;
  /** Whether some region has g > 1 (its random part is chaotic when no current reaches it). */
  chaoticWithoutCurrents: boolean;
  settings: { imagThreshold: number };
}

/**
 * Heuristic outcome from the leading eigenvalue (spec 02 §6.2; see the file header for the rule and the
 * threshold). `psi0` may be given; by default it is computed from params.g (within-region disorder only).
 */
export function predictOutcome(
  p: MultiregionParams,
  opts: { imagThreshold?: number; psi0?: ArrayLike<number>; phi?: GaussianPhi } = {},
): OutcomePrediction {
  const where = 'predictOutcome';
  checkInteger(where, 'params.P', p.P, 1, 64);
  const P = p.P;
  checkVector(where, 'params.g', p.g, P, 0);
  const imagThreshold = opts.imagThreshold ?? 0.05;
  checkNumber(where, 'imagThreshold', imagThreshold, 0);
  let psi0: Float64Array;
  if (opts.psi0) {
    checkVector(where, 'psi0', opts.psi0, P, 0, 1);
    psi0 = Float64Array.from(opts.psi0);
  } else {
    if (hasCrossDisorder(p)) {
      throw new RangeError(`${where}: params.G2 has non-zero cross-region entries; the current-free gains are then coupled: pass psi0 explicitly`);
    }
    const phi = opts.phi ?? erfGaussianPhi;
    psi0 = new Float64Array(P);
    for (let a = 0; a < P; a++) {
      const g = p.g[a];
      if (g * Math.abs(phi.slope0) <= 1) psi0[a] = phi.slope0;
      else {
        const c = chaosOnlyDelta0(g, phi);
        if (!c.diagnostics.converged) throw new Error(`${where}: chaos-only Delta0 did not converge for g[${a}] = ${g}`);
        psi0[a] = phi.gain(c.delta0);
      }
    }
  }
  const lambda = hatSpectrum(p).leading;
  const mu = hatSpectrum(p, psi0).leading;
  const gMax = Math.max(...Array.from(p.g));
  const chaoticWithoutCurrents = gMax > 1;
  let prediction: PredictedOutcome;
  if (!(mu.re > 1)) prediction = chaoticWithoutCurrents ? 'chaos' : 'quiescent';
  else prediction = Math.abs(mu.im) <= imagThreshold ? 'fixed-point' : 'limit-cycle';
  return {
    prediction,
    lambda,
    mu,
    psi0,
    growthRate: mu.re - 1,
    frequency: Math.abs(mu.im),
    belowDisorderCircle: Math.hypot(lambda.re, lambda.im) < gMax,
    chaoticWithoutCurrents,
    settings: { imagThreshold },
  };
}
