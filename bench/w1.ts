// Benchmark W1 of issue 6: a dense i.i.d. random network (J = g N(0,1)/sqrt(N), g = 2, tanh), forward Euler
// with dt = 0.1, N in {1000, 2000, 4000}, f32 and f64 couplings; median time per Euler step of
//   - dmftlab wasm-simd-threads with 1 and 2 threads (the session pool, as bench/threads.ts drives it),
//   - the plain `js` variant (src/core/js-kernel.ts under buildNetwork, as runs use it) at N <= 2000,
//   - the numpy peer bench/peers/w1.py (x = x + dt * (-x + J @ np.tanh(x))) with its BLAS on 1 and 2 threads,
// and a memory-bandwidth probe (streamSumF64 over a buffer as large as the N = 4000 f64 matrix, 1 and 2
// threads, same pool), all in one process and run. Each step reads J once, so bytes of J per step / time
// is the bandwidth a step achieves; it is reported as a fraction of the probe's bandwidth at the same
// thread count (below the probe: not yet at the limit; above 1 only where J fits in the caches, N = 1000).
// The dmftlab part, the record and the table are bench/lib/w1-core.ts (portable: the browser bench,
// scripts/bench-browser.mjs, runs the same code in Chromium); this file adds the numpy peer, /proc and files.
//
// Run (from the repository root):  npm run bench:w1   (or: node scripts/build.mjs && node dist/bench/w1.js)
// Under Deno: npm run bench:deno (deno run -A dist/bench/w1.js).
// Writes bench/results/<date>T<hhmm>-w1-<node|deno>.json (-partial.json for a W1_NS or W1_NO_NUMPY run) and
// prints a markdown table for bench/RESULTS.md.
// Environment: W1_NS=1000,2000 (a subset of N), W1_NO_NUMPY=1 (skip the peer), BENCH_RESULTS_DIR (where the
// record goes; default bench/results).
import { runW1Core, parseNs, stepsFor, G, DT, w1Record, w1Report, type NumpyRun } from './lib/w1-core.js';
import { cpuSeconds, loadavg, runPythonPeer, runtimeInfo } from './lib/record.js';
import { hostInfo, saveRecord } from './lib/host-node.js';

const NS = parseNs(process.env.W1_NS);
const NUMPY_SAMPLES = 15;

const load0 = loadavg();
const date = new Date().toISOString();
const core = await runW1Core(NS, { processCpuSeconds: cpuSeconds });

// the numpy peer, BLAS on 1 and then 2 threads
const numpy: Record<number, NumpyRun> = {};
let numpySkipped = process.env.W1_NO_NUMPY ? 'W1_NO_NUMPY is set' : '';
for (const T of [1, 2]) {
  if (numpySkipped) break;
  const py = runPythonPeer<NumpyRun>('bench/peers/w1.py', { Ns: NS, steps: NS.map(stepsFor), samples: NUMPY_SAMPLES, g: G, dt: DT, seed: 1 }, T);
  if (py.ok) numpy[T] = py.value;
  else numpySkipped = py.reason;
}
if (numpySkipped) console.log(`numpy peer skipped: ${numpySkipped}`);

const ctx = { date, command: 'npm run bench:w1', runtime: runtimeInfo(), host: hostInfo(load0), numpy, numpySkipped };
// a partial run (W1_NS or W1_NO_NUMPY) is marked as such in its name
const file = saveRecord(date, 'w1', ctx.runtime.name, process.env.W1_NS !== undefined || !!process.env.W1_NO_NUMPY, w1Record(core, ctx));
console.log(w1Report(core, ctx, file));
