// Gaussian-average kernels (assembly/gauss.ts) against a scalar AssemblyScript reference written
// here (same rule, same summation order: even nodes, odd nodes, then their sum), with phi from
// Math.tanh / Math.exp / Math.log1p of the AS standard library and a short scalar erf below (not the
// kernel's, so the comparison is independent of assembly/phi.ts).
import { PHI_TANH, PHI_ERF, PHI_LINEAR, phiScalarF64 } from "../phi";
import { gaussMoments, gaussTwoPoint } from "../gauss";

const HALF_PI: f64 = 1.5707963267948966;

/** erf(y): positive series times exp(-y^2) below 2, continued fraction (evaluated backwards from depth
 *  120, converged for |y| >= 2) up to 6, then ±1. Within a few ulp; enough for 1e-15 comparisons. */
function erfRef(y: f64): f64 {
  const a = Math.abs(y);
  let r: f64;
  if (a < 2) {
    // (2/sqrt pi) exp(-a^2) sum 2^n a^(2n+1)/(2n+1)!!, all terms positive
    const a2 = a * a;
    let t = a;
    let s = a;
    for (let n = 1; n < 100; n++) {
      t *= (2 * a2) / <f64>(2 * n + 1);
      s += t;
      if (t < 1e-17 * s) break;
    }
    r = 1.1283791670955126 * Math.exp(-a2) * s;
  } else if (a > 6) {
    r = 1;
  } else {
    let t = a;
    for (let k = 120; k >= 1; k--) t = a + <f64>k / 2 / t;
    r = 1 - (Math.exp(-a * a) * 0.5641895835477563) / t;
  }
  return y < 0 ? -r : r;
}

/** The ten quantities of gaussMoments at x, into q[0..9]. */
function quantities(kind: i32, x: f64, q: StaticArray<f64>): void {
  let f: f64, d1: f64, d2: f64, d3: f64, F: f64;
  if (kind == PHI_TANH) {
    f = Math.tanh(x);
    d1 = 1 - f * f;
    d2 = -2 * f * d1;
    d3 = -2 * d1 * (1 - 3 * f * f);
    const a = Math.abs(x);
    F = a + Math.log1p(Math.exp(-2 * a)) - 0.6931471805599453;
  } else if (kind == PHI_ERF) {
    f = erfRef(0.886226925452758 * x);
    d1 = Math.exp(-0.7853981633974483 * x * x);
    d2 = -HALF_PI * x * d1;
    d3 = HALF_PI * (HALF_PI * x * x - 1) * d1;
    F = x * f + 0.6366197723675814 * (d1 - 1);
  } else {
    f = x;
    d1 = 1;
    d2 = 0;
    d3 = 0;
    F = 0.5 * x * x;
  }
  q[0] = f;
  q[1] = d1;
  q[2] = d2;
  q[3] = d3;
  q[4] = f * f;
  q[5] = d1 * d1;
  q[6] = f * d1;
  q[7] = f * d2;
  q[8] = F;
  q[9] = F * F;
}

const M: i32 = 127;
const z = new Float64Array(M);
const w = new Float64Array(M);
const out = new Float64Array(10);
const q = new StaticArray<f64>(10);
const lane0 = new StaticArray<f64>(10);
const lane1 = new StaticArray<f64>(10);
const mag = new StaticArray<f64>(10);

/** Trapezoid rule for a standard normal, m nodes on [-9.5, 9.5]. */
function rule(m: i32): void {
  const h = 19.0 / <f64>(m - 1);
  for (let k = 0; k < m; k++) {
    z[k] = -9.5 + h * <f64>k;
    w[k] = (h * Math.exp(-0.5 * z[k] * z[k])) / 2.5066282746310002;
  }
}

describe("gaussMoments", () => {
  it("matches the scalar reference for tanh, erf, linear; odd and even node counts", () => {
    for (let kind = 0; kind < 3; kind++) {
      for (let m = 126; m <= 127; m++) {
        rule(m);
        const mu = 0.3 * <f64>(kind + 1) - 0.5;
        const sd = 1.7;
        gaussMoments(kind, z.dataStart, w.dataStart, m, mu, sd, out.dataStart);
        for (let i = 0; i < 10; i++) {
          lane0[i] = 0;
          lane1[i] = 0;
          mag[i] = 0;
        }
        for (let k = 0; k < m; k++) {
          quantities(kind, mu + sd * z[k], q);
          for (let i = 0; i < 10; i++) {
            if (k & 1) lane1[i] += w[k] * q[i];
            else lane0[i] += w[k] * q[i];
            mag[i] += w[k] * (1 + Math.abs(q[i]));
          }
        }
        for (let i = 0; i < 10; i++) {
          // per-quantity errors are a few ulp of (1 + |q|) on both sides, up to 2e-15 for tanh's
          // phi''' (see EPS_TERM in tests/gauss-kernel.test.ts, which observes 2.1e-16 for the sums)
          expect(Math.abs(out[i] - (lane0[i] + lane1[i]))).toBeLessThanOrEqual(2.5e-15 * mag[i]);
        }
      }
    }
  });

  it("one node of weight 1 returns phi bit for bit", () => {
    z[0] = 0;
    w[0] = 1;
    for (let kind = 0; kind < 3; kind++) {
      gaussMoments(kind, z.dataStart, w.dataStart, 1, 1.234, 2.0, out.dataStart);
      expect(reinterpret<u64>(out[0])).toBe(reinterpret<u64>(phiScalarF64(kind, 1.234)));
    }
  });

  it("n = 0 gives zeros; an unknown code gives NaN", () => {
    gaussMoments(PHI_TANH, z.dataStart, w.dataStart, 0, 0.1, 1, out.dataStart);
    for (let i = 0; i < 10; i++) expect(out[i]).toBe(0.0);
    rule(11);
    gaussMoments(9, z.dataStart, w.dataStart, 11, 0.1, 1, out.dataStart);
    for (let i = 0; i < 10; i++) expect(isNaN(out[i])).toBe(true);
  });
});

describe("gaussTwoPoint", () => {
  it("matches the scalar reference (same order) for tanh, erf, linear", () => {
    const mo: i32 = 41;
    const zo = new Float64Array(mo);
    const wo = new Float64Array(mo);
    const ho = 19.0 / <f64>(mo - 1);
    for (let k = 0; k < mo; k++) {
      zo[k] = -9.5 + ho * <f64>k;
      wo[k] = (ho * Math.exp(-0.5 * zo[k] * zo[k])) / 2.5066282746310002;
    }
    const mi: i32 = 61; // odd: exercises the tail
    rule(mi);
    const res = new Float64Array(3);
    for (let kind = 0; kind < 3; kind++) {
      const mu = 0.25;
      const sdO = 1.1;
      const sdI = 0.8;
      gaussTwoPoint(kind, zo.dataStart, wo.dataStart, mo, z.dataStart, w.dataStart, mi, mu, sdO, sdI, res.dataStart);
      let c0 = 0.0, c1 = 0.0, c2 = 0.0, g0 = 0.0, g1 = 0.0, g2 = 0.0;
      for (let j = 0; j < mo; j++) {
        const b = mu + sdO * zo[j];
        let e0 = 0.0, e1 = 0.0, e2 = 0.0, o0 = 0.0, o1 = 0.0, o2 = 0.0, m0 = 0.0, m1 = 0.0, m2 = 0.0;
        for (let k = 0; k < mi; k++) {
          quantities(kind, b + sdI * z[k], q);
          if (k & 1) {
            o0 += w[k] * q[0];
            o1 += w[k] * q[8];
            o2 += w[k] * q[1];
          } else {
            e0 += w[k] * q[0];
            e1 += w[k] * q[8];
            e2 += w[k] * q[1];
          }
          m0 += w[k] * (1 + Math.abs(q[0]));
          m1 += w[k] * (1 + Math.abs(q[8]));
          m2 += w[k] * (1 + Math.abs(q[1]));
        }
        c0 += wo[j] * (e0 + o0) * (e0 + o0);
        c1 += wo[j] * (e1 + o1) * (e1 + o1);
        c2 += wo[j] * (e2 + o2) * (e2 + o2);
        g0 += wo[j] * m0 * m0;
        g1 += wo[j] * m1 * m1;
        g2 += wo[j] * m2 * m2;
      }
      expect(Math.abs(res[0] - c0)).toBeLessThanOrEqual(1e-15 * g0);
      expect(Math.abs(res[1] - c1)).toBeLessThanOrEqual(1e-15 * g1);
      expect(Math.abs(res[2] - c2)).toBeLessThanOrEqual(1e-15 * g2);
    }
  });
});
