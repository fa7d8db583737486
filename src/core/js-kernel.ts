/**
 * The `js` variant of the kernel: the exports of build/dmftlab.wasm that the simulation uses
 * (src/sim/simulate.ts), written in plain TypeScript for runtimes without Wasm SIMD. The functions
 * take the same arguments as the Wasm exports and read and write the same bytes of `memory` in the
 * same layout (context slots of src/sim/layout.ts, f32 couplings and phi buffers, parity buffers,
 * observables, history ring buffer, traces, per-unit sums, kappa partials), so `buildNetwork` runs
 * unchanged on either.
 *
 * This is a line-by-line port of assembly/sim.ts and assembly/linalg.ts; read it as the scalar
 * reference of those files. How close the results are (docs/NUMERICS.md, "The js variant"):
 *
 *  - The RNG fills are bitwise identical (they call the TypeScript reference src/core/rng.ts, which
 *    tests/rng.test.ts checks bit for bit against assembly/rng.ts).
 *  - Every sum is taken in the kernel's order: the block partials of the observables and of kappa
 *    (256-unit blocks combined in block order), and the matvec, whose partial sums mirror the SIMD
 *    lanes of assembly/linalg.ts (4 interleaved f64 sums, or 8 interleaved f32 sums, combined as the
 *    kernel's horizontal add). With phi = linear or a JS-registered phi the whole memory therefore
 *    ends up bitwise identical to the Wasm kernel's (tests/js-kernel.test.ts).
 *  - tanh and erf differ: Math.tanh and src/math/erf.ts against the kernel's minimax polynomials
 *    (at most 1.5 ulp(1) apart). These differences, and what the dynamics make of them, are the only
 *    differences from the Wasm kernel.
 *
 * Single thread only: `simSteps` keeps the kernel's block split over (tid, nThreads) and its abort
 * protocol (abort word and per-step decision words), but there is no barrier here, so nThreads must be 1.
 */
import { gaussFill } from './rng.js';
import { erf } from '../math/erf.js';
import { Slot, REDUCE_BLOCK as BLOCK } from '../sim/layout.js';

/** The kernel exports the simulation uses, with the argument lists of assembly/rng.ts and assembly/sim.ts. */
export interface JsKernelExports {
  /**
   * Advance steps [k0, k1) (assembly/sim.ts). Returns 0, or 1 if the abort word (i32 at bar + 8) was
   * set. Throws a RangeError for nThreads != 1.
   */
  simSteps(ctx: number, tid: number, nThreads: number, k0: number, k1: number): number;
  /** Rows [i0, i1) of the N x N matrix at dst (row stride ld, f64): entry (i, j) = scale * gauss(i N + j), padding 0. */
  gaussMatrixF64(dst: number, N: number, ld: number, i0: number, i1: number, seedLo: number, seedHi: number, stream: number, scale: number): void;
  /** As gaussMatrixF64, stored as f32 (the f64 value rounded once). */
  gaussMatrixF32(dst: number, N: number, ld: number, i0: number, i1: number, seedLo: number, seedHi: number, stream: number, scale: number): void;
  /** dst[k] = scale * gauss(start + k), k in [0, n), f64. */
  gaussFillF64(dst: number, n: number, seedLo: number, seedHi: number, stream: number, start: number, scale: number): void;
  /** As gaussFillF64, stored as f32 (the f64 value rounded once). */
  gaussFillF32(dst: number, n: number, seedLo: number, seedHi: number, stream: number, start: number, scale: number): void;
}

/** sqrt(pi) / 2 rounded to the nearest double: ERF_C_D of assembly/phi.ts (phi code 1 is erf(ERF_C x)). */
const ERF_C = 0.886226925452758;

const tanhPhi = Math.tanh;
const erfPhi = (x: number) => erf(ERF_C * x);
const linearPhi = (x: number) => x;
const nanPhi = (_x: number) => NaN; // unknown codes give NaN, as in the kernel

/** First block of thread `tid` among `n` (rows are split on block boundaries). */
function blockStart(nBlocks: number, tid: number, n: number): number {
  return Math.floor((nBlocks * tid) / n);
}

/** The kernel exports the simulation uses, implemented in TypeScript on `memory` (same layout, same byte pointers). */
export function jsKernelExports(
  memory: { readonly buffer: ArrayBufferLike },
  customPhi: () => ((x: number) => number) | null,
): JsKernelExports {
  // Views of the whole memory, rebuilt when the buffer changes (the memory can grow between calls).
  // A byte pointer p (from the arena: 64-byte aligned, or an element offset from such a pointer) is
  // element p / 8 of `f64` and element p / 4 of `f32` and `i32`.
  let buffer: ArrayBufferLike | null = null;
  let f64: Float64Array<ArrayBufferLike> = new Float64Array(0);
  let f32: Float32Array<ArrayBufferLike> = new Float32Array(0);
  let i32: Int32Array<ArrayBufferLike> = new Int32Array(0);
  function views(): void {
    if (memory.buffer !== buffer) {
      buffer = memory.buffer;
      f64 = new Float64Array(buffer);
      f32 = new Float32Array(buffer);
      i32 = new Int32Array(buffer);
    }
  }

  // context slots (f64 each) at byte address ctx
  const cf = (ctx: number, slot: number) => f64[(ctx >>> 3) + slot];
  const ci = (ctx: number, slot: number) => f64[(ctx >>> 3) + slot] | 0;
  const cp = (ctx: number, slot: number) => f64[(ctx >>> 3) + slot] >>> 0;

  /** The phi of a kernel code (code < 0: the JS-registered phi, as the kernel's `env.phiCustom`). */
  function phiOf(kind: number): (x: number) => number {
    if (kind < 0) {
      const f = customPhi();
      if (!f) throw new Error('dmftlab: kernel asked for a JS phi, but none is set');
      return f;
    }
    return kind === 0 ? tanhPhi : kind === 1 ? erfPhi : kind === 2 ? linearPhi : nanPhi;
  }

  // ------------------------------------------------------------------------------------------------
  // assembly/linalg.ts

  /**
   * y[i] = sum_j J[i, j] t[j] for rows [i0, i1); f64 J (row stride ld, a multiple of 8) and t, f64 y.
   * The kernel keeps two f64x2 accumulators a, b per row: lanes a0, a1, b0, b1 sum the columns
   * j = 0, 1, 2, 3 (mod 4), and the result is (a0 + b0) + (a1 + b1). Same sums here, same bits.
   */
  function matvecF64(J: number, ld: number, t: number, y: number, i0: number, i1: number): void {
    const m = f64;
    const tj = t >>> 3;
    for (let i = i0; i < i1; i++) {
      const row = (J >>> 3) + i * ld;
      let a0 = 0, a1 = 0, b0 = 0, b1 = 0;
      for (let j = 0; j < ld; j += 4) {
        a0 += m[row + j] * m[tj + j];
        a1 += m[row + j + 1] * m[tj + j + 1];
        b0 += m[row + j + 2] * m[tj + j + 2];
        b1 += m[row + j + 3] * m[tj + j + 3];
      }
      m[(y >>> 3) + i] = (a0 + b0) + (a1 + b1);
    }
  }

  /**
   * As matvecF64 with f32 J and t and f32 arithmetic (every product and sum rounded to f32, which
   * Math.fround of the exact f64 product or of the f64 sum of two f32 values does), f64 y. The kernel
   * keeps two f32x4 accumulators a, b per row: lanes a0..a3, b0..b3 sum the columns j = 0..7 (mod 8),
   * and the result is ((a0 + b0) + (a1 + b1)) + ((a2 + b2) + (a3 + b3)) in f32.
   */
  function matvecF32(J: number, ld: number, t: number, y: number, i0: number, i1: number): void {
    const m = f32;
    const fr = Math.fround;
    const tj = t >>> 2;
    for (let i = i0; i < i1; i++) {
      const row = (J >>> 2) + i * ld;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let j = 0; j < ld; j += 8) {
        const r = row + j;
        const u = tj + j;
        a0 = fr(a0 + fr(m[r] * m[u]));
        a1 = fr(a1 + fr(m[r + 1] * m[u + 1]));
        a2 = fr(a2 + fr(m[r + 2] * m[u + 2]));
        a3 = fr(a3 + fr(m[r + 3] * m[u + 3]));
        b0 = fr(b0 + fr(m[r + 4] * m[u + 4]));
        b1 = fr(b1 + fr(m[r + 5] * m[u + 5]));
        b2 = fr(b2 + fr(m[r + 6] * m[u + 6]));
        b3 = fr(b3 + fr(m[r + 7] * m[u + 7]));
      }
      const s0 = fr(a0 + b0), s1 = fr(a1 + b1), s2 = fr(a2 + b2), s3 = fr(a3 + b3);
      f64[(y >>> 3) + i] = fr(fr(s0 + s1) + fr(s2 + s3));
    }
  }

  /**
   * out[r * nBlocks + b] = sum_{i in block b} v[r][i] t[i] over the blocks [b0, b1) of `blk` units
   * (the last block may be short); v is R f64 vectors of stride ld, t is f64 or (tF32 = 1) f32.
   */
  function blockDots(
    v: number, R: number, ld: number, t: number, tF32: number, N: number, blk: number, b0: number, b1: number, nBlocks: number, out: number,
  ): void {
    const m = f64;
    const tv = tF32 ? f32 : f64;
    const tj = tF32 ? t >>> 2 : t >>> 3;
    for (let r = 0; r < R; r++) {
      const vr = (v >>> 3) + r * ld;
      for (let b = b0; b < b1; b++) {
        const s = b * blk;
        const e = Math.min(s + blk, N);
        let acc = 0;
        for (let i = s; i < e; i++) acc += m[vr + i] * tv[tj + i];
        m[(out >>> 3) + r * nBlocks + b] = acc;
      }
    }
  }

  // ------------------------------------------------------------------------------------------------
  // assembly/sim.ts

  /** Phase A for rows of blocks [b0, b1): phi buffer, kappa partials, and (when sampling) observables. */
  function phaseA(ctx: number, src: number, par: number, b0: number, b1: number, sample: number): void {
    const m = f64;
    const N = ci(ctx, Slot.N);
    const ld = ci(ctx, Slot.LD);
    const R = ci(ctx, Slot.R);
    const kind = ci(ctx, Slot.PHI);
    const isF32 = ci(ctx, Slot.F32);
    const nB = ci(ctx, Slot.NBLK);
    const i0 = b0 * BLOCK;
    const i1 = Math.min(b1 * BLOCK, N);
    if (i1 <= i0) return;
    const x = src >>> 3;

    // t = phi(x) into the parity buffer; an f32 buffer stores the f64 value rounded once
    const t = cp(ctx, par ? Slot.T1 : Slot.T0);
    const phi = phiOf(kind);
    const tv = isF32 ? f32 : f64;
    const tj = isF32 ? t >>> 2 : t >>> 3;
    for (let i = i0; i < i1; i++) tv[tj + i] = phi(m[x + i]);
    if (R > 0) {
      const kpart = cp(ctx, Slot.KPART) + ((par * R * nB) << 3);
      blockDots(cp(ctx, Slot.NV), R, ld, t, isF32, N, BLOCK, b0, b1, nB, kpart);
    }
    if (sample < 0) return;

    // observables at sample index `sample` (src is the state x)
    const nLag = ci(ctx, Slot.NLAG);
    const H = ci(ctx, Slot.H);
    const hist = cp(ctx, Slot.HIST) >>> 3;
    const lags = cp(ctx, Slot.LAGS) >>> 3;
    const q = 2 + nLag;
    const opart = (cp(ctx, Slot.OPART) >>> 3) + (sample & 1) * nB * q;
    const hd = hist + (sample % H) * ld;
    for (let b = b0; b < b1; b++) {
      const s = b * BLOCK;
      const e = Math.min(s + BLOCK, N);
      let s1 = 0, s2 = 0;
      for (let i = s; i < e; i++) {
        const xi = m[x + i];
        s1 += xi;
        s2 += xi * xi;
        // the current state enters the history first, so lag 0 pairs x(s) with itself (H > max lag)
        m[hd + i] = xi;
      }
      const ob = opart + b * q;
      m[ob] = s1;
      m[ob + 1] = s2;
      for (let l = 0; l < nLag; l++) {
        const lag = m[lags + l] | 0;
        let acc = 0;
        if (lag <= sample) {
          const hs = hist + ((sample - lag) % H) * ld;
          for (let i = s; i < e; i++) acc += m[x + i] * m[hs + i];
        }
        m[ob + 2 + l] = acc;
      }
    }
    // per-unit sums and traces (own rows only)
    const xsum = cp(ctx, Slot.XSUM) >>> 3;
    const xsq = cp(ctx, Slot.XSQ) >>> 3;
    for (let i = i0; i < i1; i++) {
      const xi = m[x + i];
      m[xsum + i] += xi;
      if (xsq) m[xsq + i] += xi * xi;
    }
    const nTr = ci(ctx, Slot.NTR);
    const tridx = cp(ctx, Slot.TRIDX) >>> 3;
    const trace = (cp(ctx, Slot.TRACE) >>> 3) + sample * nTr;
    for (let k = 0; k < nTr; k++) {
      const u = m[tridx + k] | 0;
      if (u >= i0 && u < i1) m[trace + k] = m[x + u];
    }
  }

  /** Reduce the sample's observable partials in block order (one thread). kap: f64 index of kappa. */
  function reduceSample(ctx: number, sample: number, kap: number): void {
    const m = f64;
    const N = ci(ctx, Slot.N);
    const nB = ci(ctx, Slot.NBLK);
    const nLag = ci(ctx, Slot.NLAG);
    const R = ci(ctx, Slot.R);
    const q = 2 + nLag;
    const opart = (cp(ctx, Slot.OPART) >>> 3) + (sample & 1) * nB * q;
    const invN = 1.0 / N;
    for (let c = 0; c < q; c++) {
      let acc = 0;
      for (let b = 0; b < nB; b++) acc += m[opart + b * q + c];
      acc *= invN;
      if (c === 0) m[(cp(ctx, Slot.SMEAN) >>> 3) + sample] = acc;
      else if (c === 1) m[(cp(ctx, Slot.SM2) >>> 3) + sample] = acc;
      else m[(cp(ctx, Slot.SAC) >>> 3) + sample * nLag + c - 2] = acc;
    }
    const sk = (cp(ctx, Slot.SKAP) >>> 3) + sample * R;
    for (let r = 0; r < R; r++) m[sk + r] = m[kap + r];
  }

  /** Phase B for rows [i0, i1): kappa, J t, and the integrator stage update. */
  function phaseB(ctx: number, par: number, stage: number, tid: number, i0: number, i1: number, sample: number): void {
    const m = f64;
    const N = ci(ctx, Slot.N);
    const ld = ci(ctx, Slot.LD);
    const R = ci(ctx, Slot.R);
    const nB = ci(ctx, Slot.NBLK);
    const isF32 = ci(ctx, Slot.F32);
    const kap = (cp(ctx, Slot.SCR) >>> 3) + tid * 64; // per-thread scratch
    if (R > 0) {
      const kpart = (cp(ctx, Slot.KPART) >>> 3) + par * R * nB;
      const invN = 1.0 / N;
      for (let r = 0; r < R; r++) {
        let acc = 0;
        for (let b = 0; b < nB; b++) acc += m[kpart + r * nB + b];
        m[kap + r] = acc * invN;
      }
    }
    if (sample >= 0 && tid === 0) reduceSample(ctx, sample, kap);
    if (i1 <= i0) return;

    const t = cp(ctx, par ? Slot.T1 : Slot.T0);
    const y = cp(ctx, Slot.Y);
    const dense = ci(ctx, Slot.DENSE);
    if (dense) {
      if (isF32) matvecF32(cp(ctx, Slot.J), ld, t, y, i0, i1);
      else matvecF64(cp(ctx, Slot.J), ld, t, y, i0, i1);
    }
    const gs = cf(ctx, Slot.GSCALE);
    const dt = cf(ctx, Slot.DT);
    const method = ci(ctx, Slot.METHOD);
    const x = cp(ctx, Slot.X) >>> 3;
    const xs = cp(ctx, Slot.XS) >>> 3;
    const acc = cp(ctx, Slot.ACC) >>> 3;
    const mv = cp(ctx, Slot.M) >>> 3;
    const inp = cp(ctx, Slot.I) >>> 3;
    const yv = y >>> 3;
    const src = method === 0 || stage === 0 ? x : xs;
    for (let i = i0; i < i1; i++) {
      let f = -m[src + i];
      if (dense) f += gs * m[yv + i];
      for (let r = 0; r < R; r++) f += m[mv + r * ld + i] * m[kap + r];
      if (inp) f += m[inp + i];
      if (method === 0) {
        m[x + i] = m[x + i] + dt * f;
      } else if (method === 2) {
        // Heun: xs = x + dt k1, x <- x + dt/2 (k1 + k2)
        if (stage === 0) {
          const xi = m[x + i];
          m[acc + i] = xi + (dt * 0.5) * f;
          m[xs + i] = xi + dt * f;
        } else {
          m[x + i] = m[acc + i] + (dt * 0.5) * f;
        }
      } else if (stage === 0) {
        // RK4: acc collects x + dt/6 (k1 + 2 k2 + 2 k3 + k4); xs is the next stage's state
        const xi = m[x + i];
        m[acc + i] = xi + (dt / 6.0) * f;
        m[xs + i] = xi + (dt * 0.5) * f;
      } else if (stage === 1) {
        m[acc + i] = m[acc + i] + (dt / 3.0) * f;
        m[xs + i] = m[x + i] + (dt * 0.5) * f;
      } else if (stage === 2) {
        m[acc + i] = m[acc + i] + (dt / 3.0) * f;
        m[xs + i] = m[x + i] + dt * f;
      } else {
        m[x + i] = m[acc + i] + (dt / 6.0) * f;
      }
    }
  }

  /**
   * Advance steps [k0, k1). Returns 0, or 1 if the abort word (i32 at bar + 8) was set, leaving x as it
   * was after the last completed step. As in the kernel, the abort word is copied into the decision
   * word of the step's parity (bar + 12 or bar + 16) before the step and read after its first phase A.
   */
  function simSteps(ctx: number, tid: number, nThreads: number, k0: number, k1: number): number {
    ctx >>>= 0;
    tid |= 0;
    nThreads |= 0;
    k0 |= 0;
    k1 |= 0;
    if (nThreads !== 1) {
      throw new RangeError(`dmftlab: the js kernel runs on one thread (nThreads = 1), got nThreads = ${nThreads}`);
    }
    views();
    const N = ci(ctx, Slot.N);
    const nB = ci(ctx, Slot.NBLK);
    const b0 = blockStart(nB, tid, nThreads);
    const b1 = blockStart(nB, tid + 1, nThreads);
    const i0 = b0 * BLOCK;
    const i1 = Math.min(b1 * BLOCK, N);
    const method = ci(ctx, Slot.METHOD);
    const stages = method === 0 ? 1 : method === 2 ? 2 : 4;
    const burn = ci(ctx, Slot.BURN);
    const stride = ci(ctx, Slot.STRIDE);
    const nSamp = ci(ctx, Slot.NSAMP);
    const bar = cp(ctx, Slot.BAR) >>> 2; // i32 words: count, generation, abort, decision 0, decision 1
    const x = cp(ctx, Slot.X);
    const xs = cp(ctx, Slot.XS);
    for (let k = k0; k < k1; k++) {
      let sample = -1;
      if (k >= burn && (k - burn) % stride === 0) {
        const s = ((k - burn) / stride) | 0;
        if (s < nSamp) sample = s;
      }
      const decision = bar + 3 + (k & 1);
      if (tid === 0) i32[decision] = i32[bar + 2];
      for (let st = 0; st < stages; st++) {
        const par = (k * stages + st) & 1;
        phaseA(ctx, st === 0 ? x : xs, par, b0, b1, st === 0 ? sample : -1);
        // (the kernel's barrier between the phases: a no-op for one thread)
        if (st === 0 && i32[decision] !== 0) return 1;
        phaseB(ctx, par, st, tid, i0, i1, st === 0 ? sample : -1);
      }
    }
    return 0;
  }

  // ------------------------------------------------------------------------------------------------
  // assembly/rng.ts, through the bitwise-identical TypeScript reference

  /** The integer seed of the key words (the kernel's key is (seedLo, seedHi); JS passes seeds < 2^53). */
  const seedOf = (seedLo: number, seedHi: number) => (seedHi >>> 0) * 4294967296 + (seedLo >>> 0);

  function fillMatrix(
    view: Float64Array<ArrayBufferLike> | Float32Array<ArrayBufferLike>, shift: number, dst: number, N: number, ld: number, i0: number, i1: number,
    seedLo: number, seedHi: number, stream: number, scale: number,
  ): void {
    const seed = seedOf(seedLo, seedHi);
    N |= 0;
    ld |= 0;
    for (let i = i0 | 0; i < (i1 | 0); i++) {
      const row = ((dst >>> 0) >>> shift) + i * ld;
      gaussFill(view.subarray(row, row + N), seed, stream >>> 0, i * N, scale);
      view.fill(0, row + N, row + ld);
    }
  }

  return {
    simSteps,
    gaussMatrixF64(dst, N, ld, i0, i1, seedLo, seedHi, stream, scale) {
      views();
      fillMatrix(f64, 3, dst, N, ld, i0, i1, seedLo, seedHi, stream, scale);
    },
    gaussMatrixF32(dst, N, ld, i0, i1, seedLo, seedHi, stream, scale) {
      views();
      fillMatrix(f32, 2, dst, N, ld, i0, i1, seedLo, seedHi, stream, scale);
    },
    gaussFillF64(dst, n, seedLo, seedHi, stream, start, scale) {
      views();
      const p = (dst >>> 0) >>> 3;
      gaussFill(f64.subarray(p, p + (n | 0)), seedOf(seedLo, seedHi), stream >>> 0, start, scale);
    },
    gaussFillF32(dst, n, seedLo, seedHi, stream, start, scale) {
      views();
      const p = (dst >>> 0) >>> 2;
      gaussFill(f32.subarray(p, p + (n | 0)), seedOf(seedLo, seedHi), stream >>> 0, start, scale);
    },
  };
}
