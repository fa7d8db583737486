/**
 * The theory of a `randomMode` spec (spec 03 §5): single-unit statistics are those of the i.i.d. network
 * with g^2 = (1/N) sum_a D_a^2 (§5.2), so the stationary DMFT is the SCS solver of src/theory/scs.ts; the
 * connectivity structure enters the dimension of activity only, through the effective rank rho = PR^D / N
 * (§5.3, eq. 5.1), computed by the two-site cavity theory of src/theory/dimension/pr.ts.
 *
 * Structured input-output overlaps (§5.5) and single-neuron heterogeneity (§5.4) change the single-site
 * theory itself; their equations are OPEN in spec 03, so such specs are refused here (their simulations run).
 */
import type { RandomModeModel, SimulationSettings, TheorySettings } from '../../spec/types.js';
import type { Averager } from '../gauss.js';
import { solveRandom } from '../scs.js';
import { dimensionTheory, type DimensionTheory } from '../dimension/from-spec.js';
import { randomModeSpectrum, effectiveRank } from '../../sim/random-mode.js';

/** The dimension of a randomMode spec: see src/theory/dimension/from-spec.ts. */
export type RandomModeDimension = DimensionTheory;

/**
 * Solve the theory of a validated randomMode model. `sim` picks the dynamics of the dimension theory (Euler:
 * the map with delta = dt; Heun, RK4: the flow); default RK4.
 */
export function solveRandomMode(
  model: RandomModeModel,
  theory: TheorySettings,
  opts: { averager?: Averager; simulation?: Pick<SimulationSettings, 'method' | 'dt'> } = {},
) {
  if (model.overlap) {
    throw new Error('dmftlab: model.overlap: the theory of input-output overlaps (spec 03 §5.5) is not available (its equations are OPEN in the spec); simulations run');
  }
  if (model.heterogeneity) {
    throw new Error('dmftlab: model.heterogeneity: the dimension theory of heterogeneous gains (spec 03 §5.4) is not available (OPEN in the spec); simulations run');
  }
  const D = randomModeSpectrum(model);
  const rank = effectiveRank(D, model.N);
  const base = solveRandom({ kind: 'random', N: model.N, g: model.g, phi: model.phi }, theory, opts);
  const { theory: dimension, note } = dimensionTheory(model.g, model.phi, rank.rho, opts.simulation ?? { method: 'rk4', dt: 0.1 });
  const notes = note ? [note] : [];
  return {
    ...base,
    kind: 'randomMode' as const,
    /** The spectrum's effective rank (spec 03 §5.1): PR^D, rho = PR^D / N, and the limit PR_J / N = 1 / (2 + 1/rho). */
    rank: { modes: D.length, PRD: rank.PRD, rho: rank.rho, couplingRankLimit: 1 / (2 + 1 / rank.rho) },
    dimension,
    diagnostics: { ...base.diagnostics, notes: [...base.diagnostics.notes, ...notes] },
  };
}
