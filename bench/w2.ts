// Benchmark W2 of issue 6: a multiregion network (spec 02), P = 2 regions of N units each, N in {2000, 8000},
// tanh, coupling "shared" (one N x N matrix chi and a permutation per region, J^a = g_a chi Pi_a, spec 02 §1.4),
// a rank-one loop per ordered pair of regions, forward Euler with dt = 0.05, f32 and f64; median time per
// Euler step of
//   - dmftlab wasm-simd-threads with 1 and 2 pool threads: the network comes from a spec through the public
//     path (parseSpec, multiregionNetworkOf, buildMultiregionNetwork; mrSteps on the pool as runs drive it),
//     every timed step inside the burn-in (no sampling work),
//   - the numpy peer bench/peers/w2.py (one chi @ r^a[pi_a] per region, and one chi @ [r^0[pi_0], r^1[pi_1]]
//     matrix product) with its BLAS on 1 and 2 threads,
// and the memory-bandwidth probe (bench/lib/probe.ts, 122 MiB, as W1), all in one process and run. Before the
// timings a small network (N = 500, f64) is run for 40 steps by dmftlab and by the peer's step functions on
// dmftlab's own chi, permutations and vectors: the peer must reproduce dmftlab's state (the same equations).
//
// Memory: chi is N x N per network, shared by the regions (not (P N) x (P N)): at N = 8000, 512 MB in f64
// and 256 MB in f32; the f64 and f32 networks of one N are alive together, next to the probe buffer, so the
// Wasm memory peaks near 0.9 GB. The peer then holds chi in float64 and float32 (768 MB) at N = 8000. The
// record lists the bytes of every matrix, the Wasm memory size and the peer's peak resident memory.
//
// Run (from the repository root):  npm run bench:w2   (or: node scripts/build.mjs && node dist/bench/w2.js)
// Writes bench/results/<date>T<hhmm>-w2-<node|deno>.json (BENCH_RESULTS_DIR elsewhere) (-partial.json when any W2_* setting below is given)
// and prints a markdown table.
// Environment (smoke runs): W2_NS=500,1000 (N per region), W2_TIME_MS=300 (tinybench time per task),
// W2_NUMPY_SAMPLES=5, W2_NO_NUMPY=1 (skip the peer and its check).
import { Bench } from 'tinybench';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { newKernel } from '../src/core/wasm.js';
import { parseSpec } from '../src/spec/validate.js';
import { planSteps } from '../src/sim/simulate.js';
import { multiregionNetworkOf } from '../src/sim/multiregion-spec.js';
import { buildMultiregionNetwork, type MultiregionHandle } from '../src/sim/multiregion.js';
import { padded } from '../src/sim/layout.js';
import { getPool, disposePool } from '../src/core/pool.js';
import { pairedRatio } from './lib/paired.js';
import { latencyOf } from './lib/latency.js';
import { bandwidthProbe } from './lib/probe.js';
import { cpuSeconds, headText, loadavg, recordHead, runPythonPeer, runtimeInfo, writeRecord } from './lib/record.js';

type Precision = 'f64' | 'f32';
type Dtype = 'float64' | 'float32';
type NumpyVariant = 'matvec' | 'matmul';
const P = 2;
const G = 1.5;
const COUPLING_C = 2.5; // symmetric interactions c = [[0, 2.5], [2.5, 0]] (the example spec multiregion-sym-p2-g1.5)
const S0 = [
  [0, 0.5],
  [0.5, 0],
];
const DT = 0.05;
const NS = (process.env.W2_NS ?? '2000,8000').split(',').map(Number);
/** Euler steps per tinybench sample, by N (about 30-40 ms of f64 work on one thread). */
const STEPS: Record<number, number> = { 2000: 10, 8000: 2 };
const stepsFor = (N: number) => STEPS[N] ?? Math.max(1, Math.round(4e7 / (N * N)));
// a longer warm-up than W1: V8 runs a Wasm function in its baseline tier until a later call, and one call is 2 steps at N = 8000
const BENCH = { time: Number(process.env.W2_TIME_MS ?? 1500), iterations: 10, warmupTime: 500, warmupIterations: 3 };
const NUMPY_SAMPLES = Number(process.env.W2_NUMPY_SAMPLES ?? 15);
const NO_NUMPY = Boolean(process.env.W2_NO_NUMPY);
const PARTIAL = ['W2_NS', 'W2_TIME_MS', 'W2_NUMPY_SAMPLES', 'W2_NO_NUMPY'].some((k) => process.env[k] !== undefined);
const CHECK = { N: 500, steps: 40, tol: 1e-9 };
const PROBE_N = 4000; // probe buffer: as large as an N = 4000 f64 matrix (122 MiB), as in W1

const date = new Date().toISOString();
const load0 = loadavg();
const runtime = runtimeInfo();

const spec = (N: number, precision: Precision) =>
  parseSpec({
    dmftlab: 1,
    seed: 1,
    model: {
      kind: 'multiregion',
      P,
      N,
      g: G,
      phi: 'tanh',
      interactions: { kind: 'symmetric', c: [[0, COUPLING_C], [COUPLING_C, 0]] },
      coupling: 'shared',
      start: { S: S0, sigma0: 1 },
    },
    // a long burn-in: every timed step lies inside it (no sampling work)
    simulation: { method: 'euler', dt: DT, precision, tBurn: 1e6, tMeasure: 1, sampleEvery: 0.5, blocks: 2, lags: [0] },
  });

const kernel = await newKernel();
const pool = await getPool(2);
const build = (N: number, precision: Precision): MultiregionHandle => {
  const sp = spec(N, precision);
  return buildMultiregionNetwork(kernel, multiregionNetworkOf(sp, sp.seed, planSteps(sp)));
};

// ---- the peer integrates the same equations: dmftlab's small network, stepped by both
interface CheckOut {
  maxAbsDiff: Record<NumpyVariant, number>;
  maxAbsX: number;
  steps: number;
  N: number;
  P: number;
}
let check: { ok: true; value: CheckOut } | { ok: false; reason: string } | null = null;
if (!NO_NUMPY) {
  const sp = spec(CHECK.N, 'f64');
  const net = multiregionNetworkOf(sp, sp.seed, planSteps(sp));
  const mark = kernel.arena.mark();
  const h = buildMultiregionNetwork(kernel, net);
  h.step(0, CHECK.steps);
  const dir = mkdtempSync(join(os.tmpdir(), 'dmftlab-w2-'));
  try {
    const N = CHECK.N;
    const ld = padded(N);
    const chiPadded = h.coupling!.view();
    const chi = new Float64Array(N * N);
    for (let i = 0; i < N; i++) chi.set(chiPadded.subarray(i * ld, i * ld + N), i * N);
    const bytes = (a: Float64Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    writeFileSync(join(dir, 'chi.f64'), bytes(chi));
    writeFileSync(join(dir, 'perm.i32'), bytes(net.perm!));
    writeFileSync(join(dir, 'n.f64'), bytes(net.n));
    writeFileSync(join(dir, 'm.f64'), bytes(net.m));
    writeFileSync(join(dir, 'x0.f64'), bytes(net.x0));
    writeFileSync(join(dir, 'x.f64'), bytes(h.read().final.x));
    const r = runPythonPeer<CheckOut>('bench/peers/w2.py', { check: { dir, P, N, steps: CHECK.steps, g: net.g, dt: net.dt } }, 1);
    check = r.ok ? { ok: true, value: r.value } : { ok: false, reason: r.reason };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    h.release();
    kernel.arena.release(mark);
  }
  if (check.ok) {
    const worst = Math.max(...Object.values(check.value.maxAbsDiff));
    if (!(worst <= CHECK.tol)) {
      throw new Error(`W2: the numpy peer does not reproduce dmftlab's dynamics: max |x_numpy - x_dmftlab| = ${worst} after ${CHECK.steps} steps (tolerance ${CHECK.tol})`);
    }
  }
}

// ---- dmftlab
const probe = bandwidthProbe(kernel, pool, PROBE_N * PROBE_N);
interface Row {
  threads: number;
  precision: Precision;
  N: number;
  stepsPerSample: number;
  samples: number;
  medianMsPerStep: number;
  minMsPerStep: number;
}
const rows: Row[] = [];
const matrixBytes: Record<string, number> = {};
let wasmMemoryBytes = 0;
let paired: { N: number; note: string; stepOverStream: number; fraction: number } | null = null;
const cpu0 = cpuSeconds();
const wall0 = performance.now();
const probeMs = await probe.measure([1, 2]);
const NMAX = Math.max(...NS);
for (const N of NS) {
  const S = stepsFor(N);
  const bench = new Bench({ name: `W2 N = ${N}`, ...BENCH });
  const meta: Record<string, Omit<Row, 'samples' | 'medianMsPerStep' | 'minMsPerStep'>> = {};
  const fns: Record<string, () => Promise<void>> = {};
  const mark = kernel.arena.mark();
  const nets: MultiregionHandle[] = [];
  for (const precision of ['f64', 'f32'] as const) {
    const net = build(N, precision);
    nets.push(net);
    matrixBytes[`${N} ${precision}`] = net.coupling!.view().byteLength;
    let k = 0;
    for (const T of [1, 2]) {
      const name = `wasm-simd-threads ${T} ${precision}`;
      meta[name] = { threads: T, precision, N, stepsPerSample: S };
      fns[name] = async () => {
        const k0 = k;
        k += S;
        const res = await pool.call(kernel, T, 'mrSteps', (t) => [net.ctx, t, T, k0, k0 + S]);
        if (res[0] !== 0) throw new Error(`mrSteps returned ${res[0]}`);
      };
      bench.add(name, fns[name]);
    }
  }
  wasmMemoryBytes = Math.max(wasmMemoryBytes, kernel.memory.buffer.byteLength);
  await bench.run();
  for (const t of bench.tasks) {
    const m = meta[t.name];
    const lat = latencyOf(t);
    rows.push({ ...m, samples: t.result && 'latency' in t.result ? t.result.latency.samplesCount : 0, medianMsPerStep: lat.p50 / S, minMsPerStep: lat.min / S });
  }
  if (N === NMAX) {
    // the bandwidth target under one load: rounds of (probe on 2 threads, then S steps f32 on 2 threads)
    const r = await pairedRatio(probe.stream(2), fns['wasm-simd-threads 2 f32']);
    const fraction = (S * matrixBytes[`${N} f32`]) / probe.bytes / r;
    paired = { N, note: 'median over 31 alternating rounds of time(S steps f32, 2 threads) / time(probe, 2 threads)', stepOverStream: r, fraction };
  }
  for (const net of nets) net.check(0);
  kernel.arena.release(mark);
}
const cpuShare = (cpuSeconds() - cpu0) / ((performance.now() - wall0) / 1000);
pool.release(kernel);
await disposePool();

// ---- the numpy peer, BLAS on 1 and then 2 threads
interface NumpyResult {
  N: number;
  dtype: Dtype;
  variant: NumpyVariant;
  stepsPerSample: number;
  samples: number;
  medianMsPerStep: number;
  minMsPerStep: number;
  cpuMedianMsPerStep: number;
  msPerStep: number[];
}
interface NumpyRun {
  python: string;
  numpy: string;
  blas: unknown;
  env: Record<string, string | null>;
  peakRssBytes: number;
  readoutScale: number[];
  results: NumpyResult[];
}
const numpy: Record<number, NumpyRun> = {};
let numpySkipped = NO_NUMPY ? 'W2_NO_NUMPY is set' : check && !check.ok ? check.reason : '';
for (const T of [1, 2]) {
  if (numpySkipped) break;
  const arg = { Ns: NS, steps: NS.map(stepsFor), samples: NUMPY_SAMPLES, P, g: [G, G], c: [[0, COUPLING_C], [COUPLING_C, 0]], S0, sigma0: 1, dt: DT, seed: 1 };
  const r = runPythonPeer<NumpyRun>('bench/peers/w2.py', arg, T);
  if (r.ok) numpy[T] = r.value;
  else numpySkipped = r.reason;
}
if (numpySkipped) console.log(`numpy peer skipped: ${numpySkipped}`);

// ---- ratios
const el = (p: Precision) => (p === 'f64' ? 8 : 4);
const dtypeOf = (p: Precision): Dtype => (p === 'f64' ? 'float64' : 'float32');
/** Bytes of matrix one step reads: dmftlab and numpy matmul read chi once, numpy matvec once per region. */
const bytesPerStep = (N: number, p: Precision, reads: number) => reads * N * N * el(p);
const probeGBs = (T: number) => probe.bytes / 1e9 / (probeMs[T] / 1e3);
const npMs = (T: number, N: number, dtype: Dtype, variant: NumpyVariant) =>
  numpy[T]?.results.find((r) => r.N === N && r.dtype === dtype && r.variant === variant)?.medianMsPerStep ?? NaN;
const cell = (ms: number, T: number, N: number, p: Precision, reads: number) => {
  const GBs = bytesPerStep(N, p, reads) / 1e9 / (ms / 1e3);
  return {
    ms,
    GBs,
    ofBandwidth: GBs / probeGBs(T),
    vsNumpyMatvecF64: npMs(T, N, 'float64', 'matvec') / ms,
    vsNumpyMatmulF64: npMs(T, N, 'float64', 'matmul') / ms,
  };
};

const head = recordHead('w2', date, PARTIAL, load0, { cpuShareDuringDmftlab: Number(cpuShare.toFixed(2)) });
const record = {
  ...head,
  settings: {
    P,
    g: G,
    phi: 'tanh',
    interactions: { kind: 'symmetric', c: [[0, COUPLING_C], [COUPLING_C, 0]] },
    start: { S: S0, sigma0: 1 },
    coupling: 'shared',
    dt: DT,
    method: 'euler',
    seed: 1,
    tinybench: BENCH,
    stepsPerSample: Object.fromEntries(NS.map((N) => [N, stepsFor(N)])),
    numpySamples: NUMPY_SAMPLES,
  },
  spec: spec(NS[0], 'f64'),
  memory: {
    note: 'chi is N x N (one matrix shared by the P regions), rows padded to a multiple of 8; per network. The f64 and f32 networks of one N are alive together.',
    matrixBytes,
    probeBytes: probe.bytes,
    wasmMemoryBytes,
    numpyPeakRssBytes: numpySkipped ? null : Object.fromEntries([1, 2].map((T) => [T, numpy[T].peakRssBytes])),
  },
  peerCheck: check
    ? check.ok
      ? { ...check.value, tolerance: CHECK.tol, note: 'dmftlab f64 network (its chi, permutations, vectors, x(0)) stepped by the peer; max |x_numpy - x_dmftlab| after the steps' }
      : { skipped: check.reason }
    : { skipped: 'W2_NO_NUMPY is set' },
  bandwidthProbe: { kernel: 'streamSumF64 (assembly/linalg.ts) through the pool', bytes: probe.bytes, medianMs: probeMs, GBs: { 1: probeGBs(1), 2: probeGBs(2) } },
  results: rows.map((r) => ({ variant: 'wasm-simd-threads', ...r, bytesOfMatrixPerStep: bytesPerStep(r.N, r.precision, 1), ...cell(r.medianMsPerStep, r.threads, r.N, r.precision, 1) })),
  pairedTarget: paired,
  numpy: numpySkipped
    ? { skipped: numpySkipped }
    : {
        script: 'bench/peers/w2.py',
        python: numpy[1].python,
        numpy: numpy[1].numpy,
        blas: numpy[1].blas,
        readoutScale: numpy[1].readoutScale,
        runs: [1, 2].map((T) => ({
          threads: T,
          env: numpy[T].env,
          results: numpy[T].results.map(({ msPerStep: _, ...r }) => {
            const p: Precision = r.dtype === 'float64' ? 'f64' : 'f32';
            const reads = r.variant === 'matvec' ? P : 1;
            return { ...r, bytesOfMatrixPerStep: bytesPerStep(r.N, p, reads), ...cell(r.medianMsPerStep, T, r.N, p, reads) };
          }),
        })),
      },
};
const file = writeRecord('w2', runtime.name, date, PARTIAL, record);

// ---- the table
const fmt = (c: ReturnType<typeof cell> | null) =>
  c && Number.isFinite(c.ms)
    ? `${c.ms.toFixed(3)} | ${Number.isFinite(c.vsNumpyMatvecF64) ? c.vsNumpyMatvecF64.toFixed(2) : '–'} | ${(100 * c.ofBandwidth).toFixed(0)} %`
    : '– | – | –';
const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
console.log(headText(head));
console.log(
  numpySkipped
    ? `numpy: skipped (${numpySkipped})`
    : `numpy: ${numpy[1].numpy} (python ${numpy[1].python}, BLAS ${JSON.stringify(numpy[1].blas)}), OPENBLAS/OMP/MKL_NUM_THREADS = 1 and 2; peak RSS ${gib(numpy[1].peakRssBytes)} / ${gib(numpy[2].peakRssBytes)}`,
);
if (check?.ok) {
  const d = check.value.maxAbsDiff;
  console.log(`peer check (dmftlab's N = ${CHECK.N} f64 network, ${CHECK.steps} Euler steps): max |x_numpy - x_dmftlab| = ${d.matvec.toExponential(1)} (matvec), ${d.matmul.toExponential(1)} (matmul)`);
}
console.log(`memory: chi per network ${Object.entries(matrixBytes).map(([k, b]) => `N = ${k} ${(b / 2 ** 20).toFixed(0)} MiB`).join(', ')}; Wasm memory ${gib(wasmMemoryBytes)} (probe ${(probe.bytes / 2 ** 20).toFixed(0)} MiB included)`);
console.log(`bandwidth probe (${(probe.bytes / 2 ** 20).toFixed(0)} MiB, streamSumF64): 1 thread ${probeGBs(1).toFixed(1)} GB/s, 2 threads ${probeGBs(2).toFixed(1)} GB/s`);
if (paired) console.log(`paired (N = ${paired.N}, f32, 2 threads vs probe, 2 threads): ${(100 * paired.fraction).toFixed(0)} % of the probe bandwidth`);
console.log(`record: ${file}\n`);
console.log(
  'cells: median ms per Euler step | speed-up vs numpy float64 matvec at the same thread count (numpy ms / ms) | bytes of matrix per step / time as % of the probe bandwidth at that thread count ' +
    `(dmftlab and numpy matmul read chi once per step, numpy matvec ${P} times)\n`,
);
console.log('| N per region | runtime / variant | precision | 1 thread: ms | × numpy f64 matvec | % of bandwidth | 2 threads: ms | × numpy f64 matvec | % of bandwidth |');
console.log('|---:|---|---|---:|---:|---:|---:|---:|---:|');
for (const N of NS) {
  for (const p of ['f32', 'f64'] as const) {
    const get = (T: number) => {
      const r = rows.find((x) => x.N === N && x.precision === p && x.threads === T);
      return r ? cell(r.medianMsPerStep, T, N, p, 1) : null;
    };
    console.log(`| ${N} | ${runtime.name} wasm-simd-threads | ${p} | ${fmt(get(1))} | ${fmt(get(2))} |`);
    if (!numpySkipped) {
      for (const v of ['matvec', 'matmul'] as const) {
        const np = (T: number) => cell(npMs(T, N, dtypeOf(p), v), T, N, p, v === 'matvec' ? P : 1);
        console.log(`| ${N} | numpy ${v} | ${dtypeOf(p)} | ${fmt(np(1))} | ${fmt(np(2))} |`);
      }
    }
  }
}
if (!numpySkipped) {
  console.log('\nTarget (at least 3x numpy): dmftlab wasm-simd-threads on 2 threads against numpy on 2 BLAS threads, numpy ms / dmftlab ms\n');
  console.log('| N per region | dmftlab | vs numpy float64 matvec | vs numpy float64 matmul | vs numpy float32 matvec | vs numpy float32 matmul | vs the fastest numpy |');
  console.log('|---:|---|---:|---:|---:|---:|---:|');
  for (const N of NS) {
    for (const p of ['f32', 'f64'] as const) {
      const r = rows.find((x) => x.N === N && x.precision === p && x.threads === 2);
      if (!r) continue;
      const all = (['float64', 'float32'] as const).flatMap((d) => (['matvec', 'matmul'] as const).map((v) => npMs(2, N, d, v)));
      const ratio = (ms: number) => (ms / r.medianMsPerStep).toFixed(2);
      console.log(`| ${N} | ${p}, 2 threads | ${all.map(ratio).join(' | ')} | ${ratio(Math.min(...all))} |`);
    }
  }
}
