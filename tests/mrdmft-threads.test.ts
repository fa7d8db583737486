// The two-time DMFT of spec 02 §3 on pool threads (solveMultiregionDmftAsync, assembly/mrdmft.ts
// mrdmftStepsPar): regions are split among threads and every region's row pass runs the same operations in
// the same order, so every thread count gives the synchronous solver's numbers bit for bit. Also: progress,
// cancellation, invalid thread counts, failures, concurrent solves, and the paths that stay on one thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from '../src/core/runtime.js';
import { getKernel } from '../src/core/wasm.js';
import { identityU, multiregionParams, type MultiregionParams } from '../src/theory/multiregion/types.js';
import { solveMultiregionDmft, type MultiregionDmftOptions, type MultiregionDmftResult } from '../src/theory/multiregion/dmft.js';
import { solveMultiregionDmftAsync } from '../src/theory/multiregion/dmft-async.js';

/** Every reported number of a solve, in one array (S, H, psi, D per step, slices, stored rows). */
function numbers(r: MultiregionDmftResult): Float64Array {
  const parts: ArrayLike<number>[] = [...r.S, ...r.H, ...r.psi, ...r.D];
  for (const s of r.slices) parts.push(...s.delta, ...s.normalized);
  if (r.triangle) parts.push(...r.triangle.data);
  const n = parts.reduce((m, p) => m + p.length, 0);
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Index of the first number whose bits differ, or -1. */
function firstBitDifference(x: MultiregionDmftResult, y: MultiregionDmftResult): number {
  const a = new BigUint64Array(numbers(x).buffer);
  const b = new BigUint64Array(numbers(y).buffer);
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const T2 = [0.9, 3.3, -1.8, 2.7, 4.2, -4.8, 1.5, 0.6];

function p3(): MultiregionParams {
  const P = 3;
  const U = identityU(P);
  for (let a = 0; a < P; a++) {
    U[(a * P + 0) * P + 1] = U[(a * P + 1) * P + 0] = 0.2 + 0.1 * a;
  }
  const g = [1.3, 0.6, 1.8];
  const G2 = new Float64Array(P * P);
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) G2[a * P + b] = a === b ? g[a] ** 2 : 0.3 + 0.2 * a - 0.1 * b;
  const T = Array.from({ length: 27 }, (_, i) => 1.4 * Math.sin(1.7 * i + 0.3));
  return multiregionParams(P, T, g, { U, G2, V: Float64Array.from([0.2, -0.1, 0, 0.3, 0.1, -0.2, 0, 0.1, 0.25]), v2: Float64Array.from([1, 0.7, 1.3]) });
}

const cases: { name: string; params: () => MultiregionParams; opts: MultiregionDmftOptions }[] = [
  {
    name: 'P = 2 (one pass per region), no window, slices and rows',
    params: () => multiregionParams(2, T2, [1.5, 1.5]),
    opts: { dt: 0.05, Nt: 700, Sinit: [0.5, 0.3, -0.4, 0.8], sigma0: [1, 1], refSteps: [0, 350], triangle: true },
  },
  {
    name: 'P = 2, g = [1.5, 0] (a region without disorder), window 6',
    params: () => multiregionParams(2, T2, [1.5, 0]),
    opts: { dt: 0.05, Nt: 500, window: 6, Sinit: [0.5, 0.3, -0.4, 0.8], sigma0: [1, 0.5], refSteps: [100], triangle: true },
  },
  {
    name: 'P = 3, cross-region disorder (two barriers per step), U, input, window 4 with its check',
    params: p3,
    opts: {
      dt: 0.05,
      Nt: 400,
      window: 4,
      checkWindow: true,
      Sinit: [0.4, -0.2, 0.1, 0.3, 0.6, -0.5, 0.2, 0.1, -0.3],
      sigma0: [0.5, 1, 0.2],
      input: { times: [0, 3, 9.05], values: [[1, 0, -0.5], [0, 2, 0], [0.25, 0.25, 0.25]] },
      refSteps: [10, 200],
      triangle: true,
    },
  },
];

for (const c of cases) {
  test(`1, 2 and 3 threads give the synchronous solver's numbers bit for bit: ${c.name}`, async () => {
    await getKernel();
    const session = await setup();
    const params = c.params();
    const sync = solveMultiregionDmft(params, { ...c.opts, engine: 'wasm' });
    assert.equal(sync.diagnostics.settings.threads, 1);
    for (const threads of [1, 2, 3]) {
      const r = await solveMultiregionDmftAsync(params, { ...c.opts, threads });
      const used = session.variant === 'wasm-simd-threads' ? Math.min(threads, params.P) : 1;
      assert.equal(r.diagnostics.settings.threads, used, `threads ${threads}`);
      assert.equal(r.diagnostics.engine, 'wasm-simd');
      assert.equal(firstBitDifference(r, sync), -1, `threads ${threads}: differs from the synchronous solve`);
      assert.deepEqual(r.diagnostics.windowCheck, sync.diagnostics.windowCheck);
      assert.equal(r.diagnostics.converged, sync.diagnostics.converged);
      if (threads > used) assert.ok(r.diagnostics.notes.some((n) => n.startsWith(`threads: ${threads} requested`)), r.diagnostics.notes.join(' | '));
    }
  });
}

test('progress rises to 1; an abort stops the run between chunks with an AbortError', async () => {
  const params = multiregionParams(2, T2, [1.5, 1.5]);
  const opts: MultiregionDmftOptions = { dt: 0.05, Nt: 1500, Sinit: [0.5, 0.3, -0.4, 0.8], sigma0: [1, 1] };
  for (const threads of [1, 2]) {
    const seen: number[] = [];
    await solveMultiregionDmftAsync(params, { ...opts, threads, onProgress: (f) => seen.push(f) });
    // observed: 7 reports (chunks of 32, 64, ... steps, then at most 4e6 row entries each)
    assert.ok(seen.length >= 3, `${seen.length} progress reports`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1] && seen[i] <= 1);
    assert.equal(seen[seen.length - 1], 1);

    const ac = new AbortController();
    await assert.rejects(
      solveMultiregionDmftAsync(params, { ...opts, threads, signal: ac.signal, onProgress: () => ac.abort() }),
      (e: Error) => e.name === 'AbortError' && /DMFT run was aborted/.test(e.message),
    );
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(solveMultiregionDmftAsync(params, { ...opts, threads, signal: pre.signal }), { name: 'AbortError' });
  }
  // the kernel is free again after the aborts
  const after = await solveMultiregionDmftAsync(params, { ...opts, threads: 2 });
  assert.equal(firstBitDifference(after, solveMultiregionDmft(params, opts)), -1);
});

test('invalid thread counts are refused naming the field; a blow-up names its step as the synchronous solver does', async () => {
  const params = multiregionParams(2, T2, [1.5, 1.5]);
  const opts: MultiregionDmftOptions = { dt: 0.05, Nt: 200, Sinit: [0.5, 0.3, -0.4, 0.8], sigma0: [1, 1] };
  for (const threads of [0, 1.5, 257, Number.NaN]) {
    await assert.rejects(solveMultiregionDmftAsync(params, { ...opts, threads }), /opts\.threads = .* is invalid: need an integer from 1 to 256/);
  }
  await assert.rejects(solveMultiregionDmftAsync(params, { ...opts, dt: 0.2, threads: 2 }), /opts\.dt = 0\.2/);
  const big = { ...params, T: new Float64Array(8).fill(1e154) };
  const o = { ...opts, sigma0: [0, 0] };
  const syncError = (() => {
    try {
      solveMultiregionDmft(big, o);
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  })();
  assert.match(syncError, /non-finite value at step \d+/);
  for (const threads of [1, 2]) await assert.rejects(solveMultiregionDmftAsync(big, { ...o, threads }), { message: syncError });
});

test('concurrent solves queue for the kernel and each gets its own numbers', async () => {
  const a = { params: multiregionParams(2, T2, [1.5, 1.5]), opts: { dt: 0.05, Nt: 600, Sinit: [0.5, 0.3, -0.4, 0.8], sigma0: [1, 1], refSteps: [300] } };
  const b = { params: multiregionParams(2, T2, [1.2, 0.8]), opts: { dt: 0.05, Nt: 500, Sinit: [-0.2, 0.6, 0.1, 0.4], sigma0: [0.5, 1], triangle: true } };
  const [ra, rb, ra2] = await Promise.all([
    solveMultiregionDmftAsync(a.params, { ...a.opts, threads: 2 }),
    solveMultiregionDmftAsync(b.params, { ...b.opts, threads: 1 }),
    solveMultiregionDmftAsync(a.params, { ...a.opts, threads: 2 }),
  ]);
  assert.equal(firstBitDifference(ra, solveMultiregionDmft(a.params, a.opts)), -1);
  assert.equal(firstBitDifference(rb, solveMultiregionDmft(b.params, b.opts)), -1);
  assert.equal(firstBitDifference(ra2, ra), -1);
});

test('phi other than erf and engine reference run the TypeScript reference on the calling thread, with a note', async () => {
  const params = multiregionParams(2, T2, [1.5, 1.5]);
  const opts: MultiregionDmftOptions = { dt: 0.05, Nt: 120, Sinit: [0.5, 0.3, -0.4, 0.8], sigma0: [1, 1] };
  for (const extra of [{ engine: 'reference' as const }, { phi: 'tanh' }]) {
    const r = await solveMultiregionDmftAsync(params, { ...opts, ...extra, threads: 2 });
    assert.equal(r.diagnostics.engine, 'js-reference');
    assert.equal(r.diagnostics.settings.threads, 1);
    assert.ok(r.diagnostics.notes.some((n) => /threads: 2 requested; the TypeScript reference runs on one thread/.test(n)), r.diagnostics.notes.join(' | '));
    assert.equal(firstBitDifference(r, solveMultiregionDmft(params, { ...opts, ...extra })), -1);
  }
});

test('a region without disorder (g_a = 0): the kernel equals the TypeScript reference', async () => {
  await getKernel();
  const c = cases[1];
  const w = solveMultiregionDmft(c.params(), { ...c.opts, engine: 'wasm' });
  const r = solveMultiregionDmft(c.params(), { ...c.opts, engine: 'reference' });
  const x = numbers(w);
  const y = numbers(r);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i])));
  // observed: 4.4e-16 (the arcsines differ by <= 2 ulp; the g_a = 0 term adds +-0 in the kernel and nothing in the reference)
  assert.ok(d <= 1e-13, `max relative difference ${d}`);
});

test('solve(spec, { threads }) runs the multiregion DMFT on threads: the same theory, provenance.threads says how many', async () => {
  const { solve } = await import('../src/index.js');
  const session = await setup();
  const spec = {
    dmftlab: 1,
    name: 'symmetric P = 2, a = 1.5, b = 2, g = 1.75',
    seed: 11,
    model: {
      kind: 'multiregion',
      P: 2,
      N: 500,
      g: 1.75,
      phi: 'erf',
      interactions: { kind: 'ab', a: [1.5, 1.5], b: [2, 2], signs: [1, 1] },
      start: { S: [[0, 0.5], [0.5, 0]], sigma0: 1 },
    },
    theory: { dmft: { duration: 60, window: 20 } },
  };
  const one = await solve(spec, { threads: 1 });
  const seen: number[] = [];
  const two = await solve(spec, { threads: 2, onProgress: (f) => seen.push(f) });
  const want = session.variant === 'wasm-simd-threads' ? 2 : 1;
  assert.equal(one.provenance.threads, 1);
  assert.equal(two.provenance.threads, want);
  assert.equal(seen[seen.length - 1], 1);
  const strip = (r: typeof one.result) => JSON.stringify(r, (k, v) => (k === 'seconds' || k === 'threads' ? undefined : v));
  assert.equal(strip(two.result), strip(one.result));
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(solve(spec, { threads: 2, signal: ac.signal }), { name: 'AbortError' });
});
