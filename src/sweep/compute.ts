/**
 * Compute one work unit of a sweep (src/sweep/sweep.ts): the deterministic `result` of each of its points.
 * Runs in any runtime, on the calling thread or in a sweep worker; the same unit gives the same results on
 * every thread (the same kernel variant: the Wasm and TypeScript averagers agree only to ~1e-14).
 */
import { solveSpec } from '../theory/solve.js';
import { sweep as lowrankSweep } from '../theory/lowrank-sweep.js';
import { setup } from '../core/runtime.js';
import { abortError } from '../sim/simulate.js';
import { pointSpec, routeOf, theoryPoint, type PointResult, type Sweep } from './sweep.js';

export interface UnitPoint {
  index: number;
  specHash: string;
  result: PointResult;
}

/** The theory of the points of one unit (mode "theory"): by continuation in g, or `solve` per point. */
export async function computeTheoryUnit(sweep: Sweep, points: readonly number[], signal?: AbortSignal): Promise<UnitPoint[]> {
  await setup();
  const specs = points.map((p) => pointSpec(sweep, p));
  if (routeOf(sweep) === 'lowrank-continuation') {
    // a unit lists its points in increasing g (workUnits)
    const gs = specs.map((s) => s.spec.model.g as number);
    const r = await lowrankSweep(specs[0].spec, gs);
    return points.map((p, k) => ({ index: p, specHash: specs[k].specHash, result: { theory: theoryPoint(r.results[k]) } }));
  }
  const out: UnitPoint[] = [];
  for (const [k, p] of points.entries()) {
    if (signal?.aborted) throw abortError('sweep');
    out.push({ index: p, specHash: specs[k].specHash, result: { theory: theoryPoint(solveSpec(specs[k].spec)) } });
  }
  return out;
}
