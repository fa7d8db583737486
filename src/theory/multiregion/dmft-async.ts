/**
 * The two-time DMFT of spec 02 §3 off the calling thread's critical path: `solveMultiregionDmftAsync` runs
 * the recursion of `solveMultiregionDmft` (same kernel, same order of operations, bitwise the same results)
 * on up to `threads` pool workers, with progress and cancellation.
 *
 * Threads split the work by region (assembly/mrdmft.ts `mrdmftStepsPar`): each runs the row passes of its
 * regions and they meet at an atomic barrier once per step (twice with cross-region disorder), so at most P
 * threads help; P = 2 on 2 threads runs the O(Nt^2) part in about half the time. The run has its own Wasm
 * memory (one per session, bound in every worker once), and async solves queue for it one at a time.
 */
import { getPool } from '../../core/pool.js';
import { setup } from '../../core/runtime.js';
import { newKernel, type Kernel } from '../../core/wasm.js';
import { abortError, MAX_THREADS, yieldToEventLoop } from '../../sim/simulate.js';
import type { DmftRaw, DmftSetup } from './dmft-reference.js';
import {
  assembleDmft,
  layoutWasm,
  prepareDmft,
  solveMultiregionDmft,
  throwIfFailed,
  windowCheckSetup,
  type MultiregionDmftOptions,
  type MultiregionDmftResult,
} from './dmft.js';
import type { MultiregionParams } from './types.js';

export interface DmftRunOptions {
  /**
   * Threads for the recursion (default: the session's, from `init()`); at most P are used. One thread runs
   * it on the calling thread, in chunks between which the event loop runs.
   */
  threads?: number;
  /** Stops the run between chunks of steps (the promise rejects with an AbortError). */
  signal?: AbortSignal;
  /** Fraction of the work done, after each chunk of steps (0 < f <= 1; the window check's run included). */
  onProgress?: (fraction: number) => void;
}

/** The first chunk's steps: V8 switches the kernel to optimised code between calls. */
const FIRST_CHUNK = 32;
/** Row entries (summed over steps and regions) per later chunk: about 50-100 ms of one thread's work. */
const CHUNK_WORK = 1.6e7;
/** On the calling thread: let the event loop run after this much time in the kernel. */
const YIELD_MS = 50;

let kernelPromise: Promise<Kernel> | null = null;
let queue: Promise<unknown> = Promise.resolve();

/** Run `job` after every async solve queued before it (they share one kernel's memory). */
function serialised<T>(job: () => Promise<T>): Promise<T> {
  const run = queue.then(job, job);
  queue = run.catch(() => {});
  return run;
}

/** Row entries of steps [k0, k1) (the row of step k -> k+1 has min(k, bw - 1) + 1 entries per region). */
function workOf(s: DmftSetup, k0: number, k1: number): number {
  let w = 0;
  for (let k = k0; k < k1; k++) w += Math.min(k, s.bw - 1) + 1;
  return w * s.P;
}

/** The end of the chunk that starts at k0 (the chunk after one of `prev` steps). */
function chunkEnd(s: DmftSetup, k0: number, prev: number): number {
  const last = s.Nt - 1;
  let k1 = Math.min(last, k0 + (prev === 0 ? FIRST_CHUNK : 4 * prev));
  // no more than CHUNK_WORK entries, but at least one step
  while (k1 > k0 + 1 && workOf(s, k0, k1) > CHUNK_WORK) k1 = k0 + Math.max(1, (k1 - k0) >> 1);
  return k1;
}

interface Driver {
  kernel: Kernel;
  threads: number;
  signal?: AbortSignal;
  /** called with the row entries of each finished chunk */
  done: (work: number) => void;
}

/** One run of the recursion in the driver's kernel (memory released afterwards). */
async function runChunked(s: DmftSetup, d: Driver): Promise<DmftRaw> {
  const { kernel, threads } = d;
  const mark = kernel.arena.mark();
  try {
    const { ctx, read } = layoutWasm(s, kernel);
    const ex = kernel.exports;
    let failed: number = ex.mrdmftInit(ctx);
    const pool = threads > 1 ? await getPool(threads) : null;
    let lastYield = performance.now();
    let prev = 0;
    for (let k0 = 0; failed < 0 && k0 < s.Nt - 1; ) {
      if (d.signal?.aborted) throw abortError('DMFT run');
      const k1 = chunkEnd(s, k0, prev);
      if (pool) {
        const r = await pool.call(kernel, threads, 'mrdmftStepsPar', (t) => [ctx, k0, k1, t, threads]);
        failed = r[0];
      } else {
        failed = ex.mrdmftSteps(ctx, k0, k1);
        if (performance.now() - lastYield > YIELD_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      d.done(workOf(s, k0, k1));
      prev = k1 - k0;
      k0 = k1;
    }
    return read(failed);
  } finally {
    kernel.arena.release(mark);
  }
}

function checkThreads(threads: unknown): void {
  if (threads === undefined) return;
  if (!(typeof threads === 'number' && Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) {
    throw new RangeError(`solveMultiregionDmftAsync: opts.threads = ${String(threads)} is invalid: need an integer from 1 to ${MAX_THREADS}`);
  }
}

/**
 * `solveMultiregionDmft` on up to `opts.threads` threads (at most P), cancellable, with progress. The result
 * is bitwise that of `solveMultiregionDmft`; diagnostics.settings.threads says how many threads ran, and a
 * note says why fewer than asked. A phi other than erf, or engine 'reference', runs the TypeScript reference
 * on the calling thread, as `solveMultiregionDmft` does.
 */
export async function solveMultiregionDmftAsync(
  params: MultiregionParams,
  opts: MultiregionDmftOptions & DmftRunOptions,
): Promise<MultiregionDmftResult> {
  checkThreads(opts.threads);
  const t0 = performance.now();
  const s = prepareDmft(params, opts);
  const session = await setup();
  const asked = opts.threads ?? session.threads;
  const engine = opts.engine ?? 'auto';
  if (s.phi || engine === 'reference' || session.variant === 'js' || opts.kernel) {
    // the reference engine (or a kernel the caller chose): the synchronous solver, on this thread
    if (opts.signal?.aborted) throw abortError('DMFT run');
    const res = solveMultiregionDmft(params, opts);
    if (asked > 1) {
      const why = s.phi || engine === 'reference' ? 'the TypeScript reference runs on one thread' : opts.kernel ? 'opts.kernel runs on the calling thread' : `the ${session.variant} variant runs on one thread`;
      res.diagnostics.notes.push(`threads: ${asked} requested; ${why}`);
    }
    opts.onProgress?.(1);
    return res;
  }
  let threads = Math.min(asked, s.P);
  const reasons: string[] = [];
  if (threads > 1 && session.variant !== 'wasm-simd-threads') {
    reasons.push(`threads: ${asked} requested, but the ${session.variant} variant runs on one thread${session.reason ? ` (${session.reason})` : ''}`);
    threads = 1;
  } else if (asked > threads) {
    reasons.push(`threads: ${asked} requested; the recursion splits its P = ${s.P} regions among ${threads}`);
  }
  const check = windowCheckSetup(params, opts, s);
  const total = workOf(s, 0, s.Nt - 1) + (check ? workOf(check, 0, check.Nt - 1) : 0);
  let doneWork = 0;
  const driver = (kernel: Kernel): Driver => ({
    kernel,
    threads,
    signal: opts.signal,
    done: (w) => {
      doneWork += w;
      opts.onProgress?.(Math.min(1, doneWork / total));
    },
  });
  return serialised(async () => {
    kernelPromise ??= newKernel();
    const kernel = await kernelPromise;
    const raw = await runChunked(s, driver(kernel));
    throwIfFailed(s, raw);
    const raw2 = check ? await runChunked(check, driver(kernel)) : null;
    if (raw2) throwIfFailed(check!, raw2);
    return assembleDmft(s, opts, raw, 'wasm-simd', raw2, t0, { threads, reason: reasons.join('; ') });
  });
}
