/**
 * The theory of a `randomMode` spec (spec 03 §5): single-unit statistics are those of the i.i.d. network
 * with g^2 = (1/N) sum_a D_a^2 (§5.2), so the stationary DMFT is the SCS solver of src/theory/scs.ts; the
 * connectivity structure enters the dimension of activity only, through the effective rank rho = PR^D / N
 * (§5.3, eq. 5.1), computed by the two-site cavity theory of src/theory/dimension/pr.ts.
 *
 * Structured input-output overlaps (§5.5) and single-neuron heterogeneity (§5.4) change the single-site
 * theory itself; their equations are OPEN in spec 03, so such specs are refused here (their simulations run).
 */
import type { RandomModeModel, TheorySettings } from '../../spec/types.js';
import type { Averager } from '../gauss.js';
import { solveRandom } from '../scs.js';
import { prFlow } from '../dimension/pr.js';
import { randomModeSpectrum, effectiveRank } from '../../sim/random-mode.js';

export interface RandomModeDimension {
  /** PR^x / N and PR^phi / N of the flow at this g and rho (spec 03 eq. 5.1). */
  prX: number;
  prPhi: number;
  /** The same for i.i.d. couplings at the same g (rho = infinity). */
  prXiid: number;
  prPhiIid: number;
  diagnostics: { residual: number; iterations: number; converged: boolean; method: string; seconds?: number };
}

/** Solve the theory of a validated randomMode model. */
export function solveRandomMode(model: RandomModeModel, theory: TheorySettings, opts: { averager?: Averager } = {}) {
  if (model.overlap) {
    throw new Error('dmftlab: model.overlap: the theory of input-output overlaps (spec 03 §5.5) is not available (its equations are OPEN in the spec); simulations run');
  }
  if (model.heterogeneity) {
    throw new Error('dmftlab: model.heterogeneity: the dimension theory of heterogeneous gains (spec 03 §5.4) is not available (OPEN in the spec); simulations run');
  }
  const D = randomModeSpectrum(model);
  const rank = effectiveRank(D, model.N);
  const base = solveRandom({ kind: 'random', N: model.N, g: model.g, phi: model.phi }, theory, opts);
  let dimension: RandomModeDimension | null = null;
  const notes: string[] = [];
  if (model.g > 1) {
    const pr = prFlow(model.g, { phi: model.phi, rho: rank.rho });
    const iid = prFlow(model.g, { phi: model.phi });
    dimension = {
      prX: pr.prX,
      prPhi: pr.prPhi,
      prXiid: iid.prX,
      prPhiIid: iid.prPhi,
      diagnostics: {
        residual: Math.max(pr.diagnostics.residual, iid.diagnostics.residual),
        iterations: pr.diagnostics.iterations + iid.diagnostics.iterations,
        converged: pr.diagnostics.converged && iid.diagnostics.converged,
        method: pr.diagnostics.method,
        seconds: (pr.diagnostics.seconds ?? 0) + (iid.diagnostics.seconds ?? 0),
      },
    };
  } else notes.push('no dimension: for g <= 1 the network has no chaotic state (x = 0 is stable)');
  return {
    ...base,
    kind: 'randomMode' as const,
    /** The spectrum's effective rank (spec 03 §5.1): PR^D, rho = PR^D / N, and the limit PR_J / N = 1 / (2 + 1/rho). */
    rank: { modes: D.length, PRD: rank.PRD, rho: rank.rho, couplingRankLimit: 1 / (2 + 1 / rank.rho) },
    dimension,
    diagnostics: { ...base.diagnostics, notes: [...base.diagnostics.notes, ...notes] },
  };
}
