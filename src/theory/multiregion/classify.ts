/**
 * What the two-time DMFT did (spec 02 §6.2, §9 Fig. 5): fixed point, fixed point with chaos, limit cycle,
 * or chaos, read off the normalised two-point function Δ̂^a(t_ref + τ, t_ref) of each region, and the
 * period of a limit cycle from the currents S(t).
 *
 * The rule of spec 02 §9 (the paper's Fig. 5 classification), per region:
 *   - flat slice (standard deviation < 1e-2)                      -> 'fixed-point'
 *   - the slice returns to >= 0.98 at every period it covers       -> 'limit-cycle'
 *   - no peak: a single decay to a positive plateau (> 0.05)       -> 'fixed-point+chaos'
 *   - otherwise (decaying returns, or a decay to ~0)               -> 'chaos' (chaos, or a limit cycle with chaos)
 * "Every period": with the period p of the currents' oscillation (`currentPeriod`), the largest value of
 * the slice within p/4 of each multiple k p (k >= 1) it covers. A non-sinusoidal cycle has secondary local
 * maxima inside a period, so peaks are not counted one by one. Without a period, the returns are the local
 * maxima that rise at least 1e-3 above the preceding minimum (so rounding ripples are not peaks). The slice
 * needs to cover at least one period: the caller picks t_ref and the lag range (solve.ts: the middle of
 * the run, lags up to the window).
 */

export type DmftOutcome = 'fixed-point' | 'fixed-point+chaos' | 'limit-cycle' | 'chaos';

export interface SliceClass {
  outcome: DmftOutcome;
  /** Standard deviation of the slice. */
  std: number;
  /** Heights of the returns after tau = 0 (near each multiple of the period, or the local maxima). */
  peaks: number[];
  /** Mean spacing of the peaks (time units); null with fewer than two. */
  peakSpacing: number | null;
  /** The slice's last value (the plateau for a decay). */
  last: number;
}

/** Thresholds of the rule (spec 02 §9). */
export const CLASSIFY = { flatStd: 1e-2, cyclePeak: 0.98, plateau: 0.05, peakRise: 1e-3 } as const;

/**
 * Classify one normalised slice `y[j]` at lags `tau[j]` (tau[0] = 0); `period`: the currents' period,
 * when they oscillate (then `peaks` holds the slice's maximum near each multiple of it).
 */
export function classifySlice(tau: ArrayLike<number>, y: ArrayLike<number>, period: number | null = null): SliceClass {
  const n = y.length;
  if (n < 3 || tau.length !== n) throw new RangeError(`classifySlice: need matching tau and y of length >= 3, got ${tau.length} and ${n}`);
  let mean = 0;
  for (let j = 0; j < n; j++) mean += y[j];
  mean /= n;
  let v = 0;
  for (let j = 0; j < n; j++) v += (y[j] - mean) ** 2;
  const std = Math.sqrt(v / n);
  const peaks: number[] = [];
  const at: number[] = [];
  const tauMax = tau[n - 1];
  if (period !== null && period > 0 && period <= tauMax) {
    for (let k = 1; k * period <= tauMax; k++) {
      let best = -Infinity;
      let bestAt = 0;
      for (let j = 1; j < n; j++) {
        if (Math.abs(tau[j] - k * period) <= period / 4 && y[j] > best) {
          best = y[j];
          bestAt = tau[j];
        }
      }
      if (best > -Infinity) {
        peaks.push(best);
        at.push(bestAt);
      }
    }
  } else {
    let lastMin = y[0];
    for (let j = 1; j + 1 < n; j++) {
      lastMin = Math.min(lastMin, y[j]);
      if (y[j] >= y[j - 1] && y[j] > y[j + 1] && y[j] - lastMin >= CLASSIFY.peakRise) {
        peaks.push(y[j]);
        at.push(tau[j]);
        lastMin = y[j];
      }
    }
  }
  const peakSpacing = at.length >= 2 ? (at[at.length - 1] - at[0]) / (at.length - 1) : null;
  const last = y[n - 1];
  let outcome: DmftOutcome;
  if (std < CLASSIFY.flatStd) outcome = 'fixed-point';
  else if (peaks.length >= (period !== null ? 1 : 2) && peaks.every((p) => p >= CLASSIFY.cyclePeak)) outcome = 'limit-cycle';
  else if (peaks.length === 0 && last > CLASSIFY.plateau) outcome = 'fixed-point+chaos';
  else outcome = 'chaos';
  return { outcome, std, peaks, peakSpacing, last };
}

/**
 * Period of an oscillation of the currents over the second half of the run: the mean spacing of the
 * upward crossings of its mean by the current with the largest swing; null when nothing oscillates
 * (fewer than three crossings, or a swing below 1e-6).
 */
export function currentPeriod(time: ArrayLike<number>, currents: number[][][]): number | null {
  const n = time.length;
  const from = Math.floor(n / 2);
  let best: number[] | null = null;
  let swing = 0;
  for (const row of currents) {
    for (const s of row) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = from; k < n; k++) {
        lo = Math.min(lo, s[k]);
        hi = Math.max(hi, s[k]);
      }
      if (hi - lo > swing) {
        swing = hi - lo;
        best = s;
      }
    }
  }
  if (!best || swing < 1e-6) return null;
  let mean = 0;
  for (let k = from; k < n; k++) mean += best[k];
  mean /= n - from;
  const ups: number[] = [];
  for (let k = from + 1; k < n; k++) {
    if (best[k - 1] < mean && best[k] >= mean) {
      // linear interpolation of the crossing time
      const w = (mean - best[k - 1]) / (best[k] - best[k - 1]);
      ups.push(time[k - 1] + w * (time[k] - time[k - 1]));
    }
  }
  if (ups.length < 3) return null;
  return (ups[ups.length - 1] - ups[0]) / (ups.length - 1);
}
