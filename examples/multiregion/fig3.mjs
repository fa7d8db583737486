// Clark & Beiran 2025, Figs. 3-4 (simulations): P = 5 regions with symmetric effective interactions, finite-N
// networks against the theory of pinned gains (spec 02 §5, §8, §9).
//
//   node examples/multiregion/fig3.mjs            (after `npm run build`; writes fig3.svg here, ~2 min)
//   DMFTLAB_EXAMPLE_QUICK=1 node examples/multiregion/fig3.mjs    (sets (i) and (iv), N = 300, short runs)
//
// U = I; T from (a, b, random signs of u): c = u u^T + diag(a - b), u_a = +-sqrt(b_a), T[a][b][c] = delta_ac c[a][b]
// (spec model interactions { kind: 'ab' }). Parameter sets of the paper (run_fp_sims.py, 4 decimals):
//   (i)  g = 0,   a ~ 2.0-2.1 < b ~ 2.5: every gain pinned at 1/b_a by triangles of active cross-currents;
//   (iv) a, b of (i) with disorder g = (1.5, 1.26, 1.23, 1.20, 1.22): region 0 at g = 1.5, chaos suppressed;
//   (v)  g_0 = 2.25: region 0 chaotic with currents (chaos with structure);
//   (vi) g_0 = 2.65: region 0 too disordered, its currents die (pure chaos);
// (sets (ii), (iii), with self-dominated regions a_a > b_a, are in the table below but not run by default).
// The prediction (spec 02 §5.2): a region whose gain is pinned at 1/max(a_a, b_a) has current variance
// A^a = sum_b (S^{ab})^2 = multiregion.pinnedGain(max(a_a, b_a), g_a).A, whatever point of the attractor manifold
// the currents settle on (for P = 5 the fixed points form a continuous manifold, §5.3, so single currents
// depend on the initial state but the row sums A^a do not). `compare(spec)` runs the simulation and adds the
// stationary state that the two-time DMFT reaches from the same start (spec 02 §4, the theory rows of its
// report); the simulated A^a are averaged here over t >= 100 (the run is recorded from t = 0 for the traces).
//
// Scaled down from the paper: N = 2000 units per region (paper: 100 000), one network per set (paper: 5),
// T_sim = 200 (100 burn-in + 100 measured; paper: 400), float32 couplings with the shared-matrix trick of the
// reference (model.coupling 'shared', spec 02 §1.4). x(0) = 2.5 sum_b m^{ab} z_b / sqrt(P), z ~ N(0, 1) (the
// reference's start), written as start.S[a][b] = 2.5 z_b / sqrt(P), sigma0 = 0. Signs of u and z come from
// dmftlab's seeded generator (not numpy's). Expect O(N^-1/2) deviations (spec 02 §8: ~0.1 in currents at N = 2000),
// and much larger ones where a current mode is close to critical: in (v) and (vi) region 0 is chaotic and its pair
// loops have gain psi^0 psi^b c_0b^2 ~ 0.9, so the O(readoutScale / sqrt N) errors of the sampled overlaps are
// amplified about tenfold. The simulated sqrt(A^0) is 0.8 (v) and 0.6 (vi) at N = 2000, against 0.33 and 0 in
// theory (at N = 1000: 1.3 and 1.1); the paper's N = 100 000 is needed for those two points.
import { init, compare, multiregion as mr } from '../../dist/node/index.js';
import { QUICK, writeFigure, finish, fmt } from './common.mjs';

await init();
const P = 5;
const N = QUICK ? 300 : 2000;
const T_BURN = QUICK ? 20 : 100;
const T_MEASURE = QUICK ? 20 : 100;
const SETS = {
  i: { a: [2.0706, 2.016, 2.0391, 2.0896, 2.0747], b: [2.4609, 2.538, 2.4939, 2.4959, 2.5164], g: [0, 0, 0, 0, 0] },
  ii: { a: [2.565, 1.9755, 1.9789, 1.9571, 2.0346], b: [1.9079, 2.5698, 2.4696, 2.5128, 2.49], g: [0, 0, 0, 0, 0] },
  iii: { a: [2.4833, 2.4977, 1.9146, 2.0656, 1.9283], b: [1.9663, 2.0201, 2.4502, 2.4577, 2.4636], g: [0, 0, 0, 0, 0] },
  iv: { a: [2.0706, 2.016, 2.0391, 2.0896, 2.0747], b: [2.4609, 2.538, 2.4939, 2.4959, 2.5164], g: [1.5, 1.2582, 1.2304, 1.2049, 1.2178] },
  v: { a: [2.065, 1.9755, 1.9789, 1.9571, 2.0346], b: [2.4079, 2.5698, 2.4696, 2.5128, 2.49], g: [2.25, 1.1176, 1.1871, 1.1846, 1.2454] },
  vi: { a: [1.9833, 1.9977, 1.9146, 2.0656, 1.9283], b: [2.4663, 2.5201, 2.4502, 2.4577, 2.4636], g: [2.65, 1.2917, 1.2017, 1.1553, 1.2216] },
};
const RUN = (process.env.DMFTLAB_FIG3_SETS ?? (QUICK ? 'i,iv' : 'i,iv,v,vi')).split(',').map((s) => s.trim());
const REGION_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00'];

/** Mean of a time series and its standard error from `blocks` contiguous blocks. */
function blockMean(x, blocks) {
  const len = Math.floor(x.length / blocks);
  const means = Array.from({ length: blocks }, (_, j) => x.slice(j * len, (j + 1) * len).reduce((a, v) => a + v, 0) / len);
  const mean = means.reduce((a, v) => a + v, 0) / blocks;
  const sd = Math.sqrt(means.reduce((a, v) => a + (v - mean) ** 2, 0) / (blocks - 1));
  return { mean, se: sd / Math.sqrt(blocks) };
}

const panels = [];
const results = [];
for (const [n, name] of RUN.entries()) {
  const set = SETS[name];
  if (!set) throw new Error(`DMFTLAB_FIG3_SETS: unknown set ${name}; valid: ${Object.keys(SETS).join(', ')}`);
  const seed = 11 + n;
  const rng = mr.seededRng(seed);
  const signs = set.a.map(() => (rng.uniform() < 0.5 ? -1 : 1));
  const z = set.a.map(() => rng.normal());
  const S0 = Array.from({ length: P }, () => z.map((zb) => (2.5 * zb) / Math.sqrt(P)));
  const disordered = set.g.some((g) => g > 0);
  const spec = {
    dmftlab: 1,
    name: `Clark & Beiran Fig. 3, set (${name})`,
    seed,
    model: {
      kind: 'multiregion',
      P,
      N,
      g: set.g,
      phi: 'erf',
      interactions: { kind: 'ab', a: set.a, b: set.b, signs },
      coupling: disordered ? 'shared' : 'independent',
      start: { S: S0, sigma0: 0 },
    },
    // recorded from t = 0 (for the traces); the averages below use t >= T_BURN only
    simulation: { method: 'euler', dt: 0.05, precision: 'f32', tBurn: 0, tMeasure: T_BURN + T_MEASURE, sampleEvery: 0.25, networks: 1, traceUnits: [0, 1] },
    theory: { dmft: { dt: 0.05, duration: Math.max(150, T_BURN + T_MEASURE), window: 50, checkWindow: false } },
  };
  const out = (await compare(spec)).result;
  const sim = out.simulation;
  const net = sim.networks[0];
  const rows = out.report.rows.filter((r) => r.key === 'currentVariance');
  const pinned = set.a.map((aa, k) => mr.pinnedGain(Math.max(aa, set.b[k]), set.g[k]));
  // the stationary state of spec 02 §4 solved by Newton from the DMFT's end state (also when the DMFT, slow near
  // chaotic transitions, has not settled within its run; compare then falls back to time averages of the DMFT)
  const stat = out.theory.solutions.find((sol) => sol.diagnostics.converged);
  const late = net.time.map((t, s) => (t >= T_BURN - 1e-9 ? s : -1)).filter((s) => s >= 0);
  const per = pinned.map((pg, k) => {
    // A^a(t) = sum_b (S^{ab}(t))^2 of the filtered currents, averaged over t >= T_BURN; SE from 10 time blocks
    const Ak = late.map((s) => net.S.slice(k * P, (k + 1) * P).reduce((acc, y) => acc + y[s] ** 2, 0));
    const { mean: A, se } = blockMean(Ak, 10);
    return {
      region: k,
      g: set.g[k],
      regime: pg.regime,
      predicted: pg.sqrtA,
      stationary: Math.sqrt(Math.max(stat ? stat.regions[k].A : rows[k].theory, 0)),
      stationaryRegime: stat ? stat.regions[k].regime : null,
      measured: Math.sqrt(Math.max(A, 0)),
      measuredSe: A > 0 ? se / (2 * Math.sqrt(A)) : se,
    };
  });
  console.log(`Set (${name}): g = (${set.g.join(', ')}), signs of u = (${signs.join(', ')}), N = ${N}, ${fmt(sim.diagnostics.seconds, 1)} s of simulation`);
  console.log(
    `  stationary state: ${stat ? `${stat.type}, residual ${stat.diagnostics.residual.toExponential(1)}, reached by the DMFT run: ${stat.reachedByDmft}` : `none converged; compare's ${out.report.solution.branch}`}`,
  );
  for (const r of per) {
    console.log(
      `  region ${r.region} (g = ${r.g}): sqrt(A) pinned-gain prediction ${fmt(r.predicted)} [${r.regime}], stationary DMFT ${fmt(r.stationary)} [${r.stationaryRegime}], ` +
        `simulation ${fmt(r.measured)} +- ${fmt(r.measuredSe)}`,
    );
  }
  results.push({ set: name, seconds: sim.diagnostics.seconds, regions: per, maxGap: Math.max(...per.map((r) => Math.abs(r.measured - r.predicted))) });

  // panels: traces, currents, S at the end, sqrt(A) per region
  const tr = net.traces.map((t) => ({ x: net.time, y: t.x, color: REGION_COLORS[t.region], width: 0.8, label: t.index === 0 ? `region ${t.region}` : undefined }));
  const cur = [];
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) cur.push({ x: net.time, y: net.S[a * P + b], color: REGION_COLORS[a], width: 0.9 });
  const last = net.time.length - 1;
  const Send = Array.from({ length: P * P }, (_, ab) => net.S[ab][last]);
  const xs = per.map((r) => r.region);
  panels.push(
    { title: `(${name}) unit traces x^a_i(t), 2 per region`, xLabel: 't', yLabel: 'x', series: tr, legend: 'none', vLines: [{ x: T_BURN }] },
    { title: `(${name}) currents S^{ab}(t) (colour: receiving region a)`, xLabel: 't', yLabel: 'S^{ab}(t)', series: cur, legend: 'none', vLines: [{ x: T_BURN }] },
    {
      title: `(${name}) S at t = ${fmt(net.time[last], 0)}`,
      xLabel: 'b (sender)',
      yLabel: 'a (receiver)',
      image: { data: Send, rows: P, cols: P, x0: -0.5, x1: P - 0.5, y0: -0.5, y1: P - 0.5, vmin: -1.6, vmax: 1.6, label: 'S^{ab}' },
      yRange: [P - 0.5, -0.5],
    },
    {
      title: `(${name}) sqrt(A^a): theory vs simulation`,
      xLabel: 'region a',
      yLabel: 'sqrt(sum_b (S^{ab})^2)',
      series: [
        { x: xs, y: per.map((r) => r.predicted), style: 'points', marker: 'square', color: '#000', label: 'pinned gain (§5.2)' },
        { x: xs, y: per.map((r) => r.stationary), style: 'points', marker: 'cross', color: '#D55E00', label: 'stationary DMFT (§4)' },
        { x: xs, y: per.map((r) => r.measured), yErr: per.map((r) => r.measuredSe), style: 'points', marker: 'circle', color: '#0072B2', label: `simulation, N = ${N}` },
      ],
      xRange: [-0.5, P - 0.5],
      yRange: [0, 2.7],
      legend: 'top-right',
    },
  );
}

writeFigure('fig3.svg', {
  title: 'Clark & Beiran 2025, Figs. 3-4: P = 5 symmetric networks, simulation vs pinned-gain theory',
  columns: 4,
  width: 1640,
  height: RUN.length * 280 + 70,
  letters: true,
  panels,
  footnote:
    `N = ${N} units per region (the paper: 100 000), one network per set, Euler dt = 0.05, float32 couplings, shared random matrix with ` +
    `per-region permutations when g > 0; burn-in ${T_BURN}, averages over the next ${T_MEASURE} time units (error bars: 1 SE over time blocks). ` +
    `Signs of u and the initial state from dmftlab's seeded RNG (not numpy's).${QUICK ? ' QUICK mode: tiny N, short runs.' : ''}`,
});

finish({ figure: 'fig3', N, sets: results });
