/**
 * Symmetric effective interactions (spec 02 §5.1–5.2, paper §5 and Fig. 4).
 *
 * Construction: T[a][b][c] = delta_{ac} c[a][b] with a symmetric P x P matrix c, so the current b -> a is
 * driven only by the reverse current a -> b: H^{ab} = psi^b c[a][b] S^{ba}. The paper's parametrisation is
 * c = u u^T + diag(h), u_a = sign_a sqrt(b_a), h_a = a_a - b_a, i.e. c[a][a] = a_a and |c[a][b]| = sqrt(b_a b_b).
 *
 * Fixed points: an active pair (a, b) needs psi^a psi^b c_ab^2 = 1 and S^{ab} = psi^b c_ab S^{ba}; P = 2 with
 * inactive self-currents forces (S^{01})^2 = (S^{10})^2, psi^0 = psi^1 = 1/|c01| and, at g = 0,
 * (S^{01})^2 = (2/pi)(c01^2 - 1). Triangles of active pairs pin psi^a = 1/b_a.
 *
 * Pinned gain with disorder (`pinnedGain`): a region whose gain is pinned at psi = 1/beff (beff = max(a_a, b_a),
 * or |c01| for P = 2) has total variance Delta0 = (2/pi)(beff^2 - 1); what the random part does not take is left
 * for currents:
 *   static (margin g^2 (1 + pi Delta0)^(-1/2) <= 1)   A = Delta0 - g^2 C(Delta0, Delta0)       'chaos-suppressed'
 *   chaotic (margin > 1)                              A = Delta_inf - g^2 C(Delta0, Delta_inf)  'chaos-with-structure'
 *     with Delta_inf from V(Delta0) = V(Delta_inf) at that A: the energy difference has a double root at
 *     Delta_inf = Delta0, so it is divided by (Delta0 - Delta_inf)^2 and bracketed on [0, Delta0 (1 - 1e-5)]
 *     (the scaled function tends to (margin - 1)/2 > 0 at the upper end, and at Delta_inf = 0, where A = 0, it
 *     is the chaos-only energy condition, negative exactly when currents survive);
 *   A <= 0                                            currents die: 'chaos' (Delta0 from §4.3) or 'quiescent'.
 */
import { brent } from '../roots.js';
import type { Diagnostics } from '../types.js';
import { chaosOnlyDelta0, staticStabilityMargin } from './stationary.js';
import { localEnergyCurvature, localEnergyGap, phiCorr } from './toolbox.js';
import { multiregionParams, type MultiregionParams } from './types.js';
import { checkAbove, checkInteger, checkNumber, checkVector } from './validate-params.js';

const K = 2 / Math.PI;
const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now()) / 1000;

/** T[(a*P + b)*P + c] = delta_{ac} c[a*P + b] from a symmetric coupling matrix c (flat, length P^2). */
export function symmetricT(c: ArrayLike<number>, P: number): Float64Array {
  const where = 'symmetricT';
  checkInteger(where, 'P', P, 1, 64);
  checkVector(where, 'c', c, P * P);
  for (let a = 0; a < P; a++) {
    for (let b = a + 1; b < P; b++) {
      const x = c[a * P + b];
      const y = c[b * P + a];
      if (Math.abs(x - y) > 1e-12 * Math.max(1, Math.abs(x))) throw new RangeError(`${where}: c[${a * P + b}] = ${x} is out of range; valid: symmetric, equal to c[${b * P + a}] = ${y}`);
    }
  }
  const T = new Float64Array(P * P * P);
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) T[(a * P + b) * P + a] = c[a * P + b];
  return T;
}

/** c = u u^T + diag(a - b), u_a = sign_a sqrt(b_a) (spec 02 §5.1), flat P x P. signs must be +1 or -1. */
export function couplingFromAB(a: ArrayLike<number>, b: ArrayLike<number>, signs?: ArrayLike<number>): Float64Array {
  const where = 'couplingFromAB';
  const P = a.length;
  checkInteger(where, 'a.length', P, 1, 64);
  checkVector(where, 'a', a, P);
  checkVector(where, 'b', b, P, 0);
  const s = signs ?? new Array<number>(P).fill(1);
  checkVector(where, 'signs', s, P);
  for (let i = 0; i < P; i++) if (s[i] !== 1 && s[i] !== -1) throw new RangeError(`${where}: signs[${i}] = ${s[i]} is out of range; valid: +1 or -1`);
  const c = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let j = 0; j < P; j++) c[i * P + j] = s[i] * s[j] * Math.sqrt(b[i] * b[j]);
    c[i * P + i] = a[i]; // b_i + (a_i - b_i), written exactly
  }
  return c;
}

/** MultiregionParams of a symmetric network: T from c (flat P x P), U = identity, disorder g. */
export function symmetricParams(c: ArrayLike<number>, P: number, g: ArrayLike<number> | number = 0, extra: Partial<MultiregionParams> = {}): MultiregionParams {
  const gv = typeof g === 'number' ? new Array<number>(P).fill(g) : Array.from(g);
  return multiregionParams(P, symmetricT(c, P), gv, extra);
}

export type PinnedRegime = 'chaos-suppressed' | 'chaos-with-structure' | 'chaos' | 'quiescent';

export interface PinnedGainResult {
  regime: PinnedRegime;
  beff: number;
  g: number;
  /** Pinned gain 1/beff (NaN when currents die). */
  psi: number;
  delta0: number;
  deltaInf: number;
  /** Current variance left by the random part (0 when currents die) and its square root (Fig. 4a). */
  A: number;
  sqrtA: number;
  /** g^2 (1 + pi Delta0)^(-1/2) at the pinned Delta0 (static stability, spec 02 §4.2). */
  margin: number;
  /** Chaotic: kappa = sqrt(-V''(Delta_inf)) (must be > 0 for an admissible plateau). */
  kappa: number;
  diagnostics: Diagnostics;
}

/**
 * Pinned-gain stationary state of one region (spec 02 §5.2, Fig. 4a): see the file header. `beff` > 0 is
 * max(a_a, b_a) (or |c01| for P = 2); beff <= 1 cannot pin a gain (currents die).
 */
export function pinnedGain(beff: number, g: number): PinnedGainResult {
  const where = 'pinnedGain';
  checkAbove(where, 'beff', beff, 0);
  checkNumber(where, 'g', g, 0);
  const t0 = now();
  const g2 = g * g;
  const dies = (reason: string, iterations: number): PinnedGainResult => {
    const c = chaosOnlyDelta0(g);
    return {
      regime: g > 1 ? 'chaos' : 'quiescent',
      beff,
      g,
      psi: NaN,
      delta0: c.delta0,
      deltaInf: 0,
      A: 0,
      sqrtA: 0,
      margin: staticStabilityMargin(g, c.delta0),
      kappa: NaN,
      diagnostics: { ...c.diagnostics, iterations: iterations + c.diagnostics.iterations, seconds: now() - t0, details: { reason } },
    };
  };
  if (beff <= 1) return dies(`beff = ${beff} <= 1: no gain can be pinned`, 0);
  const D0 = K * (beff * beff - 1);
  const margin = staticStabilityMargin(g, D0);
  if (margin <= 1) {
    const A = D0 - g2 * phiCorr(D0, D0);
    if (!(A > 0)) return dies(`static A = ${A} <= 0`, 0);
    return {
      regime: 'chaos-suppressed',
      beff,
      g,
      psi: 1 / beff,
      delta0: D0,
      deltaInf: D0,
      A,
      sqrtA: Math.sqrt(A),
      margin,
      kappa: NaN,
      diagnostics: { residual: 0, iterations: 0, converged: true, method: 'closed-form (static)', seconds: now() - t0 },
    };
  }
  const Aof = (Di: number): number => Di - g2 * phiCorr(D0, Di);
  const q = (Di: number): number => {
    const e = D0 - Di;
    return localEnergyGap(D0, Di, D0, Aof(Di), g, Di) / (e * e);
  };
  const q0 = q(0);
  if (!(q0 < 0)) return dies(`no chaotic state with currents: (V(Delta0) - V(0))/Delta0^2 = ${q0} >= 0 at A = 0`, 0);
  let f = 1e-5;
  while (!(q(D0 * (1 - f)) > 0) && f > 1e-13) f /= 10;
  const hi = D0 * (1 - f);
  if (!(q(hi) > 0)) {
    return {
      regime: 'chaos-with-structure',
      beff,
      g,
      psi: 1 / beff,
      delta0: D0,
      deltaInf: NaN,
      A: NaN,
      sqrtA: NaN,
      margin,
      kappa: NaN,
      diagnostics: { residual: NaN, iterations: 0, converged: false, method: 'brent (chaotic, pinned)', seconds: now() - t0, details: { message: `no sign change on [0, ${hi}]` } },
    };
  }
  const b = brent(q, 0, hi);
  const Di = b.x;
  const A = Aof(Di);
  if (!(A > 0)) return dies(`chaotic A = ${A} <= 0`, b.iterations);
  const k2 = -localEnergyCurvature(Di, D0, g);
  const residual = Math.abs(q(Di));
  return {
    regime: 'chaos-with-structure',
    beff,
    g,
    psi: 1 / beff,
    delta0: D0,
    deltaInf: Di,
    A,
    sqrtA: Math.sqrt(A),
    margin,
    kappa: Math.sqrt(Math.max(k2, 0)),
    diagnostics: {
      residual,
      iterations: b.iterations,
      converged: b.converged && residual <= 1e-11 && k2 > 0,
      method: 'brent on (V(Delta0) - V(Delta_inf))/(Delta0 - Delta_inf)^2, A eliminated',
      seconds: now() - t0,
      details: { bracketHi: hi },
    },
  };
}

export interface PairFixedPoint {
  /** (S^{01})^2 = (S^{10})^2 = A (U = I, self-currents inactive). */
  S01sq: number;
  /** Flat 2 x 2 current matrix with S^{01} = +sqrt(A) (the other sign is -S). */
  S: Float64Array;
  /** psi^0 = psi^1 = 1/|c01| while currents survive. */
  psi: number;
  pinned: PinnedGainResult;
}

/**
 * P = 2 symmetric fixed point with inactive self-currents (spec 02 §5.2) and equal disorder g in both regions:
 * g = 0 gives (S^{01})^2 = (2/pi)(c01^2 - 1); with disorder A of `pinnedGain(|c01|, g)`. S^{10} = sign(c01) S^{01}.
 * Self-currents are inactive when |c_aa| < |c01| (psi c_aa < 1); that is the caller's choice of c.
 */
export function pairFixedPoint(c01: number, g = 0): PairFixedPoint {
  checkNumber('pairFixedPoint', 'c01', c01);
  const pinned = pinnedGain(Math.abs(c01), g);
  const A = pinned.A;
  const s = Math.sqrt(Math.max(A, 0));
  return { S01sq: A, S: Float64Array.from([0, s, Math.sign(c01) * s, 0]), psi: pinned.psi, pinned };
}

export interface Fig4aCurve {
  b: number;
  g: number[];
  sqrtA: number[];
  regime: PinnedRegime[];
  /** Every point converged. */
  converged: boolean;
}

/** Fig. 4a: sqrt(A)(g) of a pinned region for each beff (default b in {1.5, 2, 2.5}, 161 g on [0, 4]). */
export function fig4aCurves(bs: number[] = [1.5, 2, 2.5], gs?: number[]): Fig4aCurve[] {
  const grid = gs ?? Array.from({ length: 161 }, (_, i) => i / 40);
  return bs.map((b) => {
    const pts = grid.map((g) => pinnedGain(b, g));
    return { b, g: grid.slice(), sqrtA: pts.map((r) => r.sqrtA), regime: pts.map((r) => r.regime), converged: pts.every((r) => r.diagnostics.converged) };
  });
}
