/**
 * `init()`: probe what the runtime supports, pick the fastest variant it can run, and remember the
 * choice for the session. Variants, fastest first:
 *
 *   wasm-simd-threads  the Wasm SIMD kernel on a shared memory, run by a pool of worker threads
 *   wasm-simd          the same kernel on the calling thread (no workers, or no way to share memory)
 *   js                 the pure-TypeScript kernels (no WebAssembly, or no SIMD or shared memory)
 *
 * All three give the same networks and RNG streams; the two Wasm variants give bitwise-identical
 * trajectories for every thread count, and the js variant differs from them only by summation order
 * (docs/NUMERICS.md).
 */
import wasmBytes from '../../build/dmftlab.wasm';
import { compileKernel, setWasmSource, getKernel, dropDefaultKernel, type WasmSource } from './wasm.js';
import { threadSupport, setWorkerUrl, disposePool } from './pool.js';
import { runtimeInfo } from '../version.js';

export type Variant = 'wasm-simd-threads' | 'wasm-simd' | 'js';
export const VARIANTS: readonly Variant[] = ['wasm-simd-threads', 'wasm-simd', 'js'];

export interface InitOptions {
  /** Worker threads for simulations (default: the number of cores); 1 runs on one thread. */
  threads?: number;
  /** Force a variant (default 'auto': the fastest this runtime supports). */
  variant?: Variant | 'auto';
  /** Where to load the kernel from: a URL or path of dmftlab.wasm, its bytes, or a compiled Module (default: inlined). */
  wasm?: WasmSource;
  /** URL of dist/browser/kernel-worker.js, for pages whose CSP forbids blob: workers (default: inlined). */
  workerUrl?: string | URL;
}

export interface Features {
  webAssembly: boolean;
  /** Wasm SIMD (v128) validates. */
  simd: boolean;
  /** A shared WebAssembly.Memory can be created. */
  sharedMemory: boolean;
  /** Browsers: the page is cross-origin isolated (null elsewhere, where it does not apply). */
  crossOriginIsolated: boolean | null;
  /** Atomics.wait may block this thread (false on a browser's main thread; dmftlab never blocks it). */
  atomicsWaitHere: boolean;
  /** Workers can be started. */
  workers: boolean;
}

export interface InitReport {
  variant: Variant;
  threads: number;
  /** Logical cores the runtime reports. */
  cores: number;
  runtime: string;
  /** Why a faster variant (or more threads) was not used; empty when nothing was given up. */
  reason: string;
  features: Features;
}

// (module (func (result v128) v128.const i32x4 0 0 0 0)): validates only where Wasm SIMD is supported
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

async function cores(): Promise<number> {
  const g = globalThis as { navigator?: { hardwareConcurrency?: number }; process?: { versions?: { node?: string } }; Deno?: unknown };
  if (g.process?.versions?.node && !g.Deno) {
    const os = (await import('node:os')) as { availableParallelism?: () => number; cpus: () => unknown[] };
    return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  }
  return Math.max(1, g.navigator?.hardwareConcurrency ?? 1);
}

/** What this runtime supports (no side effects). */
export function probeFeatures(): Features {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  const webAssembly = typeof WebAssembly === 'object';
  let simd = false;
  let sharedMemory = false;
  let atomicsWaitHere = false;
  if (webAssembly) {
    try {
      simd = WebAssembly.validate(SIMD_PROBE);
    } catch {
      simd = false;
    }
    try {
      const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      sharedMemory = true;
      try {
        Atomics.wait(new Int32Array(m.buffer), 0, 1, 0); // value differs: returns at once where allowed
        atomicsWaitHere = true;
      } catch {
        atomicsWaitHere = false;
      }
    } catch {
      sharedMemory = false;
    }
  }
  const rt = runtimeInfo().runtime;
  return {
    webAssembly,
    simd,
    sharedMemory,
    crossOriginIsolated: rt === 'browser' ? g.crossOriginIsolated === true : null,
    atomicsWaitHere,
    workers: rt === 'node' || typeof g.Worker === 'function',
  };
}

interface State {
  key: string;
  report: InitReport;
}
let state: State | null = null;
let pending: Promise<InitReport> | null = null;

function optionsKey(o: InitOptions): string {
  const w = o.wasm;
  const wasmKey = w === undefined ? '' : typeof w === 'string' || w instanceof URL ? String(w) : w;
  return JSON.stringify([o.threads ?? null, o.variant ?? 'auto', typeof wasmKey === 'string' ? wasmKey : 'object', o.workerUrl ? String(o.workerUrl) : '']);
}

function checkOptions(o: InitOptions): void {
  if (o.threads !== undefined && !(Number.isInteger(o.threads) && o.threads >= 1 && o.threads <= 256)) {
    throw new RangeError(`dmftlab: init: threads: got ${o.threads}; must be an integer from 1 to 256`);
  }
  if (o.variant !== undefined && o.variant !== 'auto' && !VARIANTS.includes(o.variant)) {
    throw new RangeError(`dmftlab: init: variant: got ${JSON.stringify(o.variant)}; must be one of auto, ${VARIANTS.join(', ')}`);
  }
}

async function doInit(o: InitOptions): Promise<InitReport> {
  checkOptions(o);
  const features = probeFeatures();
  const nCores = await cores();
  const reasons: string[] = [];
  // what could run here, fastest first, with the reason each one cannot
  let wasmOk = features.webAssembly && features.simd && features.sharedMemory;
  if (!features.webAssembly) reasons.push('this runtime has no WebAssembly');
  else if (!features.simd) reasons.push('this runtime does not support WebAssembly SIMD');
  else if (!features.sharedMemory) reasons.push('this runtime cannot create shared WebAssembly memory');
  setWasmSource(o.wasm ?? null);
  setWorkerUrl(o.workerUrl ?? null);
  if (wasmOk && o.variant !== 'js') {
    try {
      if (o.wasm === undefined && !WebAssembly.validate(wasmBytes as unknown as BufferSource)) throw new Error('the kernel module does not validate here');
      await compileKernel();
      await getKernel();
    } catch (e) {
      wasmOk = false;
      reasons.push(`the Wasm kernel could not be loaded (${(e as Error).message.replace(/^dmftlab: /, '')})`);
    }
  }
  const threadsOk = wasmOk && threadSupport();
  if (threadsOk && !threadsOk.ok) reasons.push(threadsOk.reason);
  const best: Variant = wasmOk ? (threadsOk && threadsOk.ok ? 'wasm-simd-threads' : 'wasm-simd') : 'js';
  const want = o.variant && o.variant !== 'auto' ? o.variant : best;
  if (VARIANTS.indexOf(want) < VARIANTS.indexOf(best)) {
    throw new Error(`dmftlab: init: variant ${want} is not available here: ${reasons.join('; ')}`);
  }
  if (want !== best) reasons.splice(0, reasons.length, `variant ${want} was requested`);
  if (want === 'js') {
    dropDefaultKernel(); // the theory then uses the TypeScript averagers
    await disposePool();
  } else if (want === 'wasm-simd') await disposePool();
  let threads = want === 'wasm-simd-threads' ? (o.threads ?? nCores) : 1;
  if (want !== 'wasm-simd-threads' && (o.threads ?? 1) > 1) reasons.push(`threads: ${o.threads} requested, but variant ${want} runs on one thread`);
  threads = Math.max(1, threads);
  return { variant: want, threads, cores: nCores, runtime: runtimeInfo().runtime, reason: reasons.join('; '), features };
}

/**
 * Probe the runtime, load the kernel and choose the variant and thread count for the session.
 * Idempotent (the same options return the same report); call it again with other options to change
 * them, or after a failure to retry.
 */
export async function init(o: InitOptions = {}): Promise<InitReport> {
  const key = optionsKey(o);
  if (state && state.key === key && typeof o.wasm !== 'object') return state.report;
  while (pending) await pending.catch(() => {});
  pending = doInit(o);
  try {
    const report = await pending;
    state = { key, report };
    return report;
  } catch (e) {
    state = null;
    throw e;
  } finally {
    pending = null;
  }
}

/** The session's setup: `init()`'s report (running `init()` with defaults first if needed). */
export async function setup(): Promise<InitReport> {
  return state ? state.report : init();
}

/** Free the worker threads (the next threaded run starts new ones). `init()` is kept. */
export async function dispose(): Promise<void> {
  await disposePool();
}
