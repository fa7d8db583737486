/**
 * Nonlinearities (spec 01 §1.3). Each phi carries its first three derivatives and its primitive Phi
 * (Phi(0) = 0), which the theory needs. Built-in phi also have a kernel code used by the Wasm core;
 * user phi registered with `registerPhi` are evaluated in JS (code -1).
 */
import { erf } from './math/erf.js';

export interface PhiDef {
  /** Name used in specs, e.g. "tanh". */
  name: string;
  /** Kernel code in assembly/phi.ts, or -1 for a phi evaluated in JS. */
  code: number;
  f(x: number): number;
  df(x: number): number;
  d2f(x: number): number;
  d3f(x: number): number;
  /** Primitive with Phi(0) = 0. */
  F(x: number): number;
  /** True when phi is odd (phi(-x) = -phi(x)); enables the mirror-symmetry shortcuts of spec 01 §4.4. */
  odd: boolean;
  /** Bound on |phi|, if any (used for brackets, spec 01 §6.2). */
  bound?: number;
}

const SQRT_PI_2 = 0.886226925452758; // sqrt(pi) / 2 correctly rounded, as in assembly/phi.ts (Math.sqrt(Math.PI) / 2 is 1 ulp low)
const PI_4 = Math.PI / 4;
const PI_2 = Math.PI / 2;

const builtins: PhiDef[] = [
  {
    name: 'tanh',
    code: 0,
    f: Math.tanh,
    df: (x) => {
      const t = Math.tanh(x);
      return 1 - t * t;
    },
    d2f: (x) => {
      const t = Math.tanh(x);
      return -2 * t * (1 - t * t);
    },
    d3f: (x) => {
      const t = Math.tanh(x);
      return -2 * (1 - t * t) * (1 - 3 * t * t);
    },
    // log cosh x, overflow-safe
    F: (x) => {
      const a = Math.abs(x);
      return a + Math.log1p(Math.exp(-2 * a)) - Math.LN2;
    },
    odd: true,
    bound: 1,
  },
  {
    name: 'erf',
    code: 1,
    f: (x) => erf(SQRT_PI_2 * x),
    df: (x) => Math.exp(-PI_4 * x * x),
    d2f: (x) => -PI_2 * x * Math.exp(-PI_4 * x * x),
    d3f: (x) => PI_2 * (PI_2 * x * x - 1) * Math.exp(-PI_4 * x * x),
    F: (x) => x * erf(SQRT_PI_2 * x) + (2 / Math.PI) * (Math.exp(-PI_4 * x * x) - 1),
    odd: true,
    bound: 1,
  },
  {
    name: 'linear',
    code: 2,
    f: (x) => x,
    df: () => 1,
    d2f: () => 0,
    d3f: () => 0,
    F: (x) => 0.5 * x * x,
    odd: true,
  },
];

const registry = new Map<string, PhiDef>(builtins.map((p) => [p.name, p]));

/** Names of every registered phi, built-in first. */
export function phiNames(): string[] {
  return [...registry.keys()];
}

/** Look up a phi by name; throws a message that lists the valid names. */
export function getPhi(name: string): PhiDef {
  const p = registry.get(name);
  if (!p) throw new Error(`unknown phi "${name}"; valid: ${phiNames().join(', ')}`);
  return p;
}

/**
 * Add a nonlinearity. It is evaluated in JS during simulation (one call per unit and step; the
 * O(N^2) coupling stays in Wasm) and by quadrature in the theory.
 */
export function registerPhi(def: Omit<PhiDef, 'code'>): void {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(def.name)) throw new Error(`registerPhi: invalid name "${def.name}"`);
  if (registry.has(def.name) && registry.get(def.name)!.code >= 0) {
    throw new Error(`registerPhi: "${def.name}" is built in and cannot be replaced`);
  }
  for (const k of ['f', 'df', 'd2f', 'd3f', 'F'] as const) {
    if (typeof def[k] !== 'function') throw new Error(`registerPhi("${def.name}"): ${k} must be a function`);
  }
  registry.set(def.name, { ...def, code: -1 });
}
