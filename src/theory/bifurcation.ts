/**
 * Bifurcation points of the rank-one low-rank DMFT (spec 01 §4.4, §4.5, §6.5). Each is a value of one
 * parameter with all others fixed:
 *
 *   g_S   (value of g) static +/- branches merge with the central static state:
 *         (M_m M_n + Cnm) [phi'](0, Delta0_cs(g)) = 1, Delta0_cs = central static variance.
 *   g_BB  (value of g) chaotic +/- branches merge with the central chaotic state: same condition with the
 *         central chaotic variance Delta0_cc(g).
 *   g_C   (value of g) the static + branch reaches bulk radius g sqrt([phi'^2](mu, Delta0)) = 1; the chaotic
 *         +/- branches are born there (Delta0 - Delta_inf -> 0).
 *   s*    (value of s = cov(n, I)) fold where two static branches merge (spec 01 §4.5). The input is varied as
 *         in the authors' construction I = M_I + (s / Sigma_n^2)(n - M_n) + (independent part), i.e. var(I)
 *         = CII_perp + s^2 / Cnn with CII_perp = CII - CnI^2/Cnn held fixed ('regression'); s* with var(I)
 *         held fixed instead is reported as `sFixedVar`.
 *
 * g_S, g_BB, g_C are computed for the rank-one symmetric family (odd phi, M_I = 0, CmI = CnI = 0); s* for
 * rank one with CnI != 0. All are located by brent to `bifTol` in the parameter, then checked.
 */
import type { LowRankModel, TheorySettings } from '../spec/types.js';
import type { Averager } from './gauss.js';
import { brent, newton } from './roots.js';
import {
  chaoticAtFixedKappa,
  findStaticSolutions,
  lowRankProblem,
  newtonJ,
  staticDelta0,
  staticSystem,
  structured,
  type LowRankProblem,
  type LowRankSettings,
} from './lowrank.js';

export interface GBifurcation {
  /** Parameter value (g). */
  g: number;
  /** State at the bifurcation (the branch that bifurcates; kappa = 0 for g_S and g_BB). */
  kappa: number[];
  delta0: number;
  /** |condition - 1| at the returned g (the defining equation of the point). */
  residual: number;
  converged: boolean;
  method: string;
}

export interface FoldBifurcation {
  /** s* = cov(n, I) at the fold, var(I) = CII_perp + s^2/Cnn (authors' construction). */
  s: number;
  /** s* with var(I) held fixed at the model's value (null if not found). */
  sFixedVar: number | null;
  /** State where the two branches merge. */
  kappa: number[];
  delta0: number;
  /** Which branches merge ('minus' and 'central' for s > 0 in the M&O setting). */
  merging: [string, string];
  /** Max-norm of (static residual, det of the static Jacobian) at the fold. */
  residual: number;
  converged: boolean;
  method: string;
}

export interface LowRankBifurcations {
  computed: boolean;
  family?: 'rank-one symmetric' | 'rank-one input-driven' | 'other';
  gC?: GBifurcation | null;
  gBB?: GBifurcation | null;
  gS?: GBifurcation | null;
  fold?: FoldBifurcation | null;
  notes: string[];
  seconds?: number;
}

interface Shared {
  averager: Averager;
  checkAverager: Averager;
}

function withG(P: LowRankProblem, g: number): LowRankProblem {
  return { ...P, g };
}

/** Central static variance at g (largest root), or null. */
function centralStaticD0(P: LowRankProblem, avg: Averager, g: number): number | null {
  return staticDelta0(withG(P, g), avg, 0, P.CII);
}

/** Central chaotic variance at g (admissible root with Dinf >= Lambda), or null. */
function centralChaoticD0(P: LowRankProblem, avg: Averager, S: LowRankSettings, g: number, warm?: { D0: number; Dinf: number }): { D0: number; Dinf: number } | null {
  const Pg = withG(P, g);
  const sols = chaoticAtFixedKappa(Pg, avg, S, new Array<number>(P.R).fill(0), warm).filter((s) => s.Dinf >= P.CII - 1e-12 && s.D0 - s.Dinf > 1e-12);
  return sols.length ? sols[0] : null;
}

/**
 * Root in g of f (defined for g in (gLo, gMax], NaN where undefined): scan a geometric grid above gLo for the
 * first sign change, then brent.
 */
function scanG(f: (g: number) => number, gLo: number, tol: number): { g: number; converged: boolean } | null {
  const grid: number[] = [];
  for (let d = 1e-3; gLo + d < 1e3; d *= 1.25) grid.push(gLo + d);
  let prevG = NaN;
  let prevF = NaN;
  for (const g of grid) {
    const v = f(g);
    if (Number.isFinite(v) && Number.isFinite(prevF) && v !== 0 && prevF > 0 !== v > 0) {
      const r = brent((x) => {
        const y = f(x);
        return Number.isFinite(y) ? y : v;
      }, prevG, g, { xtol: tol });
      return { g: r.x, converged: r.converged };
    }
    if (v === 0) return { g, converged: true };
    prevG = g;
    prevF = v;
  }
  return null;
}

export function lowRankBifurcations(model: LowRankModel, theory: TheorySettings, S: LowRankSettings, shared: Shared): LowRankBifurcations {
  const t0 = performance.now();
  const P = lowRankProblem(model);
  const avg = shared.averager;
  const notes: string[] = [];
  const out: LowRankBifurcations = { computed: true, notes };
  if (P.R !== 1) {
    out.family = 'other';
    notes.push('g_C, g_BB, g_S and s* are defined for rank one (spec 01 §4.4, §4.5); not computed for rank ' + P.R);
    out.seconds = (performance.now() - t0) / 1000;
    return out;
  }
  if (P.symmetric) {
    out.family = 'rank-one symmetric';
    const overlap = P.Mm[0] * P.Mn[0] + P.Cnm[0][0];
    const gLo = P.CII > 0 ? 0 : 1;
    // g_S
    const fS = (g: number) => {
      const D0 = centralStaticD0(P, avg, g);
      return D0 === null ? NaN : overlap * avg.moments(0, D0).dphi - 1;
    };
    // For tanh and erf, 0 < phi' <= 1 = phi'(0), so [phi'](0, Delta0) < 1 for every Delta0 > 0: with
    // |overlap| <= 1 the conditions below have no root, and their scans would solve the central state up to
    // g = 1000 for nothing (minutes at overlap 0.55: the chaotic solves grow slow with g).
    const noRoot = (P.phi.name === 'tanh' || P.phi.name === 'erf') && Math.abs(overlap) <= 1;
    const rS = noRoot ? null : scanG(fS, gLo, S.bifTol);
    if (rS) {
      const D0 = centralStaticD0(P, avg, rS.g)!;
      const res = Math.abs(fS(rS.g));
      out.gS = { g: rS.g, kappa: [0], delta0: D0, residual: res, converged: rS.converged && res <= 1e-9, method: 'brent in g on (M_m M_n + Cnm)[phi\'](0, Delta0_static(g)) - 1' };
    } else {
      out.gS = null;
      notes.push(noRoot ? `g_S, g_BB: none, since |M_m M_n + Cnm| = ${Math.abs(overlap)} <= 1 and [phi'] < 1 for ${P.phi.name}` : 'g_S: no sign change of (M_m M_n + Cnm)[phi\'](0, Delta0_static) - 1 for g in (' + gLo + ', 1000)');
    }
    // g_BB
    let warm: { D0: number; Dinf: number } | undefined;
    const fBB = (g: number) => {
      const c = centralChaoticD0(P, avg, S, g, warm);
      if (!c) return NaN;
      warm = c;
      return overlap * avg.moments(0, c.D0).dphi - 1;
    };
    const rBB = noRoot ? null : scanG(fBB, 1, S.bifTol);
    if (rBB) {
      warm = undefined;
      const c = centralChaoticD0(P, avg, S, rBB.g);
      const res = Math.abs(fBB(rBB.g));
      out.gBB = c ? { g: rBB.g, kappa: [0], delta0: c.D0, residual: res, converged: rBB.converged && res <= 1e-9, method: 'brent in g on (M_m M_n + Cnm)[phi\'](0, Delta0_chaotic(g)) - 1' } : null;
    } else {
      out.gBB = null;
      if (!noRoot) notes.push('g_BB: no sign change of (M_m M_n + Cnm)[phi\'](0, Delta0_chaotic) - 1 (or no central chaotic state)');
    }
    out.gC = gCritical(P, avg, S, out.gS?.g ?? null, notes);
  } else if (P.CnI[0] !== 0) {
    out.family = 'rank-one input-driven';
    out.fold = foldPoint(P, avg, S, notes);
  } else {
    out.family = 'other';
    notes.push('rank one without mirror symmetry and without cov(n, I): no named bifurcation points');
  }
  out.seconds = (performance.now() - t0) / 1000;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// g_C: bulk radius of the static + branch reaches 1

function gCritical(P: LowRankProblem, avg: Averager, S: LowRankSettings, gS: number | null, notes: string[]): GBifurcation | null {
  // start on the + branch at a g where it exists and is stable
  const gStart = Math.min(0.5, gS !== null ? 0.5 * gS : 0.5);
  const plusAt = (g: number): { kappa: number; D0: number } | null => {
    const found = findStaticSolutions(withG(P, g), avg, S).filter((c) => c.kappa[0] > S.centralTol);
    if (!found.length) return null;
    found.sort((a, b) => b.kappa[0] - a.kappa[0]);
    return { kappa: found[0].kappa[0], D0: found[0].D0 };
  };
  const start = plusAt(gStart);
  if (!start) {
    notes.push(`g_C: no static + branch at g = ${gStart}`);
    return null;
  }
  const radius = (g: number, y: { kappa: number; D0: number }) => {
    const st = structured(P, [y.kappa]);
    return g * Math.sqrt(avg.moments(st.mu, y.D0).dphi2);
  };
  const follow = (g: number, from: { kappa: number; D0: number }) => {
    const r = newtonJ((y) => staticSystem(withG(P, g), avg, y), [from.kappa, from.D0], S.tolStatic, 50);
    return r.converged && r.y[0] > S.centralTol ? { kappa: r.y[0], D0: r.y[1] } : null;
  };
  let g = gStart;
  let y = start;
  let r = radius(g, y);
  if (r >= 1) {
    notes.push(`g_C: the + branch is already unstable at g = ${gStart}`);
    return null;
  }
  const gEnd = gS ?? 1e3;
  let step = S.contStep * 5;
  for (let k = 0; k < 100000 && g < gEnd; k++) {
    const gn = Math.min(g + step, gEnd);
    const yn = follow(gn, y);
    if (!yn) {
      if (step < 1e-9) break;
      step /= 4;
      continue;
    }
    const rn = radius(gn, yn);
    if (rn >= 1) {
      // bracket [g, gn]: brent on radius - 1 with Newton continuation from y
      let last = y;
      const fr = (gg: number) => {
        const s = follow(gg, last) ?? follow(gg, y);
        if (!s) return NaN;
        last = s;
        return radius(gg, s) - 1;
      };
      const b = brent((gg) => {
        const v = fr(gg);
        return Number.isFinite(v) ? v : 1;
      }, g, gn, { xtol: S.bifTol });
      const sol = follow(b.x, last) ?? follow(b.x, y);
      if (!sol) break;
      const res = Math.abs(radius(b.x, sol) - 1);
      return { g: b.x, kappa: [sol.kappa], delta0: sol.D0, residual: res, converged: b.converged && res <= 1e-9, method: 'continuation of the static + branch in g, brent on bulk radius - 1' };
    }
    g = gn;
    y = yn;
    r = rn;
    step = Math.min(step * 1.5, S.contStep * 5);
  }
  notes.push('g_C: the static + branch did not reach bulk radius 1 before it ended');
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// s*: fold of the input-driven rank-one problem

function foldPoint(P: LowRankProblem, avg: Averager, S: LowRankSettings, notes: string[]): FoldBifurcation | null {
  const s0 = P.CnI[0];
  const Cnn = P.Cnn[0][0];
  const regression = Cnn > 0;
  const perp = regression ? P.CII - (s0 * s0) / Cnn : P.CII;
  if (regression && perp < -1e-12) {
    notes.push('fold: var(I) < cov(n, I)^2 / var(n) (inconsistent covariance); s* not computed');
    return null;
  }
  const withS = (s: number, fixedVar: boolean): LowRankProblem => ({
    ...P,
    CnI: [s],
    CII: fixedVar || !regression ? P.CII : Math.max(perp, 0) + (s * s) / Cnn,
  });
  const one = (fixedVar: boolean) => foldFor(withS, fixedVar, s0, avg, S);
  const main = one(!regression);
  if (!main) {
    notes.push('fold: the number of static solutions does not change between s = 0 and s = 64 s0');
    return null;
  }
  const alt = regression ? one(true) : main;
  if (!regression) notes.push('fold: var(n) = 0, so var(I) is held fixed');
  return { ...main, sFixedVar: alt ? alt.s : null };
}

function foldFor(
  withS: (s: number, fixedVar: boolean) => LowRankProblem,
  fixedVar: boolean,
  s0: number,
  avg: Averager,
  S: LowRankSettings,
): Omit<FoldBifurcation, 'sFixedVar'> | null {
  const sgn = s0 >= 0 ? 1 : -1;
  const roots = (s: number) =>
    findStaticSolutions(withS(s, fixedVar), avg, { ...S, scanPoints: 81 }, true)
      .map((c) => c.kappa[0])
      .sort((a, b) => a - b);
  // march s from 0 outwards until the number of static states drops
  let sPrev = 0;
  let rPrev = roots(0);
  const smax = 64 * Math.abs(s0);
  let ds = Math.abs(s0) / 4;
  let sA = NaN;
  let rA: number[] = [];
  let sB = NaN;
  for (let s = ds; s <= smax; s += ds) {
    const r = roots(sgn * s);
    if (r.length < rPrev.length) {
      sA = sPrev;
      rA = rPrev;
      sB = s;
      break;
    }
    sPrev = s;
    rPrev = r;
    if (s >= 4 * Math.abs(s0)) ds *= 1.5;
  }
  if (!Number.isFinite(sB) || rA.length < 2) return null;
  // the merging pair: the closest neighbours on the side the input pushes away from
  let pair = 0;
  let gap = Infinity;
  for (let i = 0; i + 1 < rA.length; i++) if (rA[i + 1] - rA[i] < gap) {
    gap = rA[i + 1] - rA[i];
    pair = i;
  }
  const names = rA.length === 3 ? ['minus', 'central', 'plus'] : rA.map((_, i) => `root-${i + 1}`);
  const merging: [string, string] = [names[pair], names[pair + 1]];
  // extended system (kappa, D0, s): static residuals and det of the static Jacobian
  const ext = (v: number[]): number[] => {
    const Ps = withS(sgn * v[2], fixedVar);
    const e = staticSystem(Ps, avg, [v[0], v[1]]);
    if (!e) return [NaN, NaN, NaN];
    const det = e.J[0][0] * e.J[1][1] - e.J[0][1] * e.J[1][0];
    return [e.F[0], e.F[1], det];
  };
  const kSeed = 0.5 * (rA[pair] + rA[pair + 1]);
  const PsA = withS(sgn * sA, fixedVar);
  const stA = structured(PsA, [kSeed]);
  const D0Seed = staticDelta0(PsA, avg, stA.mu, stA.Lambda) ?? 1;
  const res = newton(ext, [kSeed, D0Seed, 0.5 * (sA + sB)], { tol: 1e-13, maxIter: 100, typical: [1, 1, Math.abs(s0) || 1] });
  const sStar = res.y[2];
  const ok = res.converged && sStar >= sA - 1e-9 && sStar <= sB + 1e-9;
  return {
    s: sgn * sStar,
    kappa: [res.y[0]],
    delta0: res.y[1],
    merging,
    residual: res.residual,
    converged: ok,
    method: 'Newton on (static residuals, det of the static Jacobian) in (kappa, Delta0, s), seeded from a scan in s',
  };
}
