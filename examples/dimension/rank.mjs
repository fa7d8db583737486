// Dimension of activity against the effective rank of the couplings (Clark, Marschall, van Meegen &
// Litwin-Kumar 2024, the random-mode model's main dimension figure): J = sum_a D_a u_a v_a^T at fixed g, PR/N of
// x (and of phi(x)) falls from its i.i.d. value to 0 as the effective rank per unit rho = PR^D/N of the spectrum
// falls (spec 03 §5). Theory: the two-site cavity at N -> infinity, N/PR^a = intercept^a + slope^a / rho (5.1),
// from one i.i.d. solve at g (dimension.prFlow, then dimension.prAtRho at every rho). Simulation: dmftlab's own
// random-mode networks, two spectrum families (flat, D_a equal for P = alpha N modes, rho = alpha; exponential,
// D_a^2 ∝ exp(-(a - 1)/(tau N)), P = N, rho -> 2 tau (1 - e^{-1/tau})^2 / (1 - e^{-2/tau}): 0.100 at tau = 0.05,
// fast decaying, 0.482 at tau = 0.25), several networks per spectrum; PR/N by the cross-block estimator of spec 03
// §4.3 with its jackknife SE. Each network also reports the effective rank of the J it built (couplingRank).
//
//   node examples/dimension/rank.mjs                          (after `npm run build`; N = 1024, 4 networks, ~15 min)
//   node examples/dimension/rank.mjs --threads 1 --results examples/dimension/results/random-mode-x.jsonl
//   node examples/dimension/rank.mjs --N 2048 --alpha 0.25 --tau 0.05 --results FILE.jsonl   (a second N)
//   node examples/dimension/rank.mjs --theory-only            (the curves and the spectra's rho alone, ~2 s)
//   DMFTLAB_EXAMPLE_QUICK=1 node examples/dimension/rank.mjs  (N = 256, one flat and one exponential spectrum,
//                                                              2 networks each, short runs; for the tests)
//
// Options: --g 3, --N 1024 (one or a list: 1024,2048), --alpha 0.1,0.25,1 (flat spectra), --tau 0.05,0.25
// (exponential spectra), --networks 4, --seed 1000 (networks seed, seed + 1, ...; the same seeds for every
// spectrum, so the spectra share their mode vectors u_a, v_a: the draws are mode-major, SPEC.md "kind:
// randomMode"), --variable x (x, phi or x,phi), --threads 0 (0: all cores), --results FILE.jsonl (one JSON line
// per simulated network as it finishes; a rerun skips the networks already in the file), --out rank.svg,
// --theory-only.
//
// Protocol (spec 03 §4.1, the same as pr-vs-g.mjs: examples/lib.mjs dimensionProtocol): RK4, dt = 0.1, float32
// dynamics, float64 covariance sums, a sample every 0.5, 8 blocks; burn-in 300 and 3200 measured time units at
// g >= 2.5 (longer below). x(0) ~ N(0, 1) per unit.
//
// Which rho. The spec's rho is the family's N -> infinity value (dimension.rhoLimit); the measured rho is PR^D/N of
// the spectrum actually built at this N (couplingRank.rho: round(alpha N)/N for flat spectra, a discrete sum for
// exponential ones; within 0.4 % of the spec's at N >= 1024). The theory compared with a simulation is taken at
// the measured rho, as solve(spec) does. PR_J/N is the effective rank of the built J itself, (sum sigma^2)^2 /
// (N sum sigma^4) over its singular values; it fluctuates from network to network around 1/(2 + 1/rho) (spec 03
// §5.1) and is printed next to that limit.
//
// The figure has three panels. (A) PR/N against rho on log-log axes, rho from 0.02 to 10: the theory curves of x
// and phi, the i.i.d. values (rho -> infinity) as horizontal lines, the simulated points at their measured rho;
// at small rho the curve is a line of slope 1 (PR/N ∝ rho). (B) the same dimension against the effective rank of J
// itself, PR_J/N = 1/(2 + 1/rho): rho is a property of the chosen spectrum, PR_J/N one of the matrix, which is
// what can be measured from a connectome; it is bounded by 1/2 (the i.i.d. value, Marchenko–Pastur; vertical
// line), so this axis is linear and the theory curve is drawn against the limit 1/(2 + 1/rho) while each simulated
// point sits at the network mean of its measured PR_J/N. (C) the law (5.1) itself: N/PR against 1/rho is a
// straight line whose intercept is the i.i.d. N/PR at this g; simulated points as N/mean(PR), error bars SE/mean^2.
//
// Finite N (spec 03 §4.4, §8, §9): random-mode simulations at N = 1024-2048 sit some percent above the N -> infinity
// theory (≈ 8-14 % at g = 5, rho ≈ 0.48) and the network-to-network SD of PR/N is ≈ 20 % at N = 1024: compare
// network means with the SE over networks, not with one network's jackknife error. With several N in the results
// file the script fits PR/N = a + c/N per spectrum (as pr-vs-g.mjs does per g).
import { dimension, VERSION } from '../../dist/node/index.js';
import { QUICK, writeFigure, finish, logspace, fmt, dimensionOptions, meanSE, readRows, simulateNetworks, networkMean, fitInverseN } from '../lib.mjs';

const opt = dimensionOptions({
  g: 3,
  N: QUICK ? [256] : [1024],
  alpha: QUICK ? [0.25] : [0.1, 0.25, 1],
  tau: QUICK ? [0.05] : [0.05, 0.25],
  networks: QUICK ? 2 : 4,
  out: 'rank.svg',
});
if (!(opt.g > 1)) throw new Error(`--g: ${opt.g}; the network is chaotic (and PR > 0) only for g > 1`);
for (const a of opt.alpha) if (!(a > 0 && a <= 100)) throw new Error(`--alpha: ${a}; must be in (0, 100]`);
for (const t of opt.tau) if (!(t > 0 && t <= 1000)) throw new Error(`--tau: ${t}; must be in (0, 1000]`);
for (const N of opt.N) if (!(N >= 2 && Number.isInteger(N))) throw new Error(`--N: ${N}; must be an integer >= 2`);

/** The spectra to simulate: the spec's `model.spectrum`, g, a label, and rho at N -> infinity. */
const spectra = [
  ...opt.alpha.map((alpha) => ({ spectrum: { kind: 'flat', alpha }, label: `flat alpha = ${alpha}`, family: { family: 'flat', alpha } })),
  ...opt.tau.map((tau) => ({ spectrum: { kind: 'exponential', tau }, label: `exponential tau = ${tau}`, family: { family: 'exponential', tau } })),
].map((s) => ({ spectrum: s.spectrum, g: opt.g, label: s.label, rhoSpec: dimension.rhoLimit(s.family) }));
const spectrumKey = (s) => (s.kind === 'flat' ? `flat:${s.alpha}` : `exponential:${s.tau}`);
const label = (s) => (s.kind === 'flat' ? `flat ${s.alpha}` : `exp ${s.tau}`);
/** rho = PR^D/N of the spectrum as built at N (deterministic: the same for every network). */
function rhoAtN(spectrum, N) {
  const family = spectrum.kind === 'flat' ? { family: 'flat', alpha: spectrum.alpha } : { family: 'exponential', tau: spectrum.tau };
  return dimension.effectiveRank(dimension.modeSpectrum(family, N, opt.g), N).rho;
}

// ---- theory: one i.i.d. solve at g (with the resolution check); every rho from its pieces by (5.1)
const g = opt.g;
const base = dimension.prFlow(g);
if (!base.diagnostics.converged) throw new Error(`theory at g = ${g} did not converge: ${JSON.stringify(base.diagnostics)}`);
const { pieces } = base;
const atRho = (rho) => dimension.prAtRho(pieces, rho);
const rhoCurve = logspace(0.02, 10, QUICK ? 30 : 80);
const curve = rhoCurve.map((rho) => ({ rho, ...atRho(rho) }));
// panel B reaches PR_J/N -> 1/2 only as rho -> infinity: a longer grid
const curveJ = logspace(0.02, 1e4, QUICK ? 40 : 120).map((rho) => ({ rhoJ: dimension.couplingRankLimit(rho), ...atRho(rho) }));
console.log(`theory (N -> infinity, two-site cavity) at g = ${g} (resolution check ${base.diagnostics.residual.toExponential(1)}):`);
console.log(`  i.i.d.: PR^x/N = ${base.prX.toPrecision(6)}, PR^phi/N = ${base.prPhi.toPrecision(6)}`);
console.log(`  N/PR^x = ${fmt(pieces.interceptX, 4)} + ${fmt(pieces.slopeX, 4)}/rho, N/PR^phi = ${fmt(pieces.interceptPhi, 4)} + ${fmt(pieces.slopePhi, 4)}/rho  (5.1)`);
console.log('  spectrum                  rho (N -> inf)  ' + opt.N.map((N) => `rho at N = ${N}`.padEnd(18)).join('') + 'PR_J/N limit  PR^x/N     PR^phi/N');
for (const s of spectra) {
  const t = atRho(s.rhoSpec);
  const atN = opt.N.map((N) => fmt(rhoAtN(s.spectrum, N), 5).padEnd(18)).join('');
  console.log(`  ${s.label.padEnd(25)} ${fmt(s.rhoSpec, 5).padEnd(15)} ${atN}${fmt(dimension.couplingRankLimit(s.rhoSpec), 5).padEnd(13)} ${fmt(t.prX, 6)}   ${fmt(t.prPhi, 6)}`);
}

// ---- simulations, one network at a time, appended to the results file as they finish
const rows = readRows(opt.results);
if (!opt['theory-only']) {
  await simulateNetworks(opt, rows, spectra, {
    id: (s) => ({ spectrum: s.spectrum, g: s.g }),
    model: (s, N) => ({ kind: 'randomMode', N, g: s.g, phi: 'tanh', spectrum: s.spectrum }),
    describe: (s) => s.label,
    // the effective rank of the spectrum (at this N) and of the J that was built
    extra: ({ couplingRank: c }, s) => ({ rhoSpec: s.rhoSpec, rho: c.rho, PRD: c.PRD, PRJ: c.PRJ, PRJperN: c.PRJperN }),
    note: (r) => `rho ${fmt(r.rho, 4)}, PR_J/N ${fmt(r.PRJperN, 4)}`,
  });
}

// ---- summary per (variable, N, spectrum) at this g: network mean, SEs, theory at the measured rho, z.
// Left out of the means: networks that are not in a stationary chaotic state, whose PR is undefined (the theory is
// that of the chaotic state): activity that decayed (variance of the variable below a tenth of the DMFT value
// C^a(0), the same at every rho, spec 03 §5.2) or a cross-block PR/N <= 0 (blocks that differ: a transient). They
// occur at small N and low rank (quick mode, N = 256: 2 of 10 networks of flat alpha = 0.25, P = 64 modes, and 4 of
// 10 of exponential tau = 0.05, PR^D = 26); they are printed and counted ('excluded').
const groups = new Map();
const chaotic = (r) => r.variance >= 0.1 * (r.variable === 'x' ? pieces.cx0 : pieces.cphi0) && r.prCross > 0;
for (const r of rows) {
  if (r.g !== g) continue; // a results file may hold other g; this run's theory is at g
  const k = `${r.variable}|${r.N}|${spectrumKey(r.spectrum)}`;
  if (!groups.has(k)) groups.set(k, []);
  groups.get(k).push(r);
}
const summary = [];
for (const all of groups.values()) {
  const rs = all.filter(chaotic);
  for (const r of all.filter((r) => !chaotic(r))) {
    console.log(`left out: ${r.variable} N = ${r.N} ${label(r.spectrum)} seed ${r.seed}: variance ${fmt(r.variance, 4)}, PR/N ${fmt(r.prCross, 5)} (not a stationary chaotic state)`);
  }
  if (!rs.length) continue;
  const { variable, N, spectrum, rhoSpec, rho } = rs[0];
  const m = networkMean(rs);
  const prj = meanSE(all.map((r) => r.PRJperN)); // a property of J: every network
  const th = atRho(rho);
  const theory = variable === 'x' ? th.prX : th.prPhi;
  const theorySpec = variable === 'x' ? atRho(rhoSpec).prX : atRho(rhoSpec).prPhi;
  summary.push({
    variable, spectrum, N, g, networks: m.networks, excluded: all.length - rs.length, rhoSpec, rho,
    PRJperN: prj.mean, PRJperNSD: prj.sd, PRJlimit: dimension.couplingRankLimit(rho),
    mean: m.mean, sd: m.sd, seNetworks: m.seNetworks, seJackknife: m.seJackknife,
    theory, theoryAtSpecRho: theorySpec, relDiff: m.mean / theory - 1, relSE: m.se / theory, z: (m.mean - theory) / m.se,
  });
}
const familyOrder = (s) => (s.kind === 'flat' ? 0 : 1);
summary.sort((a, b) => a.variable.localeCompare(b.variable) || a.N - b.N || familyOrder(a.spectrum) - familyOrder(b.spectrum) || a.rho - b.rho);
if (summary.length) {
  console.log(`\ng = ${g}; PR/N: network mean (SE over networks, jackknife SE of the mean); PR_J/N: network mean (SD) vs 1/(2 + 1/rho); nets: n-k: k left out`);
  console.log('var  N      spectrum    nets  rho spec  rho       PR_J/N (SD)         limit     PR/N sim (SE nets, SE jack)   theory    sim/th - 1  z');
  for (const s of summary) {
    console.log(
      `${s.variable.padEnd(4)} ${String(s.N).padEnd(6)} ${label(s.spectrum).padEnd(11)} ${(String(s.networks) + (s.excluded ? `-${s.excluded}` : '')).padEnd(5)} ${fmt(s.rhoSpec, 4).padEnd(9)} ${fmt(s.rho, 5).padEnd(9)} ` +
        `${fmt(s.PRJperN, 4)} (${fmt(s.PRJperNSD, 4)})    ${fmt(s.PRJlimit, 4)}    ${fmt(s.mean, 5)} (${fmt(s.seNetworks, 5)}, ${fmt(s.seJackknife, 5)})   ${fmt(s.theory, 5)}   ${fmt(s.relDiff, 3).padStart(6)}      ${fmt(s.z, 2)}`,
    );
  }
}
const fits = [];
for (const variable of new Set(summary.map((s) => s.variable))) {
  for (const sk of new Set(summary.map((s) => spectrumKey(s.spectrum)))) {
    const pts = summary.filter((s) => s.variable === variable && spectrumKey(s.spectrum) === sk && s.networks >= 2);
    if (new Set(pts.map((s) => s.N)).size < 2) continue;
    // the theory at N -> infinity: at the spec's rho (the measured rho tends to it)
    const fit = { variable, spectrum: pts[0].spectrum, g, ...fitInverseN(pts), theory: pts[0].theoryAtSpecRho };
    fits.push(fit);
    console.log(`fit ${variable} ${label(fit.spectrum)}: PR/N = a + c/N, a = ${fmt(fit.a, 5)} +- ${fmt(fit.aSE, 5)} (theory ${fmt(fit.theory, 5)}), c = ${fmt(fit.c, 2)} +- ${fmt(fit.cSE, 2)}`);
  }
}

// ---- figure: (A) PR/N vs rho, (B) PR/N vs PR_J/N, (C) N/PR vs 1/rho
const variables = [...new Set(['x', ...summary.map((s) => s.variable)])];
const curveSeries = (xs, ys) => [
  { x: xs, y: ys.map((c) => c.prX), label: 'theory PR^x/N', color: '#0072B2' },
  { x: xs, y: ys.map((c) => c.prPhi), label: 'theory PR^phi/N', color: '#0072B2', style: 'dashed' },
];
const iidLines = [
  { y: base.prX, label: 'i.i.d. x' },
  { y: base.prPhi, label: 'i.i.d. phi', style: 'dotted' },
];
const pointColors = { flat: ['#D55E00', '#E69F00', '#CC79A7', '#F0E442'], exponential: ['#009E73', '#56B4E9', '#000000'] };
/** One series per (variable, N, family): points at xOf(summary row), y from yOf, error bars from errOf. */
function pointSeries(xOf, yOf, errOf) {
  const out = [];
  let i = 0;
  for (const variable of variables) {
    for (const N of [...new Set(summary.map((s) => s.N))].sort((a, b) => a - b)) {
      for (const kind of ['flat', 'exponential']) {
        const ss = summary.filter((s) => s.variable === variable && s.N === N && s.spectrum.kind === kind);
        if (!ss.length) continue;
        const err = ss.map((s) => 2 * Math.max(s.seNetworks || 0, s.seJackknife));
        out.push({
          x: ss.map(xOf),
          y: ss.map(yOf),
          yErr: ss.map((s, k) => errOf(s, err[k])),
          style: 'points',
          marker: kind === 'flat' ? 'square' : 'triangle',
          color: pointColors[kind][i++ % pointColors[kind].length],
          label: `${variable} sim ${kind} N = ${N}`,
        });
      }
    }
  }
  return out;
}
const panels = [
  {
    title: `PR/N against the rank of the spectrum (g = ${g})`,
    xLabel: 'rho = PR^D / N',
    yLabel: 'PR / N',
    xLog: true,
    yLog: true,
    series: [...curveSeries(rhoCurve, curve), ...pointSeries((s) => s.rho, (s) => s.mean, (s, e) => e)],
    hLines: iidLines,
    legend: 'bottom-right',
  },
  {
    title: 'PR/N against the effective rank of J',
    xLabel: 'PR_J / N (curve: 1/(2 + 1/rho); points: measured; i.i.d.: 1/2)',
    yLabel: 'PR / N',
    xRange: [0, 0.52],
    series: [...curveSeries(curveJ.map((c) => c.rhoJ), curveJ), ...pointSeries((s) => s.PRJperN, (s) => s.mean, (s, e) => e)],
    hLines: iidLines,
    vLines: [{ x: 0.5 }],
    legend: 'top-left',
  },
  {
    title: 'N/PR is linear in 1/rho (spec 03 eq. 5.1)',
    xLabel: '1 / rho',
    yLabel: 'N / PR',
    xRange: [0, 12],
    series: [
      ...curveSeries([0, 12], [0, 12].map((u) => ({ prX: pieces.interceptX + pieces.slopeX * u, prPhi: pieces.interceptPhi + pieces.slopePhi * u }))),
      ...pointSeries((s) => 1 / s.rho, (s) => 1 / s.mean, (s, e) => e / s.mean ** 2),
    ],
    legend: 'top-left',
  },
];
writeFigure(opt.out, {
  title: 'Dimension of activity of random-mode tanh networks against the effective rank (two-site cavity theory vs simulation)',
  panels,
  columns: 3,
  footnote: `dmftlab ${VERSION}; g = ${g}; cross-block estimator, error bars 2 SE over networks (or jackknife); RK4 dt 0.1, f32; flat spectra: squares, exponential: triangles`,
});
finish({
  g,
  theory: {
    iid: { prX: base.prX, prPhi: base.prPhi },
    interceptX: pieces.interceptX, slopeX: pieces.slopeX, interceptPhi: pieces.interceptPhi, slopePhi: pieces.slopePhi,
    residual: base.diagnostics.residual,
    spectra: spectra.map((s) => ({ spectrum: s.spectrum, rhoSpec: s.rhoSpec, PRJlimit: dimension.couplingRankLimit(s.rhoSpec), ...atRho(s.rhoSpec) })),
  },
  summary,
  fits,
});
process.exit(0);
