/**
 * The averager the theory uses: the Wasm one (Gaussian averages in SIMD kernels, src/theory/wasm-averager.ts)
 * once the kernel is instantiated, else the TypeScript reference. Wasm averagers reserve their memory
 * when created, so they are cached per (phi, quadrature settings) and reused by every solve.
 */
import type { QuadratureSettings } from '../spec/types.js';
import type { PhiDef } from '../phi.js';
import { makeAverager, type Averager } from './gauss.js';
import { makeWasmAverager } from './wasm-averager.js';
import { wasmKernelOrNull } from '../core/wasm.js';

const cache = new Map<string, Averager>();
const MAX_CACHED = 16; // about 2 MiB of Wasm memory each

export function averagerFor(phi: PhiDef, q: QuadratureSettings): Averager {
  if (phi.code < 0) return makeAverager(phi, q);
  const kernel = wasmKernelOrNull();
  if (!kernel) return makeAverager(phi, q); // no Wasm kernel (before init, or the js variant): the reference (same values to ~1e-14)
  const key = `${kernel.id}|${phi.name}|${q.method}|${q.order}|${q.zMax}|${q.hx}|${q.closedForms}`;
  let a = cache.get(key);
  if (!a) {
    if (cache.size >= MAX_CACHED) return makeAverager(phi, q);
    a = makeWasmAverager(phi, q, kernel);
    cache.set(key, a);
  }
  return a;
}
