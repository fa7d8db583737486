/**
 * Loads the kernel module (inlined into the bundle, so no file or fetch is needed) on a shared
 * memory. `getKernel()` is async once; afterwards `kernelSync()` returns the instance.
 */
import wasmBytes from '../../build/dmftlab.wasm';
import { Arena } from './arena.js';

/** The raw exports of build/dmftlab.wasm. Kernels take byte pointers into `memory`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KernelExports = Record<string, any>;

export interface Kernel {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  exports: KernelExports;
  arena: Arena;
  /** The JS nonlinearity called by the kernel for user-registered phi (phi code -1). */
  customPhi: ((x: number) => number) | null;
}

export const MAX_PAGES = 65536;

let compiled: Promise<WebAssembly.Module> | null = null;
let current: Kernel | null = null;

export function compileKernel(): Promise<WebAssembly.Module> {
  if (!compiled) {
    compiled = WebAssembly.compile(wasmBytes as unknown as BufferSource).catch((e) => {
      compiled = null; // retryable
      throw e;
    });
  }
  return compiled;
}

/** A fresh instance on a fresh shared memory (one per independent job). */
export async function newKernel(initialPages = 32): Promise<Kernel> {
  const module = await compileKernel();
  const memory = new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true });
  const kernel = { module, memory, customPhi: null } as unknown as Kernel;
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
      // dst[k] = phi(src[k]) for a user-registered phi (assembly/sim.ts)
      phiCustom: (src: number, dst: number, n: number, f32: number) => {
        const f = kernel.customPhi;
        if (!f) throw new Error('dmftlab: kernel asked for a JS phi, but none is set');
        const x = new Float64Array(memory.buffer, src, n);
        const out = f32 ? new Float32Array(memory.buffer, dst, n) : new Float64Array(memory.buffer, dst, n);
        for (let k = 0; k < n; k++) out[k] = f(x[k]);
      },
      abort: (_msg: number, _file: number, line: number, col: number) => {
        throw new Error(`dmftlab kernel assertion failed at ${line}:${col}`);
      },
    },
  });
  kernel.exports = instance.exports as KernelExports;
  kernel.arena = new Arena(memory);
  return kernel;
}

/** The shared default instance (theory and small jobs). */
export async function getKernel(): Promise<Kernel> {
  if (!current) current = await newKernel();
  return current;
}

/** The default instance, once `getKernel()` (or `init()`) has resolved. */
export function kernelSync(): Kernel {
  if (!current) throw new Error('dmftlab: call `await init()` before using the synchronous API');
  return current;
}
