// Theory-first phase diagrams (docs/SWEEP.md, "Regimes" and "Refinement"): the regime metric of spec 01
// §4.4 (M&O Fig. 1B) against the bifurcation points lowrank.sweep reports, and the categorical heatmap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowrank } from '../src/index.js';
import { regimeOf, theoryPoint, REGIMES } from '../src/sweep/sweep.js';
import { renderSvg } from '../src/plot/svg.js';

const SPEC = {
  dmftlab: 1,
  seed: 1,
  model: { kind: 'lowrank', N: 1000, g: 1, phi: 'tanh', rank: 1, means: { m: 1.1, n: 2 }, cov: { mm: 1, nn: 1 } },
};
const code = (name: string) => REGIMES.find((r) => r.name === name)!.code;

/** Regime changes along a row of g: [g before, g after, regime before, regime after]. */
function changes(gs: number[], regimes: number[]): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (let k = 1; k < gs.length; k++) if (regimes[k] !== regimes[k - 1]) out.push([gs[k - 1], gs[k], regimes[k - 1], regimes[k]]);
  return out;
}

test('regime along g at overlap 2.2: static-bistable | g_C | chaotic-bistable | g_BB | chaotic, boundaries bracket the bifurcations', async () => {
  const gs = Array.from({ length: 30 }, (_, k) => 0.1 * (k + 1)); // 0.1 .. 3.0
  const sw = await lowrank.sweep(SPEC, gs);
  const regimes = sw.results.map((r) => regimeOf(theoryPoint(r).solutions));
  const gC = sw.bifurcations.gC!.g; // observed 1.7959
  const gBB = sw.bifurcations.gBB!.g; // observed ~2.14
  const ch = changes(gs, regimes);
  assert.deepEqual(
    ch.map((c) => [c[2], c[3]]),
    [
      [code('static-bistable'), code('chaotic-bistable')],
      [code('chaotic-bistable'), code('chaotic')],
    ],
    `regimes ${regimes.join('')}`,
  );
  assert.ok(ch[0][0] < gC && gC < ch[0][1], `g_C ${gC} between ${ch[0][0]} and ${ch[0][1]}`);
  assert.ok(ch[1][0] < gBB && gBB < ch[1][1], `g_BB ${gBB} between ${ch[1][0]} and ${ch[1][1]}`);
  // g_S (the unstable static +/- branches merge with the central one) changes the branch count, not the regime
  const gS = sw.bifurcations.gS!.g;
  const counts = sw.results.map((r) => r.solutions.length);
  const k = gs.findIndex((g) => g > gS);
  assert.ok(k > 0 && counts[k] < counts[k - 1], `branch count ${counts[k - 1]} -> ${counts[k]} across g_S ${gS}`);
});

test('regime at overlap 0.55 (< 1): trivial below g = 1, chaotic with kappa = 0 above', async () => {
  const gs = [0.3, 0.6, 0.95, 1.05, 1.5, 2.5];
  const sw = await lowrank.sweep({ ...SPEC, model: { ...SPEC.model, means: { m: 1.1, n: 0.5 } } }, gs);
  const regimes = sw.results.map((r) => regimeOf(theoryPoint(r).solutions));
  assert.deepEqual(regimes, [1, 1, 1, 4, 4, 4].map((c, i) => (i < 3 ? code('trivial') : code('chaotic')) + 0 * c));
});

test('regimeOf: every class from hand-made solutions; none when nothing is stable', () => {
  const s = (type: string, stable: boolean | null, kappa = 0, delta0 = 1) => ({ type: type as 'static', branch: '', kappa: [kappa], mu: 0, delta0, deltaInf: delta0, stable });
  assert.equal(regimeOf([]), code('none'));
  assert.equal(regimeOf([s('static', false), s('chaotic', null)]), code('none'));
  assert.equal(regimeOf([s('trivial', true, 0, 0)]), code('trivial'));
  assert.equal(regimeOf([s('static', true, 0, 0)]), code('trivial'));
  assert.equal(regimeOf([s('static', true, 0.5)]), code('static'));
  assert.equal(regimeOf([s('static', true, 0.5), s('static', true, -0.5), s('trivial', false)]), code('static-bistable'));
  assert.equal(regimeOf([s('chaotic', true)]), code('chaotic'));
  assert.equal(regimeOf([s('chaotic', true, 1), s('chaotic', true, -1)]), code('chaotic-bistable'));
  assert.equal(regimeOf([s('static', true, 1), s('chaotic', true, -1)]), code('mixed'));
  assert.deepEqual(REGIMES.map((r) => r.code), [0, 1, 2, 3, 4, 5, 6]);
});

test('categorical heatmap: one colour per category, a legend of labels instead of a colour bar, sampled not averaged', () => {
  const cats = [
    { value: 1, label: '1 trivial', color: '#56b4e9' },
    { value: 3, label: '3 static-bistable', color: '#0072b2' },
  ];
  const data = [1, 3, 3, 1, 7, NaN];
  const svg = renderSvg({ panels: [{ image: { data, rows: 2, cols: 3, categories: cats, label: 'regime', maxCols: 2 } }] });
  assert.match(svg, /class="category-legend"/);
  assert.match(svg, /1 trivial/);
  assert.match(svg, /3 static-bistable/);
  assert.doesNotMatch(svg, /class="colorbar"/);
  assert.match(svg, /fill="#56b4e9" d=/);
  assert.match(svg, /fill="#0072b2" d=/);
  // decimated to 2 columns by sampling: no averaged value 2 (which would be no category, drawn grey) in row 0
  assert.match(svg, /data-cols="2"/);
  const plain = renderSvg({ panels: [{ image: { data: [1, 3, 3, 1, 7, 0], rows: 2, cols: 3 } }] });
  assert.match(plain, /class="colorbar"/);
  assert.throws(() => renderSvg({ panels: [{ image: { data, rows: 2, cols: 3, categories: [cats[0], cats[0]] } }] }), /repeated/);
});
