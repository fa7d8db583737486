// Benchmark W1 batched (issue 6 item 4, target: K = 16, N = 2000, at least 6x the per-trial throughput of
// K = 1): forward Euler steps of a dense i.i.d. tanh network (g = 2, dt = 0.1) with simulation.trials = K,
// K in {1, 4, 8, 16, 32}, N in {2000, 4000}, f32 and f64, on 1 and 2 pool threads, timed as runs drive them
// (buildNetwork + the pool's simStepsBatch / simSteps). Per-trial throughput = K / (time per step); its
// ratio to K = 1 is reported twice: from tinybench medians, and as a paired ratio (31 alternating rounds of
// K = 1 and K = 16, bench/lib/paired.ts) for the target's cell. In the same run, two ceilings: the
// arithmetic probe (assembly/linalg.ts peakMulAddF32: f32x4 multiply-then-add chains in registers, per
// thread) and the memory-bandwidth probe (streamSumF64). A K = 1 step at N = 2000 f32 (16 MB of J) runs from
// the 32 MiB L3, not from memory, so the gain that batching can bring there is bounded by the arithmetic
// ceiling over the K = 1 rate; the table gives both.
//
// Run (from the repository root):  node scripts/build.mjs && node dist/bench/w1b.js
// Environment: W1B_NS=2000 (subset of N), W1B_KS=1,16 (subset of K; 1 is always included).
// Writes bench/results/<date>T<hhmm>-w1b-<runtime>[-partial].json (BENCH_RESULTS_DIR elsewhere) and prints markdown tables.
import { Bench } from 'tinybench';
import os from 'node:os';
import { writeRecord } from './lib/record.js';
import { newKernel } from '../src/core/wasm.js';
import { parseSpec } from '../src/spec/validate.js';
import { buildNetwork, planSteps, type NetworkHandle } from '../src/sim/simulate.js';
import { getPool, disposePool } from '../src/core/pool.js';
import { pairedRatio } from './lib/paired.js';
import { latencyOf } from './lib/latency.js';
import { bandwidthProbe } from './lib/probe.js';

type Precision = 'f32' | 'f64';
const NS = (process.env.W1B_NS ?? '2000,4000').split(',').map(Number);
const KS = [...new Set([1, ...(process.env.W1B_KS ?? '4,8,16,32').split(',').map(Number)])].sort((a, b) => a - b);
const THREADS = [1, 2];
const BENCH = { time: 1000, iterations: 8, warmupTime: 200, warmupIterations: 2 };
/** Euler steps per sample: about 4e8 multiply-adds (~20-60 ms). */
const stepsFor = (N: number, K: number) => Math.max(1, Math.round(4e8 / (N * N * K)));
const date = new Date().toISOString();
const loadavg = () => os.loadavg().map((v) => Number(v.toFixed(2)));
const load0 = loadavg();

const kernel = await newKernel();
const pool = await getPool(2);

// the arithmetic ceiling: PEAK_PASSES passes of 48 f32 multiply-adds (12 f32x4 chains) per thread, through the pool
const PEAK_PASSES = 2_000_000;
const peak = (T: number) => async () => void (await pool.call(kernel, T, 'peakMulAddF32', (t) => [PEAK_PASSES, 1 + t]));
// the bandwidth ceiling: streamSumF64 over 128 MB (beyond the caches)
const probe = bandwidthProbe(kernel, pool, 16_000_000);
const ceilings: { threads: number; macPerS: number; GBs: number }[] = [];
{
  const b = new Bench({ name: 'ceilings', ...BENCH });
  for (const T of THREADS) {
    b.add(`peak ${T}`, peak(T));
    b.add(`stream ${T}`, probe.stream(T));
  }
  await b.run();
  for (const T of THREADS) {
    const pk = latencyOf(b.tasks.find((t) => t.name === `peak ${T}`)!).p50;
    const st = latencyOf(b.tasks.find((t) => t.name === `stream ${T}`)!).p50;
    ceilings.push({ threads: T, macPerS: (T * PEAK_PASSES * 48) / (pk / 1e3), GBs: probe.bytes / 1e9 / (st / 1e3) });
  }
}

const spec = (N: number, K: number, precision: Precision) =>
  parseSpec({
    dmftlab: 1,
    seed: 1,
    model: { kind: 'random', N, g: 2, phi: 'tanh' },
    // every timed step lies inside the burn-in (no sampling work)
    simulation: { method: 'euler', dt: 0.1, precision, tBurn: 1e6, tMeasure: 1, sampleEvery: 0.5, blocks: 2, lags: [0], traceUnits: [0], trials: K },
  });

interface Row {
  N: number;
  K: number;
  precision: Precision;
  threads: number;
  stepsPerSample: number;
  msPerStep: number;
  msPerTrialStep: number;
  /** per-trial throughput relative to K = 1 at the same N, precision and threads */
  gainOverK1: number;
  /** multiply-adds of J t per second, all trials */
  macPerS: number;
  ofPeak: number;
}
const rows: Row[] = [];
const paired: { N: number; precision: Precision; threads: number; K: number; gain: number }[] = [];

for (const N of NS) {
  for (const precision of ['f32', 'f64'] as const) {
    const mark = kernel.arena.mark();
    const nets = new Map<number, NetworkHandle>();
    for (const K of KS) nets.set(K, buildNetwork(kernel, spec(N, K, precision), 1, planSteps(spec(N, K, precision))));
    const b = new Bench({ name: `W1b N = ${N} ${precision}`, ...BENCH });
    const fns = new Map<string, () => Promise<void>>();
    for (const K of KS) {
      const net = nets.get(K)!;
      const S = stepsFor(N, K);
      let k = 0;
      for (const T of THREADS) {
        const name = `${K} ${T}`;
        const fn = async () => {
          const k0 = k;
          k += S;
          const c = net.kernelCall(0, T, k0, k0 + S);
          await pool.call(kernel, T, c.fn, (t) => net.kernelCall(t, T, k0, k0 + S).args);
        };
        fns.set(name, fn);
        b.add(name, fn);
      }
    }
    await b.run();
    for (const T of THREADS) {
      const ms1 = latencyOf(b.tasks.find((t) => t.name === `1 ${T}`)!).p50 / stepsFor(N, 1);
      for (const K of KS) {
        const ms = latencyOf(b.tasks.find((t) => t.name === `${K} ${T}`)!).p50 / stepsFor(N, K);
        const mac = (N * N * K) / (ms / 1e3);
        rows.push({
          N, K, precision, threads: T, stepsPerSample: stepsFor(N, K), msPerStep: ms, msPerTrialStep: ms / K,
          gainOverK1: (ms1 * K) / ms, macPerS: mac, ofPeak: mac / (ceilings.find((c) => c.threads === T)!.macPerS / (precision === 'f64' ? 2 : 1)),
        });
      }
      if (KS.includes(16)) {
        // time(S16 steps of K = 16) / time(S1 steps of K = 1), paired; gain = 16 S16 / S1 / ratio
        const r = await pairedRatio(fns.get(`1 ${T}`)!, fns.get(`16 ${T}`)!);
        paired.push({ N, precision, threads: T, K: 16, gain: (16 * stepsFor(N, 16)) / stepsFor(N, 1) / r });
      }
    }
    kernel.arena.release(mark);
  }
}
pool.release(kernel);
await disposePool();

const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
const runtime = { name: deno ? 'deno' : 'node', version: deno ? deno.version.deno : process.version, v8: process.versions.v8 };
const cpus = os.cpus();
const load1 = loadavg();
const record = {
  workload: 'W1b (batched trials)',
  date,
  command: 'node scripts/build.mjs && node dist/bench/w1b.js',
  runtime,
  cpu: { model: cpus[0]?.model ?? 'unknown', cores: cpus.length, loadavgBefore: load0, loadavgAfter: load1 },
  settings: { g: 2, dt: 0.1, method: 'euler', phi: 'tanh', Ns: NS, Ks: KS, threads: THREADS, tinybench: BENCH },
  ceilings: ceilings.map((c) => ({ ...c, note: 'macPerS: f32 multiply-adds per second of peakMulAddF32 on that many threads (f64: half); GBs: streamSumF64' })),
  results: rows,
  pairedK16: paired,
};
const file = writeRecord('w1b', runtime.name, date, process.env.W1B_NS !== undefined || process.env.W1B_KS !== undefined, record);

console.log(`date: ${date}; runtime: ${runtime.name} ${runtime.version} (V8 ${runtime.v8}); cpu: ${record.cpu.model}, ${cpus.length} cores; load ${load0.join(', ')} before, ${load1.join(', ')} after`);
for (const c of ceilings) console.log(`ceilings, ${c.threads} thread(s): ${(c.macPerS / 1e9).toFixed(1)} G f32 multiply-adds/s (peakMulAddF32), ${c.GBs.toFixed(1)} GB/s (streamSumF64)`);
console.log(`record: ${file}\n`);
console.log('cells: ms per Euler step of all K trials | per-trial throughput / K = 1 | multiply-adds per second as % of the arithmetic probe at that thread count (f64: half the f32 probe)\n');
console.log('| N | precision | K | 1 thread: ms | × K = 1 | % of peak | 2 threads: ms | × K = 1 | % of peak |');
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const N of NS) {
  for (const p of ['f32', 'f64'] as const) {
    for (const K of KS) {
      const c = (T: number) => {
        const r = rows.find((x) => x.N === N && x.precision === p && x.K === K && x.threads === T);
        return r ? `${r.msPerStep.toFixed(3)} | ${r.gainOverK1.toFixed(2)} | ${(100 * r.ofPeak).toFixed(0)} %` : '– | – | –';
      };
      console.log(`| ${N} | ${p} | ${K} | ${c(1)} | ${c(2)} |`);
    }
  }
}
if (paired.length) {
  console.log('\npaired (31 alternating rounds of K = 1 and K = 16, median ratio): per-trial throughput of K = 16 over K = 1');
  for (const q of paired) console.log(`  N = ${q.N} ${q.precision}, ${q.threads} thread(s): ${q.gain.toFixed(2)}x`);
}
