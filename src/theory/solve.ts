/** Dispatch of the stationary theory by model kind. */
import type { Spec } from '../spec/types.js';
import { getPhi } from '../phi.js';
import { solveRandom } from './scs.js';
import { solveLowRank } from './lowrank.js';
import { averagerFor } from './averagers.js';
import { solveMultiregion } from './multiregion/solve.js';
import { solveRandomMode } from './random-mode/solve.js';

export type TheoryResult =
  | ReturnType<typeof solveRandom>
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
      return solveRandomMode(m, spec.theory, { averager });
    case 'random':
      return solveRandom(m, spec.theory, { averager });
    case 'lowrank':
      return solveLowRank(m, spec.theory, { averager });
  }
}
