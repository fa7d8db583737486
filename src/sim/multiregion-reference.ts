/**
 * Plain TypeScript reference of the multiregion network (spec 02 §1.1), the scalar check of
 * assembly/mrsim.ts (tests/mrsim.test.ts): explicit per-region matrices acting on phi(x^a) in natural
 * order, the same integrators and the same input rule (the value of step k for every stage of step k),
 * with the filtered currents S integrated alongside x. Sums run in a different order than the kernel's,
 * so results agree to rounding, not bitwise.
 */

export interface MultiregionReferenceInput {
  P: number;
  N: number;
  phi: (x: number) => number;
  method: 'euler' | 'heun' | 'rk4';
  dt: number;
  /** Per region a, the N x N matrix (row-major, unpadded) with y^a = W^a phi(x^a), or null for no random input. */
  W: (Float64Array | null)[];
  /** Cross-region blocks: y^a += W phi(x^b) (N x N, row-major, unpadded). */
  Wx?: { a: number; b: number; W: Float64Array }[];
  /** n^{ab}_j at (a P + b) N + j; m^{ab}_i at (a P + b) N + i; v^a_i at a N + i or null. */
  n: Float64Array;
  m: Float64Array;
  v: Float64Array | null;
  /** I^a from step steps[s] on = values[s][a]; 0 before. */
  schedule: { steps: number[]; values: number[][] } | null;
  x0: Float64Array;
  s0?: Float64Array | null;
}

export interface MultiregionReferenceState {
  /** x at a N + i, S at a P + b, p^{ab}(x) at a P + b, all at the step of the snapshot. */
  x: Float64Array;
  S: Float64Array;
  p: Float64Array;
}

/** y^a for shared coupling as an explicit matrix: W^a[i][k] = g_a chi[i][l] with pi_a(l) = k. */
export function sharedMatrix(chi: ArrayLike<number>, ld: number, N: number, g: number, perm: ArrayLike<number>): Float64Array {
  const W = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let l = 0; l < N; l++) W[i * N + perm[l]] = g * chi[i * ld + l];
  return W;
}

/** Integrate the reference from step 0; returns the state at each step count in `at` (ascending). */
export function multiregionReference(inp: MultiregionReferenceInput, at: number[]): MultiregionReferenceState[] {
  const { P, N, phi, dt } = inp;
  const P2 = P * P;
  const D = P * N + P2; // state: x then S
  const inputAt = (k: number, a: number) => {
    let val = 0;
    if (inp.schedule) inp.schedule.steps.forEach((s, idx) => (s <= k ? (val = inp.schedule!.values[idx][a]) : 0));
    return val;
  };
  const r = new Float64Array(P * N);
  const p = new Float64Array(P2);
  const currents = (z: Float64Array) => {
    for (let k = 0; k < P * N; k++) r[k] = phi(z[k]);
    for (let a = 0; a < P; a++) {
      for (let b = 0; b < P; b++) {
        let s = 0;
        for (let j = 0; j < N; j++) s += inp.n[(a * P + b) * N + j] * r[b * N + j];
        p[a * P + b] = s / N;
      }
    }
  };
  const rhs = (z: Float64Array, k: number, out: Float64Array) => {
    currents(z);
    for (let a = 0; a < P; a++) {
      const W = inp.W[a];
      const Ia = inputAt(k, a);
      for (let i = 0; i < N; i++) {
        let f = -z[a * N + i];
        if (W) {
          let s = 0;
          for (let j = 0; j < N; j++) s += W[i * N + j] * r[a * N + j];
          f += s;
        }
        for (const x of inp.Wx ?? []) {
          if (x.a !== a) continue;
          let s = 0;
          for (let j = 0; j < N; j++) s += x.W[i * N + j] * r[x.b * N + j];
          f += s;
        }
        for (let b = 0; b < P; b++) f += inp.m[(a * P + b) * N + i] * p[a * P + b];
        if (inp.v) f += inp.v[a * N + i] * Ia;
        out[a * N + i] = f;
      }
    }
    for (let k2 = 0; k2 < P2; k2++) out[P * N + k2] = -z[P * N + k2] + p[k2];
  };
  const z = new Float64Array(D);
  z.set(inp.x0);
  if (inp.s0) z.set(inp.s0, P * N);
  const k1 = new Float64Array(D);
  const k2 = new Float64Array(D);
  const k3 = new Float64Array(D);
  const k4 = new Float64Array(D);
  const zs = new Float64Array(D);
  const out: MultiregionReferenceState[] = [];
  const last = Math.max(...at);
  for (let k = 0; k <= last; k++) {
    if (at.includes(k)) {
      currents(z);
      out.push({ x: z.slice(0, P * N), S: z.slice(P * N), p: p.slice() });
    }
    if (k === last) break;
    if (inp.method === 'euler') {
      rhs(z, k, k1);
      for (let i = 0; i < D; i++) z[i] += dt * k1[i];
    } else if (inp.method === 'heun') {
      rhs(z, k, k1);
      for (let i = 0; i < D; i++) zs[i] = z[i] + dt * k1[i];
      rhs(zs, k, k2);
      for (let i = 0; i < D; i++) z[i] += 0.5 * dt * (k1[i] + k2[i]);
    } else {
      rhs(z, k, k1);
      for (let i = 0; i < D; i++) zs[i] = z[i] + 0.5 * dt * k1[i];
      rhs(zs, k, k2);
      for (let i = 0; i < D; i++) zs[i] = z[i] + 0.5 * dt * k2[i];
      rhs(zs, k, k3);
      for (let i = 0; i < D; i++) zs[i] = z[i] + dt * k3[i];
      rhs(zs, k, k4);
      for (let i = 0; i < D; i++) z[i] += (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }
  }
  return out;
}
