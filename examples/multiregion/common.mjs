// Helpers shared by the figure scripts of examples/multiregion/ (Clark & Beiran 2025, Figs. 3-6 and the
// input-switch figure): the generic ones of examples/lib.mjs, re-exported, and the classification of a
// normalised two-point slice (spec 02 §9), used by fig5.mjs and fig6.mjs.
export { QUICK, elapsed, writeFigure, finish, linspace, fmt } from '../lib.mjs';

// ---------------------------------------------------------------------------------------------------------
// Classification of the normalised two-point function Delta^(t_r + tau, t_r) of a DMFT run (spec 02 §9,
// the categories of the paper's Fig. 5). The rules, in order:
//   1. flat (standard deviation < 1e-2)                                 -> fixed point       'FP'
//   2. the peaks: lag 0, then every interior local maximum (one within 10 steps of lag 0 is merged with it)
//   3. a second peak >= 0.98 (or the 2nd and 3rd both >= 0.97)          -> limit cycle        'LC'
//   4. only the lag-0 peak, or exactly one interior peak, and the slice
//      ends on a positive plateau (> 0.05)                               -> fixed point + chaos 'FP+chaos'
//   5. no interior peak, or peaks that keep decaying (the last but one
//      more than 5 % above the last), or only two peaks in all         -> chaos              'chaos'
//   6. otherwise: peaks that persist below 0.98                         -> limit cycle + chaos 'LC+chaos'
// Rule 5 also takes the slow transients of currents that die out. The slice should be long (the paper's
// Fig. 5: 1667 steps of 0.05 at the 3rd of 6 reference times of a 2500-step run).

/** Categories in the order of the heatmap codes (-2 .. 2) of fig5.mjs. */
export const CATEGORIES = ['LC', 'LC+chaos', 'chaos', 'FP+chaos', 'FP'];

/** One category (see above) for a normalised slice (array of numbers, lag 0 first). */
export function classifySlice(x) {
  const n = x.length;
  let mean = 0;
  for (const v of x) mean += v / n;
  let v2 = 0;
  for (const v of x) v2 += (v - mean) ** 2 / n;
  if (Math.sqrt(v2) < 1e-2) return 'FP';
  const peaks = [x[0]];
  for (let i = 1; i + 1 < n; i++) {
    if (x[i] > x[i - 1] && x[i] > x[i + 1]) {
      if (i < 10) peaks[0] = Math.max(peaks[0], x[i]);
      else peaks.push(x[i]);
    }
  }
  const last = x[n - 1];
  if (peaks.length >= 2 && peaks[1] >= 0.98) return 'LC';
  if (peaks.length >= 3 && peaks[1] >= 0.97 && peaks[2] >= 0.97) return 'LC';
  if (peaks.length <= 2 && last > 0.05) return 'FP+chaos';
  if (peaks.length <= 2) return 'chaos';
  if (peaks[peaks.length - 2] > 1.05 * peaks[peaks.length - 1]) return 'chaos';
  return 'LC+chaos';
}

/** The most frequent category of a list (ties: the first in CATEGORIES order), and the Shannon entropy (bits). */
export function modeAndEntropy(labels) {
  const counts = new Map(CATEGORIES.map((c) => [c, 0]));
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let mode = null;
  let best = -1;
  let H = 0;
  for (const [c, k] of counts) {
    if (k > best) {
      best = k;
      mode = c;
    }
    if (k > 0) {
      const p = k / labels.length;
      H -= p * Math.log2(p);
    }
  }
  return { mode, entropy: H, counts: Object.fromEntries(counts) };
}
