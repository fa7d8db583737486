// Dense matrix-vector kernels over caller-owned memory (docs/ARCHITECTURE.md).
//
// y[i] = sum_j J[i*ld + j] * t[j]   for rows i in [i0, i1)
//
// `ld` (row stride, elements) and the length of `t` are multiples of 8 and the padding entries of both
// J and t are zero, so the inner loops have no tail. Four rows share each load of t (TOOLCHAIN.md §3:
// +50-60 % over one row per pass); each row keeps two vector accumulators for instruction-level
// parallelism. The order of additions is fixed, so results are bitwise reproducible.
//
// Loop shape of the 4-row block. Per 32-byte step the block does 8 loads of J, 2 of t and 8 accumulator
// updates. Node 20's V8 11.3 (TurboFan) schedules every load of a basic block before the arithmetic that
// uses it; with all 8 J loads in one block, 8 loaded values + 2 of t + 8 accumulators exceed the 15 xmm
// registers it allocates, and the hot loop spilled accumulators to the stack (a store and reload on the
// loop-carried chain of one accumulator per step). So the step is split into two basic blocks of two
// rows each (at most 4 J + 2 t + 8 accumulators live): rows 0-1 run one step ahead of rows 2-3 and the
// loop exits between the two halves (t is loaded in both blocks; the second load hits L1). V8 15.0
// (Deno) keeps each load next to its use and did not spill with either shape. Every row still adds its
// products in the same order into the same two accumulators, so the results are bitwise the same as
// with the single-block loop.

// @ts-ignore: decorator
@inline
function hsum2(a: v128, b: v128): f64 {
  const s = f64x2.add(a, b);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

// @ts-ignore: decorator
@inline
function hsum4(a: v128, b: v128): f64 {
  const s = f32x4.add(a, b);
  return <f64>(
    (f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1)) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3))
  );
}

/** acc + x * u in the lanes of T (f64: f64x2, f32: f32x4; chosen at compile time). */
// @ts-ignore: decorator
@inline
function mac<T>(acc: v128, x: v128, u: v128): v128 {
  if (sizeof<T>() == 8) return f64x2.add(acc, f64x2.mul(x, u));
  return f32x4.add(acc, f32x4.mul(x, u));
}

/** The sum of every lane of a + b, as f64 (f32 lanes are summed in f32, pairwise, then widened). */
// @ts-ignore: decorator
@inline
function hsum<T>(a: v128, b: v128): f64 {
  if (sizeof<T>() == 8) return hsum2(a, b);
  return hsum4(a, b);
}

/** The rows [i0, i1) of y = J t for J and t of element type T (f64 or f32), y f64 (matvecF64, matvecF32). */
// @ts-ignore: decorator
@inline
function matvecRows<T>(J: usize, ld: i32, t: usize, y: usize, i0: i32, i1: i32): void {
  const rowBytes = <usize>ld * sizeof<T>();
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const r0 = J + <usize>i * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let a0 = v128.splat<i64>(0), b0 = v128.splat<i64>(0);
    let a1 = v128.splat<i64>(0), b1 = v128.splat<i64>(0);
    let a2 = v128.splat<i64>(0), b2 = v128.splat<i64>(0);
    let a3 = v128.splat<i64>(0), b3 = v128.splat<i64>(0);
    if (rowBytes) {
      // rows 0-1 run one 32-byte step ahead of rows 2-3 (see the comment at the top)
      let o: usize = 0;
      {
        const u0 = v128.load(t + o), u1 = v128.load(t + o, 16);
        a0 = mac<T>(a0, v128.load(r0 + o), u0);
        b0 = mac<T>(b0, v128.load(r0 + o, 16), u1);
        a1 = mac<T>(a1, v128.load(r1 + o), u0);
        b1 = mac<T>(b1, v128.load(r1 + o, 16), u1);
      }
      while (true) {
        {
          const u0 = v128.load(t + o), u1 = v128.load(t + o, 16);
          a2 = mac<T>(a2, v128.load(r2 + o), u0);
          b2 = mac<T>(b2, v128.load(r2 + o, 16), u1);
          a3 = mac<T>(a3, v128.load(r3 + o), u0);
          b3 = mac<T>(b3, v128.load(r3 + o, 16), u1);
        }
        o += 32;
        if (o >= rowBytes) break;
        const u0 = v128.load(t + o), u1 = v128.load(t + o, 16);
        a0 = mac<T>(a0, v128.load(r0 + o), u0);
        b0 = mac<T>(b0, v128.load(r0 + o, 16), u1);
        a1 = mac<T>(a1, v128.load(r1 + o), u0);
        b1 = mac<T>(b1, v128.load(r1 + o, 16), u1);
      }
    }
    const yp = y + (<usize>i << 3);
    store<f64>(yp, hsum<T>(a0, b0));
    store<f64>(yp, hsum<T>(a1, b1), 8);
    store<f64>(yp, hsum<T>(a2, b2), 16);
    store<f64>(yp, hsum<T>(a3, b3), 24);
  }
  for (; i < i1; i++) {
    const r0 = J + <usize>i * rowBytes;
    let a0 = v128.splat<i64>(0), b0 = v128.splat<i64>(0);
    for (let o: usize = 0; o < rowBytes; o += 32) {
      a0 = mac<T>(a0, v128.load(r0 + o), v128.load(t + o));
      b0 = mac<T>(b0, v128.load(r0 + o, 16), v128.load(t + o, 16));
    }
    store<f64>(y + (<usize>i << 3), hsum<T>(a0, b0));
  }
}

/** f64 J, f64 t, f64 y. */
export function matvecF64(J: usize, ld: i32, t: usize, y: usize, i0: i32, i1: i32): void {
  matvecRows<f64>(J, ld, t, y, i0, i1);
}

/** f32 J, f32 t, f32 accumulation, f64 y. */
export function matvecF32(J: usize, ld: i32, t: usize, y: usize, i0: i32, i1: i32): void {
  matvecRows<f32>(J, ld, t, y, i0, i1);
}

/**
 * Block partial dot products for the low-rank part: out[r * nBlocks + b] = sum_{i in block b} v[r][i] * t[i]
 * over the blocks [b0, b1) of `blk` units (the last block may be short; N is the true length).
 * v is R vectors of stride ld (f64); t is f64 (tF32 = 0) or f32 (tF32 = 1).
 */
export function blockDots(
  v: usize, R: i32, ld: i32, t: usize, tF32: i32, N: i32, blk: i32, b0: i32, b1: i32, nBlocks: i32, out: usize,
): void {
  for (let r = 0; r < R; r++) {
    const vr = v + (<usize>r * <usize>ld << 3);
    for (let b = b0; b < b1; b++) {
      const s = b * blk;
      const e = min(s + blk, N);
      let acc: f64 = 0;
      if (tF32) {
        for (let i = s; i < e; i++) acc += load<f64>(vr + (<usize>i << 3)) * <f64>load<f32>(t + (<usize>i << 2));
      } else {
        for (let i = s; i < e; i++) acc += load<f64>(vr + (<usize>i << 3)) * load<f64>(t + (<usize>i << 3));
      }
      store<f64>(out + (<usize>(r * nBlocks + b) << 3), acc);
    }
  }
}

/**
 * Memory-bandwidth probe (bench/threads.ts): the sum of the f64 values [p, p + 8 n), read once and
 * doing nothing else, so its speed is the rate at which this thread can stream memory. Like the 4-row
 * matvec, it reads four sequential streams at once (the four quarters of the range), which lets the
 * hardware prefetchers keep several lines in flight. n is a multiple of 32.
 */
export function streamSumF64(p: usize, n: i32): f64 {
  let a = f64x2.splat(0), b = f64x2.splat(0), c = f64x2.splat(0), d = f64x2.splat(0);
  const quarter = <usize>n << 1; // bytes in a quarter
  const q1 = p + quarter, q2 = q1 + quarter, q3 = q2 + quarter;
  for (let o: usize = 0; o < quarter; o += 32) {
    a = f64x2.add(a, f64x2.add(v128.load(p + o), v128.load(p + o, 16)));
    b = f64x2.add(b, f64x2.add(v128.load(q1 + o), v128.load(q1 + o, 16)));
    c = f64x2.add(c, f64x2.add(v128.load(q2 + o), v128.load(q2 + o, 16)));
    d = f64x2.add(d, f64x2.add(v128.load(q3 + o), v128.load(q3 + o, 16)));
  }
  return hsum2(f64x2.add(a, b), f64x2.add(c, d));
}

/**
 * Several matrix-vector products with one matrix (the shared-matrix coupling of assembly/mrsim.ts):
 * y_v[i] = sum_j A[i*ld + j] * t_v[j] for the P vectors t_v = t + v * tStride (elements), rows i in
 * [i0, i1), stored at y + v * yStride (f64 elements); tStride and yStride are multiples of 8 (padded
 * vectors). Four rows of A are multiplied by two vectors at a time, one f64x2 accumulator per (row,
 * vector): 8 accumulators, 4 loads of A and 2 of t per 16 bytes, 14 live values for the 16 SIMD
 * registers. For P > 2 the next pair of vectors re-reads the same four rows (128 KB at N = 4000)
 * from L2, so A is streamed from memory once per call instead of P times. Lane sums are added at the end
 * (lane 0 + lane 1), so results are deterministic; they differ from matvecF64's by rounding only
 * (matvecF64 keeps two accumulators per row). Variants measured for bench/RESULTS.md: two rows x two
 * vectors x two accumulators (bitwise equal to matvecF64, 1.3-1.45x over P matvecs at P = 2) and four
 * rows x two vectors x two accumulators (also bitwise equal; 16 accumulators, probably spilled; 1.4x)
 * were slower than this one (1.8-2.2x).
 */
export function matvecMultiF64(A: usize, ld: i32, t: usize, tStride: i32, P: i32, y: usize, yStride: i32, i0: i32, i1: i32): void {
  const rowBytes = <usize>ld << 3;
  const tsb = <usize>tStride << 3;
  const ysb = <usize>yStride << 3;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const r0 = A + <usize>i * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    const yi = y + (<usize>i << 3);
    let v = 0;
    for (; v + 2 <= P; v += 2) {
      const t0 = t + <usize>v * tsb;
      const t1 = t0 + tsb;
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      let c0 = f64x2.splat(0), c1 = f64x2.splat(0), c2 = f64x2.splat(0), c3 = f64x2.splat(0);
      // six streams, each its own pointer bumped per step: no per-load address arithmetic
      let p0 = r0, p1 = r1, p2 = r2, p3 = r3, q0 = t0, q1 = t1;
      const end = r0 + rowBytes;
      for (; p0 < end; p0 += 16, p1 += 16, p2 += 16, p3 += 16, q0 += 16, q1 += 16) {
        const u = v128.load(q0), w = v128.load(q1);
        const x0 = v128.load(p0), x1 = v128.load(p1), x2 = v128.load(p2), x3 = v128.load(p3);
        a0 = f64x2.add(a0, f64x2.mul(x0, u));
        c0 = f64x2.add(c0, f64x2.mul(x0, w));
        a1 = f64x2.add(a1, f64x2.mul(x1, u));
        c1 = f64x2.add(c1, f64x2.mul(x1, w));
        a2 = f64x2.add(a2, f64x2.mul(x2, u));
        c2 = f64x2.add(c2, f64x2.mul(x2, w));
        a3 = f64x2.add(a3, f64x2.mul(x3, u));
        c3 = f64x2.add(c3, f64x2.mul(x3, w));
      }
      const y0 = yi + <usize>v * ysb;
      const y1 = y0 + ysb;
      store<f64>(y0, lanes2(a0));
      store<f64>(y0, lanes2(a1), 8);
      store<f64>(y0, lanes2(a2), 16);
      store<f64>(y0, lanes2(a3), 24);
      store<f64>(y1, lanes2(c0));
      store<f64>(y1, lanes2(c1), 8);
      store<f64>(y1, lanes2(c2), 16);
      store<f64>(y1, lanes2(c3), 24);
    }
    // odd P: the last vector with matvecF64's four-row loop (the rows are in L2 by now)
    if (v < P) matvecF64(A, ld, t + <usize>v * tsb, y + <usize>v * ysb, i, i + 4);
  }
  if (i < i1) {
    for (let v = 0; v < P; v++) matvecF64(A, ld, t + <usize>v * tsb, y + <usize>v * ysb, i, i1);
  }
}

// @ts-ignore: decorator
@inline
function lanes2(a: v128): f64 {
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
}

// @ts-ignore: decorator
@inline
function lanes4(a: v128): f64 {
  return <f64>((f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1)) + (f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3)));
}

/** As matvecMultiF64 for f32 A and f32 t (f32 accumulation, f64 y): 4 rows of A are 64 KB at N = 4000. */
export function matvecMultiF32(A: usize, ld: i32, t: usize, tStride: i32, P: i32, y: usize, yStride: i32, i0: i32, i1: i32): void {
  const rowBytes = <usize>ld << 2;
  const tsb = <usize>tStride << 2;
  const ysb = <usize>yStride << 3;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const r0 = A + <usize>i * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    const yi = y + (<usize>i << 3);
    let v = 0;
    for (; v + 2 <= P; v += 2) {
      const t0 = t + <usize>v * tsb;
      const t1 = t0 + tsb;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      // six streams, each its own pointer bumped per step: no per-load address arithmetic
      let p0 = r0, p1 = r1, p2 = r2, p3 = r3, q0 = t0, q1 = t1;
      const end = r0 + rowBytes;
      for (; p0 < end; p0 += 16, p1 += 16, p2 += 16, p3 += 16, q0 += 16, q1 += 16) {
        const u = v128.load(q0), w = v128.load(q1);
        const x0 = v128.load(p0), x1 = v128.load(p1), x2 = v128.load(p2), x3 = v128.load(p3);
        a0 = f32x4.add(a0, f32x4.mul(x0, u));
        c0 = f32x4.add(c0, f32x4.mul(x0, w));
        a1 = f32x4.add(a1, f32x4.mul(x1, u));
        c1 = f32x4.add(c1, f32x4.mul(x1, w));
        a2 = f32x4.add(a2, f32x4.mul(x2, u));
        c2 = f32x4.add(c2, f32x4.mul(x2, w));
        a3 = f32x4.add(a3, f32x4.mul(x3, u));
        c3 = f32x4.add(c3, f32x4.mul(x3, w));
      }
      const y0 = yi + <usize>v * ysb;
      const y1 = y0 + ysb;
      store<f64>(y0, lanes4(a0));
      store<f64>(y0, lanes4(a1), 8);
      store<f64>(y0, lanes4(a2), 16);
      store<f64>(y0, lanes4(a3), 24);
      store<f64>(y1, lanes4(c0));
      store<f64>(y1, lanes4(c1), 8);
      store<f64>(y1, lanes4(c2), 16);
      store<f64>(y1, lanes4(c3), 24);
    }
    if (v < P) matvecF32(A, ld, t + <usize>v * tsb, y + <usize>v * ysb, i, i + 4);
  }
  if (i < i1) {
    for (let v = 0; v < P; v++) matvecF32(A, ld, t + <usize>v * tsb, y + <usize>v * ysb, i, i1);
  }
}

// y_t[i] for the four trials tb .. tb + 3 of the lanes of `a` (f32 lanes when f32 = 1, else two f64 vectors a, b);
// trials >= K (padding lanes) are not stored. y_t = y + t * yStride (f64 elements).
// @ts-ignore: decorator
@inline
function storeLanes4(y: usize, ysb: usize, i: i32, tb: i32, K: i32, l0: f64, l1: f64, l2: f64, l3: f64): void {
  const p = y + (<usize>i << 3) + <usize>tb * ysb;
  if (tb < K) store<f64>(p, l0);
  if (tb + 1 < K) store<f64>(p + ysb, l1);
  if (tb + 2 < K) store<f64>(p + 2 * ysb, l2);
  if (tb + 3 < K) store<f64>(p + 3 * ysb, l3);
}

/**
 * Batched trials, f32: y_t[i] = sum_j A[i*ld + j] * T[j*KP + t] for trials t < K, rows i in [i0, i1), with the
 * phi values of the K trials interleaved in T (T[j*KP + t], KP = K rounded up to a multiple of 4, padding
 * zero; packF32 fills it) and y_t = y + t * yStride (f64 elements). Two rows x 16 trials per pass: each
 * A[i][j] is broadcast (v128.load32_splat) against the 16 trials' values of unit j (four f32x4 loads, one
 * cache line), 8 accumulators, so A is streamed from memory once per call whatever K is and each element
 * of A serves 16 multiply-adds (the last 8 or 4 trials: 4 or 2 accumulators). Each (row, trial) sum runs over j in order in one f32 lane: deterministic,
 * independent of threads; it differs from matvecF32's (8 partial sums) by rounding only.
 */
export function matmulTrialsF32(A: usize, ld: i32, T: usize, KP: i32, K: i32, y: usize, yStride: i32, i0: i32, i1: i32): void {
  const rowBytes = <usize>ld << 2;
  const tRow = <usize>KP << 2; // bytes of T per unit j
  const ysb = <usize>yStride << 3;
  let i = i0;
  for (; i < i1; i += 2) {
    const two = i + 1 < i1;
    const r0 = A + <usize>i * rowBytes;
    const r1 = two ? r0 + rowBytes : r0; // an odd last row is computed twice, stored once
    let g = 0;
    for (; g + 16 <= KP; g += 16) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let tp = T + (<usize>g << 2);
      for (let o: usize = 0; o < rowBytes; o += 4) {
        const u = v128.load32_splat(r0 + o), w = v128.load32_splat(r1 + o);
        const t0 = v128.load(tp), t1 = v128.load(tp, 16), t2 = v128.load(tp, 32), t3 = v128.load(tp, 48);
        a0 = f32x4.add(a0, f32x4.mul(u, t0));
        a1 = f32x4.add(a1, f32x4.mul(u, t1));
        a2 = f32x4.add(a2, f32x4.mul(u, t2));
        a3 = f32x4.add(a3, f32x4.mul(u, t3));
        c0 = f32x4.add(c0, f32x4.mul(w, t0));
        c1 = f32x4.add(c1, f32x4.mul(w, t1));
        c2 = f32x4.add(c2, f32x4.mul(w, t2));
        c3 = f32x4.add(c3, f32x4.mul(w, t3));
        tp += tRow;
      }
      storeF32x4(y, ysb, i, g, K, a0);
      storeF32x4(y, ysb, i, g + 4, K, a1);
      storeF32x4(y, ysb, i, g + 8, K, a2);
      storeF32x4(y, ysb, i, g + 12, K, a3);
      if (two) {
        storeF32x4(y, ysb, i + 1, g, K, c0);
        storeF32x4(y, ysb, i + 1, g + 4, K, c1);
        storeF32x4(y, ysb, i + 1, g + 8, K, c2);
        storeF32x4(y, ysb, i + 1, g + 12, K, c3);
      }
    }
    if (g + 8 <= KP) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      let tp = T + (<usize>g << 2);
      for (let o: usize = 0; o < rowBytes; o += 4) {
        const u = v128.load32_splat(r0 + o), w = v128.load32_splat(r1 + o);
        const t0 = v128.load(tp), t1 = v128.load(tp, 16);
        a0 = f32x4.add(a0, f32x4.mul(u, t0));
        a1 = f32x4.add(a1, f32x4.mul(u, t1));
        c0 = f32x4.add(c0, f32x4.mul(w, t0));
        c1 = f32x4.add(c1, f32x4.mul(w, t1));
        tp += tRow;
      }
      storeF32x4(y, ysb, i, g, K, a0);
      storeF32x4(y, ysb, i, g + 4, K, a1);
      if (two) {
        storeF32x4(y, ysb, i + 1, g, K, c0);
        storeF32x4(y, ysb, i + 1, g + 4, K, c1);
      }
      g += 8;
    }
    if (g < KP) {
      let a0 = f32x4.splat(0), c0 = f32x4.splat(0);
      let tp = T + (<usize>g << 2);
      for (let o: usize = 0; o < rowBytes; o += 4) {
        const t0 = v128.load(tp);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(r0 + o), t0));
        c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(r1 + o), t0));
        tp += tRow;
      }
      storeF32x4(y, ysb, i, g, K, a0);
      if (two) storeF32x4(y, ysb, i + 1, g, K, c0);
    }
  }
}

// @ts-ignore: decorator
@inline
function storeF32x4(y: usize, ysb: usize, i: i32, tb: i32, K: i32, a: v128): void {
  storeLanes4(y, ysb, i, tb, K, <f64>f32x4.extract_lane(a, 0), <f64>f32x4.extract_lane(a, 1), <f64>f32x4.extract_lane(a, 2), <f64>f32x4.extract_lane(a, 3));
}

/**
 * As matmulTrialsF32 for f64 A and T (T[j*KP + t] f64): two rows x 8 trials per pass (v128.load64_splat of
 * A against four f64x2 loads of T), 8 accumulators; trials beyond the multiples of 8 two at a time.
 */
export function matmulTrialsF64(A: usize, ld: i32, T: usize, KP: i32, K: i32, y: usize, yStride: i32, i0: i32, i1: i32): void {
  const rowBytes = <usize>ld << 3;
  const tRow = <usize>KP << 3;
  const ysb = <usize>yStride << 3;
  let i = i0;
  for (; i < i1; i += 2) {
    const two = i + 1 < i1;
    const r0 = A + <usize>i * rowBytes;
    const r1 = two ? r0 + rowBytes : r0;
    let g = 0;
    for (; g + 8 <= KP; g += 8) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      let c0 = f64x2.splat(0), c1 = f64x2.splat(0), c2 = f64x2.splat(0), c3 = f64x2.splat(0);
      let tp = T + (<usize>g << 3);
      for (let o: usize = 0; o < rowBytes; o += 8) {
        const u = v128.load64_splat(r0 + o), w = v128.load64_splat(r1 + o);
        const t0 = v128.load(tp), t1 = v128.load(tp, 16), t2 = v128.load(tp, 32), t3 = v128.load(tp, 48);
        a0 = f64x2.add(a0, f64x2.mul(u, t0));
        a1 = f64x2.add(a1, f64x2.mul(u, t1));
        a2 = f64x2.add(a2, f64x2.mul(u, t2));
        a3 = f64x2.add(a3, f64x2.mul(u, t3));
        c0 = f64x2.add(c0, f64x2.mul(w, t0));
        c1 = f64x2.add(c1, f64x2.mul(w, t1));
        c2 = f64x2.add(c2, f64x2.mul(w, t2));
        c3 = f64x2.add(c3, f64x2.mul(w, t3));
        tp += tRow;
      }
      storeLanes4(y, ysb, i, g, K, f64x2.extract_lane(a0, 0), f64x2.extract_lane(a0, 1), f64x2.extract_lane(a1, 0), f64x2.extract_lane(a1, 1));
      storeLanes4(y, ysb, i, g + 4, K, f64x2.extract_lane(a2, 0), f64x2.extract_lane(a2, 1), f64x2.extract_lane(a3, 0), f64x2.extract_lane(a3, 1));
      if (two) {
        storeLanes4(y, ysb, i + 1, g, K, f64x2.extract_lane(c0, 0), f64x2.extract_lane(c0, 1), f64x2.extract_lane(c1, 0), f64x2.extract_lane(c1, 1));
        storeLanes4(y, ysb, i + 1, g + 4, K, f64x2.extract_lane(c2, 0), f64x2.extract_lane(c2, 1), f64x2.extract_lane(c3, 0), f64x2.extract_lane(c3, 1));
      }
    }
    for (; g < KP; g += 4) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), c0 = f64x2.splat(0), c1 = f64x2.splat(0);
      let tp = T + (<usize>g << 3);
      for (let o: usize = 0; o < rowBytes; o += 8) {
        const u = v128.load64_splat(r0 + o), w = v128.load64_splat(r1 + o);
        const t0 = v128.load(tp), t1 = v128.load(tp, 16);
        a0 = f64x2.add(a0, f64x2.mul(u, t0));
        a1 = f64x2.add(a1, f64x2.mul(u, t1));
        c0 = f64x2.add(c0, f64x2.mul(w, t0));
        c1 = f64x2.add(c1, f64x2.mul(w, t1));
        tp += tRow;
      }
      storeLanes4(y, ysb, i, g, K, f64x2.extract_lane(a0, 0), f64x2.extract_lane(a0, 1), f64x2.extract_lane(a1, 0), f64x2.extract_lane(a1, 1));
      if (two) storeLanes4(y, ysb, i + 1, g, K, f64x2.extract_lane(c0, 0), f64x2.extract_lane(c0, 1), f64x2.extract_lane(c1, 0), f64x2.extract_lane(c1, 1));
    }
  }
}

/**
 * Interleave K trials' phi buffers for matmulTrialsF32/F64 over units [j0, j1): T[j*KP + t] = t_t[j] with
 * t_t = src + t * stride (elements); f32 = 1: 4-byte elements, else 8-byte. Padding lanes t >= K stay as
 * they are (zero: JS clears T once).
 */
export function packTrials(src: usize, stride: i32, K: i32, KP: i32, T: usize, f32: i32, j0: i32, j1: i32): void {
  const sh: usize = f32 ? 2 : 3;
  for (let t = 0; t < K; t++) {
    const s = src + ((<usize>t * <usize>stride) << sh);
    for (let j = j0; j < j1; j++) {
      const d = T + ((<usize>j * <usize>KP + <usize>t) << sh);
      if (f32) store<f32>(d, load<f32>(s + (<usize>j << 2)));
      else store<f64>(d, load<f64>(s + (<usize>j << 3)));
    }
  }
}

/**
 * Arithmetic probe (bench/w1b.ts): n passes of 12 independent f32x4 multiply-then-add chains on values in
 * registers, no memory traffic; 48 multiply-adds per pass (12 chains cover the latency of a multiply and
 * an add on two pipes each). Its rate is what this runtime's 128-bit SIMD (no fused multiply-add in Wasm
 * SIMD) reaches on one thread: the ceiling of a compute-bound product.
 */
export function peakMulAddF32(n: i32, seed: f32): f32 {
  const m = f32x4.splat(0.999999);
  const c = f32x4.splat(1e-7);
  let a0 = f32x4.splat(seed), a1 = f32x4.add(a0, c), a2 = f32x4.add(a1, c), a3 = f32x4.add(a2, c);
  let a4 = f32x4.add(a3, c), a5 = f32x4.add(a4, c), a6 = f32x4.add(a5, c), a7 = f32x4.add(a6, c);
  let a8 = f32x4.add(a7, c), a9 = f32x4.add(a8, c), a10 = f32x4.add(a9, c), a11 = f32x4.add(a10, c);
  for (let k = 0; k < n; k++) {
    a0 = f32x4.add(f32x4.mul(a0, m), c);
    a1 = f32x4.add(f32x4.mul(a1, m), c);
    a2 = f32x4.add(f32x4.mul(a2, m), c);
    a3 = f32x4.add(f32x4.mul(a3, m), c);
    a4 = f32x4.add(f32x4.mul(a4, m), c);
    a5 = f32x4.add(f32x4.mul(a5, m), c);
    a6 = f32x4.add(f32x4.mul(a6, m), c);
    a7 = f32x4.add(f32x4.mul(a7, m), c);
    a8 = f32x4.add(f32x4.mul(a8, m), c);
    a9 = f32x4.add(f32x4.mul(a9, m), c);
    a10 = f32x4.add(f32x4.mul(a10, m), c);
    a11 = f32x4.add(f32x4.mul(a11, m), c);
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)),
  );
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
