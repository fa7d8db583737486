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
import { computeTheoryUnit, type UnitPoint } from '../../src/sweep/compute.js';
import { abortError } from '../../src/sim/simulate.js';
import { ResultsStore, type SweepHeader, type PointLine } from './sweep-store.js';

export interface SweepRunOptions {
  sweep: Sweep;
  file: string;
  shard: Shard;
  threads: number;
  /** Kernel variant of the session (init's report); theory workers use its one-thread form. */
  variant: Variant;
  signal?: AbortSignal;
  /** Called after each unit: points of the shard in the file, of the shard in all, seconds so far, estimated seconds left (NaN before the first unit). */
  onProgress?: (done: number, total: number, seconds: number, left: number) => void;
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
  /** Points computed and written by this run. */
  computed: number;
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
  const write = (unit: number, pts: UnitPoint[], seconds: number, variant: string, threads: number) => {
    const date = new Date().toISOString();
    const lines: PointLine[] = pts
      .filter((p) => !store.done.has(p.index))
      .map((p) => ({
        kind: 'sweep-point',
        sweepHash: hash,
        index: p.index,
        coords: pointCoords(sweep, p.index),
        specHash: p.specHash,
        result: p.result,
        provenance: { version: VERSION, format: FORMAT_VERSION, variant, threads, runtime: rt.runtime, runtimeVersion: rt.version, date, seconds, unit, unitPoints: units[unit].length, shard: shardText(shard) },
      }));
    store.append(lines);
    computed += lines.length;
    const el = (performance.now() - t0) / 1000;
    const done = countDone();
    o.onProgress?.(done, shardPoints, el, computed > 0 ? (el / computed) * (shardPoints - done) : NaN);
  };
  const unitOf = (u: number[]) => unitIndex.get(u)!;
  try {
    o.onProgress?.(resumed, shardPoints, 0, NaN);
    if (o.signal?.aborted) throw abortError('sweep');
    if (sweep.mode === 'theory') await theoryPool(o, todo, unitOf, write);
    else {
      for (const u of todo) {
        for (const p of u) {
          if (o.signal?.aborted) throw abortError('sweep');
          const t1 = performance.now();
          const { spec, specHash } = pointSpec(sweep, p);
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
          write(unitOf(u), [{ index: p, specHash, result }], (performance.now() - t1) / 1000, prov.variant, prov.threads);
        }
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
    repairedBytes: store.repairedBytes,
    complete: resumed + computed === shardPoints,
    seconds: (performance.now() - t0) / 1000,
  };
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
async function theoryPool(
  o: SweepRunOptions,
  todo: number[][],
  unitOf: (u: number[]) => number,
  write: (unit: number, pts: UnitPoint[], seconds: number, variant: string, threads: number) => void,
): Promise<void> {
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
      let current: number[] | null = null;
      const give = () => {
        if (aborted) return reject(abortError('sweep'));
        if (next >= todo.length) {
          current = null;
          return resolve();
        }
        current = todo[next++];
        w.postMessage({ points: current });
      };
      w.on('message', (m: WorkerReply) => {
        if (!m.ok || !current) return reject(new Error(`dmftlab: sweep worker failed on points ${current?.join(', ')}: ${m.error}`));
        try {
          write(unitOf(current), m.points!, m.seconds!, variant, n);
        } catch (e) {
          return reject(e);
        }
        give();
      });
      w.on('error', (e) => reject(aborted ? abortError('sweep') : e));
      w.on('exit', (code) => {
        if (current || aborted) reject(aborted ? abortError('sweep') : new Error(`dmftlab: sweep worker exited (code ${code}) while computing points ${current?.join(', ')}`));
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
  parentPort!.on('message', async (m: { points: number[] }) => {
    try {
      await ready;
      const t0 = performance.now();
      const points = await computeTheoryUnit(sweep, m.points);
      parentPort!.postMessage({ ok: true, points, seconds: (performance.now() - t0) / 1000 } satisfies WorkerReply);
    } catch (e) {
      parentPort!.postMessage({ ok: false, error: (e as Error).stack ?? String(e) } satisfies WorkerReply);
    }
  });
}
