// docs/OUTPUT.md must name every field the CLI writes: run the built CLI (as a user does) on small specs,
// collect every key path of its JSON (array indices collapsed to [], arrays of numbers or strings counted as
// one leaf) and require each path, in backticks, in the section of the document that describes that output.
// The echoed `spec` is documented by reference to docs/SPEC.md and skipped. `result.theory` and
// `result.simulation` of a compare output are the `result` of `theory` and `simulate`: their paths are looked
// up, with the prefix dropped, in those sections (and a test checks that the objects have the same paths).
// The demo is too slow for this suite; its fields are documented from src/demo.ts.
//   node scripts/build.mjs && node scripts/run-test.mjs --no-wasm tests/output-doc.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyPaths, type Json } from './key-paths.js';

const ROOT = process.cwd();
const DOC_FILE = join(ROOT, 'docs', 'OUTPUT.md');
const DOC = readFileSync(DOC_FILE, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'dmftlab-output-doc-'));

// ---------------------------------------------------------------------------------------------------------
// Specs: small and fast (N <= 300, tBurn <= 10, tMeasure <= 10, 2 networks)

const sim = { tBurn: 10, tMeasure: 10, networks: 2, lags: [0, 0.5, 1, 4], traceUnits: [0, 1] };
const theory = { tauMax: 2, tauPoints: 5 };

const SPECS: Record<string, object> = {
  // SCS: trivial, static and chaotic solutions
  random: { dmftlab: 1, name: 'output doc: SCS', seed: 1, model: { kind: 'random', N: 200, g: 2, phi: 'tanh' }, simulation: sim, theory },
  // M&O Fig. 1 at g = 1.9: trivial, static +/central/- and chaotic +/central/- states, all three g bifurcations
  rank1: {
    dmftlab: 1,
    name: 'output doc: rank one, + branch',
    seed: 7,
    model: { kind: 'lowrank', N: 200, g: 1.9, phi: 'tanh', rank: 1, means: { m: 1.1, n: 2 }, cov: { mm: 1, nn: 1 } },
    simulation: { ...sim, method: 'heun', init: { kind: 'branch', sign: 1 } },
    theory,
  },
  // same network from a random start: rows compare |mu| and |kappa| and carry a `note`
  rank1Random: {
    dmftlab: 1,
    name: 'output doc: rank one, random start',
    seed: 7,
    model: { kind: 'lowrank', N: 200, g: 1.9, phi: 'tanh', rank: 1, means: { m: 1.1, n: 2 }, cov: { mm: 1, nn: 1 } },
    simulation: { ...sim, method: 'heun' },
    theory,
  },
  // random modes with a flat spectrum (rho = 0.5): the random network's fields plus rank and dimension
  randomMode: {
    dmftlab: 1,
    name: 'output doc: random mode',
    seed: 1,
    model: { kind: 'randomMode', N: 200, g: 2, phi: 'tanh', spectrum: { kind: 'flat', alpha: 0.5 } },
    simulation: sim,
    theory,
  },
  // the i.i.d. network with simulation.dimension: the theory adds its dimension, compare a 'dimension' row
  randomDimension: {
    dmftlab: 1,
    name: 'output doc: SCS with the dimension of activity',
    seed: 1,
    model: { kind: 'random', N: 200, g: 2, phi: 'tanh' },
    simulation: { ...sim, dimension: 'x' },
    theory,
  },
  // two regions with symmetric cross-interactions; a short DMFT with a window and one two-time slice
  multiregion: {
    dmftlab: 1,
    name: 'output doc: multiregion',
    seed: 1,
    model: { kind: 'multiregion', P: 2, N: 200, g: 1.5, phi: 'erf', interactions: { kind: 'symmetric', c: [[0, 2.5], [2.5, 0]] }, start: { S: [[0, 0.5], [0.5, 0]] } },
    simulation: { ...sim, method: 'euler', dt: 0.05 },
    theory: { dmft: { duration: 40, window: 10, refTimes: [20] } },
  },
};

/** Runs of the CLI: [command, spec file]; the example specs cover the ring report and the fold point. */
const RUNS: [string, string][] = [
  ['theory', 'random'],
  ['theory', 'rank1'],
  ['theory', 'examples/specs/ring-rank2.json'],
  ['theory', 'examples/specs/input-driven-rank1-s0.5.json'],
  ['theory', 'multiregion'],
  ['theory', 'randomMode'],
  ['theory', 'randomDimension'],
  ['compare', 'randomDimension'],
  ['simulate', 'randomMode'],
  ['simulate', 'random+dimension'],
  ['simulate', 'multiregion'],
  ['simulate', 'multiregion+dimension'],
  ['compare', 'multiregion'],
  ['simulate', 'random'],
  ['simulate', 'rank1'],
  ['compare', 'random'],
  ['compare', 'rank1'],
  ['compare', 'rank1Random'],
];

function specFile(name: string): string {
  if (name.endsWith('.json')) return name;
  const f = join(dir, `${name}.json`);
  writeFileSync(f, JSON.stringify(SPECS[name]));
  return f;
}


function cli(cmd: string, spec: string): { [k: string]: Json } {
  // a spec name ending in "+dimension" runs with --dimension x (the dimension fields of spec 03 §4)
  const [name, flag] = spec.split('+');
  const extra = flag === 'dimension' ? ['--dimension', 'x'] : [];
  const r = spawnSync(process.execPath, ['bin/dmftlab.js', cmd, specFile(name), '--quiet', ...extra], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.signal, null, `${cmd} ${spec}: killed (timeout?)`);
  assert.equal(r.status, 0, `${cmd} ${spec}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

const outputs = new Map<string, { [k: string]: Json }>();
function output(cmd: string, spec: string): { [k: string]: Json } {
  const key = `${cmd} ${spec}`;
  if (!outputs.has(key)) outputs.set(key, cli(cmd, spec));
  return outputs.get(key)!;
}

// ---------------------------------------------------------------------------------------------------------
// Key paths

// ---------------------------------------------------------------------------------------------------------
// Sections of docs/OUTPUT.md

/** The text from the heading (level 2 or 3) that contains `marker` to the next heading of the same or a higher level. */
function section(marker: string): string {
  const lines = DOC.split('\n');
  const level = (l: string) => /^(#+) /.exec(l)?.[1].length ?? 0;
  const start = lines.findIndex((l) => (level(l) === 2 || level(l) === 3) && l.includes(marker));
  assert.ok(start >= 0, `docs/OUTPUT.md has no heading containing ${marker}`);
  let end = lines.findIndex((l, i) => i > start && level(l) > 0 && level(l) <= level(lines[start]));
  if (end < 0) end = lines.length;
  return lines.slice(start, end).join('\n');
}

const SECTIONS = {
  envelope: { title: '## Envelope', text: section('## Envelope') },
  simulation: { title: 'kind: "simulation"', text: section('`kind: "simulation"`') },
  random: { title: 'result.kind: "random"', text: section('`result.kind: "random"`') },
  lowrank: { title: 'result.kind: "lowrank"', text: section('`result.kind: "lowrank"`') },
  multiregion: { title: 'result.kind: "multiregion"', text: section('`result.kind: "multiregion"`') },
  // a random-mode theory result is the random network's, plus its own fields
  randomMode: { title: 'result.kind: "randomMode"', text: section('`result.kind: "randomMode"`') + section('`result.kind: "random"`') },
  compare: { title: 'kind: "compare"', text: section('`kind: "compare"`') },
};
type SectionName = keyof typeof SECTIONS;

/** Where a path of an output must be documented: [section, the path as written there]. */
function home(out: { [k: string]: Json }, path: string): [SectionName, string] | null {
  if (path === 'spec' || path.startsWith('spec.')) return null; // docs/SPEC.md
  if (!path.startsWith('result.')) return ['envelope', path];
  const result = out.result as { [k: string]: Json };
  switch (out.kind) {
    case 'simulation':
      return ['simulation', path];
    case 'theory':
      return [result.kind as SectionName, path];
    case 'compare': {
      const m = /^result\.(theory|simulation)\.(.*)$/.exec(path);
      if (!m) return ['compare', path];
      if (m[1] === 'simulation') return ['simulation', `result.${m[2]}`];
      return [(result.theory as { [k: string]: Json }).kind as SectionName, `result.${m[2]}`];
    }
    default:
      throw new Error(`unexpected output kind ${String(out.kind)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------

test('docs/OUTPUT.md documents format version 1 and every section the tests look in', () => {
  assert.match(DOC, /^# .*format version 1/m);
  assert.ok(DOC.includes('`dmftlab.format`'));
  for (const s of Object.values(SECTIONS)) assert.ok(s.text.length > 200, `section ${s.title} is nearly empty`);
});

test('every key path of theory, simulate and compare output is documented in docs/OUTPUT.md', () => {
  const missing = new Map<string, Set<string>>(); // "section: path" -> runs that produced it
  let checked = 0;
  for (const [cmd, spec] of RUNS) {
    const out = output(cmd, spec);
    assert.equal((out.dmftlab as { format: number }).format, 1, `${cmd} ${spec}: dmftlab.format`);
    for (const path of keyPaths(out)) {
      const h = home(out, path);
      if (!h) continue;
      checked++;
      const [name, written] = h;
      if (!SECTIONS[name].text.includes('`' + written + '`')) {
        const key = `${SECTIONS[name].title}: \`${written}\``;
        if (!missing.has(key)) missing.set(key, new Set());
        missing.get(key)!.add(`${cmd} ${spec}`);
      }
    }
  }
  assert.ok(checked > 400, `only ${checked} paths checked`);
  const list = [...missing].map(([k, runs]) => `  ${k}   (from ${[...runs].join(', ')})`);
  assert.equal(list.length, 0, `${list.length} output field paths are not documented in docs/OUTPUT.md (in the section named first):\n${list.join('\n')}`);
});

test('the rank-one spec has static and chaotic states (so both kinds of solution fields are covered)', () => {
  const sols = (output('theory', 'rank1').result as { solutions: { type: string }[] }).solutions;
  const types = new Set(sols.map((s) => s.type));
  for (const t of ['trivial', 'static', 'chaotic']) assert.ok(types.has(t), `no ${t} solution: ${[...types].join(', ')}`);
});

test('compare embeds the theory and simulation results with the same fields as theory and simulate', () => {
  for (const spec of ['random', 'rank1']) {
    const c = output('compare', spec).result as { [k: string]: Json };
    const paths = (v: Json) => [...keyPaths(v)].sort();
    assert.deepEqual(paths(c.theory), paths(output('theory', spec).result), `${spec}: result.theory`);
    assert.deepEqual(paths(c.simulation), paths(output('simulate', spec).result), `${spec}: result.simulation`);
  }
});
