/**
 * `dmftlab sweep`: run the points of a sweep (or of one shard of it) into its results file, skipping the
 * points already there. Theory units run on worker threads (one unit at a time per worker); simulation and
 * comparison points run one after the other, each on the library's thread pool. Every finished unit is
 * appended with one write and an fsync (sweep-store.ts), so an interrupt, even kill -9, loses at most the
 * units in flight.
 */
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { init, simulate, compare, VERSION, FORMAT_VERSION, type Variant } from '../../src/index.js';
import { runtimeInfo } from '../../src/version.js';
import {
  pointCount,
  pointCoords,
  pointSpec,
  routeOf,
  shardUnits,
  sweepHash,
  theoryPoint,
  withoutTimings,
  workUnits,
  type PointResult,
  type Shard,
  type Sweep,
} from '../../src/sweep/sweep.js';
import { computeTheoryUnit, computeRefinedTheoryUnit, type UnitPoint } from '../../src/sweep/compute.js';
import { refineLevel, refinedUnits, type RefinedPoint, type RefinedUnit } from '../../src/sweep/refine.js';
import { pointMetrics, specAt } from '../../src/sweep/sweep.js';
import { abortError } from '../../src/sim/simulate.js';
import { ResultsStore, readResults, StoreError, type SweepHeader, type PointLine } from './sweep-store.js';

export interface SweepRunOptions {
  sweep: Sweep;
  file: string;
  shard: Shard;
  threads: number;
  /** Kernel variant of the session (init's report); theory workers use its one-thread form. */
  variant: Variant;
  signal?: AbortSignal;
  /**
   * Called after each unit: points of the shard in the file, of the shard in all, seconds so far, estimated
   * seconds left (NaN before the first unit); during refinement the counts are those of the level, and
   * `stage` names it ("refinement level 2").
   */
  onProgress?: (done: number, total: number, seconds: number, left: number, stage?: string) => void;
  /** Script of the theory workers: the CLI bundle, which starts `sweepWorkerMain` when loaded as a sweep worker. */
  workerUrl: URL;
}

export interface SweepRunReport {
  kind: 'sweep';
  sweepHash: string;
  results: string;
  route: string;
  points: number;
  shard: string;
  shardPoints: number;
  /** Points of the shard in the file before this run started (skipped). */
  resumed: number;
  /** Points computed and written by this run (base and refined). */
  computed: number;
  /** With `refine`: refined points in the file after the run. */
  refined?: number;
  /** With `refine`: "complete" (every level done), "after-merge" (a shard run computes base points only), "incomplete". */
  refinement?: string;
  /** Bytes of a torn last line cut off when the file was opened. */
  repairedBytes: number;
  complete: boolean;
  seconds: number;
}

/** The header line of a results file (docs/OUTPUT.md, "Sweep results"). */
export function sweepHeader(sweep: Sweep, shard: Shard): SweepHeader {
  const h: SweepHeader = {
    kind: 'sweep-header',
    dmftlabSweep: 1,
    sweepHash: sweepHash(sweep),
    dmftlab: { version: VERSION, format: FORMAT_VERSION },
    mode: sweep.mode,
    route: routeOf(sweep),
    points: pointCount(sweep),
    units: workUnits(sweep).length,
    shard: { index: shard.index, count: shard.count },
    axes: sweep.axes,
    base: sweep.base,
  };
  if (sweep.name !== undefined) h.name = sweep.name;
  if (sweep.refine) h.refine = sweep.refine;
  return h;
}

const shardText = (s: Shard) => `${s.index}/${s.count}`;

export async function runSweep(o: SweepRunOptions): Promise<SweepRunReport> {
  const t0 = performance.now();
  const { sweep, shard } = o;
  const header = sweepHeader(sweep, shard);
  const hash = header.sweepHash;
  const units = workUnits(sweep);
  const mine = shardUnits(units, shard);
  const unitIndex = new Map<number[], number>(units.map((u, k) => [u, k]));
  const store = new ResultsStore(o.file, header, (found) => {
    if (found.sweepHash !== hash) return `holds results of another sweep (sweepHash ${found.sweepHash}; this sweep is ${hash}); use another --out, or delete the file to start over`;
    const fs = found.shard as Shard | undefined;
    if (!fs || fs.index !== shard.index || fs.count !== shard.count) return `was written by shard ${fs ? shardText(fs) : '?'}; this run is shard ${shardText(shard)}; use another --out`;
    return null;
  });
  const shardPoints = mine.reduce((n, u) => n + u.length, 0);
  const inShard = new Set(mine.flat());
  const countDone = () => [...store.done].filter((p) => inShard.has(p)).length;
  const resumed = countDone();
  const todo = mine.filter((u) => u.some((p) => !store.done.has(p)));
  let computed = 0;
  const rt = runtimeInfo();
  // progress of the current stage: base points of the shard, or the points of one refinement level
  let stage: { label?: string; total: number; done: () => number; computed: number } = { total: shardPoints, done: countDone, computed: 0 };
  const refinedBy = new Map<number, RefinedPoint>();
  const write = (job: Job, pts: UnitPoint[], seconds: number, variant: string, threads: number) => {
    const date = new Date().toISOString();
    const lines: PointLine[] = pts
      .filter((p) => !store.done.has(p.index))
      .map((p) => {
        const r = refinedBy.get(p.index);
        const line: PointLine = {
          kind: 'sweep-point',
          sweepHash: hash,
          index: p.index,
          coords: r ? r.coords : pointCoords(sweep, p.index),
          specHash: p.specHash,
          result: p.result,
          provenance: { version: VERSION, format: FORMAT_VERSION, variant, threads, runtime: rt.runtime, runtimeVersion: rt.version, date, seconds, unit: job.unit, unitPoints: job.size, shard: shardText(shard) },
        };
        if (r) Object.assign(line, { level: r.level, axis: r.axis });
        return line;
      });
    store.append(lines);
    computed += lines.length;
    stage.computed += lines.length;
    const el = (performance.now() - t0) / 1000;
    const done = stage.done();
    o.onProgress?.(done, stage.total, el, stage.computed > 0 ? (el / stage.computed) * (stage.total - done) : NaN, stage.label);
  };
  const baseJobs: Job[] = todo.map((u) => ({ unit: unitIndex.get(u)!, size: u.length, points: u, msg: { points: u } }));
  let refined: number | undefined;
  let refinement: string | undefined;
  try {
    o.onProgress?.(resumed, shardPoints, 0, NaN);
    if (o.signal?.aborted) throw abortError('sweep');
    await runJobs(o, baseJobs, write);
    if (sweep.refine) {
      if (shard.count > 1) refinement = 'after-merge';
      else {
        const r = await refine(o, store, units.length, refinedBy, (label, total, done) => (stage = { label, total, done, computed: 0 }), write);
        refined = r.refined;
        refinement = r.complete ? 'complete' : 'incomplete';
      }
    }
  } finally {
    store.close();
  }
  return {
    kind: 'sweep',
    sweepHash: hash,
    results: o.file,
    route: routeOf(sweep),
    points: pointCount(sweep),
    shard: shardText(shard),
    shardPoints,
    resumed,
    computed,
    ...(refined !== undefined ? { refined } : {}),
    ...(refinement !== undefined ? { refinement } : {}),
    repairedBytes: store.repairedBytes,
    complete: countDone() === shardPoints && refinement !== 'incomplete',
    seconds: (performance.now() - t0) / 1000,
  };
}

/** A unit to compute: its number (provenance.unit), its size, the points it writes, and the message a theory worker gets. */
interface Job {
  unit: number;
  size: number;
  points: number[];
  msg: { points: number[] } | { refined: RefinedUnit };
}

type Write = (job: Job, pts: UnitPoint[], seconds: number, variant: string, threads: number) => void;

/** Run jobs: theory on the worker pool; simulate and compare one point after the other. */
async function runJobs(o: SweepRunOptions, jobs: Job[], write: Write): Promise<void> {
  const { sweep } = o;
  if (sweep.mode === 'theory') return theoryPool(o, jobs, write);
  for (const job of jobs) {
    const refined = 'refined' in job.msg ? new Map(job.msg.refined.points.map((p) => [p.index, p])) : null;
    for (const p of job.points) {
      if (o.signal?.aborted) throw abortError('sweep');
      const t1 = performance.now();
      const r = refined?.get(p);
      const { spec, specHash } = r ? specAt(sweep, r.coords, p) : pointSpec(sweep, p);
      const opts = { signal: o.signal, threads: o.threads };
      let result: PointResult;
      let prov: { variant: string; threads: number };
      if (sweep.mode === 'simulate') {
        const out = await simulate(spec, opts);
        result = { simulation: { summary: withoutTimings(out.result.summary) } };
        prov = out.provenance;
      } else {
        const out = await compare(spec, opts);
        result = {
          theory: theoryPoint(out.result.theory),
          simulation: { summary: withoutTimings(out.result.simulation.summary) },
          compare: { agree: out.result.report.agree, rows: withoutTimings(out.result.report.rows) },
        };
        prov = out.provenance;
      }
      write(job, [{ index: p, specHash, result }], (performance.now() - t1) / 1000, prov.variant, prov.threads);
    }
  }
}

/**
 * The refinement levels (docs/SWEEP.md, "Refinement"), after every base point is in the file: each level's
 * points follow from the metric values in the file; points already there (a resume) must be the same ones.
 */
async function refine(
  o: SweepRunOptions,
  store: ResultsStore,
  baseUnits: number,
  refinedBy: Map<number, RefinedPoint>,
  setStage: (label: string, total: number, done: () => number) => void,
  write: Write,
): Promise<{ refined: number; complete: boolean }> {
  const { sweep } = o;
  const spec = sweep.refine!;
  const n = pointCount(sweep);
  const values = new Map<number, number>();
  const stored = new Map<number, PointLine>();
  const readBack = () => {
    for (const p of readResults(o.file).points) {
      if (values.has(p.index)) continue;
      values.set(p.index, pointMetrics(p.result as PointResult)[spec.metric] ?? NaN);
      if (p.index >= n) stored.set(p.index, p);
    }
  };
  readBack();
  for (let p = 0; p < n; p++) if (!values.has(p)) return { refined: 0, complete: false };
  const earlier: RefinedPoint[] = [];
  let unit = baseUnits;
  for (let level = 1; level <= spec.levels; level++) {
    if (o.signal?.aborted) throw abortError('sweep');
    const pts = refineLevel(sweep, earlier, (i) => values.get(i), level, n + earlier.length);
    for (const p of pts) {
      refinedBy.set(p.index, p);
      const s = stored.get(p.index);
      if (s && (s.coords.length !== p.coords.length || s.coords.some((x, a) => x !== p.coords[a]))) {
        throw new StoreError(`${o.file}: refined point ${p.index} has coords ${JSON.stringify(s.coords)}, but level ${level} of this sweep puts ${JSON.stringify(p.coords)} there; the file was not written by this sweep's refinement (delete it to start over)`);
      }
    }
    const units = refinedUnits(sweep, pts, earlier);
    const jobs: Job[] = [];
    for (const u of units) {
      const ids = u.points.map((p) => p.index);
      if (ids.some((i) => !store.done.has(i))) jobs.push({ unit, size: ids.length, points: ids, msg: { refined: u } });
      unit++;
    }
    const ids = new Set(pts.map((p) => p.index));
    setStage(`refinement level ${level}`, pts.length, () => [...ids].filter((i) => store.done.has(i)).length);
    await runJobs(o, jobs, write);
    readBack();
    earlier.push(...pts);
    if (!pts.length) break;
  }
  return { refined: earlier.length, complete: true };
}

interface WorkerReply {
  ok: boolean;
  points?: UnitPoint[];
  seconds?: number;
  error?: string;
}

/** The one-thread form of a variant (what a sweep worker runs). */
const oneThread = (v: Variant): Variant => (v === 'wasm-simd-threads' ? 'wasm-simd' : v);

/** Theory units on `threads` worker threads; a finished unit is written at once, in completion order. */
async function theoryPool(o: SweepRunOptions, todo: Job[], write: Write): Promise<void> {
  if (!todo.length) return;
  const variant = oneThread(o.variant);
  const n = Math.max(1, Math.min(o.threads, todo.length));
  const workers: Worker[] = [];
  let next = 0;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    for (const w of workers) void w.terminate();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const lane = (w: Worker) =>
    new Promise<void>((resolve, reject) => {
      let current: Job | null = null;
      const give = () => {
        if (aborted) return reject(abortError('sweep'));
        if (next >= todo.length) {
          current = null;
          return resolve();
        }
        current = todo[next++];
        w.postMessage(current.msg);
      };
      w.on('message', (m: WorkerReply) => {
        if (!m.ok || !current) return reject(new Error(`dmftlab: sweep worker failed on points ${current?.points.join(', ')}: ${m.error}`));
        try {
          write(current, m.points!, m.seconds!, variant, n);
        } catch (e) {
          return reject(e);
        }
        give();
      });
      w.on('error', (e) => reject(aborted ? abortError('sweep') : e));
      w.on('exit', (code) => {
        if (current || aborted) reject(aborted ? abortError('sweep') : new Error(`dmftlab: sweep worker exited (code ${code}) while computing points ${current?.points.join(', ')}`));
      });
      give();
    });
  try {
    for (let k = 0; k < n; k++) workers.push(new Worker(o.workerUrl, { workerData: { dmftlabSweepWorker: true, sweep: o.sweep, variant } }));
    await Promise.all(workers.map(lane));
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** True in a thread started by `theoryPool`. */
export const isSweepWorker = (): boolean => !!parentPort && !!(workerData as { dmftlabSweepWorker?: boolean } | null)?.dmftlabSweepWorker;

/** Body of a sweep worker: compute the units it is sent, one at a time. */
export async function sweepWorkerMain(): Promise<void> {
  const { sweep, variant } = workerData as { sweep: Sweep; variant: Variant };
  const ready = init({ threads: 1, variant });
  parentPort!.on('message', async (m: Job['msg']) => {
    try {
      await ready;
      const t0 = performance.now();
      const points = 'refined' in m ? await computeRefinedTheoryUnit(sweep, m.refined) : await computeTheoryUnit(sweep, m.points);
      parentPort!.postMessage({ ok: true, points, seconds: (performance.now() - t0) / 1000 } satisfies WorkerReply);
    } catch (e) {
      parentPort!.postMessage({ ok: false, error: (e as Error).stack ?? String(e) } satisfies WorkerReply);
    }
  });
}
