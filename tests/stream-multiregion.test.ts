// Streaming multiregion specs (issue 7, item 1; src/sim/stream-multiregion.ts): frames carry the currents
// S^{ab}, the instantaneous currents p^{ab} (kappa) and per-region statistics, with the bits simulate()
// records after the same steps; parameter changes rescale what is built; backpressure, pause, abort and
// errors as for single-population streams (tests/stream.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, registerPhi, simulate, stream, type Frame } from '../src/index.js';

const P = 2;
const N = 100; // not a multiple of 8: the kernel pads rows to 104, so `state` is gathered from them
const SPEC = (model: object = {}, simulation: object = {}) => ({
  dmftlab: 1,
  seed: 5,
  model: {
    kind: 'multiregion',
    P,
    N,
    g: [1, 0.8],
    phi: 'erf',
    interactions: { kind: 'symmetric', c: [[0, 2.5], [2.5, 0]] },
    start: { S: [[0, 0.5], [0.5, 0]], sigma0: 1 },
    // region 0 receives an input along v^0 that switches on at t = 1 and off at t = 2.5
    input: { V: [[0, 0], [0.1, 0]], schedule: [{ t: 0, I: [0, 0] }, { t: 1, I: [2, 0] }, { t: 2.5, I: [0, 0] }] },
    ...model,
  },
  simulation: { method: 'heun', dt: 0.05, tBurn: 0, tMeasure: 3, sampleEvery: 0.25, ...simulation },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const take = async (s: AsyncIterator<Frame>, n: number) => {
  const out: Frame[] = [];
  for (let k = 0; k < n; k++) out.push((await s.next()).value as Frame);
  return out;
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

for (const threads of [1, 2]) {
  test(`frames hold the currents S and p, per-region statistics and the state, with simulate()'s bits after the same steps (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
    const spec = SPEC({ crossDisorder: [[1, 0.4], [0, 0.8]] }, { traceUnits: [0, 37, 99] });
    const run = (await simulate(spec, { threads: 1 })).result;
    assert.ok('model' in run && run.model === 'multiregion');
    const net = run.networks[0];
    assert.equal(net.time.length, 12); // samples at steps 0, 5, ..., 55
    // every = 5 steps = sampleEvery: frame f is taken after 5 (f + 1) steps, where simulate took sample f + 1
    const frames = await take(stream(spec, { every: 5, units: 8, maxFrames: 11, threads, copy: true }), 11);
    frames.forEach((f, k) => {
      const s = k + 1;
      assert.equal(f.step, 5 * s);
      assert.ok(Math.abs(f.t - net.time[s]) < 1e-12);
      assert.equal(f.state.length, P * N);
      assert.deepEqual(Array.from(f.units), [0, 25, 50, 75, 100, 125, 150, 175]);
      assert.equal(f.x[5], f.state[125]);
      assert.equal(f.currents!.length, P * P);
      assert.equal(f.kappa.length, P * P);
      assert.ok([...f.currents!, ...f.kappa, f.mean, f.variance, ...f.regions!.mean, ...f.regions!.variance].every(Number.isFinite));
      // the same kernel trajectory: currents and traced units to the bit
      for (let ab = 0; ab < P * P; ab++) {
        assert.equal(f.currents![ab], net.S[ab][s], `S[${ab}] at sample ${s}`);
        assert.equal(f.kappa[ab], net.p[ab][s], `p[${ab}] at sample ${s}`); // same phi, same block-ordered sums
      }
      for (const tr of net.traces) assert.equal(f.state[tr.region * N + tr.index], tr.x[s], `x of unit ${tr.index} in region ${tr.region}`);
      // region statistics: summed in JS in unit order, by the kernel per 256-unit block (rounding only)
      for (let a = 0; a < P; a++) {
        assert.ok(Math.abs(f.regions!.mean[a] - net.mean[a][s]) < 1e-12, `mean of region ${a}`);
        assert.ok(Math.abs(f.regions!.variance[a] - net.variance[a][s]) < 1e-12, `variance of region ${a}`);
      }
      // whole-network statistics: the regions pooled
      const m = (f.regions!.mean[0] + f.regions!.mean[1]) / 2;
      assert.ok(Math.abs(f.mean - m) < 1e-12);
      assert.ok(Math.abs(f.variance - ((f.regions!.variance[0] + f.regions!.mean[0] ** 2 + f.regions!.variance[1] + f.regions!.mean[1] ** 2) / 2 - m * m)) < 1e-12);
    });
    // the input switched on at t = 1 moves the currents: S differs from a run without it
    assert.notDeepEqual(frames[10].currents, (await take(stream(SPEC({ crossDisorder: [[1, 0.4], [0, 0.8]], input: null }), { every: 55 }), 1))[0].currents);
  });
}

test('a phi registered in JS (calling thread, p from the same JS phi): the bits of simulate() too', async () => {
  const none = () => 0; // only f and df matter to a simulation
  registerPhi({ name: 'mrStreamSoftsign', f: (x) => x / (1 + Math.abs(x)), df: (x) => 1 / (1 + Math.abs(x)) ** 2, d2f: none, d3f: none, F: none });
  const spec = SPEC({ phi: 'mrStreamSoftsign', input: null }, { method: 'rk4' });
  const net = (await simulate(spec)).result.networks[0] as { S: number[][]; p: number[][] };
  const frames = await take(stream(spec, { every: 5, threads: 2, maxFrames: 3 }), 3);
  frames.forEach((f, k) => {
    assert.deepEqual(f.currents, net.S.map((row) => row[k + 1]));
    assert.deepEqual(f.kappa, net.p.map((row) => row[k + 1]));
  });
});

test('running averages of the currents and region statistics over the frames; the state view is refilled each frame', async () => {
  const s = stream(SPEC(), { every: 4 });
  const frames = await take(s, 5);
  const last = frames[4];
  assert.equal(last.running.frames, 5);
  const avg = (pick: (f: Frame) => number) => frames.reduce((a, f) => a + pick(f), 0) / 5;
  for (let ab = 0; ab < P * P; ab++) {
    assert.ok(Math.abs(last.running.currents![ab] - avg((f) => f.currents![ab])) < 1e-12);
    assert.ok(Math.abs(last.running.kappa[ab] - avg((f) => f.kappa[ab])) < 1e-12);
  }
  for (let a = 0; a < P; a++) assert.ok(Math.abs(last.running.regions!.variance[a] - avg((f) => f.regions!.variance[a])) < 1e-12);
  assert.ok(Math.abs(last.running.mean - avg((f) => f.mean)) < 1e-12);
  // without copy, state is valid until the next frame: frame 0's array shows frame 4's values now
  assert.deepEqual(Array.from(frames[0].state.subarray(0, 5)), Array.from(last.state.subarray(0, 5)));
  await s.close();
});

test('set({ g }) multiplies every g_a and g_ab without redrawing: the same as a network built with the scaled values', async (t) => {
  // independent matrices with cross-region disorder, and the shared matrix (GS = g_a x multiplier)
  for (const [model, scaled] of [
    [{ crossDisorder: [[1, 0.4], [0, 0.8]] }, { g: [1.5, 1.2], crossDisorder: [[1.5, 0.6], [0, 1.2]] }],
    [{ coupling: 'shared', input: null }, { g: [1.5, 1.2], coupling: 'shared', input: null }],
  ]) {
    const a = stream(SPEC(model), { every: 20, copy: true });
    a.set({ g: 1.5 });
    assert.equal(a.params.g, 1.5);
    const b = stream(SPEC(scaled), { every: 20, copy: true });
    const [fa] = await take(a, 1);
    const [fb] = await take(b, 1);
    // 1.5 (g_a chi / sqrt N) against (1.5 g_a) chi / sqrt N: rounding only over 20 Heun steps (observed ~1e-15)
    const d = maxDiff(fa.state, fb.state);
    t.diagnostic(`${JSON.stringify(model)}: max |x difference| ${d.toExponential(1)}`);
    assert.ok(d < 1e-12, `${JSON.stringify(model)}: max |x difference| ${d}`);
    assert.ok(maxDiff(fa.currents!, fb.currents!) < 1e-12);
    assert.deepEqual(fa.params, { g: 1.5, inputScale: 1, structureScale: 1 });
    await a.close();
    await b.close();
  }
});

test('set({ inputScale }) scales the input schedule (bitwise a spec with the scaled input); g = 0 and structureScale = 0 let x and the currents decay', async () => {
  const doubled = SPEC({ input: { V: [[0, 0], [0.1, 0]], schedule: [{ t: 0, I: [0, 0] }, { t: 1, I: [4, 0] }, { t: 2.5, I: [0, 0] }] } });
  const a = stream(SPEC(), { every: 30, copy: true });
  const b = stream(doubled, { every: 30, copy: true });
  a.set({ inputScale: 2 }); // 2 x 2 = 4 exactly: the same operations as the doubled spec
  for (let k = 0; k < 2; k++) {
    const [fa] = await take(a, 1);
    const [fb] = await take(b, 1);
    assert.deepEqual(Array.from(fa.state), Array.from(fb.state));
    assert.deepEqual(fa.currents, fb.currents);
  }
  await b.close();
  // no random input, no structure, and (after t = 2.5) no input: dx/dt = -x, so x and S fall like e^-t
  a.set({ g: 0, structureScale: 0 });
  const [f] = (await take(a, 7)).slice(-1); // t = 13.5, ~11 time units later
  assert.equal(f.running.frames, 7); // running averages restart at a change
  assert.deepEqual(f.params, { g: 0, inputScale: 2, structureScale: 0 });
  assert.ok(f.variance < 1e-6 && Math.abs(f.mean) < 1e-3, `variance ${f.variance}, mean ${f.mean}`);
  assert.ok(f.currents!.every((c) => Math.abs(c) < 1e-3), `currents ${f.currents}`);
  await a.close();
});

test('backpressure: steps advance only when a frame is asked for; pause holds next() until resume', async () => {
  const s = stream(SPEC(), { every: 3, threads: 2 });
  await s.next();
  assert.equal(s.steps, 3);
  await sleep(100); // a slow consumer: nothing runs ahead
  assert.equal(s.steps, 3);
  s.pause();
  const p = s.next();
  assert.equal(await Promise.race([p.then(() => 'a frame'), sleep(100).then(() => 'waiting')]), 'waiting');
  assert.equal(s.steps, 3);
  s.resume();
  assert.equal((await p).value!.step, 6);
  assert.equal(s.steps, 6);
  await s.close();
  assert.equal((await s.next()).done, true);
});

test('abort: a signal ends the stream with an AbortError; break frees it', async () => {
  const ac = new AbortController();
  const s = stream(SPEC(), { every: 2, signal: ac.signal });
  await s.next();
  ac.abort();
  await assert.rejects(s.next(), (e: Error) => e.name === 'AbortError');
  assert.equal((await s.next()).done, true);
  const t = stream(SPEC(), { every: 2 });
  let n = 0;
  for await (const f of t) if (++n === 3 || f.index > 3) break;
  assert.equal(n, 3);
  assert.equal((await t.next()).done, true);
});

test('bad input: errors name the option or parameter, the value and why', async () => {
  assert.throws(() => stream(SPEC(), { units: 201 }), /units: got 201; must be an integer from 0 to P N = 200/);
  const s = stream(SPEC());
  assert.throws(() => s.set({ g: -1 }), /g: got -1; must be a finite number >= 0/);
  assert.throws(() => s.set({ kappa: 1 } as never), /unknown parameter "kappa"; valid: g, inputScale, structureScale/);
  await s.close();
  const quiet = stream(SPEC({ g: 0, input: null }));
  assert.throws(() => quiet.set({ g: 1 }), /stream\.set: g: got 1; this multiregion network has no random connectivity to scale/);
  assert.throws(() => quiet.set({ inputScale: 1 }), /stream\.set: inputScale: got 1; this multiregion model has no input to scale \(model\.input is null\)/);
  quiet.set({ structureScale: 0.5 }); // every multiregion model has the blocks m n^T / N
  await quiet.close();
  // the js variant has no multiregion kernel: the first next() says so
  const r = await init({ variant: 'js' });
  try {
    assert.equal(r.variant, 'js');
    await assert.rejects(stream(SPEC()).next(), /model kind multiregion needs the Wasm kernel/);
  } finally {
    await init();
  }
});
