// Clark & Beiran 2025, Fig. 5: what the leading eigenvalue of T-hat predicts, mapped with the two-time DMFT
// (spec 02 §6, §9). P = 2 regions, disorder g = 1.5 in both, random effective interactions T whose leading
// eigenvalue lambda of T-hat (the rightmost one, Im >= 0) sits at a target point of (Re, Im) in
// [1, 2.5] x [0, 1.5].
//
//   node examples/multiregion/fig5.mjs            (after `npm run build`; writes fig5.svg here, ~1-2 min)
//   DMFTLAB_EXAMPLE_QUICK=1 node examples/multiregion/fig5.mjs   (4 x 4 grid, 1 tensor, seconds)
//
// Scaled down from the paper: a 12 x 12 grid of targets with 4 tensors per cell (the paper: 40 x 40 with 50
// tensors per cell); every tensor runs the DMFT once (Nt = 2500, dt = 0.05, as in the paper).
//
// Sampling (a direct construction instead of plain rejection): the paper draws T = randn(2,2,2) |lambda*| / sqrt(P)
// and keeps it when the leading eigenvalue lies within +-0.01875 of the target lambda* in Re and in Im. Here
// every draw is rescaled so that the modulus of its leading eigenvalue equals |lambda*| exactly (eigenvalues of
// T-hat scale with T), and kept when its argument puts it within the same +-0.01875 box. Rescaling changes the
// distribution of the norm of T; the paper's distribution (Gaussian T conditioned on the leading eigenvalue
// being at the target) is restored by keeping the rescaled draw with probability w(r) / max w, where r is the
// norm of the rescaled T and w(r) = r^n exp(-r^2 / (2 sigma^2)) (n = P^3 = 8 entries, sigma = |lambda*| / sqrt(P)):
// the density of the norm of a Gaussian T times the Jacobian of the rescaling, maximal at r = sigma sqrt(n).
// The draws use dmftlab's seeded generator (multiregion.seededRng), not numpy's.
//
// Each run: S_init uniform in [0, 1) per component (the reference's choice), sigma0 = g (Delta(0, 0) = g^2 plus
// the structured part). The normalised slice Delta^(t_r + tau, t_r) at the 3rd of 6 reference times
// (t_r = 41.65, tau up to 83.3) is classified per region (common.mjs classifySlice: FP, FP+chaos, chaos,
// LC+chaos, LC); the map shows the most frequent category of the cell (tensors x regions) and the entropy of
// the category distribution (bits; the paper's second panel).
import { init, multiregion as mr } from '../../dist/node/index.js';
import { QUICK, writeFigure, finish, linspace, fmt, classifySlice, modeAndEntropy, CATEGORIES } from './common.mjs';

await init(); // the Wasm kernel of the two-time DMFT
const P = 2;
const G = 1.5;
const DT = 0.05;
const NT = QUICK ? 1200 : 2500;
const REF = Math.floor((2 * NT) / 6); // the 3rd of 6 reference times floor(k Nt / 6), k = 0..5
const GRID = QUICK ? 4 : 12;
const PER_CELL = QUICK ? 1 : 4;
const TOL = 0.01875;
const RE = linspace(1, 2.5, GRID);
const IM = linspace(0, 1.5, GRID);
const SEED = 5;

const rng = mr.seededRng(SEED);
const n = P * P * P;

/** A random T (flat, length P^3) whose leading T-hat eigenvalue is within TOL of (re, im); see the header. */
function drawTensor(re, im) {
  const radius = Math.hypot(re, im);
  const sigma = radius / Math.sqrt(P);
  const rBest = sigma * Math.sqrt(n);
  const logW = (r) => n * Math.log(r) - (r * r) / (2 * sigma * sigma);
  for (let tries = 1; ; tries++) {
    const T = Array.from({ length: n }, () => rng.normal());
    const lead = mr.hatSpectrum({ P, T }).leading;
    const mod = Math.hypot(lead.re, lead.im);
    if (!(mod > 0)) continue;
    const s = radius / mod;
    if (Math.abs(s * lead.re - re) > TOL || Math.abs(s * Math.abs(lead.im) - im) > TOL) continue;
    const r = s * Math.hypot(...T);
    if (Math.log(rng.uniform()) > logW(r) - logW(rBest)) continue;
    return { T: T.map((x) => s * x), tries, lambda: { re: s * lead.re, im: s * Math.abs(lead.im) } };
  }
}

/**
 * The DMFT of one tensor, and its slice at the reference time. The explicit Euler scheme (spec 02 §3.2) at
 * dt = 0.05 goes unstable in some strongly oscillating states (mostly |lambda| >~ 2 with a large Im lambda): a
 * region's total variance falls below its structured part, then below 0 (gain > 1), and the run overflows.
 * Such a run is repeated with dt / 2, then dt / 4 (the slice subsampled back onto the dt grid); `refined` counts
 * them. A run that fails at dt / 4 too is left out of its cell (`failed`).
 */
const refined = { 2: 0, 4: 0 };
let failed = 0;
let firstUnstable = null;
function runDmft(p, Sinit) {
  for (const m of [1, 2, 4]) {
    try {
      const run = mr.solveMultiregionDmft(p, { dt: DT / m, Nt: m * (NT - 1) + 1, Sinit, sigma0: [G, G], refSteps: [m * REF] });
      dmftSeconds += run.diagnostics.seconds;
      if (m > 1) refined[m]++;
      const every = (x) => (m === 1 ? x : x.filter((_, i) => i % m === 0));
      const s = run.slices[0];
      return { t: every(run.t), S: every(run.S), tau: every(s.tau), normalized: s.normalized.map(every) };
    } catch (e) {
      if (!/non-finite/.test(e.message)) throw e;
      firstUnstable ??= { T: Array.from(p.T), Sinit, dt: DT / m, message: e.message };
    }
  }
  failed++;
  return null;
}

const cells = []; // [iIm][iRe]
const examples = new Map(); // category -> one run to show
const fallback = new Map(); // category -> its first run anywhere (for categories that are never a majority)
let totalTries = 0;
let dmftSeconds = 0;
const predictionTable = {}; // predicted outcome -> DMFT categories
for (let i = 0; i < GRID; i++) {
  const row = [];
  for (let j = 0; j < GRID; j++) {
    const labels = [];
    const cellRuns = new Map(); // category (of region 0) -> the first run of this cell with it
    for (let k = 0; k < PER_CELL; k++) {
      const { T, tries, lambda } = drawTensor(RE[j], IM[i]);
      totalTries += tries;
      const p = mr.multiregionParams(P, T, [G, G]);
      const Sinit = Array.from({ length: P * P }, () => rng.uniform());
      const run = runDmft(p, Sinit);
      if (!run) continue;
      const cats = run.normalized.map((x) => classifySlice(x));
      labels.push(...cats);
      const pred = mr.predictOutcome(p).prediction;
      predictionTable[pred] ??= {};
      for (const c of cats) predictionTable[pred][c] = (predictionTable[pred][c] ?? 0) + 1;
      if (!cellRuns.has(cats[0])) cellRuns.set(cats[0], { lambda, tau: run.tau, slice: run.normalized[0], t: run.t, S: run.S, category: cats[0] });
    }
    const cell = { re: RE[j], im: IM[i], ...modeAndEntropy(labels) };
    row.push(cell);
    // examples: a run of the cell's majority category, from the first cell where that category is the majority
    if (cellRuns.has(cell.mode) && !examples.has(cell.mode)) examples.set(cell.mode, cellRuns.get(cell.mode));
    for (const [c, r] of cellRuns) if (!fallback.has(c)) fallback.set(c, r);
  }
  cells.push(row);
  process.stdout.write(`\r  row ${i + 1} / ${GRID} (Im lambda = ${fmt(IM[i], 3)}), ${fmt(dmftSeconds, 1)} s in the DMFT`);
}
process.stdout.write('\n');

// ---- the maps
const code = Object.fromEntries(CATEGORIES.map((c, k) => [c, k - 2])); // LC -2 .. FP 2 (diverging colours)
const hRe = RE.length > 1 ? RE[1] - RE[0] : 1;
const hIm = IM.length > 1 ? IM[1] - IM[0] : 1;
const extent = { x0: RE[0] - hRe / 2, x1: RE[GRID - 1] + hRe / 2, y0: IM[0] - hIm / 2, y1: IM[GRID - 1] + hIm / 2 };
const modeData = cells.flat().map((c) => code[c.mode]);
const entropyData = cells.flat().map((c) => c.entropy);
const circleX = linspace(1, G, 60);
const circle = { x: circleX, y: circleX.map((x) => Math.sqrt(Math.max(G * G - x * x, 0))), color: '#000', style: 'dashed', label: `|lambda| = g = ${G}` };
// linear threshold of S = 0 in the current-free chaotic state (spec 02 §6.2): Re lambda = 1/psi0(g)
const psi0 = mr.gainPsi(mr.chaosOnlyDelta0(G).delta0);
const threshold = { x: 1 / psi0, label: `Re lambda = 1/psi0 = ${fmt(1 / psi0, 3)}`, color: '#000', style: 'dotted' };
const found = [...new Set(cells.flat().map((c) => c.mode))];
const counts = Object.fromEntries(CATEGORIES.map((c) => [c, cells.flat().filter((x) => x.mode === c).length]));

console.log(`Fig. 5: P = ${P}, g = ${G}, ${GRID} x ${GRID} targets, ${PER_CELL} tensors per cell, Nt = ${NT}, dt = ${DT}`);
if (firstUnstable) {
  console.log(
    `  unstable at dt = ${DT}: ${refined[2] + refined[4] + failed} run(s); rerun at dt/2: ${refined[2]}, at dt/4: ${refined[4]}, left out: ${failed}; ` +
      `the first: ${JSON.stringify(firstUnstable)}`,
  );
}
console.log(`  draws per accepted tensor: ${fmt(totalTries / (GRID * GRID * PER_CELL), 1)}; DMFT time ${fmt(dmftSeconds, 1)} s`);
console.log(`  S = 0 is linearly stable in the current-free chaotic state for Re lambda < 1/psi0 = ${fmt(1 / psi0)} (psi0 = ${fmt(psi0)})`);
console.log(`  cells per majority category: ${JSON.stringify(counts)}`);
console.log('  map of the majority category (rows: Im lambda from top = 1.5 down to 0; columns: Re lambda from 1 to 2.5):');
const abbrev = { LC: 'LC ', 'LC+chaos': 'LC~', chaos: ' ~ ', 'FP+chaos': 'FP~', FP: 'FP ' };
for (let i = GRID - 1; i >= 0; i--) console.log(`   ${fmt(IM[i], 2)} | ${cells[i].map((c) => abbrev[c.mode]).join(' ')}`);
console.log('  linear prediction (multiregion.predictOutcome) against the DMFT categories (tensors x regions):');
for (const [pred, dist] of Object.entries(predictionTable)) console.log(`    ${pred.padEnd(12)} ${JSON.stringify(dist)}`);

const ex = CATEGORIES.filter((c) => examples.has(c) || fallback.has(c)).map((c) => examples.get(c) ?? fallback.get(c));
const exColors = { LC: '#0072B2', 'LC+chaos': '#56B4E9', chaos: '#777777', 'FP+chaos': '#E69F00', FP: '#D55E00' };
const TSHOW = 50;
const kShow = Math.min(NT, Math.round(TSHOW / DT) + 1);
writeFigure('fig5.svg', {
  title: `Clark & Beiran 2025, Fig. 5: outcomes against the leading eigenvalue of T-hat (P = ${P}, g = ${G}, DMFT)`,
  columns: 2,
  width: 1100,
  height: 860,
  letters: true,
  panels: [
    {
      title: 'majority category per cell',
      xLabel: 'Re lambda',
      yLabel: 'Im lambda',
      image: { data: modeData, rows: GRID, cols: GRID, ...extent, vmin: -2.5, vmax: 2.5, label: 'LC -2, LC+chaos -1, chaos 0, FP+chaos 1, FP 2' },
      series: [circle],
      vLines: [threshold],
      legend: 'top-left',
    },
    {
      title: 'entropy of the categories per cell (bits)',
      xLabel: 'Re lambda',
      yLabel: 'Im lambda',
      image: { data: entropyData, rows: GRID, cols: GRID, ...extent, vmin: 0, vmax: Math.log2(5), label: 'entropy (bits)' },
      series: [{ ...circle, label: undefined }],
      vLines: [{ ...threshold, label: undefined }],
    },
    {
      title: 'examples: normalised two-point function, region 0',
      xLabel: 'tau',
      yLabel: 'Delta^(t_r + tau, t_r)',
      series: ex.map((e) => ({ x: Array.from(e.tau), y: Array.from(e.slice), color: exColors[e.category], label: `${e.category}: lambda = ${fmt(e.lambda.re, 2)} + ${fmt(e.lambda.im, 2)}i` })),
      hLines: [{ y: 0 }, { y: 1 }],
      yRange: [-1, 1.1],
      legend: 'bottom-right',
    },
    {
      title: 'examples: the current S^{01}(t)',
      xLabel: 't',
      yLabel: 'S^{01}(t)',
      series: ex.map((e) => ({ x: Array.from(e.t.subarray(0, kShow)), y: e.S.slice(0, kShow).map((s) => s[1]), color: exColors[e.category], label: e.category })),
      hLines: [{ y: 0 }],
      legend: 'none',
    },
  ],
  footnote:
    `Scaled down from the paper's 40 x 40 targets with 50 tensors each to ${GRID} x ${GRID} with ${PER_CELL}; Nt = ${NT}, dt = ${DT}, ` +
    `slice at t_r = ${fmt(REF * DT, 2)}. Tensors: leading eigenvalue placed at |lambda*| exactly, argument within +-${TOL} (see the script header); ` +
    `dmftlab's seeded RNG (seed ${SEED}), not numpy's. Dotted: Re lambda = 1/psi0, where S = 0 loses stability (spec 02 §6.2).${refined[2] + refined[4] + failed ? ` Runs unstable at dt = ${DT} (see the script header) were repeated at dt/2 (${refined[2]}) or dt/4 (${refined[4]}); ${failed} left out.` : ''} Dashed: the circle |lambda| = g. ${QUICK ? 'QUICK mode.' : ''}`,
});

finish({
  figure: 'fig5',
  grid: GRID,
  perCell: PER_CELL,
  categoriesFound: found,
  cellsPerCategory: counts,
  drawsPerTensor: totalTries / (GRID * GRID * PER_CELL),
  dmftSeconds,
  threshold: 1 / psi0,
  refinedDt: refined,
  failedRuns: failed,
  prediction: predictionTable,
});
