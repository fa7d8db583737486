// Browser only, on a page served WITHOUT COOP/COEP (scripts/test-browser.mjs): no cross-origin
// isolation, so no SharedArrayBuffer for workers. The library must fall back, say why, and still work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, simulate } from '../../src/index.js';

test('the page is not cross-origin isolated (the runner served it without COOP/COEP)', () => {
  assert.equal(globalThis.crossOriginIsolated, false);
  assert.equal(typeof SharedArrayBuffer, 'undefined');
});

test('init() falls back from the threaded variant and reports why', async () => {
  const report = await init();
  assert.notEqual(report.variant, 'wasm-simd-threads');
  assert.match(report.reason, /cross-origin isolated/);
  assert.match(report.reason, /COOP\/COEP/);
});

test('a small simulation still runs, on one thread', async () => {
  const out = await simulate({ dmftlab: 1, seed: 3, model: { kind: 'random', N: 50, g: 1.5, phi: 'tanh' } });
  assert.equal(out.provenance.threads, 1);
  assert.equal(out.provenance.runtime, 'browser');
  assert.equal(out.result.N, 50);
  assert.ok(out.result.networks.length >= 1);
  const v = out.result.summary.variance.mean;
  assert.ok(Number.isFinite(v) && v > 0, `population variance ${v}`);
});
