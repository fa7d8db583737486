/**
 * From the validated spec model (nested arrays, src/spec/types.ts) to the flat arrays the multiregion
 * theory works on (./types.ts, spec 02 §0).
 */
import type { MultiregionModel } from '../../spec/types.js';
import type { InputSchedule, MultiregionParams } from './types.js';

/** P x P x P nested array -> flat, index (a P + b) P + c. */
function flat3(A: readonly (readonly (readonly number[])[])[], P: number): Float64Array {
  const out = new Float64Array(P * P * P);
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) for (let c = 0; c < P; c++) out[(a * P + b) * P + c] = A[a][b][c];
  return out;
}

/** P x P nested array -> flat, index a P + b. */
function flat2(A: readonly (readonly number[])[], P: number): Float64Array {
  const out = new Float64Array(P * P);
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) out[a * P + b] = A[a][b];
  return out;
}

/**
 * The theory's parameters of a validated multiregion model (`parseSpec` output):
 *   T, U flat with index (a P + b) P + c;  g from model.g;
 *   G2[a P + b] = g_ab^2 from model.crossDisorder (diagonal g_a^2), null without cross-region disorder;
 *   V[b P + a] = model.input.V[b][a] = <n^{ba} v^a>, null without input;  v2 = 1 (unit-variance inputs).
 */
export function multiregionParamsFromModel(model: MultiregionModel): MultiregionParams {
  const P = model.P;
  let G2: Float64Array | null = null;
  if (model.crossDisorder) {
    G2 = new Float64Array(P * P);
    for (let a = 0; a < P; a++) {
      for (let b = 0; b < P; b++) {
        const gab = a === b ? model.g[a] : model.crossDisorder[a][b];
        G2[a * P + b] = gab * gab;
      }
    }
  }
  return {
    P,
    T: flat3(model.T, P),
    U: flat3(model.U, P),
    g: Float64Array.from(model.g),
    G2,
    V: model.input ? flat2(model.input.V, P) : null,
    v2: new Float64Array(P).fill(1),
  };
}

/** The input schedule of a validated multiregion model in the theory's form (null without input). */
export function inputScheduleFromModel(model: MultiregionModel): InputSchedule | null {
  if (!model.input) return null;
  return { times: model.input.schedule.map((s) => s.t), values: model.input.schedule.map((s) => s.I.slice()) };
}
