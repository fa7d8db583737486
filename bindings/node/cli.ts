/**
 * dmftlab command line. Each command prints one JSON object to stdout (or writes it with --out FILE)
 * and exits 0; bad input exits 2 with a message on stderr; an internal failure exits 1.
 */
import { readFile, writeFile, rename, unlink } from 'node:fs/promises';
import { simulate, solve, compare, parseSpec, SpecError, VERSION, init, dispose, type Variant } from '../../src/index.js';
import { runDemo } from '../../src/demo.js';
import { plotOutput } from '../../src/figures.js';

const USAGE = `dmftlab ${VERSION}: random + low-rank recurrent networks, simulation and mean-field theory

usage:
  dmftlab simulate <spec.json> [--out FILE] [--plot FILE.svg]   finite-N simulation
  dmftlab theory   <spec.json> [--out FILE] [--plot FILE.svg]   stationary DMFT, every branch
  dmftlab compare  <spec.json> [--out FILE] [--plot FILE.svg]   theory against simulation
  dmftlab validate <spec.json>                                   check a spec, print it with defaults
  dmftlab demo     [--out FILE] [--plot FILE.svg] [--quick]      the main job: M&O Fig. 1C bifurcation diagram
                   with simulations; prints the agreement table, writes demo.json and demo.svg by default
options:
  --out FILE       write the JSON there (atomically) instead of stdout
  --plot FILE.svg  draw the natural figure of the command
  --threads N      worker threads for simulations (default: the number of cores; results are
                   bitwise identical for any N)
  --variant V      wasm-simd-threads | wasm-simd | js (default: the fastest this runtime supports)
  --dimension A    simulate/compare: also estimate the dimension PR/N of A = x or phi from the
                   covariance, in simulation.blocks blocks (spec 03 §4); sets simulation.dimension
  --quiet          no progress on stderr
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
}

function parseArgs(argv: string[]): Args {
  const a: Args = { cmd: '', quiet: false, quick: false };
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
  if (pos.length > 2) throw new UsageError(`unexpected argument ${pos[2]}`);
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

async function readSpec(file: string | undefined): Promise<unknown> {
  if (!file) throw new UsageError('missing <spec.json>');
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
        out = await solve(await readSpec(args.file));
        break;
      case 'compare':
        out = await compare(await readSpec(args.file), { signal: ac.signal, onProgress, threads: args.threads, dimension: args.dimension });
        break;
      case 'validate':
        out = parseSpec(await readSpec(args.file));
        break;
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
    if (err instanceof UsageError) {
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

/** Non-finite numbers are not JSON: write them as null (a finite-looking number is never invented). */
function jsonReplacer(_k: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  if (v instanceof Float64Array || v instanceof Float32Array) return Array.from(v);
  return v;
}
