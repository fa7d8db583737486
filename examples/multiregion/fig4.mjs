// Clark & Beiran 2025, Fig. 4: how disorder eats the currents of a region whose gain is pinned
// (spec 02 §5.2, §4.1).
//
//   node examples/multiregion/fig4.mjs            (after `npm run build`; writes fig4.svg here, ~5 s)
//   DMFTLAB_EXAMPLE_QUICK=1 node examples/multiregion/fig4.mjs    (coarser grids, shorter DMFT check)
//
// A: Fig. 4a. A region whose gain is pinned at psi = 1/b (an active triangle of cross-currents, or the
//    P = 2 pair with |c01| = b) has total variance Delta0 = (2/pi)(b^2 - 1). The random part takes what it
//    needs and leaves A for the currents: sqrt(A)(g) for b = 1.5, 2, 2.5, g in [0, 4]
//    (multiregion.fig4aCurves / pinnedGain). Solid: chaos suppressed (static); dashed: chaos with structure;
//    dotted at 0: chaos (the currents die).
// B: Fig. 4b. Delta(tau) from the energy picture Delta'' = -V'(Delta), released at rest at Delta0
//    (multiregion.stationaryAutocovariance), b = 2.5, g = 1.5, 2.25, 2.6. Circles: the two-time DMFT
//    (multiregion.solveMultiregionDmft) of the P = 2 symmetric pair with c01 = 2.5 at the same g, read at
//    a late reference time: a check of the stationary theory, not part of the paper's figure.
// C: the local energy V(Delta) - V(Delta0) of the three states (spec 02 §4.1): the particle starts at rest
//    at Delta0 and stops on the plateau Delta_inf where V returns to V(Delta0).
//
// Pure theory: no finite-N simulation, so N plays no role here.
import { init, multiregion as mr } from '../../dist/node/index.js';
import { QUICK, writeFigure, finish, linspace, fmt } from './common.mjs';

await init(); // the Wasm kernel of the two-time DMFT
const BS = [1.5, 2, 2.5];
const G_UNIFORM = QUICK ? linspace(0, 4, 41) : linspace(0, 4, 321);

// Regime boundaries of a pinned region with beff = b: chaos appears where the static margin
// g^2 (1 + pi Delta0)^(-1/2) reaches 1, i.e. g = (1 + pi Delta0)^(1/4) with Delta0 = (2/pi)(b^2 - 1); the currents
// die where the chaos-only variance of §4.3 reaches Delta0 (bisection on the regime of pinnedGain). sqrt(A) goes
// to 0 steeply there, so the grid is refined towards that point.
function deathPoint(b) {
  let lo = 0;
  let hi = 4 * b;
  for (let i = 0; i < 60; i++) {
    const m = 0.5 * (lo + hi);
    if (mr.pinnedGain(b, m).regime === 'chaos') hi = m;
    else lo = m;
  }
  return lo;
}
console.log('Fig. 4a: sqrt(A)(g) of a pinned region (spec 02 §5.2)');
const boundaries = {};
const curves = BS.map((b) => {
  const delta0 = (2 / Math.PI) * (b * b - 1);
  const onset = (1 + Math.PI * delta0) ** 0.25;
  const death = deathPoint(b);
  boundaries[b] = { chaosWithStructureFrom: onset, currentsDieAt: death };
  const refine = Array.from({ length: QUICK ? 6 : 24 }, (_, k) => death - (0.2 * ((k + 1) / (QUICK ? 6 : 24)) ** 2));
  const grid = [...new Set([...G_UNIFORM, ...refine, death])].filter((g) => g >= 0 && g <= 4).sort((x, y) => x - y);
  const [curve] = mr.fig4aCurves([b], grid);
  console.log(
    `  b = ${b}: sqrt(A)(g=0) = ${fmt(curve.sqrtA[0])}; chaos with structure from g = (1 + pi Delta0)^(1/4) = ${fmt(onset)}, ` +
      `currents die at g = ${fmt(death)}; every point converged: ${curve.converged}`,
  );
  return curve;
});
const sqrtAg0b2 = curves[1].sqrtA[0];
const expectedg0b2 = Math.sqrt((2 / Math.PI) * (2 * 2 - 1)); // spec 02 §5.2 at g = 0: A = Delta0 = (2/pi)(b^2 - 1)

const STYLE = { 'chaos-suppressed': 'line', 'chaos-with-structure': 'dashed', chaos: 'dotted', quiescent: 'dotted' };
const COLORS = ['#0072B2', '#D55E00', '#009E73'];
const seriesA = [];
curves.forEach((c, j) => {
  for (const regime of ['chaos-suppressed', 'chaos-with-structure', 'chaos']) {
    // one series per regime, with the neighbouring point repeated so the pieces join
    const y = c.sqrtA.map((v, i) => {
      const here = c.regime[i] === regime;
      const next = c.regime[i + 1] === regime;
      return here || (next && regime !== 'chaos') ? v : NaN;
    });
    if (y.every((v) => !Number.isFinite(v))) continue;
    seriesA.push({ x: c.g, y, color: COLORS[j], style: STYLE[regime], label: regime === 'chaos-suppressed' ? `b = ${c.b}` : undefined, width: 2 });
  }
});
for (const [regime, label] of [
  ['chaos-suppressed', 'chaos suppressed'],
  ['chaos-with-structure', 'chaos with structure'],
  ['chaos', 'chaos (currents die)'],
]) {
  seriesA.push({ x: [], y: [], color: '#444', style: STYLE[regime], label });
}

// ---- Fig. 4b: Delta(tau) for b = 2.5
const B = 2.5;
const G4B = [1.5, 2.25, 2.6];
const TAU_MAX = 30;
const taus = linspace(0, TAU_MAX, 301);
const states = G4B.map((g) => mr.pinnedGain(B, g));
const curvesB = states.map((s) => mr.stationaryAutocovariance({ A: s.A, g: s.g, delta0: s.delta0, deltaInf: s.deltaInf }, taus));
console.log(`Fig. 4b: b = ${B}`);
states.forEach((s, j) =>
  console.log(
    `  g = ${s.g}: ${s.regime}, Delta0 = ${fmt(s.delta0)}, Delta_inf = ${fmt(s.deltaInf)}, sqrt(A) = ${fmt(s.sqrtA)}, ` +
      `margin g^2 (1 + pi Delta0)^(-1/2) = ${fmt(s.margin)}, decay rate kappa = ${fmt(curvesB[j].kappa)}`,
  ),
);

// check against the two-time DMFT of the P = 2 pair (c01 = b, self-couplings 0: gains pinned at 1/b)
const dt = 0.05;
const duration = QUICK ? 150 : 400;
const Nt = Math.round(duration / dt) + 1;
const refStep = Nt - 1 - Math.round(TAU_MAX / dt);
const c = [0, B, B, 0];
const dmftCheck = G4B.map((g, j) => {
  const p = mr.symmetricParams(c, 2, g);
  const run = mr.solveMultiregionDmft(p, { dt, Nt, Sinit: [0, 0.8, 0.8, 0], sigma0: [1, 1], window: 50 + TAU_MAX, refSteps: [refStep] });
  const sl = run.slices[0];
  const every = Math.round(1 / dt); // one circle per time unit
  const tau = Array.from(sl.tau).filter((_, i) => i % every === 0);
  const delta = Array.from(sl.delta[0]).filter((_, i) => i % every === 0);
  const theory = mr.stationaryAutocovariance({ A: states[j].A, g, delta0: states[j].delta0, deltaInf: states[j].deltaInf }, tau);
  const maxDiff = Math.max(...delta.map((d, i) => Math.abs(d - theory.delta[i])));
  const S01 = run.S[Nt - 1][1];
  console.log(`  DMFT check, g = ${g}: |S^01| = ${fmt(Math.abs(S01))} at t = ${duration} (theory sqrt(A) = ${fmt(states[j].sqrtA)}), max |Delta_DMFT - Delta_energy| = ${maxDiff.toExponential(2)} on tau in [0, ${TAU_MAX}]`);
  return { g, tau, delta, maxDiff, S01: Math.abs(S01), seconds: run.diagnostics.seconds };
});

// ---- C: the local energy
const seriesC = states.map((s, j) => {
  const D = linspace(0, s.delta0, 200);
  const V0 = mr.localEnergy(s.delta0, s.delta0, s.A, s.g);
  return { x: D, y: D.map((d) => mr.localEnergy(d, s.delta0, s.A, s.g) - V0), color: COLORS[j], label: `g = ${s.g}` };
});

writeFigure('fig4.svg', {
  title: 'Clark & Beiran 2025, Fig. 4: disorder against currents in a region with pinned gain',
  columns: 3,
  width: 1350,
  letters: true,
  panels: [
    { title: 'Fig. 4a: current strength sqrt(A)(g)', xLabel: 'g (disorder)', yLabel: 'sqrt(A)', series: seriesA, legend: 'top-right', yRange: [-0.04, 2] },
    {
      title: `Fig. 4b: Delta(tau), b = ${B}`,
      xLabel: 'tau',
      yLabel: 'Delta(tau)',
      series: [
        ...curvesB.map((r, j) => ({ x: r.tau, y: r.delta, color: COLORS[j], label: `g = ${G4B[j]} (${states[j].regime})` })),
        ...dmftCheck.map((d, j) => ({ x: d.tau, y: d.delta, color: COLORS[j], style: 'points', marker: 'circle', width: 0.8 })),
      ],
      yRange: [0, 5],
      legend: 'top-right',
    },
    {
      title: 'local energy V(Delta) - V(Delta0)',
      xLabel: 'Delta',
      yLabel: 'V - V(Delta0)',
      series: seriesC,
      hLines: [{ y: 0 }],
      yRange: [-0.4, 0.1],
      legend: 'bottom-left',
    },
  ],
  footnote:
    `Theory only (spec 02 §5.2, §4.1): pinned gain psi = 1/b, Delta0 = (2/pi)(b^2 - 1); A = Delta0 - g^2 C(Delta0, Delta0) (static) or ` +
    `Delta_inf - g^2 C(Delta0, Delta_inf) with V(Delta0) = V(Delta_inf) (chaotic). Circles in B: two-time DMFT of the P = 2 pair ` +
    `c01 = ${B} (dt = ${dt}, window 80, reference time ${fmt(refStep * dt, 1)}); in the chaotic states they differ from the energy picture by O(dt) (first-order Euler: halving dt halves the difference). ${QUICK ? 'QUICK mode: coarse g grid, short DMFT.' : ''}`,
});

finish({
  figure: 'fig4',
  sqrtA_g0_b2: sqrtAg0b2,
  expected_sqrtA_g0_b2: expectedg0b2,
  boundaries,
  fig4b: states.map((s, j) => ({ g: s.g, regime: s.regime, delta0: s.delta0, deltaInf: s.deltaInf, sqrtA: s.sqrtA, kappa: curvesB[j].kappa })),
  dmftCheckMaxDiff: dmftCheck.map((d) => d.maxDiff),
});
