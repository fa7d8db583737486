/**
 * Step-wise access to a running simulation (issue 7): `stream(spec, options)` returns an async iterator of
 * frames, one every `every` steps, for visualizers and teaching. The network is built once in the Wasm
 * memory and advanced only when the consumer asks for the next frame, so a slow consumer makes the
 * simulation wait and frames never pile up (backpressure by construction). Between frames the caller may
 * pause, resume, and change g, the input amplitude or the structure scale without rebuilding J.
 *
 * `openStream` here is the iterator (backpressure, pause, parameter changes, running averages, abort,
 * freeing); a `StreamModel` builds and reads the network it drives: single-population models below,
 * multiregion models in ./stream-multiregion.ts.
 */
import type { Spec } from '../spec/types.js';
import { parseSpec } from '../spec/validate.js';
import { newKernel, type Kernel } from '../core/wasm.js';
import { getPool, type Pool } from '../core/pool.js';
import type { Variant } from '../core/runtime.js';
import { abortError as runAborted, advanceNetwork, buildNetwork, runSetup, type StepPlan } from './simulate.js';
import { multiregionStreamModel } from './stream-multiregion.js';

const abortError = () => runAborted('stream');

export interface StreamOptions {
  /** Steps between frames (default: the steps of `simulation.sampleEvery`). */
  every?: number;
  /** Units whose activity each frame carries, evenly spaced over 0 .. N - 1 (multiregion: 0 .. P N - 1; default min(N, 64), min(P N, 64)). */
  units?: number;
  /**
   * false (default): `frame.state` is a view into the network's memory, valid until the next call of
   * `next()` (or the end of the `for await` body) and overwritten by the next frame. true: a copy.
   */
  copy?: boolean;
  /** Worker threads (as for `simulate`); default `init()`'s. */
  threads?: number;
  /** Frames after which the iterator ends (default: no end; stop with `break`, `close()` or `signal`). */
  maxFrames?: number;
  /** Aborts the stream: the pending `next()` rejects with an AbortError and the memory is freed. */
  signal?: AbortSignal;
}

/** Parameters that can change mid-run (they apply from the next step on). */
export interface StreamParams {
  /**
   * Gain of the random part (the built J is rescaled, not redrawn); needs a network started with g > 0.
   * Model kind multiregion (one g_a per region, and g_ab): a multiplier of all of them, 1 at the start
   * (the matrices are rescaled, not redrawn); needs some g_a > 0 or cross-region disorder.
   */
  g: number;
  /** Multiplier of the spec's input I (model kind lowrank), or of the input schedule's I^a(t) (multiregion with an input). */
  inputScale: number;
  /** Multiplier of the structure m n^T / N, through the vectors m_r (model kind lowrank), or of every block m^{ab} (n^{ab})^T / N (multiregion). */
  structureScale: number;
}

/** Statistics of one frame, and what `Frame.running` averages. */
export interface FrameStatistics {
  /** Population mean (1/N) sum x_i and variance (1/N) sum (x_i - mean)^2 at this frame (multiregion: over all P N units). */
  mean: number;
  variance: number;
  /**
   * kappa_r = (1/N) n_r . phi(x) at this frame ([] for models without structure). Model kind multiregion:
   * the instantaneous currents p^{ab} = (1/N) n^{ab} . phi(x^b) (the same quantity for each loop b -> a),
   * P x P row-major (a P + b), the bits `simulate` records as `p` at a sample after the same steps.
   */
  kappa: number[];
  /**
   * Model kind multiregion only: the filtered currents S^{ab} (dS/dt = -S + p, spec 02 §1.2; the DMFT's
   * order parameters, integrated by the kernel next to x), P x P row-major (a P + b, current from region b
   * into region a), the bits `simulate` records as `S` at a sample after the same steps.
   */
  currents?: number[];
  /** Model kind multiregion only: mean and variance of x over each region's N units, [a]. */
  regions?: { mean: number[]; variance: number[] };
}

export interface Frame extends FrameStatistics {
  /** Frame number (0, 1, ...) and the step count and time after which it was taken. */
  index: number;
  step: number;
  t: number;
  /** Indices of the units in `x` (the same array in every frame); multiregion: unit i of region a is a N + i. */
  units: Int32Array;
  /** x of those units at this frame (a fresh array per frame). */
  x: Float64Array;
  /**
   * The whole state x (N values; multiregion: P N, region after region): a view valid until the next
   * `next()` call, or a copy with `copy: true`. (Multiregion with N not a multiple of 8: the kernel pads each
   * region's row, so this is a buffer the stream refills each frame, valid as long as a view.)
   */
  state: Float64Array;
  /** Averages of the statistics over the frames since the start or the last parameter change (`frames` of them). */
  running: { frames: number } & FrameStatistics;
  /** The parameters in force for the steps that led to this frame. */
  params: StreamParams;
}

export interface SimulationStream extends AsyncIterableIterator<Frame> {
  /** Hold the simulation: a pending or later `next()` waits until `resume()`. */
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Change parameters; they apply from the next step (running averages restart). */
  set(p: Partial<StreamParams>): void;
  readonly params: StreamParams;
  /** Steps advanced so far (all of them went into frames that were asked for). */
  readonly steps: number;
  /** End the stream and free its memory (also what `break` in `for await` does). */
  close(): Promise<void>;
}

/** Steps the kernel can count (i32 step indices): a stream ends there. */
export const MAX_STEPS = 2 ** 31 - 2;

/** A network built for a stream: advanced inside `next()`, read after each advance. */
export interface StreamNetwork {
  /** Advance steps [k0, k1); throws an AbortError when the threads stopped on the abort word. */
  advance(k0: number, k1: number): Promise<void>;
  /** x of every unit now (a view or a buffer refilled here, valid until the next `advance`). */
  state(): Float64Array;
  /** The model's statistics besides the whole-state mean and variance, from `state` (the value of `state()`). */
  observe(state: Float64Array): Omit<FrameStatistics, 'mean' | 'variance'>;
  setParams(p: Partial<StreamParams>): void;
  requestAbort(): void;
  release(): void;
}

/** What a stream knows of a spec's network before building it, and how to build it. */
export interface StreamModel {
  /** Units in the state, and their name in messages ('N', 'P N'). */
  size: number;
  sizeName: string;
  /** The parameters at the start. */
  params: StreamParams;
  /** Throw a RangeError naming the parameter if this model cannot change it (after the common checks). */
  check(p: Partial<StreamParams>): void;
  /** Build the network in a fresh kernel (at the first `next()`); `workers` null: the calling thread. */
  build(kernel: Kernel, workers: { pool: Pool; threads: number } | null, setup: { variant: Variant; reason: string }): StreamNetwork;
}

/** Mean and variance of v[i0 .. i1 - 1]. */
export function moments(v: Float64Array, i0: number, i1: number): { mean: number; variance: number } {
  let s1 = 0;
  let s2 = 0;
  for (let i = i0; i < i1; i++) {
    s1 += v[i];
    s2 += v[i] * v[i];
  }
  const mean = s1 / (i1 - i0);
  return { mean, variance: s2 / (i1 - i0) - mean * mean };
}

/** acc + w (x - acc) through numbers, arrays and records of them (a missing acc counts as 0); new arrays and records. */
function towards<T>(acc: T | undefined, x: T, w: number): T {
  if (typeof x === 'number') {
    const a = (acc as number | undefined) ?? 0;
    return (a + w * (x - a)) as T;
  }
  if (Array.isArray(x)) return x.map((v, i) => towards((acc as unknown[] | undefined)?.[i], v, w)) as T;
  const old = acc as Record<string, unknown> | undefined;
  return Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, towards(old?.[k], v, w)])) as T;
}

/** A simulation stream of a spec: single-population models (`random`, `lowrank`, `randomMode`) and `multiregion`. */
export function stream(input: unknown, opts: StreamOptions = {}): SimulationStream {
  const spec: Spec = parseSpec(input);
  if ((spec.simulation.trials ?? 1) > 1) throw new RangeError('dmftlab: stream: simulation.trials must be 1 (a stream shows one trajectory)');
  return openStream(spec, spec.model.kind === 'multiregion' ? multiregionStreamModel(spec) : populationModel(spec), opts);
}

/** The network of a single-population spec (network seed spec.seed, as `simulate`'s first). */
function populationModel(spec: Spec): StreamModel {
  const model = spec.model;
  if (model.kind === 'multiregion') throw new Error('dmftlab: stream: populationModel builds single-population models');
  const g0 = model.g;
  return {
    size: model.N,
    sizeName: 'N',
    params: { g: g0, inputScale: 1, structureScale: 1 },
    check(p) {
      if (p.g !== undefined && g0 === 0) throw new RangeError(`dmftlab: stream.set: g: got ${p.g}; the network was built with g = 0 (no random part to scale): start it with g > 0`);
      if ((p.inputScale !== undefined || p.structureScale !== undefined) && model.kind !== 'lowrank') {
        throw new RangeError(`dmftlab: stream.set: ${p.inputScale !== undefined ? 'inputScale' : 'structureScale'}: model kind "${model.kind}" has no input or structure to scale (model kind "lowrank" has)`);
      }
    },
    build(kernel, workers) {
      // every step lies in the "burn-in": the kernel samples nothing, the frames are read here
      const plan: StepPlan = { steps: MAX_STEPS, burnSteps: MAX_STEPS, stride: 1, samples: 1, lagSamples: [0] };
      const s1 = { ...spec, simulation: { ...spec.simulation, lags: [0], traceUnits: [] } };
      const net = buildNetwork(kernel, s1, spec.seed, plan);
      return {
        async advance(k0, k1) {
          if (await advanceNetwork(kernel, net, workers, k0, k1)) throw abortError();
        },
        state: () => net.state(),
        observe: () => ({ kappa: net.kappaNow() }),
        setParams: (p) => net.setParams(p),
        requestAbort: () => net.requestAbort(),
        release: () => net.release(),
      };
    },
  };
}

/** The stream of `model`'s network: the iterator, its controls and its frames (see SimulationStream). */
function openStream(spec: Spec, model: StreamModel, opts: StreamOptions): SimulationStream {
  const N = model.size;
  const dt = spec.simulation.dt;
  const every = opts.every ?? Math.max(1, Math.round(spec.simulation.sampleEvery / dt));
  if (!(Number.isInteger(every) && every >= 1 && every <= 1e7)) throw new RangeError(`dmftlab: stream: every: got ${opts.every}; must be an integer from 1 to 10000000 (steps per frame)`);
  const nUnits = opts.units ?? Math.min(N, 64);
  if (!(Number.isInteger(nUnits) && nUnits >= 0 && nUnits <= N)) throw new RangeError(`dmftlab: stream: units: got ${opts.units}; must be an integer from 0 to ${model.sizeName} = ${N}`);
  const maxFrames = opts.maxFrames ?? Infinity;
  if (!(maxFrames === Infinity || (Number.isInteger(maxFrames) && maxFrames >= 0))) throw new RangeError(`dmftlab: stream: maxFrames: got ${opts.maxFrames}; must be a non-negative integer`);
  const units = Int32Array.from({ length: nUnits }, (_, k) => Math.floor((k * N) / Math.max(1, nUnits)));
  let params: StreamParams = { ...model.params };
  let pending: Partial<StreamParams> | null = null;
  let paused = false;
  let wake: (() => void) | null = null;
  let closed = false;
  let steps = 0;
  let index = 0;
  let run: { frames: number; stats?: FrameStatistics } = { frames: 0 };
  let state: { kernel: Kernel; net: StreamNetwork; workers: { pool: Pool; threads: number } | null } | null = null;
  let starting: Promise<void> | null = null;
  let busy = false;

  const start = async () => {
    const { variant, threads, reason } = await runSetup(spec, opts.threads);
    const kernel = await newKernel();
    const workers = variant === 'wasm-simd-threads' && threads > 1 ? { pool: await getPool(threads), threads } : null;
    state = { kernel, net: model.build(kernel, workers, { variant, reason }), workers };
  };

  const release = async () => {
    if (closed) return;
    closed = true;
    if (wake) wake();
    if (starting) await starting.catch(() => undefined);
    if (state) {
      state.net.release();
      state.workers?.pool.release(state.kernel);
      state = null;
    }
  };

  const onAbort = () => {
    state?.net.requestAbort();
    if (wake) wake();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const next = async (): Promise<IteratorResult<Frame>> => {
    if (busy) throw new Error('dmftlab: stream: next() was called again before the previous frame arrived; await each frame');
    busy = true;
    try {
      if (closed) return { done: true, value: undefined }; // after close, the end, an abort or an error
      if (opts.signal?.aborted) {
        await release();
        throw abortError();
      }
      if (index >= maxFrames || steps + every > MAX_STEPS) {
        await release();
        return { done: true, value: undefined };
      }
      while (paused && !closed && !opts.signal?.aborted) await new Promise<void>((r) => (wake = r));
      wake = null;
      if (opts.signal?.aborted) {
        await release();
        throw abortError();
      }
      if (closed) return { done: true, value: undefined };
      if (!state) await (starting ??= start());
      if (closed || !state) return { done: true, value: undefined };
      if (pending) {
        state.net.setParams(pending);
        params = { ...params, ...pending };
        pending = null;
        run = { frames: 0 };
      }
      await state.net.advance(steps, steps + every);
      steps += every;
      const view = state.net.state();
      const stats: FrameStatistics = { ...moments(view, 0, N), ...state.net.observe(view) };
      const x = Float64Array.from(units, (u) => view[u]);
      run = { frames: run.frames + 1, stats: towards(run.stats, stats, 1 / (run.frames + 1)) };
      const frame: Frame = {
        index: index++,
        step: steps,
        t: steps * dt,
        units,
        x,
        state: opts.copy ? Float64Array.from(view) : view,
        ...stats,
        running: { frames: run.frames, ...run.stats! },
        params: { ...params },
      };
      return { done: false, value: frame };
    } catch (e) {
      await release();
      if (opts.signal?.aborted) throw abortError();
      throw e;
    } finally {
      busy = false;
    }
  };

  const it: SimulationStream = {
    next,
    async return() {
      await release();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      if (wake) wake();
    },
    get paused() {
      return paused;
    },
    set(p: Partial<StreamParams>) {
      for (const [k, v] of Object.entries(p)) {
        if (!['g', 'inputScale', 'structureScale'].includes(k)) throw new RangeError(`dmftlab: stream.set: unknown parameter "${k}"; valid: g, inputScale, structureScale`);
        if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new RangeError(`dmftlab: stream.set: ${k}: got ${v}; must be a finite number >= 0`);
      }
      model.check(p);
      pending = { ...(pending ?? {}), ...p };
    },
    get params() {
      return { ...params, ...(pending ?? {}) };
    },
    get steps() {
      return steps;
    },
    close: release,
  };
  return it;
}
