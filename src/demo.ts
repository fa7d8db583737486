/**
 * `dmftlab demo`: the M&O Fig. 1C-style bifurcation diagram of a rank-one network (M_m = 1.1, M_n = 2,
 * unit variances, tanh, g from 0 to 4; spec 01 §8.2): every theory branch with its stability, the
 * bifurcation points, and finite-N simulations started on both branches at a few g, each compared with
 * the theory branch it should sit on.
 */
import { parseSpec } from './spec/validate.js';
import type { LowRankModel, Spec } from './spec/types.js';
import { sweepLowRank, solveLowRank } from './theory/lowrank.js';
import { averagerFor } from './theory/averagers.js';
import { getPhi } from './phi.js';
import { setup } from './core/runtime.js';
import { simulateSpec } from './sim/simulate.js';
import { compareResults, type CompareRow } from './compare.js';
import { VERSION, FORMAT_VERSION, runtimeInfo } from './version.js';

export interface DemoOptions {
  /** Smaller and faster (N = 1000, fewer g points): for tests. */
  quick?: boolean;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** Receives the human-readable lines (the agreement table). */
  log?: (line: string) => void;
}

export interface DemoCurve {
  label: string;
  type: string;
  branch: string;
  stable: boolean;
  g: number[];
  /** kappa on the branch, NaN where the branch does not exist or has the other stability. */
  kappa: number[];
}

export interface DemoPoint {
  g: number;
  /** Sign of the initial condition x0 = sign c m + eta; 0 for a random start. */
  sign: 1 | -1 | 0;
  state: string;
  kappaTheory: number;
  kappaSim: number;
  kappaSe: number;
  rows: CompareRow[];
  agree: boolean;
}

export interface DemoOutput {
  dmftlab: { version: string; format: number };
  kind: 'demo';
  params: { Mm: number; Mn: number; Sm: number; Sn: number; phi: string };
  N: number;
  networks: number;
  bifurcations: { gC: number | null; gBB: number | null; gS: number | null };
  curves: DemoCurve[];
  points: DemoPoint[];
  agree: boolean;
  table: string[];
  theorySeconds: number;
  simulationSeconds: number;
  provenance: { version: string; runtime: string; runtimeVersion: string; date: string; seconds: number };
}

const PARAMS = { Mm: 1.1, Mn: 2, Sm: 1, Sn: 1, phi: 'tanh' };

/**
 * sign = 0: random start (for the kappa = 0 chaotic state; a branch start there leaves a slow transient
 * of the soft kappa mode near g_BB). Chaotic states get a longer burn-in and window than fixed points.
 */
function baseSpec(N: number, g: number, sign: 1 | -1 | 0, chaotic: boolean, networks: number, seed: number): Spec {
  return parseSpec({
    dmftlab: 1,
    name: `demo: rank one, g = ${g}`,
    seed,
    model: {
      kind: 'lowrank',
      N,
      g,
      phi: PARAMS.phi,
      rank: 1,
      means: { m: PARAMS.Mm, n: PARAMS.Mn },
      cov: { mm: PARAMS.Sm ** 2, nn: PARAMS.Sn ** 2 },
    },
    simulation: {
      method: 'heun',
      dt: 0.1,
      precision: 'f32',
      networks,
      tBurn: chaotic ? 100 : 40,
      tMeasure: chaotic ? 100 : 10,
      sampleEvery: 0.5,
      blocks: 10,
      lags: [0],
      traceUnits: [0, 1, 2],
      init: sign === 0 ? { kind: 'random', scale: 1 } : { kind: 'branch', sign, c: 1.5, scale: 1 },
    },
  });
}

/** Simulation points placed away from the critical points, where finite-N effects are largest (spec 01 §7). */
function choosePoints(b: DemoOutput['bifurcations'], quick: boolean): { g: number; signs: (1 | -1 | 0)[] }[] {
  const pts: { g: number; signs: (1 | -1 | 0)[] }[] = [{ g: 0.5, signs: [1, -1] }];
  const { gC, gBB } = b;
  if (gC !== null && gC > 1.3) pts.push({ g: 1, signs: [1, -1] });
  if (!quick && gC !== null && gBB !== null && gBB - gC > 0.6) {
    pts.push({ g: Math.round(((gC + gBB) / 2) * 10) / 10, signs: [1, -1] });
  }
  // the kappa = 0 chaotic state, well above g_BB (its kappa mode is soft near g_BB)
  if (gBB !== null && gBB + 0.6 < 4) pts.push({ g: Math.min(3, Math.round((gBB + 0.9) * 10) / 10), signs: [0] });
  return pts;
}

const fmt = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

export async function runDemo(opts: DemoOptions = {}): Promise<DemoOutput> {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const quick = !!opts.quick;
  const N = quick ? 1000 : 2000;
  // 8 networks: the SE over networks then has 7 degrees of freedom (critical |z| 4.5 at p = 0.0027)
  const networks = 8;
  const nG = quick ? 41 : 161;
  const gs = Array.from({ length: nG }, (_, k) => (4 * k) / (nG - 1));

  // theory: the whole diagram
  const th0 = performance.now();
  const model = baseSpec(N, 1, 1, false, 1, 1).model as LowRankModel;
  const theorySettings = baseSpec(N, 1, 1, false, 1, 1).theory;
  await setup();
  const averager = averagerFor(getPhi(model.phi), theorySettings.quadrature);
  const sweep = sweepLowRank(model, theorySettings, gs, { averager });
  const bif = sweep.bifurcations;
  const bifurcations = { gC: bif.gC?.g ?? null, gBB: bif.gBB?.g ?? null, gS: bif.gS?.g ?? null };
  const curveMap = new Map<string, DemoCurve>();
  sweep.results.forEach((r, k) => {
    for (const s of r.solutions) {
      const stable = s.stable !== false;
      const key = `${s.type}:${s.branch}:${stable}`;
      let c = curveMap.get(key);
      if (!c) {
        c = { label: `${s.type} ${s.branch}${stable ? '' : ' (unstable)'}`, type: s.type, branch: s.branch, stable, g: gs, kappa: gs.map(() => NaN) };
        curveMap.set(key, c);
      }
      c.kappa[k] = s.kappa[0];
    }
  });
  // join the stable and unstable pieces of a branch where its stability changes (no gap of one g step)
  for (const c of curveMap.values()) {
    const other = curveMap.get(`${c.type}:${c.branch}:${!c.stable}`);
    if (!other) continue;
    for (let k = 0; k + 1 < nG; k++) {
      if (Number.isFinite(c.kappa[k]) && !Number.isFinite(c.kappa[k + 1]) && Number.isFinite(other.kappa[k + 1])) {
        c.kappa[k + 1] = other.kappa[k + 1];
      }
    }
  }
  const theorySeconds = (performance.now() - th0) / 1000;
  log(`theory: ${nG} values of g in ${theorySeconds.toFixed(1)} s; g_C = ${fmt(bifurcations.gC ?? NaN)}, g_BB = ${fmt(bifurcations.gBB ?? NaN)}, g_S = ${fmt(bifurcations.gS ?? NaN)}`);

  // simulations
  const plan = choosePoints(bifurcations, quick);
  const jobs = plan.flatMap((p) => p.signs.map((sign) => ({ g: p.g, sign })));
  const points: DemoPoint[] = [];
  const si0 = performance.now();
  for (let j = 0; j < jobs.length; j++) {
    const { g, sign } = jobs[j];
    const theory = solveLowRank({ ...model, g }, theorySettings, { averager });
    const anyChaos = theory.solutions.some((s) => s.type === 'chaotic' && s.stable !== false);
    const spec = baseSpec(N, g, sign, anyChaos, networks, 1000 * (j + 1)); // disjoint seeds per point
    const sim = await simulateSpec(spec, {
      signal: opts.signal,
      onProgress: opts.onProgress ? (f) => opts.onProgress!((j + f) / jobs.length) : undefined,
    });
    const rep = compareResults(spec, theory, sim);
    const sol = theory.solutions[rep.solution.index];
    points.push({
      g,
      sign,
      state: `${rep.solution.type} ${rep.solution.branch}`,
      kappaTheory: sol.kappa[0],
      kappaSim: sim.summary.kappa[0].mean,
      kappaSe: sim.summary.kappa[0].se,
      rows: rep.rows,
      agree: rep.agree,
    });
  }
  const simulationSeconds = (performance.now() - si0) / 1000;

  const table: string[] = [];
  table.push(`Rank-one network, M_m = ${PARAMS.Mm}, M_n = ${PARAMS.Mn}, unit variances, ${PARAMS.phi}; N = ${N}, ${networks} networks per point`);
  table.push(`agreement: |z| = |simulation - theory| / SE <= t_crit (Student t, ${networks - 1} dof, two-sided p = 0.0027); SE over networks (temporal noise + quenched finite-N spread)`);
  table.push('');
  table.push(`${'g'.padStart(5)}  start  ${'theory state'.padEnd(16)} ${'quantity'.padEnd(30)} ${'theory'.padStart(9)} ${'simulation'.padStart(11)} ${'SE'.padStart(8)} ${'z'.padStart(6)} ${'t_crit'.padStart(6)}  verdict`);
  for (const p of points) {
    for (const r of p.rows) {
      table.push(
        `${p.g.toFixed(2).padStart(5)}  ${(p.sign > 0 ? '+' : p.sign < 0 ? '-' : 'rand').padStart(5)}  ${p.state.padEnd(16)} ${r.quantity.padEnd(30)} ${fmt(r.theory).padStart(9)} ${fmt(r.simulation).padStart(11)} ${fmt(r.se).padStart(8)} ${fmt(r.z, 2).padStart(6)} ${fmt(r.critical, 2).padStart(6)}  ${r.verdict}`,
      );
    }
  }
  const agree = points.every((p) => p.agree);
  table.push('');
  table.push(agree ? `every point agrees (${points.length} simulated states)` : 'SOME POINTS DISAGREE');
  for (const line of table) log(line);

  const rt = runtimeInfo();
  return {
    dmftlab: { version: VERSION, format: FORMAT_VERSION },
    kind: 'demo',
    params: PARAMS,
    N,
    networks,
    bifurcations,
    curves: [...curveMap.values()],
    points,
    agree,
    table,
    theorySeconds,
    simulationSeconds,
    provenance: { version: VERSION, runtime: rt.runtime, runtimeVersion: rt.version, date: new Date().toISOString(), seconds: (performance.now() - t0) / 1000 },
  };
}
