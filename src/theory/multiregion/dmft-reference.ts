/**
 * TypeScript reference of the non-stationary two-time DMFT (spec 02 §3): scalar loops and Math.asin, the
 * same recursion as the Wasm kernel assembly/mrdmft.ts with the same order of every floating-point
 * operation, so the two differ only through the arcsine (the kernel's f64x2 polynomial against Math.asin,
 * at most about 2 ulp apart). tests/mrdmft.test.ts compares them; `solveMultiregionDmft(..., { engine:
 * 'reference' })` runs this one, and so does the default engine when no Wasm kernel is instantiated.
 *
 * The scheme (spec 02 §3.2, in this order, for k = 0 .. Nt-2, lo = max(0, k+1-bw)):
 *   1. S_{k+1} = S_k + dt (H_k - S_k)
 *   2. Δ[k+1][i] = (1-dt) Δ[k][i] + dt Γ[k][i],  i = lo..k
 *   3. D_{k+1} = D_k + 2 dt (Γ[k][k] - D_k)
 *   4. psi_{k+1} = (1 + (pi/2) D_{k+1})^(-1/2), H_{k+1} = H(S_{k+1}, psi_{k+1}, Ĩ_{k+1})
 *   5. Γ[k+1][lo] = sum U H_{k+1} S_init (+ <v^2> I_{k+1} Ĩ_0) if lo = 0, else 0;
 *      Γ[k+1][i+1] = (1-dt) Γ[k+1][i] + dt K[k+1][i], i = lo..k, with
 *      K^a[k+1][i] = sum_b G2[a][b] F(D^b_{k+1}, D^b_i, Δ^b[k+1][i]) + sum_bc U[a][b][c] H^{ab}_{k+1} H^{ac}_i
 *                    (+ <v^2> I^a_{k+1} I^a_i)
 * with F(D1, D2, D12) = (2/pi) asin(clip(D12 r(D1) r(D2))), r(D) = (D + 2/pi)^(-1/2), evaluated as
 * (D12 r1) r2. Steps 2 and 3 touch different entries, so the kernel forms 3 and 4 before 2; the values are
 * the same. Only the current Δ and Γ rows are kept (in place, indexed by absolute i).
 *
 * Other odd phi (setup.phi set): psi and F come from per-time Mehler tables (./dmft-phi.ts), F evaluated at
 * rho = Δ[k+1][i] / sqrt(D_{k+1} D_i); the recursion is otherwise the same. Only this reference runs it.
 */
import type { PhiDef } from '../../phi.js';
import { MehlerTables, type MehlerTableStats } from './dmft-phi.js';
import type { GaussianPhi } from './types.js';

const TWO_OVER_PI = 0.6366197723675814;
const HALF_PI = 1.5707963267948966;

/** The numeric problem after validation (src/theory/multiregion/dmft.ts builds it). Flat arrays as in types.ts. */
export interface DmftSetup {
  P: number;
  Nt: number;
  dt: number;
  /** window in steps; >= Nt - 1 means no window */
  bw: number;
  T: Float64Array;
  U: Float64Array;
  /** G2[a*P + b] = g_ab^2 (diagonal g_a^2 without cross-region disorder) */
  G2: Float64Array;
  /** V[a*P + b] = <n^{ab} v^b>, or null */
  V: Float64Array | null;
  v2: Float64Array;
  Sinit: Float64Array;
  /** sigma0_a^2 */
  sig2: Float64Array;
  /** true when an input schedule was given (then I and It are used) */
  input: boolean;
  /** I^a(t_k) at a*Nt + k */
  I: Float64Array;
  /** filtered input Ĩ^a(t_k) at a*Nt + k */
  It: Float64Array;
  /** slices Δ(t_r + lag dt, t_r), lag < len */
  refs: { step: number; len: number }[];
  /** 0: no rows kept; 1: lower triangle (row k at k(k+1)/2, entry i); 2: band (row k at k*W, entry k - i) */
  tri: 0 | 1 | 2;
  /** band width W = bw + 1 (tri = 2) */
  triW: number;
  /** null: phi = erf with the closed forms; else the phi of the Mehler path (./dmft-phi.ts) */
  phi: { def: PhiDef; gp: GaussianPhi } | null;
}

/** What a run produces (component-major series, e.g. S[(a*P + b)*Nt + k]). */
export interface DmftRaw {
  S: Float64Array;
  H: Float64Array;
  psi: Float64Array;
  D: Float64Array;
  /** one P x len block per reference step, region-major */
  slices: Float64Array[];
  /** one array per region, or null */
  tri: Float64Array[] | null;
  /** -1, or the first step with a non-finite value (the run stopped there) */
  failedStep: number;
  /** Mehler tables' statistics (general phi only) */
  phiStats?: MehlerTableStats;
}

/** Elements per region of the triangle / band storage. */
export function triStride(s: DmftSetup): number {
  return s.tri === 1 ? (s.Nt * (s.Nt + 1)) / 2 : s.tri === 2 ? s.Nt * s.triW : 0;
}

/** Run the §3.2 recursion in TypeScript. */
export function runReference(s: DmftSetup): DmftRaw {
  const { P, Nt, dt, bw, T, U, G2, V, v2, Sinit, sig2, I, It } = s;
  const input = s.input;
  const inputV = input && V !== null;
  const c1 = 1 - dt;
  const twoDt = 2 * dt;
  const Sh = new Float64Array(P * P * Nt);
  const Hh = new Float64Array(P * P * Nt);
  const psih = new Float64Array(P * Nt);
  const Dh = new Float64Array(P * Nt);
  const Rh = new Float64Array(P * Nt);
  const Drow = new Float64Array(P * Nt);
  const Grow = new Float64Array(P * Nt);
  const Crow = new Float64Array(P * Nt);
  const W = new Float64Array(P);
  const slices = s.refs.map((r) => new Float64Array(P * r.len));
  const stride = triStride(s);
  const tri = s.tri ? Array.from({ length: P }, () => new Float64Array(stride)) : null;
  const mt = s.phi ? new MehlerTables(s.phi.def, s.phi.gp, P, Nt) : null;

  const formW = (a: number, X: Float64Array, xo: number, xs: number): void => {
    for (let c = 0; c < P; c++) {
      let sum = 0;
      for (let b = 0; b < P; b++) sum += U[(a * P + b) * P + c] * X[xo + (a * P + b) * xs];
      W[c] = sum;
    }
  };
  const dotW = (a: number, Y: Float64Array, yo: number, ys: number): number => {
    let sum = 0;
    for (let c = 0; c < P; c++) sum += W[c] * Y[yo + (a * P + c) * ys];
    return sum;
  };
  const gainsAndDrive = (k: number): void => {
    for (let b = 0; b < P; b++) {
      const D = Dh[b * Nt + k];
      if (mt) {
        psih[b * Nt + k] = mt.tabulate(b, k, D);
        Rh[b * Nt + k] = D > 0 ? 1 / Math.sqrt(D) : 0;
      } else {
        psih[b * Nt + k] = 1 / Math.sqrt(1 + HALF_PI * D);
        Rh[b * Nt + k] = 1 / Math.sqrt(D + TWO_OVER_PI);
      }
    }
    for (let a = 0; a < P; a++) {
      for (let b = 0; b < P; b++) {
        let sum = 0;
        for (let c = 0; c < P; c++) sum += T[(a * P + b) * P + c] * Sh[(b * P + c) * Nt + k];
        if (inputV) sum += V![a * P + b] * It[b * Nt + k];
        Hh[(a * P + b) * Nt + k] = psih[b * Nt + k] * sum;
      }
    }
  };
  const recordRow = (k: number, lo: number): void => {
    s.refs.forEach((r, j) => {
      const lag = k - r.step;
      if (lag < 0 || lag >= r.len) return;
      for (let a = 0; a < P; a++) slices[j][a * r.len + lag] = Drow[a * Nt + r.step];
    });
    if (!tri) return;
    for (let a = 0; a < P; a++) {
      const t = tri[a];
      if (s.tri === 1) {
        const o = (k * (k + 1)) / 2;
        for (let i = 0; i <= k; i++) t[o + i] = Drow[a * Nt + i];
      } else {
        const o = k * s.triW;
        for (let i = lo; i <= k; i++) t[o + k - i] = Drow[a * Nt + i];
      }
    }
  };
  const raw = (failedStep: number): DmftRaw => ({ S: Sh, H: Hh, psi: psih, D: Dh, slices, tri, failedStep, ...(mt ? { phiStats: mt.stats } : {}) });

  // initialisation (step 0)
  for (let ab = 0; ab < P * P; ab++) Sh[ab * Nt] = Sinit[ab];
  for (let a = 0; a < P; a++) {
    formW(a, Sinit, 0, 1);
    let D = sig2[a] + dotW(a, Sinit, 0, 1);
    if (input) D += v2[a] * It[a * Nt] * It[a * Nt];
    Dh[a * Nt] = D;
    Drow[a * Nt] = D;
  }
  gainsAndDrive(0);
  let chk = 0;
  for (let a = 0; a < P; a++) {
    formW(a, Hh, 0, Nt);
    let G = dotW(a, Sinit, 0, 1);
    if (input) G += v2[a] * I[a * Nt] * It[a * Nt];
    Grow[a * Nt] = G;
    chk += G + Dh[a * Nt];
  }
  for (let ab = 0; ab < P * P; ab++) chk += Hh[ab * Nt];
  if (!(chk - chk === 0)) return raw(0);
  recordRow(0, 0);

  const needC = new Array<boolean>(P).fill(false);
  for (let b = 0; b < P; b++) for (let a = 0; a < P; a++) if (G2[a * P + b] !== 0) needC[b] = true;

  for (let k = 0; k < Nt - 1; k++) {
    const k2 = k + 1;
    const lo = Math.max(0, k2 - bw);
    // 1. currents
    for (let ab = 0; ab < P * P; ab++) {
      const S = Sh[ab * Nt + k];
      Sh[ab * Nt + k2] = S + dt * (Hh[ab * Nt + k] - S);
    }
    // 3. diagonal
    for (let a = 0; a < P; a++) {
      const D = Dh[a * Nt + k];
      Dh[a * Nt + k2] = D + twoDt * (Grow[a * Nt + k] - D);
    }
    // 4. gains and drive
    gainsAndDrive(k2);
    // 2. off-diagonal entries, and the C rows of item 5
    for (let b = 0; b < P; b++) {
      const o = b * Nt;
      const rk = Rh[o + k2];
      for (let i = lo; i <= k; i++) {
        const d = c1 * Drow[o + i] + dt * Grow[o + i];
        Drow[o + i] = d;
        if (needC[b]) {
          if (mt) Crow[o + i] = mt.corr(b, k2, i, d * rk * Rh[o + i]);
          else {
            const q = Math.max(-1, Math.min(1, d * rk * Rh[o + i]));
            Crow[o + i] = TWO_OVER_PI * Math.asin(q);
          }
        }
      }
      Drow[o + k2] = Dh[o + k2];
      if (mt && lo > 0) mt.release(b, lo);
    }
    // 5. new Γ rows
    for (let a = 0; a < P; a++) {
      formW(a, Hh, k2, Nt);
      const e = input ? v2[a] * I[a * Nt + k2] : 0;
      let y = 0;
      if (lo === 0) {
        y = dotW(a, Sinit, 0, 1);
        if (input) y += e * It[a * Nt];
      }
      const o = a * Nt;
      Grow[o + lo] = y;
      for (let i = lo; i <= k; i++) {
        let K = 0;
        for (let b = 0; b < P; b++) {
          const gab = G2[a * P + b];
          if (gab !== 0) K += gab * Crow[b * Nt + i];
        }
        for (let c = 0; c < P; c++) K += W[c] * Hh[(a * P + c) * Nt + i];
        if (input) K += e * I[o + i];
        y = c1 * y + dt * K;
        Grow[o + i + 1] = y;
      }
    }
    chk = 0;
    for (let b = 0; b < P; b++) chk += Dh[b * Nt + k2] + Grow[b * Nt + k2];
    for (let ab = 0; ab < P * P; ab++) chk += Sh[ab * Nt + k2] + Hh[ab * Nt + k2];
    if (!(chk - chk === 0)) return raw(k2);
    recordRow(k2, lo);
  }
  return raw(-1);
}
