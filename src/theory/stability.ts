/**
 * Linear stability of static low-rank DMFT solutions (spec 01 §5).
 *
 * Spectrum of J diag(phi'(x*)) for N -> inf:
 *   bulk   disk of radius r = g sqrt([phi'^2](mu, Delta0));
 *   outliers eigenvalues z of the (2+R) x (2+R) matrix
 *              [[ B,    A                ],
 *               [ P B,  P A + [phi'] Cnm ]]
 *            built from the linear response of (delta mu, c = cov(x, delta x), delta kappa_r), or of the
 *            exact 2 x 2 reduction B + A P when Cnm = 0.
 * The (2+R) form has R - rank(Cnm) spurious zero eigenvalues (it was multiplied through by z); they are
 * removed, and so is any other eigenvalue |z| <= 1e-12 max(1, |z|max) (z = 0 is inside the bulk, or is the
 * bulk at g = 0; such zeros come from modes that do not exist, e.g. delta mu when M_m = 0). Stable iff r < 1 and every outlier has real part < 1. For the trivial fixed point x = 0
 * (odd phi, no input) the outliers are phi'(0) times the eigenvalues of the overlap matrix
 * n_r^T m_s / N = M_{n_r} M_{m_s} + Cnm[r][s].
 */
import { eigenvaluesSorted, type Complex } from './eig.js';

/** One-point averages at (mu, Delta0) that the outlier matrix needs (a subset of gauss.ts Moments). */
export interface StabilityMoments {
  dphi: number;
  d2phi: number;
  d3phi: number;
  dphi2: number;
  phidphi: number;
  phid2phi: number;
}

/** The parts of a low-rank model that enter the outlier matrix. */
export interface StabilityModel {
  R: number;
  g: number;
  Mm: number[];
  Mn: number[];
  Cmm: number[][];
  Cnm: number[][];
  CmI: number[];
  CnI: number[];
}

export interface StabilityReport {
  /** Radius of the bulk of J diag(phi'(x*)). */
  bulkRadius: number;
  /** Outliers of J diag(phi'(x*)), by decreasing real part (inside-the-bulk ones included; flagged below). */
  outliers: Complex[];
  /** Whether each outlier lies outside the bulk disk (only those are visible in a finite-N spectrum). */
  outsideBulk: boolean[];
  stable: boolean;
  /** Largest real part among the outliers (-Infinity if none). */
  leadingOutlier: number;
  /** Which matrix was used. */
  method: '2x2' | '(2+R)x(2+R)' | 'overlap';
  /** Marginal eigenvalues removed from the criterion (ring: the tangential mode, exactly 1). */
  marginal?: Complex[];
}

/** Kappa-dependent quantities of a static solution. */
export interface StabilityPoint {
  kappa: number[];
}

/** The outlier matrix of spec 01 §5 (full (2+R) form) and the 2 x 2 reduction when Cnm = 0. */
export function outlierMatrix(model: StabilityModel, pt: StabilityPoint, m: StabilityMoments): { full: number[][]; reduced: number[][] | null } {
  const { R, g, Mm, Mn, Cmm, Cnm, CmI, CnI } = model;
  const kappa = pt.kappa;
  const g2 = g * g;
  // a_s = cov(x, m_s) = (Cmm kappa + CmI)_s ; b_r = cov(n_r, x) = (Cnm kappa + CnI)_r
  const a = new Array<number>(R).fill(0);
  const b = new Array<number>(R).fill(0);
  for (let r = 0; r < R; r++) {
    a[r] = CmI[r];
    b[r] = CnI[r];
    for (let s = 0; s < R; s++) {
      a[r] += Cmm[r][s] * kappa[s];
      b[r] += Cnm[r][s] * kappa[s];
    }
  }
  const B = [
    [0, 0],
    [g2 * m.phidphi, g2 * (m.dphi2 + m.phid2phi)],
  ];
  const A = [Mm.slice(), a.slice()]; // 2 x R
  const P: number[][] = []; // R x 2
  for (let r = 0; r < R; r++) P.push([Mn[r] * m.dphi + b[r] * m.d2phi, Mn[r] * m.d2phi + b[r] * m.d3phi]);
  const n = 2 + R;
  const full = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) full[i][j] = B[i][j];
    for (let s = 0; s < R; s++) full[i][2 + s] = A[i][s];
  }
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < 2; j++) full[2 + r][j] = P[r][0] * B[0][j] + P[r][1] * B[1][j];
    for (let s = 0; s < R; s++) full[2 + r][2 + s] = P[r][0] * A[0][s] + P[r][1] * A[1][s] + m.dphi * Cnm[r][s];
  }
  const cnmZero = Cnm.every((row) => row.every((x) => x === 0));
  let reduced: number[][] | null = null;
  if (cnmZero) {
    reduced = [
      [0, 0],
      [0, 0],
    ];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        let s = B[i][j];
        for (let r = 0; r < R; r++) s += A[i][r] * P[r][j];
        reduced[i][j] = s;
      }
  }
  return { full, reduced };
}

/** Numerical rank of a small square matrix (Gaussian elimination with complete pivoting). */
export function numericalRank(M: number[][], relTol = 1e-12): number {
  const n = M.length;
  const a = M.map((r) => r.slice());
  let scale = 0;
  for (const row of a) for (const x of row) scale = Math.max(scale, Math.abs(x));
  if (scale === 0) return 0;
  let rank = 0;
  const rows = new Array<boolean>(n).fill(false);
  const cols = new Array<boolean>(n).fill(false);
  for (let step = 0; step < n; step++) {
    let best = 0;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < n; i++) {
      if (rows[i]) continue;
      for (let j = 0; j < n; j++) {
        if (cols[j]) continue;
        if (Math.abs(a[i][j]) > best) {
          best = Math.abs(a[i][j]);
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0 || best <= relTol * scale) break;
    rank++;
    rows[bi] = true;
    cols[bj] = true;
    for (let i = 0; i < n; i++) {
      if (rows[i]) continue;
      const f = a[i][bj] / a[bi][bj];
      for (let j = 0; j < n; j++) a[i][j] -= f * a[bi][j];
    }
  }
  return rank;
}

export interface StabilityOptions {
  /** Remove the eigenvalue closest to 1 as a marginal (continuous-attractor) mode (ring, spec 01 §5). */
  marginalModes?: number;
}

/** Stability of a static solution with kappa != 0 or Delta0 > 0 (spec 01 §5). */
export function staticStability(model: StabilityModel, pt: StabilityPoint, m: StabilityMoments, opts: StabilityOptions = {}): StabilityReport {
  const bulkRadius = model.g * Math.sqrt(Math.max(m.dphi2, 0));
  const { full, reduced } = outlierMatrix(model, pt, m);
  let eig: Complex[];
  let method: StabilityReport['method'];
  if (reduced) {
    eig = eigenvaluesSorted(reduced);
    method = '2x2';
  } else {
    eig = eigenvaluesSorted(full);
    method = '(2+R)x(2+R)';
    // drop the R - rank(Cnm) spurious zero eigenvalues (smallest modulus first)
    const spurious = model.R - numericalRank(model.Cnm);
    for (let k = 0; k < spurious && eig.length > 0; k++) {
      let idx = 0;
      for (let i = 1; i < eig.length; i++) if (Math.hypot(eig[i].re, eig[i].im) < Math.hypot(eig[idx].re, eig[idx].im)) idx = i;
      eig.splice(idx, 1);
    }
  }
  let marginal: Complex[] | undefined;
  if (opts.marginalModes) {
    marginal = [];
    for (let k = 0; k < opts.marginalModes && eig.length > 0; k++) {
      let idx = 0;
      for (let i = 1; i < eig.length; i++) if (Math.hypot(eig[i].re - 1, eig[i].im) < Math.hypot(eig[idx].re - 1, eig[idx].im)) idx = i;
      marginal.push(eig.splice(idx, 1)[0]);
    }
  }
  return finish(bulkRadius, eig, method, marginal);
}

/** Trivial fixed point x = 0 (odd phi, no input): J diag(phi'(0)) = phi'(0) J. */
export function trivialStability(model: StabilityModel, dphi0: number): StabilityReport {
  const { R, g, Mm, Mn, Cnm } = model;
  const overlap = Array.from({ length: R }, (_, r) => Array.from({ length: R }, (_, s) => dphi0 * (Mn[r] * Mm[s] + Cnm[r][s])));
  const eig = eigenvaluesSorted(overlap);
  return finish(g * Math.abs(dphi0), eig, 'overlap');
}

function finish(bulkRadius: number, eig: Complex[], method: StabilityReport['method'], marginal?: Complex[]): StabilityReport {
  // z = 0 is never an outlier (it lies in the bulk, or is the bulk itself when g = 0); the reduced matrices
  // produce exact zeros for modes that do not exist (e.g. delta mu when M_m = 0)
  const scale = Math.max(1, ...eig.map((z) => Math.hypot(z.re, z.im)));
  const outliers = eig.filter((z) => Math.hypot(z.re, z.im) > 1e-12 * scale).sort((p, q) => q.re - p.re || q.im - p.im);
  const outsideBulk = outliers.map((z) => Math.hypot(z.re, z.im) > bulkRadius);
  const leadingOutlier = outliers.length ? outliers[0].re : -Infinity;
  const stable = bulkRadius < 1 && outliers.every((z) => z.re < 1);
  const rep: StabilityReport = { bulkRadius, outliers, outsideBulk, stable, leadingOutlier, method };
  if (marginal) rep.marginal = marginal;
  return rep;
}
