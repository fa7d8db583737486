// Benchmark (issue 4): the shared-matrix multiregion step against P separate matvecs, N = 4000 per region,
// P = 2, f64 and f32, measured in the same run.
//
//   kernel rows: one call of linalg.ts matvecMultiF64/F32 (chi streamed once, both regions' rate vectors)
//     against two calls of matvecF64/F32 on the same chi (chi streamed twice): the matrix traffic alone.
//   step rows: one Euler step of mrSteps (assembly/mrsim.ts: phi, scatter, projections, random input,
//     update) for coupling "shared" (one chi) against coupling "independent" (two matrices J^a, each
//     streamed by its own matvec): what a user sees. On the calling thread, and on 2 pool threads.
//
// Run (from the repository root):  node scripts/build.mjs && node dist/bench/mrsim.js    (BENCH_N overrides N)
import { Bench } from 'tinybench';
import { pairedRatio as paired2 } from './lib/paired.js';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { newKernel } from '../src/core/wasm.js';
import { Rng } from '../src/core/rng.js';
import { getPool, disposePool } from '../src/core/pool.js';
import { buildMultiregionNetwork, type MultiregionNetwork } from '../src/sim/multiregion.js';
import { padded } from '../src/sim/layout.js';
import { latencyOf } from './lib/latency.js';

const N = Number(process.env.BENCH_N ?? 4000);
const P = 2;
const STEPS = 4; // Euler steps per tinybench sample
const ld = padded(N);
const kernel = await newKernel();
const wasm = kernel.exports;
const pool = await getPool(2);
const loadavg = () => os.loadavg().map((v) => v.toFixed(2)).join(', ');
const loads = [loadavg()];
const cpuSeconds = () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime of all threads, clock ticks (100 Hz)
};

function network(coupling: 'shared' | 'independent', precision: 'f64' | 'f32'): MultiregionNetwork {
  const rng = new Rng(3, 77);
  const perm = new Int32Array(P * N);
  for (let a = 0; a < P; a++) perm.set(rng.permutation(N), a * N);
  return {
    P,
    N,
    g: [1.5, 2],
    phiCode: 0,
    coupling,
    precision,
    method: 'euler',
    dt: 0.05,
    seed: 1,
    n: new Float64Array(P * P * N).map(() => rng.normal()),
    m: new Float64Array(P * P * N).map(() => rng.normal()),
    v: null,
    perm: coupling === 'shared' ? perm : null,
    x0: new Float64Array(P * N).map(() => rng.normal()),
    schedule: null,
    plan: { burnSteps: 1e8, stride: 1, samples: 1, lagSamples: [0] }, // all steps inside the burn-in: no sampling work
    traceUnits: [],
  };
}

const med: Record<string, number> = {};
const best: Record<string, number> = {};
const paired: Record<string, number> = {};
const PAIRS = 31; // alternating rounds of the paired comparison
const pairedRatio = (a: () => unknown, b: () => unknown) => paired2(a, b, PAIRS);
let cpuShare = 0;
for (const precision of ['f64', 'f32'] as const) {
  const bench = new Bench({ name: `mrsim ${precision} N = ${N}`, time: 2500, warmupTime: 400 });
  const shared = buildMultiregionNetwork(kernel, network('shared', precision));
  const indep = buildMultiregionNetwork(kernel, network('independent', precision));
  const el = precision === 'f32' ? 4 : 8;
  const q = precision === 'f32' ? kernel.arena.f32(P * ld) : kernel.arena.f64(P * ld);
  q.view().set(Array.from({ length: P * ld }, (_, i) => ((i % ld) < N ? Math.tanh(Math.sin(i)) : 0)));
  const y = kernel.arena.f64(P * ld);
  const chi = shared.coupling!.ptr;
  const multi = precision === 'f32' ? wasm.matvecMultiF32 : wasm.matvecMultiF64;
  const single = precision === 'f32' ? wasm.matvecF32 : wasm.matvecF64;
  const fns: Record<string, () => unknown> = {};
  fns[`kernel ${precision}: fused, chi once`] = () => multi(chi, ld, q.ptr, ld, P, y.ptr, ld, 0, N);
  fns[`kernel ${precision}: ${P} matvecs on chi`] = () => {
    for (let a = 0; a < P; a++) single(chi, ld, q.ptr + a * ld * el, y.ptr + a * ld * 8, 0, N);
  };
  for (const [name, h] of [['shared', shared], ['independent', indep]] as const) {
    let k = 0;
    fns[`step ${precision} ${name} 1 thread`] = () => {
      wasm.mrSteps(h.ctx, 0, 1, k, k + STEPS);
      k += STEPS;
    };
    fns[`step ${precision} ${name} 2 threads`] = async () => {
      const k0 = k;
      k += STEPS;
      await pool.call(kernel, 2, 'mrSteps', (t) => [h.ctx, t, 2, k0, k0 + STEPS]);
    };
  }
  for (const [name, f] of Object.entries(fns)) bench.add(name, f);
  const cpu0 = cpuSeconds();
  const wall0 = performance.now();
  await bench.run();
  cpuShare = Math.max(cpuShare, (cpuSeconds() - cpu0) / ((performance.now() - wall0) / 1000));
  const pair = async (a: string, b: string) => (paired[b] = await pairedRatio(fns[a], fns[b]));
  await pair(`kernel ${precision}: fused, chi once`, `kernel ${precision}: ${P} matvecs on chi`);
  for (const th of ['1 thread', '2 threads']) await pair(`step ${precision} shared ${th}`, `step ${precision} independent ${th}`);
  for (const task of bench.tasks) {
    med[task.name] = latencyOf(task).p50; // ms per sample
    best[task.name] = latencyOf(task).min; // less sensitive to other jobs on a loaded machine
  }
  shared.check(0);
  indep.check(0);
  shared.release(); // frees indep, q and y too (allocated after it)
}
loads.push(loadavg());
await disposePool();

console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores; load average ${loads[0]} before, ${loads[1]} after`);
console.log(`Runtime: Node ${process.version}; date ${new Date().toISOString().slice(0, 10)}; N = ${N} per region, P = ${P}`);
console.log(`CPU time of this process / wall time, max over the two runs: ${cpuShare.toFixed(2)}`);
console.log('');
console.log(`| precision | what | shared (chi once) median ms | P separate median ms | separate / shared | GB/s of matrix, shared | GB/s, separate | ratio of minima | paired ratio (median of ${PAIRS}) |`);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const p of ['f64', 'f32'] as const) {
  const bytes = N * N * (p === 'f32' ? 4 : 8); // one matrix
  const row = (what: string, ka: string, kb: string, per: number) => {
    const a = med[ka] / per;
    const b = med[kb] / per;
    const r = best[kb] / best[ka];
    console.log(
      `| ${p} | ${what} | ${a.toFixed(3)} | ${b.toFixed(3)} | ${(b / a).toFixed(2)} | ${(bytes / 1e6 / a).toFixed(1)} | ${((P * bytes) / 1e6 / b).toFixed(1)} | ${r.toFixed(2)} | ${paired[kb].toFixed(2)} |`,
    );
  };
  row(`matvec kernels (chi once; ${P} calls on chi)`, `kernel ${p}: fused, chi once`, `kernel ${p}: ${P} matvecs on chi`, 1);
  for (const T of [1, 2]) {
    const th = `${T} thread${T > 1 ? 's' : ''}`;
    row(`Euler step, ${th} (shared; independent)`, `step ${p} shared ${th}`, `step ${p} independent ${th}`, STEPS);
  }
}
