// Benchmark W3 of issue 6: the two-time DMFT of the multiregion model (spec 02 §3, solveMultiregionDmft,
// Wasm kernel assembly/mrdmft.ts), P = 2, dt = 0.05, Nt in {1000, 2500}, the problem of bench/mrdmft.ts.
// dmftlab: tinybench median of whole solves (wall) and the median CPU time of 9 solves (user + system of
// the process). Peers in the same run, from bench/peers/w3.py with OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = 1:
//   - numpy research-style: a Python loop over time steps, numpy over the row, the first-order filter as a
//     serial Python loop (full Nt x Nt two-time arrays);
//   - numpy vectorised: bench/peers/mrdmft.py (every row operation one numpy call, blocked-scan filter).
// Both implement the same recursion as the kernel; the bench checks that their S and D agree with
// dmftlab's to 1e-10 and exits 1 (after writing the record) if not. W3 is single-threaded.
// The dmftlab part, the record and the table are bench/lib/w3-core.ts (portable: scripts/bench-browser.mjs
// runs it in Chromium); this file adds the peers, /proc and files.
//
// Run (from the repository root):  npm run bench:w3   (or: node scripts/build.mjs && node dist/bench/w3.js)
// Under Deno: deno run -A dist/bench/w3.js
// Writes bench/results/<date>T<hhmm>-w3-<node|deno>.json (-partial.json for a W3_NTS or W3_NO_NUMPY run).
// Environment: W3_NTS=1000 (a subset of Nt), W3_NO_NUMPY=1 (skip the peers), BENCH_RESULTS_DIR (where the
// record goes; default bench/results). The research-style peer takes seconds per solve at Nt = 2500: it
// times at most 3 solves there and stops early once a (style, Nt) has used 60 s (the record says how many ran).
import type { MultiregionDmftResult } from '../src/theory/multiregion/dmft.js';
import { parseNts, runW3Core, w3Agreement, w3PeerProblem, w3Record, w3Report, W3_TOL, type W3Peers, type W3PeerRun } from './lib/w3-core.js';
import { loadavg, provenance, runPythonPeer, runtimeInfo } from './lib/record.js';
import { hostInfo, processCpuClock, saveRecord } from './lib/host-node.js';
import { disposePool } from '../src/core/pool.js';

const NTS = parseNts(process.env.W3_NTS);
/** most timed solves per (peer, Nt) */
const PEER_REPS = { research: { 1000: 5, 2500: 3 }, vectorised: { 1000: 7, 2500: 7 } };
const PEER_BUDGET_S = 60;

const load0 = loadavg();
const date = new Date().toISOString();
const clock = processCpuClock;
const solutions = new Map<number, MultiregionDmftResult>();
const timings = await runW3Core(NTS, { cpuMs: clock.ms, keep: (Nt, r) => solutions.set(Nt, r) });

// the numpy peers, one process, one BLAS thread
type PeerOutput = Omit<W3Peers, 'runs'> & { runs: (Omit<W3PeerRun, 'maxAbsDiff'> & { S: number[][]; D: number[][] })[] };
let peers: W3Peers | null = null;
let peersSkipped = process.env.W3_NO_NUMPY ? 'W3_NO_NUMPY is set' : '';
if (!peersSkipped) {
  const arg = { ...w3PeerProblem(), Nts: NTS, styles: ['research', 'vectorised'], reps: PEER_REPS, budget: PEER_BUDGET_S };
  const py = runPythonPeer<PeerOutput>('bench/peers/w3.py', arg, 1);
  if (!py.ok) peersSkipped = py.reason;
  else peers = { ...py.value, runs: py.value.runs.map(({ S, D, ...r }) => ({ ...r, maxAbsDiff: w3Agreement({ S, D }, solutions.get(r.Nt)!) })) };
}
if (peersSkipped) console.log(`numpy peers skipped: ${peersSkipped}`);

const ctx = { date, command: 'npm run bench:w3', runtime: runtimeInfo(), version: provenance(), host: hostInfo(load0), cpuClock: clock.name, peers, peersSkipped };
const file = saveRecord(date, 'w3', ctx.runtime.name, process.env.W3_NTS !== undefined || !!process.env.W3_NO_NUMPY, w3Record(timings, ctx));
console.log(w3Report(timings, ctx, file));
const bad = peers?.runs.filter((r) => !(r.maxAbsDiff.S <= W3_TOL && r.maxAbsDiff.D <= W3_TOL)) ?? [];
if (bad.length) {
  console.error(`W3: the peers disagree with dmftlab beyond ${W3_TOL}: ${bad.map((r) => `${r.style} Nt = ${r.Nt} (S ${r.maxAbsDiff.S}, D ${r.maxAbsDiff.D})`).join('; ')}`);
  process.exitCode = 1;
}
// the threaded rows started the session pool; Deno's workers would keep the process alive
await disposePool();
