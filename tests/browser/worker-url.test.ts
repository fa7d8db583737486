// Browser only, on the cross-origin isolated page: the thread pool can load its worker from an explicit
// URL (init({ workerUrl })) instead of the inlined blob: source, for pages whose Content-Security-Policy
// forbids blob: workers. The runner serves the worker script (build/kernel-worker.txt) as
// /kernel-worker.js. The numbers must be the same bits as with the inlined worker, and a URL that does not
// load must fail the call with a message, not hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, simulate, dispose } from '../../src/index.js';

const spec = { dmftlab: 1, seed: 5, model: { kind: 'random', N: 600, g: 2, phi: 'tanh' }, simulation: { tBurn: 2, tMeasure: 4, blocks: 2, traceUnits: [0, 300, 599] } };
const bits = (o: Awaited<ReturnType<typeof simulate>>) => {
  const r = o.result as { networks: { traces: { x: number[] }[]; variance: number[] }[] };
  return JSON.stringify([r.networks[0].traces.map((t) => t.x), r.networks[0].variance]);
};

test('init({ workerUrl }) runs the pool from a served worker file, with the same bits as the inlined worker', async () => {
  await init({ threads: 2 });
  const inlined = await simulate(spec);
  assert.equal(inlined.provenance.threads, 2);
  const report = await init({ threads: 2, workerUrl: new URL('/kernel-worker.js', location.href) });
  assert.equal(report.variant, 'wasm-simd-threads', report.reason);
  const served = await simulate(spec);
  assert.equal(served.provenance.threads, 2);
  assert.equal(bits(served), bits(inlined));
  await dispose();
});

test('a worker URL that does not load makes the call reject with a message', async () => {
  await init({ threads: 2, workerUrl: new URL('/no-such-worker.js', location.href) });
  await assert.rejects(simulate(spec), /dmftlab: worker \d threw/);
  await init({ threads: 2 }); // back to the inlined worker: works again
  const again = await simulate(spec);
  assert.equal(again.provenance.threads, 2);
});
