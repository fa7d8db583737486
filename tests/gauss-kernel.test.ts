// Gaussian-average kernels (assembly/gauss.ts): gaussMoments and gaussTwoPoint against scalar
// TypeScript references written here (same rule, same summation order, phi from src/phi.ts), against
// the closed forms of spec 01 §2.2 for erf and exact moments for linear, and for internal consistency.
// Run: node scripts/run-test.mjs tests/gauss-kernel.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newKernel, type Kernel } from '../src/core/wasm.js';
import { getPhi, type PhiDef } from '../src/phi.js';
import { erf } from '../src/math/erf.js';

const CODES = { tanh: 0, erf: 1, linear: 2 } as const;
type Name = keyof typeof CODES;
const NAMES: Name[] = ['tanh', 'erf', 'linear'];
const MOMENTS = ['phi', "phi'", "phi''", "phi'''", 'phi^2', "phi'^2", "phi phi'", "phi phi''", 'Phi', 'Phi^2'];

let kernelP: Promise<Kernel> | null = null;
const kernel = () => (kernelP ??= newKernel());

interface Rule {
  z: number[];
  w: number[];
}

/** Trapezoid rule for a standard normal on |z| <= 9.5 with spacing h (spec 01 §2.1). */
function trapezoid(h: number): Rule {
  const m = Math.floor(9.5 / h);
  const z: number[] = [];
  const w: number[] = [];
  for (let k = -m; k <= m; k++) {
    z.push(k * h);
    w.push((h * Math.exp(-0.5 * (k * h) ** 2)) / Math.sqrt(2 * Math.PI));
  }
  return { z, w };
}
/** Node spacing <= 0.15 in x units (spec 01 §2.1). */
const ruleFor = (sd: number) => trapezoid(Math.min(0.25, sd > 0 ? 0.15 / sd : 0.25));

function put(k: Kernel, xs: number[]): number {
  const a = k.arena.f64(xs.length);
  a.view().set(xs);
  return a.ptr;
}

function moments(k: Kernel, kind: number, r: Rule, mu: number, sd: number): Float64Array {
  const mark = k.arena.mark();
  try {
    const out = k.arena.f64(10);
    out.view().fill(NaN);
    k.exports.gaussMoments(kind, put(k, r.z), put(k, r.w), r.z.length, mu, sd, out.ptr);
    return out.view().slice();
  } finally {
    k.arena.release(mark);
  }
}

function twoPoint(k: Kernel, kind: number, ro: Rule, ri: Rule, mu: number, sdO: number, sdI: number): Float64Array {
  const mark = k.arena.mark();
  try {
    const out = k.arena.f64(3);
    out.view().fill(NaN);
    k.exports.gaussTwoPoint(kind, put(k, ro.z), put(k, ro.w), ro.z.length, put(k, ri.z), put(k, ri.w), ri.z.length, mu, sdO, sdI, out.ptr);
    return out.view().slice();
  } finally {
    k.arena.release(mark);
  }
}

const quantities = (p: PhiDef, x: number) => {
  const f = p.f(x);
  const d1 = p.df(x);
  const d2 = p.d2f(x);
  const F = p.F(x);
  return [f, d1, d2, p.d3f(x), f * f, d1 * d1, f * d1, f * d2, F, F * F];
};

/** Scalar reference in the kernel's order (even nodes, odd nodes, then their sum), with the
 *  weighted sum of |q| for the tolerance. */
function refMoments(p: PhiDef, r: Rule, mu: number, sd: number): { val: number[]; mag: number[] } {
  const lanes = [new Array(10).fill(0), new Array(10).fill(0)];
  const mag = new Array(10).fill(0);
  r.z.forEach((z, k) => {
    const q = quantities(p, mu + sd * z);
    for (let i = 0; i < 10; i++) {
      lanes[k & 1][i] += r.w[k] * q[i];
      mag[i] += r.w[k] * (1 + Math.abs(q[i]));
    }
  });
  return { val: lanes[0].map((v, i) => v + lanes[1][i]), mag };
}

function refTwoPoint(p: PhiDef, ro: Rule, ri: Rule, mu: number, sdO: number, sdI: number): { val: number[]; mag: number[] } {
  const val = [0, 0, 0];
  const mag = [0, 0, 0];
  ro.z.forEach((zo, j) => {
    const b = mu + sdO * zo;
    const lanes = [
      [0, 0, 0],
      [0, 0, 0],
    ];
    const m = [0, 0, 0];
    ri.z.forEach((zi, k) => {
      const x = b + sdI * zi;
      const q = [p.f(x), p.F(x), p.df(x)];
      for (let i = 0; i < 3; i++) {
        lanes[k & 1][i] += ri.w[k] * q[i];
        m[i] += ri.w[k] * (1 + Math.abs(q[i]));
      }
    });
    for (let i = 0; i < 3; i++) {
      const s = lanes[0][i] + lanes[1][i];
      val[i] += ro.w[j] * s * s;
      mag[i] += ro.w[j] * m[i] * m[i];
    }
  });
  return { val, mag };
}

// The kernel and the references evaluate each quantity to within a few ulp of (1 + |q|), except that
// phi''' of tanh, -2 s (1 - 3 t^2), amplifies the difference dt of the two tanh values by
// 12 |t| s <= 4.6 (dt <= 4.4e-16, tests/phi.test.ts): up to 2e-15. So each comparison allows
// EPS_TERM per unit of sum_k w_k (1 + |q_k|) (for the two-point sums: of the squared inner magnitudes).
const EPS_TERM = 2.5e-15;

const CASES: [number, number][] = [
  [0, 1],
  [0.3, 0.5],
  [-1.2, 2.5],
  [2, 0.1],
  [0, 9],
  [5, 0], // sd = 0: every node at mu
];

test('gaussMoments matches the scalar reference (same rule and order) for every phi and moment', async (t) => {
  const k = await kernel();
  let worst = 0;
  for (const name of NAMES) {
    const p = getPhi(name);
    for (const [mu, sd] of CASES) {
      for (const drop of [0, 1]) {
        // odd and even node counts
        const full = ruleFor(sd);
        const r = { z: full.z.slice(drop), w: full.w.slice(drop) };
        const got = moments(k, CODES[name], r, mu, sd);
        const ref = refMoments(p, r, mu, sd);
        for (let i = 0; i < 10; i++) {
          const e = Math.abs(got[i] - ref.val[i]) / ref.mag[i];
          worst = Math.max(worst, e);
          // observed max 1.4e-16 per unit magnitude
          assert.ok(e <= EPS_TERM, `${name} mu=${mu} sd=${sd} n=${r.z.length} ${MOMENTS[i]}: ${got[i]} vs ${ref.val[i]}`);
        }
      }
    }
  }
  t.diagnostic(`observed max |kernel - reference| / sum w(1+|q|): ${worst}`);
});

test('gaussMoments, one node of weight 1: phi and phi\' bit for bit equal to phiScalarF64 / dphiVecF64', async () => {
  const k = await kernel();
  const xs = [0, -0.7, 1.3, 1.6925, -2.2, 4.5, 7, -30, 1e-8];
  for (const name of NAMES) {
    const mark = k.arena.mark();
    const src = k.arena.f64(xs.length);
    const dst = k.arena.f64(xs.length);
    src.view().set(xs);
    k.exports.dphiVecF64(CODES[name], src.ptr, dst.ptr, xs.length);
    const d = dst.view().slice();
    k.arena.release(mark);
    xs.forEach((x, i) => {
      const m = moments(k, CODES[name], { z: [0], w: [1] }, x, 1);
      assert.ok(Object.is(m[0], k.exports.phiScalarF64(CODES[name], x) + 0), `${name}(${x})`);
      assert.ok(Object.is(m[1], d[i]), `${name}'(${x})`);
    });
  }
});

test('gaussMoments, one node: each of the ten quantities pointwise against src/phi.ts', async (t) => {
  const k = await kernel();
  const worst = new Array(10).fill(0);
  const where = new Array(10).fill('');
  const xs: number[] = [];
  for (let i = 0; i <= 1200; i++) xs.push(-30 + (60 * i) / 1200);
  for (let i = 0; i <= 400; i++) xs.push(-2 + (4 * i) / 400 + 1e-3);
  xs.push(0, 1e-9, -1e-9, 0.7499, 0.75, 0.7501, 400, -800);
  for (const name of NAMES) {
    const p = getPhi(name);
    for (const x of xs) {
      const m = moments(k, CODES[name], { z: [0], w: [1] }, x, 1);
      const q = quantities(p, x);
      for (let i = 0; i < 10; i++) {
        const e = Math.abs(m[i] - q[i]) / (1 + Math.abs(q[i]));
        if (e > worst[i]) {
          worst[i] = e;
          where[i] = `${name}@${x}`;
        }
        // observed: phi''' 9.9e-16 (tanh near t^2 = 1/3, see EPS_TERM), every other quantity <= 5.7e-16
        assert.ok(e <= EPS_TERM, `${name} ${MOMENTS[i]}(${x}): ${m[i]} vs ${q[i]}`);
      }
    }
  }
  t.diagnostic(`observed max |kernel - reference| / (1 + |q|) per quantity: ${worst.map((v) => v.toExponential(1)).join(' ')} at ${where.join(' ')}`);
});

test('gaussMoments: n = 0 gives zeros, unknown codes give NaN, repeated calls are bit-identical', async () => {
  const k = await kernel();
  const r = ruleFor(1.5);
  assert.deepEqual(Array.from(moments(k, 0, { z: [], w: [] }, 0.5, 1)), new Array(10).fill(0));
  assert.ok(Array.from(moments(k, 7, r, 0.5, 1)).every(Number.isNaN));
  assert.ok(Array.from(twoPoint(k, -1, r, r, 0.5, 1, 1)).every(Number.isNaN));
  for (const name of NAMES) {
    const a = moments(k, CODES[name], r, 0.4, 1.5);
    const b = moments(k, CODES[name], r, 0.4, 1.5);
    assert.deepEqual(Array.from(a), Array.from(b));
  }
});

test('gaussMoments for erf: the closed forms of spec 01 §2.2', async (t) => {
  const k = await kernel();
  let worst = 0;
  for (const [mu, D] of [
    [0, 1],
    [0.7, 0.25],
    [-1.5, 4],
    [2, 16],
    [0.1, 0.01],
  ]) {
    const sd = Math.sqrt(D);
    const m = moments(k, CODES.erf, ruleFor(sd), mu, sd);
    const a = 1 + (Math.PI * D) / 2;
    const phi1 = Math.exp((-(Math.PI / 4) * mu * mu) / a) / Math.sqrt(a);
    const expect: [number, number, string][] = [
      [m[0], erf(((Math.sqrt(Math.PI) / 2) * mu) / Math.sqrt(a)), '[phi]'],
      [m[1], phi1, "[phi']"],
      [m[2], -(Math.PI / 2) * (mu / a) * phi1, "[phi'']"],
      [m[3], phi1 * (((Math.PI / 2) * mu) / a) ** 2 - (phi1 * (Math.PI / 2)) / a, "[phi''']"],
      [m[5], Math.exp((-(Math.PI / 2) * mu * mu) / (1 + Math.PI * D)) / Math.sqrt(1 + Math.PI * D), "[phi'^2]"],
      // Stein: [phi phi''] = d[phi^2]/dD - [phi'^2] is not closed; [phi phi'] = (1/2) d[phi^2]/dmu neither.
    ];
    if (mu === 0) expect.push([m[8], (D + 2 / Math.PI) / Math.sqrt(1 + (Math.PI * D) / 2) - 2 / Math.PI, '[Phi](0, D)']);
    if (mu === 0) expect.push([m[4], (2 / Math.PI) * Math.asin(((Math.PI / 2) * D) / (1 + (Math.PI * D) / 2)), '[phi^2](0, D)']);
    for (const [got, want, what] of expect) {
      worst = Math.max(worst, Math.abs(got - want));
      // observed max 2.2e-16; the bound is the ~1e-14 that spec 01 §2.1 quotes for the trapezoid rule
      // at node spacing 0.15 (the rule's error, not the kernel's)
      assert.ok(Math.abs(got - want) <= 1e-14, `${what} mu=${mu} D=${D}: ${got} vs ${want}`);
    }
  }
  t.diagnostic(`observed max deviation from the closed forms: ${worst}`);
});

test('gaussMoments for linear: exact Gaussian moments; for tanh: pointwise identities', async (t) => {
  const k = await kernel();
  let worst = 0;
  let idWorst = 0;
  for (const [mu, D] of [
    [0, 1],
    [0.5, 2],
    [-2, 0.3],
  ]) {
    const sd = Math.sqrt(D);
    const r = ruleFor(sd);
    const m = moments(k, CODES.linear, r, mu, sd);
    const x2 = mu * mu + D;
    const x4 = mu ** 4 + 6 * mu * mu * D + 3 * D * D;
    const want = [mu, 1, 0, 0, x2, 1, mu, 0, x2 / 2, x4 / 4];
    for (let i = 0; i < 10; i++) {
      worst = Math.max(worst, Math.abs(m[i] - want[i]) / (1 + Math.abs(want[i])));
      // observed max 2.8e-16 relative (trapezoid on polynomials times a Gaussian is exact to rounding)
      assert.ok(Math.abs(m[i] - want[i]) <= 1e-14 * (1 + Math.abs(want[i])), `linear ${MOMENTS[i]} mu=${mu} D=${D}`);
    }
    const th = moments(k, CODES.tanh, r, mu, sd);
    const wsum = r.w.reduce((s, v) => s + v, 0);
    // phi' = 1 - phi^2 and phi'' = -2 phi phi' hold node by node, up to rounding (observed <= 2.8e-16)
    idWorst = Math.max(idWorst, Math.abs(th[1] - (wsum - th[4])), Math.abs(th[2] + 2 * th[6]));
    assert.ok(Math.abs(th[1] - (wsum - th[4])) <= 1e-15, `tanh: [phi'] = 1 - [phi^2] (mu=${mu} D=${D})`);
    assert.ok(Math.abs(th[2] + 2 * th[6]) <= 1e-15, `tanh: [phi''] = -2 [phi phi'] (mu=${mu} D=${D})`);
  }
  t.diagnostic(`observed max relative deviation (linear): ${worst}; tanh identities: ${idWorst}`);
});

test('gaussTwoPoint matches the scalar reference (same rules and order), odd and even rules', async (t) => {
  const k = await kernel();
  let worst = 0;
  for (const name of NAMES) {
    const p = getPhi(name);
    for (const [mu, D0, c] of [
      [0, 2, 1],
      [0.6, 1, 0.3],
      [-1, 4, 3.9],
      [0.2, 0.5, 0],
      [1.1, 3, 3],
    ]) {
      const sdO = Math.sqrt(c);
      const sdI = Math.sqrt(D0 - c);
      for (const drop of [0, 1]) {
        const fo = ruleFor(sdO);
        const fi = ruleFor(sdI);
        const ro = { z: fo.z.slice(drop), w: fo.w.slice(drop) };
        // a coarser inner rule keeps the scalar reference fast; the kernel does not care
        const ri = { z: fi.z.filter((_, i) => i % 2 === drop), w: fi.w.filter((_, i) => i % 2 === drop) };
        const got = twoPoint(k, CODES[name], ro, ri, mu, sdO, sdI);
        const ref = refTwoPoint(p, ro, ri, mu, sdO, sdI);
        for (let i = 0; i < 3; i++) {
          const e = Math.abs(got[i] - ref.val[i]) / ref.mag[i];
          worst = Math.max(worst, e);
          // observed max 1.4e-16 per unit magnitude
          assert.ok(e <= EPS_TERM, `${name} mu=${mu} D0=${D0} c=${c} out[${i}]: ${got[i]} vs ${ref.val[i]}`);
        }
      }
    }
  }
  t.diagnostic(`observed max |kernel - reference| / magnitude: ${worst}`);
});

test('gaussTwoPoint for erf at mu = 0: C_phi, C_Phi and C_phi\' closed forms (spec 01 §2.2); ends agree with gaussMoments', async (t) => {
  const k = await kernel();
  let worst = 0;
  const D0 = 2;
  const kk = Math.PI / 2 / (1 + (Math.PI * D0) / 2);
  const PhiMean = (D0 + 2 / Math.PI) / Math.sqrt(1 + (Math.PI * D0) / 2) - 2 / Math.PI;
  for (const c of [0, 0.5, 1, 1.9, 2]) {
    const sdO = Math.sqrt(c);
    const sdI = Math.sqrt(D0 - c);
    const got = twoPoint(k, CODES.erf, ruleFor(sdO), ruleFor(sdI), 0, sdO, sdI);
    const want = [
      (2 / Math.PI) * Math.asin(kk * c),
      PhiMean * PhiMean + (2 / Math.PI) * (c * Math.asin(kk * c) + (Math.sqrt(1 - kk * kk * c * c) - 1) / kk),
      1 / Math.sqrt((1 + (Math.PI / 2) * (D0 + c)) * (1 + (Math.PI / 2) * (D0 - c))),
    ];
    for (let i = 0; i < 3; i++) {
      worst = Math.max(worst, Math.abs(got[i] - want[i]));
      // observed max 6.7e-16; bound: the trapezoid rule's ~1e-14 at spacing 0.15 (spec 01 §2.1)
      assert.ok(Math.abs(got[i] - want[i]) <= 1e-14, `c=${c} out[${i}]: ${got[i]} vs ${want[i]}`);
    }
  }
  t.diagnostic(`observed max deviation from the closed forms: ${worst}`);
  // ends: C_f(0) = [f]^2 and C_f(D0) = [f^2], for every phi, at mu != 0 (same rule and the same
  // per-node values; only the grouping of the sums differs)
  let endWorst = 0;
  const close = (a: number, b: number, what: string) => {
    const e = Math.abs(a - b) / (1 + Math.abs(b));
    endWorst = Math.max(endWorst, e);
    // observed max 4.2e-16
    assert.ok(e <= 1e-15, `${what}: ${a} vs ${b}`);
  };
  for (const name of NAMES) {
    const mu = 0.4;
    const r = ruleFor(Math.sqrt(D0));
    const m = moments(k, CODES[name], r, mu, Math.sqrt(D0));
    const one = { z: [0], w: [1] };
    const c0 = twoPoint(k, CODES[name], one, r, mu, 0, Math.sqrt(D0));
    close(c0[0], m[0] ** 2, `${name}: C_phi(0) = [phi]^2`);
    close(c0[1], m[8] ** 2, `${name}: C_Phi(0) = [Phi]^2`);
    close(c0[2], m[1] ** 2, `${name}: C_phi'(0) = [phi']^2`);
    const cD = twoPoint(k, CODES[name], r, one, mu, Math.sqrt(D0), 0);
    close(cD[0], m[4], `${name}: C_phi(D0) = [phi^2]`);
    close(cD[1], m[9], `${name}: C_Phi(D0) = [Phi^2]`);
    close(cD[2], m[5], `${name}: C_phi'(D0) = [phi'^2]`);
  }
  t.diagnostic(`observed max relative difference at the ends: ${endWorst}`);
});
