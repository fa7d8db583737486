// Theory-first phase diagrams (docs/SWEEP.md, "Regimes" and "Refinement"): the regime metric of spec 01
// §4.4 (M&O Fig. 1B) against the bifurcation points lowrank.sweep reports, and the categorical heatmap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowrank, solve } from '../src/index.js';
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

test('refineLevel: midpoints only between grid neighbours whose metric differs, level by level; continuation ladders of refined rows', async () => {
  const { parseSweep, pointCount, pointCoords } = await import('../src/sweep/sweep.js');
  const { refineLevel, refinedUnits } = await import('../src/sweep/refine.js');
  const s = parseSweep({
    dmftlabSweep: 1,
    base: SPEC,
    axes: [
      { field: 'model.means.n.0', values: [0, 1, 2, 3] },
      { field: 'model.g', values: [0.5, 1, 1.5, 2, 2.5] },
    ],
    refine: { metric: 'regime', levels: 2 },
  });
  const n = pointCount(s); // 20
  // a synthetic metric: 1 above the line n = 2 g - 1, else 0 (its boundary crosses the grid diagonally)
  const f = (c: number[]) => (c[0] > 2 * c[1] - 1 ? 1 : 0);
  const coords = new Map<number, number[]>();
  for (let p = 0; p < n; p++) coords.set(p, pointCoords(s, p));
  const l1 = refineLevel(s, [], (i) => f(coords.get(i)!), 1, n);
  // every level-1 point is the midpoint of two base neighbours along its axis with different metric values
  const step = [1, 0.5];
  for (const q of l1) {
    const lo = q.coords.slice();
    const hi = q.coords.slice();
    lo[q.axis] -= step[q.axis] / 2;
    hi[q.axis] += step[q.axis] / 2;
    assert.notEqual(f(lo), f(hi), `point ${q.index} at ${q.coords}`);
  }
  // and every differing neighbour pair got one: count the pairs directly
  let pairs = 0;
  for (let p = 0; p < n; p++)
    for (let a = 0; a < 2; a++) {
      const c = pointCoords(s, p).slice();
      c[a] += step[a];
      const q = [...coords.entries()].find(([, d]) => d[0] === c[0] && d[1] === c[1]);
      if (q && f(pointCoords(s, p)) !== f(c)) pairs++;
    }
  assert.equal(l1.length, pairs); // observed 6 of the 31 neighbour pairs
  assert.ok(l1.length < 31 / 2, `${l1.length} refined of 31 pairs`);
  assert.deepEqual(l1.map((q) => q.index), l1.map((_, k) => n + k));
  for (const q of l1) coords.set(q.index, q.coords);
  const l2 = refineLevel(s, l1, (i) => f(coords.get(i)!), 2, n + l1.length);
  assert.ok(l2.length > 0 && l2.length <= l1.length, `level 2: ${l2.length} points`);
  for (const q of l2) assert.equal(q.level, 2);
  // a metric not computed yet stops the level
  assert.throws(() => refineLevel(s, [], (i) => (i === 3 ? undefined : 0), 1, n), /point 3 has no result yet/);
  // continuation: a refined point along g joins its base row's ladder; one along n gets a ladder of base g up to its own g
  const units = refinedUnits(s, l1, []);
  for (const u of units) {
    assert.ok(u.ladder, 'lowrank + model.g: continuation');
    for (const q of u.points) assert.ok(u.ladder!.includes(q.coords[1]));
    assert.deepEqual(u.ladder, [...u.ladder!].sort((a, b) => a - b));
    const top = Math.max(...u.points.map((q) => q.coords[1]));
    for (const g of [0.5, 1, 1.5, 2, 2.5]) assert.equal(u.ladder!.includes(g), g <= top);
  }
});

test('a refined point along g by continuation over its row ladder has the branches lowrank.sweep and solve find at that g', async () => {
  const { parseSweep } = await import('../src/sweep/sweep.js');
  const { computeRefinedTheoryUnit } = await import('../src/sweep/compute.js');
  const s = parseSweep({ dmftlabSweep: 1, base: SPEC, axes: [{ field: 'model.g', values: [1.6, 1.7, 1.8, 1.9] }], refine: { metric: 'regime', levels: 1 } });
  // 1.85: between g_C = 1.7959 and g_BB, the chaotic +/- branches (seeded at g_C by the continuation)
  const [pt] = await computeRefinedTheoryUnit(s, { points: [{ index: 4, coords: [1.85], level: 1, axis: 0 }], ladder: [1.6, 1.7, 1.8, 1.85] });
  const ref = await lowrank.sweep(SPEC, [1.85]);
  const key = (sols: { type: string; branch: string; stable: boolean | null }[]) => sols.map((x) => `${x.type}/${x.branch}/${x.stable}`).join(' ');
  assert.equal(key(pt.result.theory!.solutions), key(ref.results[0].solutions));
  assert.equal(regimeOf(pt.result.theory!.solutions), code('chaotic-bistable'));
  const one = await solve({ ...SPEC, model: { ...SPEC.model, g: 1.85 } });
  assert.equal(key(pt.result.theory!.solutions), key((one.result as { solutions: { type: string; branch: string; stable: boolean | null }[] }).solutions));
});
