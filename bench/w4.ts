// Benchmark W4 of issue 6: the low-rank mean-field sweep. The rank-one network of M&O 2018 Fig. 1C (spec 01
// §4.4 and §8.2: M_m = 1.1, M_n = 2, Sigma_m = Sigma_n = 1, rho = 0, tanh, no input), every stationary
// solution at 200 values of g from 0 to 4: bistable static states (g < g_C), bistable chaos (g_C < g < g_BB),
// the central static and chaotic states, and x = 0. Timed, one whole sweep per sample:
//   - dmftlab `sweepLowRank` (src/theory/lowrank.ts) with the Wasm averager (`averagerFor` after `init()`,
//     as `dmftlab demo` runs it; the public `lowrank.sweep(spec, gValues)` of src/theory/lowrank-sweep.ts is
//     exactly this call after parsing the spec) and with the TypeScript averager (`makeAverager`, what
//     sweepLowRank uses when no averager is passed); tinybench median of the wall clock and the median CPU time,
//   - `solve(spec)` once per g (a spec with model.g = g; each call also computes the bifurcation points and
//     Delta(tau)): the route for one g, about 60x slower per g than the sweep,
//   - the numpy peer bench/peers/w4.py: at each g a damped fixed-point iteration of the static equations from
//     kappa = +, - and 0 and of the chaotic ones from kappa = 0 and (where a +/- chaotic state can exist)
//     from the static +/- state; every Gaussian integral on a 200-node Gauss-Hermite rule (nested 200 x 200
//     for the two-point ones); OPENBLAS/OMP/MKL_NUM_THREADS = 1; see its header.
// All of it runs on one thread (the theory is synchronous: the pool is not used; the Wasm averager runs
// on the calling thread).
// The run compares the branches numpy finds with dmftlab's at every g: branch sets, missed and extra
// branches, the largest difference in kappa, Delta0, Delta_inf, and numpy's starts that did not converge.
//
// Run (from the repository root):  node scripts/build.mjs && node dist/bench/w4.js   (npm run bench:w4)
// Writes bench/results/<date>T<hhmm>-w4-<node|deno>.json (-partial.json when any W4_* setting below is
// given) and prints markdown tables for bench/RESULTS.md.
// Environment: W4_NG=20 (values of g; default 200), W4_SAMPLES=5 (tinybench samples per sweepLowRank
// variant), W4_SPEC_SAMPLES=1 (timed solve(spec) sweeps; 0 skips them), W4_NO_NUMPY=1 (skip the peer),
// W4_NUMPY_SAMPLES=1 (timed numpy sweeps).
import { Bench } from 'tinybench';
import { init, dispose, solve, parseSpec } from '../src/index.js';
import { sweepLowRank, type LowRankSweep, type LowRankTheory } from '../src/theory/lowrank.js';
import { averagerFor } from '../src/theory/averagers.js';
import { makeAverager, type Averager } from '../src/theory/gauss.js';
import { getPhi } from '../src/phi.js';
import type { LowRankModel } from '../src/spec/types.js';
import { latencyOf } from './lib/latency.js';
import { headText, loadavg, median, recordHead, runPythonPeer, runtimeInfo, writeRecord } from './lib/record.js';

const env = (k: string, d: number) => (process.env[k] === undefined ? d : Number(process.env[k]));
const NG = env('W4_NG', 200);
const SAMPLES = env('W4_SAMPLES', 5);
const SPEC_SAMPLES = env('W4_SPEC_SAMPLES', 1);
const NUMPY_SAMPLES = env('W4_NUMPY_SAMPLES', 1);
const NO_NUMPY = !!process.env.W4_NO_NUMPY;
if (!(Number.isInteger(NG) && NG >= 2)) throw new Error(`W4_NG must be an integer >= 2 (got ${process.env.W4_NG})`);
/** Any W4_* setting makes the run partial (smoke runs), so that it never passes for a full one. */
const PARTIAL = ['W4_NG', 'W4_SAMPLES', 'W4_SPEC_SAMPLES', 'W4_NUMPY_SAMPLES', 'W4_NO_NUMPY'].some((k) => process.env[k] !== undefined);
/** The peer's wall-clock limit: it takes about 15 min at the defaults on the 2-core development VM. */
const PEER_TIMEOUT_MS = 120 * 60_000;
const G_MAX = 4;
const gs = Array.from({ length: NG }, (_, k) => (G_MAX * k) / (NG - 1));
const PARAMS = { Mm: 1.1, Mn: 2, Sm: 1, Sn: 1, phi: 'tanh' as const };
/** Gauss-Hermite is accurate to ~1e-8 up to this variance (spec 01 §2.1); beyond it the peer's quadrature error dominates. */
const GH_ACCURATE_D0 = 4;

const load0 = loadavg();
const date = new Date().toISOString();
const runtime = runtimeInfo();

const specAt = (g: number) =>
  parseSpec({
    dmftlab: 1,
    seed: 1,
    model: { kind: 'lowrank', N: 1000, g, phi: PARAMS.phi, rank: 1, means: { m: PARAMS.Mm, n: PARAMS.Mn }, cov: { mm: PARAMS.Sm ** 2, nn: PARAMS.Sn ** 2 } },
  });
const spec0 = specAt(0);
const model = spec0.model as LowRankModel;
const theory = spec0.theory;

const initReport = await init();
const wasmAvg = averagerFor(getPhi(PARAMS.phi), theory.quadrature);
const tsAvg = makeAverager(getPhi(PARAMS.phi), theory.quadrature);
const avgName = (a: Averager) => a.constructor.name;
if (wasmAvg === tsAvg || avgName(wasmAvg) === avgName(tsAvg)) {
  console.log(`warning: averagerFor returned the TypeScript averager (init: ${initReport.variant}; ${initReport.reason})`);
}

// ---- dmftlab: sweepLowRank, one sweep per tinybench sample
interface Variant {
  name: string;
  route: string;
  averager: string;
  samples: number;
  wallMedianS: number;
  wallMinS: number;
  cpuMedianS: number;
  wallS: number[];
  cpuS: number[];
}
const variants: Variant[] = [];
const sweeps: Record<string, LowRankSweep> = {};
{
  const bench = new Bench({ name: 'W4', time: 1, iterations: SAMPLES, warmupTime: 1, warmupIterations: 1, throws: true });
  const calls: Record<string, { wall: number[]; cpu: number[] }> = {};
  for (const [name, avg] of [
    ['sweepLowRank, Wasm averager', wasmAvg],
    ['sweepLowRank, TypeScript averager', tsAvg],
  ] as const) {
    calls[name] = { wall: [], cpu: [] };
    bench.add(name, () => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      sweeps[name] = sweepLowRank(model, theory, gs, { averager: avg });
      calls[name].wall.push((performance.now() - t0) / 1000);
      const c = process.cpuUsage(c0);
      calls[name].cpu.push((c.user + c.system) / 1e6);
    });
  }
  await bench.run();
  for (const t of bench.tasks) {
    const r = t.result;
    const n = r && 'latency' in r ? r.latency.samplesCount : 0;
    const { wall, cpu } = calls[t.name];
    // the first call(s) were tinybench's warm-up: keep the calls it counted as samples
    const w = wall.slice(-n);
    const c = cpu.slice(-n);
    const lat = latencyOf(t);
    variants.push({
      name: `dmftlab ${t.name}`,
      route: 'sweepLowRank(model, theory, gs, { averager })',
      averager: avgName(t.name.includes('Wasm') ? wasmAvg : tsAvg),
      samples: n,
      wallMedianS: lat.p50 / 1000,
      wallMinS: lat.min / 1000,
      cpuMedianS: median(c),
      wallS: w,
      cpuS: c,
    });
  }
}

// ---- dmftlab: the public API, solve(spec) for each g
let specResults: LowRankTheory[] = [];
if (SPEC_SAMPLES > 0) {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let s = 0; s < SPEC_SAMPLES; s++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out: LowRankTheory[] = [];
    for (const g of gs) out.push((await solve(specAt(g))).result as LowRankTheory);
    wall.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
    specResults = out;
  }
  variants.push({
    name: `dmftlab solve(spec) for each g, ${initReport.variant}`,
    route: 'await solve(spec) per g (public API)',
    averager: avgName(wasmAvg),
    samples: SPEC_SAMPLES,
    wallMedianS: median(wall),
    wallMinS: Math.min(...wall),
    cpuMedianS: median(cpu),
    wallS: wall,
    cpuS: cpu,
  });
}
await dispose();

// ---- numpy peer
interface PeerBranch {
  type: 'trivial' | 'static' | 'chaotic';
  branch: string;
  kappa: number;
  delta0: number;
  deltaInf: number;
  start: string;
}
/** One start of the peer's iteration; `skipped` (with the reason) when the peer did not run it. */
interface PeerStart {
  type: 'static' | 'chaotic';
  start: string;
  skipped?: string;
  iterations?: number;
  residual?: number;
  converged?: boolean;
  found?: string;
  why?: string;
  last?: number[];
}
interface PeerOut {
  python: string;
  numpy: string;
  blas: unknown;
  env: Record<string, string | null>;
  settings: Record<string, number | boolean>;
  wallSeconds: number[];
  cpuSeconds: number[];
  points: { g: number; branches: PeerBranch[]; starts: PeerStart[] }[];
}
let numpy: PeerOut | null = null;
let numpySkipped = NO_NUMPY ? 'W4_NO_NUMPY is set' : '';
if (!numpySkipped) {
  console.log(`numpy peer: ${NG} values of g, ${NUMPY_SAMPLES} timed sweep(s), OPENBLAS_NUM_THREADS=1 (about 15 min per sweep at 200 values of g)`);
  const r = runPythonPeer<PeerOut>('bench/peers/w4.py', { gs, Mm: PARAMS.Mm, Mn: PARAMS.Mn, Sm: PARAMS.Sm, samples: NUMPY_SAMPLES, progress: false }, 1, PEER_TIMEOUT_MS);
  if (r.ok) numpy = r.value;
  else numpySkipped = r.reason;
}
if (numpySkipped) console.log(`numpy peer skipped: ${numpySkipped}`);
if (numpy) {
  variants.push({
    name: 'numpy bench/peers/w4.py (damped fixed point, Gauss-Hermite 200)',
    route: 'python3 bench/peers/w4.py',
    averager: `hermgauss(${numpy.settings.nodes})`,
    samples: numpy.wallSeconds.length,
    wallMedianS: median(numpy.wallSeconds),
    wallMinS: Math.min(...numpy.wallSeconds),
    cpuMedianS: median(numpy.cpuSeconds),
    wallS: numpy.wallSeconds,
    cpuS: numpy.cpuSeconds,
  });
}

// ---- branches: dmftlab (Wasm sweep) against the TypeScript sweep, the solve(spec) route and numpy
type Sol = { kappa: number; delta0: number; deltaInf: number };
const keyed = (sols: { type: string; branch: string; kappa: number | number[]; delta0: number; deltaInf: number }[]) => {
  const m = new Map<string, Sol>();
  for (const s of sols) {
    if (s.type === 'trivial') continue; // x = 0: exact in both (odd phi, no input)
    const kappa = Array.isArray(s.kappa) ? s.kappa[0] : s.kappa;
    m.set(`${s.type}:${s.branch}`, { kappa, delta0: s.delta0, deltaInf: s.deltaInf });
  }
  return m;
};
const ref = sweeps['sweepLowRank, Wasm averager'].results.map((r) => keyed(r.solutions));
const diff = (a: Sol, b: Sol) => Math.max(Math.abs(a.kappa - b.kappa), Math.abs(a.delta0 - b.delta0), Math.abs(a.deltaInf - b.deltaInf));

/** Same branch sets at every g, and the largest difference of kappa, Delta0, Delta_inf. */
function agreement(other: Map<string, Sol>[]) {
  let maxDiff = 0;
  const mismatches: string[] = [];
  ref.forEach((a, k) => {
    const b = other[k];
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(key);
      const y = b.get(key);
      if (!x || !y) mismatches.push(`g = ${gs[k]}: ${key} only in ${x ? 'the Wasm sweep' : 'the other'}`);
      else maxDiff = Math.max(maxDiff, diff(x, y));
    }
  });
  return { sameBranches: mismatches.length === 0, mismatches, maxAbsDiff: maxDiff };
}
const tsAgreement = agreement(sweeps['sweepLowRank, TypeScript averager'].results.map((r) => keyed(r.solutions)));
const specAgreement = specResults.length ? agreement(specResults.map((r) => keyed(r.solutions))) : null;

interface BranchRow {
  branch: string;
  dmftlab: number;
  numpy: number;
  missed: number[];
  extra: number[];
  maxAbsDiff: number;
  at: { g: number; quantity: string; dmftlab: number; numpy: number } | null;
  maxAbsDiffGhAccurate: number;
}
let branchRows: BranchRow[] = [];
let numpySummary: Record<string, unknown> | null = null;
if (numpy) {
  const np = numpy.points.map((p) => keyed(p.branches));
  const keys = new Set<string>();
  for (const m of [...ref, ...np]) for (const k of m.keys()) keys.add(k);
  const order = ['static:plus', 'static:minus', 'static:central', 'chaotic:plus', 'chaotic:minus', 'chaotic:central'];
  branchRows = [...keys]
    .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b))
    .map((key) => {
      const row: BranchRow = { branch: key, dmftlab: 0, numpy: 0, missed: [], extra: [], maxAbsDiff: 0, at: null, maxAbsDiffGhAccurate: 0 };
      gs.forEach((g, k) => {
        const a = ref[k].get(key);
        const b = np[k].get(key);
        if (a) row.dmftlab++;
        if (b) row.numpy++;
        if (a && !b) row.missed.push(g);
        if (b && !a) row.extra.push(g);
        if (a && b) {
          for (const q of ['kappa', 'delta0', 'deltaInf'] as const) {
            const d = Math.abs(a[q] - b[q]);
            if (d > row.maxAbsDiff) {
              row.maxAbsDiff = d;
              row.at = { g, quantity: q, dmftlab: a[q], numpy: b[q] };
            }
            if (a.delta0 <= GH_ACCURATE_D0) row.maxAbsDiffGhAccurate = Math.max(row.maxAbsDiffGhAccurate, d);
          }
        }
      });
      return row;
    });
  const all = numpy.points.flatMap((p) => p.starts.map((s) => ({ g: p.g, ...s })));
  const starts = all.filter((s) => !s.skipped);
  const failed = starts.filter((s) => !s.converged);
  numpySummary = {
    starts: starts.length,
    skippedStarts: all.length - starts.length,
    notConverged: failed.length,
    notConvergedStarts: failed.map(({ g, type, start, iterations, residual, why }) => ({ g, type, start, iterations: iterations ?? 0, residual: residual ?? NaN, why: why ?? '' })),
    iterations: {
      static: starts.filter((s) => s.type === 'static').reduce((a, s) => a + (s.iterations ?? 0), 0),
      chaotic: starts.filter((s) => s.type === 'chaotic').reduce((a, s) => a + (s.iterations ?? 0), 0),
    },
    pointsWithMissedBranches: gs.filter((_, k) => [...ref[k].keys()].some((key) => !np[k].has(key))).length,
    pointsWithExtraBranches: gs.filter((_, k) => [...np[k].keys()].some((key) => !ref[k].has(key))).length,
  };
}

// ---- record
const sw = sweeps['sweepLowRank, Wasm averager'];
const bif = sw.bifurcations;
const npV = variants.find((v) => v.name.startsWith('numpy'));
const ratios = (v: Variant) =>
  npV ? { dmftlabOverNumpyWall: v.wallMedianS / npV.wallMedianS, dmftlabOverNumpyCpu: v.cpuMedianS / npV.cpuMedianS, speedupWall: npV.wallMedianS / v.wallMedianS, speedupCpu: npV.cpuMedianS / v.cpuMedianS } : null;
const maxResidual = Math.max(...sw.results.flatMap((r) => r.solutions.map((s) => s.diagnostics.residual)));
const head = recordHead('w4', date, PARTIAL, load0);
const record = {
  ...head,
  init: { variant: initReport.variant, threads: initReport.threads, reason: initReport.reason },
  threads: 'one: the theory is synchronous; the pool is not used',
  settings: {
    model: { rank: 1, Mm: PARAMS.Mm, Mn: PARAMS.Mn, Sigma_m: PARAMS.Sm, Sigma_n: PARAMS.Sn, rho: 0, phi: PARAMS.phi, input: 'none', note: 'M&O 2018 Fig. 1C, spec 01 §4.4 and §8.2' },
    g: { from: 0, to: G_MAX, values: NG },
    theory,
    tinybench: { iterations: SAMPLES, warmupIterations: 1, samplePerSweep: 1 },
    specSamples: SPEC_SAMPLES,
    numpy: numpy ? { ...numpy.settings, env: numpy.env } : { skipped: numpySkipped },
  },
  bifurcations: { gC: bif.gC?.g ?? null, gBB: bif.gBB?.g ?? null, gS: bif.gS?.g ?? null },
  dmftlabSolutions: {
    perBranch: Object.fromEntries(
      [...new Set(ref.flatMap((m) => [...m.keys()]))].map((key) => [key, ref.filter((m) => m.has(key)).length]),
    ),
    maxIndependentResidual: maxResidual,
    failedCandidates: sw.results.reduce((a, r) => a + r.diagnostics.failed, 0),
    inadmissibleCandidates: sw.results.reduce((a, r) => a + r.diagnostics.inadmissible, 0),
  },
  results: variants.map((v) => ({ ...v, ratios: ratios(v) })),
  agreement: {
    typescriptAveragerVsWasm: tsAgreement,
    solveSpecVsSweep: specAgreement,
    numpy: numpy
      ? { tolerance: `max |F(y) - y| <= ${numpy.settings.tol} for every unknown, eps = ${numpy.settings.eps}`, branches: branchRows, ...numpySummary }
      : { skipped: numpySkipped },
  },
  numpy: numpy ? { python: numpy.python, numpy: numpy.numpy, blas: numpy.blas, env: numpy.env, points: numpy.points } : { skipped: numpySkipped },
};
const file = writeRecord('w4', runtime.name, date, PARTIAL, record);

// ---- tables
const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const e = (x: number) => (Number.isFinite(x) ? x.toExponential(1) : '–');
const gList = (xs: number[]) => (xs.length === 0 ? '–' : xs.length <= 6 ? xs.map((g) => g.toFixed(3)).join(', ') : `${xs.length}: ${xs.slice(0, 3).map((g) => g.toFixed(3)).join(', ')} … ${xs[xs.length - 1].toFixed(3)}`);
console.log(`\n${headText(head)}`);
console.log(`init: ${initReport.variant}${initReport.reason ? ` (${initReport.reason})` : ''}`);
console.log(
  numpy
    ? `numpy: ${numpy.numpy} (python ${numpy.python}, BLAS ${JSON.stringify(numpy.blas)}), OPENBLAS_NUM_THREADS = ${numpy.env.OPENBLAS_NUM_THREADS}`
    : `numpy: skipped (${numpySkipped})`,
);
console.log(`model: rank one, M_m = ${PARAMS.Mm}, M_n = ${PARAMS.Mn}, Sigma_m = Sigma_n = 1, tanh; ${NG} values of g in [0, ${G_MAX}]; g_C = ${f(bif.gC?.g ?? NaN, 4)}, g_S = ${f(bif.gS?.g ?? NaN, 4)}, g_BB = ${f(bif.gBB?.g ?? NaN, 4)}`);
console.log(`threads: one (the theory is synchronous and does not use the pool)`);
console.log(`record: ${file}\n`);
console.log('| variant | averager | samples | wall median (s) | CPU median (s) | dmftlab / numpy (CPU) | × faster than numpy (wall) | × faster than numpy (CPU) |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const v of variants) {
  const r = ratios(v);
  const isNp = v === npV;
  console.log(
    `| ${v.name} | ${v.averager} | ${v.samples} | ${f(v.wallMedianS, 3)} | ${f(v.cpuMedianS, 3)} | ${r && !isNp ? e(r.dmftlabOverNumpyCpu) : '–'} | ${r && !isNp ? f(r.speedupWall, 1) : '–'} | ${r && !isNp ? f(r.speedupCpu, 1) : '–'} |`,
  );
}
console.log(`\ndmftlab: ${Object.entries(record.dmftlabSolutions.perBranch).map(([k, n]) => `${k} ${n}`).join(', ')} (values of g with that branch; x = 0 at every g); largest independent residual ${e(maxResidual)}`);
console.log(`TypeScript averager vs Wasm: ${tsAgreement.sameBranches ? 'same branches' : `${tsAgreement.mismatches.length} branch mismatches`}, max |difference| ${e(tsAgreement.maxAbsDiff)}`);
if (specAgreement) console.log(`solve(spec) per g vs sweepLowRank: ${specAgreement.sameBranches ? 'same branches' : `${specAgreement.mismatches.length} branch mismatches (${specAgreement.mismatches.slice(0, 3).join('; ')})`}, max |difference| ${e(specAgreement.maxAbsDiff)}`);
if (numpy && numpySummary) {
  console.log(`\nnumpy against dmftlab (tolerance of the fixed-point iteration: max |F(y) - y| <= ${numpy.settings.tol}, eps = ${numpy.settings.eps}; max |difference| of kappa, Delta0, Delta_inf)\n`);
  console.log(`| branch | values of g (dmftlab) | found by numpy | missed by numpy (g) | extra in numpy (g) | max abs difference | where | max abs difference, Delta0 <= ${GH_ACCURATE_D0} |`);
  console.log('|---|---:|---:|---|---|---:|---|---:|');
  for (const r of branchRows) {
    const at = r.at ? `g = ${r.at.g.toFixed(3)}, ${r.at.quantity} = ${r.at.dmftlab.toPrecision(6)}` : '–';
    console.log(`| ${r.branch} | ${r.dmftlab} | ${r.numpy} | ${gList(r.missed)} | ${gList(r.extra)} | ${r.at ? e(r.maxAbsDiff) : '–'} | ${at} | ${r.at ? e(r.maxAbsDiffGhAccurate) : '–'} |`);
  }
  const nc = numpySummary.notConvergedStarts as { g: number; type: string; start: string; iterations: number; residual: number; why: string }[];
  console.log(`\nnumpy starts run: ${numpySummary.starts} (not started where no such state can exist: ${numpySummary.skippedStarts}), not converged: ${nc.length}; values of g with a branch numpy missed: ${numpySummary.pointsWithMissedBranches}, with an extra branch: ${numpySummary.pointsWithExtraBranches}`);
  const groups = new Map<string, typeof nc>();
  for (const s of nc) {
    const k = `${s.type} ${s.start} (${s.why})`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  for (const [k, list] of groups) console.log(`  not converged: ${k}: g = ${gList(list.map((s) => s.g))}; last residual ${e(Math.min(...list.map((s) => s.residual)))} to ${e(Math.max(...list.map((s) => s.residual)))}`);
  const it = numpySummary.iterations as { static: number; chaotic: number };
  console.log(`numpy iterations in the sweep: static ${it.static}, chaotic ${it.chaotic}`);
}
