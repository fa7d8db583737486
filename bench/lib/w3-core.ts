/**
 * The portable core of benchmark W3 (issue 6): the two-time DMFT of the multiregion model (spec 02 §3,
 * solveMultiregionDmft with the Wasm kernel assembly/mrdmft.ts), P = 2, dt = 0.05, Nt in {1000, 2500}, the
 * problem of bench/mrdmft.ts. No node:* import: bench/w3.ts runs it in Node and Deno, bench/browser/page.ts
 * in Chromium; the numpy peers (bench/peers/w3.py), /proc and files are the callers' part.
 *
 * Two dmftlab rows: the synchronous solver on the calling thread (one thread), and
 * solveMultiregionDmftAsync on W3_THREADS pool workers (the two regions split between them; bitwise the same
 * numbers, checked). The peers run numpy with OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = 1 (the research-style
 * recursion is a Python loop over time steps: numpy threads would not help it).
 */
import { Bench } from 'tinybench';
import { getKernel } from '../../src/core/wasm.js';
import { multiregionParams } from '../../src/theory/multiregion/types.js';
import { solveMultiregionDmft, type MultiregionDmftOptions, type MultiregionDmftResult } from '../../src/theory/multiregion/dmft.js';
import { solveMultiregionDmftAsync } from '../../src/theory/multiregion/dmft-async.js';
import { pairedRatio } from './paired.js';
import { latencyOf } from './latency.js';
import type { HostInfo, RuntimeInfo } from './records.js';

export const W3_NTS = [1000, 2500];
const P = 2;
const G = 1.5;
const DT = 0.05;
// a non-trivial effective interaction: the currents settle on a fixed point with residual chaos (g = 1.5)
const T = [0.9, 3.3, -1.8, 2.7, 4.2, -4.8, 1.5, 0.6];
const SINIT = [0.5, 0.3, -0.4, 0.8];
const SIGMA0 = [1, 1];
export const W3_BENCH = { time: 3000, iterations: 5, warmupTime: 300, warmupIterations: 2 };
/** solves timed one by one for the CPU-time median */
export const W3_CPU_RUNS = 9;
/** threads of the threaded row (P = 2 regions: at most 2 help) */
export const W3_THREADS = 2;
/** alternating rounds (one thread, then W3_THREADS) for the paired speed-up */
export const W3_PAIRED_ROUNDS = 15;
/** agreement required of the peers' S and D (same recursion: they differ by rounding only) */
export const W3_TOL = 1e-10;

/** the middle value (W3_CPU_RUNS is odd) */
const middle = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** W3_NTS=1000 (a subset of Nt), or the default. */
export const parseNts = (s: string | undefined): number[] => (s ?? W3_NTS.join(',')).split(',').map(Number);

const params = multiregionParams(P, T, [G, G]);
const options = (Nt: number): MultiregionDmftOptions => ({ dt: DT, Nt, Sinit: SINIT, sigma0: SIGMA0, engine: 'wasm' });

/** The problem as bench/peers/w3.py reads it (flat arrays as in src/theory/multiregion/types.ts). */
export const w3PeerProblem = () => ({ P, dt: DT, T, U: Array.from(params.U), G2: [G * G, 0, 0, G * G], Sinit: SINIT, sigma0: SIGMA0 });

export const w3Settings = () => ({
  P,
  g: G,
  T,
  U: 'identity per region',
  Sinit: SINIT,
  sigma0: SIGMA0,
  dt: DT,
  window: null,
  input: null,
  phi: 'erf (closed forms)',
  engine: 'wasm (assembly/mrdmft.ts)',
  threads:
    `one thread (solveMultiregionDmft on the calling thread) and ${W3_THREADS} (solveMultiregionDmftAsync on pool workers, ` +
    'one region each); numpy peers with OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = 1',
  pairedRounds: W3_PAIRED_ROUNDS,
  tinybench: W3_BENCH,
  cpuRuns: W3_CPU_RUNS,
});

export interface W3Timing {
  Nt: number;
  /** tinybench median and minimum of whole solves, wall clock */
  wallMedianMs: number;
  wallMinMs: number;
  samples: number;
  /** median CPU time of W3_CPU_RUNS solves (the hook's clock) less the clock's own cost, or null */
  cpuMedianMs: number | null;
  /** CPU time of each solve as read (the clock's cost included) */
  cpuMs: number[] | null;
  /**
   * the clock's own cost: the median CPU time between two consecutive readings (µs in Node and Deno; in
   * Chromium a round trip to the driver, about 0.5 ms of the page's main thread)
   */
  cpuClockMs: number | null;
  /** the first solve of this Nt in the process (V8 tier-up and first-use costs included), wall */
  firstSolveMs: number;
  /** the end state, S[Nt-1] and D[Nt-1] */
  end: { S: number[]; D: number[] };
  /** the threaded row, or null when this runtime has no threads (e.g. a page without COOP/COEP) */
  threaded: W3Threaded | null;
}

export interface W3Threaded {
  /** threads the solver ran on (diagnostics.settings.threads) */
  threads: number;
  /** tinybench median and minimum of whole solves, wall clock (the pool's messages included) */
  wallMedianMs: number;
  wallMinMs: number;
  samples: number;
  /** median over W3_PAIRED_ROUNDS alternating rounds of time(1 thread) / time(threaded) */
  pairedSpeedup: number;
  /** the first threaded solve of this Nt (pool start and the kernel's binding included), wall */
  firstSolveMs: number;
}

/** The threaded row for Nt; checks that it gives the one-thread solve's numbers bit for bit. */
async function runThreaded(Nt: number, oneThread: MultiregionDmftResult): Promise<W3Threaded | null> {
  const opts = { ...options(Nt), threads: W3_THREADS };
  const t0 = performance.now();
  const res = await solveMultiregionDmftAsync(params, opts);
  const firstSolveMs = performance.now() - t0;
  if (res.diagnostics.settings.threads < 2) return null;
  for (let k = 0; k < Nt; k++) {
    for (let q = 0; q < P * P; q++) if (!Object.is(res.S[k][q], oneThread.S[k][q])) throw new Error(`W3: ${W3_THREADS} threads differ from one at S[${k}][${q}]`);
    for (let a = 0; a < P; a++) if (!Object.is(res.D[k][a], oneThread.D[k][a])) throw new Error(`W3: ${W3_THREADS} threads differ from one at D[${k}][${a}]`);
  }
  const bench = new Bench({ name: `W3 Nt = ${Nt}, ${W3_THREADS} threads`, ...W3_BENCH });
  bench.add('wasm-simd-threads', async () => {
    await solveMultiregionDmftAsync(params, opts);
  });
  await bench.run();
  const task = bench.tasks[0];
  const lat = latencyOf(task);
  const pairedSpeedup = await pairedRatio(
    () => solveMultiregionDmftAsync(params, opts),
    () => solveMultiregionDmft(params, options(Nt)),
    W3_PAIRED_ROUNDS,
  );
  return {
    threads: res.diagnostics.settings.threads,
    wallMedianMs: lat.p50,
    wallMinMs: lat.min,
    samples: task.result && 'latency' in task.result ? task.result.latency.samplesCount : 0,
    pairedSpeedup,
    firstSolveMs,
  };
}

export interface W3Hooks {
  /** CPU ms of the thread that runs the solver (or of the process), if the caller can read it */
  cpuMs?: () => number | Promise<number>;
  log?: (line: string) => void;
  /** receives each Nt's solution (for the peers' agreement check) */
  keep?: (Nt: number, result: MultiregionDmftResult) => void;
}

/** The dmftlab part of W3, for each Nt: one solve (kept), tinybench over solves, then CPU time per solve. */
export async function runW3Core(Nts: number[], hooks: W3Hooks = {}): Promise<W3Timing[]> {
  const log = hooks.log ?? (() => {});
  await getKernel();
  const out: W3Timing[] = [];
  const kept = new Map<number, MultiregionDmftResult>();
  for (const Nt of Nts) {
    log(`W3: Nt = ${Nt}`);
    const t0 = performance.now();
    const res = solveMultiregionDmft(params, options(Nt));
    const firstSolveMs = performance.now() - t0;
    hooks.keep?.(Nt, res);
    const bench = new Bench({ name: `W3 Nt = ${Nt}`, ...W3_BENCH });
    bench.add('wasm-simd', () => {
      solveMultiregionDmft(params, options(Nt));
    });
    await bench.run();
    const task = bench.tasks[0];
    const lat = latencyOf(task);
    let cpuMs: number[] | null = null;
    let cpuClockMs: number | null = null;
    if (hooks.cpuMs) {
      const clock = hooks.cpuMs;
      const empty: number[] = [];
      cpuMs = [];
      for (let r = 0; r < W3_CPU_RUNS; r++) {
        let c0 = await clock();
        empty.push((await clock()) - c0);
        c0 = await clock();
        solveMultiregionDmft(params, options(Nt));
        cpuMs.push((await clock()) - c0);
      }
      cpuClockMs = middle(empty);
    }
    out.push({
      Nt,
      wallMedianMs: lat.p50,
      wallMinMs: lat.min,
      samples: task.result && 'latency' in task.result ? task.result.latency.samplesCount : 0,
      cpuMedianMs: cpuMs && cpuClockMs !== null ? middle(cpuMs) - cpuClockMs : null,
      cpuMs,
      cpuClockMs,
      firstSolveMs,
      end: { S: Array.from(res.S[Nt - 1]), D: Array.from(res.D[Nt - 1]) },
      threaded: null,
    });
    kept.set(Nt, res);
  }
  // the threaded rows after every one-thread row, so that the one-thread rows run before the pool exists (the
  // process CPU clock counts every thread of the process; V8's background threads, the garbage collector's
  // among them, already make the one-thread CPU median exceed the wall median at Nt = 2500: 67 against 59 ms)
  for (const t of out) t.threaded = await runThreaded(t.Nt, kept.get(t.Nt)!);
  return out;
}

/** One (style, Nt) of bench/peers/w3.py, with its agreement with dmftlab. */
export interface W3PeerRun {
  style: 'research' | 'vectorised';
  Nt: number;
  reps: number;
  repsAsked: number;
  seconds: number[];
  median: number;
  cpu: number[];
  cpuMedian: number;
  /** max |peer - dmftlab| over all steps and components */
  maxAbsDiff: { S: number; D: number };
}

export interface W3Peers {
  python: string;
  numpy: string;
  blas: unknown;
  env: Record<string, string | null>;
  budget: number;
  runs: W3PeerRun[];
}

export interface W3Context {
  date: string;
  command: string;
  runtime: RuntimeInfo;
  /** dmftlab's version and commit (./record.ts provenance) */
  version: { dmftlab: string | null; commit: string | null };
  host: HostInfo;
  /** the name of the CPU clock of the timings, or null when there is none */
  cpuClock: string | null;
  peers: W3Peers | null;
  /** why the peers did not run ('' when they did) */
  peersSkipped: string;
}

/** The largest |peer - dmftlab| of S and D (peer: rows per step; dmftlab: its result). */
export function w3Agreement(peer: { S: number[][]; D: number[][] }, res: MultiregionDmftResult): { S: number; D: number } {
  let S = 0;
  let D = 0;
  for (let k = 0; k < res.Nt; k++) {
    res.S[k].forEach((x, q) => (S = Math.max(S, Math.abs(peer.S[k][q] - x))));
    res.D[k].forEach((x, a) => (D = Math.max(D, Math.abs(peer.D[k][a] - x))));
  }
  return { S, D };
}

const STYLE_NAME = {
  research: 'numpy research-style (bench/peers/w3.py: loop over k, numpy over the row, serial Python filter)',
  vectorised: 'numpy vectorised (bench/peers/mrdmft.py: blocked-scan filter)',
};

function ratios(timings: W3Timing[], peers: W3Peers | null) {
  if (!peers) return [];
  return peers.runs.map((r) => {
    const d = timings.find((t) => t.Nt === r.Nt);
    return {
      Nt: r.Nt,
      peer: r.style,
      wall: d ? (1000 * r.median) / d.wallMedianMs : NaN,
      cpu: d && d.cpuMedianMs !== null ? (1000 * r.cpuMedian) / d.cpuMedianMs : null,
      /** peer wall / the threaded row's wall (null without threads) */
      wallThreaded: d?.threaded ? (1000 * r.median) / d.threaded.wallMedianMs : null,
    };
  });
}

/** The JSON record (bench/results/<date>T<hhmm>-w3-<runtime>.json). */
export function w3Record(timings: W3Timing[], ctx: W3Context) {
  const rs = ratios(timings, ctx.peers);
  const at2500 = (style: string) => rs.find((r) => r.Nt === 2500 && r.peer === style) ?? null;
  return {
    workload: 'W3',
    date: ctx.date,
    command: ctx.command,
    runtime: ctx.runtime,
    version: ctx.version,
    cpu: { ...ctx.host, cpuClock: ctx.cpuClock },
    settings: { ...w3Settings(), Nts: timings.map((t) => t.Nt) },
    results: timings.map((t) => ({ variant: 'dmftlab wasm-simd', threads: 1, ...t })),
    peers: ctx.peers
      ? {
          script: 'bench/peers/w3.py',
          python: ctx.peers.python,
          numpy: ctx.peers.numpy,
          blas: ctx.peers.blas,
          env: ctx.peers.env,
          budgetS: ctx.peers.budget,
          tolerance: W3_TOL,
          runs: ctx.peers.runs.map((r) => ({
            style: r.style,
            Nt: r.Nt,
            reps: r.reps,
            repsAsked: r.repsAsked,
            wallMedianMs: 1000 * r.median,
            cpuMedianMs: 1000 * r.cpuMedian,
            wallS: r.seconds,
            cpuS: r.cpu,
            maxAbsDiff: r.maxAbsDiff,
          })),
        }
      : { skipped: ctx.peersSkipped },
    /**
     * peer time / dmftlab time (wall: tinybench median against the peer's median; cpu: CPU medians;
     * wallThreaded: the peer's wall median against the threaded row's)
     */
    ratios: rs,
    target: {
      what:
        'issue 6: dmftlab >= 100x the numpy recursion at Nt = 2500: one thread by the CPU-time ratio, ' +
        `${W3_THREADS} threads by the wall-clock ratio (the numpy peers run on one thread)`,
      research: at2500('research'),
      vectorised: at2500('vectorised'),
    },
  };
}

const f1 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(Math.abs(x) < 10 ? 2 : 1));

/** The printed report: the run's circumstances, then the markdown table. */
export function w3Report(timings: W3Timing[], ctx: W3Context, file: string): string {
  const { runtime, host, peers } = ctx;
  const rs = ratios(timings, peers);
  const out: string[] = [];
  out.push(`date: ${ctx.date}`);
  out.push(`dmftlab: ${ctx.version.dmftlab ?? '?'} (commit ${ctx.version.commit ?? '?'})`);
  out.push(`runtime: ${runtime.name} ${runtime.version} (V8 ${runtime.v8}, ${runtime.platform})`);
  out.push(`cpu: ${host.model}, ${host.cores} logical cores; load average ${host.loadavgBefore.join(', ')} before, ${host.loadavgAfter.join(', ')} after`);
  out.push(`CPU clock: ${ctx.cpuClock ?? 'none (wall clock only)'}`);
  out.push(
    peers
      ? `numpy: ${peers.numpy} (python ${peers.python}, BLAS ${JSON.stringify(peers.blas)}), OPENBLAS_NUM_THREADS = ${peers.env.OPENBLAS_NUM_THREADS}, OMP_NUM_THREADS = ${peers.env.OMP_NUM_THREADS}`
      : `numpy: skipped (${ctx.peersSkipped})`,
  );
  out.push(`problem: P = ${P}, g = ${G}, T = [${T.join(', ')}], U = I, dt = ${DT}, no window, S_init = [${SINIT}], sigma0 = [${SIGMA0}]`);
  for (const t of timings) out.push(`end state Nt = ${t.Nt}: S = [${t.end.S.map((x) => x.toFixed(4))}], D = [${t.end.D.map((x) => x.toFixed(4))}]`);
  for (const r of peers?.runs ?? []) {
    out.push(`max |${r.style} - dmftlab|, Nt = ${r.Nt}: S ${r.maxAbsDiff.S.toExponential(2)}, D ${r.maxAbsDiff.D.toExponential(2)} (${r.reps} of ${r.repsAsked} runs timed)`);
  }
  out.push(`record: ${file}\n`);
  out.push(
    `dmftlab on one thread (the calling thread) and on ${W3_THREADS} pool threads (one region each; the same bits, checked); numpy on one BLAS thread. ` +
      'Cells: median ms per solve; "×" = peer time / dmftlab time (how many times faster dmftlab is); "× 2T wall" = peer wall / the threaded wall.\n',
  );
  out.push('| Nt | runtime / implementation | wall median (ms) | runs | CPU median (ms) | × wall | × CPU | × 2T wall |');
  out.push('|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const t of timings) {
    out.push(`| ${t.Nt} | ${runtime.name} dmftlab wasm-simd, 1 thread | ${f1(t.wallMedianMs)} | ${t.samples} | ${f1(t.cpuMedianMs)} | 1.0 | 1.0 | |`);
    const th = t.threaded;
    if (th) {
      const sp = `${f1(t.wallMedianMs / th.wallMedianMs)}x by medians, ${f1(th.pairedSpeedup)}x paired`;
      out.push(`| ${t.Nt} | ${runtime.name} dmftlab wasm-simd-threads, ${th.threads} threads (${sp}) | ${f1(th.wallMedianMs)} | ${th.samples} | – | | | 1.0 |`);
    }
    for (const r of peers?.runs.filter((x) => x.Nt === t.Nt) ?? []) {
      const q = rs.find((x) => x.Nt === t.Nt && x.peer === r.style);
      out.push(`| ${t.Nt} | ${STYLE_NAME[r.style]} | ${f1(1000 * r.median)} | ${r.reps} | ${f1(1000 * r.cpuMedian)} | ${f1(q?.wall)} | ${f1(q?.cpu)} | ${f1(q?.wallThreaded)} |`);
    }
  }
  const tgt = rs.filter((r) => r.Nt === 2500);
  if (tgt.length) {
    out.push('');
    for (const r of tgt) {
      const x = r.cpu ?? r.wall;
      out.push(`target (>= 100x the numpy recursion at Nt = 2500) against numpy ${r.peer}, one thread: ${f1(x)}x (${r.cpu !== null ? 'CPU' : 'wall'}): ${x >= 100 ? 'met' : 'NOT met'}`);
      if (r.wallThreaded !== null) {
        out.push(`target against numpy ${r.peer}, ${W3_THREADS} threads: ${f1(r.wallThreaded)}x (wall): ${r.wallThreaded >= 100 ? 'met' : 'NOT met'}`);
      }
    }
  }
  return out.join('\n');
}
