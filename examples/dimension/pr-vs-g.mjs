// Dimension of activity of the i.i.d. random network against its coupling strength g (Clark, Abbott &
// Litwin-Kumar 2023, the main figure: PR/N of x and of phi(x) rises from 0 at the onset of chaos, g = 1, and
// saturates at large g). Theory: the two-site cavity formulas of spec 03 §3 (dimension.prFlow, N -> infinity).
// Simulation: dmftlab's own networks, PR/N by the cross-block estimator of spec 03 §4.3 with its jackknife SE,
// several networks per g (their spread is the quenched finite-N scatter, spec 03 §4.4).
//
//   node examples/dimension/pr-vs-g.mjs                       (after `npm run build`; N = 1024, 2 networks, ~10 min)
//   node examples/dimension/pr-vs-g.mjs --N 2048 --networks 4 --results iid.jsonl    (the validation of NUMERICS)
//   node examples/dimension/pr-vs-g.mjs --theory-only         (the curves alone, ~10 s)
//   DMFTLAB_EXAMPLE_QUICK=1 node examples/dimension/pr-vs-g.mjs    (N = 256, two g, short runs; for the tests)
//
// Options: --g 1.5,2,3,5 (simulated g), --N 1024 (one or a list: 512,1024,2048), --networks 2, --seed 1000,
// --variable x (x, phi or x,phi), --threads 0 (0: all cores), --results FILE.jsonl (append one JSON line per
// simulated network as it finishes; a rerun skips the networks already in the file, so a long run can be
// stopped and resumed), --out pr-vs-g.svg, --theory-only.
//
// Protocol per g (spec 03 §4.1): RK4, dt = 0.1, float32 dynamics, float64 covariance sums, a sample every 0.5,
// 8 covariance blocks; burn-in 300 (g >= 2.5) or 1000 (g < 2.5); measured 3200 time units at g >= 2.5, 4000 at
// 1.75 <= g < 2.5 and 8000 below (near the onset the collective modes are slow: their time is ~1/(1 - r), 38 at
// g = 1.5). x(0) ~ N(0, 1) per unit. RK4 at dt = 0.1 is the flow to O(dt^4), so the flow theory applies.
//
// With several N in the results file the script also fits PR/N = a + c/N per g (weighted by the network SE):
// a is the N -> infinity extrapolation, to be compared with the theory; c is the finite-size correction that
// docs/NUMERICS.md ("Finite N") reports. The table also compares each N with theory + c/N (FINITE_N below).
import { dimension, VERSION } from '../../dist/node/index.js';
import { QUICK, writeFigure, finish, linspace, fmt, dimensionOptions, readRows, simulateNetworks, networkMean, fitInverseN } from '../lib.mjs';

/**
 * Finite-N excess of PR^x (docs/NUMERICS.md, "Finite N"): PR(N) ~ N PR/N(infinity) + c with c = 2.9 +- 1.1
 * effective dimensions, from i.i.d. tanh networks at g = 2, 3, 5 and N = 2048, 4096, 16384
 * (results/large-n-torch-iid-x.jsonl, an independent GPU implementation, scripts/validation/pr_torch.py).
 */
const FINITE_N = { c: 2.9, cSE: 1.1 };
const opt = dimensionOptions({ g: QUICK ? [2, 3] : [1.5, 2, 3, 5], N: QUICK ? [256] : [1024], out: 'pr-vs-g.svg' });
for (const g of opt.g) if (!(g > 1)) throw new Error(`--g: ${g}; the network is chaotic (and PR > 0) only for g > 1`);

// ---- theory: the curves (no resolution check: ~0.2-0.4 s per point) and the simulated g (with the check)
const curveG = QUICK ? linspace(1.2, 5, 8) : linspace(1.1, 6, 50);
const curve = curveG.map((g) => {
  const p = dimension.prFlow(g, { check: false });
  return { g, prX: p.prX, prPhi: p.prPhi };
});
const theoryAt = new Map(
  opt.g.map((g) => {
    const p = dimension.prFlow(g);
    if (!p.diagnostics.converged) throw new Error(`theory at g = ${g} did not converge: ${JSON.stringify(p.diagnostics)}`);
    return [g, { x: p.prX, phi: p.prPhi, residual: p.diagnostics.residual, cx0: p.pieces.cx0, cphi0: p.pieces.cphi0 }];
  }),
);
console.log('theory (N -> infinity, two-site cavity):');
for (const [g, t] of theoryAt) console.log(`  g = ${g}: PR^x/N = ${t.x.toPrecision(6)}, PR^phi/N = ${t.phi.toPrecision(6)} (resolution check ${t.residual.toExponential(1)})`);

// ---- simulations, one network at a time, appended to the results file as they finish
const rows = readRows(opt.results);
if (!opt['theory-only']) {
  await simulateNetworks(opt, rows, opt.g.map((g) => ({ g })), {
    id: (p) => ({ g: p.g }),
    model: (p, N) => ({ kind: 'random', N, g: p.g, phi: 'tanh' }),
    describe: (p) => `g = ${p.g}`,
  });
}

// ---- summary per (variable, N, g): network mean, SE over networks, theory, z; fit a + c/N across N
const summary = [];
const groups = new Map();
for (const r of rows) {
  const k = `${r.variable}|${r.N}|${r.g}`;
  if (!groups.has(k)) groups.set(k, []);
  groups.get(k).push(r);
}
for (const [k, rs] of [...groups].sort()) {
  const [variable, N, g] = k.split('|');
  const th = theoryAt.get(Number(g)) ?? { x: dimension.prFlow(Number(g)).prX, phi: dimension.prFlow(Number(g)).prPhi };
  const m = networkMean(rs);
  const theory = variable === 'x' ? th.x : th.phi;
  // the finite-N excess of docs/NUMERICS.md ("Finite N"): PR/N ~ theory + c/N, c = 2.9 +- 1.1 (x, i.i.d. tanh)
  const expected = theory + FINITE_N.c / Number(N);
  const seExpected = Math.hypot(m.se, FINITE_N.cSE / Number(N));
  summary.push({
    variable, N: Number(N), g: Number(g), networks: m.networks, mean: m.mean, seNetworks: m.seNetworks, seJackknife: m.seJackknife,
    theory, relDiff: m.mean / theory - 1, z: (m.mean - theory) / m.se,
    ...(variable === 'x' ? { expected, zExpected: (m.mean - expected) / seExpected } : {}),
  });
}
if (summary.length) {
  console.log('\nvariable  N      g     networks  PR/N sim (SE nets, SE jack)      theory     sim/theory - 1   z      theory + c/N   z');
  for (const s of summary) {
    const fs = s.expected === undefined ? '' : `     ${fmt(s.expected, 5)}       ${fmt(s.zExpected, 2)}`;
    console.log(`${s.variable.padEnd(9)} ${String(s.N).padEnd(6)} ${String(s.g).padEnd(5)} ${String(s.networks).padEnd(9)} ${fmt(s.mean, 5)} (${fmt(s.seNetworks, 5)}, ${fmt(s.seJackknife, 5)})   ${fmt(s.theory, 5)}    ${fmt(s.relDiff, 3).padStart(7)}        ${fmt(s.z, 2).padEnd(6)}${fs}`);
  }
}
const fits = [];
for (const variable of new Set(summary.map((s) => s.variable))) {
  for (const g of new Set(summary.map((s) => s.g))) {
    const pts = summary.filter((s) => s.variable === variable && s.g === g && s.networks >= 2);
    if (new Set(pts.map((s) => s.N)).size < 2) continue;
    const fit = { variable, g, ...fitInverseN(pts), theory: pts[0].theory }; // weighted least squares of PR/N = a + c/N
    fits.push(fit);
    console.log(`fit ${variable} g = ${g}: PR/N = a + c/N, a = ${fmt(fit.a, 5)} +- ${fmt(fit.aSE, 5)} (theory ${fmt(fit.theory, 5)}), c = ${fmt(fit.c, 2)} +- ${fmt(fit.cSE, 2)}`);
  }
}

// ---- figure
const panels = ['x', 'phi'].map((variable) => {
  const series = [{ x: curve.map((c) => c.g), y: curve.map((c) => (variable === 'x' ? c.prX : c.prPhi)), label: 'theory (N -> infinity)' }];
  const Ns = [...new Set(summary.filter((s) => s.variable === variable).map((s) => s.N))].sort((a, b) => a - b);
  for (const N of Ns) {
    const ss = summary.filter((s) => s.variable === variable && s.N === N).sort((a, b) => a.g - b.g);
    series.push({ x: ss.map((s) => s.g), y: ss.map((s) => s.mean), yErr: ss.map((s) => 2 * Math.max(s.seNetworks || 0, s.seJackknife)), style: 'points', label: `simulation N = ${N} (+-2 SE)` });
  }
  return { title: variable === 'x' ? 'dimension of x' : 'dimension of phi(x)', xLabel: 'g', yLabel: variable === 'x' ? 'PR^x / N' : 'PR^phi / N', series, legend: 'bottom-right' };
});
writeFigure(opt.out, {
  title: 'Dimension of activity of i.i.d. tanh networks (two-site cavity theory vs simulation)',
  panels,
  columns: 2,
  footnote: `dmftlab ${VERSION}; cross-block estimator, error bars 2 SE over networks (or jackknife); RK4 dt 0.1, f32`,
});
finish({ theory: [...theoryAt].map(([g, t]) => ({ g, prX: t.x, prPhi: t.phi })), summary, fits });
process.exit(0);
