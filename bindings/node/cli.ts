/**
 * dmftlab command line. Each command prints one JSON object to stdout (or writes it with --out FILE)
 * and exits 0; bad input exits 2 with a message on stderr; an internal failure exits 1.
 */
import { readFile, writeFile, rename, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { simulate, solve, compare, parseSpec, SpecError, VERSION, init, dispose, type Variant } from '../../src/index.js';
import { runDemo } from '../../src/demo.js';
import { plotOutput } from '../../src/figures.js';
import { parseSweep, parseShard, shardFromSlurm, SweepError, type Shard } from '../../src/sweep/sweep.js';
import { runSweep, isSweepWorker, sweepWorkerMain } from './sweep-run.js';
import { sweepReport, mergeResults } from './sweep-report.js';
import { StoreError } from './sweep-store.js';
import { jsonReplacer } from './json.js';

// this bundle is also the script of the sweep's theory workers (sweep-run.ts)
if (isSweepWorker()) void sweepWorkerMain();

const USAGE = `dmftlab ${VERSION}: random + low-rank recurrent networks, simulation and mean-field theory

usage:
  dmftlab simulate <spec.json> [--out FILE] [--plot FILE.svg]   finite-N simulation
  dmftlab theory   <spec.json> [--out FILE] [--plot FILE.svg]   stationary DMFT, every branch
  dmftlab compare  <spec.json> [--out FILE] [--plot FILE.svg]   theory against simulation
  dmftlab validate <spec.json>                                   check a spec, print it with defaults
  dmftlab demo     [--out FILE] [--plot FILE.svg] [--quick]      the main job: M&O Fig. 1C bifurcation diagram
                   with simulations; prints the agreement table, writes demo.json and demo.svg by default
  dmftlab sweep    <sweep.json> [--out FILE.jsonl] [--shard i/n]  run every point of a sweep (docs/SWEEP.md) into a
                   results file, one fsynced JSON line per point; run it again to resume; prints a summary
  dmftlab sweep-report <results.jsonl> [--csv FILE] [--plot FILE.svg] [--value NAME] [--xy X,Y]
                   CSV of every point and a line (1 axis) or heatmap (2 axes) figure of one metric,
                   or with --xy every point at (metric X, metric Y) coloured by --value
  dmftlab merge    <results.jsonl>... [--out FILE.jsonl]         check that the shards hold every point exactly
                   once (exit 3 if not) and write them as one results file
options:
  --out FILE       write the JSON there (atomically) instead of stdout
  --plot FILE.svg  draw the natural figure of the command
  --threads N      worker threads for simulations and the multiregion DMFT (default: the number of
                   cores; results are bitwise identical for any N)
  --variant V      wasm-simd-threads | wasm-simd | js (default: the fastest this runtime supports)
  --dimension A    simulate/compare: also estimate the dimension PR/N of A = x or phi from the
                   covariance, in simulation.blocks blocks (spec 03 §4); sets simulation.dimension
  --quiet          no progress on stderr
  --shard i/n      sweep: run shard i (0-based) of n: the work units u with u mod n = i (default: from
                   SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT when set, else 0/1)
  --csv FILE       sweep-report: CSV file (default: the results file with .csv)
  --value NAME     sweep-report: the metric to draw (default kappaMax, delta0Max, simVariance or agree;
                   outcome for multiregion); regime, outcome and predicted are drawn as classes
  --xy X,Y         sweep-report: draw the points in the plane of two metrics (e.g. lambdaRe,lambdaIm)
  --help, --version
The spec format is documented in docs/SPEC.md.`;

class UsageError extends Error {}

interface Args {
  cmd: string;
  file?: string;
  out?: string;
  plot?: string;
  quiet: boolean;
  quick: boolean;
  threads?: number;
  variant?: Variant;
  dimension?: 'x' | 'phi';
  /** Positional arguments after the command. */
  files: string[];
  shard?: Shard;
  csv?: string;
  value?: string;
  xy?: [string, string];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { cmd: '', quiet: false, quick: false, files: [] };
  const pos: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const s = argv[k];
    if (s === '--out' || s === '--plot') {
      const v = argv[++k];
      if (!v || v.startsWith('--')) throw new UsageError(`${s} needs a file name`);
      if (s === '--out') a.out = v;
      else a.plot = v;
    } else if (s === '--threads') {
      const v = argv[++k];
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--threads: got ${v}; must be an integer in [1, 64]`);
      a.threads = n;
    } else if (s === '--shard') {
      try {
        a.shard = parseShard(argv[++k] ?? '');
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    } else if (s === '--csv' || s === '--value' || s === '--xy') {
      const v = argv[++k];
      if (!v || v.startsWith('--')) throw new UsageError(`${s} needs ${s === '--csv' ? 'a file name' : s === '--xy' ? 'two metric names X,Y' : 'a metric name'}`);
      if (s === '--csv') a.csv = v;
      else if (s === '--value') a.value = v;
      else {
        const xy = v.split(',');
        if (xy.length !== 2 || !xy[0] || !xy[1]) throw new UsageError(`--xy: got ${v}; must be two metric names X,Y, e.g. lambdaRe,lambdaIm`);
        a.xy = [xy[0], xy[1]];
      }
    } else if (s === '--dimension') {
      const v = argv[++k];
      if (v !== 'x' && v !== 'phi') throw new UsageError(`--dimension: got ${v}; must be x or phi`);
      a.dimension = v;
    } else if (s === '--variant') {
      const v = argv[++k];
      if (v !== 'wasm-simd-threads' && v !== 'wasm-simd' && v !== 'js') {
        throw new UsageError(`--variant: got ${v}; must be one of wasm-simd-threads, wasm-simd, js`);
      }
      a.variant = v;
    } else if (s === '--quiet') a.quiet = true;
    else if (s === '--help' || s === '--version') continue; // handled in main
    else if (s === '--quick') a.quick = true;
    else if (s.startsWith('--')) throw new UsageError(`unknown option ${s}`);
    else pos.push(s);
  }
  a.cmd = pos[0] ?? '';
  a.file = pos[1];
  a.files = pos.slice(1);
  if (pos.length > 2 && a.cmd !== 'merge') throw new UsageError(`unexpected argument ${pos[2]}`);
  return a;
}

/** Write through a temporary file and rename, so a file is never left half written. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

async function readSpec(file: string | undefined, what = '<spec.json>'): Promise<unknown> {
  if (!file) throw new UsageError(`missing ${what}`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

function progressReporter(quiet: boolean): ((f: number) => void) | undefined {
  if (quiet || !process.stderr.isTTY) return undefined;
  let last = -1;
  const t0 = Date.now();
  return (f: number) => {
    const pct = Math.floor(f * 100);
    if (pct === last) return;
    last = pct;
    const el = (Date.now() - t0) / 1000;
    const eta = f > 0.01 ? ((el * (1 - f)) / f).toFixed(0) + ' s left' : '';
    process.stderr.write(`\r  ${pct.toString().padStart(3)} %  ${el.toFixed(0)} s  ${eta}   `);
    if (f >= 1) process.stderr.write('\n');
  };
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`dmftlab: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (argv.includes('--version')) {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  if (argv.includes('--help') || args.cmd === 'help' || args.cmd === '') {
    process.stdout.write(USAGE + '\n');
    return args.cmd === '' && !argv.includes('--help') ? 2 : 0;
  }
  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.once('SIGINT', onSig);
  try {
    const onProgress = progressReporter(args.quiet);
    await init({ threads: args.threads, variant: args.variant });
    let out: unknown;
    switch (args.cmd) {
      case 'simulate':
        out = await simulate(await readSpec(args.file), { signal: ac.signal, onProgress, threads: args.threads, dimension: args.dimension });
        break;
      case 'theory':
        out = await solve(await readSpec(args.file), { signal: ac.signal, onProgress, threads: args.threads });
        break;
      case 'compare':
        out = await compare(await readSpec(args.file), { signal: ac.signal, onProgress, threads: args.threads, dimension: args.dimension });
        break;
      case 'validate':
        out = parseSpec(await readSpec(args.file));
        break;
      case 'sweep':
        return await runSweepCommand(args, ac.signal);
      case 'sweep-report': {
        if (!args.file) throw new UsageError('missing <results.jsonl>');
        const stem = args.file.replace(/\.jsonl$/, '');
        out = sweepReport(args.file, { csv: args.csv ?? `${stem}.csv`, plot: args.plot ?? `${stem}.svg`, value: args.value, xy: args.xy });
        args.plot = undefined; // written above
        break;
      }
      case 'merge': {
        if (!args.files.length) throw new UsageError('missing <results.jsonl>...');
        const m = mergeResults(args.files, args.out ?? null);
        process.stdout.write(JSON.stringify(m, null, 1) + '\n');
        if (!m.complete) process.stderr.write(`dmftlab: merge: ${m.missing} of ${m.points} points missing${m.missing ? ` (${m.missingIndices})` : ''}, ${m.duplicates} duplicated${m.duplicates ? ` (${m.duplicateIndices.map((d) => d.index).join(', ')})` : ''}\n`);
        return m.complete ? 0 : 3;
      }
      case 'demo':
        out = await runDemo({ quick: args.quick, signal: ac.signal, log: (s: string) => process.stdout.write(s + '\n'), onProgress });
        args.out ??= 'demo.json';
        args.plot ??= 'demo.svg';
        break;
      default:
        throw new UsageError(`unknown command "${args.cmd}"`);
    }
    const text = JSON.stringify(out, jsonReplacer, 1) + '\n';
    if (args.plot) await writeAtomic(args.plot, plotOutput(args.cmd, out));
    if (args.out) await writeAtomic(args.out, text);
    else process.stdout.write(text);
    if (args.cmd === 'demo') {
      process.stdout.write(`wrote ${args.out} and ${args.plot}\n`);
      return (out as { agree: boolean }).agree ? 0 : 3;
    }
    return 0;
  } catch (e) {
    const err = e as Error;
    if (err instanceof SpecError) {
      // one line per problem, each naming the field, the value and what is valid
      for (const issue of err.issues) process.stderr.write(`dmftlab: invalid spec: ${issue.message}\n`);
      return 2;
    }
    if (err instanceof SweepError) {
      for (const issue of err.issues) process.stderr.write(`dmftlab: invalid sweep: ${issue.message}\n`);
      return 2;
    }
    if (err instanceof UsageError || err instanceof StoreError) {
      process.stderr.write(`dmftlab: ${err.message}\n`);
      return 2;
    }
    if (err.name === 'AbortError') {
      process.stderr.write('dmftlab: aborted\n');
      return 130;
    }
    // our own run-time errors carry a complete message; anything else is a bug, so show the stack
    if (err.message?.startsWith('dmftlab: ')) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`dmftlab: ${err.stack ?? err.message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSig);
    await dispose();
  }
}

/** Read a sweep file; a `base` given as a file name is read relative to the sweep file. */
async function readSweep(file: string | undefined): Promise<unknown> {
  const raw = (await readSpec(file, '<sweep.json>')) as Record<string, unknown>;
  if (raw && typeof raw === 'object' && typeof raw.base === 'string') {
    const baseFile = resolve(dirname(file!), raw.base);
    return { ...raw, base: await readSpec(baseFile) };
  }
  return raw;
}

function sweepProgress(quiet: boolean): ((done: number, total: number, s: number, left: number, stage?: string) => void) | undefined {
  if (quiet) return undefined;
  const tty = !!process.stderr.isTTY;
  let lastLine = -Infinity;
  return (done, total, s, left, stage) => {
    const pct = total ? ((100 * done) / total).toFixed(1) : '100.0';
    const eta = Number.isFinite(left) ? `, about ${left.toFixed(0)} s left` : '';
    const line = `sweep${stage ? ` (${stage})` : ''}: ${done}/${total} points (${pct} %), ${s.toFixed(0)} s${eta}`;
    if (tty) process.stderr.write(`\r  ${line}   ${done === total ? '\n' : ''}`);
    else if (done === total || s - lastLine >= 10) {
      // logs (e.g. SLURM): a line every 10 s
      process.stderr.write(`${line}\n`);
      lastLine = s;
    }
  };
}

async function runSweepCommand(args: Args, signal: AbortSignal): Promise<number> {
  const sweep = parseSweep(await readSweep(args.file));
  let shard = args.shard ?? null;
  if (!shard) {
    try {
      shard = shardFromSlurm(process.env);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  shard ??= { index: 0, count: 1 };
  const stem = args.file!.replace(/\.json$/, '');
  const file = args.out ?? (shard.count > 1 ? `${stem}.shard-${shard.index}-of-${shard.count}.jsonl` : `${stem}.results.jsonl`);
  const report = await init({ threads: args.threads, variant: args.variant });
  try {
    const r = await runSweep({
      sweep,
      file,
      shard,
      threads: args.threads ?? report.threads,
      variant: report.variant,
      signal,
      onProgress: sweepProgress(args.quiet),
      workerUrl: new URL(import.meta.url),
    });
    process.stdout.write(JSON.stringify(r, jsonReplacer, 1) + '\n');
    return 0;
  } catch (e) {
    if ((e as Error).name === 'AbortError') {
      process.stderr.write(`\ndmftlab: sweep interrupted; finished points are in ${file}; run the same command again to resume\n`);
      return 130;
    }
    throw e;
  }
}
