/**
 * Named Philox streams (the third counter word; docs/ARCHITECTURE.md, Determinism). A random
 * quantity is identified by (seed, stream, index); different quantities must use different streams
 * so they never share Philox blocks.
 *
 * | stream                | quantity                                              | index     |
 * |-----------------------|-------------------------------------------------------|-----------|
 * | 1                     | chi (the i.i.d. part of J), entry (i, j)              | i N + j   |
 * | 2                     | multiregion vectors: region b, component c = 0..2P    | (b(2P+1)+c)N + i |
 * | 3                     | multiregion permutations: region a (Rng blocks)       | block a N + k |
 * | 6                     | multiregion J^a (coupling "independent"), entry (i, j) | (a N + i) N + j |
 * | 7                     | multiregion chi (coupling "shared"), entry (i, j)     | i N + j   |
 * | 8 + t, t < 8          | initial condition x0 of trial t                       | i         |
 * | 16 + c                | low-rank joint Gaussian, component c = 0..2R          | unit i    |
 * | 2^24 + t, t >= 8      | initial condition x0 of trial t (no clash with 16 + c)| i         |
 *
 * Streams 0, 4 and 5 are unassigned. Add new ones here and in docs/ARCHITECTURE.md together.
 */

/** chi_ij = gaussian(seed, STREAM_J, i*N + j) (unpadded index). */
export const STREAM_J = 1;
/** Initial conditions of trial 0. */
export const STREAM_INIT = 8;
/** Component c of the per-unit low-rank Gaussian (order m_1..m_R, n_1..n_R, I) uses LOWRANK + c. */
export const STREAM_LOWRANK = 16;
/** Multiregion n, m, v draws (src/sim/multiregion-vectors.ts); STREAM_MULTIREGION + 1: its permutations. */
export const STREAM_MULTIREGION = 2;
export const STREAM_MULTIREGION_PERM = STREAM_MULTIREGION + 1;
/** Initial-condition streams of trials t >= 8 start here (2^24 + t), clear of 16 + c. */
export const STREAM_INIT_EXT = 1 << 24;

/** The stream of the initial condition of trial t (t = 0, 1, ...). */
export function initStream(trial: number): number {
  if (!Number.isInteger(trial) || trial < 0 || trial >= 2 ** 32 - STREAM_INIT_EXT) {
    throw new RangeError(`dmftlab: trial must be a non-negative integer, got ${trial}`);
  }
  return trial < 8 ? STREAM_INIT + trial : STREAM_INIT_EXT + trial;
}

/** The stream of component c of the low-rank joint Gaussian (c = 0..2R). */
export function lowRankStream(c: number): number {
  if (!Number.isInteger(c) || c < 0 || STREAM_LOWRANK + c >= STREAM_INIT_EXT) {
    throw new RangeError(`dmftlab: low-rank component index out of range: ${c}`);
  }
  return STREAM_LOWRANK + c;
}

/** Multiregion, coupling "independent": J^a_ij = (g_a / sqrt N) gaussian(seed, STREAM_MR_J, (a N + i) N + j). */
export const STREAM_MR_J = 6;
/** Multiregion, coupling "shared": chi_ij = gaussian(seed, STREAM_MR_CHI, i N + j) / sqrt N (one matrix). */
export const STREAM_MR_CHI = 7;
