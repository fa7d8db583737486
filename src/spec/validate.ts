/**
 * Validator for spec format version 1 (docs/SPEC.md). It checks a plain-JSON spec, fills every
 * default and returns a fresh `Spec` (src/spec/types.ts). All problems are collected, each as one
 * line that names the field path, the value found and what would be valid.
 *
 * The simple per-field rules live in `SPEC_TABLES`, which mirror schema/spec.schema.json keyword
 * for keyword; tests/spec.test.ts checks that the two agree. Checks that JSON Schema cannot state
 * (lengths that depend on `rank`, symmetry, positive semidefiniteness, multiples of `dt`, indices
 * below `N`, the phi registry, memory) are written out below.
 */
import { phiNames } from '../phi.js';
import { covarianceMatrix, symmetricEigenvalues, componentNames } from '../sim/lowrank-vectors.js';
import { canonicalJson, specHash } from './hash.js';
import type {
  InitSettings,
  LowRankModel,
  Model,
  QuadratureSettings,
  RandomModel,
  SimulationSettings,
  Spec,
  TheorySettings,
} from './types.js';
import { SPEC_VERSION } from './types.js';

export { canonicalJson, specHash };

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** One problem found in a spec. */
export interface SpecIssue {
  /** Path of the offending field, e.g. "model.cov.mm[0][1]"; "" for the spec itself. */
  path: string;
  /** The value found there (undefined when the field is missing). */
  value: unknown;
  /** One line: path, what was found, and what would be valid. */
  message: string;
}

/** Thrown by `parseSpec`; `issues` lists every problem, `message` has one line per issue. */
export class SpecError extends Error {
  readonly issues: SpecIssue[];
  constructor(issues: SpecIssue[]) {
    const n = issues.length;
    super(`invalid dmftlab spec (${n} issue${n === 1 ? '' : 's'}):\n  ${issues.map((i) => i.message).join('\n  ')}`);
    this.name = 'SpecError';
    this.issues = issues;
  }
}

/** Spec format versions this build reads. */
export const SUPPORTED_SPEC_VERSIONS: readonly number[] = [SPEC_VERSION];

/** Validate and fill defaults; never throws. The returned spec shares nothing with `input`. */
export function validateSpec(input: unknown): { ok: true; spec: Spec } | { ok: false; errors: SpecIssue[] } {
  const ctx = new Ctx();
  const spec = readSpec(ctx, input);
  if (ctx.issues.length > 0 || !spec) return { ok: false, errors: ctx.issues };
  return { ok: true, spec };
}

/** Validate and fill defaults; throws `SpecError` listing every issue. */
export function parseSpec(input: unknown): Spec {
  const r = validateSpec(input);
  if (!r.ok) throw new SpecError(r.errors);
  return r.spec;
}

// ---------------------------------------------------------------------------------------------
// Rule tables (mirrored by schema/spec.schema.json; names are the schema's $defs)
// ---------------------------------------------------------------------------------------------

/** @internal */
export interface NumberRule {
  type: 'number' | 'integer';
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: number;
}
/** @internal */
export type FieldRule =
  | NumberRule
  | { type: 'const'; const: number | string }
  | { type: 'enum'; enum: readonly (string | number)[]; default?: string | number }
  | { type: 'string'; pattern?: string }
  | { type: 'boolean'; default?: boolean }
  /** Array of numbers, no repeats. */
  | { type: 'array'; items: NumberRule; uniqueItems: true; default: readonly number[] }
  /** Nested object described by another table (schema: {"$ref": "#/$defs/<ref>"}). */
  | { type: 'ref'; ref: string }
  /** The model union (schema: oneOf over MODEL_KINDS). */
  | { type: 'model' }
  /** Rank-length vector, or a number when rank = 1 (schema: $ref vectorR). Optional ones default to zeros. */
  | { type: 'vectorR' }
  /** Rank x rank matrix, or a number when rank = 1 (schema: $ref matrixR). Optional ones default to zeros. */
  | { type: 'matrixR' };

/** @internal */
export interface Table {
  required: readonly string[];
  fields: Readonly<Record<string, FieldRule>>;
}

const MAX_SEED = Number.MAX_SAFE_INTEGER; // 2^53 - 1
const MAX_RANK = 16;
const MAX_N = 100000;
const IDENT = '^[A-Za-z][A-Za-z0-9_-]*$';

const N_RULE: NumberRule = { type: 'integer', minimum: 1, maximum: MAX_N };
const G_RULE: NumberRule = { type: 'number', minimum: 0, maximum: 100 };
const PHI_RULE: FieldRule = { type: 'string', pattern: IDENT };

/** Default `simulation.traceUnits` (units >= N are dropped). */
const DEFAULT_TRACE_UNITS: readonly number[] = [0, 1, 2, 3, 4];
/** Default `simulation.lags` (rounded to multiples of sampleEvery; lags >= tMeasure dropped). */
const DEFAULT_LAGS: readonly number[] = [0, 0.5, 1, 2, 4, 8, 16];

/** @internal Model kinds and the table ($defs name) of each. New kinds add an entry here. */
export const MODEL_KINDS: Readonly<Record<string, string>> = {
  random: 'randomModel',
  lowrank: 'lowrankModel',
};

/** @internal The per-field rules; the table named `spec` is the root. */
export const SPEC_TABLES: Readonly<Record<string, Table>> = {
  spec: {
    required: ['dmftlab', 'seed', 'model'],
    fields: {
      dmftlab: { type: 'const', const: SPEC_VERSION },
      seed: { type: 'integer', minimum: 0, maximum: MAX_SEED },
      name: { type: 'string' },
      model: { type: 'model' },
      simulation: { type: 'ref', ref: 'simulation' },
      theory: { type: 'ref', ref: 'theory' },
    },
  },
  randomModel: {
    required: ['kind', 'N', 'g', 'phi'],
    fields: { kind: { type: 'const', const: 'random' }, N: N_RULE, g: G_RULE, phi: PHI_RULE },
  },
  lowrankModel: {
    required: ['kind', 'N', 'g', 'phi', 'rank', 'means', 'cov'],
    fields: {
      kind: { type: 'const', const: 'lowrank' },
      N: N_RULE,
      g: G_RULE,
      phi: PHI_RULE,
      rank: { type: 'integer', minimum: 1, maximum: MAX_RANK },
      means: { type: 'ref', ref: 'lowrankMeans' },
      cov: { type: 'ref', ref: 'lowrankCov' },
    },
  },
  lowrankMeans: {
    required: ['m', 'n'],
    fields: { m: { type: 'vectorR' }, n: { type: 'vectorR' }, I: { type: 'number', default: 0 } },
  },
  lowrankCov: {
    required: ['mm', 'nn'],
    fields: {
      mm: { type: 'matrixR' },
      nn: { type: 'matrixR' },
      nm: { type: 'matrixR' },
      mI: { type: 'vectorR' },
      nI: { type: 'vectorR' },
      II: { type: 'number', minimum: 0, default: 0 },
    },
  },
  simulation: {
    required: [],
    fields: {
      method: { type: 'enum', enum: ['euler', 'heun', 'rk4'], default: 'rk4' },
      dt: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.1 },
      precision: { type: 'enum', enum: ['f64', 'f32'], default: 'f64' },
      tBurn: { type: 'number', minimum: 0, default: 100 },
      tMeasure: { type: 'number', exclusiveMinimum: 0, default: 200 },
      sampleEvery: { type: 'number', exclusiveMinimum: 0, default: 0.5 },
      blocks: { type: 'integer', minimum: 2, maximum: 1000, default: 10 },
      networks: { type: 'integer', minimum: 1, maximum: 1000, default: 1 },
      traceUnits: {
        type: 'array',
        items: { type: 'integer', minimum: 0, maximum: MAX_N - 1 },
        uniqueItems: true,
        default: DEFAULT_TRACE_UNITS,
      },
      lags: { type: 'array', items: { type: 'number', minimum: 0 }, uniqueItems: true, default: DEFAULT_LAGS },
      init: { type: 'ref', ref: 'init' },
    },
  },
  init: {
    required: [],
    fields: {
      kind: { type: 'enum', enum: ['random', 'branch'], default: 'random' },
      scale: { type: 'number', minimum: 0, default: 1 },
      sign: { type: 'enum', enum: [1, -1], default: 1 },
      c: { type: 'number', minimum: 0, default: 1.5 },
    },
  },
  theory: {
    required: [],
    fields: {
      quadrature: { type: 'ref', ref: 'quadrature' },
      tol: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 1e-12 },
      maxIter: { type: 'integer', minimum: 1, maximum: 100000, default: 200 },
      tauMax: { type: 'number', exclusiveMinimum: 0, default: 20 },
      tauPoints: { type: 'integer', minimum: 2, maximum: 100000, default: 201 },
    },
  },
  quadrature: {
    required: [],
    fields: {
      method: { type: 'enum', enum: ['trapezoid', 'gauss-hermite'], default: 'trapezoid' },
      order: { type: 'integer', minimum: 2, maximum: 1000, default: 200 },
      zMax: { type: 'number', exclusiveMinimum: 0, maximum: 40, default: 9.5 },
      hx: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.15 },
      closedForms: { type: 'boolean', default: true },
    },
  },
};

/** Wasm memory available for the N x N coupling matrix (bytes). */
export const COUPLING_MEMORY_LIMIT = 3.5 * 2 ** 30;
/** Relative tolerance for "a multiple of dt / sampleEvery". */
const MULTIPLE_TOL = 1e-9;
/** Relative tolerance for symmetry of mm, nn. */
const SYM_TOL = 1e-12;
/** Eigenvalues down to -PSD_TOL * (largest |eigenvalue|) count as zero. */
const PSD_TOL = 1e-10;

// ---------------------------------------------------------------------------------------------
// Issue collection and message formatting
// ---------------------------------------------------------------------------------------------

class Ctx {
  issues: SpecIssue[] = [];
  add(path: string, value: unknown, rest: string): void {
    this.issues.push({ path, value, message: `${shownPath(path)}: ${rest}` });
  }
  /** "<path>: got <value>; must be <expect>" */
  bad(path: string, value: unknown, expect: string): void {
    this.add(path, value, `got ${show(value)}; must be ${expect}`);
  }
}

const shownPath = (path: string) => (path === '' ? 'spec' : path);

function child(path: string, key: string): string {
  const k = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : null;
  if (k === null) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? k : `${path}.${k}`;
}
const at = (path: string, i: number) => `${path}[${i}]`;

/** A short one-line rendering of any value, never "NaN" or "undefined". */
function show(v: unknown): string {
  switch (typeof v) {
    case 'number':
      if (Number.isNaN(v)) return 'not-a-number';
      return fmt(v);
    case 'string': {
      const s = JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
      return `${s} (a string)`;
    }
    case 'boolean':
      return String(v);
    case 'bigint':
      return `a bigint (${v.toString()}n)`;
    case 'undefined':
      return 'nothing';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        const small = v.length <= 6 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
        return small ? `[${v.map((x) => fmt(x as number)).join(', ')}]` : `an array of length ${v.length}`;
      }
      return 'an object';
    }
    default:
      return `a ${typeof v}`;
  }
}

/** Numbers in messages: plain, with 2^53 - 1 spelled out. */
function fmt(x: number): string {
  if (x === MAX_SEED) return '2^53 - 1';
  if (Object.is(x, -0)) return '0';
  return String(x);
}

/** Round away binary noise for suggestions (0.30000000000000004 -> 0.3). */
const tidy = (x: number) => Number(x.toPrecision(12));

function describeNumber(r: NumberRule): string {
  const t = r.type === 'integer' ? 'an integer' : 'a number';
  const lo = r.minimum ?? r.exclusiveMinimum;
  const hi = r.maximum ?? r.exclusiveMaximum;
  if (r.minimum !== undefined && r.maximum !== undefined) return `${t} in [${fmt(r.minimum)}, ${fmt(r.maximum)}]`;
  const parts: string[] = [];
  if (lo !== undefined) parts.push(`${r.minimum !== undefined ? '>=' : '>'} ${fmt(lo)}`);
  if (hi !== undefined) parts.push(`${r.maximum !== undefined ? '<=' : '<'} ${fmt(hi)}`);
  return parts.length ? `${t} ${parts.join(' and ')}` : `a finite ${r.type === 'integer' ? 'integer' : 'number'}`;
}

function quoteList(xs: readonly (string | number)[]): string {
  const q = xs.map((x) => (typeof x === 'string' ? JSON.stringify(x) : String(x)));
  if (q.length <= 1) return q.join('');
  if (q.length === 2) return `${q[0]} or ${q[1]}`;
  return `one of ${q.join(', ')}`;
}

/** Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate to `s` (case-insensitive edit distance), if close enough to be a likely typo. */
function closest(s: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const sl = s.toLowerCase().replace(/[_\s-]/g, '');
  for (const c of candidates) {
    const cl = c.toLowerCase().replace(/[_\s-]/g, '');
    // ties go to a candidate with the same letters ("mn" -> "nm")
    const anagram = [...sl].sort().join('') === [...cl].sort().join('');
    const d = editDistance(sl, cl) - (anagram ? 0.5 : 0);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(s.length, 3) / 3));
  return bestD <= limit ? best : undefined;
}

// ---------------------------------------------------------------------------------------------
// Generic readers
// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a field name that is unknown here is valid elsewhere (for "did you mean simulation.dt?"). */
const HOME: Readonly<Record<string, string>> = {
  spec: '',
  randomModel: 'model',
  lowrankModel: 'model',
  lowrankMeans: 'model.means',
  lowrankCov: 'model.cov',
  simulation: 'simulation',
  init: 'simulation.init',
  theory: 'theory',
  quadrature: 'theory.quadrature',
};

/** A hint for a field name that is not valid here but is valid elsewhere ("it belongs in simulation"). */
function elsewhere(key: string, tableName: string, path: string): string | undefined {
  // Prefer sections nested below `path` (theory.method -> theory.quadrature), then the rest.
  const below = (t: string) => (HOME[t].startsWith(`${path}.`) ? 0 : 1);
  const tables = Object.keys(SPEC_TABLES).sort((a, b) => below(a) - below(b));
  for (const t of tables) {
    if (t === tableName || !Object.hasOwn(SPEC_TABLES[t].fields, key)) continue;
    const kind = Object.keys(MODEL_KINDS).find((k) => MODEL_KINDS[k] === t);
    if (kind !== undefined && path === 'model') return `it is a field of model kind "${kind}"`;
    if (HOME[t] === path) continue;
    return `it belongs in ${HOME[t] === '' ? 'the top level' : HOME[t]}`;
  }
  return undefined;
}

/** What a field must be, for "missing" messages. */
function describeRule(rule: FieldRule): string {
  switch (rule.type) {
    case 'number':
    case 'integer':
      return describeNumber(rule);
    case 'const':
      return quoteList([rule.const]);
    case 'enum':
      return quoteList(rule.enum);
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return describeArray(rule.items);
    case 'ref':
      return `an object with fields ${Object.keys(SPEC_TABLES[rule.ref].fields).join(', ')}`;
    case 'model':
      return `an object with a field "kind" (${quoteList(Object.keys(MODEL_KINDS))})`;
    case 'vectorR':
      return 'an array of numbers, one per rank (a single number when rank = 1)';
    case 'matrixR':
      return 'a rank x rank array of arrays of numbers (a single number when rank = 1)';
  }
}

function describeArray(items: NumberRule): string {
  const each = describeNumber(items)
    .replace(/^an integer/, 'integers')
    .replace(/^a number/, 'numbers')
    .replace(/^a finite (\w+)/, 'finite $1s');
  return `an array of distinct ${each}`;
}

/** Report unknown keys of `obj` (checked against `table`) with a suggestion; missing required keys. */
function checkKeys(ctx: Ctx, path: string, obj: Obj, tableName: string, context = ''): void {
  const table = SPEC_TABLES[tableName];
  const valid = Object.keys(table.fields);
  for (const key of Object.keys(obj)) {
    if (Object.hasOwn(table.fields, key)) continue;
    const other = elsewhere(key, tableName, path);
    const near = other === undefined ? closest(key, valid) : undefined;
    const hint = other !== undefined ? ` (${other})` : near !== undefined ? ` (did you mean "${near}"?)` : '';
    ctx.add(child(path, key), obj[key], `unknown field${context}${hint}; valid fields: ${valid.join(', ')}`);
  }
  for (const key of table.required) {
    if (obj[key] === undefined && !(tableName === 'spec' && key === 'dmftlab')) {
      ctx.add(child(path, key), undefined, `missing; required${context}: ${describeRule(table.fields[key])}`);
    }
  }
}

/** Check a number against a rule; returns it when valid. */
function checkNumber(ctx: Ctx, path: string, v: unknown, r: NumberRule): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v) || (r.type === 'integer' && !Number.isInteger(v))) {
    ctx.bad(path, v, describeNumber(r));
    return undefined;
  }
  if (
    (r.minimum !== undefined && v < r.minimum) ||
    (r.maximum !== undefined && v > r.maximum) ||
    (r.exclusiveMinimum !== undefined && v <= r.exclusiveMinimum) ||
    (r.exclusiveMaximum !== undefined && v >= r.exclusiveMaximum)
  ) {
    ctx.bad(path, v, describeNumber(r));
    return undefined;
  }
  return v;
}

/**
 * Read `obj[key]` by its table rule (number, enum, const, string, boolean, array of numbers); a
 * missing optional field gets the rule's default. Returns undefined when invalid or missing.
 */
function field(ctx: Ctx, path: string, obj: Obj, tableName: string, key: string): unknown {
  const rule = SPEC_TABLES[tableName].fields[key];
  const p = child(path, key);
  const v = obj[key];
  if (v === undefined) return 'default' in rule ? copyDefault(rule.default) : undefined;
  switch (rule.type) {
    case 'number':
    case 'integer':
      return checkNumber(ctx, p, v, rule);
    case 'enum':
      if (!rule.enum.includes(v as string | number)) {
        const near = typeof v === 'string' ? closest(v, rule.enum.filter((x): x is string => typeof x === 'string')) : undefined;
        ctx.bad(p, v, `${quoteList(rule.enum)}${near ? ` (did you mean "${near}"?)` : ''}`);
        return undefined;
      }
      return v;
    case 'const':
      if (v !== rule.const) {
        ctx.bad(p, v, quoteList([rule.const]));
        return undefined;
      }
      return v;
    case 'string':
      if (typeof v !== 'string') {
        ctx.bad(p, v, 'a string');
        return undefined;
      }
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') {
        ctx.bad(p, v, 'true or false');
        return undefined;
      }
      return v;
    case 'array': {
      if (!Array.isArray(v)) {
        ctx.bad(p, v, describeArray(rule.items));
        return undefined;
      }
      let ok = true;
      const seen = new Map<number, number>();
      const out: number[] = [];
      v.forEach((x, i) => {
        const y = checkNumber(ctx, at(p, i), x, rule.items);
        if (y === undefined) {
          ok = false;
          return;
        }
        const j = seen.get(y);
        if (j !== undefined) {
          ctx.add(at(p, i), x, `got ${show(x)} again (also at ${at(p, j)}); must list each value once`);
          ok = false;
        }
        seen.set(y, i);
        out.push(y);
      });
      return ok ? out : undefined;
    }
    default:
      throw new Error(`validate.ts: field ${p} has no generic reader`);
  }
}

function copyDefault(d: unknown): unknown {
  return Array.isArray(d) ? d.slice() : d;
}

/** Read an optional nested object: returns the object ({} when missing) or undefined when not an object. */
function section(ctx: Ctx, path: string, v: unknown, tableName: string): Obj | undefined {
  if (v === undefined) return {};
  if (!isObj(v)) {
    ctx.bad(path, v, `an object with fields ${Object.keys(SPEC_TABLES[tableName].fields).join(', ')}`);
    return undefined;
  }
  checkKeys(ctx, path, v, tableName);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Spec
// ---------------------------------------------------------------------------------------------

function readSpec(ctx: Ctx, input: unknown): Spec | undefined {
  if (!isObj(input)) {
    const hint = typeof input === 'string' ? ' (parse the JSON text with JSON.parse first)' : '';
    ctx.bad('', input, `an object with fields dmftlab, seed, model${hint}`);
    return undefined;
  }
  // A different format version: its fields may mean other things, so say only that.
  const ver = input.dmftlab;
  const supported = `supported spec format versions: ${SUPPORTED_SPEC_VERSIONS.join(', ')}`;
  if (typeof ver === 'number' && ver !== SPEC_VERSION) {
    const newer = Number.isInteger(ver) && ver > SPEC_VERSION ? `; version ${ver} is newer than this dmftlab` : '';
    ctx.bad('dmftlab', ver, `${SPEC_VERSION} (${supported}${newer})`);
    return undefined;
  }
  if (ver === undefined) {
    ctx.add('dmftlab', undefined, `missing; required: the spec format version, ${SPEC_VERSION} (${supported})`);
  } else if (ver !== SPEC_VERSION) {
    ctx.bad('dmftlab', ver, `the number ${SPEC_VERSION} (${supported})`);
  }
  checkKeys(ctx, '', input, 'spec');
  const seed = field(ctx, '', input, 'spec', 'seed') as number | undefined;
  let name: string | undefined;
  if (input.name !== undefined) name = field(ctx, '', input, 'spec', 'name') as string | undefined;

  const model = input.model === undefined ? undefined : readModel(ctx, 'model', input.model);
  const N = model?.N ?? validN(input.model);
  const sim = readSimulation(ctx, 'simulation', input.simulation, N, model?.kind ?? modelKind(input.model));
  const theory = readTheory(ctx, 'theory', input.theory);

  if (seed !== undefined && sim.networks !== undefined && seed > MAX_SEED - (sim.networks - 1)) {
    ctx.bad('seed', seed, `<= 2^53 - ${sim.networks} so that every network seed (seed .. seed + networks - 1) stays below 2^53`);
  }
  if (N !== undefined && sim.precision !== undefined) checkMemory(ctx, N, sim.precision);

  if (ctx.issues.length || seed === undefined || !model || !sim.value || !theory) return undefined;
  const spec: Spec = { dmftlab: SPEC_VERSION as 1, seed, model, simulation: sim.value, theory };
  if (name !== undefined) spec.name = name;
  return spec;
}

/** N of a (possibly invalid) model when N itself is valid: for the checks that depend on N. */
function validN(m: unknown): number | undefined {
  if (!isObj(m)) return undefined;
  const v = m.N;
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_N ? v : undefined;
}
function modelKind(m: unknown): string | undefined {
  return isObj(m) && typeof m.kind === 'string' ? m.kind : undefined;
}

function checkMemory(ctx: Ctx, N: number, precision: 'f64' | 'f32'): void {
  const bytesOf = (n: number, b: number) => n * (Math.ceil(n / 4) * 4) * b;
  const maxN = (b: number) => {
    let n = Math.floor(Math.sqrt(COUPLING_MEMORY_LIMIT / b));
    while (bytesOf(n, b) > COUPLING_MEMORY_LIMIT) n--;
    return n;
  };
  const b = precision === 'f64' ? 8 : 4;
  const need = bytesOf(N, b);
  if (need <= COUPLING_MEMORY_LIMIT) return;
  const gib = (x: number) => String(Number((x / 2 ** 30).toFixed(2)));
  const fix =
    precision === 'f64' && bytesOf(N, 4) <= COUPLING_MEMORY_LIMIT
      ? `set simulation.precision to "f32" (fits up to N = ${maxN(4)}) or use N <= ${maxN(8)}`
      : precision === 'f64'
        ? `use N <= ${maxN(8)}, or N <= ${maxN(4)} with simulation.precision "f32"`
        : `use N <= ${maxN(4)}`;
  ctx.add(
    'model.N',
    N,
    `got ${N}; the ${precision} coupling matrix needs ${gib(need)} GiB (N x N x ${b} bytes), more than the ${gib(COUPLING_MEMORY_LIMIT)} GiB limit: ${fix}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

function readModel(ctx: Ctx, path: string, v: unknown): Model | undefined {
  const kinds = Object.keys(MODEL_KINDS);
  if (!isObj(v)) {
    ctx.bad(path, v, `an object with a field "kind" (${quoteList(kinds)})`);
    return undefined;
  }
  const kind = v.kind;
  const kp = child(path, 'kind');
  if (kind === undefined) {
    ctx.add(kp, undefined, `missing; required: ${quoteList(kinds)}`);
    return undefined;
  }
  if (typeof kind !== 'string' || !Object.hasOwn(MODEL_KINDS, kind)) {
    const near = typeof kind === 'string' ? closest(kind, kinds) : undefined;
    ctx.bad(kp, kind, `${quoteList(kinds)}${near ? ` (did you mean "${near}"?)` : ''}`);
    return undefined;
  }
  const tableName = MODEL_KINDS[kind];
  checkKeys(ctx, path, v, tableName, ` for model kind "${kind}"`);
  const N = field(ctx, path, v, tableName, 'N') as number | undefined;
  const g = field(ctx, path, v, tableName, 'g') as number | undefined;
  const phi = readPhi(ctx, child(path, 'phi'), v.phi);
  if (kind === 'random') {
    if (N === undefined || g === undefined || phi === undefined) return undefined;
    const m: RandomModel = { kind: 'random', N, g, phi };
    return m;
  }
  const lr = readLowRank(ctx, path, v);
  if (N === undefined || g === undefined || phi === undefined || !lr) return undefined;
  const m: LowRankModel = { kind: 'lowrank', N, g, phi, ...lr };
  return m;
}

function readPhi(ctx: Ctx, path: string, v: unknown): string | undefined {
  if (v === undefined) return undefined; // reported as missing by checkKeys
  const names = phiNames();
  if (typeof v === 'string' && names.includes(v)) return v;
  const near = typeof v === 'string' ? closest(v, names) : undefined;
  ctx.bad(
    path,
    v,
    `the name of a registered phi: ${names.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}; add others with registerPhi`,
  );
  return undefined;
}

type LowRankParts = Pick<LowRankModel, 'rank' | 'means' | 'cov'>;

function readLowRank(ctx: Ctx, path: string, v: Obj): LowRankParts | undefined {
  const R = field(ctx, path, v, 'lowrankModel', 'rank') as number | undefined;
  const mp = child(path, 'means');
  const cp = child(path, 'cov');
  const rankNote = R === undefined ? '' : ` (model.rank = ${R})`;

  let means: LowRankParts['means'] | undefined;
  if (v.means !== undefined) {
    if (!isObj(v.means)) ctx.bad(mp, v.means, 'an object with fields m, n and optionally I');
    else {
      const o = v.means;
      checkKeys(ctx, mp, o, 'lowrankMeans');
      const m = o.m === undefined ? undefined : readVector(ctx, child(mp, 'm'), o.m, R, rankNote);
      const n = o.n === undefined ? undefined : readVector(ctx, child(mp, 'n'), o.n, R, rankNote);
      const I = field(ctx, mp, o, 'lowrankMeans', 'I') as number | undefined;
      if (m && n && I !== undefined) means = { m, n, I };
    }
  }

  let cov: LowRankParts['cov'] | undefined;
  if (v.cov !== undefined) {
    if (!isObj(v.cov)) ctx.bad(cp, v.cov, 'an object with fields mm, nn and optionally nm, mI, nI, II');
    else {
      const o = v.cov;
      checkKeys(ctx, cp, o, 'lowrankCov');
      const zeros = () => (R === undefined ? undefined : new Array<number>(R).fill(0));
      const zeros2 = () => (R === undefined ? undefined : Array.from({ length: R }, () => new Array<number>(R).fill(0)));
      const mm = o.mm === undefined ? undefined : readMatrix(ctx, child(cp, 'mm'), o.mm, R, rankNote, true);
      const nn = o.nn === undefined ? undefined : readMatrix(ctx, child(cp, 'nn'), o.nn, R, rankNote, true);
      const nm = o.nm === undefined ? zeros2() : readMatrix(ctx, child(cp, 'nm'), o.nm, R, rankNote, false);
      const mI = o.mI === undefined ? zeros() : readVector(ctx, child(cp, 'mI'), o.mI, R, rankNote);
      const nI = o.nI === undefined ? zeros() : readVector(ctx, child(cp, 'nI'), o.nI, R, rankNote);
      const II = field(ctx, cp, o, 'lowrankCov', 'II') as number | undefined;
      if (mm && nn && nm && mI && nI && II !== undefined) {
        cov = { mm, nn, nm, mI, nI, II };
        checkPsdInline(ctx, cp, cov);
      }
    }
  }
  if (R === undefined || !means || !cov) return undefined;
  return { rank: R, means, cov };
}

/** A rank-length vector; a single number stands for [x] when rank = 1. Checks elements even if rank is invalid. */
function readVector(ctx: Ctx, path: string, v: unknown, R: number | undefined, rankNote: string): number[] | undefined {
  const want = R === undefined ? 'an array of numbers, one per rank' : `an array of ${R} number${R === 1 ? '' : 's'}${rankNote}`;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      ctx.bad(path, v, `a finite number or ${want}`);
      return undefined;
    }
    if (R === 1) return [v];
    if (R !== undefined) ctx.bad(path, v, `${want}; a single number is accepted only when rank = 1`);
    return undefined;
  }
  if (!Array.isArray(v)) {
    ctx.bad(path, v, R === 1 ? `a number or ${want}` : want);
    return undefined;
  }
  let ok = true;
  const out = v.map((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      ctx.bad(at(path, i), x, 'a finite number');
      ok = false;
    }
    return x as number;
  });
  if (R !== undefined && v.length !== R) {
    ctx.bad(path, v, `${want}, not ${v.length}`);
    return undefined;
  }
  return ok && R !== undefined ? out : undefined;
}

/** A rank x rank matrix; a single number stands for [[x]] when rank = 1. */
function readMatrix(
  ctx: Ctx,
  path: string,
  v: unknown,
  R: number | undefined,
  rankNote: string,
  symmetric: boolean,
): number[][] | undefined {
  const name = path.slice(path.lastIndexOf('.') + 1);
  const want = R === undefined ? 'a rank x rank array of arrays of numbers' : `a ${R} x ${R} array of arrays of numbers${rankNote}`;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      ctx.bad(path, v, `a finite number or ${want}`);
      return undefined;
    }
    if (R === 1) {
      if (symmetric && v < 0) {
        ctx.bad(path, v, `>= 0 (the variance of ${name === 'mm' ? 'm_1' : 'n_1'})`);
        return undefined;
      }
      return [[v]];
    }
    if (R !== undefined) ctx.bad(path, v, `${want}; a single number is accepted only when rank = 1`);
    return undefined;
  }
  if (!Array.isArray(v)) {
    ctx.bad(path, v, R === 1 ? `a number or ${want}` : want);
    return undefined;
  }
  let ok = true;
  const rows: number[][] = [];
  v.forEach((row, i) => {
    const rp = at(path, i);
    if (!Array.isArray(row)) {
      ctx.bad(rp, row, R === undefined ? 'an array of numbers (one row)' : `an array of ${R} numbers (row ${i} of ${name})`);
      ok = false;
      return;
    }
    const r: number[] = [];
    row.forEach((x, j) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        ctx.bad(at(rp, j), x, 'a finite number');
        ok = false;
      }
      r.push(x as number);
    });
    if (R !== undefined && row.length !== R && v.length === R) {
      ctx.bad(rp, row, `an array of ${R} numbers (row ${i} of the ${R} x ${R} matrix ${name}), not ${row.length}`);
      ok = false;
    }
    rows.push(r);
  });
  if (R !== undefined && v.length !== R) {
    ctx.bad(path, v, `${want} (${R} rows), not ${v.length} rows`);
    return undefined;
  }
  if (!ok || R === undefined) return undefined;
  if (symmetric) {
    const vec = name === 'mm' ? 'm' : 'n';
    for (let i = 0; i < R; i++) {
      if (rows[i][i] < 0) {
        ctx.bad(at(at(path, i), i), rows[i][i], `>= 0 (the variance of ${vec}_${i + 1})`);
        ok = false;
      }
      for (let j = i + 1; j < R; j++) {
        const a = rows[i][j];
        const b = rows[j][i];
        if (Math.abs(a - b) > SYM_TOL * Math.max(1, Math.abs(a), Math.abs(b))) {
          ctx.bad(at(at(path, i), j), a, `equal to ${path}[${j}][${i}] = ${fmt(b)} (${name} is a covariance matrix, so symmetric)`);
          ok = false;
        }
      }
    }
  }
  return ok ? rows : undefined;
}

/** The joint covariance of (m_1..m_R, n_1..n_R, I) must be positive semidefinite. */
function checkPsdInline(ctx: Ctx, path: string, c: LowRankModel['cov']): void {
  const R = c.mm.length;
  const zeros = new Array<number>(R).fill(0);
  const S = covarianceMatrix({ kind: 'lowrank', rank: R, means: { m: zeros, n: zeros, I: 0 }, cov: c } as LowRankModel);
  // symmetrise mm/nn (equal within SYM_TOL already)
  for (let i = 0; i < S.length; i++) for (let j = 0; j < i; j++) S[i][j] = S[j][i] = 0.5 * (S[i][j] + S[j][i]);
  const ev = symmetricEigenvalues(S);
  const lmin = Math.min(...ev);
  const scale = Math.max(...ev.map(Math.abs));
  if (lmin >= -PSD_TOL * scale) return;
  ctx.add(
    path,
    S,
    `the joint covariance of (${componentNames(R).join(', ')}) is not positive semidefinite (most negative eigenvalue ${Number(lmin.toPrecision(4))}); must be a valid covariance: lower the covariances nm, mI, nI or raise the variances mm, nn, II`,
  );
}

// ---------------------------------------------------------------------------------------------
// Simulation
// ---------------------------------------------------------------------------------------------

/** k such that x = k * step (within MULTIPLE_TOL relative), or undefined. */
function multipleOf(x: number, step: number): number | undefined {
  const k = Math.round(x / step);
  return Math.abs(x - k * step) <= MULTIPLE_TOL * Math.max(Math.abs(x), step) ? k : undefined;
}

function readSimulation(
  ctx: Ctx,
  path: string,
  v: unknown,
  N: number | undefined,
  kind: string | undefined,
): { value?: SimulationSettings; networks?: number; precision?: SimulationSettings['precision'] } {
  const o = section(ctx, path, v, 'simulation');
  if (!o) return {};
  const f = (k: string) => field(ctx, path, o, 'simulation', k);
  const method = f('method') as SimulationSettings['method'] | undefined;
  const dt = f('dt') as number | undefined;
  const precision = f('precision') as SimulationSettings['precision'] | undefined;
  const tBurn = f('tBurn') as number | undefined;
  const tMeasure = f('tMeasure') as number | undefined;
  let sampleEvery = f('sampleEvery') as number | undefined;
  let blocks = f('blocks') as number | undefined;
  const networks = f('networks') as number | undefined;
  const sp = child(path, 'sampleEvery');

  if (sampleEvery !== undefined && dt !== undefined) {
    const k = multipleOf(sampleEvery, dt);
    if (k === undefined || k < 1) {
      const lo = Math.max(1, Math.floor(sampleEvery / dt));
      const sugg = [...new Set([lo, lo + 1])].map((j) => fmt(tidy(j * dt))).join(' or ');
      ctx.bad(sp, sampleEvery, `a positive multiple of simulation.dt = ${fmt(dt)} (e.g. ${sugg})`);
      sampleEvery = undefined;
    }
  }
  if (sampleEvery !== undefined && tMeasure !== undefined && sampleEvery > tMeasure) {
    ctx.bad(sp, sampleEvery, `<= simulation.tMeasure = ${fmt(tMeasure)}`);
    sampleEvery = undefined;
  }
  if (blocks !== undefined && sampleEvery !== undefined && tMeasure !== undefined) {
    const samples = Math.floor(tMeasure / sampleEvery + MULTIPLE_TOL);
    if (samples < blocks) {
      ctx.bad(
        child(path, 'blocks'),
        blocks,
        `<= the number of samples tMeasure / sampleEvery = ${samples}: lower blocks or sampleEvery, or raise tMeasure`,
      );
      blocks = undefined;
    }
  }

  // traceUnits: explicit ones must be < N; the default drops units >= N.
  let traceUnits: number[] | undefined;
  const tp = child(path, 'traceUnits');
  if (o.traceUnits === undefined) {
    traceUnits = DEFAULT_TRACE_UNITS.filter((i) => N === undefined || i < N);
  } else {
    traceUnits = f('traceUnits') as number[] | undefined;
    if (traceUnits && N !== undefined) {
      traceUnits.forEach((u, i) => {
        if (u >= N) {
          ctx.bad(at(tp, i), u, `a unit index in [0, ${N - 1}] (model.N = ${N})`);
          traceUnits = undefined;
        }
      });
    }
  }

  // lags: explicit ones must be multiples of sampleEvery below tMeasure; defaults are rounded to fit.
  let lags: number[] | undefined;
  const lp = child(path, 'lags');
  if (o.lags === undefined) {
    if (sampleEvery !== undefined && tMeasure !== undefined) {
      const ks = [...new Set(DEFAULT_LAGS.map((l) => Math.round(l / sampleEvery!)))];
      lags = ks.map((k) => tidy(k * sampleEvery!)).filter((l) => l < tMeasure);
    }
  } else {
    lags = f('lags') as number[] | undefined;
    if (lags) {
      lags.forEach((l, i) => {
        if (sampleEvery !== undefined && multipleOf(l, sampleEvery) === undefined) {
          const lo = Math.floor(l / sampleEvery!);
          ctx.bad(
            at(lp, i),
            l,
            `a multiple of simulation.sampleEvery = ${fmt(sampleEvery!)} (e.g. ${fmt(tidy(lo * sampleEvery!))} or ${fmt(tidy((lo + 1) * sampleEvery!))})`,
          );
          lags = undefined;
        } else if (tMeasure !== undefined && l >= tMeasure) {
          ctx.bad(at(lp, i), l, `< simulation.tMeasure = ${fmt(tMeasure)}`);
          lags = undefined;
        }
      });
    }
  }

  const init = readInit(ctx, child(path, 'init'), o.init, kind);
  const se = sampleEvery;
  const bl = blocks;
  const tu = traceUnits;
  const lg = lags;
  const ok =
    method !== undefined &&
    dt !== undefined &&
    precision !== undefined &&
    tBurn !== undefined &&
    tMeasure !== undefined &&
    se !== undefined &&
    bl !== undefined &&
    networks !== undefined &&
    tu !== undefined &&
    lg !== undefined &&
    init !== undefined;
  // networks and precision are returned even when something else failed: the seed range and the
  // memory check need them.
  if (!ok) return { networks, precision };
  return {
    networks,
    precision,
    value: { method, dt, precision, tBurn, tMeasure, sampleEvery: se, blocks: bl, networks, traceUnits: tu, lags: lg, init },
  };
}

function readInit(ctx: Ctx, path: string, v: unknown, kind: string | undefined): InitSettings | undefined {
  const o = section(ctx, path, v, 'init');
  if (!o) return undefined;
  const f = (k: string) => field(ctx, path, o, 'init', k);
  const ik = f('kind') as InitSettings['kind'] | undefined;
  const scale = f('scale') as number | undefined;
  const sign = f('sign') as InitSettings['sign'] | undefined;
  const c = f('c') as number | undefined;
  if (ik === 'branch' && kind !== undefined && kind !== 'lowrank') {
    ctx.bad(child(path, 'kind'), ik, `"random" for model kind "${kind}" ("branch" starts along m_1 and needs model kind "lowrank")`);
    return undefined;
  }
  if (ik === undefined || scale === undefined || sign === undefined || c === undefined) return undefined;
  return { kind: ik, scale, sign, c };
}

// ---------------------------------------------------------------------------------------------
// Theory
// ---------------------------------------------------------------------------------------------

function readTheory(ctx: Ctx, path: string, v: unknown): TheorySettings | undefined {
  const o = section(ctx, path, v, 'theory');
  if (!o) return undefined;
  const f = (k: string) => field(ctx, path, o, 'theory', k);
  const qp = child(path, 'quadrature');
  const q = section(ctx, qp, o.quadrature, 'quadrature');
  let quadrature: QuadratureSettings | undefined;
  if (q) {
    const g = (k: string) => field(ctx, qp, q, 'quadrature', k);
    const method = g('method') as QuadratureSettings['method'] | undefined;
    const order = g('order') as number | undefined;
    const zMax = g('zMax') as number | undefined;
    const hx = g('hx') as number | undefined;
    const closedForms = g('closedForms') as boolean | undefined;
    if (method !== undefined && order !== undefined && zMax !== undefined && hx !== undefined && closedForms !== undefined) {
      quadrature = { method, order, zMax, hx, closedForms };
    }
  }
  const tol = f('tol') as number | undefined;
  const maxIter = f('maxIter') as number | undefined;
  const tauMax = f('tauMax') as number | undefined;
  const tauPoints = f('tauPoints') as number | undefined;
  if (!quadrature || tol === undefined || maxIter === undefined || tauMax === undefined || tauPoints === undefined) {
    return undefined;
  }
  return { quadrature, tol, maxIter, tauMax, tauPoints };
}
