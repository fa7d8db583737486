// Browser only, on the page served WITH COOP/COEP (scripts/test-browser.mjs): checks that the runner's
// page really is cross-origin isolated, so the portable suites run where threads are possible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../src/index.js';

test('the page is cross-origin isolated (COOP same-origin, COEP require-corp)', () => {
  assert.equal(globalThis.crossOriginIsolated, true);
  assert.equal(typeof SharedArrayBuffer, 'function');
});

test('init() picks the threaded variant on an isolated page', async () => {
  const report = await init();
  assert.equal(report.variant, 'wasm-simd-threads', report.reason);
});
