// The sweep on a real SLURM (issue 8): starts a single-node slurmctld + slurmd (Debian's slurm-wlm and
// munge; scripts/slurm-cluster.mjs), submits the shipped sbatch template (examples/cluster/sweep.sbatch) as a
// 4-task job array in which every task runs `dmftlab sweep <file>` with no --shard (each takes its shard
// from SLURM_ARRAY_TASK_ID / _MIN / _COUNT),
// waits, merges the 4 shard files with `dmftlab merge`, runs the same sweep in one process, and checks
// that the merged file holds the same points, line for line without the provenance (docs/OUTPUT.md,
// "Sweeps"). Then it stops the daemons.
//   npm run test:cluster     (.ci/run runs it after npm test; it needs root or sudo -n for the daemons)
// Without slurm-wlm it is skipped with a loud message, and fails with CI=true (like a missing runtime).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterMissing, startCluster } from './slurm-cluster.mjs';
import { isMain, reportMissing, seconds } from './test-runtimes.mjs';

const root = new URL('..', import.meta.url).pathname;
const CLI = join(root, 'bin', 'dmftlab.js');
const TEMPLATE = join(root, 'examples', 'cluster', 'sweep.sbatch');
const SHARDS = 4;

/**
 * A 2-D theory sweep of the spec-01 phase diagram, small enough for a test: 6 values of M_n times 12 of g
 * (72 points; rows of g by continuation, so 6 work units, and shards of 1 or 2 units).
 */
const SWEEP = {
  dmftlabSweep: 1,
  name: 'SLURM test: M&O rank one, M_m = 1.1, M_n x g',
  mode: 'theory',
  base: { dmftlab: 1, seed: 1, model: { kind: 'lowrank', N: 1000, g: 1, phi: 'tanh', rank: 1, means: { m: 1.1, n: 2 }, cov: { mm: 1, nn: 1 } } },
  axes: [
    { field: 'model.means.n.0', range: { from: 0.5, to: 3, count: 6 } },
    { field: 'model.g', range: { from: 0.2, to: 3, count: 12 } },
  ],
};

/** Point lines of a results file by index, without their provenance (what "point for point" compares). */
function points(file) {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(lines[0].kind, 'sweep-header', `${file}: no header line`);
  const byIndex = new Map();
  for (const p of lines.slice(1)) {
    assert.equal(p.kind, 'sweep-point');
    assert.ok(!byIndex.has(p.index), `${file}: point ${p.index} twice`);
    const { provenance, ...rest } = p;
    byIndex.set(p.index, rest);
  }
  return { header: lines[0], byIndex };
}

async function clusterSweep(log) {
  const dir = mkdtempSync(join(tmpdir(), 'dmftlab-cluster-'));
  chmodSync(dir, 0o755);
  const sweepFile = join(dir, 'phase.json');
  writeFileSync(sweepFile, JSON.stringify(SWEEP, null, 2));
  const c = await startCluster();
  const t0 = Date.now();
  try {
    // the shipped template (examples/cluster/sweep.sbatch, docs/CLUSTER.md), with the array, CPUs, memory and
    // output file of this test on the command line and dmftlab called from this checkout; every task runs
    // the same command and takes its shard from the SLURM variables
    const job = c.sbatch(
      [`--array=0-${SHARDS - 1}`, '--cpus-per-task=1', '--mem=1G', `--chdir=${dir}`, `--output=${dir}/slurm-%A_%a.out`, TEMPLATE, sweepFile],
      { DMFTLAB: `${process.execPath} ${CLI}` },
    );
    await c.wait(job);
    const shardFiles = readdirSync(dir).filter((f) => /^phase\.shard-\d+-of-\d+\.jsonl$/.test(f)).sort();
    const outs = readdirSync(dir).filter((f) => f.startsWith('slurm-')).map((f) => `${f}:\n${readFileSync(join(dir, f), 'utf8')}`);
    assert.deepEqual(shardFiles, Array.from({ length: SHARDS }, (_, i) => `phase.shard-${i}-of-${SHARDS}.jsonl`), `shard files after the array job; task output:\n${outs.join('\n')}`);
    log(`SLURM job ${job}: ${SHARDS} array tasks wrote ${shardFiles.join(', ')} (${seconds(t0).toFixed(1)} s)`);
    for (const f of shardFiles) {
      const { header } = points(join(dir, f));
      const i = Number(/shard-(\d+)-of/.exec(f)[1]);
      assert.deepEqual(header.shard, { index: i, count: SHARDS }, `${f}: header shard`);
    }
    // merge, then the same sweep in one process
    execFileSync(process.execPath, [CLI, 'merge', ...shardFiles.map((f) => join(dir, f)), '--out', join(dir, 'merged.jsonl')], { stdio: ['ignore', 'pipe', 'pipe'] });
    execFileSync(process.execPath, [CLI, 'sweep', sweepFile, '--out', join(dir, 'single.jsonl'), '--threads', '1', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const merged = points(join(dir, 'merged.jsonl'));
    const single = points(join(dir, 'single.jsonl'));
    assert.equal(merged.header.sweepHash, single.header.sweepHash);
    assert.equal(merged.header.points, 72);
    assert.equal(merged.byIndex.size, 72, 'merged: not every point');
    assert.equal(single.byIndex.size, 72, 'single: not every point');
    for (let p = 0; p < 72; p++) assert.deepEqual(merged.byIndex.get(p), single.byIndex.get(p), `point ${p} differs between the merged shards and the single run`);
    log(`merged the shards: 72 points, each equal to the single-process sweep's (without provenance)`);
  } finally {
    await c.stop();
  }
}

/** Returns { status: 'pass' | 'fail' | 'missing', s }. */
export async function runCluster() {
  const t0 = Date.now();
  console.log(`\n== sweep on SLURM (single-node cluster) ==`);
  const why = clusterMissing();
  if (why) return { status: reportMissing('slurm', why, 'apt-get install -y slurm-wlm munge  (.ci/run does this as root)'), s: seconds(t0) };
  if (!existsSync(CLI) || !existsSync(join(root, 'dist', 'node', 'cli.js'))) {
    console.log('not ok 1 - the CLI is not built (npm run build)');
    return { status: 'fail', s: seconds(t0) };
  }
  const lines = [];
  try {
    await clusterSweep((l) => lines.push(l));
    console.log(`ok 1 - a 4-task SLURM array of sweep shards, merged, equals the single-process sweep (${seconds(t0).toFixed(1)} s)`);
    for (const l of lines) console.log(`  # ${l}`);
    return { status: 'pass', s: seconds(t0) };
  } catch (e) {
    console.log(`not ok 1 - SLURM array sweep (${seconds(t0).toFixed(1)} s)`);
    for (const l of lines) console.log(`  # ${l}`);
    console.log(String(e.stack ?? e).replace(/^/gm, '  # '));
    return { status: 'fail', s: seconds(t0) };
  }
}

if (isMain(import.meta.url)) {
  const r = await runCluster();
  process.exit(r.status === 'fail' ? 1 : 0);
}
