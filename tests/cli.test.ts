// The CLI end to end (built bundle, as a user runs it): exit codes, one-line errors for every invalid
// spec of the shared corpus, --out/--plot files, JSON output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAD } from './invalid-specs.js';

const BIN = join(process.cwd(), 'bin', 'dmftlab.js');
const dir = mkdtempSync(join(tmpdir(), 'dmftlab-cli-'));

function cli(args: string[], timeout = 120_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal };
}

// the corpus cases that a JSON file can carry (bigint, NaN, Infinity, raw strings cannot)
const jsonCases = BAD.filter((b) => {
  if (typeof b.spec !== 'object' || b.spec === null) return false;
  try {
    return JSON.stringify(JSON.parse(JSON.stringify(b.spec))) === JSON.stringify(b.spec) && !/NaN|Infinity/.test(String(b.why));
  } catch {
    return false;
  }
});

test(`${jsonCases.length} invalid spec files (>= 50): exit 2, one line per issue naming the field, no NaN, no stdout`, () => {
  assert.ok(jsonCases.length >= 50, `only ${jsonCases.length} JSON-representable cases`);
  const seen = new Set<string>();
  for (const [k, b] of jsonCases.entries()) {
    const f = join(dir, `bad-${k}.json`);
    writeFileSync(f, JSON.stringify(b.spec));
    const r = cli(['theory', f], 20_000);
    assert.equal(r.signal, null, `${b.why}: killed (hang?)`);
    assert.equal(r.code, 2, `${b.why}: exit ${r.code}; ${r.err}`);
    assert.equal(r.out, '', `${b.why}: wrote to stdout`);
    const lines = r.err.trimEnd().split('\n');
    assert.equal(lines.length, b.issues ?? 1, `${b.why}: ${r.err}`);
    const prefix = `dmftlab: invalid spec: ${b.path === '' ? 'spec' : b.path}`;
    assert.ok(lines[0].startsWith(prefix), `${b.why}: "${lines[0]}" does not start with "${prefix}"`);
    assert.doesNotMatch(r.err, /NaN|undefined/, b.why);
    seen.add(lines[0]);
  }
  assert.ok(seen.size >= 50, `only ${seen.size} distinct messages`); // observed 105 distinct for 106 cases
});

test('unreadable input: missing file, bad JSON, unknown command and option exit 2 with a message', () => {
  const bad = join(dir, 'not-json.json');
  writeFileSync(bad, '{"dmftlab": 1,');
  for (const args of [['theory', join(dir, 'nope.json')], ['theory', bad], ['frobnicate'], ['theory', '--nope'], ['theory']]) {
    const r = cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /^dmftlab: /);
  }
  assert.equal(cli(['--version']).code, 0);
  assert.equal(cli(['--help']).code, 0);
});

test('theory on every example spec: exit 0, one JSON object, every solution converged with residual <= 1e-10', () => {
  const specs = readdirSync('examples/specs').filter((f) => f.endsWith('.json'));
  assert.ok(specs.length >= 3);
  for (const f of specs) {
    const r = cli(['theory', join('examples/specs', f)]);
    assert.equal(r.code, 0, `${f}: ${r.err}`);
    const out = JSON.parse(r.out);
    if (out.result.kind === 'randomMode') {
      // the i.i.d. DMFT at the same g, the spectrum's effective rank, and the dimension (spec 03 §5)
      assert.ok(out.result.rank.rho > 0 && out.result.rank.rho <= 1, `${f}: rho ${out.result.rank.rho}`);
      assert.equal(out.result.dimension.diagnostics.converged, true, `${f}: dimension theory`);
      assert.ok(out.result.dimension.prX < out.result.dimension.prXiid, `${f}: lower effective rank, lower dimension`);
    }
    if (out.result.kind === 'multiregion') {
      // the two-time DMFT, then the stationary state from its end (spec 02 §3, §4)
      assert.notEqual(out.result.dmft.diagnostics.converged, false, `${f}: DMFT window check`);
      assert.ok(out.result.solutions.some((s: { reachedByDmft: boolean }) => s.reachedByDmft), `${f}: no stationary state reached`);
    }
    assert.equal(out.kind, 'theory');
    assert.equal(out.dmftlab.format, 1);
    assert.ok(out.provenance.specHash.length === 16);
    assert.ok(out.result.solutions.length >= 1);
    for (const s of out.result.solutions) {
      assert.equal(s.diagnostics.converged, true, `${f}: ${s.type} ${s.branch}`);
      assert.ok(s.diagnostics.residual <= 1e-10, `${f}: ${s.type} ${s.branch} residual ${s.diagnostics.residual}`);
    }
    assert.doesNotMatch(r.out, /NaN/);
  }
});

test('--out writes the JSON file (nothing on stdout) and --plot a standalone SVG', () => {
  const spec = join(dir, 'small.json');
  writeFileSync(
    spec,
    JSON.stringify({
      dmftlab: 1,
      seed: 3,
      model: { kind: 'lowrank', N: 300, g: 0.5, phi: 'erf', rank: 1, means: { m: 1.1, n: 2 }, cov: { mm: 1, nn: 1 } },
      simulation: { tBurn: 10, tMeasure: 10, networks: 2, init: { kind: 'branch', sign: -1 } },
    }),
  );
  const out = join(dir, 'sim.json');
  const svg = join(dir, 'sim.svg');
  const r = cli(['simulate', spec, '--out', out, '--plot', svg]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, '');
  const j = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(j.kind, 'simulation');
  assert.equal(j.result.networks.length, 2);
  assert.ok(j.result.summary.kappa[0].mean < 0, 'started on the - branch');
  const s = readFileSync(svg, 'utf8');
  assert.match(s, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(!existsSync(out + `.tmp-${process.pid}`));
  const c = cli(['compare', spec, '--plot', join(dir, 'cmp.svg')]);
  assert.equal(c.code, 0, c.err);
  const cj = JSON.parse(c.out);
  assert.equal(cj.kind, 'compare');
  assert.ok(Array.isArray(cj.result.report.rows) && cj.result.report.rows.length >= 3);
});
