// Batched trials (simulation.trials, issue 6 item 4): K trajectories of one network advanced together, each
// load of J serving all of them (assembly/linalg.ts matmulTrialsF32/F64, assembly/sim.ts simStepsBatch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec, validateSpec, specHash } from '../src/spec/validate.js';
import { simulateSpec, buildNetwork, planSteps, type SimulationResult } from '../src/sim/simulate.js';
import { newKernel } from '../src/core/wasm.js';
import { Rng } from '../src/core/rng.js';
import { init } from '../src/core/runtime.js';

const BASE = {
  dmftlab: 1,
  seed: 5,
  model: { kind: 'random', N: 600, g: 2, phi: 'tanh' },
  simulation: { method: 'heun', dt: 0.1, tBurn: 20, tMeasure: 40, sampleEvery: 0.5, blocks: 4, lags: [0, 1], traceUnits: [0, 255, 256, 599] },
};
const withSim = (sim: Record<string, unknown>, model: Record<string, unknown> = {}) =>
  parseSpec({ ...BASE, model: { ...BASE.model, ...model }, simulation: { ...BASE.simulation, ...sim } });

/** The kernel's sums, in its order: over j ascending, one accumulator per (row, trial), f32 rounding per step when f32. */
function reference(A: Float64Array, ld: number, n: number, T: Float64Array, KP: number, K: number, f32: boolean): number[][] {
  const r = f32 ? Math.fround : (v: number) => v;
  return Array.from({ length: K }, (_, t) =>
    Array.from({ length: n }, (_, i) => {
      let acc = 0;
      for (let j = 0; j < ld; j++) acc = r(acc + r(A[i * ld + j] * T[j * KP + t]));
      return acc;
    }),
  );
}

for (const f32 of [false, true]) {
  test(`matmulTrials${f32 ? 'F32' : 'F64'} equals the ordered sum bit for bit, for K from 1 to 33 and an odd row count`, async () => {
    const kernel = await newKernel();
    const { arena, exports: w } = kernel;
    const n = 13; // odd: the last row pair has one row
    const ld = 24;
    const rng = new Rng(9, 1);
    const mark = arena.mark();
    try {
      for (const K of [1, 2, 3, 5, 8, 12, 13, 16, 17, 33]) {
        const KP = Math.ceil(K / 4) * 4;
        const A = f32 ? arena.f32(n * ld) : arena.f64(n * ld);
        const T = f32 ? arena.f32(ld * KP) : arena.f64(ld * KP);
        const y = arena.f64(K * ld);
        const av = A.view();
        const tv = T.view();
        for (let i = 0; i < av.length; i++) av[i] = rng.normal();
        for (let j = 0; j < ld; j++) for (let t = 0; t < KP; t++) tv[j * KP + t] = t < K ? rng.normal() : 0;
        y.view().fill(NaN);
        (f32 ? w.matmulTrialsF32 : w.matmulTrialsF64)(A.ptr, ld, T.ptr, KP, K, y.ptr, ld, 0, n);
        const want = reference(Float64Array.from(av), ld, n, Float64Array.from(tv), KP, K, f32);
        const yv = y.view();
        for (let t = 0; t < K; t++) {
          for (let i = 0; i < n; i++) assert.equal(yv[t * ld + i], want[t][i], `K = ${K}, trial ${t}, row ${i}`);
          // rows beyond n untouched (NaN): nothing is written outside [i0, i1)
          for (let i = n; i < ld; i++) assert.ok(Number.isNaN(yv[t * ld + i]), `K = ${K}: row ${i} written`);
        }
      }
    } finally {
      arena.release(mark);
    }
  });
}

/** Everything a run recorded, trial by trial, as one string of float64 values (portable: no Buffer in browsers). */
function record(r: SimulationResult): string {
  const vals: number[] = [];
  for (const n of r.networks) {
    vals.push(n.trial ?? -1, ...n.mean, ...n.variance, ...n.traces.flatMap((t) => t.x), n.temporalMeanVariance, n.final.mean, n.final.variance);
    for (const a of n.stats.autocov) vals.push(a.mean);
  }
  return vals.map((v) => String(v)).join(','); // shortest round-trip strings: equal strings, equal bits (NaN aside)
}

for (const precision of ['f64', 'f32'] as const) {
  test(`trials = 6 (${precision}): bitwise-identical results on 1, 2 and 3 threads`, async () => {
    const spec = withSim({ trials: 6, precision, networks: 2 });
    const out: string[] = [];
    for (const threads of [1, 2, 3]) {
      const r = await simulateSpec(spec, { threads });
      assert.equal(r.networks.length, 12);
      assert.equal(r.diagnostics.trials, 6);
      out.push(record(r));
    }
    assert.equal(out[1], out[0], '2 threads differ from 1');
    assert.equal(out[2], out[0], '3 threads differ from 1');
  });
}

test('trial 0 starts where the single-trajectory run starts and follows it to rounding; other trials start elsewhere', async () => {
  const kernel = await newKernel();
  const one = withSim({});
  const four = withSim({ trials: 4 });
  const a = buildNetwork(kernel, one, 5, planSteps(one));
  const b = buildNetwork(kernel, four, 5, planSteps(four));
  try {
    assert.deepEqual(Array.from(b.state(0)), Array.from(a.state()));
    assert.notDeepEqual(Array.from(b.state(1)), Array.from(a.state()));
    a.step(0, 50);
    b.step(0, 50);
    // the batched product sums in another order than matvecF64 (one accumulator against two per row):
    // after 50 Heun steps (t = 5) the two differ by rounding amplified by the chaos; observed 1.8e-15
    let d = 0;
    const xa = a.state();
    const xb = b.state(0);
    for (let i = 0; i < xa.length; i++) d = Math.max(d, Math.abs(xa[i] - xb[i]));
    assert.ok(d > 0 && d < 1e-10, `max |x_batched - x_single| = ${d}`);
    assert.throws(() => b.state(4), /trial: got 4; must be an integer from 0 to 3/);
  } finally {
    b.release();
    a.release();
  }
});

test('trials pool into one estimate per network: SE over all trials\' blocks, networks combined after pooling', async () => {
  const r = await simulateSpec(withSim({ trials: 5, networks: 2 }), { threads: 2 });
  assert.deepEqual(
    r.networks.map((n) => [n.seed, n.trial]),
    [5, 6].flatMap((s) => [0, 1, 2, 3, 4].map((t) => [s, t])),
  );
  const v = r.summary.variance;
  assert.equal(v.networks, 2);
  assert.equal(v.dof, 1); // two networks: the quenched spread has 1 degree of freedom, whatever the trials
  for (const [k, seed] of [5, 6].entries()) {
    const trials = r.networks.filter((n) => n.seed === seed);
    const mean = trials.reduce((a, n) => a + n.stats.variance.mean, 0) / trials.length;
    assert.ok(Math.abs(v.perNetwork[k] - mean) < 1e-14);
  }
  // one network, 5 trials x 4 blocks: 19 degrees of freedom from the pooled blocks
  const one = await simulateSpec(withSim({ trials: 5 }), { threads: 1 });
  assert.equal(one.summary.variance.dof, 19);
  assert.ok(one.summary.variance.se > 0);
  // the population variance of a g = 2 tanh network: every trial near the DMFT value Delta0 ~ 2 (observed 1.9-2.2)
  for (const n of one.networks) assert.ok(n.stats.variance.mean > 1.5 && n.stats.variance.mean < 2.6, `trial ${n.trial}: ${n.stats.variance.mean}`);
});

test('the dimension with trials: one covariance over all trials per network, on the trial-0 entry', async () => {
  const spec = withSim({ trials: 8, tMeasure: 80, dimension: 'x', blocks: 4, traceUnits: [0], lags: [0] }, { N: 300 });
  const r1 = await simulateSpec(spec, { threads: 1 });
  const r2 = await simulateSpec(spec, { threads: 2 });
  assert.deepEqual(r2.summary.dimension, r1.summary.dimension);
  assert.ok(r1.networks[0].dimension && !r1.networks[1].dimension);
  const d = r1.networks[0].dimension!;
  assert.equal(d.blocks, 4);
  // the cross-block PR/N of g = 2 tanh is about 0.016 at large N (spec 03 §3) plus a finite-N excess of
  // about 3/N (docs/NUMERICS.md), 0.026 at N = 300; observed 0.0199 +- 0.0021 (8 trials of 80 time units, 4 blocks of 2 trials)
  assert.ok(d.prCross > 0.005 && d.prCross < 0.06, `PR/N ${d.prCross}`);
});

test('simulation.trials: validation names the field, the value and the valid range; 1 is stored as absent', () => {
  const bad = (sim: Record<string, unknown>, model: Record<string, unknown> | null, re: RegExp) => {
    const spec = model ? { ...BASE, model, simulation: { ...BASE.simulation, ...sim } } : { ...BASE, simulation: { ...BASE.simulation, ...sim } };
    const v = validateSpec(spec);
    assert.ok(!v.ok, JSON.stringify(sim));
    assert.match(v.errors.map((e) => e.message).join('\n'), re);
  };
  bad({ trials: 0 }, null, /simulation\.trials.*0.*1/);
  bad({ trials: 2.5 }, null, /simulation\.trials.*2\.5.*integer/);
  bad({ trials: 2000 }, null, /simulation\.trials.*2000.*1024/);
  bad({ trials: 400 }, { kind: 'random', N: 20000, g: 2, phi: 'tanh' }, /simulation\.trials: got 400; .*GiB.*use simulation\.trials <= \d+/);
  bad(
    { trials: 2 },
    { kind: 'multiregion', P: 2, N: 100, phi: 'tanh', g: 1, interactions: { kind: 'dense', T: [[[0, 0], [0, 0]], [[0, 0], [0, 0]]] } },
    /simulation\.trials.*2.*multiregion/,
  );
  const one = parseSpec({ ...BASE, simulation: { ...BASE.simulation, trials: 1 } });
  assert.equal('trials' in one.simulation, false);
  assert.equal(specHash(one), specHash(parseSpec(BASE)));
  assert.equal(parseSpec({ ...BASE, simulation: { ...BASE.simulation, trials: 3 } }).simulation.trials, 3);
});

test('the js variant refuses batched trials with a message naming the field', async () => {
  const r = await init({ variant: 'js' });
  assert.equal(r.variant, 'js');
  try {
    await assert.rejects(simulateSpec(withSim({ trials: 3 })), /simulation\.trials: got 3; batched trials run in the Wasm kernel/);
  } finally {
    await init();
  }
});
