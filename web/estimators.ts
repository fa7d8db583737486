/**
 * What the playground estimates from the frames of a stream (no DOM; tests/playground.test.ts runs it on
 * Node): the running population variance since the last change with its statistical band around the
 * theory, and, from a ring of recent states, the autocovariance C(tau) and the participation ratio.
 */
import { blockEstimate } from '../src/stats.js';

/**
 * Network-to-network spread of the time-averaged population variance, as c * Delta0 / sqrt(N). Measured
 * here over 8 networks of N = 1000 (tanh, RK4, dt = 0.1, 150 time units, the first 30 skipped): c = 2.4
 * for the rank-one network of M&O Fig. 1 in its static state (g = 0.8; most of it from the drawn overlap
 * n.m/N, which moves kappa), 0.9 in its chaotic state (g = 2.5), 1.2 for the i.i.d. network at g = 2.
 * One live network cannot measure this quenched part, so the band adds it with the largest c seen.
 */
export const QUENCHED_SPREAD = 2.5;

/** Band half-width in standard errors (a two-sided 3-sigma band, as `compare` uses). */
export const BAND_SIGMAS = 3;

/** Time blocks of the running variance's standard error. */
export const VARIANCE_BLOCKS = 8;

export interface VarianceEstimate {
  /** Frames averaged (those after the settle time), and their time span. */
  frames: number;
  span: number;
  /** Mean population variance over them, and its SE over VARIANCE_BLOCKS time blocks (NaN below 2 per block). */
  mean: number;
  seTime: number;
}

/**
 * The population variance averaged since the last start or parameter change, after `settle` time units.
 * `restart(t)` begins a new epoch (a change of g or of a scale).
 */
export class VarianceTracker {
  private values: number[] = [];
  private tStart = 0;
  private tFirst = NaN;
  private tLast = NaN;

  constructor(private settle: number) {}

  restart(t: number, settle = this.settle): void {
    this.settle = settle;
    this.values = [];
    this.tStart = t;
    this.tFirst = NaN;
    this.tLast = NaN;
  }

  /** Time of the current epoch's start and the time from which frames count. */
  get since(): number {
    return this.tStart;
  }
  get settledFrom(): number {
    return this.tStart + this.settle;
  }

  push(t: number, variance: number): void {
    if (t < this.tStart + this.settle) return;
    if (this.values.length === 0) this.tFirst = t;
    this.tLast = t;
    this.values.push(variance);
  }

  estimate(): VarianceEstimate {
    const n = this.values.length;
    if (n === 0) return { frames: 0, span: 0, mean: NaN, seTime: NaN };
    const enough = n >= 2 * VARIANCE_BLOCKS;
    const est = blockEstimate(this.values, enough ? VARIANCE_BLOCKS : 1);
    // a static state has identical blocks: SE 0 is then correct (the quenched part of the band remains)
    return { frames: n, span: this.tLast - this.tFirst, mean: est.mean, seTime: enough ? est.se : NaN };
  }
}

export interface Band {
  center: number;
  halfWidth: number;
  /** The parts of the half-width before the factor BAND_SIGMAS. */
  seTime: number;
  seQuenched: number;
}

/**
 * The band in which a single network's running variance is expected around the theory's Delta0:
 * BAND_SIGMAS * sqrt(seTime^2 + (QUENCHED_SPREAD * Delta0)^2 / N). NaN half-width until the time SE exists.
 */
export function theoryBand(delta0: number, seTime: number, N: number): Band {
  const seQuenched = (QUENCHED_SPREAD * Math.abs(delta0)) / Math.sqrt(N);
  return { center: delta0, halfWidth: BAND_SIGMAS * Math.sqrt(seTime * seTime + seQuenched * seQuenched), seTime, seQuenched };
}

/** The last `capacity` states (N values each) of a stream, for estimates that need a time window. */
export class StateRing {
  readonly data: Float64Array;
  private count = 0;
  private head = 0; // next slot to write

  constructor(readonly N: number, readonly capacity: number) {
    if (!(Number.isInteger(N) && N >= 1 && Number.isInteger(capacity) && capacity >= 2)) throw new RangeError(`StateRing: N = ${N}, capacity = ${capacity}: need N >= 1 and capacity >= 2`);
    this.data = new Float64Array(N * capacity);
  }

  get length(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
    this.head = 0;
  }

  push(state: ArrayLike<number>): void {
    if (state.length !== this.N) throw new RangeError(`StateRing: a state of ${state.length} values; expected N = ${this.N}`);
    this.data.set(state, this.head * this.N);
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Offset of the k-th oldest state held (k < length). */
  private at(k: number): number {
    return ((this.head - this.count + k + this.capacity) % this.capacity) * this.N;
  }

  /**
   * C(l) = < (1/N) sum_i (x_i(t) - m(t)) (x_i(t + l) - m(t + l)) >_t for l = 0..maxLag frames, m(t) the
   * population mean: the autocovariance the theory's Delta(tau) describes, at tau = l * (frame interval).
   * C(0) is the mean population variance. Lags with no pair in the window are NaN.
   */
  autocovariance(maxLag: number): number[] {
    const { N } = this;
    const T = this.count;
    const means = new Float64Array(T);
    for (let k = 0; k < T; k++) {
      const o = this.at(k);
      let s = 0;
      for (let i = 0; i < N; i++) s += this.data[o + i];
      means[k] = s / N;
    }
    const out: number[] = [];
    for (let l = 0; l <= maxLag; l++) {
      if (l >= T) {
        out.push(NaN);
        continue;
      }
      let acc = 0;
      for (let k = 0; k + l < T; k++) {
        const a = this.at(k);
        const b = this.at(k + l);
        let s = 0;
        for (let i = 0; i < N; i++) s += this.data[a + i] * this.data[b + i];
        acc += s / N - means[k] * means[k + l];
      }
      out.push(acc / (T - l));
    }
    return out;
  }

  /**
   * Participation ratio PR = (tr C)^2 / tr(C^2) of the covariance over the window (each unit centred on its
   * time mean), through the Gram matrix of the centred states: tr C = sum_t G_tt / T and
   * tr C^2 = sum_{s,t} G_st^2 / T^2, so the cost is T^2 N / 2 rather than N^2 T. This is the naive
   * estimator: with T states it is at most T - 1 and biased low while T is not large against the number
   * of correlation times in the window.
   */
  participationRatio(): { pr: number; samples: number } {
    const { N } = this;
    const T = this.count;
    if (T < 3) return { pr: NaN, samples: T };
    const mean = new Float64Array(N);
    for (let k = 0; k < T; k++) {
      const o = this.at(k);
      for (let i = 0; i < N; i++) mean[i] += this.data[o + i];
    }
    for (let i = 0; i < N; i++) mean[i] /= T;
    const xc = new Float64Array(N * T);
    for (let k = 0; k < T; k++) {
      const o = this.at(k);
      for (let i = 0; i < N; i++) xc[k * N + i] = this.data[o + i] - mean[i];
    }
    let trace = 0;
    let frob = 0;
    for (let s = 0; s < T; s++) {
      for (let t = s; t < T; t++) {
        let g = 0;
        for (let i = 0; i < N; i++) g += xc[s * N + i] * xc[t * N + i];
        if (s === t) {
          trace += g;
          frob += g * g;
        } else frob += 2 * g * g;
      }
    }
    return { pr: frob > 0 ? (trace * trace) / frob : NaN, samples: T };
  }
}
