// Dimension of activity from multiregion simulations (spec 03 §4; assembly/mrsim.ts accumulateCovariance,
// src/sim/multiregion.ts): the kernel's block sums over all P N units against sums recomputed from full
// traces (x and phi; shared, permuted, independent with cross-region disorder, f32), the whole-network and
// per-region estimates against recomputations, bitwise determinism across 1, 2 and 3 threads with the
// dynamics unchanged, the spec field simulation.dimension against the run option, and the errors for bad
// input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newKernel, type Kernel } from '../src/core/wasm.js';
import { Rng } from '../src/core/rng.js';
import { getPhi } from '../src/phi.js';
import { padded } from '../src/sim/layout.js';
import { MrSlot, MR_CONTEXT_SLOTS } from '../src/sim/mr-layout.js';
import { dimensionFromBlocks } from '../src/sim/dimension.js';
import { blockSums } from './block-sums.js';
import { parseSpec } from '../src/spec/validate.js';
import { simulateMultiregionSpec } from '../src/sim/multiregion-spec.js';
import { simulate } from '../src/index.js';
import { buildMultiregionNetwork, runMultiregionNetwork, type MultiregionNetwork } from '../src/sim/multiregion.js';

/** A small network with random vectors (test-only streams) and every unit traced. */
function makeNet(o: Partial<MultiregionNetwork> & { P: number; N: number }): MultiregionNetwork {
  const { P, N } = o;
  const rng = new Rng(21, 3000 + P);
  const perm = new Int32Array(P * N);
  for (let a = 0; a < P; a++) perm.set(new Rng(22, 4000 + a).permutation(N), a * N);
  return {
    g: Array.from({ length: P }, (_, a) => 1.6 + 0.3 * a),
    phiCode: 0,
    coupling: 'shared',
    precision: 'f64',
    method: 'rk4',
    dt: 0.1,
    seed: 9,
    n: new Float64Array(P * P * N).map(() => rng.normal()),
    m: new Float64Array(P * P * N).map(() => 0.5 * rng.normal()),
    v: null,
    perm,
    x0: new Float64Array(P * N).map(() => rng.normal()),
    schedule: null,
    plan: { burnSteps: 10, stride: 2, samples: 31, lagSamples: [0] },
    traceUnits: Array.from({ length: P * N }, (_, k) => [Math.floor(k / N), k % N] as [number, number]),
    ...o,
  };
}

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);

// (a) the raw sums in the kernel's memory against sums recomputed from the traces
const sumCases: [string, Partial<MultiregionNetwork> & { P: number; N: number }][] = [
  ['P = 3, shared (permuted rates), f64', { P: 3, N: 37, coupling: 'shared' }],
  ['P = 2, independent (rates in the matvec buffer), f64, Heun', { P: 2, N: 45, coupling: 'independent', method: 'heun', perm: null }],
  ['P = 3, independent with cross-region disorder, f32', { P: 3, N: 29, coupling: 'independent', precision: 'f32', perm: null, crossG: [[0, 0.8, 0], [0.5, 0, 0.7], [0, 0.9, 0]] }],
];
for (const [name, o] of sumCases) {
  for (const variable of ['x', 'phi'] as const) {
    test(`kernel block sums (${variable}) over all P N units equal sums from full traces: ${name}`, async (t) => {
      const k = await newKernel();
      const B = 3;
      const net = makeNet({ ...o, dimension: { variable, blocks: B } });
      const { P, N } = net;
      const PN = P * N;
      const cld = padded(PN);
      const h = buildMultiregionNetwork(k, net);
      try {
        const run = await runMultiregionNetwork(k, h);
        const c = new Float64Array(k.memory.buffer, h.ctx, MR_CONTEXT_SLOTS);
        const n = c[MrSlot.COVSPB];
        assert.equal(n, Math.floor(31 / B));
        assert.equal(c[MrSlot.COVLD], cld);
        const S = new Float64Array(k.memory.buffer, c[MrSlot.COV], B * PN * cld);
        const sums = new Float64Array(k.memory.buffer, c[MrSlot.COVSUM], B * cld);
        const f = variable === 'x' ? (v: number) => v : getPhi('tanh').f;
        const samples = Array.from({ length: B * n }, (_, t) => Float64Array.from(run.traces, (tr) => f(tr.x[t])));
        const want = blockSums(samples, PN, cld, B, n);
        let worst = 0;
        for (let b = 0; b < B; b++) {
          for (let i = 0; i < PN; i++) {
            // |sum_t a_i| <= sqrt(n S_ii): the scale of a block sum
            worst = Math.max(worst, Math.abs(sums[b * cld + i] - want.sums[b * cld + i]) / Math.sqrt(n * want.S[b * PN * cld + i * cld + i]));
            for (let j = 0; j <= i; j++) {
              const g = S[b * PN * cld + i * cld + j];
              const w = want.S[b * PN * cld + i * cld + j];
              // the scale of a row: its diagonal (an off-diagonal sum may nearly cancel)
              const scale = Math.sqrt(want.S[b * PN * cld + i * cld + i] * want.S[b * PN * cld + j * cld + j]);
              worst = Math.max(worst, Math.abs(g - w) / scale);
            }
            for (let j = i + 1; j < cld; j++) assert.equal(S[b * PN * cld + i * cld + j], 0, 'the upper triangle and the padding stay 0');
          }
        }
        t.diagnostic(`largest difference of the sums relative to their scale: ${worst.toExponential(2)}`);
        // x: the same products added in the same order (0); phi: the kernel's SIMD tanh against Math.tanh (~1 ulp)
        assert.ok(worst <= 1e-12, `largest relative difference ${worst}`); // observed x 0, phi <= 4e-16
        if (variable === 'x') assert.equal(worst, 0);
        // the estimates read from the same sums
        const whole = dimensionFromBlocks(want.S, want.sums, PN, cld, B, n, variable);
        assert.deepEqual(run.dimension, variable === 'x' ? whole : run.dimension);
        for (const key of ['prCross', 'prCrossSE', 'prNaive', 'variance'] as const) {
          assert.ok(relErr(run.dimension![key], whole[key]) <= 1e-12, `${key}: ${run.dimension![key]} vs ${whole[key]}`);
        }
        assert.equal(run.regionDimension!.length, P);
      } finally {
        h.release();
      }
    });
  }
}

// (b) through the spec: whole network and regions against recomputations from full traces
const spec = (extra: object = {}, model: object = {}) =>
  parseSpec({
    dmftlab: 1,
    seed: 4,
    model: {
      kind: 'multiregion',
      P: 3,
      N: 60,
      g: [1.8, 2.2, 1.5],
      phi: 'tanh',
      interactions: { kind: 'symmetric', c: [[0, 1.5, 0.5], [1.5, 0, 1.2], [0.5, 1.2, 0]] },
      start: { S: [[0, 0.5, 0.2], [0.5, 0, 0.3], [0.2, 0.3, 0]], sigma0: 1 },
      ...model,
    },
    simulation: { method: 'rk4', dt: 0.1, tBurn: 10, tMeasure: 40, sampleEvery: 0.5, blocks: 4, networks: 1, lags: [0], traceUnits: Array.from({ length: 60 }, (_, i) => i), ...extra },
  });

for (const variable of ['x', 'phi'] as const) {
  test(`spec path (${variable}): dimension of the whole network and regionDimension[a] equal recomputations from full traces`, async (t) => {
    const r = await simulateMultiregionSpec(spec(), { dimension: variable, threads: 1 });
    const net = r.networks[0];
    const P = 3;
    const N = 60;
    const B = 4;
    const n = Math.floor(net.time.length / B);
    const f = variable === 'x' ? (v: number) => v : Math.tanh;
    // traces: traceUnits in every region, region-major, so trace a N + i is unit (a, i)
    assert.deepEqual(net.traces.map((t) => t.region * N + t.index), Array.from({ length: P * N }, (_, u) => u));
    const samples = Array.from({ length: B * n }, (_, t) => Float64Array.from(net.traces, (tr) => f(tr.x[t])));
    let worst = 0;
    const close = (got: typeof net.dimension, want: NonNullable<typeof net.dimension>, what: string) => {
      for (const k of ['prCross', 'prNaive', 'variance', 'prCrossSE'] as const) {
        worst = Math.max(worst, relErr(got![k], want[k]));
        assert.ok(relErr(got![k], want[k]) <= 1e-12, `${what} ${k}: ${got![k]} vs ${want[k]}`); // observed x 0, phi <= 1e-15
      }
      assert.equal(got!.blocks, B);
      assert.equal(got!.samplesPerBlock, n);
      assert.equal(got!.variable, variable);
    };
    const all = blockSums(samples, P * N, P * N, B, n);
    close(net.dimension, dimensionFromBlocks(all.S, all.sums, P * N, P * N, B, n, variable), 'whole');
    for (let a = 0; a < P; a++) {
      // a single-region recomputation: only region a's traces
      const own = samples.map((s) => s.slice(a * N, (a + 1) * N));
      const ra = blockSums(own, N, N, B, n);
      close(net.regionDimension![a], dimensionFromBlocks(ra.S, ra.sums, N, N, B, n, variable), `region ${a}`);
      // the unit range of dimensionFromBlocks on the whole sums gives the same
      close(net.regionDimension![a], dimensionFromBlocks(all.S, all.sums, P * N, P * N, B, n, variable, [a * N, (a + 1) * N]), `range ${a}`);
    }
    const d = net.dimension!;
    t.diagnostic(`largest relative difference ${worst.toExponential(2)}; PR/N whole ${d.prCross.toFixed(4)} +- ${d.prCrossSE.toFixed(4)}, regions ${net.regionDimension!.map((e) => e.prCross.toFixed(4)).join(', ')}`);
    assert.ok(d.prCross > 0 && d.prCross <= 1 && d.prNaive > 0 && d.prNaive <= 1, JSON.stringify(d));
  });
}

test('1, 2 and 3 threads give bitwise-identical dimensions, and accumulating them leaves the dynamics unchanged (simulate(), N = 300: split rows)', async () => {
  const s = spec({ tMeasure: 15, traceUnits: [0, 255, 256, 299] }, { P: 2, N: 300, g: [1.8, 2.2], interactions: { kind: 'symmetric', c: [[0, 1.5], [1.5, 0]] }, start: { S: [[0, 0.5], [0.5, 0]], sigma0: 1 } });
  const off = await simulateMultiregionSpec(s, { threads: 1 });
  assert.equal(off.networks[0].dimension, undefined);
  assert.equal(off.networks[0].regionDimension, undefined);
  const runs = [];
  for (const threads of [1, 2, 3]) {
    const r = (await simulate(s, { threads, dimension: 'phi' })).result;
    assert.ok('model' in r && r.model === 'multiregion');
    runs.push(r);
  }
  assert.equal(runs[2].diagnostics.threads, 3);
  for (const r of runs) {
    const net = r.networks[0];
    assert.deepEqual(net.dimension, runs[0].networks[0].dimension);
    assert.deepEqual(net.regionDimension, runs[0].networks[0].regionDimension);
    assert.deepEqual(net.traces, off.networks[0].traces);
    assert.deepEqual(net.final, off.networks[0].final);
    assert.deepEqual(net.p, off.networks[0].p);
  }
});

test('simulation.dimension of the spec is honoured, and the run option overrides it', async () => {
  const base = spec({ tMeasure: 10, traceUnits: [0] });
  // set on the parsed spec, so that this does not depend on the validator
  const withField = { ...base, simulation: { ...base.simulation, dimension: 'x' as const } } as typeof base;
  const a = await simulateMultiregionSpec(withField, { threads: 1 });
  const b = await simulateMultiregionSpec(base, { threads: 1, dimension: 'x' });
  assert.equal(a.networks[0].dimension!.variable, 'x');
  assert.deepEqual(a.networks[0].dimension, b.networks[0].dimension);
  assert.deepEqual(a.networks[0].regionDimension, b.networks[0].regionDimension);
  const c = await simulateMultiregionSpec(withField, { threads: 1, dimension: 'phi' });
  assert.equal(c.networks[0].dimension!.variable, 'phi');
  assert.ok(c.networks[0].regionDimension!.every((d) => d.variable === 'phi'));
});

test('bad input: variable, blocks, samples, unit ranges, sums too short, memory', async () => {
  const k: Kernel = await newKernel();
  const build = (o: Partial<MultiregionNetwork>) => () => buildMultiregionNetwork(k, makeNet({ P: 2, N: 10, ...o })).release();
  assert.throws(build({ dimension: { variable: 'y' as 'x', blocks: 3 } }), /dimension: got "y"; must be "x" or "phi"/);
  assert.throws(build({ dimension: { variable: 'x', blocks: 1 } }), /at least 2 covariance blocks \(simulation\.blocks\), got 1/);
  assert.throws(build({ dimension: { variable: 'x', blocks: 2.5 } }), /at least 2 covariance blocks/);
  assert.throws(build({ dimension: { variable: 'x', blocks: 40 } }), /31 samples cannot fill 40 blocks \(simulation\.blocks\); raise tMeasure/);
  // 8 blocks over 2 x 20000 units: 8 x 40000 x 40000 x 8 bytes = 95 GiB; refused before anything large is allocated
  const used = k.arena.used;
  assert.throws(
    build({ P: 2, N: 20000, dimension: { variable: 'x', blocks: 8 } }),
    (e: unknown) =>
      e instanceof RangeError &&
      /simulation\.blocks/.test(e.message) &&
      /P N = 2 x 20000 = 40000 units/.test(e.message) &&
      /102403200000 bytes \(95\.37 GiB/.test(e.message) &&
      /at most 4\.00 GiB/.test(e.message),
  );
  assert.equal(k.arena.used, used, 'the arena is released');
  await assert.rejects(simulateMultiregionSpec(spec(), { dimension: 'z' as 'x' }), /dimension: got "z"; must be "x" or "phi"/);
  // dimensionFromBlocks: unit ranges and lengths
  const S = new Float64Array(3 * 4 * 8);
  const sums = new Float64Array(3 * 8);
  for (const u of [[2, 2], [-1, 2], [0, 5], [1.5, 3]] as [number, number][]) {
    assert.throws(() => dimensionFromBlocks(S, sums, 4, 8, 3, 2, 'x', u), /units \[.*\) is not a non-empty range of the 4 units/);
  }
  assert.throws(() => dimensionFromBlocks(S.subarray(1), sums, 4, 8, 3, 2, 'x'), /too short for 3 blocks of 4 rows of stride 8/);
  assert.throws(() => dimensionFromBlocks(S, sums, 4, 3, 3, 2, 'x'), /too short/);
});
