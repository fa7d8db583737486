// Runtime comparison of issue 6 (target: Node, Deno and Chromium within 20 % of each other on W1 and W3):
// runs the same portable benchmark cores (bench/lib/w1-core.ts, w3-core.ts) under
//   node  dist/bench/w1.js, dist/bench/w3.js
//   deno  node_modules/.bin/deno run -A dist/bench/w1.js, dist/bench/w3.js   (the same bundles)
//   chromium  node scripts/bench-browser.mjs   (the page bundle, headless Debian chromium)
// INTERLEAVED: every round runs W1 on the three runtimes, then W3 on the three, the order rotating by
// round, so a drift of the machine's load hits all three alike. The numpy peers are skipped (W1_NO_NUMPY,
// W3_NO_NUMPY). Each run's record goes to a temporary folder (BENCH_RESULTS_DIR); this script reads them
// and prints, per workload cell, the median over rounds for each runtime and each runtime's ratio to Node
// (the median over rounds of the per-round ratio, with its range), plus the bandwidth probe per runtime.
// It writes one record bench/results/<date>T<hhmm>-runtimes.json with every round's numbers.
//   node scripts/build.mjs && node scripts/bench-runtimes.mjs
// Environment: RUNTIMES_ROUNDS (default 3), RUNTIMES (default node,deno,chromium), W1_NS (default 2000,4000),
// W3_NTS (default 1000,2500); BENCH_RESULTS_DIR (where the summary record goes, default bench/results).
// About 2 minutes per round with the defaults.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const ROUNDS = Number(process.env.RUNTIMES_ROUNDS ?? 3);
const W1_NS = process.env.W1_NS ?? '2000,4000';
const W3_NTS = process.env.W3_NTS ?? '1000,2500';
const DENO = join(root, 'node_modules', '.bin', 'deno');
const CHROMIUM = process.env.DMFTLAB_CHROMIUM || '/usr/bin/chromium';
const WITHIN = 1.2;

for (const f of ['dist/bench/w1.js', 'dist/bench/w3.js']) {
  if (!existsSync(f)) {
    console.error(`${f} is missing: run node scripts/build.mjs first`);
    process.exit(2);
  }
}

/** The command line of workload w on runtime rt. */
const commands = {
  node: (w) => [process.execPath, [`dist/bench/${w}.js`]],
  deno: (w) => [DENO, ['run', '-A', `dist/bench/${w}.js`]],
  chromium: () => [process.execPath, ['scripts/bench-browser.mjs']],
};
/** Why a runtime cannot run here, or '' */
const missing = {
  node: () => '',
  deno: () => {
    const r = spawnSync(DENO, ['--version'], { encoding: 'utf8' });
    return r.status === 0 ? '' : `${DENO} does not run (${r.error?.message ?? r.stderr.trim().split('\n')[0]}); npm ci installs the pinned deno`;
  },
  chromium: () => (existsSync(CHROMIUM) ? '' : `${CHROMIUM} is missing (Debian: apt-get install -y chromium)`),
};
const runtimes = [];
const skipped = {};
for (const rt of (process.env.RUNTIMES ?? 'node,deno,chromium').split(',').map((s) => s.trim())) {
  if (!commands[rt]) throw new Error(`RUNTIMES: unknown runtime ${rt} (node, deno, chromium)`);
  const why = missing[rt]();
  if (why) {
    skipped[rt] = why;
    console.log(`${rt} skipped: ${why}`);
  } else runtimes.push(rt);
}

const tmp = mkdtempSync(join(os.tmpdir(), 'dmftlab-runtimes-'));
const loadavg = () => os.loadavg().map((v) => Number(v.toFixed(2)));
const date = new Date().toISOString();
const load0 = loadavg();
/** rounds[r][w][rt] = the run's record, or { error } */
const rounds = [];

function runOne(w, rt, round) {
  const dir = join(tmp, `r${round}-${w}-${rt}`);
  mkdirSync(dir);
  const [cmd, args] = commands[rt](w);
  const env = { ...process.env, W1_NS, W3_NTS, W1_NO_NUMPY: '1', W3_NO_NUMPY: '1', BENCH_RESULTS_DIR: dir, BENCH_WORKLOADS: w };
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const s = ((performance.now() - t0) / 1000).toFixed(0);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (r.status !== 0 || files.length !== 1) {
    const why = `exit ${r.status}${r.error ? ` (${r.error.message})` : ''}, ${files.length} record(s); stderr: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
    console.log(`round ${round + 1}: ${w} ${rt} FAILED after ${s} s: ${why}`);
    return { error: why };
  }
  console.log(`round ${round + 1}: ${w} ${rt} done in ${s} s (load average ${loadavg().join(', ')})`);
  return JSON.parse(readFileSync(join(dir, files[0]), 'utf8'));
}

for (let round = 0; round < ROUNDS; round++) {
  const order = runtimes.map((_, i) => runtimes[(i + round) % runtimes.length]);
  const rec = { order, w1: {}, w3: {} };
  for (const w of ['w1', 'w3']) for (const rt of order) rec[w][rt] = runOne(w, rt, round);
  rounds.push(rec);
}
rmSync(tmp, { recursive: true, force: true });

// ---- aggregation: per cell and runtime, the values over rounds
const median = (xs) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
/** cells of one record: key -> value (ms) */
const cellsOf = {
  w1: (rec) => Object.fromEntries(rec.results.map((r) => [`${r.N}|${r.variant}|${r.precision}|${r.threads}`, r.medianMsPerStep])),
  w3: (rec) =>
    Object.fromEntries(
      rec.results.flatMap((r) => [
        [`${r.Nt}|wall`, r.wallMedianMs],
        [`${r.Nt}|cpu`, r.cpuMedianMs ?? NaN],
        ...(r.threaded ? [[`${r.Nt}|wall, ${r.threaded.threads} threads`, r.threaded.wallMedianMs]] : []),
      ]),
    ),
};
const summary = { w1: [], w3: [] };
for (const w of ['w1', 'w3']) {
  const keys = [];
  for (const rec of rounds) for (const rt of runtimes) if (!rec[w][rt].error) for (const k of Object.keys(cellsOf[w](rec[w][rt]))) if (!keys.includes(k)) keys.push(k);
  for (const key of keys) {
    const per = {};
    for (const rt of runtimes) {
      const values = rounds.map((rec) => (rec[w][rt].error ? NaN : (cellsOf[w](rec[w][rt])[key] ?? NaN)));
      // the per-round ratio to Node: both sides of a round ran minutes apart at most, under the same drift
      const ratios = rounds.map((rec, i) => values[i] / (rec[w].node && !rec[w].node.error ? (cellsOf[w](rec[w].node)[key] ?? NaN) : NaN));
      const fin = ratios.filter(Number.isFinite);
      per[rt] = { values, median: median(values), vsNode: median(ratios), vsNodeRange: fin.length ? [Math.min(...fin), Math.max(...fin)] : null };
    }
    const meds = runtimes.map((rt) => per[rt].median).filter(Number.isFinite);
    summary[w].push({ key, per, spread: meds.length > 1 ? Math.max(...meds) / Math.min(...meds) : NaN });
  }
}
const probe = {};
for (const rt of runtimes) {
  const gb = (T) => rounds.map((rec) => (rec.w1[rt].error ? NaN : rec.w1[rt].bandwidthProbe.GBs[T]));
  probe[rt] = { 1: { values: gb(1), median: median(gb(1)) }, 2: { values: gb(2), median: median(gb(2)) } };
}
const versions = {};
for (const rt of runtimes) {
  const rec = rounds.map((r) => r.w1[rt]).find((x) => !x.error) ?? rounds.map((r) => r.w3[rt]).find((x) => !x.error);
  if (rec) versions[rt] = rec.runtime;
}

// ---- record
const cpus = os.cpus();
const stamp = `${date.slice(0, 10)}T${date.slice(11, 16).replace(':', '')}`;
const partial = process.env.W1_NS !== undefined || process.env.W3_NTS !== undefined || ROUNDS < 3;
const outDir = process.env.BENCH_RESULTS_DIR || 'bench/results';
const file = `${outDir}/${stamp}-runtimes${partial ? '-partial' : ''}.json`;
mkdirSync(outDir, { recursive: true });
const record = {
  workload: 'runtimes (W1, W3)',
  date,
  command: 'node scripts/bench-runtimes.mjs',
  cpu: { model: cpus[0]?.model ?? 'unknown', cores: cpus.length, loadavgBefore: load0, loadavgAfter: loadavg() },
  settings: { rounds: ROUNDS, W1_NS, W3_NTS, numpy: 'skipped (W1_NO_NUMPY, W3_NO_NUMPY)', order: 'each round: W1 on every runtime, then W3; the runtime order rotates by round', within: WITHIN },
  runtimes: versions,
  skipped,
  bandwidthProbeGBs: probe,
  summary,
  rounds: rounds.map((rec) => ({
    order: rec.order,
    w1: Object.fromEntries(Object.entries(rec.w1).map(([rt, r]) => [rt, r.error ? r : { date: r.date, loadavg: [r.cpu.loadavgBefore, r.cpu.loadavgAfter], cpuShare: r.cpu.cpuShareDuringDmftlab, probeGBs: r.bandwidthProbe.GBs, cells: cellsOf.w1(r), pairedTarget: r.pairedTarget }])),
    w3: Object.fromEntries(Object.entries(rec.w3).map(([rt, r]) => [rt, r.error ? r : { date: r.date, loadavg: [r.cpu.loadavgBefore, r.cpu.loadavgAfter], cpuClock: r.cpu.cpuClock, cells: cellsOf.w3(r) }])),
  })),
};
writeFileSync(file, JSON.stringify(record, null, 2) + '\n');

// ---- tables
const f = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const others = runtimes.filter((rt) => rt !== 'node');
const ratioCell = (p) => (Number.isFinite(p.vsNode) ? `${f(p.vsNode, 2)} (${p.vsNodeRange.map((x) => f(x, 2)).join('–')})` : '–');
console.log(`\ndate: ${date}; ${ROUNDS} interleaved rounds; record: ${file}`);
console.log(`cpu: ${record.cpu.model}, ${cpus.length} logical cores; load average ${load0.join(', ')} before, ${record.cpu.loadavgAfter.join(', ')} after`);
for (const rt of runtimes) console.log(`${rt}: ${versions[rt] ? `${versions[rt].version} (V8 ${versions[rt].v8})` : 'no successful run'}`);
for (const [rt, why] of Object.entries(skipped)) console.log(`${rt}: skipped (${why})`);
console.log('\ncells: median over rounds; "/ node": median over rounds of the per-round ratio (range over rounds); spread: largest / smallest runtime median\n');
console.log('Bandwidth probe (streamSumF64, 122 MiB; GB/s, median over rounds):\n');
console.log(`| threads | ${runtimes.join(' | ')} |`);
console.log(`|---:|${runtimes.map(() => '---:').join('|')}|`);
for (const T of [1, 2]) console.log(`| ${T} | ${runtimes.map((rt) => f(probe[rt][T].median, 1)).join(' | ')} |`);
const verdicts = [];
console.log('\nW1 (ms per Euler step):\n');
console.log(`| N | variant | precision | threads | ${runtimes.map((rt) => `${rt} ms`).join(' | ')} | ${others.map((rt) => `${rt} / node`).join(' | ')} | spread |`);
console.log(`|---:|---|---|---:|${runtimes.map(() => '---:').join('|')}|${others.map(() => '---:').join('|')}|---:|`);
for (const c of summary.w1) {
  const [N, variant, precision, threads] = c.key.split('|');
  console.log(`| ${N} | ${variant} | ${precision} | ${threads} | ${runtimes.map((rt) => f(c.per[rt].median)).join(' | ')} | ${others.map((rt) => ratioCell(c.per[rt])).join(' | ')} | ${f(c.spread, 2)} |`);
  verdicts.push([`W1 N = ${N} ${variant} ${precision} ${threads} thread(s)`, c.spread]);
}
console.log('\nW3 (ms per solve; one thread, then 2 pool threads (wall only); CPU: the process in Node and Deno, the renderer main thread in Chromium):\n');
console.log(`| Nt | clock | ${runtimes.map((rt) => `${rt} ms`).join(' | ')} | ${others.map((rt) => `${rt} / node`).join(' | ')} | spread |`);
console.log(`|---:|---|${runtimes.map(() => '---:').join('|')}|${others.map(() => '---:').join('|')}|---:|`);
for (const c of summary.w3) {
  const [Nt, clock] = c.key.split('|');
  console.log(`| ${Nt} | ${clock} | ${runtimes.map((rt) => f(c.per[rt].median, 2)).join(' | ')} | ${others.map((rt) => ratioCell(c.per[rt])).join(' | ')} | ${f(c.spread, 2)} |`);
  verdicts.push([`W3 Nt = ${Nt} ${clock}`, c.spread]);
}
// the target is about dmftlab's default variant; the plain-JS `js` variant measures the runtimes' JITs
const verdict = (what, cells) => {
  const out = cells.filter(([, s]) => !(s <= WITHIN));
  console.log(
    `${what}: ${cells.length - out.length} of ${cells.length} cells within ${Math.round(100 * (WITHIN - 1))} % (largest / smallest runtime median)` +
      (out.length ? `; outside: ${out.map(([k, s]) => `${k} (${f(s, 2)})`).join('; ')}` : ''),
  );
};
console.log('');
verdict('target (W1 wasm-simd-threads and W3)', verdicts.filter(([k]) => !k.includes(' js ')));
verdict('for information, the js variant of W1 (not part of the target)', verdicts.filter(([k]) => k.includes(' js ')));
