/**
 * The portable core of benchmark W1 (issue 6): the dmftlab timings, the record and the table, with no
 * node:* import, so the same code runs in Node and Deno (bench/w1.ts) and in a Chromium page
 * (bench/browser/page.ts). What only Node can do (the numpy peer, /proc, the load average, files) is done by
 * the callers and handed in.
 *
 * The workload: a dense i.i.d. random network (J = g N(0,1)/sqrt(N), g = 2, tanh), forward Euler with
 * dt = 0.1, f32 and f64 couplings; median time per Euler step of
 *   - dmftlab wasm-simd-threads with 1 and 2 threads (the session pool, as bench/threads.ts drives it),
 *   - the plain `js` variant (src/core/js-kernel.ts under buildNetwork, as runs use it) at N <= 2000,
 * and a memory-bandwidth probe (streamSumF64 over a buffer as large as the N = 4000 f64 matrix, 1 and 2
 * threads, same pool). Each step reads J once, so bytes of J per step / time is the bandwidth a step
 * achieves; it is reported as a fraction of the probe's bandwidth at the same thread count.
 */
import { Bench } from 'tinybench';
import { newKernel, newJsKernel } from '../../src/core/wasm.js';
import { parseSpec } from '../../src/spec/validate.js';
import { buildNetwork, planSteps } from '../../src/sim/simulate.js';
import { getPool, disposePool } from '../../src/core/pool.js';
import { pairedRatio } from './paired.js';
import { bandwidthProbe } from './probe.js';
import { latencyOf } from './latency.js';
import type { HostInfo, RuntimeInfo } from './records.js';

export type Precision = 'f64' | 'f32';
export const W1_NS = [1000, 2000, 4000];
export const G = 2;
export const DT = 0.1;
/** Euler steps per tinybench sample (the pool is driven in chunks, as in runs), by N. */
const STEPS: Record<number, number> = { 1000: 40, 2000: 10, 4000: 5 };
export const stepsFor = (N: number): number => STEPS[N] ?? Math.max(1, Math.round(4e7 / (N * N)));
export const BENCH = { time: 1500, iterations: 10, warmupTime: 200, warmupIterations: 2 };
export const JS_MAX_N = 2000;

/** W1_NS=1000,2000 (a subset of N), or the default. */
export const parseNs = (s: string | undefined): number[] => (s ?? W1_NS.join(',')).split(',').map(Number);

export interface W1Row {
  variant: 'wasm-simd-threads' | 'js';
  threads: number;
  precision: Precision;
  N: number;
  stepsPerSample: number;
  samples: number;
  medianMsPerStep: number;
}

/** What the dmftlab part of a run measured. */
export interface W1Core {
  Ns: number[];
  rows: W1Row[];
  /** the probe's median ms by thread count */
  probeMs: Record<number, number>;
  probeBytes: number;
  paired: { note: string; stepOverStream: number; fraction: number } | null;
  /** CPU time of the process / wall time during the dmftlab part, or null where the runtime cannot tell */
  cpuShare: number | null;
}

export interface W1Hooks {
  /** CPU seconds of the whole process (every thread), if the caller can read them */
  processCpuSeconds?: () => number | Promise<number>;
  log?: (line: string) => void;
}

const spec = (N: number, precision: Precision) =>
  parseSpec({
    dmftlab: 1,
    seed: 1,
    model: { kind: 'random', N, g: G, phi: 'tanh' },
    // a long burn-in: every timed step lies inside it (no sampling work)
    simulation: { method: 'euler', dt: DT, precision, tBurn: 1e6, tMeasure: 1, sampleEvery: 0.5, blocks: 2, lags: [0] },
  });

/** The dmftlab part of W1: the probe, then per N every variant, precision and thread count. */
export async function runW1Core(Ns: number[], hooks: W1Hooks = {}): Promise<W1Core> {
  const log = hooks.log ?? (() => {});
  const kernel = await newKernel();
  const jsKernel = newJsKernel();
  const pool = await getPool(2);

  // the bandwidth probe: the f64 sum over a buffer as large as the largest f64 coupling matrix
  const nMax = Math.max(4000, ...Ns); // at least 128 MB, far beyond the caches
  const probe = bandwidthProbe(kernel, pool, nMax * nMax);
  const probeBytes = probe.bytes;
  const stream = probe.stream;

  const rows: W1Row[] = [];
  let paired: W1Core['paired'] = null;

  const cpu0 = hooks.processCpuSeconds ? await hooks.processCpuSeconds() : NaN;
  const wall0 = performance.now();
  log('W1: bandwidth probe');
  const probeMs = await probe.measure([1, 2]);

  for (const N of Ns) {
    log(`W1: N = ${N}`);
    const S = stepsFor(N);
    const bench = new Bench({ name: `W1 N = ${N}`, ...BENCH });
    const meta: Record<string, Omit<W1Row, 'samples' | 'medianMsPerStep'>> = {};
    const mark = kernel.arena.mark();
    const jsMark = jsKernel.arena.mark();
    const fns: Record<string, () => Promise<void>> = {};
    for (const precision of ['f64', 'f32'] as const) {
      const sp = spec(N, precision);
      const net = buildNetwork(kernel, sp, 1, planSteps(sp));
      let k = 0;
      for (const T of [1, 2]) {
        const name = `wasm-simd-threads ${T} ${precision}`;
        meta[name] = { variant: 'wasm-simd-threads', threads: T, precision, N, stepsPerSample: S };
        fns[name] = async () => {
          const k0 = k;
          k += S;
          await pool.call(kernel, T, 'simSteps', (t) => [net.ctx, t, T, k0, k0 + S]);
        };
        bench.add(name, fns[name]);
      }
      if (N <= JS_MAX_N) {
        const jnet = buildNetwork(jsKernel, sp, 1, planSteps(sp));
        let kj = 0;
        const name = `js 1 ${precision}`;
        meta[name] = { variant: 'js', threads: 1, precision, N, stepsPerSample: 1 };
        bench.add(name, () => {
          jnet.step(kj, kj + 1);
          kj += 1;
        });
      }
    }
    await bench.run();
    for (const t of bench.tasks) {
      const m = meta[t.name];
      const lat = t.result && 'latency' in t.result ? t.result.latency : null;
      rows.push({ ...m, samples: lat?.samplesCount ?? 0, medianMsPerStep: latencyOf(t).p50 / m.stepsPerSample });
    }
    if (N === 4000) {
      // the target's ratio under one load: rounds of (probe 2 threads, then S steps f32 2 threads)
      const r = await pairedRatio(stream(2), fns['wasm-simd-threads 2 f32']);
      const fraction = (S * N * N * 4) / probeBytes / r;
      paired = { note: 'median over 31 alternating rounds of time(S steps f32, 2 threads) / time(probe, 2 threads)', stepOverStream: r, fraction };
    }
    kernel.arena.release(mark);
    jsKernel.arena.release(jsMark);
  }
  const cpuShare = hooks.processCpuSeconds ? ((await hooks.processCpuSeconds()) - cpu0) / ((performance.now() - wall0) / 1000) : null;
  pool.release(kernel);
  await disposePool();
  return { Ns, rows, probeMs, probeBytes, paired, cpuShare };
}

/** One run of the numpy peer bench/peers/w1.py (its JSON line). */
export interface NumpyRun {
  python: string;
  numpy: string;
  blas: unknown;
  env: Record<string, string | null>;
  results: { N: number; dtype: 'float64' | 'float32'; medianMsPerStep: number; minMsPerStep: number; samples: number; stepsPerSample: number; msPerStep: number[] }[];
}

/** Everything around the dmftlab part that goes into the record. */
export interface W1Context {
  date: string;
  command: string;
  runtime: RuntimeInfo;
  host: HostInfo;
  /** the peer's runs by BLAS thread count, when it ran */
  numpy: Record<number, NumpyRun>;
  /** why the peer did not run ('' when it did) */
  numpySkipped: string;
}

const bytesPerStep = (N: number, p: Precision) => N * N * (p === 'f64' ? 8 : 4); // J, read once per Euler step

function cells(core: W1Core, ctx: W1Context) {
  const probeGBs = (T: number) => core.probeBytes / 1e9 / (core.probeMs[T] / 1e3);
  const npMs = (T: number, N: number, p: Precision) =>
    ctx.numpy[T]?.results.find((r) => r.N === N && r.dtype === (p === 'f64' ? 'float64' : 'float32'))?.medianMsPerStep ?? NaN;
  const cell = (ms: number, T: number, N: number, p: Precision) => {
    const gbs = bytesPerStep(N, p) / 1e9 / (ms / 1e3);
    return { ms, GBs: gbs, ofBandwidth: gbs / probeGBs(T), vsNumpyF64: npMs(T, N, 'f64') / ms };
  };
  return { probeGBs, npMs, cell };
}

/** The JSON record (bench/results/<date>T<hhmm>-w1-<runtime>.json); other tools read this shape. */
export function w1Record(core: W1Core, ctx: W1Context) {
  const { probeGBs, cell } = cells(core, ctx);
  const { numpy, numpySkipped } = ctx;
  return {
    workload: 'W1',
    date: ctx.date,
    command: ctx.command,
    runtime: ctx.runtime,
    cpu: {
      model: ctx.host.model,
      cores: ctx.host.cores,
      loadavgBefore: ctx.host.loadavgBefore,
      loadavgAfter: ctx.host.loadavgAfter,
      cpuShareDuringDmftlab: core.cpuShare === null ? null : Number(core.cpuShare.toFixed(2)),
    },
    settings: { g: G, dt: DT, method: 'euler', phi: 'tanh', seed: 1, tinybench: BENCH, stepsPerSample: Object.fromEntries(core.Ns.map((N) => [N, stepsFor(N)])), jsMaxN: JS_MAX_N },
    bandwidthProbe: {
      kernel: 'streamSumF64 (assembly/linalg.ts) through the pool',
      bytes: core.probeBytes,
      medianMs: core.probeMs,
      GBs: { 1: probeGBs(1), 2: probeGBs(2) },
    },
    results: core.rows.map((r) => ({ ...r, bytesOfJPerStep: bytesPerStep(r.N, r.precision), ...cell(r.medianMsPerStep, r.threads, r.N, r.precision) })),
    pairedTarget: core.paired,
    numpy: numpySkipped
      ? { skipped: numpySkipped }
      : {
          script: 'bench/peers/w1.py',
          python: numpy[1].python,
          numpy: numpy[1].numpy,
          blas: numpy[1].blas,
          runs: [1, 2].map((T) => ({
            threads: T,
            env: numpy[T].env,
            results: numpy[T].results.map(({ msPerStep: _, ...r }) => ({
              ...r,
              ...cell(r.medianMsPerStep, T, r.N, r.dtype === 'float64' ? 'f64' : 'f32'),
            })),
          })),
        },
  };
}

/** The printed report: the run's circumstances, then the markdown table. */
export function w1Report(core: W1Core, ctx: W1Context, file: string): string {
  const { probeGBs, npMs, cell } = cells(core, ctx);
  const { runtime, host, numpy, numpySkipped, date } = ctx;
  const out: string[] = [];
  const fmt = (c: ReturnType<typeof cell> | null) =>
    c ? `${c.ms.toFixed(3)} | ${Number.isFinite(c.vsNumpyF64) ? c.vsNumpyF64.toFixed(2) : '–'} | ${(100 * c.ofBandwidth).toFixed(0)} %` : '– | – | –';
  out.push(`date: ${date}`);
  out.push(`runtime: ${runtime.name} ${runtime.version} (V8 ${runtime.v8}, ${runtime.platform})`);
  out.push(
    `cpu: ${host.model}, ${host.cores} logical cores; load average ${host.loadavgBefore.join(', ')} before, ${host.loadavgAfter.join(', ')} after; ` +
      `CPU time / wall during the dmftlab part ${core.cpuShare === null ? 'unknown' : core.cpuShare.toFixed(2)}`,
  );
  out.push(
    numpySkipped
      ? `numpy: skipped (${numpySkipped})`
      : `numpy: ${numpy[1].numpy} (python ${numpy[1].python}, BLAS ${JSON.stringify(numpy[1].blas)}), OPENBLAS/OMP/MKL_NUM_THREADS = 1 and 2`,
  );
  out.push(`bandwidth probe (${(core.probeBytes / 2 ** 20).toFixed(0)} MiB, streamSumF64): 1 thread ${probeGBs(1).toFixed(1)} GB/s, 2 threads ${probeGBs(2).toFixed(1)} GB/s`);
  if (core.paired) out.push(`paired (N = 4000, f32, 2 threads vs probe, 2 threads): ${(100 * core.paired.fraction).toFixed(0)} % of the bandwidth limit`);
  out.push(`record: ${file}\n`);
  out.push('cells: median ms per Euler step | speed-up vs numpy f64 at the same thread count (numpy ms / ms) | bytes of J per step / time as % of the probe bandwidth at that thread count\n');
  out.push('| N | runtime / variant | precision | 1 thread: ms | × numpy f64 | % of bandwidth | 2 threads: ms | × numpy f64 | % of bandwidth |');
  out.push('|---:|---|---|---:|---:|---:|---:|---:|---:|');
  for (const N of core.Ns) {
    for (const p of ['f32', 'f64'] as const) {
      const get = (v: string, T: number) => {
        const r = core.rows.find((x) => x.N === N && x.precision === p && x.variant === v && x.threads === T);
        return r ? cell(r.medianMsPerStep, T, N, p) : null;
      };
      out.push(`| ${N} | ${runtime.name} wasm-simd-threads | ${p} | ${fmt(get('wasm-simd-threads', 1))} | ${fmt(get('wasm-simd-threads', 2))} |`);
      if (N <= JS_MAX_N) out.push(`| ${N} | ${runtime.name} js | ${p} | ${fmt(get('js', 1))} | ${fmt(null)} |`);
      if (!numpySkipped) {
        const np = (T: number) => cell(npMs(T, N, p), T, N, p);
        out.push(`| ${N} | numpy | ${p === 'f64' ? 'float64' : 'float32'} | ${fmt(np(1))} | ${fmt(np(2))} |`);
      }
    }
  }
  return out.join('\n');
}
