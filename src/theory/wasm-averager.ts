/**
 * Wasm SIMD implementation of the `Averager` interface (src/theory/gauss.ts), step for step the same
 * computation as the TypeScript reference `makeAverager`, with the loops over quadrature nodes in
 * assembly/gauss.ts. The two differ only in how phi is evaluated (a few ulp) and in the order of sums:
 * tests/wasm-averager.test.ts observes at most 3.4e-15 (moments) and 8.4e-15 (twoPoint) relative to the
 * size of the integrand, except tanh [Phi], [Phi^2] for |x| << 1, where the reference's log cosh loses
 * relative accuracy (1.4e-13 at D = 1e-6) and this averager's is the accurate one. Speed: bench/RESULTS.md.
 *
 * What runs where (same regimes, rules and node positions as the reference):
 * * moments(mu, D), D > 0: `gaussMoments` on the reference's rule (trapezoid of density
 *   trapezoidDensity(D, hx), or Gauss–Hermite of q.order).
 * * twoPoint(c, mu, D0): ends c = 0 and c = D0 from `gaussMoments`; Gauss–Hermite settings and the
 *   trapezoid regime D0 - c <= 0.01 (outer trapezoid in sqrt(c) z, inner Gauss–Hermite of order 8, or 24
 *   for linear, which the reference treats as a generic phi) with `gaussTwoPoint`; c <= D0/2 with
 *   `gaussMehlerTwoPoint` (same terms, same Hermite recursion and sqrt table); the middle with
 *   `gaussAlignedTwoPoint` (same aligned grid and correlation).
 * * Left to the TypeScript reference (cheap or not quadrature): D = 0 and D0 = 0 (point evaluations),
 *   every quantity for erf with `closedForms` (closed forms and short Gauss–Legendre integrals), user phi
 *   (code -1) and unknown codes (`makeWasmAverager` then returns the reference itself), and the calls whose rule or grid
 *   does not fit the scratch reserved at creation (see `WasmAveragerOptions`).
 *
 * Memory: at creation the averager takes four blocks from `kernel.arena` (a 16-double result block, a rule
 * pool, the Mehler sqrt table, a scratch block) and never allocates Wasm memory again; a rule is copied into the pool the first
 * time it is used (cache keyed like quad.ts: trapezoid density m, Gauss–Hermite order; the pool is
 * recycled when full). Those blocks belong to the averager for the kernel's lifetime, so do not create an
 * averager between an `arena.mark()` and the matching `release()`. No JS allocation per call either
 * (results are written into `out` when given, as in the reference), apart from the two typed-array views
 * made when a rule is copied into the pool.
 *
 * Not thread-safe across workers sharing the memory: one averager is used by one thread at a time.
 */
import type { PhiDef } from '../phi.js';
import type { QuadratureSettings } from '../spec/types.js';
import type { Kernel } from '../core/wasm.js';
import {
  checkTwoPointArgs,
  emptyMoments,
  emptyTwoPoint,
  innerHermiteOrder,
  makeAverager,
  twoPointMehlerTerms,
  TWO_POINT_INNER_GH_VAR,
  TWO_POINT_MEHLER_MAX_RATIO,
  type Averager,
  type Moments,
  type TwoPoint,
} from './gauss.js';
import { hermiteRule, trapezoidDensity, trapezoidRule, type Rule } from './quad.js';

export interface WasmAveragerOptions {
  /** Capacity of the rule pool in nodes (16 bytes each; default 65536 = 1 MiB). */
  ruleNodes?: number;
  /** Scratch for one two-point call in f64 (default 131072 = 1 MiB). */
  scratchDoubles?: number;
}

const MEHLER_MAX_TERMS = twoPointMehlerTerms(TWO_POINT_MEHLER_MAX_RATIO);

interface Slot {
  z: number;
  w: number;
  n: number;
}

class WasmAverager implements Averager {
  evaluations = 0;
  readonly phi: PhiDef;
  readonly settings: QuadratureSettings;
  private readonly ref: Averager;
  private readonly kind: number;
  private readonly erfClosed: boolean;
  private readonly gh: boolean;
  private readonly innerOrder: number;
  private readonly memory: WebAssembly.Memory;
  private readonly gaussMoments: (...a: number[]) => void;
  private readonly gaussTwoPoint: (...a: number[]) => void;
  private readonly gaussMehler: (...a: number[]) => void;
  private readonly gaussAligned: (...a: number[]) => void;
  /** result block: 16 f64 */
  private readonly outPtr: number;
  private outView: Float64Array;
  /** rule pool */
  private readonly poolPtr: number;
  private readonly poolNodes: number;
  private poolUsed = 0;
  private readonly slots = new Map<number, Slot>();
  /** sqrt(k) and 1/sqrt(k), k <= MEHLER_MAX_TERMS + 1; the per-call scratch (Mehler accumulators, aligned grid) */
  private readonly sqPtr: number;
  private readonly isqPtr: number;
  private readonly scratchPtr: number;
  private readonly scratchDoubles: number;

  constructor(phi: PhiDef, q: QuadratureSettings, kernel: Kernel, opts: WasmAveragerOptions) {
    // the reference checks the settings (and throws the same errors)
    this.ref = makeAverager(phi, q);
    this.phi = phi;
    this.settings = { ...q };
    this.kind = phi.code;
    this.erfClosed = phi.code === 1 && q.closedForms;
    this.gh = q.method === 'gauss-hermite';
    this.innerOrder = innerHermiteOrder(phi.code === 0 || phi.code === 1);
    const ex = kernel.exports;
    for (const name of ['gaussMoments', 'gaussTwoPoint', 'gaussMehlerTwoPoint', 'gaussAlignedTwoPoint']) {
      if (typeof ex[name] !== 'function') throw new Error(`makeWasmAverager: the kernel has no export ${name} (rebuild the wasm)`);
    }
    this.gaussMoments = ex.gaussMoments;
    this.gaussTwoPoint = ex.gaussTwoPoint;
    this.gaussMehler = ex.gaussMehlerTwoPoint;
    this.gaussAligned = ex.gaussAlignedTwoPoint;
    this.memory = kernel.memory;
    this.poolNodes = Math.max(64, Math.floor(opts.ruleNodes ?? 65536));
    this.scratchDoubles = Math.max(1024, Math.floor(opts.scratchDoubles ?? 131072));
    const tab = MEHLER_MAX_TERMS + 2;
    // all Wasm memory this averager will ever use, reserved now
    this.outPtr = kernel.arena.alloc(16 * 8);
    this.poolPtr = kernel.arena.alloc(16 * this.poolNodes);
    this.sqPtr = kernel.arena.alloc(2 * 8 * tab);
    this.isqPtr = this.sqPtr + 8 * tab;
    this.scratchPtr = kernel.arena.alloc(8 * this.scratchDoubles);
    // same values as the reference's table: Math.sqrt(k) and 1 / Math.sqrt(k)
    const sq = new Float64Array(this.memory.buffer, this.sqPtr, tab);
    const isq = new Float64Array(this.memory.buffer, this.isqPtr, tab);
    for (let k = 0; k < tab; k++) {
      sq[k] = Math.sqrt(k);
      isq[k] = k > 0 ? 1 / Math.sqrt(k) : 0;
    }
    this.outView = new Float64Array(this.memory.buffer, this.outPtr, 16);
  }

  /** The result block (a fresh view only if a non-shared memory grew and detached the old one). */
  private res(): Float64Array {
    if (this.outView.length === 0) this.outView = new Float64Array(this.memory.buffer, this.outPtr, 16);
    return this.outView;
  }

  /** The pooled copy of a rule (key: trapezoid density m > 0, or -order for Gauss–Hermite), or null if it cannot fit. */
  private slot(key: number): Slot | null {
    const s = this.slots.get(key);
    if (s) return s;
    const r: Rule = key > 0 ? trapezoidRule(key, this.settings.zMax) : hermiteRule(-key);
    const n = r.z.length;
    const need = n + (n & 1); // keep every block 16-byte aligned
    if (2 * need > this.poolNodes) return null;
    if (this.poolUsed + 2 * need > this.poolNodes) {
      this.slots.clear(); // recycle the pool
      this.poolUsed = 0;
    }
    const z = this.poolPtr + 8 * this.poolUsed;
    const w = z + 8 * need;
    new Float64Array(this.memory.buffer, z, n).set(r.z);
    new Float64Array(this.memory.buffer, w, n).set(r.w);
    this.poolUsed += 2 * need;
    const created = { z, w, n };
    this.slots.set(key, created);
    return created;
  }

  /** Key of the rule the reference uses for variance D. */
  private ruleKey(D: number): number {
    return this.gh ? -this.settings.order : trapezoidDensity(D, this.settings.hx);
  }

  moments(mu: number, D: number, out: Moments = emptyMoments()): Moments {
    this.evaluations++;
    if (!Number.isFinite(mu) || !(D >= 0) || !Number.isFinite(D)) {
      throw new RangeError(`moments: need finite mu and D >= 0 (got mu = ${mu}, D = ${D})`);
    }
    if (this.erfClosed || D === 0 || !this.quadMoments(mu, D)) return this.ref.moments(mu, D, out);
    const o = this.res();
    out.phi = o[0];
    out.dphi = o[1];
    out.d2phi = o[2];
    out.d3phi = o[3];
    out.phi2 = o[4];
    out.dphi2 = o[5];
    out.phidphi = o[6];
    out.phid2phi = o[7];
    out.Phi = o[8];
    out.Phi2 = o[9];
    return out;
  }

  /** gaussMoments on the reference's rule into the result block; false if the rule does not fit. */
  private quadMoments(mu: number, D: number): boolean {
    const s = this.slot(this.ruleKey(D));
    if (!s) return false;
    this.gaussMoments(this.kind, s.z, s.w, s.n, mu, Math.sqrt(D), this.outPtr);
    return true;
  }

  twoPoint(c: number, mu: number, D0: number, out: TwoPoint = emptyTwoPoint()): TwoPoint {
    this.evaluations++;
    c = checkTwoPointArgs(c, mu, D0);
    if (D0 === 0 || this.erfClosed) return this.ref.twoPoint(c, mu, D0, out);
    if (c === 0 || c === D0) {
      if (!this.quadMoments(mu, D0)) return this.ref.twoPoint(c, mu, D0, out);
      const o = this.res();
      if (c === 0) {
        out.Cphi = o[0] * o[0];
        out.CPhi = o[8] * o[8];
        out.Cdphi = o[1] * o[1];
      } else {
        out.Cphi = o[4];
        out.CPhi = o[9];
        out.Cdphi = o[5];
      }
      return out;
    }
    let done: boolean;
    if (this.gh) done = this.nested(c, mu, D0, -this.settings.order, -this.settings.order);
    else if (c <= TWO_POINT_MEHLER_MAX_RATIO * D0) done = this.mehler(c, mu, D0);
    else if (D0 - c <= TWO_POINT_INNER_GH_VAR) done = this.nested(c, mu, D0, this.ruleKey(c), -this.innerOrder);
    else done = this.aligned(c, mu, D0);
    if (!done) return this.ref.twoPoint(c, mu, D0, out);
    const o = this.res();
    out.Cphi = o[0];
    out.CPhi = o[1];
    out.Cdphi = o[2];
    return out;
  }

  /** Outer rule (key ko) over sqrt(c) z, inner rule (key ki) over sqrt(D0 - c) x: gaussTwoPoint. */
  private nested(c: number, mu: number, D0: number, ko: number, ki: number): boolean {
    let so = this.slot(ko);
    if (!so) return false;
    const si = this.slot(ki);
    if (!si) return false;
    if (this.slots.get(ko) !== so) {
      // copying the inner rule recycled the pool: copy the outer one again (false if both cannot fit)
      so = this.slot(ko);
      if (!so || this.slots.get(ki) !== si) return false;
    }
    this.gaussTwoPoint(this.kind, so.z, so.w, so.n, si.z, si.w, si.n, mu, Math.sqrt(c), Math.sqrt(D0 - c), this.outPtr);
    return true;
  }

  /** c <= D0/2: Mehler series on the rule of D0. */
  private mehler(c: number, mu: number, D0: number): boolean {
    const K = twoPointMehlerTerms(c / D0);
    if (6 * (K + 1) > this.scratchDoubles || K > MEHLER_MAX_TERMS) return false;
    const s = this.slot(this.ruleKey(D0));
    if (!s) return false;
    this.gaussMehler(this.kind, s.z, s.w, s.n, mu, Math.sqrt(D0), K, c / D0, this.sqPtr, this.isqPtr, this.scratchPtr, this.outPtr);
    return true;
  }

  /** D0/2 < c < D0 - 0.01: nested trapezoid on one aligned grid. */
  private aligned(c: number, mu: number, D0: number): boolean {
    const q = this.settings;
    const so = Math.sqrt(c);
    const si = Math.sqrt(D0 - c);
    const delta = Math.min(q.hx, 0.25 * so, 0.25 * si);
    const Jo = Math.floor((q.zMax * so) / delta + 1e-9);
    const Ji = Math.floor((q.zMax * si) / delta + 1e-9);
    const nx = 2 * (Jo + Ji) + 1;
    if (3 * (nx + 3) + (Jo + 2) + (Ji + 2) > this.scratchDoubles) return false;
    this.gaussAligned(this.kind, mu, delta, Jo, Ji, delta / so, delta / si, this.scratchPtr, this.outPtr);
    return true;
  }
}

/**
 * A Wasm-backed averager equal (to rounding) to `makeAverager(phi, q)`. Built-in phi (codes 0-2) run their
 * quadratures in the kernel; user phi (code -1) get the TypeScript reference itself. Reserves its Wasm
 * memory from `kernel.arena` now (about 2 MiB with the default options) and never grows it later.
 */
export function makeWasmAverager(phi: PhiDef, q: QuadratureSettings, kernel: Kernel, opts: WasmAveragerOptions = {}): Averager {
  // codes the gauss kernels know (tanh, erf, linear); any other code would give NaN there
  if (phi.code < 0 || phi.code > 2) return makeAverager(phi, q);
  return new WasmAverager(phi, q, kernel, opts);
}
