/**
 * Stationary single-site DMFT of the i.i.d. network (spec 03 §2) in the form the dimension theory (pr.ts)
 * needs: q = C^x(0), C^x(tau) = Delta(tau), C^phi(tau) = C_phi(Delta(tau); q), <phi'> and r = g^2 <phi'>^2,
 * for the flow dx/dt = -x + J phi(x) and for the Euler map with step delta.
 *
 * Flow (§2.2, §2.3): q from the energy condition (2.2) by `scs.ts: scsChaotic`; Delta(tau) by the quadrature
 * inversion of the energy integral (`scs.ts: deltaByInversion`, potential from the Mehler series of Phi), which
 * is the stable first-order energy form of §2.3 item 4 evaluated without any ODE stepping. The lags are the
 * nodes of Gauss–Legendre panels (16 nodes, width <= min(0.25, 1/g)) on [0, T], T the first panel end where
 * Delta < 1e-6 q; beyond T the tail is analytic, Delta = Delta(T) e^{-lambda (tau - T)} and
 * C^phi = C^phi(T) e^{-lambda (tau - T)} (relative error O((Delta/q)^2) = 1e-12).
 *
 * Map (§2.4): shooting on q for the lag recursion (2.3), bisection on the sign of the eventual failure,
 * cut at 1e-6 q and continued with the geometric tail mu^k; delta = 1 is the scalar equation q = g^2 [phi^2].
 *
 * Only odd phi (tanh default, erf, user odd phi): the static plateau of general phi (§2.2, last paragraph) is
 * not implemented and is refused with a named error.
 */
import type { QuadratureSettings } from '../../spec/types.js';
import { getPhi, type PhiDef } from '../../phi.js';
import { makeAverager, type Averager } from '../gauss.js';
import { legendreRule } from '../quad.js';
import type { Diagnostics } from '../types.js';
import { scsChaotic, scsStatic, scsLambda, scsPhiSeries, scsPotentialGaps, deltaByInversion } from '../scs.js';

/** Diagnostics of every dimension-theory result: the common shape plus every numeric knob used. */
export interface DimensionDiagnostics extends Diagnostics {
  settings: Record<string, number | string | boolean>;
}

/**
 * Default Gaussian quadrature (spec 03 §2.3 item 1: trapezoid in z). hx 0.15 gives the z-spacing
 * h = min(0.25, hx / sqrt(q)) = 0.17, 0.10, 0.063, 0.036 at g = 1.5, 2, 3, 5: within the spec's 0.25/g, but
 * coarser than its 0.04 below g = 5. The rule converges like exp(-2 pi d / h), d = pi / (2 sqrt q), which is
 * far below round-off at these h; q agrees with the independent Mehler route to 2.7e-15 (docs/NUMERICS.md).
 */
export const DIMENSION_QUADRATURE: QuadratureSettings = Object.freeze({
  method: 'trapezoid',
  order: 200,
  zMax: 9.5,
  hx: 0.15,
  closedForms: true,
}) as QuadratureSettings;

/** Thrown for phi the stationary dimension theory does not cover (non-odd phi: static plateau, §2.2). */
export class UnsupportedPhiError extends Error {
  constructor(name: string) {
    super(
      `dimension theory: phi "${name}" is not odd; the plateau Delta_inf > 0 of general phi (spec 03 §2.2) and the ` +
        'mean subtraction it needs are not implemented (only odd phi such as tanh and erf are supported)',
    );
    this.name = 'UnsupportedPhiError';
  }
}

export const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now()) / 1000;

function resolvePhi(phi: string | PhiDef | undefined): PhiDef {
  const p = typeof phi === 'string' || phi === undefined ? getPhi(phi ?? 'tanh') : phi;
  if (!p.odd) throw new UnsupportedPhiError(p.name);
  if (p.bound === undefined) throw new RangeError(`dimension theory: phi "${p.name}" is unbounded; no chaotic state exists`);
  return p;
}

export interface DmftOptions {
  /** Nonlinearity name or definition (default 'tanh'). */
  phi?: string | PhiDef;
  /** Gaussian averages (default: the TypeScript reference with DIMENSION_QUADRATURE). */
  averager?: Averager;
  quadrature?: QuadratureSettings;
}

// ------------------------------------------------------------------------------------------------------------
// Flow

export interface FlowDmftOptions extends DmftOptions {
  /** Lag panel width = panelScale * min(0.25, 1/g) (default 1; pr.ts uses 0.5 for its resolution check). */
  panelScale?: number;
  /** Gauss–Legendre nodes per lag panel (default 16). */
  glNodes?: number;
  /** The lag grid ends at the first panel end where Delta < cut q (default 1e-6). */
  cut?: number;
}

/**
 * Stationary flow DMFT on Gauss–Legendre lag nodes plus an analytic exponential tail. The stored lag
 * functions are exact integrands: int_0^inf f(t) dt = sum_i w_i f(tau_i) + f(T)/lambda for f = C^x, C^phi.
 */
export interface FlowDmft {
  kind: 'flow';
  g: number;
  phi: string;
  /** q = C^x(0) = Delta0. */
  q: number;
  /** C^phi(0) = [phi^2](0, q). */
  cphi0: number;
  /** <phi'> = [phi'](0, q). */
  dphi: number;
  /** Loop gain r = g^2 <phi'>^2 (< 1 in the chaotic state). */
  r: number;
  /** Tail decay rate lambda = sqrt(1 - r) (§2.2). */
  lambda: number;
  /** Lag nodes (ascending, inside (0, T)) and their Gauss–Legendre weights. */
  tau: Float64Array;
  weights: Float64Array;
  /** C^x and C^phi at the lag nodes. */
  cx: Float64Array;
  cphi: Float64Array;
  /** End of the lag grid and the function values there (start of the analytic tail). */
  T: number;
  cxT: number;
  cphiT: number;
  diagnostics: DimensionDiagnostics;
}

/** Delta(tau) at arbitrary ascending lags for given (g, q): the inversion of scs.ts with its diagnostics. */
function deltaCurve(g: number, q: number, av: Averager) {
  const series = scsPhiSeries(q, av);
  const P = scsPotentialGaps(g, series);
  return { series, at: (taus: number[]) => deltaByInversion(P, taus) };
}

/** Solve the stationary flow DMFT (spec 03 §2.2–2.3) at coupling g > 1 for an odd bounded phi. */
export function solveFlowDmft(g: number, opts: FlowDmftOptions = {}): FlowDmft {
  const t0 = now();
  const phi = resolvePhi(opts.phi);
  if (!(g > 1) || !Number.isFinite(g)) throw new RangeError(`solveFlowDmft: the chaotic state needs g > 1 (got ${g})`);
  const quad = opts.quadrature ?? DIMENSION_QUADRATURE;
  const av = opts.averager ?? makeAverager(phi, quad);
  if (av.phi.name !== phi.name) throw new Error(`solveFlowDmft: averager is for phi "${av.phi.name}", not "${phi.name}"`);
  const panelScale = opts.panelScale ?? 1;
  const nGl = opts.glNodes ?? 16;
  const cut = opts.cut ?? 1e-6;
  const ev0 = av.evaluations;

  const ch = scsChaotic(g, av, { tol: 1e-10 });
  const q = ch.delta0;
  const m = av.moments(0, q);
  const dphi = m.dphi;
  const cphi0 = m.phi2;
  const r = g * g * dphi * dphi;
  const lambda = scsLambda(g, q, av);
  const curve = deltaCurve(g, q, av);

  // panel ends until Delta < cut q
  const W = panelScale * Math.min(0.25, 1 / g);
  let nPanels = Math.ceil((Math.log(1 / cut) + 4) / lambda / W);
  let ends: number[] = [];
  let endDelta: number[] = [];
  let endIterations = 0;
  let endConverged = true;
  for (let attempt = 0; attempt < 6; attempt++) {
    ends = Array.from({ length: nPanels + 1 }, (_, j) => j * W);
    const res = curve.at(ends);
    endDelta = res.delta;
    endIterations += res.diagnostics.iterations;
    endConverged = res.diagnostics.converged;
    if (endDelta[nPanels] < cut * q) break;
    nPanels *= 2;
  }
  let P = endDelta.findIndex((d) => d < cut * q);
  if (P < 1) throw new Error(`solveFlowDmft: Delta(tau) did not fall below ${cut} q up to tau = ${nPanels * W} (g = ${g})`);
  const T = P * W;

  const { x, w } = legendreRule(nGl);
  const nNodes = P * nGl;
  const tau = new Float64Array(nNodes);
  const weights = new Float64Array(nNodes);
  for (let p = 0; p < P; p++) {
    for (let i = 0; i < nGl; i++) {
      tau[p * nGl + i] = (p + 0.5) * W + 0.5 * W * x[i];
      weights[p * nGl + i] = 0.5 * W * w[i];
    }
  }
  const res = curve.at([...tau, T]);
  const cx = new Float64Array(nNodes);
  const cphi = new Float64Array(nNodes);
  let monotone = true;
  let bounded = true;
  for (let i = 0; i < nNodes; i++) {
    const d = res.delta[i];
    cx[i] = d;
    if (!(d >= 0 && d <= q)) bounded = false;
    if (i > 0 && d > cx[i - 1]) monotone = false;
    cphi[i] = av.twoPoint(Math.min(Math.max(d, 0), q), 0, q).Cphi;
  }
  const cxT = res.delta[nNodes];
  const cphiT = av.twoPoint(Math.max(cxT, 0), 0, q).Cphi;
  // tail model check: C^phi(T) / (<phi'>^2 Delta(T)) - 1 = O((Delta/q)^2)
  const tailModel = Math.abs(cphiT / (dphi * dphi * cxT) - 1);

  const inv = res.diagnostics;
  const residual = Math.max(ch.diagnostics.residual, inv.residual);
  const converged = ch.diagnostics.converged && inv.converged && endConverged && curve.series.converged && monotone && bounded;
  return {
    kind: 'flow',
    g,
    phi: phi.name,
    q,
    cphi0,
    dphi,
    r,
    lambda,
    tau,
    weights,
    cx,
    cphi,
    T,
    cxT,
    cphiT,
    diagnostics: {
      residual,
      iterations: ch.diagnostics.iterations + endIterations + inv.iterations,
      converged,
      method: 'energy condition (brent) + quadrature inversion of the energy integral',
      seconds: now() - t0,
      settings: {
        phi: phi.name,
        quadrature: `${quad.method} zMax ${quad.zMax} hx ${quad.hx}`,
        panelWidth: W,
        glNodes: nGl,
        cut,
        T,
        lagNodes: nNodes,
      },
      details: {
        energyResidual: ch.diagnostics.residual,
        inversionResidual: inv.residual,
        mehlerTerms: curve.series.K,
        mehlerCheck: curve.series.check,
        monotone,
        bounded,
        tailModelError: tailModel,
        averagerCalls: av.evaluations - ev0,
      },
    },
  };
}

/** C^x(tau) and C^phi(tau) of a flow solution on any ascending lag grid (e.g. for plots). */
export function flowCorrelations(sol: FlowDmft, taus: number[], opts: DmftOptions = {}): { cx: number[]; cphi: number[]; diagnostics: Diagnostics } {
  const phi = resolvePhi(opts.phi ?? sol.phi);
  const av = opts.averager ?? makeAverager(phi, opts.quadrature ?? DIMENSION_QUADRATURE);
  const res = deltaCurve(sol.g, sol.q, av).at(taus);
  return { cx: res.delta, cphi: res.delta.map((d) => av.twoPoint(Math.min(Math.max(d, 0), sol.q), 0, sol.q).Cphi), diagnostics: res.diagnostics };
}

/**
 * C(omega) = 2 int_0^inf C(t) cos(omega t) dt of the flow lag functions (panels + the exponential tail,
 * int_T^inf A e^{-lambda (t-T)} cos(omega t) dt = A (lambda cos wT - w sin wT)/(lambda^2 + w^2)).
 */
export function flowSpectrum(sol: FlowDmft, omega: number): { cx: number; cphi: number } {
  const { tau, weights, cx, cphi, T, lambda } = sol;
  let sx = 0;
  let sp = 0;
  for (let i = 0; i < tau.length; i++) {
    const c = weights[i] * Math.cos(omega * tau[i]);
    sx += c * cx[i];
    sp += c * cphi[i];
  }
  const tail = (lambda * Math.cos(omega * T) - omega * Math.sin(omega * T)) / (lambda * lambda + omega * omega);
  return { cx: 2 * (sx + sol.cxT * tail), cphi: 2 * (sp + sol.cphiT * tail) };
}

// ------------------------------------------------------------------------------------------------------------
// Euler map

export interface MapDmftOptions extends DmftOptions {
  /** Lag series cut: continue analytically once Delta(k) < cut q (default 1e-6). */
  cut?: number;
  /** Largest number of lag steps of one shooting trajectory (default 2e5). */
  maxLags?: number;
}

export interface MapDmft {
  kind: 'map';
  g: number;
  delta: number;
  phi: string;
  q: number;
  cphi0: number;
  dphi: number;
  r: number;
  /** Geometric tail factor mu < 1: C(k) = C(K) mu^(k-K) for k > K (0 at delta = 1). */
  mu: number;
  /** C^x(k), C^phi(k) for k = 0..K. */
  cx: Float64Array;
  cphi: Float64Array;
  /** The whole accepted shooting trajectory (down to ~1e-8 q), for re-cutting (`recutMapDmft`). */
  trajectory: { cx: Float64Array; cphi: Float64Array };
  diagnostics: DimensionDiagnostics;
}

type Outcome = 'up' | 'down';

/** Solve the stationary Euler-map DMFT (spec 03 §2.4) with step 0 < delta <= 1 at g > 1. */
export function solveMapDmft(g: number, delta: number, opts: MapDmftOptions = {}): MapDmft {
  const t0 = now();
  const phi = resolvePhi(opts.phi);
  if (!(g > 1) || !Number.isFinite(g)) throw new RangeError(`solveMapDmft: the chaotic state needs g > 1 (got ${g})`);
  if (!(delta > 0 && delta <= 1)) throw new RangeError(`solveMapDmft: the map step delta must be in (0, 1] (got ${delta})`);
  const quad = opts.quadrature ?? DIMENSION_QUADRATURE;
  const av = opts.averager ?? makeAverager(phi, quad);
  if (av.phi.name !== phi.name) throw new Error(`solveMapDmft: averager is for phi "${av.phi.name}", not "${phi.name}"`);
  const cut = opts.cut ?? 1e-6;
  const maxLags = opts.maxLags ?? 200000;
  const ev0 = av.evaluations;
  const g2 = g * g;
  const settings = { phi: phi.name, quadrature: `${quad.method} zMax ${quad.zMax} hx ${quad.hx}`, delta, cut, maxLags };

  if (delta === 1) {
    // white activity: q = g^2 [phi^2](0, q), the static equation of spec 01 §3.2
    const st = scsStatic(g, av, { tol: 1e-12 });
    const q = st.delta0;
    const m = av.moments(0, q);
    return {
      kind: 'map',
      g,
      delta,
      phi: phi.name,
      q,
      cphi0: m.phi2,
      dphi: m.dphi,
      r: g2 * m.dphi * m.dphi,
      mu: 0,
      cx: Float64Array.of(q),
      cphi: Float64Array.of(m.phi2),
      trajectory: { cx: Float64Array.of(q), cphi: Float64Array.of(m.phi2) },
      diagnostics: {
        ...st.diagnostics,
        method: 'delta = 1: brent on q = g^2 [phi^2](0, q)',
        seconds: now() - t0,
        settings,
        details: { ...st.diagnostics.details, averagerCalls: av.evaluations - ev0 },
      },
    };
  }

  const b = 1 - delta;
  const d2g2 = delta * delta * g2;
  const cphiAt = (c: number, q: number): number => av.twoPoint(c, 0, q).Cphi;
  // one shooting trajectory: the lags until it fails (turns upward or crosses zero)
  const shoot = (q: number): { outcome: Outcome; lags: number[]; cph: number[]; minRatio: number } => {
    const lags = [q];
    const cph = [cphiAt(q, q)];
    let prev = q;
    let cur = ((1 + b * b) * q - d2g2 * cph[0]) / (2 * b);
    if (cur >= q) return { outcome: 'up', lags, cph, minRatio: 1 };
    for (let k = 1; k < maxLags; k++) {
      if (cur < 0) return { outcome: 'down', lags, cph, minRatio: prev / q };
      lags.push(cur);
      const c = cphiAt(cur, q);
      cph.push(c);
      const next = ((1 + b * b) * cur - d2g2 * c) / b - prev;
      if (next >= cur) return { outcome: 'up', lags, cph, minRatio: cur / q };
      prev = cur;
      cur = next;
    }
    throw new Error(`solveMapDmft: a shooting trajectory neither failed nor decayed in ${maxLags} lags (g = ${g}, delta = ${delta})`);
  };

  const qFlow = scsChaotic(g, av, { tol: 1e-10 }).delta0;
  let lo = 0.98 * qFlow;
  let hi = Math.min(1.02 * qFlow, g2 * (av.phi.bound ?? 1) ** 2);
  let sLo = shoot(lo);
  let sHi = shoot(hi);
  let iterations = 2;
  for (let i = 0; i < 60 && sLo.outcome === sHi.outcome; i++) {
    lo *= 0.8;
    hi = Math.min(hi * 1.25, g2 * (av.phi.bound ?? 1) ** 2);
    sLo = shoot(lo);
    sHi = shoot(hi);
    iterations += 2;
  }
  if (sLo.outcome === sHi.outcome) throw new Error(`solveMapDmft: could not bracket q (g = ${g}, delta = ${delta})`);
  for (let i = 0; i < 200 && hi - lo > 2 * Number.EPSILON * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    const s = shoot(mid);
    iterations++;
    if (s.outcome === sLo.outcome) {
      lo = mid;
      sLo = s;
    } else {
      hi = mid;
      sHi = s;
    }
  }
  const best = sLo.minRatio <= sHi.minRatio ? sLo : sHi;
  const trajectory = { cx: Float64Array.from(best.lags), cphi: Float64Array.from(best.cph) };
  const q = trajectory.cx[0];
  const m = av.moments(0, q);
  const base = {
    kind: 'map' as const,
    g,
    delta,
    phi: phi.name,
    q,
    cphi0: trajectory.cphi[0],
    dphi: m.dphi,
    r: g2 * m.dphi * m.dphi,
    mu: 0,
    cx: trajectory.cx,
    cphi: trajectory.cphi,
    trajectory,
    diagnostics: {
      residual: NaN,
      iterations,
      converged: false,
      method: 'shooting on q (bisection) for the lag recursion (2.3) + geometric tail',
      settings,
      details: { bracketWidth: (hi - lo) / q, deepestRatio: best.minRatio, flowQ: qFlow, averagerCalls: av.evaluations - ev0 },
    },
  };
  const out = recutMapDmft(base, cut);
  out.diagnostics.seconds = now() - t0;
  return out;
}

/**
 * The map solution with the lag series cut at the first k where Delta(k) < cut q, continued by the geometric
 * tail mu^k (mu + 1/mu = (1 + b^2 - delta^2 r)/b). Reuses the stored shooting trajectory (no new solve), so
 * pr.ts can check the cut. Residual: max_k |(2.3)| / (delta^2 g^2 C^phi(0)) over k = 0..K with the tail value
 * at K + 1.
 */
export function recutMapDmft(sol: MapDmft, cut: number): MapDmft {
  if (sol.delta === 1) return sol;
  const { g, delta, q, r, trajectory } = sol;
  const b = 1 - delta;
  const d2g2 = delta * delta * g * g;
  const K = trajectory.cx.findIndex((d) => d < cut * q);
  const reached = K > 0;
  const Kc = reached ? K : trajectory.cx.length - 1;
  const a = (1 + b * b - delta * delta * r) / (2 * b);
  const mu = a - Math.sqrt(a * a - 1);
  const cx = trajectory.cx.slice(0, Kc + 1);
  const cphi = trajectory.cphi.slice(0, Kc + 1);
  let residual = 0;
  for (let k = 0; k <= Kc; k++) {
    const left = k === 0 ? cx[1] : cx[k - 1];
    const right = k < Kc ? cx[k + 1] : mu * cx[Kc];
    const res = (1 + b * b) * cx[k] - b * (left + right) - d2g2 * cphi[k];
    residual = Math.max(residual, Math.abs(res) / (d2g2 * cphi[0]));
  }
  return {
    ...sol,
    mu,
    cx,
    cphi,
    diagnostics: {
      ...sol.diagnostics,
      residual,
      // the residual is relative to delta^2 g^2 C^phi(0), which shrinks like delta^2 while the rounding of the
      // unstable mode (amplified by 1/Delta near the cut) does not: observed 1.5e-6 at g = 3, delta = 0.05,
      // cut 1e-7, where PR changes by 6e-13 against cut 1e-6; 1e-5 still flags a failed shooting (>= 1e-2)
      converged: reached && residual <= 1e-5 && mu < 1,
      settings: { ...sol.diagnostics.settings, cut, lags: Kc + 1 },
      details: { ...sol.diagnostics.details, cutReached: reached },
    },
  };
}

/** C(theta) = C(0) + 2 sum_n C(n) cos(n theta) of the map lag functions, with the geometric tail. */
export function mapSpectrum(sol: MapDmft, theta: number): { cx: number; cphi: number } {
  const { cx, cphi, mu } = sol;
  const K = cx.length - 1;
  let sx = 0;
  let sp = 0;
  for (let n = 1; n <= K; n++) {
    const c = Math.cos(n * theta);
    sx += cx[n] * c;
    sp += cphi[n] * c;
  }
  // sum_{n > K} C(K) mu^(n-K) cos(n theta) = C(K) Re[e^{i theta K} mu e^{i theta} / (1 - mu e^{i theta})]
  let tail = 0;
  if (mu > 0) {
    const ck = Math.cos(theta);
    const sk = Math.sin(theta);
    const dr = 1 - mu * ck;
    const di = -mu * sk;
    const nr = mu * Math.cos((K + 1) * theta);
    const ni = mu * Math.sin((K + 1) * theta);
    tail = (nr * dr + ni * di) / (dr * dr + di * di);
  }
  return { cx: cx[0] + 2 * (sx + cx[K] * tail), cphi: cphi[0] + 2 * (sp + cphi[K] * tail) };
}
