/**
 * Disorder-free reduction of the multiregion DMFT (spec 02 §2.5): with g = 0 and no random initial
 * variance the currents close on themselves,
 *
 *   dS/dt = -S + H(S),   H^{ab} = psi^b [ sum_c T[a][b][c] S^{bc} + V[a][b] I^b ],
 *   psi^b = psi(D^b),    D^b = sum_{cd} U[b][c][d] S^{bc} S^{bd} + <v_b^2> (I^b)^2,
 *
 * P^2 ODEs (I is a constant filtered input, spec 02 §7; none by default). This file has the drive, its
 * exact Jacobian (including the d psi/dS terms, spec 02 §4.2), Euler integration (dt = 0.1, the reference
 * choice; fixed points do not depend on dt), Newton polishing and a fixed-point search from a batch of broad
 * random initial conditions drawn with the counter-based RNG (src/core/rng.ts).
 *
 * `structuredVariance` and `currentDrive` are also used with disorder (stationary.ts), where psi comes from
 * the total variance instead.
 *
 * phi: the gains psi(D) = <phi'> come from an optional `GaussianPhi` (types.ts; default the erf closed form
 * (1 + pi D / 2)^(-1/2); gaussian-phi.ts for other odd phi), and the Jacobian's d psi/dD from its gainSlope.
 */
import { Rng } from '../../core/rng.js';
import { eigenvaluesSorted, type Complex } from '../eig.js';
import { newton, solveLinear } from '../roots.js';
import type { Diagnostics } from '../types.js';
import { erfGaussianPhi } from './toolbox.js';
import type { GaussianPhi, MultiregionParams } from './types.js';
import { checkCurrents, checkInput, checkParams, hasCrossDisorder, integerOption, numberOption } from './validate-params.js';

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now()) / 1000;

/**
 * Structured (+ input) variance of every region: D^a = sum_{bc} U[a][b][c] S^{ab} S^{ac} + v2_a (I^a)^2.
 * Written into `out` (length P) if given.
 */
export function structuredVariance(p: MultiregionParams, S: ArrayLike<number>, input?: ArrayLike<number>, out?: Float64Array): Float64Array {
  const P = p.P;
  const D = out ?? new Float64Array(P);
  for (let a = 0; a < P; a++) {
    let s = 0;
    const base = a * P * P;
    for (let b = 0; b < P; b++) {
      const sb = S[a * P + b];
      if (sb === 0) continue;
      let r = 0;
      for (let c = 0; c < P; c++) r += p.U[base + b * P + c] * S[a * P + c];
      s += sb * r;
    }
    if (input) s += p.v2[a] * input[a] * input[a];
    D[a] = s;
  }
  return D;
}

/**
 * Drive of the currents for given gains: H^{ab} = psi^b [ sum_c T[a][b][c] S^{bc} + V[a][b] I^b ]
 * (spec 02 §2.2). Written into `out` (length P^2) if given.
 */
export function currentDrive(p: MultiregionParams, S: ArrayLike<number>, psi: ArrayLike<number>, input?: ArrayLike<number>, out?: Float64Array): Float64Array {
  const P = p.P;
  const H = out ?? new Float64Array(P * P);
  for (let a = 0; a < P; a++) {
    for (let b = 0; b < P; b++) {
      let s = 0;
      const base = (a * P + b) * P;
      for (let c = 0; c < P; c++) s += p.T[base + c] * S[b * P + c];
      if (input && p.V) s += p.V[a * P + b] * input[b];
      H[a * P + b] = psi[b] * s;
    }
  }
  return H;
}

/** Drive, gains and structured variances of the disorder-free reduction at S. */
export interface CurrentEvaluation {
  H: Float64Array;
  psi: Float64Array;
  /** D^a = structured (+ input) variance = the total variance when g = 0. */
  D: Float64Array;
}

/** H(S) of the disorder-free reduction (gains from the structured variance). */
export function disorderFreeDrive(p: MultiregionParams, S: ArrayLike<number>, input?: ArrayLike<number>, phi: GaussianPhi = erfGaussianPhi): CurrentEvaluation {
  const D = structuredVariance(p, S, input);
  const psi = new Float64Array(p.P);
  for (let a = 0; a < p.P; a++) psi[a] = phi.gain(Math.max(D[a], 0)); // rounding can leave -1e-17
  return { H: currentDrive(p, S, psi, input), psi, D };
}

/** max_ab |H^{ab}(S) - S^{ab}| of the disorder-free reduction. */
export function currentResidual(p: MultiregionParams, S: ArrayLike<number>, input?: ArrayLike<number>, phi: GaussianPhi = erfGaussianPhi): number {
  const { H } = disorderFreeDrive(p, S, input, phi);
  let r = 0;
  for (let i = 0; i < H.length; i++) r = Math.max(r, Math.abs(H[i] - S[i]));
  return r;
}

/** One Euler step S + dt (H(S) - S) of the disorder-free reduction. */
export function eulerStep(p: MultiregionParams, S: ArrayLike<number>, dt: number, input?: ArrayLike<number>, phi: GaussianPhi = erfGaussianPhi): Float64Array {
  const { H } = disorderFreeDrive(p, S, input, phi);
  const out = new Float64Array(H.length);
  for (let i = 0; i < H.length; i++) out[i] = S[i] + dt * (H[i] - S[i]);
  return out;
}

function requireNoDisorder(p: MultiregionParams, where: string, ignore: boolean | undefined): void {
  if (ignore) return;
  for (let a = 0; a < p.P; a++) {
    if (p.g[a] !== 0) {
      throw new RangeError(
        `${where}: params.g[${a}] = ${p.g[a]} is out of range; valid: 0 (the disorder-free reduction, spec 02 §2.5). ` +
          'Use stationary.ts (solveStationary) with disorder, or pass { ignoreDisorder: true } to drop it on purpose.',
      );
    }
  }
  if (hasCrossDisorder(p)) throw new RangeError(`${where}: params.G2 has non-zero cross-region entries; valid: null or zero (spec 02 §2.5)`);
}

export interface IntegrateCurrentsOptions {
  /** Euler step (default 0.1, the reference choice for fixed points; spec 02 §2.5). */
  dt?: number;
  /** Integration time (default 300). */
  tMax?: number;
  /** Constant filtered input I~ per region (default none). */
  input?: ArrayLike<number>;
  /** Stop early once max|H(S) - S| <= stopResidual (default 1e-13; 0 runs to tMax). */
  stopResidual?: number;
  /** Record S every `sampleEvery` steps (default 0: no trajectory). */
  sampleEvery?: number;
  /** Allow g > 0 in params and ignore it (default false: an error). */
  ignoreDisorder?: boolean;
  /** Gaussian integrals of phi (default: the erf closed forms). */
  phi?: GaussianPhi;
}

export interface CurrentTrajectory {
  /** Final currents. */
  S: Float64Array;
  /** Time reached. */
  t: number;
  steps: number;
  /** max|H(S) - S| at the final state. */
  residual: number;
  /** Sampled times and states when sampleEvery > 0. */
  times?: number[];
  states?: Float64Array[];
  settings: { dt: number; tMax: number; stopResidual: number };
}

/** Forward Euler S_{k+1} = S_k + dt (H(S_k) - S_k) of the disorder-free reduction (spec 02 §2.5). */
export function integrateCurrents(p: MultiregionParams, S0: ArrayLike<number>, opts: IntegrateCurrentsOptions = {}): CurrentTrajectory {
  const where = 'integrateCurrents';
  checkParams(p, where);
  requireNoDisorder(p, where, opts.ignoreDisorder);
  checkCurrents(where, 'S0', S0, p.P);
  checkInput(where, opts.input, p.P);
  const dt = numberOption(where, 'dt', opts.dt, 0.1, 1e-6, 0.5);
  const tMax = numberOption(where, 'tMax', opts.tMax, 300, 0);
  const stopResidual = numberOption(where, 'stopResidual', opts.stopResidual, 1e-13, 0);
  const sampleEvery = integerOption(where, 'sampleEvery', opts.sampleEvery, 0, 0);
  return integrateUnchecked(p, S0, dt, tMax, stopResidual, sampleEvery, opts.input, opts.phi);
}

function integrateUnchecked(
  p: MultiregionParams,
  S0: ArrayLike<number>,
  dt: number,
  tMax: number,
  stopResidual: number,
  sampleEvery: number,
  input?: ArrayLike<number>,
  phi: GaussianPhi = erfGaussianPhi,
): CurrentTrajectory {
  const P = p.P;
  const n = P * P;
  const S = Float64Array.from(S0);
  const D = new Float64Array(P);
  const psi = new Float64Array(P);
  const H = new Float64Array(n);
  const nSteps = Math.round(tMax / dt);
  const times: number[] = [];
  const states: Float64Array[] = [];
  let residual = Infinity;
  let k = 0;
  for (; ; k++) {
    structuredVariance(p, S, input, D);
    if (phi.closedForms) for (let a = 0; a < P; a++) psi[a] = 1 / Math.sqrt(1 + (Math.PI / 2) * D[a]);
    else for (let a = 0; a < P; a++) psi[a] = phi.gain(Math.max(D[a], 0));
    currentDrive(p, S, psi, input, H);
    residual = 0;
    for (let i = 0; i < n; i++) residual = Math.max(residual, Math.abs(H[i] - S[i]));
    if (sampleEvery > 0 && k % sampleEvery === 0) {
      times.push(k * dt);
      states.push(S.slice());
    }
    if (k >= nSteps || residual <= stopResidual) break;
    for (let i = 0; i < n; i++) S[i] += dt * (H[i] - S[i]);
  }
  const out: CurrentTrajectory = { S, t: k * dt, steps: k, residual, settings: { dt, tMax, stopResidual } };
  if (sampleEvery > 0) {
    out.times = times;
    out.states = states;
  }
  return out;
}

/**
 * Jacobian of dS/dt = -S + H(S) (spec 02 §4.2): J = -I + dH/dS with
 *   dH^{ab}/dS^{ef} = delta_{be} [ psi^b T[a][b][f] + h^{ab} psi'(D^b) 2 sum_d U[b][f][d] S^{bd} ],
 * h^{ab} = sum_c T[a][b][c] S^{bc} + V[a][b] I^b, psi'(D) = -(pi/4) psi^3 (U[b] symmetric). Rows and columns in
 * the flat order a*P + b.
 */
export function currentJacobian(p: MultiregionParams, S: ArrayLike<number>, input?: ArrayLike<number>, phi: GaussianPhi = erfGaussianPhi): number[][] {
  const P = p.P;
  const n = P * P;
  const D = structuredVariance(p, S, input);
  const J = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let b = 0; b < P; b++) {
    const psi = phi.gain(Math.max(D[b], 0));
    const dpsi = phi.closedForms ? -(Math.PI / 4) * psi * psi * psi : phi.gainSlope(Math.max(D[b], 0));
    // dD^b/dS^{bf}
    const dD = new Float64Array(P);
    for (let f = 0; f < P; f++) {
      let s = 0;
      for (let d = 0; d < P; d++) s += p.U[(b * P + f) * P + d] * S[b * P + d];
      dD[f] = 2 * s;
    }
    for (let a = 0; a < P; a++) {
      const base = (a * P + b) * P;
      let h = 0;
      for (let c = 0; c < P; c++) h += p.T[base + c] * S[b * P + c];
      if (input && p.V) h += p.V[a * P + b] * input[b];
      for (let f = 0; f < P; f++) J[a * P + b][b * P + f] = psi * p.T[base + f] + h * dpsi * dD[f];
    }
  }
  for (let i = 0; i < n; i++) J[i][i] -= 1;
  return J;
}

export interface CurrentStability {
  /** Eigenvalues of J by decreasing real part. */
  eigenvalues: Complex[];
  /** Largest real part. */
  leading: number;
  /** 'stable': every Re < -zeroTol; 'marginal': none above zeroTol but some within it; else 'unstable'. */
  classification: 'stable' | 'marginal' | 'unstable';
  /** Number of eigenvalues with |Re| <= zeroTol (tangent directions of attractor manifolds, spec 02 §5.3). */
  marginalCount: number;
  /** stable or marginal. */
  attracting: boolean;
  zeroTol: number;
  /** How the eigenvalues were obtained (see robustEigenvalues). */
  eigMethod: string;
}

/**
 * Eigenvalues (by decreasing real part) of a small real matrix with src/theory/eig.ts, robust to its rare QR
 * non-convergence on matrices with repeated eigenvalues (the Jacobians of symmetric networks have several,
 * e.g. -2 and 0 with multiplicities 2-3): on failure it retries on M + sigma I (sigma = 0.37, -0.61 times
 * max|M|, shifted back), then on M plus a deterministic perturbation of relative size 1e-12 (semisimple
 * eigenvalues move by ~1e-12 max|M|). `method` says which attempt succeeded.
 */
export function robustEigenvalues(M: number[][]): { eigenvalues: Complex[]; method: string } {
  try {
    return { eigenvalues: eigenvaluesSorted(M), method: 'qr' };
  } catch {
    // fall through to the retries
  }
  const n = M.length;
  let scale = 0;
  for (const row of M) for (const x of row) scale = Math.max(scale, Math.abs(x));
  for (const f of [0.37, -0.61]) {
    const sigma = f * scale;
    try {
      const e = eigenvaluesSorted(M.map((row, i) => row.map((x, j) => (i === j ? x + sigma : x))));
      return { eigenvalues: e.map((z) => ({ re: z.re - sigma, im: z.im })), method: `qr (shifted by ${f} max|M|)` };
    } catch {
      // next attempt
    }
  }
  const rng = new Rng(0, 5); // stream 5 (theory-side use; see the note in src/core/streams.ts)
  for (let attempt = 0; attempt < 3; attempt++) {
    const Mp = M.map((row) => row.map((x) => x + 1e-12 * scale * (2 * rng.uniform() - 1)));
    try {
      return { eigenvalues: eigenvaluesSorted(Mp), method: 'qr (perturbed by 1e-12 max|M|)' };
    } catch {
      // next attempt
    }
  }
  throw new Error(`robustEigenvalues: the QR iteration of src/theory/eig.ts failed on this ${n} x ${n} matrix, also shifted and perturbed`);
}

/** Linear stability of a fixed point of the disorder-free current dynamics (eigenvalues of currentJacobian). */
export function currentStability(
  p: MultiregionParams,
  S: ArrayLike<number>,
  input?: ArrayLike<number>,
  zeroTol = 1e-6,
  phi: GaussianPhi = erfGaussianPhi,
): CurrentStability {
  const { eigenvalues: eig, method } = robustEigenvalues(currentJacobian(p, S, input, phi));
  const leading = eig[0].re;
  const marginalCount = eig.filter((z) => Math.abs(z.re) <= zeroTol).length;
  const classification = leading > zeroTol ? 'unstable' : marginalCount > 0 ? 'marginal' : 'stable';
  return { eigenvalues: eig, leading, classification, marginalCount, attracting: classification !== 'unstable', zeroTol, eigMethod: method };
}

export interface PolishOptions {
  /** Target max|H(S) - S| (default 1e-13). */
  tol?: number;
  /** Newton iterations (roots.ts newton; default 30). */
  maxIter?: number;
  /** Levenberg–Marquardt iterations of the fallback (default 200). */
  maxIterLM?: number;
  input?: ArrayLike<number>;
  /** Gaussian integrals of phi (default: the erf closed forms). */
  phi?: GaussianPhi;
}

export interface PolishResult {
  S: Float64Array;
  residual: number;
  iterations: number;
  converged: boolean;
  /** 'newton' (roots.ts) or 'newton+lm' (minimum-norm Levenberg–Marquardt fallback with the exact Jacobian). */
  method: 'newton' | 'newton+lm';
  message?: string;
}

/**
 * Polish a fixed point of the disorder-free currents: roots.ts `newton` (central differences, each step
 * limited to 0.1 (1 + |S|) per unknown), then, if that does not reach `tol`, Levenberg–Marquardt with the
 * exact Jacobian. The fallback matters on attractor manifolds (spec 02 §5.3), where J is singular along the
 * manifold and plain Newton steps are ill-defined: LM takes the minimum-norm step as its damping goes to 0.
 */
export function polishCurrents(p: MultiregionParams, S0: ArrayLike<number>, opts: PolishOptions = {}): PolishResult {
  const tol = opts.tol ?? 1e-13;
  const input = opts.input;
  const n = p.P * p.P;
  const F = (y: number[]): number[] => {
    const { H } = disorderFreeDrive(p, y, input, opts.phi);
    return Array.from(H, (h, i) => h - y[i]);
  };
  const y0 = Array.from(S0);
  const nr = newton(F, y0, { tol, maxIter: opts.maxIter ?? 30, maxStep: y0.map((v) => 0.1 * (1 + Math.abs(v))) });
  if (nr.converged) return { S: Float64Array.from(nr.y), residual: nr.residual, iterations: nr.iterations, converged: true, method: 'newton' };
  // Levenberg–Marquardt: (J^T J + mu I) dy = -J^T F, mu adapted by the gain of each trial step
  let y = nr.residual <= currentResidual(p, S0, input, opts.phi) ? nr.y.slice() : y0.slice();
  let r = F(y);
  let res = Math.max(...r.map(Math.abs));
  let cost = r.reduce((s, v) => s + v * v, 0);
  let mu = 1e-8;
  const maxIterLM = opts.maxIterLM ?? 200;
  let it = 0;
  for (; it < maxIterLM && res > tol; it++) {
    const J = currentJacobian(p, y, input, opts.phi);
    const JtJ = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const Jtr = new Array<number>(n).fill(0);
    let scale = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += J[k][i] * J[k][j];
        JtJ[i][j] = s;
      }
      let s = 0;
      for (let k = 0; k < n; k++) s += J[k][i] * r[k];
      Jtr[i] = -s;
      scale = Math.max(scale, JtJ[i][i]);
    }
    let accepted = false;
    for (let tries = 0; tries < 30 && !accepted; tries++) {
      const M = JtJ.map((row, i) => row.map((v, j) => (i === j ? v + mu * scale : v)));
      const dy = Jtr.slice();
      if (solveLinear(M, dy)) {
        const yt = y.map((v, i) => v + dy[i]);
        const rt = F(yt);
        const ct = rt.reduce((s, v) => s + v * v, 0);
        if (Number.isFinite(ct) && ct < cost) {
          y = yt;
          r = rt;
          cost = ct;
          res = Math.max(...rt.map(Math.abs));
          mu = Math.max(mu / 10, 1e-15);
          accepted = true;
          break;
        }
      }
      mu *= 10;
    }
    if (!accepted) break;
  }
  return {
    S: Float64Array.from(y),
    residual: res,
    iterations: nr.iterations + it,
    converged: res <= tol,
    method: 'newton+lm',
    message: res <= tol ? undefined : `newton: ${nr.message ?? 'not converged'}; LM stopped at residual ${res.toExponential(2)}`,
  };
}

export interface FindFixedPointsOptions {
  /** Number of random initial conditions (default 64). Ignored when `starts` is given. */
  count?: number;
  /** Initial currents uniform in [-range, range] entrywise (default 1000, the reference choice). */
  range?: number;
  /** RNG seed (integer in [0, 2^53)) and Philox stream (default 0 and 4: a theory-side use of stream 4; see the note in src/core/streams.ts). */
  seed?: number;
  stream?: number;
  /** Explicit initial conditions instead of random ones. */
  starts?: ArrayLike<number>[];
  /** Euler step and integration time (defaults 0.1 and 300). */
  dt?: number;
  tMax?: number;
  /** Polishing target (default 1e-13) and acceptance threshold of a fixed point (default 1e-9, spec 02 §5.3). */
  polishTol?: number;
  acceptTol?: number;
  /** Two fixed points are the same when max|S - S'| or max|S + S'| is <= dedupTol (default 1e-6). */
  dedupTol?: number;
  /** |Re| threshold for marginal Jacobian eigenvalues (default 1e-6). */
  zeroTol?: number;
  input?: ArrayLike<number>;
  ignoreDisorder?: boolean;
  /** Gaussian integrals of phi (default: the erf closed forms). */
  phi?: GaussianPhi;
}

export interface CurrentFixedPoint {
  S: Float64Array;
  psi: Float64Array;
  /** Structured (+ input) variance per region. */
  D: Float64Array;
  /** max|H(S) - S| after polishing. */
  residual: number;
  /** residual <= acceptTol. */
  converged: boolean;
  iterations: number;
  method: PolishResult['method'];
  stability: CurrentStability;
  /** How many initial conditions ended here (either sign). */
  hits: number;
  /** Index of the first initial condition that ended here. */
  firstStart: number;
}

export interface FixedPointSearchResult {
  /** Distinct fixed points up to S -> -S, in order of discovery. */
  fixedPoints: CurrentFixedPoint[];
  /**
   * Every polished end point (one per initial condition), for dimension estimates (spec 02 §5.3), with its
   * Jacobian stability when accepted (null otherwise). Weakly unstable fixed points (growth rates ~1e-3, e.g.
   * P = 4 states with a 4-cycle of active pairs and unpinned gains) are not left within a few hundred time
   * units; filter on `stability.attracting` to keep the attractors.
   */
  endpoints: { S: Float64Array; residual: number; converged: boolean; stability: CurrentStability | null }[];
  diagnostics: Diagnostics;
  settings: Required<Omit<FindFixedPointsOptions, 'starts' | 'input' | 'ignoreDisorder' | 'phi'>> & { starts: 'random' | 'given' };
}

/**
 * Fixed points of the disorder-free currents (spec 02 §2.5): integrate a batch of initial conditions with
 * Euler, polish each end point (polishCurrents), deduplicate up to the S -> -S symmetry and give each distinct
 * point its Jacobian stability. `diagnostics.residual` is the worst residual among accepted points;
 * `converged` is true when at least one point was accepted and every end point was.
 */
export function findCurrentFixedPoints(p: MultiregionParams, opts: FindFixedPointsOptions = {}): FixedPointSearchResult {
  const where = 'findCurrentFixedPoints';
  const t0 = now();
  checkParams(p, where);
  requireNoDisorder(p, where, opts.ignoreDisorder);
  checkInput(where, opts.input, p.P);
  const count = integerOption(where, 'count', opts.count, 64, 1, 1e6);
  const range = numberOption(where, 'range', opts.range, 1000, Number.MIN_VALUE);
  const seed = integerOption(where, 'seed', opts.seed, 0, 0);
  const stream = integerOption(where, 'stream', opts.stream, 4, 0, 2 ** 32 - 1);
  const dt = numberOption(where, 'dt', opts.dt, 0.1, 1e-6, 0.5);
  const tMax = numberOption(where, 'tMax', opts.tMax, 300, 0);
  const polishTol = numberOption(where, 'polishTol', opts.polishTol, 1e-13, 0);
  const acceptTol = numberOption(where, 'acceptTol', opts.acceptTol, 1e-9, 0);
  const dedupTol = numberOption(where, 'dedupTol', opts.dedupTol, 1e-6, 0);
  const zeroTol = numberOption(where, 'zeroTol', opts.zeroTol, 1e-6, 0);
  const n = p.P * p.P;
  let starts: ArrayLike<number>[];
  if (opts.starts) {
    opts.starts.forEach((s, i) => checkCurrents(where, `starts[${i}]`, s, p.P));
    starts = opts.starts;
  } else {
    const rng = new Rng(seed, stream);
    starts = [];
    for (let k = 0; k < count; k++) {
      const s = new Float64Array(n);
      for (let i = 0; i < n; i++) s[i] = (2 * rng.uniform() - 1) * range;
      starts.push(s);
    }
  }
  const fixedPoints: CurrentFixedPoint[] = [];
  const endpoints: FixedPointSearchResult['endpoints'] = [];
  let iterations = 0;
  let worstAccepted = 0;
  let allConverged = true;
  starts.forEach((s0, k) => {
    const traj = integrateUnchecked(p, s0, dt, tMax, 1e-13, 0, opts.input, opts.phi);
    const pol = polishCurrents(p, traj.S, { tol: polishTol, input: opts.input, phi: opts.phi });
    const accepted = pol.residual <= acceptTol;
    iterations += traj.steps + pol.iterations;
    if (!accepted) {
      endpoints.push({ S: pol.S, residual: pol.residual, converged: false, stability: null });
      allConverged = false;
      return;
    }
    const stability = currentStability(p, pol.S, opts.input, zeroTol, opts.phi);
    endpoints.push({ S: pol.S, residual: pol.residual, converged: true, stability });
    worstAccepted = Math.max(worstAccepted, pol.residual);
    const same = fixedPoints.find((fp) => {
      let dm = 0;
      let dp = 0;
      for (let i = 0; i < n; i++) {
        dm = Math.max(dm, Math.abs(fp.S[i] - pol.S[i]));
        dp = Math.max(dp, Math.abs(fp.S[i] + pol.S[i]));
      }
      return Math.min(dm, dp) <= dedupTol;
    });
    if (same) {
      same.hits++;
      return;
    }
    const ev = disorderFreeDrive(p, pol.S, opts.input, opts.phi);
    fixedPoints.push({
      S: pol.S,
      psi: ev.psi,
      D: ev.D,
      residual: pol.residual,
      converged: true,
      iterations: pol.iterations,
      method: pol.method,
      stability,
      hits: 1,
      firstStart: k,
    });
  });
  const accepted = endpoints.filter((e) => e.converged).length;
  return {
    fixedPoints,
    endpoints,
    diagnostics: {
      residual: accepted > 0 ? worstAccepted : Infinity,
      iterations,
      converged: accepted > 0 && allConverged,
      method: 'euler + newton (roots.ts) + LM fallback',
      seconds: now() - t0,
      details: { starts: starts.length, accepted, rejected: starts.length - accepted, distinct: fixedPoints.length },
    },
    settings: { count: starts.length, range, seed, stream, dt, tMax, polishTol, acceptTol, dedupTol, zeroTol, starts: opts.starts ? 'given' : 'random' },
  };
}
