// Benchmark W1 of issue 6: a dense i.i.d. random network (J = g N(0,1)/sqrt(N), g = 2, tanh), forward Euler
// with dt = 0.1, N in {1000, 2000, 4000}, f32 and f64 couplings; median time per Euler step of
//   - dmftlab wasm-simd-threads with 1 and 2 threads (the session pool, as bench/threads.ts drives it),
//   - the plain `js` variant (src/core/js-kernel.ts under buildNetwork, as runs use it) at N <= 2000,
//   - the numpy peer bench/peers/w1.py (x = x + dt * (-x + J @ np.tanh(x))) with its BLAS on 1 and 2 threads,
// and a memory-bandwidth probe (streamSumF64 over a buffer as large as the N = 4000 f64 matrix, 1 and 2
// threads, same pool), all in one process and run. Each step reads J once, so bytes of J per step / time
// is the bandwidth a step achieves; it is reported as a fraction of the probe's bandwidth at the same
// thread count (below the probe: not yet at the limit; above 1 only where J fits in the caches, N = 1000).
//
// Run (from the repository root):  npm run bench:w1   (or: node scripts/build.mjs && node dist/bench/w1.js)
// Writes bench/results/<date>T<hhmm>-w1-<node|deno>.json (-partial.json for a W1_NS or W1_NO_NUMPY run) and
// prints a markdown table for bench/RESULTS.md.
// Environment: W1_NS=1000,2000 (a subset of N), W1_NO_NUMPY=1 (skip the peer).
import { Bench } from 'tinybench';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { newKernel, newJsKernel } from '../src/core/wasm.js';
import { parseSpec } from '../src/spec/validate.js';
import { buildNetwork, planSteps } from '../src/sim/simulate.js';
import { getPool, disposePool } from '../src/core/pool.js';
import { pairedRatio } from './lib/paired.js';

type Precision = 'f64' | 'f32';
const NS = (process.env.W1_NS ?? '1000,2000,4000').split(',').map(Number);
const G = 2;
const DT = 0.1;
/** Euler steps per tinybench sample (the pool is driven in chunks, as in runs), by N. */
const STEPS: Record<number, number> = { 1000: 40, 2000: 10, 4000: 5 };
const stepsFor = (N: number) => STEPS[N] ?? Math.max(1, Math.round(4e7 / (N * N)));
const BENCH = { time: 1500, iterations: 10, warmupTime: 200, warmupIterations: 2 };
const JS_MAX_N = 2000;
const NUMPY_SAMPLES = 15;

const loadavg = () => os.loadavg().map((v) => Number(v.toFixed(2)));
const cpuSeconds = () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime of all threads, clock ticks (100 Hz)
};
const load0 = loadavg();
/** A tinybench task's latency statistics (ms per sample), or null if it did not complete. */
const latency = (t: { result?: object }) => (t.result && 'latency' in t.result ? (t.result.latency as { p50?: number; samplesCount: number }) : null);
const date = new Date().toISOString();

const kernel = await newKernel();
const jsKernel = newJsKernel();
const pool = await getPool(2);

// the bandwidth probe: the f64 sum over a buffer as large as the largest f64 coupling matrix
const nMax = Math.max(4000, ...NS); // at least 128 MB, far beyond the caches
const nProbe = Math.ceil((nMax * nMax) / 32) * 32;
const probe = kernel.arena.f64(nProbe);
probe.view().fill(1);
const probeBytes = 8 * nProbe;
const part = (t: number, T: number) => {
  const a = Math.floor((nProbe / 32) * (t / T)) * 32;
  const b = Math.floor((nProbe / 32) * ((t + 1) / T)) * 32;
  return [probe.ptr + 8 * a, b - a];
};
const stream = (T: number) => async () => void (await pool.call(kernel, T, 'streamSumF64', (t) => part(t, T)));

const spec = (N: number, precision: Precision) =>
  parseSpec({
    dmftlab: 1,
    seed: 1,
    model: { kind: 'random', N, g: G, phi: 'tanh' },
    // a long burn-in: every timed step lies inside it (no sampling work)
    simulation: { method: 'euler', dt: DT, precision, tBurn: 1e6, tMeasure: 1, sampleEvery: 0.5, blocks: 2, lags: [0] },
  });

interface Row {
  variant: 'wasm-simd-threads' | 'js';
  threads: number;
  precision: Precision;
  N: number;
  stepsPerSample: number;
  samples: number;
  medianMsPerStep: number;
}
const rows: Row[] = [];
const probeMs: Record<number, number> = {};
let paired: { note: string; stepOverStream: number; fraction: number } | null = null;

const cpu0 = cpuSeconds();
const wall0 = performance.now();
{
  const bench = new Bench({ name: 'probe', time: 1500, iterations: 10, warmupTime: 200, warmupIterations: 2 });
  bench.add('stream 1', stream(1));
  bench.add('stream 2', stream(2));
  await bench.run();
  for (const t of bench.tasks) probeMs[Number(t.name.split(' ')[1])] = latency(t)?.p50 ?? NaN;
}

for (const N of NS) {
  const S = stepsFor(N);
  const bench = new Bench({ name: `W1 N = ${N}`, ...BENCH });
  const meta: Record<string, Omit<Row, 'samples' | 'medianMsPerStep'>> = {};
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
    const lat = latency(t);
    rows.push({ ...m, samples: lat?.samplesCount ?? 0, medianMsPerStep: (lat?.p50 ?? NaN) / m.stepsPerSample });
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
const cpuShare = (cpuSeconds() - cpu0) / ((performance.now() - wall0) / 1000);
pool.release(kernel);
await disposePool();

// the numpy peer, BLAS on 1 and then 2 threads
interface NumpyRun {
  python: string;
  numpy: string;
  blas: unknown;
  env: Record<string, string | null>;
  results: { N: number; dtype: 'float64' | 'float32'; medianMsPerStep: number; minMsPerStep: number; samples: number; stepsPerSample: number; msPerStep: number[] }[];
}
const numpy: Record<number, NumpyRun> = {};
let numpySkipped = '';
if (process.env.W1_NO_NUMPY) numpySkipped = 'W1_NO_NUMPY is set';
for (const T of [1, 2]) {
  if (numpySkipped) break;
  const arg = JSON.stringify({ Ns: NS, steps: NS.map(stepsFor), samples: NUMPY_SAMPLES, g: G, dt: DT, seed: 1 });
  const t = String(T);
  const py = spawnSync('python3', ['bench/peers/w1.py', arg], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t },
    maxBuffer: 1 << 24,
  });
  if (py.error) numpySkipped = `python3 could not be started (${py.error.message})`;
  else if (py.status !== 0 && /No module named .?numpy/.test(py.stderr)) numpySkipped = 'python3 has no numpy';
  else if (py.status !== 0) numpySkipped = `bench/peers/w1.py failed (exit ${py.status}): ${py.stderr.trim().split('\n').slice(-1)[0]}`;
  else numpy[T] = JSON.parse(py.stdout.trim().split('\n').slice(-1)[0]) as NumpyRun;
}
if (numpySkipped) console.log(`numpy peer skipped: ${numpySkipped}`);
const load1 = loadavg();

// ratios
const bytesPerStep = (N: number, p: Precision) => N * N * (p === 'f64' ? 8 : 4); // J, read once per Euler step
const probeGBs = (T: number) => probeBytes / 1e9 / (probeMs[T] / 1e3);
const npMs = (T: number, N: number, p: Precision) =>
  numpy[T]?.results.find((r) => r.N === N && r.dtype === (p === 'f64' ? 'float64' : 'float32'))?.medianMsPerStep ?? NaN;
const cell = (ms: number, T: number, N: number, p: Precision) => {
  const gbs = bytesPerStep(N, p) / 1e9 / (ms / 1e3);
  return { ms, GBs: gbs, ofBandwidth: gbs / probeGBs(T), vsNumpyF64: npMs(T, N, 'f64') / ms };
};

const cpus = os.cpus();
// Deno runs this same bundle (npm run bench:deno) through its Node compatibility layer, where
// process.version is the Node version it emulates: name the runtime from Deno's own version instead
const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
const runtime = {
  name: deno ? 'deno' : 'node',
  version: deno ? deno.version.deno : process.version,
  v8: process.versions.v8,
  platform: `${process.platform} ${process.arch}`,
};
const record = {
  workload: 'W1',
  date,
  command: 'npm run bench:w1',
  runtime,
  cpu: { model: cpus[0]?.model ?? 'unknown', cores: cpus.length, loadavgBefore: load0, loadavgAfter: load1, cpuShareDuringDmftlab: Number(cpuShare.toFixed(2)) },
  settings: { g: G, dt: DT, method: 'euler', phi: 'tanh', seed: 1, tinybench: BENCH, stepsPerSample: Object.fromEntries(NS.map((N) => [N, stepsFor(N)])), jsMaxN: JS_MAX_N },
  bandwidthProbe: {
    kernel: 'streamSumF64 (assembly/linalg.ts) through the pool',
    bytes: probeBytes,
    medianMs: probeMs,
    GBs: { 1: probeGBs(1), 2: probeGBs(2) },
  },
  results: rows.map((r) => ({ ...r, bytesOfJPerStep: bytesPerStep(r.N, r.precision), ...cell(r.medianMsPerStep, r.threads, r.N, r.precision) })),
  pairedTarget: paired,
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
mkdirSync('bench/results', { recursive: true });
// a partial run (W1_NS or W1_NO_NUMPY) is marked as such in its name
const partial = process.env.W1_NS !== undefined || process.env.W1_NO_NUMPY ? '-partial' : '';
// the minute of the run is in the name, so runs never overwrite each other (Node and Deno runs pair by time)
const file = `bench/results/${date.slice(0, 10)}T${date.slice(11, 16).replace(':', '')}-w1-${runtime.name}${partial}.json`;
writeFileSync(file, JSON.stringify(record, null, 2) + '\n');

// the table
const fmt = (c: ReturnType<typeof cell> | null) =>
  c ? `${c.ms.toFixed(3)} | ${Number.isFinite(c.vsNumpyF64) ? c.vsNumpyF64.toFixed(2) : '–'} | ${(100 * c.ofBandwidth).toFixed(0)} %` : '– | – | –';
console.log(`date: ${date}`);
console.log(`runtime: ${runtime.name} ${runtime.version} (V8 ${runtime.v8}, ${runtime.platform})`);
console.log(`cpu: ${record.cpu.model}, ${cpus.length} logical cores; load average ${load0.join(', ')} before, ${load1.join(', ')} after; CPU time / wall during the dmftlab part ${cpuShare.toFixed(2)}`);
console.log(
  numpySkipped
    ? `numpy: skipped (${numpySkipped})`
    : `numpy: ${numpy[1].numpy} (python ${numpy[1].python}, BLAS ${JSON.stringify(numpy[1].blas)}), OPENBLAS/OMP/MKL_NUM_THREADS = 1 and 2`,
);
console.log(`bandwidth probe (${(probeBytes / 2 ** 20).toFixed(0)} MiB, streamSumF64): 1 thread ${probeGBs(1).toFixed(1)} GB/s, 2 threads ${probeGBs(2).toFixed(1)} GB/s`);
if (paired) console.log(`paired (N = 4000, f32, 2 threads vs probe, 2 threads): ${(100 * paired.fraction).toFixed(0)} % of the bandwidth limit`);
console.log(`record: ${file}\n`);
console.log('cells: median ms per Euler step | speed-up vs numpy f64 at the same thread count (numpy ms / ms) | bytes of J per step / time as % of the probe bandwidth at that thread count\n');
console.log('| N | runtime / variant | precision | 1 thread: ms | × numpy f64 | % of bandwidth | 2 threads: ms | × numpy f64 | % of bandwidth |');
console.log('|---:|---|---|---:|---:|---:|---:|---:|---:|');
for (const N of NS) {
  for (const p of ['f32', 'f64'] as const) {
    const get = (v: string, T: number) => {
      const r = rows.find((x) => x.N === N && x.precision === p && x.variant === v && x.threads === T);
      return r ? cell(r.medianMsPerStep, T, N, p) : null;
    };
    console.log(`| ${N} | ${runtime.name} wasm-simd-threads | ${p} | ${fmt(get('wasm-simd-threads', 1))} | ${fmt(get('wasm-simd-threads', 2))} |`);
    if (N <= JS_MAX_N) console.log(`| ${N} | ${runtime.name} js | ${p} | ${fmt(get('js', 1))} | ${fmt(null)} |`);
    if (!numpySkipped) {
      const np = (T: number) => cell(npMs(T, N, p), T, N, p);
      console.log(`| ${N} | numpy | ${p === 'f64' ? 'float64' : 'float32'} | ${fmt(np(1))} | ${fmt(np(2))} |`);
    }
  }
}
