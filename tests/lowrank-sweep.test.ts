// The public low-rank sweep (lowrank.sweep, src/theory/lowrank-sweep.ts): the same branches as solve(spec) at
// each g (an independent route: solve runs its own multi-start search and bifurcation continuation per g),
// and clear errors for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowrank, solve } from '../src/index.js';
import type { LowRankTheory } from '../src/theory/lowrank.js';

// M&O 2018 Fig. 1C (spec 01 §8.2): bistable static states below g_C ~ 1.80, bistable chaos up to g_BB ~ 2.14
const SPEC = {
  dmftlab: 1,
  seed: 1,
  model: { kind: 'lowrank', N: 1000, g: 1, phi: 'tanh', rank: 1, means: { m: 1.1, n: 2 }, cov: { mm: 1, nn: 1 } },
};
const GS = [0.5, 1.5, 1.9, 2.5];

const key = (r: LowRankTheory) =>
  r.solutions.map((s) => `${s.type}/${s.branch}`).sort().join(' ');

test('lowrank.sweep finds the branches solve(spec) finds at each g, with the same values', async () => {
  const sw = await lowrank.sweep(SPEC, GS);
  assert.deepEqual(sw.g, GS);
  assert.equal(sw.results.length, GS.length);
  assert.ok(sw.bifurcations.gC && Math.abs(sw.bifurcations.gC.g - 1.7959) < 1e-3, `g_C ${sw.bifurcations.gC?.g}`);
  for (const [k, g] of GS.entries()) {
    const one = (await solve({ ...SPEC, model: { ...SPEC.model, g } })).result as LowRankTheory;
    const r = sw.results[k];
    assert.equal(key(r), key(one), `g = ${g}`);
    for (const s of r.solutions) {
      assert.ok(s.diagnostics.converged, `g = ${g} ${s.type} ${s.branch}: not converged`);
      const t = one.solutions.find((x) => x.type === s.type && x.branch === s.branch)!;
      // both converge Newton to ~1e-12 on the same equations; observed differences <= 1e-12
      assert.ok(Math.abs(s.delta0 - t.delta0) < 1e-9 && Math.abs(s.kappa[0] - t.kappa[0]) < 1e-9, `g = ${g} ${s.type} ${s.branch}`);
    }
  }
  // the regimes of Fig. 1C: static +/- below g_C, chaotic +/- between g_C and g_BB, none above g_BB
  const has = (k: number, b: string) => key(sw.results[k]).split(' ').includes(b);
  assert.ok(has(0, 'static/plus') && has(0, 'static/minus') && !has(0, 'chaotic/plus'));
  assert.ok(has(2, 'chaotic/plus') && has(2, 'chaotic/minus'));
  assert.ok(!has(3, 'chaotic/plus') && has(3, 'chaotic/central'));
});

test('lowrank.sweep rejects bad input with the field, the value and the valid range', async () => {
  await assert.rejects(lowrank.sweep(SPEC, []), /gValues: got 0 values; must be an array of 1 to 100000 numbers/);
  await assert.rejects(lowrank.sweep(SPEC, [1, 0.5]), /gValues\[1\]: got 0.5; must be > gValues\[0\] = 1/);
  await assert.rejects(lowrank.sweep(SPEC, [0, NaN]), /gValues\[1\]: got NaN; must be a finite number >= 0/);
  await assert.rejects(lowrank.sweep(SPEC, [-1]), /gValues\[0\]: got -1; must be a finite number >= 0/);
  await assert.rejects(lowrank.sweep({ ...SPEC, model: { kind: 'random', N: 100, g: 2, phi: 'tanh' } }, [1]), /model\.kind: got "random"; must be "lowrank"/);
});

test('overlap M_m M_n <= 1 with tanh: no g_S or g_BB, found without scanning g up to 1000 (that took minutes at 0.55)', async () => {
  const r = await lowrank.sweep({ ...SPEC, model: { ...SPEC.model, means: { m: 1.1, n: 0.5 } } }, [0.5, 1.5]);
  assert.equal(r.bifurcations.gS, null);
  assert.equal(r.bifurcations.gBB, null);
  assert.match(r.bifurcations.notes.join('\n'), /g_S, g_BB: none, since \|M_m M_n \+ Cnm\| = 0\.55 <= 1/);
  // the solutions are still there: x = 0 below g = 1; above, the central static (SCS) and kappa = 0 chaotic states
  assert.deepEqual(r.results.map((x) => x.solutions.map((s) => s.type).join()), ['trivial', 'trivial,static,chaotic']);
});
