/**
 * SCS theory of the i.i.d. random network dx/dt = -x + g chi phi(x) (spec 01 §3): trivial, static and chaotic
 * solutions, the chaotic autocovariance Delta(tau) and its decay rate.
 *
 * Routes (each result says which one produced it; docs/NUMERICS.md "SCS" lists grids and measured errors):
 * * static Delta0 = g^2 [phi^2](0, Delta0): brent on r(D) = 1 - g^2 [phi^2]/D (relative form, so the trivial
 *   root D = 0 is divided out).
 * * chaotic Delta0 (route A, `scsChaotic`): brent on the energy condition divided by D^2,
 *   E(D) = 1/2 - g^2 ([Phi^2] - [Phi]^2)/D^2, with the explicit asin form for erf when closed forms apply.
 * * chaotic Delta0 (route B, `scsChaoticMehler`, independent): V(D0) - V(0) = int_0^D0 V'(c) dc with
 *   C_phi(c) = sum b_k^2 (c/D0)^k gives D0/2 = g^2 sum_k b_k^2/(k+1), b_k the Mehler coefficients of phi
 *   (not Phi) computed by Hermite projection. No primitive and no two-point quadrature is involved.
 * * Delta(tau) (route A, `scsAutocovariance`): tau(D) = int_D^D0 dD'/sqrt(2 (V(D0) - V(D'))) with the
 *   substitutions of spec 01 §3.3, inverted by safeguarded Newton (dtau/dD is known exactly). V comes from the
 *   Mehler series of Phi (exact asin series for erf), written so that no difference of nearly equal potentials
 *   is ever formed (see `PotentialGaps`).
 * * Delta(tau) (route B, `scsAutocovarianceODE`): classical RK4 on the stable first-order ODE
 *   ds/dtau = sqrt(2 (V(D0) - V(D0 - s^2)))/(2 s), s = sqrt(Delta0 - Delta).
 */
import type { RandomModel, TheorySettings } from '../spec/types.js';
import { getPhi, type PhiDef } from '../phi.js';
import { makeAverager, mehlerSeries, erfMehlerSeries, type Averager, type MehlerSeries } from './gauss.js';
import { brent, type Diagnostics } from './roots.js';
import { legendreRule } from './quad.js';

export interface ScsSolution {
  type: 'trivial' | 'static' | 'chaotic';
  branch: 'central';
  /** No structured part in the i.i.d. model. */
  kappa: number[];
  mu: number;
  delta0: number;
  deltaInf: number;
  /** Linear stability of a fixed point; true for the chaotic state (the attractor for g > 1). */
  stable: boolean | null;
  /** Fixed points: bulk radius of J diag(phi'(x*)), g |phi'(0)| (trivial) or g sqrt([phi'^2](0, Delta0))
   * (static); an i.i.d. network has no outliers. Same shape as the low-rank solutions' `stability`. */
  stability?: { bulkRadius: number; outliers: { re: number; im: number }[]; stable: boolean };
  /** Chaotic state: asymptotic decay rate of Delta(tau), lambda = sqrt(1 - g^2 [phi']^2(0, Delta0)). */
  lambda?: number;
  /** Chaotic state: tau grid (linspace(0, tauMax, tauPoints)) and Delta(tau) on it. */
  tau?: number[];
  delta?: number[];
  deltaDiagnostics?: Diagnostics;
  diagnostics: Diagnostics;
}

export interface RandomTheoryResult {
  kind: 'random';
  g: number;
  phi: string;
  settings: TheorySettings;
  solutions: ScsSolution[];
  /** Same place and names as the low-rank result's diagnostics. */
  diagnostics: {
    /** Wall time of the whole solve. */
    seconds: number;
    /** Number of averager calls. */
    averagerEvaluations: number;
    /** Warnings and remarks (e.g. unbounded phi, marginal g = 1). */
    notes: string[];
  };
}

export interface SolveRandomOptions {
  /** Averager to use (e.g. the Wasm one); default: the TypeScript reference with theory.quadrature. */
  averager?: Averager;
  /** Compute Delta(tau) for the chaotic state (default: when theory.tauPoints > 0). */
  delta?: boolean;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now()) / 1000;

function requireOdd(phi: PhiDef, what: string): void {
  if (!phi.odd) {
    throw new Error(
      `${what}: phi "${phi.name}" is not odd; the SCS solutions of spec 01 §3 assume an odd phi (mean 0, Delta_inf = 0). ` +
        'For other phi use the low-rank solver with zero structure (Delta_inf > 0).',
    );
  }
}

/** Lower end of a bracket on which r(D) < 0 near the trivial root (r ~ (1 - g^2) + O(D)). */
function lowerBracket(r: (D: number) => number, g: number): number {
  let lo = 1e-3 * Math.min(1, g * g - 1);
  for (let i = 0; i < 200 && lo > 1e-290; i++) {
    if (r(lo) < 0) return lo;
    lo /= 16;
  }
  throw new Error(`SCS: could not bracket the nonzero root near D = 0 at g = ${g} (g too close to 1?)`);
}

/** Upper end of a bracket with r(hi) > 0, starting at `start` and doubling a few times. */
function upperBracket(r: (D: number) => number, start: number, what: string): number {
  let hi = start;
  for (let i = 0; i < 30; i++) {
    if (r(hi) > 0) return hi;
    hi *= 2;
  }
  throw new Error(`${what}: no sign change up to D = ${hi} (unbounded phi?)`);
}

// ------------------------------------------------------------------------------------------------------------
// Static heterogeneous solution

export interface Delta0Result {
  delta0: number;
  diagnostics: Diagnostics;
}

/** Static Delta0 = g^2 [phi^2](0, Delta0), g > 1 (spec 01 §3.2). Residual: |1 - g^2 [phi^2]/Delta0|. */
export function scsStatic(g: number, av: Averager, opts: { maxIter?: number; tol?: number } = {}): Delta0Result {
  requireOdd(av.phi, 'scsStatic');
  if (!(g > 1)) throw new RangeError(`scsStatic: the static heterogeneous solution needs g > 1 (got ${g})`);
  const t0 = now();
  const ev0 = av.evaluations;
  const r = (D: number): number => 1 - (g * g * av.moments(0, D).phi2) / D;
  const lo = lowerBracket(r, g);
  const bound = av.phi.bound;
  const hi = upperBracket(r, bound !== undefined ? g * g * bound * bound : 2 * g * g + 1, 'scsStatic');
  const b = brent(r, lo, hi, { maxIter: opts.maxIter ?? 200 });
  const residual = Math.abs(r(b.x));
  return {
    delta0: b.x,
    diagnostics: {
      residual,
      iterations: b.iterations,
      converged: b.converged && residual <= (opts.tol ?? 1e-10),
      method: 'brent',
      seconds: now() - t0,
      details: { equation: '1 - g^2 [phi^2](0, D)/D', bracketLo: lo, bracketHi: hi, averagerCalls: av.evaluations - ev0 },
    },
  };
}

// ------------------------------------------------------------------------------------------------------------
// Chaotic solution, route A (energy condition with [Phi^2] - [Phi]^2)

/** Var Phi(x) for x ~ N(0, D), divided by D^2; explicit asin form for erf with closed forms. */
function phiVarianceOverD2(av: Averager, D: number): number {
  if (av.phi.code === 1 && av.settings.closedForms) {
    const a = 1 + (Math.PI / 2) * D;
    const u = ((Math.PI / 2) * D) / a; // k D
    const sq = Math.sqrt((1 / a) * (1 + u)); // sqrt(1 - u^2), 1 - u = 1/a
    return ((2 / Math.PI) * (Math.asin(u) - u / (1 + sq))) / D;
  }
  const m = av.moments(0, D);
  return (m.Phi2 - m.Phi * m.Phi) / (D * D);
}

/**
 * Chaotic Delta0 from Delta0^2/2 = g^2 ([Phi^2] - [Phi]^2) (spec 01 §3.2), g > 1, by brent on
 * E(D) = 1/2 - g^2 Var(Phi)/D^2. Residual: |1 - 2 g^2 Var(Phi)/Delta0^2| (relative energy mismatch).
 */
export function scsChaotic(g: number, av: Averager, opts: { maxIter?: number; tol?: number } = {}): Delta0Result {
  requireOdd(av.phi, 'scsChaotic');
  if (!(g > 1)) throw new RangeError(`scsChaotic: the chaotic solution needs g > 1 (got ${g})`);
  const t0 = now();
  const ev0 = av.evaluations;
  const E = (D: number): number => 0.5 - g * g * phiVarianceOverD2(av, D);
  const lo = lowerBracket(E, g);
  const hi = upperBracket(E, 2 * g * g + 1, 'scsChaotic');
  const b = brent(E, lo, hi, { maxIter: opts.maxIter ?? 200 });
  const residual = 2 * Math.abs(E(b.x));
  const closed = av.phi.code === 1 && av.settings.closedForms;
  return {
    delta0: b.x,
    diagnostics: {
      residual,
      iterations: b.iterations,
      converged: b.converged && residual <= (opts.tol ?? 1e-10),
      method: closed ? 'brent (erf closed form)' : 'brent',
      seconds: now() - t0,
      details: { equation: '1 - 2 g^2 ([Phi^2] - [Phi]^2)/D^2', bracketLo: lo, bracketHi: hi, averagerCalls: av.evaluations - ev0 },
    },
  };
}

// ------------------------------------------------------------------------------------------------------------
// Chaotic solution, route B (Mehler series of phi)

/**
 * Independent route for the chaotic Delta0: D0/2 = g^2 sum_k b_k^2/(k+1) with b_k the Mehler coefficients
 * of phi at (0, D0) (Hermite projections on a uniform grid, series length doubled until
 * |sum b_k^2 - [phi^2]| <= 1e-13). Residual: |1 - 2 g^2 sum_k b_k^2/((k+1) Delta0)|.
 */
export function scsChaoticMehler(g: number, phi: PhiDef, opts: { hx?: number; tol?: number } = {}): Delta0Result {
  requireOdd(phi, 'scsChaoticMehler');
  if (!(g > 1)) throw new RangeError(`scsChaoticMehler: needs g > 1 (got ${g})`);
  const t0 = now();
  let lastK = 0;
  let worstCheck = 0;
  let allConverged = true;
  const E = (D: number): number => {
    const s = mehlerSeries(phi.f, 0, D, { parity: 'odd', tol: 1e-13, hx: opts.hx });
    lastK = s.K;
    worstCheck = Math.max(worstCheck, s.check);
    allConverged &&= s.converged;
    let sum = 0;
    for (let k = s.K; k >= 1; k--) sum += s.a2[k] / (k + 1);
    return 0.5 - (g * g * sum) / D;
  };
  const lo = lowerBracket(E, g);
  const hi = upperBracket(E, 2 * g * g + 1, 'scsChaoticMehler');
  const b = brent(E, lo, hi);
  const residual = 2 * Math.abs(E(b.x));
  return {
    delta0: b.x,
    diagnostics: {
      residual,
      iterations: b.iterations,
      converged: b.converged && allConverged && residual <= (opts.tol ?? 1e-10),
      method: 'brent on the Mehler series of phi',
      seconds: now() - t0,
      details: { equation: '1 - 2 g^2 sum_k b_k^2/((k+1) D)', mehlerTerms: lastK, worstTruncationCheck: worstCheck },
    },
  };
}

/** Decay rate lambda = sqrt(1 - g^2 [phi']^2(0, Delta0)) of the chaotic autocovariance (spec 01 §3.3). */
export function scsLambda(g: number, delta0: number, av: Averager): number {
  const d = av.moments(0, delta0).dphi;
  const l2 = 1 - g * g * d * d;
  if (!(l2 >= 0)) throw new Error(`scsLambda: 1 - g^2 [phi']^2 = ${l2} < 0 (not a chaotic solution?)`);
  return Math.sqrt(l2);
}

/** V(D) = -D^2/2 + g^2 C_Phi(D; 0, Delta0) (spec 01 §3.1), by the averager's two-point function. */
export function scsPotential(D: number, g: number, delta0: number, av: Averager): number {
  return -0.5 * D * D + g * g * av.twoPoint(D, 0, delta0).CPhi;
}

// ------------------------------------------------------------------------------------------------------------
// Delta(tau)

/**
 * The potential in the two forms the Delta(tau) routes need, both free of cancellation between nearly equal
 * potentials (generic: also usable with Delta_inf > 0):
 *   upper(s2) = (V(D0) - V(D0 - s2)) / s2   for 0 <= s2 <= (D0 - Dinf)/2   (limit V'(D0) > 0 at s2 = 0)
 *   lower(e)  = (V(Dinf) - V(Dinf + e)) / e^2  for 0 <= e <= (D0 - Dinf)/2  (limit lambda^2/2 at e = 0)
 * The energy condition V(D0) = V(Dinf) is built into this split: the upper form is used above the midpoint,
 * the lower one below it.
 */
export interface PotentialGaps {
  D0: number;
  Dinf: number;
  upper(s2: number): number;
  lower(e: number): number;
}

/**
 * PotentialGaps of the SCS chaotic state from the Mehler series of Phi at (0, D0): with P(r) = sum a_k^2 r^k,
 * T_j = sum_{k>j} a_k^2,  upper = -(2 D0 - s2)/2 + (g^2/D0) sum_j T_j r^j (r = 1 - s2/D0), and
 * lower = 1/2 - (g^2/D0^2) sum_{k>=2} a_k^2 (e/D0)^(k-2) (a_1 = 0 for odd phi). All sums have positive terms.
 */
export function scsPotentialGaps(g: number, series: MehlerSeries): PotentialGaps {
  const D0 = series.D0;
  const a2 = series.a2;
  const T = series.tail;
  const K = series.K;
  const g2 = g * g;
  return {
    D0,
    Dinf: 0,
    upper(s2: number): number {
      const r = 1 - s2 / D0;
      let s = 0;
      for (let j = K - 1; j >= 0; j--) s = s * r + T[j];
      return -(2 * D0 - s2) / 2 + (g2 / D0) * s;
    },
    lower(e: number): number {
      const r = e / D0;
      // forward sum with early exit: terms fall like r^k and r <= 1/2 here
      let s = 0;
      let p = 1;
      for (let k = 2; k <= K; k++) {
        const term = a2[k] * p;
        s += term;
        if (p < 1e-18 && term <= 1e-18 * s) break;
        p *= r;
      }
      return 0.5 - (g2 / (D0 * D0)) * s;
    },
  };
}

/** Mehler series of Phi at (0, D0) used for Delta(tau): exact for erf with closed forms, else projected. */
export function scsPhiSeries(delta0: number, av: Averager): MehlerSeries {
  if (av.phi.code === 1 && av.settings.closedForms) return erfMehlerSeries('Phi', delta0);
  const phi2 = av.moments(0, delta0).phi2;
  // Kmax 32768: tanh needs K = 8192 at Delta0 ~ 70 (g = 10) and more beyond
  return mehlerSeries(av.phi.F, 0, delta0, { parity: 'even', derivativeTarget: phi2, tol: 1e-12, Kmax: 32768 });
}

/** linspace(0, tauMax, n). */
export function tauGrid(tauMax: number, n: number): number[] {
  if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`tauPoints must be a positive integer (got ${n})`);
  if (n === 1) return [0];
  return Array.from({ length: n }, (_, i) => (tauMax * i) / (n - 1));
}

export interface CurveResult {
  delta: number[];
  diagnostics: Diagnostics;
}

const GL_N = 20;

/** Gauss–Legendre integral of f on [a, b] with panels no wider than W. */
function glPanels(f: (x: number) => number, a: number, b: number, W: number): number {
  if (b === a) return 0;
  const { x, w } = legendreRule(GL_N);
  const panels = Math.max(1, Math.ceil(Math.abs(b - a) / W));
  const H = (b - a) / panels;
  let total = 0;
  for (let p = 0; p < panels; p++) {
    const c = a + (p + 0.5) * H;
    let s = 0;
    for (let i = 0; i < GL_N; i++) s += w[i] * f(c + 0.5 * H * x[i]);
    total += 0.5 * H * s;
  }
  return total;
}

/**
 * Delta(tau) on an ascending tau grid by quadrature and inversion (spec 01 §3.3):
 *   tau = int_0^s 2 ds'/sqrt(2 upper(s'^2))               for Delta = D0 - s^2 >= Dmid = (D0 + Dinf)/2,
 *   tau = tau_mid + int_0^v dv'/sqrt(2 lower(E e^-v'))     for Delta = Dinf + E e^-v, E = Dmid - Dinf.
 * Both integrands are smooth and positive; each tau point is found by Newton in s or v (derivative = the
 * integrand), safeguarded by bisection, integrating incrementally from the previous point with 20-point
 * Gauss–Legendre panels. Residual: max |tau(Delta_i) - tau_i|.
 */
export function deltaByInversion(P: PotentialGaps, taus: number[]): CurveResult {
  const t0 = now();
  const { D0, Dinf } = P;
  const span = D0 - Dinf;
  const Dmid = Dinf + span / 2;
  const E = Dmid - Dinf;
  const Smid = Math.sqrt(D0 - Dmid);
  const G = (s: number): number => 2 / Math.sqrt(2 * P.upper(s * s));
  const H = (v: number): number => 1 / Math.sqrt(2 * P.lower(E * Math.exp(-v)));
  const Ws = Smid / 8;
  const Wv = 0.5;
  const tauMid = glPanels(G, 0, Smid, Ws);
  const tauMidFine = glPanels(G, 0, Smid, Ws / 2);
  const delta: number[] = [];
  let residual = 0;
  let iterations = 0;
  let converged = Number.isFinite(tauMid) && tauMid > 0;
  let region: 'up' | 'low' = 'up';
  let xPrev = 0;
  let tauPrev = 0;
  for (let idx = 0; idx < taus.length; idx++) {
    const target = taus[idx];
    if (idx > 0 && !(target >= taus[idx - 1])) throw new RangeError('deltaByInversion: tau grid must be ascending');
    if (target < 0) throw new RangeError('deltaByInversion: tau must be >= 0');
    if (region === 'up' && target > tauMid) {
      region = 'low';
      xPrev = 0;
      tauPrev = tauMid;
    }
    const f = region === 'up' ? G : H;
    const W = region === 'up' ? Ws : Wv;
    let lo = xPrev;
    let hi = region === 'up' ? Smid : Infinity;
    let x = xPrev + (target - tauPrev) / f(xPrev);
    if (region === 'up' && x > hi) x = 0.5 * (lo + hi);
    let F = 0;
    let ok = false;
    for (let it = 0; it < 100; it++) {
      iterations++;
      F = tauPrev + glPanels(f, xPrev, x, W) - target;
      if (F > 0) hi = x;
      else lo = x;
      const step = F / f(x);
      let xn = x - step;
      if (!(xn > lo && xn < hi)) xn = Number.isFinite(hi) ? 0.5 * (lo + hi) : 2 * x - lo + 1;
      if (Math.abs(F) <= 2e-15 * Math.max(1, target) || Math.abs(xn - x) <= 1e-15 * Math.max(1, Math.abs(x))) {
        ok = true;
        break;
      }
      x = xn;
    }
    converged &&= ok;
    residual = Math.max(residual, Math.abs(F));
    delta.push(region === 'up' ? D0 - x * x : Dinf + E * Math.exp(-x));
    xPrev = x;
    tauPrev = target - F; // the tau that x actually has
  }
  return {
    delta,
    diagnostics: {
      residual,
      iterations,
      converged,
      method: 'quadrature-inversion',
      seconds: now() - t0,
      details: { tauMid, tauMidPanelCheck: Math.abs(tauMid - tauMidFine), glOrder: GL_N },
    },
  };
}

/**
 * Delta(tau) by classical RK4 on ds/dtau = sqrt(2 (V(D0) - V(D0 - s^2)))/(2 s) (spec 01 §3.3, the stable
 * first-order ODE), using P.upper above the midpoint and P.lower below it. Step = grid spacing / ceil(spacing/dtMax).
 * Residual: |Delta(tau_last) - Dinf| / (D0 - Dinf) is NOT a residual; the diagnostic reports the step used and
 * the smallest s-velocity met (the ODE has no defining equation to check beyond the potential itself).
 */
export function deltaByODE(P: PotentialGaps, taus: number[], dtMax = 0.005): CurveResult {
  const t0 = now();
  const { D0, Dinf } = P;
  const Dmid = Dinf + (D0 - Dinf) / 2;
  const rhs = (s: number): number => {
    const s2 = s * s;
    const D = D0 - s2;
    if (D >= Dmid) return Math.sqrt(P.upper(s2) / 2);
    // signed e: continues the right-hand side smoothly through the fixed point (an RK stage that overshoots
    // s_inf is pushed back instead of running away)
    const e = D - Dinf;
    return (e * Math.sqrt(2 * P.lower(e))) / (2 * s);
  };
  const delta: number[] = [D0];
  let s = 0;
  let steps = 0;
  for (let i = 1; i < taus.length; i++) {
    const dT = taus[i] - taus[i - 1];
    const n = Math.max(1, Math.ceil(dT / dtMax - 1e-9));
    const h = dT / n;
    for (let k = 0; k < n; k++) {
      const k1 = rhs(s);
      const k2 = rhs(s + 0.5 * h * k1);
      const k3 = rhs(s + 0.5 * h * k2);
      const k4 = rhs(s + h * k3);
      s += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
      steps++;
    }
    delta.push(D0 - s * s);
  }
  const ok = delta.every(Number.isFinite);
  return {
    delta,
    diagnostics: {
      residual: NaN,
      iterations: steps,
      converged: ok,
      method: 'rk4 on ds/dtau',
      seconds: now() - t0,
      details: { dtMax },
    },
  };
}

/** Delta(tau) of the SCS chaotic state by quadrature and inversion, with the Mehler checks in the diagnostics. */
export function scsAutocovariance(g: number, delta0: number, av: Averager, taus: number[]): CurveResult {
  requireOdd(av.phi, 'scsAutocovariance');
  const t0 = now();
  const series = scsPhiSeries(delta0, av);
  const P = scsPotentialGaps(g, series);
  const res = deltaByInversion(P, taus);
  // V(D0) - V(0) from the series: an independent check of the energy condition at this Delta0
  const energyMismatch = Math.abs(-0.5 * delta0 * delta0 + g * g * series.tail[0]) / (0.5 * delta0 * delta0);
  const d = res.diagnostics;
  d.converged &&= series.converged;
  d.seconds = now() - t0;
  d.details = {
    ...d.details,
    mehlerTerms: series.K,
    mehlerCheck: series.check,
    mehlerDerivativeCheck: series.dcheck,
    mehlerNodes: series.nodes,
    energyMismatch,
  };
  return res;
}

/** Delta(tau) of the SCS chaotic state by the RK4 ODE route (for cross-checks). */
export function scsAutocovarianceODE(g: number, delta0: number, av: Averager, taus: number[], dtMax = 0.005): CurveResult {
  requireOdd(av.phi, 'scsAutocovarianceODE');
  const series = scsPhiSeries(delta0, av);
  return deltaByODE(scsPotentialGaps(g, series), taus, dtMax);
}

// ------------------------------------------------------------------------------------------------------------
// Wrapper

/**
 * All stationary solutions of the i.i.d. model (spec 01 §3.2): the trivial fixed point (always; stable iff
 * g < 1), and for g > 1 the static heterogeneous solution (unstable) and the chaotic one (with Delta(tau)).
 */
export function solveRandom(model: RandomModel, theory: TheorySettings, opts: SolveRandomOptions = {}): RandomTheoryResult {
  const t0 = now();
  const phi = getPhi(model.phi);
  const g = model.g;
  if (!(g >= 0) || !Number.isFinite(g)) throw new RangeError(`solveRandom: g must be a finite number >= 0 (got ${g})`);
  requireOdd(phi, 'solveRandom');
  const av = opts.averager ?? makeAverager(phi, theory.quadrature);
  if (av.phi.name !== phi.name) throw new Error(`solveRandom: averager is for phi "${av.phi.name}", model uses "${phi.name}"`);
  const ev0 = av.evaluations;
  const notes: string[] = [];
  const solutions: ScsSolution[] = [];
  const tol = theory.tol;
  const maxIter = theory.maxIter;
  const slope0 = Math.abs(phi.df(0));

  solutions.push({
    type: 'trivial',
    branch: 'central',
    kappa: [],
    mu: 0,
    delta0: 0,
    deltaInf: 0,
    stable: g * slope0 < 1,
    stability: { bulkRadius: g * slope0, outliers: [], stable: g * slope0 < 1 },
    diagnostics: { residual: Math.abs(phi.f(0)), iterations: 0, converged: phi.f(0) === 0, method: 'exact' },
  });
  if (g === 1) notes.push('g = 1: the trivial fixed point is marginal (bulk radius 1); no other solution.');

  if (g > 1) {
    if (phi.bound === undefined && phi.name === 'linear') {
      notes.push('phi is linear (unbounded): for g > 1 activity grows without bound; no static or chaotic solution.');
    } else {
      const st = scsStatic(g, av, { maxIter, tol });
      const radius = g * Math.sqrt(av.moments(0, st.delta0).dphi2);
      solutions.push({
        type: 'static',
        branch: 'central',
        kappa: [],
        mu: 0,
        delta0: st.delta0,
        deltaInf: st.delta0,
        stable: radius < 1,
        stability: { bulkRadius: radius, outliers: [], stable: radius < 1 },
        diagnostics: st.diagnostics,
      });
      const ch = scsChaotic(g, av, { maxIter, tol });
      const sol: ScsSolution = {
        type: 'chaotic',
        branch: 'central',
        kappa: [],
        mu: 0,
        delta0: ch.delta0,
        deltaInf: 0,
        // for g > 1 the trivial and static states are unstable and chaos is the attractor (SCS 1988)
        stable: true,
        lambda: scsLambda(g, ch.delta0, av),
        diagnostics: ch.diagnostics,
      };
      if (av.settings.method === 'gauss-hermite' && st.delta0 > 4) {
        notes.push(
          `Gauss–Hermite quadrature at variance ${st.delta0.toPrecision(3)} > 4: errors of 1e-8 or worse are expected ` +
            '(spec 01 §2.1); use the trapezoid rule.',
        );
      }
      if (!(ch.delta0 < st.delta0)) notes.push(`chaotic Delta0 ${ch.delta0} is not below the static one ${st.delta0}: check settings`);
      const wantDelta = opts.delta ?? theory.tauPoints > 0;
      if (wantDelta && theory.tauPoints > 0) {
        const tau = tauGrid(theory.tauMax, theory.tauPoints);
        const curve = scsAutocovariance(g, ch.delta0, av, tau);
        sol.tau = tau;
        sol.delta = curve.delta;
        sol.deltaDiagnostics = curve.diagnostics;
      }
      solutions.push(sol);
    }
  }
  return {
    kind: 'random',
    g: model.g,
    phi: model.phi,
    settings: theory,
    solutions,
    diagnostics: { seconds: now() - t0, averagerEvaluations: av.evaluations - ev0, notes },
  };
}
