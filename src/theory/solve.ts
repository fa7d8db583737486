/** Dispatch of the stationary theory by model kind. */
import type { Spec } from '../spec/types.js';
import { solveRandom } from './scs.js';
import { solveLowRank } from './lowrank.js';

export type TheoryResult = ReturnType<typeof solveRandom> | ReturnType<typeof solveLowRank>;

export function solveSpec(spec: Spec): TheoryResult {
  const m = spec.model;
  switch (m.kind) {
    case 'random':
      return solveRandom(m, spec.theory);
    case 'lowrank':
      return solveLowRank(m, spec.theory);
  }
}
