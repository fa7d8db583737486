/**
 * Compute one work unit of a sweep (src/sweep/sweep.ts): the deterministic `result` of each of its points.
 * Runs in any runtime, on the calling thread or in a sweep worker; the same unit gives the same results on
 * every thread (the same kernel variant: the Wasm and TypeScript averagers agree only to ~1e-14).
 */
import { solveSpec } from '../theory/solve.js';
import { sweep as lowrankSweep } from '../theory/lowrank-sweep.js';
import { setup } from '../core/runtime.js';
import { abortError } from '../sim/simulate.js';
import type { Spec } from '../spec/types.js';
import { pointSpec, routeOf, specAt, theoryPoint, type PointResult, type Sweep } from './sweep.js';
import type { RefinedUnit } from './refine.js';

export interface UnitPoint {
  index: number;
  specHash: string;
  result: PointResult;
}

/**
 * The theory of points `indices` with validated `specs`: with a `ladder` (increasing g), one continuation
 * by `lowrank.sweep` over it, each point taking the result at its own g; otherwise `solve` per point.
 */
async function theoryOf(indices: readonly number[], specs: { spec: Spec; specHash: string }[], ladder: number[] | null, signal?: AbortSignal): Promise<UnitPoint[]> {
  await setup();
  if (ladder) {
    const r = await lowrankSweep(specs[0].spec, ladder);
    return indices.map((p, k) => ({ index: p, specHash: specs[k].specHash, result: { theory: theoryPoint(r.results[ladder.indexOf(specs[k].spec.model.g as number)]) } }));
  }
  const out: UnitPoint[] = [];
  for (const [k, p] of indices.entries()) {
    if (signal?.aborted) throw abortError('sweep');
    out.push({ index: p, specHash: specs[k].specHash, result: { theory: theoryPoint(solveSpec(specs[k].spec)) } });
  }
  return out;
}

/** The theory of the points of one unit (mode "theory"): by continuation in g, or `solve` per point. */
export async function computeTheoryUnit(sweep: Sweep, points: readonly number[], signal?: AbortSignal): Promise<UnitPoint[]> {
  const specs = points.map((p) => pointSpec(sweep, p));
  // a continuation unit lists its points in increasing g (workUnits)
  const ladder = routeOf(sweep) === 'lowrank-continuation' ? specs.map((s) => s.spec.model.g as number) : null;
  return theoryOf(points, specs, ladder, signal);
}

/** The theory of a unit of refined points (src/sweep/refine.ts): over the unit's ladder of g, or `solve` per point. */
export async function computeRefinedTheoryUnit(sweep: Sweep, unit: RefinedUnit, signal?: AbortSignal): Promise<UnitPoint[]> {
  const specs = unit.points.map((p) => specAt(sweep, p.coords, p.index));
  return theoryOf(
    unit.points.map((p) => p.index),
    specs,
    unit.ladder ?? null,
    signal,
  );
}
