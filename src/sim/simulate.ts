/**
 * Finite-N simulation of a spec: builds each network in the shared Wasm memory, advances it with the
 * kernel of assembly/sim.ts in chunks (progress, cancellation), and turns the in-kernel observables into
 * estimates with standard errors over time blocks and networks (spec 01 §7).
 */
import type { Spec } from '../spec/types.js';
import { parseSpec } from '../spec/validate.js';
import { getPhi } from '../phi.js';
import { newKernel, newJsKernel, type Kernel } from '../core/wasm.js';
import { Slot, CONTEXT_SLOTS, REDUCE_BLOCK, padded } from './layout.js';
import { STREAM_J, initStream } from '../core/streams.js';
import { lowRankVectors } from './lowrank-vectors.js';
import { dimensionFromBlocks, combineDimension, type DimensionEstimate } from './dimension.js';
import { buildRandomModeCoupling, empiricalRankOfJ, effectiveRank, randomModeSpectrum } from './random-mode.js';
import { blockEstimate, combineNetworks, poolTrials, type Estimate, type BlockEstimate } from '../stats.js';
import { getPool, type Pool } from '../core/pool.js';
import { setup, type Variant } from '../core/runtime.js';

export interface RunOptions {
  /** Stops the run within about 100 ms; the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called with the fraction of steps done (0..1). */
  onProgress?: (fraction: number) => void;
  /**
   * Worker threads sharing the network's memory (default: `init()`'s, which defaults to the number of
   * cores). Results are bitwise identical for every thread count. Variants without threads, and a phi
   * registered in JS, run on the calling thread (diagnostics.variantReason says why).
   */
  threads?: number;
  /**
   * Also estimate the dimension of activity (spec 03 §4): the kernel accumulates the covariance of x (or of
   * phi(x)) in `simulation.blocks` blocks of the measurement window, without storing trajectories; each
   * network then reports the cross-block PR/N with its jackknife SE and the naive PR/N. Costs N^2 / 2
   * multiply-adds per sample and blocks x N^2 x 8 bytes of memory. Overrides the spec's
   * `simulation.dimension`.
   */
  dimension?: 'x' | 'phi';
}

/** Step counts derived from the simulation settings. */
export interface StepPlan {
  steps: number;
  burnSteps: number;
  stride: number;
  samples: number;
  lagSamples: number[];
}

export function planSteps(spec: Spec): StepPlan {
  const s = spec.simulation;
  const stride = Math.max(1, Math.round(s.sampleEvery / s.dt));
  const burnSteps = Math.round(s.tBurn / s.dt);
  const samples = Math.max(1, Math.floor(s.tMeasure / s.sampleEvery + 1e-9)); // as the validator counts them
  const lagSamples = s.lags.map((l) => Math.round(l / s.sampleEvery));
  return { steps: burnSteps + (samples - 1) * stride + 1, burnSteps, stride, samples, lagSamples };
}

/** Effective rank of a random-mode coupling (spec 03 §5.1). */
export interface CouplingRank {
  /** PR^D = (sum D^2)^2 / sum D^4 of the spectrum, and rho = PR^D / N. */
  PRD: number;
  rho: number;
  /** PR_J = (sum sigma^2)^2 / sum sigma^4 of the built J (singular values sigma), and PR_J / N (-> 1 / (2 + 1/rho)). */
  PRJ: number;
  PRJperN: number;
}

export interface NetworkRun {
  seed: number;
  /**
   * With `simulation.trials` > 1: the trial (0 .. trials - 1) of network `seed` this entry holds; absent for
   * single-trajectory runs. Trials share J (and the low-rank vectors and input) and differ in x(0).
   */
  trial?: number;
  /** Sample times (time units from the start of the run). */
  time: number[];
  /** Population mean (1/N) sum_i x_i at each sample. */
  mean: number[];
  /** Population variance (1/N) sum_i (x_i - mean)^2 at each sample. */
  variance: number[];
  /** kappa_r(t) = (1/N) n_r . phi(x(t)) at each sample, [r][sample]. */
  kappa: number[][];
  /** Recorded unit traces x_i(t). */
  traces: { unit: number; x: number[] }[];
  /** Final state summary (mean, variance). */
  final: { mean: number; variance: number };
  /** Sample overlaps n_r . m_s / N of the drawn vectors (quenched finite-N values), [r][s]. */
  overlap: number[][];
  /** Variance across units of the time-averaged x_i (spec 01 §7). */
  temporalMeanVariance: number;
  /**
   * With the `dimension` run option: PR/N estimated from this network's activity (spec 03 §4). With trials,
   * one estimate per network from the covariance of all its trials (on the trial-0 entry only).
   */
  dimension?: DimensionEstimate;
  /** randomMode only: the effective rank of the spectrum and of the J that was built (spec 03 §5.1). */
  couplingRank?: CouplingRank;
  stats: {
    variance: BlockEstimate;
    mean: BlockEstimate;
    absMean: BlockEstimate;
    kappa: BlockEstimate[];
    absKappa: BlockEstimate[];
    kappaNorm: BlockEstimate | null;
    autocov: BlockEstimate[];
  };
  seconds: number;
}

export interface SimulationResult {
  kind: 'simulation';
  N: number;
  plan: StepPlan;
  /** Estimates over time blocks and networks. */
  summary: {
    variance: Estimate;
    mean: Estimate;
    absMean: Estimate;
    kappa: Estimate[];
    absKappa: Estimate[];
    /** Time average of |kappa(t)| = sqrt(sum_r kappa_r(t)^2) (the radius, for rings); null when R = 0. */
    kappaNorm: Estimate | null;
    autocov: { lag: number; estimate: Estimate }[];
    temporalMeanVariance: Estimate;
    /**
     * With `simulation.dimension` (or the run option): the cross-block PR/N over networks (SE over networks
     * with K - 1 dof; one network: its jackknife SE with blocks - 1 dof); null without.
     */
    dimension: (Estimate & { variable: 'x' | 'phi' }) | null;
  };
  networks: NetworkRun[];
  diagnostics: {
    seconds: number;
    /** Steps over all networks (plan.steps x networks; a step advances every trial of a network). */
    steps: number;
    stepsPerSecond: number;
    /** Trajectories per network (`simulation.trials`). */
    trials: number;
    /** Steps of single trajectories per second: stepsPerSecond x trials. */
    trialStepsPerSecond: number;
    threads: number;
    variant: Variant;
    /** Why the run used fewer threads or a slower variant than requested ('' when it did not). */
    variantReason: string;
  };
}

/** The error an aborted run (or stream) rejects with: name AbortError. */
export function abortError(what = 'run'): Error {
  const e = new Error(`dmftlab: the ${what} was aborted`);
  e.name = 'AbortError';
  return e;
}

/** Let the event loop run (timers, messages, an abort) between chunks of work on the calling thread. */
export const yieldToEventLoop = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * The spec with the run option `dimension` as `simulation.dimension` (the option overrides the field),
 * validated again, so the same checks (blocks, memory) apply to both.
 */
export function withRunDimension(spec: Spec, dimension: RunOptions['dimension']): Spec {
  if (dimension === undefined || dimension === spec.simulation.dimension) return spec;
  if (dimension !== 'x' && dimension !== 'phi') throw new RangeError(`dmftlab: dimension: got ${JSON.stringify(dimension)}; must be "x" or "phi"`);
  return parseSpec({ ...spec, simulation: { ...spec.simulation, dimension } });
}

/** Simulate every network of the spec (seeds seed .. seed + networks - 1). */
export async function simulateSpec(spec: Spec, opts: RunOptions = {}): Promise<SimulationResult> {
  if (spec.model.kind === 'multiregion') throw new Error('dmftlab: model kind multiregion: simulateSpec runs single-population models; use simulateMultiregionSpec');
  const t0 = performance.now();
  spec = withRunDimension(spec, opts.dimension);
  const dimension = spec.simulation.dimension;
  const plan = planSteps(spec);
  const K = spec.simulation.networks;
  const { variant, threads, reason } = await runSetup(spec, opts.threads);
  if (dimension && variant === 'js') {
    throw new Error('dmftlab: simulation.dimension: the covariance is accumulated by the Wasm kernel; the js variant has none (use wasm-simd or wasm-simd-threads)');
  }
  const trials = spec.simulation.trials ?? 1;
  if (trials > 1 && variant === 'js') {
    throw new Error(`dmftlab: simulation.trials: got ${trials}; batched trials run in the Wasm kernel, the js variant has one trajectory per network (use wasm-simd or wasm-simd-threads, or trials 1 and more networks)`);
  }
  const kernel = variant === 'js' ? newJsKernel() : await newKernel();
  const pool = variant === 'wasm-simd-threads' ? await getPool(threads) : null;
  const perNetwork: NetworkRun[][] = [];
  try {
    for (let k = 0; k < K; k++) {
      const progress = opts.onProgress ? (f: number) => opts.onProgress!((k + f) / K) : undefined;
      const workers = pool ? { pool, threads } : null;
      perNetwork.push(await runTrials(kernel, spec, spec.seed + k, plan, { signal: opts.signal, onProgress: progress, dimension }, workers));
    }
  } finally {
    pool?.release(kernel);
  }
  const R = spec.model.kind === 'lowrank' ? spec.model.rank : 0;
  // a network's trials are pooled first (poolTrials), then networks are combined: the SE over networks
  // measures the quenched spread, which trials on one J do not sample
  const combine = (pick: (n: NetworkRun) => BlockEstimate) => combineNetworks(perNetwork.map((trials) => poolTrials(trials.map(pick))));
  const runs = perNetwork.flat();
  const summary = {
    variance: combine((r) => r.stats.variance),
    mean: combine((r) => r.stats.mean),
    absMean: combine((r) => r.stats.absMean),
    kappa: Array.from({ length: R }, (_, r) => combine((n) => n.stats.kappa[r])),
    absKappa: Array.from({ length: R }, (_, r) => combine((n) => n.stats.absKappa[r])),
    kappaNorm: R > 0 ? combine((n) => n.stats.kappaNorm!) : null,
    autocov: spec.simulation.lags.map((lag, l) => ({
      lag,
      estimate: combine((n) => n.stats.autocov[l]),
    })),
    temporalMeanVariance: combineNetworks(
      perNetwork.map((trials) => ({ mean: trials.reduce((a, n) => a + n.temporalMeanVariance, 0) / trials.length, se: NaN, blockMeans: [] })),
    ),
    dimension: dimension ? combineDimension(perNetwork.map((trials) => trials[0].dimension!)) : null,
  };
  const seconds = (performance.now() - t0) / 1000;
  return {
    kind: 'simulation',
    N: spec.model.N,
    plan,
    summary,
    networks: runs,
    diagnostics: {
      seconds,
      steps: plan.steps * K,
      stepsPerSecond: (plan.steps * K) / seconds,
      trials,
      trialStepsPerSecond: (plan.steps * K * trials) / seconds,
      threads,
      variant,
      variantReason: reason,
    },
  };
}

/** A network built in a kernel's memory: advance it, read its observables, release its memory. */
export interface NetworkHandle {
  seed: number;
  /** Multiply-adds per step (for sizing chunks of work). */
  workPerStep: number;
  /** Address of the kernel context (for the thread pool); with trials, the first of `trials` consecutive contexts. */
  ctx: number;
  /** Trajectories advanced together on this network's J (`simulation.trials`, 1 = a single trajectory). */
  trials: number;
  /** The kernel export and its arguments for thread `tid` of `n` over steps [k0, k1) (the pool calls it). */
  kernelCall(tid: number, n: number, k0: number, k1: number): { fn: 'simSteps' | 'simStepsBatch'; args: number[] };
  /** Advance steps [k0, k1) (single thread); throws a RangeError once the state is not finite. */
  step(k0: number, k1: number): void;
  /** Throw a RangeError if the state of any trial is not finite after step k1. */
  check(k1: number): void;
  /** The observables of trial `trial` (default 0) accumulated so far, as a NetworkRun without `seconds`. */
  read(trial?: number): Omit<NetworkRun, 'seconds'>;
  /** The current state x of trial `trial` (default 0; a view into Wasm memory, valid until `release`). */
  state(trial?: number): Float64Array;
  /**
   * Change parameters between steps (streaming, src/sim/stream.ts): the random part's g (through the
   * kernel's scale of the built J, so J is not rebuilt; not for a network built with g = 0), and multipliers
   * of the spec's input I and of the structure (the vectors m_r, so the structured coupling m n^T / N
   * scales with it). They apply from the next step on.
   */
  setParams(p: { g?: number; inputScale?: number; structureScale?: number }): void;
  /** kappa_r = (1/N) sum_i n_r,i phi(x_i) of trial `trial` now (evaluated in JS; [] without structure). */
  kappaNow(trial?: number): number[];
  /** Ask the threads running `simSteps` on this network to stop after the current step (any thread may call it). */
  requestAbort(): void;
  /** Free the network's memory (everything allocated after it is freed too). */
  release(): void;
}

/** Most threads a run may use: the `threads` check and the per-thread kernel scratch (buildNetwork) agree on it. */
export const MAX_THREADS = 256;

/**
 * The variant and thread count a run uses: the session's (`init()`), with `requested` threads instead
 * of its default; a phi registered in JS cannot run in a worker, so such specs run on the calling thread.
 */

export async function runSetup(spec: Spec, requested?: number): Promise<{ variant: Variant; threads: number; reason: string }> {
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 1 && requested <= MAX_THREADS)) {
    throw new RangeError(`dmftlab: threads: got ${requested}; must be an integer from 1 to ${MAX_THREADS}`);
  }
  const s = await setup();
  if (s.variant !== 'wasm-simd-threads') {
    const why = (requested ?? 1) > 1 ? `threads: ${requested} requested, but the ${s.variant} variant runs on one thread` : '';
    return { variant: s.variant, threads: 1, reason: [s.reason, why].filter(Boolean).join('; ') };
  }
  if (getPhi(spec.model.phi).code < 0) {
    return { variant: 'wasm-simd', threads: 1, reason: `phi ${spec.model.phi} is registered in JS and cannot run in a worker thread` };
  }
  return { variant: s.variant, threads: requested ?? s.threads, reason: '' };
}

export function buildNetwork(kernel: Kernel, spec: Spec, seed: number, plan: StepPlan, extra: { dimension?: 'x' | 'phi' } = {}): NetworkHandle {
  if (spec.model.kind === 'multiregion') throw new Error('dmftlab: model kind multiregion: buildNetwork builds single-population models');
  const { arena, exports: wasm } = kernel;
  const mark = arena.mark();
  try {
    const model = spec.model;
    const sim = spec.simulation;
    const N = model.N;
    const ld = padded(N);
    const R = model.kind === 'lowrank' ? model.rank : 0;
    const phi = getPhi(model.phi);
    const f32 = sim.precision === 'f32';
    const dense = model.g > 0;
    const nB = Math.ceil(N / REDUCE_BLOCK);
    const nLag = plan.lagSamples.length;
    const H = Math.max(1, ...plan.lagSamples) + 1;
    const nTr = sim.traceUnits.length;
    const nS = plan.samples;
    const K = sim.trials ?? 1;
    const seedLo = seed >>> 0;
    const seedHi = Math.floor(seed / 2 ** 32) >>> 0;

    // memory layout (the arena zero-fills nothing; fresh pages are zero, reused ones are cleared here).
    // Per-trial buffers are K consecutive pieces of equal size (trial t at offset t x size), and the K
    // contexts are consecutive, as simStepsBatch expects; shared: J, m, n, input, lags, trace units, the
    // barrier and the covariance sums.
    const ctx = arena.f64(CONTEXT_SLOTS * K);
    const J = dense ? (f32 ? arena.f32(N * ld) : arena.f64(N * ld)) : null;
    const x = arena.f64(K * ld);
    const xs = arena.f64(K * ld);
    const acc = arena.f64(K * ld);
    const tb0 = f32 ? arena.f32(K * ld) : arena.f64(K * ld);
    const tb1 = f32 ? arena.f32(K * ld) : arena.f64(K * ld);
    const y = arena.f64(K * ld);
    const m = arena.f64(Math.max(1, R) * ld);
    const nv = arena.f64(Math.max(1, R) * ld);
    const inp = arena.f64(ld);
    const kpartN = 2 * Math.max(1, R) * nB;
    const kpart = arena.f64(K * kpartN);
    const lags = arena.f64(Math.max(1, nLag));
    const hist = arena.f64(K * H * ld);
    const xsum = arena.f64(K * ld);
    const opartN = 2 * nB * (2 + nLag);
    const opart = arena.f64(K * opartN);
    const smean = arena.f64(K * nS);
    const sm2 = arena.f64(K * nS);
    const sacN = nS * Math.max(1, nLag);
    const sac = arena.f64(K * sacN);
    const skapN = nS * Math.max(1, R);
    const skap = arena.f64(K * skapN);
    const tridx = arena.f64(Math.max(1, nTr));
    const traceN = nS * Math.max(1, nTr);
    const trace = arena.f64(K * traceN);
    const bar = arena.i32(16);
    const scrN = 64 * MAX_THREADS; // 64 f64 of kappa scratch per thread (assembly/sim.ts: scr + tid * 64)
    const scr = arena.f64(K * scrN);
    // batched trials: the phi values of all trials interleaved by unit (assembly/linalg.ts packTrials), padding lanes zero
    const KP = Math.ceil(K / 4) * 4;
    const tpack = K > 1 && dense ? (f32 ? arena.f32(2 * ld * KP) : arena.f64(2 * ld * KP)) : null; // two parities
    // block covariance sums for the dimension (spec 03 §4): simulation.blocks blocks of equal length over the
    // trials' samples taken one trial after another (with one trial: blocks of the measurement window)
    const covBlocks = extra.dimension ? sim.blocks : 0;
    const covSpb = covBlocks ? Math.floor((K * nS) / covBlocks) : 0;
    if (extra.dimension && covSpb < 1) throw new RangeError(`dmftlab: dimension: ${K * nS} samples cannot fill ${covBlocks} blocks (simulation.blocks); raise tMeasure`);
    const cov = covBlocks ? arena.f64(covBlocks * N * ld) : null;
    const covSum = covBlocks ? arena.f64(covBlocks * ld) : null;
    new Uint8Array(kernel.memory.buffer, ctx.ptr, arena.used - ctx.ptr).fill(0);

    // network
    let couplingRank: CouplingRank | undefined;
    if (J && model.kind === 'randomMode') {
      // J = (U D) V^T (+ overlaps, gains), spec 03 §5.1, built in JS on its own RNG streams; its effective rank
      buildRandomModeCoupling(model, seed, J.view(), ld);
      const emp = empiricalRankOfJ(J.view(), N, ld);
      const er = effectiveRank(randomModeSpectrum(model), N);
      couplingRank = { PRD: er.PRD, rho: er.rho, PRJ: emp.PR, PRJperN: emp.ratio };
    } else if (J) {
      const fill = f32 ? wasm.gaussMatrixF32 : wasm.gaussMatrixF64;
      fill(J.ptr, N, ld, 0, N, seedLo, seedHi, STREAM_J, model.g / Math.sqrt(N));
    }
    const overlap: number[][] = [];
    let m1: Float64Array | null = null;
    // the drawn vectors, kept for parameter changes and kappa in JS (streaming)
    let base: { m: Float64Array[]; n: Float64Array[]; I: Float64Array } | null = null;
    if (model.kind === 'lowrank') {
      const vecs = lowRankVectors(model, seed);
      const mv = m.view();
      const nvv = nv.view();
      for (let r = 0; r < R; r++) {
        mv.set(vecs.m[r], r * ld);
        nvv.set(vecs.n[r], r * ld);
        overlap.push(
          Array.from({ length: R }, (_, s) => {
            let acc2 = 0;
            for (let i = 0; i < N; i++) acc2 += vecs.n[r][i] * vecs.m[s][i];
            return acc2 / N;
          }),
        );
      }
      inp.view().set(vecs.I);
      m1 = vecs.m[0];
      base = { m: vecs.m.map((v) => Float64Array.from(v)), n: vecs.n.map((v) => Float64Array.from(v)), I: Float64Array.from(vecs.I) };
    }
    const hasInput = model.kind === 'lowrank';

    // initial states: trial t from its own stream (trial 0's is the single-trajectory run's)
    for (let t = 0; t < K; t++) {
      wasm.gaussFillF64(x.ptr + 8 * t * ld, N, seedLo, seedHi, initStream(t), 0, sim.init.scale);
      if (sim.init.kind === 'branch' && m1) {
        const xv = x.view().subarray(t * ld, t * ld + N);
        const a = sim.init.sign * sim.init.c;
        for (let i = 0; i < N; i++) xv[i] += a * m1[i];
      }
    }

    lags.view().set(plan.lagSamples);
    tridx.view().set(sim.traceUnits);
    const tb = f32 ? 4 : 8; // bytes per element of the phi buffers
    for (let t = 0; t < K; t++) {
      const c = ctx.view().subarray(t * CONTEXT_SLOTS, (t + 1) * CONTEXT_SLOTS);
      c[Slot.N] = N;
      c[Slot.LD] = ld;
      c[Slot.R] = R;
      c[Slot.PHI] = phi.code;
      c[Slot.F32] = f32 ? 1 : 0;
      c[Slot.METHOD] = { euler: 0, rk4: 1, heun: 2 }[sim.method];
      c[Slot.DT] = sim.dt;
      c[Slot.DENSE] = dense ? 1 : 0;
      c[Slot.J] = J ? J.ptr : 0;
      c[Slot.X] = x.ptr + 8 * t * ld;
      c[Slot.XS] = xs.ptr + 8 * t * ld;
      c[Slot.ACC] = acc.ptr + 8 * t * ld;
      c[Slot.T0] = tb0.ptr + tb * t * ld;
      c[Slot.T1] = tb1.ptr + tb * t * ld;
      c[Slot.Y] = y.ptr + 8 * t * ld;
      c[Slot.M] = m.ptr;
      c[Slot.NV] = nv.ptr;
      c[Slot.I] = hasInput ? inp.ptr : 0;
      c[Slot.KPART] = kpart.ptr + 8 * t * kpartN;
      c[Slot.NBLK] = nB;
      c[Slot.BURN] = plan.burnSteps;
      c[Slot.STRIDE] = plan.stride;
      c[Slot.NSAMP] = nS;
      c[Slot.NLAG] = nLag;
      c[Slot.LAGS] = lags.ptr;
      c[Slot.H] = H;
      c[Slot.HIST] = hist.ptr + 8 * t * H * ld;
      c[Slot.XSUM] = xsum.ptr + 8 * t * ld;
      c[Slot.OPART] = opart.ptr + 8 * t * opartN;
      c[Slot.SMEAN] = smean.ptr + 8 * t * nS;
      c[Slot.SM2] = sm2.ptr + 8 * t * nS;
      c[Slot.SAC] = sac.ptr + 8 * t * sacN;
      c[Slot.SKAP] = skap.ptr + 8 * t * skapN;
      c[Slot.NTR] = nTr;
      c[Slot.TRIDX] = tridx.ptr;
      c[Slot.TRACE] = trace.ptr + 8 * t * traceN;
      c[Slot.BAR] = bar.ptr;
      c[Slot.SCR] = scr.ptr + 8 * t * scrN;
      c[Slot.GSCALE] = 1;
      c[Slot.XSQ] = 0;
      c[Slot.COV] = cov ? cov.ptr : 0;
      c[Slot.COVSUM] = covSum ? covSum.ptr : 0;
      c[Slot.COVSPB] = covSpb;
      c[Slot.COVNB] = covBlocks;
      c[Slot.COVVAR] = extra.dimension === 'phi' ? 1 : 0;
      c[Slot.COVS0] = t * nS;
      c[Slot.TPACK] = t === 0 && tpack ? tpack.ptr : 0;
      c[Slot.KP] = t === 0 ? KP : 0;
    }

    const workPerStep = K * (dense ? N * N : N * (2 * R + 4)) * { euler: 1, heun: 2, rk4: 4 }[sim.method];
    const trialOf = (t: number) => {
      if (!(Number.isInteger(t) && t >= 0 && t < K)) throw new RangeError(`dmftlab: trial: got ${t}; must be an integer from 0 to ${K - 1}`);
      return t;
    };
    return {
      seed,
      workPerStep,
      trials: K,
      state: (trial = 0) => x.view().subarray(trialOf(trial) * ld, trial * ld + N),
      release: () => {
        if (kernel.customPhi === phi.f) kernel.customPhi = null;
        arena.release(mark);
      },
      setParams(p) {
        const check = (name: string, v: number | undefined) => {
          if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new RangeError(`dmftlab: ${name}: got ${v}; must be a finite number >= 0`);
        };
        check('g', p.g);
        check('inputScale', p.inputScale);
        check('structureScale', p.structureScale);
        if (p.g !== undefined) {
          if (!dense) throw new RangeError(`dmftlab: g: got ${p.g}; this network was built with g = 0 (no random part to scale): start it with g > 0`);
          const c = ctx.view();
          for (let t = 0; t < K; t++) c[t * CONTEXT_SLOTS + Slot.GSCALE] = p.g / model.g;
        }
        if ((p.inputScale !== undefined || p.structureScale !== undefined) && !base) {
          throw new RangeError(`dmftlab: ${p.inputScale !== undefined ? 'inputScale' : 'structureScale'}: model kind "${model.kind}" has no input or structure to scale (model kind "lowrank" has)`);
        }
        if (base && p.inputScale !== undefined) {
          const v = inp.view();
          for (let i = 0; i < N; i++) v[i] = p.inputScale * base.I[i];
        }
        if (base && p.structureScale !== undefined) {
          const v = m.view();
          for (let r = 0; r < R; r++) for (let i = 0; i < N; i++) v[r * ld + i] = p.structureScale * base.m[r][i];
        }
      },
      kappaNow(trial = 0) {
        if (!base) return [];
        const xv = x.view().subarray(trialOf(trial) * ld, trial * ld + N);
        return base.n.map((nr) => {
          let acc = 0;
          for (let i = 0; i < N; i++) acc += nr[i] * phi.f(xv[i]);
          return acc / N;
        });
      },
      ctx: ctx.ptr,
      kernelCall: (tid, n, k0, k1) =>
        K > 1 ? { fn: 'simStepsBatch', args: [ctx.ptr, K, tid, n, k0, k1] } : { fn: 'simSteps', args: [ctx.ptr, tid, n, k0, k1] },
      step(k0: number, k1: number) {
        kernel.customPhi = phi.code < 0 ? phi.f : null;
        if (K > 1) wasm.simStepsBatch(ctx.ptr, K, 0, 1, k0, k1);
        else wasm.simSteps(ctx.ptr, 0, 1, k0, k1);
        this.check(k1);
      },
      requestAbort() {
        // the abort word of assembly/sim.ts (bar + 8), read once per step
        Atomics.store(new Int32Array(kernel.memory.buffer, bar.ptr, 16), 2, 1);
      },
      check(k1: number) {
        const xCheck = x.view(); // a fresh view: the memory may have grown since the build
        for (let t = 0; t < K; t++) {
          for (let i = t * ld; i < t * ld + N; i++) {
            if (!Number.isFinite(xCheck[i])) {
              throw new RangeError(
                `dmftlab: the simulation diverged (x is not finite at t = ${(k1 * sim.dt).toFixed(2)}, network seed ${seed}${K > 1 ? `, trial ${t}` : ''}): ` +
                  `the dynamics are unbounded for these parameters (e.g. phi = ${model.phi} with g = ${model.g})`,
              );
            }
          }
        }
      },
      read(trial = 0) {
        const t = trialOf(trial);
        const part = (v: Float64Array, n: number) => v.subarray(t * n, (t + 1) * n);
        const dt = sim.dt;
        const time = Array.from({ length: nS }, (_, s) => (plan.burnSteps + s * plan.stride) * dt);
        const mean = Array.from(part(smean.view(), nS));
        const m2v = part(sm2.view(), nS);
        const variance = mean.map((mu, s) => m2v[s] - mu * mu);
        const kapv = part(skap.view(), skapN);
        const kappa = Array.from({ length: R }, (_, r) => Array.from({ length: nS }, (_, s) => kapv[s * R + r]));
        const trv = part(trace.view(), traceN);
        const traces = sim.traceUnits.map((unit, k) => ({ unit, x: Array.from({ length: nS }, (_, s) => trv[s * nTr + k]) }));
        const acv = part(sac.view(), sacN);
        const B = sim.blocks;
        const autocov = plan.lagSamples.map((L, l) => {
          const series = new Float64Array(Math.max(0, nS - L));
          for (let s = L; s < nS; s++) series[s - L] = acv[s * nLag + l] - mean[s] * mean[s - L];
          return blockEstimate(series, B);
        });
        const xsv = part(xsum.view(), ld);
        let a1 = 0;
        let a2 = 0;
        for (let i = 0; i < N; i++) {
          const xb = xsv[i] / nS;
          a1 += xb;
          a2 += xb * xb;
        }
        const temporalMeanVariance = a2 / N - (a1 / N) ** 2;
        const xv = part(x.view(), ld);
        let f1 = 0;
        let f2 = 0;
        for (let i = 0; i < N; i++) {
          f1 += xv[i];
          f2 += xv[i] * xv[i];
        }
        return {
          seed,
          ...(K > 1 ? { trial: t } : {}),
          time,
          mean,
          variance,
          kappa,
          traces,
          final: { mean: f1 / N, variance: f2 / N - (f1 / N) ** 2 },
          overlap,
          temporalMeanVariance,
          ...(couplingRank ? { couplingRank } : {}),
          ...(cov && covSum && t === 0 ? { dimension: dimensionFromBlocks(cov.view(), covSum.view(), N, ld, covBlocks, covSpb, extra.dimension!) } : {}),
          stats: {
            variance: blockEstimate(variance, B),
            mean: blockEstimate(mean, B),
            absMean: blockEstimate(mean.map(Math.abs), B),
            kappa: kappa.map((kr) => blockEstimate(kr, B)),
            absKappa: kappa.map((kr) => blockEstimate(kr.map(Math.abs), B)),
            kappaNorm: R > 0 ? blockEstimate(time.map((_, s) => Math.hypot(...kappa.map((kr) => kr[s]))), B) : null,
            autocov,
          },
        };
      },
    };
  } catch (e) {
    arena.release(mark);
    throw e;
  }
}

/** Work (multiply-adds) per chunk: on the calling thread, ~20 ms, so aborts and progress are prompt; on workers, ~100 ms (aborts go through the abort word). */
const CHUNK_WORK_HERE = 3e7;
const CHUNK_WORK_POOL = 2e8;

/**
 * Advance `net` over steps [k0, k1) on `workers` (or on the calling thread without them); true if the threads
 * stopped early on the abort word (`requestAbort`). Throws a RangeError once the state is not finite.
 */
export async function advanceNetwork(kernel: Kernel, net: NetworkHandle, workers: { pool: Pool; threads: number } | null, k0: number, k1: number): Promise<boolean> {
  if (!workers) {
    net.step(k0, k1);
    return false;
  }
  const n = workers.threads;
  const stopped = await workers.pool.call(kernel, n, net.kernelCall(0, n, k0, k1).fn, (t) => net.kernelCall(t, n, k0, k1).args);
  if (stopped[0] !== 0) return true;
  net.check(k1);
  return false;
}

/** Build one network in `kernel`'s memory, run it in chunks (progress, abort), and read back its observables. */
export async function runNetwork(
  kernel: Kernel,
  spec: Spec,
  seed: number,
  plan: StepPlan,
  opts: RunOptions = {},
  workers: { pool: Pool; threads: number } | null = null,
): Promise<NetworkRun> {
  if ((spec.simulation.trials ?? 1) > 1) throw new RangeError('dmftlab: runNetwork runs one trajectory; use runTrials for simulation.trials > 1');
  return (await runTrials(kernel, spec, seed, plan, opts, workers))[0];
}

/**
 * Build one network in `kernel`'s memory, run its `simulation.trials` trajectories together in chunks
 * (progress, abort), and read back the observables of each trial (one NetworkRun per trial).
 */
export async function runTrials(
  kernel: Kernel,
  spec: Spec,
  seed: number,
  plan: StepPlan,
  opts: RunOptions = {},
  workers: { pool: Pool; threads: number } | null = null,
): Promise<NetworkRun[]> {
  const t0 = performance.now();
  const net = buildNetwork(kernel, spec, seed, plan, { dimension: opts.dimension });
  const signal = opts.signal;
  const onAbort = () => net.requestAbort();
  try {
    if (signal?.aborted) throw abortError();
    signal?.addEventListener('abort', onAbort);
    const chunk = Math.max(1, Math.floor((workers ? CHUNK_WORK_POOL : CHUNK_WORK_HERE) / Math.max(1, net.workPerStep)));
    for (let k = 0; k < plan.steps; k += chunk) {
      const k1 = Math.min(plan.steps, k + chunk);
      const stopped = await advanceNetwork(kernel, net, workers, k, k1);
      if (!workers) await yieldToEventLoop();
      if (stopped || signal?.aborted) throw abortError();
      opts.onProgress?.(k1 / plan.steps);
    }
    const seconds = (performance.now() - t0) / 1000;
    return Array.from({ length: net.trials }, (_, t) => ({ ...net.read(t), seconds }));
  } finally {
    signal?.removeEventListener('abort', onAbort);
    net.release();
  }
}
