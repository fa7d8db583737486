// Spec format version 1: defaults, error messages, schema/validator agreement, example files.
//   node scripts/run-test.mjs --no-wasm tests/spec.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import schemaJson from '../schema/spec.schema.json';
import {
  INTERACTION_KINDS,
  MODEL_KINDS,
  SPEC_TABLES,
  SpecError,
  parseSpec,
  specHash,
  validateSpec,
  type FieldRule,
  type NumberRule,
  type SpecIssue,
} from '../src/spec/validate.js';
import { canonicalJson, fnv1a64 } from '../src/spec/hash.js';
import { registerPhi } from '../src/phi.js';
import { RANDOM, RANK1, RANK2, MR, RM, BAD, clone, edit, r, l1, l2, mr, rm, type Json, type Bad } from './invalid-specs.js';
import { autoReadoutScale, minReadoutVariance } from '../src/sim/multiregion-vectors.js';
import { multiregionParamsFromModel, inputScheduleFromModel } from '../src/theory/multiregion/from-spec.js';
import type { MultiregionModel } from '../src/spec/types.js';

const schema: Json = schemaJson;

const DEFAULT_SIMULATION = {
  method: 'rk4',
  dt: 0.1,
  precision: 'f64',
  tBurn: 100,
  tMeasure: 200,
  sampleEvery: 0.5,
  blocks: 10,
  networks: 1,
  traceUnits: [0, 1, 2, 3, 4],
  lags: [0, 0.5, 1, 2, 4, 8, 16],
  init: { kind: 'random', scale: 1, sign: 1, c: 1.5 },
};
const DEFAULT_THEORY = {
  quadrature: { method: 'trapezoid', order: 200, zMax: 9.5, hx: 0.15, closedForms: true },
  tol: 1e-12,
  maxIter: 200,
  tauMax: 20,
  tauPoints: 201,
};

const DEFAULT_DMFT = { dt: 0.05, duration: 150, window: 50, checkWindow: true, refTimes: [] };

const MR_INPUT = {
  V: [
    [0, 0.1],
    [0.2, 0],
  ],
  schedule: [
    { t: 0, I: [0, 0] },
    { t: 40, I: [2, -1] },
    { t: 80.5, I: [0, 0] },
  ],
};
/** Every field of a multiregion model spelled out (none of them a default). */
const MR_FULL: Json = mr((s) => {
  s.name = 'multiregion, every field';
  s.model.g = [1.5, 0.8];
  s.model.U = [
    [
      [2, 0.5],
      [0.5, 1],
    ],
    [
      [1, 0],
      [0, 3],
    ],
  ];
  s.model.readoutScale = [3, 4];
  s.model.crossDisorder = [
    [1.5, 0.3],
    [0, 0.8],
  ];
  s.model.start = { S: [[0.5, -0.2], [0.1, 0]], sigma0: [0.5, 0] };
  s.model.input = MR_INPUT;
  s.simulation = { method: 'rk4', dt: 0.1 };
  s.theory = { dmft: { dt: 0.025, duration: 300, window: 0, checkWindow: false, refTimes: [100, 250.5] } };
});
/** Valid random-mode specs: each spectrum kind, g implied by a list, overlaps and heterogeneity. */
const RM_VALID: Json[] = [
  RM,
  rm((s) => {
    delete s.model.g;
    s.model.spectrum = { kind: 'list', D: [3, 2, 2, 1, 0] };
  }),
  rm((s) => (s.model.spectrum = { kind: 'list', D: [3, 2, 2, 1, 0] })),
  rm((s) => (s.model.spectrum = { kind: 'exponential', tau: 0.5 })),
  rm((s) => (s.model.spectrum = { kind: 'powerLaw', gamma: 1.5, P: 120 })),
  rm((s) => (s.model.spectrum = { kind: 'powerLaw', gamma: 0.5, alpha: 2 })),
  rm((s) => (s.model.spectrum = { kind: 'powerLaw', gamma: 0.5, alpha: 2, P: 400 })),
  rm((s) => (s.model.overlap = { c: -0.3 })),
  rm((s) => {
    s.model.spectrum = { kind: 'list', D: [1, 1, 1] };
    s.model.overlap = { c: [1, 0, -1] };
    s.model.heterogeneity = { kind: 'lognormal', sd: 0.5 };
  }),
  rm((s) => {
    s.model.overlap = null;
    s.model.heterogeneity = null;
  }),
];

/** Valid multiregion specs: each interactions kind, a shared matrix, every field given. */
const MR_VALID: Json[] = [
  MR,
  mr((s) => (s.model.interactions = { kind: 'tensor', T: [[[0, 0.3], [-1.2, 2]], [[0.1, 1.7], [0.4, -0.5]]] })),
  mr((s) => (s.model.interactions = { kind: 'ab', a: [1, 1], b: [2.5, 2.5], signs: [1, -1] })),
  mr((s) => {
    s.model.P = 1;
    s.model.interactions = { kind: 'ab', a: [2], b: [0], signs: [1] };
  }),
  mr((s) => (s.model.coupling = 'shared')),
  MR_FULL,
];

// ---------------------------------------------------------------------------------------------
// A small JSON Schema checker for the keywords schema/spec.schema.json uses (no dependency).
// ---------------------------------------------------------------------------------------------

const KEYWORDS = new Set([
  '$schema', '$id', 'title', 'description', 'default', '$defs', '$ref', 'type', 'properties', 'required',
  'additionalProperties', 'items', 'minItems', 'maxItems', 'uniqueItems', 'const', 'enum', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'pattern', 'oneOf',
]);

/** Every keyword used anywhere in the schema (property names and $defs names excluded). */
function keywordsUsed(s: Json, out = new Set<string>()): Set<string> {
  if (typeof s !== 'object' || s === null) return out;
  for (const [k, v] of Object.entries(s)) {
    out.add(k);
    if (k === 'properties' || k === '$defs') for (const sub of Object.values(v as object)) keywordsUsed(sub, out);
    else if (k === 'items') keywordsUsed(v, out);
    else if (k === 'oneOf') for (const sub of v as Json[]) keywordsUsed(sub, out);
  }
  return out;
}

function resolve(s: Json): Json {
  const ref: string | undefined = s.$ref;
  if (!ref) return s;
  assert.ok(ref.startsWith('#/$defs/'), `unsupported $ref ${ref}`);
  const target = schema.$defs[ref.slice('#/$defs/'.length)];
  assert.ok(target, `dangling $ref ${ref}`);
  return target;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isFinite(v) ? 'number' : 'not-json';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'string' || typeof v === 'boolean') return typeof v;
  return 'not-json'; // undefined, bigint, function: not JSON values
}

/** True when `v` is valid under schema `s` (the subset listed in KEYWORDS). */
function schemaValid(s: Json, v: unknown): boolean {
  if (s.$ref && !schemaValid(resolve(s), v)) return false;
  const t = jsonType(v);
  if (t === 'not-json') return false;
  if (s.type !== undefined) {
    const ok = s.type === 'integer' ? t === 'number' && Number.isInteger(v) : s.type === t;
    if (!ok) return false;
  }
  if ('const' in s && !deepEq(s.const, v)) return false;
  if (s.enum && !s.enum.some((e: unknown) => deepEq(e, v))) return false;
  if (t === 'number') {
    const x = v as number;
    if (s.minimum !== undefined && x < s.minimum) return false;
    if (s.maximum !== undefined && x > s.maximum) return false;
    if (s.exclusiveMinimum !== undefined && x <= s.exclusiveMinimum) return false;
    if (s.exclusiveMaximum !== undefined && x >= s.exclusiveMaximum) return false;
  }
  if (t === 'string' && s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v as string)) return false;
  if (t === 'array') {
    const a = v as unknown[];
    if (s.minItems !== undefined && a.length < s.minItems) return false;
    if (s.maxItems !== undefined && a.length > s.maxItems) return false;
    if (s.uniqueItems && a.some((x, i) => a.findIndex((y) => deepEq(x, y)) !== i)) return false;
    if (s.items && !a.every((x) => schemaValid(s.items, x))) return false;
  }
  if (t === 'object') {
    const o = v as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in o) || o[r] === undefined) return false;
    for (const [k, x] of Object.entries(o)) {
      if (x === undefined) continue;
      if (s.properties && Object.hasOwn(s.properties, k)) {
        if (!schemaValid(s.properties[k], x)) return false;
      } else if (s.additionalProperties === false) return false;
    }
  }
  if (s.oneOf && s.oneOf.filter((b: Json) => schemaValid(b, v)).length !== 1) return false;
  return true;
}

function deepEq(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Valid specs and defaults
// ---------------------------------------------------------------------------------------------

test('a minimal random spec gets every documented default', () => {
  const spec = parseSpec(RANDOM);
  assert.deepEqual(spec, {
    dmftlab: 1,
    seed: 1,
    model: { kind: 'random', N: 200, g: 2, phi: 'tanh' },
    simulation: DEFAULT_SIMULATION,
    theory: DEFAULT_THEORY,
  });
  assert.equal('name' in spec, false);
});

test('rank one accepts scalars and normalises them to arrays; zero defaults for nm, mI, nI, II, I', () => {
  const spec = parseSpec(RANK1);
  assert.deepEqual(spec.model, {
    kind: 'lowrank',
    N: 200,
    g: 1.9,
    phi: 'tanh',
    rank: 1,
    means: { m: [1.1], n: [2], I: 0 },
    cov: { mm: [[1]], nn: [[1]], nm: [[0]], mI: [0], nI: [0], II: 0 },
  });
  // the array form gives the same spec
  const arrays = edit(RANK1, (s) => {
    s.model.means = { m: [1.1], n: [2], I: 0 };
    s.model.cov = { mm: [[1]], nn: [[1]], nm: [[0]], mI: [0], nI: [0], II: 0 };
  });
  assert.deepEqual(parseSpec(arrays), spec);
});

test('rank two: arrays kept, zero defaults sized by rank', () => {
  const spec = parseSpec(RANK2);
  assert.equal(spec.model.kind, 'lowrank');
  if (spec.model.kind !== 'lowrank') return;
  assert.deepEqual(spec.model.cov.nm, RANK2.model.cov.nm);
  assert.deepEqual(spec.model.cov.mI, [0, 0]);
  assert.deepEqual(spec.model.cov.nI, [0, 0]);
  assert.deepEqual(spec.model.means.I, 0);
});

test('partial simulation, init and quadrature objects are filled field by field', () => {
  const spec = parseSpec(
    edit(RANK1, (s) => {
      s.simulation = { dt: 0.05, init: { kind: 'branch', sign: -1 } };
      s.theory = { quadrature: { method: 'gauss-hermite' }, tol: 1e-10 };
    }),
  );
  assert.deepEqual(spec.simulation, { ...DEFAULT_SIMULATION, dt: 0.05, init: { kind: 'branch', scale: 1, sign: -1, c: 1.5 } });
  assert.deepEqual(spec.theory, {
    ...DEFAULT_THEORY,
    tol: 1e-10,
    quadrature: { ...DEFAULT_THEORY.quadrature, method: 'gauss-hermite' },
  });
});

test('explicit values are kept, for every simulation and theory field', () => {
  const simulation = {
    method: 'euler',
    dt: 0.05,
    precision: 'f32',
    tBurn: 0,
    tMeasure: 50,
    sampleEvery: 0.25,
    blocks: 5,
    networks: 3,
    traceUnits: [7, 3],
    lags: [0, 0.25, 10],
    init: { kind: 'branch', scale: 0.5, sign: -1, c: 2 },
  };
  const theory = {
    quadrature: { method: 'gauss-hermite', order: 100, zMax: 8, hx: 0.1, closedForms: false },
    tol: 1e-9,
    maxIter: 50,
    tauMax: 30,
    tauPoints: 301,
  };
  const spec = parseSpec(edit(RANK1, (s) => Object.assign(s, { name: 'kept', simulation, theory })));
  assert.deepEqual(spec.simulation, simulation);
  assert.deepEqual(spec.theory, theory);
  assert.equal(spec.name, 'kept');
});

test('default traceUnits drop units >= N; default lags are rounded to sampleEvery and cut at tMeasure', () => {
  const small = parseSpec(edit(RANDOM, (s) => (s.model.N = 3)));
  assert.deepEqual(small.simulation.traceUnits, [0, 1, 2]);
  const coarse = parseSpec(edit(RANDOM, (s) => (s.simulation = { sampleEvery: 1, tMeasure: 10, blocks: 5 })));
  assert.deepEqual(coarse.simulation.lags, [0, 1, 2, 4, 8]);
  const odd = parseSpec(edit(RANDOM, (s) => (s.simulation = { sampleEvery: 0.3 })));
  assert.deepEqual(odd.simulation.lags, [0, 0.6, 0.9, 2.1, 3.9, 8.1, 15.9]);
  // the defaulted lags are themselves valid lags
  assert.deepEqual(parseSpec(edit(odd, () => {})).simulation.lags, odd.simulation.lags);
});

test('the result is a deep copy, and a valid input again (idempotent)', () => {
  const input = clone(RANK2);
  const spec = parseSpec(input);
  input.model.cov.mm[0][0] = 99;
  input.model.means.m.push(5);
  assert.equal((spec.model as Json).cov.mm[0][0], 4);
  assert.deepEqual((spec.model as Json).means.m, [0, 0]);
  assert.notEqual((spec.model as Json).cov.nm, RANK2.model.cov.nm);
  assert.deepEqual(parseSpec(spec), spec);
  assert.deepEqual(parseSpec(JSON.parse(JSON.stringify(spec))), spec);
});

test('explicit undefined counts as absent (JSON.stringify drops it too)', () => {
  const spec = parseSpec({ ...RANDOM, name: undefined, simulation: { dt: undefined } });
  assert.equal(spec.simulation.dt, 0.1);
  assert.equal('name' in spec, false);
});

test('a phi registered at runtime is accepted; before that the error lists the valid names', () => {
  const s = edit(RANDOM, (x) => (x.model.phi = 'softsignTest'));
  const before = validateSpec(s);
  assert.equal(before.ok, false);
  if (!before.ok) assert.match(before.errors[0].message, /^model\.phi: .*tanh, erf, linear/);
  registerPhi({
    name: 'softsignTest',
    f: (x) => x / (1 + Math.abs(x)),
    df: (x) => 1 / (1 + Math.abs(x)) ** 2,
    d2f: (x) => (-2 * Math.sign(x)) / (1 + Math.abs(x)) ** 3,
    d3f: (x) => 6 / (1 + Math.abs(x)) ** 4,
    F: (x) => Math.abs(x) - Math.log1p(Math.abs(x)),
    odd: true,
    bound: 1,
  });
  assert.equal(parseSpec(s).model.phi, 'softsignTest');
});

test('positive semidefinite edge cases pass: perfectly correlated vectors, zero variances', () => {
  // n = m exactly (rho = 1): the joint covariance is singular but valid
  parseSpec(edit(RANK1, (s) => (s.model.cov = { mm: 1, nn: 1, nm: 1 })));
  // input fully explained by n: var(I) = s^2 / var(n)
  parseSpec(edit(RANK1, (s) => (s.model.cov = { mm: 1, nn: 4, nI: 2, II: 1 })));
  // no variance at all (means only)
  parseSpec(edit(RANK1, (s) => (s.model.cov = { mm: 0, nn: 0 })));
});

// ---------------------------------------------------------------------------------------------
// Multiregion (spec 02)
// ---------------------------------------------------------------------------------------------

/** sigma = 1 multiplied by 1.05 until sigma^2 >= lambda: the reference rule, written out independently. */
function referenceAutoScale(lambda: number): number {
  let sigma = 1;
  while (sigma * sigma < lambda * (1 - 1e-10)) sigma *= 1.05;
  return sigma;
}

test('multiregion: defaults of the model, of simulation (euler, dt 0.05) and theory.dmft', () => {
  const spec = parseSpec(MR);
  const m = spec.model as MultiregionModel;
  assert.equal(m.kind, 'multiregion');
  const auto = referenceAutoScale(6.25); // lambda_max(t t^T) = c01^2 in both regions
  let power = 1;
  for (let k = 0; k < 19; k++) power *= 1.05;
  assert.equal(auto, power, '1.05^19 = 2.527 is the first power of 1.05 above 2.5');
  assert.deepEqual(m, {
    kind: 'multiregion',
    P: 2,
    N: 200,
    g: [1.5, 1.5],
    phi: 'erf',
    interactions: { kind: 'symmetric', c: [[0, 2.5], [2.5, 0]] },
    T: [
      [[0, 0], [2.5, 0]],
      [[0, 2.5], [0, 0]],
    ],
    U: [
      [[1, 0], [0, 1]],
      [[1, 0], [0, 1]],
    ],
    readoutScale: [auto, auto],
    crossDisorder: null,
    coupling: 'independent',
    start: { S: [[0, 0], [0, 0]], sigma0: [1, 1] },
    input: null,
  });
  assert.deepEqual(spec.simulation, { ...DEFAULT_SIMULATION, method: 'euler', dt: 0.05 });
  assert.deepEqual(spec.theory, { ...DEFAULT_THEORY, dmft: DEFAULT_DMFT });
  // explicit simulation settings win over the kind's defaults
  const heun = parseSpec(mr((s) => (s.simulation = { method: 'heun' })));
  assert.deepEqual([heun.simulation.method, heun.simulation.dt], ['heun', 0.05]);
  // schema defaults of the model that parseSpec keeps as they are
  const props = schema.$defs.multiregionModel.properties;
  assert.deepEqual([props.coupling.default, props.crossDisorder.default, props.input.default], [m.coupling, m.crossDisorder, m.input]);
  assert.deepEqual(schema.$defs.multiregionStart.properties.sigma0.default, m.start.sigma0[0]);
  for (const [k, d] of Object.entries(schema.$defs.dmft.properties)) assert.deepEqual((DEFAULT_DMFT as Json)[k], (d as Json).default, k);
});

test('multiregion: every interactions kind expands to the full tensor, and the form written is kept', () => {
  const T = (x: Json) => (parseSpec(x).model as MultiregionModel).T;
  const model = (x: Json) => parseSpec(x).model as MultiregionModel;
  // symmetric: T[a][b][c] = delta_ac c[a][b]
  const c = [
    [0.7, -2],
    [-2, 1.1],
  ];
  const sym = model(mr((s) => (s.model.interactions = { kind: 'symmetric', c })));
  for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) for (let k = 0; k < 2; k++) assert.equal(sym.T[a][b][k], a === k ? c[a][b] : 0);
  assert.deepEqual(sym.interactions, { kind: 'symmetric', c });
  // tensor: as written
  const tensor = [[[0, 0.3], [-1.2, 2]], [[0.1, 1.7], [0.4, -0.5]]];
  const ten = model(mr((s) => (s.model.interactions = { kind: 'tensor', T: tensor })));
  assert.deepEqual(ten.T, tensor);
  assert.deepEqual(ten.interactions, { kind: 'tensor', T: tensor });
  assert.notEqual(ten.T, (ten.interactions as Json).T, 'T and interactions.T are separate arrays');
  // ab: c = u u^T + diag(a - b), u = signs sqrt(b): c[a][a] = a_a, c[a][b] = signs_a signs_b sqrt(b_a b_b)
  const ab = model(mr((s) => (s.model.interactions = { kind: 'ab', a: [1, 0.5], b: [2.5, 2.5], signs: [1, -1] })));
  assert.deepEqual(ab.T, [
    [[1, 0], [-2.5, 0]],
    [[0, -2.5], [0, 0.5]],
  ]);
  assert.deepEqual(ab.interactions, { kind: 'ab', a: [1, 0.5], b: [2.5, 2.5], signs: [1, -1] });
  // the three forms of one c agree, readoutScale included
  const viaAb = model(mr((s) => (s.model.interactions = { kind: 'ab', a: [0, 0], b: [2.5, 2.5], signs: [1, 1] })));
  const viaTensor = model(mr((s) => (s.model.interactions = { kind: 'tensor', T: T(MR) })));
  assert.deepEqual(viaAb.T, T(MR));
  assert.deepEqual(viaTensor.T, T(MR));
  assert.deepEqual(viaAb.readoutScale, model(MR).readoutScale);
  // the full tensor may be given too, if it is the one the interactions expand to
  assert.deepEqual(parseSpec(mr((s) => (s.model.T = T(MR)))), parseSpec(MR));
});

test('multiregion: explicit values are kept, scalars become per-region arrays', () => {
  const spec = parseSpec(MR_FULL);
  const m = spec.model as MultiregionModel;
  assert.deepEqual(m.g, [1.5, 0.8]);
  assert.deepEqual(m.U, MR_FULL.model.U);
  assert.deepEqual(m.readoutScale, [3, 4]);
  assert.deepEqual(m.crossDisorder, [[1.5, 0.3], [0, 0.8]]);
  assert.deepEqual(m.start, MR_FULL.model.start);
  assert.deepEqual(m.input, MR_INPUT);
  assert.deepEqual(spec.simulation, { ...DEFAULT_SIMULATION, method: 'rk4', dt: 0.1 });
  assert.deepEqual(spec.theory.dmft, MR_FULL.theory.dmft);
  const scalars = parseSpec(mr((s) => Object.assign(s.model, { g: 0.5, readoutScale: 3, start: { sigma0: 0.2 } }))).model as MultiregionModel;
  assert.deepEqual([scalars.g, scalars.readoutScale, scalars.start.sigma0], [[0.5, 0.5], [3, 3], [0.2, 0.2]]);
});

test('multiregion: the result is a deep copy and a valid input again (idempotent)', () => {
  for (const x of MR_VALID) {
    const input = clone(x);
    const spec = parseSpec(input);
    assert.deepEqual(parseSpec(spec), spec);
    assert.deepEqual(parseSpec(JSON.parse(JSON.stringify(spec))), spec);
    assert.equal(specHash(parseSpec(spec)), specHash(spec));
    // editing the input afterwards does not reach the result
    if (input.model.interactions.c) input.model.interactions.c[0][1] = 99;
    if (input.model.interactions.T) input.model.interactions.T[0][0][0] = 99;
    assert.deepEqual(parseSpec(x), spec);
  }
});

test('multiregion: "auto" readoutScale is the reference rule, and accounts for the input overlaps', () => {
  const m = parseSpec(MR_FULL).model as MultiregionModel;
  const V = m.input!.V;
  for (let b = 0; b < 2; b++) {
    const lambda = minReadoutVariance(m.T, m.U, V, b);
    const auto = autoReadoutScale(lambda);
    assert.equal(auto, referenceAutoScale(lambda), `region ${b}`);
    assert.ok(auto * auto >= lambda * (1 - 1e-10) && (auto / 1.05) ** 2 < lambda, `region ${b}: the smallest power of 1.05`);
    assert.ok(lambda > minReadoutVariance(m.T, m.U, null, b), 'the input adds r r^T');
  }
  // U = diag(2, 1) in region 0 halves the first overlap's contribution: lambda = max(t^2 / U)
  const t = [
    [1, 0],
    [0, 3],
  ];
  const T3 = [
    [t[0], [0, 0]],
    [t[1], [0, 0]],
  ];
  const U = [
    [[2, 0], [0, 1]],
    [[1, 0], [0, 1]],
  ];
  assert.ok(Math.abs(minReadoutVariance(T3, U, null, 0) - 9) < 1e-12);
  assert.equal(autoReadoutScale(0.5), 1);
  assert.ok(Number.isNaN(autoReadoutScale(Infinity)));
});

test('multiregion: the shared matrix needs an odd phi (a registered phi is tested numerically)', () => {
  registerPhi({
    name: 'shiftedTanhTest',
    f: (x) => Math.tanh(x) + 0.1,
    df: (x) => 1 - Math.tanh(x) ** 2,
    d2f: (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2),
    d3f: (x) => -2 * (1 - Math.tanh(x) ** 2) * (1 - 3 * Math.tanh(x) ** 2),
    F: (x) => Math.log(Math.cosh(x)) + 0.1 * x,
    odd: true, // claimed, but wrong: the validator does not take its word for it
  });
  registerPhi({
    name: 'cubicTest',
    f: (x) => x - (x * x * x) / 30,
    df: (x) => 1 - (x * x) / 10,
    d2f: (x) => -x / 5,
    d3f: () => -1 / 5,
    F: (x) => (x * x) / 2 - (x * x * x * x) / 120,
    odd: false, // not claimed, but it is odd
  });
  const shared = (phi: string) => mr((s) => Object.assign(s.model, { coupling: 'shared', phi }));
  const res = validateSpec(shared('shiftedTanhTest'));
  assert.ok(!res.ok);
  if (res.ok) return;
  assert.equal(res.errors.length, 1);
  assert.equal(res.errors[0].path, 'model.coupling');
  assert.match(res.errors[0].message, /^model\.coupling: got "shared" \(a string\); must be "independent" for phi "shiftedTanhTest", which is not odd/);
  checkMessage(res.errors[0]);
  assert.equal(parseSpec(shared('cubicTest')).model.phi, 'cubicTest');
  // independent matrices work with any phi
  assert.equal(parseSpec(mr((s) => (s.model.phi = 'shiftedTanhTest'))).model.phi, 'shiftedTanhTest');
  // the memory suggestion offers "shared" only where it is allowed
  const big = (phi: string) =>
    validateSpec(
      mr((s) => {
        Object.assign(s.model, { P: 4, N: 12000, phi });
        s.model.interactions.c = [[0, 2.5, 0, 0], [2.5, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
      }),
    );
  const odd = big('erf');
  const notOdd = big('shiftedTanhTest');
  assert.ok(!odd.ok && /coupling to "shared"/.test(odd.errors[0].message));
  assert.ok(!notOdd.ok && !/shared/.test(notOdd.errors[0].message));
});

test('multiregion: memory counts one matrix per region, plus cross-region blocks; "shared" stores one', () => {
  const c4 = [[0, 2.5, 0, 0], [2.5, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
  const at = (f: (s: Json) => void) =>
    validateSpec(
      mr((s) => {
        Object.assign(s.model, { P: 4, g: 1.5 });
        s.model.interactions.c = c4;
        f(s);
      }),
    );
  // 4 x 10836 x 10836 x 8 bytes fits in 3.5 GiB, 10837 does not
  assert.ok(at((s) => (s.model.N = 10836)).ok);
  assert.ok(!at((s) => (s.model.N = 10837)).ok);
  assert.ok(at((s) => Object.assign(s.model, { N: 21672, coupling: 'shared' })).ok);
  // two cross-region blocks with g_ab > 0 add two matrices
  const cross = [[1.5, 0.2, 0, 0], [0.2, 1.5, 0, 0], [0, 0, 1.5, 0], [0, 0, 0, 1.5]];
  const res = at((s) => Object.assign(s.model, { N: 10836, crossDisorder: cross }));
  assert.ok(!res.ok);
  if (!res.ok) assert.match(res.errors[0].message, /the 6 f64 coupling matrices \(one per region and one per cross-region block with g_ab > 0\)/);
});

test('multiregion: theory.dmft is filled for multiregion specs only, so other specs hash as before', () => {
  for (const x of [RANDOM, RANK1, RANK2]) assert.equal('dmft' in parseSpec(x).theory, false);
  assert.deepEqual(parseSpec(MR).theory.dmft, DEFAULT_DMFT);
  // literal hashes computed before the multiregion kind existed (dmftlab 0.1.0)
  assert.equal(specHash(parseSpec(RANDOM)), 'a3afc4d3561e3e33');
  assert.equal(specHash(parseSpec(RANK1)), '20734f629af61a2f');
  assert.equal(specHash(parseSpec(RANK2)), 'd6bcbdee54b3da6f');
  const before: Record<string, string> = {
    'input-driven-rank1-s0.5.json': '43b4dafab28888f6',
    'mo-fig1-rank1-g1.9.json': '325aa575fb207026',
    'ring-rank2.json': '7f2bc8c396025a70',
    'scs-tanh-g2.json': '772f64b9a345dc26',
  };
  for (const [f, s] of exampleFiles()) if (f in before) assert.equal(specHash(parseSpec(s)), before[f], f);
});

test('multiregion: flat theory parameters from the validated model', () => {
  const m = parseSpec(MR_FULL).model as MultiregionModel;
  const p = multiregionParamsFromModel(m);
  const P = 2;
  assert.equal(p.P, P);
  for (let a = 0; a < P; a++) {
    for (let b = 0; b < P; b++) {
      for (let c = 0; c < P; c++) {
        assert.equal(p.T[(a * P + b) * P + c], m.T[a][b][c]);
        assert.equal(p.U[(a * P + b) * P + c], m.U[a][b][c]);
      }
      assert.equal(p.G2![a * P + b], (a === b ? m.g[a] : m.crossDisorder![a][b]) ** 2);
      assert.equal(p.V![b * P + a], m.input!.V[b][a]);
    }
  }
  assert.deepEqual([...p.g], m.g);
  assert.deepEqual([...p.v2], [1, 1]);
  assert.deepEqual(inputScheduleFromModel(m), { times: [0, 40, 80.5], values: [[0, 0], [2, -1], [0, 0]] });
  const plain = multiregionParamsFromModel(parseSpec(MR).model as MultiregionModel);
  assert.equal(plain.G2, null);
  assert.equal(plain.V, null);
  assert.deepEqual([...plain.U], [1, 0, 0, 1, 1, 0, 0, 1]);
  assert.equal(inputScheduleFromModel(parseSpec(MR).model as MultiregionModel), null);
});

// ---------------------------------------------------------------------------------------------
// Invalid specs
// ---------------------------------------------------------------------------------------------


function checkMessage(i: SpecIssue): void {
  const shown = i.path === '' ? 'spec' : i.path;
  assert.ok(i.message.startsWith(`${shown}: `), `message does not start with its path: ${i.message}`);
  assert.ok(!/[\n\r]/.test(i.message), `message is not one line: ${JSON.stringify(i.message)}`);
  assert.ok(!/NaN|undefined/.test(i.message), `message says NaN or undefined: ${i.message}`);
  assert.ok(i.message.length < 400, `message too long: ${i.message}`);
}

test(`at least 50 invalid specs, each broken differently (${BAD.length})`, () => {
  assert.ok(BAD.length >= 50);
  assert.equal(new Set(BAD.map((b) => b.why)).size, BAD.length);
  // JSON.stringify, but NaN, Infinity and bigints stay distinguishable
  const key = (v: unknown) =>
    JSON.stringify(v, (_k, x) => (typeof x === 'bigint' || (typeof x === 'number' && !Number.isFinite(x)) ? `#${String(x)}` : x));
  const keys = BAD.map((b) => key(b.spec));
  assert.equal(new Set(keys).size, BAD.length, 'two cases break the spec the same way');
});

for (const b of BAD) {
  test(`invalid: ${b.why} -> ${b.path || 'spec'}`, () => {
    const res = validateSpec(b.spec);
    assert.equal(res.ok, false, 'accepted');
    if (res.ok) return;
    for (const i of res.errors) checkMessage(i);
    const hit = res.errors.find((i) => i.path === b.path);
    assert.ok(hit, `no issue at ${b.path}; got:\n${res.errors.map((i) => i.message).join('\n')}`);
    if (typeof b.says === 'string') assert.ok(hit.message.includes(b.says), `"${b.says}" not in: ${hit.message}`);
    else if (b.says) assert.match(hit.message, b.says);
    assert.equal(res.errors.length, b.issues ?? 1, res.errors.map((i) => i.message).join('\n'));
    assert.throws(
      () => parseSpec(b.spec),
      (e: unknown) => e instanceof SpecError && e.issues.length === res.errors.length && e.message.includes(hit.message),
    );
  });
}

test('every issue is collected, not just the first', () => {
  const s = edit(RANK1, (x) => {
    x.seed = -1;
    x.model.N = 0;
    x.model.phi = 'relu';
    x.model.cov.nm = 5;
    x.simulation = { dt: 2, blocks: 1, precsion: 'f32' };
    x.theory = { quadrature: { order: 0 } };
  });
  const res = validateSpec(s);
  assert.equal(res.ok, false);
  if (res.ok) return;
  const paths = res.errors.map((i) => i.path).sort();
  assert.deepEqual(paths, [
    'model.N',
    'model.cov',
    'model.phi',
    'seed',
    'simulation.blocks',
    'simulation.dt',
    'simulation.precsion',
    'theory.quadrature.order',
  ]);
  const e = (() => {
    try {
      parseSpec(s);
    } catch (err) {
      return err as SpecError;
    }
    throw new Error('parseSpec accepted an invalid spec');
  })();
  assert.equal(e.name, 'SpecError');
  assert.equal(e.message.split('\n').length, 1 + res.errors.length);
  assert.match(e.message, /^invalid dmftlab spec \(8 issues\):/);
});

test('the error example in docs/SPEC.md is what parseSpec prints', () => {
  const s = edit(RANK1, (x) => {
    x.model.N = -5;
    x.model.phi = 'tahn';
    x.model.cov.nm = 2;
    x.simulation = { dt: 0, tmeasure: 100 };
    x.theory = { order: 100 };
  });
  const md = readFileSync('docs/SPEC.md', 'utf8');
  const res = validateSpec(s);
  assert.ok(!res.ok);
  if (res.ok) return;
  assert.equal(res.errors.length, 6);
  for (const i of res.errors) {
    // registerPhi above may have added names to the list of valid phi
    const line = i.message.replace(/, (softsignTest|shiftedTanhTest|cubicTest)/g, '');
    assert.ok(md.includes(line), `docs/SPEC.md does not show: ${line}`);
  }
});

test('issue values are the offending values', () => {
  const res = validateSpec(r((s) => (s.model.N = -5)));
  assert.ok(!res.ok && res.errors[0].value === -5);
  const missing = validateSpec(r((s) => delete s.seed));
  assert.ok(!missing.ok && missing.errors[0].value === undefined);
});

// ---------------------------------------------------------------------------------------------
// Schema and validator agreement
// ---------------------------------------------------------------------------------------------

test('the schema uses only keywords the test checker understands, and is draft 2020-12', () => {
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  const unknown = [...keywordsUsed(schema)].filter((k) => !KEYWORDS.has(k));
  assert.deepEqual(unknown, []);
});

const NUMBER_KEYS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;

function checkNumberRule(where: string, p: Json, rule: NumberRule): void {
  assert.equal(p.type, rule.type, `${where}: type`);
  for (const k of NUMBER_KEYS) assert.equal(p[k], rule[k], `${where}: ${k}`);
}

function checkField(where: string, p: Json, rule: FieldRule): void {
  assert.ok(p, `${where}: not in the schema`);
  switch (rule.type) {
    case 'number':
    case 'integer':
      checkNumberRule(where, p, rule);
      assert.equal(p.default, rule.default, `${where}: default`);
      break;
    case 'const':
      assert.equal(p.const, rule.const, `${where}: const`);
      break;
    case 'enum':
      assert.deepEqual(p.enum, rule.enum, `${where}: enum`);
      assert.equal(p.default, rule.default, `${where}: default`);
      break;
    case 'string':
      assert.equal(p.type, 'string', `${where}: type`);
      assert.equal(p.pattern, rule.pattern, `${where}: pattern`);
      break;
    case 'boolean':
      assert.equal(p.type, 'boolean', `${where}: type`);
      assert.equal(p.default, rule.default, `${where}: default`);
      break;
    case 'array':
      assert.equal(p.type, 'array', `${where}: type`);
      assert.equal(p.uniqueItems, rule.uniqueItems, `${where}: uniqueItems`);
      checkNumberRule(`${where}[]`, p.items, rule.items);
      assert.deepEqual(p.default, rule.default, `${where}: default`);
      break;
    case 'ref':
      assert.equal(p.$ref, `#/$defs/${rule.ref}`, `${where}: $ref`);
      break;
    case 'model':
      assert.deepEqual(
        p.oneOf.map((b: Json) => b.$ref),
        Object.values(MODEL_KINDS).map((d) => `#/$defs/${d}`),
        `${where}: oneOf`,
      );
      break;
    case 'vectorR':
    case 'matrixR':
      assert.equal(p.$ref, `#/$defs/${rule.type}`, `${where}: $ref`);
      break;
    case 'perRegion': {
      const [num, arr, auto] = p.oneOf;
      checkNumberRule(`${where} (one number)`, num, rule.items);
      assert.equal(arr.type, 'array', `${where}: array branch`);
      assert.equal(arr.maxItems, (SPEC_TABLES.multiregionModel.fields.P as NumberRule).maximum, `${where}: maxItems`);
      checkNumberRule(`${where}[]`, arr.items, rule.items);
      if (rule.auto) assert.deepEqual(auto, { const: 'auto' }, `${where}: "auto"`);
      else assert.equal(p.oneOf.length, 2, `${where}: oneOf`);
      assert.equal(p.default, rule.default, `${where}: default`);
      break;
    }
    case 'arrayP':
      assert.equal(p.$ref, `#/$defs/${rule.ref}`, `${where}: $ref`);
      break;
    case 'signsP':
      assert.equal(p.type, 'array', `${where}: type`);
      assert.deepEqual(p.items, { enum: [1, -1] }, `${where}: items`);
      assert.equal(p.maxItems, (SPEC_TABLES.multiregionModel.fields.P as NumberRule).maximum, `${where}: maxItems`);
      break;
    case 'refOrNull':
      assert.deepEqual(p.oneOf, [{ type: 'null' }, { $ref: `#/$defs/${rule.ref}` }], `${where}: oneOf`);
      assert.equal(p.default, null, `${where}: default`);
      break;
    case 'union':
      assert.deepEqual(
        p.oneOf.map((b: Json) => b.$ref),
        Object.values(rule.kinds).map((d) => `#/$defs/${d}`),
        `${where}: oneOf`,
      );
      for (const [kind, def] of Object.entries(rule.kinds)) assert.equal(schema.$defs[def].properties.kind.const, kind, `${where}: ${kind}`);
      break;
    case 'list':
      assert.equal(p.type, 'array', `${where}: type`);
      assert.equal(p.minItems, 1, `${where}: minItems`);
      assert.equal(p.items.$ref, `#/$defs/${rule.ref}`, `${where}: items`);
      break;
    case 'numbers':
      assert.equal(p.type, 'array', `${where}: type`);
      assert.equal(p.minItems, 1, `${where}: minItems`);
      assert.equal(p.uniqueItems, undefined, `${where}: repeats allowed`);
      checkNumberRule(`${where}[]`, p.items, rule.items);
      break;
    case 'perMode': {
      assert.equal(p.oneOf.length, 2, `${where}: oneOf`);
      const [num, arr] = p.oneOf;
      checkNumberRule(`${where} (one number)`, num, rule.items);
      assert.equal(arr.type, 'array', `${where}: array branch`);
      assert.equal(arr.minItems, 1, `${where}: minItems`);
      checkNumberRule(`${where}[]`, arr.items, rule.items);
      assert.equal(p.default, undefined, `${where}: default`);
      break;
    }
  }
}

test("schema and validator tables agree: fields, required lists, enums, bounds, defaults", () => {
  for (const [name, table] of Object.entries(SPEC_TABLES)) {
    const s = name === 'spec' ? schema : schema.$defs[name];
    assert.ok(s, `$defs.${name} missing from the schema`);
    assert.equal(s.type, 'object', `${name}: type`);
    assert.equal(s.additionalProperties, false, `${name}: additionalProperties`);
    assert.deepEqual(Object.keys(s.properties).sort(), Object.keys(table.fields).sort(), `${name}: properties`);
    assert.deepEqual([...(s.required ?? [])].sort(), [...table.required].sort(), `${name}: required`);
    for (const [key, rule] of Object.entries(table.fields)) checkField(`${name}.${key}`, s.properties[key], rule);
  }
  // every object in $defs is described by a table; the rest are the rank-sized vector and matrix
  const objects = Object.entries(schema.$defs).filter(([, d]) => (d as Json).type === 'object').map(([k]) => k).sort();
  assert.deepEqual(objects, Object.keys(SPEC_TABLES).filter((k) => k !== 'spec').sort());
  assert.deepEqual(Object.keys(schema.$defs).filter((k) => !objects.includes(k)).sort(), ['matrixP', 'matrixR', 'tensorP', 'vectorP', 'vectorR']);
  // model kinds: each branch's kind const is its key
  for (const [kind, def] of Object.entries(MODEL_KINDS)) assert.equal(schema.$defs[def].properties.kind.const, kind);
  // bounds that the validator derives from other fields
  const rank = SPEC_TABLES.lowrankModel.fields.rank as NumberRule;
  assert.equal(schema.$defs.vectorR.oneOf[1].maxItems, rank.maximum);
  assert.equal(schema.$defs.matrixR.oneOf[1].maxItems, rank.maximum);
  assert.equal(schema.$defs.matrixR.oneOf[1].items.maxItems, rank.maximum);
  // P-sized arrays: at most P entries per level
  const P = SPEC_TABLES.multiregionModel.fields.P as NumberRule;
  for (const [def, depth] of [['vectorP', 1], ['matrixP', 2], ['tensorP', 3]] as const) {
    let d = schema.$defs[def];
    for (let k = 0; k < depth; k++, d = d.items) assert.equal(d.maxItems, P.maximum, `${def} level ${k}`);
    assert.deepEqual(d, { type: 'number' }, `${def}: numbers`);
  }
  assert.deepEqual(Object.keys(INTERACTION_KINDS), ['tensor', 'symmetric', 'ab']);
  const N = SPEC_TABLES.randomModel.fields.N as NumberRule;
  assert.equal(schema.$defs.simulation.properties.traceUnits.items.maximum, N.maximum! - 1);
});

test('the validator fills exactly the defaults the schema declares', () => {
  // walk the schema's defaults and compare with what parseSpec fills in
  const lr = parseSpec(RANK1) as Json;
  const walk = (s: Json, value: Json, where: string) => {
    for (const [key, p0] of Object.entries(s.properties ?? {})) {
      const p = p0 as Json;
      const target = resolve(p);
      if (target.type === 'object' && value[key] !== undefined && typeof value[key] === 'object' && !Array.isArray(value[key])) {
        walk(target, value[key], `${where}.${key}`);
      }
      if (p.default === undefined || (typeof p.default === 'object' && !Array.isArray(p.default))) continue;
      assert.deepEqual(value[key], p.default, `${where}.${key}`);
    }
  };
  walk(schema.$defs.simulation, lr.simulation, 'simulation');
  walk(schema.$defs.theory, lr.theory, 'theory');
  walk(schema.$defs.lowrankMeans, lr.model.means, 'model.means');
  walk(schema.$defs.lowrankCov, lr.model.cov, 'model.cov');
  // optional rank-sized fields without a schema default are zeros
  for (const k of ['nm', 'mI', 'nI']) {
    assert.ok(!schema.$defs.lowrankCov.required.includes(k));
    assert.match(schema.$defs.lowrankCov.properties[k].description, /Default: zeros/);
  }
  assert.deepEqual([lr.model.cov.nm, lr.model.cov.mI, lr.model.cov.nI], [[[0]], [0], [0]]);
});

test('schema and validator agree on the corpus', () => {
  const valid = [RANDOM, RANK1, RANK2, ...MR_VALID, ...RM_VALID, ...exampleFiles().map(([, s]) => s)];
  for (const v of valid) {
    assert.ok(schemaValid(schema, v), `schema rejects a valid spec: ${JSON.stringify(v)}`);
    assert.ok(schemaValid(schema, parseSpec(v)), 'schema rejects a parsed spec');
  }
  for (const b of BAD) {
    // schema: true  -> the schema alone rejects it;
    // schema: false -> only the validator can see the problem (the schema accepts it)
    assert.equal(!schemaValid(schema, b.spec), b.schema, `${b.why}: schema ${b.schema ? 'accepts' : 'rejects'} it`);
  }
});

// ---------------------------------------------------------------------------------------------
// Examples and docs
// ---------------------------------------------------------------------------------------------

function exampleFiles(): [string, Json][] {
  const dir = 'examples/specs';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'))]);
}

test('the example files validate', () => {
  const files = exampleFiles();
  assert.ok(files.length >= 3);
  for (const [f, s] of files) {
    const res = validateSpec(s);
    assert.ok(res.ok, `${f}: ${res.ok ? '' : res.errors.map((i) => i.message).join('; ')}`);
    assert.equal(typeof s.name, 'string', `${f}: has a name`);
  }
  const byName = Object.fromEntries(files.map(([f, s]) => [f, parseSpec(s)]));
  const fig1 = byName['mo-fig1-rank1-g1.9.json'].model as Json;
  assert.deepEqual([fig1.means.m, fig1.means.n, fig1.cov.mm, fig1.cov.nn, fig1.g], [[1.1], [2], [[1]], [[1]], 1.9]);
  const driven = byName['input-driven-rank1-s0.5.json'].model as Json;
  assert.deepEqual([driven.cov.nI, driven.cov.II], [[0.5], 1.25]);
  assert.equal(byName['scs-tanh-g2.json'].model.g, 2);
});

test('every json block in docs/SPEC.md is a valid spec, and the three examples match the files', () => {
  const md = readFileSync('docs/SPEC.md', 'utf8');
  const blocks = [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
  assert.ok(blocks.length >= 3);
  for (const b of blocks) {
    const res = validateSpec(b);
    assert.ok(res.ok, res.ok ? '' : res.errors.map((i) => i.message).join('; '));
  }
  for (const [f, s] of exampleFiles()) {
    assert.ok(blocks.some((b) => deepEq(b, s)), `examples/specs/${f} is not shown in docs/SPEC.md`);
  }
});

// ---------------------------------------------------------------------------------------------
// Hash
// ---------------------------------------------------------------------------------------------

test('fnv1a64 matches the published test vectors', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(fnv1a64(enc('')), 'cbf29ce484222325');
  assert.equal(fnv1a64(enc('a')), 'af63dc4c8601ec8c');
  assert.equal(fnv1a64(enc('foobar')), '85944171f73967e8');
});

test('specHash is stable under key order and input sugar, and changes with any value', () => {
  const a = parseSpec(RANK1);
  const reordered = JSON.parse(canonicalJson(a)); // keys sorted: a different insertion order
  assert.notDeepEqual(Object.keys(reordered), Object.keys(a));
  assert.match(specHash(a), /^[0-9a-f]{16}$/);
  assert.equal(specHash(parseSpec(reordered)), specHash(a));
  // rank-one scalars and their array form hash alike
  const arrays = edit(RANK1, (s) => {
    s.model.means.m = [1.1];
    s.model.cov.nn = [[1]];
  });
  assert.equal(specHash(parseSpec(arrays)), specHash(a));
  assert.notEqual(specHash(parseSpec(edit(RANK1, (s) => (s.model.g = 1.91)))), specHash(a));
  assert.notEqual(specHash(parseSpec(edit(RANK1, (s) => (s.seed = 2)))), specHash(a));
  assert.equal(canonicalJson({ b: 1, a: [2, { d: undefined, c: -0 }] }), '{"a":[2,{"c":0}],"b":1}');
});

test('random-mode specs: defaults, g implied by a list, powerLaw P from alpha, idempotent', () => {
  const m = parseSpec(RM).model as Json;
  assert.deepEqual(m, { kind: 'randomMode', N: 200, g: 2, phi: 'tanh', spectrum: { kind: 'flat', alpha: 0.25 }, overlap: null, heterogeneity: null });
  const list = parseSpec(RM_VALID[1]).model as Json;
  assert.equal(list.g, Math.sqrt((9 + 4 + 4 + 1) / 200)); // implied g is filled
  assert.deepEqual(list.spectrum.D, [3, 2, 2, 1, 0]); // the list is kept as written
  assert.equal((parseSpec(RM_VALID[2]).model as Json).g, 2); // g given: the list is rescaled to it
  assert.deepEqual((parseSpec(RM_VALID[5]).model as Json).spectrum, { kind: 'powerLaw', gamma: 0.5, P: 400, alpha: 2 });
  for (const x of RM_VALID) {
    const a = parseSpec(x);
    assert.deepEqual(parseSpec(JSON.parse(JSON.stringify(a))), a, 'parseSpec is idempotent');
    assert.equal(specHash(parseSpec(a)), specHash(a));
    assert.equal(a.theory.dmft, undefined);
  }
  // alpha and the P it gives hash alike; a different spectrum changes the hash
  assert.equal(specHash(parseSpec(RM_VALID[5])), specHash(parseSpec(RM_VALID[6])));
  assert.notEqual(specHash(parseSpec(RM_VALID[3])), specHash(parseSpec(RM)));
  // a random-mode N x N coupling is one matrix: the usual memory check applies as well
  assert.throws(() => parseSpec(rm((s) => (s.model.N = 30000))), /model\.N: got 30000; the f64 coupling matrix needs/);
});

test('multiregion memory check: a network without disorder stores no matrix, so a large N is accepted', () => {
  const m = (g: number) => ({ dmftlab: 1, seed: 1, model: { kind: 'multiregion', P: 2, N: 30000, g, phi: 'erf', interactions: { kind: 'symmetric', c: [[0, 2.5], [2.5, 0]] } } });
  assert.equal(parseSpec(m(0)).model.N, 30000); // 2 x 30000^2 f64 would be 14 GiB, but none is stored at g = 0
  assert.throws(() => parseSpec(m(1)), /model\.N: got 30000; the 2 f64 coupling matrices/);
});
