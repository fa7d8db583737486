/**
 * Stationary states of the multiregion DMFT with within-region disorder (spec 02 §4.1–4.3, App. A.4).
 *
 * At a current fixed point S*, region a has structured variance A^a = sum_{bc} U[a][b][c] S^{ab} S^{ac}
 * (+ <v^2> I^2 with a constant input) and its two-point function obeys Delta'' = -V'(Delta) with the local
 * energy V of toolbox.ts. Per region (h(D) = D - A - g^2 C(D0, D) = -V'(D)):
 *
 *   static   Delta0 = A + g^2 C(Delta0, Delta0)                       (chaos suppressed)
 *   chaotic  Delta_inf = A + g^2 C(Delta0, Delta_inf),  V(Delta0) = V(Delta_inf)
 *
 * and the currents satisfy S* = H(S*, psi(Delta0)). A region is static when the static solution is stable,
 * margin g^2 (1 + pi Delta0)^(-1/2) <= 1 (spec 02 §4.2); otherwise it is chaotic and the chaotic branch (which
 * branches off continuously at margin 1) is solved as follows (`solveRegion`):
 *
 *   * for given Delta0, Delta_inf is the smaller positive root D1 of the concave h (where V has a local maximum,
 *     h' > 0); h is maximal at D_pk = sqrt((pi Delta0 + 2)^2 - 4 g^4)/pi (closed form), so D1 is bracketed on
 *     [0, D_pk] (A = 0: D1 = 0);
 *   * Delta0 lies between Delta_lo (where max h = 0; A = 0: (2/pi)(g^2 - 1), where h'(0) = 0) and the static
 *     root Delta_s: a particle released at Delta0 must be pushed down (h(Delta0) < 0, so Delta0 < Delta_s) past
 *     the local minimum of V. The energy condition divided by (Delta0 - Delta_inf)^2,
 *     e(Delta0) = (V(Delta0) - V(Delta_inf)) / (Delta0 - Delta_inf)^2, is > 0 at Delta_lo and < 0 at Delta_s;
 *     brent finds its root. Energy gaps come from toolbox.ts `localEnergyGap` (no cancellation).
 *
 * Two routes for the full state (`solveStationary`):
 *   'nested' (default): Newton (roots.ts) on the P^2 current equations, the regions solved exactly inside every
 *            evaluation, so each region's regime is decided where it is evaluated;
 *   'full':   Newton on all unknowns S* (P^2), Delta0 (P), Delta_inf (chaotic regions) with the regimes of the
 *            start state held fixed, then a consistency check of the regimes.
 * Both report the max-norm residual of the full system (P^2 current equations + 2 per region), re-evaluated
 * after the solve.
 *
 * phi: every solver takes an optional `GaussianPhi` (types.ts), default the erf closed forms (toolbox.ts). For
 * other odd phi (gaussian-phi.ts) the closed-form pieces above are replaced by root finds on the same
 * quantities: D_pk by brent on dC/dD(Delta0, D) = 1/g^2 over [0, Delta0] (dC/dD = <phi' phi'> increases with D),
 * Delta_lo (A = 0) = gainInverse(1/g) (where h'(0) = 1 - g^2 psi^2 = 0), and the brackets of the static and
 * chaos-only roots are widened until they bracket (phi without a bound, e.g. linear). The chaos onset without
 * currents is g phi'(0) = 1.
 *
 * Cross-region disorder (spec 02 §2.6, params.G2 with non-zero off-diagonal entries) couples the regions'
 * two-point functions, so there is no single-region energy; these solvers refuse it (run the DMFT instead).
 */
import { brent, newton } from '../roots.js';
import { deltaByInversion, type PotentialGaps } from '../scs.js';
import type { Diagnostics } from '../types.js';
import { currentDrive, structuredVariance } from './currents.js';
import { erfGaussianPhi, localEnergyCurvature, localEnergyGap, localEnergySlope } from './toolbox.js';
import type { GaussianPhi, MultiregionParams } from './types.js';
import { checkCurrents, checkInput, checkNumber, checkParams, hasCrossDisorder, checkInteger, integerOption } from './validate-params.js';

const K = 2 / Math.PI;
const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now()) / 1000;

export type Regime = 'static' | 'chaotic';

/** Stability margin of a static solution, g^2 <phi'^2> (erf: g^2 (1 + pi Delta0)^(-1/2); spec 02 §4.2); stable iff < 1. */
export function staticStabilityMargin(g: number, delta0: number, phi: GaussianPhi = erfGaussianPhi): number {
  return g * g * phi.meanDphiSq(delta0);
}

/** h(D) = D - A - g^2 C(D0, D) = -V'(D): the force on the particle of Delta'' = -V'(Delta). */
function hForce(D: number, D0: number, A: number, g: number, phi: GaussianPhi): number {
  return -localEnergySlope(D, D0, A, g, phi);
}

/** Largest upper end tried when widening a bracket (phi without a bound; the quadrature grid grows like sqrt(D)). */
const BRACKET_MAX = 1e6;

export interface ScalarSolve {
  value: number;
  residual: number;
  iterations: number;
  converged: boolean;
}

/**
 * Static Delta0 = A + g^2 C(Delta0, Delta0) (spec 02 §4.1). For A > 0 the root is unique (the right side is
 * concave in Delta0) and bracketed on [A, A + g^2]; for A = 0 it is the non-trivial root for g > 1 (relative form
 * 1 - g^2 C(D, D)/D, the trivial root divided out) and 0 for g <= 1. Residual: |Delta0 - A - g^2 C|.
 */
export function staticDelta0(A: number, g: number, phi: GaussianPhi = erfGaussianPhi): ScalarSolve {
  checkNumber('staticDelta0', 'A', A, 0);
  checkNumber('staticDelta0', 'g', g, 0);
  const g2 = g * g;
  if (g2 === 0) return { value: A, residual: 0, iterations: 0, converged: true };
  const none: ScalarSolve = { value: NaN, residual: NaN, iterations: 0, converged: false };
  let b;
  if (A > 0) {
    const f = (D: number): number => D - A - g2 * phi.corr(D, D);
    let hi = A + g2;
    // phi without a bound (e.g. linear): widen until the root is bracketed (none: the variance diverges)
    while (!phi.closedForms && f(hi) < 0 && hi < BRACKET_MAX) hi *= 2;
    if (!phi.closedForms && !(f(hi) >= 0)) return none;
    b = brent(f, A, hi);
  } else {
    const gs = g * Math.abs(phi.slope0);
    if (gs <= 1) return { value: 0, residual: 0, iterations: 0, converged: true };
    const r = (D: number): number => 1 - (g2 * phi.corr(D, D)) / D;
    let lo = 1e-3 * Math.min(1, gs * gs - 1);
    for (let i = 0; i < 200 && r(lo) >= 0; i++) lo /= 16;
    let hi = g2;
    while (!phi.closedForms && r(hi) < 0 && hi < BRACKET_MAX) hi *= 2;
    if (!phi.closedForms && (!(r(hi) >= 0) || !(r(lo) < 0))) return none;
    b = brent(r, lo, hi);
  }
  const residual = Math.abs(b.x - A - g2 * phi.corr(b.x, b.x));
  return { value: b.x, residual, iterations: b.iterations, converged: b.converged };
}

/**
 * Chaos-only Delta0(g) (spec 02 §4.3): no currents (A = 0, Delta_inf = 0), V(Delta0) = V(0). Zero for g <= 1.
 * For g > 1, brent on e(D) = (V(D) - V(0))/D^2 over [(2/pi)(g^2 - 1), 2 g^2 + 1]: at the lower end h'(0) = 0 and
 * e > 0; above 2 g^2, V(D) - V(0) <= D (g^2 - D/2) < 0. Residual: |e(Delta0)| (relative energy mismatch).
 */
export function chaosOnlyDelta0(g: number, phi: GaussianPhi = erfGaussianPhi): { delta0: number; diagnostics: Diagnostics } {
  checkNumber('chaosOnlyDelta0', 'g', g, 0);
  const t0 = now();
  if (g * Math.abs(phi.slope0) <= 1) {
    return { delta0: 0, diagnostics: { residual: 0, iterations: 0, converged: true, method: "closed-form (g phi'(0) <= 1: Delta0 = 0)", seconds: now() - t0 } };
  }
  const e = (D: number): number => localEnergyGap(D, 0, D, 0, g, 0, phi) / (D * D);
  let lo = phi.closedForms ? K * (g * g - 1) : phi.gainInverse(1 / g);
  let hi = 2 * g * g + 1;
  if (!phi.closedForms) {
    // gain never reaches 1/g (phi without saturation, e.g. linear): no finite chaotic state
    const fail = (message: string) => ({
      delta0: NaN,
      diagnostics: { residual: NaN, iterations: 0, converged: false, method: 'brent on (V(D) - V(0))/D^2', seconds: now() - t0, details: { message } },
    });
    if (!(lo > 0)) return fail(`phi ${phi.name}: the gain never falls to 1/g = ${1 / g}: no finite chaotic state`);
    while (e(hi) > 0 && hi < BRACKET_MAX) hi *= 2;
    if (!(e(hi) < 0)) return fail(`phi ${phi.name}: the energy condition has no root below ${hi}`);
  }
  while (!(e(lo) > 0) && lo > 1e-300) lo /= 2; // rounding at g -> 1+ only
  const b = brent(e, lo, hi);
  const residual = Math.abs(e(b.x));
  return {
    delta0: b.x,
    diagnostics: {
      residual,
      iterations: b.iterations,
      converged: b.converged && residual <= 1e-12,
      method: 'brent on (V(D) - V(0))/D^2',
      seconds: now() - t0,
      details: { bracketLo: lo, bracketHi: hi },
    },
  };
}

/** One region's stationary state for given structured variance A and disorder g. */
export interface RegionSolution {
  regime: Regime;
  A: number;
  g: number;
  delta0: number;
  /** = delta0 for static regions. */
  deltaInf: number;
  /** Gain psi(delta0). */
  psi: number;
  /** g^2 (1 + pi delta0)^(-1/2) at the reported delta0 (spec 02 §4.2). */
  margin: number;
  /** Static root and its margin (> 1: the static solution is unstable and the region is chaotic). */
  staticDelta0: number;
  staticMargin: number;
  /**
   * Chaotic: decay rate of Delta(tau) - Delta_inf, kappa = sqrt(-V''(Delta_inf)) = sqrt(1 - g^2 dC/dD(Delta0,
   * Delta_inf)). Static: NaN.
   */
  kappa: number;
  /** Residuals of the region's two equations (static: the static equation and 0). */
  residuals: [number, number];
  diagnostics: Diagnostics;
}

/** Delta_inf for given Delta0 (the root of h where V has a local maximum), or null if there is none below Delta0. */
/**
 * Where h(D) = D - A - g^2 C(D0, D) is largest on [0, D0]: h' = 1 - g^2 dC/dD = 0 (dC/dD increases with D), D0
 * when h' > 0 throughout, null when h' <= 0 at D = 0 (dC/dD(D0, 0) = psi(D0)^2). erf: the closed form
 * sqrt((pi D0 + 2)^2 - 4 g^4) / pi.
 */
function peakOfH(D0: number, g: number, phi: GaussianPhi): number | null {
  if (phi.closedForms) {
    const q = (Math.PI * D0 + 2) ** 2 - 4 * g ** 4;
    if (!(q > 0)) return null;
    return Math.min(Math.sqrt(q) / Math.PI, D0);
  }
  const g2 = g * g;
  const s = (D: number): number => 1 - g2 * phi.corrSlope(D0, D);
  if (!(s(0) > 0)) return null;
  if (s(D0) >= 0) return D0;
  return brent(s, 0, D0).x;
}

/** Delta_inf for given Delta0 (the root of h where V has a local maximum), or null if there is none below Delta0. */
function deltaInfAt(D0: number, A: number, g: number, phi: GaussianPhi): number | null {
  if (A === 0) {
    if (phi.closedForms) return 1 - g * g * (2 / (Math.PI * D0 + 2)) >= 0 ? 0 : null;
    const psi = phi.gain(D0);
    return 1 - g * g * psi * psi >= 0 ? 0 : null;
  }
  const Dpk = peakOfH(D0, g, phi);
  if (Dpk === null) return null;
  if (!(hForce(Dpk, D0, A, g, phi) >= 0)) return null;
  const D1 = brent((D) => hForce(D, D0, A, g, phi), 0, Dpk).x;
  return D1 < D0 ? D1 : null;
}

/** Energy condition divided by the double root: (V(D0) - V(Dinf)) / (D0 - Dinf)^2. */
function energyScaled(D0: number, Dinf: number, A: number, g: number, phi: GaussianPhi): number {
  const eps = D0 - Dinf;
  return localEnergyGap(D0, Dinf, D0, A, g, Dinf, phi) / (eps * eps);
}

/** A region solve that failed: NaN values, converged false and the message. */
function regionFailure(
  base: Pick<RegionSolution, 'A' | 'g' | 'staticDelta0' | 'staticMargin'>,
  regime: Regime,
  iterations: number,
  t0: number,
  method: string,
  message: string,
): RegionSolution {
  return {
    ...base,
    regime,
    delta0: NaN,
    deltaInf: NaN,
    psi: NaN,
    margin: NaN,
    kappa: NaN,
    residuals: [NaN, NaN],
    diagnostics: { residual: NaN, iterations, converged: false, method, seconds: now() - t0, details: { message } },
  };
}

export interface RegionOptions {
  /** Accept a region solve when its residuals are <= tol (default 1e-11). */
  tol?: number;
  /** Gaussian integrals of phi (default: the erf closed forms). */
  phi?: GaussianPhi;
}

/**
 * Stationary state of one region for structured variance A >= 0 and within-region disorder g >= 0
 * (spec 02 §4.1–4.2; see the file header for the method). Never silent: `diagnostics.converged` is false
 * (with a message) when a bracket or a root finder fails.
 */
export function solveRegion(A: number, g: number, opts: RegionOptions = {}): RegionSolution {
  checkNumber('solveRegion', 'A', A, 0);
  checkNumber('solveRegion', 'g', g, 0);
  const tol = opts.tol ?? 1e-11;
  const phi = opts.phi ?? erfGaussianPhi;
  const t0 = now();
  const st = staticDelta0(A, g, phi);
  const Ds = st.value;
  const sm = staticStabilityMargin(g, Ds, phi);
  const base = { A, g, staticDelta0: Ds, staticMargin: sm };
  if (!st.converged && !phi.closedForms) {
    return regionFailure(base, 'static', 0, t0, 'brent (static)', `phi ${phi.name}: no static root (the variance diverges: g = ${g}, A = ${A})`);
  }
  if ((phi.closedForms && g <= 1) || sm <= 1) {
    return {
      ...base,
      regime: 'static',
      delta0: Ds,
      deltaInf: Ds,
      psi: phi.gain(Ds),
      margin: sm,
      kappa: NaN,
      residuals: [st.residual, 0],
      diagnostics: {
        residual: st.residual,
        iterations: st.iterations,
        converged: st.converged && st.residual <= tol * Math.max(1, Ds),
        method: g === 0 ? 'closed-form (g = 0)' : 'brent (static)',
        seconds: now() - t0,
      },
    };
  }
  // chaotic: bracket Delta0 in (Delta_lo, Delta_s)
  let iterations = st.iterations;
  const loBase = phi.closedForms ? K * (g * g - 1) : phi.gainInverse(1 / g);
  if (!(loBase >= 0)) {
    return regionFailure(base, 'chaotic', iterations, t0, 'brent (chaotic)', `phi ${phi.name}: the gain never falls to 1/g = ${1 / g}: no finite chaotic state`);
  }
  let lo = loBase;
  if (A > 0) {
    const m = (D0: number): number => {
      if (phi.closedForms) {
        const q = (Math.PI * D0 + 2) ** 2 - 4 * g ** 4;
        const Dpk = q > 0 ? Math.sqrt(q) / Math.PI : 0;
        return hForce(Dpk, D0, A, g, phi);
      }
      return hForce(peakOfH(D0, g, phi) ?? 0, D0, A, g, phi);
    };
    const bl = brent(m, loBase, Ds);
    iterations += bl.iterations;
    lo = bl.x;
  }
  const e = (D0: number): number => {
    const Di = deltaInfAt(D0, A, g, phi);
    if (Di === null) return NaN;
    return energyScaled(D0, Di, A, g, phi);
  };
  // move the lower end up until Delta_inf exists there and e > 0 (at most half way to Delta_s)
  let a = lo;
  let ea = e(a);
  for (let step = 1e-12 * (1 + lo); !(ea > 0) && a < lo + 0.5 * (Ds - lo); step *= 8) {
    a = lo + step;
    ea = e(a);
  }
  const eb = e(Ds);
  const fail = (message: string): RegionSolution => regionFailure(base, 'chaotic', iterations, t0, 'brent (chaotic)', message);
  if (!(ea > 0) || !(eb < 0)) {
    return fail(`no sign change of the energy condition on [${a}, ${Ds}] (e = ${ea}, ${eb}); static margin ${sm}`);
  }
  const br = brent(e, a, Ds);
  iterations += br.iterations;
  const D0 = br.x;
  const Di = deltaInfAt(D0, A, g, phi);
  if (Di === null) return fail(`Delta_inf lost at Delta0 = ${D0}`);
  const r1 = Math.abs(hForce(Di, D0, A, g, phi));
  const r2 = Math.abs(energyScaled(D0, Di, A, g, phi));
  const residual = Math.max(r1, r2);
  const k2 = -localEnergyCurvature(Di, D0, g, phi);
  return {
    ...base,
    regime: 'chaotic',
    delta0: D0,
    deltaInf: Di,
    psi: phi.gain(D0),
    margin: staticStabilityMargin(g, D0, phi),
    kappa: Math.sqrt(Math.max(k2, 0)),
    residuals: [r1, r2],
    diagnostics: {
      residual,
      iterations,
      converged: br.converged && residual <= tol * Math.max(1, D0) && k2 > 0,
      method: 'brent (chaotic: Delta_inf by brent on [0, D_pk], Delta0 by brent on the scaled energy condition)',
      seconds: now() - t0,
      details: { bracketLo: a, bracketHi: Ds },
    },
  };
}

// ------------------------------------------------------------------------------------------------------------
// Full stationary state

/** Residuals of the full stationary system at (S, Delta0, Delta_inf) with given regimes. */
export interface StationaryResiduals {
  /** H^{ab}(S, psi(Delta0)) - S^{ab}, length P^2. */
  currents: Float64Array;
  /**
   * Per region: static [Delta0 - A - g^2 C(Delta0, Delta0), Delta_inf - Delta0]; chaotic
   * [Delta_inf - A - g^2 C(Delta0, Delta_inf), (V(Delta0) - V(Delta_inf))/(Delta0 - Delta_inf)^2].
   */
  regions: [number, number][];
  /** Max-norm over everything. */
  max: number;
}

/** Residuals of the stationary equations (spec 02 §4.1); within-region disorder only. */
export function stationaryResiduals(
  p: MultiregionParams,
  S: ArrayLike<number>,
  delta0: ArrayLike<number>,
  deltaInf: ArrayLike<number>,
  regimes: readonly Regime[],
  input?: ArrayLike<number>,
  phi: GaussianPhi = erfGaussianPhi,
): StationaryResiduals {
  const P = p.P;
  const A = structuredVariance(p, S, input);
  const psi = new Float64Array(P);
  for (let a = 0; a < P; a++) psi[a] = phi.gain(Math.max(delta0[a], 0));
  const H = currentDrive(p, S, psi, input);
  const currents = new Float64Array(P * P);
  let max = 0;
  for (let i = 0; i < P * P; i++) {
    currents[i] = H[i] - S[i];
    max = Math.max(max, Math.abs(currents[i]));
  }
  const regions: [number, number][] = [];
  for (let a = 0; a < P; a++) {
    const g = p.g[a];
    const D0 = delta0[a];
    const Di = deltaInf[a];
    const Aa = Math.max(A[a], 0);
    let r: [number, number];
    if (regimes[a] === 'static') r = [D0 - Aa - g * g * phi.corr(D0, D0), Di - D0];
    else r = [Di - Aa - g * g * phi.corr(D0, Di), energyScaled(D0, Di, Aa, g, phi)];
    regions.push(r);
    max = Math.max(max, Math.abs(r[0]), Math.abs(r[1]));
  }
  return { currents, regions, max };
}

export interface StationaryOptions {
  /** 'nested' (default) or 'full' (see the file header). */
  method?: 'nested' | 'full';
  /** Converged when the full residual is <= tol (default 1e-10). */
  tol?: number;
  /** Newton iterations (default 50). */
  maxIter?: number;
  /** Constant filtered input per region (spec 02 §7), default none. */
  input?: ArrayLike<number>;
  /** 'full' only: regimes to hold (default: those of the region solves at the start). */
  regimes?: Regime[];
  /** Solutions closer than this (max-norm on S, up to S -> -S) are merged (default 1e-8). */
  dedupTol?: number;
  /**
   * Continuation in the disorder (default 1: none): solve with g scaled by 1/n, 2/n, ..., 1 in turn, each
   * solution starting the next. Use it from a disorder-free fixed point, which can lie outside Newton's basin of
   * the state with disorder.
   */
  continuation?: number;
  /** Gaussian integrals of phi (default: the erf closed forms; gaussian-phi.ts for other odd phi). */
  phi?: GaussianPhi;
}

export interface StationarySolution {
  S: Float64Array;
  psi: Float64Array;
  regions: RegionSolution[];
  /** Max-norm residual of the full system, re-evaluated at the end. */
  residual: number;
  residuals: StationaryResiduals;
  iterations: number;
  /** residual <= tol, every region solve converged and the regimes are consistent. */
  converged: boolean;
  /** 'full' route: whether each region's regime agrees with its margin (static <= 1) and chaotic admissibility. */
  consistent: boolean;
  message?: string;
  /** Index of the first start that reached it, and how many did (either sign). */
  start: number;
  hits: number;
}

export interface StationaryResult {
  solutions: StationarySolution[];
  diagnostics: Diagnostics;
  settings: { method: 'nested' | 'full'; tol: number; maxIter: number; dedupTol: number; regionTol: number; fdStep: number; continuation: number };
}

function regionsAt(p: MultiregionParams, S: ArrayLike<number>, input: ArrayLike<number> | undefined, regionTol: number, phi: GaussianPhi): RegionSolution[] {
  const A = structuredVariance(p, S, input);
  const out: RegionSolution[] = [];
  for (let a = 0; a < p.P; a++) out.push(solveRegion(Math.max(A[a], 0), p.g[a], { tol: regionTol, phi }));
  return out;
}

/** Whether a (Delta0, Delta_inf) pair is an admissible chaotic state: Delta_inf < Delta0, h(Delta0) < 0, V''(Delta_inf) < 0. */
function chaoticAdmissible(D0: number, Di: number, A: number, g: number, phi: GaussianPhi): boolean {
  return Di < D0 && hForce(D0, D0, A, g, phi) < 0 && localEnergyCurvature(Di, D0, g, phi) < 0;
}

/** One Newton solve of the full system (S, Delta0, Delta_inf of chaotic regions) with regimes held fixed. */
function fullSolve(
  p: MultiregionParams,
  s0: ArrayLike<number>,
  given: Regime[] | undefined,
  input: ArrayLike<number> | undefined,
  o: { tol: number; maxIter: number; fdStep: number; regionTol: number },
  phi: GaussianPhi,
): { S: Float64Array; regions: RegionSolution[]; regimes: Regime[]; iterations: number; message?: string; consistent: boolean } {
  const P = p.P;
  const n = P * P;
  const reg0 = regionsAt(p, s0, input, o.regionTol, phi);
  const regimes = given ? given.slice() : reg0.map((r) => r.regime);
  const chaoticIdx = regimes.map((r, a) => (r === 'chaotic' ? a : -1)).filter((a) => a >= 0);
  const unpack = (y: number[]): { S: number[]; D0: number[]; Di: number[] } => {
    const S = y.slice(0, n);
    const D0 = y.slice(n, n + P);
    const Di = D0.slice();
    chaoticIdx.forEach((a, j) => (Di[a] = y[n + P + j]));
    return { S, D0, Di };
  };
  const F = (y: number[]): number[] => {
    const u = unpack(y);
    for (let a = 0; a < P; a++) {
      if (!(u.D0[a] >= 0)) throw new RangeError(`Delta0[${a}] = ${u.D0[a]} < 0`);
      if (regimes[a] === 'chaotic' && !(u.Di[a] < u.D0[a])) throw new RangeError(`Delta_inf[${a}] >= Delta0[${a}]`);
    }
    const r = stationaryResiduals(p, u.S, u.D0, u.Di, regimes, input, phi);
    const out = Array.from(r.currents);
    for (let a = 0; a < P; a++) out.push(r.regions[a][0]);
    for (const a of chaoticIdx) out.push(r.regions[a][1]);
    return out;
  };
  // a region held chaotic whose region solve is static here starts from a guess below Delta0
  const guessInf = (a: number): number => (reg0[a].regime === 'chaotic' ? reg0[a].deltaInf : 0.5 * reg0[a].delta0);
  const y0 = [...Array.from(s0), ...reg0.map((r) => r.delta0), ...chaoticIdx.map(guessInf)];
  if (!y0.every(Number.isFinite)) {
    return { S: Float64Array.from(s0), regions: reg0, regimes, iterations: 0, message: 'region solves failed at the start state', consistent: false };
  }
  const nr = newton(F, y0, { tol: Math.min(o.tol, 1e-13), maxIter: o.maxIter, fdStep: o.fdStep });
  const u = unpack(nr.y);
  const S = Float64Array.from(u.S);
  const A = structuredVariance(p, S, input);
  const regions = regimes.map((rg, a): RegionSolution => {
    const g = p.g[a];
    const Aa = Math.max(A[a], 0);
    const D0 = u.D0[a];
    const Di = u.Di[a];
    const k2 = rg === 'chaotic' ? -localEnergyCurvature(Di, D0, g, phi) : NaN;
    const st = staticDelta0(Aa, g, phi);
    return {
      regime: rg,
      A: Aa,
      g,
      delta0: D0,
      deltaInf: Di,
      psi: phi.gain(Math.max(D0, 0)),
      margin: staticStabilityMargin(g, Math.max(D0, 0), phi),
      staticDelta0: st.value,
      staticMargin: staticStabilityMargin(g, st.value, phi),
      kappa: rg === 'chaotic' ? Math.sqrt(Math.max(k2, 0)) : NaN,
      residuals: [NaN, NaN],
      diagnostics: { residual: nr.residual, iterations: nr.iterations, converged: nr.converged, method: 'newton (full system)' },
    };
  });
  const bad: string[] = [];
  regions.forEach((r, a) => {
    if (r.regime === 'static' && r.margin > 1 + 1e-9) bad.push(`region ${a}: static with margin ${r.margin} > 1`);
    if (r.regime === 'chaotic' && !chaoticAdmissible(r.delta0, r.deltaInf, r.A, r.g, phi)) bad.push(`region ${a}: chaotic state not admissible`);
  });
  const message = [nr.converged ? undefined : nr.message, ...bad].filter(Boolean).join('; ') || undefined;
  return { S, regions, regimes, iterations: nr.iterations, message, consistent: bad.length === 0 };
}

/**
 * Stationary states with disorder from one or several start points S (spec 02 §4.1): Newton from each start
 * (e.g. the end state of a DMFT run, or a disorder-free fixed point from currents.ts), solutions deduplicated up
 * to S -> -S. Every solution carries its residuals, iterations and a converged flag; a start that does not
 * converge still appears (converged false, with a message).
 */
export function solveStationary(p: MultiregionParams, starts: ArrayLike<number> | ArrayLike<number>[], opts: StationaryOptions = {}): StationaryResult {
  const where = 'solveStationary';
  const t0 = now();
  checkParams(p, where);
  if (hasCrossDisorder(p)) {
    throw new RangeError(
      `${where}: params.G2 has non-zero cross-region entries; valid: null or diagonal only. Cross-region disorder couples the ` +
        "regions' two-point functions (no single-region energy, spec 02 §2.6): run the non-stationary DMFT instead.",
    );
  }
  const P = p.P;
  const n = P * P;
  const list: ArrayLike<number>[] = typeof (starts as ArrayLike<number>)[0] === 'number' ? [starts as ArrayLike<number>] : (starts as ArrayLike<number>[]);
  if (list.length === 0) throw new RangeError(`${where}: starts is empty; valid: one S (length ${n}) or a list of them`);
  list.forEach((s, i) => checkCurrents(where, `starts[${i}]`, s, P));
  checkInput(where, opts.input, P);
  const method = opts.method ?? 'nested';
  if (method !== 'nested' && method !== 'full') throw new RangeError(`${where}: method = ${String(method)} is out of range; valid: 'nested' | 'full'`);
  const tol = opts.tol ?? 1e-10;
  checkNumber(where, 'tol', tol, 0);
  const maxIter = opts.maxIter ?? 50;
  checkInteger(where, 'maxIter', maxIter, 1, 10000);
  const dedupTol = opts.dedupTol ?? 1e-8;
  checkNumber(where, 'dedupTol', dedupTol, 0);
  if (opts.regimes) {
    if (opts.regimes.length !== P) throw new RangeError(`${where}: regimes has length ${opts.regimes.length}; valid: ${P}`);
    opts.regimes.forEach((r, i) => {
      if (r !== 'static' && r !== 'chaotic') throw new RangeError(`${where}: regimes[${i}] = ${String(r)} is out of range; valid: 'static' | 'chaotic'`);
    });
  }
  const continuation = integerOption(where, 'continuation', opts.continuation, 1, 1, 10000);
  const phi = opts.phi ?? erfGaussianPhi;
  const regionTol = 1e-11;
  const fdStep = 1e-6;
  const input = opts.input;
  const solutions: StationarySolution[] = [];
  let totalIter = 0;

  list.forEach((sStart, k) => {
    let s0: ArrayLike<number> = sStart;
    let iterations = 0;
    let message: string | undefined;
    for (let j = 1; j < continuation; j++) {
      const f = j / continuation;
      const pj = { ...p, g: p.g.map((v) => v * f), G2: p.G2 ? p.G2.map((v) => v * f * f) : null };
      const r = solveStationary(pj, s0, { ...opts, continuation: 1 }).solutions[0];
      iterations += r.iterations;
      if (!r.converged) {
        message = `continuation step ${j}/${continuation} (g scaled by ${f}) did not converge: ${r.message}`;
        break;
      }
      s0 = r.S;
    }
    let S: Float64Array = Float64Array.from(s0);
    let regimes: Regime[] = [];
    let regions: RegionSolution[] = [];
    let consistent = true;
    if (method === 'nested') {
      const F = (y: number[]): number[] => {
        const reg = regionsAt(p, y, input, regionTol, phi);
        const psi = new Float64Array(P);
        for (let a = 0; a < P; a++) {
          if (!reg[a].diagnostics.converged) throw new Error(`region ${a}: ${reg[a].diagnostics.details?.message ?? 'region solve failed'}`);
          psi[a] = reg[a].psi;
        }
        const H = currentDrive(p, y, psi, input);
        return Array.from(H, (h, i) => h - y[i]);
      };
      const nr = newton(F, Array.from(s0), { tol: Math.min(tol, 1e-13), maxIter, fdStep });
      S = Float64Array.from(nr.y);
      iterations += nr.iterations;
      message = nr.converged ? message : [message, nr.message].filter(Boolean).join('; ');
      regions = regionsAt(p, S, input, regionTol, phi);
      regimes = regions.map((r) => r.regime);
    } else {
      // regimes from the region solves at the start (or given); when the converged state contradicts them
      // (e.g. a static solution with margin > 1), restart from it with the regimes found there (<= 4 rounds)
      let start: ArrayLike<number> = s0;
      let held = opts.regimes;
      for (let round = 0; round < 4; round++) {
        const f = fullSolve(p, start, held, input, { tol, maxIter, fdStep, regionTol }, phi);
        S = f.S;
        regions = f.regions;
        regimes = f.regimes;
        iterations += f.iterations;
        message = f.message ?? message;
        consistent = f.consistent;
        if (consistent || opts.regimes) break;
        start = f.S;
        held = undefined;
      }
    }
    totalIter += iterations;
    const D0 = regions.map((r) => r.delta0);
    const Di = regions.map((r) => r.deltaInf);
    const res = stationaryResiduals(p, S, D0, Di, regimes, input, phi);
    regions.forEach((r, a) => (r.residuals = res.regions[a]));
    const psi = Float64Array.from(regions.map((r) => r.psi));
    const regionsOk = method === 'full' || regions.every((r) => r.diagnostics.converged);
    const converged = Number.isFinite(res.max) && res.max <= tol && regionsOk && consistent;
    const same = solutions.find((sol) => {
      let dm = 0;
      let dp = 0;
      for (let i = 0; i < n; i++) {
        dm = Math.max(dm, Math.abs(sol.S[i] - S[i]));
        dp = Math.max(dp, Math.abs(sol.S[i] + S[i]));
      }
      return sol.converged === converged && Math.min(dm, dp) <= dedupTol;
    });
    if (same) {
      same.hits++;
      return;
    }
    solutions.push({
      S,
      psi,
      regions,
      residual: res.max,
      residuals: res,
      iterations,
      converged,
      consistent,
      message: converged ? undefined : (message ?? `residual ${res.max.toExponential(2)} > tol ${tol}`),
      start: k,
      hits: 1,
    });
  });
  const worst = solutions.reduce((m, s) => Math.max(m, s.residual), 0);
  return {
    solutions,
    diagnostics: {
      residual: worst,
      iterations: totalIter,
      converged: solutions.every((s) => s.converged),
      method: method === 'nested' ? 'newton (roots.ts) on S with exact region solves' : 'newton (roots.ts) on S, Delta0, Delta_inf',
      seconds: now() - t0,
      details: { starts: list.length, distinct: solutions.length },
    },
    settings: { method, tol, maxIter, dedupTol, regionTol, fdStep, continuation },
  };
}

// ------------------------------------------------------------------------------------------------------------
// Stationary Delta(tau) (Fig. 4b)

/** The four numbers that fix a region's stationary two-point function. */
export interface RegionState {
  A: number;
  g: number;
  delta0: number;
  deltaInf: number;
}

/**
 * PotentialGaps (scs.ts) of a region's local energy: upper(s2) = (V(D0) - V(D0 - s2))/s2,
 * lower(e) = (V(Dinf) - V(Dinf + e))/e^2, both from `localEnergyGap` (no cancellation), with their limits
 * V'(D0) and kappa^2/2 at 0.
 */
export function regionPotentialGaps(r: RegionState, phi: GaussianPhi = erfGaussianPhi): PotentialGaps {
  const { A, g, delta0: D0, deltaInf: Dinf } = r;
  return {
    D0,
    Dinf,
    upper: (s2: number): number => (s2 === 0 ? localEnergySlope(D0, D0, A, g, phi) : localEnergyGap(D0, D0 - s2, D0, A, g, undefined, phi) / s2),
    lower: (e: number): number =>
      e === 0 ? -0.5 * localEnergyCurvature(Dinf, D0, g, phi) : -localEnergyGap(Dinf + e, Dinf, D0, A, g, Dinf, phi) / (e * e),
  };
}

export interface AutocovarianceOptions {
  /** 'energy' (default): quadrature tau(Delta) = int dDelta / sqrt(2 (V(Delta0) - V(Delta))) and inversion
   * (scs.ts deltaByInversion); 'rk4': classical RK4 on Delta'' = -V'(Delta) from (Delta0, 0). */
  method?: 'energy' | 'rk4';
  /** RK4 step (default 1e-3; the grid spacing is divided into equal steps no longer than this). */
  dt?: number;
  /** Gaussian integrals of phi (default: the erf closed forms). */
  phi?: GaussianPhi;
}

export interface AutocovarianceResult {
  tau: number[];
  delta: number[];
  delta0: number;
  deltaInf: number;
  /** Decay rate of Delta - Delta_inf at long lags (NaN for static regions). */
  kappa: number;
  /** First grid lag where (Delta - Delta_inf) <= 1e-6 (Delta0 - Delta_inf) (null if none; 0 for static regions). */
  plateauTau: number | null;
  diagnostics: Diagnostics;
}

/**
 * Stationary Delta(tau) of one region (spec 02 §4.1, Fig. 4b): constant for a static region; for a chaotic one
 * the particle released at rest at Delta0 rolls to the plateau Delta_inf, reached like exp(-kappa tau).
 * 'rk4' integrates the second-order equation directly. It follows a separatrix, so rounding and truncation
 * errors grow like exp(kappa tau) near the plateau: trust it while Delta - Delta_inf is well above that error
 * (the diagnostics give the largest energy drift and the lag where the trajectory turned back or crossed
 * Delta_inf, if it did). 'energy' has no such instability.
 */
export function stationaryAutocovariance(r: RegionState, taus: number[], opts: AutocovarianceOptions = {}): AutocovarianceResult {
  const where = 'stationaryAutocovariance';
  checkNumber(where, 'A', r.A, 0);
  checkNumber(where, 'g', r.g, 0);
  checkNumber(where, 'delta0', r.delta0, 0);
  checkNumber(where, 'deltaInf', r.deltaInf, -r.delta0, r.delta0);
  taus.forEach((t, i) => {
    checkNumber(where, `taus[${i}]`, t, 0);
    if (i > 0 && !(t >= taus[i - 1])) throw new RangeError(`${where}: taus[${i}] = ${t} is out of range; valid: ascending (>= ${taus[i - 1]})`);
  });
  const method = opts.method ?? 'energy';
  if (method !== 'energy' && method !== 'rk4') throw new RangeError(`${where}: method = ${String(method)} is out of range; valid: 'energy' | 'rk4'`);
  const t0 = now();
  const { A, g, delta0: D0, deltaInf: Dinf } = r;
  const span = D0 - Dinf;
  if (span === 0) {
    return {
      tau: taus.slice(),
      delta: taus.map(() => D0),
      delta0: D0,
      deltaInf: Dinf,
      kappa: NaN,
      plateauTau: taus.length ? taus[0] : null,
      diagnostics: { residual: 0, iterations: 0, converged: true, method: 'static (constant)', seconds: now() - t0 },
    };
  }
  const phi = opts.phi ?? erfGaussianPhi;
  const kappa = Math.sqrt(Math.max(-localEnergyCurvature(Dinf, D0, g, phi), 0));
  let delta: number[];
  let diagnostics: Diagnostics;
  if (method === 'energy') {
    const res = deltaByInversion(regionPotentialGaps(r, phi), taus);
    delta = res.delta;
    diagnostics = res.diagnostics;
    diagnostics.method = 'energy quadrature + inversion (scs.ts deltaByInversion)';
  } else {
    const dtMax = opts.dt ?? 1e-3;
    checkNumber(where, 'dt', dtMax, 1e-7, 0.1);
    const acc = (D: number): number => hForce(D, D0, A, g, phi);
    let D = D0;
    let v = 0;
    let tau = 0;
    let steps = 0;
    let drift = 0;
    let departure: number | null = null;
    delta = [];
    for (const target of taus) {
      const dT = target - tau;
      const m = Math.max(0, Math.ceil(dT / dtMax - 1e-9));
      const h = m > 0 ? dT / m : 0;
      for (let k = 0; k < m; k++) {
        const k1x = v;
        const k1v = acc(D);
        const k2x = v + 0.5 * h * k1v;
        const k2v = acc(D + 0.5 * h * k1x);
        const k3x = v + 0.5 * h * k2v;
        const k3v = acc(D + 0.5 * h * k2x);
        const k4x = v + h * k3v;
        const k4v = acc(D + h * k3x);
        D += (h / 6) * (k1x + 2 * k2x + 2 * k3x + k4x);
        v += (h / 6) * (k1v + 2 * k2v + 2 * k3v + k4v);
        steps++;
        if (departure === null && (v > 0 || D < Dinf)) departure = tau + (k + 1) * h;
      }
      tau = target;
      delta.push(D);
      if (departure === null) drift = Math.max(drift, Math.abs(0.5 * v * v + localEnergyGap(D, D0, D0, A, g, undefined, phi)));
    }
    diagnostics = {
      residual: drift,
      iterations: steps,
      converged: delta.every(Number.isFinite),
      method: 'rk4 on Delta\'\' = -V\'(Delta)',
      seconds: now() - t0,
      details: { dtMax, energyDrift: drift, departureTau: departure ?? -1 },
    };
  }
  const idx = delta.findIndex((d) => d - Dinf <= 1e-6 * span);
  return { tau: taus.slice(), delta, delta0: D0, deltaInf: Dinf, kappa, plateauTau: idx >= 0 ? taus[idx] : null, diagnostics };
}

/**
 * Leading-order gap Delta0 - Delta_inf of a chaotic state near its onset (spec 02 §4.2): with V'(Delta_inf) = 0,
 * V(Delta0) = V(Delta_inf) expanded to third order gives
 * epsilon = (3/2)(g^2 <phi'^2>(Delta0) - 1) / (g^2 d2C/dD2(Delta0, Delta0)) + O(epsilon^2).
 */
export function branchOnsetEpsilon(g: number, delta0: number, phi: GaussianPhi = erfGaussianPhi): number {
  return (1.5 * (staticStabilityMargin(g, delta0, phi) - 1)) / (g * g * phi.corrCurvature(delta0, delta0));
}
