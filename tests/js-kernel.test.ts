// The `js` variant of the kernel (src/core/js-kernel.ts) against the Wasm kernel: the same network built
// by buildNetwork on either, compared bit for bit where the arithmetic is the same (RNG fills, linear
// and JS-registered phi) and within a derived bound where phi differs (Math.tanh and src/math/erf.ts
// against the kernel's polynomials); in-kernel observables against sums recomputed from the recorded
// states. Run: node scripts/run-test.mjs tests/js-kernel.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec } from '../src/spec/validate.js';
import type { Spec } from '../src/spec/types.js';
import { newKernel, type Kernel } from '../src/core/wasm.js';
import { Arena, ARENA_BASE } from '../src/core/arena.js';
import { jsKernelExports } from '../src/core/js-kernel.js';
import { buildNetwork, planSteps, type NetworkHandle } from '../src/sim/simulate.js';
import { Slot, CONTEXT_SLOTS, REDUCE_BLOCK } from '../src/sim/layout.js';
import { lowRankVectors } from '../src/sim/lowrank-vectors.js';
import { registerPhi } from '../src/phi.js';

/** A kernel object whose exports are the TypeScript kernel, on a plain (non-shared) memory. */
function jsKernel(initialPages = 32): Kernel {
  const memory = new WebAssembly.Memory({ initial: initialPages, maximum: 65536 });
  const kernel = { module: null, memory, arena: new Arena(memory), customPhi: null } as unknown as Kernel;
  kernel.exports = jsKernelExports(memory, () => kernel.customPhi);
  return kernel;
}

const all = (N: number) => Array.from({ length: N }, (_, i) => i);

function spec(model: object, simulation: object): Spec {
  return parseSpec({ dmftlab: 1, seed: 11, model, simulation });
}

/** The raw buffers of a built network, read through its context slots (copies). */
function raw(kernel: Kernel, net: NetworkHandle) {
  const buf = kernel.memory.buffer;
  const c = new Float64Array(buf, net.ctx, CONTEXT_SLOTS);
  const N = c[Slot.N];
  const ld = c[Slot.LD];
  const nS = c[Slot.NSAMP];
  const f64 = (slot: number, n: number) => new Float64Array(buf, c[slot], n).slice();
  return {
    N,
    ld,
    c: c.slice(),
    J: c[Slot.J] ? new Uint8Array(buf, c[Slot.J], N * ld * (c[Slot.F32] ? 4 : 8)).slice() : new Uint8Array(0),
    x: f64(Slot.X, N),
    smean: f64(Slot.SMEAN, nS),
    sm2: f64(Slot.SM2, nS),
    sac: f64(Slot.SAC, nS * c[Slot.NLAG]),
    skap: f64(Slot.SKAP, nS * c[Slot.R]),
    trace: f64(Slot.TRACE, nS * c[Slot.NTR]),
    xsum: f64(Slot.XSUM, N),
  };
}

/** Every byte the arena handed out (all of a network's buffers). */
function arenaBytes(kernel: Kernel): Uint8Array {
  return new Uint8Array(kernel.memory.buffer, ARENA_BASE, kernel.arena.used - ARENA_BASE).slice();
}

function assertSameBytes(a: Uint8Array, b: Uint8Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) assert.fail(`${what}: byte ${i} differs`);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// ------------------------------------------------------------------------------------------------
// The bound. Everything but phi is the same arithmetic in the same order (the JS matvec mirrors the
// SIMD lanes), so the differences come from phi alone:
//
// f64: both phi implementations are within 2 ulp of the true value and |phi| <= 1 (tanh, erf), so one
// evaluation differs by at most delta = 4 ulp(1) = 2^-50 (linear: delta = 0, the same arithmetic). The
// state difference e obeys, in the 2-norm (phi' <= 1), |e'| <= (1 + ||J||) |e| + ||J|| sqrt(N) delta, so
// by Gronwall, for Heun and RK4 as for the flow (a step amplifies by at most exp(dt (1 + ||J||))),
//     max_i |e_i| <= ||e(T)||_2 <= E = ||J|| sqrt(N) delta T exp(rate T),   rate = 1 + ||J||;
// for Euler with dt <= 1 the -x term contracts: a step amplifies by 1 - dt + dt ||J||, rate = ||J|| - 1.
// ||J||_2 <= 2.2 g (largest singular value of the i.i.d. part: 2 g + O(N^-2/3)) + sum_r ||m_r|| ||n_r|| / N.
// The observables are at most quadratic in x: |d mean|, |d trace| <= E; |d m2|, |d variance|,
// |d autocov| <= (4 X + 2 E) E with X = max |x|; |d kappa| <= max|n| (E + delta); one tolerance covers
// them all: (E + delta) (2 + 4 X + max|n|). This is a worst case (norms instead of random signs); the
// observed differences are 4 to 9 orders of magnitude smaller (beside each case below).
//
// f32: phi is rounded to f32. A 2^-50 difference moves that rounding only when an f32 rounding boundary
// lies within it (probability ~2^-25 per evaluation, ~1e-3 for a whole run here); then one phi value
// differs by one f32 ulp. Without such a flip the runs are bitwise identical. With one, the difference is
// one f32 rounding of one phi value, far less than the f32 rounding of every phi value and every J entry
// that separates an f32 run from the f64 run, which tests/sim.test.ts bounds by 1e-5 over the same 20
// steps (observed 1e-6). So E = 1e-5, with the same factor for the observables.

const ULP1 = 2 ** -52;

function bound(s: Spec, steps: number, maxX: number): { E: number; tol: number } {
  const model = s.model;
  const N = model.N;
  let normJ = 2.2 * model.g;
  let maxN = 0;
  if (model.kind === 'lowrank') {
    const v = lowRankVectors(model, s.seed);
    for (let r = 0; r < model.rank; r++) {
      normJ += (Math.hypot(...v.m[r]) * Math.hypot(...v.n[r])) / N;
      maxN = Math.max(maxN, maxAbs(v.n[r]));
    }
  }
  let E: number;
  let delta: number;
  if (model.phi === 'linear') {
    E = delta = 0;
  } else if (s.simulation.precision === 'f32') {
    E = 1e-5;
    delta = 2 ** -24;
  } else {
    delta = 4 * ULP1;
    const T = steps * s.simulation.dt;
    const rate = s.simulation.method === 'euler' ? Math.max(0, normJ - 1) : 1 + normJ;
    E = normJ * Math.sqrt(N) * delta * T * Math.exp(rate * T);
  }
  return { E, tol: (E + delta) * (2 + 4 * maxX + maxN) };
}

// ------------------------------------------------------------------------------------------------

const N = 300; // two reduction blocks (256 + 44), one of them short
const lowrank2 = {
  kind: 'lowrank',
  N,
  g: 1.5,
  phi: 'tanh',
  rank: 2,
  means: { m: [0.5, -0.2], n: [1.0, 0.3], I: 0.1 },
  cov: { mm: [[1, 0.2], [0.2, 0.8]], nn: [[1, 0], [0, 1]], nm: [[0.3, 0], [0, 0.2]], nI: [0.2, 0], II: 0.3 },
};
// 20 steps of dt = 0.1: 5 burn-in steps, then 15 samples every step, lags of 0, 2 and 5 samples
const short = { dt: 0.1, tBurn: 0.5, tMeasure: 1.5, sampleEvery: 0.1, blocks: 3, traceUnits: all(N), lags: [0, 0.2, 0.5] };

interface Case {
  name: string;
  model: object;
  sim: object;
}
// Observed (Node 20, x86-64): max |x_js - x_wasm| after the 20 steps, and the largest relative difference
// max |js - wasm| / max |wasm| over the observables (mean, m2, lag products, kappa, traces, xsum, variance,
// final, temporal-mean variance, autocov); E is the bound on the state difference (see `bound`).
const cases: Case[] = [
  // state 4.4e-16 (rel 1.9e-16); observables <= 3.6e-16 (mean); E = 1.0e-11
  { name: 'random tanh euler f64', model: { kind: 'random', N, g: 1.5, phi: 'tanh' }, sim: { ...short, method: 'euler' } },
  // state 4.4e-16 (rel 1.8e-16); observables <= 9.3e-16 (mean, which is small); E = 5.5e-10
  { name: 'random erf heun f64', model: { kind: 'random', N, g: 1.5, phi: 'erf' }, sim: { ...short, method: 'heun' } },
  // bitwise identical, the whole memory (same arithmetic); E = 0
  { name: 'random linear rk4 f64', model: { kind: 'random', N, g: 0.8, phi: 'linear' }, sim: { ...short, method: 'rk4' } },
  // state 4.4e-16 (rel 2.0e-16); observables <= 6.6e-16 (mean); E = 1.7e-7
  { name: 'rank 2 + input tanh rk4 f64', model: lowrank2, sim: { ...short, method: 'rk4' } },
  // state 2.2e-16 (rel 1.0e-16); observables <= 2.8e-16 (xsum); E = 1.9e-12
  { name: 'rank 2 + input, g = 0 (no J), erf euler f64', model: { ...lowrank2, g: 0, phi: 'erf' }, sim: { ...short, method: 'euler' } },
  // bitwise identical (no f32 rounding flip); E = 1e-5
  { name: 'rank 2 + input tanh heun f32', model: lowrank2, sim: { ...short, method: 'heun', precision: 'f32' } },
  // bitwise identical (no f32 rounding flip); E = 1e-5
  { name: 'random erf rk4 f32', model: { kind: 'random', N, g: 1.5, phi: 'erf' }, sim: { ...short, method: 'rk4', precision: 'f32' } },
];

for (const cs of cases) {
  test(`js kernel = Wasm kernel: ${cs.name}`, async (t) => {
    const s = spec(cs.model, cs.sim);
    const plan = planSteps(s);
    assert.equal(plan.steps, 20);
    const kw = await newKernel();
    const kj = jsKernel();
    const nw = buildNetwork(kw, s, s.seed, plan);
    const nj = buildNetwork(kj, s, s.seed, plan);

    // same layout, same couplings and initial state, bit for bit
    const rw0 = raw(kw, nw);
    const rj0 = raw(kj, nj);
    assert.equal(nw.ctx, nj.ctx);
    assert.deepEqual(rj0.c, rw0.c); // every context slot, pointers included
    if (s.model.g > 0) assert.ok(rw0.J.length > 0);
    assertSameBytes(rj0.J, rw0.J, 'J');
    assertSameBytes(new Uint8Array(rj0.x.buffer), new Uint8Array(rw0.x.buffer), 'x0');
    assertSameBytes(arenaBytes(kj), arenaBytes(kw), 'memory after build');

    nw.step(0, plan.steps);
    nj.step(0, plan.steps);
    const rw = raw(kw, nw);
    const rj = raw(kj, nj);
    const a = nj.read();
    const b = nw.read();

    const maxX = Math.max(maxAbs(rw.trace), maxAbs(rw.x));
    const { E, tol } = bound(s, plan.steps, maxX);
    const rel: Record<string, number> = {};
    const check = (what: string, x: ArrayLike<number>, y: ArrayLike<number>, tolAbs: number) => {
      const d = maxAbsDiff(x, y);
      rel[what] = d / Math.max(maxAbs(y), Number.MIN_VALUE);
      assert.ok(d <= tolAbs, `${cs.name}: ${what}: max |js - wasm| = ${d} > ${tolAbs}`);
    };
    check('state', rj.x, rw.x, E);
    check('traces', rj.trace, rw.trace, E);
    check('mean', rj.smean, rw.smean, tol);
    check('m2', rj.sm2, rw.sm2, tol);
    check('lag products', rj.sac, rw.sac, tol);
    check('kappa', rj.skap, rw.skap, tol);
    check('xsum', rj.xsum, rw.xsum, plan.samples * E);
    check('variance', a.variance, b.variance, tol);
    check('final', [a.final.mean, a.final.variance], [b.final.mean, b.final.variance], tol);
    check('temporal-mean variance', [a.temporalMeanVariance], [b.temporalMeanVariance], tol);
    check('autocov', a.stats.autocov.map((e) => e.mean), b.stats.autocov.map((e) => e.mean), tol);
    t.diagnostic(`${cs.name}: bound E = ${E.toExponential(1)}, tol = ${tol.toExponential(1)}; ` +
      `observed max |dx| = ${maxAbsDiff(rj.x, rw.x).toExponential(1)}, rel: ` +
      Object.entries(rel).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', '));

    // where the arithmetic is the same (linear phi), every byte of the network's memory is the same
    if (s.model.phi === 'linear') assertSameBytes(arenaBytes(kj), arenaBytes(kw), 'memory after the run');
    nw.release();
    nj.release();
  });
}

test('tanh and erf of the js kernel differ from the Wasm kernel by at most 4 ulp(1) (the delta of the bound)', async () => {
  const { erf } = await import('../src/math/erf.js');
  const kw = await newKernel();
  const n = 40001;
  const xs = Float64Array.from({ length: n }, (_, i) => -10 + (20 * i) / (n - 1) + 1e-7 * Math.sin(i));
  const src = kw.arena.f64(n);
  const dst = kw.arena.f64(n);
  src.view().set(xs);
  // phi codes 0 and 1 as src/core/js-kernel.ts evaluates them (ERF_C: sqrt(pi)/2 as in assembly/phi.ts)
  const js = [Math.tanh, (x: number) => erf(0.886226925452758 * x)];
  for (const code of [0, 1]) {
    kw.exports.phiVecF64(code, src.ptr, dst.ptr, n);
    const d = maxAbsDiff(xs.map(js[code]), dst.view());
    assert.ok(d <= 4 * ULP1, `phi code ${code}: ${d}`); // observed 3.3e-16 = 1.5 ulp(1), tanh and erf alike
  }
});

test('a phi registered in JS runs through the callback and gives the same bytes as the Wasm kernel (f64, f32)', async () => {
  // x / sqrt(1 + x^2), with its derivatives and primitive
  registerPhi({
    name: 'algebraicJsKernel',
    f: (x) => x / Math.sqrt(1 + x * x),
    df: (x) => (1 + x * x) ** -1.5,
    d2f: (x) => -3 * x * (1 + x * x) ** -2.5,
    d3f: (x) => (12 * x * x - 3) * (1 + x * x) ** -3.5,
    F: (x) => Math.sqrt(1 + x * x) - 1,
    odd: true,
    bound: 1,
  });
  for (const precision of ['f64', 'f32'] as const) {
    const s = spec({ ...lowrank2, phi: 'algebraicJsKernel' }, { ...short, method: 'rk4', precision });
    const plan = planSteps(s);
    const kw = await newKernel();
    const kj = jsKernel();
    const nw = buildNetwork(kw, s, s.seed, plan);
    const nj = buildNetwork(kj, s, s.seed, plan);
    nw.step(0, plan.steps);
    nj.step(0, plan.steps);
    // the same phi values and the same sums in the same order: observed bitwise identical
    assertSameBytes(arenaBytes(kj), arenaBytes(kw), `${precision}: memory after the run`);
    assert.ok(maxAbs(nj.state()) > 0.1);
    nj.release();
    assert.equal(kj.customPhi, null); // release clears the callback
    assert.throws(() => kj.exports.simSteps(nj.ctx, 0, 1, 0, 1), /JS phi, but none is set/);
  }
});

test('in-kernel observables equal the sums recomputed from the recorded states (block order, exactly)', async () => {
  const N3 = 600; // three reduction blocks: 256, 256, 88
  for (const precision of ['f64', 'f32'] as const) {
    for (const which of ['js', 'wasm'] as const) {
      const s = spec(
        { kind: 'lowrank', N: N3, g: 1.8, phi: 'tanh', rank: 1, means: { m: [1.1], n: [2] }, cov: { mm: [[1]], nn: [[1]] } },
        { method: 'heun', dt: 0.1, precision, tBurn: 0.5, tMeasure: 3, sampleEvery: 0.2, blocks: 3, traceUnits: all(N3), lags: [0, 0.4, 1] },
      );
      const plan = planSteps(s);
      const k = which === 'js' ? jsKernel() : await newKernel();
      const net = buildNetwork(k, s, s.seed, plan);
      const nS = plan.samples;
      const nLag = plan.lagSamples.length;
      // the states at the sample steps, taken between single steps
      const states: Float64Array[] = [];
      for (let step = 0; step < plan.steps; step++) {
        if (step >= plan.burnSteps && (step - plan.burnSteps) % plan.stride === 0) states.push(net.state().slice());
        net.step(step, step + 1);
      }
      assert.equal(states.length, nS);
      const r = raw(k, net);
      const n = lowRankVectors(s.model as never, s.seed).n[0];
      const tq = precision === 'f32' ? Math.fround : (v: number) => v;
      /** (sum over blocks in order of the in-block sums of term(i)) / N, as the kernel reduces. */
      const blockSum = (term: (i: number) => number) => {
        let acc = 0;
        for (let b0 = 0; b0 < N3; b0 += REDUCE_BLOCK) {
          let part = 0;
          for (let i = b0; i < Math.min(b0 + REDUCE_BLOCK, N3); i++) part += term(i);
          acc += part;
        }
        return acc * (1 / N3);
      };
      const xsum = new Float64Array(N3);
      for (let smp = 0; smp < nS; smp++) {
        const x = states[smp];
        const what = `${which} ${precision} sample ${smp}`;
        assert.deepEqual(r.trace.subarray(smp * N3, (smp + 1) * N3), x, `${what}: traces`);
        assert.equal(r.smean[smp], blockSum((i) => x[i]), `${what}: mean`);
        assert.equal(r.sm2[smp], blockSum((i) => x[i] * x[i]), `${what}: m2`);
        plan.lagSamples.forEach((L, l) => {
          const want = L <= smp ? blockSum((i) => x[i] * states[smp - L][i]) : 0;
          assert.equal(r.sac[smp * nLag + l], want, `${what}: lag ${L} products`);
        });
        const kap = blockSum((i) => n[i] * tq(Math.tanh(x[i])));
        // js: the same phi (Math.tanh), exactly; wasm: the kernel's tanh differs by ~1 ulp
        // (observed 4.3e-16 relative in f64, 0 in f32)
        if (which === 'js') assert.equal(r.skap[smp], kap, `${what}: kappa`);
        else assert.ok(Math.abs(r.skap[smp] - kap) <= 1e-14 * Math.abs(kap) + 1e-15, `${what}: kappa ${r.skap[smp]} vs ${kap}`);
        for (let i = 0; i < N3; i++) xsum[i] += x[i];
      }
      assert.deepEqual(r.xsum, xsum, `${which} ${precision}: per-unit sums`);
      net.release();
    }
  }
});

test('the abort word stops simSteps before the step, as in the Wasm kernel', async () => {
  const s = spec({ ...lowrank2, phi: 'linear', g: 0.8 }, { ...short, method: 'heun' });
  const plan = planSteps(s);
  const kw = await newKernel();
  const kj = jsKernel();
  const nets = [buildNetwork(kw, s, s.seed, plan), buildNetwork(kj, s, s.seed, plan)];
  const abortWord = (k: Kernel, net: NetworkHandle) => {
    const bar = new Float64Array(k.memory.buffer, net.ctx, CONTEXT_SLOTS)[Slot.BAR];
    return new Int32Array(k.memory.buffer, bar, 16);
  };
  const ks = [kw, kj];
  const got = ks.map((k, j) => {
    nets[j].step(0, 7);
    const x7 = nets[j].state().slice();
    abortWord(k, nets[j])[2] = 1;
    const rc = k.exports.simSteps(nets[j].ctx, 0, 1, 7, 12);
    return { rc, same: nets[j].state().every((v, i) => Object.is(v, x7[i])) };
  });
  assert.deepEqual(got, [{ rc: 1, same: true }, { rc: 1, same: true }]); // stopped, x as after step 7
  assertSameBytes(arenaBytes(kj), arenaBytes(kw), 'memory after the abort'); // decision words included
  ks.forEach((k, j) => {
    abortWord(k, nets[j])[2] = 0;
    assert.equal(k.exports.simSteps(nets[j].ctx, 0, 1, 7, 12), 0);
  });
  assertSameBytes(arenaBytes(kj), arenaBytes(kw), 'memory after resuming');
});

test('the js kernel rebuilds its views when the memory grows between calls; one thread only', async () => {
  const small = spec({ kind: 'random', N: 20, g: 0.8, phi: 'linear' }, { ...short, traceUnits: [0, 19], method: 'rk4' });
  const big = spec({ kind: 'random', N, g: 0.8, phi: 'linear' }, { ...short, method: 'heun' });
  const ps = planSteps(small);
  const pb = planSteps(big);
  // js: the small network first (views cached on the first memory), then the big one, which grows it
  const kj = jsKernel(2);
  const sj = buildNetwork(kj, small, small.seed, ps);
  sj.step(0, 10);
  const before = kj.memory.buffer;
  const bj = buildNetwork(kj, big, big.seed, pb);
  assert.notEqual(kj.memory.buffer, before); // grown (the old buffer is detached)
  bj.step(0, pb.steps);
  // the small network's handle keeps a view of x on the detached buffer for its finiteness check
  // (buildNetwork's xCheck), so its remaining steps go to the kernel directly
  kj.exports.simSteps(sj.ctx, 0, 1, 10, ps.steps);
  // wasm: each network alone
  const kw = await newKernel();
  const bw = buildNetwork(kw, big, big.seed, pb);
  bw.step(0, pb.steps);
  assertSameBytes(new Uint8Array(bj.state().slice().buffer), new Uint8Array(bw.state().slice().buffer), 'big network');
  bw.release();
  const sw = buildNetwork(kw, small, small.seed, ps);
  sw.step(0, ps.steps);
  assert.deepEqual(sj.read(), sw.read()); // linear phi: bitwise, so deepEqual holds
  assert.throws(() => kj.exports.simSteps(sj.ctx, 0, 2, 0, 1), /one thread/);
});
