/**
 * Attractor manifolds of symmetric networks (spec 02 §5.3, paper App. A.5–A.6).
 *
 * With every gain pinned at psi^a = 1/b_a and only cross-currents active, x_ab = (S^{ab})^2 (a < b) solves the
 * P linear equations C x = A, x >= 0, where C[a][pair(a,b)] = 1 for a < b and b_a/b_b for a > b (because
 * (S^{ab})^2 = (b_a/b_b)(S^{ba})^2) and A^a is the current variance of the pinned region (symmetric.ts
 * `pinnedGain`). The fixed points form the polytope {x >= 0 : C x = A} (times one sign per active pair).
 *
 * `attractorPolytope` computes its dimension exactly in the sense of linear programming: a dense simplex
 * (Bland's rule, two phases) maximises each x_j over the polytope; variables whose maximum is 0 vanish on the
 * whole polytope ("fracture" variables: zero at every vertex), and with the support s of the others,
 * dim = |s| - rank(C[:, s]) (there is a point positive on all of s: the mean of the maximisers). When every
 * variable can be positive the polytope has interior points and dim = P(P-1)/2 - rank(C) (= P(P-1)/2 - P
 * when C has full row rank). Vertices (basic feasible solutions) are enumerated for small P.
 *
 * `attractorDimensionFromPoints` is the numerical estimate of the spec: the number of singular values of the
 * centred matrix of x vectors above relTol (default 1e-6) times the largest, from the eigenvalues of its Gram
 * matrix (src/theory/eig.ts). The relative rule alone counts rounding noise as dimensions when every point is
 * the same (P = 3: isolated points), so singular values must also exceed an absolute floor `absTol` (default
 * 1e-7 max(1, max|x|) sqrt(n): points accepted at residual 1e-9 scatter by far less).
 */
import { eigenvalues } from '../eig.js';
import { solveLinear } from '../roots.js';
import { numericalRank } from '../stability.js';
import type { Diagnostics } from '../types.js';
import { pinnedGain } from './symmetric.js';
import { checkInteger, checkNumber, checkVector } from './validate-params.js';

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now()) / 1000;

/** Pairs (a, b), a < b, in the order of x: (0,1), (0,2), ..., (0,P-1), (1,2), ... */
export function crossPairs(P: number): [number, number][] {
  checkInteger('crossPairs', 'P', P, 1, 64);
  const out: [number, number][] = [];
  for (let a = 0; a < P; a++) for (let b = a + 1; b < P; b++) out.push([a, b]);
  return out;
}

/** x_ab = (S^{ab})^2 for a < b, from a flat P x P current matrix. */
export function squaredCrossCurrents(P: number, S: ArrayLike<number>): number[] {
  checkVector('squaredCrossCurrents', 'S', S, P * P);
  return crossPairs(P).map(([a, b]) => S[a * P + b] * S[a * P + b]);
}

/** The matrix C (P x P(P-1)/2) of spec 02 §5.3 for pinned gains 1/b_a. */
export function crossCurrentMatrix(b: ArrayLike<number>): number[][] {
  const P = b.length;
  checkVector('crossCurrentMatrix', 'b', b, P, Number.MIN_VALUE);
  const pairs = crossPairs(P);
  const C = Array.from({ length: P }, () => new Array<number>(pairs.length).fill(0));
  pairs.forEach(([a, c], j) => {
    C[a][j] = 1;
    C[c][j] = b[c] / b[a];
  });
  return C;
}

/**
 * The linear system of a symmetric network in the (a, b) parametrisation with disorder g (per region):
 * C from b, A^a from pinnedGain(b_a, g_a). Requires a_a <= b_a (self-currents inactive; a region with
 * a_a > b_a generates its own current and is outside this description).
 */
export function crossCurrentSystem(a: ArrayLike<number>, b: ArrayLike<number>, g: ArrayLike<number> | number = 0): { C: number[][]; A: number[]; pairs: [number, number][] } {
  const where = 'crossCurrentSystem';
  const P = b.length;
  checkVector(where, 'b', b, P, Number.MIN_VALUE);
  checkVector(where, 'a', a, P);
  const gv = typeof g === 'number' ? new Array<number>(P).fill(g) : Array.from(g);
  checkVector(where, 'g', gv, P, 0);
  for (let i = 0; i < P; i++) if (a[i] > b[i]) throw new RangeError(`${where}: a[${i}] = ${a[i]} is out of range; valid: <= b[${i}] = ${b[i]} (self-current inactive)`);
  const A = Array.from(b, (bi, i) => pinnedGain(bi, gv[i]).A);
  return { C: crossCurrentMatrix(b), A, pairs: crossPairs(P) };
}

/**
 * Numerical rank of a rectangular matrix: src/theory/stability.ts `numericalRank` (complete pivoting, relative
 * tolerance) on the matrix padded with zeros to a square.
 */
export function matrixRank(M: number[][], relTol = 1e-10): number {
  const m = M.length;
  if (m === 0) return 0;
  const n = M[0].length;
  const k = Math.max(m, n);
  const sq = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i < m && j < n ? M[i][j] : 0)));
  return numericalRank(sq, relTol);
}

export interface LPResult {
  status: 'optimal' | 'infeasible' | 'unbounded';
  x: number[];
  value: number;
  pivots: number;
}

/**
 * max c^T x subject to Aeq x = beq, x >= 0, by a dense two-phase simplex with Bland's rule (no cycling).
 * Phase I maximises -sum(artificials); artificials left in the basis at level 0 are pivoted out or their
 * (redundant) rows dropped. `tol` is the pivot / optimality tolerance (default 1e-10).
 */
export function simplexMax(c: number[], Aeq: number[][], beq: number[], tol = 1e-10): LPResult {
  const m = Aeq.length;
  const n = c.length;
  const N = n + m;
  // tableau rows: [A | I | b] with b >= 0
  let T: number[][] = Aeq.map((row, i) => {
    const sgn = beq[i] < 0 ? -1 : 1;
    const r = new Array<number>(N + 1).fill(0);
    for (let j = 0; j < n; j++) r[j] = sgn * row[j];
    r[n + i] = 1;
    r[N] = sgn * beq[i];
    return r;
  });
  let basis = Array.from({ length: m }, (_, i) => n + i);
  let pivots = 0;
  const pivot = (obj: number[], r: number, j: number): void => {
    const pr = T[r];
    const pv = pr[j];
    for (let k = 0; k <= N; k++) pr[k] /= pv;
    for (let i = 0; i < T.length; i++) {
      if (i === r) continue;
      const f = T[i][j];
      if (f !== 0) for (let k = 0; k <= N; k++) T[i][k] -= f * pr[k];
    }
    const f = obj[j];
    if (f !== 0) for (let k = 0; k <= N; k++) obj[k] -= f * pr[k];
    basis[r] = j;
    pivots++;
  };
  /** Runs the simplex on the objective row obj (reduced costs z_j - c_j; optimal when all >= -tol). */
  const run = (obj: number[], allowed: (j: number) => boolean): 'optimal' | 'unbounded' => {
    for (let guard = 0; guard < 100000; guard++) {
      let j = -1;
      for (let k = 0; k < N; k++) {
        if (allowed(k) && obj[k] < -tol) {
          j = k;
          break;
        }
      }
      if (j < 0) return 'optimal';
      let r = -1;
      let best = Infinity;
      for (let i = 0; i < T.length; i++) {
        if (T[i][j] > tol) {
          const ratio = T[i][N] / T[i][j];
          if (ratio < best - tol || (Math.abs(ratio - best) <= tol && r >= 0 && basis[i] < basis[r])) {
            best = ratio;
            r = i;
          }
        }
      }
      if (r < 0) return 'unbounded';
      pivot(obj, r, j);
    }
    throw new Error('simplexMax: pivot limit reached');
  };
  // phase I: objective -sum(artificials); reduced costs z_j - c_j with c = -1 on artificials
  const obj1 = new Array<number>(N + 1).fill(0);
  for (let j = 0; j <= N; j++) {
    if (j >= n && j < N) continue;
    let s = 0;
    for (let i = 0; i < m; i++) s += T[i][j];
    obj1[j] = -s;
  }
  run(obj1, () => true);
  const scaleB = Math.max(1, ...beq.map(Math.abs));
  if (obj1[N] < -1e-9 * scaleB) return { status: 'infeasible', x: [], value: NaN, pivots };
  // drive artificials out of the basis, dropping redundant rows
  const keep: number[] = [];
  for (let i = 0; i < T.length; i++) {
    if (basis[i] < n) {
      keep.push(i);
      continue;
    }
    let j = -1;
    for (let k = 0; k < n; k++) {
      if (Math.abs(T[i][k]) > tol && (j < 0 || Math.abs(T[i][k]) > Math.abs(T[i][j]))) j = k;
    }
    if (j >= 0) {
      pivot(new Array<number>(N + 1).fill(0), i, j);
      keep.push(i);
    }
  }
  T = keep.map((i) => T[i]);
  basis = keep.map((i) => basis[i]);
  // phase II
  const obj2 = new Array<number>(N + 1).fill(0);
  for (let j = 0; j <= N; j++) {
    let s = 0;
    for (let i = 0; i < T.length; i++) s += (basis[i] < n ? c[basis[i]] : 0) * T[i][j];
    obj2[j] = s - (j < n ? c[j] : 0);
  }
  const st = run(obj2, (j) => j < n);
  const x = new Array<number>(n).fill(0);
  for (let i = 0; i < T.length; i++) if (basis[i] < n) x[basis[i]] = T[i][N];
  const value = x.reduce((s, v, j) => s + v * c[j], 0);
  return { status: st, x, value, pivots };
}

export interface PolytopeResult {
  /** Dimension of {x >= 0 : C x = A}; -1 when empty. */
  dimension: number;
  feasible: boolean;
  /** Some point has every x_j > 0 (then dimension = M - rank(C)). */
  interior: boolean;
  /** rank(C) and the number M of variables. */
  rank: number;
  variables: number;
  /** Largest value of each x_j over the polytope (0: the variable vanishes everywhere). */
  maxima: number[];
  /** Indices of variables that vanish on the whole polytope ("fracture" variables). */
  fracture: number[];
  /** A point in the relative interior (mean of the maximisers). */
  centre: number[];
  /** Vertices when enumerated (basic feasible solutions, deduplicated), else null. */
  vertices: number[][] | null;
  diagnostics: Diagnostics;
}

function combinations(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return Math.round(c);
}

/**
 * Dimension, fracture variables and (for small systems) vertices of {x >= 0 : C x = A} (see the file header).
 * `maxCombinations` caps the vertex enumeration (default 200000 column subsets; beyond it vertices = null).
 * Residual: max |C x - A| over the maximisers and vertices.
 */
export function attractorPolytope(C: number[][], A: number[], opts: { tol?: number; maxCombinations?: number } = {}): PolytopeResult {
  const where = 'attractorPolytope';
  const t0 = now();
  const m = C.length;
  checkInteger(where, 'C.length', m, 1);
  const M = C[0].length;
  C.forEach((row, i) => checkVector(where, `C[${i}]`, row, M));
  checkVector(where, 'A', A, m);
  const tol = opts.tol ?? 1e-9;
  checkNumber(where, 'tol', tol, 0);
  const maxComb = opts.maxCombinations ?? 200000;
  const rank = matrixRank(C);
  const maxima: number[] = [];
  const maximisers: number[][] = [];
  let pivots = 0;
  let feasible = true;
  for (let j = 0; j < M; j++) {
    const c = new Array<number>(M).fill(0);
    c[j] = 1;
    const lp = simplexMax(c, C, A);
    pivots += lp.pivots;
    if (lp.status === 'infeasible') {
      feasible = false;
      break;
    }
    if (lp.status === 'unbounded') throw new Error(`${where}: x[${j}] is unbounded (C must have positive columns)`);
    maxima.push(lp.value);
    maximisers.push(lp.x);
  }
  const scale = Math.max(1, ...A.map(Math.abs));
  const resid = (x: number[]): number => Math.max(...C.map((row, i) => Math.abs(row.reduce((s, v, j) => s + v * x[j], 0) - A[i])));
  if (!feasible) {
    return {
      dimension: -1,
      feasible: false,
      interior: false,
      rank,
      variables: M,
      maxima: [],
      fracture: [],
      centre: [],
      vertices: [],
      diagnostics: { residual: NaN, iterations: pivots, converged: true, method: 'two-phase simplex (infeasible)', seconds: now() - t0 },
    };
  }
  const fracture = maxima.map((v, j) => (v <= tol * scale ? j : -1)).filter((j) => j >= 0);
  const support = maxima.map((_, j) => j).filter((j) => !fracture.includes(j));
  const dimension = support.length === 0 ? 0 : support.length - matrixRank(C.map((row) => support.map((j) => row[j])));
  const centre = new Array<number>(M).fill(0);
  for (const x of maximisers) for (let j = 0; j < M; j++) centre[j] += x[j] / maximisers.length;
  let residual = Math.max(...maximisers.map(resid));
  // vertices: basic feasible solutions over rank-many independent rows
  let vertices: number[][] | null = null;
  if (combinations(M, rank) <= maxComb) {
    // independent rows by greedy rank test
    const rows: number[] = [];
    for (let i = 0; i < m && rows.length < rank; i++) if (matrixRank([...rows.map((r) => C[r]), C[i]]) > rows.length) rows.push(i);
    vertices = [];
    const idx = Array.from({ length: rank }, (_, i) => i);
    for (;;) {
      const Msub = rows.map((r) => idx.map((j) => C[r][j]));
      const rhs = rows.map((r) => A[r]);
      if (solveLinear(Msub, rhs) && rhs.every((v) => v >= -tol * scale)) {
        const x = new Array<number>(M).fill(0);
        idx.forEach((j, k) => (x[j] = Math.max(rhs[k], 0)));
        if (resid(x) <= 1e-8 * scale && !vertices.some((v) => v.every((vj, j) => Math.abs(vj - x[j]) <= 1e-9 * scale))) vertices.push(x);
      }
      // next combination
      let i = rank - 1;
      while (i >= 0 && idx[i] === M - rank + i) i--;
      if (i < 0) break;
      idx[i]++;
      for (let k = i + 1; k < rank; k++) idx[k] = idx[k - 1] + 1;
    }
    if (vertices.length) residual = Math.max(residual, ...vertices.map(resid));
  }
  return {
    dimension,
    feasible: true,
    interior: fracture.length === 0,
    rank,
    variables: M,
    maxima,
    fracture,
    centre,
    vertices,
    diagnostics: {
      residual,
      iterations: pivots,
      converged: residual <= 1e-8 * scale,
      method: 'two-phase simplex (Bland) per variable; vertices by basic solutions',
      seconds: now() - t0,
      details: { tol, vertexSubsets: combinations(M, rank), verticesEnumerated: vertices !== null },
    },
  };
}

/**
 * Numerical dimension of a set of points (spec 02 §5.3): singular values of the centred n x M matrix X, from
 * the eigenvalues of X^T X (clipped at 0 before the square root), counted above relTol times the largest and
 * above absTol (see the file header).
 */
export function attractorDimensionFromPoints(
  xs: ArrayLike<number>[],
  relTol = 1e-6,
  absTol?: number,
): { dimension: number; singularValues: number[]; points: number; absTol: number } {
  const where = 'attractorDimensionFromPoints';
  checkInteger(where, 'xs.length', xs.length, 1);
  const M = xs[0].length;
  xs.forEach((x, i) => checkVector(where, `xs[${i}]`, x, M));
  checkNumber(where, 'relTol', relTol, 0, 1);
  const mean = new Array<number>(M).fill(0);
  for (const x of xs) for (let j = 0; j < M; j++) mean[j] += x[j] / xs.length;
  const G = Array.from({ length: M }, () => new Array<number>(M).fill(0));
  for (const x of xs) {
    for (let i = 0; i < M; i++) {
      const di = x[i] - mean[i];
      for (let j = 0; j < M; j++) G[i][j] += di * (x[j] - mean[j]);
    }
  }
  const sv = eigenvalues(G)
    .map((z) => Math.sqrt(Math.max(z.re, 0)))
    .sort((p, q) => q - p);
  const top = sv[0];
  let xmax = 0;
  for (const x of xs) for (let j = 0; j < M; j++) xmax = Math.max(xmax, Math.abs(x[j]));
  const floor = absTol ?? 1e-7 * Math.max(1, xmax) * Math.sqrt(xs.length);
  checkNumber(where, 'absTol', floor, 0);
  const dimension = sv.filter((s) => s > relTol * top && s > floor).length;
  return { dimension, singularValues: sv, points: xs.length, absTol: floor };
}
