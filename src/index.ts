/**
 * dmftlab: one spec in; finite-N simulation, dynamical mean-field theory, and their agreement out.
 *
 *   import { simulate, solve, compare } from 'dmftlab';
 *   const spec = { dmftlab: 1, seed: 1, model: { kind: 'random', N: 2000, g: 2, phi: 'tanh' } };
 *   const theory = await solve(spec);          // Delta0, Delta(tau), ... with diagnostics
 *   const report = await compare(spec);        // theory vs simulation, with error bars
 *
 * The API is the same on Node, Deno and browsers. See docs/SPEC.md for the spec format.
 */
import { parseSpec } from './spec/validate.js';
import type { Spec } from './spec/types.js';
import { specHash } from './spec/validate.js';
import { simulateSpec, withRunDimension, type RunOptions, type SimulationResult } from './sim/simulate.js';
import { solveSpecAsync, type TheoryResult } from './theory/solve.js';
import { compareResults, compareMultiregion, type CompareReport } from './compare.js';
import { simulateMultiregionSpec, type MultiregionSimulationResult } from './sim/multiregion-spec.js';
import { setup } from './core/runtime.js';
import { VERSION, FORMAT_VERSION, runtimeInfo } from './version.js';

export type { Spec } from './spec/types.js';
export type { SimulationResult, RunOptions, NetworkRun } from './sim/simulate.js';
export type { MultiregionSimulationResult } from './sim/multiregion-spec.js';
export type { MultiregionTheoryResult } from './theory/multiregion/solve.js';
export type { TheoryResult } from './theory/solve.js';
export type { CompareReport, CompareRow } from './compare.js';
export type { TheorySolution, Diagnostics } from './theory/types.js';
export type { Estimate } from './stats.js';
export type { InitOptions, InitReport, Variant, Features } from './core/runtime.js';
export { init, dispose, probeFeatures } from './core/runtime.js';
export { parseSpec, validateSpec, SpecError, specHash } from './spec/validate.js';
export { registerPhi, phiNames } from './phi.js';
export { VERSION, FORMAT_VERSION } from './version.js';
/** The multiregion theory (spec 02, Clark & Beiran 2025) for figure scripts: see src/theory/multiregion/index.ts. */
export * as multiregion from './theory/multiregion/index.js';
/** Step-wise access to a running simulation: frames every k steps, pause/resume, parameter changes mid-run. */
export { stream } from './sim/stream.js';
export type { StreamOptions, StreamParams, Frame, FrameStatistics, SimulationStream } from './sim/stream.js';
/** The low-rank theory over a range of g, for bifurcation diagrams (spec 01 §4.4): `lowrank.sweep(spec, gValues)`. */
export * as lowrank from './theory/lowrank-sweep.js';
/** The dimension-of-activity theory (spec 03; PR/N, the single-site DMFT, effective rank): see src/theory/dimension/index.ts. */
export * as dimension from './theory/dimension/index.js';
/** The project's dependency-free SVG figures (panels of lines, points, error bars, heatmaps). */
export { renderSvg } from './plot/svg.js';
export type { Figure, Panel, Series } from './plot/svg.js';

export interface Provenance {
  version: string;
  format: number;
  specHash: string;
  variant: string;
  threads: number;
  runtime: string;
  runtimeVersion: string;
  date: string;
  seconds: number;
}

/** Every output is one JSON-serialisable object of this shape. */
export interface Output<K extends string, R> {
  dmftlab: { version: string; format: number };
  kind: K;
  spec: Spec;
  result: R;
  provenance: Provenance;
}

function envelope<K extends string, R>(
  kind: K,
  spec: Spec,
  result: R,
  t0: number,
  run: { variant: string; threads: number },
): Output<K, R> {
  const rt = runtimeInfo();
  return {
    dmftlab: { version: VERSION, format: FORMAT_VERSION },
    kind,
    spec,
    result,
    provenance: {
      version: VERSION,
      format: FORMAT_VERSION,
      specHash: specHash(spec),
      variant: run.variant,
      threads: run.threads,
      runtime: rt.runtime,
      runtimeVersion: rt.version,
      date: new Date().toISOString(),
      seconds: (performance.now() - t0) / 1000,
    },
  };
}

/** Simulation results of either shape: single population (random, lowrank) or multiregion. */
export type AnySimulationResult = SimulationResult | MultiregionSimulationResult;

function simulateAny(spec: Spec, opts: RunOptions): Promise<AnySimulationResult> {
  return spec.model.kind === 'multiregion' ? simulateMultiregionSpec(spec, opts) : simulateSpec(spec, opts);
}

/**
 * The validated spec with the run option `dimension` folded in as `simulation.dimension` (the option overrides
 * the field), so that the echoed spec, its hash, the theory and the simulation all see what ran.
 */
function specOf(input: unknown, opts: RunOptions): Spec {
  return withRunDimension(parseSpec(input), opts.dimension);
}

/** Finite-N simulation of every network of the spec. */
export async function simulate(input: unknown, opts: RunOptions = {}): Promise<Output<'simulation', AnySimulationResult>> {
  const t0 = performance.now();
  const spec = specOf(input, opts);
  const sim = await simulateAny(spec, opts);
  return envelope('simulation', spec, sim, t0, sim.diagnostics);
}

/**
 * Stationary DMFT of the spec's model: every solution branch, with diagnostics. `opts.threads`, `signal` and
 * `onProgress` apply to the multiregion two-time DMFT (its regions are split among threads; bitwise the same
 * numbers for every count); the other kinds solve on the calling thread.
 */
export async function solve(input: unknown, opts: Pick<RunOptions, 'threads' | 'signal' | 'onProgress'> = {}): Promise<Output<'theory', TheoryResult>> {
  const t0 = performance.now();
  const spec = parseSpec(input);
  const { variant } = await setup();
  const theory = await solveSpecAsync(spec, opts);
  return envelope('theory', spec, theory, t0, { variant, threads: theoryThreads(theory) });
}

/** Threads the theory ran on (the multiregion DMFT's; 1 for the other kinds). */
function theoryThreads(theory: TheoryResult): number {
  return theory.kind === 'multiregion' ? theory.dmft.diagnostics.settings.threads : 1;
}

export interface CompareResult {
  report: CompareReport;
  theory: TheoryResult;
  simulation: AnySimulationResult;
}

/** Theory and simulation of the same spec, side by side, with an agreement report. */
export async function compare(input: unknown, opts: RunOptions = {}): Promise<Output<'compare', CompareResult>> {
  const t0 = performance.now();
  const spec = specOf(input, opts);
  await setup();
  const theory = await solveSpecAsync(spec, { threads: opts.threads, signal: opts.signal });
  const simulation = await simulateAny(spec, opts);
  const report =
    theory.kind === 'multiregion'
      ? compareMultiregion(spec, theory, simulation as MultiregionSimulationResult)
      : compareResults(spec, theory, simulation as SimulationResult);
  return envelope('compare', spec, { report, theory, simulation }, t0, simulation.diagnostics);
}
