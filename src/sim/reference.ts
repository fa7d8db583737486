/**
 * Pure-TypeScript reference simulation: the same network (same RNG streams) and the same integrators
 * as the Wasm kernel, written plainly with an explicit dense J = g chi + sum_r m_r n_r^T / N. It is the
 * scalar reference the kernel tests compare against (and the basis of the future `js` variant).
 * Sums run in a different order than the kernel's, so results agree to rounding, not bitwise.
 */
import type { Spec } from '../spec/types.js';
import { getPhi } from '../phi.js';
import { gaussian } from '../core/rng.js';
import { STREAM_J, STREAM_INIT } from '../core/streams.js';
import { lowRankVectors } from './lowrank-vectors.js';

export interface ReferenceRun {
  /** State after each of the requested step counts. */
  states: Float64Array[];
  J: Float64Array;
  input: Float64Array;
}

/** Integrate `steps` steps of the spec's network with seed `seed`; returns x at each count in `at`. */
export function referenceRun(spec: Spec, seed: number, at: number[]): ReferenceRun {
  if (spec.model.kind === 'multiregion') throw new Error('dmftlab: model kind multiregion: simulation is not implemented yet');
  if (spec.model.kind === 'randomMode') throw new Error('dmftlab: model kind randomMode: simulation is not implemented yet');
  const model = spec.model;
  const sim = spec.simulation;
  const N = model.N;
  const phi = getPhi(model.phi).f;
  const J = new Float64Array(N * N);
  const scale = model.g / Math.sqrt(N);
  if (model.g > 0) for (let k = 0; k < N * N; k++) J[k] = scale * gaussian(seed, STREAM_J, k);
  const input = new Float64Array(N);
  const x = new Float64Array(N);
  for (let i = 0; i < N; i++) x[i] = sim.init.scale * gaussian(seed, STREAM_INIT, i);
  if (model.kind === 'lowrank') {
    const v = lowRankVectors(model, seed);
    for (let r = 0; r < model.rank; r++) {
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) J[i * N + j] += (v.m[r][i] * v.n[r][j]) / N;
    }
    input.set(v.I);
    if (sim.init.kind === 'branch') for (let i = 0; i < N; i++) x[i] += sim.init.sign * sim.init.c * v.m[0][i];
  }
  const t = new Float64Array(N);
  const rhs = (src: Float64Array, out: Float64Array) => {
    for (let j = 0; j < N; j++) t[j] = phi(src[j]);
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let j = 0; j < N; j++) s += J[i * N + j] * t[j];
      out[i] = -src[i] + s + input[i];
    }
  };
  const dt = sim.dt;
  const k1 = new Float64Array(N);
  const k2 = new Float64Array(N);
  const k3 = new Float64Array(N);
  const k4 = new Float64Array(N);
  const xs = new Float64Array(N);
  const states: Float64Array[] = [];
  const last = Math.max(...at);
  for (let step = 0; step <= last; step++) {
    if (at.includes(step)) states.push(x.slice());
    if (step === last) break;
    if (sim.method === 'euler') {
      rhs(x, k1);
      for (let i = 0; i < N; i++) x[i] += dt * k1[i];
    } else if (sim.method === 'heun') {
      rhs(x, k1);
      for (let i = 0; i < N; i++) xs[i] = x[i] + dt * k1[i];
      rhs(xs, k2);
      for (let i = 0; i < N; i++) x[i] += 0.5 * dt * (k1[i] + k2[i]);
    } else {
      rhs(x, k1);
      for (let i = 0; i < N; i++) xs[i] = x[i] + 0.5 * dt * k1[i];
      rhs(xs, k2);
      for (let i = 0; i < N; i++) xs[i] = x[i] + 0.5 * dt * k2[i];
      rhs(xs, k3);
      for (let i = 0; i < N; i++) xs[i] = x[i] + dt * k3[i];
      rhs(xs, k4);
      for (let i = 0; i < N; i++) x[i] += (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }
  }
  return { states, J, input };
}
