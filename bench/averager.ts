// Micro-benchmark: TypeScript reference averager vs Wasm averager (src/theory/wasm-averager.ts), phi = tanh,
// default trapezoid settings (zMax 9.5, hx 0.15), moments() and twoPoint() in each of its trapezoid regimes,
// at D = 0.5, 2, 20, plus one phi = linear row (the cost floor of a call). Prints a markdown table of
// per-call medians for bench/RESULTS.md.
//
// Run (from the repository root):
//   node scripts/build.mjs --wasm-only && npx esbuild bench/averager.ts --bundle --platform=node --format=esm \
//     --target=es2022 --loader:.wasm=binary --external:node:* --external:tinybench --outfile=dist/bench/averager.js \
//     && node dist/bench/averager.js
//
// Each tinybench sample times REPS consecutive calls (one call can be shorter than the timer's resolution);
// the table gives median sample latency / REPS. Both averagers write into preallocated `out` objects.
import { Bench } from 'tinybench';
import os from 'node:os';
import { getKernel } from '../src/core/wasm.js';
import { getPhi } from '../src/phi.js';
import { emptyMoments, emptyTwoPoint, makeAverager, type Averager } from '../src/theory/gauss.js';
import { trapezoidDensity } from '../src/theory/quad.js';
import { makeWasmAverager } from '../src/theory/wasm-averager.js';
import type { QuadratureSettings } from '../src/spec/types.js';

const REPS = 20;
const MU = 0.3;

const q: QuadratureSettings = { method: 'trapezoid', order: 40, zMax: 9.5, hx: 0.15, closedForms: false };
const phi = getPhi('tanh');
const kernel = await getKernel();
const ts = makeAverager(phi, q);
const wa = makeWasmAverager(phi, q, kernel);

interface Case {
  label: string;
  nodes: string;
  run: (a: Averager) => void;
}

const mOut = emptyMoments();
const tOut = emptyTwoPoint();
const cases: Case[] = [];
for (const D of [0.5, 2, 20]) {
  const n = 2 * Math.floor(q.zMax * trapezoidDensity(D, q.hx) + 1e-9) + 1;
  cases.push({ label: `moments(mu, D = ${D})`, nodes: `${n}`, run: (a) => a.moments(MU, D, mOut) });
  const cM = 0.3 * D;
  cases.push({ label: `twoPoint(c = 0.3 D0, D0 = ${D}) [Mehler]`, nodes: `${n} x K=${Math.max(2, Math.ceil(Math.log(1e-17) / Math.log(0.3)) - 1)}`, run: (a) => a.twoPoint(cM, MU, D, tOut) });
  const cA = 0.75 * D;
  const so = Math.sqrt(cA);
  const si = Math.sqrt(D - cA);
  const delta = Math.min(q.hx, so / 4, si / 4);
  const Jo = Math.floor((q.zMax * so) / delta + 1e-9);
  const Ji = Math.floor((q.zMax * si) / delta + 1e-9);
  cases.push({ label: `twoPoint(c = 0.75 D0, D0 = ${D}) [aligned]`, nodes: `grid ${2 * (Jo + Ji) + 1}, ${2 * Jo + 1} x ${2 * Ji + 1}`, run: (a) => a.twoPoint(cA, MU, D, tOut) });
  const cG = D - 0.005;
  const nG = 2 * Math.floor(q.zMax * trapezoidDensity(cG, q.hx) + 1e-9) + 1;
  cases.push({ label: `twoPoint(c = D0 - 0.005, D0 = ${D}) [inner GH]`, nodes: `${nG} x 8`, run: (a) => a.twoPoint(cG, MU, D, tOut) });
}

// floor: phi = linear at D = 0.5 (95 nodes, no transcendental functions): the JS -> Wasm call, the rule lookup
// and the ten weighted sums, i.e. what the Wasm path costs besides evaluating phi
const tsLin = makeAverager(getPhi('linear'), q);
const waLin = makeWasmAverager(getPhi('linear'), q, kernel);
cases.push({ label: 'moments(mu, D = 0.5), phi = linear', nodes: '95', run: (a) => (a === ts ? tsLin : waLin).moments(MU, 0.5, mOut) });

// sanity: both give the same numbers before anything is timed
for (const c of cases) {
  c.run(ts);
  const a = { ...mOut, ...tOut };
  c.run(wa);
  const b = { ...mOut, ...tOut };
  for (const k of Object.keys(a) as (keyof typeof a)[]) {
    if (Math.abs(a[k] - b[k]) > 1e-12 * (1 + Math.abs(a[k]))) throw new Error(`${c.label}: ${k} differs: ${a[k]} vs ${b[k]}`);
  }
}

const bench = new Bench({ time: 400 });
for (const c of cases) {
  for (const [impl, av] of [
    ['ts', ts],
    ['wasm', wa],
  ] as const) {
    bench.add(`${impl} ${c.label}`, () => {
      for (let r = 0; r < REPS; r++) c.run(av);
    });
  }
}
await bench.run();

const median = (name: string): number => {
  const t = bench.tasks.find((x) => x.name === name);
  const r = t?.result;
  if (!r || !('latency' in r)) throw new Error(`${name}: no result (${r?.state})`);
  return (r.latency.p50 * 1000) / REPS; // microseconds per call
};

const cpus = os.cpus();
const la = os.loadavg().map((v) => v.toFixed(2)).join(', ');
console.log(`date: ${new Date().toISOString()}`);
console.log(`runtime: node ${process.version} (${process.platform} ${process.arch})`);
console.log(`cpu: ${cpus[0]?.model ?? '?'}, ${cpus.length} logical cores; load average at end: ${la}`);
console.log(`settings: tanh, trapezoid zMax ${q.zMax}, hx ${q.hx}; mu = ${MU}; ${REPS} calls per sample; time 400 ms per task\n`);
console.log('| call | nodes | TS median (µs) | Wasm median (µs) | TS / Wasm |');
console.log('|---|---|---:|---:|---:|');
for (const c of cases) {
  const t = median(`ts ${c.label}`);
  const w = median(`wasm ${c.label}`);
  console.log(`| ${c.label} | ${c.nodes} | ${t.toFixed(2)} | ${w.toFixed(2)} | ${(t / w).toFixed(1)} |`);
}
