// The spec 02 diagram as a sweep (docs/SWEEP.md): axes on entries of a multiregion model's interactions, the
// leading eigenvalue of T-hat and the DMFT outcome as metrics, and the CLI's --xy figure. It reads the example
// sweep file and runs the CLI, so it imports Node built-ins statically: the runners run it on Node and Deno
// and list it as skipped in the browser (tests/phase.test.ts holds the portable phase-diagram tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multiregion } from '../src/index.js';
import { parseSweep, pointSpec, pointMetrics, OUTCOMES } from '../src/sweep/sweep.js';
import { computeTheoryUnit } from '../src/sweep/compute.js';

test('spec 02 sweeps: axes on multiregion interactions re-derive T; the leading eigenvalue of T-hat and the DMFT outcome become metrics; --xy draws them', async () => {
  const base = JSON.parse(readFileSync(join(process.cwd(), 'examples/sweeps/mr-hat-lambda.json'), 'utf8')).base;
  base.theory.dmft.duration = 60;
  const sw = { dmftlabSweep: 1, base, axes: [{ field: 'model.interactions.T.1.0.0', values: [-2, 2] }] };
  const s = parseSweep(sw);
  // the axis value reaches the expanded tensor the theory reads
  assert.equal((pointSpec(s, 0).spec.model as { T: number[][][] }).T[1][0][0], -2);
  const pts = await computeTheoryUnit(s, [0, 1]);
  for (const [k, c] of [-2, 2].entries()) {
    const m = pointMetrics(pts[k].result);
    const T = [1, 1.5, 1.5, 0, c, 0, 0, 0];
    const lead = multiregion.hatSpectrum({ P: 2, T }).leading;
    assert.ok(Math.abs(m.lambdaRe - lead.re) < 1e-12 && Math.abs(m.lambdaIm - Math.abs(lead.im)) < 1e-12, `c = ${c}: lambda ${m.lambdaRe} ${m.lambdaIm}, hatSpectrum ${lead.re} ${lead.im}`);
    assert.equal(OUTCOMES[m.outcome].name, pts[k].result.theory!.multiregion!.outcome);
  }
  // c = -2: complex lambda (observed 1.188 + 1.363i), chaos; c = 2: real lambda (observed 2.060), the currents settle
  assert.ok(pointMetrics(pts[0].result).lambdaIm > 0.5);
  assert.equal(pointMetrics(pts[1].result).lambdaIm, 0);
  assert.equal(pts[0].result.theory!.multiregion!.outcome, 'chaos');
  assert.match(pts[1].result.theory!.multiregion!.outcome, /^fixed-point/);
  // the CLI: a results file, then the (Re lambda, Im lambda) plane coloured by outcome
  const dir = mkdtempSync(join(tmpdir(), 'dmftlab-phase-'));
  const file = join(dir, 'mr.json');
  writeFileSync(file, JSON.stringify(sw));
  const bin = join(process.cwd(), 'bin', 'dmftlab.js');
  let r = spawnSync(process.execPath, [bin, 'sweep', file, '--quiet', '--threads', '2'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  r = spawnSync(process.execPath, [bin, 'sweep-report', join(dir, 'mr.results.jsonl'), '--xy', 'lambdaRe,lambdaIm', '--plot', join(dir, 'mr.svg')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).value, 'outcome');
  const svg = readFileSync(join(dir, 'mr.svg'), 'utf8');
  assert.match(svg, /3 chaos/);
  assert.match(svg, /lambdaIm/);
  r = spawnSync(process.execPath, [bin, 'sweep-report', join(dir, 'mr.results.jsonl'), '--xy', 'lambdaRe,nope'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--xy: got nope; must be one of the metrics/);
});
