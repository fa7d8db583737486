/**
 * Stationary DMFT of low-rank + random networks, any rank R (spec 01 §4–§6).
 *
 * Unknowns and equations (spec 01 §4.1–§4.3), with mu = M_m.kappa + M_I, Lambda = kappa^T Cmm kappa +
 * 2 kappa.CmI + CII, b = Cnm kappa + CnI, a = Cmm kappa + CmI, brackets at (mu, Delta0):
 *   static  (kappa, D0):        r_kappa = kappa - M_n [phi] - b [phi'],   r_D = D0 - g^2 [phi^2] - Lambda
 *   chaotic (kappa, D0, Dinf):  r_kappa,
 *                               r_en = (D0 + Dinf)/2 - Lambda - g^2 S1      (energy / (D0 - Dinf))
 *                               r_q  = 1 - g^2 S2                           ((r_inf - r_en) / (D0 - Dinf))
 * where S1 = mean of C_phi over [Dinf, D0] and S2 = mean of C_phi' under the weight 2 (D0 - c)/(D0 - Dinf)^2
 * (lowrank-mehler.ts). This "deflated" chaotic system is equivalent to spec 01 §4.3 for Dinf < D0, has no
 * static root (Dinf = D0 solves it only where the bulk radius is exactly 1, i.e. at g_C), and is evaluated
 * without cancellation, so the chaotic branch is a regular root right down to its bifurcation.
 *
 * Every reported solution carries `diagnostics.residual`: the max-norm of the spec 01 §4.2/§4.3 equations
 * re-evaluated after the solve with an independent averager (finer trapezoid grid; nested 2-D quadrature
 * for the two-point functions, undivided energy condition). converged = residual <= settings.acceptTol
 * and the solver's own convergence. Solutions that fail admissibility (spec 01 §4.3) are not reported
 * as solutions; they are counted in `diagnostics`.
 */
import type { LowRankModel, QuadratureSettings, TheorySettings } from '../spec/types.js';
import { getPhi, type PhiDef } from '../phi.js';
import { makeAverager, type Averager, type Moments } from './gauss.js';
import { brent, solveLinear } from './roots.js';
import type { Diagnostics, TheorySolution, TheoryResultBase } from './types.js';
import { defaultMehlerSettings, lowRankPotentialGaps, mehlerSeries, mehlerSums, type MehlerSeries, type MehlerSettings, type MehlerSums } from './lowrank-mehler.js';
import { deltaByInversion, tauGrid } from './scs.js';
import { staticStability, trivialStability, type StabilityModel, type StabilityReport } from './stability.js';
import { lowRankBifurcations, type LowRankBifurcations } from './bifurcation.js';
import { eigenvalues } from './eig.js';

// ---------------------------------------------------------------------------------------------------------
// Settings

/** Every numeric knob of the low-rank solver (reported in the result). */
export interface LowRankSettings {
  /** Newton target (max-norm) for static solutions (default min(theory.tol, 1e-12)). */
  tolStatic: number;
  /** Newton target (max-norm) for the deflated chaotic system (default min(theory.tol, 1e-12)). */
  tolChaotic: number;
  /** A solution is `converged` when its independent residual is <= acceptTol (default 1e-10). */
  acceptTol: number;
  /** Newton iterations per solve (default theory.maxIter). */
  maxIter: number;
  /** Rank one: grid points of the static kappa scan on [-Kmax, Kmax] (default 161). */
  scanPoints: number;
  /** Rank one: grid points of the chaotic kappa scan on [-Kmax, Kmax] (default 41). */
  chaosScanPoints: number;
  /** Grid points in Delta0 of the robust fixed-kappa chaotic solve (default 16). */
  chaosD0Points: number;
  /** Rank >= 2: multi-start grid points per dimension on [-Kmax, Kmax] (default 5). */
  startGrid: number;
  /** |kappa| scan bound = kappaBoundFactor * max|phi| * sqrt(M_n^2 + Cnn) (Cauchy–Schwarz; default 1.02). */
  kappaBoundFactor: number;
  /** Two solutions are the same when kappa, Delta0, Delta_inf agree to dedupeTol (1 + |value|) (default 1e-7). */
  dedupeTol: number;
  /** |kappa| below this (relative to Kmax) counts as the central branch (default 1e-8). */
  centralTol: number;
  /** Chaotic solutions need Delta0 - Delta_inf > minTemporalVariance * max(1, Delta0) (default 1e-9). */
  minTemporalVariance: number;
  /** Interior points for the potential check V(D) < V(Delta0) (default 64). */
  potentialCheckPoints: number;
  /** Continuation step in g for sweeps and bifurcation tracking (default 0.02). */
  contStep: number;
  /** Tolerance in the parameter for g_C, g_BB, g_S, s* (default 1e-10). */
  bifTol: number;
  /** Mehler series used by the chaotic solver (lowrank-mehler.ts). */
  mehler: MehlerSettings;
  /** Quadrature of the averager used for the independent residual check. */
  checkQuadrature: QuadratureSettings;
}

export function lowRankSettings(theory: TheorySettings, overrides: Partial<LowRankSettings> = {}): LowRankSettings {
  const q = theory.quadrature;
  const check: QuadratureSettings = {
    method: 'trapezoid',
    order: q.order,
    zMax: Math.max(q.method === 'trapezoid' ? q.zMax : 9.5, 9.5) + 1,
    hx: Math.min(q.method === 'trapezoid' ? q.hx : 0.15, 0.15) / 2,
    closedForms: q.closedForms,
  };
  return {
    tolStatic: Math.min(theory.tol, 1e-12),
    tolChaotic: Math.min(theory.tol, 1e-12),
    acceptTol: 1e-10,
    maxIter: theory.maxIter,
    scanPoints: 161,
    chaosScanPoints: 41,
    chaosD0Points: 16,
    startGrid: 5,
    kappaBoundFactor: 1.02,
    dedupeTol: 1e-7,
    centralTol: 1e-8,
    minTemporalVariance: 1e-9,
    potentialCheckPoints: 64,
    contStep: 0.02,
    bifTol: 1e-10,
    mehler: { ...defaultMehlerSettings },
    checkQuadrature: check,
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Problem

/** A validated low-rank model in the notation of spec 01 §4.1. */
export interface LowRankProblem {
  R: number;
  g: number;
  phi: PhiDef;
  Mm: number[];
  Mn: number[];
  MI: number;
  Cmm: number[][];
  Cnm: number[][];
  CmI: number[];
  CnI: number[];
  CII: number;
  Cnn: number[][];
  /** Odd phi, M_I = 0, CmI = CnI = 0: solutions come in mirror pairs kappa -> -kappa (spec 01 §4.4). */
  symmetric: boolean;
  /** x = 0 is a fixed point (symmetric, CII = 0, phi(0) = 0). */
  trivial: boolean;
  /** Ring / continuous attractor (spec 01 §4.6), or null. */
  ring: { rho2: number; sigma2: number } | null;
}

function checkVector(name: string, v: unknown, R: number): number[] {
  if (!Array.isArray(v) || v.length !== R || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`lowrank model: ${name} must be an array of ${R} finite numbers`);
  }
  return v.slice();
}

function checkMatrix(name: string, v: unknown, R: number): number[][] {
  if (!Array.isArray(v) || v.length !== R) throw new Error(`lowrank model: ${name} must be a ${R} x ${R} matrix`);
  return v.map((row, i) => checkVector(`${name}[${i}]`, row, R));
}

/** Validate a LowRankModel and classify its symmetries. */
export function lowRankProblem(model: LowRankModel): LowRankProblem {
  const R = model.rank;
  if (!Number.isInteger(R) || R < 1) throw new Error(`lowrank model: rank must be a positive integer (got ${R})`);
  if (!(model.g >= 0) || !Number.isFinite(model.g)) throw new Error(`lowrank model: g must be finite and >= 0 (got ${model.g})`);
  const phi = getPhi(model.phi);
  const Mm = checkVector('means.m', model.means.m, R);
  const Mn = checkVector('means.n', model.means.n, R);
  const MI = model.means.I;
  if (!Number.isFinite(MI)) throw new Error('lowrank model: means.I must be finite');
  const Cmm = checkMatrix('cov.mm', model.cov.mm, R);
  const Cnm = checkMatrix('cov.nm', model.cov.nm, R);
  const Cnn = checkMatrix('cov.nn', model.cov.nn, R);
  const CmI = checkVector('cov.mI', model.cov.mI, R);
  const CnI = checkVector('cov.nI', model.cov.nI, R);
  const CII = model.cov.II;
  if (!(CII >= 0)) throw new Error(`lowrank model: cov.II must be >= 0 (got ${CII})`);
  const symmetric = phi.odd && MI === 0 && CmI.every((x) => x === 0) && CnI.every((x) => x === 0);
  const trivial = symmetric && CII === 0 && phi.f(0) === 0;
  let ring: LowRankProblem['ring'] = null;
  if (R >= 2 && symmetric && Mm.every((x) => x === 0) && Mn.every((x) => x === 0)) {
    const c = Cnm[0][0];
    const s2 = Cmm[0][0];
    const iso = (M: number[][], d: number) => M.every((row, i) => row.every((x, j) => Math.abs(x - (i === j ? d : 0)) <= 1e-14 * Math.abs(d)));
    if (c !== 0 && s2 > 0 && iso(Cnm, c) && iso(Cmm, s2)) ring = { rho2: c, sigma2: s2 };
  }
  return { R, g: model.g, phi, Mm, Mn, MI, Cmm, Cnm, CmI, CnI, CII, Cnn, symmetric, trivial, ring };
}

/** mu, Lambda, a = cov(x, m) and b = cov(n, x) for given kappa (spec 01 §4.1). */
export function structured(P: LowRankProblem, kappa: readonly number[]): { mu: number; Lambda: number; a: number[]; b: number[] } {
  const { R } = P;
  let mu = P.MI;
  let Lambda = P.CII;
  const a = new Array<number>(R);
  const b = new Array<number>(R);
  for (let r = 0; r < R; r++) {
    mu += P.Mm[r] * kappa[r];
    let ar = P.CmI[r];
    let br = P.CnI[r];
    for (let s = 0; s < R; s++) {
      ar += P.Cmm[r][s] * kappa[s];
      br += P.Cnm[r][s] * kappa[s];
    }
    a[r] = ar;
    b[r] = br;
    Lambda += kappa[r] * (ar + P.CmI[r]);
  }
  return { mu, Lambda: Math.max(Lambda, 0), a, b };
}

/** Scan bound for |kappa_r|: |E[n_r phi(x)]| <= sqrt(E[n_r^2]) max|phi| (Cauchy–Schwarz); Infinity for unbounded phi. */
export function kappaBound(P: LowRankProblem, S: LowRankSettings): number[] {
  const bnd = P.phi.bound;
  return P.Mn.map((m, r) => (bnd === undefined ? Infinity : S.kappaBoundFactor * bnd * Math.sqrt(m * m + Math.max(P.Cnn[r][r], 0))));
}

function stabilityModel(P: LowRankProblem): StabilityModel {
  return { R: P.R, g: P.g, Mm: P.Mm, Mn: P.Mn, Cmm: P.Cmm, Cnm: P.Cnm, CmI: P.CmI, CnI: P.CnI };
}

const maxAbs = (v: readonly number[]): number => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/**
 * Brackets at (mu, D) for the rank-one scans, which test signs of the reduced functions and `G === 0`. For odd
 * phi at mu = 0 the odd integrands [phi], [phi''], [phi phi'] vanish exactly, but the quadrature returns
 * rounding noise (~1e-18) whose sign depends on the last bits of the engine's Math.tanh/exp (it differs between
 * V8 versions, e.g. Node 20 and Deno 2.9). At kappa = 0 of a mirror-symmetric model that noise was the whole of
 * G(0) = -M_n [phi], so the central static root was bracketed in one engine and lost in the other. They are
 * set to exactly 0 here, which makes G(0) = 0 exactly: the central root is taken as such, and the symmetric
 * test for a root in (0, first grid point) sees G'(0) undisturbed.
 */
function scanMoments(P: LowRankProblem, avg: Averager, mu: number, D: number): Moments {
  const m = avg.moments(mu, D);
  return P.phi.odd && mu === 0 ? { ...m, phi: 0, d2phi: 0, phidphi: 0 } : m;
}

// ---------------------------------------------------------------------------------------------------------
// Damped Newton with a supplied Jacobian (the toolkit's `newton` differentiates numerically; these systems
// have exact Jacobians, which saves 2n evaluations per step, each a quadrature or a Mehler projection).

interface FJ {
  F: number[];
  J: number[][];
}

interface NewtonJResult {
  y: number[];
  F: number[];
  residual: number;
  iterations: number;
  converged: boolean;
  message?: string;
}

/** Internal (exported for bifurcation.ts): damped Newton with a supplied Jacobian. */
export function newtonJ(evaluate: (y: number[]) => FJ | null, y0: number[], tol: number, maxIter: number): NewtonJResult {
  let y = y0.slice();
  let cur = evaluate(y);
  if (!cur || !cur.F.every(Number.isFinite)) return { y, F: [], residual: Infinity, iterations: 0, converged: false, message: 'outside the domain at the start' };
  let res = maxAbs(cur.F);
  const n = y.length;
  let polished = false;
  for (let it = 0; it < maxIter; it++) {
    if (res <= tol) {
      // one more full step once converged (kept only if it lowers the residual): the last digits for free
      if (!polished) {
        polished = true;
        const J = cur.J.map((r) => r.slice());
        const d = cur.F.map((v) => -v);
        if (solveLinear(J, d)) {
          const yt = y.map((v, i) => v + d[i]);
          const nxt = evaluate(yt);
          if (nxt && nxt.F.every(Number.isFinite) && maxAbs(nxt.F) < res) {
            y = yt;
            cur = nxt;
            res = maxAbs(nxt.F);
          }
        }
      }
      return { y, F: cur.F, residual: res, iterations: it, converged: true };
    }
    const J = cur.J.map((r) => r.slice());
    let d = cur.F.map((v) => -v);
    if (!solveLinear(J, d)) {
      // Levenberg–Marquardt step on the normal equations as a fallback for a singular Jacobian
      const JtJ = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => cur!.J.reduce((s, row) => s + row[i] * row[j], 0)));
      const scale = Math.max(1e-300, ...JtJ.map((r, i) => Math.abs(r[i])));
      for (let i = 0; i < n; i++) JtJ[i][i] += 1e-10 * scale;
      d = Array.from({ length: n }, (_, i) => -cur!.J.reduce((s, row, k) => s + row[i] * cur!.F[k], 0));
      if (!solveLinear(JtJ, d)) return { y, F: cur.F, residual: res, iterations: it, converged: false, message: 'singular Jacobian' };
    }
    const n0 = Math.hypot(...cur.F);
    let t = 1;
    let accepted = false;
    while (t >= 2 ** -30) {
      const yt = y.map((v, i) => v + t * d[i]);
      const nxt = evaluate(yt);
      if (nxt && nxt.F.every(Number.isFinite)) {
        const nt = Math.hypot(...nxt.F);
        if (nt <= (1 - 1e-4 * t) * n0 || maxAbs(nxt.F) <= tol) {
          y = yt;
          cur = nxt;
          res = maxAbs(nxt.F);
          accepted = true;
          break;
        }
      }
      t *= 0.5;
    }
    if (!accepted) return { y, F: cur.F, residual: res, iterations: it + 1, converged: res <= tol, message: 'line search failed' };
  }
  return { y, F: cur.F, residual: res, iterations: maxIter, converged: res <= tol, message: res <= tol ? undefined : 'maxIter reached' };
}

// ---------------------------------------------------------------------------------------------------------
// Static equations (spec 01 §4.2)

/** Residuals and exact Jacobian of the static system in y = (kappa_1..kappa_R, D0). */
export function staticSystem(P: LowRankProblem, avg: Averager, y: readonly number[]): (FJ & { m: Moments }) | null {
  const { R, g } = P;
  const D0 = y[R];
  if (!(D0 >= 0) || !Number.isFinite(D0)) return null;
  const kappa = y.slice(0, R);
  const st = structured(P, kappa);
  const m = avg.moments(st.mu, D0);
  const g2 = g * g;
  const F = new Array<number>(R + 1);
  const J = Array.from({ length: R + 1 }, () => new Array<number>(R + 1).fill(0));
  for (let r = 0; r < R; r++) {
    F[r] = kappa[r] - P.Mn[r] * m.phi - st.b[r] * m.dphi;
    const dmu = P.Mn[r] * m.dphi + st.b[r] * m.d2phi;
    for (let s = 0; s < R; s++) J[r][s] = (r === s ? 1 : 0) - dmu * P.Mm[s] - m.dphi * P.Cnm[r][s];
    J[r][R] = -0.5 * (P.Mn[r] * m.d2phi + st.b[r] * m.d3phi);
  }
  F[R] = D0 - g2 * m.phi2 - st.Lambda;
  for (let s = 0; s < R; s++) J[R][s] = -2 * g2 * m.phidphi * P.Mm[s] - 2 * st.a[s];
  J[R][R] = 1 - g2 * (m.dphi2 + m.phid2phi);
  return { F, J, m };
}

/**
 * Delta0 of the static equation at fixed (mu, Lambda): the largest root of
 * f(D) = D - Lambda - g^2 [phi^2](mu, D) (brent; spec 01 §6.2). For mu = Lambda = 0 the root D = 0 is the
 * trivial solution; the nonzero root is returned when it exists. Null if no root was bracketed.
 */
export function staticDelta0(P: LowRankProblem, avg: Averager, mu: number, Lambda: number): number | null {
  const g2 = P.g * P.g;
  if (g2 === 0) return Lambda;
  const f = (D: number) => D - Lambda - g2 * avg.moments(mu, D).phi2;
  let lo = Lambda;
  let flo = f(lo);
  if (flo >= 0) {
    // flo = 0: [phi^2](mu, Lambda) = 0, i.e. phi(mu) = 0 and Lambda = 0 (x = 0). Look for a nonzero root.
    const slope = 1 - g2 * P.phi.df(mu) ** 2;
    if (slope >= 0) return lo;
    lo = Lambda + 1e-10;
    flo = f(lo);
    while (flo >= 0 && lo < 1e-2) {
      lo *= 4;
      flo = f(lo);
    }
    if (flo >= 0) return Lambda;
  }
  let hi: number;
  if (P.phi.bound !== undefined) hi = Lambda + g2 * P.phi.bound * P.phi.bound * (1 + 1e-12) + 1e-300;
  else hi = Math.max(2 * lo, 1);
  let fhi = f(hi);
  for (let k = 0; fhi < 0 && k < 60; k++) {
    hi *= 2;
    fhi = f(hi);
  }
  if (!(fhi >= 0)) return null;
  return brent(f, lo, hi, { xtol: 1e-15 * Math.max(1, hi) }).x;
}

// ---------------------------------------------------------------------------------------------------------
// Chaotic equations (spec 01 §4.3), deflated form

interface SeriesCache {
  ser: MehlerSeries | null;
  tMax: number;
}

/** Series at (mu, D0), reused while (mu, D0) do not change and the truncation bound holds at |t|. */
function seriesAt(P: LowRankProblem, S: LowRankSettings, cache: SeriesCache, mu: number, D0: number, m: Moments, t: number): MehlerSeries {
  const at = Math.min(Math.abs(t), 1);
  const c = cache.ser;
  if (c && c.mu === mu && c.D0 === D0 && cache.tMax >= at) return c;
  const tMax = Math.min(1, at + 0.1 * (1 - at));
  const ser = mehlerSeries(P.phi, mu, D0, m.phi2, m.dphi2, tMax, S.mehler);
  cache.ser = ser;
  cache.tMax = tMax;
  return ser;
}

/**
 * Lowest t = Dinf/D0 the chaotic solver visits. The series are valid for |t| <= 1, admissible states have
 * t >= Lambda/D0 >= 0; a little room below 0 lets Newton pass smoothly through t = 0 (symmetric central
 * state, Dinf = 0) without wandering into the unphysical t < 0 region.
 */
const T_MIN = -0.25;

export interface ChaoticEval extends FJ {
  m: Moments;
  sums: MehlerSums;
  ser: MehlerSeries;
}

/** Residuals and exact Jacobian of the deflated chaotic system in y = (kappa, D0, Dinf). */
export function chaoticSystem(P: LowRankProblem, avg: Averager, S: LowRankSettings, y: readonly number[], cache: SeriesCache = { ser: null, tMax: 0 }): ChaoticEval | null {
  const { R, g } = P;
  const D0 = y[R];
  const Dinf = y[R + 1];
  if (!(D0 > 0) || !Number.isFinite(D0) || !Number.isFinite(Dinf)) return null;
  let t = Dinf / D0;
  if (t > 1 + 1e-12 || t < T_MIN) return null;
  if (t > 1) t = 1;
  const kappa = y.slice(0, R);
  const st = structured(P, kappa);
  const m = avg.moments(st.mu, D0);
  const ser = seriesAt(P, S, cache, st.mu, D0, m, t);
  const sums = mehlerSums(ser, t);
  const g2 = g * g;
  const n = R + 2;
  const F = new Array<number>(n);
  const J = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let r = 0; r < R; r++) {
    F[r] = kappa[r] - P.Mn[r] * m.phi - st.b[r] * m.dphi;
    const dmu = P.Mn[r] * m.dphi + st.b[r] * m.d2phi;
    for (let s = 0; s < R; s++) J[r][s] = (r === s ? 1 : 0) - dmu * P.Mm[s] - m.dphi * P.Cnm[r][s];
    J[r][R] = -0.5 * (P.Mn[r] * m.d2phi + st.b[r] * m.d3phi);
  }
  const iE = R;
  const iQ = R + 1;
  F[iE] = 0.5 * (D0 + Dinf) - st.Lambda - g2 * sums.S1;
  F[iQ] = 1 - g2 * sums.S2;
  for (let s = 0; s < R; s++) {
    J[iE][s] = -2 * st.a[s] - g2 * sums.dS1.mu * P.Mm[s];
    J[iQ][s] = -g2 * sums.dS2.mu * P.Mm[s];
  }
  J[iE][R] = 0.5 - g2 * (sums.dS1.D0 - (t / D0) * sums.dS1.t);
  J[iE][R + 1] = 0.5 - (g2 * sums.dS1.t) / D0;
  J[iQ][R] = -g2 * (sums.dS2.D0 - (t / D0) * sums.dS2.t);
  J[iQ][R + 1] = (-g2 * sums.dS2.t) / D0;
  return { F, J, m, sums, ser };
}

/** Newton on the deflated chaotic system from y0 (all unknowns free). */
function chaoticNewton(P: LowRankProblem, avg: Averager, S: LowRankSettings, y0: number[]): NewtonJResult & { last: ChaoticEval | null } {
  const cache: SeriesCache = { ser: null, tMax: 0 };
  let last: ChaoticEval | null = null;
  const out = newtonJ(
    (y) => {
      const e = chaoticSystem(P, avg, S, y, cache);
      if (e) last = e;
      return e;
    },
    y0,
    S.tolChaotic,
    S.maxIter,
  );
  return { ...out, last };
}

/**
 * Chaotic (Delta0, Delta_inf) at a fixed kappa (the variance equations r_en = r_q = 0 only).
 * With a warm start: Newton in (D0, Dinf). Without: robust nested route — for each Delta0 on a grid over
 * (Lambda, Lambda + g^2 max phi^2], t* = Dinf/D0 is the unique root of r_q (decreasing in t), then sign
 * changes of r_en(D0, t*(D0)) are bracketed by brent and polished by Newton in (D0, Dinf) to `tol`
 * (default settings.tolChaotic). Returns every root found.
 */
export function chaoticAtFixedKappa(
  P: LowRankProblem,
  avg: Averager,
  S: LowRankSettings,
  kappa: readonly number[],
  warm?: { D0: number; Dinf: number },
  tol?: number,
): { D0: number; Dinf: number }[] {
  const { R, g } = P;
  if (g === 0) return [];
  const g2 = g * g;
  const st = structured(P, kappa);
  const cache: SeriesCache = { ser: null, tMax: 0 };
  const polish = (w: { D0: number; Dinf: number }, tol: number): { D0: number; Dinf: number } | null => {
    const sub = newtonJ(
      (v) => {
        const e = chaoticSystem(P, avg, S, [...kappa, v[0], v[1]], cache);
        if (!e) return null;
        return {
          F: [e.F[R], e.F[R + 1]],
          J: [
            [e.J[R][R], e.J[R][R + 1]],
            [e.J[R + 1][R], e.J[R + 1][R + 1]],
          ],
        };
      },
      [w.D0, w.Dinf],
      tol,
      30,
    );
    return sub.converged ? { D0: sub.y[0], Dinf: sub.y[1] } : null;
  };
  if (warm) {
    const w = polish(warm, tol ?? S.tolChaotic);
    if (w) return [w];
  }
  const bnd = P.phi.bound;
  const top = st.Lambda + g2 * (bnd !== undefined ? bnd * bnd : 1e3);
  const lo = Math.max(st.Lambda, 1e-12 * top);
  // r_en(D0) with t eliminated through r_q = 0 (r_q is decreasing in t on [0, 1]). Where r_q(0) <= 0 the
  // root would be at t < 0 (Dinf < 0 <= Lambda, inadmissible): t is clamped to 0 there, which keeps E
  // continuous, so a root at t* = 0 (the symmetric central state, Dinf = 0) is bracketed. NaN where
  // r_q(1) >= 0 (no chaos at this D0).
  const energyAt = (D0: number): { E: number; t: number } => {
    const m = avg.moments(st.mu, D0);
    if (g2 * m.dphi2 <= 1) return { E: NaN, t: NaN };
    const ser = seriesAt(P, S, cache, st.mu, D0, m, 1);
    const rq = (t: number) => 1 - g2 * mehlerSums(ser, t).S2;
    const t = rq(0) <= 0 ? 0 : brent(rq, 0, 1, { xtol: 1e-15 }).x;
    const s = mehlerSums(ser, t);
    return { E: 0.5 * (D0 + t * D0) - st.Lambda - g2 * s.S1, t };
  };
  // grid: quadratic in (D0 - lo) plus geometric down to 1e-7 of the range (chaos near g = 1 lives at tiny
  // Delta0); the edges of the region where chaos is possible (g^2 [phi'^2] = 1, E finite on one side) are
  // located by brent and added, because a root may sit between the last grid point and the edge
  const n = S.chaosD0Points;
  const span = top - lo;
  const pts = new Set<number>();
  for (let i = 1; i <= n; i++) pts.add(lo + span * (i / n) ** 2);
  for (let f = 1e-7; f < 1 / (n * n); f *= 3) pts.add(lo + span * f);
  let grid = [...pts].sort((p, q) => p - q);
  let vals = grid.map(energyAt);
  const edges: number[] = [];
  const h = (D: number) => g2 * avg.moments(st.mu, D).dphi2 - 1;
  for (let i = 0; i + 1 < grid.length; i++) {
    const fa = Number.isFinite(vals[i].E);
    const fb = Number.isFinite(vals[i + 1].E);
    if (fa === fb) continue;
    const e = brent(h, grid[i], grid[i + 1], { xtol: 1e-13 * grid[i + 1] }).x;
    // just inside the chaotic side
    const inside = fa ? e - 1e-9 * (e - grid[i]) : e + 1e-9 * (grid[i + 1] - e);
    edges.push(inside);
  }
  if (edges.length) {
    grid = [...grid, ...edges].sort((p, q) => p - q);
    vals = grid.map(energyAt);
  }
  const out: { D0: number; Dinf: number }[] = [];
  for (let i = 0; i + 1 < grid.length; i++) {
    const a = vals[i].E;
    const b = vals[i + 1].E;
    if (!Number.isFinite(a) || !Number.isFinite(b) || a > 0 === b > 0) continue;
    const r = brent((D) => {
      const e = energyAt(D).E;
      return Number.isFinite(e) ? e : b; // stays inside the defined region in practice
    }, grid[i], grid[i + 1], { xtol: 1e-8 * grid[i + 1] });
    const t = energyAt(r.x).t;
    // coarse bracket root, then Newton in (D0, Dinf) to the requested tolerance
    const p = polish({ D0: r.x, Dinf: t * r.x }, tol ?? S.tolChaotic);
    if (p) out.push(p);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Independent residuals (re-evaluated after the solve)

function staticResidualIndependent(P: LowRankProblem, chk: Averager, kappa: number[], D0: number): number {
  const st = structured(P, kappa);
  const m = chk.moments(st.mu, D0);
  let r = Math.abs(D0 - P.g * P.g * m.phi2 - st.Lambda);
  for (let i = 0; i < P.R; i++) r = Math.max(r, Math.abs(kappa[i] - P.Mn[i] * m.phi - st.b[i] * m.dphi));
  return r;
}

/** Spec 01 §4.3 equations as written (energy condition undivided) with nested 2-D quadrature. */
function chaoticResidualIndependent(P: LowRankProblem, chk: Averager, kappa: number[], D0: number, Dinf: number): { residual: number; energyDivided: number } {
  const st = structured(P, kappa);
  const g2 = P.g * P.g;
  const m = chk.moments(st.mu, D0);
  const tp = chk.twoPoint(Math.min(Math.max(Dinf, 0), D0), st.mu, D0);
  let r = 0;
  for (let i = 0; i < P.R; i++) r = Math.max(r, Math.abs(kappa[i] - P.Mn[i] * m.phi - st.b[i] * m.dphi));
  const rInf = Dinf - st.Lambda - g2 * tp.Cphi;
  const en = 0.5 * (D0 * D0 - Dinf * Dinf) - g2 * (m.Phi2 - tp.CPhi) - st.Lambda * (D0 - Dinf);
  r = Math.max(r, Math.abs(rInf), Math.abs(en));
  return { residual: r, energyDivided: Math.abs(en / (D0 - Dinf)) };
}

// ---------------------------------------------------------------------------------------------------------
// Results

export interface LowRankDiagnostics extends Diagnostics {
  /** Max-norm of the solver's own equations at the solution (deflated system for chaotic states). */
  solverResidual: number;
  details?: Record<string, number | string | boolean>;
}

/** One stationary solution (spec 01 §4). */
export interface LowRankSolution extends TheorySolution {
  branch: string;
  /** Variance of the structured + input part of x (spec 01 §4.1). */
  Lambda: number;
  /** b_r = cov(n_r, x). */
  b: number[];
  /** Temporal variance Delta0 - Delta_inf (0 for static states). */
  temporalVariance: number;
  /** Static part of the individual variance, Delta_inf - Lambda (M&O Fig. 1D; spec 01 §4.2/§4.3, §8). */
  individualVariance: number;
  stability?: StabilityReport;
  diagnostics: LowRankDiagnostics;
}

export interface RingReport {
  /** Cnm = rho2 I, Cmm = sigma2 I, zero means (spec 01 §4.6). */
  rho2: number;
  sigma2: number;
  /** Delta0 fixed by rho2 [phi'](0, Delta0) = 1 (null if no root). */
  delta0: number | null;
  /** Radius K = |kappa| of the static and chaotic rings (null if that ring does not exist). */
  Kstatic: number | null;
  Kchaotic: number | null;
  /** Every direction kappa = K (cos theta, sin theta, ...) is a solution (continuous attractor). */
  everyDirection: true;
  note: string;
}

export interface LowRankTheory extends TheoryResultBase {
  kind: 'lowrank';
  g: number;
  rank: number;
  phi: string;
  solutions: LowRankSolution[];
  bifurcations: LowRankBifurcations;
  ring: RingReport | null;
  settings: LowRankSettings & { quadrature: QuadratureSettings };
  diagnostics: {
    seconds: number;
    averagerEvaluations: number;
    /** Candidates dropped because they failed the admissibility checks of spec 01 §4.3. */
    inadmissible: number;
    /** Candidates whose solve did not converge (not reported as solutions). */
    failed: number;
    notes: string[];
  };
}

interface Candidate {
  type: 'static' | 'chaotic';
  kappa: number[];
  D0: number;
  Dinf: number;
  /** Another start for the same state, tried only if this one does not converge. */
  alt?: Candidate;
}

function sameSolution(a: Candidate, b: Candidate, tol: number): boolean {
  if (a.type !== b.type) return false;
  const close = (x: number, y: number) => Math.abs(x - y) <= tol * (1 + Math.abs(x));
  return a.kappa.every((k, i) => close(k, b.kappa[i])) && close(a.D0, b.D0) && close(a.Dinf, b.Dinf);
}

function pushUnique(list: Candidate[], c: Candidate, tol: number): boolean {
  if (list.some((x) => sameSolution(x, c, tol))) return false;
  list.push(c);
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Static solutions: rank-one bracketing scan (spec 01 §6.2) and multi-start Newton (§6.1)

/** G(kappa) = kappa - M_n [phi] - b [phi'] with Delta0 solved for each kappa (rank one). NaN if no Delta0. */
function reducedStatic(P: LowRankProblem, avg: Averager, kappa: number): { G: number; D0: number; dG: number } {
  const st = structured(P, [kappa]);
  const D0 = staticDelta0(P, avg, st.mu, st.Lambda);
  if (D0 === null) return { G: NaN, D0: NaN, dG: NaN };
  const m = scanMoments(P, avg, st.mu, D0);
  const g2 = P.g * P.g;
  const G = kappa - P.Mn[0] * m.phi - st.b[0] * m.dphi;
  // dG/dkappa with dD0/dkappa from the implicit static variance equation
  const den = 1 - g2 * (m.dphi2 + m.phid2phi);
  const dD0 = (2 * g2 * m.phidphi * P.Mm[0] + 2 * st.a[0]) / den;
  const dG = 1 - (P.Mn[0] * m.dphi + st.b[0] * m.d2phi) * P.Mm[0] - m.dphi * P.Cnm[0][0] - 0.5 * (P.Mn[0] * m.d2phi + st.b[0] * m.d3phi) * dD0;
  return { G, D0, dG };
}

/** Roots of G on [-Kmax, Kmax] (or [0, Kmax] and mirrored when symmetric), refined by brent. */
function scanStaticRankOne(P: LowRankProblem, avg: Averager, S: LowRankSettings): { kappa: number; D0: number }[] {
  const Kmax = kappaBound(P, S)[0];
  if (!Number.isFinite(Kmax)) return [];
  const n = S.scanPoints;
  const lo = P.symmetric ? 0 : -Kmax;
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(lo + ((Kmax - lo) * i) / (n - 1));
  if (!P.symmetric && !xs.includes(0)) {
    xs.push(0);
    xs.sort((p, q) => p - q);
  }
  const vals = xs.map((k) => reducedStatic(P, avg, k));
  const roots: { kappa: number; D0: number }[] = [];
  const G = (k: number) => reducedStatic(P, avg, k).G;
  const addRoot = (a: number, b: number) => {
    const r = brent(G, a, b, { xtol: 1e-15 * Kmax });
    const D0 = reducedStatic(P, avg, r.x).D0;
    roots.push({ kappa: r.x, D0 });
  };
  for (let i = 0; i < xs.length; i++) {
    const v = vals[i];
    if (v.G === 0) roots.push({ kappa: xs[i], D0: v.D0 });
    if (i + 1 < xs.length) {
      const w = vals[i + 1];
      if (Number.isFinite(v.G) && Number.isFinite(w.G) && v.G !== 0 && w.G !== 0 && v.G > 0 !== w.G > 0) addRoot(xs[i], xs[i + 1]);
    }
  }
  // symmetric: a root in (0, first grid point) shows as G'(0) and G(x1) of opposite signs
  if (P.symmetric && vals[0].G === 0 && Number.isFinite(vals[1].G) && vals[0].dG !== 0 && vals[0].dG > 0 !== vals[1].G > 0) {
    const a = xs[1] * 1e-9;
    const ga = G(a);
    if (ga !== 0 && ga > 0 !== vals[1].G > 0) addRoot(a, xs[1]);
  }
  // near-double roots between grid points: where G has an extremum with both neighbours of the same sign,
  // locate the extremum (root of G') and test whether G crosses zero there
  for (let i = 1; i + 1 < xs.length; i++) {
    const [u, v, w] = [vals[i - 1], vals[i], vals[i + 1]];
    if (![u.G, v.G, w.G].every(Number.isFinite)) continue;
    if (!(u.G > 0 === v.G > 0 && v.G > 0 === w.G > 0)) continue;
    for (const [a, b, da, db] of [
      [xs[i - 1], xs[i], u.dG, v.dG],
      [xs[i], xs[i + 1], v.dG, w.dG],
    ]) {
      if (!(da > 0 !== db > 0) || da === 0 || db === 0) continue;
      const ke = brent((k) => reducedStatic(P, avg, k).dG, a, b, { xtol: 1e-14 * Kmax }).x;
      const ge = G(ke);
      if (ge !== 0 && ge > 0 !== v.G > 0) {
        addRoot(a, ke);
        addRoot(ke, b);
      }
    }
  }
  if (P.symmetric) {
    for (const r of roots.slice()) if (r.kappa > 0) roots.push({ kappa: -r.kappa, D0: r.D0 });
  }
  return roots;
}

/** Grid of start points in R dimensions on [-Kmax, Kmax]^R (plus the axes), for multi-start Newton. */
function startPoints(P: LowRankProblem, S: LowRankSettings): number[][] {
  const K = kappaBound(P, S).map((k) => (Number.isFinite(k) ? k : 3));
  const n = S.startGrid;
  const pts: number[][] = [];
  const total = n ** P.R;
  if (total <= 4096) {
    for (let idx = 0; idx < total; idx++) {
      let rest = idx;
      const p: number[] = [];
      for (let r = 0; r < P.R; r++) {
        const i = rest % n;
        rest = Math.floor(rest / n);
        p.push(n === 1 ? 0 : -K[r] + (2 * K[r] * i) / (n - 1));
      }
      pts.push(p);
    }
  }
  for (let r = 0; r < P.R; r++)
    for (const f of [1, -1, 0.5, -0.5, 0.2, -0.2]) {
      const p = new Array<number>(P.R).fill(0);
      p[r] = f * K[r];
      pts.push(p);
    }
  pts.push(new Array<number>(P.R).fill(0));
  return pts;
}

/** Newton polish of a static candidate; returns null when it does not converge or has D0 < 0. */
function polishStatic(P: LowRankProblem, avg: Averager, S: LowRankSettings, kappa: number[], D0: number): (Candidate & { res: NewtonJResult }) | null {
  const res = newtonJ((y) => staticSystem(P, avg, y), [...kappa, D0], S.tolStatic, S.maxIter);
  if (!res.converged || !(res.y[P.R] >= 0)) return null;
  return { type: 'static', kappa: res.y.slice(0, P.R), D0: res.y[P.R], Dinf: res.y[P.R], res };
}

function findStatic(P: LowRankProblem, avg: Averager, S: LowRankSettings, seeds: Candidate[] = [], multiStart = true): { found: Candidate[]; failed: number } {
  const found: Candidate[] = [];
  let failed = 0;
  const tryStart = (kappa: number[], D0: number | null, alt?: Candidate) => {
    if (D0 === null || !Number.isFinite(D0)) return;
    const c = polishStatic(P, avg, S, kappa, D0) ?? (alt ? polishStatic(P, avg, S, alt.kappa, alt.D0) : null);
    if (c) pushUnique(found, { type: 'static', kappa: c.kappa, D0: c.D0, Dinf: c.D0 }, S.dedupeTol);
    else failed++;
  };
  for (const s of seeds) tryStart(s.kappa, s.D0, s.alt);
  if (P.R === 1) {
    for (const r of scanStaticRankOne(P, avg, S)) tryStart([r.kappa], r.D0);
  }
  // multi-start Newton (any rank; for rank one it cross-checks the scan)
  const starts = !multiStart && P.R === 1 ? [] : P.R === 1 ? startPoints(P, { ...S, startGrid: 3 }) : startPoints(P, S);
  for (const k0 of starts) {
    const st = structured(P, k0);
    const D0 = staticDelta0(P, avg, st.mu, st.Lambda);
    const before = failed;
    tryStart(k0, D0);
    failed = before; // multi-start misses are expected (starts outside every basin), not failures
  }
  return { found, failed };
}

/**
 * Internal (exported for bifurcation.ts): converged, deduplicated static states (trivial x = 0 included).
 * `quick`: rank one only, bracketing scan with `scanPoints` points and no multi-start.
 */
export function findStaticSolutions(P: LowRankProblem, avg: Averager, S: LowRankSettings, quick = false): { kappa: number[]; D0: number }[] {
  return findStatic(P, avg, S, [], !quick).found.map((c) => ({ kappa: c.kappa, D0: c.D0 }));
}

// ---------------------------------------------------------------------------------------------------------
// Chaotic solutions

/**
 * Rank one: roots of Gc(kappa) = kappa - M_n [phi] - b [phi'] with (D0, Dinf) from the fixed-kappa chaotic
 * equations, on a kappa grid (continued along the grid with warm starts). Sign changes are refined by brent
 * on Gc, so the seeds handed to the full Newton are accurate. Two places need care:
 * * symmetric models: Gc(0) = 0 (central state), so a root in (0, first grid point) shows only as opposite
 *   signs of Gc'(0) = 1 - (M_m M_n + Cnm)[phi'](0, D0) (exact there) and Gc(first point) — the +/- branches
 *   near g_BB;
 * * the edge of the region where a fixed-kappa chaotic solution exists is where the static solution at that
 *   kappa has bulk radius 1, and there Gc equals the static G (the chaotic state merges with the static one);
 *   the edge kc is located on the static reduced problem (cheap), so a root between the last grid point and
 *   the edge is found too — the +/- branches near g_C.
 */
function scanChaoticRankOne(P: LowRankProblem, avg: Averager, S: LowRankSettings): Candidate[] {
  const Kmax = kappaBound(P, S)[0];
  if (!Number.isFinite(Kmax) || P.g === 0) return [];
  const n = S.chaosScanPoints;
  const lo = P.symmetric ? 0 : -Kmax;
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(lo + ((Kmax - lo) * i) / (n - 1));
  type Sol = { k: number; G: number; D0: number; Dinf: number };
  const Gof = (k: number, D0: number) => {
    const st = structured(P, [k]);
    const m = scanMoments(P, avg, st.mu, D0);
    return k - P.Mn[0] * m.phi - st.b[0] * m.dphi;
  };
  const branchesAt = (k: number, warm?: { D0: number; Dinf: number }, tol = 1e-10): Sol[] =>
    chaoticAtFixedKappa(P, avg, S, [k], warm, tol).map((v) => ({ k, G: Gof(k, v.D0), D0: v.D0, Dinf: v.Dinf }));
  const out: Candidate[] = [];
  /** brent on Gc over [a.k, kb] (kb may be an edge where Gc = gEdge), warm-started from the last point. */
  const refine = (a: Sol, kb: number, gb: number, edge: boolean) => {
    let last: { D0: number; Dinf: number } = a;
    let lastSol: Sol = a;
    const f = (k: number) => {
      if (k === a.k) return a.G;
      if (k === kb) return gb;
      let v = branchesAt(k, last, 1e-13);
      if (!v.length) v = branchesAt(k, undefined, 1e-13);
      if (!v.length) return edge ? gb : a.G; // outside the chaotic region: behave like the nearer end
      let best = v[0];
      for (const c of v) if (Math.abs(c.D0 - last.D0) < Math.abs(best.D0 - last.D0)) best = c;
      last = best;
      lastSol = best;
      return best.G;
    };
    const r = brent(f, a.k, kb, { xtol: 1e-13 * Kmax });
    f(r.x);
    out.push({ type: 'chaotic', kappa: [lastSol.k], D0: lastSol.D0, Dinf: lastSol.Dinf });
  };
  // static reduced problem: bulk radius - 1 at kappa (NaN if no static solution)
  const staticRadius = (k: number) => {
    const st = structured(P, [k]);
    const D0 = staticDelta0(P, avg, st.mu, st.Lambda);
    if (D0 === null) return NaN;
    return P.g * Math.sqrt(avg.moments(st.mu, D0).dphi2) - 1;
  };
  let prev: Sol[] = [];
  let prev2: Sol[] = [];
  for (let i = 0; i < xs.length; i++) {
    // warm start from the previous grid point when it had exactly one fixed-kappa solution (linear predictor
    // from the two previous points when available); the scan only needs the sign of Gc, so tol is loose
    let cur: Sol[] = [];
    if (prev.length === 1) {
      const p = prev[0];
      const q = prev2.length === 1 ? prev2[0] : null;
      const w = q ? { D0: 2 * p.D0 - q.D0, Dinf: Math.min(2 * p.Dinf - q.Dinf, 2 * p.D0 - q.D0) } : p;
      cur = branchesAt(xs[i], w);
      if (cur.length === 0 && q) cur = branchesAt(xs[i], p);
    }
    if (cur.length === 0) cur = branchesAt(xs[i]);
    if (i === 0 && P.symmetric) {
      for (const c of cur) if (Math.abs(c.G) < 1e-9) out.push({ type: 'chaotic', kappa: [0], D0: c.D0, Dinf: c.Dinf });
    }
    if (i === 1 && P.symmetric && prev.length === 1 && cur.length >= 1 && Math.abs(prev[0].G) < 1e-9) {
      const slope0 = 1 - (P.Mm[0] * P.Mn[0] + P.Cnm[0][0]) * avg.moments(0, prev[0].D0).dphi;
      const c = cur.reduce((b, x) => (Math.abs(x.D0 - prev[0].D0) < Math.abs(b.D0 - prev[0].D0) ? x : b));
      if (slope0 !== 0 && c.G !== 0 && slope0 > 0 !== c.G > 0) {
        // root in (0, x1): start the bracket at a tiny kappa where Gc has the sign of the slope
        const a0 = xs[1] * 1e-6;
        const va = branchesAt(a0, prev[0], 1e-14);
        if (va.length && va[0].G !== 0 && va[0].G > 0 !== c.G > 0) refine(va[0], c.k, c.G, false);
      }
    }
    if (i > 0) {
      for (const p of prev) {
        // follow the fixed-kappa solution closest in D0 and look for a sign change of Gc
        let best: Sol | null = null;
        for (const c of cur) if (!best || Math.abs(c.D0 - p.D0) < Math.abs(best.D0 - p.D0)) best = c;
        if (!best) continue;
        if (p.G !== 0 && best.G !== 0 && p.G > 0 !== best.G > 0) refine(p, best.k, best.G, false);
      }
      // an edge of the chaotic region between xs[i-1] and xs[i]
      if ((prev.length > 0) !== (cur.length > 0)) {
        const inside = prev.length > 0 ? prev : cur;
        const ka = xs[i - 1];
        const kb = xs[i];
        const ra = staticRadius(ka);
        const rb = staticRadius(kb);
        if (Number.isFinite(ra) && Number.isFinite(rb) && ra !== 0 && rb !== 0 && ra > 0 !== rb > 0) {
          const kc = brent(staticRadius, ka, kb, { xtol: 1e-14 * Kmax }).x;
          const Gs = reducedStatic(P, avg, kc).G;
          for (const a of inside) if (Number.isFinite(Gs) && Gs !== 0 && a.G !== 0 && a.G > 0 !== Gs > 0) refine(a, kc, Gs, true);
        }
      }
    }
    prev2 = prev;
    prev = cur;
  }
  if (P.symmetric) for (const c of out.slice()) if (c.kappa[0] !== 0) out.push({ ...c, kappa: [-c.kappa[0]] });
  return out;
}

/** Seeds for the chaotic Newton in any rank: fixed-kappa chaotic variances at each multi-start kappa. */
function chaoticSeedsGeneral(P: LowRankProblem, avg: Averager, S: LowRankSettings): Candidate[] {
  const seeds: Candidate[] = [];
  for (const k0 of startPoints(P, { ...S, startGrid: Math.min(S.startGrid, 3) })) {
    for (const v of chaoticAtFixedKappa(P, avg, S, k0)) seeds.push({ type: 'chaotic', kappa: k0, D0: v.D0, Dinf: v.Dinf });
  }
  return seeds;
}

interface Admissibility {
  ok: boolean;
  reason?: string;
  lambda: number;
}

/** Spec 01 §4.3 admissibility of a chaotic solution (using the converged Mehler series). */
function chaoticAdmissible(P: LowRankProblem, S: LowRankSettings, e: ChaoticEval, y: number[]): Admissibility {
  const { R } = P;
  const D0 = y[R];
  const Dinf = y[R + 1];
  const st = structured(P, y.slice(0, R));
  const g2 = P.g * P.g;
  const lam2 = 1 - g2 * e.sums.Cd;
  const lambda = lam2 > 0 ? Math.sqrt(lam2) : NaN;
  if (!(D0 - Dinf > S.minTemporalVariance * Math.max(1, D0))) return { ok: false, reason: 'Delta0 - Delta_inf ~ 0 (static limit)', lambda };
  if (!(Dinf >= st.Lambda - 1e-12 * Math.max(1, D0))) return { ok: false, reason: 'Delta_inf < Lambda', lambda };
  if (!(D0 < g2 * e.m.phi2 + st.Lambda)) return { ok: false, reason: 'Delta0 >= g^2 [phi^2] + Lambda', lambda };
  if (!(lam2 > 0)) return { ok: false, reason: 'Delta_inf is not a hill-top (1 - g^2 C_phi\'(Delta_inf) <= 0)', lambda };
  const ser = e.ser;
  for (let i = 1; i < S.potentialCheckPoints; i++) {
    const D = Dinf + ((D0 - Dinf) * i) / S.potentialCheckPoints;
    const s = mehlerSums(ser, Math.min(D / D0, 1));
    // V(D0) - V(D) = (D0 - D) [Lambda + g^2 S1(D) - (D0 + D)/2]
    const q = st.Lambda + g2 * s.S1 - 0.5 * (D0 + D);
    if (q < -1e-12 * Math.max(1, D0)) return { ok: false, reason: `V(D) > V(Delta0) at D = ${D}`, lambda };
  }
  return { ok: true, lambda };
}

// ---------------------------------------------------------------------------------------------------------
// Assemble solutions

interface Ctx {
  /** tau grid for Delta(tau) of chaotic states, or null (not computed). */
  tau: number[] | null;
  P: LowRankProblem;
  avg: Averager;
  chk: Averager;
  S: LowRankSettings;
  notes: string[];
  inadmissible: number;
  failed: number;
}

function staticSolution(ctx: Ctx, c: Candidate, iterations: number, solverResidual: number, t0: number): LowRankSolution {
  const { P, avg, chk, S } = ctx;
  const st = structured(P, c.kappa);
  const m = avg.moments(st.mu, c.D0);
  const residual = staticResidualIndependent(P, chk, c.kappa, c.D0);
  const stability = staticStability(stabilityModel(P), { kappa: c.kappa }, m);
  return {
    type: 'static',
    branch: '',
    kappa: c.kappa,
    mu: st.mu,
    delta0: c.D0,
    deltaInf: c.D0,
    Lambda: st.Lambda,
    b: st.b,
    temporalVariance: 0,
    individualVariance: c.D0 - st.Lambda,
    stable: stability.stable,
    stability,
    diagnostics: {
      residual,
      solverResidual,
      iterations,
      converged: residual <= S.acceptTol && solverResidual <= S.tolStatic,
      method: 'newton (exact Jacobian)',
      seconds: (performance.now() - t0) / 1000,
    },
  };
}

function chaoticSolution(ctx: Ctx, y: number[], e: ChaoticEval, adm: Admissibility, iterations: number, solverResidual: number, t0: number): LowRankSolution {
  const { P, chk, S } = ctx;
  const R = P.R;
  const kappa = y.slice(0, R);
  const D0 = y[R];
  const Dinf = y[R + 1];
  const st = structured(P, kappa);
  const ind = chaoticResidualIndependent(P, chk, kappa, D0, Dinf);
  let curve: { tau: number[]; delta: number[]; residual: number; converged: boolean; taylorTerms: number } | null = null;
  if (ctx.tau) {
    // Delta(tau) by quadrature and inversion (spec 01 §3.3) with this state's potential (spec 01 §4.3)
    const m = e.m;
    const ser = mehlerSeries(P.phi, st.mu, D0, m.phi2, m.dphi2, 1, S.mehler, e.ser.K);
    const gaps = lowRankPotentialGaps(ser, P.g, st.Lambda, Math.max(Dinf, 0));
    const c = deltaByInversion(gaps, ctx.tau);
    curve = { tau: ctx.tau, delta: c.delta, residual: c.diagnostics.residual, converged: c.diagnostics.converged, taylorTerms: gaps.taylorTerms };
  }
  return {
    type: 'chaotic',
    branch: '',
    kappa,
    mu: st.mu,
    delta0: D0,
    deltaInf: Dinf,
    Lambda: st.Lambda,
    b: st.b,
    temporalVariance: D0 - Dinf,
    individualVariance: Dinf - st.Lambda,
    lambda: adm.lambda,
    stable: null,
    diagnostics: {
      residual: ind.residual,
      solverResidual,
      iterations,
      converged: ind.residual <= S.acceptTol && solverResidual <= S.tolChaotic && e.sums.truncation <= S.mehler.tol * 10,
      method: 'newton on the deflated chaotic system (Mehler series, exact Jacobian)',
      seconds: (performance.now() - t0) / 1000,
      details: {
        energyDivided: ind.energyDivided,
        mehlerTerms: e.ser.K,
        mehlerTruncation: e.sums.truncation,
        ...(curve ? { deltaTauResidual: curve.residual, deltaTauConverged: curve.converged, deltaTauTaylorTerms: curve.taylorTerms } : {}),
      },
    },
    ...(curve ? { tau: curve.tau, delta: curve.delta } : {}),
  };
}

/** Newton-polish chaotic seeds, check admissibility, deduplicate. */
function polishChaotic(ctx: Ctx, seeds: Candidate[], found: LowRankSolution[]): void {
  const { P, avg, S } = ctx;
  const R = P.R;
  for (const sd of seeds) {
    const t0 = performance.now();
    let res = chaoticNewton(P, avg, S, [...sd.kappa, sd.D0, sd.Dinf]);
    if (!res.converged && sd.alt) res = chaoticNewton(P, avg, S, [...sd.alt.kappa, sd.alt.D0, sd.alt.Dinf]);
    if (!res.converged) {
      // fall back to the robust fixed-kappa variances at the seed's kappa, then Newton again
      for (const v of chaoticAtFixedKappa(P, avg, S, sd.kappa)) {
        res = chaoticNewton(P, avg, S, [...sd.kappa, v.D0, v.Dinf]);
        if (res.converged) break;
      }
    }
    if (!res.converged) {
      ctx.failed++;
      continue;
    }
    const e = res.last && res.last.F.every((v, i) => v === res.F[i]) ? res.last : chaoticSystem(P, avg, S, res.y);
    if (!e) {
      ctx.failed++;
      continue;
    }
    const cand: Candidate = { type: 'chaotic', kappa: res.y.slice(0, R), D0: res.y[R], Dinf: res.y[R + 1] };
    if (found.some((f) => f.type === 'chaotic' && sameSolution({ type: 'chaotic', kappa: f.kappa, D0: f.delta0, Dinf: f.deltaInf }, cand, S.dedupeTol))) continue;
    const adm = chaoticAdmissible(P, S, e, res.y);
    if (!adm.ok) {
      ctx.inadmissible++;
      continue;
    }
    found.push(chaoticSolution(ctx, res.y, e, adm, res.iterations, maxAbs(e.F), t0));
  }
}

/** Branch names (spec: 'plus' | 'minus' | 'central' | 'ring' | 'other-k'), per type. */
function labelBranches(P: LowRankProblem, S: LowRankSettings, sols: LowRankSolution[]): void {
  const Kscale = Math.max(1, ...kappaBound(P, S).filter(Number.isFinite));
  for (const type of ['static', 'chaotic'] as const) {
    const list = sols.filter((s) => s.type === type && s.branch === '');
    const isCentral = (s: LowRankSolution) => maxAbs(s.kappa) <= S.centralTol * Kscale;
    let other = 0;
    if (P.R === 1) {
      const sorted = list.slice().sort((a, b) => a.kappa[0] - b.kappa[0]);
      if (P.symmetric) {
        const pos = sorted.filter((s) => !isCentral(s) && s.kappa[0] > 0);
        const neg = sorted.filter((s) => !isCentral(s) && s.kappa[0] < 0);
        for (const s of sorted) if (isCentral(s)) s.branch = 'central';
        if (pos.length) pos[pos.length - 1].branch = 'plus';
        if (neg.length) neg[0].branch = 'minus';
      } else if (sorted.length >= 2) {
        sorted[0].branch = 'minus';
        sorted[sorted.length - 1].branch = 'plus';
        if (sorted.length % 2 === 1) sorted[(sorted.length - 1) / 2].branch = 'central';
      } else if (sorted.length === 1) {
        sorted[0].branch = sorted[0].kappa[0] >= 0 ? 'plus' : 'minus';
      }
      for (const s of sorted) if (s.branch === '') s.branch = `other-${++other}`;
    } else {
      for (const s of list) if (isCentral(s)) s.branch = 'central';
      const rest = list.filter((s) => s.branch === '').sort((a, b) => maxAbs(b.kappa) - maxAbs(a.kappa) || b.kappa[0] - a.kappa[0]);
      // a single mirror pair (symmetric models): plus = first non-negligible component positive
      if (P.symmetric && rest.length === 2) {
        const lead = (k: number[]) => k.find((x) => Math.abs(x) > S.centralTol * Kscale) ?? 0;
        const [p, q] = lead(rest[0].kappa) > 0 ? [rest[0], rest[1]] : [rest[1], rest[0]];
        if (rest[0].kappa.every((x, i) => Math.abs(x + rest[1].kappa[i]) <= 1e-7 * Kscale)) {
          p.branch = 'plus';
          q.branch = 'minus';
        }
      }
      for (const s of rest) if (s.branch === '') s.branch = `other-${++other}`;
    }
  }
}

/**
 * Which chaotic states are attractors (spec 01 §4.4, §5: no linear criterion exists for chaos itself).
 * The kappa = 0 chaotic state of a mirror-symmetric model is unstable along the kappa mode when the
 * growth factor rho = max Re eig([phi'](mu, Delta0) (M_n M_m^T + Cnm)) exceeds 1; for rank one with
 * rho = 0 this is M_m M_n [phi'](0, Delta0_SCS) > 1, i.e. g < g_BB. A chaotic state with kappa != 0 is
 * called an attractor when neither a stable static state nor a stable central chaotic state exists
 * (the bistable-chaos window g_C < g < g_BB of M&O Fig. 1). Otherwise `stable` stays null.
 */
function classifyChaos(P: LowRankProblem, avg: Averager, sols: LowRankSolution[]): void {
  if (!P.symmetric) return;
  const anyStableStatic = sols.some((s) => s.type !== 'chaotic' && s.stable === true);
  let centralStable: boolean | null = null;
  for (const s of sols) {
    if (s.type !== 'chaotic' || s.branch !== 'central') continue;
    const dphi = avg.moments(s.mu, s.delta0).dphi;
    const A = P.Mn.map((mn, r) => P.Mm.map((mm, q) => dphi * (mn * mm + P.Cnm[r][q])));
    const rho = Math.max(...eigenvalues(A).map((z) => z.re));
    s.stable = rho < 1 ? !anyStableStatic : false;
    centralStable = rho < 1;
    s.diagnostics.details = { ...(s.diagnostics.details ?? {}), kappaModeGrowth: rho };
  }
  for (const s of sols) {
    if (s.type !== 'chaotic' || s.branch === 'central') continue;
    if (!anyStableStatic && centralStable === false) s.stable = true;
  }
}

function trivialSolution(ctx: Ctx): LowRankSolution {
  const { P } = ctx;
  const stability = trivialStability(stabilityModel(P), P.phi.df(0));
  const kappa = new Array<number>(P.R).fill(0);
  return {
    type: 'trivial',
    branch: 'central',
    kappa,
    mu: 0,
    delta0: 0,
    deltaInf: 0,
    Lambda: 0,
    b: kappa.slice(),
    temporalVariance: 0,
    individualVariance: 0,
    stable: stability.stable,
    stability,
    diagnostics: { residual: 0, solverResidual: 0, iterations: 0, converged: true, method: 'exact (x = 0 with odd phi and no input)', seconds: 0 },
  };
}

/**
 * Whether a converged static candidate is the trivial state x = 0 (reported separately) or a spurious root
 * next to it. At g = 1 the root Delta0 = 0 of D - g^2 [phi^2](0, D) is degenerate (residual ~ D^2), so Newton
 * can stop at a small Delta0 with a residual below tol; a genuine central state must match the largest root of
 * the 1-D equation (staticDelta0, which treats the degenerate slope correctly).
 */
function isTrivialRoot(P: LowRankProblem, avg: Averager, c: Candidate): boolean {
  if (!P.trivial || maxAbs(c.kappa) > 1e-9) return false;
  if (c.D0 <= 1e-9) return true;
  const ref = staticDelta0(P, avg, 0, 0);
  return ref === null || Math.abs(ref - c.D0) > 1e-6 * Math.max(ref, c.D0);
}

// ---------------------------------------------------------------------------------------------------------
// Ring (spec 01 §4.6): the radial rank-one problem

function radialProblem(P: LowRankProblem): LowRankProblem {
  const r = P.ring!;
  return {
    ...P,
    R: 1,
    Mm: [0],
    Mn: [0],
    Cmm: [[r.sigma2]],
    Cnm: [[r.rho2]],
    Cnn: [[P.Cnn[0][0]]],
    CmI: [0],
    CnI: [0],
    symmetric: true,
    ring: null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Public API

export interface SolveLowRankOptions {
  /** Override solver knobs (see LowRankSettings). */
  settings?: Partial<LowRankSettings>;
  /** Skip the bifurcation analysis (used internally by sweeps and bifurcation tracking). */
  bifurcations?: boolean;
  /** Extra starting points (e.g. the previous step of a continuation). */
  seeds?: Candidate[];
  /** Skip the chaotic scans and use only `seeds` plus the central chaotic state (continuation mode). */
  chaosFromSeedsOnly?: boolean;
  /** Rank one: static search by the bracketing scan plus `seeds` only (no multi-start Newton). */
  noMultiStart?: boolean;
  /** Delta(tau) of chaotic states on theory.tauMax / tauPoints (default true; sweeps turn it off). */
  autocovariance?: boolean;
  /** Shared averagers (so repeated calls reuse quadrature rules). */
  averager?: Averager;
  checkAverager?: Averager;
}

export type { Candidate as LowRankSeed };

/**
 * All stationary solutions of the low-rank DMFT at the model's parameters (spec 01 §4–§6): trivial, static
 * (all branches, stable and unstable) and chaotic, with stability of static states (§5), bifurcation points
 * of the rank-one families (§4.4, §4.5) and the ring report (§4.6).
 */
export function solveLowRank(model: LowRankModel, theory: TheorySettings, opts: SolveLowRankOptions = {}): LowRankTheory {
  const t0 = performance.now();
  const P = lowRankProblem(model);
  const S = lowRankSettings(theory, opts.settings);
  const avg = opts.averager ?? makeAverager(P.phi, theory.quadrature);
  const chk = opts.checkAverager ?? makeAverager(P.phi, S.checkQuadrature);
  const ev0 = avg.evaluations + chk.evaluations;
  const ctx: Ctx = { P, avg, chk, S, notes: [], inadmissible: 0, failed: 0, tau: opts.autocovariance === false ? null : tauGrid(theory.tauMax, theory.tauPoints) };
  const solutions: LowRankSolution[] = [];

  if (P.trivial) solutions.push(trivialSolution(ctx));

  let ring: RingReport | null = null;
  if (P.ring) {
    ring = solveRing(ctx, solutions, opts);
  } else {
    // static
    const ts = performance.now();
    const stat = findStatic(P, avg, S, (opts.seeds ?? []).filter((s) => s.type === 'static'), !opts.noMultiStart);
    ctx.failed += stat.failed;
    for (const c of stat.found) {
      if (isTrivialRoot(P, avg, c)) continue;
      const res = newtonJ((y) => staticSystem(P, avg, y), [...c.kappa, c.D0], S.tolStatic, 3);
      solutions.push(staticSolution(ctx, { ...c, kappa: res.y.slice(0, P.R), D0: res.y[P.R], Dinf: res.y[P.R] }, res.iterations, res.residual, ts));
    }
    // chaotic
    if (P.g > 0) {
      const seeds: Candidate[] = (opts.seeds ?? []).filter((s) => s.type === 'chaotic');
      const haveCentral = seeds.some((c) => maxAbs(c.kappa) <= S.centralTol);
      if (P.symmetric && !haveCentral) {
        const zero = new Array<number>(P.R).fill(0);
        for (const v of chaoticAtFixedKappa(P, avg, S, zero)) seeds.push({ type: 'chaotic', kappa: zero, D0: v.D0, Dinf: v.Dinf });
      }
      if (!opts.chaosFromSeedsOnly) {
        if (P.R === 1) seeds.push(...scanChaoticRankOne(P, avg, S));
        else seeds.push(...chaoticSeedsGeneral(P, avg, S));
      }
      polishChaotic(ctx, seeds, solutions);
    }
  }
  labelBranches(P, S, solutions);
  classifyChaos(P, avg, solutions);
  const order = { trivial: 0, static: 1, chaotic: 2 } as const;
  const bo = (b: string) => (['plus', 'central', 'minus', 'ring'].indexOf(b) + 1 || 9);
  solutions.sort((a, b) => order[a.type] - order[b.type] || bo(a.branch) - bo(b.branch) || b.kappa[0] - a.kappa[0]);

  const bifurcations: LowRankBifurcations = opts.bifurcations === false ? { computed: false, notes: ['not computed (bifurcations: false)'] } : lowRankBifurcations(model, theory, S, { averager: avg, checkAverager: chk });

  return {
    kind: 'lowrank',
    g: P.g,
    rank: P.R,
    phi: P.phi.name,
    solutions,
    bifurcations,
    ring,
    settings: { ...S, quadrature: { ...theory.quadrature } },
    diagnostics: {
      seconds: (performance.now() - t0) / 1000,
      averagerEvaluations: avg.evaluations + chk.evaluations - ev0,
      inadmissible: ctx.inadmissible,
      failed: ctx.failed,
      notes: ctx.notes,
    },
  };
}

function solveRing(ctx: Ctx, solutions: LowRankSolution[], opts: SolveLowRankOptions): RingReport {
  const { P, avg, S } = ctx;
  const ringInfo = P.ring!;
  const Q = radialProblem(P);
  const qctx: Ctx = { ...ctx, P: Q };
  // Delta0 fixed by rho2 [phi'](0, Delta0) = 1 (any nonzero kappa needs it)
  let d0: number | null = null;
  const f = (D: number) => ringInfo.rho2 * avg.moments(0, D).dphi - 1;
  if (f(0) > 0) {
    let hi = 1;
    while (f(hi) > 0 && hi < 1e8) hi *= 2;
    if (f(hi) <= 0) d0 = brent(f, 0, hi, { xtol: 1e-15 * hi }).x;
  }
  const local: LowRankSolution[] = [];
  const stat = findStatic(Q, avg, S);
  const ts = performance.now();
  for (const c of stat.found) {
    if (isTrivialRoot(Q, avg, c)) continue;
    if (c.kappa[0] < -S.centralTol) continue; // -K is the same ring
    local.push(staticSolution(qctx, c, 0, 0, ts));
  }
  if (P.g > 0) {
    const seeds: Candidate[] = [];
    for (const v of chaoticAtFixedKappa(Q, avg, S, [0])) seeds.push({ type: 'chaotic', kappa: [0], D0: v.D0, Dinf: v.Dinf });
    if (!opts.chaosFromSeedsOnly) seeds.push(...scanChaoticRankOne(Q, avg, S));
    seeds.push(...(opts.seeds ?? []).filter((s) => s.type === 'chaotic' && s.kappa.length === 1));
    polishChaotic(qctx, seeds, local);
  }
  ctx.failed = qctx.failed + stat.failed;
  ctx.inadmissible = qctx.inadmissible;
  let Kstatic: number | null = null;
  let Kchaotic: number | null = null;
  for (const s of local) {
    if (s.kappa[0] < -S.centralTol) continue;
    const K = s.kappa[0];
    const full = new Array<number>(P.R).fill(0);
    full[0] = K;
    const isRing = K > S.centralTol;
    const sol: LowRankSolution = { ...s, kappa: full, b: full.map((k) => ringInfo.rho2 * k), branch: isRing ? 'ring' : '' };
    if (s.type === 'static') {
      // stability in the full rank-R model; the R - 1 tangential modes are exactly marginal
      const st = structured(P, full);
      const m = avg.moments(st.mu, s.delta0);
      sol.stability = staticStability(stabilityModel(P), { kappa: full }, m, isRing ? { marginalModes: P.R - 1 } : {});
      sol.stable = sol.stability.stable;
      if (isRing) Kstatic = K;
    } else if (isRing) Kchaotic = K;
    solutions.push(sol);
  }
  return {
    rho2: ringInfo.rho2,
    sigma2: ringInfo.sigma2,
    delta0: d0,
    Kstatic,
    Kchaotic,
    everyDirection: true,
    note: 'zero means and Cnm = rho2 I, Cmm = sigma2 I: kappa = K u for every unit vector u; reported with u = e_1. Solved as the radial rank-one problem (spec 01 §4.6).',
  };
}

// ---------------------------------------------------------------------------------------------------------
// Sweeps

export interface LowRankSweep {
  g: number[];
  results: LowRankTheory[];
  bifurcations: LowRankBifurcations;
  seconds: number;
}

/**
 * Solutions for each g in gValues (other parameters fixed), for bifurcation diagrams (M&O Fig. 1C).
 * Static states: the rank-one bracketing scan at every g, plus Newton from the previous g's states (multi-start
 * Newton only at the first g and for rank >= 2). Chaotic states: Newton continuation of the previous g's
 * chaotic states, seeded at g_C from the bifurcation point; for the rank-one symmetric family a full chaotic
 * scan runs whenever g is inside (g_C, g_BB) and a +/- branch is missing; for other models at every g.
 */
export function sweepLowRank(
  model: LowRankModel,
  theory: TheorySettings,
  gValues: number[],
  opts: { settings?: Partial<LowRankSettings>; averager?: Averager } = {},
): LowRankSweep {
  const t0 = performance.now();
  const P0 = lowRankProblem(model);
  const S = lowRankSettings(theory, opts.settings);
  const avg = opts.averager ?? makeAverager(P0.phi, theory.quadrature);
  const chk = makeAverager(P0.phi, S.checkQuadrature);
  const bif = lowRankBifurcations(model, theory, S, { averager: avg, checkAverager: chk });
  const results: LowRankTheory[] = [];
  let prev: Candidate[] = [];
  let prevPrev: Candidate[] = [];
  let prevG = NaN;
  let prevPrevG = NaN;
  const Ssweep: LowRankSettings = { ...S, scanPoints: Math.min(S.scanPoints, 81) };
  const knownFamily = bif.family === 'rank-one symmetric';
  const gC = bif.gC?.g;
  const gBB = bif.gBB?.g;
  for (const g of gValues) {
    const m: LowRankModel = { ...model, g };
    // previous states, moved along the secant through the last two g (matched by type and nearest kappa)
    const seeds: Candidate[] = prev.map((c) => {
      if (!(prevPrevG < prevG)) return c;
      let best: Candidate | null = null;
      for (const q of prevPrev) if (q.type === c.type && (!best || Math.abs(q.kappa[0] - c.kappa[0]) < Math.abs(best.kappa[0] - c.kappa[0]))) best = q;
      if (!best || Math.abs(best.kappa[0] - c.kappa[0]) > 0.2 * Math.max(1, Math.abs(c.kappa[0]))) return c;
      const w = (g - prevG) / (prevG - prevPrevG);
      const ex = (a: number, b: number) => a + w * (a - b);
      const D0 = ex(c.D0, best.D0);
      const Dinf = Math.min(ex(c.Dinf, best.Dinf), D0);
      return D0 > 0 ? { type: c.type, kappa: c.kappa.map((k, i) => ex(k, best!.kappa[i])), D0, Dinf: c.type === 'static' ? D0 : Math.max(Dinf, 0), alt: c } : c;
    });
    // entering the bistable-chaos window: seed from the bifurcation point at g_C (a regular root of the
    // deflated chaotic system there, with Delta_inf = Delta0)
    if (gC !== undefined && bif.gC && g > gC && !(prevG > gC)) {
      const y = bif.gC;
      for (const sgn of [1, -1]) seeds.push({ type: 'chaotic', kappa: y.kappa.map((k) => sgn * k), D0: y.delta0, Dinf: y.delta0 });
    }
    const base: SolveLowRankOptions = { settings: Ssweep, bifurcations: false, seeds, averager: avg, checkAverager: chk, autocovariance: false };
    let r = solveLowRank(m, theory, { ...base, chaosFromSeedsOnly: knownFamily && results.length > 0, noMultiStart: results.length > 0 });
    if (knownFamily && gC !== undefined && gBB !== undefined && g > gC && g < gBB) {
      const pm = r.solutions.filter((s) => s.type === 'chaotic' && (s.branch === 'plus' || s.branch === 'minus'));
      if (pm.length < 2) r = solveLowRank(m, theory, { ...base, noMultiStart: true });
    }
    r.bifurcations = { computed: false, notes: ['see sweep.bifurcations'] };
    results.push(r);
    prevPrev = prev;
    prevPrevG = prevG;
    prev = r.solutions.filter((s) => s.type !== 'trivial').map((s) => ({ type: s.type as 'static' | 'chaotic', kappa: s.kappa, D0: s.delta0, Dinf: s.deltaInf }));
    prevG = g;
  }
  return { g: gValues.slice(), results, bifurcations: bif, seconds: (performance.now() - t0) / 1000 };
}
