/**
 * Finite-N simulation of the multiregion network (spec 02 §1): lays out one network in a kernel's
 * memory (src/core/arena.ts), fills the context of assembly/mrsim.ts (slots in ./mr-layout.ts) and
 * drives `mrSteps` in chunks on the calling thread or on the thread pool. The driver takes the vectors
 * as arrays (layouts below), so it does not depend on how they were sampled.
 *
 * Random connectivity (streams in src/core/streams.ts):
 *   independent: J^a_ij = (g_a / sqrt N) gaussian(seed, STREAM_MR_J, (a N + i) N + j), one N x N matrix per region,
 *                and for cross-region disorder (spec 02 §2.6) one matrix per pair a != b with g_ab > 0:
 *                J^{ab}_ij = (g_ab / sqrt N) gaussian(seed, STREAM_MR_J, ((P + a P + b) N + i) N + j), y^a += J^{ab} phi(x^b);
 *   shared:      chi_ij = gaussian(seed, STREAM_MR_CHI, i N + j) / sqrt N, one matrix, and
 *                y^a_i = g_a sum_l chi_il phi(x^a_{perm[a N + l]}) (spec 02 §1.4).
 * f32 precision stores the matrices and the rate buffers in f32 (sums in f32, results in f64); the state,
 * the currents and every observable stay f64.
 *
 * Dimension of activity (spec 03 §4; `dimension`): the kernel accumulates, per block of samples, the lower
 * triangle of sum a a^T over all P N units (unit (a, i) at a N + i; a = x or phi(x), phi in f64 also in f32
 * mode) and the block sums of a, in blocks x P N x padded(P N) f64; read() turns them into the PR/N of the
 * whole network and of each region (the region's diagonal N x N block of the same sums).
 */
import { MAX_PAGES, type Kernel } from '../core/wasm.js';
import type { Pool } from '../core/pool.js';
import { abortError, yieldToEventLoop, type RunOptions } from './simulate.js';
import { STREAM_MR_J, STREAM_MR_CHI } from '../core/streams.js';
import { REDUCE_BLOCK, padded } from './layout.js';
import { MrSlot, MR_CONTEXT_SLOTS, MR_COUPLING, MR_MAX_THREADS } from './mr-layout.js';
import { dimensionFromBlocks, type DimensionEstimate } from './dimension.js';

/** Piecewise-constant input I^a(t): from step `steps[s]` on (ascending), I^a = values[s][a]; 0 before steps[0]. */
export interface MultiregionSchedule {
  steps: number[];
  values: number[][];
}

/** When to sample: steps burnSteps, burnSteps + stride, ... (`samples` of them); lags in samples. */
export interface MultiregionPlan {
  burnSteps: number;
  stride: number;
  samples: number;
  lagSamples: number[];
}

export interface MultiregionNetwork {
  P: number;
  N: number;
  /** Disorder strength per region (length P). */
  g: number[];
  /** phi code of assembly/phi.ts (0 tanh, 1 erf, 2 linear) or -1 for `phiFn` evaluated in JS (calling thread only). */
  phiCode: number;
  phiFn?: (x: number) => number;
  coupling: 'independent' | 'shared';
  /** g_ab of the random blocks from region b into region a (P x P, the diagonal is ignored: g_a is `g`); coupling 'independent' only. */
  crossG?: number[][] | null;
  precision: 'f64' | 'f32';
  method: 'euler' | 'heun' | 'rk4';
  dt: number;
  /** Seed of the random matrices (integer in [0, 2^53)). */
  seed: number;
  /** n^{ab}_j at (a P + b) N + j: read-out of region b for the current b -> a. */
  n: Float64Array;
  /** m^{ab}_i at (a P + b) N + i: direction in region a of the current b -> a. */
  m: Float64Array;
  /** v^a_i at a N + i, or null for no input. */
  v: Float64Array | null;
  /** pi_a(l) at a N + l (coupling 'shared' only; required there). */
  perm: Int32Array | null;
  /** x^a_i(0) at a N + i. */
  x0: Float64Array;
  /** S^{ab}(0) at a P + b (default 0). */
  s0?: Float64Array | null;
  schedule: MultiregionSchedule | null;
  plan: MultiregionPlan;
  /** Units whose x is recorded at every sample: [region, index]. */
  traceUnits: [number, number][];
  /** Also accumulate per-unit sums of x^2 (temporal variances); default false. */
  unitSquares?: boolean;
  /**
   * Also accumulate the covariance of x or phi(x) over all P N units for the dimension of activity, in
   * `blocks` (>= 2) blocks of floor(samples / blocks) samples (later samples are not used); costs
   * (P N)^2 / 2 multiply-adds per sample and blocks x P N x padded(P N) x 8 bytes. Default none.
   */
  dimension?: { variable: 'x' | 'phi'; blocks: number } | null;
}

/** What a multiregion run recorded. Per-region series are [a][sample]; currents are [a P + b][sample]. */
export interface MultiregionRun {
  seed: number;
  P: number;
  N: number;
  /** Sample times (time units from the start of the run). */
  time: number[];
  /** (1/N) sum_i x^a_i. */
  mean: number[][];
  /** (1/N) sum_i (x^a_i)^2 (the DMFT's Delta^a(t, t)). */
  secondMoment: number[][];
  /** secondMoment - mean^2. */
  variance: number[][];
  /** (1/N) sum_i phi'(x^a_i) (central differences for a phi evaluated in JS). */
  gain: number[][];
  /** Lagged products (1/N) sum_i x^a_i(s) x^a_i(s - L) for the plan's lags, [a][l][s]; NaN for s < L. */
  lagProducts: number[][][];
  /** lagProducts / sqrt(secondMoment(s) secondMoment(s - L)), [a][l][s]; NaN for s < L. */
  twoPoint: number[][][];
  /** Time average of lagProducts over the samples s >= L, [a][l] (the autocorrelation at lag L). */
  autocorrelation: number[][];
  /** Instantaneous currents p^{ab} = (1/N) n^{ab} . phi(x^b), [a P + b][s]. */
  p: number[][];
  /** Filtered currents S^{ab} (dS/dt = -S + p, same integrator as x), [a P + b][s]. */
  S: number[][];
  traces: { region: number; index: number; x: number[] }[];
  /** Time average of x^a_i over the samples, at a N + i. */
  temporalMean: Float64Array;
  /** Time average of (x^a_i)^2 over the samples (unitSquares), else null. */
  temporalSquare: Float64Array | null;
  /** Variance across units of the temporal mean, per region. */
  temporalMeanVariance: number[];
  /** State after the last step run: x at a N + i, S at a P + b. */
  final: { x: Float64Array; S: Float64Array };
  /** With `dimension`: PR/N of the whole network's activity (PR of the P N x P N covariance, over P N). */
  dimension?: DimensionEstimate;
  /** With `dimension`: PR/N of each region's own covariance (its N x N diagonal block of the same sums), [a]. */
  regionDimension?: DimensionEstimate[];
}

export interface MultiregionHandle {
  seed: number;
  /** Total steps of the plan: burnSteps + (samples - 1) stride + 1. */
  steps: number;
  /** Multiply-adds per step (for sizing chunks of work). */
  workPerStep: number;
  /** Address of the kernel context (for the thread pool). */
  ctx: number;
  /** The random matrices (P within-region matrices N x LD, then the cross-region ones in (a, b) order; or chi) as laid out for the kernel; null when g = 0. */
  coupling: { ptr: number; ld: number; view: () => Float64Array | Float32Array } | null;
  /** Row stride of the state: region a's x at a LD .. a LD + N - 1 (LD = N padded to a multiple of 8). */
  ld: number;
  /** Advance steps [k0, k1) on the calling thread; throws an AbortError if the abort word was set, a RangeError once x is not finite. */
  step(k0: number, k1: number): void;
  /** The state x now, P rows of stride `ld` (a view into Wasm memory, valid until `release` or a memory growth). */
  state(): Float64Array;
  /** The filtered currents S^{ab} now, at a P + b (a view, as `state`). */
  currents(): Float64Array;
  /**
   * The instantaneous currents p^{ab} = (1/N) n^{ab} . phi(x^b) of the state now, at a P + b: the kernel's
   * phi and its block-ordered sums, so they equal bit for bit the p the kernel records at a sample taken
   * after the same steps. Uses the kernel's rate scratch (RT), so only between runs of `mrSteps`.
   */
  projections(): number[];
  /**
   * Change parameters between steps (streaming, src/sim/stream-multiregion.ts); they apply from the next
   * step: `g` multiplies every region's random input (within-region g_a and cross-region g_ab alike, through
   * the kernel's per-region multipliers GS, so the matrices are not redrawn), `inputScale` the input
   * schedule's values I^a, `structureScale` the vectors m^{ab} (so every rank-one block m n^T / N). Each is
   * relative to the network as built; see `checkMultiregionParams` for what cannot change.
   */
  setParams(p: MultiregionParams): void;
  /** Throw a RangeError if the state is not finite after step k1. */
  check(k1: number): void;
  read(): MultiregionRun;
  /** Ask the threads running `mrSteps` on this network to stop after the current step (any thread may call it). */
  requestAbort(): void;
  /** Free the network's memory (everything allocated after it is freed too). */
  release(): void;
}

/** Multipliers a running multiregion network can change (MultiregionHandle.setParams). */
export interface MultiregionParams {
  g?: number;
  inputScale?: number;
  structureScale?: number;
}

/**
 * Throw a RangeError naming the parameter if a multiregion network cannot apply `p`: a value that is not
 * a finite number >= 0, `g` for a network without random connectivity (`random` false: every g_a = 0 and
 * no cross-region disorder; a multiplier of nothing), `inputScale` for one without input (`input` false).
 * `who` prefixes the message (e.g. 'stream.set: ').
 */
export function checkMultiregionParams(p: MultiregionParams, random: boolean, input: boolean, who = ''): void {
  const fail = (msg: string): never => {
    throw new RangeError(`dmftlab: ${who}${msg}`);
  };
  for (const [k, v] of Object.entries(p)) {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) fail(`${k}: got ${v}; must be a finite number >= 0`);
  }
  if (p.g !== undefined && !random) {
    fail(`g: got ${p.g}; this multiregion network has no random connectivity to scale (every g_a = 0 and no cross-region disorder): start it with some g_a > 0`);
  }
  if (p.inputScale !== undefined && !input) fail(`inputScale: got ${p.inputScale}; this multiregion model has no input to scale (model.input is null)`);
}

function fail(msg: string): never {
  throw new RangeError(`dmftlab: multiregion network: ${msg}`);
}

function isCount(k: number, min: number): boolean {
  return Number.isInteger(k) && k >= min;
}

/** Argument checks; every message names the argument. */
function validate(net: MultiregionNetwork): void {
  const { P, N } = net;
  if (!isCount(P, 1) || P > 64) fail(`P: got ${P}; must be an integer from 1 to 64`);
  if (!isCount(N, 1)) fail(`N: got ${N}; must be a positive integer`);
  if (net.g.length !== P || !net.g.every((g) => Number.isFinite(g) && g >= 0)) fail(`g: must be ${P} finite numbers >= 0`);
  if (![-1, 0, 1, 2].includes(net.phiCode)) fail(`phiCode: got ${net.phiCode}; must be 0, 1, 2 or -1`);
  if (net.phiCode < 0 && typeof net.phiFn !== 'function') fail('phiFn: phiCode -1 needs a JS function');
  if (!(Number.isFinite(net.dt) && net.dt > 0)) fail(`dt: got ${net.dt}; must be > 0`);
  if (!(Number.isInteger(net.seed) && net.seed >= 0 && net.seed < 2 ** 53)) fail(`seed: got ${net.seed}; must be an integer in [0, 2^53)`);
  const len = (name: string, a: ArrayLike<number> | null | undefined, want: number) => {
    if (!a || a.length !== want) fail(`${name}: length ${a?.length ?? 'none'}; must be ${want}`);
  };
  len('n', net.n, P * P * N);
  len('m', net.m, P * P * N);
  if (net.v) len('v', net.v, P * N);
  len('x0', net.x0, P * N);
  if (net.s0) len('s0', net.s0, P * P);
  if (net.coupling === 'shared') {
    if (!net.perm) fail("perm: coupling 'shared' needs one permutation per region");
    len('perm', net.perm, P * N);
    const seen = new Uint8Array(N);
    for (let a = 0; a < P; a++) {
      seen.fill(0);
      for (let l = 0; l < N; l++) {
        const k = net.perm[a * N + l];
        if (!(k >= 0 && k < N) || seen[k]) fail(`perm: region ${a} is not a permutation of 0..${N - 1}`);
        seen[k] = 1;
      }
    }
  }
  if (net.crossG) {
    if (net.crossG.length !== P || !net.crossG.every((row) => row.length === P && row.every((x) => Number.isFinite(x) && x >= 0))) {
      fail(`crossG: must be ${P} x ${P} finite numbers >= 0`);
    }
    if (net.coupling === 'shared' && net.crossG.some((row, a) => row.some((x, b) => a !== b && x > 0))) {
      fail("crossG: cross-region disorder needs coupling 'independent' (the shared matrix has no blocks between regions)");
    }
  }
  const pl = net.plan;
  if (!isCount(pl.burnSteps, 0) || !isCount(pl.stride, 1) || !isCount(pl.samples, 1)) {
    fail('plan: burnSteps >= 0, stride >= 1 and samples >= 1 must be integers');
  }
  if (!pl.lagSamples.every((l) => isCount(l, 0) && l < pl.samples)) fail('plan.lagSamples: integers in [0, samples)');
  const sch = net.schedule;
  if (sch) {
    if (sch.steps.length !== sch.values.length) fail('schedule: steps and values must have the same length');
    sch.steps.forEach((k, s) => {
      if (!isCount(k, 0) || (s > 0 && k <= sch.steps[s - 1])) fail('schedule.steps: strictly increasing integers >= 0');
      if (sch.values[s].length !== P || !sch.values[s].every(Number.isFinite)) fail(`schedule.values[${s}]: ${P} finite numbers`);
    });
    if (!net.v && sch.steps.length > 0) fail('schedule: an input needs the directions v');
  }
  for (const [a, i] of net.traceUnits) {
    if (!(isCount(a, 0) && a < P && isCount(i, 0) && i < N)) fail(`traceUnits: [${a}, ${i}] is not a unit (region < ${P}, index < ${N})`);
  }
  const dim = net.dimension;
  if (dim) {
    if (dim.variable !== 'x' && dim.variable !== 'phi') {
      throw new RangeError(`dmftlab: dimension: got ${JSON.stringify(dim.variable)}; must be "x" or "phi"`);
    }
    if (!isCount(dim.blocks, 2)) {
      throw new RangeError(`dmftlab: dimension: need at least 2 covariance blocks (simulation.blocks), got ${dim.blocks}`);
    }
    if (Math.floor(pl.samples / dim.blocks) < 1) {
      throw new RangeError(`dmftlab: dimension: ${pl.samples} samples cannot fill ${dim.blocks} blocks (simulation.blocks); raise tMeasure`);
    }
  }
}

/** Largest Wasm memory (bytes) a kernel can have. */
const MEMORY_LIMIT = MAX_PAGES * 65536;

/** Lay out a multiregion network in `kernel`'s memory; see MultiregionNetwork for the arguments. */
export function buildMultiregionNetwork(kernel: Kernel, net: MultiregionNetwork): MultiregionHandle {
  validate(net);
  const { arena, exports: wasm } = kernel;
  const mark = arena.mark();
  try {
    const { P, N, plan } = net;
    const P2 = P * P;
    const ld = padded(N);
    const f32 = net.precision === 'f32';
    const shared = net.coupling === 'shared';
    const cross: [number, number][] = [];
    if (net.crossG && !shared) net.crossG.forEach((row, a) => row.forEach((x, b) => a !== b && x > 0 && cross.push([a, b])));
    const nX = cross.length;
    const dense = net.g.some((g) => g > 0) || nX > 0;
    const nB = Math.ceil(N / REDUCE_BLOCK);
    const nLag = plan.lagSamples.length;
    const H = Math.max(1, ...plan.lagSamples) + 1;
    const nTr = net.traceUnits.length;
    const nS = plan.samples;
    const nSw = net.schedule?.steps.length ?? 0;
    const scrw = Math.ceil((P2 + P) / 8) * 8;
    const seedLo = net.seed >>> 0;
    const seedHi = Math.floor(net.seed / 2 ** 32) >>> 0;
    const vec = (count: number) => (f32 ? arena.f32(count) : arena.f64(count));

    const ctx = arena.f64(MR_CONTEXT_SLOTS);
    const gs = arena.f64(P);
    const x = arena.f64(P * ld);
    const xs = arena.f64(P * ld);
    const acc = arena.f64(P * ld);
    const rt = arena.f64(P * ld);
    const q0 = vec(P * ld);
    const q1 = vec(P * ld);
    const pinv = shared ? arena.i32(P * ld) : null;
    const y = arena.f64(P * ld);
    const nv = arena.f64(P2 * ld);
    const m = arena.f64(P2 * ld);
    const v = net.v ? arena.f64(P * ld) : null;
    const swStep = arena.f64(Math.max(1, nSw));
    const swVal = arena.f64(Math.max(1, nSw * P));
    const kpart = arena.f64(2 * P2 * nB);
    const scur = arena.f64(P2);
    const sstg = arena.f64(P2);
    const sacc = arena.f64(P2);
    const lags = arena.f64(Math.max(1, nLag));
    const hist = arena.f64(H * P * ld);
    const xsum = arena.f64(P * ld);
    const xsq = net.unitSquares ? arena.f64(P * ld) : null;
    const opart = arena.f64(2 * P * nB * (3 + nLag));
    const smean = arena.f64(nS * P);
    const sm2 = arena.f64(nS * P);
    const sgain = arena.f64(nS * P);
    const sac = arena.f64(nS * P * Math.max(1, nLag));
    const sp = arena.f64(nS * P2);
    const ss = arena.f64(nS * P2);
    const tridx = arena.f64(2 * Math.max(1, nTr));
    const trace = arena.f64(nS * Math.max(1, nTr));
    const bar = arena.i32(16);
    const scr = arena.f64(MR_MAX_THREADS * scrw);
    const xpair = arena.f64(Math.max(2, 2 * nX));
    const nMat = shared ? 1 : P + nX;
    // block covariance sums for the dimension (spec 03 §4) over all PN units, rows of stride cld
    const PN = P * N;
    const cld = padded(PN);
    const covBlocks = net.dimension ? net.dimension.blocks : 0;
    const covSpb = covBlocks ? Math.floor(nS / covBlocks) : 0;
    if (covBlocks) {
      const need = 8 * (covBlocks * PN * cld + covBlocks * cld + 2 * cld);
      const rest = dense ? nMat * N * ld * (f32 ? 4 : 8) : 0;
      if (arena.used + need + rest > MEMORY_LIMIT) {
        const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
        throw new RangeError(
          `dmftlab: dimension: the covariance sums of ${covBlocks} blocks (simulation.blocks) over P N = ${P} x ${N} = ${PN} units need ` +
            `${need} bytes (${gib(need)}: blocks x P N x ${cld} x 8), on top of ${gib(arena.used + rest)} for the network; the Wasm memory ` +
            `holds at most ${gib(MEMORY_LIMIT)}: lower simulation.blocks, P or N, or run without dimension`,
        );
      }
    }
    const cov = covBlocks ? arena.f64(covBlocks * PN * cld) : null;
    const covSum = covBlocks ? arena.f64(covBlocks * cld) : null;
    const covVec = covBlocks ? arena.f64(2 * cld) : null;
    // the matrices last: they are written in full (padding included), so only what precedes them is cleared
    const J = dense ? vec(nMat * N * ld) : null;
    new Uint8Array(kernel.memory.buffer, ctx.ptr, (J ? J.ptr : arena.used) - ctx.ptr).fill(0);

    if (J) {
      const fill = f32 ? wasm.gaussMatrixF32 : wasm.gaussMatrixF64;
      // region a's matrix is rows [a N, (a + 1) N) of one tall matrix: entry index (a N + i) N + j
      if (shared) fill(J.ptr, N, ld, 0, N, seedLo, seedHi, STREAM_MR_CHI, 1 / Math.sqrt(N));
      else for (let a = 0; a < P; a++) fill(J.ptr, N, ld, a * N, (a + 1) * N, seedLo, seedHi, STREAM_MR_J, net.g[a] / Math.sqrt(N));
      // cross blocks: stored as matrices P, P + 1, ..; drawn row by row (their index does not follow the storage)
      const el = f32 ? 4 : 8;
      const row = f32 ? wasm.gaussFillF32 : wasm.gaussFillF64;
      cross.forEach(([a, b], k) => {
        const scale = net.crossG![a][b] / Math.sqrt(N);
        for (let i = 0; i < N; i++) {
          row(J.ptr + ((P + k) * N + i) * ld * el, N, seedLo, seedHi, STREAM_MR_J, ((P + a * P + b) * N + i) * N, scale);
        }
      });
      if (nX > 0 && ld > N) {
        const Jv = J.view();
        for (let r = P * N; r < (P + nX) * N; r++) Jv.fill(0, r * ld + N, (r + 1) * ld);
      }
    }
    xpair.view().set(cross.flat());
    gs.view().set(shared ? net.g : net.g.map(() => 1));
    const put = (dst: Float64Array, src: ArrayLike<number>, rows: number) => {
      for (let r = 0; r < rows; r++) for (let i = 0; i < N; i++) dst[r * ld + i] = src[r * N + i];
    };
    put(x.view(), net.x0, P);
    put(nv.view(), net.n, P2);
    put(m.view(), net.m, P2);
    if (v && net.v) put(v.view(), net.v, P);
    if (pinv && net.perm) {
      const pv = pinv.view();
      for (let a = 0; a < P; a++) for (let l = 0; l < N; l++) pv[a * ld + net.perm[a * N + l]] = l;
    }
    if (net.s0) scur.view().set(net.s0);
    if (net.schedule) {
      swStep.view().set(net.schedule.steps);
      swVal.view().set(net.schedule.values.flat());
    }
    lags.view().set(plan.lagSamples);
    tridx.view().set(net.traceUnits.flat());
    let structured = false;
    for (let k = 0; k < net.m.length && !structured; k++) structured = net.m[k] !== 0;

    const c = ctx.view();
    c[MrSlot.P] = P;
    c[MrSlot.N] = N;
    c[MrSlot.LD] = ld;
    c[MrSlot.PHI] = net.phiCode;
    c[MrSlot.F32] = f32 ? 1 : 0;
    c[MrSlot.METHOD] = { euler: 0, rk4: 1, heun: 2 }[net.method];
    c[MrSlot.DT] = net.dt;
    c[MrSlot.COUPLING] = dense ? MR_COUPLING[net.coupling] : MR_COUPLING.none;
    c[MrSlot.NBLK] = nB;
    c[MrSlot.J] = J ? J.ptr : 0;
    c[MrSlot.GS] = gs.ptr;
    c[MrSlot.X] = x.ptr;
    c[MrSlot.XS] = xs.ptr;
    c[MrSlot.ACC] = acc.ptr;
    c[MrSlot.RT] = rt.ptr;
    c[MrSlot.Q0] = q0.ptr;
    c[MrSlot.Q1] = q1.ptr;
    c[MrSlot.PINV] = pinv ? pinv.ptr : 0;
    c[MrSlot.Y] = y.ptr;
    c[MrSlot.NV] = nv.ptr;
    c[MrSlot.M] = m.ptr;
    c[MrSlot.STRUCT] = structured ? 1 : 0;
    c[MrSlot.V] = v ? v.ptr : 0;
    c[MrSlot.NSW] = nSw;
    c[MrSlot.SWSTEP] = swStep.ptr;
    c[MrSlot.SWVAL] = swVal.ptr;
    c[MrSlot.KPART] = kpart.ptr;
    c[MrSlot.SCUR] = scur.ptr;
    c[MrSlot.SSTG] = sstg.ptr;
    c[MrSlot.SACC] = sacc.ptr;
    c[MrSlot.BURN] = plan.burnSteps;
    c[MrSlot.STRIDE] = plan.stride;
    c[MrSlot.NSAMP] = nS;
    c[MrSlot.NLAG] = nLag;
    c[MrSlot.LAGS] = lags.ptr;
    c[MrSlot.H] = H;
    c[MrSlot.HIST] = hist.ptr;
    c[MrSlot.XSUM] = xsum.ptr;
    c[MrSlot.XSQ] = xsq ? xsq.ptr : 0;
    c[MrSlot.OPART] = opart.ptr;
    c[MrSlot.SMEAN] = smean.ptr;
    c[MrSlot.SM2] = sm2.ptr;
    c[MrSlot.SGAIN] = sgain.ptr;
    c[MrSlot.SAC] = sac.ptr;
    c[MrSlot.SP] = sp.ptr;
    c[MrSlot.SS] = ss.ptr;
    c[MrSlot.NTR] = nTr;
    c[MrSlot.TRIDX] = tridx.ptr;
    c[MrSlot.TRACE] = trace.ptr;
    c[MrSlot.BAR] = bar.ptr;
    c[MrSlot.SCR] = scr.ptr;
    c[MrSlot.SCRW] = scrw;
    c[MrSlot.MAXT] = MR_MAX_THREADS;
    c[MrSlot.NX] = nX;
    c[MrSlot.XPAIR] = xpair.ptr;
    c[MrSlot.COV] = cov ? cov.ptr : 0;
    c[MrSlot.COVSUM] = covSum ? covSum.ptr : 0;
    c[MrSlot.COVSPB] = covSpb;
    c[MrSlot.COVNB] = covBlocks;
    c[MrSlot.COVVAR] = net.dimension?.variable === 'phi' ? 1 : 0;
    c[MrSlot.COVVEC] = covVec ? covVec.ptr : 0;
    c[MrSlot.COVLD] = cld;

    const stages = { euler: 1, heun: 2, rk4: 4 }[net.method];
    const workPerStep = ((dense ? (P + nX) * N * N : 0) + 2 * P2 * N + 4 * P * N) * stages + (covBlocks ? (PN * PN) / 2 / plan.stride : 0);
    const steps = plan.burnSteps + (nS - 1) * plan.stride + 1;
    const phiFn = net.phiCode < 0 ? (net.phiFn ?? null) : null;

    const dimensions = (S: Float64Array, sums: Float64Array) => {
      const variable = net.dimension!.variable;
      return {
        dimension: dimensionFromBlocks(S, sums, PN, cld, covBlocks, covSpb, variable),
        regionDimension: Array.from({ length: P }, (_, a) => dimensionFromBlocks(S, sums, PN, cld, covBlocks, covSpb, variable, [a * N, (a + 1) * N])),
      };
    };

    const unpad = (src: Float64Array, rows: number) => {
      const out = new Float64Array(rows * N);
      for (let r = 0; r < rows; r++) out.set(src.subarray(r * ld, r * ld + N), r * N);
      return out;
    };

    return {
      seed: net.seed,
      steps,
      workPerStep,
      ctx: ctx.ptr,
      ld,
      coupling: J ? { ptr: J.ptr, ld, view: () => J.view() } : null,
      state: () => x.view(),
      currents: () => scur.view(),
      projections() {
        // as phase A and B of assembly/mrsim.ts: f64 rates r = phi(x^b), per-block sums of n^{ab}_j r_j,
        // added in block order, times 1/N (the same operations in the same order: the same bits)
        const rv = rt.view();
        if (phiFn) {
          const xv = x.view();
          for (let k = 0; k < P * ld; k++) rv[k] = phiFn(xv[k]);
        } else {
          for (let b = 0; b < P; b++) wasm.phiVecF64(net.phiCode, x.ptr + 8 * b * ld, rt.ptr + 8 * b * ld, N);
        }
        const nvv = nv.view();
        const invN = 1 / N;
        return Array.from({ length: P2 }, (_, ab) => {
          const off = (ab % P) * ld;
          let total = 0;
          for (let s = 0; s < N; s += REDUCE_BLOCK) {
            let acc = 0;
            for (let i = s; i < Math.min(s + REDUCE_BLOCK, N); i++) acc += nvv[ab * ld + i] * rv[off + i];
            total += acc;
          }
          return total * invN;
        });
      },
      setParams(p: MultiregionParams) {
        checkMultiregionParams(p, J !== null, v !== null);
        if (p.g !== undefined) {
          const gv = gs.view();
          for (let a = 0; a < P; a++) gv[a] = (shared ? net.g[a] : 1) * p.g;
        }
        if (p.inputScale !== undefined && net.schedule) {
          const scale = p.inputScale;
          swVal.view().set(net.schedule.values.flat().map((I) => scale * I));
        }
        if (p.structureScale !== undefined) {
          const mv = m.view();
          for (let r = 0; r < P2; r++) for (let i = 0; i < N; i++) mv[r * ld + i] = p.structureScale * net.m[r * N + i];
        }
      },
      step(k0: number, k1: number) {
        kernel.customPhi = phiFn;
        const r = wasm.mrSteps(ctx.ptr, 0, 1, k0, k1);
        if (r === 1) throw abortError();
        this.check(k1);
      },
      requestAbort() {
        // the abort word of assembly/mrsim.ts (bar + 8), read once per step
        Atomics.store(new Int32Array(kernel.memory.buffer, bar.ptr, 16), 2, 1);
      },
      check(k1: number) {
        const xv = x.view(); // a fresh view: the memory may have grown since the build
        for (let a = 0; a < P; a++) {
          for (let i = 0; i < N; i++) {
            if (!Number.isFinite(xv[a * ld + i])) {
              throw new RangeError(
                `dmftlab: the multiregion simulation diverged (x of region ${a} is not finite at t = ${(k1 * net.dt).toFixed(2)}, seed ${net.seed})`,
              );
            }
          }
        }
      },
      release() {
        if (phiFn && kernel.customPhi === phiFn) kernel.customPhi = null;
        arena.release(mark);
      },
      read(): MultiregionRun {
        const time = Array.from({ length: nS }, (_, s) => (plan.burnSteps + s * plan.stride) * net.dt);
        const perRegion = (buf: Float64Array) => Array.from({ length: P }, (_, a) => Array.from({ length: nS }, (_, s) => buf[s * P + a]));
        const mean = perRegion(smean.view());
        const secondMoment = perRegion(sm2.view());
        const gain = perRegion(sgain.view());
        const variance = mean.map((mu, a) => mu.map((v1, s) => secondMoment[a][s] - v1 * v1));
        const acv = sac.view();
        const lagProducts = Array.from({ length: P }, (_, a) =>
          plan.lagSamples.map((L, l) => Array.from({ length: nS }, (_, s) => (s >= L ? acv[(s * P + a) * nLag + l] : NaN))),
        );
        const twoPoint = lagProducts.map((rows, a) =>
          rows.map((row, l) => row.map((c2, s) => c2 / Math.sqrt(secondMoment[a][s] * secondMoment[a][s - plan.lagSamples[l]]))),
        );
        const autocorrelation = lagProducts.map((rows) =>
          rows.map((row, l) => {
            const L = plan.lagSamples[l];
            let sum = 0;
            for (let s = L; s < nS; s++) sum += row[s];
            return sum / (nS - L);
          }),
        );
        const pv = sp.view();
        const sv = ss.view();
        const p = Array.from({ length: P2 }, (_, k) => Array.from({ length: nS }, (_, s) => pv[s * P2 + k]));
        const S = Array.from({ length: P2 }, (_, k) => Array.from({ length: nS }, (_, s) => sv[s * P2 + k]));
        const trv = trace.view();
        const traces = net.traceUnits.map(([region, index], k) => ({ region, index, x: Array.from({ length: nS }, (_, s) => trv[s * nTr + k]) }));
        const temporalMean = unpad(xsum.view(), P).map((v1) => v1 / nS);
        const temporalSquare = xsq ? unpad(xsq.view(), P).map((v1) => v1 / nS) : null;
        const temporalMeanVariance = Array.from({ length: P }, (_, a) => {
          let a1 = 0;
          let a2 = 0;
          for (let i = 0; i < N; i++) {
            const xb = temporalMean[a * N + i];
            a1 += xb;
            a2 += xb * xb;
          }
          return a2 / N - (a1 / N) ** 2;
        });
        return {
          seed: net.seed,
          P,
          N,
          time,
          mean,
          secondMoment,
          variance,
          gain,
          lagProducts,
          twoPoint,
          autocorrelation,
          p,
          S,
          traces,
          temporalMean,
          temporalSquare,
          temporalMeanVariance,
          final: { x: unpad(x.view(), P), S: scur.view().slice() },
          ...(cov && covSum ? dimensions(cov.view(), covSum.view()) : {}),
        };
      },
    };
  } catch (e) {
    arena.release(mark);
    throw e;
  }
}

/** Work (multiply-adds) per chunk: ~20 ms on the calling thread, ~100 ms on workers (as runNetwork). */
const CHUNK_WORK_HERE = 3e7;
const CHUNK_WORK_POOL = 2e8;

type Workers = { pool: Pool; threads: number } | null;

/** `workers` if they can run the handle's network, else null: a phi evaluated in JS cannot run in a worker. */
function workersFor(kernel: Kernel, handle: MultiregionHandle, workers: Workers): Workers {
  return workers && kernel.kind === 'wasm' && new Float64Array(kernel.memory.buffer, handle.ctx, MR_CONTEXT_SLOTS)[MrSlot.PHI] >= 0 ? workers : null;
}

/**
 * Advance the handle's network over steps [k0, k1) on `workers`, or on the calling thread without them or
 * for a phi evaluated in JS; the same bits either way. Throws an AbortError if the threads stopped on the
 * abort word (`requestAbort`), a RangeError once x is not finite.
 */
export async function advanceMultiregion(kernel: Kernel, handle: MultiregionHandle, workers: Workers, k0: number, k1: number): Promise<void> {
  const pool = workersFor(kernel, handle, workers);
  if (!pool) {
    handle.step(k0, k1);
    return;
  }
  const n = pool.threads;
  const res = await pool.pool.call(kernel, n, 'mrSteps', (t) => [handle.ctx, t, n, k0, k1]);
  if (res[0] === 2) throw new RangeError(`dmftlab: multiregion network: ${n} threads; at most ${MR_MAX_THREADS}`);
  if (res[0] !== 0) throw abortError();
  handle.check(k1);
}

/**
 * Run the handle's whole plan (steps [0, handle.steps)) in chunks, with progress and abort, on the
 * calling thread or on `workers` (advanceMultiregion), and read the observables. The caller keeps the
 * handle (release it when done); an abort rejects with an AbortError and leaves the network stopped.
 */
export async function runMultiregionNetwork(
  kernel: Kernel,
  handle: MultiregionHandle,
  opts: RunOptions = {},
  workers: Workers = null,
): Promise<MultiregionRun & { seconds: number }> {
  const t0 = performance.now();
  const signal = opts.signal;
  const onAbort = () => handle.requestAbort();
  const steps = handle.steps;
  const pool = workersFor(kernel, handle, workers);
  try {
    if (signal?.aborted) throw abortError();
    signal?.addEventListener('abort', onAbort);
    const chunk = Math.max(1, Math.floor((pool ? CHUNK_WORK_POOL : CHUNK_WORK_HERE) / Math.max(1, handle.workPerStep)));
    for (let k = 0; k < steps; k += chunk) {
      const k1 = Math.min(steps, k + chunk);
      await advanceMultiregion(kernel, handle, pool, k, k1);
      if (!pool) await yieldToEventLoop();
      if (signal?.aborted) throw abortError();
      opts.onProgress?.(k1 / steps);
    }
    return { ...handle.read(), seconds: (performance.now() - t0) / 1000 };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
