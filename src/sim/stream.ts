/**
 * Step-wise access to a running simulation (issue 7): `stream(spec, options)` returns an async iterator of
 * frames, one every `every` steps, for visualizers and teaching. The network is built once in the Wasm
 * memory and advanced only when the consumer asks for the next frame, so a slow consumer makes the
 * simulation wait and frames never pile up (backpressure by construction). Between frames the caller may
 * pause, resume, and change g, the input amplitude or the structure scale without rebuilding J.
 */
import type { Spec } from '../spec/types.js';
import { parseSpec } from '../spec/validate.js';
import { newKernel, type Kernel } from '../core/wasm.js';
import { getPool, type Pool } from '../core/pool.js';
import { abortError as runAborted, advanceNetwork, buildNetwork, runSetup, type NetworkHandle, type StepPlan } from './simulate.js';

const abortError = () => runAborted('stream');

export interface StreamOptions {
  /** Steps between frames (default: the steps of `simulation.sampleEvery`). */
  every?: number;
  /** Units whose activity each frame carries, evenly spaced over 0 .. N - 1 (default min(N, 64)). */
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
  /** Gain of the random part (the built J is rescaled, not redrawn); needs a network started with g > 0. */
  g: number;
  /** Multiplier of the spec's input I (model kind lowrank). */
  inputScale: number;
  /** Multiplier of the structure m n^T / N, through the vectors m_r (model kind lowrank). */
  structureScale: number;
}

export interface Frame {
  /** Frame number (0, 1, ...) and the step count and time after which it was taken. */
  index: number;
  step: number;
  t: number;
  /** Indices of the units in `x` (the same array in every frame). */
  units: Int32Array;
  /** x of those units at this frame (a fresh array per frame). */
  x: Float64Array;
  /** The whole state x (N values): a view valid until the next `next()` call, or a copy with `copy: true`. */
  state: Float64Array;
  /** Population mean (1/N) sum x_i and variance (1/N) sum (x_i - mean)^2 at this frame. */
  mean: number;
  variance: number;
  /** kappa_r = (1/N) n_r . phi(x) at this frame ([] for models without structure). */
  kappa: number[];
  /** Averages over the frames since the start or the last parameter change (`frames` of them). */
  running: { frames: number; mean: number; variance: number; kappa: number[] };
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
const MAX_STEPS = 2 ** 31 - 2;

/** A simulation stream of a single-population spec (`random`, `lowrank`, `randomMode`). */
export function stream(input: unknown, opts: StreamOptions = {}): SimulationStream {
  const spec: Spec = parseSpec(input);
  if (spec.model.kind === 'multiregion') throw new RangeError('dmftlab: stream: model kind multiregion is not streamed yet (single-population models only)');
  if ((spec.simulation.trials ?? 1) > 1) throw new RangeError('dmftlab: stream: simulation.trials must be 1 (a stream shows one trajectory)');
  const N = spec.model.N;
  const dt = spec.simulation.dt;
  const every = opts.every ?? Math.max(1, Math.round(spec.simulation.sampleEvery / dt));
  if (!(Number.isInteger(every) && every >= 1 && every <= 1e7)) throw new RangeError(`dmftlab: stream: every: got ${opts.every}; must be an integer from 1 to 10000000 (steps per frame)`);
  const nUnits = opts.units ?? Math.min(N, 64);
  if (!(Number.isInteger(nUnits) && nUnits >= 0 && nUnits <= N)) throw new RangeError(`dmftlab: stream: units: got ${opts.units}; must be an integer from 0 to N = ${N}`);
  const maxFrames = opts.maxFrames ?? Infinity;
  if (!(maxFrames === Infinity || (Number.isInteger(maxFrames) && maxFrames >= 0))) throw new RangeError(`dmftlab: stream: maxFrames: got ${opts.maxFrames}; must be a non-negative integer`);
  const units = Int32Array.from({ length: nUnits }, (_, k) => Math.floor((k * N) / Math.max(1, nUnits)));
  const g0 = spec.model.g;
  let params: StreamParams = { g: g0, inputScale: 1, structureScale: 1 };
  let pending: Partial<StreamParams> | null = null;
  let paused = false;
  let wake: (() => void) | null = null;
  let closed = false;
  let steps = 0;
  let index = 0;
  let run = { frames: 0, mean: 0, variance: 0, kappa: [] as number[] };
  let state: { kernel: Kernel; net: NetworkHandle; workers: { pool: Pool; threads: number } | null } | null = null;
  let starting: Promise<void> | null = null;
  let busy = false;

  const start = async () => {
    const { variant, threads } = await runSetup(spec, opts.threads);
    const kernel = await newKernel();
    // every step lies in the "burn-in": the kernel samples nothing, the frames are read here
    const plan: StepPlan = { steps: MAX_STEPS, burnSteps: MAX_STEPS, stride: 1, samples: 1, lagSamples: [0] };
    const s1 = { ...spec, simulation: { ...spec.simulation, lags: [0], traceUnits: [] } };
    const net = buildNetwork(kernel, s1, spec.seed, plan);
    const workers = variant === 'wasm-simd-threads' && threads > 1 ? { pool: await getPool(threads), threads } : null;
    state = { kernel, net, workers };
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
        run = { frames: 0, mean: 0, variance: 0, kappa: [] };
      }
      if (await advanceNetwork(state.kernel, state.net, state.workers, steps, steps + every)) throw abortError();
      steps += every;
      const view = state.net.state();
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < N; i++) {
        s1 += view[i];
        s2 += view[i] * view[i];
      }
      const mean = s1 / N;
      const variance = s2 / N - mean * mean;
      const kappa = state.net.kappaNow();
      const x = Float64Array.from(units, (u) => view[u]);
      run.frames += 1;
      const w = 1 / run.frames;
      run.mean += w * (mean - run.mean);
      run.variance += w * (variance - run.variance);
      run.kappa = kappa.map((k, r) => (run.kappa[r] ?? 0) + w * (k - (run.kappa[r] ?? 0)));
      const frame: Frame = {
        index: index++,
        step: steps,
        t: steps * dt,
        units,
        x,
        state: opts.copy ? Float64Array.from(view) : view,
        mean,
        variance,
        kappa,
        running: { frames: run.frames, mean: run.mean, variance: run.variance, kappa: [...run.kappa] },
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
      if (p.g !== undefined && g0 === 0) throw new RangeError(`dmftlab: stream.set: g: got ${p.g}; the network was built with g = 0 (no random part to scale): start it with g > 0`);
      if ((p.inputScale !== undefined || p.structureScale !== undefined) && spec.model.kind !== 'lowrank') {
        throw new RangeError(`dmftlab: stream.set: ${p.inputScale !== undefined ? 'inputScale' : 'structureScale'}: model kind "${spec.model.kind}" has no input or structure to scale (model kind "lowrank" has)`);
      }
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
