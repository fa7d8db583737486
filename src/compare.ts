/**
 * Theory against simulation for one spec: picks the theory solution that the simulated networks should
 * sit on, and reports each matched quantity with the simulation's standard error and a verdict.
 */
import type { MultiregionTheoryResult } from './theory/multiregion/solve.js';
import type { Spec } from './spec/types.js';
import type { SimulationResult } from './sim/simulate.js';
import type { TheoryResultBase, TheorySolution } from './theory/types.js';
import { studentCritical, blockEstimate, combineNetworks, type Estimate } from './stats.js';
import type { MultiregionSimulationResult } from './sim/multiregion-spec.js';
import type { DimensionTheory } from './theory/dimension/from-spec.js';

/**
 * Two-sided false-alarm probability per row: the 3-sigma level of a Gaussian. A row agrees when
 * |simulation - theory| / SE <= t, the Student-t critical value for the SE's degrees of freedom (so a
 * SE estimated from few networks gets the wider band it needs; with many it tends to 3).
 */
export const AGREE_ALPHA = 0.0027;

/**
 * Finite-N excess of PR^x: PR(N) ~ N PR/N(infinity) + c, c = 2.9 +- 1.1 effective dimensions, measured for
 * i.i.d. tanh networks at g = 2, 3, 5 and N = 2048-16384 (docs/NUMERICS.md, "Finite N"). Quoted in the note of
 * the dimension row; the row itself compares with the N -> infinity theory.
 */
export const PR_FINITE_N_EXCESS = 2.9;

export type Verdict = 'agree' | 'disagree' | 'no-error-bar';

export interface CompareRow {
  /**
   * Stable machine-readable name: 'variance' | 'mean' | 'absMean' | 'kappa' | 'absKappa' | 'ringRadius' | 'autocov' |
   * 'dimension' (PR/N, with simulation.dimension);
   * multiregion: 'secondMoment' | 'gain' | 'currentVariance' | 'current'.
   */
  key: string;
  /**
   * Component r (1-based) for kappa rows, lag (time units) for autocov rows; multiregion: the region a, or
   * a P + b for currents; else null.
   */
  index: number | null;
  /** Human-readable label. */
  quantity: string;
  theory: number;
  simulation: number;
  se: number;
  seTime: number;
  seNetworks: number | null;
  /** (simulation - theory) / se */
  z: number;
  /** Degrees of freedom of se, and the critical |z| at AGREE_ALPHA for them. */
  dof: number;
  critical: number;
  verdict: Verdict;
  note?: string;
}

export interface CompareReport {
  /** The theory solution the simulation was matched to. */
  solution: { type: string; branch: string; index: number };
  rows: CompareRow[];
  agree: boolean;
  criterion: string;
  /** What was not compared, and why. */
  notes: string[];
}

/** The theory state the simulated networks are expected to occupy. */
export function selectSolution(spec: Spec, theory: TheoryResultBase): { sol: TheorySolution; index: number } {
  const sols = theory.solutions;
  if (sols.length === 0) throw new Error('compare: the theory returned no solution');
  // attractors first, then states of unknown stability (e.g. chaos, for which there is no linear
  // criterion), never a state known to be unstable when another exists
  const rank = (s: TheorySolution) => (s.stable === true ? 2 : s.stable === null ? 1 : 0);
  const best = Math.max(...sols.map(rank));
  let cands = sols.filter((s) => rank(s) === best);
  const init = spec.simulation.init;
  if (init.kind === 'branch') {
    const signed = cands.filter((s) => Math.sign(s.kappa[0] ?? 0) === init.sign);
    if (signed.length) cands = signed;
  } else {
    // a random start lands on either mirror branch: prefer the plus one and compare magnitudes
    const plus = cands.filter((s) => (s.kappa[0] ?? 0) >= 0);
    if (plus.length) cands = plus;
  }
  const sol = cands[0];
  return { sol, index: sols.indexOf(sol) };
}

function row(key: string, index: number | null, quantity: string, theory: number, est: Estimate, note?: string): CompareRow {
  const d = est.mean - theory;
  const ok = Number.isFinite(est.se) && est.se > 0;
  const z = ok ? d / est.se : NaN;
  const critical = studentCritical(AGREE_ALPHA, est.dof);
  let verdict: Verdict;
  if (!ok || !Number.isFinite(critical)) verdict = Math.abs(d) <= 1e-9 ? 'agree' : 'no-error-bar';
  else verdict = Math.abs(z) <= critical ? 'agree' : 'disagree';
  return {
    key,
    index,
    quantity,
    theory,
    simulation: est.mean,
    se: est.se,
    seTime: est.seTime,
    seNetworks: est.seNetworks,
    z,
    dof: est.dof,
    critical,
    verdict,
    ...(note ? { note } : {}),
  };
}

function interp(xs: number[], ys: number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  for (let k = 1; k < xs.length; k++) {
    if (x <= xs[k]) {
      const w = (x - xs[k - 1]) / (xs[k] - xs[k - 1]);
      return ys[k - 1] * (1 - w) + ys[k] * w;
    }
  }
  return NaN;
}

const isMultiregion = (t: TheoryResultBase | MultiregionTheoryResult): t is MultiregionTheoryResult => t.kind === 'multiregion';

export function compareResults(spec: Spec, theory: TheoryResultBase | MultiregionTheoryResult, sim: SimulationResult): CompareReport {
  if (isMultiregion(theory) || spec.model.kind === 'multiregion') throw new Error('dmftlab: model kind multiregion: compare is not implemented yet');
  const { sol, index } = selectSolution(spec, theory);
  const rows: CompareRow[] = [];
  const S = sim.summary;
  const branchInit = spec.simulation.init.kind === 'branch';
  rows.push(row('variance', null, 'population variance (delta0)', sol.delta0, S.variance));
  const muSigned = branchInit || Math.abs(sol.mu) < 1e-12;
  if (muSigned) rows.push(row('mean', null, 'population mean (mu)', sol.mu, S.mean));
  else rows.push(row('absMean', null, '|population mean| (|mu|)', Math.abs(sol.mu), S.absMean, 'random start: either mirror branch'));
  if (sol.branch === 'ring' && S.kappaNorm) {
    // a continuous attractor: each network settles at its own angle, so only the radius is predicted
    const K = Math.hypot(...sol.kappa);
    rows.push(row('ringRadius', null, 'ring radius |kappa|', K, S.kappaNorm, 'every direction on the ring is a solution (spec 01 §4.6)'));
  } else sol.kappa.forEach((k, r) => {
    if (Math.abs(k) < 1e-12) rows.push(row('kappa', r + 1, `kappa_${r + 1}`, 0, S.kappa[r]));
    else if (branchInit) rows.push(row('kappa', r + 1, `kappa_${r + 1}`, k, S.kappa[r]));
    else rows.push(row('absKappa', r + 1, `|kappa_${r + 1}|`, Math.abs(k), S.absKappa[r], 'random start: either mirror branch'));
  });
  const notes: string[] = [];
  for (const { lag, estimate } of S.autocov) {
    if (lag === 0) continue; // equals the population variance
    let th: number;
    if (sol.type !== 'chaotic') th = sol.delta0;
    else if (sol.tau && sol.delta && lag <= sol.tau[sol.tau.length - 1]) th = interp(sol.tau, sol.delta, lag);
    else {
      notes.push(`autocovariance at lag ${lag} not compared: the theory's Delta(tau) grid ends at ${sol.tau?.[sol.tau.length - 1] ?? 'none'} (theory.tauMax)`);
      continue;
    }
    rows.push(row('autocov', lag, `autocovariance at lag ${lag}`, th, estimate));
  }
  const dim = S.dimension;
  if (dim) {
    const th = (theory as { dimension?: DimensionTheory | null }).dimension;
    if (th) {
      const v = dim.variable;
      const what = th.dynamics === 'map' ? `Euler map, delta = ${th.delta}` : 'flow';
      const N = spec.model.N;
      const excess =
        spec.model.kind === 'randomMode'
          ? 'finite N adds a few dimensions, PR/N + c/N with c depending on rho (1-2 at rho = 0.1, g = 3); at rho <= 0.1 the large-N agreement is OPEN (docs/NUMERICS.md)'
          : `finite N adds about +${PR_FINITE_N_EXCESS}/N = +${(PR_FINITE_N_EXCESS / N).toPrecision(2)} (i.i.d. tanh, g = 2-5; docs/NUMERICS.md)`;
      rows.push(row('dimension', null, `PR^${v}/N (dimension of ${v === 'x' ? 'x' : 'phi(x)'}, cross-block)`, v === 'x' ? th.prX : th.prPhi, dim, `two-site cavity theory at N -> infinity (${what}); ${excess}`));
    } else {
      notes.push(
        spec.model.kind === 'lowrank'
          ? 'dimension not compared: spec 03 gives no dimension theory for low-rank structure'
          : 'dimension not compared: the theory has no dimension for this spec (see theory.diagnostics.notes)',
      );
    }
  }
  return {
    solution: { type: sol.type, branch: sol.branch, index },
    rows,
    agree: rows.every((r) => r.verdict === 'agree'),
    notes,
    criterion: `|simulation - theory| / SE <= t_crit(dof) at two-sided p = ${AGREE_ALPHA} (3 sigma); SE = max(SE over networks (temporal noise + quenched finite-N spread), SE over ${spec.simulation.blocks} time blocks pooled over networks), with its degrees of freedom`,
  };
}

/**
 * Multiregion theory against simulation (spec 02 §8). The theory state is the stationary state the DMFT
 * settles on (`reachedByDmft`); without one (limit cycles, slow transients) the rows use the DMFT's time
 * averages over the simulation's measurement window. Rows per region: the second moment (1/N) sum x^2
 * against Delta^a(t, t), the gain against psi^a, the current variance A^a = sum_b (S^{ab})^2; per pair:
 * the filtered current S^{ab}. The dynamics is odd (S -> -S maps solutions to solutions), so each
 * network's currents are first aligned to the theory's global sign (spec 02 §8).
 */
export function compareMultiregion(spec: Spec, theory: MultiregionTheoryResult, sim: MultiregionSimulationResult): CompareReport {
  const P = theory.P;
  const B = spec.simulation.blocks;
  const notes: string[] = [];
  const rows: CompareRow[] = [];
  const stat = theory.solutions.find((s) => s.reachedByDmft && s.diagnostics.converged);
  let S: number[][];
  let D: number[];
  let psi: number[];
  let solution: CompareReport['solution'];
  if (stat) {
    S = stat.currents;
    D = stat.regions.map((r) => r.delta0);
    psi = stat.regions.map((r) => r.psi);
    solution = { type: stat.type, branch: 'stationary (reached by the DMFT)', index: theory.solutions.indexOf(stat) };
  } else {
    // time averages of the DMFT over the measurement window
    const t0 = spec.simulation.tBurn;
    const t1 = t0 + spec.simulation.tMeasure;
    const d = theory.dmft;
    const ks = d.time.map((t, k) => (t >= t0 - 1e-9 && t <= t1 + 1e-9 ? k : -1)).filter((k) => k >= 0);
    if (d.time[d.time.length - 1] < t1 - 1e-9 || ks.length === 0) {
      throw new Error(
        `dmftlab: compare: the DMFT reaches no stationary state and its run (theory.dmft.duration = ${d.time[d.time.length - 1]}) ` +
          `does not cover the measurement window [${t0}, ${t1}]: raise theory.dmft.duration to at least ${t1}`,
      );
    }
    const avg = (y: number[]) => ks.reduce((s, k) => s + y[k], 0) / ks.length;
    S = d.currents.map((row) => row.map(avg));
    D = d.variance.map(avg);
    psi = d.gain.map(avg);
    solution = { type: 'dmft', branch: `time average over [${t0}, ${t1}]`, index: -1 };
    notes.push('the DMFT reaches no stationary state: rows compare time averages of the DMFT and of the simulation over the same window');
  }
  // global sign of each network: the one that best matches the theory's currents
  const signs = sim.networks.map((n) => {
    let dot = 0;
    for (let ab = 0; ab < P * P; ab++) {
      const s = n.S[ab];
      const mean = s.reduce((x, y) => x + y, 0) / s.length;
      dot += mean * S[Math.floor(ab / P)][ab % P];
    }
    return dot < 0 ? -1 : 1;
  });
  const flipped = signs.some((s) => s < 0);
  if (sim.summary.dimension) notes.push('dimension not compared: spec 03 gives no dimension theory for multiregion networks (the simulation reports it in summary.dimension)');
  for (let a = 0; a < P; a++) rows.push(row('secondMoment', a, `region ${a}: (1/N) sum x^2 (Delta^${a}(t, t))`, D[a], sim.summary.secondMoment[a]));
  for (let a = 0; a < P; a++) rows.push(row('gain', a, `region ${a}: gain <phi'(x)> (psi^${a})`, psi[a], sim.summary.gain[a]));
  for (let a = 0; a < P; a++) {
    const A = S[a].reduce((s, x) => s + x * x, 0);
    rows.push(row('currentVariance', a, `region ${a}: current variance sum_b (S^{${a}b})^2`, A, sim.summary.currentVariance[a]));
  }
  for (let a = 0; a < P; a++) {
    for (let b = 0; b < P; b++) {
      const ab = a * P + b;
      const est = combineNetworks(sim.networks.map((n, k) => blockEstimate(n.S[ab].map((x) => signs[k] * x), B)));
      rows.push(row('current', ab, `current S^{${a}${b}} (region ${b} -> ${a})`, S[a][b], est, flipped ? 'networks on the mirror state (S -> -S) were flipped' : undefined));
    }
  }
  return {
    solution,
    rows,
    agree: rows.every((r) => r.verdict === 'agree'),
    notes,
    criterion: `|simulation - theory| / SE <= t_crit(dof) at two-sided p = ${AGREE_ALPHA} (3 sigma); SE = max(SE over networks (temporal noise + quenched finite-N spread), SE over ${B} time blocks pooled over networks), with its degrees of freedom`,
  };
}
