// Non-stationary two-time DMFT of the multiregion model (spec 02 §3): the explicit Euler scheme of §3.2,
// step for step in the order the spec prescribes, for P regions, with the window of §3.3, cross-region
// disorder (§2.6) and filtered inputs (§7). The TypeScript reference `runReference` in
// src/theory/multiregion/dmft-reference.ts is the same computation with the same order of operations;
// the two differ only in the arcsine (asinD below against Math.asin, <= 1 ulp apart).
//
// Memory (all laid out by src/theory/multiregion/dmft.ts; addresses in the context block below). Only the
// current rows are kept: one Δ row per region and two Γ rows (by step parity), indexed by the absolute
// second time i (length Nt each). Step k -> k+1 updates the Δ row in place (Δ[k+1][i] needs Δ[k][i] and
// Γ[k][i] only) and writes Γ[k+1][·] into the other Γ buffer (it needs the new Δ row and the per-step
// history). So memory is O(Nt P) with or without a window; the window only cuts the work to O(Nt b P).
// What the user asked for is copied out as rows are formed: per-step series (S, H, psi, D,
// component-major: S[(a*P + b)*Nt + k]), slices Δ(t_r + τ, t_r), and optionally every row (the lower
// triangle, or the band of the window).
//
// The hot part is step 5, the new Γ rows, O(Nt^2 P): C^b(t_{k+1}, t_i) = (2/pi) asin(q) with
// q = Δ^b[k+1][i] r^b_{k+1} r^b_i, r = (D + 2/pi)^(-1/2), the source
// K^a[i] = sum_b G2[a][b] C^b[i] + sum_c w^a_c H^{ac}_i (+ <v^2> I^a_{k+1} I^a_i), and the first-order
// filter Γ[k+1][i+1] = (1 - dt) Γ[k+1][i] + dt K[i], a serial recursion. Without cross-region disorder
// (G2 diagonal) region a needs only its own C row, and one f64x2 pass per region does item 2, the
// arcsines, the source and the filter (the filter's dependency chain then overlaps with the arcsines of
// the next entries). With cross-region disorder every C row is formed first (item 2 fused with the
// arcsines), then the sources and the filter. Both paths do the same operations in the same order.
//
// Threads (mrdmftStepsPar, driven by src/theory/multiregion/dmft-async.ts) share out the regions: each
// thread runs the row passes of its regions, and the threads meet at an atomic barrier once per step
// (twice with cross-region disorder). A region's pass is the same whoever runs it, so the numbers are
// bitwise the same for every thread count.
//
// Kernels never allocate and never trap on bad numbers: a non-finite value stops the run and is reported
// through the return value.

// context slots (f64 each)
import { cf, ci, cp } from "./context";

const C_P = 0;
const C_NT = 1;
const C_BW = 2; // window in steps: lo_k = max(0, k - bw); bw >= Nt - 1 means no window
const C_DT = 3;
const C_INPUT = 4; // 1: input arrays present
const C_NREF = 5;
const C_TRI = 6; // 0 none, 1 lower triangle (row k at k(k+1)/2, entry i), 2 band (row k at k*W, entry k - i)
const C_T = 7; // P^3
const C_U = 8; // P^3
const C_G2 = 9; // P^2, G2[a*P + b] (diagonal g_a^2 when no cross-region disorder)
const C_V = 10; // P^2, V[a*P + b] = <n^{ab} v^b>, 0 = none
const C_V2 = 11; // P
const C_SINIT = 12; // P^2
const C_SIG2 = 13; // P (sigma0^2)
const C_I = 14; // P x Nt input I^a(t_k), component-major
const C_IT = 15; // P x Nt filtered input Ĩ^a(t_k)
const C_SH = 16; // P^2 x Nt  S history
const C_HH = 17; // P^2 x Nt  H history
const C_PSI = 18; // P x Nt
const C_DH = 19; // P x Nt   D = Δ(t_k, t_k)
const C_RH = 20; // P x Nt   r = (D + 2/pi)^(-1/2)
const C_DROW = 21; // P x Nt  the Δ row of each region
const C_GROW = 22; // 2 x P x Nt  the Γ rows of each region (row k in buffer k & 1)
const C_CROW = 23; // P x Nt  C rows
const C_KROW = 24; // P x Nt  K rows
const C_W = 25; // P x P scratch (w^a_c of region a at a*P + c)
const C_REFS = 26; // nRef x 3 f64: reference step r, slice length L, address of the P x L block
const C_TRIP = 27; // triangle / band base address
const C_TRIS = 28; // elements per region in it
const C_TRIW = 29; // band width W = bw + 1
const C_NEEDC = 30; // P: 1 if some G2[.][b] != 0 (set by mrdmftInit)
const C_ASINC = 32; // the arcsine's table (mrAsinTable), ASIN_TABLE_LEN v128 values
const C_BAR = 31; // barrier of the threads (two i32 words: arrivals, generation; zero before the first call)

const TWO_OVER_PI: f64 = 0.6366197723675814;
const HALF_PI: f64 = 1.5707963267948966;
const PIO2_HI: f64 = 1.5707963267948966;
const PIO2_LO: f64 = 6.123233995736766e-17;

// @ts-ignore: decorator
@inline function ld(base: usize, idx: i32): f64 {
  return load<f64>(base + (<usize>idx << 3));
}
// @ts-ignore: decorator
@inline function st(base: usize, idx: i32, v: f64): void {
  store<f64>(base + (<usize>idx << 3), v);
}
/**
 * Store v unless those bits are there already. For the per-step values every thread computes and writes
 * (smallItems): the second thread to arrive reads the first one's value and leaves the cache line shared,
 * where a store would take it back exclusively and send it across cores once more per step.
 */
// @ts-ignore: decorator
@inline function stSame(base: usize, idx: i32, v: f64): void {
  const p = base + (<usize>idx << 3);
  if (load<u64>(p) != reinterpret<u64>(v)) store<f64>(p, v);
}

// ---------------------------------------------------------------------------------------------------
// arcsine, f64x2
//
// asin|x| = w + w z R(z) with (w, z) = (|x|, x^2) for |x| <= 1/2, and
// asin|x| = pi/2 - 2 (w + w z R(z)) with z = (1 - |x|)/2, w = sqrt z for |x| > 1/2, so z <= 1/4 always.
// R(z) = (asin(sqrt z) - sqrt z) / z^(3/2) is the degree-12 polynomial interpolating R at the 13 Chebyshev
// points of [0, 1/4] (mpmath, 50 digits; generator at the end of this file). Interpolation error of w z R:
// 5e-18 relative to w. Observed against Math.asin on 2e6 points of [-1, 1] (tests/mrdmft.test.ts):
// max relative difference 2.5e-16 (|x| <= 1/2: <= 1 ulp; |x| > 1/2: the rounding of sqrt z and of
// pi/2 - 2(...), <= 2 ulp of a result >= pi/6).

// The coefficients come from a table in memory (mrAsinTable writes it; the DMFT's is at context slot
// C_ASINC): V8 folds each load into the multiply or add that uses it, where immediates stay live in
// registers across the loop, spill, and take more instructions in newer V8 versions.
const ASIN_COEFS: i32 = 13;
/** v128 entries of the arcsine table: the 13 coefficients of R, then 1/2, 1, pi/2 (hi), pi/2 (lo), -0. */
export const ASIN_TABLE_LEN: i32 = ASIN_COEFS + 5;

/** Write the arcsine's table (ASIN_TABLE_LEN v128 values, 16-byte aligned) at `tab`. */
export function mrAsinTable(tab: usize): void {
  // R(z) = sum_j c_j z^j, c_0 first (no data segment: the module has none, and every instantiation
  // on a shared memory would write it again)
  v128.store(tab, f64x2.splat(0.16666666666666669), 0);
  v128.store(tab, f64x2.splat(0.07499999999998433), 16);
  v128.store(tab, f64x2.splat(0.04464285714635543), 32);
  v128.store(tab, f64x2.splat(0.030381944138531247), 48);
  v128.store(tab, f64x2.splat(0.02237217294214989), 64);
  v128.store(tab, f64x2.splat(0.017352392720869973), 80);
  v128.store(tab, f64x2.splat(0.013971212973552933), 96);
  v128.store(tab, f64x2.splat(0.011479177415184906), 112);
  v128.store(tab, f64x2.splat(0.01032281435018578), 128);
  v128.store(tab, f64x2.splat(0.005457506718640358), 144);
  v128.store(tab, f64x2.splat(0.01740087944269402), 160);
  v128.store(tab, f64x2.splat(-0.014851887071247204), 176);
  v128.store(tab, f64x2.splat(0.028757851367421566), 192);
  v128.store(tab + (<usize>ASIN_COEFS << 4), f64x2.splat(0.5));
  v128.store(tab + (<usize>(ASIN_COEFS + 1) << 4), f64x2.splat(1.0));
  v128.store(tab + (<usize>(ASIN_COEFS + 2) << 4), f64x2.splat(PIO2_HI));
  v128.store(tab + (<usize>(ASIN_COEFS + 3) << 4), f64x2.splat(PIO2_LO));
  v128.store(tab + (<usize>(ASIN_COEFS + 4) << 4), f64x2.splat(-0.0));
}

// @ts-ignore: decorator
@inline function tc(tab: usize, j: i32): v128 {
  return v128.load(tab + (<usize>j << 4));
}

// @ts-ignore: decorator
@inline function asinPolyD(z: v128, tab: usize): v128 {
  // Estrin's scheme (dependency depth 8 instead of 24 for Horner); R(z) = sum_j tc(j) z^j
  const z2 = f64x2.mul(z, z);
  const z4 = f64x2.mul(z2, z2);
  const z8 = f64x2.mul(z4, z4);
  const p01 = f64x2.add(tc(tab, 0), f64x2.mul(tc(tab, 1), z));
  const p23 = f64x2.add(tc(tab, 2), f64x2.mul(tc(tab, 3), z));
  const p45 = f64x2.add(tc(tab, 4), f64x2.mul(tc(tab, 5), z));
  const p67 = f64x2.add(tc(tab, 6), f64x2.mul(tc(tab, 7), z));
  const p89 = f64x2.add(tc(tab, 8), f64x2.mul(tc(tab, 9), z));
  const pab = f64x2.add(tc(tab, 10), f64x2.mul(tc(tab, 11), z));
  const p03 = f64x2.add(p01, f64x2.mul(z2, p23));
  const p47 = f64x2.add(p45, f64x2.mul(z2, p67));
  const p8b = f64x2.add(p89, f64x2.mul(z2, pab));
  const p8c = f64x2.add(p8b, f64x2.mul(z4, tc(tab, 12)));
  return f64x2.add(f64x2.add(p03, f64x2.mul(z4, p47)), f64x2.mul(z8, p8c));
}

/** asin(x) lane-wise for x in [-1, 1] (NaN stays NaN; |x| > 1 gives NaN); `tab` from mrAsinTable. */
// @ts-ignore: decorator
@inline function asinD(x: v128, tab: usize): v128 {
  const half = tc(tab, ASIN_COEFS);
  const ax = f64x2.abs(x);
  const big = f64x2.gt(ax, half);
  const zb = f64x2.mul(half, f64x2.sub(tc(tab, ASIN_COEFS + 1), ax));
  const z = v128.bitselect(zb, f64x2.mul(ax, ax), big);
  const w = v128.bitselect(f64x2.sqrt(zb), ax, big);
  const r = f64x2.add(w, f64x2.mul(f64x2.mul(w, z), asinPolyD(z, tab)));
  const rb = f64x2.add(f64x2.sub(tc(tab, ASIN_COEFS + 2), f64x2.add(r, r)), tc(tab, ASIN_COEFS + 3));
  const a = v128.bitselect(rb, r, big);
  return v128.or(a, v128.and(x, tc(tab, ASIN_COEFS + 4)));
}

/**
 * q clamped to [-1, 1] lane-wise (a NaN stays NaN). The pseudo-minimum and -maximum compile to one
 * instruction each; f64x2.min / max (NaN and signed-zero rules of IEEE minimum) take about eight on x64.
 */
// @ts-ignore: decorator
@inline function clampUnit(q: v128, one: v128, minusOne: v128): v128 {
  return f64x2.pmax(f64x2.pmin(q, one), minusOne);
}

/**
 * dst[k] = asin(src[k]), k < n (test and benchmark hook). mode 0: the f64x2 arcsine of the DMFT kernel;
 * mode 1: AssemblyScript's scalar Math.asin (for timing against it). `tab`: the table of mrAsinTable.
 */
export function mrAsinVecF64(src: usize, dst: usize, n: i32, mode: i32, tab: usize): void {
  if (mode == 1) {
    for (let k = 0; k < n; k++) st(dst, k, Math.asin(ld(src, k)));
    return;
  }
  let k = 0;
  for (; k + 1 < n; k += 2) v128.store(dst + (<usize>k << 3), asinD(v128.load(src + (<usize>k << 3)), tab));
  if (k < n) st(dst, k, f64x2.extract_lane(asinD(f64x2.splat(ld(src, k)), tab), 0));
}

// ---------------------------------------------------------------------------------------------------
// the scheme

/** w^a_c = sum_b U[a][b][c] X^{ab} (b ascending) into W[c]; X: P^2 values at stride `xs` elements. */
// @ts-ignore: decorator
@inline function formW(P: i32, U: usize, a: i32, X: usize, xs: i32, W: usize): void {
  for (let c = 0; c < P; c++) {
    let s = 0.0;
    for (let b = 0; b < P; b++) s += ld(U, (a * P + b) * P + c) * ld(X, (a * P + b) * xs);
    st(W, c, s);
  }
}

/** sum_c W[c] Y^{ac} (c ascending); Y: P^2 values at stride `ys` elements. */
// @ts-ignore: decorator
@inline function dotW(P: i32, a: i32, W: usize, Y: usize, ys: i32): f64 {
  let s = 0.0;
  for (let c = 0; c < P; c++) s += ld(W, c) * ld(Y, (a * P + c) * ys);
  return s;
}

/** psi, r and H at step k from S_k, D_k and the filtered input (spec 02 §2.2, §2.4, §7). */
function gainsAndDrive(ctx: usize, k: i32): void {
  const P = ci(ctx, C_P);
  const Nt = ci(ctx, C_NT);
  const T = cp(ctx, C_T);
  const V = cp(ctx, C_V);
  const It = cp(ctx, C_IT);
  const Sh = cp(ctx, C_SH);
  const Hh = cp(ctx, C_HH);
  const Dh = cp(ctx, C_DH);
  const Rh = cp(ctx, C_RH);
  const psih = cp(ctx, C_PSI);
  const input = ci(ctx, C_INPUT) != 0 && V != 0;
  for (let b = 0; b < P; b++) {
    const D = ld(Dh, b * Nt + k);
    stSame(psih, b * Nt + k, 1.0 / Math.sqrt(1.0 + HALF_PI * D));
    stSame(Rh, b * Nt + k, 1.0 / Math.sqrt(D + TWO_OVER_PI));
  }
  for (let a = 0; a < P; a++) {
    for (let b = 0; b < P; b++) {
      let s = 0.0;
      for (let c = 0; c < P; c++) s += ld(T, (a * P + b) * P + c) * ld(Sh, (b * P + c) * Nt + k);
      if (input) s += ld(V, a * P + b) * ld(It, b * Nt + k);
      stSame(Hh, (a * P + b) * Nt + k, ld(psih, b * Nt + k) * s);
    }
  }
}

/** Copy what is reported from row k of region a: its slices and its part of the triangle / band. */
function recordRow(ctx: usize, k: i32, lo: i32, a: i32): void {
  const Nt = ci(ctx, C_NT);
  const Drow = cp(ctx, C_DROW);
  const nRef = ci(ctx, C_NREF);
  const refs = cp(ctx, C_REFS);
  for (let j = 0; j < nRef; j++) {
    const r = <i32>ld(refs, 3 * j);
    const L = <i32>ld(refs, 3 * j + 1);
    const out = <usize>ld(refs, 3 * j + 2);
    const lag = k - r;
    if (lag < 0 || lag >= L) continue;
    st(out, a * L + lag, ld(Drow, a * Nt + r));
  }
  const tri = ci(ctx, C_TRI);
  if (tri == 0) return;
  const row = Drow + (<usize>(a * Nt) << 3);
  const dst = cp(ctx, C_TRIP) + (<usize>(a * ci(ctx, C_TRIS)) << 3);
  if (tri == 1) {
    memory.copy(dst + (<usize>(((<i64>k * (k + 1)) >> 1)) << 3), row, <usize>(k + 1) << 3);
  } else {
    const W = ci(ctx, C_TRIW);
    const o = dst + (<usize>(<i64>k * W) << 3);
    for (let i = lo; i <= k; i++) st(o, k - i, ld(row, i));
  }
}

/**
 * Step 0 (spec 02 §3.2, initialisation): S_0 = S_init, D_0 = sigma0^2 + sum U S_init S_init (+ <v^2> Ĩ_0^2),
 * psi_0 and H_0 from them, Γ[0][0] = sum U H_0 S_init (+ <v^2> I_0 Ĩ_0). Returns -1, or 0 if a value is not
 * finite.
 */
export function mrdmftInit(ctx: usize): i32 {
  const P = ci(ctx, C_P);
  const Nt = ci(ctx, C_NT);
  const U = cp(ctx, C_U);
  const v2 = cp(ctx, C_V2);
  const Sinit = cp(ctx, C_SINIT);
  const sig2 = cp(ctx, C_SIG2);
  const I = cp(ctx, C_I);
  const It = cp(ctx, C_IT);
  const Sh = cp(ctx, C_SH);
  const Hh = cp(ctx, C_HH);
  const Dh = cp(ctx, C_DH);
  const Drow = cp(ctx, C_DROW);
  const Grow = cp(ctx, C_GROW);
  const W = cp(ctx, C_W);
  const input = ci(ctx, C_INPUT) != 0;
  const G2 = cp(ctx, C_G2);
  const needC = cp(ctx, C_NEEDC);
  for (let b = 0; b < P; b++) {
    let any = 0.0;
    for (let a = 0; a < P; a++) if (ld(G2, a * P + b) != 0) any = 1.0;
    st(needC, b, any);
  }
  for (let ab = 0; ab < P * P; ab++) st(Sh, ab * Nt, ld(Sinit, ab));
  for (let a = 0; a < P; a++) {
    formW(P, U, a, Sinit, 1, W);
    let D = ld(sig2, a) + dotW(P, a, W, Sinit, 1);
    if (input) D += ld(v2, a) * ld(It, a * Nt) * ld(It, a * Nt);
    st(Dh, a * Nt, D);
    st(Drow, a * Nt, D);
  }
  gainsAndDrive(ctx, 0);
  let chk = 0.0;
  for (let a = 0; a < P; a++) {
    formW(P, U, a, Hh, Nt, W);
    let G = dotW(P, a, W, Sinit, 1);
    if (input) G += ld(v2, a) * ld(I, a * Nt) * ld(It, a * Nt);
    st(Grow, a * Nt, G);
    chk += G + ld(Dh, a * Nt);
  }
  for (let ab = 0; ab < P * P; ab++) chk += ld(Hh, ab * Nt);
  if (!(chk - chk == 0)) return 0;
  for (let a = 0; a < P; a++) recordRow(ctx, 0, 0, a);
  return -1;
}

// ---------------------------------------------------------------------------------------------------
// one step, split into the parts that threads share out (regions a = tid, tid + n, ...)
//
// Threads split the work by region: each region's row pass does the same operations in the same order
// whoever runs it, so the results are bitwise the same for every thread count. The small per-step items
// (1, 3, 4: O(P^3)) are computed by every thread; they write the same values to the same addresses.
// Functions with loops are not inlined by the optimiser, so V8 switches each to optimised code after a
// few calls even inside one long kernel call (a loop inside one function would stay in the baseline tier).

/** Items 1, 3 and 4 of step k -> k+1: currents, the diagonal Δ[k+1][k+1] = D_{k+1}, gains and drive. */
function smallItems(ctx: usize, k: i32): void {
  const P = ci(ctx, C_P);
  const Nt = ci(ctx, C_NT);
  const dt = cf(ctx, C_DT);
  const Sh = cp(ctx, C_SH);
  const Hh = cp(ctx, C_HH);
  const Dh = cp(ctx, C_DH);
  const Gold = cp(ctx, C_GROW) + (k & 1 ? <usize>(P * Nt) << 3 : 0);
  const k2 = k + 1;
  // 1. currents
  for (let ab = 0; ab < P * P; ab++) {
    const S = ld(Sh, ab * Nt + k);
    stSame(Sh, ab * Nt + k2, S + dt * (ld(Hh, ab * Nt + k) - S));
  }
  // 3. diagonal (it needs Γ[k][k] and D_k only, so it is formed before the row pass of item 2)
  for (let a = 0; a < P; a++) {
    const D = ld(Dh, a * Nt + k);
    stSame(Dh, a * Nt + k2, D + 2.0 * dt * (ld(Gold, a * Nt + k) - D));
  }
  // 4. gains and drive at k+1
  gainsAndDrive(ctx, k2);
}

/**
 * w^a_c = sum_b U[a][b][c] H^{ab}(t_{k+1}) into W, and the first entry of region a's new Γ row:
 * Γ(t_{k+1}, 0) = sum U H(t_{k+1}) S_init (+ e Ĩ(0), e = <v^2> I(t_{k+1})), or 0 at the window's edge.
 */
// @ts-ignore: decorator
@inline function rowStart(ctx: usize, a: i32, k2: i32, lo: i32, e: f64, W: usize): f64 {
  const P = ci(ctx, C_P);
  const Nt = ci(ctx, C_NT);
  formW(P, cp(ctx, C_U), a, cp(ctx, C_HH) + (<usize>k2 << 3), Nt, W);
  if (lo != 0) return 0.0;
  let y = dotW(P, a, W, cp(ctx, C_SINIT), 1);
  if (ci(ctx, C_INPUT) != 0) y += e * ld(cp(ctx, C_IT), a * Nt);
  return y;
}

/**
 * G2 diagonal (no cross-region disorder): region a's source needs only its own C row, so items 2 and 5
 * run as one pass (the serial filter then overlaps with the arcsines of the following entries).
 */
function regionPass(ctx: usize, a: i32, k: i32): void {
  const tab = cp(ctx, C_ASINC);
  const P = ci(ctx, C_P);
  const Nt = ci(ctx, C_NT);
  const bw = ci(ctx, C_BW);
  const dt = cf(ctx, C_DT);
  const c1 = 1.0 - dt;
  const G2 = cp(ctx, C_G2);
  const v2 = cp(ctx, C_V2);
  const I = cp(ctx, C_I);
  const Hh = cp(ctx, C_HH);
  const Dh = cp(ctx, C_DH);
  const Rh = cp(ctx, C_RH);
  const W = cp(ctx, C_W) + (<usize>(a * P) << 3);
  const input = ci(ctx, C_INPUT) != 0;
  const k2 = k + 1;
  const lo = k2 - bw > 0 ? k2 - bw : 0;
  const PN = <usize>(P * Nt) << 3;
  const Gold = cp(ctx, C_GROW) + (k & 1 ? PN : 0);
  const Gnew = cp(ctx, C_GROW) + (k2 & 1 ? PN : 0);
  const vc1 = f64x2.splat(c1);
  const vdt = f64x2.splat(dt);
  const vone = f64x2.splat(1.0);
  const vmone = f64x2.splat(-1.0);
  const v2pi = f64x2.splat(TWO_OVER_PI);
  const dr = cp(ctx, C_DROW) + (<usize>(a * Nt) << 3);
  const go = Gold + (<usize>(a * Nt) << 3);
  const gn = Gnew + (<usize>(a * Nt) << 3);
  const rr = Rh + (<usize>(a * Nt) << 3);
  const ir = I + (<usize>(a * Nt) << 3);
  const rk = f64x2.splat(ld(rr, k2));
  const gaa = ld(G2, a * P + a);
  const vg = f64x2.splat(gaa);
  const e = input ? ld(v2, a) * ld(I, a * Nt + k2) : 0.0;
  const ve = f64x2.splat(e);
  let y = rowStart(ctx, a, k2, lo, e, W);
  st(gn, lo, y);
  const h0 = Hh + (<usize>(a * P * Nt) << 3);
  const h1 = h0 + (<usize>Nt << 3);
  const w0 = f64x2.splat(ld(W, 0));
  const w1 = f64x2.splat(P > 1 ? ld(W, 1) : 0.0);
  let i = lo;
  for (; i + 1 <= k; i += 2) {
    const o = <usize>i << 3;
    const d = f64x2.add(f64x2.mul(vc1, v128.load(dr + o)), f64x2.mul(vdt, v128.load(go + o)));
    v128.store(dr + o, d);
    // (no branch on g_aa = 0 here: a branch in this loop makes V8 spill and reload a dozen constants per
    // pass; with g_aa = 0 the term is +-0 and s stays +0, the value the skipped term leaves)
    const q = clampUnit(f64x2.mul(f64x2.mul(d, rk), v128.load(rr + o)), vone, vmone);
    let s = f64x2.add(f64x2.splat(0.0), f64x2.mul(vg, f64x2.mul(v2pi, asinD(q, tab))));
    // sum_c w_c H^{ac}_i, c ascending (the first two terms from registers: no reloads, no inner loop)
    s = f64x2.add(s, f64x2.mul(w0, v128.load(h0 + o)));
    if (P > 1) s = f64x2.add(s, f64x2.mul(w1, v128.load(h1 + o)));
    for (let c = 2; c < P; c++) {
      s = f64x2.add(s, f64x2.mul(f64x2.splat(ld(W, c)), v128.load(h0 + (<usize>(c * Nt) << 3) + o)));
    }
    if (input) s = f64x2.add(s, f64x2.mul(ve, v128.load(ir + o)));
    y = c1 * y + dt * f64x2.extract_lane(s, 0);
    store<f64>(gn + o, y, 8);
    y = c1 * y + dt * f64x2.extract_lane(s, 1);
    store<f64>(gn + o, y, 16);
  }
  if (i <= k) {
    const d = c1 * ld(dr, i) + dt * ld(go, i);
    st(dr, i, d);
    let s = 0.0;
    if (gaa != 0) {
      const q = clampUnit(f64x2.mul(f64x2.mul(f64x2.splat(d), rk), f64x2.splat(ld(rr, i))), vone, vmone);
      s += gaa * f64x2.extract_lane(f64x2.mul(v2pi, asinD(q, tab)), 0);
    }
    for (let c = 0; c < P; c++) s += ld(W, c) * ld(Hh, (a * P + c) * Nt + i);
    if (input) s += e * ld(I, a * Nt + i);
    y = c1 * y + dt * s;
    st(gn, i + 1, y);
  }
  st(dr, k2, ld(Dh, a * Nt + k2));
}

/** With cross-region disorder, item 2 for region b: Δ[k+1][i] = (1-dt) Δ[k][i] + dt Γ[k][i], fused with its C row. */
function deltaAndC(ctx: usize, b: i32, k: i32): void {
  const tab = cp(ctx, C_ASINC);
  const P = ci(ctx, C_P);
  const Nt = ci(ctx, C_NT);
  const bw = ci(ctx, C_BW);
  const dt = cf(ctx, C_DT);
  const c1 = 1.0 - dt;
  const k2 = k + 1;
  const lo = k2 - bw > 0 ? k2 - bw : 0;
  const Gold = cp(ctx, C_GROW) + (k & 1 ? <usize>(P * Nt) << 3 : 0);
  const vc1 = f64x2.splat(c1);
  const vdt = f64x2.splat(dt);
  const vone = f64x2.splat(1.0);
  const vmone = f64x2.splat(-1.0);
  const v2pi = f64x2.splat(TWO_OVER_PI);
  const dr = cp(ctx, C_DROW) + (<usize>(b * Nt) << 3);
  const gr = Gold + (<usize>(b * Nt) << 3);
  const cr = cp(ctx, C_CROW) + (<usize>(b * Nt) << 3);
  const rr = cp(ctx, C_RH) + (<usize>(b * Nt) << 3);
  const rk = f64x2.splat(ld(rr, k2));
  let i = lo;
  if (ld(cp(ctx, C_NEEDC), b) != 0) {
    for (; i + 1 <= k; i += 2) {
      const o = <usize>i << 3;
      const d = f64x2.add(f64x2.mul(vc1, v128.load(dr + o)), f64x2.mul(vdt, v128.load(gr + o)));
      v128.store(dr + o, d);
      const q = clampUnit(f64x2.mul(f64x2.mul(d, rk), v128.load(rr + o)), vone, vmone);
      v128.store(cr + o, f64x2.mul(v2pi, asinD(q, tab)));
    }
    if (i <= k) {
      const d = c1 * ld(dr, i) + dt * ld(gr, i);
      st(dr, i, d);
      const q = clampUnit(f64x2.mul(f64x2.mul(f64x2.splat(d), rk), f64x2.splat(ld(rr, i))), vone, vmone);
      st(cr, i, f64x2.extract_lane(f64x2.mul(v2pi, asinD(q, tab)), 0));
    }
  } else {
    for (; i + 1 <= k; i += 2) {
      const o = <usize>i << 3;
      v128.store(dr + o, f64x2.add(f64x2.mul(vc1, v128.load(dr + o)), f64x2.mul(vdt, v128.load(gr + o))));
    }
    if (i <= k) st(dr, i, c1 * ld(dr, i) + dt * ld(gr, i));
  }
  st(dr, k2, ld(cp(ctx, C_DH), b * Nt + k2));
}

/**
 * With cross-region disorder, item 5 for region a (after every region's C row is formed): the sources
 * K^a[i] = sum_b G2[a][b] C^b[i] + sum_c w^a_c H^{ac}_i (+ e I^a_i), i = lo..k, then the filter.
 */
function sourcesAndFilter(ctx: usize, a: i32, k: i32): void {
  const P = ci(ctx, C_P);
  const Nt = ci(ctx, C_NT);
  const bw = ci(ctx, C_BW);
  const dt = cf(ctx, C_DT);
  const c1 = 1.0 - dt;
  const G2 = cp(ctx, C_G2);
  const v2 = cp(ctx, C_V2);
  const I = cp(ctx, C_I);
  const Hh = cp(ctx, C_HH);
  const Crow = cp(ctx, C_CROW);
  const W = cp(ctx, C_W) + (<usize>(a * P) << 3);
  const input = ci(ctx, C_INPUT) != 0;
  const k2 = k + 1;
  const lo = k2 - bw > 0 ? k2 - bw : 0;
  const Gnew = cp(ctx, C_GROW) + (k2 & 1 ? <usize>(P * Nt) << 3 : 0);
  const e = input ? ld(v2, a) * ld(I, a * Nt + k2) : 0.0;
  const g0 = rowStart(ctx, a, k2, lo, e, W);
  const kr = cp(ctx, C_KROW) + (<usize>(a * Nt) << 3);
  const ve = f64x2.splat(e);
  let i = lo;
  for (; i + 1 <= k; i += 2) {
    const o = <usize>i << 3;
    let s = f64x2.splat(0.0);
    for (let b = 0; b < P; b++) {
      const gab = ld(G2, a * P + b);
      if (gab != 0) s = f64x2.add(s, f64x2.mul(f64x2.splat(gab), v128.load(Crow + (<usize>(b * Nt) << 3) + o)));
    }
    for (let c = 0; c < P; c++) {
      s = f64x2.add(s, f64x2.mul(f64x2.splat(ld(W, c)), v128.load(Hh + (<usize>((a * P + c) * Nt) << 3) + o)));
    }
    if (input) s = f64x2.add(s, f64x2.mul(ve, v128.load(I + (<usize>(a * Nt) << 3) + o)));
    v128.store(kr + o, s);
  }
  if (i <= k) {
    let s = 0.0;
    for (let b = 0; b < P; b++) {
      const gab = ld(G2, a * P + b);
      if (gab != 0) s += gab * ld(Crow, b * Nt + i);
    }
    for (let c = 0; c < P; c++) s += ld(W, c) * ld(Hh, (a * P + c) * Nt + i);
    if (input) s += e * ld(I, a * Nt + i);
    st(kr, i, s);
  }
  // the filter Γ[k+1][i+1] = (1-dt) Γ[k+1][i] + dt K[i], i = lo..k
  const g = Gnew + (<usize>(a * Nt) << 3);
  st(g, lo, g0);
  let y = g0;
  for (let j = lo; j <= k; j++) {
    y = c1 * y + dt * ld(kr, j);
    st(g, j + 1, y);
  }
}

/** Spins before a thread sleeps at the barrier (a step of the DMFT takes microseconds; waking takes longer). */
const SPIN_LIMIT: i32 = 1 << 14;

/**
 * Barrier over `n` threads (n >= 2): word 0 counts arrivals, word 1 is the generation. Threads spin on the
 * generation first (a step takes microseconds; a sleep and wake-up costs about as much), then sleep.
 * All threads of a DMFT run are workers, which may sleep.
 */
function spinBarrier(bar: usize, n: i32): void {
  const gen = atomic.load<i32>(bar, 4);
  if (atomic.add<i32>(bar, 1) == n - 1) {
    atomic.store<i32>(bar, 0);
    atomic.add<i32>(bar, 1, 4);
    atomic.notify(bar + 4, n);
    return;
  }
  let spins = 0;
  while (atomic.load<i32>(bar, 4) == gen) {
    if (spins < SPIN_LIMIT) spins++;
    else atomic.wait<i32>(bar + 4, gen, -1);
  }
}

/** Whether step k -> k+1 left a non-finite value (S, H, D or the last Γ entry, which every entry of its row feeds). */
function stepFailed(ctx: usize, k2: i32): bool {
  const P = ci(ctx, C_P);
  const Nt = ci(ctx, C_NT);
  const Gnew = cp(ctx, C_GROW) + (k2 & 1 ? <usize>(P * Nt) << 3 : 0);
  const Sh = cp(ctx, C_SH);
  const Hh = cp(ctx, C_HH);
  const Dh = cp(ctx, C_DH);
  let chk = 0.0;
  for (let b = 0; b < P; b++) chk += ld(Dh, b * Nt + k2) + ld(Gnew, b * Nt + k2);
  for (let ab = 0; ab < P * P; ab++) chk += ld(Sh, ab * Nt + k2) + ld(Hh, ab * Nt + k2);
  return !(chk - chk == 0);
}

/**
 * Steps k -> k+1 for k in [k0, k1) (spec 02 §3.2 items 1-5, window §3.3) on one thread. Returns -1, or
 * the first step k+1 at which a value (S, H, D or the last Γ entry) is not finite.
 */
export function mrdmftSteps(ctx: usize, k0: i32, k1: i32): i32 {
  return mrdmftStepsPar(ctx, k0, k1, 0, 1);
}

/**
 * The same steps on thread `tid` of `nThreads` (every thread calls it with the same k0, k1): thread tid
 * runs the row passes of regions tid, tid + nThreads, ...; the threads meet at the barrier of context
 * slot C_BAR once per step (twice with cross-region disorder: every C row must be formed before the
 * sources). Every thread returns the same value.
 */
export function mrdmftStepsPar(ctx: usize, k0: i32, k1: i32, tid: i32, nThreads: i32): i32 {
  const P = ci(ctx, C_P);
  const G2 = cp(ctx, C_G2);
  const bar = cp(ctx, C_BAR);
  const bw = ci(ctx, C_BW);
  let diag = true;
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) if (a != b && ld(G2, a * P + b) != 0) diag = false;
  for (let k = k0; k < k1; k++) {
    const k2 = k + 1;
    const lo = k2 - bw > 0 ? k2 - bw : 0;
    smallItems(ctx, k);
    if (diag) {
      for (let a = tid; a < P; a += nThreads) {
        regionPass(ctx, a, k);
        recordRow(ctx, k2, lo, a);
      }
    } else {
      for (let b = tid; b < P; b += nThreads) {
        deltaAndC(ctx, b, k);
        recordRow(ctx, k2, lo, b);
      }
      if (nThreads > 1) spinBarrier(bar, nThreads);
      for (let a = tid; a < P; a += nThreads) sourcesAndFilter(ctx, a, k);
    }
    // after this barrier every region's row k+1 is complete; a thread that runs ahead writes only the other
    // Γ buffer (parity) and its own regions' Δ rows, which no other thread reads in the meantime
    if (nThreads > 1) spinBarrier(bar, nThreads);
    if (stepFailed(ctx, k2)) return k2;
  }
  return -1;
}

// Generator of the arcsine coefficients above (python3 with mpmath; prints R's monomial coefficients,
// constant term first):
//
//   import mpmath as mp
//   mp.mp.dps = 50
//   def R(z):
//       if z == 0: return mp.mpf(1) / 6
//       s = mp.sqrt(z); return (mp.asin(s) - s) / (z * s)
//   n, B = 12, mp.mpf(1) / 4
//   nodes = [B / 2 + B / 2 * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / (n + 1)) for k in range(n + 1)]
//   c = mp.lu_solve(mp.matrix([[z**j for j in range(n + 1)] for z in nodes]), mp.matrix([R(z) for z in nodes]))
//   for j in range(n + 1): print(repr(float(c[j])))
