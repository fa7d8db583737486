// A real single-node SLURM cluster for tests (issue 8): Debian's slurm-wlm and munge, started on this
// machine in a private directory and stopped afterwards. It runs slurmctld and slurmd as root (through sudo
// when the test is not root, as .ci/run installs packages), with proctrack/linuxproc and task/none so that
// no cgroup or systemd is needed, and the standard ports 6817/6818 on this host.
//   const c = await startCluster();   // { conf, dir, env, sbatch(args), wait(jobId), stop() }
//   node scripts/slurm-cluster.mjs     starts one, runs a 4-task array job, prints what it saw, stops it
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { hostname, tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { isMain } from './test-runtimes.mjs';

const BINARIES = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/bin/sbatch', '/usr/bin/squeue', '/usr/bin/sinfo', '/usr/sbin/munged', '/usr/bin/munge'];
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What is missing to run a cluster here, or null. */
export function clusterMissing() {
  const missing = BINARIES.filter((b) => !existsSync(b));
  if (missing.length) return `not installed: ${missing.join(', ')} (apt-get install -y slurm-wlm munge)`;
  if (!isRoot()) {
    const sudo = spawnSync('sudo', ['-n', 'true']);
    if (sudo.status !== 0) return 'the SLURM daemons must run as root, and sudo -n is not available';
  }
  return null;
}

function asRoot(cmd, args, opts = {}) {
  return isRoot() ? execFileSync(cmd, args, { encoding: 'utf8', ...opts }) : execFileSync('sudo', ['-n', cmd, ...args], { encoding: 'utf8', ...opts });
}

function munged() {
  // one munged per machine; start it when none answers
  if (spawnSync('/usr/bin/munge', ['-n'], { stdio: 'ignore' }).status === 0) return;
  asRoot('mkdir', ['-p', '/run/munge']);
  asRoot('chown', ['munge:munge', '/run/munge']);
  if (!existsSync('/etc/munge/munge.key')) asRoot('/usr/sbin/mungekey', ['--create']);
  asRoot('su', ['-s', '/bin/sh', 'munge', '-c', '/usr/sbin/munged']);
}

/**
 * Start slurmctld and slurmd with a private configuration; resolves once the node is idle. The returned
 * `env` (SLURM_CONF) is what sbatch/squeue need; `stop()` ends both daemons.
 */
export async function startCluster({ timeoutMs = 60_000 } = {}) {
  const why = clusterMissing();
  if (why) throw new Error(`slurm: ${why}`);
  munged();
  const dir = mkdtempSync(join(tmpdir(), 'dmftlab-slurm-'));
  chmodSync(dir, 0o755);
  for (const d of ['state', 'spool', 'log', 'run']) mkdirSync(join(dir, d));
  const host = hostname().split('.')[0];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=dmftlab-test',
      `SlurmctldHost=${host}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/run/slurmctld.pid`,
      `SlurmdPidFile=${dir}/run/slurmd.pid`,
      `SlurmctldLogFile=${dir}/log/slurmctld.log`,
      `SlurmdLogFile=${dir}/log/slurmd.log`,
      'SlurmctldPort=6817',
      'SlurmdPort=6818',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      'MpiDefault=none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'SchedulerType=sched/backfill',
      // RealMemory (MB) lets jobs ask for --mem; slurmd refuses a node that claims more than it has
      `NodeName=${host} CPUs=${cpus().length} RealMemory=${Math.floor((totalmem() / 2 ** 20) * 0.9)} State=UNKNOWN`,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  /** SIGTERM both daemons and wait until they are gone (slurmctld saves its state first), SIGKILL after 15 s. */
  const stop = async () => {
    const pids = [];
    for (const d of ['slurmd', 'slurmctld']) {
      const pidFile = join(dir, 'run', `${d}.pid`);
      if (!existsSync(pidFile)) continue;
      const pid = readFileSync(pidFile, 'utf8').trim();
      pids.push(pid);
      try {
        asRoot('kill', [pid]);
      } catch {
        // already gone
      }
    }
    const alive = () => pids.filter((p) => existsSync(`/proc/${p}`) && !/\) Z /.test(readFileSync(`/proc/${p}/stat`, 'utf8')));
    const t = Date.now();
    while (alive().length && Date.now() - t < 15_000) await sleep(200);
    for (const p of alive()) {
      try {
        asRoot('kill', ['-9', p]);
      } catch {
        // gone meanwhile
      }
    }
  };
  asRoot('/usr/sbin/slurmctld', ['-f', conf]);
  asRoot('/usr/sbin/slurmd', ['-f', conf]);
  const t0 = Date.now();
  for (;;) {
    const r = spawnSync('/usr/bin/sinfo', ['-h', '-o', '%t'], { env, encoding: 'utf8' });
    if (r.status === 0 && /^idle/m.test(r.stdout)) break;
    if (Date.now() - t0 > timeoutMs) {
      const logs = ['slurmctld', 'slurmd'].map((d) => `${d}: ${existsSync(join(dir, 'log', `${d}.log`)) ? readFileSync(join(dir, 'log', `${d}.log`), 'utf8').split('\n').slice(-8).join('\n') : '(no log)'}`);
      await stop();
      throw new Error(`slurm: the node did not become idle within ${timeoutMs / 1000} s (sinfo: ${r.stdout || r.stderr})\n${logs.join('\n')}`);
    }
    await sleep(300);
  }
  return {
    dir,
    conf,
    env,
    /** sbatch with these arguments (and extra environment, which the job inherits); returns the job id. */
    sbatch(args, extraEnv = {}) {
      const out = execFileSync('/usr/bin/sbatch', ['--parsable', ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8' }).trim();
      return out.split(';')[0];
    },
    /** Wait until the job has left the queue (all array tasks ended). */
    async wait(jobId, timeout = 600_000) {
      const t = Date.now();
      for (;;) {
        const q = spawnSync('/usr/bin/squeue', ['-h', '-j', jobId, '-o', '%i %T'], { env, encoding: 'utf8' });
        if (q.status === 0 && q.stdout.trim() === '') return;
        // squeue errors once the job is purged from the controller: done as well
        if (q.status !== 0 && /Invalid job id/i.test(q.stderr)) return;
        if (Date.now() - t > timeout) throw new Error(`slurm: job ${jobId} still queued after ${timeout / 1000} s: ${q.stdout}`);
        await sleep(500);
      }
    },
    stop,
  };
}

if (isMain(import.meta.url)) {
  const c = await startCluster();
  try {
    const out = join(c.dir, 'out-%a.txt');
    const id = c.sbatch(['--array=0-3', `--output=${out}`, '--wrap', 'echo task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT']);
    await c.wait(id);
    for (let a = 0; a < 4; a++) process.stdout.write(readFileSync(join(c.dir, `out-${a}.txt`), 'utf8'));
  } finally {
    await c.stop();
  }
}
