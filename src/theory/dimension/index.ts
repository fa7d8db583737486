/**
 * The dimension-of-activity theory as a public module (spec 03; Clark, Abbott & Litwin-Kumar 2023; Clark et
 * al. 2024), exported from the package as the namespace `dimension`:
 *
 *   import { dimension } from 'dmftlab';
 *   const p = dimension.prFlow(3);                    // i.i.d. tanh network, continuous time
 *   p.prX, p.prPhi, p.diagnostics.converged           // PR^x/N, PR^phi/N at N -> infinity
 *   dimension.prAtRho(p.pieces, 0.5).prX              // the random-mode model at rho = 0.5, no new solve (5.1)
 *   dimension.prMap(3, 0.1)                           // the Euler map with step delta = 0.1
 *
 * These are the functions behind the dimension rows of `solve(spec)` and `compare(spec)` (model kinds
 * `random` and `randomMode`), for work a spec does not express: curves of PR/N against g or rho, and the
 * single-site correlation functions C^x(tau), C^phi(tau). Odd bounded phi only (tanh, erf); other phi throw
 * `UnsupportedPhiError`. Every result carries diagnostics (residual of the resolution check, converged).
 * Names here are part of the public API: they stay stable.
 */
export { prFlow, prMap, prAtRho, psiDoubleSumFlow, psiDoubleSumMap } from './pr.js';
export type { PrResult, PrPieces, PrOptions, FlowPrOptions, MapPrOptions } from './pr.js';
export { solveFlowDmft, solveMapDmft, flowCorrelations, flowSpectrum, mapSpectrum, UnsupportedPhiError } from './dmft.js';
export type { FlowDmft, MapDmft, FlowDmftOptions, MapDmftOptions, DimensionDiagnostics } from './dmft.js';
export { participationRatio, effectiveRank, modeSpectrum, rhoLimit, couplingRankLimit } from './effective-rank.js';
export type { EffectiveRank } from './effective-rank.js';
export { dimensionFromBlocks } from '../../sim/dimension.js';
export type { DimensionEstimate } from '../../sim/dimension.js';
