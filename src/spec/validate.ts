/**
 * Validator for spec format version 1 (docs/SPEC.md). It checks a plain-JSON spec, fills every
 * default and returns a fresh `Spec` (src/spec/types.ts). All problems are collected, each as one
 * line that names the field path, the value found and what would be valid.
 *
 * The simple per-field rules live in `SPEC_TABLES`, which mirror schema/spec.schema.json keyword
 * for keyword; tests/spec.test.ts checks that the two agree. Checks that JSON Schema cannot state
 * (lengths that depend on `rank` or `P`, symmetry, positive (semi)definiteness, multiples of `dt`,
 * indices below `N`, ordered schedule times, the phi registry, memory) are written out below.
 */
import { getPhi, phiNames } from '../phi.js';
import { covarianceMatrix, symmetricEigenvalues, componentNames } from '../sim/lowrank-vectors.js';
import { autoReadoutScale, minReadoutVariance, readoutScaleAdmissible, symmetricEigen } from '../sim/multiregion-vectors.js';
import { canonicalJson, specHash } from './hash.js';
import type {
  DmftSettings,
  InitSettings,
  LowRankModel,
  Model,
  MultiregionInputStep,
  MultiregionInteractions,
  MultiregionModel,
  QuadratureSettings,
  RandomModel,
  RandomModeModel,
  RandomModeSpectrum,
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
  | { type: 'matrixR' }
  /**
   * One number per region, or a single number for every region (schema: oneOf [number, array of
   * numbers], both with the bounds of `items`); with `auto`, also the string "auto".
   */
  | { type: 'perRegion'; items: NumberRule; auto?: true; default?: number | 'auto' }
  /** P, P x P or P x P x P nested arrays of finite numbers (schema: $ref vectorP, matrixP, tensorP). */
  | { type: 'arrayP'; ref: 'vectorP' | 'matrixP' | 'tensorP' }
  /** P signs, each 1 or -1 (schema: array of enum [1, -1]). */
  | { type: 'signsP' }
  /** A table's object or a $defs array, or null; missing means null (schema: oneOf [null, $ref], default null). */
  | { type: 'refOrNull'; ref: string }
  /** One of several tables told apart by their field "kind" (schema: oneOf over the $refs). */
  | { type: 'union'; kinds: Readonly<Record<string, string>> }
  /** A non-empty array of objects of one table (schema: array, minItems 1, items $ref). */
  | { type: 'list'; ref: string }
  /** A non-empty array of numbers, repeats allowed (schema: array, minItems 1, items with the bounds of `items`). */
  | { type: 'numbers'; items: NumberRule }
  /**
   * One number per random mode, or a single number for every mode (schema: oneOf [number, non-empty
   * array of numbers], both with the bounds of `items`); the array length (P) is checked by the validator.
   */
  | { type: 'perMode'; items: NumberRule };

/** @internal */
export interface Table {
  required: readonly string[];
  fields: Readonly<Record<string, FieldRule>>;
}

const MAX_SEED = Number.MAX_SAFE_INTEGER; // 2^53 - 1
const MAX_RANK = 16;
const MAX_P = 16;
/** Largest time grid of the multiregion two-time DMFT (round(duration / dt) + 1 points). */
export const MAX_DMFT_POINTS = 200000;
const MAX_N = 100000;
/** Most trajectories per network (simulation.trials). */
const MAX_TRIALS = 1024;
/** Largest alpha = P / N of a random-mode spectrum (flat, powerLaw). */
const MAX_ALPHA = 100;
/** Largest number of random modes P (powerLaw P; a list's length is bounded by the memory check). */
const MAX_MODES = MAX_N * MAX_ALPHA;
/**
 * Largest N x P input-mode matrix V (f64 entries) that building a random-mode coupling keeps in
 * memory (src/sim/random-mode.ts): 2^27 entries = 1 GiB.
 */
export const RANDOM_MODE_FACTOR_LIMIT = 2 ** 27;
const IDENT = '^[A-Za-z][A-Za-z0-9_-]*$';

const N_RULE: NumberRule = { type: 'integer', minimum: 1, maximum: MAX_N };
const G_RULE: NumberRule = { type: 'number', minimum: 0, maximum: 100 };
const PHI_RULE: FieldRule = { type: 'string', pattern: IDENT };

/** Default `simulation.dt` of model kind multiregion (with method "euler"; spec 02 §1.5). */
const MULTIREGION_DT = 0.05;
/** Default `simulation.traceUnits` (units >= N are dropped). */
const DEFAULT_TRACE_UNITS: readonly number[] = [0, 1, 2, 3, 4];
/** Default `simulation.lags` (rounded to multiples of sampleEvery; lags >= tMeasure dropped). */
const DEFAULT_LAGS: readonly number[] = [0, 0.5, 1, 2, 4, 8, 16];

/** @internal Model kinds and the table ($defs name) of each. New kinds add an entry here. */
export const MODEL_KINDS: Readonly<Record<string, string>> = {
  random: 'randomModel',
  lowrank: 'lowrankModel',
  multiregion: 'multiregionModel',
  randomMode: 'randomModeModel',
};

/** @internal Kinds of `model.spectrum` (randomMode) and the table of each. */
export const SPECTRUM_KINDS: Readonly<Record<string, string>> = {
  list: 'listSpectrum',
  flat: 'flatSpectrum',
  exponential: 'exponentialSpectrum',
  powerLaw: 'powerLawSpectrum',
};

/** @internal Kinds of `model.interactions` (multiregion) and the table of each. */
export const INTERACTION_KINDS: Readonly<Record<string, string>> = {
  tensor: 'tensorInteractions',
  symmetric: 'symmetricInteractions',
  ab: 'abInteractions',
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
  multiregionModel: {
    required: ['kind', 'P', 'N', 'g', 'phi', 'interactions'],
    fields: {
      kind: { type: 'const', const: 'multiregion' },
      P: { type: 'integer', minimum: 1, maximum: MAX_P },
      N: N_RULE,
      g: { type: 'perRegion', items: G_RULE },
      phi: PHI_RULE,
      interactions: { type: 'union', kinds: INTERACTION_KINDS },
      T: { type: 'arrayP', ref: 'tensorP' },
      U: { type: 'arrayP', ref: 'tensorP' },
      readoutScale: { type: 'perRegion', items: { type: 'number', exclusiveMinimum: 0 }, auto: true, default: 'auto' },
      crossDisorder: { type: 'refOrNull', ref: 'matrixP' },
      coupling: { type: 'enum', enum: ['independent', 'shared'], default: 'independent' },
      start: { type: 'ref', ref: 'multiregionStart' },
      input: { type: 'refOrNull', ref: 'multiregionInput' },
    },
  },
  tensorInteractions: {
    required: ['kind', 'T'],
    fields: { kind: { type: 'const', const: 'tensor' }, T: { type: 'arrayP', ref: 'tensorP' } },
  },
  symmetricInteractions: {
    required: ['kind', 'c'],
    fields: { kind: { type: 'const', const: 'symmetric' }, c: { type: 'arrayP', ref: 'matrixP' } },
  },
  abInteractions: {
    required: ['kind', 'a', 'b', 'signs'],
    fields: {
      kind: { type: 'const', const: 'ab' },
      a: { type: 'arrayP', ref: 'vectorP' },
      b: { type: 'arrayP', ref: 'vectorP' },
      signs: { type: 'signsP' },
    },
  },
  multiregionStart: {
    required: [],
    fields: {
      S: { type: 'arrayP', ref: 'matrixP' },
      sigma0: { type: 'perRegion', items: { type: 'number', minimum: 0 }, default: 1 },
    },
  },
  multiregionInput: {
    required: ['V', 'schedule'],
    fields: { V: { type: 'arrayP', ref: 'matrixP' }, schedule: { type: 'list', ref: 'inputStep' } },
  },
  inputStep: {
    required: ['t', 'I'],
    fields: { t: { type: 'number', minimum: 0 }, I: { type: 'arrayP', ref: 'vectorP' } },
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
      dimension: { type: 'enum', enum: ['x', 'phi'] },
      trials: { type: 'integer', minimum: 1, maximum: MAX_TRIALS },
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
      dmft: { type: 'ref', ref: 'dmft' },
    },
  },
  dmft: {
    required: [],
    fields: {
      dt: { type: 'number', exclusiveMinimum: 0, maximum: 0.1, default: 0.05 },
      duration: { type: 'number', exclusiveMinimum: 0, default: 150 },
      window: { type: 'number', minimum: 0, default: 50 },
      checkWindow: { type: 'boolean', default: true },
      refTimes: { type: 'array', items: { type: 'number', minimum: 0 }, uniqueItems: true, default: [] },
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
  randomModeModel: {
    required: ['kind', 'N', 'phi', 'spectrum'],
    fields: {
      kind: { type: 'const', const: 'randomMode' },
      N: N_RULE,
      g: G_RULE,
      phi: PHI_RULE,
      spectrum: { type: 'union', kinds: SPECTRUM_KINDS },
      overlap: { type: 'refOrNull', ref: 'modeOverlap' },
      heterogeneity: { type: 'refOrNull', ref: 'lognormalHeterogeneity' },
    },
  },
  listSpectrum: {
    required: ['kind', 'D'],
    fields: { kind: { type: 'const', const: 'list' }, D: { type: 'numbers', items: { type: 'number', minimum: 0 } } },
  },
  flatSpectrum: {
    required: ['kind', 'alpha'],
    fields: { kind: { type: 'const', const: 'flat' }, alpha: { type: 'number', exclusiveMinimum: 0, maximum: MAX_ALPHA } },
  },
  exponentialSpectrum: {
    required: ['kind', 'tau'],
    fields: { kind: { type: 'const', const: 'exponential' }, tau: { type: 'number', exclusiveMinimum: 0, maximum: 1000 } },
  },
  powerLawSpectrum: {
    required: ['kind', 'gamma'],
    fields: {
      kind: { type: 'const', const: 'powerLaw' },
      gamma: { type: 'number', minimum: 0, maximum: 10 },
      P: { type: 'integer', minimum: 1, maximum: MAX_MODES },
      alpha: { type: 'number', exclusiveMinimum: 0, maximum: MAX_ALPHA },
    },
  },
  modeOverlap: {
    required: ['c'],
    fields: { c: { type: 'perMode', items: { type: 'number', minimum: -1, maximum: 1 } } },
  },
  lognormalHeterogeneity: {
    required: ['kind', 'sd'],
    fields: { kind: { type: 'const', const: 'lognormal' }, sd: { type: 'number', minimum: 0, maximum: 2 } },
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
/** A matrix is positive definite when its smallest eigenvalue exceeds PD_TOL * (largest |eigenvalue|). */
const PD_TOL = 1e-12;

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
  multiregionModel: 'model',
  tensorInteractions: 'model.interactions',
  symmetricInteractions: 'model.interactions',
  abInteractions: 'model.interactions',
  multiregionStart: 'model.start',
  multiregionInput: 'model.input',
  inputStep: 'model.input.schedule',
  simulation: 'simulation',
  init: 'simulation.init',
  theory: 'theory',
  quadrature: 'theory.quadrature',
  dmft: 'theory.dmft',
  randomModeModel: 'model',
  listSpectrum: 'model.spectrum',
  flatSpectrum: 'model.spectrum',
  exponentialSpectrum: 'model.spectrum',
  powerLawSpectrum: 'model.spectrum',
  modeOverlap: 'model.overlap',
  lognormalHeterogeneity: 'model.heterogeneity',
};

/** Objects whose table is picked by their field "kind": where they sit, and what their kinds are called. */
const UNIONS: Readonly<Record<string, { label: string; kinds: Readonly<Record<string, string>> }>> = {
  model: { label: 'model kind', kinds: MODEL_KINDS },
  'model.interactions': { label: 'interactions kind', kinds: INTERACTION_KINDS },
  'model.spectrum': { label: 'spectrum kind', kinds: SPECTRUM_KINDS },
};

/** A hint for a field name that is not valid here but is valid elsewhere ("it belongs in simulation"). */
function elsewhere(key: string, tableName: string, path: string): string | undefined {
  // Prefer sections nested below `path` (theory.method -> theory.quadrature), then the rest.
  // (only sections this table has: a model's spectrum is no hint for a random model)
  const below = (t: string) =>
    HOME[t].startsWith(`${path}.`) && Object.hasOwn(SPEC_TABLES[tableName].fields, HOME[t].slice(path.length + 1).split('.')[0]) ? 0 : 1;
  const tables = Object.keys(SPEC_TABLES).sort((a, b) => below(a) - below(b));
  for (const t of tables) {
    if (t === tableName || !Object.hasOwn(SPEC_TABLES[t].fields, key)) continue;
    const union = Object.hasOwn(UNIONS, path) ? UNIONS[path] : undefined;
    const kind = union && Object.keys(union.kinds).find((k) => union.kinds[k] === t);
    if (union && kind !== undefined) return `it is a field of ${union.label} "${kind}"`;
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
    case 'perRegion':
      return `${describeNumber(rule.items)} or an array of such numbers, one per region${rule.auto ? ', or "auto"' : ''}`;
    case 'arrayP':
      return ARRAY_P_TEXT[rule.ref];
    case 'signsP':
      return 'an array of signs, each 1 or -1, one per region';
    case 'refOrNull':
      return `null or ${rule.ref in ARRAY_P_TEXT ? ARRAY_P_TEXT[rule.ref] : `an object with fields ${Object.keys(SPEC_TABLES[rule.ref].fields).join(', ')}`}`;
    case 'union':
      return `an object with a field "kind" (${quoteList(Object.keys(rule.kinds))})`;
    case 'list':
      return `a non-empty array of objects with fields ${Object.keys(SPEC_TABLES[rule.ref].fields).join(', ')}`;
    case 'numbers':
      return `a non-empty array of ${describeArray(rule.items).replace(/^an array of distinct /, '')}`;
    case 'perMode':
      return `${describeNumber(rule.items)} or an array of such numbers, one per mode`;
  }
}

const ARRAY_P_TEXT: Readonly<Record<string, string>> = {
  vectorP: 'an array of numbers, one per region',
  matrixP: 'a P x P array of arrays of numbers',
  tensorP: 'a P x P x P array of arrays of arrays of numbers',
};

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
  const kind = model?.kind ?? modelKind(input.model);
  const sim = readSimulation(ctx, 'simulation', input.simulation, N, kind);
  const theory = readTheory(ctx, 'theory', input.theory, kind);

  if (seed !== undefined && sim.networks !== undefined && seed > MAX_SEED - (sim.networks - 1)) {
    ctx.bad('seed', seed, `<= 2^53 - ${sim.networks} so that every network seed (seed .. seed + networks - 1) stays below 2^53`);
  }
  if (N !== undefined && sim.precision !== undefined) {
    // a multiregion model needs P (and its coupling) to count its matrices: checked once it is valid
    if (model?.kind === 'multiregion') checkMemory(ctx, N, sim.precision, multiregionMatrices(model));
    else if (kind !== 'multiregion') checkMemory(ctx, N, sim.precision);
  }
  if (N !== undefined && sim.value?.trials && !ctx.issues.length) {
    checkTrialMemory(ctx, sim.value, N, N * (Math.ceil(N / 4) * 4) * (sim.value.precision === 'f64' ? 8 : 4));
  }
  if (N !== undefined && sim.value?.dimension && !ctx.issues.length) {
    const units = model?.kind === 'multiregion' ? model.P * N : N;
    const mats = model?.kind === 'multiregion' ? multiregionMatrices(model).count : 1;
    checkCovarianceMemory(ctx, sim.value.dimension, units, sim.value.blocks, mats * N * (Math.ceil(N / 4) * 4) * (sim.value.precision === 'f64' ? 8 : 4));
  }

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

/** The N x N matrices a multiregion simulation stores (see docs/SPEC.md, Memory). */
interface MatrixCount {
  /** How many N x N matrices. */
  count: number;
  /** What they are, for the message. */
  what: string;
  /** Whether coupling "shared" (one matrix) is possible for this model and would save memory. */
  sharedHelps: boolean;
}

function multiregionMatrices(m: MultiregionModel): MatrixCount {
  let cross = 0;
  m.crossDisorder?.forEach((row, a) => row.forEach((x, b) => (cross += a !== b && x > 0 ? 1 : 0)));
  // without any disorder the simulation stores no matrix (src/sim/multiregion.ts: `dense`)
  if (cross === 0 && m.g.every((g) => g === 0)) return { count: 0, what: 'no matrix (g = 0)', sharedHelps: false };
  if (m.coupling === 'shared') return { count: 1, what: 'one matrix shared by the regions', sharedHelps: false };
  const what = `one per region${cross ? ` and one per cross-region block with g_ab > 0` : ''}`;
  return { count: m.P + cross, what, sharedHelps: m.P > 1 && !m.crossDisorder && !m.input && isOddPhi(m.phi) };
}

function checkMemory(ctx: Ctx, N: number, precision: 'f64' | 'f32', mats?: MatrixCount): void {
  const K = mats?.count ?? 1;
  const bytesOf = (n: number, b: number, k = K) => k * n * (Math.ceil(n / 4) * 4) * b;
  const maxN = (b: number, k = K) => {
    let n = Math.floor(Math.sqrt(COUPLING_MEMORY_LIMIT / b / k));
    while (bytesOf(n, b, k) > COUPLING_MEMORY_LIMIT) n--;
    return n;
  };
  const b = precision === 'f64' ? 8 : 4;
  const need = bytesOf(N, b);
  if (need <= COUPLING_MEMORY_LIMIT) return;
  const gib = (x: number) => String(Number((x / 2 ** 30).toFixed(2)));
  let fix =
    precision === 'f64' && bytesOf(N, 4) <= COUPLING_MEMORY_LIMIT
      ? `set simulation.precision to "f32" (fits up to N = ${maxN(4)}) or use N <= ${maxN(8)}`
      : precision === 'f64'
        ? `use N <= ${maxN(8)}, or N <= ${maxN(4)} with simulation.precision "f32"`
        : `use N <= ${maxN(4)}`;
  if (mats?.sharedHelps) fix += `, or set model.coupling to "shared" (one matrix: fits up to N = ${maxN(b, 1)})`;
  const matrices = K === 1 ? `${precision} coupling matrix needs` : `${K} ${precision} coupling matrices (${mats!.what}) need`;
  const size = K === 1 ? `N x N x ${b} bytes` : `${K} x N x N x ${b} bytes`;
  ctx.add(
    'model.N',
    N,
    `got ${N}; the ${matrices} ${gib(need)} GiB (${size}), more than the ${gib(COUPLING_MEMORY_LIMIT)} GiB limit: ${fix}`,
  );
}

/**
 * Bytes of the block covariance sums of `simulation.dimension` (src/sim/simulate.ts, src/sim/multiregion.ts):
 * blocks x units x ld f64 for the lower triangles (rows padded to ld = a multiple of 8, src/sim/layout.ts)
 * and blocks x ld for the block sums.
 */
export function covarianceBytes(units: number, blocks: number): number {
  const ld = Math.ceil(units / 8) * 8;
  return blocks * (units + 1) * ld * 8;
}

/**
 * Bytes of the per-trial buffers of a single-population run (src/sim/simulate.ts buildNetwork): state,
 * stage and accumulator vectors, two phi buffers and y (6 padded vectors), the history ring (max lag + 1
 * vectors), per-unit sums, recorded series (mean, m^2, autocovariances, kappa, traces per sample) and the
 * kappa scratch of 256 threads.
 */
export function trialBytes(sim: SimulationSettings, N: number, rank = 0): number {
  const ld = Math.ceil(N / 8) * 8;
  const samples = Math.max(1, Math.floor(sim.tMeasure / sim.sampleEvery + MULTIPLE_TOL));
  const H = Math.max(1, ...sim.lags.map((l) => Math.round(l / sim.sampleEvery))) + 1;
  const perSample = 2 + Math.max(1, sim.lags.length) + Math.max(1, rank) + Math.max(1, sim.traceUnits.length);
  return 8 * (ld * (7 + H) + samples * perSample + 64 * 256);
}

function checkTrialMemory(ctx: Ctx, sim: SimulationSettings, N: number, couplingBytes: number): void {
  const K = sim.trials ?? 1;
  const per = trialBytes(sim, N);
  if (K * per + couplingBytes <= COUPLING_MEMORY_LIMIT) return;
  const gib = (x: number) => String(Number((x / 2 ** 30).toFixed(2)));
  const maxK = Math.max(0, Math.floor((COUPLING_MEMORY_LIMIT - couplingBytes) / per));
  ctx.add(
    'simulation.trials',
    K,
    `got ${K}; ${K} trials of ${N} units need ${gib(K * per)} GiB of state and recorded series (${gib(per)} GiB each), with the coupling ${gib(K * per + couplingBytes)} GiB, more than the ${gib(COUPLING_MEMORY_LIMIT)} GiB limit: ${maxK >= 2 ? `use simulation.trials <= ${maxK}, fewer samples or lags, or a smaller N` : 'use fewer samples or lags, or a smaller N'}`,
  );
}

function checkCovarianceMemory(ctx: Ctx, dimension: string, units: number, blocks: number, couplingBytes: number): void {
  const need = covarianceBytes(units, blocks);
  if (need + couplingBytes <= COUPLING_MEMORY_LIMIT) return;
  const gib = (x: number) => String(Number((x / 2 ** 30).toFixed(2)));
  let maxB = 0;
  while (maxB < blocks && covarianceBytes(units, maxB + 1) + couplingBytes <= COUPLING_MEMORY_LIMIT) maxB++;
  const fix = maxB >= 3 ? `use simulation.blocks <= ${maxB}, or a smaller N` : 'use a smaller N';
  ctx.add(
    'simulation.dimension',
    dimension,
    `got "${dimension}"; the covariance sums of ${blocks} blocks over ${units} units need ${gib(need)} GiB (blocks x units^2 x 8 bytes), with the coupling ${gib(need + couplingBytes)} GiB, more than the ${gib(COUPLING_MEMORY_LIMIT)} GiB limit: ${fix}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

/** An object whose table is picked by its field "kind" (model, interactions): the kind, or undefined after reporting. */
function readKind(ctx: Ctx, path: string, v: unknown, kinds: Readonly<Record<string, string>>): { kind: string; obj: Obj } | undefined {
  const names = Object.keys(kinds);
  if (!isObj(v)) {
    ctx.bad(path, v, `an object with a field "kind" (${quoteList(names)})`);
    return undefined;
  }
  const kind = v.kind;
  const kp = child(path, 'kind');
  if (kind === undefined) {
    ctx.add(kp, undefined, `missing; required: ${quoteList(names)}`);
    return undefined;
  }
  if (typeof kind !== 'string' || !Object.hasOwn(kinds, kind)) {
    const near = typeof kind === 'string' ? closest(kind, names) : undefined;
    ctx.bad(kp, kind, `${quoteList(names)}${near ? ` (did you mean "${near}"?)` : ''}`);
    return undefined;
  }
  return { kind, obj: v };
}

function readModel(ctx: Ctx, path: string, input: unknown): Model | undefined {
  const k = readKind(ctx, path, input, MODEL_KINDS);
  if (!k) return undefined;
  const { kind, obj: v } = k;
  const tableName = MODEL_KINDS[kind];
  checkKeys(ctx, path, v, tableName, ` for model kind "${kind}"`);
  const N = field(ctx, path, v, tableName, 'N') as number | undefined;
  if (kind === 'multiregion') {
    const phi = readPhi(ctx, child(path, 'phi'), v.phi);
    const mr = readMultiregion(ctx, path, v, phi);
    if (N === undefined || phi === undefined || !mr) return undefined;
    const m: MultiregionModel = {
      kind: 'multiregion',
      P: mr.P,
      N,
      g: mr.g,
      phi,
      interactions: mr.interactions,
      T: mr.T,
      U: mr.U,
      readoutScale: mr.readoutScale,
      crossDisorder: mr.crossDisorder,
      coupling: mr.coupling,
      start: mr.start,
      input: mr.input,
    };
    return m;
  }
  if (kind === 'randomMode') {
    const phi = readPhi(ctx, child(path, 'phi'), v.phi);
    const rm = readRandomMode(ctx, path, v, N);
    if (N === undefined || phi === undefined || !rm) return undefined;
    const m: RandomModeModel = { kind: 'randomMode', N, g: rm.g, phi, spectrum: rm.spectrum, overlap: rm.overlap, heterogeneity: rm.heterogeneity };
    return m;
  }
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
// Multiregion model (spec 02)
// ---------------------------------------------------------------------------------------------

type MultiregionParts = Omit<MultiregionModel, 'kind' | 'N' | 'phi'>;

const pNote = (P: number | undefined) => (P === undefined ? '' : ` (model.P = ${P})`);

/**
 * Nested arrays of `depth` levels with P entries at each level and finite numbers at the bottom;
 * `elem` adds a condition on each number (returns what it must be, or undefined when fine). Elements
 * are checked even when P is invalid; lengths only when P is known.
 */
function readArrayP(
  ctx: Ctx,
  path: string,
  v: unknown,
  depth: 1 | 2 | 3,
  P: number | undefined,
  elem?: (x: number, idx: number[]) => string | undefined,
): unknown {
  const shape = (d: number) => (P === undefined ? '' : `${Array.from({ length: d }, () => P).join(' x ')} `);
  const what = (d: number) =>
    d === 1
      ? `an array of ${P === undefined ? 'numbers, one per region' : `${P} number${P === 1 ? '' : 's'}`}`
      : `a ${shape(d)}array of ${d === 2 ? 'arrays of numbers' : 'arrays of arrays of numbers'}`;
  let ok = true;
  const walk = (x: unknown, p: string, d: number, idx: number[]): unknown => {
    if (d === 0) {
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        ctx.bad(p, x, 'a finite number');
        ok = false;
        return x;
      }
      const why = elem?.(x, idx);
      if (why !== undefined) {
        ctx.bad(p, x, why);
        ok = false;
      }
      return x;
    }
    if (!Array.isArray(x)) {
      ctx.bad(p, x, `${what(d)}${pNote(P)}`);
      ok = false;
      return undefined;
    }
    if (P !== undefined && x.length !== P) {
      ctx.bad(p, x, `${what(d)}${pNote(P)}, not ${x.length}`);
      ok = false;
      return undefined;
    }
    return x.map((y, i) => walk(y, at(p, i), d - 1, [...idx, i]));
  };
  const out = walk(v, path, depth, []);
  return ok && P !== undefined ? out : undefined;
}

/** A number for every region, or one number for all (or "auto" when the rule allows it). */
function readPerRegion(ctx: Ctx, path: string, v: unknown, P: number | undefined, rule: FieldRule & { type: 'perRegion' }): number[] | 'auto' | undefined {
  if (rule.auto && v === 'auto') return 'auto';
  const want = `${describeNumber(rule.items)} or an array of ${P === undefined ? 'such numbers, one per region' : `${P} such numbers, one per region${pNote(P)}`}${rule.auto ? ', or "auto"' : ''}`;
  if (typeof v === 'number') {
    const x = checkNumber(ctx, path, v, rule.items);
    return x === undefined || P === undefined ? undefined : new Array<number>(P).fill(x);
  }
  return readLengthP(ctx, path, v, P, rule.items, want);
}

/**
 * An array of P numbers, each checked against `items` (every bad element reported); P undefined:
 * elements checked, nothing returned. `want` says what would be valid.
 */
function readLengthP(ctx: Ctx, path: string, v: unknown, P: number | undefined, items: NumberRule, want: string): number[] | undefined {
  if (!Array.isArray(v) || v.length === 0) {
    ctx.bad(path, v, want);
    return undefined;
  }
  let ok = true;
  const out = v.map((x, i) => {
    const y = checkNumber(ctx, at(path, i), x, items);
    if (y === undefined) ok = false;
    return y as number;
  });
  if (P !== undefined && v.length !== P) {
    ctx.bad(path, v, `${want}, not ${v.length}`);
    return undefined;
  }
  return ok && P !== undefined ? out : undefined;
}

const eye = (P: number) => Array.from({ length: P }, (_, i) => Array.from({ length: P }, (_, j): number => (i === j ? 1 : 0)));
const zerosP = (P: number) => Array.from({ length: P }, () => new Array<number>(P).fill(0));
const nearlyEqual = (a: number, b: number) => Math.abs(a - b) <= SYM_TOL * Math.max(1, Math.abs(a), Math.abs(b));
/** x rounded to 6 significant digits, upwards when rounding to nearest would make it inadmissible. */
function roundedMinimum(x: number, ok: (y: number) => boolean): number {
  const near = Number(x.toPrecision(6));
  if (ok(near)) return near;
  const e = Math.floor(Math.log10(Math.abs(x))) - 5;
  return Number((near + 10 ** e).toPrecision(6));
}

function readMultiregion(ctx: Ctx, path: string, v: Obj, phi: string | undefined): MultiregionParts | undefined {
  const table = 'multiregionModel';
  const rules = SPEC_TABLES[table].fields;
  const P = field(ctx, path, v, table, 'P') as number | undefined;
  const g =
    v.g === undefined ? undefined : readPerRegion(ctx, child(path, 'g'), v.g, P, rules.g as FieldRule & { type: 'perRegion' });
  const gs = g === 'auto' ? undefined : g;

  // interactions -> the full tensor T
  const ip = child(path, 'interactions');
  const inter = v.interactions === undefined ? undefined : readInteractions(ctx, ip, v.interactions, P);
  let T = inter?.T;
  if (v.T !== undefined) {
    const tp = child(path, 'T');
    const given = readArrayP(ctx, tp, v.T, 3, P) as number[][][] | undefined;
    if (given && T) {
      const want = T;
      let first: [number, number, number] | undefined;
      given.forEach((A, a) => A.forEach((B, b) => B.forEach((x, c) => (first ??= nearlyEqual(x, want[a][b][c]) ? undefined : [a, b, c]))));
      if (first) {
        const [a, b, c] = first;
        ctx.bad(
          `${tp}[${a}][${b}][${c}]`,
          given[a][b][c],
          `${fmt(want[a][b][c])}, the entry of the tensor model.interactions expands to (parseSpec fills model.T from model.interactions; leave it out)`,
        );
        T = undefined;
      }
    } else T = undefined;
  }

  // U: symmetric positive definite per region, identity by default
  const up = child(path, 'U');
  let U: number[][][] | undefined;
  if (v.U === undefined) U = P === undefined ? undefined : Array.from({ length: P }, () => eye(P));
  else {
    U = readArrayP(ctx, up, v.U, 3, P) as number[][][] | undefined;
    if (U) {
      U.forEach((Ua, a) => {
        let sym = true;
        for (let b = 0; b < Ua.length; b++) {
          for (let c = b + 1; c < Ua.length; c++) {
            if (!nearlyEqual(Ua[b][c], Ua[c][b])) {
              ctx.bad(`${up}[${a}][${b}][${c}]`, Ua[b][c], `equal to ${up}[${a}][${c}][${b}] = ${fmt(Ua[c][b])} (U[${a}] holds the overlaps <m^{${a}b} m^{${a}c}>, so it is symmetric)`);
              sym = false;
            }
          }
        }
        if (!sym) {
          U = undefined;
          return;
        }
        const ev = symmetricEigen(Ua).values;
        const lmin = ev[0];
        const scale = Math.max(...ev.map(Math.abs));
        if (!(lmin > PD_TOL * scale)) {
          ctx.add(
            at(up, a),
            Ua,
            `the overlap matrix U[${a}] of region ${a}'s input vectors is not positive definite (smallest eigenvalue ${fmt(Number(lmin.toPrecision(4)))}); must be symmetric positive definite`,
          );
          U = undefined;
        }
      });
    }
  }

  // crossDisorder: g_ab >= 0 off the diagonal, the diagonal equal to g_a
  let crossDisorder: number[][] | null | undefined = null;
  if (v.crossDisorder !== undefined && v.crossDisorder !== null) {
    const cp = child(path, 'crossDisorder');
    const G = readArrayP(ctx, cp, v.crossDisorder, 2, P, (x, [a, b]) => {
      if (a === b) {
        if (gs && !nearlyEqual(x, gs[a])) return `equal to model.g[${a}] = ${fmt(gs[a])} (the diagonal is the within-region disorder g_a; set it in model.g)`;
        return undefined;
      }
      return x >= 0 && x <= (G_RULE.maximum as number)
        ? undefined
        : `a number in [0, ${fmt(G_RULE.maximum as number)}] (g_ab, the disorder of the couplings from region ${b} into region ${a})`;
    }) as number[][] | undefined;
    crossDisorder = G && gs ? G.map((row, a) => row.map((x, b) => (a === b ? gs[a] : x))) : undefined;
  }

  const coupling = field(ctx, path, v, table, 'coupling') as MultiregionModel['coupling'] | undefined;
  const start = readStart(ctx, child(path, 'start'), v.start, P);
  const input = v.input === undefined || v.input === null ? null : readInput(ctx, child(path, 'input'), v.input, P);

  // readoutScale: "auto" or a value that keeps every region's covariance positive semidefinite
  const rp = child(path, 'readoutScale');
  const rs = v.readoutScale === undefined ? 'auto' : readPerRegion(ctx, rp, v.readoutScale, P, rules.readoutScale as FieldRule & { type: 'perRegion' });
  let readoutScale: number[] | undefined;
  if (rs !== undefined && T && U && input !== undefined && P !== undefined) {
    const V = input ? input.V : null;
    const lambda = Array.from({ length: P }, (_, b) => minReadoutVariance(T!, U!, V, b));
    const formula = `sqrt(lambda_max(t U[b]^-1 t^T${V ? ' + r r^T' : ''})) with t[a][c] = T[a][b][c]${V ? ', r[a] = V[a][b]' : ''}`;
    if (rs === 'auto') {
      readoutScale = lambda.map(autoReadoutScale);
      const bad = readoutScale.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) {
        ctx.bad(rp, 'auto', `a number: the "auto" rule found no finite readoutScale for region ${bad} (${formula} is not finite)`);
        readoutScale = undefined;
      }
    } else {
      const scalar = typeof v.readoutScale === 'number';
      readoutScale = rs;
      for (let b = 0; b < P; b++) {
        if (readoutScaleAdmissible(rs[b], lambda[b])) continue;
        const min = roundedMinimum(Math.sqrt(lambda[b]), (y) => readoutScaleAdmissible(y, lambda[b]));
        ctx.add(
          scalar ? rp : at(rp, b),
          rs[b],
          `got ${fmt(rs[b])} for region ${b}; must be >= ${fmt(min)} = ${formula.replace(/\[b\]/g, `[${b}]`)}, so that the covariance of region ${b}'s vectors is positive semidefinite (or "auto")`,
        );
        readoutScale = undefined;
        if (scalar) break;
      }
    }
  }

  // the shared matrix needs an odd phi and nothing that couples regions through it
  if (coupling === 'shared') {
    const cpath = child(path, 'coupling');
    if (phi !== undefined && !isOddPhi(phi)) {
      ctx.bad(cpath, coupling, `"independent" for phi "${phi}", which is not odd (one shared matrix with permutations is valid only for an odd phi, spec 02 §1.4)`);
    }
    if (v.crossDisorder !== undefined && v.crossDisorder !== null) {
      ctx.bad(cpath, coupling, `"independent" when model.crossDisorder is given (the shared matrix has no blocks between regions)`);
    }
    if (v.input !== undefined && v.input !== null) {
      ctx.bad(cpath, coupling, `"independent" when model.input is given (biased inputs make the shared matrix couple the regions, spec 02 §1.4)`);
    }
  }

  if (
    P === undefined ||
    !gs ||
    !inter ||
    !T ||
    !U ||
    !readoutScale ||
    crossDisorder === undefined ||
    coupling === undefined ||
    !start ||
    input === undefined
  ) {
    return undefined;
  }
  return { P, g: gs, interactions: inter.interactions, T, U, readoutScale, crossDisorder, coupling, start, input };
}

/** Whether phi is odd: the built-in ones are; a registered one is tested at a few points. */
function isOddPhi(name: string): boolean {
  if (name === 'tanh' || name === 'erf' || name === 'linear') return true;
  const f = getPhi(name).f;
  if (!(Math.abs(f(0)) <= 1e-12)) return false;
  return [0.1, 0.5, 1, 2, 3.7].every((x) => {
    const y = f(x);
    return Math.abs(y + f(-x)) <= 1e-12 * Math.max(1, Math.abs(y));
  });
}

function readInteractions(
  ctx: Ctx,
  path: string,
  input: unknown,
  P: number | undefined,
): { interactions: MultiregionInteractions; T: number[][][] | undefined } | undefined {
  const k = readKind(ctx, path, input, INTERACTION_KINDS);
  if (!k) return undefined;
  const { kind, obj: v } = k;
  checkKeys(ctx, path, v, INTERACTION_KINDS[kind], ` for interactions kind "${kind}"`);
  const wrap = (T: number[][][] | undefined, interactions: MultiregionInteractions | undefined) =>
    interactions && T ? { interactions, T } : undefined;
  const fromC = (c: number[][]) => c.map((row, a) => row.map((cab) => c.map((_, cc): number => (cc === a ? cab : 0))));
  if (kind === 'tensor') {
    const T = v.T === undefined ? undefined : (readArrayP(ctx, child(path, 'T'), v.T, 3, P) as number[][][] | undefined);
    return wrap(T, T && { kind: 'tensor', T: T.map((A) => A.map((B) => B.slice())) });
  }
  if (kind === 'symmetric') {
    const cp = child(path, 'c');
    let c = v.c === undefined ? undefined : (readArrayP(ctx, cp, v.c, 2, P) as number[][] | undefined);
    if (c) {
      const cm = c;
      for (let a = 0; a < cm.length; a++) {
        for (let b = a + 1; b < cm.length; b++) {
          if (!nearlyEqual(cm[a][b], cm[b][a])) {
            ctx.bad(`${cp}[${a}][${b}]`, cm[a][b], `equal to ${cp}[${b}][${a}] = ${fmt(cm[b][a])} (symmetric interactions need a symmetric c)`);
            c = undefined;
          }
        }
      }
    }
    return wrap(c && fromC(c), c && { kind: 'symmetric', c: c.map((row) => row.slice()) });
  }
  // kind 'ab': c = u u^T + diag(a - b), u = signs * sqrt(b), so c[i][i] = a_i
  const a = v.a === undefined ? undefined : (readArrayP(ctx, child(path, 'a'), v.a, 1, P) as number[] | undefined);
  const bOk =
    v.b === undefined
      ? undefined
      : (readArrayP(ctx, child(path, 'b'), v.b, 1, P, (x, [i]) =>
          x >= 0 ? undefined : `>= 0 (b_${i} = u_${i}^2, the square of region ${i}'s cross coupling)`,
        ) as number[] | undefined);
  let signs: (1 | -1)[] | undefined;
  if (v.signs !== undefined) {
    const sp = child(path, 'signs');
    const arr = readArrayP(ctx, sp, v.signs, 1, P, (x) => (x === 1 || x === -1 ? undefined : '1 or -1')) as number[] | undefined;
    signs = arr as (1 | -1)[] | undefined;
  }
  if (!a || !bOk || !signs) return undefined;
  // c[i][j] = u_i u_j = signs_i signs_j sqrt(b_i b_j) off the diagonal (one rounding: sqrt(2.5 * 2.5) = 2.5)
  const bb = bOk;
  const sg = signs;
  const c = a.map((aa, i) => a.map((_, j) => (i === j ? aa : sg[i] * sg[j] * Math.sqrt(bb[i] * bb[j]))));
  return wrap(fromC(c), { kind: 'ab', a: a.slice(), b: bb.slice(), signs: signs.slice() });
}

function readStart(ctx: Ctx, path: string, v: unknown, P: number | undefined): MultiregionModel['start'] | undefined {
  const o = section(ctx, path, v, 'multiregionStart');
  if (!o) return undefined;
  const S = o.S === undefined ? (P === undefined ? undefined : zerosP(P)) : (readArrayP(ctx, child(path, 'S'), o.S, 2, P) as number[][] | undefined);
  const rule = SPEC_TABLES.multiregionStart.fields.sigma0 as FieldRule & { type: 'perRegion' };
  const sg =
    o.sigma0 === undefined
      ? P === undefined
        ? undefined
        : new Array<number>(P).fill(rule.default as number)
      : readPerRegion(ctx, child(path, 'sigma0'), o.sigma0, P, rule);
  if (!S || !sg || sg === 'auto') return undefined;
  return { S, sigma0: sg };
}

/** The input section; undefined when invalid (null, meaning no input, is decided by the caller). */
function readInput(ctx: Ctx, path: string, v: unknown, P: number | undefined): MultiregionModel['input'] | undefined {
  if (!isObj(v)) {
    ctx.bad(path, v, `null or an object with fields ${Object.keys(SPEC_TABLES.multiregionInput.fields).join(', ')}`);
    return undefined;
  }
  checkKeys(ctx, path, v, 'multiregionInput');
  const V = v.V === undefined ? undefined : (readArrayP(ctx, child(path, 'V'), v.V, 2, P) as number[][] | undefined);
  const sp = child(path, 'schedule');
  let schedule: MultiregionInputStep[] | undefined;
  if (v.schedule !== undefined) {
    const list = v.schedule;
    const want = describeRule(SPEC_TABLES.multiregionInput.fields.schedule);
    if (!Array.isArray(list) || list.length === 0) ctx.bad(sp, list, `${want}, the first with t = 0`);
    else {
      let ok = true;
      let prev: number | undefined;
      const steps = list.map((step, k): MultiregionInputStep | undefined => {
        const kp = at(sp, k);
        if (!isObj(step)) {
          ctx.bad(kp, step, `an object with fields ${Object.keys(SPEC_TABLES.inputStep.fields).join(', ')}`);
          ok = false;
          prev = undefined;
          return undefined;
        }
        checkKeys(ctx, kp, step, 'inputStep');
        let t = field(ctx, kp, step, 'inputStep', 't') as number | undefined;
        const I = step.I === undefined ? undefined : (readArrayP(ctx, child(kp, 'I'), step.I, 1, P) as number[] | undefined);
        if (t !== undefined && k === 0 && t !== 0) {
          ctx.bad(child(kp, 't'), t, '0 (the schedule starts at t = 0)');
          t = undefined;
        } else if (t !== undefined && prev !== undefined && !(t > prev)) {
          ctx.bad(child(kp, 't'), t, `> ${sp}[${k - 1}].t = ${fmt(prev)} (times strictly increasing)`);
          t = undefined;
        }
        prev = t ?? (typeof step.t === 'number' && Number.isFinite(step.t) ? step.t : undefined);
        if (t === undefined || !I) {
          ok = false;
          return undefined;
        }
        return { t, I };
      });
      if (ok) schedule = steps as MultiregionInputStep[];
    }
  }
  if (!V || !schedule) return undefined;
  return { V, schedule };
}

// ---------------------------------------------------------------------------------------------
// Simulation
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Random-mode model (spec 03 §5)
// ---------------------------------------------------------------------------------------------

type RandomModeParts = Pick<RandomModeModel, 'g' | 'spectrum' | 'overlap' | 'heterogeneity'>;

/** A non-empty array of numbers with the bounds of `rule.items` (repeats allowed). */
function readNumbers(ctx: Ctx, path: string, v: unknown, rule: FieldRule & { type: 'numbers' }): number[] | undefined {
  if (!Array.isArray(v) || v.length === 0) {
    ctx.bad(path, v, describeRule(rule));
    return undefined;
  }
  let ok = true;
  const out = v.map((x, i) => {
    const y = checkNumber(ctx, at(path, i), x, rule.items);
    if (y === undefined) ok = false;
    return y as number;
  });
  return ok ? out : undefined;
}

function readRandomMode(ctx: Ctx, path: string, v: Obj, N: number | undefined): RandomModeParts | undefined {
  const table = 'randomModeModel';
  const gp = child(path, 'g');
  const g = v.g === undefined ? undefined : (field(ctx, path, v, table, 'g') as number | undefined);
  const sp = child(path, 'spectrum');
  let spectrum: RandomModeSpectrum | undefined;
  /** Number of modes, and the path of the field that sets it (for the memory message). */
  let P: number | undefined;
  let pPath = sp;
  let gOut = g;
  const k = v.spectrum === undefined ? undefined : readKind(ctx, sp, v.spectrum, SPECTRUM_KINDS);
  if (k) {
    const t = SPECTRUM_KINDS[k.kind];
    const o = k.obj;
    checkKeys(ctx, sp, o, t, ` for spectrum kind "${k.kind}"`);
    const f = (key: string) => field(ctx, sp, o, t, key) as number | undefined;
    const nNote = N === undefined ? '' : ` (model.N = ${N})`;
    /** P = round(alpha N) must be at least 1. */
    const modesOf = (alpha: number, ap: string): number | undefined => {
      if (N === undefined) return undefined;
      const p = Math.round(alpha * N);
      if (p >= 1) return p;
      ctx.bad(ap, alpha, `>= ${fmt(tidy(0.5 / N))} so that P = round(alpha N) >= 1${nNote}`);
      return undefined;
    };
    if (k.kind === 'list') {
      const dp = child(sp, 'D');
      const D = o.D === undefined ? undefined : readNumbers(ctx, dp, o.D, SPEC_TABLES.listSpectrum.fields.D as FieldRule & { type: 'numbers' });
      if (D) {
        P = D.length;
        pPath = dp;
        let s2 = 0;
        for (const d of D) s2 += d * d;
        if (v.g !== undefined) {
          if (g !== undefined && g > 0 && s2 === 0) {
            ctx.bad(dp, o.D, `not all 0: model.g = ${fmt(g)} rescales the list so that (1/N) sum D^2 = g^2 (or leave g out)`);
            P = undefined;
          } else spectrum = { kind: 'list', D };
        } else if (N !== undefined) {
          // g is implied by the list, and filled
          gOut = Math.sqrt(s2 / N);
          const gMax = (SPEC_TABLES.randomModeModel.fields.g as NumberRule).maximum!;
          if (!(gOut <= gMax)) {
            ctx.bad(dp, o.D, `a list with (1/N) sum D^2 <= ${fmt(gMax)}^2: it implies g = ${fmt(tidy(gOut))}${nNote}; scale it down, or give model.g to rescale it`);
            P = undefined;
          } else spectrum = { kind: 'list', D };
        }
      }
    } else if (k.kind === 'flat') {
      const alpha = f('alpha');
      pPath = child(sp, 'alpha');
      if (alpha !== undefined) {
        P = modesOf(alpha, pPath);
        if (P !== undefined) spectrum = { kind: 'flat', alpha };
      }
    } else if (k.kind === 'exponential') {
      const tau = f('tau');
      P = N;
      pPath = child(path, 'N');
      if (tau !== undefined) spectrum = { kind: 'exponential', tau };
    } else {
      const gamma = f('gamma');
      const Pg = f('P');
      const alpha = f('alpha');
      const pp = child(sp, 'P');
      const ap = child(sp, 'alpha');
      if (o.P === undefined && o.alpha === undefined) {
        ctx.add(pp, undefined, 'missing; spectrum kind "powerLaw" needs P (an integer >= 1, the number of modes) or alpha (P = round(alpha N))');
      } else if (o.alpha !== undefined) {
        pPath = ap;
        const fromAlpha = alpha === undefined ? undefined : modesOf(alpha, ap);
        if (fromAlpha !== undefined && Pg !== undefined && Pg !== fromAlpha) {
          ctx.bad(pp, Pg, `${fromAlpha} = round(alpha N) (spectrum.alpha = ${fmt(alpha!)}, model.N = ${N}); give P or alpha, not both`);
        } else if (fromAlpha !== undefined && (o.P === undefined || Pg !== undefined)) P = fromAlpha;
        if (gamma !== undefined && P !== undefined) spectrum = { kind: 'powerLaw', gamma, P, alpha };
      } else {
        pPath = pp;
        P = Pg;
        if (gamma !== undefined && P !== undefined) spectrum = { kind: 'powerLaw', gamma, P };
      }
    }
    if (v.g === undefined && k.kind !== 'list') {
      ctx.add(gp, undefined, `missing; required for spectrum kind "${k.kind}": ${describeNumber(G_RULE)}, the coupling strength ((1/N) sum_a D_a^2 = g^2)`);
    }
    // building J keeps the N x P input modes (src/sim/random-mode.ts)
    if (P !== undefined && N !== undefined && N * P > RANDOM_MODE_FACTOR_LIMIT) {
      const gib = String(Number(((N * P * 8) / 2 ** 30).toFixed(2)));
      const value = pPath === child(path, 'N') ? N : (o as Obj)[pPath.slice(sp.length + 1)];
      ctx.add(
        pPath,
        value,
        `got ${show(value)}; it gives P = ${P} modes at N = ${N}: building J keeps the N x P input modes (${gib} GiB of f64), more than the 1 GiB limit: use N P <= 2^27 (P <= ${Math.floor(RANDOM_MODE_FACTOR_LIMIT / N)} at this N)`,
      );
      P = undefined;
      spectrum = undefined;
    }
  }

  const overlap = readOverlap(ctx, child(path, 'overlap'), v.overlap, P);
  const heterogeneity = readHeterogeneity(ctx, child(path, 'heterogeneity'), v.heterogeneity);
  if (!spectrum || gOut === undefined || overlap === undefined || heterogeneity === undefined) return undefined;
  return { g: gOut, spectrum, overlap, heterogeneity };
}

function readOverlap(ctx: Ctx, path: string, v: unknown, P: number | undefined): RandomModeModel['overlap'] | undefined {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) {
    ctx.bad(path, v, `null or an object with field c`);
    return undefined;
  }
  checkKeys(ctx, path, v, 'modeOverlap');
  if (v.c === undefined) return undefined;
  const rule = SPEC_TABLES.modeOverlap.fields.c as FieldRule & { type: 'perMode' };
  const cp = child(path, 'c');
  const c = v.c;
  if (typeof c === 'number') {
    const x = checkNumber(ctx, cp, c, rule.items);
    return x === undefined ? undefined : { c: x };
  }
  const want = `${describeNumber(rule.items)} (one for every mode) or an array of ${P === undefined ? 'such numbers, one per mode' : `${P} such numbers, one per mode (P = ${P})`}`;
  const out = readLengthP(ctx, cp, c, P, rule.items, want);
  return out ? { c: out } : undefined;
}

function readHeterogeneity(ctx: Ctx, path: string, v: unknown): RandomModeModel['heterogeneity'] | undefined {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) {
    ctx.bad(path, v, `null or an object with fields kind ("lognormal"), sd`);
    return undefined;
  }
  checkKeys(ctx, path, v, 'lognormalHeterogeneity');
  const kind = field(ctx, path, v, 'lognormalHeterogeneity', 'kind');
  const sd = field(ctx, path, v, 'lognormalHeterogeneity', 'sd') as number | undefined;
  if (kind === undefined || sd === undefined) return undefined;
  return { kind: 'lognormal', sd };
}

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
  // multiregion defaults to the reference scheme: forward Euler with dt = 0.05 (spec 02 §1.5)
  const mr = kind === 'multiregion';
  const method = (mr && o.method === undefined ? 'euler' : f('method')) as SimulationSettings['method'] | undefined;
  const dt = (mr && o.dt === undefined ? MULTIREGION_DT : f('dt')) as number | undefined;
  const precision = f('precision') as SimulationSettings['precision'] | undefined;
  const tBurn = f('tBurn') as number | undefined;
  const tMeasure = f('tMeasure') as number | undefined;
  let sampleEvery = f('sampleEvery') as number | undefined;
  let blocks = f('blocks') as number | undefined;
  const networks = f('networks') as number | undefined;
  const dimension = f('dimension') as SimulationSettings['dimension'];
  // absent means 1 (no default in the table: it is stored only when > 1, so older specs keep their hash)
  let trials = o.trials === undefined ? 1 : (f('trials') as number | undefined);
  const sp = child(path, 'sampleEvery');
  if (mr && trials !== undefined && trials > 1) {
    ctx.bad(child(path, 'trials'), trials, `1 for model kind "multiregion" (batched trials run single-population models; use more networks)`);
    trials = undefined;
  }

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
  if (dimension !== undefined && blocks !== undefined && blocks < 3) {
    ctx.bad(child(path, 'blocks'), blocks, `>= 3 with simulation.dimension (the cross-block PR needs 2 blocks, its jackknife SE 3)`);
    blocks = undefined;
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
    trials !== undefined &&
    tu !== undefined &&
    lg !== undefined &&
    init !== undefined;
  // networks and precision are returned even when something else failed: the seed range and the
  // memory check need them.
  if (!ok) return { networks, precision };
  return {
    networks,
    precision,
    // dimension stays absent when not given, so that specs without it keep their hash
    // trials likewise stays absent when it is 1
    value: {
      method, dt, precision, tBurn, tMeasure, sampleEvery: se, blocks: bl, networks, traceUnits: tu, lags: lg, init,
      ...(dimension ? { dimension } : {}),
      ...(trials! > 1 ? { trials } : {}),
    },
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
  if (kind === 'multiregion' && scale !== undefined && scale !== 1) {
    ctx.bad(child(path, 'scale'), scale, `1 (the default) for model kind "multiregion": its initial state is set by model.start (S and sigma0)`);
    return undefined;
  }
  if (ik === undefined || scale === undefined || sign === undefined || c === undefined) return undefined;
  return { kind: ik, scale, sign, c };
}

// ---------------------------------------------------------------------------------------------
// Theory
// ---------------------------------------------------------------------------------------------

function readTheory(ctx: Ctx, path: string, v: unknown, kind: string | undefined): TheorySettings | undefined {
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
  // theory.dmft: read (and filled) for multiregion models only, so other specs keep their canonical form
  const dp = child(path, 'dmft');
  let dmft: DmftSettings | undefined;
  let dmftOk = true;
  if (kind !== undefined && Object.hasOwn(MODEL_KINDS, kind) && kind !== 'multiregion' && o.dmft !== undefined) {
    ctx.add(dp, o.dmft, `only read for model kind "multiregion" (two-time DMFT settings); remove it for model kind "${kind}"`);
    dmftOk = false;
  } else if (kind === 'multiregion' || o.dmft !== undefined) {
    dmft = readDmft(ctx, dp, o.dmft);
    dmftOk = dmft !== undefined;
  }
  if (!quadrature || tol === undefined || maxIter === undefined || tauMax === undefined || tauPoints === undefined || !dmftOk) {
    return undefined;
  }
  const out: TheorySettings = { quadrature, tol, maxIter, tauMax, tauPoints };
  if (dmft && kind === 'multiregion') out.dmft = dmft;
  return out;
}

function readDmft(ctx: Ctx, path: string, v: unknown): DmftSettings | undefined {
  const o = section(ctx, path, v, 'dmft');
  if (!o) return undefined;
  const f = (k: string) => field(ctx, path, o, 'dmft', k);
  const dt = f('dt') as number | undefined;
  let duration = f('duration') as number | undefined;
  const window = f('window') as number | undefined;
  const checkWindow = f('checkWindow') as boolean | undefined;
  let refTimes = f('refTimes') as number[] | undefined;
  if (dt !== undefined && duration !== undefined) {
    const Nt = Math.round(duration / dt) + 1;
    if (Nt > MAX_DMFT_POINTS) {
      ctx.bad(
        child(path, 'duration'),
        duration,
        `<= ${fmt(tidy((MAX_DMFT_POINTS - 1) * dt))} at theory.dmft.dt = ${fmt(dt)}: the grid would have round(duration / dt) + 1 = ${Nt} points, more than ${MAX_DMFT_POINTS} (raise dt or shorten duration)`,
      );
      duration = undefined;
    }
  }
  if (refTimes && duration !== undefined) {
    const D = duration;
    refTimes.forEach((t, i) => {
      if (t >= D) {
        ctx.bad(at(child(path, 'refTimes'), i), t, `< theory.dmft.duration = ${fmt(D)}`);
        refTimes = undefined;
      }
    });
  }
  if (dt === undefined || duration === undefined || window === undefined || checkWindow === undefined || !refTimes) return undefined;
  return { dt, duration, window, checkWindow, refTimes };
}
