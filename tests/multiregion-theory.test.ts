// Stationary and disorder-free theory of the multiregion model (spec 02 §2.4, §2.5, §4.1–4.3, §5.1–5.3,
// §6.1–6.2). Three kinds of checks: exact limits and identities, independent routes to the same number, and
// the attractor dimension. Every tolerance states its reason; "observed" is the worst value printed by the test
// (node scripts/run-test.mjs tests/multiregion-theory.test.ts --no-wasm, lines starting with #).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPhi } from '../src/phi.js';
import type { QuadratureSettings } from '../src/spec/types.js';
import { gaussAverage, makeAverager } from '../src/theory/gauss.js';
import { integrate } from '../src/theory/roots.js';
import { scsChaotic, scsChaoticMehler } from '../src/theory/scs.js';
import { multiregionParams } from '../src/theory/multiregion/types.js';
import {
  gainPsi,
  gainPsiInverse,
  gainPsiSlope,
  meanDphiSq,
  meanPhiSq,
  phiCorr,
  phiCorrF,
  phiCorrSlope,
  phiCorrCurvature,
  phiCorrPrimitive,
  phiCorrDifference,
  localEnergy,
  localEnergySlope,
  localEnergyGap,
} from '../src/theory/multiregion/toolbox.js';
import {
  structuredVariance,
  currentDrive,
  currentJacobian,
  currentResidual,
  disorderFreeDrive,
  eulerStep,
  findCurrentFixedPoints,
  integrateCurrents,
  polishCurrents,
  robustEigenvalues,
} from '../src/theory/multiregion/currents.js';
import {
  branchOnsetEpsilon,
  chaosOnlyDelta0,
  solveRegion,
  solveStationary,
  staticDelta0,
  staticStabilityMargin,
  stationaryAutocovariance,
  stationaryResiduals,
} from '../src/theory/multiregion/stationary.js';
import { couplingFromAB, fig4aCurves, pairFixedPoint, pinnedGain, symmetricParams, symmetricT } from '../src/theory/multiregion/symmetric.js';
import { hatSpectrum, hatT, hatU, predictOutcome } from '../src/theory/multiregion/hat.js';
import {
  attractorDimensionFromPoints,
  attractorPolytope,
  crossCurrentSystem,
  matrixRank,
  simplexMax,
  squaredCrossCurrents,
} from '../src/theory/multiregion/attractor.js';
import { brent } from '../src/theory/roots.js';

const erfPhi = getPhi('erf');
// fine trapezoid rule with no closed forms: the independent route for Gaussian integrals
const QUAD: QuadratureSettings = { method: 'trapezoid', order: 0, zMax: 9.5, hx: 0.1, closedForms: false };
const K = 2 / Math.PI;

const report = (t: { diagnostic: (m: string) => void }, label: string, v: number): void => t.diagnostic(`${label}: ${v.toExponential(2)}`);
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(b));

/** E[f(x1) h(x2)] for (x1, x2) Gaussian, variances D1, D2, covariance D12, by nested trapezoid rules. */
function twoPointQuad(f: (x: number) => number, h: (x: number) => number, D1: number, D2: number, D12: number): number {
  const condVar = Math.max(D2 - (D12 * D12) / D1, 0);
  return gaussAverage((x1) => f(x1) * gaussAverage(h, (D12 / D1) * x1, condVar, QUAD), 0, D1, QUAD);
}

// ---------------------------------------------------------------------------------------------------------
// §2.4 toolbox

test('toolbox: one-point closed forms against trapezoid quadrature of phi = erf(sqrt(pi) x/2)', (t) => {
  let worst = 0;
  for (const D of [0, 1e-3, 0.2, 1, 1.9098593171027440, 4, 12]) {
    worst = Math.max(worst, rel(gainPsi(D), gaussAverage(erfPhi.df, 0, D, QUAD)));
    worst = Math.max(worst, rel(meanDphiSq(D), gaussAverage((x) => erfPhi.df(x) ** 2, 0, D, QUAD)));
    worst = Math.max(worst, rel(meanPhiSq(D), gaussAverage((x) => erfPhi.f(x) ** 2, 0, D, QUAD)));
  }
  let slope = 0;
  for (const D of [1e-3, 0.5, 3]) slope = Math.max(slope, rel(gainPsiSlope(D), (gainPsi(D + 1e-5) - gainPsi(D - 1e-5)) / 2e-5));
  report(t, 'worst relative error (psi, <phi_prime^2>, <phi^2>)', worst);
  report(t, 'd psi/dD vs central difference', slope);
  assert.ok(worst < 1e-12, `${worst}`); // observed 7.8e-16: the trapezoid rule is spectrally accurate here, so this is rounding
  assert.ok(slope < 1e-9, `${slope}`); // observed 1.2e-10: difference truncation ~h^2 plus rounding eps/h ~ 1e-11/psi'
});

test('toolbox: C, dC/dD, d2C/dD2, F and Phi against two-point quadrature (Price: dC/dD = E[phi_prime phi_prime])', (t) => {
  let worst = 0;
  let which = '';
  const upd = (e: number, w: string): void => {
    if (e > worst) {
      worst = e;
      which = w;
    }
  };
  for (const D0 of [0.05, 1, 1.9098593171027440, 5]) {
    for (const r of [-0.7, 0, 0.3, 0.8, 0.999, 1]) {
      const D = r * D0;
      upd(rel(phiCorr(D0, D), twoPointQuad(erfPhi.f, erfPhi.f, D0, D0, D)), `C(${D0}, ${D})`);
      upd(rel(phiCorrSlope(D0, D), twoPointQuad(erfPhi.df, erfPhi.df, D0, D0, D)), `dC(${D0}, ${D})`);
      upd(rel(phiCorrCurvature(D0, D), twoPointQuad(erfPhi.d2f, erfPhi.d2f, D0, D0, D)), `d2C(${D0}, ${D})`);
      // Phi(D0, D) - Phi(D0, 0) = E[Phi(x1) Phi(x2)] - E[Phi]^2 with Phi the primitive of phi (Price's theorem)
      const PhiQ = twoPointQuad(erfPhi.F, erfPhi.F, D0, D0, D) - gaussAverage(erfPhi.F, 0, D0, QUAD) ** 2;
      upd(rel(phiCorrPrimitive(D0, D) - phiCorrPrimitive(D0, 0), PhiQ), `Phi(${D0}, ${D})`);
    }
  }
  for (const [D1, D2, D12] of [
    [0.3, 2, 0.5],
    [4, 1, -1.2],
    [1, 1, 1],
    [2.5, 0.7, 1.3],
  ]) {
    upd(rel(phiCorrF(D1, D2, D12), twoPointQuad(erfPhi.f, erfPhi.f, D1, D2, D12)), `F(${D1}, ${D2}, ${D12})`);
  }
  report(t, `worst relative error (${which})`, worst);
  assert.ok(worst < 1e-12, `${which}: ${worst}`); // observed 5.6e-15 (Phi(5, 4): rounding of a difference of two O(1) quadratures)
});

test('toolbox identities: dC/dD at D0 = (1 + pi D0)^(-1/2), Phi_prime = C, psi inverse round trip, clipping, energy gap', (t) => {
  let idWorst = 0;
  let primWorst = 0;
  let psiWorst = 0;
  let gapWorst = 0;
  for (const D0 of [0, 0.01, 0.7, 1.9098593171027440, 6, 40]) {
    idWorst = Math.max(idWorst, rel(phiCorrSlope(D0, D0), 1 / Math.sqrt(1 + Math.PI * D0)));
    // Phi(D0, b) - Phi(D0, a) = int_a^b C dD (Gauss–Legendre, 40 nodes x 8 panels)
    primWorst = Math.max(primWorst, rel(phiCorrPrimitive(D0, 0.9 * D0) - phiCorrPrimitive(D0, -0.4 * D0), integrate((D) => phiCorr(D0, D), -0.4 * D0, 0.9 * D0, 40, 8)));
    const psi = gainPsi(D0);
    psiWorst = Math.max(psiWorst, rel(gainPsiInverse(psi), D0));
    for (const [a, b] of [
      [0.9, 0.2],
      [0.5, 0.49],
      [1, 0.999999],
    ]) {
      const A = 0.3;
      const g = 1.7;
      const closed = localEnergy(a * D0, D0, A, g) - localEnergy(b * D0, D0, A, g);
      const quad = integrate((D) => localEnergySlope(D, D0, A, g), b * D0, a * D0, 40, 8);
      const scale = Math.max(Math.abs(a - b) * D0 * 1e-2, 1e-300);
      gapWorst = Math.max(gapWorst, Math.abs(localEnergyGap(a * D0, b * D0, D0, A, g) - quad) / scale);
      gapWorst = Math.max(gapWorst, Math.abs(localEnergyGap(a * D0, b * D0, D0, A, g, b * D0) - quad) / scale);
      if (Math.abs(a - b) * D0 > 0.5) gapWorst = Math.max(gapWorst, Math.abs(closed - quad) / scale);
    }
  }
  // asin-subtraction form of C differences
  const dWorst = Math.abs(phiCorrDifference(2, 1.5, 0.3) - (phiCorr(2, 1.5) - phiCorr(2, 0.3)));
  report(t, 'dC/dD(D0, D0) vs (1 + pi D0)^(-1/2)', idWorst);
  report(t, 'Phi differences vs Gauss–Legendre integral of C', primWorst);
  report(t, 'psi inverse round trip', psiWorst);
  report(t, 'energy gap (scaled by 1e-2 |D1 - D2|) vs integral of V_prime', gapWorst);
  assert.ok(idWorst < 1e-14, `${idWorst}`); // observed 2.2e-16: the two closed forms are algebraically equal
  assert.ok(primWorst < 1e-13, `${primWorst}`); // observed 1.3e-15: C is analytic on the interval, GL converged
  assert.ok(psiWorst < 1e-13, `${psiWorst}`); // observed 1.8e-16 (relative rounding of psi^-2)
  assert.ok(gapWorst < 1e-10, `${gapWorst}`); // observed 7.1e-12, i.e. 7e-14 relative to the gap's scale: rounding
  assert.ok(dWorst < 1e-15, `${dWorst}`); // observed 0 to 1 ulp
  // clipping: an argument beyond 1 (Euler overshoot) gives the boundary value, not NaN
  assert.equal(phiCorrF(1, 1, 1 + 2 / Math.PI + 1e-9), 1);
  assert.equal(phiCorr(0, -5), -1);
  assert.throws(() => gainPsi(-1), /D = -1 is out of range; valid: finite >= 0/);
  assert.throws(() => gainPsiInverse(1.5), /psi = 1.5 is out of range; valid: \(0, 1\]/);
});

// ---------------------------------------------------------------------------------------------------------
// §5.1 constructions, §6.1 hat matrices

test('symmetric construction and hat matrices: T^_psi S = H(S), sum_a A^a = S^T U^ S, T^ symmetric for symmetric c', () => {
  const c = couplingFromAB([2.07, 2.02, 2.04], [2.46, 2.54, 2.49], [1, -1, 1]);
  // c = u u^T + diag(a - b): diagonal a, off-diagonal +- sqrt(b_a b_b)
  assert.equal(c[0], 2.07);
  assert.ok(Math.abs(c[1] + Math.sqrt(2.46 * 2.54)) < 1e-15);
  const P = 3;
  const T = symmetricT(c, P);
  const p = multiregionParams(P, T, [0, 0, 0]);
  const S = Float64Array.from([0.3, -1.2, 0.5, 0.9, 0.1, -0.4, 0.7, 1.1, -0.2]);
  const psi = [0.8, 0.6, 0.45];
  const Th = hatT(p, psi);
  const H = currentDrive(p, S, psi);
  let worst = 0;
  for (let i = 0; i < P * P; i++) worst = Math.max(worst, Math.abs(Th[i].reduce((s, v, j) => s + v * S[j], 0) - H[i]));
  assert.ok(worst < 1e-15, `T^_psi S vs H: ${worst}`); // observed 0-1 ulp: same products, same order up to zeros
  const Uh = hatU(p);
  const quad = Uh.reduce((s, row, i) => s + S[i] * row.reduce((r, v, j) => r + v * S[j], 0), 0);
  const A = structuredVariance(p, S);
  assert.ok(Math.abs(quad - (A[0] + A[1] + A[2])) < 1e-14);
  const T0 = hatT(p);
  for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) assert.equal(T0[i][j], T0[j][i]);
  // symmetric T^: the spectrum is real
  assert.ok(hatSpectrum(p).eigenvalues.every((z) => z.im === 0));
  assert.throws(() => symmetricT([1, 2, 3, 1], 2), /c\[1\] = 2 is out of range; valid: symmetric/);
  assert.throws(() => couplingFromAB([1, 1], [2, 2], [1, 0]), /signs\[1\] = 0 is out of range; valid: \+1 or -1/);
});

test('exact Jacobian of the current ODE (incl. d psi/dS terms) against central differences; input terms included', (t) => {
  const P = 3;
  const T = Float64Array.from({ length: 27 }, (_, i) => Math.sin(1.7 * i + 0.3) * 1.4);
  const U = new Float64Array(27);
  for (let a = 0; a < P; a++) {
    // U[a] = I + 0.3 (rank one), symmetric positive definite
    for (let b = 0; b < P; b++) for (let c = 0; c < P; c++) U[(a * P + b) * P + c] = (b === c ? 1 : 0) + 0.3 * Math.cos(a + b) * Math.cos(a + c);
  }
  const V = Float64Array.from({ length: 9 }, (_, i) => 0.1 * (i % 4) - 0.15);
  const p = multiregionParams(P, T, [0, 0, 0], { U, V, v2: Float64Array.from([1, 0.5, 2]) });
  const S = Float64Array.from({ length: 9 }, (_, i) => Math.cos(2.3 * i) * 0.9);
  const input = [0.4, -1.1, 0.2];
  const J = currentJacobian(p, S, input);
  let worst = 0;
  const h = 1e-6;
  for (let j = 0; j < 9; j++) {
    const sp = S.slice();
    const sm = S.slice();
    sp[j] += h;
    sm[j] -= h;
    const Hp = disorderFreeDrive(p, sp, input).H;
    const Hm = disorderFreeDrive(p, sm, input).H;
    for (let i = 0; i < 9; i++) worst = Math.max(worst, Math.abs((Hp[i] - Hm[i]) / (2 * h) - (i === j ? 1 : 0) - J[i][j]));
  }
  report(t, 'max |J - central difference|', worst);
  assert.ok(worst < 1e-8, `${worst}`); // observed 1.2e-10: central-difference truncation h^2 ~ 1e-12 times third derivatives, plus rounding eps/h ~ 1e-10
});

// ---------------------------------------------------------------------------------------------------------
// §2.5 + §5.2 exact limits at g = 0

test('P = 2 symmetric, g = 0: ODE + Newton fixed points give (S01)^2 = (2/pi)(c01^2 - 1) and psi0 = psi1 = 1/|c01|', (t) => {
  let worst = 0;
  for (const c of [
    couplingFromAB([1.5, 1.5], [2, 2], [1, 1]), // c01 = 2 (the acceptance cases below)
    Float64Array.from([0.4, -1.7, -1.7, -0.3]), // generic c with c01 < 0
    couplingFromAB([1, 2], [2.5, 2.5], [1, -1]),
  ]) {
    const p = symmetricParams(c, 2, 0);
    const c01 = c[1];
    const fp = findCurrentFixedPoints(p, { count: 16, seed: 3 });
    assert.ok(fp.diagnostics.converged, 'every start accepted');
    assert.equal(fp.fixedPoints.length, 1, 'one fixed point up to sign');
    const f = fp.fixedPoints[0];
    assert.equal(f.stability.classification, 'stable');
    const closed = pairFixedPoint(c01, 0);
    worst = Math.max(worst, Math.abs(f.S[1] ** 2 - K * (c01 * c01 - 1)), Math.abs(f.S[2] ** 2 - K * (c01 * c01 - 1)));
    worst = Math.max(worst, Math.abs(closed.S01sq - K * (c01 * c01 - 1)));
    worst = Math.max(worst, Math.abs(f.psi[0] - 1 / Math.abs(c01)), Math.abs(f.psi[1] - 1 / Math.abs(c01)));
    worst = Math.max(worst, Math.abs(f.S[0]), Math.abs(f.S[3])); // self-currents inactive
    // the closed-form current matrix is a fixed point up to sign: S10 = sign(c01) S01
    const s = Math.sign(f.S[1]);
    for (let i = 0; i < 4; i++) worst = Math.max(worst, Math.abs(s * closed.S[i] - f.S[i]));
  }
  report(t, 'worst deviation from the closed form', worst);
  assert.ok(worst < 1e-12, `${worst}`); // observed 4.9e-13: polish target max|H - S| <= 1e-13, amplified by the conditioning of the fixed point (~5)
});

test('P = 3 symmetric triangle, g = 0: psi^a = 1/b_a, x on the unique polytope point, 8 sign patterns (4 up to S -> -S)', (t) => {
  const a = [1.5, 1.8, 1.7];
  const b = [2.0, 2.4, 2.2];
  const p = symmetricParams(couplingFromAB(a, b, [1, -1, 1]), 3, 0);
  const fp = findCurrentFixedPoints(p, { count: 64, seed: 1 });
  const sys = crossCurrentSystem(a, b);
  const poly = attractorPolytope(sys.C, sys.A);
  assert.equal(poly.dimension, 0);
  assert.ok(poly.interior);
  assert.equal(poly.vertices?.length, 1);
  const x0 = poly.vertices![0];
  let worstPsi = 0;
  let worstX = 0;
  for (const f of fp.fixedPoints) {
    assert.equal(f.stability.classification, 'stable');
    for (let i = 0; i < 3; i++) worstPsi = Math.max(worstPsi, Math.abs(f.psi[i] - 1 / b[i]));
    const x = squaredCrossCurrents(3, f.S);
    for (let j = 0; j < 3; j++) worstX = Math.max(worstX, Math.abs(x[j] - x0[j]));
  }
  t.diagnostic(`distinct fixed points up to sign: ${fp.fixedPoints.length} (hits ${fp.fixedPoints.map((f) => f.hits).join(', ')})`);
  report(t, 'max |psi^a - 1/b_a|', worstPsi);
  report(t, 'max |x - polytope point|', worstX);
  // 64 random starts find all 4 classes (observed hits 21, 16, 14, 13); there can be no more than 4
  assert.equal(fp.fixedPoints.length, 4);
  assert.ok(worstPsi < 1e-12, `${worstPsi}`); // observed 5.6e-14 (polish residual 1e-13)
  assert.ok(worstX < 1e-11, `${worstX}`); // observed 5.1e-13
});

test('disorder-free fixed points are fixed points of the Euler map and do not depend on dt', (t) => {
  const p = symmetricParams(couplingFromAB([1.5, 1.8, 1.7], [2.0, 2.4, 2.2], [1, -1, 1]), 3, 0);
  const fp = findCurrentFixedPoints(p, { count: 8, seed: 5 });
  let worst = 0;
  for (const f of fp.fixedPoints) {
    for (const dt of [0.1, 0.05, 0.01]) {
      const S1 = eulerStep(p, f.S, dt);
      let d = 0;
      for (let i = 0; i < 9; i++) d = Math.max(d, Math.abs(S1[i] - f.S[i]));
      // |S + dt (H - S) - S| = dt |H - S| exactly, up to one rounding of S (ulp ~ 2.2e-16 |S|)
      worst = Math.max(worst, d / (dt * f.residual + 4.5e-16 * Math.max(...Array.from(f.S, Math.abs))));
    }
  }
  // the same start with dt = 0.05 ends at the same point
  const s0 = Float64Array.from({ length: 9 }, (_, i) => Math.sin(3 * i + 1) * 5);
  const e1 = polishCurrents(p, integrateCurrents(p, s0, { dt: 0.1 }).S).S;
  const e2 = polishCurrents(p, integrateCurrents(p, s0, { dt: 0.05 }).S).S;
  const dtDiff = Math.max(...Array.from(e1, (v, i) => Math.abs(v - e2[i])));
  report(t, 'Euler-map change / (dt residual)', worst);
  report(t, 'end point dt = 0.1 vs 0.05', dtDiff);
  assert.ok(worst <= 1, `${worst}`); // observed 0.94: the bound is exact arithmetic plus one rounding
  assert.ok(dtDiff < 1e-12, `${dtDiff}`); // observed 3.2e-15: an isolated stable point reached from the same basin
  assert.throws(() => integrateCurrents(symmetricParams([1, 2, 2, 1], 2, 0.5), [0, 1, 1, 0]), /params.g\[0\] = 0.5 is out of range; valid: 0/);
});

// ---------------------------------------------------------------------------------------------------------
// §4.3 chaos-only limit vs spec 01 SCS

test('chaos-only Delta0(g) for erf agrees with scs.ts (closed-form route, quadrature route, Mehler route)', (t) => {
  // scs.ts's erf is erf(sqrt(pi) x / 2) (src/phi.ts), the same phi as spec 02
  assert.equal(erfPhi.f(1.3), getPhi('erf').f(1.3));
  const CF = makeAverager(erfPhi, { ...QUAD, hx: 0.15, zMax: 9.5, closedForms: true });
  const NQ = makeAverager(erfPhi, { ...QUAD, hx: 0.08, zMax: 11, closedForms: false });
  let worst = 0;
  for (const g of [1.05, 1.5, 2, 3, 4]) {
    const ours = chaosOnlyDelta0(g);
    assert.ok(ours.diagnostics.converged);
    const a = scsChaotic(g, CF).delta0;
    const b = scsChaotic(g, NQ).delta0;
    const c = scsChaoticMehler(g, erfPhi).delta0;
    const d = Math.max(rel(ours.delta0, a), rel(ours.delta0, b), rel(ours.delta0, c));
    t.diagnostic(`g = ${g}: Delta0 = ${ours.delta0.toPrecision(16)}, rel. diff to scs.ts (closed / quadrature / Mehler) ${d.toExponential(1)}`);
    worst = Math.max(worst, d);
    // the region solver at A = 0 is the same state
    const r = solveRegion(0, g);
    assert.equal(r.regime, 'chaotic');
    assert.equal(r.deltaInf, 0);
    assert.ok(rel(r.delta0, ours.delta0) < 1e-13);
  }
  report(t, 'worst relative difference', worst);
  assert.ok(worst < 1e-10, `${worst}`); // observed 2.4e-15; the brief asks 1e-10
  assert.equal(chaosOnlyDelta0(0.9).delta0, 0);
  assert.equal(chaosOnlyDelta0(1).delta0, 0);
});

// ---------------------------------------------------------------------------------------------------------
// §4.1–4.2 region solves and the onset of chaos

test('region solve: residuals at rounding level; the chaotic state is admissible (h(Delta0) < 0, V_dprime(Delta_inf) < 0)', (t) => {
  let worst = 0;
  for (const [A, g] of [
    [0.5, 1.5],
    [0.5, 2],
    [1, 2.5],
    [0.01, 1.5],
    [3, 4],
    [1e-6, 1.2],
  ]) {
    const r = solveRegion(A, g);
    assert.ok(r.diagnostics.converged, `A=${A} g=${g}`);
    worst = Math.max(worst, r.diagnostics.residual);
    if (r.regime === 'chaotic') {
      assert.ok(r.deltaInf < r.delta0 && r.deltaInf > A);
      assert.ok(localEnergySlope(r.delta0, r.delta0, A, g) > 0); // released at Delta0 the particle moves down
      assert.ok(r.kappa > 0);
      assert.ok(r.staticMargin > 1);
      assert.ok(r.delta0 < r.staticDelta0);
    } else assert.ok(r.margin <= 1);
  }
  report(t, 'worst region residual', worst);
  assert.ok(worst < 1e-13, `${worst}`); // observed 2.2e-16: brent to the last ulp on both unknowns
  assert.throws(() => solveRegion(-0.1, 1), /A = -0.1 is out of range/);
});

test('onset of chaos: the static margin crosses 1 exactly where the chaotic branch bifurcates (epsilon ~ (3/2)(margin - 1)/(g^2 C_dd))', (t) => {
  // (i) fixed structured variance A = 0.5: g_c solves margin(Delta_s(g)) = 1
  const A = 0.5;
  const gc = brent((g) => staticStabilityMargin(g, staticDelta0(A, g).value) - 1, 1.2, 3).x;
  const below = solveRegion(A, gc * (1 - 1e-6));
  assert.equal(below.regime, 'static');
  const ratios: number[] = [];
  for (const d of [1e-2, 1e-3, 1e-4]) {
    const r = solveRegion(A, gc * (1 + d));
    assert.equal(r.regime, 'chaotic');
    ratios.push((r.delta0 - r.deltaInf) / branchOnsetEpsilon(r.g, r.delta0) - 1);
  }
  // (ii) pinned gain (Delta0 fixed, A eliminated): g_c = (1 + pi Delta0)^(1/4)
  const D0 = K * (2 * 2 - 1);
  const gcp = (1 + Math.PI * D0) ** 0.25;
  assert.equal(pinnedGain(2, gcp * (1 - 1e-9)).regime, 'chaos-suppressed');
  const ratiosP: number[] = [];
  for (const d of [1e-2, 1e-3, 1e-4]) {
    const r = pinnedGain(2, gcp * (1 + d));
    assert.equal(r.regime, 'chaos-with-structure');
    ratiosP.push((r.delta0 - r.deltaInf) / branchOnsetEpsilon(r.g, r.delta0) - 1);
  }
  t.diagnostic(`g_c(A = 0.5) = ${gc.toPrecision(12)}; relative deviation of epsilon from the expansion at g_c (1 + 1e-2, 1e-3, 1e-4): ${ratios.map((x) => x.toExponential(1)).join(', ')}`);
  t.diagnostic(`pinned b = 2: g_c = ${gcp.toPrecision(12)}; deviations ${ratiosP.map((x) => x.toExponential(1)).join(', ')}`);
  // the deviation is O(epsilon) = O(g - g_c): it must shrink about tenfold per decade
  for (const rs of [ratios, ratiosP]) {
    assert.ok(Math.abs(rs[2]) < 2e-3, `${rs}`); // observed 2.4e-4 (A fixed) / 4.3e-4 (pinned) at 1e-4
    assert.ok(Math.abs(rs[1]) / Math.abs(rs[2]) > 5 && Math.abs(rs[0]) / Math.abs(rs[1]) > 5, `${rs}`); // observed ratios 10.0-10.2
  }
});

// ---------------------------------------------------------------------------------------------------------
// §4.1 stationary states: g = 0 limit and the acceptance cases

test('stationary solver at g = 0 reproduces the disorder-free fixed points (both routes)', (t) => {
  const p = symmetricParams(couplingFromAB([1.5, 1.8, 1.7], [2.0, 2.4, 2.2], [1, -1, 1]), 3, 0);
  const fp = findCurrentFixedPoints(p, { count: 8, seed: 2 });
  let worst = 0;
  for (const f of fp.fixedPoints) {
    const start = Array.from(f.S, (v, i) => v * (1 + 0.02 * Math.sin(i)) + 1e-3);
    for (const method of ['nested', 'full'] as const) {
      const st = solveStationary(p, start, { method });
      const sol = st.solutions[0];
      assert.ok(sol.converged, `${method}: ${sol.message}`);
      for (let i = 0; i < 9; i++) worst = Math.max(worst, Math.abs(sol.S[i] - f.S[i]));
      for (const r of sol.regions) assert.equal(r.regime, 'static');
    }
  }
  report(t, 'max |S_stationary - S_currents|', worst);
  assert.ok(worst < 1e-12, `${worst}`); // observed 4.3e-13: both polish the same isolated root to ~1e-13
});

// The acceptance cases (issue 4): symmetric P = 2, b = 2 (c01 = 2), a = 1.5 (self-currents inactive), g = 1.5, 1.75.
const ACCEPT_C = couplingFromAB([1.5, 1.5], [2, 2], [1, 1]);

test('acceptance cases P = 2, g = 1.5 and 1.75: Fig. 4a pinned-gain formula = full stationary solver (nested and full routes)', (t) => {
  const start = pairFixedPoint(2, 0).S; // the disorder-free fixed point
  for (const g of [1.5, 1.75]) {
    const p = symmetricParams(ACCEPT_C, 2, g);
    const pin = pinnedGain(2, g);
    assert.ok(pin.diagnostics.converged);
    const both = solveStationary(p, [start, start.map((v) => -v)]);
    assert.equal(both.solutions.length, 1); // S and -S are one solution
    assert.equal(both.solutions[0].hits, 2);
    const nested = both.solutions[0];
    const full = solveStationary(p, start, { method: 'full' }).solutions[0];
    assert.ok(nested.converged && full.converged, `${nested.message} / ${full.message}`);
    let dPin = 0;
    let dRoutes = 0;
    for (const sol of [nested, full]) {
      dPin = Math.max(dPin, Math.abs(sol.S[1] ** 2 - pin.A), Math.abs(sol.S[2] ** 2 - pin.A));
      for (const r of sol.regions) {
        dPin = Math.max(dPin, Math.abs(r.delta0 - pin.delta0), Math.abs(r.deltaInf - pin.deltaInf), Math.abs(r.A - pin.A), Math.abs(r.psi - 0.5));
        assert.equal(r.regime, g === 1.5 ? 'static' : 'chaotic');
      }
    }
    for (let i = 0; i < 4; i++) dRoutes = Math.max(dRoutes, Math.abs(nested.S[i] - full.S[i]));
    const r0 = nested.regions[0];
    t.diagnostic(
      `g = ${g}: S01 = S10 = ${nested.S[1].toPrecision(15)} (sign free), A = ${r0.A.toPrecision(15)}, Delta0 = ${r0.delta0.toPrecision(15)}, ` +
        `Delta_inf = ${r0.deltaInf.toPrecision(15)}, margin = ${r0.margin.toPrecision(6)}, kappa = ${r0.kappa.toPrecision(6)}, regime ${r0.regime}, ` +
        `residual ${nested.residual.toExponential(1)} / ${full.residual.toExponential(1)}`,
    );
    report(t, `g = ${g}: max deviation from the pinned-gain formula`, dPin);
    report(t, `g = ${g}: nested vs full route`, dRoutes);
    assert.ok(dPin < 1e-12, `${dPin}`); // observed 4.9e-14 (g = 1.75, Delta_inf: brent in the pinned route, Newton in the full one)
    assert.ok(dRoutes < 1e-12, `${dRoutes}`); // observed 2.9e-15
    assert.ok(nested.residual < 1e-13 && full.residual < 1e-13); // observed <= 5.0e-15
  }
});

test('constant input (spec 02 §7 terms): currents.ts and both stationary routes agree; a branch that ends is reported, not faked', (t) => {
  const V = Float64Array.from([0.1, 0.05, -0.05, 0.1]);
  const input = [0.4, -0.3];
  const p0 = symmetricParams(ACCEPT_C, 2, 0, { V });
  const fp = findCurrentFixedPoints(p0, { count: 8, seed: 6, input });
  assert.ok(fp.diagnostics.converged);
  assert.equal(fp.fixedPoints.length, 2); // the input breaks S -> -S: two branches
  // the input adds v2 I^2 to the variance
  const S0 = fp.fixedPoints[0].S;
  const A = structuredVariance(p0, S0, input);
  const A0 = structuredVariance(p0, S0);
  assert.ok(Math.abs(A[0] - A0[0] - 0.16) < 1e-14 && Math.abs(A[1] - A0[1] - 0.09) < 1e-14);
  let worst = 0;
  let routes = 0;
  let convergedAt175 = 0;
  for (const f of fp.fixedPoints) {
    const st0 = solveStationary(p0, f.S, { input }).solutions[0];
    assert.ok(st0.converged);
    for (let i = 0; i < 4; i++) worst = Math.max(worst, Math.abs(st0.S[i] - f.S[i]));
    for (const g of [1.5, 1.75]) {
      const p = symmetricParams(ACCEPT_C, 2, g, { V });
      const nested = solveStationary(p, f.S, { input, continuation: 10 }).solutions[0];
      const full = solveStationary(p, f.S, { input, method: 'full', continuation: 10 }).solutions[0];
      t.diagnostic(
        `branch S01 ${f.S[1] > 0 ? '> 0' : '< 0'}, g = ${g}: nested ${nested.converged ? 'converged' : `not converged (${nested.message})`}, ` +
          `full ${full.converged ? 'converged' : `not converged (${full.message})`}, residuals ${nested.residual.toExponential(1)} / ${full.residual.toExponential(1)}`,
      );
      // the S01 > 0 branch ends in a fold near g = 1.73 (continuation in steps of 0.01: the Jacobian determinant
      // falls from 2.6e-2 at 1.5 to 3.6e-3 at 1.72, and 1.73 does not converge), so at 1.75 both routes must fail
      assert.equal(nested.converged, full.converged);
      if (g === 1.5) assert.ok(nested.converged);
      if (!nested.converged) {
        assert.ok(nested.residual > 1e-6 && full.residual > 1e-6); // a failure shows its residual
        continue;
      }
      if (g === 1.75) convergedAt175++;
      for (let i = 0; i < 4; i++) routes = Math.max(routes, Math.abs(nested.S[i] - full.S[i]));
    }
  }
  report(t, 'g = 0: stationary vs currents.ts with input', worst);
  report(t, 'g = 1.5, 1.75 with input: nested vs full', routes);
  assert.ok(convergedAt175 >= 1);
  assert.ok(worst < 1e-12, `${worst}`); // observed 0: the start is already a root to 1e-13, Newton takes no step
  assert.ok(routes < 1e-12, `${routes}`); // observed 3.1e-15
});

test('Fig. 4a: sqrt(A)(g) for b = 1.5, 2, 2.5 on [0, 4] with regimes; continuous, and A = 0 exactly where chaos-only Delta0 reaches the pinned Delta0', (t) => {
  const curves = fig4aCurves();
  for (const cv of curves) {
    assert.ok(cv.converged, `b = ${cv.b}`);
    const D0 = K * (cv.b * cv.b - 1);
    const gc = (1 + Math.PI * D0) ** 0.25;
    // the end of currents: chaos-only Delta0(g) = pinned Delta0
    const gEnd = brent((g) => chaosOnlyDelta0(g).delta0 - D0, 1.0001, 4).x;
    cv.g.forEach((g, i) => {
      const want = g <= gc ? 'chaos-suppressed' : g < gEnd ? 'chaos-with-structure' : 'chaos';
      assert.equal(cv.regime[i], want, `b = ${cv.b}, g = ${g}`);
    });
    // sqrt(A) decreases and is continuous across g_c (jumps bounded by the grid step times the slope)
    let maxJump = 0;
    for (let i = 1; i < cv.g.length; i++) {
      assert.ok(cv.sqrtA[i] <= cv.sqrtA[i - 1] + 1e-15);
      maxJump = Math.max(maxJump, cv.sqrtA[i - 1] - cv.sqrtA[i]);
    }
    const justBelow = pinnedGain(cv.b, gEnd * (1 - 1e-6)).sqrtA;
    t.diagnostic(`b = ${cv.b}: g_c = ${gc.toPrecision(8)}, currents end at g = ${gEnd.toPrecision(8)}; sqrt(A) at g = 0: ${cv.sqrtA[0].toPrecision(8)}; largest step ${maxJump.toPrecision(3)}; sqrt(A) at 0.999999 g_end: ${justBelow.toExponential(2)}`);
    assert.ok(justBelow < 0.05, `${justBelow}`); // observed <= 1.8e-3: A -> 0 continuously at g_end (sqrt(A) ~ sqrt(g_end - g))
    assert.ok(maxJump < 0.2, `${maxJump}`); // observed <= 0.144 (b = 2, grid step 0.025 near g_end's square-root approach); no jump at g_c
  }
});

test('Delta(tau): RK4 on Delta_dprime = -V_prime agrees with the energy quadrature; plateau Delta_inf reached like exp(-kappa tau)', (t) => {
  // Fig. 4b: b = 2.5, g = 2.25 (chaos with structure); and the acceptance case b = 2, g = 1.75
  for (const [b, g] of [
    [2.5, 2.25],
    [2, 1.75],
  ]) {
    const pin = pinnedGain(b, g);
    assert.equal(pin.regime, 'chaos-with-structure');
    const region = { A: pin.A, g, delta0: pin.delta0, deltaInf: pin.deltaInf };
    const taus = Array.from({ length: 401 }, (_, i) => i * 0.25);
    const en = stationaryAutocovariance(region, taus);
    const rk = stationaryAutocovariance(region, taus, { method: 'rk4', dt: 2e-3 });
    const rkFine = stationaryAutocovariance(region, taus.slice(0, 41), { method: 'rk4', dt: 1e-3 });
    assert.ok(en.diagnostics.converged);
    const span = pin.delta0 - pin.deltaInf;
    let worst = 0;
    let compared = 0;
    for (let i = 0; i < taus.length; i++) {
      // compare while the RK4 trajectory is far from the separatrix instability (Delta - Delta_inf >= 1e-4 span)
      if (en.delta[i] - pin.deltaInf < 1e-4 * span) break;
      worst = Math.max(worst, Math.abs(en.delta[i] - rk.delta[i]) / span);
      compared = i;
    }
    let order = 0;
    for (let i = 0; i < 41; i++) order = Math.max(order, Math.abs(rk.delta[i] - rkFine.delta[i]));
    // exponential approach: log(Delta - Delta_inf) has slope -kappa at long lags
    const i1 = taus.indexOf(60);
    const i2 = taus.indexOf(80);
    const slope = Math.log((en.delta[i2] - pin.deltaInf) / (en.delta[i1] - pin.deltaInf)) / (taus[i2] - taus[i1]);
    t.diagnostic(
      `b = ${b}, g = ${g}: Delta0 = ${pin.delta0.toPrecision(10)}, Delta_inf = ${pin.deltaInf.toPrecision(10)}, kappa = ${pin.kappa.toPrecision(8)}, ` +
        `plateau (1e-6) at tau = ${en.plateauTau}; energy vs RK4 max rel. diff ${worst.toExponential(1)} up to tau = ${taus[compared]}; ` +
        `RK4 dt 2e-3 vs 1e-3: ${order.toExponential(1)}; RK4 energy drift ${rk.diagnostics.residual.toExponential(1)}; log slope ${slope.toPrecision(8)}`,
    );
    assert.ok(worst < 1e-8, `${worst}`); // observed 7.0e-10 (b = 2): RK4 and rounding errors grow like exp(kappa tau) along the separatrix
    assert.ok(order < 1e-10, `${order}`); // observed 2.2e-14: RK4 at dt = 2e-3 is converged (error ~ dt^4)
    assert.ok(Math.abs(slope + pin.kappa) < 1e-3 * pin.kappa, `${slope} vs ${-pin.kappa}`); // observed 5e-6 relative: the next term decays twice as fast
  }
  // static region: Delta(tau) is constant
  const st = stationaryAutocovariance({ A: 0.7, g: 1.5, delta0: 1.9, deltaInf: 1.9 }, [0, 1, 2]);
  assert.deepEqual(st.delta, [1.9, 1.9, 1.9]);
});

test('stationary residual function and never-silent failures', () => {
  const p = symmetricParams(ACCEPT_C, 2, 1.75);
  // a wrong state has a large residual
  const r = stationaryResiduals(p, [0, 0.5, 0.5, 0], [1.9, 1.9], [1.5, 1.5], ['chaotic', 'chaotic']);
  assert.ok(r.max > 1e-3);
  // holding the wrong regimes: Newton converges to the unstable static solution and says so
  const held = solveStationary(p, pairFixedPoint(2, 0).S, { method: 'full', regimes: ['static', 'static'] }).solutions[0];
  assert.equal(held.converged, false);
  assert.equal(held.consistent, false);
  assert.match(held.message ?? '', /static with margin .* > 1/);
  // cross-region disorder is refused with the field named
  const G2 = Float64Array.from([1.75 ** 2, 0.3, 0.3, 1.75 ** 2]);
  assert.throws(() => solveStationary({ ...p, G2 }, [0, 1, 1, 0]), /params.G2 has non-zero cross-region entries/);
  assert.throws(() => solveStationary(p, [0, 1, 1]), /starts\[0\] has length 3; valid: 4/);
  assert.throws(() => solveStationary({ ...p, g: Float64Array.from([1, -1]) }, [0, 1, 1, 0]), /params.g\[1\] = -1 is out of range/);
  const Ubad = Float64Array.from([1, 2, 2, 1, 1, 0, 0, 1]); // U[0] = [[1, 2], [2, 1]] is indefinite
  assert.throws(() => solveStationary({ ...p, U: Ubad }, [0, 1, 1, 0]), /params.U \(block a = 0\).*positive definite/);
  assert.throws(() => solveStationary(p, [0, 1, 1, 0], { method: 'hybr' as 'full' }), /method = hybr is out of range/);
});

// ---------------------------------------------------------------------------------------------------------
// §6.2 prediction

test('hat spectrum and the heuristic outcome prediction (threshold 1/psi0; real -> fixed point, complex -> limit cycle)', () => {
  // symmetric P = 2 (c01 = 2): lambda = 2 real
  const sym = predictOutcome(symmetricParams(ACCEPT_C, 2, 0));
  assert.equal(sym.prediction, 'fixed-point');
  assert.ok(Math.abs(sym.lambda.re - 2) < 1e-12); // pair block [[0, 2], [2, 0]]; self-currents give 1.5
  // with g = 1.5 the current-free gain is psi(Delta0(1.5)); mu = psi0 lambda
  const g15 = predictOutcome(symmetricParams(ACCEPT_C, 2, 1.5));
  const psi0 = gainPsi(chaosOnlyDelta0(1.5).delta0);
  assert.ok(Math.abs(g15.mu.re - psi0 * g15.lambda.re) < 1e-12);
  assert.equal(g15.prediction, 'fixed-point');
  // a 3-cycle of currents S00 -> S10 -> S01 -> S00 with weights 3, 3, -3: T^ has eigenvalues -3 and
  // 3 exp(+-i pi/3) (and a zero), so the rightmost pair is complex: 1.5 +- 2.598i
  const P = 2;
  const T = new Float64Array(8);
  const idx = (a: number, b: number, c: number): number => (a * P + b) * P + c;
  T[idx(1, 0, 0)] = 3;
  T[idx(0, 1, 0)] = 3;
  T[idx(0, 0, 1)] = -3;
  const rot = predictOutcome(multiregionParams(P, T, [0, 0]));
  assert.ok(Math.abs(rot.mu.re - 1.5) < 1e-12 && Math.abs(rot.mu.im - 1.5 * Math.sqrt(3)) < 1e-12, `${JSON.stringify(rot.mu)}`);
  assert.equal(rot.prediction, 'limit-cycle');
  // with a threshold above |Im mu| the same mode counts as real
  assert.equal(predictOutcome(multiregionParams(P, T, [0, 0]), { imagThreshold: 3 }).prediction, 'fixed-point');
  // weak structure: quiescent (g < 1) or chaos (g > 1)
  const weak = couplingFromAB([0.5, 0.5], [0.6, 0.6], [1, 1]);
  assert.equal(predictOutcome(symmetricParams(weak, 2, 0.5)).prediction, 'quiescent');
  assert.equal(predictOutcome(symmetricParams(weak, 2, 2)).prediction, 'chaos');
  // strong disorder kills the fixed point of the acceptance structure: 1/psi0(g = 3) > 2
  assert.equal(predictOutcome(symmetricParams(ACCEPT_C, 2, 3)).prediction, 'chaos');
  assert.throws(() => predictOutcome(symmetricParams(ACCEPT_C, 2, 0), { imagThreshold: -1 }), /imagThreshold = -1 is out of range/);
});

// ---------------------------------------------------------------------------------------------------------
// §5.3 attractor manifolds

test('LP and rank helpers: a known LP, an infeasible system, forced zeros ("fracture" variables)', () => {
  // max x0 + 2 x1 s.t. x0 + x1 + s = 4, x0 + 3 x1 + r = 6 -> x = (3, 1), value 5
  const lp = simplexMax([1, 2, 0, 0], [
    [1, 1, 1, 0],
    [1, 3, 0, 1],
  ], [4, 6]);
  assert.equal(lp.status, 'optimal');
  assert.ok(Math.abs(lp.value - 5) < 1e-12 && Math.abs(lp.x[0] - 3) < 1e-12 && Math.abs(lp.x[1] - 1) < 1e-12);
  assert.equal(simplexMax([1, 0], [[1, 1]], [-1]).status, 'infeasible');
  // x0 + x1 = 1, x1 + x2 = 0 -> x1 = x2 = 0 on the whole polytope, x0 = 1: a point
  const poly = attractorPolytope(
    [
      [1, 1, 0],
      [0, 1, 1],
    ],
    [1, 0],
  );
  assert.equal(poly.dimension, 0);
  assert.deepEqual(poly.fracture, [1, 2]);
  assert.equal(poly.interior, false);
  assert.equal(matrixRank([
    [1, 2, 3],
    [2, 4, 6],
  ]), 1);
  assert.equal(attractorPolytope([[1, 1]], [-1]).dimension, -1);
});

test('attractor: P = 3 isolated points (dimension 0); P = 4 dimension 2 = 4*3/2 - 4 (polytope) = numerical estimate from currents.ts fixed points', (t) => {
  // P = 4: the first four regions of parameter set (i) of spec 02 §9 (a_a < b_a: self-currents inactive)
  const a = [2.0706, 2.016, 2.0391, 2.0896];
  const b = [2.4609, 2.538, 2.4939, 2.4959];
  const sys = crossCurrentSystem(a, b);
  const poly = attractorPolytope(sys.C, sys.A);
  assert.ok(poly.interior);
  assert.equal(poly.rank, 4);
  assert.equal(poly.dimension, 4 * 3 / 2 - 4);
  assert.ok(poly.diagnostics.converged);
  for (const v of poly.vertices ?? []) assert.ok(v.every((x) => x >= 0));
  t.diagnostic(`P = 4 polytope: ${poly.vertices?.length} vertices, maxima ${poly.maxima.map((x) => x.toFixed(4)).join(' ')}`);

  const t0 = Date.now();
  const p = symmetricParams(couplingFromAB(a, b, [1, 1, -1, 1]), 4, 0);
  const fp = findCurrentFixedPoints(p, { count: 120, seed: 1 });
  const attracting = fp.endpoints.filter((e) => e.converged && e.stability?.attracting);
  const xs = attracting.map((e) => squaredCrossCurrents(4, e.S));
  const est = attractorDimensionFromPoints(xs);
  // every attracting fixed point lies on the polytope C x = A
  let worst = 0;
  for (const x of xs) for (let i = 0; i < 4; i++) worst = Math.max(worst, Math.abs(sys.C[i].reduce((s, v, j) => s + v * x[j], 0) - sys.A[i]));
  const marginal = attracting.map((e) => e.stability!.marginalCount);
  t.diagnostic(
    `P = 4: ${fp.endpoints.length} starts, ${attracting.length} attracting (the others: weakly unstable 4-cycle states, growth ~1e-3), ` +
      `singular values ${est.singularValues.map((s) => s.toExponential(2)).join(' ')}, estimate ${est.dimension}; max |Cx - A| ${worst.toExponential(1)}; ` +
      `zero Jacobian eigenvalues per point ${Math.min(...marginal)}-${Math.max(...marginal)}; ${(Date.now() - t0) / 1000} s`,
  );
  // the third singular value (observed 1.7e-7) is the Gram-matrix rounding floor ~ sqrt(eps) sigma_max; the cut is 1e-6 sigma_max
  assert.equal(est.dimension, poly.dimension);
  assert.ok(attracting.length >= 100, `${attracting.length}`); // observed 119 of 120
  assert.ok(worst < 1e-9, `${worst}`); // observed 2.1e-12: polished to residual 1e-13; C x = A holds exactly on the manifold
  // the manifold directions are the Jacobian's zero eigenvalues (two per point in the interior)
  assert.ok(marginal.every((m) => m >= 2));

  // P = 3: one point, estimate 0
  const a3 = [1.5, 1.8, 1.7];
  const b3 = [2.0, 2.4, 2.2];
  const p3 = symmetricParams(couplingFromAB(a3, b3, [1, -1, 1]), 3, 0);
  const fp3 = findCurrentFixedPoints(p3, { count: 32, seed: 4 });
  const est3 = attractorDimensionFromPoints(fp3.endpoints.filter((e) => e.converged).map((e) => squaredCrossCurrents(3, e.S)));
  const sys3 = crossCurrentSystem(a3, b3);
  assert.equal(attractorPolytope(sys3.C, sys3.A).dimension, 0);
  assert.equal(est3.dimension, 0);
  t.diagnostic(`P = 3: singular values ${est3.singularValues.map((s) => s.toExponential(1)).join(' ')} (floor ${est3.absTol.toExponential(1)})`);
  assert.throws(() => crossCurrentSystem([3, 1], [2, 2]), /a\[0\] = 3 is out of range; valid: <= b\[0\] = 2/);
});

test('robustEigenvalues and stability at attractor-manifold points: real Jacobian eigenvalues, two zeros, none positive', () => {
  const a = [2.0706, 2.016, 2.0391, 2.0896];
  const b = [2.4609, 2.538, 2.4939, 2.4959];
  const p = symmetricParams(couplingFromAB(a, b, [1, 1, -1, 1]), 4, 0);
  const fp = findCurrentFixedPoints(p, { count: 6, seed: 9 });
  for (const f of fp.fixedPoints.filter((x) => x.stability.attracting)) {
    assert.equal(f.stability.classification, 'marginal');
    assert.ok(f.stability.leading <= 1e-6);
  }
  // a matrix with known eigenvalues: diag(-2, -2, 0, 0) in a rotated basis
  const e = robustEigenvalues([
    [-1, 1, 0, 0],
    [1, -1, 0, 0],
    [0, 0, -2, 0],
    [0, 0, 0, 0],
  ]).eigenvalues.map((z) => z.re);
  [0, 0, -2, -2].forEach((want, i) => assert.ok(Math.abs(e[i] - want) < 1e-12, `${e}`));
  assert.ok(currentResidual(p, fp.fixedPoints[0].S) < 1e-9);
});
