// Gaussian averages of phi and its relatives over a caller-supplied quadrature rule for a standard
// normal (spec 01 §2): nodes z[k] and weights w[k] with sum_k w[k] f(z[k]) ~ int Dz f(z).
//
// Both kernels evaluate phi, its derivatives and its primitive Phi with the f64x2 code of
// assembly/phi.ts (the phim* helpers), so phi and phi' here are bit-identical to phiVecF64 and
// dphiVecF64 at the same x. Sums run over node pairs: lane 0 takes the even nodes, lane 1 the odd
// nodes (an odd last node goes to lane 0), each in increasing k, and the result is lane0 + lane1.
// The order is fixed, so results are deterministic for a given rule.
//
// Phi (primitive, Phi(0) = 0): tanh: log cosh x (overflow-safe); erf: x phi + (2/pi)(exp(-pi x^2/4) - 1)
// (with expm1); linear: x^2/2. Codes other than 0, 1, 2 give NaN.
import { PHI_TANH, PHI_ERF, PHI_LINEAR } from "./phi";

const HALF_PI: f64 = 1.5707963267948966;
const TWO_OVER_PI: f64 = 0.6366197723675814;

/**
 * out[0..9] = sum_k w[k] * ( phi, phi', phi'', phi''', phi^2, phi'^2, phi phi', phi phi'', Phi, Phi^2 )
 * evaluated at x_k = mu + sd z[k], for k in [0, n).
 */
export function gaussMoments(kind: i32, z: usize, w: usize, n: i32, mu: f64, sd: f64, out: usize): void {
  const zero = f64x2.splat(0.0);
  const one = f64x2.splat(1.0);
  const vmu = f64x2.splat(mu);
  const vsd = f64x2.splat(sd);
  const lane0 = i64x2(-1, 0);
  let s0 = zero, s1 = zero, s2 = zero, s3 = zero, s4 = zero;
  let s5 = zero, s6 = zero, s7 = zero, s8 = zero, s9 = zero;
  for (let k = 0; k < n; k += 2) {
    const o = <usize>k << 3;
    let x: v128, wv: v128;
    if (k + 1 < n) {
      x = f64x2.add(vmu, f64x2.mul(vsd, v128.load(z + o)));
      wv = v128.load(w + o);
    } else {
      // odd last node: lane 1 gets x = 0 and weight 0, so it adds exactly zero
      x = v128.and(f64x2.add(vmu, f64x2.mul(vsd, v128.load64_zero(z + o))), lane0);
      wv = v128.load64_zero(w + o);
    }
    let q0: v128, q1: v128, q2: v128, q3: v128, q8: v128;
    if (kind == PHI_TANH) {
      const a = f64x2.abs(x);
      const yn = f64x2.neg(f64x2.add(a, a));
      const yc = phimClampExpD(yn);
      const kf = phimExpKD(yc);
      const sc = phimPow2D(kf);
      const p = phimExpm1RD(yc, kf);
      const e = phimExpFromD(sc, p, yn); // exp(-2|x|)
      const tA = phimTanhAbsD(phimExpm1FromD(sc, p));
      const t = phimCopySignD(tA, x);
      const s = phimSech2D(e);
      q0 = t;
      q1 = s; // 1 - t^2
      q2 = f64x2.mul(f64x2.splat(-2.0), f64x2.mul(t, s)); // -2 t (1 - t^2)
      q3 = f64x2.mul(f64x2.mul(f64x2.splat(-2.0), s), f64x2.sub(one, f64x2.mul(f64x2.splat(3.0), f64x2.mul(t, t))));
      q8 = phimLogCoshD(a, tA, e);
    } else if (kind == PHI_ERF) {
      const y = phimErfArgD(x);
      const y2 = f64x2.mul(y, y); // pi x^2 / 4
      const yn = f64x2.neg(y2);
      const yc = phimClampExpD(yn);
      const kf = phimExpKD(yc);
      const sc = phimPow2D(kf);
      const p = phimExpm1RD(yc, kf);
      const g = phimExpFromD(sc, p, yn); // phi' = exp(-pi x^2/4)
      const f = phimCopySignD(phimErfAbsD(y, y2, g), x);
      const hx = f64x2.mul(f64x2.splat(HALF_PI), x);
      q0 = f;
      q1 = g;
      q2 = f64x2.neg(f64x2.mul(hx, g)); // -(pi/2) x g
      q3 = f64x2.mul(f64x2.mul(f64x2.splat(HALF_PI), f64x2.sub(f64x2.mul(hx, x), one)), g); // (pi/2)((pi/2)x^2 - 1) g
      q8 = f64x2.add(f64x2.mul(x, f), f64x2.mul(f64x2.splat(TWO_OVER_PI), phimExpm1FromD(sc, p)));
    } else if (kind == PHI_LINEAR) {
      q0 = x;
      q1 = one;
      q2 = zero;
      q3 = zero;
      q8 = f64x2.mul(f64x2.splat(0.5), f64x2.mul(x, x));
    } else {
      q0 = q1 = q2 = q3 = q8 = f64x2.splat(NaN);
    }
    s0 = f64x2.add(s0, f64x2.mul(wv, q0));
    s1 = f64x2.add(s1, f64x2.mul(wv, q1));
    s2 = f64x2.add(s2, f64x2.mul(wv, q2));
    s3 = f64x2.add(s3, f64x2.mul(wv, q3));
    s4 = f64x2.add(s4, f64x2.mul(wv, f64x2.mul(q0, q0)));
    s5 = f64x2.add(s5, f64x2.mul(wv, f64x2.mul(q1, q1)));
    s6 = f64x2.add(s6, f64x2.mul(wv, f64x2.mul(q0, q1)));
    s7 = f64x2.add(s7, f64x2.mul(wv, f64x2.mul(q0, q2)));
    s8 = f64x2.add(s8, f64x2.mul(wv, q8));
    s9 = f64x2.add(s9, f64x2.mul(wv, f64x2.mul(q8, q8)));
  }
  store<f64>(out, f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1), 0);
  store<f64>(out, f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1), 8);
  store<f64>(out, f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1), 16);
  store<f64>(out, f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1), 24);
  store<f64>(out, f64x2.extract_lane(s4, 0) + f64x2.extract_lane(s4, 1), 32);
  store<f64>(out, f64x2.extract_lane(s5, 0) + f64x2.extract_lane(s5, 1), 40);
  store<f64>(out, f64x2.extract_lane(s6, 0) + f64x2.extract_lane(s6, 1), 48);
  store<f64>(out, f64x2.extract_lane(s7, 0) + f64x2.extract_lane(s7, 1), 56);
  store<f64>(out, f64x2.extract_lane(s8, 0) + f64x2.extract_lane(s8, 1), 64);
  store<f64>(out, f64x2.extract_lane(s9, 0) + f64x2.extract_lane(s9, 1), 72);
}

/**
 * Two-point averages for jointly Gaussian x1, x2 (means mu, variances D0, covariance c >= 0), written
 * as an outer average over the shared part and an inner average over the private part
 * (spec 01 §2, sdOuter = sqrt(c), sdInner = sqrt(D0 - c)):
 *   out[0] = sum_o wo[o] ( sum_i wi[i] phi (mu + sdOuter zo[o] + sdInner zi[i]) )^2   = C_phi(c)
 *   out[1] = the same with Phi                                                         = C_Phi(c)
 *   out[2] = the same with phi'                                                        = C_phi'(c)
 * x is formed as (mu + sdOuter zo[o]) + sdInner zi[i]. Inner sums follow the lane order above; the
 * outer sum runs over o in increasing order.
 */
export function gaussTwoPoint(
  kind: i32,
  zo: usize,
  wo: usize,
  no: i32,
  zi: usize,
  wi: usize,
  ni: i32,
  mu: f64,
  sdOuter: f64,
  sdInner: f64,
  out: usize,
): void {
  const zero = f64x2.splat(0.0);
  const vsd = f64x2.splat(sdInner);
  const lane0 = i64x2(-1, 0);
  let c0 = 0.0, c1 = 0.0, c2 = 0.0;
  for (let j = 0; j < no; j++) {
    const vb = f64x2.splat(mu + sdOuter * load<f64>(zo + (<usize>j << 3)));
    let a0 = zero, a1 = zero, a2 = zero;
    for (let k = 0; k < ni; k += 2) {
      const o = <usize>k << 3;
      let x: v128, wv: v128;
      if (k + 1 < ni) {
        x = f64x2.add(vb, f64x2.mul(vsd, v128.load(zi + o)));
        wv = v128.load(wi + o);
      } else {
        x = v128.and(f64x2.add(vb, f64x2.mul(vsd, v128.load64_zero(zi + o))), lane0);
        wv = v128.load64_zero(wi + o);
      }
      let f: v128, F: v128, d: v128;
      if (kind == PHI_TANH) {
        const a = f64x2.abs(x);
        const yn = f64x2.neg(f64x2.add(a, a));
        const yc = phimClampExpD(yn);
        const kf = phimExpKD(yc);
        const sc = phimPow2D(kf);
        const p = phimExpm1RD(yc, kf);
        const e = phimExpFromD(sc, p, yn);
        const tA = phimTanhAbsD(phimExpm1FromD(sc, p));
        f = phimCopySignD(tA, x);
        F = phimLogCoshD(a, tA, e);
        d = phimSech2D(e);
      } else if (kind == PHI_ERF) {
        const y = phimErfArgD(x);
        const y2 = f64x2.mul(y, y);
        const yn = f64x2.neg(y2);
        const yc = phimClampExpD(yn);
        const kf = phimExpKD(yc);
        const sc = phimPow2D(kf);
        const p = phimExpm1RD(yc, kf);
        d = phimExpFromD(sc, p, yn);
        f = phimCopySignD(phimErfAbsD(y, y2, d), x);
        F = f64x2.add(f64x2.mul(x, f), f64x2.mul(f64x2.splat(TWO_OVER_PI), phimExpm1FromD(sc, p)));
      } else if (kind == PHI_LINEAR) {
        f = x;
        F = f64x2.mul(f64x2.splat(0.5), f64x2.mul(x, x));
        d = f64x2.splat(1.0);
      } else {
        f = F = d = f64x2.splat(NaN);
      }
      a0 = f64x2.add(a0, f64x2.mul(wv, f));
      a1 = f64x2.add(a1, f64x2.mul(wv, F));
      a2 = f64x2.add(a2, f64x2.mul(wv, d));
    }
    const m0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
    const m1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    const m2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
    const wj = load<f64>(wo + (<usize>j << 3));
    c0 += wj * (m0 * m0);
    c1 += wj * (m1 * m1);
    c2 += wj * (m2 * m2);
  }
  store<f64>(out, c0, 0);
  store<f64>(out, c1, 8);
  store<f64>(out, c2, 16);
}
