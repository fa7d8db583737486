/**
 * Dimension of activity PR^a/N, a in {x, phi}, at N -> infinity from the two-site cavity (spec 03 §3) with the
 * random-mode factor (1 + 1/rho) of §5.3, for the flow and the Euler map.
 *
 *   PR^a/N = C^a(0)^2 / (C^a(0)^2 + psi^a(0,0))                                        (3.1)
 *   psi^phi(0,0) = (1 + 1/rho) I2 + 2 I1[C^phi],  psi^x(0,0) = (1 + 1/rho) I2/<phi'>^4 + 2 I1[C^x]   (3.4)
 *   N/PR^a = intercept^a + slope^a / rho,  intercept = 1 + psi_iid/C(0)^2,  slope = Q/C(0)^2         (5.1)
 *
 * Route (b) of §3.4 (the exact one-dimensional reduction) is the production route: the inner frequency
 * integral is a Laplace transform L_C(kappa) = int_0^inf C(t) e^{-kappa t} dt of the lag functions (flow) or a
 * power series in beta (map). Route (a), the plain double sum of the kernel (3.2)-(3.3) on a uniform frequency
 * grid, is exported as an independent check (`psiDoubleSumFlow`, `psiDoubleSumMap`).
 *
 * Grids (docs/NUMERICS.md "Dimension of activity"): lag panels of dmft.ts; outer frequency integral over
 * [0, omega_max] (the integrands are even) by 16-node Gauss–Legendre panels graded geometrically (ratio 2) from
 * 1e-3 (1 - r) up to 2, then uniform panels of width 2 up to the first panel end where
 * C^phi(omega) < 1e-15 C^phi(0). Map: the same grading from 1e-3 (1 - r) delta up to min(2 delta, pi), then
 * uniform panels of width min(delta/2, pi/8) up to pi. Resolution check: everything is recomputed with halved
 * lag and frequency panels (and a cut 10x deeper); the largest relative change of PR^x/N, PR^phi/N and of the
 * slopes is the reported residual.
 */
import { solveFlowDmft, solveMapDmft, recutMapDmft, flowSpectrum, mapSpectrum, now, type DimensionDiagnostics, type FlowDmft, type FlowDmftOptions, type MapDmft, type MapDmftOptions } from './dmft.js';
import { legendreRule } from '../quad.js';

/** The pieces of (3.4) and (5.1) at one (g, phi, flow or delta). */
export interface PrPieces {
  /** C^x(0) = q and C^phi(0). */
  cx0: number;
  cphi0: number;
  dphi: number;
  r: number;
  /** I1[C^x], I1[C^phi], I2 of (3.4). */
  I1x: number;
  I1phi: number;
  I2: number;
  /** (5.1): N/PR^a = intercept^a + slope^a / rho. */
  interceptX: number;
  slopeX: number;
  interceptPhi: number;
  slopePhi: number;
  /** Spectral checks: |int C^x(w) dw/2pi - q| / q and the same for C^phi (§2.3 item 6, §3.4 checks). */
  spectralCheckX: number;
  spectralCheckPhi: number;
  /** Outer grid: number of frequency nodes and the upper end (omega_max, or pi for maps). */
  frequencyNodes: number;
  frequencyMax: number;
  /** True when C^phi fell below 1e-15 C^phi(0) before omega = OMEGA_CAP (flow). */
  frequencyRangeOk: boolean;
}

export interface PrResult {
  kind: 'flow' | 'map';
  g: number;
  /** Map step (maps only). */
  delta?: number;
  phi: string;
  /** Effective rank per unit (Infinity: i.i.d. couplings). */
  rho: number;
  /** PR^x/N and PR^phi/N at rho. */
  prX: number;
  prPhi: number;
  /** psi^x(0,0), psi^phi(0,0) at rho. */
  psiX: number;
  psiPhi: number;
  pieces: PrPieces;
  /** The single-site solution the pieces came from. */
  dmft: FlowDmft | MapDmft;
  /** residual: the resolution check (largest relative change under refinement); converged: all checks passed. */
  diagnostics: DimensionDiagnostics;
}

export interface PrOptions {
  /** Effective rank per unit rho = PR^D/N (default Infinity: i.i.d.). */
  rho?: number;
  /** Rerun at doubled resolution and compare (default true). */
  check?: boolean;
  /** Tolerance on the resolution check (default 1e-7 relative). */
  tol?: number;
  /** Tolerance on the spectral checks int C(w) dw/2pi = C(0) (default 1e-10 relative for the flow, spec 03 §2.3 item 6; 1e-9 for maps). */
  spectralTol?: number;
  /** Scale of every outer frequency panel width (default 1). */
  frequencyScale?: number;
}

export type FlowPrOptions = PrOptions & FlowDmftOptions;
export type MapPrOptions = PrOptions & MapDmftOptions;

/** Largest omega searched for the end of C^phi(omega) (flow). */
export const OMEGA_CAP = 2000;

function checkRho(rho: number): void {
  if (!(rho > 0)) throw new RangeError(`PR theory: rho must be > 0 (Infinity for i.i.d.; got ${rho})`);
}

/** PR/N from (5.1) at any rho, given the pieces (no new solve). */
export function prAtRho(pieces: PrPieces, rho: number): { prX: number; prPhi: number; psiX: number; psiPhi: number } {
  checkRho(rho);
  const inv = 1 / rho;
  const { cx0, cphi0 } = pieces;
  return {
    prX: 1 / (pieces.interceptX + pieces.slopeX * inv),
    prPhi: 1 / (pieces.interceptPhi + pieces.slopePhi * inv),
    psiX: cx0 * cx0 * (pieces.interceptX - 1 + pieces.slopeX * inv),
    psiPhi: cphi0 * cphi0 * (pieces.interceptPhi - 1 + pieces.slopePhi * inv),
  };
}

/** Panels [a_j, a_{j+1}] graded geometrically (ratio) from eps to top, preceded by [0, eps]. */
function gradedEdges(eps: number, top: number, ratio: number): number[] {
  const e = [0];
  let x = Math.min(eps, top);
  e.push(x);
  while (x < top) {
    x = Math.min(x * ratio, top);
    if (top - x < 1e-12 * top) x = top;
    e.push(x);
  }
  return e;
}

/** 16-node Gauss–Legendre nodes of the panels between consecutive edges, weights divided by pi (even integrands on [0, top]). */
function panelNodes(edges: number[]): { at: Float64Array; wt: Float64Array } {
  const { x, w } = legendreRule(16);
  const n = 16 * (edges.length - 1);
  const at = new Float64Array(n);
  const wt = new Float64Array(n);
  for (let p = 0; p + 1 < edges.length; p++) {
    const h = edges[p + 1] - edges[p];
    for (let i = 0; i < 16; i++) {
      at[16 * p + i] = edges[p] + 0.5 * h * (1 + x[i]);
      wt[16 * p + i] = (0.5 * h * w[i]) / Math.PI;
    }
  }
  return { at, wt };
}

/** Running sums of the outer integral. */
class Sums {
  I1x = 0;
  I1phi = 0;
  I2 = 0;
  cx = 0;
  cphi = 0;
}

function finishPieces(
  cx0: number,
  cphi0: number,
  dphi: number,
  r: number,
  S: Sums,
  nodes: number,
  top: number,
  rangeOk: boolean,
): PrPieces {
  const { I1x, I1phi, I2 } = S;
  const d4 = dphi * dphi * dphi * dphi;
  return {
    cx0,
    cphi0,
    dphi,
    r,
    I1x,
    I1phi,
    I2,
    interceptX: 1 + (I2 / d4 + 2 * I1x) / (cx0 * cx0),
    slopeX: I2 / d4 / (cx0 * cx0),
    interceptPhi: 1 + (I2 + 2 * I1phi) / (cphi0 * cphi0),
    slopePhi: I2 / (cphi0 * cphi0),
    spectralCheckX: Math.abs(S.cx - cx0) / cx0,
    spectralCheckPhi: Math.abs(S.cphi - cphi0) / cphi0,
    frequencyNodes: nodes,
    frequencyMax: top,
    frequencyRangeOk: rangeOk,
  };
}

// ------------------------------------------------------------------------------------------------------------
// Flow, route (b)

/** The pieces of (3.4)/(5.1) for a flow solution (route (b) of spec 03 §3.4). */
export function flowPieces(sol: FlowDmft, frequencyScale = 1): PrPieces {
  const { r, tau, weights, cx, cphi, T, lambda } = sol;
  const nT = tau.length;
  // end of the frequency range: first uniform panel end with C^phi < 1e-15 C^phi(0)
  const Wu = 2 * frequencyScale;
  let top = 2;
  let rangeOk = false;
  while (top < OMEGA_CAP) {
    top += Wu;
    if (flowSpectrum(sol, top).cphi < 1e-15 * sol.cphi0) {
      rangeOk = true;
      break;
    }
  }
  const edges = gradedEdges(1e-3 * (1 - r), 2, frequencyScale < 1 ? Math.SQRT2 : 2);
  for (let w = 2 + Wu; w < top + 1e-9; w += Wu) edges.push(w);
  const { at, wt: wts } = panelNodes(edges);
  const S = new Sums();
  for (let node = 0; node < at.length; node++) {
    const om = at[node];
    const wt = wts[node];
    // s = 1/(1 + i om), kappa = 1 - r s
    const den = 1 + om * om;
    const sr = 1 / den;
    const si = -om / den;
    const kr = 1 - r * sr;
    const ki = -r * si;
    // one pass over the lags: C(om) (cosine) and L_C(kappa) (Laplace) for C^x and C^phi
    let cosX = 0;
    let cosP = 0;
    let lxr = 0;
    let lxi = 0;
    let lpr = 0;
    let lpi = 0;
    for (let j = 0; j < nT; j++) {
      const t = tau[j];
      const wj = weights[j];
      const c = wj * Math.cos(om * t);
      cosX += c * cx[j];
      cosP += c * cphi[j];
      const e = wj * Math.exp(-kr * t);
      const er = e * Math.cos(ki * t);
      const ei = -e * Math.sin(ki * t);
      lxr += er * cx[j];
      lxi += ei * cx[j];
      lpr += er * cphi[j];
      lpi += ei * cphi[j];
    }
    // tails: int_T^inf A e^{-lambda (t-T)} cos(om t) dt and A e^{-kappa T}/(lambda + kappa)
    const tc = (lambda * Math.cos(om * T) - om * Math.sin(om * T)) / (lambda * lambda + om * om);
    const Cx = 2 * (cosX + sol.cxT * tc);
    const Cp = 2 * (cosP + sol.cphiT * tc);
    const eT = Math.exp(-kr * T);
    const er = eT * Math.cos(ki * T);
    const ei = -eT * Math.sin(ki * T);
    const dr = lambda + kr;
    const di = ki;
    const dd = dr * dr + di * di;
    const qr = (er * dr + ei * di) / dd; // e^{-kappa T}/(lambda + kappa)
    const qi = (ei * dr - er * di) / dd;
    lxr += sol.cxT * qr;
    lxi += sol.cxT * qi;
    lpr += sol.cphiT * qr;
    lpi += sol.cphiT * qi;
    // Re[r s L] = r (sr Lr - si Li)
    S.I1x += wt * Cx * r * (sr * lxr - si * lxi);
    S.I1phi += wt * Cp * r * (sr * lpr - si * lpi);
    S.I2 += (wt * Cp * r * r * (sr * sr + si * si) * lpr) / kr;
    S.cx += wt * Cx;
    S.cphi += wt * Cp;
  }
  return finishPieces(sol.q, sol.cphi0, sol.dphi, r, S, at.length, top, rangeOk);
}

// ------------------------------------------------------------------------------------------------------------
// Map, route (b)

/** The pieces of (3.4)/(5.1) for a map solution (Euler-map version of route (b), spec 03 §3.4). */
export function mapPieces(sol: MapDmft, frequencyScale = 1): PrPieces {
  const { r, delta, cx, cphi, mu } = sol;
  const b = 1 - delta;
  const K = cx.length - 1;
  const top = Math.min(2 * delta, Math.PI);
  const edges = gradedEdges(1e-3 * (1 - r) * delta, top, frequencyScale < 1 ? Math.SQRT2 : 2);
  const Wu = Math.min(delta / 2, Math.PI / 8) * frequencyScale;
  const nu = Math.ceil((Math.PI - top) / Wu - 1e-9);
  for (let j = 1; j <= nu; j++) edges.push(top + ((Math.PI - top) * j) / nu);
  const { at, wt: wts } = panelNodes(edges);
  const S = new Sums();
  // Lambda_C(beta) = sum_{n=1}^K beta^{n-1} C(n) + C(K) beta^K mu/(1 - mu beta); M_C = C(0) + beta Lambda_C
  const lambdaOf = (C: Float64Array, br: number, bi: number): [number, number] => {
    let pr = 0;
    let pi = 0;
    for (let n = K; n >= 1; n--) {
      const nr = pr * br - pi * bi + C[n];
      pi = pr * bi + pi * br;
      pr = nr;
    }
    if (mu > 0 && K > 0) {
      // beta^K by repeated squaring of the complex number
      let zr = 1;
      let zi = 0;
      let ar = br;
      let ai = bi;
      for (let e = K; e > 0; e >>= 1) {
        if (e & 1) {
          const t = zr * ar - zi * ai;
          zi = zr * ai + zi * ar;
          zr = t;
        }
        const t = ar * ar - ai * ai;
        ai = 2 * ar * ai;
        ar = t;
      }
      const dr = 1 - mu * br;
      const di = -mu * bi;
      const dd = dr * dr + di * di;
      const fr = (C[K] * mu * (zr * dr + zi * di)) / dd;
      const fi = (C[K] * mu * (zi * dr - zr * di)) / dd;
      pr += fr;
      pi += fi;
    }
    return [pr, pi];
  };
  for (let node = 0; node < at.length; node++) {
    const th = at[node];
    const wt = wts[node];
    // s = delta z/(1 - b z) = delta/(e^{i th} - b)
    const ur = Math.cos(th) - b;
    const ui = Math.sin(th);
    const uu = ur * ur + ui * ui;
    const sr = (delta * ur) / uu;
    const si = (-delta * ui) / uu;
    const br = b + r * delta * sr;
    const bi = r * delta * si;
    const spec = mapSpectrum(sol, th);
    const [lxr, lxi] = lambdaOf(cx, br, bi);
    const [lpr, lpi] = lambdaOf(cphi, br, bi);
    // M_{C^phi}(beta) = C^phi(0) + beta Lambda
    const mr = cphi[0] + br * lpr - bi * lpi;
    const ss = sr * sr + si * si;
    S.I1x += wt * spec.cx * r * delta * (sr * lxr - si * lxi);
    S.I1phi += wt * spec.cphi * r * delta * (sr * lpr - si * lpi);
    S.I2 += (wt * spec.cphi * r * r * delta * delta * ss * (2 * mr - cphi[0])) / (1 - (br * br + bi * bi));
    S.cx += wt * spec.cx;
    S.cphi += wt * spec.cphi;
  }
  return finishPieces(sol.q, sol.cphi0, sol.dphi, r, S, at.length, Math.PI, true);
}

// ------------------------------------------------------------------------------------------------------------
// Wrappers with the resolution check

function relChange(a: PrPieces, b: PrPieces, rho: number): number {
  const pa = prAtRho(a, rho);
  const pb = prAtRho(b, rho);
  const rel = (u: number, v: number): number => Math.abs(u - v) / Math.max(Math.abs(u), 1e-300);
  return Math.max(rel(pa.prX, pb.prX), rel(pa.prPhi, pb.prPhi), rel(a.interceptX, b.interceptX), rel(a.slopeX, b.slopeX), rel(a.interceptPhi, b.interceptPhi), rel(a.slopePhi, b.slopePhi));
}

function assemble(
  kind: 'flow' | 'map',
  sol: FlowDmft | MapDmft,
  pieces: PrPieces,
  fine: PrPieces | null,
  fineSol: FlowDmft | MapDmft | null,
  rho: number,
  opts: PrOptions,
  t0: number,
): PrResult {
  const tol = opts.tol ?? 1e-7;
  // maps: the lag series carries the rounding of the shooting trajectory (spec 03 §2.4), which the spectral
  // sum picks up over ~1000 lags: observed up to 3.9e-10 at g = 1.5, delta = 0.1 (PR itself changes by 1e-12
  // under a 10x deeper cut), so the map's check is 1e-9; the flow's is the spec's 1e-10
  const spectralTol = opts.spectralTol ?? (kind === 'map' ? 1e-9 : 1e-10);
  const change = fine ? relChange(pieces, fine, rho) : NaN;
  const spectral = Math.max(pieces.spectralCheckX, pieces.spectralCheckPhi);
  const at = prAtRho(pieces, rho);
  const dmftOk = sol.diagnostics.converged && (fineSol === null || fineSol.diagnostics.converged);
  const converged = dmftOk && pieces.frequencyRangeOk && spectral <= spectralTol && (fine === null || change <= tol) && at.prX > 0 && at.prPhi > 0;
  return {
    kind,
    g: sol.g,
    ...(kind === 'map' ? { delta: (sol as MapDmft).delta } : {}),
    phi: sol.phi,
    rho,
    ...at,
    pieces,
    dmft: sol,
    diagnostics: {
      residual: fine ? change : NaN,
      iterations: sol.diagnostics.iterations + (fineSol?.diagnostics.iterations ?? 0),
      converged,
      method: `two-site cavity, route (b) of spec 03 §3.4 (${kind})`,
      seconds: now() - t0,
      settings: {
        ...sol.diagnostics.settings,
        rho,
        frequencyScale: opts.frequencyScale ?? 1,
        frequencyNodes: pieces.frequencyNodes,
        frequencyMax: pieces.frequencyMax,
        resolutionCheck: fine !== null,
        tol,
        spectralTol,
      },
      details: {
        spectralCheckX: pieces.spectralCheckX,
        spectralCheckPhi: pieces.spectralCheckPhi,
        frequencyRangeOk: pieces.frequencyRangeOk,
        dmftConverged: sol.diagnostics.converged,
        dmftResidual: sol.diagnostics.residual,
        ...(fine ? { refinedPrX: prAtRho(fine, rho).prX, refinedPrPhi: prAtRho(fine, rho).prPhi, refinedFrequencyNodes: fine.frequencyNodes } : {}),
      },
    },
  };
}

/** PR^x/N and PR^phi/N of the flow at coupling g (tanh default) and effective rank rho (spec 03 §3, §5.3). */
export function prFlow(g: number, opts: FlowPrOptions = {}): PrResult {
  const t0 = now();
  const rho = opts.rho ?? Infinity;
  checkRho(rho);
  const fs = opts.frequencyScale ?? 1;
  const sol = solveFlowDmft(g, opts);
  const pieces = flowPieces(sol, fs);
  let fine: PrPieces | null = null;
  let fineSol: FlowDmft | null = null;
  if (opts.check ?? true) {
    fineSol = solveFlowDmft(g, { ...opts, panelScale: (opts.panelScale ?? 1) / 2, cut: (opts.cut ?? 1e-6) / 10 });
    fine = flowPieces(fineSol, fs / 2);
  }
  return assemble('flow', sol, pieces, fine, fineSol, rho, opts, t0);
}

/** PR^x/N and PR^phi/N of the Euler map with step delta (spec 03 §3.3 "Euler map", §3.4, §5.3). */
export function prMap(g: number, delta: number, opts: MapPrOptions = {}): PrResult {
  const t0 = now();
  const rho = opts.rho ?? Infinity;
  checkRho(rho);
  const fs = opts.frequencyScale ?? 1;
  const sol = solveMapDmft(g, delta, opts);
  const pieces = mapPieces(sol, fs);
  let fine: PrPieces | null = null;
  let fineSol: MapDmft | null = null;
  if (opts.check ?? true) {
    fineSol = delta === 1 ? sol : recutMapDmft(sol, (opts.cut ?? 1e-6) / 10);
    fine = mapPieces(fineSol, fs / 2);
  }
  return assemble('map', sol, pieces, fine, fineSol, rho, opts, t0);
}

// ------------------------------------------------------------------------------------------------------------
// Route (a): direct double sum of the kernel (3.2)-(3.3) on a uniform grid

/** psi^x(0,0), psi^phi(0,0) by the double sum over a uniform grid (values s, C^x, C^phi, weight per point). */
function doubleSum(
  sr: Float64Array,
  si: Float64Array,
  Cx: Float64Array,
  Cp: Float64Array,
  wt: number,
  r: number,
  dphi: number,
  rho: number,
): { psiX: number; psiPhi: number } {
  const n = sr.length;
  const f = 1 + 1 / rho;
  let sUU = 0; // sum |U|^2 Cp Cp
  let sReP = 0; // sum Re U Cp Cp
  let sReX = 0; // sum Re U Cx Cx
  for (let j = 0; j < n; j++) {
    const ajr = r * sr[j];
    const aji = r * si[j];
    for (let k = 0; k < n; k++) {
      // p = r s_j s_k, U = p/(1 - p)
      const pr = ajr * sr[k] - aji * si[k];
      const pi = ajr * si[k] + aji * sr[k];
      const dr = 1 - pr;
      const dd = dr * dr + pi * pi;
      const ur = (pr * dr - pi * pi) / dd;
      const uu = (pr * pr + pi * pi) / dd;
      const pp = Cp[j] * Cp[k];
      sUU += uu * pp;
      sReP += ur * pp;
      sReX += ur * Cx[j] * Cx[k];
    }
  }
  const w2 = wt * wt;
  const d4 = dphi * dphi * dphi * dphi;
  return { psiX: w2 * ((f * sUU) / d4 + 2 * sReX), psiPhi: w2 * (f * sUU + 2 * sReP) };
}

/**
 * Route (a) of spec 03 §3.4 for the flow: omega_j = j dOmega, |omega_j| <= omegaMax, weight dOmega/2pi.
 * Exponentially accurate in the period 2pi/dOmega (error ~ exp(-(1 - r) 2pi/dOmega)); cost O(points^2).
 */
export function psiDoubleSumFlow(sol: FlowDmft, opts: { dOmega: number; omegaMax: number; rho?: number }): { psiX: number; psiPhi: number; points: number } {
  const M = Math.floor(opts.omegaMax / opts.dOmega);
  const n = 2 * M + 1;
  const sr = new Float64Array(n);
  const si = new Float64Array(n);
  const Cx = new Float64Array(n);
  const Cp = new Float64Array(n);
  for (let j = 0; j <= M; j++) {
    const om = j * opts.dOmega;
    const c = flowSpectrum(sol, om);
    for (const [idx, o] of [[M + j, om], [M - j, -om]] as const) {
      const den = 1 + o * o;
      sr[idx] = 1 / den;
      si[idx] = -o / den;
      Cx[idx] = c.cx;
      Cp[idx] = c.cphi;
    }
  }
  return { ...doubleSum(sr, si, Cx, Cp, opts.dOmega / (2 * Math.PI), sol.r, sol.dphi, opts.rho ?? Infinity), points: n };
}

/** Route (a) for the map: theta_j = 2 pi j / points on the whole circle (trapezoid = exact periodic sum). */
export function psiDoubleSumMap(sol: MapDmft, opts: { points: number; rho?: number }): { psiX: number; psiPhi: number; points: number } {
  const n = opts.points;
  const b = 1 - sol.delta;
  const sr = new Float64Array(n);
  const si = new Float64Array(n);
  const Cx = new Float64Array(n);
  const Cp = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const th = (2 * Math.PI * j) / n;
    const ur = Math.cos(th) - b;
    const ui = Math.sin(th);
    const uu = ur * ur + ui * ui;
    sr[j] = (sol.delta * ur) / uu;
    si[j] = (-sol.delta * ui) / uu;
    const c = mapSpectrum(sol, th);
    Cx[j] = c.cx;
    Cp[j] = c.cphi;
  }
  return { ...doubleSum(sr, si, Cx, Cp, 1 / n, sol.r, sol.dphi, opts.rho ?? Infinity), points: n };
}

/**
 * Pieces for given lag functions of a noise-driven LINEAR map (phi = identity, <phi'> = 1): used for the exact
 * check of spec 03 §5.3, where C^x = C^phi is white with variance q and r = g^2.
 */
export function linearWhiteMapPieces(g: number, q = 1, frequencyScale = 1): PrPieces {
  if (!(g > 0 && g < 1)) throw new RangeError(`linearWhiteMapPieces: needs 0 < g < 1 (got ${g})`);
  const sol: MapDmft = {
    kind: 'map',
    g,
    delta: 1,
    phi: 'linear',
    q,
    cphi0: q,
    dphi: 1,
    r: g * g,
    mu: 0,
    cx: Float64Array.of(q),
    cphi: Float64Array.of(q),
    trajectory: { cx: Float64Array.of(q), cphi: Float64Array.of(q) },
    diagnostics: { residual: 0, iterations: 0, converged: true, method: 'exact', settings: {} },
  };
  return mapPieces(sol, frequencyScale);
}
