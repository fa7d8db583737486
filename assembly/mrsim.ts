// Time stepping of the multiregion network (spec 02 §1) with in-kernel observables:
//
//   dx^a_i/dt = -x^a_i + y^a_i + sum_b m^{ab}_i p^{ab} + v^a_i I^a(t),   p^{ab} = (1/N) sum_j n^{ab}_j phi(x^b_j)
//
// for regions a = 0..P-1 of N units each. The random input y^a is either
//   coupling 1 ("independent"): y^a = J^a phi(x^a), P matrices (J^a pre-scaled by g_a / sqrt N; GS[a] = 1),
//     plus optional cross-region blocks y^a += J^{ab} phi(x^b) (spec 02 §2.6; NX matrices after the P), or
//   coupling 2 ("shared"):      y^a_i = g_a sum_l chi_il phi(x^a_{pi_a(l)}), one matrix chi (GS[a] = g_a),
//   coupling 0: none (g = 0 everywhere).
// The filtered currents dS^{ab}/dt = -S^{ab} + p^{ab} are integrated alongside x by thread 0 with the same
// integrator (they do not act back on x). Input I^a(t) is piecewise constant in steps: the value of step
// k is the last (switch step <= k) entry of the schedule (0 before the first), and every stage of step k
// (times t_k + c dt, c in [0, 1]) uses it.
//
// As assembly/sim.ts: a context block of f64 slots filled by JS (src/sim/mr-layout.ts mirrors the slot
// numbers), one barrier per right-hand-side evaluation with parity buffers, the rows of every region
// split between threads on the same 256-unit blocks, and every sum over units taken per block and
// combined in block order, so results do not depend on the number of threads.
//
// Per evaluation:
//   phase A (own rows j of every region a): r = phi(x^a_j) (f64); q^a[pinv_a(j)] = r in the parity
//     buffer (a scatter: q^a_l = phi(x^a_{pi_a(l)}); identity without permutations; f32 in f32 mode);
//     projection partials sum_{j in block} n^{ba}_j r_j for every b; at sample steps the observables.
//   barrier.
//   phase B: p^{ab} from the partials in block order (every thread, identical values), thread 0 records
//     the sample and advances S; then y for own rows (shared: one pass over chi's rows for all regions,
//     linalg.ts matvecMultiF64/F32; independent: matvecF64/F32 per region), and the integrator stage.
//
// Observables at sample s (sample schedule as sim.ts), from the stage-0 state x(t_k):
//   per region: mean, (1/N) sum x^2, gain (1/N) sum phi'(x) (phi codes >= 0: dphiVecF64; a phi evaluated
//   in JS (code -1): central difference with h = 1e-5 max(1, |x|), relative error ~1e-10), and the lagged
//   products (1/N) sum_i x_i(s) x_i(s - lag) from a history ring buffer; the P^2 currents p and S;
//   traces of chosen (region, index) units; per-unit sums of x (and of x^2 when XSQ != 0).
// With COV != 0 also the block covariance sums of the whole state (as assembly/sim.ts; spec 03 §4): phase A
// copies a = x or phi(x) of its own rows of every region into the sample-parity vector COVVEC (unit
// (a, i) at a N + i; phi as the f64 rates r, also in f32 mode), and phase B, after the barrier, adds
// a a^T to its own rows a N + [i0, i1) of block sample / COVSPB (covarianceRows, assembly/covariance.ts).
// COVVEC alternates by sample parity: a thread writes sample s + 2's vector only after the barrier of
// sample s + 1, which every thread reaches only after reading sample s's.

import { phiVecF64, dphiVecF64 } from "./phi";
import { matvecF64, matvecF32, matvecMultiF64, matvecMultiF32, blockDots } from "./linalg";
import { barrier, BLOCK } from "./sim";
import { cf, ci, cp } from "./context";
import { covarianceRows } from "./covariance";

// context slots (f64 each); vectors of a region have stride LD (padded length), region a at a * LD
const C_P = 0;
const C_N = 1;
const C_LD = 2;
const C_PHI = 3; // phi code; -1 = evaluated in JS through env.phiCustom
const C_F32 = 4; // 1 = f32 matrices and f32 rate buffers q
const C_METHOD = 5; // 0 euler, 1 rk4, 2 heun
const C_DT = 6;
const C_COUPLING = 7; // 0 none, 1 independent, 2 shared
const C_NBLK = 8;
const C_J = 9; // independent: P matrices N x LD (region a at a N LD); shared: chi, N x LD
const C_GS = 10; // P multipliers of the random input
const C_X = 11; // P x LD state
const C_XS = 12; // P x LD stage state
const C_ACC = 13; // P x LD integrator accumulator
const C_RT = 14; // P x LD f64 rates in natural order (used when permuted or f32)
const C_Q0 = 15; // P x LD rate buffers in matvec order, two parities (f64 or f32)
const C_Q1 = 16;
const C_PINV = 17; // P x LD i32 inverse permutations; 0 = identity
const C_Y = 18; // P x LD random input (own rows)
const C_NV = 19; // P^2 x LD: n^{ab} at (a P + b) LD
const C_M = 20; // P^2 x LD: m^{ab} at (a P + b) LD
const C_STRUCT = 21; // 1 = add sum_b m^{ab} p^{ab}
const C_V = 22; // P x LD input directions; 0 = no input
const C_NSW = 23; // input schedule: number of switches
const C_SWSTEP = 24; // nSw switch steps (ascending)
const C_SWVAL = 25; // nSw x P values from that step on
const C_KPART = 26; // 2 parities x P^2 x nBlocks projection partials
const C_SCUR = 27; // P^2 filtered currents S (thread 0)
const C_SSTG = 28; // P^2 stage state of S
const C_SACC = 29; // P^2 accumulator of S
const C_BURN = 30;
const C_STRIDE = 31;
const C_NSAMP = 32;
const C_NLAG = 33;
const C_LAGS = 34; // nLag lags in samples
const C_H = 35; // history slots (max lag + 1)
const C_HIST = 36; // H x P x LD
const C_XSUM = 37; // P x LD per-unit sums of sampled x
const C_XSQ = 38; // P x LD per-unit sums of sampled x^2; 0 = none
const C_OPART = 39; // 2 parities x P x nBlocks x (3 + nLag)
const C_SMEAN = 40; // nSamp x P
const C_SM2 = 41; // nSamp x P
const C_SGAIN = 42; // nSamp x P
const C_SAC = 43; // nSamp x P x nLag
const C_SP = 44; // nSamp x P^2 instantaneous currents p
const C_SS = 45; // nSamp x P^2 filtered currents S
const C_NTR = 46;
const C_TRIDX = 47; // nTr pairs (region, index)
const C_TRACE = 48; // nSamp x nTr
const C_BAR = 49; // barrier: i32 count, generation, abort request, 2 abort decisions
const C_SCR = 50; // per-thread scratch, SCRW f64 each: p (P^2), then I (P)
const C_SCRW = 51;
const C_MAXT = 52; // threads the scratch holds
const C_NX = 53; // cross-region matrices (coupling 1), stored after the P within-region ones
const C_XPAIR = 54; // NX pairs (receiver a, sender b), in the order y^a accumulates them
// dimension of activity (spec 03 §4) over all P N units, unit (a, i) at index a N + i: 0 = none
const C_COV = 55; // block covariance sums: nCovBlocks x PN x CLD f64, lower triangle of sum a a^T
const C_COVSUM = 56; // block sums of a: nCovBlocks x CLD f64
const C_COVSPB = 57; // samples per covariance block
const C_COVNB = 58; // number of covariance blocks
const C_COVVAR = 59; // a = x (0) or a = phi(x) (1)
const C_COVVEC = 60; // a of the sample, two parities (sample & 1) x CLD f64, filled in phase A
const C_COVLD = 61; // CLD: row stride of the sums (P N padded to a multiple of 8)

// @ts-ignore: decorator
@inline
function at(p: usize, k: i32): usize {
  return p + (<usize>k << 3);
}

// JS-evaluated phi for user-registered nonlinearities (the import assembly/sim.ts uses).
@external("env", "phiCustom")
declare function mrPhiCustom(src: usize, dst: usize, n: i32, f32: i32): void;

// Sample observables of region a (offset off = a LD) for rows [i0, i1) = blocks [b0, b1); src = x.
function observe(ctx: usize, a: i32, src: usize, b0: i32, b1: i32, i0: i32, i1: i32, sample: i32): void {
  const P = ci(ctx, C_P);
  const N = ci(ctx, C_N);
  const ld = ci(ctx, C_LD);
  const nB = ci(ctx, C_NBLK);
  const kind = ci(ctx, C_PHI);
  const nLag = ci(ctx, C_NLAG);
  const H = ci(ctx, C_H);
  const off = a * ld;
  const n = i1 - i0;
  // gains phi'(x) into this region's own rows of Y (free until phase B overwrites them)
  const g = cp(ctx, C_Y) + (<usize>off << 3);
  if (kind >= 0) {
    dphiVecF64(kind, at(src, i0), at(g, i0), n);
  } else {
    // central differences through the JS phi; XS and ACC rows are free at stage 0 (phase B rewrites them)
    const hp = cp(ctx, C_XS) + (<usize>off << 3);
    const hm = cp(ctx, C_ACC) + (<usize>off << 3);
    for (let i = i0; i < i1; i++) {
      const xi = load<f64>(at(src, i));
      const h = 1e-5 * max(1.0, abs(xi));
      store<f64>(at(hp, i), xi + h);
      store<f64>(at(hm, i), xi - h);
    }
    mrPhiCustom(at(hp, i0), at(g, i0), n, 0);
    mrPhiCustom(at(hm, i0), at(hm, i0), n, 0);
    for (let i = i0; i < i1; i++) {
      const xi = load<f64>(at(src, i));
      const h = 1e-5 * max(1.0, abs(xi));
      store<f64>(at(g, i), (load<f64>(at(g, i)) - load<f64>(at(hm, i))) / ((xi + h) - (xi - h)));
    }
  }
  const hist = cp(ctx, C_HIST);
  const lags = cp(ctx, C_LAGS);
  const q = 3 + nLag;
  const opart = cp(ctx, C_OPART) + (<usize>(((sample & 1) * P + a) * nB * q) << 3);
  const hd = hist + (<usize>(((sample % H) * P + a) * ld) << 3);
  for (let b = b0; b < b1; b++) {
    const s = b * BLOCK;
    const e = min(s + BLOCK, N);
    let s1: f64 = 0, s2: f64 = 0, sg: f64 = 0;
    for (let i = s; i < e; i++) {
      const xi = load<f64>(at(src, i));
      s1 += xi;
      s2 += xi * xi;
      sg += load<f64>(at(g, i));
      // the current state enters the history first, so lag 0 pairs x(s) with itself (H > max lag)
      store<f64>(at(hd, i), xi);
    }
    const ob = opart + (<usize>(b * q) << 3);
    store<f64>(ob, s1);
    store<f64>(ob, s2, 8);
    store<f64>(ob, sg, 16);
    for (let l = 0; l < nLag; l++) {
      const lag = <i32>load<f64>(at(lags, l));
      let acc: f64 = 0;
      if (lag <= sample) {
        const hs = hist + (<usize>((((sample - lag) % H) * P + a) * ld) << 3);
        for (let i = s; i < e; i++) acc += load<f64>(at(src, i)) * load<f64>(at(hs, i));
      }
      store<f64>(at(ob, 3 + l), acc);
    }
  }
  const xsum = cp(ctx, C_XSUM) + (<usize>off << 3);
  const xsq = cp(ctx, C_XSQ);
  for (let i = i0; i < i1; i++) {
    const xi = load<f64>(at(src, i));
    store<f64>(at(xsum, i), load<f64>(at(xsum, i)) + xi);
    if (xsq) {
      const p2 = at(xsq + (<usize>off << 3), i);
      store<f64>(p2, load<f64>(p2) + xi * xi);
    }
  }
  const nTr = ci(ctx, C_NTR);
  const tridx = cp(ctx, C_TRIDX);
  const trace = cp(ctx, C_TRACE) + (<usize>(sample * nTr) << 3);
  for (let k = 0; k < nTr; k++) {
    if (<i32>load<f64>(at(tridx, 2 * k)) != a) continue;
    const u = <i32>load<f64>(at(tridx, 2 * k + 1));
    if (u >= i0 && u < i1) store<f64>(at(trace, k), load<f64>(at(src, u)));
  }
}

// Phase A for rows of blocks [b0, b1) of every region: rates, the permuted parity buffer, projection
// partials and (when sampling) observables. srcBase is x or the stage state.
function phaseA(ctx: usize, srcBase: usize, par: i32, b0: i32, b1: i32, sample: i32): void {
  const P = ci(ctx, C_P);
  const N = ci(ctx, C_N);
  const ld = ci(ctx, C_LD);
  const kind = ci(ctx, C_PHI);
  const f32 = ci(ctx, C_F32);
  const nB = ci(ctx, C_NBLK);
  const i0 = b0 * BLOCK;
  const i1 = min(b1 * BLOCK, N);
  if (i1 <= i0) return;
  const n = i1 - i0;
  const q = cp(ctx, par ? C_Q1 : C_Q0);
  const pinv = cp(ctx, C_PINV);
  const kpart = cp(ctx, C_KPART) + (<usize>(par * P * P * nB) << 3);
  const nv = cp(ctx, C_NV);
  for (let a = 0; a < P; a++) {
    const off = a * ld;
    const src = srcBase + (<usize>off << 3);
    // natural-order rates: straight into q when q is f64 and not permuted, else into RT
    const direct = pinv == 0 && f32 == 0;
    const r = direct ? q + (<usize>off << 3) : cp(ctx, C_RT) + (<usize>off << 3);
    if (kind < 0) mrPhiCustom(at(src, i0), at(r, i0), n, 0);
    else phiVecF64(kind, at(src, i0), at(r, i0), n);
    if (!direct) {
      if (f32) {
        const qa = q + (<usize>off << 2);
        if (pinv) {
          const pa = pinv + (<usize>off << 2);
          for (let j = i0; j < i1; j++) store<f32>(qa + (<usize>load<i32>(pa + (<usize>j << 2)) << 2), <f32>load<f64>(at(r, j)));
        } else {
          for (let j = i0; j < i1; j++) store<f32>(qa + (<usize>j << 2), <f32>load<f64>(at(r, j)));
        }
      } else {
        const qa = q + (<usize>off << 3);
        const pa = pinv + (<usize>off << 2);
        for (let j = i0; j < i1; j++) store<f64>(at(qa, load<i32>(pa + (<usize>j << 2))), load<f64>(at(r, j)));
      }
    }
    // partials of p^{ba} = (1/N) n^{ba} . phi(x^a) for every receiver b: vectors n^{ba} at (b P + a) LD,
    // outputs at ((b P + a) nB + block)
    blockDots(nv + (<usize>off << 3), P, P * ld, r, 0, N, BLOCK, b0, b1, P * nB, kpart + (<usize>(a * nB) << 3));
    if (sample >= 0) {
      observe(ctx, a, src, b0, b1, i0, i1, sample);
      const cv = covarianceVector(ctx, sample);
      if (cv) {
        const va = cv + (<usize>(a * N) << 3);
        const from = ci(ctx, C_COVVAR) ? r : src;
        for (let i = i0; i < i1; i++) store<f64>(at(va, i), load<f64>(at(from, i)));
      }
    }
  }
}

// The vector a of sample `sample` (COVVEC of its parity), or 0 when no covariance block takes the sample.
function covarianceVector(ctx: usize, sample: i32): usize {
  if (cp(ctx, C_COV) == 0 || sample / ci(ctx, C_COVSPB) >= ci(ctx, C_COVNB)) return 0;
  return cp(ctx, C_COVVEC) + (<usize>((sample & 1) * ci(ctx, C_COVLD)) << 3);
}

// Covariance of the sample (spec 03 §4) for this thread's rows a N + [i0, i1) of every region a: the
// lower triangle of block b's sum of a a^T over all P N units, and the block sums of a. After the barrier,
// so COVVEC is complete; nothing here feeds back into the dynamics.
function accumulateCovariance(ctx: usize, sample: i32, i0: i32, i1: i32): void {
  const a = covarianceVector(ctx, sample);
  if (a == 0) return;
  const P = ci(ctx, C_P);
  const N = ci(ctx, C_N);
  const cld = ci(ctx, C_COVLD);
  const b = sample / ci(ctx, C_COVSPB);
  const sb = cp(ctx, C_COV) + (<usize>b * <usize>(P * N) * <usize>cld << 3);
  const ms = cp(ctx, C_COVSUM) + (<usize>(b * cld) << 3);
  for (let r = 0; r < P; r++) covarianceRows(sb, cld, ms, a, 0, r * N + i0, r * N + i1);
}

// Reduce the sample's observable partials in block order and record p and S (thread 0).
function reduceSample(ctx: usize, sample: i32, pv: usize): void {
  const P = ci(ctx, C_P);
  const N = ci(ctx, C_N);
  const nB = ci(ctx, C_NBLK);
  const nLag = ci(ctx, C_NLAG);
  const q = 3 + nLag;
  const invN = 1.0 / <f64>N;
  for (let a = 0; a < P; a++) {
    const opart = cp(ctx, C_OPART) + (<usize>(((sample & 1) * P + a) * nB * q) << 3);
    const sa = sample * P + a;
    for (let c = 0; c < q; c++) {
      let acc: f64 = 0;
      for (let b = 0; b < nB; b++) acc += load<f64>(at(opart, b * q + c));
      acc *= invN;
      if (c == 0) store<f64>(at(cp(ctx, C_SMEAN), sa), acc);
      else if (c == 1) store<f64>(at(cp(ctx, C_SM2), sa), acc);
      else if (c == 2) store<f64>(at(cp(ctx, C_SGAIN), sa), acc);
      else store<f64>(at(cp(ctx, C_SAC), sa * nLag + c - 3), acc);
    }
  }
  const P2 = P * P;
  const sp = cp(ctx, C_SP) + (<usize>(sample * P2) << 3);
  const ss = cp(ctx, C_SS) + (<usize>(sample * P2) << 3);
  const scur = cp(ctx, C_SCUR);
  for (let k = 0; k < P2; k++) {
    store<f64>(at(sp, k), load<f64>(at(pv, k)));
    store<f64>(at(ss, k), load<f64>(at(scur, k)));
  }
}

// One integrator stage for value i of the state (x, xs, acc) with right-hand side f.
// @ts-ignore: decorator
@inline
function stageUpdate(method: i32, stage: i32, dt: f64, x: usize, xs: usize, acc: usize, f: f64): void {
  if (method == 0) {
    store<f64>(x, load<f64>(x) + dt * f);
  } else if (method == 2) {
    // Heun: xs = x + dt k1, x <- x + dt/2 (k1 + k2)
    if (stage == 0) {
      const xi = load<f64>(x);
      store<f64>(acc, xi + (dt * 0.5) * f);
      store<f64>(xs, xi + dt * f);
    } else {
      store<f64>(x, load<f64>(acc) + (dt * 0.5) * f);
    }
  } else if (stage == 0) {
    const xi = load<f64>(x);
    store<f64>(acc, xi + (dt / 6.0) * f);
    store<f64>(xs, xi + (dt * 0.5) * f);
  } else if (stage == 1) {
    store<f64>(acc, load<f64>(acc) + (dt / 3.0) * f);
    store<f64>(xs, load<f64>(x) + (dt * 0.5) * f);
  } else if (stage == 2) {
    store<f64>(acc, load<f64>(acc) + (dt / 3.0) * f);
    store<f64>(xs, load<f64>(x) + dt * f);
  } else {
    store<f64>(x, load<f64>(acc) + (dt / 6.0) * f);
  }
}

// Phase B: currents, (thread 0) sample record and S stage, random input and the stage update of own rows.
function phaseB(ctx: usize, par: i32, stage: i32, tid: i32, i0: i32, i1: i32, sample: i32): void {
  const P = ci(ctx, C_P);
  const N = ci(ctx, C_N);
  const ld = ci(ctx, C_LD);
  const nB = ci(ctx, C_NBLK);
  const P2 = P * P;
  const dt = cf(ctx, C_DT);
  const method = ci(ctx, C_METHOD);
  const pv = cp(ctx, C_SCR) + (<usize>(tid * ci(ctx, C_SCRW)) << 3);
  const iv = at(pv, P2);
  const kpart = cp(ctx, C_KPART) + (<usize>(par * P2 * nB) << 3);
  const invN = 1.0 / <f64>N;
  for (let k = 0; k < P2; k++) {
    let acc: f64 = 0;
    for (let b = 0; b < nB; b++) acc += load<f64>(at(kpart, k * nB + b));
    store<f64>(at(pv, k), acc * invN);
  }
  if (tid == 0) {
    if (sample >= 0) reduceSample(ctx, sample, pv);
    const sc = cp(ctx, C_SCUR);
    const sst = cp(ctx, C_SSTG);
    const sac = cp(ctx, C_SACC);
    const ssrc = method == 0 || stage == 0 ? sc : sst;
    for (let k = 0; k < P2; k++) {
      stageUpdate(method, stage, dt, at(sc, k), at(sst, k), at(sac, k), load<f64>(at(pv, k)) - load<f64>(at(ssrc, k)));
    }
  }
  if (i1 <= i0) return;
  if (sample >= 0) accumulateCovariance(ctx, sample, i0, i1);

  const f32 = ci(ctx, C_F32);
  const coupling = ci(ctx, C_COUPLING);
  const q = cp(ctx, par ? C_Q1 : C_Q0);
  const y = cp(ctx, C_Y);
  const J = cp(ctx, C_J);
  if (coupling == 2) {
    if (f32) matvecMultiF32(J, ld, q, ld, P, y, ld, i0, i1);
    else matvecMultiF64(J, ld, q, ld, P, y, ld, i0, i1);
  } else if (coupling == 1) {
    const mat = <usize>N * <usize>ld;
    for (let a = 0; a < P; a++) {
      const off = <usize>(a * ld);
      if (f32) matvecF32(J + ((<usize>a * mat) << 2), ld, q + (off << 2), y + (off << 3), i0, i1);
      else matvecF64(J + ((<usize>a * mat) << 3), ld, q + (off << 3), y + (off << 3), i0, i1);
    }
    // cross-region blocks: J^{ab} phi(x^b) into scratch (RT's region-0 rows of this thread: phase A is
    // done with them), then added to y^a, in the order of the pair list
    const nX = ci(ctx, C_NX);
    const xp = cp(ctx, C_XPAIR);
    const z = cp(ctx, C_RT);
    for (let k = 0; k < nX; k++) {
      const a = <i32>load<f64>(at(xp, 2 * k));
      const b = <usize>(<i32>load<f64>(at(xp, 2 * k + 1)) * ld);
      const Jk = <usize>(P + k) * mat;
      if (f32) matvecF32(J + (Jk << 2), ld, q + (b << 2), z, i0, i1);
      else matvecF64(J + (Jk << 3), ld, q + (b << 3), z, i0, i1);
      const ya = y + (<usize>(a * ld) << 3);
      for (let i = i0; i < i1; i++) store<f64>(at(ya, i), load<f64>(at(ya, i)) + load<f64>(at(z, i)));
    }
  }
  const gs = cp(ctx, C_GS);
  const x = cp(ctx, C_X);
  const xs = cp(ctx, C_XS);
  const acc = cp(ctx, C_ACC);
  const m = cp(ctx, C_M);
  const v = cp(ctx, C_V);
  const struct = ci(ctx, C_STRUCT);
  const src = method == 0 || stage == 0 ? x : xs;
  for (let a = 0; a < P; a++) {
    const off = a * ld;
    const ga = load<f64>(at(gs, a));
    const ia = load<f64>(at(iv, a));
    for (let i = off + i0; i < off + i1; i++) {
      let f = -load<f64>(at(src, i));
      if (coupling) f += ga * load<f64>(at(y, i));
      if (struct) {
        for (let b = 0; b < P; b++) f += load<f64>(at(m, (a * P + b) * ld + i - off)) * load<f64>(at(pv, a * P + b));
      }
      if (v) f += load<f64>(at(v, i)) * ia;
      stageUpdate(method, stage, dt, at(x, i), at(xs, i), at(acc, i), f);
    }
  }
}

/**
 * Advance steps [k0, k1) for thread `tid` of `nThreads`. Returns 0; 1 if the abort word (bar + 8, set by
 * JS from another thread) was set, leaving x (and S) as after the last completed step; 2 (at once, on
 * every thread) if nThreads exceeds the threads the context's scratch holds.
 * The abort decision works as in simSteps (assembly/sim.ts): thread 0 copies the abort word into a
 * per-parity decision word before the step's first barrier, every thread reads it after that barrier.
 */
export function mrSteps(ctx: usize, tid: i32, nThreads: i32, k0: i32, k1: i32): i32 {
  if (nThreads > ci(ctx, C_MAXT)) return 2;
  const P = ci(ctx, C_P);
  const N = ci(ctx, C_N);
  const nB = ci(ctx, C_NBLK);
  const b0 = <i32>((<i64>nB * <i64>tid) / <i64>nThreads);
  const b1 = <i32>((<i64>nB * <i64>(tid + 1)) / <i64>nThreads);
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
  const nSw = ci(ctx, C_NSW);
  const swStep = cp(ctx, C_SWSTEP);
  const swVal = cp(ctx, C_SWVAL);
  const iv = cp(ctx, C_SCR) + (<usize>(tid * ci(ctx, C_SCRW) + P * P) << 3);
  for (let k = k0; k < k1; k++) {
    let sample = -1;
    if (k >= burn && (k - burn) % stride == 0) {
      const s = (k - burn) / stride;
      if (s < nSamp) sample = s;
    }
    // input of step k: the last switch at or before k (0 before the first)
    let sw = -1;
    for (let s = 0; s < nSw; s++) if (<i32>load<f64>(at(swStep, s)) <= k) sw = s;
    for (let a = 0; a < P; a++) store<f64>(at(iv, a), sw < 0 ? 0.0 : load<f64>(at(swVal, sw * P + a)));
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
