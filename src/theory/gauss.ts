/**
 * Gaussian averages of phi and its relatives (spec 01 §2): one-point brackets [f](mu, D), two-point
 * functions C_f(c; mu, D0), Mehler series. This TypeScript implementation is the reference that the Wasm
 * averager (assembly/gauss.ts) is tested against; solvers only see the `Averager` interface.
 *
 * How each quantity is computed (details and measured errors in docs/NUMERICS.md, "Quadrature"):
 * * moments(mu, D): one pass of the rule of quad.ts (trapezoid or Gauss–Hermite) over the ten integrands;
 *   D = 0 is a point evaluation. For phi = erf with `closedForms`, everything is closed form (spec 01 §2.2,
 *   plus [phi phi'] and [phi phi''] by completing the square) except [phi^2] and [Phi^2] at mu != 0, which
 *   are 1-D Gauss–Legendre integrals of the elementary C_{phi'} (graded panels, ~100 nodes, ~1e-16).
 * * twoPoint(c, mu, D0): ends c = 0 and c = D0 reduce to one-point brackets. Trapezoid settings:
 *     c <= D0/2             Mehler series sum_k a_k^2 (c/D0)^k with (c/D0)^(K+1) < 1e-17 (K <= 57 terms)
 *     D0 - c <= 0.01        outer trapezoid in sqrt(c) z, inner Gauss–Hermite (order 8; 24 for user phi) in sqrt(D0 - c) x
 *     otherwise             nested trapezoid on one aligned x-grid (spacing min(hx, sqrt(c)/4, sqrt(D0-c)/4)):
 *                           f is evaluated once per grid point and the inner average is a discrete correlation.
 *   Gauss–Hermite settings: outer x inner Gauss–Hermite product rule of order q.order.
 *   erf with `closedForms`: C_{phi'} closed form; C_phi, C_Phi closed form at mu = 0, else a 1-D
 *   Gauss–Legendre integral of C_{phi'} (the same as for moments).
 */
import type { PhiDef } from '../phi.js';
import type { QuadratureSettings } from '../spec/types.js';
import { erf } from '../math/erf.js';
import { hermiteRule, legendreRule, trapezoidDensity, trapezoidRule, type Rule } from './quad.js';

/** One-point brackets [f](mu, D) for the ten integrands the theory uses. */
export interface Moments {
  phi: number;
  dphi: number;
  d2phi: number;
  d3phi: number;
  phi2: number;
  dphi2: number;
  phidphi: number;
  phid2phi: number;
  Phi: number;
  Phi2: number;
}

/** Two-point functions C_f(c; mu, D0) = E[f(x1) f(x2)], var x_i = D0, cov = c, for f = phi, Phi, phi'. */
export interface TwoPoint {
  Cphi: number;
  CPhi: number;
  Cdphi: number;
}

/**
 * Gaussian averager. Implementations: `makeAverager` (this file, TypeScript reference) and the Wasm SIMD
 * averager. `evaluations` counts calls of moments() and twoPoint() since creation (solvers report it).
 */
export interface Averager {
  readonly phi: PhiDef;
  readonly settings: QuadratureSettings;
  /** [f](mu, D) for the ten integrands of `Moments`. D >= 0; D = 0 is a point evaluation. Writes into `out` if given. */
  moments(mu: number, D: number, out?: Moments): Moments;
  /** C_f(c; mu, D0) for f = phi, Phi, phi'; requires 0 <= c <= D0. Writes into `out` if given. */
  twoPoint(c: number, mu: number, D0: number, out?: TwoPoint): TwoPoint;
  evaluations: number;
}

export function emptyMoments(): Moments {
  return { phi: 0, dphi: 0, d2phi: 0, d3phi: 0, phi2: 0, dphi2: 0, phidphi: 0, phid2phi: 0, Phi: 0, Phi2: 0 };
}

export function emptyTwoPoint(): TwoPoint {
  return { Cphi: 0, CPhi: 0, Cdphi: 0 };
}

const PI = Math.PI;
const PI_2 = Math.PI / 2;
const PI_4 = Math.PI / 4;
const TWO_OVER_PI = 2 / Math.PI;
const SQRT_PI_2 = 0.886226925452758; // sqrt(pi) / 2 correctly rounded, as in assembly/phi.ts (Math.sqrt(Math.PI) / 2 is 1 ulp low)

/** Regime boundaries of twoPoint (trapezoid settings); see the file header. */
export const TWO_POINT_MEHLER_MAX_RATIO = 0.5;
/** Mehler terms used for c/D0 = r: enough that r^(K+1) < 1e-17 (K <= 57 for r <= 0.5). */
export function twoPointMehlerTerms(r: number): number {
  return r <= 0 ? 0 : Math.max(2, Math.ceil(Math.log(1e-17) / Math.log(r)) - 1);
}
const MEHLER_MAX_TERMS = twoPointMehlerTerms(TWO_POINT_MEHLER_MAX_RATIO);
/** Below this inner variance e = D0 - c the aligned grid gets expensive (spacing ~ sqrt(e)/4): inner Gauss–Hermite. */
export const TWO_POINT_INNER_GH_VAR = 0.01;
/**
 * Inner Gauss–Hermite order for e <= TWO_POINT_INNER_GH_VAR: 8 for tanh and erf (measured error <= 1e-15 up to
 * e = 0.015, see tests), 24 for other phi (whose analyticity strip is unknown).
 */
export function innerHermiteOrder(analytic: boolean): number {
  return analytic ? 8 : 24;
}

// ---------------------------------------------------------------------------------------------------------
// Node evaluation: phi, phi', phi'', phi''', Phi at many x in one call (specialised loops for built-ins).

const KIND_TANH = 0;
const KIND_ERF = 1;
const KIND_GENERIC = 2;

class Scratch {
  x = new Float64Array(0);
  p = new Float64Array(0);
  d1 = new Float64Array(0);
  d2 = new Float64Array(0);
  d3 = new Float64Array(0);
  F = new Float64Array(0);
  ensure(n: number): void {
    if (this.x.length >= n) return;
    const m = Math.max(n, 2 * this.x.length);
    this.x = new Float64Array(m);
    this.p = new Float64Array(m);
    this.d1 = new Float64Array(m);
    this.d2 = new Float64Array(m);
    this.d3 = new Float64Array(m);
    this.F = new Float64Array(m);
  }
}

/** Fill s.p, s.d1, s.F (and s.d2, s.d3 when `full`) at s.x[0..n). */
function fillValues(kind: number, phi: PhiDef, s: Scratch, n: number, full: boolean): void {
  const X = s.x;
  const P = s.p;
  const D1 = s.d1;
  const D2 = s.d2;
  const D3 = s.d3;
  const F = s.F;
  if (kind === KIND_TANH) {
    for (let j = 0; j < n; j++) {
      const x = X[j];
      const a = Math.abs(x);
      let E: number;
      let em: number;
      if (a < 0.5) {
        em = Math.expm1(-2 * a);
        E = 1 + em;
      } else {
        E = Math.exp(-2 * a);
        em = E - 1;
      }
      const ope = 1 + E;
      let t = -em / ope;
      if (x < 0) t = -t;
      const d1 = (4 * E) / (ope * ope);
      P[j] = t;
      D1[j] = d1;
      F[j] = a + Math.log1p(0.5 * em);
      if (full) {
        D2[j] = -2 * t * d1;
        D3[j] = -2 * d1 * (1 - 3 * t * t);
      }
    }
  } else if (kind === KIND_ERF) {
    for (let j = 0; j < n; j++) {
      const x = X[j];
      const q = PI_4 * x * x;
      let e: number;
      let em: number;
      if (q < 0.5) {
        em = Math.expm1(-q);
        e = 1 + em;
      } else {
        e = Math.exp(-q);
        em = e - 1;
      }
      const p = erf(SQRT_PI_2 * x);
      P[j] = p;
      D1[j] = e;
      F[j] = x * p + TWO_OVER_PI * em;
      if (full) {
        D2[j] = -PI_2 * x * e;
        D3[j] = PI_2 * (PI_2 * x * x - 1) * e;
      }
    }
  } else {
    const f = phi.f;
    const df = phi.df;
    const Fp = phi.F;
    for (let j = 0; j < n; j++) {
      const x = X[j];
      P[j] = f(x);
      D1[j] = df(x);
      F[j] = Fp(x);
    }
    if (full) {
      const d2f = phi.d2f;
      const d3f = phi.d3f;
      for (let j = 0; j < n; j++) {
        D2[j] = d2f(X[j]);
        D3[j] = d3f(X[j]);
      }
    }
  }
}

function pointMoments(phi: PhiDef, x: number, out: Moments): Moments {
  const p = phi.f(x);
  const d1 = phi.df(x);
  const d2 = phi.d2f(x);
  const d3 = phi.d3f(x);
  const F = phi.F(x);
  out.phi = p;
  out.dphi = d1;
  out.d2phi = d2;
  out.d3phi = d3;
  out.phi2 = p * p;
  out.dphi2 = d1 * d1;
  out.phidphi = p * d1;
  out.phid2phi = p * d2;
  out.Phi = F;
  out.Phi2 = F * F;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// erf closed forms (spec 01 §2.2)

/** C_{phi'}(c; mu, D0) for phi = erf(sqrt(pi) x / 2). */
export function erfCdphi(c: number, mu: number, D0: number): number {
  const A = 1 + PI_2 * (D0 + c);
  const B = 1 + PI_2 * (D0 - c);
  return Math.exp((-PI_2 * mu * mu) / A) / Math.sqrt(A * B);
}

const GL_PANEL_ORDER = 16;

/**
 * I0 = int_0^c C_{phi'}(c') dc',  I1 = int_0^c (c - c') C_{phi'}(c') dc'  (erf, any mu), by Gauss–Legendre on
 * panels graded towards c: C_{phi'} has its nearest branch point at c' = D0 + 2/pi, so panel lengths are
 * kept <= their distance to it (each panel's rule then converges like 5.8^-32).
 */
export function erfPriceIntegrals(c: number, mu: number, D0: number): [number, number] {
  if (c <= 0) return [0, 0];
  const { x, w } = legendreRule(GL_PANEL_ORDER);
  const d = D0 - c + TWO_OVER_PI;
  let I0 = 0;
  let I1 = 0;
  let e = 0;
  const mu2 = mu * mu;
  while (e < c) {
    const eNext = Math.min(c, 2 * e + d);
    const lo = c - eNext;
    const hi = c - e;
    const mid = 0.5 * (lo + hi);
    const half = 0.5 * (hi - lo);
    let s0 = 0;
    let s1 = 0;
    for (let i = 0; i < GL_PANEL_ORDER; i++) {
      const cp = mid + half * x[i];
      const A = 1 + PI_2 * (D0 + cp);
      const B = 1 + PI_2 * (D0 - cp);
      const v = (w[i] * Math.exp((-PI_2 * mu2) / A)) / Math.sqrt(A * B);
      s0 += v;
      s1 += (c - cp) * v;
    }
    I0 += half * s0;
    I1 += half * s1;
    e = eNext;
  }
  return [I0, I1];
}

/** [phi], [phi'] - 1 (precise near 0) and [Phi] for erf. */
function erfBasics(mu: number, D: number): { phi: number; em1: number; Phi: number } {
  const a = 1 + PI_2 * D;
  const phi = erf((SQRT_PI_2 * mu) / Math.sqrt(a));
  const em1 = Math.expm1((-PI_4 * mu * mu) / a - 0.5 * Math.log1p(PI_2 * D));
  const Phi = mu * phi + D * (1 + em1) + TWO_OVER_PI * em1;
  return { phi, em1, Phi };
}

function erfMoments(mu: number, D: number, out: Moments): Moments {
  const a = 1 + PI_2 * D;
  const b = 1 + PI * D;
  const { phi, em1, Phi } = erfBasics(mu, D);
  const dphi = 1 + em1;
  const q = (PI_2 * mu) / a;
  out.phi = phi;
  out.dphi = dphi;
  out.d2phi = -q * dphi;
  out.d3phi = dphi * (q * q - PI_2 / a);
  out.dphi2 = Math.exp((-PI_2 * mu * mu) / b) / Math.sqrt(b);
  // e^{-pi x^2/4} N(x; mu, D) = [phi'] N(x; mu/a, D/a); under N(mu', D') the erf variance factor is a' = b/a.
  out.phidphi = dphi * erf((SQRT_PI_2 * mu) / Math.sqrt(a * b));
  const mup = mu / a;
  const Dp = D / a;
  const ap = b / a;
  const phiP = erf((SQRT_PI_2 * mup) / Math.sqrt(ap));
  const dphiP = Math.exp((-PI_4 * mup * mup) / ap) / Math.sqrt(ap);
  out.phid2phi = -PI_2 * dphi * (mup * phiP + Dp * dphiP);
  out.Phi = Phi;
  if (mu === 0) {
    const u = (PI_2 * D) / a; // k D
    const sq = Math.sqrt((1 / a) * (1 + u)); // sqrt(1 - u^2), with 1 - u = 1/a exactly
    const as = Math.asin(u);
    out.phi2 = TWO_OVER_PI * as;
    out.Phi2 = Phi * Phi + TWO_OVER_PI * D * (as - u / (1 + sq));
  } else {
    const [I0, I1] = erfPriceIntegrals(D, mu, D);
    out.phi2 = phi * phi + I0;
    out.Phi2 = Phi * Phi + D * phi * phi + I1;
  }
  return out;
}

function erfTwoPoint(c: number, mu: number, D0: number, out: TwoPoint): TwoPoint {
  const { phi, Phi } = erfBasics(mu, D0);
  out.Cdphi = erfCdphi(c, mu, D0);
  if (mu === 0) {
    const a = 1 + PI_2 * D0;
    const u = (PI_2 * c) / a; // k c
    const sq = Math.sqrt(((1 + PI_2 * (D0 - c)) / a) * (1 + u)); // sqrt(1 - u^2)
    const as = Math.asin(u);
    out.Cphi = TWO_OVER_PI * as;
    out.CPhi = Phi * Phi + TWO_OVER_PI * c * (as - u / (1 + sq));
  } else {
    const [I0, I1] = erfPriceIntegrals(c, mu, D0);
    out.Cphi = phi * phi + I0;
    out.CPhi = Phi * Phi + c * phi * phi + I1;
  }
  return out;
}

let SQRT_INT = new Float64Array(0);
let INV_SQRT_INT = new Float64Array(0);
function ensureSqrtTable(K: number): void {
  if (SQRT_INT.length > K) return;
  const L = Math.max(K + 1, 2 * SQRT_INT.length, 64);
  SQRT_INT = new Float64Array(L);
  INV_SQRT_INT = new Float64Array(L);
  for (let k = 0; k < L; k++) {
    SQRT_INT[k] = Math.sqrt(k);
    INV_SQRT_INT[k] = k > 0 ? 1 / Math.sqrt(k) : 0;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The TypeScript averager

function checkSettings(q: QuadratureSettings): void {
  if (q.method !== 'trapezoid' && q.method !== 'gauss-hermite') {
    throw new Error(`quadrature.method must be 'trapezoid' or 'gauss-hermite' (got "${q.method}")`);
  }
  if (q.method === 'trapezoid') {
    if (!(q.zMax > 0) || !(q.hx > 0)) throw new RangeError(`quadrature: zMax and hx must be > 0 (got ${q.zMax}, ${q.hx})`);
  } else if (!(q.order >= 1) || !Number.isInteger(q.order)) {
    throw new RangeError(`quadrature.order must be a positive integer (got ${q.order})`);
  }
}

/** Relative slack allowed on 0 <= c <= D0 before twoPoint throws (rounding in callers). */
const C_SLACK = 1e-13;

ensureSqrtTable(2 * MEHLER_MAX_TERMS);

class TsAverager implements Averager {
  evaluations = 0;
  readonly phi: PhiDef;
  readonly settings: QuadratureSettings;
  private readonly kind: number;
  private readonly erfClosed: boolean;
  private readonly s = new Scratch();
  private readonly trapRules = new Map<number, Rule>();
  private readonly mh = new Float64Array(3 * (MEHLER_MAX_TERMS + 1));
  private wo = new Float64Array(0);
  private wi = new Float64Array(0);
  private vals = new Float64Array(0);

  constructor(phi: PhiDef, settings: QuadratureSettings) {
    checkSettings(settings);
    this.phi = phi;
    this.settings = { ...settings };
    this.kind = phi.code === 0 ? KIND_TANH : phi.code === 1 ? KIND_ERF : KIND_GENERIC;
    this.erfClosed = phi.code === 1 && settings.closedForms;
  }

  private rule(D: number): Rule {
    const q = this.settings;
    if (q.method === 'gauss-hermite') return hermiteRule(q.order);
    const m = trapezoidDensity(D, q.hx);
    let r = this.trapRules.get(m);
    if (!r) {
      r = trapezoidRule(m, q.zMax);
      this.trapRules.set(m, r);
    }
    return r;
  }

  moments(mu: number, D: number, out: Moments = emptyMoments()): Moments {
    this.evaluations++;
    if (!Number.isFinite(mu) || !(D >= 0) || !Number.isFinite(D)) {
      throw new RangeError(`moments: need finite mu and D >= 0 (got mu = ${mu}, D = ${D})`);
    }
    if (this.erfClosed) return erfMoments(mu, D, out);
    if (D === 0) return pointMoments(this.phi, mu, out);
    return this.momentsQuad(mu, D, out);
  }

  private momentsQuad(mu: number, D: number, out: Moments): Moments {
    const { z, w } = this.rule(D);
    const n = z.length;
    const s = this.s;
    s.ensure(n);
    const sd = Math.sqrt(D);
    const X = s.x;
    for (let j = 0; j < n; j++) X[j] = mu + sd * z[j];
    fillValues(this.kind, this.phi, s, n, true);
    const P = s.p;
    const D1 = s.d1;
    const D2 = s.d2;
    const D3 = s.d3;
    const F = s.F;
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    let m5 = 0;
    let m6 = 0;
    let m7 = 0;
    let m8 = 0;
    let m9 = 0;
    for (let j = 0; j < n; j++) {
      const wj = w[j];
      const p = P[j];
      const d1 = D1[j];
      const f = F[j];
      const wp = wj * p;
      m0 += wp;
      m1 += wj * d1;
      m2 += wj * D2[j];
      m3 += wj * D3[j];
      m4 += wp * p;
      m5 += wj * d1 * d1;
      m6 += wp * d1;
      m7 += wp * D2[j];
      m8 += wj * f;
      m9 += wj * f * f;
    }
    out.phi = m0;
    out.dphi = m1;
    out.d2phi = m2;
    out.d3phi = m3;
    out.phi2 = m4;
    out.dphi2 = m5;
    out.phidphi = m6;
    out.phid2phi = m7;
    out.Phi = m8;
    out.Phi2 = m9;
    return out;
  }

  twoPoint(c: number, mu: number, D0: number, out: TwoPoint = emptyTwoPoint()): TwoPoint {
    this.evaluations++;
    c = checkTwoPointArgs(c, mu, D0);
    if (D0 === 0) {
      const p = this.phi.f(mu);
      const F = this.phi.F(mu);
      const d = this.phi.df(mu);
      out.Cphi = p * p;
      out.CPhi = F * F;
      out.Cdphi = d * d;
      return out;
    }
    if (this.erfClosed) return erfTwoPoint(c, mu, D0, out);
    if (c === 0 || c === D0) {
      const m = this.momentsQuad(mu, D0, emptyMoments());
      if (c === 0) {
        out.Cphi = m.phi * m.phi;
        out.CPhi = m.Phi * m.Phi;
        out.Cdphi = m.dphi * m.dphi;
      } else {
        out.Cphi = m.phi2;
        out.CPhi = m.Phi2;
        out.Cdphi = m.dphi2;
      }
      return out;
    }
    if (this.settings.method === 'gauss-hermite') return this.twoPointNestedGH(c, mu, D0, out);
    if (c <= TWO_POINT_MEHLER_MAX_RATIO * D0) return this.twoPointMehler(c, mu, D0, out);
    if (D0 - c <= TWO_POINT_INNER_GH_VAR) return this.twoPointInnerGH(c, mu, D0, out);
    return this.twoPointAligned(c, mu, D0, out);
  }

  /** c <= D0/2: C_f(c) = sum_k a_k^2 (c/D0)^k with a_k = E[f He_k]/sqrt(k!), k <= twoPointMehlerTerms(c/D0). */
  private twoPointMehler(c: number, mu: number, D0: number, out: TwoPoint): TwoPoint {
    const K = twoPointMehlerTerms(c / D0);
    const { z, w } = this.rule(D0);
    const n = z.length;
    const s = this.s;
    s.ensure(n);
    const sd = Math.sqrt(D0);
    for (let j = 0; j < n; j++) s.x[j] = mu + sd * z[j];
    fillValues(this.kind, this.phi, s, n, false);
    const a = this.mh;
    a.fill(0);
    const P = s.p;
    const F = s.F;
    const D1 = s.d1;
    for (let j = 0; j < n; j++) {
      const zj = z[j];
      const wp = w[j] * P[j];
      const wF = w[j] * F[j];
      const wd = w[j] * D1[j];
      let pkm1 = 0;
      let pk = 1;
      for (let k = 0; k <= K; k++) {
        a[k] += wp * pk;
        a[K + 1 + k] += wF * pk;
        a[2 * K + 2 + k] += wd * pk;
        const pn = (zj * pk - SQRT_INT[k] * pkm1) * INV_SQRT_INT[k + 1];
        pkm1 = pk;
        pk = pn;
      }
    }
    const r = c / D0;
    let cp = 0;
    let cF = 0;
    let cd = 0;
    for (let k = K; k >= 0; k--) {
      cp = cp * r + a[k] * a[k];
      cF = cF * r + a[K + 1 + k] * a[K + 1 + k];
      cd = cd * r + a[2 * K + 2 + k] * a[2 * K + 2 + k];
    }
    out.Cphi = cp;
    out.CPhi = cF;
    out.Cdphi = cd;
    return out;
  }

  /** c close to D0: outer trapezoid over sqrt(c) z, inner Gauss–Hermite over sqrt(D0 - c) x. */
  private twoPointInnerGH(c: number, mu: number, D0: number, out: TwoPoint): TwoPoint {
    const ro = this.rule(c);
    const gh = hermiteRule(innerHermiteOrder(this.kind !== KIND_GENERIC));
    const no = ro.z.length;
    const ni = gh.z.length;
    const so = Math.sqrt(c);
    const si = Math.sqrt(D0 - c);
    const s = this.s;
    s.ensure(no * ni);
    const X = s.x;
    for (let j = 0; j < no; j++) {
      const y = mu + so * ro.z[j];
      for (let i = 0; i < ni; i++) X[j * ni + i] = y + si * gh.z[i];
    }
    fillValues(this.kind, this.phi, s, no * ni, false);
    const P = s.p;
    const F = s.F;
    const D1 = s.d1;
    const wi = gh.w;
    let cp = 0;
    let cF = 0;
    let cd = 0;
    for (let j = 0; j < no; j++) {
      let gp = 0;
      let gF = 0;
      let gd = 0;
      const base = j * ni;
      for (let i = 0; i < ni; i++) {
        const wv = wi[i];
        gp += wv * P[base + i];
        gF += wv * F[base + i];
        gd += wv * D1[base + i];
      }
      const wo = ro.w[j];
      cp += wo * gp * gp;
      cF += wo * gF * gF;
      cd += wo * gd * gd;
    }
    out.Cphi = cp;
    out.CPhi = cF;
    out.Cdphi = cd;
    return out;
  }

  /** Nested trapezoid on one aligned x-grid: x_m = mu + m delta; outer nodes j delta, inner offsets i delta. */
  private twoPointAligned(c: number, mu: number, D0: number, out: TwoPoint): TwoPoint {
    const q = this.settings;
    const so = Math.sqrt(c);
    const si = Math.sqrt(D0 - c);
    const delta = Math.min(q.hx, 0.25 * so, 0.25 * si);
    const Jo = Math.floor((q.zMax * so) / delta + 1e-9);
    const Ji = Math.floor((q.zMax * si) / delta + 1e-9);
    const M = Jo + Ji;
    const nx = 2 * M + 1;
    const s = this.s;
    s.ensure(nx);
    const X = s.x;
    for (let m = 0; m < nx; m++) X[m] = mu + (m - M) * delta;
    fillValues(this.kind, this.phi, s, nx, false);
    if (this.wo.length < Jo + 1) this.wo = new Float64Array(2 * (Jo + 1));
    if (this.wi.length < Ji + 1) this.wi = new Float64Array(2 * (Ji + 1));
    const wo = this.wo;
    const wi = this.wi;
    const ho = delta / so;
    const hi = delta / si;
    const NRM = 0.3989422804014327;
    for (let j = 0; j <= Jo; j++) {
      const t = j * ho;
      wo[j] = ho * NRM * Math.exp(-0.5 * t * t);
    }
    for (let i = 0; i <= Ji; i++) {
      const t = i * hi;
      wi[i] = hi * NRM * Math.exp(-0.5 * t * t);
    }
    // interleave (phi, Phi, phi') per grid point: one cache line serves all three correlations
    if (this.vals.length < 3 * nx) this.vals = new Float64Array(6 * nx);
    const V = this.vals;
    {
      const P = s.p;
      const F = s.F;
      const D1 = s.d1;
      for (let m = 0; m < nx; m++) {
        V[3 * m] = P[m];
        V[3 * m + 1] = F[m];
        V[3 * m + 2] = D1[m];
      }
    }
    let cp = 0;
    let cF = 0;
    let cd = 0;
    const w0 = wi[0];
    for (let j = -Jo; j <= Jo; j++) {
      const k0 = 3 * (j + M);
      let gp = w0 * V[k0];
      let gF = w0 * V[k0 + 1];
      let gd = w0 * V[k0 + 2];
      for (let i = 1; i <= Ji; i++) {
        const wv = wi[i];
        const kp = k0 + 3 * i;
        const km = k0 - 3 * i;
        gp += wv * (V[kp] + V[km]);
        gF += wv * (V[kp + 1] + V[km + 1]);
        gd += wv * (V[kp + 2] + V[km + 2]);
      }
      const wv = wo[j < 0 ? -j : j];
      cp += wv * gp * gp;
      cF += wv * gF * gF;
      cd += wv * gd * gd;
    }
    out.Cphi = cp;
    out.CPhi = cF;
    out.Cdphi = cd;
    return out;
  }

  /** Gauss–Hermite settings: product rule of order q.order in both variables. */
  private twoPointNestedGH(c: number, mu: number, D0: number, out: TwoPoint): TwoPoint {
    const gh = hermiteRule(this.settings.order);
    const n = gh.z.length;
    const so = Math.sqrt(c);
    const si = Math.sqrt(D0 - c);
    const s = this.s;
    s.ensure(n * n);
    const X = s.x;
    for (let j = 0; j < n; j++) {
      const y = mu + so * gh.z[j];
      for (let i = 0; i < n; i++) X[j * n + i] = y + si * gh.z[i];
    }
    fillValues(this.kind, this.phi, s, n * n, false);
    let cp = 0;
    let cF = 0;
    let cd = 0;
    for (let j = 0; j < n; j++) {
      let gp = 0;
      let gF = 0;
      let gd = 0;
      for (let i = 0; i < n; i++) {
        const wv = gh.w[i];
        gp += wv * s.p[j * n + i];
        gF += wv * s.F[j * n + i];
        gd += wv * s.d1[j * n + i];
      }
      const wv = gh.w[j];
      cp += wv * gp * gp;
      cF += wv * gF * gF;
      cd += wv * gd * gd;
    }
    out.Cphi = cp;
    out.CPhi = cF;
    out.Cdphi = cd;
    return out;
  }
}

/**
 * Validate the arguments of twoPoint (shared by every Averager): finite c, mu and D0 >= 0, with
 * 0 <= c <= D0 up to a relative slack that is clamped away (rounding in the callers). Returns c.
 */
export function checkTwoPointArgs(c: number, mu: number, D0: number): number {
  if (!Number.isFinite(mu) || !(D0 >= 0) || !Number.isFinite(D0) || !Number.isFinite(c)) {
    throw new RangeError(`twoPoint: need finite c, mu and D0 >= 0 (got c = ${c}, mu = ${mu}, D0 = ${D0})`);
  }
  if (c < 0 || c > D0) {
    if (c < -C_SLACK * D0 || c > D0 * (1 + C_SLACK)) {
      throw new RangeError(`twoPoint: need 0 <= c <= D0 (got c = ${c}, D0 = ${D0}); negative c is not supported`);
    }
    c = c < 0 ? 0 : D0;
  }
  return c;
}

/** TypeScript reference averager for phi with the given quadrature settings. */
export function makeAverager(phi: PhiDef, q: QuadratureSettings): Averager {
  return new TsAverager(phi, q);
}

/** [f](mu, D) for an arbitrary function with the rule of `q` (no closed forms). */
export function gaussAverage(f: (x: number) => number, mu: number, D: number, q: QuadratureSettings): number {
  checkSettings(q);
  if (!(D >= 0)) throw new RangeError(`gaussAverage: need D >= 0 (got ${D})`);
  if (D === 0) return f(mu);
  const r = q.method === 'gauss-hermite' ? hermiteRule(q.order) : trapezoidRule(trapezoidDensity(D, q.hx), q.zMax);
  const sd = Math.sqrt(D);
  let s = 0;
  for (let j = 0; j < r.z.length; j++) s += r.w[j] * f(mu + sd * r.z[j]);
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Mehler series (spec 01 §2)

export interface MehlerGridOptions {
  /** Largest node spacing in x-units before the oscillation allowance (default 0.15). */
  hx?: number;
  /** Half-width of the z-grid (default 13.5: sqrt(phi(z)) < 1e-19 beyond, needed for high orders). */
  zMax?: number;
}

/**
 * Mehler coefficients a_k = E[f(mu + sqrt(D0) z) He_k(z)] / sqrt(k!), k = 0..K, by the trapezoid rule on a
 * uniform z-grid with the stable recursion for normalised Hermite functions
 * psi_k = (z psi_{k-1} - sqrt(k-1) psi_{k-2}) / sqrt(k), psi_0 = sqrt(w). The spacing resolves both f
 * (hx/sqrt(D0)) and the oscillation of psi_K (wavenumber ~ sqrt(K)): 1/h = ceil(max(4, sqrt(D0)/hx) + sqrt(K)/pi).
 * Also returns f2 = [f^2] on the same grid (for the truncation check).
 */
export function mehlerCoefficients(
  f: (x: number) => number,
  mu: number,
  D0: number,
  K: number,
  opts: MehlerGridOptions = {},
): { a: Float64Array; f2: number; nodes: number } {
  if (!(D0 > 0)) throw new RangeError(`mehlerCoefficients: need D0 > 0 (got ${D0})`);
  if (!(K >= 0) || !Number.isInteger(K)) throw new RangeError(`mehlerCoefficients: K must be a non-negative integer`);
  ensureSqrtTable(K);
  const hx = opts.hx ?? 0.15;
  const Z = opts.zMax ?? 13.5;
  const m = Math.ceil(Math.max(4, Math.sqrt(D0) / hx) + Math.sqrt(K) / Math.PI);
  const { z, w } = trapezoidRule(m, Z);
  const n = z.length;
  const a = new Float64Array(K + 1);
  const sd = Math.sqrt(D0);
  let f2 = 0;
  for (let j = 0; j < n; j++) {
    const fv = f(mu + sd * z[j]);
    const sw = Math.sqrt(w[j]);
    f2 += w[j] * fv * fv;
    const g = fv * sw;
    const zj = z[j];
    let pm1 = 0;
    let p = sw;
    a[0] += g * p;
    for (let k = 1; k <= K; k++) {
      const pn = (zj * p - SQRT_INT[k - 1] * pm1) * INV_SQRT_INT[k];
      pm1 = p;
      p = pn;
      a[k] += g * p;
    }
  }
  return { a, f2, nodes: n };
}

/** A truncated Mehler series C_f(c) = sum_{k<=K} a_k^2 (c/D0)^k at fixed (mu, D0). */
export interface MehlerSeries {
  mu: number;
  D0: number;
  K: number;
  /** a_k^2, k = 0..K. */
  a2: Float64Array;
  /** tail[j] = sum_{k > j} a_k^2 (tail[K] = 0). */
  tail: Float64Array;
  /** [f^2] on the same grid (or the exact value, for closed-form series). */
  f2: number;
  /** |sum a_k^2 - [f^2]| / max(1, [f^2]) (truncation check). */
  check: number;
  /** When a derivative target was given: |sum k a_k^2 / D0 - [f'^2]| / max(1, [f'^2]) (Price: C_f'(D0) = [f'^2]). */
  dcheck: number;
  converged: boolean;
  /** Grid nodes used (0 for closed-form coefficients). */
  nodes: number;
  /** C_f(c), 0 <= c <= D0 (Horner). */
  evaluate(c: number): number;
  /** dC_f/dc = C_{f'}(c). */
  derivative(c: number): number;
}

function buildSeries(mu: number, D0: number, a2: Float64Array, f2: number, df2: number | undefined, nodes: number, tol: number): MehlerSeries {
  const K = a2.length - 1;
  const tail = new Float64Array(K + 1);
  for (let j = K - 1; j >= 0; j--) tail[j] = tail[j + 1] + a2[j + 1];
  const total = tail[0] + a2[0];
  const check = Math.abs(total - f2) / Math.max(1, f2);
  let dcheck = 0;
  if (df2 !== undefined) {
    let s = 0;
    for (let k = K; k >= 1; k--) s += k * a2[k];
    dcheck = Math.abs(s / D0 - df2) / Math.max(1, df2);
  }
  return {
    mu,
    D0,
    K,
    a2,
    tail,
    f2,
    check,
    dcheck,
    converged: check <= tol && dcheck <= tol,
    nodes,
    evaluate(c: number): number {
      const r = c / D0;
      let s = 0;
      for (let k = K; k >= 0; k--) s = s * r + a2[k];
      return s;
    },
    derivative(c: number): number {
      const r = c / D0;
      let s = 0;
      for (let k = K; k >= 1; k--) s = s * r + k * a2[k];
      return s / D0;
    },
  };
}

export interface MehlerSeriesOptions extends MehlerGridOptions {
  /** Truncation tolerance on the relative checks (default 1e-12). */
  tol?: number;
  /** First number of terms (default 64); doubled until the checks pass or Kmax is reached. */
  Kmin?: number;
  /** Largest number of terms (default 8192). */
  Kmax?: number;
  /** Known parity of k -> a_k (e.g. 'even' for an even f at mu = 0): the other coefficients are set to 0. */
  parity?: 'even' | 'odd';
  /** [f'^2](mu, D0) if a Price check of the derivative at c = D0 is wanted. */
  derivativeTarget?: number;
}

/**
 * Mehler series of f at (mu, D0) with K doubled until |sum a_k^2 - [f^2]| <= tol max(1, [f^2]) (and the
 * derivative check, if a target is given). Never silent: `converged` is false when Kmax was not enough.
 */
export function mehlerSeries(f: (x: number) => number, mu: number, D0: number, opts: MehlerSeriesOptions = {}): MehlerSeries {
  const tol = opts.tol ?? 1e-12;
  const Kmax = opts.Kmax ?? 8192;
  let K = Math.min(opts.Kmin ?? 64, Kmax);
  for (;;) {
    const { a, f2, nodes } = mehlerCoefficients(f, mu, D0, K, opts);
    const a2 = new Float64Array(K + 1);
    for (let k = 0; k <= K; k++) {
      const keep = opts.parity === undefined || (opts.parity === 'even') === (k % 2 === 0);
      a2[k] = keep ? a[k] * a[k] : 0;
    }
    const ser = buildSeries(mu, D0, a2, f2, opts.derivativeTarget, nodes, tol);
    if (ser.converged || K >= Kmax) return ser;
    K = Math.min(2 * K, Kmax);
  }
}

/**
 * Exact Mehler series at mu = 0 for phi = erf(sqrt(pi) x / 2) (from C_phi(c) = (2/pi) asin(k c),
 * k = (pi/2)/(1 + pi D0/2)): which = 'phi' gives b_{2j+1}^2 = (2/pi) t_j/(2j+1) u^{2j+1}; which = 'Phi' gives
 * a_0^2 = [Phi]^2, a_{2j+2}^2 = (2/pi) t_j/(2j+1) u^{2j+1} D0/(2j+2), with u = k D0 < 1,
 * t_j = (2j)!/(4^j j!^2). Terms are added until the tail of the k-weighted sum falls below tol relative to the sum.
 */
export function erfMehlerSeries(which: 'phi' | 'Phi', D0: number, tol = 1e-17): MehlerSeries {
  if (!(D0 > 0)) throw new RangeError(`erfMehlerSeries: need D0 > 0 (got ${D0})`);
  const a = 1 + PI_2 * D0;
  const u = (PI_2 * D0) / a;
  const coeffs: number[] = [];
  let t = 1;
  let up = u;
  let sum = 0;
  for (let j = 0; j < 1e6; j++) {
    if (j > 0) {
      t *= (2 * j - 1) / (2 * j);
      up *= u * u;
    }
    const b2 = (TWO_OVER_PI * t * up) / (2 * j + 1);
    const term = which === 'phi' ? b2 : (b2 * D0) / (2 * j + 2);
    coeffs.push(term);
    sum += term;
    // the tail of the k-weighted sum (Price derivative at c = D0) is ~ (2j+2) term / (1 - u^2): stop when
    // that is below tol relative to the sum, so both checks pass even when u -> 1 (large D0)
    if (j > 4 && ((2 * j + 2) * term) / ((1 - u) * (1 + u)) < tol * sum) break;
  }
  const { Phi } = erfBasics(0, D0);
  const K = 2 * coeffs.length;
  const a2 = new Float64Array(K + 1);
  for (let j = 0; j < coeffs.length; j++) {
    if (which === 'phi') a2[2 * j + 1] = coeffs[j];
    else a2[2 * j + 2] = coeffs[j];
  }
  if (which === 'Phi') a2[0] = Phi * Phi;
  const f2 = which === 'phi' ? TWO_OVER_PI * Math.asin(u) : Phi * Phi + TWO_OVER_PI * D0 * (Math.asin(u) - u / (1 + Math.sqrt((1 / a) * (1 + u))));
  const df2 = which === 'phi' ? 1 / Math.sqrt(1 + PI * D0) : TWO_OVER_PI * Math.asin(u);
  return buildSeries(0, D0, a2, f2, df2, 0, 1e-12);
}
