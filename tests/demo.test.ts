// The main job (`dmftlab demo`) in its quick form: the Fig. 1C diagram is complete, the bifurcation
// points are where the theory puts them, every simulated point agrees, and the figure renders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDemo } from '../src/demo.js';
import { plotOutput } from '../src/figures.js';

test('demo --quick: branches, bifurcations, agreement table, SVG', async () => {
  const lines: string[] = [];
  const d = await runDemo({ quick: true, log: (s) => lines.push(s) });
  // bifurcation points of M&O Fig. 1 (tanh): g_C < g_S < g_BB (values from tests/lowrank-theory.test.ts)
  assert.ok(Math.abs(d.bifurcations.gC! - 1.7958993004319566) < 1e-8);
  assert.ok(Math.abs(d.bifurcations.gS! - 2.0593186189598467) < 1e-8);
  assert.ok(Math.abs(d.bifurcations.gBB! - 2.1357916902046767) < 1e-8);
  const labels = d.curves.map((c) => c.label);
  for (const want of ['static plus', 'static minus', 'chaotic plus', 'chaotic minus', 'chaotic central', 'static plus (unstable)', 'chaotic central (unstable)']) {
    assert.ok(labels.includes(want), `missing curve ${want}: ${labels.join(', ')}`);
  }
  // static and central-chaos states are simulated, both mirror branches
  assert.ok(d.points.some((p) => p.sign === 1) && d.points.some((p) => p.sign === -1) && d.points.some((p) => p.state.startsWith('chaotic')));
  for (const p of d.points) assert.ok(p.agree, lines.join('\n'));
  assert.ok(d.agree);
  assert.ok(lines.some((l) => l.startsWith('every point agrees')));
  const svg = plotOutput('demo', d);
  assert.match(svg, /^<svg/);
  assert.doesNotMatch(svg, /NaN/);
});
