/**
 * Public sweep of the low-rank mean-field theory over g (spec 01 §4.4; M&O 2018 Fig. 1C): every stationary
 * branch at each g, found by continuation from the previous g, plus the bifurcation points once. It is the
 * route for bifurcation diagrams: `solve(spec)` at each g also recomputes the bifurcation points and the
 * Delta(tau) of chaotic states every time, which costs about 60x more per g (bench/RESULTS.md, W4: 3.3 s for
 * 200 values of g here, 187 s through solve).
 */
import { parseSpec } from '../spec/validate.js';
import { getPhi } from '../phi.js';
import { setup } from '../core/runtime.js';
import { averagerFor } from './averagers.js';
import { sweepLowRank, type LowRankSweep } from './lowrank.js';

export type { LowRankSweep, LowRankTheory, LowRankSolution } from './lowrank.js';
export type { LowRankBifurcations } from './bifurcation.js';

/** Most values of g one sweep takes (a 200-point sweep takes a few seconds). */
export const MAX_SWEEP_POINTS = 100000;

/**
 * The theory of a `lowrank` spec at each g of `gValues` (strictly increasing, >= 0; the spec's own g is
 * ignored), with the spec's theory settings. Each entry of `results` is what `solve` returns for that g
 * (solutions with their diagnostics), without Delta(tau); `bifurcations` holds g_C, g_S and g_BB.
 */
export async function sweep(input: unknown, gValues: readonly number[]): Promise<LowRankSweep> {
  const spec = parseSpec(input);
  const m = spec.model;
  if (m.kind !== 'lowrank') throw new RangeError(`dmftlab: lowrank.sweep: model.kind: got "${m.kind}"; must be "lowrank"`);
  if (!Array.isArray(gValues) || gValues.length < 1 || gValues.length > MAX_SWEEP_POINTS) {
    throw new RangeError(`dmftlab: lowrank.sweep: gValues: got ${Array.isArray(gValues) ? `${gValues.length} values` : typeof gValues}; must be an array of 1 to ${MAX_SWEEP_POINTS} numbers`);
  }
  gValues.forEach((g, i) => {
    if (typeof g !== 'number' || !Number.isFinite(g) || g < 0) throw new RangeError(`dmftlab: lowrank.sweep: gValues[${i}]: got ${g}; must be a finite number >= 0`);
    if (i > 0 && !(g > gValues[i - 1])) throw new RangeError(`dmftlab: lowrank.sweep: gValues[${i}]: got ${g}; must be > gValues[${i - 1}] = ${gValues[i - 1]} (strictly increasing, for the continuation in g)`);
  });
  await setup(); // the Wasm averager when the kernel is up (the same values as the TypeScript one to ~1e-14)
  return sweepLowRank(m, spec.theory, [...gValues], { averager: averagerFor(getPhi(m.phi), spec.theory.quadrature) });
}
