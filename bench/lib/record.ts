/**
 * What every workload benchmark of issue 6 records next to its timings: the machine and its load, the
 * runtime (Node or Deno), the CPU time the process got, the name of the JSON record, and the run of a
 * Python peer (numpy) as a child process with its BLAS thread count set, skipped with a reason when Python or
 * numpy is missing. The memory-bandwidth probe is in ./probe.ts.
 */
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

/** The 1, 5 and 15 minute load averages, rounded to 0.01. */
export const loadavg = (): number[] => os.loadavg().map((v) => Number(v.toFixed(2)));

/** CPU time (user + system, all threads) of this process in seconds, from /proc (10 ms ticks); process.cpuUsage where /proc is missing. */
export function cpuSeconds(): number {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
}

export interface RuntimeInfo {
  name: 'node' | 'deno';
  version: string;
  v8: string;
  platform: string;
}

/**
 * The runtime running this bundle. Deno runs the same bundle through its Node compatibility layer, where
 * process.version is the Node version it emulates: the name and version then come from Deno itself.
 */
export function runtimeInfo(): RuntimeInfo {
  const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
  return {
    name: deno ? 'deno' : 'node',
    version: deno ? deno.version.deno : process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** dmftlab's version (package.json) and the git commit of the working tree (with "+dirty" when it has changes), or null. */
function readProvenance(): { dmftlab: string | null; commit: string | null } {
  let version: string | null = null;
  try {
    version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version?: string }).version ?? null;
  } catch {
    version = null;
  }
  const git = (args: string[]) => {
    const r = spawnSync('git', args, { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const head = git(['rev-parse', '--short=12', 'HEAD']);
  const dirty = head ? git(['status', '--porcelain', '--untracked-files=no']) : null;
  return { dmftlab: version, commit: head ? `${head}${dirty ? '+dirty' : ''}` : null };
}

/**
 * The provenance when the bench started (read once, when this module is imported at start-up). Records are
 * written at the end, and a long bench (W4: 20 minutes) used to name a commit made while it ran.
 */
const START_PROVENANCE = readProvenance();
export function provenance(): { dmftlab: string | null; commit: string | null } {
  return START_PROVENANCE;
}

export function cpuInfo(): { model: string; cores: number } {
  const cpus = os.cpus();
  return { model: cpus[0]?.model ?? 'unknown', cores: cpus.length };
}

/** The fields every record starts with; `cpuExtra` joins the cpu object (e.g. the CPU share of a part). */
export function recordHead(workload: string, date: string, partial: boolean, loadavgBefore: number[], cpuExtra: Record<string, number> = {}) {
  return {
    workload: workload.toUpperCase(),
    date,
    command: `npm run bench:${workload}`,
    partial,
    runtime: runtimeInfo(),
    version: provenance(),
    cpu: { ...cpuInfo(), loadavgBefore, loadavgAfter: loadavg(), ...cpuExtra },
  };
}

/** The lines a bench prints above its tables: date, runtime, machine and load. */
export function headText(h: ReturnType<typeof recordHead>): string {
  const { runtime: r, cpu: c } = h;
  const extra = Object.entries(c)
    .filter(([k]) => !['model', 'cores', 'loadavgBefore', 'loadavgAfter'].includes(k))
    .map(([k, v]) => `; ${k} ${v}`)
    .join('');
  return [
    `date: ${h.date}${h.partial ? ' (partial run: reduced settings)' : ''}`,
    `dmftlab: ${h.version.dmftlab ?? '?'} (commit ${h.version.commit ?? '?'})`,
    `runtime: ${r.name} ${r.version} (V8 ${r.v8}, ${r.platform})`,
    `cpu: ${c.model}, ${c.cores} logical cores; load average ${c.loadavgBefore.join(', ')} before, ${c.loadavgAfter.join(', ')} after${extra}`,
  ].join('\n');
}

/**
 * Write `record` to <dir>/<date>T<hhmm>-<workload>-<runtime>[-partial].json and return the path; <dir> is
 * bench/results, or BENCH_RESULTS_DIR when set (scripts/bench-runtimes.mjs collects its rounds in a temporary
 * folder). The minute is in the name, so runs never overwrite each other; `partial` marks a run with reduced
 * settings (smoke runs), so it never passes for a full one.
 */
export function writeRecord(workload: string, runtime: string, isoDate: string, partial: boolean, record: unknown): string {
  const dir = process.env.BENCH_RESULTS_DIR || 'bench/results';
  mkdirSync(dir, { recursive: true });
  const stamp = `${isoDate.slice(0, 10)}T${isoDate.slice(11, 16).replace(':', '')}`;
  const file = `${dir}/${stamp}-${workload}-${runtime}${partial ? '-partial' : ''}.json`;
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  return file;
}

/** The thread variables a peer runs under (OpenBLAS, OpenMP, MKL), all set to `threads`. */
export function blasThreadEnv(threads: number): Record<string, string> {
  const t = String(threads);
  return { OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t };
}

export type PeerResult<T> = { ok: true; value: T; stderr: string } | { ok: false; reason: string };

/**
 * Run `python3 script JSON(arg)` with the BLAS thread variables set to `threads` (null: leave the environment
 * as it is) and parse the last line of its stdout as JSON. Fails with a reason, never throws: python3 that
 * cannot start, a missing numpy, or the script's own error (its last line of stderr).
 */
export function runPythonPeer<T>(script: string, arg: unknown, threads: number | null, timeoutMs = 30 * 60_000): PeerResult<T> {
  const py = spawnSync('python3', [script, JSON.stringify(arg)], {
    encoding: 'utf8',
    env: { ...process.env, ...(threads === null ? {} : blasThreadEnv(threads)) },
    maxBuffer: 1 << 26,
    timeout: timeoutMs,
  });
  if (py.error) return { ok: false, reason: `python3 could not be started or timed out (${py.error.message})` };
  if (py.status !== 0 && /No module named .?numpy/.test(py.stderr)) return { ok: false, reason: 'python3 has no numpy' };
  if (py.status !== 0) return { ok: false, reason: `${script} failed (exit ${py.status}): ${py.stderr.trim().split('\n').slice(-1)[0]}` };
  const last = py.stdout.trim().split('\n').slice(-1)[0];
  try {
    return { ok: true, value: JSON.parse(last) as T, stderr: py.stderr };
  } catch {
    return { ok: false, reason: `${script} printed no JSON line (last line: ${last.slice(0, 200)})` };
  }
}

/** Median of a list of numbers (NaN for an empty list). */
export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}
