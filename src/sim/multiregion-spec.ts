/**
 * Finite-N simulation of a validated multiregion spec (spec 02; docs/SPEC.md, kind "multiregion"): the
 * vectors from src/sim/multiregion-vectors.ts, the initial state of `model.start`, the input schedule,
 * and the kernel driver of ./multiregion.ts, network after network, with estimates over time blocks and
 * networks as for the other kinds.
 *
 * Determinism: network k uses seed spec.seed + k for the vectors (streams 2, 3), the matrices (6, 7) and
 * the random part of x(0): x^a_i(0) = sum_b m^{ab}_i S[a][b] + sigma0_a gaussian(seed, STREAM_INIT, a N + i).
 * The filtered currents start at S(0) = model.start.S. Input switch times become steps ceil(t / dt)
 * (within 1e-9), so step k uses the value of the last switch at or before t_k = k dt.
 */
import type { Spec, MultiregionModel } from '../spec/types.js';
import { getPhi } from '../phi.js';
import { newKernel } from '../core/wasm.js';
import { getPool } from '../core/pool.js';
import { gaussFill } from '../core/rng.js';
import { STREAM_INIT } from '../core/streams.js';
import { blockEstimate, combineNetworks, type Estimate } from '../stats.js';
import { combineDimension } from './dimension.js';
import type { Variant } from '../core/runtime.js';
import { planSteps, runSetup, withRunDimension, type RunOptions, type StepPlan } from './simulate.js';
import { multiregionVectors, vectorParams } from './multiregion-vectors.js';
import { buildMultiregionNetwork, runMultiregionNetwork, type MultiregionNetwork, type MultiregionRun, type MultiregionSchedule } from './multiregion.js';

export interface MultiregionSimulationResult {
  kind: 'simulation';
  model: 'multiregion';
  P: number;
  N: number;
  plan: StepPlan;
  /** Time averages over the measurement window, over time blocks and networks. Per region [a]; currents [a P + b]. */
  summary: {
    mean: Estimate[];
    /** (1/N) sum_i (x^a_i)^2: the DMFT's Delta^a(t, t). */
    secondMoment: Estimate[];
    variance: Estimate[];
    gain: Estimate[];
    /** Instantaneous currents p^{ab}. */
    p: Estimate[];
    /** Filtered currents S^{ab}. */
    S: Estimate[];
    /** Row sums A^a = sum_b (S^{ab})^2 (spec 02 §8). */
    currentVariance: Estimate[];
    /** (1/N) sum_i x^a_i(t) x^a_i(t - lag), averaged over t, per region. */
    autocorrelation: { lag: number; estimate: Estimate[] }[];
    temporalMeanVariance: Estimate[];
    /**
     * With simulation.dimension (or the run option): the cross-block PR/N of the whole network (P N units)
     * and of each region, combined over networks as for the other kinds (src/sim/dimension.ts
     * combineDimension); null without.
     */
    dimension: { whole: Estimate & { variable: 'x' | 'phi' }; regions: (Estimate & { variable: 'x' | 'phi' })[] } | null;
  };
  networks: (MultiregionRun & { seconds: number })[];
  diagnostics: {
    seconds: number;
    steps: number;
    stepsPerSecond: number;
    threads: number;
    variant: Variant;
    variantReason: string;
  };
}

/** The schedule in steps: switch at ceil(t / dt); of switches that land on the same step the last one wins. */
function scheduleSteps(model: MultiregionModel, dt: number): MultiregionSchedule | null {
  if (!model.input) return null;
  const steps: number[] = [];
  const values: number[][] = [];
  for (const s of model.input.schedule) {
    const k = Math.max(0, Math.ceil(s.t / dt - 1e-9));
    if (steps.length && steps[steps.length - 1] === k) values[values.length - 1] = s.I.slice();
    else {
      steps.push(k);
      values.push(s.I.slice());
    }
  }
  return { steps, values };
}

/** The kernel arguments of network `seed` of a multiregion spec. */
export function multiregionNetworkOf(spec: Spec, seed: number, plan: StepPlan): MultiregionNetwork {
  const model = spec.model;
  if (model.kind !== 'multiregion') throw new Error(`dmftlab: multiregionNetworkOf: model kind ${model.kind}`);
  const { P, N } = model;
  const sim = spec.simulation;
  const phi = getPhi(model.phi);
  const vecs = multiregionVectors(vectorParams(model), seed);
  const x0 = gaussFill(new Float64Array(P * N), seed, STREAM_INIT);
  for (let a = 0; a < P; a++) {
    const s0 = model.start.sigma0[a];
    for (let i = 0; i < N; i++) {
      let x = s0 * x0[a * N + i];
      for (let b = 0; b < P; b++) x += vecs.m[(a * P + b) * N + i] * model.start.S[a][b];
      x0[a * N + i] = x;
    }
  }
  return {
    P,
    N,
    g: model.g,
    phiCode: phi.code,
    phiFn: phi.code < 0 ? phi.f : undefined,
    coupling: model.coupling,
    crossG: model.crossDisorder,
    precision: sim.precision,
    method: sim.method,
    dt: sim.dt,
    seed,
    n: vecs.n,
    m: vecs.m,
    v: vecs.v,
    perm: vecs.perm,
    x0,
    s0: Float64Array.from(model.start.S.flat()),
    schedule: scheduleSteps(model, sim.dt),
    plan: { burnSteps: plan.burnSteps, stride: plan.stride, samples: plan.samples, lagSamples: plan.lagSamples },
    traceUnits: Array.from({ length: P }, (_, a) => sim.traceUnits.map((i) => [a, i] as [number, number])).flat(),
  };
}

/** Simulate every network of a multiregion spec (seeds seed .. seed + networks - 1). */
export async function simulateMultiregionSpec(spec: Spec, opts: RunOptions = {}): Promise<MultiregionSimulationResult> {
  const t0 = performance.now();
  const model = spec.model;
  if (model.kind !== 'multiregion') throw new Error(`dmftlab: simulateMultiregionSpec: model kind ${model.kind}`);
  const { P, N } = model;
  const plan = planSteps(spec);
  const K = spec.simulation.networks;
  const { variant, threads, reason } = await runSetup(spec, opts.threads);
  if (variant === 'js') {
    throw new Error(`dmftlab: model kind multiregion: the simulation needs the Wasm kernel (the js variant has no multiregion kernel)${reason ? `: ${reason}` : ''}`);
  }
  spec = withRunDimension(spec, opts.dimension);
  // the covariance of all P N units (spec 03 §4): each network reports `dimension` and `regionDimension`
  const variable = spec.simulation.dimension;
  const dimension = variable ? { variable, blocks: spec.simulation.blocks } : null;
  const kernel = await newKernel();
  const pool = variant === 'wasm-simd-threads' ? await getPool(threads) : null;
  const runs: (MultiregionRun & { seconds: number })[] = [];
  try {
    for (let k = 0; k < K; k++) {
      const progress = opts.onProgress ? (f: number) => opts.onProgress!((k + f) / K) : undefined;
      const handle = buildMultiregionNetwork(kernel, { ...multiregionNetworkOf(spec, spec.seed + k, plan), dimension });
      try {
        runs.push(await runMultiregionNetwork(kernel, handle, { signal: opts.signal, onProgress: progress }, pool ? { pool, threads } : null));
      } finally {
        handle.release();
      }
    }
  } finally {
    pool?.release(kernel);
  }
  const B = spec.simulation.blocks;
  const est = (series: (r: MultiregionRun) => number[]) => combineNetworks(runs.map((r) => blockEstimate(series(r), B)));
  const regions = <T>(f: (a: number) => T) => Array.from({ length: P }, (_, a) => f(a));
  const pairs = <T>(f: (ab: number) => T) => Array.from({ length: P * P }, (_, ab) => f(ab));
  const seconds = (performance.now() - t0) / 1000;
  return {
    kind: 'simulation',
    model: 'multiregion',
    P,
    N,
    plan,
    summary: {
      mean: regions((a) => est((r) => r.mean[a])),
      secondMoment: regions((a) => est((r) => r.secondMoment[a])),
      variance: regions((a) => est((r) => r.variance[a])),
      gain: regions((a) => est((r) => r.gain[a])),
      p: pairs((ab) => est((r) => r.p[ab])),
      S: pairs((ab) => est((r) => r.S[ab])),
      currentVariance: regions((a) => est((r) => r.time.map((_, s) => regions((b) => r.S[a * P + b][s] ** 2).reduce((x, y) => x + y, 0)))),
      autocorrelation: spec.simulation.lags.map((lag, l) => ({
        lag,
        estimate: regions((a) =>
          combineNetworks(runs.map((r) => blockEstimate(r.lagProducts[a][l].slice(plan.lagSamples[l]), B))),
        ),
      })),
      temporalMeanVariance: regions((a) =>
        combineNetworks(runs.map((r) => ({ mean: r.temporalMeanVariance[a], se: NaN, blockMeans: [] }))),
      ),
      dimension: variable
        ? { whole: combineDimension(runs.map((r) => r.dimension!)), regions: regions((a) => combineDimension(runs.map((r) => r.regionDimension![a]))) }
        : null,
    },
    networks: runs,
    diagnostics: {
      seconds,
      steps: plan.steps * K,
      stepsPerSecond: (plan.steps * K) / seconds,
      threads: pool ? threads : 1,
      variant,
      variantReason: reason,
    },
  };
}
