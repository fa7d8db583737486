// Benchmark: one PR point of the dimension theory (spec 03 §3; issue 5 acceptance: "PR theory for tanh networks
// at g in {1.5, 2, 3, 5} runs in under 5 s per point"). One point = `prFlow(g)` with its defaults: the
// stationary flow DMFT, the route-(b) frequency integrals, and the resolution check (everything again at
// halved lag and frequency panels), TypeScript averager. Also the same without the resolution check, and two
// Euler-map points (delta = 0.5 and 0.1, g = 2) with their checks.
//
// Run (from the repository root):
//   npx esbuild bench/dimension.ts --bundle --platform=node --format=esm --target=es2022 \
//     --external:node:* --outfile=dist/bench/dimension.js && node dist/bench/dimension.js
//
// Prints the machine, the load average and a markdown table of tinybench medians (wall clock) plus the CPU
// time of this process per call (median of 3; on a shared, loaded machine the wall clock includes waiting).
import { Bench } from 'tinybench';
import os from 'node:os';
import { prFlow, prMap } from '../src/theory/dimension/pr.js';

const GS = [1.5, 2, 3, 5];
const load0 = os.loadavg();
const bench = new Bench({ time: 2000, iterations: 3 });
const values = new Map<string, string>();
for (const g of GS) {
  bench.add(`flow g = ${g} (with check)`, () => {
    const p = prFlow(g);
    if (!p.diagnostics.converged) throw new Error(`g = ${g}: not converged`);
    values.set(`flow g = ${g} (with check)`, `PR^x/N ${p.prX.toPrecision(8)}, PR^phi/N ${p.prPhi.toPrecision(8)}`);
  });
  bench.add(`flow g = ${g} (no check)`, () => {
    prFlow(g, { check: false });
  });
}
for (const delta of [0.5, 0.1]) {
  bench.add(`map g = 2, delta = ${delta} (with check)`, () => {
    const p = prMap(2, delta);
    if (!p.diagnostics.converged) throw new Error(`delta = ${delta}: not converged`);
    values.set(`map g = 2, delta = ${delta} (with check)`, `PR^x/N ${p.prX.toPrecision(8)}, PR^phi/N ${p.prPhi.toPrecision(8)}`);
  });
}
await bench.run();

const cpuMedian = (f: () => void): number => {
  const t: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    t.push((c.user + c.system) / 1000);
  }
  return t.sort((a, b) => a - b)[1];
};
const cpu = new Map<string, number>();
for (const g of GS) cpu.set(`flow g = ${g} (with check)`, cpuMedian(() => prFlow(g)));

const cpus = os.cpus();
console.log(`machine: ${cpus[0]?.model ?? '?'}, ${cpus.length} CPUs; Node ${process.version}, ${process.platform} ${process.arch}`);
console.log(`load average before ${load0.map((v) => v.toFixed(2)).join(', ')}, after ${os.loadavg().map((v) => v.toFixed(2)).join(', ')}`);
console.log(`date ${new Date().toISOString().slice(0, 10)}`);
console.log('');
console.log('| point | wall median (s) | samples | CPU median (s) | values |');
console.log('|---|---:|---:|---:|---|');
for (const t of bench.tasks) {
  const r = t.result;
  if (!r || !('latency' in r)) throw new Error(`${t.name}: no result`);
  const c = cpu.get(t.name);
  console.log(`| ${t.name} | ${(r.latency.p50 / 1000).toFixed(2)} | ${r.latency.samplesCount} | ${c === undefined ? '' : (c / 1000).toFixed(2)} | ${values.get(t.name) ?? ''} |`);
}
