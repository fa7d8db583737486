// Classification of a two-time DMFT run (spec 02 §9 rule, src/theory/multiregion/classify.ts): synthetic
// slices with known answers, the period of a synthetic oscillation, and four DMFT runs whose outcome is
// known from the theory: a static fixed point and a fixed point with chaos (symmetric P = 2, spec 02 §5.2),
// pure chaos (no structure, g = 1.5 > 1), and a limit cycle (a disorder-free P = 2 tensor whose leading
// T-hat eigenvalue is complex, spec 02 §6.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySlice, currentPeriod } from '../src/theory/multiregion/classify.js';
import { parseSpec } from '../src/spec/validate.js';
import { solveSpec } from '../src/theory/solve.js';
import { init } from '../src/core/runtime.js';

const grid = (n: number, dt: number) => Array.from({ length: n }, (_, j) => j * dt);

test('synthetic slices: flat, cycle, decay to a plateau, decay to zero, damped oscillation', () => {
  const tau = grid(1001, 0.05); // lags 0..50
  assert.equal(classifySlice(tau, tau.map(() => 1 - 1e-4)).outcome, 'fixed-point');
  const p = 7.3;
  const cycle = tau.map((t) => 0.4 + 0.6 * Math.cos((2 * Math.PI * t) / p));
  assert.equal(classifySlice(tau, cycle, p).outcome, 'limit-cycle');
  assert.equal(classifySlice(tau, cycle).outcome, 'limit-cycle', 'without the period: local maxima, all ~1');
  // a non-sinusoidal cycle (a second harmonic adds maxima below 0.98 inside each period)
  const shaped = tau.map((t) => 0.3 + 0.4 * Math.cos((2 * Math.PI * t) / p) + 0.3 * Math.cos((4 * Math.PI * t) / p));
  assert.equal(classifySlice(tau, shaped, p).outcome, 'limit-cycle');
  assert.equal(classifySlice(tau, tau.map((t) => 0.78 + 0.22 * Math.exp(-0.24 * t))).outcome, 'fixed-point+chaos');
  assert.equal(classifySlice(tau, tau.map((t) => Math.exp(-0.5 * t))).outcome, 'chaos');
  const damped = tau.map((t) => Math.exp(-0.05 * t) * Math.cos((2 * Math.PI * t) / p));
  assert.equal(classifySlice(tau, damped, p).outcome, 'chaos', 'returns that decay: chaos or a limit cycle with chaos');
  assert.throws(() => classifySlice([0, 1], [1, 1]), /need matching tau and y of length >= 3/);
});

test('currentPeriod: the period of a synthetic oscillation to a fraction of the step; null without one', () => {
  const t = grid(4001, 0.05);
  const p = 9.37;
  const osc = [[t.map((s) => 0.2 * Math.sin((2 * Math.PI * s) / p)), t.map(() => 0.5)]];
  const got = currentPeriod(t, osc)!;
  assert.ok(Math.abs(got - p) < 1e-3, `period ${got}`); // linear interpolation of crossings: observed 2e-5
  assert.equal(currentPeriod(t, [[t.map(() => 0.5)]]), null);
});

const run = (model: object, duration = 200) => {
  const spec = parseSpec({ dmftlab: 1, seed: 1, model: { kind: 'multiregion', P: 2, N: 100, phi: 'erf', ...model }, theory: { dmft: { duration, window: 50 } } });
  const r = solveSpec(spec);
  assert.equal(r.kind, 'multiregion');
  return (r as Extract<typeof r, { kind: 'multiregion' }>).dmft.outcome;
};

test('DMFT runs: fixed point, fixed point with chaos, chaos, limit cycle (with its period)', async () => {
  await init();
  const sym = { interactions: { kind: 'ab', a: [1.5, 1.5], b: [2, 2], signs: [1, 1] }, start: { S: [[0, 0.5], [0.5, 0]] } };
  assert.equal(run({ ...sym, g: 1.5 }).overall, 'fixed-point'); // static margin 0.85 < 1
  assert.equal(run({ ...sym, g: 1.75 }).overall, 'fixed-point+chaos'); // plateau Delta_inf / Delta0 = 0.78
  assert.equal(run({ g: 1.5, interactions: { kind: 'tensor', T: [[[0, 0], [0, 0]], [[0, 0], [0, 0]]] } }).overall, 'chaos');
  // leading T-hat eigenvalue 1.94 + 0.96i, no disorder
  const T = [
    [[-1.7746076615951634, -0.6863692503811548], [-2.3803475539205574, 2.4336378151506675]],
    [[0.5936391846480022, -0.7919774933030758], [1.70631179200001, 2.0868446486749996]],
  ];
  const lc = run({ g: 0, interactions: { kind: 'tensor', T }, start: { S: [[0.5, 0.3], [0.2, 0.4]] } });
  assert.equal(lc.overall, 'limit-cycle');
  assert.ok(lc.period !== null && Math.abs(lc.period - 13.34) < 0.05, `period ${lc.period}`); // observed 13.338
});
