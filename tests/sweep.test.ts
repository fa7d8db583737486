// Sweeps (docs/SWEEP.md): sweep file validation, point enumeration, work units and shards, the results
// store (resume, torn last line), and the CLI end to end: threads and shards give the same points as one
// run, resume skips finished points, merge finds missing and duplicate points, sweep-report's CSV, and
// kill -9 at random times followed by resumes ends with the file of an uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, appendFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseSweep,
  SweepError,
  pointCount,
  pointCoords,
  workUnits,
  shardUnits,
  parseShard,
  shardFromSlurm,
  sweepHash,
  rangeValues,
} from '../src/sweep/sweep.js';
import { canonicalJson } from '../src/spec/hash.js';
import { ResultsStore, readResults, StoreError, type SweepHeader } from '../bindings/node/sweep-store.js';
import { keyPaths, type Json } from './key-paths.js';

const BIN = join(process.cwd(), 'bin', 'dmftlab.js');
const dir = mkdtempSync(join(tmpdir(), 'dmftlab-sweep-'));

const LOWRANK = { dmftlab: 1, seed: 7, model: { kind: 'lowrank', N: 1000, g: 1, phi: 'tanh', rank: 1, means: { m: 1.1, n: 2 }, cov: { mm: 1, nn: 1 } } };
const RANDOM = { dmftlab: 1, seed: 1, model: { kind: 'random', N: 1000, g: 1, phi: 'tanh' } };

function issuesOf(input: unknown): string[] {
  try {
    parseSweep(input);
  } catch (e) {
    assert.ok(e instanceof SweepError, String(e));
    return e.issues.map((i) => i.message);
  }
  assert.fail('accepted');
}

test('sweep files: every problem is one line naming the field, the value and what is valid', () => {
  const ok = { dmftlabSweep: 1, base: LOWRANK, axes: [{ field: 'model.g', values: [0.5, 1] }] };
  assert.equal(pointCount(parseSweep(ok)), 2);
  assert.match(issuesOf({ ...ok, dmftlabSweep: 2 })[0], /^dmftlabSweep: got 2; must be 1 .*newer/);
  assert.match(issuesOf({ ...ok, axis: [] })[0], /^axis: unknown field/);
  assert.match(issuesOf({ ...ok, mode: 'fast' })[0], /^mode: got "fast"; must be one of theory, simulate, compare/);
  assert.match(issuesOf({ ...ok, axes: [{ field: 'model.gg', values: [1] }] })[0], /^axes\[0\]\.field: got "model\.gg"; not a field of the base spec .*g, phi/);
  assert.match(issuesOf({ ...ok, axes: [{ field: 'model.means.n', values: [1] }] })[0], /must name a number of the base spec, but it is an array of 1; name one entry, e.g\. "model\.means\.n\.0"/);
  assert.match(issuesOf({ ...ok, axes: [{ field: 'model.g', range: { from: 0, to: 1, count: 0 } }] })[0], /^axes\[0\]\.range\.count: got 0; must be an integer in \[1, 100000\]/);
  assert.match(issuesOf({ ...ok, axes: [{ field: 'model.g', range: { from: 0, to: 1, count: 3, scale: 'log' } }] })[0], /^axes\[0\]\.range\.from: got 0; must be > 0 with scale "log"/);
  assert.match(issuesOf({ ...ok, axes: [{ field: 'model.g', values: [1, 1] }] })[0], /values\[1\]: got 1, the same as values\[0\]/);
  assert.match(issuesOf({ ...ok, axes: [{ field: 'model.g', values: [1], range: { from: 0, to: 1, count: 2 } }] })[0], /^axes\[0\]: got both values and range; give exactly one/);
  assert.match(issuesOf({ ...ok, axes: [ok.axes[0], ok.axes[0]] })[0], /^axes\[1\]\.field: got "model\.g", already swept by axes\[0\]/);
  // an axis value the spec validator refuses: the axis, the field, the value and the validator's own line
  const bad = issuesOf({ ...ok, axes: [{ field: 'model.g', values: [1, 250] }] });
  assert.equal(bad.length, 1);
  assert.match(bad[0], /^axes\[0\] \(model\.g\) value 250: model\.g: got 250; must be/);
  assert.match(issuesOf({ ...ok, base: { ...LOWRANK, seed: -1 } })[0], /^base: seed: got -1/);
  assert.match(issuesOf({ ...ok, axes: [{ field: 'seed', values: [0.5] }] })[0], /^axes\[0\] \(seed\) value 0\.5: seed: got 0\.5/);
  for (const msgs of [issuesOf({ ...ok, axes: 'g' }), issuesOf(null)]) for (const m of msgs) assert.doesNotMatch(m, /undefined|NaN|\n/);
});

test('points: axes[0] slowest, the last axis fastest; ranges; the hash ignores the name', () => {
  const s = parseSweep({ dmftlabSweep: 1, base: LOWRANK, axes: [{ field: 'model.means.n.0', values: [1, 2] }, { field: 'model.g', range: { from: 0.5, to: 1.5, count: 3 } }] });
  assert.deepEqual(
    Array.from({ length: pointCount(s) }, (_, p) => pointCoords(s, p)),
    [[1, 0.5], [1, 1], [1, 1.5], [2, 0.5], [2, 1], [2, 1.5]],
  );
  assert.deepEqual(rangeValues(1, 100, 3, 'log'), [1, 10, 100]);
  assert.equal(sweepHash(s), sweepHash({ ...s, name: 'other' }));
  assert.notEqual(sweepHash(s), sweepHash({ ...s, mode: 'compare' }));
});

test('work units: rows of increasing g for the lowrank continuation, one point otherwise; shards partition the points', () => {
  const s = parseSweep({ dmftlabSweep: 1, base: LOWRANK, axes: [{ field: 'model.g', values: [2, 0.5, 1] }, { field: 'model.means.n.0', values: [1, 2, 3] }] });
  // g is the slow axis here: a row is {n fixed}, its points in increasing g
  assert.deepEqual(workUnits(s), [[3, 6, 0], [4, 7, 1], [5, 8, 2]]);
  assert.equal(workUnits({ ...s, theoryRoute: 'solve' }).length, 9);
  assert.equal(workUnits({ ...s, mode: 'simulate' }).length, 9);
  const big = parseSweep({ dmftlabSweep: 1, base: RANDOM, axes: [{ field: 'model.g', range: { from: 0.1, to: 3, count: 37 } }] });
  for (const src of [s, big]) {
    const units = workUnits(src);
    for (const n of [1, 2, 3, 5, 40]) {
      const seen = new Array<number>(pointCount(src)).fill(0);
      for (let i = 0; i < n; i++) for (const u of shardUnits(units, { index: i, count: n })) for (const p of u) seen[p]++;
      assert.ok(seen.every((c) => c === 1), `n = ${n}: ${seen.join('')}`);
    }
  }
  assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 });
  for (const t of ['5/5', '1/0', 'a/b', '1', '-1/3']) assert.throws(() => parseShard(t), /--shard: got .*; must be i\/n/);
  assert.equal(shardFromSlurm({}), null);
  assert.deepEqual(shardFromSlurm({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' }), { index: 3, count: 4 });
  assert.throws(() => shardFromSlurm({ SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '4' }), /do not give a shard/);
});

test('results store: resume keeps finished points, a torn last line is cut off, other damage is an error', () => {
  const f = join(dir, 'store.jsonl');
  const header: SweepHeader = { kind: 'sweep-header', dmftlabSweep: 1, sweepHash: 'abc', points: 4 };
  const same = (h: SweepHeader) => (h.sweepHash === 'abc' ? null : 'another sweep');
  const pt = (index: number) => ({ kind: 'sweep-point', sweepHash: 'abc', index, coords: [index], specHash: 'x', result: { v: index / 3 }, provenance: {} });
  let s = new ResultsStore(f, header, same);
  assert.equal(s.done.size, 0);
  s.append([pt(0), pt(2)]);
  s.close();
  const good = readFileSync(f);
  appendFileSync(f, JSON.stringify(pt(1)).slice(0, 30)); // a kill during a write
  s = new ResultsStore(f, header, same);
  assert.deepEqual([...s.done].sort(), [0, 2]);
  assert.equal(s.repairedBytes, 30);
  assert.deepEqual(readFileSync(f), good);
  s.append([pt(1)]);
  s.close();
  assert.deepEqual(readResults(f).points.map((p) => p.index), [0, 2, 1]);
  // a file torn inside its header starts over
  writeFileSync(f, JSON.stringify(header).slice(0, 20));
  s = new ResultsStore(f, header, same);
  s.close();
  assert.deepEqual(JSON.parse(readFileSync(f, 'utf8')), header);
  // another sweep's file, and a damaged line that is not the last
  assert.throws(() => new ResultsStore(f, { ...header, sweepHash: 'zzz' }, (h) => (h.sweepHash === 'zzz' ? null : 'holds results of another sweep')), /another sweep/);
  writeFileSync(f, `${JSON.stringify(header)}\n{"kind":"sweep-po\n${JSON.stringify(pt(0))}\n`);
  assert.throws(() => new ResultsStore(f, header, same), (e: Error) => e instanceof StoreError && /line 2 is not JSON/.test(e.message));
});

// ---------------------------------------------------------------------------------------------
// CLI end to end
// ---------------------------------------------------------------------------------------------

function cli(args: string[], env: Record<string, string> = {}, timeout = 120_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal };
}

/** What "point for point" compares (docs/OUTPUT.md, "Sweep results"): each point's line without provenance, by index; the header. */
function points(file: string): { header: string; byIndex: Map<number, string> } {
  const r = readResults(file);
  const byIndex = new Map<number, string>();
  for (const p of r.points) {
    assert.ok(!byIndex.has(p.index), `${file}: point ${p.index} twice`);
    const { provenance: _p, ...rest } = p;
    byIndex.set(p.index, canonicalJson(rest));
  }
  const { shard: _s, ...h } = r.header!;
  return { header: canonicalJson(h), byIndex };
}

function assertSamePoints(a: string, b: string) {
  const A = points(a);
  const B = points(b);
  assert.equal(A.header, B.header);
  assert.equal(A.byIndex.size, B.byIndex.size);
  for (const [k, v] of A.byIndex) assert.equal(B.byIndex.get(k), v, `point ${k} differs`);
}

/** Every key path of the objects the sweep commands write must be listed in docs/OUTPUT.md's "Sweeps" section (as `path`). */
const DOC = readFileSync(join(process.cwd(), 'docs', 'OUTPUT.md'), 'utf8');
const SWEEP_DOC = DOC.slice(DOC.indexOf('## Sweeps ('), DOC.indexOf('\n## ', DOC.indexOf('## Sweeps (') + 5));
function assertDocumented(what: string, v: unknown, skip: RegExp = /^$/) {
  const missing = [...keyPaths(v as Json)].filter((p) => !skip.test(p) && !SWEEP_DOC.includes('`' + p + '`'));
  assert.deepEqual(missing, [], `${what}: not in docs/OUTPUT.md "Sweeps"`);
}

const LR_SWEEP = join(dir, 'lr.json');
writeFileSync(
  LR_SWEEP,
  JSON.stringify({ dmftlabSweep: 1, name: 'test rows', base: LOWRANK, axes: [{ field: 'model.means.n.0', values: [0.5, 0.95, 1.2] }, { field: 'model.g', range: { from: 0.25, to: 3, count: 6 } }] }),
);

test('CLI sweep: threads, resume and shards give the same points; merge checks every point is there once; sweep-report CSV', () => {
  const ref = join(dir, 'lr-ref.jsonl');
  let r = cli(['sweep', LR_SWEEP, '--out', ref, '--threads', '1', '--quiet']);
  assert.equal(r.code, 0, r.err);
  const sum = JSON.parse(r.out);
  assert.equal(sum.route, 'lowrank-continuation');
  assert.deepEqual([sum.points, sum.computed, sum.resumed, sum.complete], [18, 18, 0, true]);
  assertDocumented('sweep summary', sum);
  const lines0 = readResults(ref);
  assertDocumented('header line', lines0.header, /^base\./);
  for (const p of lines0.points) assertDocumented('point line', p);
  assert.equal(r.err, '');
  // two threads: the same points
  const two = join(dir, 'lr-2.jsonl');
  r = cli(['sweep', LR_SWEEP, '--out', two, '--threads', '2', '--quiet']);
  assert.equal(r.code, 0, r.err);
  assertSamePoints(ref, two);
  // resume: keep the header and 7 points; the rerun computes only the 11 missing ones
  const part = join(dir, 'lr-part.jsonl');
  writeFileSync(part, readFileSync(ref, 'utf8').split('\n').slice(0, 8).join('\n') + '\n');
  r = cli(['sweep', LR_SWEEP, '--out', part, '--quiet']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual([JSON.parse(r.out).resumed, JSON.parse(r.out).computed], [7, 11]);
  assertSamePoints(ref, part);
  r = cli(['sweep', LR_SWEEP, '--out', part, '--quiet']);
  assert.deepEqual([JSON.parse(r.out).resumed, JSON.parse(r.out).computed], [18, 0]);
  // shards: 0/3 by option, 1/3 and 2/3 from SLURM array variables (ids 5..7)
  const sh = [0, 1, 2].map((i) => join(dir, `lr-shard-${i}.jsonl`));
  r = cli(['sweep', LR_SWEEP, '--out', sh[0], '--shard', '0/3', '--quiet']);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).shardPoints, 6);
  for (const i of [1, 2]) {
    r = cli(['sweep', LR_SWEEP, '--out', sh[i], '--quiet'], { SLURM_ARRAY_TASK_ID: String(5 + i), SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_COUNT: '3' });
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).shard, `${i}/3`);
  }
  // a shard's file refuses another shard
  r = cli(['sweep', LR_SWEEP, '--out', sh[0], '--shard', '1/3', '--quiet']);
  assert.equal(r.code, 2);
  assert.match(r.err, /written by shard 0\/3; this run is shard 1\/3/);
  const merged = join(dir, 'lr-merged.jsonl');
  r = cli(['merge', ...sh, '--out', merged]);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).complete, true);
  assertDocumented('merge summary', JSON.parse(r.out));
  assertDocumented('merged header', readResults(merged).header, /^base\./);
  assertSamePoints(ref, merged);
  // missing shard, and a shard given twice
  r = cli(['merge', sh[0], sh[2]]);
  assert.equal(r.code, 3);
  const miss = JSON.parse(r.out);
  assert.equal(miss.missing, 6);
  assert.match(r.err, /6 of 18 points missing \(/);
  r = cli(['merge', sh[0], sh[1], sh[2], sh[1]]);
  assert.equal(r.code, 3);
  const dup = JSON.parse(r.out);
  assertDocumented('merge summary with duplicates', dup);
  assert.deepEqual([dup.missing, dup.duplicates], [0, 6]);
  assert.deepEqual(dup.duplicateIndices[0].files, [sh[1], sh[1]]);
  // results of another sweep cannot be merged in or resumed into
  const other = join(dir, 'other.json');
  writeFileSync(other, JSON.stringify({ dmftlabSweep: 1, base: RANDOM, axes: [{ field: 'model.g', values: [0.5] }] }));
  const otherRes = join(dir, 'other.jsonl');
  assert.equal(cli(['sweep', other, '--out', otherRes, '--quiet']).code, 0);
  r = cli(['merge', ref, otherRes]);
  assert.equal(r.code, 2);
  assert.match(r.err, /results of different sweeps/);
  r = cli(['sweep', LR_SWEEP, '--out', otherRes, '--quiet']);
  assert.equal(r.code, 2);
  assert.match(r.err, /holds results of another sweep/);
  // report: CSV columns and values, a heatmap
  const csv = join(dir, 'lr.csv');
  const svg = join(dir, 'lr.svg');
  r = cli(['sweep-report', ref, '--csv', csv, '--plot', svg]);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).value, 'kappaMax');
  assertDocumented('sweep-report summary', JSON.parse(r.out));
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
  assert.equal(lines[0], 'index,model.means.n.0,model.g,solutions,stable,kappaMax,delta0Max,temporalVarianceMax,chaotic,regime,specHash');
  assert.equal(lines.length, 19);
  const rows = lines.slice(1).map((l) => l.split(','));
  assert.deepEqual(rows.map((x) => Number(x[0])), Array.from({ length: 18 }, (_, k) => k));
  const res = readResults(ref).points;
  for (const row of rows) {
    const p = res.find((q) => q.index === Number(row[0]))!;
    assert.deepEqual([Number(row[1]), Number(row[2])], p.coords);
    const th = (p.result as { theory: { solutions: { stable: boolean | null; kappa: number[] }[] } }).theory;
    assert.equal(Number(row[3]), th.solutions.length);
    const stable = th.solutions.filter((s) => s.stable === true);
    assert.equal(Number(row[4]), stable.length);
    if (stable.length) assert.equal(Number(row[5]), Math.max(...stable.map((s) => Math.abs(s.kappa[0]))));
    assert.equal(row[10], p.specHash);
  }
  // overlap 1.2 x 1.1 > 1 at small g: the structured states, kappa != 0
  assert.ok(Number(rows[12][5]) > 0.5, rows[12].join(','));
  assert.ok(readFileSync(svg, 'utf8').startsWith('<svg'));
  r = cli(['sweep-report', ref, '--csv', csv, '--value', 'nope']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--value: got nope; must be one of the metrics of this sweep: solutions, stable, kappaMax/);
  // bad sweep files and options: exit 2, one line per problem
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ dmftlabSweep: 1, base: LOWRANK, mode: 'x', axes: [{ field: 'model.q', values: [1] }] }));
  r = cli(['sweep', bad]);
  assert.equal(r.code, 2);
  assert.deepEqual(r.err.trimEnd().split('\n').map((l) => l.replace(/:.*/, '')), ['dmftlab', 'dmftlab']);
  assert.match(r.err, /^dmftlab: invalid sweep: mode: got "x"/m);
  assert.match(r.err, /^dmftlab: invalid sweep: axes\[0\]\.field: got "model\.q"/m);
  assert.equal(cli(['sweep', LR_SWEEP, '--shard', '3/3']).code, 2);
  assert.match(cli(['sweep', LR_SWEEP], { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '2' }).err, /SLURM array variables/);
});

test('kill -9 at 5 random times, resuming each time: the final file equals an uninterrupted run point for point', async () => {
  const sweepFile = join(dir, 'kill.json');
  // solve per point (about 0.2 s each: bifurcation points, Delta(tau)), so that a run lasts a few seconds
  const base = { ...LOWRANK, model: { ...LOWRANK.model, means: { m: 1.1, n: 0.5 } } };
  writeFileSync(sweepFile, JSON.stringify({ dmftlabSweep: 1, theoryRoute: 'solve', base, axes: [{ field: 'model.g', range: { from: 0.2, to: 2.5, count: 24 } }] }));
  const ref = join(dir, 'kill-ref.jsonl');
  const t0 = Date.now();
  const r = cli(['sweep', sweepFile, '--out', ref, '--threads', '1', '--quiet']);
  const refMs = Date.now() - t0;
  assert.equal(r.code, 0, r.err);
  const total = 24;
  let midRun = 0;
  let n = 0;
  const f = join(dir, 'kill.jsonl');
  const log: string[] = [];
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let round = 0; round < 5; round++) {
    const child = spawn(process.execPath, [BIN, 'sweep', sweepFile, '--out', f, '--threads', '2', '--quiet'], { stdio: 'ignore' });
    // two threads take about half the reference's time; the last points (chaotic, with Delta(tau)) are the slowest
    const ms = 250 + Math.floor(rand() * 0.5 * refMs);
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      const t = setTimeout(() => child.kill('SIGKILL'), ms);
      child.on('exit', (code, signal) => {
        clearTimeout(t);
        resolve({ code, signal });
      });
    });
    if (existsSync(f)) {
      const text = readFileSync(f);
      n = readResults(f).points.length; // parses: every complete line is a valid line
      // keep a copy of the state after the kill, then also tear the last line as a kill inside write() would
      copyFileSync(f, `${f}.round-${round}`);
      if (round === 2 && text.length > 0) appendFileSync(f, '{"kind":"sweep-point","sweepHash":"');
    }
    if (exit.signal === 'SIGKILL' && n < total) midRun++;
    log.push(`round ${round}: kill at ${ms} ms -> ${exit.signal ?? `exit ${exit.code}`}, ${n} points`);
  }
  assert.ok(midRun >= 1, `no round was killed before the end (reference ${refMs} ms):\n${log.join('\n')}`);
  const fin = cli(['sweep', sweepFile, '--out', f, '--threads', '2', '--quiet']);
  assert.equal(fin.code, 0, fin.err + log.join('\n'));
  const s = JSON.parse(fin.out);
  assert.equal(s.complete, true);
  assertSamePoints(ref, f);
  assert.equal(readResults(f).tornBytes, 0);
  assert.ok(readFileSync(f, 'utf8').endsWith('\n'));
  // the rounds, for the record (how many points each kill left)
  console.log(`reference ${refMs} ms\n${log.join('\n')}`);
});

test('refinement: bisects where the regime changes, level by level; the same points with 1 and 2 threads, after a cut-off resume, and after shards + merge', () => {
  // random kind: x = 0 below g = 1, chaos above; the seed axis is not refined (refine.axes)
  const REF = join(dir, 'ref.json');
  writeFileSync(REF, JSON.stringify({ dmftlabSweep: 1, base: RANDOM, axes: [{ field: 'seed', values: [1, 2] }, { field: 'model.g', values: [0.5, 0.8, 1.1, 1.4, 2] }], refine: { metric: 'regime', levels: 3, axes: ['model.g'] } }));
  const one = join(dir, 'ref-1.jsonl');
  let r = cli(['sweep', REF, '--out', one, '--threads', '1', '--quiet']);
  assert.equal(r.code, 0, r.err);
  const sum = JSON.parse(r.out);
  assertDocumented('sweep summary with refine', sum);
  assert.deepEqual([sum.points, sum.computed, sum.refined, sum.refinement, sum.complete], [10, 16, 6, 'complete', true]);
  const res = readResults(one);
  assertDocumented('header line with refine', res.header, /^base\./);
  const refined = res.points.filter((p) => p.index >= 10).sort((a, b) => a.index - b.index);
  for (const p of refined) assertDocumented('refined point line', p);
  // g: 0.8 | 1.1 -> 0.95 (x = 0) -> 1.025 (chaos) -> 0.9875 (x = 0), per seed row; the boundary g = 1 stays bracketed
  assert.deepEqual(
    refined.map((p) => [p.index, p.level, p.axis, ...p.coords]),
    [
      [10, 1, 1, 1, 0.9500000000000001],
      [11, 1, 1, 2, 0.9500000000000001],
      [12, 2, 1, 1, 1.0250000000000001],
      [13, 2, 1, 2, 1.0250000000000001],
      [14, 3, 1, 1, 0.9875],
      [15, 3, 1, 2, 0.9875],
    ],
  );
  const two = join(dir, 'ref-2.jsonl');
  r = cli(['sweep', REF, '--out', two, '--threads', '2', '--quiet']);
  assert.equal(r.code, 0, r.err);
  assertSamePoints(one, two);
  // a kill during level 2: the header, the base points and level 1, then a torn line; the resume computes the rest
  const lines = readFileSync(one, 'utf8').split('\n');
  const keep = lines.filter((l, k) => k === 0 || (l && JSON.parse(l).index < 12));
  const cut = join(dir, 'ref-cut.jsonl');
  writeFileSync(cut, keep.join('\n') + '\n' + lines.find((l) => l && JSON.parse(l).index === 12)!.slice(0, 40));
  r = cli(['sweep', REF, '--out', cut, '--quiet']);
  assert.equal(r.code, 0, r.err);
  const res2 = JSON.parse(r.out);
  assert.deepEqual([res2.resumed, res2.computed, res2.refined, res2.repairedBytes], [10, 4, 6, 40]);
  assertSamePoints(one, cut);
  r = cli(['sweep', REF, '--out', cut, '--quiet']);
  assert.deepEqual([JSON.parse(r.out).computed, JSON.parse(r.out).complete], [0, true]);
  // shards compute base points only; refinement runs on the merged file
  const sh = [0, 1].map((i) => join(dir, `ref-shard-${i}.jsonl`));
  for (const i of [0, 1]) {
    r = cli(['sweep', REF, '--out', sh[i], '--shard', `${i}/2`, '--quiet']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual([JSON.parse(r.out).refinement, JSON.parse(r.out).refined, JSON.parse(r.out).computed], ['after-merge', undefined, 5]);
  }
  const merged = join(dir, 'ref-merged.jsonl');
  r = cli(['merge', ...sh, '--out', merged]);
  assert.equal(r.code, 0, r.err);
  r = cli(['sweep', REF, '--out', merged, '--quiet']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual([JSON.parse(r.out).resumed, JSON.parse(r.out).computed], [10, 6]);
  assertSamePoints(one, merged);
  // merge keeps refined points; the report has a level column and counts them
  r = cli(['merge', merged, '--out', join(dir, 'ref-merged-2.jsonl')]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual([JSON.parse(r.out).present, JSON.parse(r.out).refined, JSON.parse(r.out).complete], [10, 6, true]);
  assertSamePoints(one, join(dir, 'ref-merged-2.jsonl'));
  const csv = join(dir, 'ref.csv');
  r = cli(['sweep-report', one, '--value', 'regime', '--csv', csv, '--plot', join(dir, 'ref.svg')]);
  assert.equal(r.code, 0, r.err);
  assertDocumented('sweep-report summary with refine', JSON.parse(r.out));
  assert.deepEqual([JSON.parse(r.out).present, JSON.parse(r.out).refined], [10, 6]);
  const rows = readFileSync(csv, 'utf8').trimEnd().split('\n');
  assert.match(rows[0], /,regime,specHash,level$/);
  assert.equal(rows.length, 17);
  assert.match(readFileSync(join(dir, 'ref.svg'), 'utf8'), /class="category-legend"/);
});

test('refinement: sweep file validation', () => {
  const ok = { dmftlabSweep: 1, base: LOWRANK, axes: [{ field: 'model.g', values: [0.5, 1] }, { field: 'seed', values: [1, 2] }] };
  assert.equal(parseSweep({ ...ok, refine: { metric: 'regime', levels: 2, axes: ['model.g'] } }).refine?.axes.join(), '0');
  assert.equal(sweepHash(parseSweep(ok)), sweepHash(parseSweep({ ...ok })), 'no refine: the hash of before');
  assert.match(issuesOf({ ...ok, refine: { metric: 'kappaMax', levels: 1, axes: ['model.g'] } })[0], /^refine\.metric: got "kappaMax"; must be one of regime, solutions, stable, chaotic, outcome, predicted, agree/);
  assert.match(issuesOf({ ...ok, refine: { metric: 'agree', levels: 1, axes: ['model.g'] } })[0], /mode "theory" does not compute it/);
  assert.match(issuesOf({ ...ok, refine: { metric: 'regime', levels: 9, axes: ['model.g'] } })[0], /^refine\.levels: got 9; must be an integer in \[0, 8\]/);
  assert.match(issuesOf({ ...ok, refine: { metric: 'regime', levels: 1, axes: ['model.gg'] } })[0], /^refine\.axes: got "model\.gg"; not the field of an axis/);
  assert.match(issuesOf({ ...ok, refine: { metric: 'regime', levels: 1 } })[0], /^refine: axis seed cannot be bisected: its midpoint 1\.5 gives seed: got 1\.5/);
  assert.match(issuesOf({ ...ok, refine: { metric: 'regime', levels: 1, step: 2 } })[0], /^refine\.step: unknown field/);
});
