// Benchmark: one integration step of a dense random network (tanh, Heun: 2 evaluations of J phi(x)),
// Wasm kernel (4-row SIMD matvec, f64 and f32 couplings) against the plain TypeScript reference step,
// measured in the same run. Prints a markdown table for bench/RESULTS.md.
//
// Run (from the repository root):  npm run bench   (or: node scripts/build.mjs && node dist/bench/step.js)
import { Bench } from 'tinybench';
import os from 'node:os';
import { newKernel } from '../src/core/wasm.js';
import { parseSpec } from '../src/spec/validate.js';
import { buildNetwork, planSteps } from '../src/sim/simulate.js';
import { gaussFill } from '../src/core/rng.js';
import { STREAM_J } from '../src/core/streams.js';
import { getPool, disposePool } from '../src/core/pool.js';
import { latencyOf } from './lib/latency.js';

/** Steps per tinybench sample for the Wasm variants (the thread pool is driven in chunks, as in runs). */
const STEPS = 10;

const Ns = [1000, 2000, 4000];
const rows: string[] = [];
const kernel = await newKernel();

for (const N of Ns) {
  const results: Record<string, number> = {};
  const bench = new Bench({ name: `N = ${N}`, time: 1500 });
  const handles = [];
  const pool = await getPool(2);
  for (const precision of ['f64', 'f32'] as const) {
    const spec = parseSpec({
      dmftlab: 1,
      seed: 1,
      model: { kind: 'random', N, g: 2, phi: 'tanh' },
      simulation: { method: 'heun', dt: 0.1, precision, tBurn: 1e4, tMeasure: 1, sampleEvery: 0.5, blocks: 2, lags: [0] },
    });
    const net = buildNetwork(kernel, spec, 1, planSteps(spec));
    handles.push(net);
    let k = 0;
    bench.add(`wasm-simd ${precision}`, () => {
      net.step(k, k + STEPS); // inside the burn-in: no sampling work
      k += STEPS;
    });
    bench.add(`wasm-simd-threads (2) ${precision}`, async () => {
      const k0 = k;
      await pool.call(kernel, 2, 'simSteps', (t) => [net.ctx, t, 2, k0, k0 + STEPS]);
      k += STEPS;
    });
  }
  if (N <= 2000) {
    // the plain TypeScript step (f64, row-major J, Math.tanh), as in src/sim/reference.ts
    const J = new Float64Array(N * N);
    gaussFill(J, 1, STREAM_J, 0, 2 / Math.sqrt(N));
    const x = new Float64Array(N).map((_, i) => Math.sin(i));
    const t = new Float64Array(N);
    const k1 = new Float64Array(N);
    const xs = new Float64Array(N);
    const rhs = (src: Float64Array, out: Float64Array) => {
      for (let j = 0; j < N; j++) t[j] = Math.tanh(src[j]);
      for (let i = 0; i < N; i++) {
        let s = 0;
        const o = i * N;
        for (let j = 0; j < N; j++) s += J[o + j] * t[j];
        out[i] = -src[i] + s;
      }
    };
    bench.add('js f64', () => {
      rhs(x, k1);
      for (let i = 0; i < N; i++) xs[i] = x[i] + 0.1 * k1[i];
      rhs(xs, t);
      for (let i = 0; i < N; i++) x[i] += 0.05 * (k1[i] + t[i]);
    });
  }
  await bench.run();
  for (const task of bench.tasks) {
    const med = latencyOf(task).p50; // ms per sample
    results[task.name] = task.name.startsWith('wasm') ? med / STEPS : med;
  }
  pool.release(kernel);
  for (const h of handles.reverse()) h.release();
  const js = results['js f64'];
  for (const [name, ms] of Object.entries(results)) {
    const gflops = (2 * 2 * N * N) / (ms * 1e-3) / 1e9; // 2 matvecs of 2 N^2 flops per Heun step
    const prec = name.endsWith('f32') ? 'f32' : 'f64';
    const one = results[`wasm-simd ${prec}`];
    const vsOne = name.startsWith('wasm-simd-threads') ? (one / ms).toFixed(2) : '–';
    rows.push(`| ${N} | ${name} | ${ms.toFixed(3)} | ${gflops.toFixed(2)} | ${Number.isFinite(js) ? (js / ms).toFixed(1) : '–'} | ${vsOne} |`);
  }
}

await disposePool();
const cpu = os.cpus()[0]?.model ?? 'unknown';
console.log(`Machine: ${cpu}, ${os.cpus().length} cores; load average ${os.loadavg().map((v) => v.toFixed(2)).join(', ')}`);
console.log(`Runtime: Node ${process.version}; one thread; date ${new Date().toISOString().slice(0, 10)}`);
console.log('');
console.log('| N | variant | median ms per Heun step | GFLOP/s (matvec) | speed-up vs js f64 | 2 threads vs 1 |');
console.log('|---|---|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
