/**
 * Kernels: the Wasm module (inlined into the bundle, so no file or fetch is needed, unless the caller
 * injects a URL, bytes or a compiled Module through `init({ wasm })`) instantiated on a shared memory,
 * or the pure-TypeScript kernel of the `js` variant on a plain memory. Both lay out their memory the
 * same way (src/core/arena.ts) and expose the same functions, so the simulation code does not care
 * which one it drives.
 */
import wasmBytes from '../../build/dmftlab.wasm';
import { Arena } from './arena.js';
import { jsKernelExports } from './js-kernel.js';

/** The raw exports of build/dmftlab.wasm (or of the js kernel). Kernels take byte pointers into `memory`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KernelExports = Record<string, any>;

export interface Kernel {
  /** Unique per instance: the thread pool binds its workers to kernels by id. */
  id: number;
  /** 'wasm': the compiled module on a shared memory; 'js': TypeScript kernels on a plain memory. */
  kind: 'wasm' | 'js';
  /** The compiled module (null for the js kernel). */
  module: WebAssembly.Module | null;
  memory: WebAssembly.Memory;
  exports: KernelExports;
  arena: Arena;
  /** The JS nonlinearity called by the kernel for user-registered phi (phi code -1). */
  customPhi: ((x: number) => number) | null;
}

/** What `init({ wasm })` accepts: a URL or path of dmftlab.wasm, its bytes, or a compiled Module. */
export type WasmSource = string | URL | BufferSource | WebAssembly.Module;

export const MAX_PAGES = 65536;

let source: WasmSource | null = null; // null: the bytes inlined into the bundle
let compiled: Promise<WebAssembly.Module> | null = null;
let current: Kernel | null = null;
let nextId = 1;

/** Use `s` (null: the inlined bytes) for kernels created from now on. */
export function setWasmSource(s: WasmSource | null): void {
  if (s === source) return;
  source = s;
  compiled = null;
  current = null;
}

async function readSource(s: string | URL): Promise<BufferSource> {
  const url = typeof s === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(s) ? null : new URL(String(s));
  const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: { readFile(p: string | URL): Promise<Uint8Array> } };
  // a plain path is a file for Node and Deno; Node 20 cannot fetch file: URLs either
  if (g.Deno && (!url || url.protocol === 'file:')) return g.Deno.readFile(url ?? String(s)) as Promise<Uint8Array<ArrayBuffer>>;
  if (g.process?.versions?.node && (!url || url.protocol === 'file:')) {
    const { readFile } = await import('node:fs/promises');
    return readFile(url ?? String(s));
  }
  const res = await fetch(url ?? String(s));
  if (!res.ok) throw new Error(`dmftlab: could not load the kernel from ${String(s)}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

/** The functions and imports every dmftlab kernel module has (a wrong or stale file fails here, not later). */
const REQUIRED_EXPORTS = ['simSteps', 'gaussMatrixF64', 'gaussMatrixF32', 'gaussFillF64', 'gaussMoments', 'matvecF64'];

function checkModule(m: WebAssembly.Module): WebAssembly.Module {
  const names = new Set(WebAssembly.Module.exports(m).map((e) => e.name));
  const missing = REQUIRED_EXPORTS.filter((n) => !names.has(n));
  const memory = WebAssembly.Module.imports(m).some((i) => i.module === 'env' && i.name === 'memory' && i.kind === 'memory');
  if (missing.length || !memory) {
    throw new Error(`dmftlab: this module is not the dmftlab kernel (${missing.length ? `no export ${missing.join(', ')}` : 'no env.memory import'})`);
  }
  return m;
}

/** The compiled kernel module (compiled once; a failure is not cached, so it can be retried). */
export function compileKernel(): Promise<WebAssembly.Module> {
  if (!compiled) {
    const s = source;
    compiled = (async () => {
      if (s instanceof WebAssembly.Module) return s;
      const bytes = s === null ? (wasmBytes as unknown as BufferSource) : typeof s === 'string' || s instanceof URL ? await readSource(s) : s;
      return checkModule(await WebAssembly.compile(bytes));
    })().catch((e) => {
      compiled = null;
      throw e instanceof Error && e.message.startsWith('dmftlab:') ? e : new Error(`dmftlab: could not compile the kernel: ${(e as Error).message}`);
    });
  }
  return compiled;
}

/** A fresh Wasm instance on a fresh shared memory (one per independent job). */
export async function newKernel(initialPages = 32): Promise<Kernel> {
  const module = await compileKernel();
  const memory = new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true });
  const kernel: Kernel = { id: nextId++, kind: 'wasm', module, memory, customPhi: null, exports: {}, arena: new Arena(memory) };
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
  return kernel;
}

/** A growable byte store with the WebAssembly.Memory interface, for runtimes without WebAssembly. */
class PlainMemory {
  buffer: ArrayBuffer;
  constructor(pages: number) {
    this.buffer = new ArrayBuffer(pages * 65536);
  }
  grow(pages: number): number {
    const old = this.buffer.byteLength / 65536;
    if (old + pages > MAX_PAGES) throw new RangeError('dmftlab: maximum memory size exceeded');
    const next = new ArrayBuffer((old + pages) * 65536);
    new Uint8Array(next).set(new Uint8Array(this.buffer));
    this.buffer = next;
    return old;
  }
}

/** A kernel of the `js` variant: the TypeScript kernels of src/core/js-kernel.ts on a plain memory. */
export function newJsKernel(initialPages = 32): Kernel {
  const memory = (
    typeof WebAssembly === 'object' ? new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES }) : new PlainMemory(initialPages)
  ) as WebAssembly.Memory;
  const kernel: Kernel = { id: nextId++, kind: 'js', module: null, memory, customPhi: null, exports: {}, arena: new Arena(memory) };
  kernel.exports = jsKernelExports(memory, () => kernel.customPhi) as unknown as KernelExports;
  return kernel;
}

/** The shared default Wasm instance (theory and small jobs). */
export async function getKernel(): Promise<Kernel> {
  if (!current) current = await newKernel();
  return current;
}

/** The default Wasm instance, once `getKernel()` (or `init()`) has resolved. */
export function kernelSync(): Kernel {
  if (!current) throw new Error('dmftlab: call `await init()` before using the synchronous API');
  return current;
}

/** The default Wasm instance if there is one (null under the js variant or before init). */
export function wasmKernelOrNull(): Kernel | null {
  return current;
}

/** Drop the default instance (the js variant runs without one). */
export function dropDefaultKernel(): void {
  current = null;
}
