/**
 * Named Philox streams (the third counter word; docs/ARCHITECTURE.md, Determinism). A random
 * quantity is identified by (seed, stream, index); different quantities must use different streams
 * so they never share Philox blocks.
 *
 * | stream                | quantity                                              | index     |
 * |-----------------------|-------------------------------------------------------|-----------|
 * | 0                     | random-mode input gains gamma_i (heterogeneity)       | i         |
 * | 1                     | chi (the i.i.d. part of J), entry (i, j)              | i N + j   |
 * | 2                     | multiregion vectors: region b, component c = 0..2P    | (b(2P+1)+c)N + i |
 * | 3                     | multiregion permutations: region a (Rng blocks)       | block a N + k |
 * | 4                     | random-mode output mode u_a, entry i                  | a N + i   |
 * | 5                     | random-mode input mode w_a (v_a without overlap), entry i | a N + i |
 * | 6                     | multiregion J^a (coupling "independent"), entry (i, j) | (a N + i) N + j |
 * | 7                     | multiregion chi (coupling "shared"), entry (i, j)     | i N + j   |
 * | 8 + t, t < 8          | initial condition x0 of trial t                       | i         |
 * | 16 + c                | low-rank joint Gaussian, component c = 0..2R          | unit i    |
 * | 2^24 + t, t >= 8      | initial condition x0 of trial t (no clash with 16 + c)| i         |
 *
 * Every stream below 8 is assigned. Add new ones here and in docs/ARCHITECTURE.md together.
 *
 * Theory code also draws from Philox for start points, not for networks: the multiregion fixed-point
 * search (src/theory/multiregion/currents.ts, default stream 4) and its eigenvalue perturbation (stream 5).
 * They share numbers with the random-mode draws but are never combined with them in one computation, so
 * no draw of a network is reused; give them their own streams if that changes.
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

/** Random-mode model (src/sim/random-mode.ts): u_a[i] = gaussian(seed, STREAM_RM_U, a N + i) / sqrt N. */
export const STREAM_RM_U = 4;
/** Random-mode model: w_a[j] = gaussian(seed, STREAM_RM_V, a N + j) / sqrt N (v_a = c_a u_a + sqrt(1 - c_a^2) w_a). */
export const STREAM_RM_V = 5;
/** Random-mode model, lognormal heterogeneity: gamma_i = exp(sd z_i - sd^2), z_i = gaussian(seed, STREAM_RM_GAIN, i). */
export const STREAM_RM_GAIN = 0;
