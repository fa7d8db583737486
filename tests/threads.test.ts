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
  await assert.rejects(simulateSpec(spec, { threads: 0 }), /threads: got 0; must be an integer from 1 to 256/);
});

for (const how of ['terminate', 'throw'] as const) {
  test(`a worker that dies mid-run (${how}) makes the call reject with a message; the pool recovers`, async () => {
    const { getPool } = await import('../src/core/pool.js');
    const spec = parseSpec({ dmftlab: 1, seed: 1, model: { kind: 'random', N: 1500, g: 2, phi: 'tanh' }, simulation: { tBurn: 1000, tMeasure: 10 } });
    const run = simulateSpec(spec, { threads: 2 }); // tens of seconds of work
    setTimeout(async () => void (await getPool(2)).kill(1, how), 300);
    const t0 = performance.now();
    // "during a run" only when a chunk was in flight at that instant; between chunks the pool is marked
    // broken and the next chunk's call rejects with the same message (seen under load in Deno)
    await assert.rejects(run, how === 'terminate' ? /dmftlab: worker 1 (exited with code \d+|was terminated)( during a run)?$/ : /dmftlab: worker 1 threw: worker crash requested by a test/);
    assert.ok(performance.now() - t0 < 5000, 'the rejection came promptly');
    // the next call gets a fresh pool and the same numbers as one thread
    const small = parseSpec({ dmftlab: 1, seed: 2, model: { kind: 'random', N: 600, g: 2, phi: 'tanh' }, simulation: { tBurn: 2, tMeasure: 4, blocks: 4 } });
    const a = await simulateSpec(small, { threads: 2 });
    const b = await simulateSpec(small, { threads: 1 });
    assert.equal(a.diagnostics.threads, 2);
    assert.equal(await digest(a), await digest(b));
  });
}

test('an abort stops a running N = 4000 simulation within 100 ms (1 and 2 threads)', async () => {
  const spec = parseSpec({ dmftlab: 1, seed: 3, model: { kind: 'random', N: 4000, g: 2, phi: 'tanh' }, simulation: { method: 'heun', tBurn: 2000, tMeasure: 10 } });
  for (const threads of [1, 2]) {
    const ac = new AbortController();
    let progressed = 0;
    const run = simulateSpec(spec, { threads, signal: ac.signal, onProgress: (f) => (progressed = f) });
    // abort once the run is stepping (J is drawn first), measured from the abort to the rejection
    while (progressed === 0) await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    ac.abort();
    await assert.rejects(run, { name: 'AbortError' });
    const ms = performance.now() - t0;
    assert.ok(ms < 100, `threads ${threads}: stopped ${ms.toFixed(1)} ms after the abort`); // observed 5-25 ms
  }
});

test('dispose() frees the workers; the next threaded call starts new ones', async () => {
  const { dispose } = await import('../src/core/runtime.js');
  const { currentPool } = await import('../src/core/pool.js');
  const small = parseSpec({ dmftlab: 1, seed: 2, model: { kind: 'random', N: 300, g: 2, phi: 'tanh' }, simulation: { tBurn: 2, tMeasure: 4, blocks: 4 } });
  const a = await simulateSpec(small, { threads: 2 });
  assert.ok(currentPool());
  await dispose();
  assert.equal(currentPool(), null);
  const b = await simulateSpec(small, { threads: 2 });
  assert.equal(await digest(b), await digest(a));
});

test('threads write only inside the network: per-thread kappa scratch is sized for every thread (regression)', async () => {
  // assembly/sim.ts keeps 64 f64 of kappa per thread at scr + tid * 64; the scratch once held 64 f64 in
  // all, so thread 1 wrote past the network's memory. A sentinel block right after the network must stay intact.
  const { newKernel } = await import('../src/core/wasm.js');
  const { getPool } = await import('../src/core/pool.js');
  const { buildNetwork, planSteps } = await import('../src/sim/simulate.js');
  const kernel = await newKernel();
  const spec = parseSpec({ dmftlab: 1, seed: 2, model: { kind: 'lowrank', N: 800, g: 1.2, phi: 'tanh', rank: 2, means: { m: [1, 0], n: [1.5, 0] }, cov: { mm: [[1, 0], [0, 1]], nn: [[1, 0], [0, 1]] } }, simulation: { tBurn: 1, tMeasure: 2, blocks: 2 } });
  const plan = planSteps(spec);
  const net = buildNetwork(kernel, spec, 2, plan);
  const sentinel = kernel.arena.f64(256);
  sentinel.view().fill(12345.5);
  const pool = await getPool(3);
  await pool.call(kernel, 3, 'simSteps', (t) => [net.ctx, t, 3, 0, plan.steps]);
  pool.release(kernel);
  assert.ok(sentinel.view().every((v) => v === 12345.5), 'a thread wrote past the network');
  net.release();
});
