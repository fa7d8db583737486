// The thread pool (Node worker_threads on the shared memory): bitwise-identical results for 1, 2 and 3
// threads, because rows are split on 256-unit blocks and every sum over units is combined in block order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec } from '../src/spec/validate.js';
import { simulateSpec, type SimulationResult } from '../src/sim/simulate.js';

/** SHA-256 of everything a run recorded, as float64 bytes. */
async function digest(r: SimulationResult): Promise<string> {
  const vals: number[] = [];
  for (const n of r.networks) {
    vals.push(...n.mean, ...n.variance, ...n.kappa.flat(), ...n.traces.flatMap((t) => t.x), n.temporalMeanVariance, n.final.mean, n.final.variance);
    for (const a of n.stats.autocov) vals.push(a.mean);
  }
  const bytes = new Uint8Array(new Float64Array(vals).buffer);
  const h = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(h), (b) => b.toString(16).padStart(2, '0')).join('');
}

const cases = {
  'dense random (N = 700: 3 blocks of 256 units)': { kind: 'random', N: 700, g: 2, phi: 'tanh' },
  'low rank with input, dense part in f32 (N = 900)': { kind: 'lowrank', N: 900, g: 1.5, phi: 'erf', rank: 1, means: { m: 1.1, n: 2, I: 0.1 }, cov: { mm: 1, nn: 1, nI: 0.3, II: 0.5 } },
  'low rank without a dense part (g = 0, N = 1000)': { kind: 'lowrank', N: 1000, g: 0, phi: 'tanh', rank: 2, means: { m: [1, 0], n: [2, 0] }, cov: { mm: [[1, 0], [0, 1]], nn: [[1, 0], [0, 1]], nm: [[0, 0], [0, 0.9]] } },
};

for (const [name, model] of Object.entries(cases)) {
  test(`1, 2 and 3 threads give bitwise-identical results: ${name}`, async () => {
    const spec = parseSpec({
      dmftlab: 1,
      seed: 4,
      model,
      simulation: { method: 'rk4', precision: name.includes('f32') ? 'f32' : 'f64', tBurn: 5, tMeasure: 10, networks: 2, traceUnits: [0, 255, 256, 699], lags: [0, 1, 2] },
    });
    const hashes: string[] = [];
    for (const threads of [1, 2, 3]) {
      const r = await simulateSpec(spec, { threads });
      assert.equal(r.diagnostics.threads, threads);
      hashes.push(await digest(r));
    }
    assert.equal(hashes[1], hashes[0], '2 threads differ from 1');
    assert.equal(hashes[2], hashes[0], '3 threads differ from 1');
  });
}

test('more threads than blocks of rows still works (idle threads meet at the barrier)', async () => {
  const spec = parseSpec({ dmftlab: 1, seed: 1, model: { kind: 'random', N: 100, g: 1.5, phi: 'tanh' }, simulation: { tBurn: 2, tMeasure: 4, blocks: 4 } });
  const a = await simulateSpec(spec, { threads: 1 });
  const b = await simulateSpec(spec, { threads: 3 });
  assert.equal(await digest(b), await digest(a));
});

test('an invalid thread count is rejected with a message naming it', async () => {
  const spec = parseSpec({ dmftlab: 1, seed: 1, model: { kind: 'random', N: 10, g: 0.5, phi: 'tanh' } });
  await assert.rejects(simulateSpec(spec, { threads: 0 }), /threads: got 0; must be an integer >= 1/);
});

test('workers that die mid-run make the call reject with a message, not hang', async () => {
  const { newKernel } = await import('../src/core/wasm.js');
  const { createPool } = await import('../src/core/pool.js');
  const { buildNetwork, planSteps } = await import('../src/sim/simulate.js');
  const kernel = await newKernel();
  const spec = parseSpec({ dmftlab: 1, seed: 1, model: { kind: 'random', N: 1500, g: 2, phi: 'tanh' }, simulation: { tBurn: 1000, tMeasure: 10 } });
  const net = buildNetwork(kernel, spec, 1, planSteps(spec));
  const pool = await createPool(kernel, 2);
  const run = pool.run(net.ctx, 0, 5000); // several seconds of work
  setTimeout(() => void pool.terminate(), 50);
  await assert.rejects(run, /dmftlab: (worker \d exited|the pool was terminated)/);
  net.release();
});
