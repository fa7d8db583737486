// Helpers shared by every example script (examples/*/): quick mode, writing an SVG into the working
// directory, the one-line JSON summary that tests/examples.test.ts reads, and small formatting helpers.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderSvg } from '../dist/node/index.js';

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
