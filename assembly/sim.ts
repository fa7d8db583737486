// Time stepping of dx/dt = -x + g chi phi(x) + sum_r m_r kappa_r + I with in-kernel observables.
//
// All parameters and buffer addresses live in a context block of f64 slots that JS fills
// (src/sim/layout.ts mirrors the slot numbers below). A call `simSteps(ctx, tid, nThreads, k0, k1)`
// advances steps [k0, k1) for the rows of thread `tid`; threads meet at an atomic barrier once per
// right-hand-side evaluation. Every sum over units is taken in fixed blocks of BLOCK units combined in
// block order, so results do not depend on the number of threads.

import { phiVecF64, phiVecF64toF32 } from "./phi";
import { matvecF64, matvecF32, matmulTrialsF32, matmulTrialsF64, packTrials, blockDots } from "./linalg";
import { cf, ci, cp } from "./context";
import { covarianceRows } from "./covariance";

export const BLOCK: i32 = 256;
/** Bytes of one context block (src/sim/layout.ts CONTEXT_SLOTS f64 slots); trials' contexts are consecutive. */
const CTX_BYTES: usize = 48 << 3;

// context slots (f64 each)
const C_N = 0;
const C_LD = 1; // padded length / row stride (multiple of 8)
const C_R = 2; // low rank (0 for none)
const C_PHI = 3; // phi code; -1 = evaluated in JS through the `env.phiCustom` import
const C_F32 = 4; // 1 = f32 couplings and f32 phi buffer
const C_METHOD = 5; // 0 euler, 1 rk4, 2 heun
const C_DT = 6;
const C_DENSE = 7; // 1 = dense random part present (J pre-scaled by g / sqrt(N))
const C_J = 8;
const C_X = 9;
const C_XS = 10; // stage state (rk4)
const C_ACC = 11; // rk4 accumulator
const C_T0 = 12; // phi buffers, two parities
const C_T1 = 13;
const C_Y = 14; // J t
const C_M = 15; // R vectors of stride LD
const C_NV = 16; // R vectors of stride LD
const C_I = 17; // input vector, 0 = none
const C_KPART = 18; // 2 parities x R x nBlocks
const C_NBLK = 19;
const C_BURN = 20; // steps before the first sample
const C_STRIDE = 21; // steps between samples
const C_NSAMP = 22;
const C_NLAG = 23;
const C_LAGS = 24; // nLag lags in samples (f64 slots)
const C_H = 25; // history slots (max lag + 1)
const C_HIST = 26; // H x LD
const C_XSUM = 27; // per-unit sum of sampled x
const C_OPART = 28; // 2 parities x nBlocks x (2 + nLag)
const C_SMEAN = 29; // nSamp
const C_SM2 = 30; // nSamp: (1/N) sum x^2
const C_SAC = 31; // nSamp x nLag: (1/N) sum_i x_i(s) x_i(s - lag)
const C_SKAP = 32; // nSamp x R
const C_NTR = 33;
const C_TRIDX = 34; // nTr unit indices (f64 slots)
const C_TRACE = 35; // nSamp x nTr
const C_BAR = 36; // barrier: i32 words count, generation, abort request, 2 abort decisions
const C_SCR = 37; // per-thread scratch, 64 f64 each (kappa)
const C_GSCALE = 38; // multiplier of the dense part (1 = as built)
const C_XSQ = 39; // per-unit sum of sampled x^2 (0 = none)
const C_COV = 40; // block covariance sums: nCovBlocks x N x LD f64, lower triangle of sum a a^T (0 = none)
const C_COVSUM = 41; // block sums of a: nCovBlocks x LD f64
const C_COVSPB = 42; // samples per covariance block
const C_COVNB = 43; // number of covariance blocks
const C_COVVAR = 44; // a = x (0) or a = phi(x) (1)
const C_COVS0 = 45; // samples of earlier trials: sample s of this context is sample COVS0 + s of the covariance blocks
const C_TPACK = 46; // batched trials (context 0 only): the interleaved phi values, two parities of ld x KP elements
const C_KP = 47; // batched trials (context 0 only): K rounded up to a multiple of 4


// JS-evaluated phi for user-registered nonlinearities: dst[k] = phi(src[k]), k < n; f32 = 1 stores f32.
@external("env", "phiCustom")
declare function phiCustom(src: usize, dst: usize, n: i32, f32: i32): void;

/** Atomic barrier over `n` threads: word 0 counts arrivals, word 1 is the generation. */
export function barrier(bar: usize, n: i32): void {
  if (n <= 1) return;
  const gen = atomic.load<i32>(bar, 4);
  if (atomic.add<i32>(bar, 1) == n - 1) {
    atomic.store<i32>(bar, 0);
    atomic.add<i32>(bar, 1, 4);
    atomic.notify(bar + 4, n);
  } else {
    while (atomic.load<i32>(bar, 4) == gen) atomic.wait<i32>(bar + 4, gen, -1);
  }
}

/** First block of thread `tid` among `n` (rows are split on block boundaries). */
// @ts-ignore: decorator
@inline
function blockStart(nBlocks: i32, tid: i32, n: i32): i32 {
  return <i32>((<i64>nBlocks * <i64>tid) / <i64>n);
}

// Phase A for rows of blocks [b0, b1): phi buffer, kappa partials, and (when sampling) observables.
function phaseA(ctx: usize, src: usize, par: i32, b0: i32, b1: i32, sample: i32): void {
  const N = ci(ctx, C_N);
  const ld = ci(ctx, C_LD);
  const R = ci(ctx, C_R);
  const kind = ci(ctx, C_PHI);
  const f32 = ci(ctx, C_F32);
  const nB = ci(ctx, C_NBLK);
  const i0 = b0 * BLOCK;
  const i1 = min(b1 * BLOCK, N);
  if (i1 <= i0) return;
  const t = cp(ctx, par ? C_T1 : C_T0);
  const n = i1 - i0;
  if (kind < 0) {
    phiCustom(src + (<usize>i0 << 3), t + (<usize>i0 << (f32 ? 2 : 3)), n, f32);
  } else if (f32) {
    phiVecF64toF32(kind, src + (<usize>i0 << 3), t + (<usize>i0 << 2), n);
  } else {
    phiVecF64(kind, src + (<usize>i0 << 3), t + (<usize>i0 << 3), n);
  }
  if (R > 0) {
    const kpart = cp(ctx, C_KPART) + (<usize>(par * R * nB) << 3);
    blockDots(cp(ctx, C_NV), R, ld, t, f32, N, BLOCK, b0, b1, nB, kpart);
  }
  if (sample < 0) return;

  // observables at sample index `sample` (src is the state x)
  const nLag = ci(ctx, C_NLAG);
  const H = ci(ctx, C_H);
  const hist = cp(ctx, C_HIST);
  const lags = cp(ctx, C_LAGS);
  const q = 2 + nLag;
  const opart = cp(ctx, C_OPART) + (<usize>((sample & 1) * nB * q) << 3);
  const slot = sample % H;
  const hd = hist + (<usize>(slot * ld) << 3);
  for (let b = b0; b < b1; b++) {
    const s = b * BLOCK;
    const e = min(s + BLOCK, N);
    let s1: f64 = 0, s2: f64 = 0;
    for (let i = s; i < e; i++) {
      const xi = load<f64>(src + (<usize>i << 3));
      s1 += xi;
      s2 += xi * xi;
      // the current state enters the history first, so lag 0 pairs x(s) with itself (H > max lag)
      store<f64>(hd + (<usize>i << 3), xi);
    }
    const ob = opart + (<usize>(b * q) << 3);
    store<f64>(ob, s1);
    store<f64>(ob, s2, 8);
    for (let l = 0; l < nLag; l++) {
      const lag = <i32>load<f64>(lags + (<usize>l << 3));
      let acc: f64 = 0;
      if (lag <= sample) {
        const hs = hist + (<usize>(((sample - lag) % H) * ld) << 3);
        for (let i = s; i < e; i++) acc += load<f64>(src + (<usize>i << 3)) * load<f64>(hs + (<usize>i << 3));
      }
      store<f64>(ob + (<usize>(2 + l) << 3), acc);
    }
  }
  // per-unit sums and traces (own rows only)
  const xsum = cp(ctx, C_XSUM);
  const xsq = cp(ctx, C_XSQ);
  for (let i = i0; i < i1; i++) {
    const xi = load<f64>(src + (<usize>i << 3));
    const p = xsum + (<usize>i << 3);
    store<f64>(p, load<f64>(p) + xi);
    if (xsq) {
      const p2 = xsq + (<usize>i << 3);
      store<f64>(p2, load<f64>(p2) + xi * xi);
    }
  }
  const nTr = ci(ctx, C_NTR);
  const tridx = cp(ctx, C_TRIDX);
  const trace = cp(ctx, C_TRACE) + (<usize>(sample * nTr) << 3);
  for (let k = 0; k < nTr; k++) {
    const u = <i32>load<f64>(tridx + (<usize>k << 3));
    if (u >= i0 && u < i1) store<f64>(trace + (<usize>k << 3), load<f64>(src + (<usize>u << 3)));
  }
}

// Reduce the sample's observable partials in block order (one thread).
function reduceSample(ctx: usize, sample: i32, kap: usize): void {
  const N = ci(ctx, C_N);
  const nB = ci(ctx, C_NBLK);
  const nLag = ci(ctx, C_NLAG);
  const R = ci(ctx, C_R);
  const q = 2 + nLag;
  const opart = cp(ctx, C_OPART) + (<usize>((sample & 1) * nB * q) << 3);
  const invN = 1.0 / <f64>N;
  for (let c = 0; c < q; c++) {
    let acc: f64 = 0;
    for (let b = 0; b < nB; b++) acc += load<f64>(opart + (<usize>(b * q + c) << 3));
    acc *= invN;
    if (c == 0) store<f64>(cp(ctx, C_SMEAN) + (<usize>sample << 3), acc);
    else if (c == 1) store<f64>(cp(ctx, C_SM2) + (<usize>sample << 3), acc);
    else store<f64>(cp(ctx, C_SAC) + (<usize>(sample * nLag + c - 2) << 3), acc);
  }
  const sk = cp(ctx, C_SKAP) + (<usize>(sample * R) << 3);
  for (let r = 0; r < R; r++) store<f64>(sk + (<usize>r << 3), load<f64>(kap + (<usize>r << 3)));
}

// Covariance of the sample (spec 03 §4): for own rows i, block b: S_b[i][j] += a_i a_j for j <= i, and the
// block sum of a_i (covarianceRows, assembly/covariance.ts). Runs after the sample's barrier, so a (the
// history slot of x, or the phi buffer that phase A filled) is complete for every unit; nothing here feeds
// back into the dynamics.
function accumulateCovariance(ctx: usize, sample: i32, par: i32, i0: i32, i1: i32): void {
  const cov = cp(ctx, C_COV);
  if (cov == 0) return;
  const b = (sample + ci(ctx, C_COVS0)) / ci(ctx, C_COVSPB);
  if (b >= ci(ctx, C_COVNB)) return;
  const N = ci(ctx, C_N);
  const ld = ci(ctx, C_LD);
  const phi = ci(ctx, C_COVVAR);
  const f32 = ci(ctx, C_F32);
  let a: usize;
  if (phi) a = cp(ctx, par ? C_T1 : C_T0);
  else a = cp(ctx, C_HIST) + (<usize>((sample % ci(ctx, C_H)) * ld) << 3);
  const sb = cov + (<usize>b * <usize>N * <usize>ld << 3);
  covarianceRows(sb, ld, cp(ctx, C_COVSUM) + (<usize>(b * ld) << 3), a, phi && f32, i0, i1);
}

// Phase B, first part (every thread, before the matvec): kappa from the block partials into this thread's
// scratch, the sample's reduction (thread 0) and the covariance of the own rows [i0, i1).
function phaseBPre(ctx: usize, par: i32, tid: i32, i0: i32, i1: i32, sample: i32): void {
  const N = ci(ctx, C_N);
  const R = ci(ctx, C_R);
  const nB = ci(ctx, C_NBLK);
  const kap = cp(ctx, C_SCR) + (<usize>(tid * 64) << 3);
  if (R > 0) {
    const kpart = cp(ctx, C_KPART) + (<usize>(par * R * nB) << 3);
    const invN = 1.0 / <f64>N;
    for (let r = 0; r < R; r++) {
      let acc: f64 = 0;
      for (let b = 0; b < nB; b++) acc += load<f64>(kpart + (<usize>(r * nB + b) << 3));
      store<f64>(kap + (<usize>r << 3), acc * invN);
    }
  }
  if (sample >= 0 && tid == 0) reduceSample(ctx, sample, kap);
  if (i1 <= i0) return;
  if (sample >= 0) accumulateCovariance(ctx, sample, par, i0, i1);
}

// Phase B, last part: the integrator stage update of rows [i0, i1), from y = J t (the matvec, done before),
// the kappa in this thread's scratch (phaseBPre) and the input.
function phaseBUpdate(ctx: usize, stage: i32, tid: i32, i0: i32, i1: i32): void {
  const ld = ci(ctx, C_LD);
  const R = ci(ctx, C_R);
  const kap = cp(ctx, C_SCR) + (<usize>(tid * 64) << 3);
  const y = cp(ctx, C_Y);
  const dense = ci(ctx, C_DENSE);
  const gs = cf(ctx, C_GSCALE);
  const dt = cf(ctx, C_DT);
  const method = ci(ctx, C_METHOD);
  const x = cp(ctx, C_X);
  const xs = cp(ctx, C_XS);
  const acc = cp(ctx, C_ACC);
  const m = cp(ctx, C_M);
  const inp = cp(ctx, C_I);
  const src = method == 0 || stage == 0 ? x : xs;
  for (let i = i0; i < i1; i++) {
    const o = <usize>i << 3;
    let f = -load<f64>(src + o);
    if (dense) f += gs * load<f64>(y + o);
    for (let r = 0; r < R; r++) {
      f += load<f64>(m + ((<usize>r * <usize>ld) << 3) + o) * load<f64>(kap + (<usize>r << 3));
    }
    if (inp) f += load<f64>(inp + o);
    if (method == 0) {
      store<f64>(x + o, load<f64>(x + o) + dt * f);
    } else if (method == 2) {
      // Heun: xs = x + dt k1, x <- x + dt/2 (k1 + k2)
      if (stage == 0) {
        const xi = load<f64>(x + o);
        store<f64>(acc + o, xi + (dt * 0.5) * f);
        store<f64>(xs + o, xi + dt * f);
      } else {
        store<f64>(x + o, load<f64>(acc + o) + (dt * 0.5) * f);
      }
    } else if (stage == 0) {
      const xi = load<f64>(x + o);
      store<f64>(acc + o, xi + (dt / 6.0) * f);
      store<f64>(xs + o, xi + (dt * 0.5) * f);
    } else if (stage == 1) {
      store<f64>(acc + o, load<f64>(acc + o) + (dt / 3.0) * f);
      store<f64>(xs + o, load<f64>(x + o) + (dt * 0.5) * f);
    } else if (stage == 2) {
      store<f64>(acc + o, load<f64>(acc + o) + (dt / 3.0) * f);
      store<f64>(xs + o, load<f64>(x + o) + dt * f);
    } else {
      store<f64>(x + o, load<f64>(acc + o) + (dt / 6.0) * f);
    }
  }
}


// Phase B for rows [i0, i1): kappa, J t, and the integrator stage update.
function phaseB(ctx: usize, par: i32, stage: i32, tid: i32, i0: i32, i1: i32, sample: i32): void {
  phaseBPre(ctx, par, tid, i0, i1, sample);
  if (i1 <= i0) return;
  if (ci(ctx, C_DENSE)) {
    const t = cp(ctx, par ? C_T1 : C_T0);
    if (ci(ctx, C_F32)) matvecF32(cp(ctx, C_J), ci(ctx, C_LD), t, cp(ctx, C_Y), i0, i1);
    else matvecF64(cp(ctx, C_J), ci(ctx, C_LD), t, cp(ctx, C_Y), i0, i1);
  }
  phaseBUpdate(ctx, stage, tid, i0, i1);
}

/** The sample index taken at step k (before the step), or -1 when step k takes none. */
// @ts-ignore: decorator
@inline
function sampleAt(k: i32, burn: i32, stride: i32, nSamp: i32): i32 {
  if (k < burn || (k - burn) % stride != 0) return -1;
  const s = (k - burn) / stride;
  return s < nSamp ? s : -1;
}

/**
 * Advance steps [k0, k1) for thread `tid` of `nThreads`. Returns 0, or 1 if the abort word (bar + 8,
 * set by JS from another thread) was set, leaving x as it was after the last completed step.
 *
 * Every thread must take the same decision at the same step, so thread 0 copies the abort word into a
 * decision word before the step's first barrier, and all threads read the decision after it. The
 * decision words alternate by step parity (bar + 12, bar + 16): thread 0 can be one step ahead when it
 * writes the next one, but never two, since it cannot pass the next barrier before the others read.
 */
export function simSteps(ctx: usize, tid: i32, nThreads: i32, k0: i32, k1: i32): i32 {
  const N = ci(ctx, C_N);
  const nB = ci(ctx, C_NBLK);
  const b0 = blockStart(nB, tid, nThreads);
  const b1 = blockStart(nB, tid + 1, nThreads);
  const i0 = b0 * BLOCK;
  const i1 = min(b1 * BLOCK, N);
  const method = ci(ctx, C_METHOD);
  const stages = method == 0 ? 1 : method == 2 ? 2 : 4;
  const burn = ci(ctx, C_BURN);
  const stride = ci(ctx, C_STRIDE);
  const nSamp = ci(ctx, C_NSAMP);
  const bar = cp(ctx, C_BAR);
  const x = cp(ctx, C_X);
  const xs = cp(ctx, C_XS);
  for (let k = k0; k < k1; k++) {
    const sample = sampleAt(k, burn, stride, nSamp);
    const decision = bar + 12 + (<usize>(k & 1) << 2);
    if (tid == 0) atomic.store<i32>(decision, atomic.load<i32>(bar, 8));
    for (let st = 0; st < stages; st++) {
      const par = (k * stages + st) & 1;
      phaseA(ctx, st == 0 ? x : xs, par, b0, b1, st == 0 ? sample : -1);
      barrier(bar, nThreads);
      if (st == 0 && atomic.load<i32>(decision) != 0) return 1;
      phaseB(ctx, par, st, tid, i0, i1, st == 0 ? sample : -1);
    }
  }
  return 0;
}

/**
 * Batched trials (spec field simulation.trials): K trajectories of one network, advanced together so that
 * each load of J serves all K state vectors. The K contexts lie consecutively from `ctx0` (CTX_BYTES
 * apart) and share J, the low-rank vectors, the input and the covariance sums; their x, xs, acc, phi
 * buffers (each parity) and y are K consecutive vectors of stride LD (phi buffer of trial t: T0 + t LD, T0
 * of context 0). After phase A each thread interleaves its units' phi values of all trials (packTrials),
 * and matmulTrialsF32/F64 computes all K products J t_k in one pass over J.
 * Everything else is the single-trajectory step of simSteps per context, in trial order, so results do
 * not depend on the number of threads. The barrier and the abort word are context 0's.
 */
export function simStepsBatch(ctx0: usize, K: i32, tid: i32, nThreads: i32, k0: i32, k1: i32): i32 {
  const N = ci(ctx0, C_N);
  const ld = ci(ctx0, C_LD);
  const nB = ci(ctx0, C_NBLK);
  const b0 = blockStart(nB, tid, nThreads);
  const b1 = blockStart(nB, tid + 1, nThreads);
  const i0 = b0 * BLOCK;
  const i1 = min(b1 * BLOCK, N);
  const method = ci(ctx0, C_METHOD);
  const stages = method == 0 ? 1 : method == 2 ? 2 : 4;
  const burn = ci(ctx0, C_BURN);
  const stride = ci(ctx0, C_STRIDE);
  const nSamp = ci(ctx0, C_NSAMP);
  const bar = cp(ctx0, C_BAR);
  const dense = ci(ctx0, C_DENSE);
  const f32 = ci(ctx0, C_F32);
  const J = cp(ctx0, C_J);
  const y = cp(ctx0, C_Y);
  const KP = ci(ctx0, C_KP);
  // two parities, as the phi buffers: a thread may interleave the next stage's values while another still
  // multiplies this stage's (it cannot get two stages ahead: the next barrier waits for the slow one)
  const packBytes = (<usize>ld * <usize>KP) << (f32 ? 2 : 3);
  for (let k = k0; k < k1; k++) {
    const sample = sampleAt(k, burn, stride, nSamp);
    const decision = bar + 12 + (<usize>(k & 1) << 2);
    if (tid == 0) atomic.store<i32>(decision, atomic.load<i32>(bar, 8));
    for (let st = 0; st < stages; st++) {
      const par = (k * stages + st) & 1;
      const smp = st == 0 ? sample : -1;
      for (let t = 0; t < K; t++) {
        const c = ctx0 + <usize>t * CTX_BYTES;
        phaseA(c, cp(c, st == 0 ? C_X : C_XS), par, b0, b1, smp);
      }
      const tpack = cp(ctx0, C_TPACK) + <usize>par * packBytes;
      if (dense) packTrials(cp(ctx0, par ? C_T1 : C_T0), ld, K, KP, tpack, f32, i0, i1);
      barrier(bar, nThreads);
      if (st == 0 && atomic.load<i32>(decision) != 0) return 1;
      for (let t = 0; t < K; t++) phaseBPre(ctx0 + <usize>t * CTX_BYTES, par, tid, i0, i1, smp);
      if (i1 <= i0) continue;
      if (dense) {
        if (f32) matmulTrialsF32(J, ld, tpack, KP, K, y, ld, i0, i1);
        else matmulTrialsF64(J, ld, tpack, KP, K, y, ld, i0, i1);
      }
      for (let t = 0; t < K; t++) phaseBUpdate(ctx0 + <usize>t * CTX_BYTES, st, tid, i0, i1);
    }
  }
  return 0;
}
