// Benchmark W5 of issue 6: one point of the dimension theory (spec 03 §3), PR^x/N and PR^phi/N of an i.i.d.
// tanh network at g = 2, through the public module (`dimension.prFlow`, `dimension.prMap`):
//   - the flow with its defaults: stationary flow DMFT, route (b) frequency integrals and the resolution
//     check (everything again at halved lag and frequency panels),
//   - the same without the resolution check (check: false),
//   - the Euler-map point prMap(2, delta = 0.1), with and without its check;
// tinybench medians (wall clock) and the median CPU time of the same calls (process.cpuUsage around each
// timed call). In the same run, the numpy peer bench/peers/w5.py (plain numpy, a research notebook's route:
// fixed 200-node Gauss–Hermite averages, RK4 lag functions, route (a) double sum; OPENBLAS_NUM_THREADS=1)
// computes the same flow point: its PR/N is checked against dmftlab's, to the accuracy the peer's own
// refinement (h/2, 2 T_pad) shows, and its time is set against dmftlab's. bench/dimension.ts times g = 1.5 .. 5.
//
// Run (from the repository root):  npm run bench:w5   (or: node scripts/build.mjs && node dist/bench/w5.js)
// Writes bench/results/<date>T<hhmm>-w5-<node|deno>.json (-partial.json when any W5_* setting below is given)
// and prints markdown tables.
// Environment (smoke runs): W5_TIME_MS=500 (tinybench time per task), W5_ITERATIONS=2 (least samples per
// task), W5_NUMPY_SAMPLES=2, W5_NO_NUMPY=1 (skip the peer).
import { Bench } from 'tinybench';
import { prFlow, prMap, type PrResult } from '../src/theory/dimension/pr.js';
import { latencyOf } from './lib/latency.js';
import { headText, loadavg, median, recordHead, runPythonPeer, runtimeInfo, writeRecord } from './lib/record.js';

const G = 2;
const DELTA = 0.1;
const BENCH = {
  time: Number(process.env.W5_TIME_MS ?? 4000),
  iterations: Number(process.env.W5_ITERATIONS ?? 5),
  warmupTime: 0,
  warmupIterations: 1,
};
const NUMPY_SAMPLES = Number(process.env.W5_NUMPY_SAMPLES ?? 5);
const NO_NUMPY = Boolean(process.env.W5_NO_NUMPY);
const PARTIAL = ['W5_TIME_MS', 'W5_ITERATIONS', 'W5_NUMPY_SAMPLES', 'W5_NO_NUMPY'].some((k) => process.env[k] !== undefined);
/** The peer agrees when |PR_numpy - PR_dmftlab| / PR_dmftlab <= max(AGREE_FACTOR x the peer's own refinement change, AGREE_FLOOR). */
const AGREE_FACTOR = 10;
const AGREE_FLOOR = 1e-9;

const date = new Date().toISOString();
const load0 = loadavg();
const runtime = runtimeInfo();
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Point {
  name: string;
  kind: 'flow' | 'map';
  check: boolean;
  run: () => PrResult;
}
const points: Point[] = [
  { name: `flow g = ${G} (with check)`, kind: 'flow', check: true, run: () => prFlow(G) },
  { name: `flow g = ${G} (no check)`, kind: 'flow', check: false, run: () => prFlow(G, { check: false }) },
  { name: `map g = ${G}, delta = ${DELTA} (with check)`, kind: 'map', check: true, run: () => prMap(G, DELTA) },
  { name: `map g = ${G}, delta = ${DELTA} (no check)`, kind: 'map', check: false, run: () => prMap(G, DELTA, { check: false }) },
];

const bench = new Bench({ name: 'W5', ...BENCH });
const cpu: Record<string, number[]> = {};
const last: Record<string, PrResult> = {};
for (const p of points) {
  let phase: 'run' | 'warmup' | undefined;
  cpu[p.name] = [];
  bench.add(
    p.name,
    () => {
      const c0 = cpuMs();
      const r = p.run();
      if (phase === 'run') cpu[p.name].push(cpuMs() - c0);
      if (!r.diagnostics.converged) throw new Error(`${p.name}: not converged (residual ${r.diagnostics.residual})`);
      last[p.name] = r;
    },
    {
      beforeAll(mode) {
        phase = mode;
      },
    },
  );
}
await bench.run();
const rows = points.map((p) => {
  const t = bench.tasks.find((x) => x.name === p.name)!;
  const r = last[p.name];
  return {
    point: p.name,
    kind: p.kind,
    g: G,
    ...(p.kind === 'map' ? { delta: DELTA } : {}),
    resolutionCheck: p.check,
    samples: t.result && 'latency' in t.result ? t.result.latency.samplesCount : 0,
    wallMedianSeconds: latencyOf(t).p50 / 1000,
    wallMinSeconds: latencyOf(t).min / 1000,
    cpuMedianSeconds: median(cpu[p.name]) / 1000,
    cpuSamples: cpu[p.name].length,
    prX: r?.prX ?? NaN,
    prPhi: r?.prPhi ?? NaN,
    residual: r?.diagnostics.residual ?? NaN,
    converged: r?.diagnostics.converged ?? false,
    frequencyNodes: r?.pieces.frequencyNodes ?? NaN,
  };
});

// ---- the numpy peer (flow, one resolution per timed call; plus one refined call)
interface PeerValues {
  q: number;
  r: number;
  prX: number;
  prPhi: number;
  lagSteps: number;
  frequencies: number;
  omegaMax: number;
  spectralCheckX: number;
  spectralCheckPhi: number;
  settings: Record<string, number>;
}
interface PeerOut {
  python: string;
  numpy: string;
  result: PeerValues;
  refined: (PeerValues & { seconds: number }) | null;
  wallSeconds: number[];
  cpuSeconds: number[];
  medianWallSeconds: number;
  medianCpuSeconds: number;
}
let peer: PeerOut | null = null;
let peerSkipped = NO_NUMPY ? 'W5_NO_NUMPY is set' : '';
if (!peerSkipped) {
  const r = runPythonPeer<PeerOut>('bench/peers/w5.py', { g: G, samples: NUMPY_SAMPLES, refine: true }, 1);
  if (r.ok) peer = r.value;
  else peerSkipped = r.reason;
}
if (peerSkipped) console.log(`numpy peer skipped: ${peerSkipped}`);

const flowCheck = rows.find((r) => r.kind === 'flow' && r.resolutionCheck)!;
const flowNoCheck = rows.find((r) => r.kind === 'flow' && !r.resolutionCheck)!;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const agreement = peer
  ? (() => {
      const diffX = rel(peer.result.prX, flowCheck.prX);
      const diffPhi = rel(peer.result.prPhi, flowCheck.prPhi);
      const selfX = peer.refined ? rel(peer.result.prX, peer.refined.prX) : NaN;
      const selfPhi = peer.refined ? rel(peer.result.prPhi, peer.refined.prPhi) : NaN;
      const bound = Math.max(AGREE_FACTOR * Math.max(selfX, selfPhi), AGREE_FLOOR);
      return {
        relDiffPrX: diffX,
        relDiffPrPhi: diffPhi,
        peerRefinementChangeX: selfX,
        peerRefinementChangePhi: selfPhi,
        refinedRelDiffPrX: peer.refined ? rel(peer.refined.prX, flowCheck.prX) : NaN,
        refinedRelDiffPrPhi: peer.refined ? rel(peer.refined.prPhi, flowCheck.prPhi) : NaN,
        rule: `agrees when both relative differences <= max(${AGREE_FACTOR} x the peer's refinement change, ${AGREE_FLOOR})`,
        bound,
        agrees: diffX <= bound && diffPhi <= bound,
      };
    })()
  : null;
const speed = peer
  ? {
      note: 'numpy median / dmftlab median (the peer has no resolution check; its refined call is not timed as a sample)',
      wallVsNoCheck: peer.medianWallSeconds / flowNoCheck.wallMedianSeconds,
      cpuVsNoCheck: peer.medianCpuSeconds / flowNoCheck.cpuMedianSeconds,
      wallVsWithCheck: peer.medianWallSeconds / flowCheck.wallMedianSeconds,
      cpuVsWithCheck: peer.medianCpuSeconds / flowCheck.cpuMedianSeconds,
    }
  : null;

const head = recordHead('w5', date, PARTIAL, load0);
const record = {
  ...head,
  settings: { g: G, phi: 'tanh', delta: DELTA, tinybench: BENCH, numpySamples: NUMPY_SAMPLES, options: 'defaults of prFlow / prMap (TypeScript averager), check on and off' },
  results: rows,
  numpy: peer
    ? {
        script: 'bench/peers/w5.py',
        env: { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
        python: peer.python,
        numpy: peer.numpy,
        result: peer.result,
        refined: peer.refined,
        wallSeconds: peer.wallSeconds,
        cpuSeconds: peer.cpuSeconds,
        medianWallSeconds: peer.medianWallSeconds,
        medianCpuSeconds: peer.medianCpuSeconds,
        agreement,
        speed,
      }
    : { skipped: peerSkipped },
};
const file = writeRecord('w5', runtime.name, date, PARTIAL, record);

// ---- tables
const s = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const e = (v: number) => (Number.isFinite(v) ? v.toExponential(1) : '–');
console.log(headText(head));
console.log(peer ? `numpy: ${peer.numpy} (python ${peer.python}), OPENBLAS/OMP/MKL_NUM_THREADS = 1` : `numpy: skipped (${peerSkipped})`);
console.log(`record: ${file}\n`);
console.log('| point | wall median (s) | CPU median (s) | samples | PR^x/N | PR^phi/N | resolution-check residual |');
console.log('|---|---:|---:|---:|---|---|---:|');
for (const r of rows) {
  console.log(`| dmftlab ${r.point} | ${s(r.wallMedianSeconds)} | ${s(r.cpuMedianSeconds)} | ${r.samples} | ${r.prX.toPrecision(10)} | ${r.prPhi.toPrecision(10)} | ${r.resolutionCheck ? e(r.residual) : '–'} |`);
}
if (peer) {
  const p = peer.result;
  console.log(
    `| numpy bench/peers/w5.py, flow g = ${G} (h ${p.settings.h}, T_pad ${s(p.settings.Tpad, 0)}, ${p.frequencies} frequencies) | ${s(peer.medianWallSeconds)} | ${s(peer.medianCpuSeconds)} | ${peer.wallSeconds.length} | ${p.prX.toPrecision(10)} | ${p.prPhi.toPrecision(10)} | ${peer.refined ? e(Math.max(agreement!.peerRefinementChangeX, agreement!.peerRefinementChangePhi)) : '–'} |`,
  );
  const a = agreement!;
  const sp = speed!;
  console.log('');
  console.log(
    `peer agreement (flow, g = ${G}): |numpy - dmftlab| / dmftlab = ${e(a.relDiffPrX)} (PR^x/N), ${e(a.relDiffPrPhi)} (PR^phi/N); the peer's own refinement changes it by ${e(a.peerRefinementChangeX)} / ${e(a.peerRefinementChangePhi)}: ` +
      (a.agrees ? `agrees (bound ${e(a.bound)})` : `DOES NOT AGREE within ${e(a.bound)}`),
  );
  console.log(
    `speed: numpy / dmftlab = ${s(sp.wallVsNoCheck, 2)}x wall, ${s(sp.cpuVsNoCheck, 2)}x CPU against the flow without check; ${s(sp.wallVsWithCheck, 2)}x wall, ${s(sp.cpuVsWithCheck, 2)}x CPU against the flow with check`,
  );
}
