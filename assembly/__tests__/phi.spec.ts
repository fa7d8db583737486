// SIMD nonlinearity kernels (assembly/phi.ts) against scalar AssemblyScript references written here:
// Math.tanh / Math.exp of the AS standard library, and a scalar erf (series and continued fraction,
// the method of src/math/erf.ts). Tolerances are absolute, in ULP1 = 2^-52 (f64) or 2^-23 (f32).
import {
  PHI_TANH,
  PHI_ERF,
  PHI_LINEAR,
  phiScalarF64,
  phiVecF64,
  dphiVecF64,
  phiVecF64toF32,
  phiVecF32,
} from "../phi";

const ULP1: f64 = 2.220446049250313e-16;
const ULP1_F32: f64 = 1.1920928955078125e-7;
const C: f64 = 0.886226925452758; // sqrt(pi)/2

// ---- scalar references --------------------------------------------------------------------------

const terms = new StaticArray<f64>(128);

function sumBackward(n: i32): f64 {
  let s = 0.0;
  for (let i = n - 1; i >= 0; i--) s += terms[i];
  return s;
}

/** erf(x): Taylor series below 0.5, positive series times exp(-x^2) below 1, continued fraction above. */
function erfRef(x: f64): f64 {
  if (isNaN(x)) return NaN;
  if (x == 0) return x;
  const a = Math.abs(x);
  let r: f64;
  if (a < 0.5) {
    const a2 = a * a;
    let p = a;
    terms[0] = a;
    let n = 1;
    for (; n < 40; n++) {
      p *= -a2 / <f64>n;
      terms[n] = p / <f64>(2 * n + 1);
      if (Math.abs(terms[n]) < 1e-18 * a) { n++; break; }
    }
    r = 1.1283791670955126 * sumBackward(n);
  } else if (a < 1) {
    const a2 = a * a;
    let t = a;
    terms[0] = a;
    let n = 1;
    for (; n < 100; n++) {
      t *= (2 * a2) / <f64>(2 * n + 1);
      terms[n] = t;
      if (t < 1e-18 * a) { n++; break; }
    }
    r = 1.1283791670955126 * Math.exp(-a2) * sumBackward(n);
  } else if (a > 6) {
    r = 1;
  } else {
    const n = 20 + <i32>Math.ceil(200 / (a * a));
    let t = a;
    for (let k = n; k >= 1; k--) t = a + <f64>k / 2 / t;
    r = 1 - (Math.exp(-a * a) * 0.5641895835477563) / t;
  }
  return x < 0 ? -r : r;
}

function phiRef(kind: i32, x: f64): f64 {
  if (kind == PHI_TANH) return Math.tanh(x);
  if (kind == PHI_ERF) return erfRef(C * x);
  return x;
}

function dphiRef(kind: i32, x: f64): f64 {
  if (kind == PHI_TANH) {
    const t = Math.tanh(x);
    return 1 - t * t;
  }
  if (kind == PHI_ERF) return Math.exp(-0.7853981633974483 * x * x);
  return 1;
}

// ---- helpers --------------------------------------------------------------------------------------

const N: i32 = 4001;
const src = new Float64Array(N + 8);
const dst = new Float64Array(N + 8);
const src32 = new Float32Array(N + 8);
const dst32 = new Float32Array(N + 8);

function fillGrid(a: f64, b: f64, n: i32): void {
  for (let i = 0; i < n; i++) src[i] = a + ((b - a) * <f64>i) / <f64>(n - 1);
}

function sameBits(a: f64, b: f64): bool {
  return reinterpret<u64>(a) == reinterpret<u64>(b);
}

describe("phi f64 kernels vs scalar references", () => {
  it("tanh within 2 ULP1 of Math.tanh on [-20, 20]", () => {
    fillGrid(-20, 20, N);
    phiVecF64(PHI_TANH, src.dataStart, dst.dataStart, N);
    let worst = 0.0;
    for (let i = 0; i < N; i++) worst = Math.max(worst, Math.abs(dst[i] - Math.tanh(src[i])));
    expect(worst).toBeLessThanOrEqual(2 * ULP1);
  });

  it("erf(sqrt(pi) x / 2) within 3 ULP1 of the scalar series/continued-fraction reference on [-8, 8]", () => {
    fillGrid(-8, 8, N);
    phiVecF64(PHI_ERF, src.dataStart, dst.dataStart, N);
    let worst = 0.0;
    for (let i = 0; i < N; i++) worst = Math.max(worst, Math.abs(dst[i] - phiRef(PHI_ERF, src[i])));
    // kernel <= 1.5 ULP1 and reference <= 1.5 ULP1 from the exact value (tests/phi.test.ts)
    expect(worst).toBeLessThanOrEqual(3 * ULP1);
  });

  it("phi' within 3 ULP1 of 1 - tanh^2 and exp(-pi x^2/4)", () => {
    fillGrid(-25, 25, N);
    for (let kind = 0; kind < 2; kind++) {
      dphiVecF64(kind, src.dataStart, dst.dataStart, N);
      let worst = 0.0;
      for (let i = 0; i < N; i++) worst = Math.max(worst, Math.abs(dst[i] - dphiRef(kind, src[i])));
      expect(worst).toBeLessThanOrEqual(3 * ULP1);
    }
  });

  it("linear is the identity, phi' = 1", () => {
    fillGrid(-1e6, 1e6, 101);
    phiVecF64(PHI_LINEAR, src.dataStart, dst.dataStart, 101);
    for (let i = 0; i < 101; i++) expect(dst[i]).toBe(src[i]);
    dphiVecF64(PHI_LINEAR, src.dataStart, dst.dataStart, 101);
    for (let i = 0; i < 101; i++) expect(dst[i]).toBe(1.0);
  });
});

describe("tails and special values", () => {
  it("lengths 0..11 write exactly n values, each bit-identical to phiScalarF64", () => {
    for (let kind = 0; kind < 3; kind++) {
      for (let n = 0; n < 12; n++) {
        for (let i = 0; i < 16; i++) {
          src[i] = -3.1 + 0.57 * <f64>i;
          dst[i] = -42;
          dst32[i] = -42;
        }
        phiVecF64(kind, src.dataStart, dst.dataStart, n);
        phiVecF64toF32(kind, src.dataStart, dst32.dataStart, n);
        for (let i = 0; i < 16; i++) {
          if (i < n) {
            expect(sameBits(dst[i], phiScalarF64(kind, src[i]))).toBe(true);
            expect(dst32[i]).toBe(<f32>phiScalarF64(kind, src[i]));
          } else {
            expect(dst[i]).toBe(-42);
            expect(dst32[i]).toBe(<f32>-42);
          }
        }
      }
    }
  });

  it("signed zeros, infinities, NaN, huge values", () => {
    for (let kind = 0; kind < 2; kind++) {
      expect(sameBits(phiScalarF64(kind, 0.0), 0.0)).toBe(true);
      expect(sameBits(phiScalarF64(kind, -0.0), -0.0)).toBe(true);
      expect(phiScalarF64(kind, Infinity)).toBe(1.0);
      expect(phiScalarF64(kind, -Infinity)).toBe(-1.0);
      expect(phiScalarF64(kind, 1e308)).toBe(1.0);
      expect(phiScalarF64(kind, -1e308)).toBe(-1.0);
      expect(isNaN(phiScalarF64(kind, NaN))).toBe(true);
      src[0] = Infinity;
      src[1] = -1e300;
      src[2] = 0.0;
      dphiVecF64(kind, src.dataStart, dst.dataStart, 3);
      expect(dst[0]).toBe(0.0);
      expect(dst[1]).toBe(0.0);
      expect(dst[2]).toBe(1.0);
    }
    expect(isNaN(phiScalarF64(5, 0.5))).toBe(true);
  });
});

describe("f32 kernels", () => {
  it("phiVecF32 within 1.5 ulp(1) of f32 of the f64 reference, tails included", () => {
    for (let kind = 0; kind < 2; kind++) {
      for (let i = 0; i < N; i++) src32[i] = <f32>(-10 + (20 * <f64>i) / <f64>(N - 1));
      phiVecF32(kind, src32.dataStart, dst32.dataStart, N);
      let worst = 0.0;
      for (let i = 0; i < N; i++) worst = Math.max(worst, Math.abs(<f64>dst32[i] - phiRef(kind, <f64>src32[i])));
      expect(worst).toBeLessThanOrEqual(1.5 * ULP1_F32);
      // tail elements equal the same inputs processed inside a full vector
      for (let n = 0; n < 8; n++) {
        for (let i = 0; i < 12; i++) dst32[i] = -42;
        phiVecF32(kind, src32.dataStart, dst32.dataStart, n);
        const keep = dst32[0];
        for (let i = 0; i < 12; i++) if (i >= n) expect(dst32[i]).toBe(<f32>-42);
        if (n > 0) {
          phiVecF32(kind, src32.dataStart, dst32.dataStart, 4);
          expect(dst32[0]).toBe(keep);
        }
      }
    }
  });

  it("f32 special values", () => {
    src32[0] = <f32>0.0;
    src32[1] = <f32>-0.0;
    src32[2] = Infinity;
    src32[3] = -Infinity;
    src32[4] = NaN;
    src32[5] = <f32>3e38;
    for (let kind = 0; kind < 2; kind++) {
      phiVecF32(kind, src32.dataStart, dst32.dataStart, 6);
      expect(reinterpret<u32>(dst32[0])).toBe(0);
      expect(reinterpret<u32>(dst32[1])).toBe(0x80000000);
      expect(dst32[2]).toBe(<f32>1);
      expect(dst32[3]).toBe(<f32>-1);
      expect(isNaN(dst32[4])).toBe(true);
      expect(dst32[5]).toBe(<f32>1);
    }
  });
});
