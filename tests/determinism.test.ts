// Determinism across thread counts and runtimes: the SHA-256 of the trajectory buffer (every unit's
// x at every sample, then the population mean and variance series) is the same for 1, 2 and 3 threads,
// and equal to the hash committed in tests/fixtures/determinism.json, which was computed on Node. The
// same file runs under Node, Deno and Chromium (scripts/test.mjs), so all three runtimes must produce
// those bytes.
//
// If a change to the kernel changes the numbers on purpose, the failure message prints the new hashes:
// check that every runtime agrees on them, then update the fixture and say why in the commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec } from '../src/spec/validate.js';
import { simulateSpec } from '../src/sim/simulate.js';
import { init } from '../src/core/runtime.js';
import golden from './fixtures/determinism.json';

const N = 600; // three 256-unit blocks, so 1, 2 and 3 threads split the rows differently
const all = Array.from({ length: N }, (_, i) => i);
const cases: Record<string, object> = {
  'dense random': { kind: 'random', N, g: 2, phi: 'tanh' },
  // batched trials (simulation.trials, matmulTrialsF32): all three trials' trajectories are hashed
  'dense random, 3 batched trials, f32': { kind: 'random', N, g: 2, phi: 'tanh' },
  'low rank with input, f32 dense part': {
    kind: 'lowrank',
    N,
    g: 0.8,
    phi: 'erf',
    rank: 2,
    means: { m: [1, 0], n: [2.2, 0], I: 0.2 },
    cov: { mm: [[1, 0], [0, 1]], nn: [[1, 0], [0, 1]], nm: [[0, 0], [0, 0.9]], II: 0.3 },
  },
};

async function sha256(values: number[]): Promise<string> {
  const h = await crypto.subtle.digest('SHA-256', new Uint8Array(new Float64Array(values).buffer));
  return Array.from(new Uint8Array(h), (b) => b.toString(16).padStart(2, '0')).join('');
}

for (const [name, model] of Object.entries(cases)) {
  test(`trajectory SHA-256 is the same for 1, 2 and 3 threads and equals the committed one: ${name}`, async (t) => {
    const report = await init();
    const spec = parseSpec({
      dmftlab: 1,
      seed: 11,
      model,
      simulation: {
        method: 'heun', dt: 0.1, precision: name.includes('f32') ? 'f32' : 'f64', tBurn: 2, tMeasure: 4, sampleEvery: 0.2, blocks: 2, traceUnits: all,
        ...(name.includes('trials') ? { trials: 3 } : {}),
      },
    });
    const threads = report.variant === 'wasm-simd-threads' ? [1, 2, 3] : [1];
    if (threads.length === 1) t.diagnostic(`only 1 thread here: ${report.reason}`);
    const hashes: string[] = [];
    for (const n of threads) {
      const r = await simulateSpec(spec, { threads: n });
      assert.equal(r.diagnostics.threads, n);
      const values: number[] = [];
      for (const net of r.networks) {
        for (let s = 0; s < net.time.length; s++) for (const tr of net.traces) values.push(tr.x[s]);
        values.push(...net.mean, ...net.variance);
      }
      hashes.push(await sha256(values));
    }
    for (const h of hashes) assert.equal(h, hashes[0], `thread counts disagree: ${hashes.join(', ')}`);
    if (report.variant !== 'js') {
      const want = (golden as Record<string, string>)[name];
      assert.equal(hashes[0], want, `${report.runtime} gives ${hashes[0]}, the fixture (Node) says ${want}`);
    }
  });
}
