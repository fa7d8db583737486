// Streaming (issue 7, first slice): frames every k steps, backpressure, pause/resume, mid-run parameter
// changes without rebuilding J, abort, and input errors (src/sim/stream.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stream } from '../src/index.js';

const RANDOM = (g: number, N = 400) => ({ dmftlab: 1, seed: 3, model: { kind: 'random', N, g, phi: 'tanh' }, simulation: { method: 'rk4', dt: 0.1 } });
const LOWRANK = {
  dmftlab: 1,
  seed: 2,
  model: { kind: 'lowrank', N: 500, g: 0.5, phi: 'tanh', rank: 1, means: { m: 1.1, n: 2, I: 0.3 }, cov: { mm: 1, nn: 1, II: 0.2 } },
  simulation: { method: 'rk4', dt: 0.1 },
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('frames arrive every k steps with the decimated units, the state view and the population statistics', async () => {
  const s = stream(RANDOM(2), { every: 5, units: 10, maxFrames: 4 });
  const frames = [];
  for await (const f of s) {
    frames.push(f);
    if (f.index === 1) {
      // state is a view: frame 0's view shows frame 1's values once frame 1 has been taken
      assert.deepEqual(Array.from(frames[0].state.subarray(0, 3)), Array.from(f.state.subarray(0, 3)));
      // x is a copy of the state's units at that frame
      assert.equal(f.x[1], f.state[40]);
    }
  }
  assert.equal(frames.length, 4);
  assert.deepEqual(frames.map((f) => f.step), [5, 10, 15, 20]);
  assert.ok(Math.abs(frames[3].t - 2) < 1e-12);
  const f = frames[3];
  assert.equal(f.x.length, 10);
  assert.equal(f.units.length, 10);
  assert.equal(f.state.length, 400);
  assert.deepEqual(Array.from(f.units.slice(0, 3)), [0, 40, 80]);
  assert.notEqual(frames[0].x[1], frames[3].x[1]); // x arrays are the frame's own
  let m = 0;
  let v = 0;
  for (const xi of f.state) m += xi;
  m /= 400;
  for (const xi of f.state) v += (xi - m) ** 2;
  assert.ok(Math.abs(f.mean - m) < 1e-12 && Math.abs(f.variance - v / 400) < 1e-12);
  assert.equal(f.running.frames, 4);
  assert.ok(Math.abs(f.running.variance - frames.reduce((a, q) => a + q.variance, 0) / 4) < 1e-12);
  assert.deepEqual(f.kappa, []);
});

test('copy: true gives frames that stay valid', async () => {
  const s = stream(RANDOM(2), { every: 3, copy: true, maxFrames: 2 });
  const a = (await s.next()).value!;
  const keep = Array.from(a.state);
  await s.next();
  assert.deepEqual(Array.from(a.state), keep);
  await s.close();
});

test('backpressure: the simulation advances only when a frame is asked for; pause holds next() until resume', async () => {
  const s = stream(RANDOM(2), { every: 4, threads: 2 });
  await s.next();
  assert.equal(s.steps, 4);
  await sleep(150); // a slow consumer: nothing runs ahead, nothing piles up
  assert.equal(s.steps, 4);
  s.pause();
  assert.equal(s.paused, true);
  let arrived = false;
  const p = s.next().then((r) => {
    arrived = true;
    return r;
  });
  await sleep(150);
  assert.equal(arrived, false, 'a paused stream delivered a frame');
  assert.equal(s.steps, 4);
  s.resume();
  const r = await p;
  assert.equal(r.value!.step, 8);
  await s.close();
  assert.equal((await s.next()).done, true);
});

test('g changes mid-run without rebuilding J: the same as a network built with that g; the phase follows', async () => {
  // set before the first frame: g = 1 scaled to 2 against a network drawn with g = 2 (same chi, same x0)
  const a = stream(RANDOM(1), { every: 10, copy: true });
  a.set({ g: 2 });
  const b = stream(RANDOM(2), { every: 10, copy: true });
  const fa = (await a.next()).value!;
  const fb = (await b.next()).value!;
  let d = 0;
  for (let i = 0; i < 400; i++) d = Math.max(d, Math.abs(fa.state[i] - fb.state[i]));
  // (2 (chi/sqrt N)) t against ((2 chi)/sqrt N) t: rounding only, over 10 RK4 steps; observed ~1e-15
  assert.ok(d < 1e-12, `max |difference| ${d}`);
  assert.equal(fa.params.g, 2);
  await a.close();
  await b.close();

  // across the transition at g = 1: quiescent at g = 0.5, chaotic at g = 2 (DMFT Delta0 = 2.06 for tanh at g = 2)
  const s = stream(RANDOM(0.5, 800), { every: 50 });
  let f = (await s.next()).value!;
  for (let k = 0; k < 5; k++) f = (await s.next()).value!; // t = 30
  assert.ok(f.variance < 1e-3, `variance at g = 0.5: ${f.variance}`);
  s.set({ g: 2 });
  assert.equal(s.params.g, 2);
  for (let k = 0; k < 8; k++) f = (await s.next()).value!; // t = 70: the chaos has grown from the small state
  assert.equal(f.params.g, 2);
  assert.equal(f.running.frames, 8); // running averages restart at a parameter change
  assert.ok(f.variance > 1 && f.variance < 3.5, `variance at g = 2: ${f.variance}`);
  await s.close();
});

test('lowrank: kappa in frames; inputScale and structureScale change the input and the structure', async () => {
  const s = stream(LOWRANK, { every: 50 });
  let f = (await s.next()).value!;
  for (let k = 0; k < 4; k++) f = (await s.next()).value!;
  assert.equal(f.kappa.length, 1);
  assert.ok(Math.abs(f.kappa[0]) > 0.5, `kappa with structure: ${f.kappa[0]}`); // M_m M_n = 2.2 > 1: a static state with kappa != 0
  s.set({ structureScale: 0, inputScale: 0 });
  for (let k = 0; k < 6; k++) f = (await s.next()).value!;
  // no structure, no input, g = 0.5 < 1: everything decays to x = 0
  assert.ok(Math.abs(f.kappa[0]) < 1e-3 && f.variance < 1e-3, `kappa ${f.kappa[0]}, variance ${f.variance}`);
  assert.deepEqual(f.params, { g: 0.5, inputScale: 0, structureScale: 0 });
  await s.close();
});

test('abort: a signal ends the stream with an AbortError', async () => {
  const ac = new AbortController();
  const s = stream(RANDOM(2), { every: 2, signal: ac.signal });
  await s.next();
  ac.abort();
  await assert.rejects(s.next(), (e: Error) => e.name === 'AbortError');
  assert.equal((await s.next()).done, true);
});

test('bad input: errors name the option, the value and the valid range', async () => {
  assert.throws(() => stream(RANDOM(2), { every: 0 }), /every: got 0; must be an integer from 1/);
  assert.throws(() => stream(RANDOM(2), { units: 401 }), /units: got 401; must be an integer from 0 to N = 400/);
  assert.throws(() => stream({ ...RANDOM(2), simulation: { trials: 2 } }), /simulation\.trials must be 1/);
  const s = stream(RANDOM(2));
  assert.throws(() => s.set({ gain: 2 } as never), /unknown parameter "gain"; valid: g, inputScale, structureScale/);
  assert.throws(() => s.set({ g: -1 }), /g: got -1; must be a finite number >= 0/);
  assert.throws(() => s.set({ inputScale: 2 }), /inputScale: model kind "random" has no input or structure to scale/);
  await s.close();
  const z = stream({ ...LOWRANK, model: { ...LOWRANK.model, g: 0 } });
  assert.throws(() => z.set({ g: 1 }), /built with g = 0/);
  await z.close();
});
