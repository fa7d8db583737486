/**
 * Dimension of activity from a simulation (spec 03 §4): the participation ratio PR = (Tr C)^2 / Tr(C^2) of
 * the covariance of x (or of phi(x)), from block covariance sums that the kernel accumulates without
 * storing trajectories (assembly/sim.ts and, over all P N units of a multiregion network, assembly/mrsim.ts,
 * accumulateCovariance: per block b, the lower triangle of S_b = sum_t a(t) a(t)^T and the block sum of a).
 *
 *   naive (§4.2):        C-hat over all samples; PR_naive = (Tr C-hat)^2 / Tr(C-hat^2), biased low by
 *                        estimation noise (Tr C-hat^2 picks up N^2 noise terms);
 *   cross-block (§4.3):  C_b = S_b / n - m m^T with the pooled mean m; T = mean_b Tr C_b,
 *                        G = mean over b != b' of Tr(C_b C_b'); PR_cross / N = T^2 / (N G); the noise of
 *                        different blocks does not multiply, so it is unbiased for independent blocks;
 *   jackknife:           PR_(-b) from the other B - 1 blocks, SE^2 = (B - 1)/B sum_b (PR_(-b) - mean)^2.
 *
 * Everything goes through the B x B Gram matrix G_bb' = Tr(C_b C_b') (one pass over the B lower triangles
 * per pair); no N^2 x N^2 object is formed. The leave-one-out replicates keep the pooled mean of all
 * blocks (its effect is O(1/T), spec 03 §4.3).
 */
import type { Estimate } from '../stats.js';

export interface DimensionEstimate {
  /** Which activity: 'x' or 'phi'. */
  variable: 'x' | 'phi';
  /** Cross-block estimate PR/N (unbiased for independent blocks) and its jackknife SE. */
  prCross: number;
  prCrossSE: number;
  /** Naive estimate PR/N over all samples (biased low; for reference). */
  prNaive: number;
  /** Tr C / N: the single-unit variance (the DMFT's C^a(0); a check). */
  variance: number;
  /** Blocks and samples per block that went in. */
  blocks: number;
  samplesPerBlock: number;
  /**
   * Present when the cross-block estimate is not a dimension (not in (0, 1]): the mean product of different
   * blocks' covariances is dominated by noise (blocks much shorter than the activity's correlation time, or
   * activity without temporal fluctuations, e.g. at a fixed point).
   */
  note?: string;
}

/**
 * Estimates from the kernel's sums: `S` holds B blocks of `rows` rows of stride `ld` (lower triangles of
 * sum a a^T), `sums` holds B rows of stride `ld` (block sums of a); each block has `n` samples.
 * `units` = [u0, u1) restricts the estimate to the covariance of those units (the diagonal block of the
 * same sums, e.g. one region of a multiregion network: PR / (u1 - u0)); default all `rows` units.
 */
export function dimensionFromBlocks(
  S: Float64Array,
  sums: Float64Array,
  rows: number,
  ld: number,
  B: number,
  n: number,
  variable: 'x' | 'phi',
  units: readonly [number, number] = [0, rows],
): DimensionEstimate {
  if (B < 2) throw new RangeError(`dmftlab: dimension: need at least 2 covariance blocks (simulation.blocks), got ${B}`);
  if (n < 1) throw new RangeError('dmftlab: dimension: the blocks hold no samples (raise simulation.tMeasure)');
  const [u0, u1] = units;
  if (!(Number.isInteger(u0) && Number.isInteger(u1) && 0 <= u0 && u0 < u1 && u1 <= rows)) {
    throw new RangeError(`dmftlab: dimension: units [${u0}, ${u1}) is not a non-empty range of the ${rows} units`);
  }
  if (ld < rows || S.length < B * rows * ld || sums.length < B * ld) {
    throw new RangeError(`dmftlab: dimension: the sums are too short for ${B} blocks of ${rows} rows of stride ${ld}`);
  }
  const N = u1 - u0;
  // pooled mean over all blocks (unit u0 + i at i)
  const m = new Float64Array(N);
  for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) m[i] += sums[b * ld + u0 + i];
  for (let i = 0; i < N; i++) m[i] /= B * n;
  // C_b = S_b / n - m m^T (lower triangles), stored row by row
  const C: Float64Array[] = [];
  const tr = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    const c = new Float64Array((N * (N + 1)) / 2);
    let k = 0;
    const base = b * rows * ld + u0 * ld + u0;
    for (let i = 0; i < N; i++) {
      const row = base + i * ld;
      for (let j = 0; j <= i; j++) c[k++] = S[row + j] / n - m[i] * m[j];
      tr[b] += c[k - 1];
    }
    C.push(c);
  }
  // Gram matrix G_bb' = Tr(C_b C_b') = sum_i diag products + 2 sum_{i > j} off-diagonal products
  const G = new Float64Array(B * B);
  for (let b = 0; b < B; b++) {
    for (let e = b; e < B; e++) {
      const x = C[b];
      const y = C[e];
      let diag = 0;
      let off = 0;
      let k = 0;
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < i; j++, k++) off += x[k] * y[k];
        diag += x[k] * y[k];
        k++;
      }
      G[b * B + e] = G[e * B + b] = diag + 2 * off;
    }
  }
  const cross = (keep: (b: number) => boolean) => {
    let t = 0;
    let g = 0;
    let nb = 0;
    for (let b = 0; b < B; b++) {
      if (!keep(b)) continue;
      nb++;
      t += tr[b];
      for (let e = 0; e < B; e++) if (e !== b && keep(e)) g += G[b * B + e];
    }
    t /= nb;
    g /= nb * (nb - 1);
    return (t * t) / (N * g);
  };
  const prCross = cross(() => true);
  let prCrossSE = NaN;
  if (B >= 3) {
    const reps = Array.from({ length: B }, (_, b) => cross((e) => e !== b));
    const mean = reps.reduce((a, v) => a + v, 0) / B;
    prCrossSE = Math.sqrt(((B - 1) / B) * reps.reduce((a, v) => a + (v - mean) ** 2, 0));
  }
  let trAll = 0;
  let gAll = 0;
  for (let b = 0; b < B; b++) {
    trAll += tr[b];
    for (let e = 0; e < B; e++) gAll += G[b * B + e];
  }
  trAll /= B;
  gAll /= B * B;
  const est: DimensionEstimate = { variable, prCross, prCrossSE, prNaive: (trAll * trAll) / (N * gAll), variance: trAll / N, blocks: B, samplesPerBlock: n };
  if (!(prCross > 0 && prCross <= 1)) {
    est.note =
      `the cross-block PR/N ${prCross} is outside (0, 1]: the products of different blocks' covariances are dominated by noise ` +
      `(${n} samples per block; raise simulation.tMeasure or lower simulation.blocks), or the activity has no temporal fluctuations (variance ${trAll / N})`;
  }
  return est;
}

/**
 * The cross-block PR/N of several networks as one estimate (src/stats.ts `Estimate`): the mean over
 * networks; SE = the larger of the SE over networks (the quenched finite-N spread, spec 03 §4.4, with K - 1
 * dof) and the pooled jackknife SE; one network: its jackknife SE with blocks - 1 dof.
 */
export function combineDimension(per: DimensionEstimate[]): Estimate & { variable: 'x' | 'phi' } {
  const K = per.length;
  if (K === 0) throw new RangeError('dmftlab: dimension: no networks to combine');
  const means = per.map((d) => d.prCross);
  const mean = means.reduce((a, v) => a + v, 0) / K;
  const seTime = Math.sqrt(per.reduce((a, d) => a + d.prCrossSE * d.prCrossSE, 0)) / K;
  let seNetworks: number | null = null;
  if (K >= 2) seNetworks = Math.sqrt(means.reduce((a, v) => a + (v - mean) ** 2, 0) / (K - 1) / K);
  const se = seNetworks !== null && !(seNetworks < seTime) ? seNetworks : seTime;
  return { variable: per[0].variable, mean, se, seTime, seNetworks, networks: K, dof: K >= 2 ? K - 1 : per[0].blocks - 1, perNetwork: means };
}
