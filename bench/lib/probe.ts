/**
 * The memory-bandwidth probe of the workload benchmarks: assembly/linalg.ts `streamSumF64` over an f64 buffer
 * far larger than the caches, run through the thread pool on T threads (each sums its contiguous share), so
 * it pays the same per-call costs as the simulation steps it is compared with. Bytes / median time is the
 * rate at which T threads can stream memory on this machine now; a step that reads its matrix once reaches
 * at most about that (more only where part of the matrix stays in the last-level cache between steps).
 */
import { Bench } from 'tinybench';
import type { Kernel } from '../../src/core/wasm.js';
import type { Pool } from '../../src/core/pool.js';
import { latencyOf } from './latency.js';

export interface BandwidthProbe {
  /** Bytes the probe reads per call. */
  bytes: number;
  /** One pass over the buffer on `threads` pool threads. */
  stream(threads: number): () => Promise<void>;
  /** Median ms per pass (tinybench) for each thread count. */
  measure(threads: number[], bench?: { time: number; iterations: number; warmupTime: number; warmupIterations: number }): Promise<Record<number, number>>;
}

/**
 * A probe over `elements` f64 values (rounded up to a multiple of 32) allocated in `kernel`'s arena (and kept
 * there: allocate it before anything you release with an arena mark).
 */
export function bandwidthProbe(kernel: Kernel, pool: Pool, elements: number): BandwidthProbe {
  const n = Math.ceil(elements / 32) * 32;
  const buf = kernel.arena.f64(n);
  buf.view().fill(1);
  const part = (t: number, T: number) => {
    const a = Math.floor((n / 32) * (t / T)) * 32;
    const b = Math.floor((n / 32) * ((t + 1) / T)) * 32;
    return [buf.ptr + 8 * a, b - a];
  };
  const stream = (T: number) => async () => void (await pool.call(kernel, T, 'streamSumF64', (t) => part(t, T)));
  return {
    bytes: 8 * n,
    stream,
    async measure(threads, opts = { time: 1500, iterations: 10, warmupTime: 200, warmupIterations: 2 }) {
      const bench = new Bench({ name: 'bandwidth probe', ...opts });
      for (const T of threads) bench.add(`stream ${T}`, stream(T));
      await bench.run();
      const out: Record<number, number> = {};
      for (const t of bench.tasks) out[Number(t.name.split(' ')[1])] = latencyOf(t).p50;
      return out;
    },
  };
}
