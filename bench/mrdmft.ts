// Benchmark: the two-time DMFT of spec 02 §3 (issue 4 acceptance: P = 2, dt = 0.05, Nt = 2500, the paper's
// setting, in under 1 s), dmftlab's Wasm kernel against the TypeScript reference and against the numpy
// implementation of the same recursion in bench/peers/mrdmft.py (OPENBLAS_NUM_THREADS=1). Also the arcsine
// alone (the kernel's f64x2 polynomial, AssemblyScript's Math.asin, JS Math.asin), ns per value.
//
// Run (from the repository root):
//   node scripts/build.mjs && node dist/bench/mrdmft.js
//
// Prints the machine, the medians (wall clock: tinybench for dmftlab, perf_counter for numpy, which times 7
// runs in one process, excluding Python start-up and imports; CPU time: process.cpuUsage over 9 runs,
// time.process_time for numpy) and the largest difference between
// numpy's and dmftlab's S and D (both implement the same recursion, so they agree to rounding).
import { Bench } from 'tinybench';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getKernel } from '../src/core/wasm.js';
import { multiregionParams } from '../src/theory/multiregion/types.js';
import { ASIN_TABLE_LEN, solveMultiregionDmft, type MultiregionDmftOptions } from '../src/theory/multiregion/dmft.js';

const P = 2;
const g = 1.5;
// a non-trivial effective interaction: the currents settle on a fixed point with residual chaos (g = 1.5)
const T = [0.9, 3.3, -1.8, 2.7, 4.2, -4.8, 1.5, 0.6];
const params = multiregionParams(P, T, [g, g]);
const opts: MultiregionDmftOptions = { dt: 0.05, Nt: 2500, Sinit: [0.5, 0.3, -0.4, 0.8], sigma0: [1, 1] };

const kernel = await getKernel();

// numpy: same parameters through a JSON file
const dir = mkdtempSync(join(os.tmpdir(), 'dmftlab-bench-'));
const pfile = join(dir, 'params.json');
writeFileSync(
  pfile,
  JSON.stringify({ P, dt: opts.dt, Nt: opts.Nt, T, U: Array.from(params.U), G2: [g * g, 0, 0, g * g], Sinit: opts.Sinit, sigma0: opts.sigma0, reps: 7 }),
);
const py = spawnSync('python3', ['bench/peers/mrdmft.py', pfile], {
  encoding: 'utf8',
  env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
  maxBuffer: 1 << 28,
});
if (py.status !== 0) throw new Error(`numpy benchmark failed: ${py.stderr}`);
const np = JSON.parse(py.stdout) as { seconds: number[]; median: number; cpu: number[]; cpuMedian: number; numpy: string; S: number[][]; D: number[][] };

const wasmRes = solveMultiregionDmft(params, { ...opts, engine: 'wasm' });
const refRes = solveMultiregionDmft(params, { ...opts, engine: 'reference' });
let dS = 0;
let dD = 0;
let dRef = 0;
for (let k = 0; k < opts.Nt; k++) {
  for (let q = 0; q < P * P; q++) {
    dS = Math.max(dS, Math.abs(np.S[k][q] - wasmRes.S[k][q]));
    dRef = Math.max(dRef, Math.abs(refRes.S[k][q] - wasmRes.S[k][q]));
  }
  for (let a = 0; a < P; a++) {
    dD = Math.max(dD, Math.abs(np.D[k][a] - wasmRes.D[k][a]));
    dRef = Math.max(dRef, Math.abs(refRes.D[k][a] - wasmRes.D[k][a]));
  }
}
if (dS > 1e-10 || dD > 1e-10) throw new Error(`numpy and dmftlab disagree: S ${dS}, D ${dD}`);

const bench = new Bench({ time: 4000, iterations: 5 });
bench.add('wasm-simd', () => {
  solveMultiregionDmft(params, { ...opts, engine: 'wasm' });
});
bench.add('js reference', () => {
  solveMultiregionDmft(params, { ...opts, engine: 'reference' });
});

// the arcsine alone: 2^16 values in [-1, 1]
const nA = 1 << 16;
const mark = kernel.arena.mark();
const src = kernel.arena.alloc(8 * nA);
const dst = kernel.arena.alloc(8 * nA);
const tab = kernel.arena.alloc(16 * ASIN_TABLE_LEN);
kernel.exports.mrAsinTable(tab);
const xs = new Float64Array(kernel.memory.buffer, src, nA);
for (let i = 0; i < nA; i++) xs[i] = Math.sin(1.7 * i);
const xjs = Float64Array.from(xs);
let sink = 0;
bench.add('asin f64x2 (kernel)', () => kernel.exports.mrAsinVecF64(src, dst, nA, 0, tab));
bench.add('asin AssemblyScript Math.asin', () => kernel.exports.mrAsinVecF64(src, dst, nA, 1, tab));
bench.add('asin JS Math.asin', () => {
  let s = 0;
  for (let i = 0; i < nA; i++) s += Math.asin(xjs[i]);
  sink += s;
});
await bench.run();
kernel.arena.release(mark);

// CPU time (user + system of this process) per run, median of 9: on a shared, loaded machine the wall
// clock also counts the time spent waiting for a core (TOOLCHAIN.md §3), CPU time does not
const cpuMedian = (engine: 'wasm' | 'reference'): number => {
  const t: number[] = [];
  for (let r = 0; r < 9; r++) {
    const c0 = process.cpuUsage();
    solveMultiregionDmft(params, { ...opts, engine });
    const c = process.cpuUsage(c0);
    t.push((c.user + c.system) / 1000);
  }
  return t.sort((a, b) => a - b)[4];
};
const wasmCpu = cpuMedian('wasm');
const refCpu = cpuMedian('reference');
const npCpu = np.cpuMedian * 1000;

const median = (name: string): number => {
  const r = bench.tasks.find((x) => x.name === name)?.result;
  if (!r || !('latency' in r)) throw new Error(`${name}: no result`);
  return r.latency.p50; // ms
};
const samples = (name: string): number => {
  const r = bench.tasks.find((x) => x.name === name)?.result;
  return r && 'latency' in r ? r.latency.samplesCount : 0;
};

const cpus = os.cpus();
const wasmMs = median('wasm-simd');
const refMs = median('js reference');
const npMs = np.median * 1000;
console.log(`date: ${new Date().toISOString()}`);
console.log(`runtime: node ${process.version} (${process.platform} ${process.arch}); python3 numpy ${np.numpy}, OPENBLAS_NUM_THREADS=1`);
console.log(`cpu: ${cpus[0]?.model ?? '?'}, ${cpus.length} logical cores; load average at end: ${os.loadavg().map((v) => v.toFixed(2)).join(', ')}`);
console.log(`problem: P = ${P}, g = ${g}, T = [${T.join(', ')}], U = I, dt = ${opts.dt}, Nt = ${opts.Nt}, no window, S_init = [${opts.Sinit}], sigma0 = [${opts.sigma0}]`);
console.log(`end state: S = [${Array.from(wasmRes.S[opts.Nt - 1]).map((x) => x.toFixed(4))}], D = [${Array.from(wasmRes.D[opts.Nt - 1]).map((x) => x.toFixed(4))}]`);
console.log(`max |numpy - dmftlab|: S ${dS.toExponential(2)}, D ${dD.toExponential(2)}; max |TS reference - Wasm| (S, D): ${dRef.toExponential(2)}\n`);
console.log('| implementation | wall median (ms) | samples | wall / wasm-simd | CPU median (ms) | CPU / wasm-simd |');
console.log('|---|---:|---:|---:|---:|---:|');
console.log(`| dmftlab wasm-simd | ${wasmMs.toFixed(1)} | ${samples('wasm-simd')} | 1.0 | ${wasmCpu.toFixed(1)} | 1.0 |`);
console.log(`| dmftlab TypeScript reference | ${refMs.toFixed(1)} | ${samples('js reference')} | ${(refMs / wasmMs).toFixed(1)} | ${refCpu.toFixed(1)} | ${(refCpu / wasmCpu).toFixed(1)} |`);
console.log(`| numpy (bench/peers/mrdmft.py) | ${npMs.toFixed(1)} | ${np.seconds.length} | ${(npMs / wasmMs).toFixed(1)} | ${npCpu.toFixed(1)} | ${(npCpu / wasmCpu).toFixed(1)} |`);
console.log(`\nnumpy runs, wall (s): ${np.seconds.map((s) => s.toFixed(3)).join(', ')}; CPU (s): ${np.cpu.map((s) => s.toFixed(3)).join(', ')}\n`);
console.log('| arcsine, 65536 values in [-1, 1] | ns per value |');
console.log('|---|---:|');
for (const name of ['asin f64x2 (kernel)', 'asin AssemblyScript Math.asin', 'asin JS Math.asin']) {
  console.log(`| ${name} | ${((median(name) * 1e6) / nA).toFixed(2)} |`);
}
if (sink === 12345) console.log(sink);
