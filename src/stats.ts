/** Estimates with standard errors: over contiguous time blocks, and over independent networks. */

export interface Estimate {
  /** Point estimate. */
  mean: number;
  /** Standard error used for verdicts: the larger of `seNetworks` (>= 2 networks; it contains the
   * temporal noise and the quenched finite-N spread) and `seTime`; `seTime` alone for one network. */
  se: number;
  /** SE from time blocks (pooled over networks: sqrt(sum se_k^2) / K). */
  seTime: number;
  /** SE over networks, sd(network means) / sqrt(K); null for a single network. */
  seNetworks: number | null;
  /** Number of networks. */
  networks: number;
  /** Degrees of freedom of the verdict: networks - 1 with two or more networks (the quenched spread is
   * measured by the network spread only), else the number of blocks minus one. */
  dof: number;
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

/**
 * One network's estimate from its trials (independent trajectories on the same J, `simulation.trials`): the
 * mean of the trial means, and the SE of the pooled blocks (all trials' time blocks, blocks x trials of
 * them; blocks of different trials are independent, blocks of one trial nearly so). A single trial is
 * returned as it is.
 */
export function poolTrials(per: BlockEstimate[]): BlockEstimate {
  if (per.length === 1) return per[0];
  if (per.length === 0) throw new RangeError('dmftlab: poolTrials: no trials');
  const blockMeans = per.flatMap((p) => p.blockMeans);
  const mean = per.reduce((a, p) => a + p.mean, 0) / per.length;
  const B = blockMeans.length;
  const bm = blockMeans.reduce((a, v) => a + v, 0) / B;
  let v = 0;
  for (const m of blockMeans) v += (m - bm) ** 2;
  return { mean, se: B > 1 ? Math.sqrt(v / (B - 1) / B) : NaN, blockMeans };
}

/** Combine per-network block estimates into one estimate. */
export function combineNetworks(per: BlockEstimate[]): Estimate {
  const K = per.length;
  const means = per.map((p) => p.mean);
  const mean = means.reduce((a, v) => a + v, 0) / K;
  // NaN when the per-network estimates carry no block SE (e.g. one number per network)
  const seTime = Math.sqrt(per.reduce((a, p) => a + p.se * p.se, 0)) / K;
  let seNetworks: number | null = null;
  if (K >= 2) {
    let v = 0;
    for (const m of means) v += (m - mean) ** 2;
    seNetworks = Math.sqrt(v / (K - 1) / K);
  }
  const fromNetworks = seNetworks !== null && !(seNetworks < seTime);
  const se = fromNetworks ? seNetworks! : seTime;
  // With K >= 2 the quenched finite-N spread is measured by the network spread alone, with K - 1 degrees of
  // freedom. When seNetworks falls below seTime (by chance, with few networks), se is seTime, but the
  // verdict keeps K - 1 degrees of freedom: seTime says nothing about the quenched spread, so its many
  // block degrees of freedom would overstate what is known.
  const dof = K >= 2 ? K - 1 : per.reduce((a, p) => a + Math.max(0, p.blockMeans.length - 1), 0);
  return { mean, se, seTime, seNetworks, networks: K, dof, perNetwork: means };
}

// ---------------------------------------------------------------------------------------------
// Student-t critical values, for verdicts with few networks or blocks

/** log Gamma(x) for x > 0: recurrence up to x >= 15, then the Stirling series (error < 1e-15). */
export function logGamma(x: number): number {
  let shift = 0;
  while (x < 15) {
    shift += Math.log(x);
    x += 1;
  }
  const z = 1 / (x * x);
  // Stirling: (x - 1/2) log x - x + log(2 pi)/2 + 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7)
  const series = (1 / x) * (1 / 12 - z * (1 / 360 - z * (1 / 1260 - z / 1680)));
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

/**
 * Regularised incomplete beta I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * 1/(1 + d1/(1 + d2/(1 + ...))),
 * d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)), d_{2m} = m (b-m) x / ((a+2m-1)(a+2m)),
 * evaluated with the modified Lentz method; the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) keeps x in the
 * fast-converging range.
 */
export function betaIncReg(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - betaIncReg(1 - x, b, a);
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b))) / a;
  const tiny = 1e-300;
  const clamp = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let C = 1;
  let D = 1 / clamp(1 - ((a + b) * x) / (a + 1)); // d1 folded into the first denominator
  let h = D;
  for (let m = 1; m <= 500; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    D = 1 / clamp(1 + even * D);
    C = clamp(1 + even / C);
    h *= D * C;
    const odd = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    D = 1 / clamp(1 + odd * D);
    C = clamp(1 + odd / C);
    const del = D * C;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return front * h;
}

/** Two-sided tail P(|T| > t) of Student's t with `dof` degrees of freedom. */
export function studentTwoSidedTail(t: number, dof: number): number {
  return betaIncReg(dof / (dof + t * t), dof / 2, 0.5);
}

/** The t with P(|T| > t) = alpha (bisection on a monotone tail; exact to 1e-12 relative). */
export function studentCritical(alpha: number, dof: number): number {
  if (!(dof > 0)) return NaN;
  let lo = 0;
  let hi = 1;
  while (studentTwoSidedTail(hi, dof) > alpha) hi *= 2;
  for (let k = 0; k < 200 && hi - lo > 1e-12 * hi; k++) {
    const mid = 0.5 * (lo + hi);
    if (studentTwoSidedTail(mid, dof) > alpha) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
