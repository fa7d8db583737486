// Gaussian averages of phi and its relatives over a caller-supplied quadrature rule for a standard
// normal (spec 01 §2): nodes z[k] and weights w[k] with sum_k w[k] f(z[k]) ~ int Dz f(z).
//
// Every kernel evaluates phi, its derivatives and its primitive Phi with the f64x2 code of
// assembly/phi.ts (the phim* helpers), so phi and phi' here are bit-identical to phiVecF64 and
// dphiVecF64 at the same x. Sums run over node pairs: lane 0 takes the even nodes, lane 1 the odd
// nodes (an odd last node goes to lane 0), each in increasing k, and the result is lane0 + lane1
// (gaussAlignedTwoPoint pairs its outer nodes instead; see there). The order is fixed, so results
// are deterministic for a given rule.
//
// gaussMoments and gaussTwoPoint are general; gaussMehlerTwoPoint and gaussAlignedTwoPoint (end of the
// file) reproduce two regimes of the TypeScript reference averager for src/theory/wasm-averager.ts.
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

// ---------------------------------------------------------------------------------------------------
// Two-point kernels that follow the TypeScript reference averager (src/theory/gauss.ts) step by step,
// so that the Wasm averager (src/theory/wasm-averager.ts) agrees with it to rounding.

/** phi, Phi and phi' at x (f64x2), stored at pf, pF, pd (unaligned v128 stores). */
// @ts-ignore: decorator
@inline function storeTriple(kind: i32, x: v128, pf: usize, pF: usize, pd: usize): void {
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
  v128.store(pf, f);
  v128.store(pF, F);
  v128.store(pd, d);
}

/**
 * Mehler series for 0 < c <= D0 (the reference's regime c <= D0/2), r = c/D0, K terms:
 *   a_f[k] = sum_j w[j] f(mu + sd z[j]) p_k(z[j]),  p_k = He_k / sqrt(k!) by the recursion
 *   p_{k+1} = (z p_k - sqrt(k) p_{k-1}) / sqrt(k+1);   out = sum_{k<=K} a_f[k]^2 r^k (Horner, from k = K)
 * for f = phi, Phi, phi' (out[0], out[1], out[2]). sq[k] = sqrt(k) and isq[k] = 1/sqrt(k) (isq[0] unused)
 * for k <= K + 1, supplied by the caller (the reference uses the same table). acc: scratch of
 * 6 (K + 1) f64 (overwritten); out: 6 f64, the first three receive the result, all six are also used as
 * scratch for the node values. Nodes are taken in pairs (lane 0 even, lane 1 odd; an odd last node
 * pairs with a zero-weight node at z = 0), so each a_f[k] is lane0 + lane1.
 */
export function gaussMehlerTwoPoint(
  kind: i32,
  z: usize,
  w: usize,
  n: i32,
  mu: f64,
  sd: f64,
  K: i32,
  r: f64,
  sq: usize,
  isq: usize,
  acc: usize,
  out: usize,
): void {
  const zero = f64x2.splat(0.0);
  const one = f64x2.splat(1.0);
  const vmu = f64x2.splat(mu);
  const vsd = f64x2.splat(sd);
  const L = <usize>(K + 1) << 4; // bytes per block of K + 1 v128 accumulators
  const accF = acc + L;
  const accD = accF + L;
  for (let k = 0; k <= K; k++) {
    const o = <usize>k << 4;
    v128.store(acc + o, zero);
    v128.store(accF + o, zero);
    v128.store(accD + o, zero);
  }
  // Two node pairs (A = j, j+1; B = j+2, j+3) per pass: their Hermite recursions are independent
  // dependency chains, so they overlap. For each k pair A is added before pair B, which is the order of
  // one pair per pass. Values of a pair pass through out[0..6). A last lone pair (or node) runs alone.
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const o = <usize>j << 3;
    const zA = v128.load(z + o);
    const zB = v128.load(z + o + 16);
    const wA = v128.load(w + o);
    const wB = v128.load(w + o + 16);
    storeTriple(kind, f64x2.add(vmu, f64x2.mul(vsd, zA)), out, out + 16, out + 32);
    const wpA = f64x2.mul(wA, v128.load(out));
    const wFA = f64x2.mul(wA, v128.load(out + 16));
    const wdA = f64x2.mul(wA, v128.load(out + 32));
    storeTriple(kind, f64x2.add(vmu, f64x2.mul(vsd, zB)), out, out + 16, out + 32);
    const wpB = f64x2.mul(wB, v128.load(out));
    const wFB = f64x2.mul(wB, v128.load(out + 16));
    const wdB = f64x2.mul(wB, v128.load(out + 32));
    let pkm1A = zero, pkA = one, pkm1B = zero, pkB = one;
    for (let k = 0; k <= K; k++) {
      const o2 = <usize>k << 4;
      v128.store(acc + o2, f64x2.add(f64x2.add(v128.load(acc + o2), f64x2.mul(wpA, pkA)), f64x2.mul(wpB, pkB)));
      v128.store(accF + o2, f64x2.add(f64x2.add(v128.load(accF + o2), f64x2.mul(wFA, pkA)), f64x2.mul(wFB, pkB)));
      v128.store(accD + o2, f64x2.add(f64x2.add(v128.load(accD + o2), f64x2.mul(wdA, pkA)), f64x2.mul(wdB, pkB)));
      const s = f64x2.splat(load<f64>(sq + (<usize>k << 3)));
      const is = f64x2.splat(load<f64>(isq + (<usize>(k + 1) << 3)));
      const pnA = f64x2.mul(f64x2.sub(f64x2.mul(zA, pkA), f64x2.mul(s, pkm1A)), is);
      const pnB = f64x2.mul(f64x2.sub(f64x2.mul(zB, pkB), f64x2.mul(s, pkm1B)), is);
      pkm1A = pkA;
      pkA = pnA;
      pkm1B = pkB;
      pkB = pnB;
    }
  }
  for (; j < n; j += 2) {
    const o = <usize>j << 3;
    let zv: v128, wv: v128;
    if (j + 1 < n) {
      zv = v128.load(z + o);
      wv = v128.load(w + o);
    } else {
      zv = v128.load64_zero(z + o);
      wv = v128.load64_zero(w + o);
    }
    const x = f64x2.add(vmu, f64x2.mul(vsd, zv));
    storeTriple(kind, x, out, out + 16, out + 32);
    const wp = f64x2.mul(wv, v128.load(out));
    const wF = f64x2.mul(wv, v128.load(out + 16));
    const wd = f64x2.mul(wv, v128.load(out + 32));
    let pkm1 = zero;
    let pk = one;
    for (let k = 0; k <= K; k++) {
      const o2 = <usize>k << 4;
      v128.store(acc + o2, f64x2.add(v128.load(acc + o2), f64x2.mul(wp, pk)));
      v128.store(accF + o2, f64x2.add(v128.load(accF + o2), f64x2.mul(wF, pk)));
      v128.store(accD + o2, f64x2.add(v128.load(accD + o2), f64x2.mul(wd, pk)));
      const s = f64x2.splat(load<f64>(sq + (<usize>k << 3)));
      const is = f64x2.splat(load<f64>(isq + (<usize>(k + 1) << 3)));
      const pn = f64x2.mul(f64x2.sub(f64x2.mul(zv, pk), f64x2.mul(s, pkm1)), is);
      pkm1 = pk;
      pk = pn;
    }
  }
  let cp = 0.0, cF = 0.0, cd = 0.0;
  for (let k = K; k >= 0; k--) {
    const o2 = <usize>k << 4;
    const a0 = v128.load(acc + o2);
    const a1 = v128.load(accF + o2);
    const a2 = v128.load(accD + o2);
    const b0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
    const b1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    const b2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
    cp = cp * r + b0 * b0;
    cF = cF * r + b1 * b1;
    cd = cd * r + b2 * b2;
  }
  store<f64>(out, cp, 0);
  store<f64>(out, cF, 8);
  store<f64>(out, cd, 16);
}

/**
 * Nested trapezoid on one aligned grid x_m = mu + (m - M) delta, m in [0, nx), nx = 2M + 1, M = Jo + Ji
 * (the reference's regime D0/2 < c < D0 - 0.01): phi, Phi, phi' are evaluated once per grid point and
 *   out[f] = sum_{|j| <= Jo} wo[|j|] g_f(j)^2,  g_f(j) = wi[0] f_{j+M} + sum_{i=1..Ji} wi[i] (f_{j+M+i} + f_{j+M-i})
 *   wo[j] = ho N(j ho), wi[i] = hi N(i hi), N the standard normal density.
 * buf: scratch of 3 (nx + 3) + (Jo + 2) + (Ji + 2) f64 (overwritten). Inner sums run over i in
 * increasing order as in the reference; outer nodes are taken in pairs (j, j + 1) from -Jo, the
 * unpaired last one with weight 0 against zero padding, and the outer sum is lane0 + lane1.
 */
export function gaussAlignedTwoPoint(
  kind: i32,
  mu: f64,
  delta: f64,
  Jo: i32,
  Ji: i32,
  ho: f64,
  hi: f64,
  buf: usize,
  out: usize,
): void {
  const M = Jo + Ji;
  const nx = 2 * M + 1;
  const stride = <usize>(nx + 3) << 3;
  const P = buf;
  const F = P + stride;
  const D = F + stride;
  const WO = D + stride;
  const WI = WO + (<usize>(Jo + 2) << 3);
  const NRM: f64 = 0.3989422804014327;
  // grid values, two points at a time; the (at most one) point past nx and two more are zeroed below
  const vmu = f64x2.splat(mu);
  const vdel = f64x2.splat(delta);
  for (let m = 0; m < nx; m += 2) {
    const t = f64x2.replace_lane(f64x2.splat(<f64>(m - M)), 1, <f64>(m + 1 - M));
    const x = f64x2.add(vmu, f64x2.mul(t, vdel));
    const o = <usize>m << 3;
    storeTriple(kind, x, P + o, F + o, D + o);
  }
  for (let m = nx; m < nx + 3; m++) {
    const o = <usize>m << 3;
    store<f64>(P + o, 0.0);
    store<f64>(F + o, 0.0);
    store<f64>(D + o, 0.0);
  }
  // weights: (h NRM) exp(-t^2/2), t = j h, as in the reference
  const cO = ho * NRM;
  for (let j = 0; j <= Jo; j++) {
    const t = <f64>j * ho;
    store<f64>(WO + (<usize>j << 3), cO * f64x2.extract_lane(phimExpNegD(f64x2.splat(-0.5 * t * t)), 0));
  }
  store<f64>(WO + (<usize>(Jo + 1) << 3), 0.0);
  const cI = hi * NRM;
  for (let i = 0; i <= Ji; i++) {
    const t = <f64>i * hi;
    store<f64>(WI + (<usize>i << 3), cI * f64x2.extract_lane(phimExpNegD(f64x2.splat(-0.5 * t * t)), 0));
  }
  const w0 = f64x2.splat(load<f64>(WI));
  let s0 = f64x2.splat(0.0), s1 = s0, s2 = s0;
  for (let j = -Jo; j <= Jo; j += 2) {
    const o0 = <usize>(j + M) << 3;
    let gp = f64x2.mul(w0, v128.load(P + o0));
    let gF = f64x2.mul(w0, v128.load(F + o0));
    let gd = f64x2.mul(w0, v128.load(D + o0));
    for (let i = 1; i <= Ji; i++) {
      const wv = f64x2.splat(load<f64>(WI + (<usize>i << 3)));
      const op = o0 + (<usize>i << 3);
      const om = o0 - (<usize>i << 3);
      gp = f64x2.add(gp, f64x2.mul(wv, f64x2.add(v128.load(P + op), v128.load(P + om))));
      gF = f64x2.add(gF, f64x2.mul(wv, f64x2.add(v128.load(F + op), v128.load(F + om))));
      gd = f64x2.add(gd, f64x2.mul(wv, f64x2.add(v128.load(D + op), v128.load(D + om))));
    }
    const j0 = j < 0 ? -j : j;
    const j1 = j + 1 < 0 ? -(j + 1) : j + 1; // j + 1 = Jo + 1 reads the zero weight
    const wov = f64x2.replace_lane(f64x2.splat(load<f64>(WO + (<usize>j0 << 3))), 1, load<f64>(WO + (<usize>j1 << 3)));
    s0 = f64x2.add(s0, f64x2.mul(wov, f64x2.mul(gp, gp)));
    s1 = f64x2.add(s1, f64x2.mul(wov, f64x2.mul(gF, gF)));
    s2 = f64x2.add(s2, f64x2.mul(wov, f64x2.mul(gd, gd)));
  }
  store<f64>(out, f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1), 0);
  store<f64>(out, f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1), 8);
  store<f64>(out, f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1), 16);
}
