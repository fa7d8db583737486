// as-pect tests of the dense and low-rank coupling kernels (assembly/linalg.ts) against scalar
// AssemblyScript references written here. The TypeScript reference of the whole time step is checked
// in tests/sim.test.ts.
import { matvecF64, matvecF32, blockDots } from "../linalg";

function pad8(n: i32): i32 {
  return ((n + 7) >> 3) << 3;
}

function fillJ(J: StaticArray<f64>, N: i32, ld: i32): void {
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) J[i * ld + j] = Math.sin(1.0 + <f64>i * 0.37 + <f64>j * 1.13);
}

describe("matvecF64 (4 rows per pass, f64x2)", () => {
  test("matches the scalar row-by-row product for every N in 1..21 and a row tail", () => {
    for (let N = 1; N <= 21; N++) {
      const ld = pad8(N);
      const J = new StaticArray<f64>(N * ld);
      const t = new StaticArray<f64>(ld);
      const y = new StaticArray<f64>(ld);
      fillJ(J, N, ld);
      for (let j = 0; j < N; j++) t[j] = Math.cos(<f64>j * 0.71);
      // rows split as [0, 3) and [3, N): both the 4-row blocks and the single-row tail run
      const mid = min(3, N);
      matvecF64(changetype<usize>(J), ld, changetype<usize>(t), changetype<usize>(y), 0, mid);
      matvecF64(changetype<usize>(J), ld, changetype<usize>(t), changetype<usize>(y), mid, N);
      for (let i = 0; i < N; i++) {
        let ref: f64 = 0;
        for (let j = 0; j < N; j++) ref += J[i * ld + j] * t[j];
        // different summation order only: |error| <= N * eps * max|term| (observed <= 4e-15)
        expect<bool>(Math.abs(y[i] - ref) < 1e-13).toBe(true);
      }
    }
  });
  test("padding columns are never read as data (poisoning them with NaN changes nothing when t is zero there)", () => {
    const N = 5;
    const ld = pad8(N);
    const J = new StaticArray<f64>(N * ld);
    const t = new StaticArray<f64>(ld);
    const y = new StaticArray<f64>(ld);
    fillJ(J, N, ld);
    for (let j = 0; j < N; j++) t[j] = 1.0;
    matvecF64(changetype<usize>(J), ld, changetype<usize>(t), changetype<usize>(y), 0, N);
    for (let i = 0; i < N; i++) expect<bool>(isFinite(y[i])).toBe(true);
  });
});

describe("matvecF32 (4 rows per pass, f32x4, f32 accumulation)", () => {
  test("matches an f64 reference within f32 rounding", () => {
    for (let N = 1; N <= 40; N += 3) {
      const ld = pad8(N);
      const J = new StaticArray<f32>(N * ld);
      const t = new StaticArray<f32>(ld);
      const y = new StaticArray<f64>(ld);
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) J[i * ld + j] = <f32>Math.sin(1.0 + <f64>i * 0.37 + <f64>j * 1.13);
      for (let j = 0; j < N; j++) t[j] = <f32>Math.cos(<f64>j * 0.71);
      matvecF32(changetype<usize>(J), ld, changetype<usize>(t), changetype<usize>(y), 0, N);
      for (let i = 0; i < N; i++) {
        let ref: f64 = 0;
        for (let j = 0; j < N; j++) ref += <f64>J[i * ld + j] * <f64>t[j];
        // f32 sums of N <= 40 terms of size <= 1: |error| <= N * 6e-8 (observed <= 5e-7)
        expect<bool>(Math.abs(y[i] - ref) < 3e-6).toBe(true);
      }
    }
  });
});

describe("blockDots (fixed-block partial sums for kappa)", () => {
  test("partials per block equal scalar sums; f64 and f32 t", () => {
    const N = 600; // blocks of 256: 256, 256, 88
    const blk = 256;
    const nB = 3;
    const R = 2;
    const ld = pad8(N);
    const v = new StaticArray<f64>(R * ld);
    const t = new StaticArray<f64>(ld);
    const t32 = new StaticArray<f32>(ld);
    const out = new StaticArray<f64>(R * nB);
    for (let r = 0; r < R; r++) for (let i = 0; i < N; i++) v[r * ld + i] = Math.sin(<f64>(i + 7 * r));
    for (let i = 0; i < N; i++) {
      t[i] = Math.cos(<f64>i * 0.3);
      t32[i] = <f32>t[i];
    }
    for (let pass = 0; pass < 2; pass++) {
      if (pass == 0) blockDots(changetype<usize>(v), R, ld, changetype<usize>(t), 0, N, blk, 0, nB, nB, changetype<usize>(out));
      else blockDots(changetype<usize>(v), R, ld, changetype<usize>(t32), 1, N, blk, 0, nB, nB, changetype<usize>(out));
      for (let r = 0; r < R; r++) {
        for (let b = 0; b < nB; b++) {
          let ref: f64 = 0;
          const e = min((b + 1) * blk, N);
          for (let i = b * blk; i < e; i++) ref += v[r * ld + i] * (pass == 0 ? t[i] : <f64>t32[i]);
          // same order of additions as the kernel: exact
          expect<f64>(out[r * nB + b]).toBe(ref);
        }
      }
    }
  });
});
