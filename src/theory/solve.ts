/** Dispatch of the stationary theory by model kind. */
import type { Spec } from '../spec/types.js';
import { getPhi } from '../phi.js';
import { solveRandom } from './scs.js';
import { solveLowRank } from './lowrank.js';
import { averagerFor } from './averagers.js';
import { solveMultiregion, solveMultiregionAsync } from './multiregion/solve.js';
import type { DmftRunOptions } from './multiregion/dmft-async.js';
import { abortError } from '../sim/simulate.js';
import { solveRandomMode } from './random-mode/solve.js';
import { dimensionTheory } from './dimension/from-spec.js';

export type TheoryResult =
  | ReturnType<typeof solveRandomSpec>
  | ReturnType<typeof solveLowRank>
  | ReturnType<typeof solveMultiregion>
  | ReturnType<typeof solveRandomMode>;

/**
 * Solve with the Gaussian averages in Wasm (when the kernel is up); residuals of low-rank solutions are
 * re-evaluated with the TypeScript reference on a finer rule, an independent route.
 */
export function solveSpec(spec: Spec): TheoryResult {
  const m = spec.model;
  if (m.kind === 'multiregion') return solveMultiregion(m, spec);
  const averager = averagerFor(getPhi(m.phi), spec.theory.quadrature);
  switch (m.kind) {
    case 'randomMode':
      return solveRandomMode(m, spec.theory, { averager, simulation: spec.simulation });
    case 'random':
      return solveRandomSpec(spec, averager);
    case 'lowrank':
      return solveLowRank(m, spec.theory, { averager });
  }
}

/**
 * `solveSpec`, with the multiregion DMFT on up to `run.threads` pool threads (cancellable, with progress);
 * the other kinds solve on the calling thread as `solveSpec` does.
 */
export async function solveSpecAsync(spec: Spec, run: DmftRunOptions = {}): Promise<TheoryResult> {
  const m = spec.model;
  if (m.kind === 'multiregion') return solveMultiregionAsync(m, spec, run);
  if (run.signal?.aborted) throw abortError('theory');
  return solveSpec(spec);
}

/**
 * The SCS theory of a `random` spec; with `simulation.dimension` set, also the dimension of activity (spec 03
 * §3: two-site cavity, i.i.d. couplings), for the simulation's dynamics (src/theory/dimension/from-spec.ts).
 * It is computed only when asked for, because it costs 0.5-2 s.
 */
function solveRandomSpec(spec: Spec, averager: ReturnType<typeof averagerFor>) {
  const m = spec.model;
  if (m.kind !== 'random') throw new Error('solveRandomSpec: model kind random only');
  const base = solveRandom(m, spec.theory, { averager });
  if (!spec.simulation.dimension) return base;
  const { theory: dimension, note } = dimensionTheory(m.g, m.phi, Infinity, spec.simulation);
  return { ...base, dimension, diagnostics: { ...base.diagnostics, notes: [...base.diagnostics.notes, ...(note ? [note] : [])] } };
}
