// The playground's data layer (web/model.ts, web/estimators.ts), on every runtime: specs in links, the
// live scales folded back into an exported spec (checked against the stream that applied them), and the
// estimators it shows (running variance and band, C(tau), participation ratio) on inputs with known answers.
// The page itself runs end to end in scripts/test-playground.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec, stream, type StreamParams } from '../src/index.js';
import { DEFAULT_VIEW, defaultSpec, foldScales, hasInput, specFromFragment, specToFragment } from '../web/model.js';
import { BAND_SIGMAS, QUENCHED_SPREAD, StateRing, VarianceTracker, theoryBand } from '../web/estimators.js';

test('a spec survives the link fragment bit for bit, with the view settings', () => {
  const spec = parseSpec({ ...defaultSpec('lowrank'), name: 'é ü – κ Δ₀ "quoted"' });
  (spec.model as { g: number }).g = 0.1 + 0.2; // not a short decimal: JSON keeps every bit
  const frag = specToFragment(spec, { every: 7, settle: 12.5 });
  assert.match(frag, /^#spec=[A-Za-z0-9_-]+&every=7&settle=12.5$/);
  const back = specFromFragment(frag);
  assert.ok(back);
  assert.deepEqual(back.spec, spec);
  assert.equal((back.spec as { model: { g: number } }).model.g, 0.1 + 0.2);
  assert.deepEqual(back.view, { every: 7, settle: 12.5 });
  assert.deepEqual(specFromFragment(specToFragment(spec))!.view, DEFAULT_VIEW);
  assert.equal(specFromFragment(''), null);
  assert.equal(specFromFragment('#other=1'), null);
  assert.throws(() => specFromFragment('#spec=%%%'), /not base64url-encoded JSON/);
  assert.throws(() => specFromFragment(`#spec=${btoa('{"a":').replace(/=+$/, '')}`), /not base64url-encoded JSON/);
  assert.throws(() => specFromFragment(`${specToFragment(spec)}`.replace('every=5', 'every=0')), /every = 0 is invalid: an integer from 1 to 1000/);
  assert.throws(() => specFromFragment(`${specToFragment(spec)}`.replace('settle=30', 'settle=-1')), /settle = -1 is invalid/);
});

test('the default specs validate, and the low-rank one is M&O Fig. 1', () => {
  const lr = parseSpec(defaultSpec('lowrank', { N: 300, g: 1.2, seed: 4 }));
  assert.equal(lr.model.kind, 'lowrank');
  if (lr.model.kind !== 'lowrank') return;
  assert.deepEqual([lr.model.N, lr.model.g, lr.seed, lr.model.means.m[0], lr.model.means.n[0]], [300, 1.2, 4, 1.1, 2]);
  assert.equal(hasInput(lr), false);
  const rnd = parseSpec(defaultSpec('random'));
  assert.deepEqual(rnd.model, { kind: 'random', N: 1000, g: 2, phi: 'tanh' });
});

/** max |x| difference after `steps` steps between the folded spec's network and the base network scaled by `set`. */
async function foldedAgainstScaled(folded: unknown, base: unknown, set: Partial<StreamParams>, steps: number): Promise<number> {
  const a = stream(folded, { every: steps, copy: true, threads: 1 });
  const b = stream(base, { every: steps, copy: true, threads: 1 });
  b.set(set); // before the first step
  const fa = await a.next();
  const fb = await b.next();
  await a.close();
  await b.close();
  assert.ok(!fa.done && !fb.done);
  let worst = 0;
  fa.value.state.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - fb.value.state[i]))));
  return worst;
}

test('foldScales writes the scales into the spec; the folded spec builds the network the scaled stream runs', async () => {
  const base = parseSpec({
    dmftlab: 1,
    seed: 5,
    model: { kind: 'lowrank', N: 300, g: 1.5, phi: 'tanh', rank: 1, means: { m: 1.1, n: 2, I: 0.3 }, cov: { mm: 1, nn: 1, nm: 0.4, II: 0.2, mI: 0.1, nI: 0.2 } },
    simulation: { method: 'rk4', dt: 0.1 },
  });
  assert.equal(hasInput(base), true);
  const live = { g: 1.9, structureScale: 1.5, inputScale: 0.5 };
  const folded = foldScales(base, live);
  assert.equal((base.model as { g: number }).g, 1.5, 'the input spec is not modified');
  if (folded.model.kind !== 'lowrank') throw new Error('kind');
  assert.equal(folded.model.g, 1.9);
  assert.deepEqual(folded.model.means.m, [1.1 * 1.5]);
  assert.deepEqual(folded.model.cov.mm, [[1 * 1.5 * 1.5]]);
  assert.deepEqual(folded.model.cov.nm, [[0.4 * 1.5]]);
  assert.equal(folded.model.means.I, 0.3 * 0.5);
  assert.equal(folded.model.cov.II, 0.2 * 0.25);
  assert.deepEqual(folded.model.cov.mI, [0.1 * 1.5 * 0.5]);
  assert.deepEqual(folded.model.cov.nI, [0.2 * 0.5]);
  parseSpec(folded); // still a valid spec
  // the network of the folded spec against the base network with the scales applied by stream.set before
  // its first step: the same draws, scaled before or after the Cholesky factor, so equal up to rounding
  const worst = await foldedAgainstScaled(folded, base, live, 50);
  // observed 1.8e-15 after 50 RK4 steps (N = 300): rounding of the scaled moments, not another network
  // (folding the structure scale but not the input scale gives 1.6)
  assert.ok(worst < 1e-12, `max |x_folded - x_scaled| = ${worst}`);
  // other kinds carry only g
  const rnd = foldScales(parseSpec(defaultSpec('random')), { g: 3, structureScale: 2, inputScale: 2 });
  assert.deepEqual(rnd.model, { kind: 'random', N: 1000, g: 3, phi: 'tanh' });
});

test('foldScales of a multiregion spec scales every gain as the stream multiplier does', async () => {
  const base = parseSpec({ ...defaultSpec('multiregion', { N: 64, seed: 2 }), simulation: { method: 'euler', dt: 0.05 } });
  if (base.model.kind !== 'multiregion') throw new Error('kind');
  base.model.g = [1.5, 0.9];
  base.model.crossDisorder = [[1.5, 0.3], [0.2, 0.9]];
  const folded = foldScales(parseSpec(base), { g: 1.2, structureScale: 1, inputScale: 1 });
  if (folded.model.kind !== 'multiregion') throw new Error('kind');
  const r = 1.2 / 1.5; // the control shows the largest g_a
  assert.deepEqual(folded.model.g, [1.5 * r, 0.9 * r]);
  assert.deepEqual(folded.model.crossDisorder, [[1.5 * r, 0.3 * r], [0.2 * r, 0.9 * r]]);
  const worst = await foldedAgainstScaled(folded, parseSpec(base), { g: r }, 20);
  // the same matrices scaled before or after the draw: rounding only (observed 4.4e-16 after 20 Euler
  // steps; a multiplier 0.81 instead of 0.8 gives 1.4e-2)
  assert.ok(worst < 1e-12, `max |x_folded - x_scaled| = ${worst}`);
});

test('VarianceTracker skips the settle time, restarts on a change, and gives a block SE', () => {
  const tr = new VarianceTracker(10);
  for (let k = 0; k < 100; k++) tr.push(k * 0.5, k < 20 ? 100 : 2 + (k % 2 ? 0.5 : -0.5));
  const e = tr.estimate();
  // t >= 10 from k = 20: 80 frames alternating 2.5 / 1.5; 8 blocks of 10, each mean exactly 2
  assert.equal(e.frames, 80);
  assert.equal(e.mean, 2);
  assert.equal(e.seTime, 0);
  assert.equal(e.span, 49.5 - 10);
  tr.restart(50, 5);
  assert.equal(tr.settledFrom, 55);
  assert.deepEqual(tr.estimate(), { frames: 0, span: 0, mean: NaN, seTime: NaN });
  for (let k = 0; k < 10; k++) tr.push(55 + k, k); // 10 frames: fewer than 2 per block, so no SE yet
  assert.equal(tr.estimate().mean, 4.5);
  assert.ok(Number.isNaN(tr.estimate().seTime));
});

test('theoryBand adds the quenched spread to the time SE', () => {
  const b = theoryBand(2, 0.03, 400);
  const q = (QUENCHED_SPREAD * 2) / 20;
  assert.equal(b.seQuenched, q);
  assert.ok(Math.abs(b.halfWidth - BAND_SIGMAS * Math.hypot(0.03, q)) < 1e-15);
  assert.ok(Number.isNaN(theoryBand(2, NaN, 400).halfWidth));
});

test('StateRing: C(tau) and the participation ratio on states with known answers', () => {
  const N = 4;
  const ring = new StateRing(N, 6);
  assert.throws(() => ring.push([1, 2]), /expected N = 4/);
  assert.throws(() => new StateRing(0, 5), /need N >= 1/);
  // x(t) = cos(w t) e1 + sin(w t) e2 (population mean (cos + sin)/4): wraps around the ring once
  const w = 0.3;
  const states = Array.from({ length: 9 }, (_, t) => [Math.cos(w * t), Math.sin(w * t), 0, 0]);
  for (const s of states) ring.push(s);
  assert.equal(ring.length, 6);
  const C = ring.autocovariance(7);
  // the ring holds t = 3..8; C(l) = mean over pairs of (1/N) x(t).x(t+l) - m(t) m(t+l)
  for (let l = 0; l <= 5; l++) {
    let acc = 0;
    for (let t = 3; t + l <= 8; t++) {
      const a = states[t];
      const b = states[t + l];
      const ma = (a[0] + a[1]) / N;
      const mb = (b[0] + b[1]) / N;
      acc += (a[0] * b[0] + a[1] * b[1]) / N - ma * mb;
    }
    const want = acc / (6 - l);
    assert.ok(Math.abs(C[l] - want) < 1e-15, `C(${l}) = ${C[l]}, want ${want}`);
  }
  assert.ok(Number.isNaN(C[6]) && Number.isNaN(C[7]));
  // PR of states spanning orthogonal directions with variances 4, 1, 1 (each centred over time):
  // x(t) = +-2 e1, +-1 e2, +-1 e3 in turn: C = diag(4, 1, 1) * (2/6), PR = (4+1+1)^2 / (16+1+1) = 2
  const pr = new StateRing(3, 6);
  for (const s of [[2, 0, 0], [-2, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]]) pr.push(s);
  const p = pr.participationRatio();
  assert.equal(p.samples, 6);
  assert.ok(Math.abs(p.pr - 2) < 1e-14, `PR ${p.pr}`);
  pr.clear();
  assert.equal(pr.length, 0);
  assert.ok(Number.isNaN(pr.participationRatio().pr));
});
