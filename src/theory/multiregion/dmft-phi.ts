/**
 * Gaussian integrals of the two-time DMFT (spec 02 §3.2) for odd phi other than erf: the gain
 * psi(D_k) = <phi'> and F(D_k, D_i, Δ_ki) = E[phi(x) phi(y)], Var x = D_k, Var y = D_i, Cov = Δ_ki.
 *
 * Method (Mehler expansion, spec 01 §2): with a_n(D) = E[phi(sqrt(D) z) He_n(z)] / sqrt(n!) (z ~ N(0, 1))
 *
 *   F = sum_n rho^n a_n(D_k) a_n(D_i),   rho = Δ_ki / sqrt(D_k D_i),
 *
 * only odd n for odd phi. Per time k and region, the coefficients are tabulated once at D_k (gauss.ts
 * `mehlerCoefficients`: trapezoid on a uniform z-grid resolving phi and the oscillation of the highest Hermite
 * function), with K doubled from the previous step's K until the upper half of the series carries
 * sum_{n > K/2} a_n^2 <= TAIL_TOL max(1, [phi^2]); the series is then trimmed to the shortest K whose tail is
 * below that bound. By Cauchy–Schwarz the truncation error of every F is <= sqrt(tail_k tail_i) <= TAIL_TOL
 * max(1, [phi^2]). Each pair sums the odd terms up to min(K_k, K_i) and stops earlier where |rho|^n < 1e-17
 * (|a_n(D_k) a_n(D_i)| <= sqrt([phi^2]_k [phi^2]_i)). The coefficients of an analytic phi decay like
 * exp(-c sqrt(n / D)) (tanh: poles at +-i pi/2) or geometrically (erf), so K grows with D: measured K in
 * docs/NUMERICS.md "Two-time DMFT for other phi". The series converges at |rho| = 1 too (sum a_n^2 = [phi^2]),
 * so the aligned regime needs no other method; Euler iterates with |rho| slightly above 1 (O(dt), spec 02 §3.4)
 * are evaluated at rho clipped to +-(1 + 1/K) (where rho^K <= e: the tail stays below e TAIL_TOL), and counted.
 * For linear phi the series is the one term a_1 = sqrt(D): F = Δ_ki to rounding, without clipping.
 *
 * psi(D) comes from the `GaussianPhi` (gaussian-phi.ts: the averager's <phi'>).
 */
import type { PhiDef } from '../../phi.js';
import { mehlerCoefficients } from '../gauss.js';
import type { GaussianPhi } from './types.js';

/** Bound on the truncated tail sum_{n > K} a_n^2, relative to max(1, [phi^2]). */
export const TAIL_TOL = 1e-16;
/** First K tried. */
const K_START = 16;
/** Largest K: beyond it the tabulation stops and reports its tail (diagnostics). */
export const K_MAX = 4096;
const LOG_SMALL = Math.log(1e-17);

/** What the tables did over a run (for diagnostics). */
export interface MehlerTableStats {
  /** Largest number of Hermite terms K (highest order kept) over all tabulations. */
  maxOrder: number;
  /** Largest tail bound sum_{n > K} a_n^2 / max(1, [phi^2]) kept after trimming. */
  maxTail: number;
  /** Largest |sum a_n^2 - [phi^2]| / max(1, [phi^2]) over all tabulations (grid and rounding check). */
  maxCheck: number;
  /** Pairs evaluated, odd terms summed over them, and pairs whose |rho| was clipped to 1 + 1/K. */
  pairs: number;
  terms: number;
  clipped: number;
  /** Largest |rho| seen. */
  maxRho: number;
  /** Tabulations that hit K_MAX without meeting the tail bound. */
  unconverged: number;
}

/** Per-run Mehler tables (one per DMFT run; times are tabulated in increasing order). */
export class MehlerTables {
  /** coef[b][k]: odd coefficients a_{2j+1}(D_k) of region b, or null (not yet / released). */
  private readonly coef: (Float64Array | null)[][];
  private lastK = K_START;
  readonly stats: MehlerTableStats = { maxOrder: 0, maxTail: 0, maxCheck: 0, pairs: 0, terms: 0, clipped: 0, maxRho: 0, unconverged: 0 };

  constructor(
    readonly def: PhiDef,
    readonly gp: GaussianPhi,
    P: number,
    Nt: number,
  ) {
    this.coef = Array.from({ length: P }, () => new Array<Float64Array | null>(Nt).fill(null));
  }

  /** Tabulate region b at time k, variance D; returns psi(D). */
  tabulate(b: number, k: number, D: number): number {
    const Dc = Math.max(D, 0);
    if (!(Dc > 0)) {
      this.coef[b][k] = new Float64Array(0);
      return this.gp.gain(0);
    }
    let K = Math.max(K_START, this.lastK);
    let a: Float64Array;
    let f2: number;
    for (;;) {
      const r = mehlerCoefficients(this.def.f, 0, Dc, K);
      a = r.a;
      f2 = r.f2;
      let upper = 0;
      for (let n = (K >> 1) + 1; n <= K; n++) upper += a[n] * a[n];
      if (upper <= TAIL_TOL * Math.max(1, f2)) break;
      if (K >= K_MAX) {
        this.stats.unconverged++;
        break;
      }
      K = Math.min(2 * K, K_MAX);
    }
    // trim to the shortest K' with tail sum_{n > K'} a_n^2 <= TAIL_TOL max(1, f2)
    const bound = TAIL_TOL * Math.max(1, f2);
    let tail = 0;
    let Kp = K;
    while (Kp > 0 && tail + a[Kp] * a[Kp] <= bound) {
      tail += a[Kp] * a[Kp];
      Kp--;
    }
    let total = 0;
    for (let n = 0; n <= K; n++) total += a[n] * a[n];
    const st = this.stats;
    st.maxCheck = Math.max(st.maxCheck, Math.abs(total - f2) / Math.max(1, f2));
    st.maxTail = Math.max(st.maxTail, tail / Math.max(1, f2));
    st.maxOrder = Math.max(st.maxOrder, Kp);
    // next time: start at this K (D changes slowly, so the doubling rarely repeats)
    this.lastK = K;
    const J = (Kp + 1) >> 1; // odd n = 2j + 1 <= Kp
    const odd = new Float64Array(J);
    for (let j = 0; j < J; j++) odd[j] = a[2 * j + 1];
    this.coef[b][k] = odd;
    return this.gp.gain(Dc);
  }

  /** F for region b between times k and i at correlation coefficient rho. */
  corr(b: number, k: number, i: number, rho: number): number {
    const ck = this.coef[b][k]!;
    const ci = this.coef[b][i]!;
    let J = Math.min(ck.length, ci.length);
    if (J === 0) return 0;
    const st = this.stats;
    st.pairs++;
    let r = rho;
    const ar = Math.abs(r);
    if (ar > st.maxRho) st.maxRho = ar;
    if (J === 1) {
      st.terms++;
      return r * ck[0] * ci[0];
    }
    if (ar < 1) {
      if (ar === 0) return 0;
      const n = LOG_SMALL / Math.log(ar); // |rho|^n = 1e-17
      const Jr = Math.ceil(0.5 * (n + 1));
      if (Jr < J) J = Jr;
    } else {
      const cap = 1 + 1 / (2 * J - 1);
      if (ar > cap) {
        r = r > 0 ? cap : -cap;
        st.clipped++;
      }
    }
    st.terms += J;
    const r2 = r * r;
    let s = 0;
    for (let j = J - 1; j >= 0; j--) s = s * r2 + ck[j] * ci[j];
    return r * s;
  }

  /** Forget region b's tables of times < i (outside the window). */
  release(b: number, i: number): void {
    const row = this.coef[b];
    for (let q = i - 1; q >= 0 && row[q] !== null; q--) row[q] = null;
  }
}
