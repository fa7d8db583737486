// Benchmark: thread speed-up of one simulation step against the memory-bandwidth limit, measured in
// the same run. A dense N = 4000 step streams the whole coupling matrix (128 MB in f64, 64 MB in f32)
// through the cores twice per Heun step, far more than the caches hold, so two threads can only be as
// much faster as two cores can read memory faster than one: that ratio is measured here with a pure
// streaming kernel (assembly/linalg.ts streamSumF64) over a buffer of the same size, on the same pool.
//
// Run (from the repository root):  npm run bench:threads   (or: node scripts/build.mjs && node dist/bench/threads.js)
// Everything runs through the thread pool (1 worker or 2), so both sides pay the same per-call costs.
import { Bench } from 'tinybench';
import { pairedRatio } from './lib/paired.js';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { newKernel } from '../src/core/wasm.js';
import { parseSpec } from '../src/spec/validate.js';
import { buildNetwork, planSteps } from '../src/sim/simulate.js';
import { getPool, disposePool } from '../src/core/pool.js';
import { latencyOf } from './lib/latency.js';

const N = Number(process.env.BENCH_N ?? 4000);
const STEPS = 4; // Heun steps per sample
const kernel = await newKernel();
const pool = await getPool(2);
const loads: string[] = [];
const loadavg = () => os.loadavg().map((v) => v.toFixed(2)).join(', ');
loads.push(loadavg());

// CPU time of this process's threads (user + system, all threads), to show how much the machine let us run
const cpuSeconds = () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, clock ticks (100 Hz)
};

const bench = new Bench({ name: `threads N = ${N}`, time: 3000, warmupTime: 500 });

// the bandwidth probe: a buffer as large as the f64 coupling matrix
const n = N * N;
const buf = kernel.arena.f64(n);
buf.view().fill(1);
const halves = (t: number, T: number) => {
  const a = Math.floor((n / 32) * (t / T)) * 32;
  const b = Math.floor((n / 32) * ((t + 1) / T)) * 32;
  return [buf.ptr + 8 * a, b - a];
};
const fns: Record<string, () => Promise<void>> = {};
const task = (name: string, fn: () => Promise<void>) => {
  fns[name] = fn;
  bench.add(name, fn);
};
task('stream 1 thread', async () => void (await pool.call(kernel, 1, 'streamSumF64', (t) => halves(t, 1))));
task('stream 2 threads', async () => void (await pool.call(kernel, 2, 'streamSumF64', (t) => halves(t, 2))));

for (const precision of ['f64', 'f32'] as const) {
  const spec = parseSpec({
    dmftlab: 1,
    seed: 1,
    model: { kind: 'random', N, g: 2, phi: 'tanh' },
    simulation: { method: 'heun', dt: 0.1, precision, tBurn: 1e5, tMeasure: 1, sampleEvery: 0.5, blocks: 2, lags: [0] },
  });
  const net = buildNetwork(kernel, spec, 1, planSteps(spec));
  let k = 0;
  for (const T of [1, 2]) {
    task(`heun ${precision} ${T} thread${T > 1 ? 's' : ''}`, async () => {
      const k0 = k;
      k += STEPS; // inside the burn-in: no sampling work
      await pool.call(kernel, T, 'simSteps', (t) => [net.ctx, t, T, k0, k0 + STEPS]);
    });
  }
}

const cpu0 = cpuSeconds();
const wall0 = performance.now();
await bench.run();
// paired rounds (1 thread, then 2 threads, alternating): the ratio both sides measured under the same load
const paired: Record<string, number> = {};
for (const p of ['stream', 'heun f64', 'heun f32']) paired[p] = await pairedRatio(fns[`${p} 2 threads`], fns[`${p} 1 thread`]);
const cpuShare = (cpuSeconds() - cpu0) / ((performance.now() - wall0) / 1000);
loads.push(loadavg());
await disposePool();

const med: Record<string, number> = {};
for (const task of bench.tasks) med[task.name] = latencyOf(task).p50; // ms per sample

const gbs = (name: string) => (8 * n) / 1e9 / (med[name] / 1e3);
const row = (name: string, per: string, value: string, ratio: string, pr = '–') => `| ${name} | ${med[name].toFixed(3)} | ${per} | ${value} | ${ratio} | ${pr} | – |`;
console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores; load average ${loads[0]} before, ${loads[1]} after`);
console.log(`Runtime: Node ${process.version}; date ${new Date().toISOString().slice(0, 10)}; N = ${N}`);
console.log(`CPU time of this process / wall time during the run: ${cpuShare.toFixed(2)} (2 = both cores ours while 2 threads ran)`);
console.log('');
console.log('| task | median ms | per | rate | 2 threads / 1 (medians) | paired ratio (median of 31 rounds) | bound from bandwidth |');
console.log('|---|---:|---|---:|---:|---:|---:|');
const bw = med['stream 1 thread'] / med['stream 2 threads'];
console.log(row('stream 1 thread', `${((8 * n) / 2 ** 20).toFixed(0)} MiB read`, `${gbs('stream 1 thread').toFixed(1)} GB/s`, '–'));
console.log(row('stream 2 threads', `${((8 * n) / 2 ** 20).toFixed(0)} MiB read`, `${gbs('stream 2 threads').toFixed(1)} GB/s`, bw.toFixed(2), paired.stream.toFixed(2)));
for (const p of ['f64', 'f32']) {
  const one = med[`heun ${p} 1 thread`] / STEPS;
  const two = med[`heun ${p} 2 threads`] / STEPS;
  const bytes = 2 * N * N * (p === 'f64' ? 8 : 4); // two matvecs per Heun step
  const rate1 = bytes / 1e9 / (one / 1e3);
  // two threads cannot stream J faster than two cores can read memory: speed-up <= that rate / the 1-thread rate
  const bound = Math.min(2, gbs('stream 2 threads') / rate1);
  console.log(`| heun ${p} 1 thread | ${one.toFixed(3)} | step | ${rate1.toFixed(1)} GB/s of J | – | – | – |`);
  console.log(`| heun ${p} 2 threads | ${two.toFixed(3)} | step | ${(bytes / 1e9 / (two / 1e3)).toFixed(1)} GB/s of J | ${(one / two).toFixed(2)} | ${paired[`heun ${p}`].toFixed(2)} | ${bound.toFixed(2)} |`);
}
