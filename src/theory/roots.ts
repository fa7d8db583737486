/**
 * Root finders and 1-D integration helpers for the theory solvers (spec 01 §6).
 *
 * * `brent`: bracketing root finder (inverse quadratic interpolation / secant / bisection), converges to
 *   machine precision by default.
 * * `newton`: damped Newton for F(y) = 0 in a few unknowns with a central-difference Jacobian and a
 *   backtracking line search on the 2-norm; convergence is judged on the max-norm residual.
 * * `integrate`, `quadAdaptive`: Gauss–Legendre (composite / adaptive) integration of smooth functions.
 */
import { legendreRule } from './quad.js';

import type { Diagnostics } from './types.js';
export type { Diagnostics } from './types.js';

export interface BrentOptions {
  /** Absolute tolerance on x (default 0: stop at machine precision, ~4 eps |x|). */
  xtol?: number;
  /** Maximum iterations (default 200). */
  maxIter?: number;
}

export interface BrentResult {
  x: number;
  fx: number;
  iterations: number;
  converged: boolean;
}

/** Thrown by `brent` when f(a) and f(b) have the same sign. */
export class NoBracketError extends Error {
  constructor(
    public readonly a: number,
    public readonly b: number,
    public readonly fa: number,
    public readonly fb: number,
  ) {
    super(`brent: no sign change on [${a}, ${b}] (f(a) = ${fa}, f(b) = ${fb})`);
    this.name = 'NoBracketError';
  }
}

/**
 * Brent's method on [a, b]; requires f(a) f(b) <= 0 (throws NoBracketError otherwise, or an Error when f
 * returns NaN at an end). Returns the best point found; `converged` is false if maxIter ran out.
 */
export function brent(f: (x: number) => number, a: number, b: number, opts: BrentOptions = {}): BrentResult {
  const xtol = opts.xtol ?? 0;
  const maxIter = opts.maxIter ?? 200;
  const EPS = Number.EPSILON;
  let fa = f(a);
  let fb = f(b);
  if (Number.isNaN(fa) || Number.isNaN(fb)) throw new Error(`brent: f is NaN at an end of [${a}, ${b}]`);
  if (fa === 0) return { x: a, fx: 0, iterations: 0, converged: true };
  if (fb === 0) return { x: b, fx: 0, iterations: 0, converged: true };
  if (fa > 0 === fb > 0) throw new NoBracketError(a, b, fa, fb);
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 1; iter <= maxIter; iter++) {
    if (fb > 0 === fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * EPS * Math.abs(b) + 0.5 * xtol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return { x: b, fx: fb, iterations: iter, converged: true };
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      // interpolation step
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
    if (Number.isNaN(fb)) throw new Error(`brent: f returned NaN at x = ${b}`);
  }
  return { x: b, fx: fb, iterations: maxIter, converged: false };
}

export interface NewtonOptions {
  /** Converged when the max-norm residual is <= tol (default 1e-12). */
  tol?: number;
  maxIter?: number;
  /** Relative finite-difference step: h_i = fdStep * max(|y_i|, typical_i) (default 1e-6). */
  fdStep?: number;
  /** Typical magnitude of each unknown (default 1), used for the finite-difference step near 0. */
  typical?: number[];
  /** Largest allowed change of each unknown in one step (default Infinity). */
  maxStep?: number[];
  /** Smallest damping factor tried by the line search before giving up (default 2^-30). */
  minDamping?: number;
}

export interface NewtonResult {
  y: number[];
  /** Max-norm of F at y. */
  residual: number;
  iterations: number;
  converged: boolean;
  /** Why it stopped when not converged. */
  message?: string;
  /** Number of F evaluations. */
  evaluations: number;
}

/** Solve A x = b in place by Gaussian elimination with partial pivoting; returns false if singular. */
export function solveLinear(A: number[][], b: number[]): boolean {
  const n = b.length;
  for (let k = 0; k < n; k++) {
    let piv = k;
    let big = Math.abs(A[k][k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(A[i][k]);
      if (v > big) {
        big = v;
        piv = i;
      }
    }
    if (!(big > 0) || !Number.isFinite(big)) return false;
    if (piv !== k) {
      [A[k], A[piv]] = [A[piv], A[k]];
      [b[k], b[piv]] = [b[piv], b[k]];
    }
    for (let i = k + 1; i < n; i++) {
      const m = A[i][k] / A[k][k];
      if (m === 0) continue;
      for (let j = k; j < n; j++) A[i][j] -= m * A[k][j];
      b[i] -= m * b[k];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = b[k];
    for (let j = k + 1; j < n; j++) s -= A[k][j] * b[j];
    b[k] = s / A[k][k];
  }
  return b.every(Number.isFinite);
}

const maxNorm = (v: number[]): number => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const norm2 = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/**
 * Damped Newton with a central-difference Jacobian and backtracking line search (spec 01 §6.1).
 * F must return a vector of the same length as y. Never throws on non-convergence: `converged` says. F may
 * throw (or return non-finite values) at trial points outside its domain: the line search then shortens the
 * step, and the Jacobian falls back to a one-sided difference. F must work at y0.
 */
export function newton(F: (y: number[]) => number[], y0: number[], opts: NewtonOptions = {}): NewtonResult {
  const tol = opts.tol ?? 1e-12;
  const maxIter = opts.maxIter ?? 50;
  const fdStep = opts.fdStep ?? 1e-6;
  const minDamping = opts.minDamping ?? 2 ** -30;
  const n = y0.length;
  const typical = opts.typical ?? new Array(n).fill(1);
  let evaluations = 0;
  const evalF = (y: number[]): number[] => {
    evaluations++;
    const r = F(y);
    if (r.length !== n) throw new Error(`newton: F returned ${r.length} residuals for ${n} unknowns`);
    return r;
  };
  /** F at trial points: a throw (e.g. RangeError for D < 0) or a non-finite value counts as "step too long". */
  const tryF = (yy: number[]): number[] | null => {
    try {
      const v = evalF(yy);
      return v.every(Number.isFinite) ? v : null;
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('newton:')) throw err;
      return null;
    }
  };
  let y = y0.slice();
  let r = evalF(y);
  let res = maxNorm(r);
  if (!Number.isFinite(res)) return { y, residual: res, iterations: 0, converged: false, message: 'F not finite at y0', evaluations };
  for (let iter = 0; iter < maxIter; iter++) {
    if (res <= tol) return { y, residual: res, iterations: iter, converged: true, evaluations };
    const J: number[][] = Array.from({ length: n }, () => new Array(n).fill(0));
    for (let j = 0; j < n; j++) {
      const h = fdStep * Math.max(Math.abs(y[j]), typical[j]);
      const yp = y.slice();
      const ym = y.slice();
      yp[j] += h;
      ym[j] -= h;
      // central difference; one-sided if F refuses (throws or is not finite) on one side, e.g. at a domain edge
      let rp = tryF(yp);
      let rm = tryF(ym);
      let hh = yp[j] - ym[j];
      if (!rp && rm) {
        rp = r;
        hh = y[j] - ym[j];
      } else if (rp && !rm) {
        rm = r;
        hh = yp[j] - y[j];
      } else if (!rp || !rm) {
        return { y, residual: res, iterations: iter, converged: false, message: `F fails on both sides of y[${j}] (Jacobian)`, evaluations };
      }
      for (let i = 0; i < n; i++) J[i][j] = (rp[i] - rm[i]) / hh;
    }
    const dy = r.map((v) => -v);
    if (!solveLinear(J, dy)) {
      return { y, residual: res, iterations: iter, converged: false, message: 'singular Jacobian', evaluations };
    }
    if (opts.maxStep) {
      let scale = 1;
      for (let j = 0; j < n; j++) if (Math.abs(dy[j]) > opts.maxStep[j]) scale = Math.min(scale, opts.maxStep[j] / Math.abs(dy[j]));
      for (let j = 0; j < n; j++) dy[j] *= scale;
    }
    const n0 = norm2(r);
    let t = 1;
    let accepted = false;
    while (t >= minDamping) {
      const yt = y.map((v, j) => v + t * dy[j]);
      const rt = tryF(yt);
      const nt = rt ? norm2(rt) : Infinity;
      if (rt && Number.isFinite(nt) && (nt <= (1 - 1e-4 * t) * n0 || maxNorm(rt) <= tol)) {
        y = yt;
        r = rt;
        res = maxNorm(rt);
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) {
      return { y, residual: res, iterations: iter + 1, converged: res <= tol, message: 'line search failed', evaluations };
    }
  }
  return { y, residual: res, iterations: maxIter, converged: res <= tol, message: res <= tol ? undefined : 'maxIter reached', evaluations };
}

/** Gauss–Legendre integral of f over [a, b] with `panels` equal panels of order n (defaults 20, 1). */
export function integrate(f: (x: number) => number, a: number, b: number, n = 20, panels = 1): number {
  const { x, w } = legendreRule(n);
  const H = (b - a) / panels;
  let s = 0;
  for (let p = 0; p < panels; p++) {
    const c = a + (p + 0.5) * H;
    const h = 0.5 * H;
    let sp = 0;
    for (let i = 0; i < n; i++) sp += w[i] * f(c + h * x[i]);
    s += h * sp;
  }
  return s;
}

export interface AdaptiveResult {
  value: number;
  /** Estimated absolute error (difference between the two rule levels, summed over accepted panels). */
  error: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Adaptive Gauss–Legendre: a panel is accepted when the order-n rule and the sum of the two half-panel rules
 * agree to max(atol, rtol |value|) scaled by the panel's share of the interval; otherwise it is split.
 */
export function quadAdaptive(
  f: (x: number) => number,
  a: number,
  b: number,
  opts: { atol?: number; rtol?: number; order?: number; maxDepth?: number } = {},
): AdaptiveResult {
  const atol = opts.atol ?? 1e-15;
  const rtol = opts.rtol ?? 1e-14;
  const n = opts.order ?? 15;
  const maxDepth = opts.maxDepth ?? 40;
  const { x, w } = legendreRule(n);
  let evaluations = 0;
  const gl = (lo: number, hi: number): number => {
    const c = 0.5 * (lo + hi);
    const h = 0.5 * (hi - lo);
    let s = 0;
    for (let i = 0; i < n; i++) s += w[i] * f(c + h * x[i]);
    evaluations += n;
    return h * s;
  };
  const whole = gl(a, b);
  let converged = true;
  let err = 0;
  const total = Math.abs(b - a);
  const rec = (lo: number, hi: number, I: number, depth: number): number => {
    const mid = 0.5 * (lo + hi);
    const I1 = gl(lo, mid);
    const I2 = gl(mid, hi);
    const d = Math.abs(I1 + I2 - I);
    // a panel gets its share of the tolerance, but never less than 1e-3 of it: near an endpoint singularity
    // (error ~ h^1.5 for sqrt) a share-proportional budget would never be met; the ~depth panels involved
    // then add at most depth * 1e-3 of the tolerance.
    const share = Math.max(Math.abs(hi - lo) / total, 1e-3);
    const tolP = Math.max(atol, rtol * Math.abs(whole)) * share;
    if (d <= tolP || depth >= maxDepth) {
      if (d > tolP) converged = false;
      err += d;
      return I1 + I2;
    }
    return rec(lo, mid, I1, depth + 1) + rec(mid, hi, I2, depth + 1);
  };
  const value = a === b ? 0 : rec(a, b, whole, 0);
  return { value, error: err, evaluations, converged };
}
