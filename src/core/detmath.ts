/**
 * Deterministic elementary functions for the RNG (docs/ARCHITECTURE.md, Determinism).
 *
 * `detLog`, `detSinCos2Pi` use only IEEE-754 double +, -, *, /, floor and exact bit manipulation
 * (exponent extraction), never `Math.log` / `Math.sin` / `Math.cos`, whose results differ between
 * engines. `assembly/rng.ts` evaluates the very same operations in the very same order, so the
 * TypeScript and Wasm results are bitwise identical. Change one only together with the other
 * (tests/rng.test.ts compares them bit for bit).
 *
 * Algorithms (coefficients derived here, see the comments):
 * - log(u): u = 2^e m with m in (sqrt(1/2), sqrt(2)]; log m = 2 atanh(s), s = (m-1)/(m+1),
 *   |s| <= 0.1716, summed as the odd series 2 (s + s^3/3 + ... + s^21/21) (truncation < 1e-18
 *   relative); log u = e ln2_hi + (log m + e ln2_lo) with ln2_hi having 32 significant bits, so that
 *   e ln2_hi is exact.
 * - sin(2 pi u), cos(2 pi u): 4u = q + f exactly, q integer, f in [-1/2, 1/2]; theta = (pi/2) f,
 *   |theta| <= pi/4; Taylor series of sin (to theta^17) and cos (to theta^18); then the quadrant
 *   q mod 4 selects and negates. The reduction is exact, so results near the zeros of sin/cos stay
 *   accurate relative to their (small) values.
 * Coefficients are the correctly rounded doubles of the exact rationals, e.g. in Python
 * `float(Fraction((-1)**k, factorial(2*k+1)))` (float() of a Fraction rounds correctly); ln 2 to
 * 300 bits for the split. Both parsers (JS and the AssemblyScript compiler) read these 17-digit
 * literals to the same double.
 * Measured accuracy (tests/rng.test.ts): log within 2 ulp of Math.log, sin/cos within 1 ulp of
 * Math.sin/Math.cos of the reduced argument.
 */

// ln 2 = LN2_HI + LN2_LO; LN2_HI = floor(ln2 * 2^32) / 2^32 (exact in 32 bits), LN2_LO the rounded
// remainder (both computed with 300-bit arithmetic).
export const LN2_HI = 0.6931471803691238;
export const LN2_LO = 1.9082149292705877e-10;
/** Threshold of the mantissa normalisation (any fixed double works; both languages use this one). */
export const SQRT2 = 1.4142135623730951;
/** pi / 2 rounded to double. */
export const PIO2 = 1.5707963267948966;

// log series: c_k = 2 / (2k + 1), k = 1..10 (correctly rounded).
const L1 = 0.6666666666666666;
const L2 = 0.4;
const L3 = 0.2857142857142857;
const L4 = 0.2222222222222222;
const L5 = 0.18181818181818182;
const L6 = 0.15384615384615385;
const L7 = 0.13333333333333333;
const L8 = 0.11764705882352941;
const L9 = 0.10526315789473684;
const L10 = 0.09523809523809523;

// sin: theta + theta z (S1 + z (S2 + ... + z S8)), S_k = (-1)^k / (2k+1)!
const S1 = -0.16666666666666666;
const S2 = 0.008333333333333333;
const S3 = -0.0001984126984126984;
const S4 = 2.7557319223985893e-6;
const S5 = -2.505210838544172e-8;
const S6 = 1.6059043836821613e-10;
const S7 = -7.647163731819816e-13;
const S8 = 2.8114572543455206e-15;
// cos: 1 - (z/2 - z^2 (C2 + z (C3 + ... + z C9))), C_k = (-1)^k / (2k)!
const C2 = 0.041666666666666664;
const C3 = -0.001388888888888889;
const C4 = 2.48015873015873e-5;
const C5 = -2.755731922398589e-7;
const C6 = 2.08767569878681e-9;
const C7 = -1.1470745597729725e-11;
const C8 = 4.779477332387385e-14;
const C9 = -1.5619206968586225e-16;

const TWO54 = 18014398509481984; // 2^54
const MIN_NORMAL = 2.2250738585072014e-308;

// Exact access to the bits of a double.
const f64buf = new Float64Array(1);
const u32buf = new Uint32Array(f64buf.buffer);
f64buf[0] = 1;
const HI = u32buf[1] === 0x3ff00000 ? 1 : 0; // index of the high (sign/exponent) word
const LO = 1 - HI;

/**
 * Natural logarithm, deterministic (bitwise identical to the Wasm kernel's scalar `detLog`).
 * Intended domain (0, 1] (the RNG's uniforms); correct for any positive double, subnormals included.
 * log(0) = -Infinity, log(+Infinity) = +Infinity, negative or NaN input gives NaN.
 */
export function detLog(u: number): number {
  if (!(u > 0)) return u === 0 ? -Infinity : NaN;
  if (u === Infinity) return u;
  let e = 0;
  if (u < MIN_NORMAL) {
    u *= TWO54; // exact
    e = -54;
  }
  f64buf[0] = u;
  const hi = u32buf[HI];
  e += (hi >>> 20) - 1023;
  u32buf[HI] = (hi & 0x000fffff) | 0x3ff00000;
  let m = f64buf[0]; // in [1, 2)
  if (m > SQRT2) {
    m *= 0.5;
    e += 1;
  }
  return logReduced(m, e);
}

/** log(2^e m) for m in (sqrt(1/2), sqrt(2)], integer e. Shared by detLog and its callers. */
function logReduced(m: number, e: number): number {
  const s = (m - 1) / (m + 1);
  const z = s * s;
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
  const lm = 2 * s + s * (z * p);
  return e * LN2_HI + (lm + e * LN2_LO);
}

/** Scratch for detSinCos2Pi results: [sin, cos]. */
const scOut = new Float64Array(2);

/**
 * sin(2 pi u) and cos(2 pi u) for u in [0, 1) (exact reduction, so any finite u with |4u| < 2^52
 * works), written to out[offset] (sin) and out[offset + 1] (cos). Bitwise identical to the kernel.
 */
export function detSinCos2Pi(u: number, out: { [i: number]: number } = scOut, offset = 0): void {
  const x = 4 * u; // exact
  let q = Math.floor(x);
  let f = x - q; // exact, in [0, 1)
  if (f > 0.5) {
    f -= 1; // exact (Sterbenz)
    q += 1;
  }
  const t = f * PIO2;
  const z = t * t;
  let ps = S8;
  ps = S7 + z * ps;
  ps = S6 + z * ps;
  ps = S5 + z * ps;
  ps = S4 + z * ps;
  ps = S3 + z * ps;
  ps = S2 + z * ps;
  ps = S1 + z * ps;
  const s = t + t * (z * ps);
  let pc = C9;
  pc = C8 + z * pc;
  pc = C7 + z * pc;
  pc = C6 + z * pc;
  pc = C5 + z * pc;
  pc = C4 + z * pc;
  pc = C3 + z * pc;
  pc = C2 + z * pc;
  const c = 1 - (0.5 * z - z * z * pc);
  const q4 = q - 4 * Math.floor(q * 0.25); // q mod 4, exact
  if (q4 === 0) {
    out[offset] = s;
    out[offset + 1] = c;
  } else if (q4 === 1) {
    out[offset] = c;
    out[offset + 1] = -s;
  } else if (q4 === 2) {
    out[offset] = -s;
    out[offset + 1] = -c;
  } else {
    out[offset] = -c;
    out[offset + 1] = s;
  }
}

/** sin(2 pi u), deterministic. */
export function detSin2Pi(u: number): number {
  detSinCos2Pi(u, scOut, 0);
  return scOut[0];
}

/** cos(2 pi u), deterministic. */
export function detCos2Pi(u: number): number {
  detSinCos2Pi(u, scOut, 0);
  return scOut[1];
}

/** The bits of a double as [hi, lo] 32-bit words (for tests and diagnostics). */
export function doubleBits(x: number): [number, number] {
  f64buf[0] = x;
  return [u32buf[HI], u32buf[LO]];
}
