/**
 * The multiregion theory as a public module (spec 02; Clark & Beiran 2025), exported from the package as
 * the namespace `multiregion`:
 *
 *   import { multiregion } from 'dmftlab';
 *   const p = multiregion.multiregionParams(2, T, [1.5, 1.5]);
 *   const run = multiregion.solveMultiregionDmft(p, { dt: 0.05, Nt: 2500, Sinit: [0.5, 0.2, 0.1, 0.7], sigma0: [1, 1] });
 *
 * These are the functions behind `solve(spec)` for model kind `multiregion`, for work that a spec does not
 * express: phase maps over many tensors (Fig. 5), spectra of T-hat along a run (Fig. 6), the pinned-gain
 * curves of Fig. 4. examples/multiregion/ has one script per paper figure that uses them.
 *
 * Conventions (spec 02 §0): flat arrays, T[(a P + b) P + c] = <n^{ab} m^{bc}>, U likewise, currents
 * S[a P + b] from region b into region a; phi = erf(sqrt(pi) x / 2). Every function validates its arguments
 * and throws a RangeError naming the argument. Names here are part of the public API: they stay stable.
 *
 * The Wasm kernel of the two-time DMFT is used after `init()` (or any call of simulate / solve / compare);
 * before that `solveMultiregionDmft` runs the TypeScript reference (same recursion, same results up to
 * rounding; `diagnostics.engine` says which ran).
 */
import { Rng } from '../../core/rng.js';

// ---- parameters

/** Parameters of the theory (P, T, U, g, optional G2 cross-region disorder, V input overlaps, v2). */
export type { MultiregionParams, InputSchedule } from './types.js';
/**
 * `multiregionParams(P, T, g, extra?)`: parameters with U = identity per region, no cross-region disorder
 * and no input unless given in `extra`. `identityU(P)`: the flat U with U[a] = I for every a.
 */
export { multiregionParams, identityU } from './types.js';
/** Flat parameters and input schedule of a validated multiregion spec model (`parseSpec(spec).model`). */
export { multiregionParamsFromModel, inputScheduleFromModel } from './from-spec.js';

// ---- the two-time DMFT (spec 02 §3)

/**
 * `solveMultiregionDmft(params, { dt, Nt, Sinit, sigma0, window?, refSteps?, input?, triangle?, checkWindow? })`:
 * currents S[k], drives H[k], gains psi[k], variances D[k] on t_k = k dt, and two-time slices
 * Delta^a(t_r + tau, t_r) (raw and normalised) at the reference steps (explicit Euler, spec 02 §3.2).
 */
export { solveMultiregionDmft } from './dmft.js';
export { solveMultiregionDmftAsync, type DmftRunOptions } from './dmft-async.js';
export type { MultiregionDmftOptions, MultiregionDmftResult, DmftSlice, DmftTriangle, WindowCheck } from './dmft.js';

/**
 * `classifySlice(tau, slice, period?)`: 'fixed-point' | 'fixed-point+chaos' | 'limit-cycle' | 'chaos' from a
 * normalised two-point slice (spec 02 §9 rule; four outcomes: a limit cycle with chaos counts as 'chaos');
 * `currentPeriod(time, currents)`: the period of oscillating currents, or null. (examples/multiregion/common.mjs
 * has the paper's five-category variant used by fig5.mjs.)
 */
export { classifySlice, currentPeriod, CLASSIFY } from './classify.js';
export type { DmftOutcome, SliceClass } from './classify.js';

// ---- stationary states with disorder (spec 02 §4)

/**
 * `solveStationary(params, starts, opts?)`: current fixed points with their per-region stationary states
 * (static or chaotic: Delta0, Delta_inf, gain, margin), by Newton from each start (e.g. a DMFT end state).
 * `solveRegion(A, g)`: one region's stationary state for structured variance A. `staticDelta0(A, g)`,
 * `chaosOnlyDelta0(g)` (§4.3), `staticStabilityMargin(g, Delta0)` = g^2 (1 + pi Delta0)^(-1/2) (§4.2),
 * `stationaryResiduals(...)`, `branchOnsetEpsilon(g, Delta0)`.
 * `stationaryAutocovariance({ A, g, delta0, deltaInf }, taus)`: Delta(tau) of the energy picture
 * Delta'' = -V'(Delta) (§4.1, Fig. 4b).
 */
export {
  solveStationary,
  solveRegion,
  staticDelta0,
  chaosOnlyDelta0,
  staticStabilityMargin,
  stationaryResiduals,
  stationaryAutocovariance,
  regionPotentialGaps,
  branchOnsetEpsilon,
} from './stationary.js';
export type {
  Regime,
  RegionSolution,
  StationaryOptions,
  StationarySolution,
  StationaryResult,
  StationaryResiduals,
  RegionState,
  AutocovarianceOptions,
  AutocovarianceResult,
} from './stationary.js';

// ---- symmetric effective interactions (spec 02 §5, Figs. 3-4)

/**
 * `couplingFromAB(a, b, signs?)`: c = u u^T + diag(a - b), u_a = signs_a sqrt(b_a) (flat P x P);
 * `symmetricT(c, P)`: T[a][b][c'] = delta_{a c'} c[a][b]; `symmetricParams(c, P, g)`;
 * `pinnedGain(beff, g)`: the pinned-gain state of one region (§5.2: regime, sqrt(A), Delta0, Delta_inf);
 * `pairFixedPoint(c01, g)`: the P = 2 fixed point; `fig4aCurves(bs?, gs?)`: sqrt(A)(g) per b (Fig. 4a).
 */
export { symmetricT, couplingFromAB, symmetricParams, pinnedGain, pairFixedPoint, fig4aCurves } from './symmetric.js';
export type { PinnedRegime, PinnedGainResult, PairFixedPoint, Fig4aCurve } from './symmetric.js';

// ---- the hat matrices, their spectra and the outcome prediction (spec 02 §6)

/**
 * `hatT(params, psi?)`: T-hat (or T-hat_psi) as a P^2 x P^2 matrix; `hatU(params)`;
 * `hatSpectrum(params, psi?)`: eigenvalues by decreasing real part and the rightmost one (`leading`);
 * `predictOutcome(params)`: 'quiescent' | 'chaos' | 'fixed-point' | 'limit-cycle' from the leading
 * eigenvalue at the current-free gains (a heuristic; the DMFT decides).
 */
export { hatT, hatU, hatSpectrum, predictOutcome } from './hat.js';
export type { HatSpectrum, PredictedOutcome, OutcomePrediction } from './hat.js';

// ---- disorder-free currents (spec 02 §2.5)

/**
 * `integrateCurrents(params, S0, opts?)`: Euler on dS/dt = -S + H(S) with g = 0 (optional constant input);
 * `findCurrentFixedPoints(params, opts?)`: fixed points from many random starts, polished, with their
 * Jacobian stability; `currentDrive`, `structuredVariance`, `currentJacobian`, `currentStability`,
 * `currentResidual`, `polishCurrents`.
 */
export {
  integrateCurrents,
  findCurrentFixedPoints,
  currentDrive,
  structuredVariance,
  currentJacobian,
  currentStability,
  currentResidual,
  polishCurrents,
} from './currents.js';
export type { IntegrateCurrentsOptions, CurrentTrajectory, FindFixedPointsOptions, CurrentFixedPoint, FixedPointSearchResult, CurrentStability } from './currents.js';

// ---- attractor manifolds (spec 02 §5.3)

/**
 * `crossCurrentSystem(a, b, g?)`: the linear system C x = A of the squared cross-currents;
 * `attractorPolytope(C, A)`: dimension, fracture variables and vertices of {x >= 0 : C x = A};
 * `attractorDimensionFromPoints(xs)`: the numerical dimension of a set of fixed points;
 * `crossPairs(P)`, `squaredCrossCurrents(P, S)`, `crossCurrentMatrix(b)`.
 */
export { crossPairs, squaredCrossCurrents, crossCurrentMatrix, crossCurrentSystem, attractorPolytope, attractorDimensionFromPoints } from './attractor.js';
export type { PolytopeResult } from './attractor.js';

// ---- Gaussian integrals of phi = erf (spec 02 §2.4)

/**
 * `gainPsi(D)` = (1 + pi D / 2)^(-1/2), `gainPsiInverse(psi)`, `meanDphiSq(D)`, `phiCorr(D0, D)` = C(D0, D),
 * `phiCorrF(D1, D2, D12)`, `localEnergy(D, D0, A, g)` = V(D) of §4.1.
 */
export { gainPsi, gainPsiInverse, meanDphiSq, phiCorr, phiCorrF, localEnergy } from './toolbox.js';

// ---- seeded random numbers for user-side draws

/** A seeded generator: `.uniform()` in (0, 1], `.normal()` standard Gaussian, `.state` (next block). */
export type { Rng } from '../../core/rng.js';

/**
 * A seeded random generator for draws in user code (random tensors, initial currents): dmftlab's
 * counter-based Philox4x32-10 with a Box–Muller transform, so the same (seed, stream) gives the same numbers
 * on every runtime. The default stream 0 is not used by the simulator; seed must be an integer in [0, 2^53).
 * (This is not numpy's generator: the paper's numpy seeds cannot be reproduced with it.)
 */
export function seededRng(seed: number, stream = 0): Rng {
  return new Rng(seed, stream);
}
