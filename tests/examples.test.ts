// The paper-figure scripts of examples/multiregion/ (Clark & Beiran 2025, Figs. 3-6 and the input switch), run
// as a user runs them: `node examples/multiregion/figX.mjs` in an empty working directory, against the built
// bundle dist/node/index.js, in quick mode (DMFTLAB_EXAMPLE_QUICK=1: small grids, N and durations). Each must
// exit 0, write its SVG into the working directory, and end its stdout with one JSON line whose key number is
// checked here against the theory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = process.cwd();
const DIST = join(ROOT, 'dist', 'node', 'index.js');
const inDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
const skip = inDeno ? 'the example scripts are Node programs run as child processes (node examples/multiregion/*.mjs)' : false;

interface Run {
  summary: Record<string, unknown>;
  svg: string;
  stdout: string;
}

function runExample(script: string, svgName: string): Run {
  assert.ok(existsSync(DIST), `${DIST} is missing: build first (node scripts/build.mjs)`);
  const cwd = mkdtempSync(join(tmpdir(), 'dmftlab-example-'));
  const r = spawnSync(process.execPath, [join(ROOT, 'examples', 'multiregion', script)], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DMFTLAB_EXAMPLE_QUICK: '1' },
  });
  assert.equal(r.signal, null, `${script}: killed (${r.signal}); stderr: ${r.stderr}`);
  assert.equal(r.status, 0, `${script}: exit ${r.status}; stderr: ${r.stderr}`);
  const svgPath = join(cwd, svgName);
  assert.ok(existsSync(svgPath), `${script}: no ${svgName} in the working directory`);
  assert.ok(r.stdout.includes(svgPath), `${script}: the SVG path is not printed`);
  const svg = readFileSync(svgPath, 'utf8');
  assert.ok(svg.startsWith('<svg'), `${script}: ${svgName} does not start with <svg`);
  assert.ok(svg.trimEnd().endsWith('</svg>'), `${script}: ${svgName} does not end with </svg>`);
  assert.ok(!/NaN|Infinity/.test(svg), `${script}: ${svgName} contains NaN or Infinity`);
  const lines = r.stdout.trimEnd().split('\n');
  const summary = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  assert.equal(summary.quick, true, `${script}: quick mode not taken`);
  return { summary, svg, stdout: r.stdout };
}

test('fig3.mjs: P = 5 simulations; for g = 0 the DMFT reaches the pinned-gain sqrt(A^a) = sqrt((2/pi)(b_a^2 - 1))', { skip }, () => {
  const { summary } = runExample('fig3.mjs', 'fig3.svg');
  const sets = summary.sets as { set: string; regions: { predicted: number; stationary: number; measured: number }[] }[];
  assert.deepEqual(
    sets.map((s) => s.set),
    ['i', 'iv'],
  );
  const b = [2.4609, 2.538, 2.4939, 2.4959, 2.5164]; // set (i), g = 0: A^a = Delta0 = (2/pi)(b_a^2 - 1) (spec 02 §5.2)
  sets[0].regions.forEach((r, a) => {
    assert.ok(Math.abs(r.predicted - Math.sqrt((2 / Math.PI) * (b[a] ** 2 - 1))) < 1e-12, `region ${a}: prediction ${r.predicted}`);
    assert.ok(Math.abs(r.stationary - r.predicted) < 1e-6, `region ${a}: DMFT stationary ${r.stationary} vs pinned ${r.predicted}`);
    assert.ok(r.measured > 0.5 && r.measured < 3, `region ${a}: simulated sqrt(A) ${r.measured}`);
  });
});

test('fig4.mjs: sqrt(A) at g = 0, b = 2 is sqrt((2/pi)(b^2 - 1)); chaos appears at g = (1 + pi Delta0)^(1/4)', { skip }, () => {
  const { summary } = runExample('fig4.mjs', 'fig4.svg');
  const expected = Math.sqrt((2 / Math.PI) * (2 * 2 - 1));
  assert.ok(Math.abs((summary.sqrtA_g0_b2 as number) - expected) < 1e-12, `sqrt(A)(g = 0, b = 2) = ${summary.sqrtA_g0_b2}, expected ${expected}`);
  const bd = summary.boundaries as Record<string, { chaosWithStructureFrom: number; currentsDieAt: number }>;
  for (const b of [1.5, 2, 2.5]) {
    const D0 = (2 / Math.PI) * (b * b - 1);
    assert.ok(Math.abs(bd[String(b)].chaosWithStructureFrom - (1 + Math.PI * D0) ** 0.25) < 1e-12);
    assert.ok(bd[String(b)].currentsDieAt > bd[String(b)].chaosWithStructureFrom, `b = ${b}: currents die before chaos appears`);
  }
  const f4b = summary.fig4b as { regime: string }[];
  assert.deepEqual(
    f4b.map((s) => s.regime),
    ['chaos-suppressed', 'chaos-with-structure', 'chaos'],
  );
});

test('fig5.mjs: the phase map over the leading eigenvalue shows at least two categories', { skip }, () => {
  const { summary } = runExample('fig5.mjs', 'fig5.svg');
  const found = summary.categoriesFound as string[];
  assert.ok(found.length >= 2, `categories: ${found.join(', ')}`);
  assert.equal(summary.failedRuns, 0);
});

test('fig6.mjs: silencing region 0 turns the real leading eigenvalue of T-hat into a complex pair', { skip }, () => {
  const { summary } = runExample('fig6.mjs', 'fig6.svg');
  const tensors = summary.tensors as { leadingIsReal: boolean; silencedIsComplex: boolean; sweep: { g0: number; psi0: number }[] }[];
  assert.equal(tensors.length, 2);
  for (const t of tensors) {
    assert.ok(t.leadingIsReal && t.silencedIsComplex);
    assert.equal(t.sweep.length, 4);
    assert.ok(t.sweep.every((s) => s.psi0 > 0 && s.psi0 <= 1));
  }
});

test('fig7-input-switch.mjs: the input kills the self-current of region 0 and removing it restores it', { skip }, () => {
  const { summary } = runExample('fig7-input-switch.mjs', 'fig7-input-switch.svg');
  const [before, on, after] = summary.phases as { S00: number; outOfRegion0: number }[];
  assert.ok(Math.abs(before.S00) > 1, `S^00 before the input: ${before.S00}`);
  assert.ok(Math.abs(on.S00) < 0.1 * Math.abs(before.S00), `S^00 with the input: ${on.S00}`);
  assert.ok(on.outOfRegion0 > 0.05 && before.outOfRegion0 < 1e-6, 'region 0 sends currents only while the input is on');
  assert.ok(Math.abs(after.S00 - before.S00) < 1e-3, `S^00 after the input: ${after.S00} (before: ${before.S00})`);
});
