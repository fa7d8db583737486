// Helpers shared by every example script (examples/*/): quick mode, writing an SVG into the working
// directory, the one-line JSON summary that tests/examples.test.ts reads, small formatting helpers, resumable
// JSONL results files; and (below) the options, protocol, simulation loop and network averages of examples/dimension/.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderSvg, init, simulate, VERSION } from '../dist/node/index.js';

/** DMFTLAB_EXAMPLE_QUICK=1: smaller grids, N and durations (for tests/examples.test.ts; seconds, not minutes). */
export const QUICK = /^(1|true|yes)$/i.test(process.env.DMFTLAB_EXAMPLE_QUICK ?? '');

const t0 = performance.now();
/** Seconds since the script started. */
export const elapsed = () => (performance.now() - t0) / 1000;

/** Render a figure (src/plot/svg.ts) into `name` in the current working directory; prints and returns the path. */
export function writeFigure(name, figure) {
  const path = resolve(process.cwd(), name);
  writeFileSync(path, renderSvg(figure));
  console.log(`wrote ${path}`);
  return path;
}

/** The last stdout line of every script: one JSON object with the key numbers (tests/examples.test.ts reads it). */
export function finish(summary) {
  console.log(JSON.stringify({ ...summary, quick: QUICK, seconds: Number(elapsed().toFixed(2)) }));
}

/** n evenly spaced values from a to b (both included). */
export function linspace(a, b, n) {
  return Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
}

/** n values from a to b (both > 0, both included), evenly spaced in log. */
export function logspace(a, b, n) {
  return linspace(Math.log(a), Math.log(b), n).map(Math.exp);
}

/** Fixed-width number for the printed tables. */
export const fmt = (x, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));


/**
 * Command-line options `--name value` (or `--flag`), with defaults: numbers and comma-separated number lists
 * are parsed by the type of the default. Unknown options are an error that lists the known ones.
 */
export function options(defaults, argv = process.argv.slice(2)) {
  const out = { ...defaults };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(a)}; options: ${Object.keys(defaults).map((n) => '--' + n).join(' ')}`);
    const name = a.slice(2);
    if (!(name in defaults)) throw new Error(`unknown option --${name}; options: ${Object.keys(defaults).map((n) => '--' + n).join(' ')}`);
    const d = defaults[name];
    if (typeof d === 'boolean') {
      out[name] = true;
      continue;
    }
    const v = argv[++k];
    if (v === undefined) throw new Error(`--${name} needs a value`);
    if (typeof d === 'number') out[name] = Number(v);
    else if (Array.isArray(d)) out[name] = v.split(',').map((s) => (typeof d[0] === 'string' ? s : Number(s)));
    else out[name] = v;
    if (typeof d === 'number' && !Number.isFinite(out[name])) throw new Error(`--${name}: ${JSON.stringify(v)} is not a number`);
    if (Array.isArray(d) && typeof d[0] !== 'string' && out[name].some((x) => !Number.isFinite(x))) throw new Error(`--${name}: ${JSON.stringify(v)} is not a list of numbers`);
  }
  return out;
}

/** Mean, sample standard deviation and standard error of a list. */
export function meanSE(xs) {
  const n = xs.length;
  const mean = xs.reduce((a, v) => a + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, sd, se: sd / Math.sqrt(n), n };
}

/** The rows of a JSONL results file (one JSON object a line); [] when `file` is '' or does not exist yet. */
export function readRows(file) {
  if (!file || !existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

/** Append one row to a JSONL results file (nothing when `file` is ''), so that a stopped run can resume. */
export function appendRow(file, row) {
  if (file) appendFileSync(file, JSON.stringify(row) + '\n');
}

// ---- the dimension examples (examples/dimension/): one protocol, one way to combine networks

/**
 * options() with those the dimension examples share: --networks (default 2), --seed 1000, --variable x (x, phi or
 * x,phi), --threads 0 (0: all cores), --results FILE.jsonl, --theory-only, checked here; `defaults` adds the others.
 */
export function dimensionOptions(defaults) {
  const opt = options({ networks: 2, seed: 1000, variable: ['x'], threads: 0, results: '', ...defaults, 'theory-only': false });
  for (const v of opt.variable) if (v !== 'x' && v !== 'phi') throw new Error(`--variable: ${JSON.stringify(v)}; must be x, phi or x,phi`);
  if (!(opt.networks >= 1)) throw new Error(`--networks: ${opt.networks}; must be >= 1`);
  return opt;
}

/**
 * The simulation settings of the dimension examples at coupling g (spec 03 §4.1): RK4, dt = 0.1, float32
 * dynamics, a sample every 0.5, 8 covariance blocks; burn-in 300 (g >= 2.5) or 1000, measured 3200 time units
 * at g >= 2.5, 4000 at 1.75 <= g < 2.5 and 8000 below (slow collective modes near the onset). QUICK: burn-in 50,
 * measured 400 (for the tests).
 */
export function dimensionProtocol(g) {
  if (QUICK) return { method: 'rk4', dt: 0.1, precision: 'f32', tBurn: 50, tMeasure: 400, sampleEvery: 0.5, blocks: 8 };
  return {
    method: 'rk4',
    dt: 0.1,
    precision: 'f32',
    tBurn: g >= 2.5 ? 300 : 1000,
    tMeasure: g >= 2.5 ? 3200 : g >= 1.75 ? 4000 : 8000,
    sampleEvery: 0.5,
    blocks: 8,
  };
}

/**
 * The simulations of the dimension examples, one network at a time: for every variable of opt.variable, N of opt.N,
 * point of `points` (each with its coupling g) and seed opt.seed + k (k < opt.networks) that `rows` (read from
 * the results file) does not hold yet, simulate one network of the model `how.model(point, N)` with the protocol
 * dimensionProtocol(g) and the dimension of that variable; the row { ...how.id(point), N, seed, variable,
 * ...how.extra(network, point), prCross, prCrossSE, prNaive, variance, blocks, samplesPerBlock, settings, variant,
 * threads, seconds, version } is added to `rows`, appended to opt.results and printed with how.describe(point)
 * (and how.note(row), if given). A row's identity is how.id(point) with N, seed and variable.
 */
export async function simulateNetworks(opt, rows, points, how) {
  const key = (r) => `${Object.values(how.id(r)).map((v) => JSON.stringify(v)).join('|')}|${r.N}|${r.seed}|${r.variable}`;
  const done = new Set(rows.map(key));
  const rep = await init(opt.threads > 0 ? { threads: opt.threads } : {});
  console.log(`simulating with ${rep.variant}, ${rep.threads} threads`);
  for (const variable of opt.variable) {
    for (const N of opt.N) {
      for (const point of points) {
        for (let k = 0; k < opt.networks; k++) {
          const seed = opt.seed + k;
          if (done.has(key({ ...how.id(point), N, seed, variable }))) continue;
          const sim = dimensionProtocol(point.g);
          const spec = {
            dmftlab: 1,
            seed,
            model: how.model(point, N),
            simulation: { ...sim, networks: 1, lags: [0], traceUnits: [0], init: { kind: 'random', scale: 1 } },
          };
          const t0 = performance.now();
          const out = await simulate(spec, { dimension: variable });
          const net = out.result.networks[0];
          const d = net.dimension;
          const extra = how.extra ? how.extra(net, point) : {};
          const row = {
            ...how.id(point), N, seed, variable, ...extra,
            prCross: d.prCross, prCrossSE: d.prCrossSE, prNaive: d.prNaive, variance: d.variance, blocks: d.blocks, samplesPerBlock: d.samplesPerBlock,
            settings: sim, variant: out.provenance.variant, threads: out.provenance.threads,
            seconds: Number(((performance.now() - t0) / 1000).toFixed(1)), version: VERSION,
          };
          rows.push(row);
          done.add(key(row));
          appendRow(opt.results, row);
          console.log(`  ${variable} N = ${N} ${how.describe(point)} seed ${seed}: ${how.note ? how.note(row) + '; ' : ''}PR/N = ${fmt(d.prCross, 5)} +- ${fmt(d.prCrossSE, 5)} (naive ${fmt(d.prNaive, 5)}), var ${fmt(d.variance, 3)}, ${row.seconds} s`);
        }
      }
    }
  }
}

/**
 * PR/N of several networks (rows with prCross, prCrossSE): the network mean, the SE over networks (the quenched
 * scatter, spec 03 §4.4), the jackknife SE of the mean (sqrt(sum SE_k^2) / n) and `se`, the larger of the two
 * (the jackknife alone for one network), which the z-scores use.
 */
export function networkMean(rows) {
  const m = meanSE(rows.map((r) => r.prCross));
  const jack = Math.sqrt(rows.reduce((a, r) => a + r.prCrossSE ** 2, 0)) / rows.length;
  const se = rows.length > 1 ? Math.max(m.se, jack) : jack;
  return { mean: m.mean, sd: m.sd, seNetworks: m.se, seJackknife: jack, se, networks: rows.length };
}

/**
 * Weighted least squares of PR/N = a + c/N over points { N, mean, seNetworks, seJackknife } at two or more N
 * (weights 1 / max(seNetworks, seJackknife)^2): a is the N -> infinity extrapolation, c the finite-size correction.
 */
export function fitInverseN(points) {
  let S = 0, Su = 0, Suu = 0, Sy = 0, Suy = 0;
  for (const p of points) {
    const w = 1 / Math.max(p.seNetworks, p.seJackknife) ** 2;
    const u = 1 / p.N;
    S += w; Su += w * u; Suu += w * u * u; Sy += w * p.mean; Suy += w * u * p.mean;
  }
  const det = S * Suu - Su * Su;
  const a = (Suu * Sy - Su * Suy) / det;
  const c = (S * Suy - Su * Sy) / det;
  return { Ns: points.map((p) => p.N), a, aSE: Math.sqrt(Suu / det), c, cSE: Math.sqrt(S / det) };
}
