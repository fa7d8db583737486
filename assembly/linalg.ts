// Dense matrix-vector kernels over caller-owned memory (docs/ARCHITECTURE.md).
//
// y[i] = sum_j J[i*ld + j] * t[j]   for rows i in [i0, i1)
//
// `ld` (row stride, elements) and the length of `t` are multiples of 8 and the padding entries of both
// J and t are zero, so the inner loops have no tail. Four rows share each load of t (TOOLCHAIN.md §3:
// +50-60 % over one row per pass); each row keeps two vector accumulators for instruction-level
// parallelism. The order of additions is fixed, so results are bitwise reproducible.

// @ts-ignore: decorator
@inline
function hsum2(a: v128, b: v128): f64 {
  const s = f64x2.add(a, b);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** f64 J, f64 t, f64 y. */
export function matvecF64(J: usize, ld: i32, t: usize, y: usize, i0: i32, i1: i32): void {
  const rowBytes = <usize>ld << 3;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const r0 = J + <usize>i * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let a0 = f64x2.splat(0), b0 = f64x2.splat(0);
    let a1 = f64x2.splat(0), b1 = f64x2.splat(0);
    let a2 = f64x2.splat(0), b2 = f64x2.splat(0);
    let a3 = f64x2.splat(0), b3 = f64x2.splat(0);
    for (let o: usize = 0; o < rowBytes; o += 32) {
      const tp = t + o;
      const tv0 = v128.load(tp);
      const tv1 = v128.load(tp, 16);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(r0 + o), tv0));
      b0 = f64x2.add(b0, f64x2.mul(v128.load(r0 + o, 16), tv1));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(r1 + o), tv0));
      b1 = f64x2.add(b1, f64x2.mul(v128.load(r1 + o, 16), tv1));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(r2 + o), tv0));
      b2 = f64x2.add(b2, f64x2.mul(v128.load(r2 + o, 16), tv1));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(r3 + o), tv0));
      b3 = f64x2.add(b3, f64x2.mul(v128.load(r3 + o, 16), tv1));
    }
    const yp = y + (<usize>i << 3);
    store<f64>(yp, hsum2(a0, b0));
    store<f64>(yp, hsum2(a1, b1), 8);
    store<f64>(yp, hsum2(a2, b2), 16);
    store<f64>(yp, hsum2(a3, b3), 24);
  }
  for (; i < i1; i++) {
    const r0 = J + <usize>i * rowBytes;
    let a0 = f64x2.splat(0), b0 = f64x2.splat(0);
    for (let o: usize = 0; o < rowBytes; o += 32) {
      a0 = f64x2.add(a0, f64x2.mul(v128.load(r0 + o), v128.load(t + o)));
      b0 = f64x2.add(b0, f64x2.mul(v128.load(r0 + o, 16), v128.load(t + o, 16)));
    }
    store<f64>(y + (<usize>i << 3), hsum2(a0, b0));
  }
}

// @ts-ignore: decorator
@inline
function hsum4(a: v128, b: v128): f64 {
  const s = f32x4.add(a, b);
  return <f64>(
    (f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1)) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3))
  );
}

/** f32 J, f32 t, f32 accumulation, f64 y. */
export function matvecF32(J: usize, ld: i32, t: usize, y: usize, i0: i32, i1: i32): void {
  const rowBytes = <usize>ld << 2;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const r0 = J + <usize>i * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let a0 = f32x4.splat(0), b0 = f32x4.splat(0);
    let a1 = f32x4.splat(0), b1 = f32x4.splat(0);
    let a2 = f32x4.splat(0), b2 = f32x4.splat(0);
    let a3 = f32x4.splat(0), b3 = f32x4.splat(0);
    for (let o: usize = 0; o < rowBytes; o += 32) {
      const tp = t + o;
      const tv0 = v128.load(tp);
      const tv1 = v128.load(tp, 16);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(r0 + o), tv0));
      b0 = f32x4.add(b0, f32x4.mul(v128.load(r0 + o, 16), tv1));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(r1 + o), tv0));
      b1 = f32x4.add(b1, f32x4.mul(v128.load(r1 + o, 16), tv1));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(r2 + o), tv0));
      b2 = f32x4.add(b2, f32x4.mul(v128.load(r2 + o, 16), tv1));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(r3 + o), tv0));
      b3 = f32x4.add(b3, f32x4.mul(v128.load(r3 + o, 16), tv1));
    }
    const yp = y + (<usize>i << 3);
    store<f64>(yp, hsum4(a0, b0));
    store<f64>(yp, hsum4(a1, b1), 8);
    store<f64>(yp, hsum4(a2, b2), 16);
    store<f64>(yp, hsum4(a3, b3), 24);
  }
  for (; i < i1; i++) {
    const r0 = J + <usize>i * rowBytes;
    let a0 = f32x4.splat(0), b0 = f32x4.splat(0);
    for (let o: usize = 0; o < rowBytes; o += 32) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(r0 + o), v128.load(t + o)));
      b0 = f32x4.add(b0, f32x4.mul(v128.load(r0 + o, 16), v128.load(t + o, 16)));
    }
    store<f64>(y + (<usize>i << 3), hsum4(a0, b0));
  }
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
      for (let o: usize = 0; o < rowBytes; o += 16) {
        const u = v128.load(t0 + o), w = v128.load(t1 + o);
        const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
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
      for (let o: usize = 0; o < rowBytes; o += 16) {
        const u = v128.load(t0 + o), w = v128.load(t1 + o);
        const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
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
