/** Estimates with standard errors: over contiguous time blocks, and over independent networks. */

export interface Estimate {
  /** Point estimate. */
  mean: number;
  /** Standard error used for verdicts: the network-to-network SE when there are >= 2 networks
   * (it contains the temporal noise and the quenched finite-N spread), else the time-block SE. */
  se: number;
  /** SE from time blocks (pooled over networks: sqrt(sum se_k^2) / K). */
  seTime: number;
  /** SE over networks, sd(network means) / sqrt(K); null for a single network. */
  seNetworks: number | null;
  /** Number of networks. */
  networks: number;
  /** Per-network estimates. */
  perNetwork: number[];
}

export interface BlockEstimate {
  mean: number;
  se: number;
  blockMeans: number[];
}

/** Mean of `x[from..]` and its SE from `blocks` contiguous blocks (the last samples beyond a multiple are dropped). */
export function blockEstimate(x: ArrayLike<number>, blocks: number, from = 0): BlockEstimate {
  const n = x.length - from;
  const B = Math.max(1, Math.min(blocks, n));
  const len = Math.floor(n / B);
  const blockMeans: number[] = [];
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let k = 0; k < len; k++) s += x[from + b * len + k];
    blockMeans.push(s / len);
  }
  const mean = blockMeans.reduce((a, v) => a + v, 0) / B;
  let v = 0;
  for (const m of blockMeans) v += (m - mean) ** 2;
  const se = B > 1 ? Math.sqrt(v / (B - 1) / B) : NaN;
  return { mean, se, blockMeans };
}

/** Combine per-network block estimates into one estimate. */
export function combineNetworks(per: BlockEstimate[]): Estimate {
  const K = per.length;
  const means = per.map((p) => p.mean);
  const mean = means.reduce((a, v) => a + v, 0) / K;
  const seTime = Math.sqrt(per.reduce((a, p) => a + p.se * p.se, 0)) / K;
  let seNetworks: number | null = null;
  if (K >= 2) {
    let v = 0;
    for (const m of means) v += (m - mean) ** 2;
    seNetworks = Math.sqrt(v / (K - 1) / K);
  }
  const se = seNetworks === null ? seTime : Math.max(seNetworks, seTime);
  return { mean, se, seTime, seNetworks, networks: K, perNetwork: means };
}
