// as-pect tests of the RNG kernels (assembly/rng.ts). Bitwise equality with the TypeScript
// reference is tested in tests/rng.test.ts.
import {
  rngPhilox4x32,
  rngUniformPair,
  rngGaussian,
  rngDetLog,
  rngDetSin2Pi,
  rngDetCos2Pi,
  gaussFillF64,
  gaussFillF32,
  gaussMatrixF64,
} from "../rng";

function philox(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32, rounds: i32): StaticArray<u32> {
  const out = new StaticArray<u32>(4);
  rngPhilox4x32(changetype<usize>(out), c0, c1, c2, c3, k0, k1, rounds);
  return out;
}

function expectWords(got: StaticArray<u32>, w0: u32, w1: u32, w2: u32, w3: u32): void {
  expect<u32>(got[0]).toBe(w0);
  expect<u32>(got[1]).toBe(w1);
  expect<u32>(got[2]).toBe(w2);
  expect<u32>(got[3]).toBe(w3);
}

describe("Philox4x32 known-answer vectors (Random123 kat_vectors)", () => {
  test("10 rounds", () => {
    expectWords(philox(0, 0, 0, 0, 0, 0, 10), 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8);
    expectWords(
      philox(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 10),
      0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd,
    );
    expectWords(
      philox(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 10),
      0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1,
    );
  });
  test("7 rounds", () => {
    expectWords(philox(0, 0, 0, 0, 0, 0, 7), 0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48);
    expectWords(
      philox(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 7),
      0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a,
    );
  });
});

describe("uniforms", () => {
  test("lie in (0, 1] with mean 1/2 (1e5 blocks, 5 standard errors)", () => {
    const pair = new StaticArray<f64>(2);
    const p = changetype<usize>(pair);
    let lo: f64 = 1.0;
    let hi: f64 = 0.0;
    let sum: f64 = 0.0;
    const blocks = 100000;
    for (let b = 0; b < blocks; b++) {
      rngUniformPair(p, 12345, 1, 3, <f64>b);
      lo = Math.min(lo, Math.min(pair[0], pair[1]));
      hi = Math.max(hi, Math.max(pair[0], pair[1]));
      sum += pair[0] + pair[1];
    }
    expect<bool>(lo > 0.0).toBe(true);
    expect<bool>(hi <= 1.0).toBe(true);
    const n: f64 = 2.0 * <f64>blocks;
    // SE of the mean of U(0,1): sqrt(1/12 / n)
    expect<f64>(Math.abs(sum / n - 0.5)).toBeLessThan(5.0 * Math.sqrt(1.0 / 12.0 / n));
  });
});

describe("detmath", () => {
  test("log, sin(2 pi u), cos(2 pi u) agree with Math.* to 1e-15", () => {
    for (let k = 1; k <= 4000; k++) {
      const u: f64 = <f64>k / 4001.0;
      const l = Math.log(u);
      expect<f64>(Math.abs(rngDetLog(u) - l)).toBeLessThanOrEqual(1e-15 * Math.abs(l));
      // absolute tolerance: 2 pi u in Math's version is itself rounded
      expect<f64>(Math.abs(rngDetSin2Pi(u) - Math.sin(2.0 * Math.PI * u))).toBeLessThan(2e-15);
      expect<f64>(Math.abs(rngDetCos2Pi(u) - Math.cos(2.0 * Math.PI * u))).toBeLessThan(2e-15);
    }
    expect<f64>(rngDetLog(1.0)).toBe(0.0);
    expect<f64>(rngDetSin2Pi(0.25)).toBe(1.0);
    expect<f64>(rngDetCos2Pi(0.5)).toBe(-1.0);
  });
});

describe("Gaussians", () => {
  test("1e5 draws: mean within 5/sqrt(n), variance within 5 sqrt(2/n)", () => {
    const n = 100000;
    const x = new StaticArray<f64>(n);
    gaussFillF64(changetype<usize>(x), n, 7, 0, 1, 0.0, 1.0);
    let s: f64 = 0.0;
    for (let i = 0; i < n; i++) s += x[i];
    const mean = s / <f64>n;
    let s2: f64 = 0.0;
    for (let i = 0; i < n; i++) s2 += (x[i] - mean) * (x[i] - mean);
    const v = s2 / <f64>n;
    expect<f64>(Math.abs(mean)).toBeLessThan(5.0 / Math.sqrt(<f64>n));
    expect<f64>(Math.abs(v - 1.0)).toBeLessThan(5.0 * Math.sqrt(2.0 / <f64>n));
  });

  test("SIMD fill equals the scalar path, odd start, and indices above 2^32", () => {
    const n = 203;
    const x = new StaticArray<f64>(n);
    const y = new StaticArray<f32>(n);
    const starts: f64[] = [0.0, 1.0, 8589934583.0, 4503599627370497.0];
    for (let t = 0; t < starts.length; t++) {
      const start = starts[t];
      gaussFillF64(changetype<usize>(x), n, 0xdeadbeef, 5, 9, start, 0.5);
      gaussFillF32(changetype<usize>(y), n, 0xdeadbeef, 5, 9, start, 0.5);
      for (let i = 0; i < n; i++) {
        const z = 0.5 * rngGaussian(0xdeadbeef, 5, 9, start + <f64>i);
        expect<u64>(reinterpret<u64>(x[i])).toBe(reinterpret<u64>(z));
        expect<u32>(reinterpret<u32>(y[i])).toBe(reinterpret<u32>(<f32>z));
      }
    }
  });

  test("gaussMatrixF64: rows split anyhow give the same entries, padding zero", () => {
    const N = 13;
    const ld = 16;
    const a = new StaticArray<f64>(N * ld);
    const b = new StaticArray<f64>(N * ld);
    for (let i = 0; i < N * ld; i++) b[i] = 99.0;
    gaussMatrixF64(changetype<usize>(a), N, ld, 0, N, 1, 2, 1, 0.25);
    gaussMatrixF64(changetype<usize>(b), N, ld, 7, N, 1, 2, 1, 0.25);
    gaussMatrixF64(changetype<usize>(b), N, ld, 0, 3, 1, 2, 1, 0.25);
    gaussMatrixF64(changetype<usize>(b), N, ld, 3, 7, 1, 2, 1, 0.25);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < ld; j++) {
        expect<u64>(reinterpret<u64>(b[i * ld + j])).toBe(reinterpret<u64>(a[i * ld + j]));
        if (j >= N) expect<f64>(a[i * ld + j]).toBe(0.0);
        else expect<u64>(reinterpret<u64>(a[i * ld + j])).toBe(reinterpret<u64>(0.25 * rngGaussian(1, 2, 1, <f64>(i * N + j))));
      }
    }
  });
});
