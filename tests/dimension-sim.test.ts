// Dimension of activity from simulation (spec 03 §4; issue 5 item 4): the estimators on synthetic data with
// a known covariance, the kernel's block sums against a recomputation from full traces, bitwise
// determinism across thread counts (and no effect on the dynamics), and the i.i.d. tanh network against
// the two-site cavity theory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dimensionFromBlocks } from '../src/sim/dimension.js';
import { blockSums } from './block-sums.js';
import { parseSpec } from '../src/spec/validate.js';
import { simulateSpec } from '../src/sim/simulate.js';
import { prFlow } from '../src/theory/dimension/pr.js';
import { gaussian } from '../src/core/rng.js';

test('estimators on independent Gaussian samples with a known spectrum: cross-block unbiased, naive biased low', () => {
  // x_i = sqrt(lambda_i) z_i with lambda_i = 1 / (1 + i / 10): PR = (sum lambda)^2 / sum lambda^2
  const N = 60;
  const lam = Array.from({ length: N }, (_, i) => 1 / (1 + i / 10));
  const exact = lam.reduce((a, v) => a + v, 0) ** 2 / lam.reduce((a, v) => a + v * v, 0) / N;
  const B = 8;
  const n = 200;
  const samples = Array.from({ length: B * n }, (_, t) => Float64Array.from(lam, (l, i) => Math.sqrt(l) * gaussian(7, 40, t * N + i)));
  const { S, sums } = blockSums(samples, N, N, B, n);
  const d = dimensionFromBlocks(S, sums, N, N, B, n, 'x');
  assert.ok(Math.abs(d.prCross - exact) < 4 * d.prCrossSE, `cross ${d.prCross} +- ${d.prCrossSE} vs ${exact}`); // observed within 1 SE
  assert.ok(d.prNaive < d.prCross, 'the naive estimate is biased low');
  // expected naive bias: Tr(C-hat^2) gains ~N^2 / (B n) noise terms of size lambda^2
  assert.ok(d.prNaive < exact, `naive ${d.prNaive} vs ${exact}`);
  assert.throws(() => dimensionFromBlocks(S, sums, N, N, 1, n, 'x'), /at least 2 covariance blocks/);
});

const small = (extra: object = {}) =>
  parseSpec({
    dmftlab: 1,
    seed: 3,
    model: { kind: 'random', N: 300, g: 2.5, phi: 'tanh' },
    simulation: { method: 'rk4', tBurn: 20, tMeasure: 60, sampleEvery: 0.5, blocks: 4, networks: 1, lags: [0], traceUnits: Array.from({ length: 300 }, (_, i) => i), ...extra },
  });

for (const variable of ['x', 'phi'] as const) {
  test(`kernel block sums (${variable}) give the same estimates as a recomputation from full traces`, async () => {
    const spec = small();
    const r = await simulateSpec(spec, { dimension: variable, threads: 1 });
    const net = r.networks[0];
    const N = 300;
    const nS = net.time.length;
    const B = 4;
    const n = Math.floor(nS / B);
    const f = variable === 'x' ? (v: number) => v : Math.tanh;
    const samples = Array.from({ length: B * n }, (_, t) => Float64Array.from(net.traces, (tr) => f(tr.x[t])));
    const { S, sums } = blockSums(samples, N, N, B, n);
    const want = dimensionFromBlocks(S, sums, N, N, B, n, variable);
    const got = net.dimension!;
    for (const k of ['prCross', 'prNaive', 'variance', 'prCrossSE'] as const) {
      // same sums in the same order for x; for phi the kernel's SIMD tanh differs from Math.tanh by ~1 ulp
      assert.ok(Math.abs(got[k] - want[k]) <= 1e-12 * Math.abs(want[k]), `${k}: ${got[k]} vs ${want[k]}`); // observed <= 1e-15
    }
    assert.equal(got.blocks, B);
    assert.equal(got.samplesPerBlock, n);
  });
}

test('dimension estimates are bitwise identical for 1, 2 and 3 threads, and accumulating them leaves the dynamics unchanged', async () => {
  const spec = small({ traceUnits: [0, 150, 299] });
  const off = await simulateSpec(spec, { threads: 1 });
  const runs = [];
  for (const threads of [1, 2, 3]) runs.push(await simulateSpec(spec, { threads, dimension: 'x' }));
  for (const r of runs) {
    assert.deepEqual(r.networks[0].dimension, runs[0].networks[0].dimension);
    assert.deepEqual(r.networks[0].traces, off.networks[0].traces);
  }
});

test('i.i.d. tanh network, g = 3, N = 512: PR^x/N from simulation against the two-site cavity theory', async () => {
  const spec = parseSpec({
    dmftlab: 1,
    seed: 1,
    model: { kind: 'random', N: 512, g: 3, phi: 'tanh' },
    simulation: { method: 'rk4', dt: 0.1, precision: 'f32', tBurn: 300, tMeasure: 1000, sampleEvery: 0.5, blocks: 8, networks: 2, lags: [0] },
  });
  const r = await simulateSpec(spec, { dimension: 'x' });
  const th = prFlow(3);
  const est = r.networks.map((n) => n.dimension!.prCross);
  const mean = est.reduce((a, v) => a + v, 0) / est.length;
  // spec 03 §4.4: at N ~ 1000 the network-to-network SD of PR/N is 12-20 %, more than the jackknife SE; the
  // mean of 2 networks at N = 512 is held to 30 % (about two of its standard deviations), plus the O(1/N)
  // finite-size shift
  assert.ok(Math.abs(mean / th.prX - 1) < 0.3, `simulation ${est.join(', ')} vs theory ${th.prX}`); // observed +3.6 % (0.0297, 0.0353 vs 0.0314)
  for (const n of r.networks) assert.ok(Math.abs(n.dimension!.variance / th.pieces.cx0 - 1) < 0.1, `variance ${n.dimension!.variance}`); // observed 4 %, 6 %
});
