/**
 * Non-stationary two-time DMFT of the multiregion model (spec 02 §3; Clark & Beiran 2025, §4): currents
 * S^{ab}(t), drives H, gains psi^a(t), variances D^a(t) = Δ^a(t,t) and two-time slices Δ^a(t_r + τ, t_r),
 * integrated with the explicit Euler scheme of spec 02 §3.2 (verbatim, including its initialisation) on the
 * grid t_k = k dt, k < Nt. The O(Nt^2 P) work runs in the Wasm SIMD kernel assembly/mrdmft.ts; the
 * TypeScript reference (./dmft-reference.ts) runs the same recursion with the same operation order.
 *
 * Choices the spec leaves open (docs/NUMERICS.md, "Two-time DMFT"):
 * * window: `window` is given in time units; the kernel keeps lags k - i <= b = round(window / dt) steps
 *   (spec §3.3: lo_k = max(0, k - b), new Γ rows start at the edge with 0). With `checkWindow` the run is
 *   repeated with 2b and the largest differences of S, D and psi are reported.
 * * input (spec §7, §2.3): I^a(t_k) is the schedule's value at t_k (a switch time within 1e-9 dt of a grid
 *   time takes effect at that step); Ĩ_0 = 0 and Ĩ_{k+1} = Ĩ_k + dt (I_k - Ĩ_k), the same Euler rule as
 *   the currents. The drive H^{ab} gets psi^b V[a][b] Ĩ^b (V[a*P + b] = <n^{ab} v^b>, types.ts). The input
 *   part <v^2> Ĩ(t) Ĩ(s) of Δ is carried by the two-point recursion itself, exactly like the structured
 *   part: the input is one more filtered "current" with drive I, so K gets <v^2> I_{k+1} I_i (the input term
 *   of §2.3), Γ(t, 0) gets <v^2> I(t) Ĩ_0 and D_0 gets <v^2> Ĩ_0^2. With g = 0 and sigma0 = 0 the discrete
 *   Γ[k][i] then equals sum U H_k S_i + <v^2> I_k Ĩ_i, D follows the Euler rule of item 3, and
 *   Δ[k][i] = A_ki + (1-dt)^(k-i) (D_i - A_ii) with A_ki = sum U S_k S_i + <v^2> Ĩ_k Ĩ_i, to rounding
 *   (tests/mrdmft.test.ts); D_k - A_kk is O(dt) in transients and 0 at fixed points.
 * * phi (spec 02 §2.4): erf uses the closed forms (Wasm kernel or reference). Any other odd phi (`opts.phi`)
 *   runs the TypeScript reference with per-time Mehler tables for psi and F (./dmft-phi.ts); the result's
 *   diagnostics.settings.phi names the path and diagnostics.phiError its estimated error.
 */
import { wasmKernelOrNull, type Kernel } from '../../core/wasm.js';
import { getPhi, type PhiDef } from '../../phi.js';
import type { QuadratureSettings } from '../../spec/types.js';
import { gaussianPhiFor } from './gaussian-phi.js';
import type { InputSchedule, MultiregionParams } from './types.js';
import { runReference, triStride, type DmftRaw, type DmftSetup } from './dmft-reference.js';

export interface MultiregionDmftOptions {
  /** Euler step (time units), in (0, 0.1]; the paper's value is 0.05. */
  dt: number;
  /** Number of grid times t_k = k dt, k = 0..Nt-1 (>= 2). */
  Nt: number;
  /**
   * Window in time units (spec §3.3): only lags up to b = round(window / dt) steps are kept. 0 or undefined,
   * or b >= Nt - 1: no window (exact). The spec's rule: start with 50 + the largest lag reported.
   */
  window?: number;
  /** Initial currents S_init[a*P + b] (length P^2). */
  Sinit: ArrayLike<number>;
  /** Standard deviation of the random part of x(0) per region (length P, >= 0). */
  sigma0: ArrayLike<number>;
  /** Piecewise-constant inputs I^a(t) (needs params.V for the drive; <v^2> = params.v2). */
  input?: InputSchedule;
  /** Reference steps r: the result has the slices Δ^a(t_r + τ, t_r) for τ = 0 .. (min(Nt - 1 - r, b)) dt. */
  refSteps?: number[];
  /** Keep every row Δ^a(t_k, t_i): the lower triangle (no window) or the band of the window. */
  triangle?: boolean;
  /** With a window: rerun with the window doubled and report the differences (spec §3.3). */
  checkWindow?: boolean;
  /** Tolerance of the window check, relative to max(1, max |x|) per quantity (default 1e-5). */
  windowTol?: number;
  /** 'auto' (default): the Wasm kernel when instantiated (after `init()` / `getKernel()`), else the reference. */
  engine?: 'auto' | 'wasm' | 'reference';
  /** A specific Wasm kernel instance (default: the session's default kernel). */
  kernel?: Kernel;
  /** phi (name or definition, src/phi.ts; default 'erf'); must be odd. Other than erf: the Mehler path (reference engine). */
  phi?: string | PhiDef;
  /** Quadrature of psi for phi other than erf (default: the spec defaults); closedForms: false sends erf down the Mehler path too. */
  quadrature?: QuadratureSettings;
}

/** One two-time slice Δ^a(t_r + τ, t_r). */
export interface DmftSlice {
  refStep: number;
  tRef: number;
  /** τ = lag dt, lag = 0 .. length-1 */
  tau: Float64Array;
  /** per region */
  delta: Float64Array[];
  /**
   * Δ̂ = Δ(t_r + τ, t_r) / sqrt(D(t_r + τ) D(t_r)) (spec §8), per region; may exceed 1 by O(dt) (spec §3.4);
   * 0 where a variance is 0 (then Δ = 0 too), with a note
   */
  normalized: Float64Array[];
}

/** The stored rows Δ^a(t_k, t_i). */
export interface DmftTriangle {
  /** 'lower': row k at k(k+1)/2, entry i (i <= k); 'band': row k at k W, entry k - i (k - i <= min(k, W - 1)) */
  layout: 'lower' | 'band';
  /** band width W = b + 1 ('band'), else Nt */
  width: number;
  /** per region */
  data: Float64Array[];
  /** Δ^a(t_k, t_i) for either order of k, i (symmetric); throws outside the stored window. */
  get(a: number, k: number, i: number): number;
}

export interface WindowCheck {
  /** window of the main run and of the check run, in steps */
  steps: number;
  doubledSteps: number;
  /** largest |difference| over all k and components */
  maxDiff: { S: number; D: number; psi: number };
  /** the tolerance used for each (windowTol * max(1, max |x|)) */
  tol: { S: number; D: number; psi: number };
}

export interface MultiregionDmftResult {
  P: number;
  dt: number;
  Nt: number;
  /** t_k = k dt */
  t: Float64Array;
  /** S[k][a*P + b] */
  S: Float64Array[];
  /** H[k][a*P + b] (drive) */
  H: Float64Array[];
  /** psi[k][a] (gain) */
  psi: Float64Array[];
  /** D[k][a] = Δ^a(t_k, t_k) */
  D: Float64Array[];
  /** I[k][a] and Ĩ[k][a] as used, when an input schedule was given */
  input: { I: Float64Array[]; Itilde: Float64Array[] } | null;
  slices: DmftSlice[];
  triangle: DmftTriangle | null;
  diagnostics: {
    seconds: number;
    engine: 'wasm-simd' | 'js-reference';
    /** true: no window (exact), or the window check passed; false: it failed; null: window not checked */
    converged: boolean | null;
    windowCheck: WindowCheck | null;
    settings: {
      dt: number;
      Nt: number;
      windowSteps: number | null;
      window: number | null;
      windowTol: number;
      scheme: 'spec02-3.2';
      /** 'erf (closed forms)', or the phi with its Mehler and quadrature settings (./dmft-phi.ts). */
      phi: string;
      /**
       * Threads the recursion ran on (1 for `solveMultiregionDmft`; `solveMultiregionDmftAsync` splits the
       * regions among up to `opts.threads`, at most P; results are bitwise the same for every count).
       */
      threads: number;
    };
    /**
     * Estimated largest error of one F (relative to max(1, <phi^2>)): the Mehler tail bound and grid check
     * (./dmft-phi.ts); null for the erf closed forms (rounding only).
     */
    phiError: number | null;
    notes: string[];
  };
}

const CTX_SLOTS = 33;
/** v128 entries of the kernel's arcsine table (assembly/mrdmft.ts ASIN_TABLE_LEN) */
export const ASIN_TABLE_LEN = 18;
const STEP_CHUNK = 32;
const DEFAULT_WINDOW_TOL = 1e-5;
const MAX_TRIANGLE_BYTES = 2 ** 31;

function fail(field: string, value: unknown, range: string): never {
  const v = typeof value === 'number' || typeof value === 'string' ? String(value) : JSON.stringify(value);
  throw new RangeError(`solveMultiregionDmft: ${field} = ${v} is invalid: ${range}`);
}

function checkArray(field: string, x: ArrayLike<number> | null | undefined, n: number, min = -Infinity): Float64Array {
  if (!x || typeof x.length !== 'number') fail(field, x === undefined ? 'undefined' : x, `need an array of length ${n}`);
  if (x.length !== n) fail(`${field}.length`, x.length, `need ${n}`);
  const out = Float64Array.from(x);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i]) || out[i] < min) fail(`${field}[${i}]`, x[i], min === 0 ? 'need a finite number >= 0' : 'need a finite number');
  }
  return out;
}

/** Validate and build the numeric setup; `bwOverride` replaces the window (in steps). */
export function prepareDmft(params: MultiregionParams, opts: MultiregionDmftOptions, bwOverride?: number): DmftSetup {
  const P = params?.P;
  if (!Number.isInteger(P) || P < 1) fail('params.P', P, 'need an integer >= 1');
  const { dt, Nt } = opts;
  if (!(typeof dt === 'number' && dt > 0 && dt <= 0.1)) fail('opts.dt', dt, 'need 0 < dt <= 0.1 (explicit Euler, spec 02 §3.4)');
  if (!Number.isInteger(Nt) || Nt < 2) fail('opts.Nt', Nt, 'need an integer >= 2');
  if (Nt > 1e7) fail('opts.Nt', Nt, 'need Nt <= 1e7');
  const T = checkArray('params.T', params.T, P * P * P);
  const U = checkArray('params.U', params.U, P * P * P);
  for (let a = 0; a < P; a++) {
    for (let b = 0; b < P; b++) {
      for (let c = b + 1; c < P; c++) {
        const x = U[(a * P + b) * P + c];
        const y = U[(a * P + c) * P + b];
        if (Math.abs(x - y) > 1e-12 * Math.max(1, Math.abs(x), Math.abs(y))) {
          fail(`params.U[(${a}*P + ${b})*P + ${c}]`, x, `U[${a}] must be symmetric: U[(${a}*P + ${c})*P + ${b}] = ${y}`);
        }
      }
    }
  }
  const g = checkArray('params.g', params.g, P, 0);
  let G2: Float64Array;
  if (params.G2 == null) {
    G2 = new Float64Array(P * P);
    for (let a = 0; a < P; a++) G2[a * P + a] = g[a] * g[a];
  } else {
    G2 = checkArray('params.G2', params.G2, P * P, 0);
    for (let a = 0; a < P; a++) {
      const d = G2[a * P + a];
      if (Math.abs(d - g[a] * g[a]) > 1e-12 * Math.max(1, g[a] * g[a])) {
        fail(`params.G2[${a}*P + ${a}]`, d, `the diagonal must equal g[${a}]^2 = ${g[a] * g[a]}`);
      }
    }
  }
  const V = params.V == null ? null : checkArray('params.V', params.V, P * P);
  const v2 = checkArray('params.v2', params.v2, P, 0);
  const Sinit = checkArray('opts.Sinit', opts.Sinit, P * P);
  const sigma0 = checkArray('opts.sigma0', opts.sigma0, P, 0);
  const sig2 = sigma0.map((s) => s * s);

  let bw = Nt;
  if (bwOverride !== undefined) bw = bwOverride;
  else if (opts.window !== undefined && opts.window !== 0) {
    const w = opts.window;
    if (!(typeof w === 'number' && Number.isFinite(w) && w > 0)) fail('opts.window', w, 'need a time > 0 (or 0 / undefined for no window)');
    bw = Math.max(1, Math.round(w / dt));
  }
  if (bw >= Nt - 1) bw = Nt;

  // input: I_k from the schedule at t_k, Ĩ_0 = 0, Ĩ_{k+1} = Ĩ_k + dt (I_k - Ĩ_k)
  const I = new Float64Array(P * Nt);
  const It = new Float64Array(P * Nt);
  const input = opts.input !== undefined && opts.input !== null;
  if (input) {
    const sch = opts.input!;
    if (!Array.isArray(sch.times) || !Array.isArray(sch.values)) fail('opts.input', 'object', 'need { times: number[], values: number[][] }');
    const n = sch.times.length;
    if (n < 1) fail('opts.input.times.length', n, 'need >= 1');
    if (sch.values.length !== n) fail('opts.input.values.length', sch.values.length, `need ${n} (one row per time)`);
    for (let j = 0; j < n; j++) {
      const tj = sch.times[j];
      if (!Number.isFinite(tj)) fail(`opts.input.times[${j}]`, tj, 'need a finite number');
      if (j === 0 && tj !== 0) fail('opts.input.times[0]', tj, 'need 0');
      if (j > 0 && !(tj > sch.times[j - 1])) fail(`opts.input.times[${j}]`, tj, `need > times[${j - 1}] = ${sch.times[j - 1]}`);
      checkArray(`opts.input.values[${j}]`, sch.values[j], P);
    }
    let j = 0;
    for (let k = 0; k < Nt; k++) {
      const tk = k * dt;
      while (j + 1 < n && sch.times[j + 1] <= tk + 1e-9 * dt) j++;
      for (let a = 0; a < P; a++) I[a * Nt + k] = sch.values[j][a];
    }
    for (let a = 0; a < P; a++) {
      for (let k = 0; k + 1 < Nt; k++) {
        const x = It[a * Nt + k];
        It[a * Nt + k + 1] = x + dt * (I[a * Nt + k] - x);
      }
    }
  }

  const refSteps = opts.refSteps ?? [];
  if (!Array.isArray(refSteps)) fail('opts.refSteps', refSteps, 'need an array of step indices');
  const refs = refSteps.map((r, j) => {
    if (!Number.isInteger(r) || r < 0 || r > Nt - 1) fail(`opts.refSteps[${j}]`, r, `need an integer step in [0, ${Nt - 1}]`);
    return { step: r, len: Math.min(Nt - r, bw + 1) };
  });
  const tri: 0 | 1 | 2 = opts.triangle ? (bw >= Nt ? 1 : 2) : 0;
  const triW = bw + 1;
  let def: PhiDef;
  try {
    def = typeof opts.phi === 'string' ? getPhi(opts.phi) : (opts.phi ?? getPhi('erf'));
  } catch (e) {
    fail('opts.phi', opts.phi, (e as Error).message);
  }
  const gp = gaussianPhiFor(def, { quadrature: opts.quadrature });
  const phi = gp.closedForms ? null : { def, gp };
  const setup: DmftSetup = { P, Nt, dt, bw, T, U, G2, V, v2, Sinit, sig2, input, I, It, refs, tri, triW, phi };
  if (8 * P * triStride(setup) > MAX_TRIANGLE_BYTES) {
    fail('opts.triangle', true, `the rows need ${((8 * P * triStride(setup)) / 2 ** 30).toFixed(1)} GiB (limit 2 GiB): use refSteps or a window`);
  }
  return setup;
}

/** The recursion's memory laid out in a Wasm kernel: the context address and the reader of the results. */
export interface WasmDmftLayout {
  ctx: number;
  /** Copy the results out of Wasm memory (`failedStep`: the kernel's return value). */
  read(failedStep: number): DmftRaw;
}

/** Lay out the recursion in `kernel`'s memory (from kernel.arena: the caller releases it). */
export function layoutWasm(s: DmftSetup, kernel: Kernel): WasmDmftLayout {
  const ex = kernel.exports;
  if (typeof ex.mrdmftInit !== 'function' || typeof ex.mrdmftStepsPar !== 'function') {
    throw new Error('solveMultiregionDmft: the kernel has no export mrdmftInit / mrdmftStepsPar (rebuild the wasm)');
  }
  const { P, Nt } = s;
  const arena = kernel.arena;
  {
    const nRef = s.refs.length;
    const ctx = arena.alloc(8 * CTX_SLOTS);
    const a = (n: number) => arena.alloc(8 * Math.max(n, 1));
    const pT = a(P * P * P);
    const pU = a(P * P * P);
    const pG2 = a(P * P);
    const pV = s.V ? a(P * P) : 0;
    const pv2 = a(P);
    const pSinit = a(P * P);
    const psig2 = a(P);
    const pI = a(P * Nt);
    const pIt = a(P * Nt);
    const pSh = a(P * P * Nt);
    const pHh = a(P * P * Nt);
    const pPsi = a(P * Nt);
    const pDh = a(P * Nt);
    const pRh = a(P * Nt);
    const pDrow = a(P * Nt);
    const pGrow = a(2 * P * Nt); // two buffers by step parity
    const pCrow = a(P * Nt);
    const pKrow = a(P * Nt);
    const pW = a(P * P); // w^a_c per region (threads run different regions)
    const pRefs = a(3 * nRef);
    const pSlices = s.refs.map((r) => a(P * r.len));
    const stride = triStride(s);
    const pTri = s.tri ? a(P * stride) : 0;
    const pNeedC = a(P);
    const pBar = a(2); // the threads' barrier (two i32 words), zero
    const pAsin = a(2 * ASIN_TABLE_LEN); // 16-byte aligned (the arena aligns to 64)
    const buf = kernel.memory.buffer;
    const f = (ptr: number, n: number) => new Float64Array(buf, ptr, n);
    const c = f(ctx, CTX_SLOTS);
    c.fill(0);
    c.set([P, Nt, s.bw, s.dt, s.input ? 1 : 0, nRef, s.tri, pT, pU, pG2, pV, pv2, pSinit, psig2, pI, pIt]);
    c.set([pSh, pHh, pPsi, pDh, pRh, pDrow, pGrow, pCrow, pKrow, pW, pRefs, pTri, stride, s.triW, pNeedC, pBar, pAsin], 16);
    f(pT, P * P * P).set(s.T);
    f(pU, P * P * P).set(s.U);
    f(pG2, P * P).set(s.G2);
    if (s.V) f(pV, P * P).set(s.V);
    f(pv2, P).set(s.v2);
    f(pSinit, P * P).set(s.Sinit);
    f(psig2, P).set(s.sig2);
    f(pI, P * Nt).set(s.I);
    f(pIt, P * Nt).set(s.It);
    // rows start at zero (the window edge and unused band entries read as 0)
    f(pDrow, P * Nt).fill(0);
    f(pGrow, 2 * P * Nt).fill(0);
    const refs = f(pRefs, Math.max(3 * nRef, 1));
    s.refs.forEach((r, j) => {
      refs[3 * j] = r.step;
      refs[3 * j + 1] = r.len;
      refs[3 * j + 2] = pSlices[j];
      f(pSlices[j], P * r.len).fill(0);
    });
    if (s.tri) f(pTri, P * stride).fill(0);
    f(pBar, 2).fill(0);
    ex.mrAsinTable(pAsin);
    const v = (ptr: number, n: number) => new Float64Array(kernel.memory.buffer, ptr, n).slice();
    return {
      ctx,
      read: (failedStep) => ({
        S: v(pSh, P * P * Nt),
        H: v(pHh, P * P * Nt),
        psi: v(pPsi, P * Nt),
        D: v(pDh, P * Nt),
        slices: s.refs.map((r, j) => v(pSlices[j], P * r.len)),
        tri: s.tri ? Array.from({ length: P }, (_, q) => v(pTri + 8 * q * stride, stride)) : null,
        failedStep,
      }),
    };
  }
}

/** Run the recursion in the Wasm kernel on the calling thread (memory from kernel.arena, released afterwards). */
export function runWasm(s: DmftSetup, kernel: Kernel): DmftRaw {
  const mark = kernel.arena.mark();
  try {
    const { ctx, read } = layoutWasm(s, kernel);
    const ex = kernel.exports;
    let failed: number = ex.mrdmftInit(ctx);
    // in chunks: V8 runs a Wasm function's first calls in its baseline tier and switches to optimised code
    // only between calls (the row passes are functions of their own, so they switch within a long call too)
    for (let k0 = 0; failed < 0 && k0 < s.Nt - 1; k0 += STEP_CHUNK) failed = ex.mrdmftSteps(ctx, k0, Math.min(k0 + STEP_CHUNK, s.Nt - 1));
    return read(failed);
  } finally {
    kernel.arena.release(mark);
  }
}

function perStep(x: Float64Array, m: number, Nt: number): Float64Array[] {
  const flat = new Float64Array(m * Nt);
  for (let q = 0; q < m; q++) for (let k = 0; k < Nt; k++) flat[k * m + q] = x[q * Nt + k];
  return Array.from({ length: Nt }, (_, k) => flat.subarray(k * m, (k + 1) * m));
}

function maxAbsDiff(x: Float64Array, y: Float64Array): { diff: number; scale: number } {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(x[i]));
  }
  return { diff, scale };
}

function runEngine(s: DmftSetup, opts: MultiregionDmftOptions): { raw: DmftRaw; engine: 'wasm-simd' | 'js-reference' } {
  const engine = opts.engine ?? 'auto';
  if (engine !== 'auto' && engine !== 'wasm' && engine !== 'reference') fail('opts.engine', engine, "need 'auto', 'wasm' or 'reference'");
  if (s.phi && engine === 'wasm') {
    throw new Error(
      `solveMultiregionDmft: engine 'wasm' has the erf closed forms only; phi "${s.phi.def.name}" runs in the TypeScript ` +
        "reference (engine 'auto' or 'reference')",
    );
  }
  const kernel = engine === 'reference' || s.phi ? null : (opts.kernel ?? wasmKernelOrNull());
  if (engine === 'wasm' && (!kernel || kernel.kind !== 'wasm')) {
    throw new Error("solveMultiregionDmft: engine 'wasm' needs an instantiated Wasm kernel (await init() or getKernel() first)");
  }
  const raw = kernel && kernel.kind === 'wasm' ? runWasm(s, kernel) : runReference(s);
  throwIfFailed(s, raw);
  return { raw, engine: kernel && kernel.kind === 'wasm' ? 'wasm-simd' : 'js-reference' };
}

/**
 * Integrate the two-time DMFT of spec 02 §3 for `opts.Nt` steps of `opts.dt`. Throws a RangeError naming
 * the field for invalid input, and an Error naming the step if the iteration produces a non-finite value.
 */
export function solveMultiregionDmft(params: MultiregionParams, opts: MultiregionDmftOptions): MultiregionDmftResult {
  const t0 = performance.now();
  const s = prepareDmft(params, opts);
  checkWindowTol(opts);
  const { raw, engine } = runEngine(s, opts);
  const check = windowCheckSetup(params, opts, s);
  const raw2 = check ? runEngine(check, opts).raw : null;
  return assembleDmft(s, opts, raw, engine, raw2, t0, { threads: 1, reason: '' });
}

function checkWindowTol(opts: MultiregionDmftOptions): number {
  const windowTol = opts.windowTol ?? DEFAULT_WINDOW_TOL;
  if (!(windowTol > 0 && Number.isFinite(windowTol))) fail('opts.windowTol', windowTol, 'need a finite number > 0');
  return windowTol;
}

/** The setup of the window check's run (the window doubled, nothing recorded), or null when there is none. */
export function windowCheckSetup(params: MultiregionParams, opts: MultiregionDmftOptions, s: DmftSetup): DmftSetup | null {
  if (!(s.bw < s.Nt && opts.checkWindow)) return null;
  return prepareDmft(params, { ...opts, refSteps: [], triangle: false }, 2 * s.bw);
}

/** Throw the error of a run that produced a non-finite value. */
export function throwIfFailed(s: DmftSetup, raw: DmftRaw): void {
  if (raw.failedStep < 0) return;
  const k = raw.failedStep;
  throw new Error(
    `dmftlab: solveMultiregionDmft: the iteration produced a non-finite value at step ${k} (t = ${(k * s.dt).toFixed(2)}): ` +
      `the explicit Euler scheme is unstable here (a variance fell below its structured part, so a gain exceeded 1); ` +
      `rerun with a smaller dt (e.g. ${s.dt / 2}; the paper's 0.05 overflows for about 2 % of random P = 2 tensors at g = 1.5), ` +
      'and check for very large T, S_init or inputs',
  );
}

/**
 * The result from the raw rows of the run (and of the window check's run, `raw2`); `threads`: the
 * threads the recursion ran on and why fewer than asked ('' when not).
 */
export function assembleDmft(
  s: DmftSetup,
  opts: MultiregionDmftOptions,
  raw: DmftRaw,
  engine: 'wasm-simd' | 'js-reference',
  raw2: DmftRaw | null,
  t0: number,
  threads: { threads: number; reason: string },
): MultiregionDmftResult {
  const windowTol = checkWindowTol(opts);
  const { P, Nt, dt } = s;
  const windowed = s.bw < Nt;
  const notes: string[] = [];
  if (s.phi) notes.push(`phi ${s.phi.def.name}: Mehler tables in the TypeScript reference (the Wasm kernel has the erf closed forms only)`);
  else if (engine === 'js-reference' && (opts.engine ?? 'auto') === 'auto') notes.push('no Wasm kernel instantiated: ran the TypeScript reference');
  let phiSetting = 'erf (closed forms)';
  let phiError: number | null = null;
  if (s.phi && raw.phiStats) {
    const st = raw.phiStats;
    phiError = Math.max(st.maxTail, st.maxCheck);
    phiSetting =
      `${s.phi.def.name} (Mehler: K <= ${st.maxOrder}, tail <= ${st.maxTail.toExponential(1)}, ` +
      `${st.pairs > 0 ? (st.terms / st.pairs).toFixed(1) : '0'} terms per F; psi by ${s.phi.gp.description})`;
    if (st.unconverged > 0) notes.push(`phi ${s.phi.def.name}: ${st.unconverged} Mehler tabulations hit K = 4096 before the tail bound (large variance)`);
    if (st.clipped > 0) notes.push(`phi ${s.phi.def.name}: |rho| clipped to 1 + 1/K in ${st.clipped} of ${st.pairs} pairs (Euler overshoot, max |rho| = ${st.maxRho})`);
  }
  if (s.input && !s.V) notes.push('input given without params.V: it adds variance but drives no current');
  if (threads.reason) notes.push(threads.reason);

  let windowCheck: WindowCheck | null = null;
  let converged: boolean | null = windowed ? null : true;
  if (windowed && raw2) {
    const bw2 = 2 * s.bw;
    const dS = maxAbsDiff(raw.S, raw2.S);
    const dD = maxAbsDiff(raw.D, raw2.D);
    const dP = maxAbsDiff(raw.psi, raw2.psi);
    windowCheck = {
      steps: s.bw,
      doubledSteps: Math.min(bw2, Nt),
      maxDiff: { S: dS.diff, D: dD.diff, psi: dP.diff },
      tol: { S: windowTol * Math.max(1, dS.scale), D: windowTol * Math.max(1, dD.scale), psi: windowTol * Math.max(1, dP.scale) },
    };
    converged = dS.diff <= windowCheck.tol.S && dD.diff <= windowCheck.tol.D && dP.diff <= windowCheck.tol.psi;
    if (!converged) notes.push(`window of ${s.bw} steps too short: doubling it changes S, D or psi by more than the tolerance (spec 02 §3.3)`);
  }

  const D = perStep(raw.D, P, Nt);
  let zeroVariance = false;
  const slices: DmftSlice[] = s.refs.map((r, j) => {
    const L = r.len;
    const blk = raw.slices[j];
    const delta = Array.from({ length: P }, (_, a) => blk.slice(a * L, (a + 1) * L));
    const normalized = delta.map((d, a) =>
      d.map((x, lag) => {
        const den = Math.sqrt(raw.D[a * Nt + r.step + lag] * raw.D[a * Nt + r.step]);
        if (den > 0) return x / den;
        zeroVariance = true;
        return 0;
      }),
    );
    return { refStep: r.step, tRef: r.step * dt, tau: Float64Array.from({ length: L }, (_, l) => l * dt), delta, normalized };
  });

  if (zeroVariance) notes.push('normalized slices: D = 0 at some time (no variance), Δ̂ set to 0 there');

  let triangle: DmftTriangle | null = null;
  if (raw.tri) {
    const data = raw.tri;
    const band = s.tri === 2;
    const W = s.triW;
    triangle = {
      layout: band ? 'band' : 'lower',
      width: band ? W : Nt,
      data,
      get(a: number, k: number, i: number): number {
        if (k < i) [k, i] = [i, k];
        if (!(Number.isInteger(a) && a >= 0 && a < P && Number.isInteger(i) && i >= 0 && Number.isInteger(k) && k < Nt)) {
          throw new RangeError(`DmftTriangle.get: (a, k, i) = (${a}, ${k}, ${i}) outside 0 <= a < ${P}, 0 <= i, k < ${Nt}`);
        }
        if (!band) return data[a][(k * (k + 1)) / 2 + i];
        if (k - i >= W) throw new RangeError(`DmftTriangle.get: lag ${k - i} steps is outside the window (${W - 1} steps)`);
        return data[a][k * W + (k - i)];
      },
    };
  }

  return {
    P,
    dt,
    Nt,
    t: Float64Array.from({ length: Nt }, (_, k) => k * dt),
    S: perStep(raw.S, P * P, Nt),
    H: perStep(raw.H, P * P, Nt),
    psi: perStep(raw.psi, P, Nt),
    D,
    input: s.input ? { I: perStep(s.I, P, Nt), Itilde: perStep(s.It, P, Nt) } : null,
    slices,
    triangle,
    diagnostics: {
      seconds: (performance.now() - t0) / 1000,
      engine,
      converged,
      windowCheck,
      settings: {
        dt,
        Nt,
        windowSteps: windowed ? s.bw : null,
        window: windowed ? s.bw * dt : null,
        windowTol,
        scheme: 'spec02-3.2',
        phi: phiSetting,
        threads: threads.threads,
      },
      phiError,
      notes,
    },
  };
}
