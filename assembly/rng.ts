// Counter-based RNG kernels: Philox4x32-10 + deterministic Box–Muller (docs/ARCHITECTURE.md,
// Determinism). Bitwise identical to the TypeScript reference src/core/rng.ts + src/core/detmath.ts:
// every floating-point operation below appears there in the same order with the same constants.
// Change both together; tests/rng.test.ts compares them bit for bit.
//
//   key     = (seedLo, seedHi)                 (integer seed < 2^53: seedHi = floor(seed / 2^32))
//   counter = (block lo32, block hi32, stream, 0)
//   u1 = ((x0 >>> 5) 2^26 + (x1 >>> 6) + 0.5) 2^-53,  u2 likewise from (x2, x3)
//   z0 = sqrt(-2 log u1) cos(2 pi u2),  z1 = sqrt(-2 log u1) sin(2 pi u2)
//   Gaussian number k of (seed, stream) = z_{k & 1} of block k >> 1.
//
// The fill kernels run four Philox blocks at once in i32x4 lanes and Box–Muller on two blocks at
// once in f64x2 lanes; head and tail elements use the scalar path, which computes the same bits.

// ---------------------------------------------------------------------------------------------
// Constants (same literals as src/core/detmath.ts and src/core/rng.ts)

const PHILOX_M0: u32 = 0xd2511f53;
const PHILOX_M1: u32 = 0xcd9e8d57;
const PHILOX_W0: u32 = 0x9e3779b9;
const PHILOX_W1: u32 = 0xbb67ae85;

const TWO26: f64 = 67108864.0;
const TWO_M53: f64 = 1.1102230246251565e-16;

const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;
const SQRT2: f64 = 1.4142135623730951;
const PIO2: f64 = 1.5707963267948966;
const TWO54: f64 = 18014398509481984.0;
const MIN_NORMAL: f64 = 2.2250738585072014e-308;

// log series 2 / (2k + 1), k = 1..10
const L1: f64 = 0.6666666666666666;
const L2: f64 = 0.4;
const L3: f64 = 0.2857142857142857;
const L4: f64 = 0.2222222222222222;
const L5: f64 = 0.18181818181818182;
const L6: f64 = 0.15384615384615385;
const L7: f64 = 0.13333333333333333;
const L8: f64 = 0.11764705882352941;
const L9: f64 = 0.10526315789473684;
const L10: f64 = 0.09523809523809523;

// sin: (-1)^k / (2k+1)!, k = 1..8
const S1: f64 = -0.16666666666666666;
const S2: f64 = 0.008333333333333333;
const S3: f64 = -0.0001984126984126984;
const S4: f64 = 2.7557319223985893e-6;
const S5: f64 = -2.505210838544172e-8;
const S6: f64 = 1.6059043836821613e-10;
const S7: f64 = -7.647163731819816e-13;
const S8: f64 = 2.8114572543455206e-15;
// cos: (-1)^k / (2k)!, k = 2..9
const C2: f64 = 0.041666666666666664;
const C3: f64 = -0.001388888888888889;
const C4: f64 = 2.48015873015873e-5;
const C5: f64 = -2.755731922398589e-7;
const C6: f64 = 2.08767569878681e-9;
const C7: f64 = -1.1470745597729725e-11;
const C8: f64 = 4.779477332387385e-14;
const C9: f64 = -1.5619206968586225e-16;

// ---------------------------------------------------------------------------------------------
// Scalar detmath

// @ts-ignore: decorator
@inline
function logReduced(m: f64, e: f64): f64 {
  let s = (m - 1.0) / (m + 1.0);
  let z = s * s;
  let p = L10;
  p = L9 + z * p;
  p = L8 + z * p;
  p = L7 + z * p;
  p = L6 + z * p;
  p = L5 + z * p;
  p = L4 + z * p;
  p = L3 + z * p;
  p = L2 + z * p;
  p = L1 + z * p;
  let lm = 2.0 * s + s * (z * p);
  return e * LN2_HI + (lm + e * LN2_LO);
}

/** Deterministic natural log (same bits as detLog in src/core/detmath.ts). */
export function rngDetLog(u: f64): f64 {
  if (!(u > 0.0)) return u == 0.0 ? -Infinity : NaN;
  if (u == Infinity) return u;
  let e: f64 = 0.0;
  if (u < MIN_NORMAL) {
    u *= TWO54;
    e = -54.0;
  }
  let bits = reinterpret<u64>(u);
  e += <f64>(<i32>(bits >> 52) - 1023);
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > SQRT2) {
    m *= 0.5;
    e += 1.0;
  }
  return logReduced(m, e);
}

let scSin: f64 = 0.0;
let scCos: f64 = 0.0;

// @ts-ignore: decorator
@inline
function sinCos2Pi(u: f64): void {
  let x = 4.0 * u;
  let q = Math.floor(x);
  let f = x - q;
  if (f > 0.5) {
    f -= 1.0;
    q += 1.0;
  }
  let t = f * PIO2;
  let z = t * t;
  let ps = S8;
  ps = S7 + z * ps;
  ps = S6 + z * ps;
  ps = S5 + z * ps;
  ps = S4 + z * ps;
  ps = S3 + z * ps;
  ps = S2 + z * ps;
  ps = S1 + z * ps;
  let s = t + t * (z * ps);
  let pc = C9;
  pc = C8 + z * pc;
  pc = C7 + z * pc;
  pc = C6 + z * pc;
  pc = C5 + z * pc;
  pc = C4 + z * pc;
  pc = C3 + z * pc;
  pc = C2 + z * pc;
  let c = 1.0 - (0.5 * z - z * z * pc);
  let q4 = q - 4.0 * Math.floor(q * 0.25);
  if (q4 == 0.0) {
    scSin = s;
    scCos = c;
  } else if (q4 == 1.0) {
    scSin = c;
    scCos = -s;
  } else if (q4 == 2.0) {
    scSin = -s;
    scCos = -c;
  } else {
    scSin = -c;
    scCos = s;
  }
}

/** Deterministic sin(2 pi u) (same bits as detSin2Pi in src/core/detmath.ts). */
export function rngDetSin2Pi(u: f64): f64 {
  sinCos2Pi(u);
  return scSin;
}

/** Deterministic cos(2 pi u) (same bits as detCos2Pi in src/core/detmath.ts). */
export function rngDetCos2Pi(u: f64): f64 {
  sinCos2Pi(u);
  return scCos;
}

// ---------------------------------------------------------------------------------------------
// Scalar Philox and Box–Muller

let px0: u32 = 0;
let px1: u32 = 0;
let px2: u32 = 0;
let px3: u32 = 0;

// @ts-ignore: decorator
@inline
function philoxScalar(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32, rounds: i32): void {
  for (let r = 0; r < rounds; r++) {
    let p0 = <u64>PHILOX_M0 * <u64>c0;
    let p1 = <u64>PHILOX_M1 * <u64>c2;
    let h0 = <u32>(p0 >> 32);
    let h1 = <u32>(p1 >> 32);
    c0 = h1 ^ c1 ^ k0;
    c1 = <u32>p1;
    c2 = h0 ^ c3 ^ k1;
    c3 = <u32>p0;
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  px0 = c0;
  px1 = c1;
  px2 = c2;
  px3 = c3;
}

/** Philox4x32 with `rounds` rounds (10 for Philox4x32-10); writes the four u32 words to dst. */
export function rngPhilox4x32(dst: usize, c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32, rounds: i32): void {
  philoxScalar(c0, c1, c2, c3, k0, k1, rounds);
  store<u32>(dst, px0);
  store<u32>(dst, px1, 4);
  store<u32>(dst, px2, 8);
  store<u32>(dst, px3, 12);
}

let bu1: f64 = 0.0;
let bu2: f64 = 0.0;

// @ts-ignore: decorator
@inline
function blockUniforms(k0: u32, k1: u32, stream: u32, block: u64): void {
  philoxScalar(<u32>block, <u32>(block >> 32), stream, 0, k0, k1, 10);
  bu1 = (<f64>(px0 >>> 5) * TWO26 + <f64>(px1 >>> 6) + 0.5) * TWO_M53;
  bu2 = (<f64>(px2 >>> 5) * TWO26 + <f64>(px3 >>> 6) + 0.5) * TWO_M53;
}

let gz0: f64 = 0.0;
let gz1: f64 = 0.0;

// @ts-ignore: decorator
@inline
function blockGauss(k0: u32, k1: u32, stream: u32, block: u64): void {
  blockUniforms(k0, k1, stream, block);
  let r = Math.sqrt(-2.0 * rngDetLog(bu1));
  sinCos2Pi(bu2);
  gz0 = r * scCos;
  gz1 = r * scSin;
}

/** dst[0], dst[1] = the two uniforms of Philox block `block` (integer < 2^53) of (seed, stream). */
export function rngUniformPair(dst: usize, seedLo: u32, seedHi: u32, stream: u32, block: f64): void {
  blockUniforms(seedLo, seedHi, stream, <u64>block);
  store<f64>(dst, bu1);
  store<f64>(dst, bu2, 8);
}

/** Standard Gaussian number `index` (integer < 2^53) of (seed, stream). */
export function rngGaussian(seedLo: u32, seedHi: u32, stream: u32, index: f64): f64 {
  let k = <u64>index;
  blockGauss(seedLo, seedHi, stream, k >> 1);
  return (k & 1) != 0 ? gz1 : gz0;
}

// ---------------------------------------------------------------------------------------------
// SIMD: four Philox blocks in i32x4 lanes, Box–Muller on two blocks in f64x2 lanes

// @ts-ignore: decorator
@inline
function mulhiV(a: v128, m: v128): v128 {
  let lo = i64x2.extmul_low_i32x4_u(a, m);
  let hi = i64x2.extmul_high_i32x4_u(a, m);
  return i32x4.shuffle(lo, hi, 1, 3, 5, 7);
}

// @ts-ignore: decorator
@inline
function logV(u: v128): v128 {
  // u is a normal double in (0, 1] (the uniforms are >= 2^-54), so no subnormal/zero branch
  let bits = u;
  let eHi = i32x4.sub(i32x4.shr_u(bits, 20), i32x4.splat(1023)); // exponent, in the odd i32 lanes
  let m = v128.or(v128.and(bits, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  let big = f64x2.gt(m, f64x2.splat(SQRT2));
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big);
  let e = f64x2.convert_low_i32x4_s(i32x4.shuffle(eHi, eHi, 1, 3, 1, 3));
  e = f64x2.add(e, v128.and(big, f64x2.splat(1.0)));
  let s = f64x2.div(f64x2.sub(m, f64x2.splat(1.0)), f64x2.add(m, f64x2.splat(1.0)));
  let z = f64x2.mul(s, s);
  let p = f64x2.splat(L10);
  p = f64x2.add(f64x2.splat(L9), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(L8), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(L7), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(L6), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(L5), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(L4), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(L3), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(L2), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(L1), f64x2.mul(z, p));
  let lm = f64x2.add(f64x2.mul(f64x2.splat(2.0), s), f64x2.mul(s, f64x2.mul(z, p)));
  return f64x2.add(
    f64x2.mul(e, f64x2.splat(LN2_HI)),
    f64x2.add(lm, f64x2.mul(e, f64x2.splat(LN2_LO))),
  );
}

// Box–Muller on two blocks (lanes); stores the four values z0(b), z1(b), z0(b+1), z1(b+1),
// each multiplied by `scale`, at dst as T (f64, or f32 rounded once).
// @ts-ignore: decorator
@inline
function boxMuller2<T>(dst: usize, u1: v128, u2: v128, scale: v128): void {
  let r = f64x2.sqrt(f64x2.mul(f64x2.splat(-2.0), logV(u1)));
  // sin/cos(2 pi u2)
  let x = f64x2.mul(f64x2.splat(4.0), u2);
  let q = f64x2.floor(x);
  let f = f64x2.sub(x, q);
  let hi = f64x2.gt(f, f64x2.splat(0.5));
  f = v128.bitselect(f64x2.sub(f, f64x2.splat(1.0)), f, hi);
  q = f64x2.add(q, v128.and(hi, f64x2.splat(1.0)));
  let t = f64x2.mul(f, f64x2.splat(PIO2));
  let z = f64x2.mul(t, t);
  let ps = f64x2.splat(S8);
  ps = f64x2.add(f64x2.splat(S7), f64x2.mul(z, ps));
  ps = f64x2.add(f64x2.splat(S6), f64x2.mul(z, ps));
  ps = f64x2.add(f64x2.splat(S5), f64x2.mul(z, ps));
  ps = f64x2.add(f64x2.splat(S4), f64x2.mul(z, ps));
  ps = f64x2.add(f64x2.splat(S3), f64x2.mul(z, ps));
  ps = f64x2.add(f64x2.splat(S2), f64x2.mul(z, ps));
  ps = f64x2.add(f64x2.splat(S1), f64x2.mul(z, ps));
  let s = f64x2.add(t, f64x2.mul(t, f64x2.mul(z, ps)));
  let pc = f64x2.splat(C9);
  pc = f64x2.add(f64x2.splat(C8), f64x2.mul(z, pc));
  pc = f64x2.add(f64x2.splat(C7), f64x2.mul(z, pc));
  pc = f64x2.add(f64x2.splat(C6), f64x2.mul(z, pc));
  pc = f64x2.add(f64x2.splat(C5), f64x2.mul(z, pc));
  pc = f64x2.add(f64x2.splat(C4), f64x2.mul(z, pc));
  pc = f64x2.add(f64x2.splat(C3), f64x2.mul(z, pc));
  pc = f64x2.add(f64x2.splat(C2), f64x2.mul(z, pc));
  let c = f64x2.sub(
    f64x2.splat(1.0),
    f64x2.sub(f64x2.mul(f64x2.splat(0.5), z), f64x2.mul(f64x2.mul(z, z), pc)),
  );
  let q4 = f64x2.sub(q, f64x2.mul(f64x2.splat(4.0), f64x2.floor(f64x2.mul(q, f64x2.splat(0.25)))));
  let is1 = f64x2.eq(q4, f64x2.splat(1.0));
  let is2 = f64x2.eq(q4, f64x2.splat(2.0));
  let is3 = f64x2.eq(q4, f64x2.splat(3.0));
  let swap = v128.or(is1, is3);
  let sign = i64x2.splat(0x8000000000000000);
  let sn = v128.xor(v128.bitselect(c, s, swap), v128.and(v128.or(is2, is3), sign));
  let cs = v128.xor(v128.bitselect(s, c, swap), v128.and(v128.or(is1, is2), sign));
  let z0 = f64x2.mul(scale, f64x2.mul(r, cs)); // lanes: z0 of the two blocks
  let z1 = f64x2.mul(scale, f64x2.mul(r, sn)); // lanes: z1 of the two blocks
  let a = f64x2.shuffle(z0, z1, 0, 2);
  let b = f64x2.shuffle(z0, z1, 1, 3);
  if (sizeof<T>() == 8) {
    v128.store(dst, a);
    v128.store(dst, b, 16);
  } else {
    let fa = f32x4.demote_f64x2_zero(a);
    let fb = f32x4.demote_f64x2_zero(b);
    v128.store(dst, i32x4.shuffle(fa, fb, 0, 1, 4, 5));
  }
}

// Eight Gaussians (blocks block..block+3) times scale, stored at dst as T.
// @ts-ignore: decorator
@inline
function gauss8<T>(dst: usize, block: u64, k0: u32, k1: u32, stream: u32, scale: v128): void {
  let lo = <u32>block;
  let vlo = i32x4.splat(lo);
  let c0 = i32x4.add(vlo, i32x4(0, 1, 2, 3));
  let carry = i32x4.lt_u(c0, vlo); // -1 where block lo32 + lane wrapped around
  let c1 = i32x4.sub(i32x4.splat(<u32>(block >> 32)), carry);
  let c2 = i32x4.splat(stream);
  let c3 = i32x4.splat(0);
  let m0 = i32x4.splat(PHILOX_M0);
  let m1 = i32x4.splat(PHILOX_M1);
  let ka = k0;
  let kb = k1;
  for (let r = 0; r < 10; r++) {
    let h0 = mulhiV(c0, m0);
    let l0 = i32x4.mul(c0, m0);
    let h1 = mulhiV(c2, m1);
    let l1 = i32x4.mul(c2, m1);
    c0 = v128.xor(v128.xor(h1, c1), i32x4.splat(ka));
    c1 = l1;
    c2 = v128.xor(v128.xor(h0, c3), i32x4.splat(kb));
    c3 = l0;
    ka += PHILOX_W0;
    kb += PHILOX_W1;
  }
  // uniforms: a = x >>> 5 (27 bits), b = y >>> 6 (26 bits), u = (a 2^26 + b + 0.5) 2^-53
  let a1 = i32x4.shr_u(c0, 5);
  let b1 = i32x4.shr_u(c1, 6);
  let a2 = i32x4.shr_u(c2, 5);
  let b2 = i32x4.shr_u(c3, 6);
  let t26 = f64x2.splat(TWO26);
  let half = f64x2.splat(0.5);
  let m53 = f64x2.splat(TWO_M53);
  let u1lo = f64x2.mul(f64x2.add(f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_u(a1), t26), f64x2.convert_low_i32x4_u(b1)), half), m53);
  let u2lo = f64x2.mul(f64x2.add(f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_u(a2), t26), f64x2.convert_low_i32x4_u(b2)), half), m53);
  a1 = i32x4.shuffle(a1, a1, 2, 3, 2, 3);
  b1 = i32x4.shuffle(b1, b1, 2, 3, 2, 3);
  a2 = i32x4.shuffle(a2, a2, 2, 3, 2, 3);
  b2 = i32x4.shuffle(b2, b2, 2, 3, 2, 3);
  let u1hi = f64x2.mul(f64x2.add(f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_u(a1), t26), f64x2.convert_low_i32x4_u(b1)), half), m53);
  let u2hi = f64x2.mul(f64x2.add(f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_u(a2), t26), f64x2.convert_low_i32x4_u(b2)), half), m53);
  boxMuller2<T>(dst, u1lo, u2lo, scale);
  boxMuller2<T>(dst + 4 * sizeof<T>(), u1hi, u2hi, scale);
}

// Groups of eight Gaussians: 8 g values starting at the even index 2 block.
// Deliberately not inlined, and called on chunks of at most CHUNK_GROUPS groups: V8 runs a Wasm
// function in its baseline compiler (Liftoff) until it has been called often enough, and only later
// calls use the optimised code. With the whole fill in one call the first 4000 x 4000 matrix took
// 0.7 s instead of 0.23 s.
const CHUNK_GROUPS: i32 = 64;
function fillGroups<T>(dst: usize, g: i32, block: u64, k0: u32, k1: u32, stream: u32, scale: f64): void {
  let scaleV = f64x2.splat(scale);
  for (let i = 0; i < g; i++) {
    gauss8<T>(dst + (<usize>i) * (8 * sizeof<T>()), block + <u64>(4 * i), k0, k1, stream, scaleV);
  }
}

// dst[k] = T(scale * gauss(start + k)), k in [0, n).
function fillRange<T>(dst: usize, n: i32, k0: u32, k1: u32, stream: u32, start: u64, scale: f64): void {
  let k: i32 = 0;
  if (n > 0 && (start & 1) != 0) {
    blockGauss(k0, k1, stream, start >> 1);
    store<T>(dst, <T>(scale * gz1));
    k = 1;
  }
  let block = (start + <u64>k) >> 1;
  let groups = (n - k) >> 3;
  while (groups > 0) {
    let g = min(groups, CHUNK_GROUPS);
    fillGroups<T>(dst + (<usize>k) * sizeof<T>(), g, block, k0, k1, stream, scale);
    block += <u64>(4 * g);
    k += 8 * g;
    groups -= g;
  }
  while (k + 2 <= n) {
    blockGauss(k0, k1, stream, block);
    let p = dst + (<usize>k) * sizeof<T>();
    store<T>(p, <T>(scale * gz0));
    store<T>(p + sizeof<T>(), <T>(scale * gz1));
    block += 1;
    k += 2;
  }
  if (k < n) {
    blockGauss(k0, k1, stream, block);
    store<T>(dst + (<usize>k) * sizeof<T>(), <T>(scale * gz0));
  }
}

// @ts-ignore: decorator
@inline
function fillMatrix<T>(dst: usize, N: i32, ld: i32, i0: i32, i1: i32, k0: u32, k1: u32, stream: u32, scale: f64): void {
  for (let i = i0; i < i1; i++) {
    let row = dst + (<usize>i) * (<usize>ld) * sizeof<T>();
    fillRange<T>(row, N, k0, k1, stream, <u64>i * <u64>N, scale);
    for (let j = N; j < ld; j++) store<T>(row + (<usize>j) * sizeof<T>(), <T>0);
  }
}

// ---------------------------------------------------------------------------------------------
// Exported fill kernels

/**
 * dst[k] = scale * gauss(start + k), k in [0, n): Gaussians number start.. of (seed, stream), where
 * seed = seedHi 2^32 + seedLo and start is an integer < 2^53 (passed as f64).
 */
export function gaussFillF64(dst: usize, n: i32, seedLo: u32, seedHi: u32, stream: u32, start: f64, scale: f64): void {
  fillRange<f64>(dst, n, seedLo, seedHi, stream, <u64>start, scale);
}

/** As gaussFillF64, stored as f32 (computed in f64 and rounded once). */
export function gaussFillF32(dst: usize, n: i32, seedLo: u32, seedHi: u32, stream: u32, start: f64, scale: f64): void {
  fillRange<f32>(dst, n, seedLo, seedHi, stream, <u64>start, scale);
}

/**
 * Rows [i0, i1) of an N x N row-major matrix at dst (the address of row 0) with row stride ld >= N
 * elements: entry (i, j) = scale * gauss(i N + j) for j < N, and 0 in the padding columns
 * [N, ld). Each entry depends only on its (unpadded) index, so any split of the rows gives the same
 * bytes.
 */
export function gaussMatrixF64(dst: usize, N: i32, ld: i32, i0: i32, i1: i32, seedLo: u32, seedHi: u32, stream: u32, scale: f64): void {
  fillMatrix<f64>(dst, N, ld, i0, i1, seedLo, seedHi, stream, scale);
}

/** As gaussMatrixF64, stored as f32 (computed in f64 and rounded once). */
export function gaussMatrixF32(dst: usize, N: i32, ld: i32, i0: i32, i1: i32, seedLo: u32, seedHi: u32, stream: u32, scale: f64): void {
  fillMatrix<f32>(dst, N, ld, i0, i1, seedLo, seedHi, stream, scale);
}
