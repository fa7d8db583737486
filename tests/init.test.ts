// init(): feature probing, variant choice with reasons, options, idempotence and retry; the three
// variants run the same spec (the Wasm ones bitwise identically, the js one within rounding).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, probeFeatures, VARIANTS } from '../src/core/runtime.js';
import { parseSpec } from '../src/spec/validate.js';
import { simulateSpec } from '../src/sim/simulate.js';
import { compileKernel } from '../src/core/wasm.js';
import wasmBytes from '../build/dmftlab.wasm';

const isBrowser = !(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node && !(globalThis as { Deno?: unknown }).Deno;

test('the probe finds WebAssembly, SIMD and shared memory here, and the report says what it chose', async () => {
  const f = probeFeatures();
  assert.equal(f.webAssembly, true);
  assert.equal(f.simd, true);
  assert.equal(f.sharedMemory, true);
  assert.equal(f.workers, true);
  const r = await init();
  assert.ok(VARIANTS.includes(r.variant));
  assert.ok(r.cores >= 1);
  if (r.variant === 'wasm-simd-threads') {
    assert.equal(r.threads, r.cores, 'threads default to the number of cores');
    assert.equal(r.reason, '');
  } else {
    // only a browser page without COOP/COEP may fall back here, and it must say why
    assert.ok(isBrowser, `fell back to ${r.variant} outside a browser: ${r.reason}`);
    assert.match(r.reason, /cross-origin isolated.*COOP\/COEP/);
  }
  assert.deepEqual(await init(), r, 'idempotent: the same options give the same report');
});

test('options: an explicit thread count and variant; bad values name the option and the valid range', async () => {
  const base = await init();
  if (base.variant === 'wasm-simd-threads') {
    const r = await init({ threads: 3 });
    assert.equal(r.threads, 3);
    assert.equal(r.variant, 'wasm-simd-threads');
  }
  const one = await init({ variant: 'wasm-simd', threads: 2 });
  assert.equal(one.variant, 'wasm-simd');
  assert.equal(one.threads, 1);
  assert.match(one.reason, /variant wasm-simd was requested/);
  assert.match(one.reason, /threads: 2 requested, but variant wasm-simd runs on one thread/);
  await assert.rejects(init({ threads: 0 }), /init: threads: got 0; must be an integer from 1 to 256/);
  await assert.rejects(init({ threads: 1.5 }), /init: threads: got 1.5/);
  await assert.rejects(init({ variant: 'gpu' as never }), /init: variant: got "gpu"; must be one of auto, wasm-simd-threads, wasm-simd, js/);
  await init();
});

test('the caller can inject the kernel as bytes or as a compiled Module; a bad source fails and init can be retried', async () => {
  const bytes = new Uint8Array(wasmBytes as unknown as ArrayBuffer);
  assert.equal((await init({ wasm: bytes })).variant === 'js', false);
  const module = await WebAssembly.compile(bytes);
  const r = await init({ wasm: module });
  assert.notEqual(r.variant, 'js');
  assert.equal(await compileKernel(), module, 'the injected Module is the one used');
  // a module that is not dmftlab's kernel: init falls back to js and says why, unless a Wasm variant is forced
  const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
  const bad = await init({ wasm: empty });
  assert.equal(bad.variant, 'js');
  assert.match(bad.reason, /the Wasm kernel could not be loaded \(this module is not the dmftlab kernel \(no export simSteps/);
  await assert.rejects(init({ wasm: empty, variant: 'wasm-simd' }), /variant wasm-simd is not available here: the Wasm kernel could not be loaded/);
  const again = await init();
  assert.notEqual(again.variant, 'js', 'a later init with the inlined kernel works again');
});

test('the caller can inject the kernel by URL or path (Node: read from disk; file: URL or plain path)', { skip: isBrowser ? 'a browser page serves no build/ directory; the bytes and Module forms are tested above' : false }, async () => {
  const url = new URL('../build/dmftlab.wasm', `file://${(globalThis as { process?: { cwd(): string } }).process!.cwd()}/tests/`);
  const a = await init({ wasm: url });
  assert.notEqual(a.variant, 'js', a.reason);
  const b = await init({ wasm: 'build/dmftlab.wasm' });
  assert.notEqual(b.variant, 'js', b.reason);
  const missing = await init({ wasm: 'build/no-such-kernel.wasm' });
  assert.equal(missing.variant, 'js');
  assert.match(missing.reason, /the Wasm kernel could not be loaded/);
  await init();
});

test('the same spec on wasm-simd-threads, wasm-simd and js: Wasm bitwise identical, js within rounding', async () => {
  const spec = parseSpec({
    dmftlab: 1,
    seed: 7,
    model: { kind: 'lowrank', N: 600, g: 1.5, phi: 'tanh', rank: 1, means: { m: 1, n: 1.8 }, cov: { mm: 1, nn: 1 } },
    simulation: { method: 'heun', tBurn: 1, tMeasure: 2, sampleEvery: 0.2, blocks: 2, traceUnits: [0, 300] },
  });
  const runs: Record<string, number[]> = {};
  for (const variant of ['wasm-simd-threads', 'wasm-simd', 'js'] as const) {
    const r = await init({ variant: variant === 'wasm-simd-threads' ? 'auto' : variant, threads: 2 });
    if (r.variant !== variant) continue; // e.g. a page without COOP/COEP has no threads
    const sim = await simulateSpec(spec);
    assert.equal(sim.diagnostics.variant, variant);
    const n = sim.networks[0];
    runs[variant] = [...n.mean, ...n.variance, ...n.kappa.flat(), ...n.traces.flatMap((t) => t.x)];
  }
  await init();
  if (runs['wasm-simd-threads']) assert.deepEqual(runs['wasm-simd-threads'], runs['wasm-simd']);
  let worst = 0;
  for (let k = 0; k < runs.js.length; k++) worst = Math.max(worst, Math.abs(runs.js[k] - runs['wasm-simd'][k]) / Math.max(1, Math.abs(runs['wasm-simd'][k])));
  assert.ok(runs.js && runs['wasm-simd']);
  // the variants differ by summation order in J phi and by tanh's last bit: ~1e-16 per step, 30 steps,
  // grown at most e^(lambda t) < 20 over 3 time units at g = 1.5: ~1e-13; the bound leaves 1000x margin
  assert.ok(worst < 1e-10, `js differs from wasm-simd by ${worst.toExponential(2)}`); // observed 2.2e-16
});

test('the js variant refuses simulation.dimension with the reason (the covariance sums live in the Wasm kernel)', async () => {
  const spec = parseSpec({ dmftlab: 1, seed: 1, model: { kind: 'random', N: 50, g: 2, phi: 'tanh' }, simulation: { tBurn: 1, tMeasure: 10, blocks: 4, dimension: 'x' } });
  const r = await init({ variant: 'js' });
  assert.equal(r.variant, 'js');
  try {
    await assert.rejects(simulateSpec(spec), /simulation\.dimension: the covariance is accumulated by the Wasm kernel; the js variant has none/);
  } finally {
    await init();
  }
});
