/**
 * Effective rank of random-mode couplings J = sum_a D_a u_a v_a^T (spec 03 §5.1): the participation ratio
 * of the spectrum PR^D = (sum D^2)^2 / sum D^4, rho = PR^D / N, named spectra normalised to
 * g^2 = (1/N) sum D_a^2, and the effective rank of J itself, PR_J/N -> 1/(2 + 1/rho).
 */

/** Participation ratio (sum v)^2 / sum v^2 of non-negative values (eigenvalues, squared singular values). */
export function participationRatio(values: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0)) throw new RangeError(`participationRatio: values must be >= 0 (got ${v} at ${i})`);
    s += v;
    s2 += v * v;
  }
  if (!(s2 > 0)) throw new RangeError('participationRatio: all values are zero');
  return (s * s) / s2;
}

export interface EffectiveRank {
  /** PR^D = (sum D^2)^2 / sum D^4. */
  prD: number;
  /** rho = PR^D / N. */
  rho: number;
  /** Coupling strength g = sqrt((1/N) sum D^2). */
  g: number;
  /** Number of modes P and alpha = P/N. */
  P: number;
  alpha: number;
}

/** PR^D, rho and g of an explicit spectrum D_1..D_P for N units (spec 03 §5.1). */
export function effectiveRank(D: ArrayLike<number>, N: number): EffectiveRank {
  if (!(N >= 1) || !Number.isInteger(N)) throw new RangeError(`effectiveRank: N must be a positive integer (got ${N})`);
  const sq = Array.from(D, (d) => d * d);
  const prD = participationRatio(sq);
  let s = 0;
  for (const v of sq) s += v;
  return { prD, rho: prD / N, g: Math.sqrt(s / N), P: D.length, alpha: D.length / N };
}

export type SpectrumFamily =
  | { family: 'flat'; alpha: number }
  | { family: 'exponential'; tau: number }
  | { family: 'power'; gamma: number; alpha?: number };

/**
 * Mode strengths D_a >= 0 of a named family, scaled so that (1/N) sum D_a^2 = g^2 exactly:
 * flat: P = round(alpha N) modes, D_a = g sqrt(N/P) (= g/sqrt(alpha));
 * exponential: D_a^2 ∝ exp(-(a-1)/(tau N)), a = 1..N;
 * power: D_a^2 ∝ a^-gamma, a = 1..P, P = round(alpha N) (alpha default 1).
 */
export function modeSpectrum(spec: SpectrumFamily, N: number, g: number): Float64Array {
  if (!(N >= 1) || !Number.isInteger(N)) throw new RangeError(`modeSpectrum: N must be a positive integer (got ${N})`);
  if (!(g >= 0)) throw new RangeError(`modeSpectrum: g must be >= 0 (got ${g})`);
  let d2: Float64Array;
  if (spec.family === 'flat') {
    if (!(spec.alpha > 0)) throw new RangeError(`modeSpectrum: flat spectrum needs alpha > 0 (got ${spec.alpha})`);
    d2 = new Float64Array(Math.max(1, Math.round(spec.alpha * N))).fill(1);
  } else if (spec.family === 'exponential') {
    if (!(spec.tau > 0)) throw new RangeError(`modeSpectrum: exponential spectrum needs tau > 0 (got ${spec.tau})`);
    d2 = Float64Array.from({ length: N }, (_, i) => Math.exp(-i / (spec.tau * N)));
  } else if (spec.family === 'power') {
    const alpha = spec.alpha ?? 1;
    if (!(spec.gamma >= 0) || !(alpha > 0)) throw new RangeError(`modeSpectrum: power law needs gamma >= 0 and alpha > 0`);
    d2 = Float64Array.from({ length: Math.max(1, Math.round(alpha * N)) }, (_, i) => (i + 1) ** -spec.gamma);
  } else {
    throw new Error(`modeSpectrum: unknown family "${(spec as { family: string }).family}"; valid: flat, exponential, power`);
  }
  let s = 0;
  for (const v of d2) s += v;
  const scale = (g * g * N) / s;
  return d2.map((v) => Math.sqrt(v * scale));
}

/**
 * rho at N -> infinity of a named family: flat alpha; exponential 2 tau (1 - e^{-1/tau})^2 / (1 - e^{-2/tau})
 * (spec 03 §5.1); power law (derived here from the integral approximation, not in the spec):
 * alpha (1 - 2 gamma)/(1 - gamma)^2 for gamma < 1/2, and 0 for gamma >= 1/2 (PR^D stays O(1) or grows slower than N).
 */
export function rhoLimit(spec: SpectrumFamily): number {
  if (spec.family === 'flat') return spec.alpha;
  if (spec.family === 'exponential') {
    const t = spec.tau;
    const e1 = -Math.expm1(-1 / t);
    const e2 = -Math.expm1(-2 / t);
    return (2 * t * e1 * e1) / e2;
  }
  if (spec.family === 'power') {
    const gm = spec.gamma;
    return gm < 0.5 ? ((spec.alpha ?? 1) * (1 - 2 * gm)) / ((1 - gm) * (1 - gm)) : 0;
  }
  throw new Error(`rhoLimit: unknown family "${(spec as { family: string }).family}"`);
}

/** Effective rank of J itself at N -> infinity: PR_J/N = 1/(2 + 1/rho) (1/2 for i.i.d., rho = Infinity). */
export function couplingRankLimit(rho: number): number {
  if (!(rho > 0)) throw new RangeError(`couplingRankLimit: rho must be > 0 (got ${rho})`);
  return 1 / (2 + 1 / rho);
}

// The random-mode coupling itself, and the effective rank of a built J, are src/sim/random-mode.ts
// (buildRandomModeCoupling, empiricalRankOfJ): one construction, shared by the simulation and the tests.
