/**
 * Streams of multiregion specs (issue 7; the iterator is `openStream` in ./stream.ts): the network of
 * `simulate`'s first seed, built once by ./multiregion.ts with a plan that samples nothing, advanced by
 * `advanceMultiregion` (pool or calling thread, the same bits) only inside `next()`, and read at each frame:
 *
 *   state      x of all P N units, region after region (unit i of region a at a N + i)
 *   mean, variance   over all P N units;  regions.mean[a], regions.variance[a]   over region a's N units
 *   kappa      the instantaneous currents p^{ab} = (1/N) n^{ab} . phi(x^b), a P + b (the multiregion kappa)
 *   currents   the filtered currents S^{ab} (dS/dt = -S + p), a P + b: the DMFT's order parameters
 *
 * Same seed, same steps: the state, p and S of a frame are the bits `simulate` records at a sample taken
 * after as many steps (the kernel's trajectory does not depend on its sampling plan or on how its steps
 * are split into calls). Parameter changes (MultiregionHandle.setParams) rescale what is built: `g`
 * multiplies every region's random input (g_a and g_ab; 1 at the start), `inputScale` the input schedule,
 * `structureScale` the vectors m^{ab}.
 */
import type { Spec } from '../spec/types.js';
import { buildMultiregionNetwork, advanceMultiregion, checkMultiregionParams } from './multiregion.js';
import { multiregionNetworkOf } from './multiregion-spec.js';
import { MAX_STEPS, moments, type StreamModel } from './stream.js';

/** The stream model of a multiregion spec (see the file comment for what its frames hold). */
export function multiregionStreamModel(spec: Spec): StreamModel {
  const model = spec.model;
  if (model.kind !== 'multiregion') throw new Error(`dmftlab: multiregionStreamModel: model kind ${model.kind}`);
  const { P, N } = model;
  const random = model.g.some((g) => g > 0) || (model.crossDisorder ?? []).some((row, a) => row.some((g, b) => a !== b && g > 0));
  const input = model.input !== null;
  return {
    size: P * N,
    sizeName: 'P N',
    params: { g: 1, inputScale: 1, structureScale: 1 },
    check: (p) => checkMultiregionParams(p, random, input, 'stream.set: '),
    build(kernel, workers, setup) {
      if (setup.variant === 'js') {
        throw new Error(`dmftlab: stream: model kind multiregion needs the Wasm kernel (the js variant has no multiregion kernel)${setup.reason ? `: ${setup.reason}` : ''}`);
      }
      // every step lies before the first sample: the kernel records nothing, the frames are read here
      const plan = { steps: MAX_STEPS, burnSteps: MAX_STEPS, stride: 1, samples: 1, lagSamples: [] };
      const h = buildMultiregionNetwork(kernel, { ...multiregionNetworkOf(spec, spec.seed, plan), traceUnits: [] });
      const ld = h.ld;
      // rows padded to ld > N are gathered into one buffer per stream, refilled at each frame
      const gathered = ld === N ? null : new Float64Array(P * N);
      return {
        advance: (k0, k1) => advanceMultiregion(kernel, h, workers, k0, k1),
        state() {
          const x = h.state();
          if (!gathered) return x.subarray(0, P * N);
          for (let a = 0; a < P; a++) gathered.set(x.subarray(a * ld, a * ld + N), a * N);
          return gathered;
        },
        observe(state) {
          const regions = { mean: [] as number[], variance: [] as number[] };
          for (let a = 0; a < P; a++) {
            const r = moments(state, a * N, (a + 1) * N);
            regions.mean.push(r.mean);
            regions.variance.push(r.variance);
          }
          return { kappa: h.projections(), currents: Array.from(h.currents()), regions };
        },
        setParams: (p) => h.setParams(p),
        requestAbort: () => h.requestAbort(),
        release: () => h.release(),
      };
    },
  };
}
