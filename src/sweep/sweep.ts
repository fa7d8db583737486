/**
 * Parameter sweeps (docs/SWEEP.md): a base spec plus axes over numeric spec fields. This module is pure
 * (no Node APIs): it validates a sweep file, enumerates its points in a fixed order, groups them into work
 * units, selects a shard, and turns a theory or simulation result into the deterministic `result` of a
 * results line (docs/OUTPUT.md, "Sweep results"). The file store and the runner live in bindings/node/.
 */
import { validateSpec, canonicalJson, specHash } from '../spec/validate.js';
import { fnv1a64 } from '../spec/hash.js';
import type { Spec } from '../spec/types.js';
import type { TheorySolution } from '../theory/types.js';

/** Sweep file format versions this build reads. */
export const SWEEP_VERSION = 1;
/** Most points one sweep may have (every point spec is validated before the first one runs). */
export const MAX_SWEEP_POINTS = 200000;
/** Most values one axis may have. */
export const MAX_AXIS_VALUES = 100000;

export type SweepMode = 'theory' | 'simulate' | 'compare';
export const SWEEP_MODES: readonly SweepMode[] = ['theory', 'simulate', 'compare'];
export type TheoryRoute = 'auto' | 'solve';
/** How the theory of the points is computed: per point by `solve`, or a row of g by `lowrank.sweep`. */
export type RouteUsed = 'solve' | 'lowrank-continuation' | 'none';

export interface SweepAxis {
  /** Dotted path into the validated spec, array entries by index: "model.g", "model.means.n.0". */
  field: string;
  /** The values, in the order given (a range is expanded here). */
  values: number[];
}

/** A validated sweep: what every results line and the sweep hash are computed from. */
export interface Sweep {
  dmftlabSweep: 1;
  name?: string;
  mode: SweepMode;
  theoryRoute: TheoryRoute;
  /** The base spec as `parseSpec` returns it. */
  base: Spec;
  axes: SweepAxis[];
  /** Boundary refinement after the base grid (docs/SWEEP.md, "Refinement"); absent: none. */
  refine?: SweepRefine;
}

export interface SweepRefine {
  /** A discrete metric of pointMetrics (REFINE_METRICS). */
  metric: string;
  /** Bisection levels, 1 .. MAX_REFINE_LEVELS. */
  levels: number;
  /** Indices of the axes refined along (from `refine.axes`, field names in the file; default every axis). */
  axes: number[];
}

/** Metrics refinement can follow (discrete ones: a change of regime, branch count, stability, agreement), with the modes that have them. */
export const REFINE_METRICS: Record<string, SweepMode[]> = {
  regime: ['theory', 'compare'],
  solutions: ['theory', 'compare'],
  stable: ['theory', 'compare'],
  chaotic: ['theory', 'compare'],
  outcome: ['theory', 'compare'],
  predicted: ['theory', 'compare'],
  agree: ['compare'],
};
export const MAX_REFINE_LEVELS = 8;

export interface SweepIssue {
  path: string;
  message: string;
}

/** Thrown by `parseSweep`; `issues` has one line per problem, each naming the field, the value and what is valid. */
export class SweepError extends Error {
  readonly issues: SweepIssue[];
  constructor(issues: SweepIssue[]) {
    super(`invalid sweep (${issues.length} issue${issues.length === 1 ? '' : 's'}):\n  ${issues.map((i) => i.message).join('\n  ')}`);
    this.name = 'SweepError';
    this.issues = issues;
  }
}

const TOP_FIELDS = ['dmftlabSweep', 'name', 'mode', 'theoryRoute', 'base', 'axes', 'refine'];
const MAX_LISTED = 20;

const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v;
};
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at a dotted path (array entries by index), or undefined. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(key)) return undefined;
      cur = cur[Number(key)];
    } else if (isObj(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
      cur = cur[key];
    } else return undefined;
  }
  return cur;
}

/** A deep copy of `obj` with the number at `path` replaced by `value` (the path must exist). */
function setPath<T>(obj: T, path: string, value: number): T {
  const copy = structuredClone(obj) as unknown;
  const keys = path.split('.');
  let cur = copy as Record<string, unknown>;
  for (let k = 0; k < keys.length - 1; k++) cur = cur[keys[k]] as Record<string, unknown>;
  cur[keys[keys.length - 1]] = value;
  return copy as T;
}

/** Values of a range: `count` points from `from` to `to` inclusive, equally spaced (linear) or in ratio (log). */
export function rangeValues(from: number, to: number, count: number, scale: 'linear' | 'log'): number[] {
  if (count === 1) return [from];
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    if (k === count - 1) out.push(to);
    else if (scale === 'log') out.push(from * Math.pow(to / from, k / (count - 1)));
    else out.push(from + ((to - from) * k) / (count - 1));
  }
  return out;
}

function readAxis(raw: unknown, i: number, base: Spec | null, issues: SweepIssue[]): SweepAxis | null {
  const p = `axes[${i}]`;
  if (!isObj(raw)) {
    issues.push({ path: p, message: `${p}: got ${show(raw)}; must be an object { field, values } or { field, range }` });
    return null;
  }
  for (const k of Object.keys(raw)) if (!['field', 'values', 'range'].includes(k)) issues.push({ path: `${p}.${k}`, message: `${p}.${k}: unknown field; an axis has field, values or range` });
  const field = raw.field;
  let ok = true;
  if (typeof field !== 'string' || !/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(field)) {
    issues.push({ path: `${p}.field`, message: `${p}.field: got ${show(field)}; must be a dotted path into the spec, e.g. "model.g" or "model.means.n.0"` });
    ok = false;
  } else if (base) {
    const at = getPath(base, field);
    if (at === undefined) {
      const parent = field.includes('.') ? getPath(base, field.slice(0, field.lastIndexOf('.'))) : base;
      const has = Array.isArray(parent) ? `indices 0..${parent.length - 1}` : isObj(parent) ? Object.keys(parent).join(', ') : 'no fields';
      issues.push({ path: `${p}.field`, message: `${p}.field: got "${field}"; not a field of the base spec (with its defaults filled in; there: ${has})` });
      ok = false;
    } else if (typeof at !== 'number') {
      const hint = Array.isArray(at) ? `an array of ${at.length}; name one entry, e.g. "${field}.0"` : `a ${typeof at === 'object' ? 'section' : typeof at}`;
      issues.push({ path: `${p}.field`, message: `${p}.field: got "${field}"; must name a number of the base spec, but it is ${hint}` });
      ok = false;
    }
  }
  const hasValues = raw.values !== undefined;
  const hasRange = raw.range !== undefined;
  if (hasValues === hasRange) {
    issues.push({ path: p, message: `${p}: got ${hasValues ? 'both values and range' : 'neither values nor range'}; give exactly one` });
    return null;
  }
  let values: number[] = [];
  if (hasValues) {
    const v = raw.values;
    if (!Array.isArray(v) || v.length < 1 || v.length > MAX_AXIS_VALUES) {
      issues.push({ path: `${p}.values`, message: `${p}.values: got ${show(v)}; must be an array of 1 to ${MAX_AXIS_VALUES} numbers` });
      return null;
    }
    v.forEach((x, k) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        issues.push({ path: `${p}.values[${k}]`, message: `${p}.values[${k}]: got ${show(x)}; must be a finite number` });
        ok = false;
      }
    });
    values = v as number[];
  } else {
    const r = raw.range;
    if (!isObj(r)) {
      issues.push({ path: `${p}.range`, message: `${p}.range: got ${show(r)}; must be an object { from, to, count, scale? }` });
      return null;
    }
    for (const k of Object.keys(r)) if (!['from', 'to', 'count', 'scale'].includes(k)) issues.push({ path: `${p}.range.${k}`, message: `${p}.range.${k}: unknown field; a range has from, to, count and scale` });
    const scale = r.scale ?? 'linear';
    if (scale !== 'linear' && scale !== 'log') {
      issues.push({ path: `${p}.range.scale`, message: `${p}.range.scale: got ${show(scale)}; must be "linear" or "log"` });
      ok = false;
    }
    for (const k of ['from', 'to'] as const) {
      const x = r[k];
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        issues.push({ path: `${p}.range.${k}`, message: `${p}.range.${k}: got ${show(x)}; must be a finite number` });
        ok = false;
      } else if (scale === 'log' && !(x > 0)) {
        issues.push({ path: `${p}.range.${k}`, message: `${p}.range.${k}: got ${x}; must be > 0 with scale "log"` });
        ok = false;
      }
    }
    const c = r.count;
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > MAX_AXIS_VALUES) {
      issues.push({ path: `${p}.range.count`, message: `${p}.range.count: got ${show(c)}; must be an integer in [1, ${MAX_AXIS_VALUES}]` });
      ok = false;
    }
    if (ok) values = rangeValues(r.from as number, r.to as number, c as number, scale as 'linear' | 'log');
  }
  if (!ok) return null;
  const seen = new Map<number, number>();
  values.forEach((x, k) => {
    const j = seen.get(x);
    if (j !== undefined) issues.push({ path: `${p}.values[${k}]`, message: `${p}.values[${k}]: got ${x}, the same as values[${j}]; the values of an axis must be distinct` });
    else seen.set(x, k);
  });
  return { field: field as string, values };
}

/**
 * Validate a sweep file (JSON already parsed; `base` as an object, the CLI reads a `base` given as a file
 * name). Throws a SweepError listing every problem, including every axis value that makes an invalid spec
 * (the spec validator's message, with the axis that caused it).
 */
export function parseSweep(input: unknown): Sweep {
  const issues: SweepIssue[] = [];
  if (!isObj(input)) throw new SweepError([{ path: '', message: `sweep: got ${show(input)}; must be a JSON object with dmftlabSweep, base and axes` }]);
  if (input.dmftlabSweep !== SWEEP_VERSION) {
    const v = input.dmftlabSweep;
    const newer = typeof v === 'number' && v > SWEEP_VERSION ? `; version ${v} is newer than this dmftlab` : '';
    throw new SweepError([{ path: 'dmftlabSweep', message: `dmftlabSweep: got ${show(v)}; must be ${SWEEP_VERSION} (supported sweep format versions: ${SWEEP_VERSION}${newer})` }]);
  }
  for (const k of Object.keys(input)) if (!TOP_FIELDS.includes(k)) issues.push({ path: k, message: `${k}: unknown field; a sweep has ${TOP_FIELDS.join(', ')}` });
  if (input.name !== undefined && typeof input.name !== 'string') issues.push({ path: 'name', message: `name: got ${show(input.name)}; must be a string` });
  const mode = input.mode ?? 'theory';
  if (!SWEEP_MODES.includes(mode as SweepMode)) issues.push({ path: 'mode', message: `mode: got ${show(mode)}; must be one of ${SWEEP_MODES.join(', ')}` });
  const route = input.theoryRoute ?? 'auto';
  if (route !== 'auto' && route !== 'solve') issues.push({ path: 'theoryRoute', message: `theoryRoute: got ${show(route)}; must be "auto" or "solve"` });
  let base: Spec | null = null;
  if (input.base === undefined) issues.push({ path: 'base', message: 'base: missing; must be a spec (docs/SPEC.md) or, in a sweep file, the name of a spec file' });
  else {
    const v = validateSpec(input.base);
    if (v.ok) base = v.spec;
    else for (const e of v.errors) issues.push({ path: `base.${e.path}`, message: `base: ${e.message}` });
  }
  const axes: SweepAxis[] = [];
  const rawAxes = input.axes;
  if (!Array.isArray(rawAxes) || rawAxes.length < 1 || rawAxes.length > 8) {
    issues.push({ path: 'axes', message: `axes: got ${show(rawAxes)}; must be an array of 1 to 8 axes` });
  } else {
    rawAxes.forEach((a, i) => {
      const ax = readAxis(a, i, base, issues);
      if (!ax) return;
      const j = axes.findIndex((b) => b.field === ax.field);
      if (j >= 0) issues.push({ path: `axes[${i}].field`, message: `axes[${i}].field: got "${ax.field}", already swept by axes[${j}]; each field may have one axis` });
      else axes.push(ax);
    });
    if (axes.length === rawAxes.length) {
      const total = axes.reduce((n, a) => n * a.values.length, 1);
      if (total > MAX_SWEEP_POINTS) issues.push({ path: 'axes', message: `axes: ${axes.map((a) => a.values.length).join(' x ')} = ${total} points; must be at most ${MAX_SWEEP_POINTS}` });
    }
  }
  const refine = input.refine === undefined || !base ? undefined : readRefine(input.refine, mode as SweepMode, axes, rawAxes, issues);
  if (issues.length) throw new SweepError(issues);
  const sweep: Sweep = { dmftlabSweep: 1, mode: mode as SweepMode, theoryRoute: route as TheoryRoute, base: base!, axes };
  if (typeof input.name === 'string') sweep.name = input.name;
  if (refine) {
    sweep.refine = refine;
    // a midpoint must make a valid spec (integer fields such as seed or N cannot be bisected)
    for (const a of refine.axes) {
      const v = [...axes[a].values].sort((x, y) => x - y);
      if (v.length < 2) continue;
      const mid = (v[0] + v[1]) / 2;
      const r = validateSpec(rederive(sweep, setPath(sweep.base, axes[a].field, mid)));
      if (!r.ok) issues.push({ path: 'refine.axes', message: `refine: axis ${axes[a].field} cannot be bisected: its midpoint ${mid} gives ${r.errors[0].message}; list the axes to refine in refine.axes` });
    }
  }
  // every axis value alone on the base spec, then every point (combinations can fail, e.g. a covariance)
  for (const [i, ax] of axes.entries()) {
    for (const [k, x] of ax.values.entries()) {
      const v = validateSpec(rederive(sweep, setPath(sweep.base, ax.field, x)));
      if (!v.ok) for (const e of v.errors) if (issues.length < MAX_LISTED) issues.push({ path: `axes[${i}].values[${k}]`, message: `axes[${i}] (${ax.field}) value ${x}: ${e.message}` });
    }
  }
  if (!issues.length) {
    const n = pointCount(sweep);
    for (let p = 0; p < n && issues.length < MAX_LISTED; p++) {
      const v = validateSpec(pointInput(sweep, p));
      if (!v.ok) for (const e of v.errors) issues.push({ path: 'axes', message: `point ${p} (${describeCoords(sweep, p)}): ${e.message}` });
    }
  }
  if (issues.length) throw new SweepError(issues);
  return sweep;
}

function readRefine(raw: unknown, mode: SweepMode, axes: SweepAxis[], rawAxes: unknown, issues: SweepIssue[]): SweepRefine | undefined {
  if (!isObj(raw)) {
    issues.push({ path: 'refine', message: `refine: got ${show(raw)}; must be an object { metric, levels, axes? }` });
    return undefined;
  }
  for (const k of Object.keys(raw)) if (!['metric', 'levels', 'axes'].includes(k)) issues.push({ path: `refine.${k}`, message: `refine.${k}: unknown field; refine has metric, levels and axes` });
  const n0 = issues.length;
  const metric = raw.metric;
  const modes = typeof metric === 'string' && Object.prototype.hasOwnProperty.call(REFINE_METRICS, metric) ? REFINE_METRICS[metric] : null;
  if (!modes) issues.push({ path: 'refine.metric', message: `refine.metric: got ${show(metric)}; must be one of ${Object.keys(REFINE_METRICS).join(', ')}` });
  else if (!modes.includes(mode)) issues.push({ path: 'refine.metric', message: `refine.metric: got "${metric as string}"; mode "${mode}" does not compute it (it needs mode ${modes.join(' or ')})` });
  const levels = raw.levels;
  if (typeof levels !== 'number' || !Number.isInteger(levels) || levels < 0 || levels > MAX_REFINE_LEVELS) issues.push({ path: 'refine.levels', message: `refine.levels: got ${show(levels)}; must be an integer in [0, ${MAX_REFINE_LEVELS}]` });
  let idx: number[] = axes.map((_, a) => a);
  if (raw.axes !== undefined) {
    const fields = raw.axes;
    if (!Array.isArray(fields) || fields.length < 1 || fields.some((f) => typeof f !== 'string')) {
      issues.push({ path: 'refine.axes', message: `refine.axes: got ${show(fields)}; must be a non-empty array of axis fields` });
    } else {
      idx = [];
      for (const f of fields as string[]) {
        const a = axes.findIndex((x) => x.field === f);
        if (a < 0) issues.push({ path: 'refine.axes', message: `refine.axes: got "${f}"; not the field of an axis (axes: ${axes.map((x) => x.field).join(', ')})` });
        else if (!idx.includes(a)) idx.push(a);
      }
      idx.sort((x, y) => x - y);
    }
  }
  if (issues.length > n0 || !Array.isArray(rawAxes) || axes.length !== rawAxes.length) return undefined;
  return { metric: metric as string, levels: levels as number, axes: idx };
}

/** Hash of a validated sweep (16 hex digits): FNV-1a 64 of the canonical JSON of everything but `name`. */
export function sweepHash(s: Sweep): string {
  const { name: _name, ...rest } = s;
  return fnv1a64(new TextEncoder().encode(canonicalJson(rest)));
}

export function pointCount(s: Sweep): number {
  return s.axes.reduce((n, a) => n * a.values.length, 1);
}

/** Value index on each axis of point `p`: axes[0] varies slowest, the last axis fastest. */
export function pointCoordIndices(s: Sweep, p: number): number[] {
  const out = new Array<number>(s.axes.length);
  for (let a = s.axes.length - 1; a >= 0; a--) {
    const n = s.axes[a].values.length;
    out[a] = p % n;
    p = Math.floor(p / n);
  }
  return out;
}

export function pointCoords(s: Sweep, p: number): number[] {
  return pointCoordIndices(s, p).map((k, a) => s.axes[a].values[k]);
}

function describeCoords(s: Sweep, p: number): string {
  return pointCoords(s, p)
    .map((x, a) => `${s.axes[a].field} = ${x}`)
    .join(', ');
}

/**
 * The spec at `coords` (one value per axis) before validation: the base with each axis field set. An axis
 * under `model.interactions` (multiregion) changes the tensor that `model.T` holds expanded, and the bound
 * on `model.readoutScale`: both are derived again (T left out, readoutScale "auto"; docs/SWEEP.md).
 */
function inputAt(s: Sweep, coords: readonly number[]): Spec {
  let spec = s.base;
  coords.forEach((x, a) => (spec = setPath(spec, s.axes[a].field, x)));
  return rederive(s, spec);
}

/** `spec` (a copy) with the derived multiregion fields left to the validator when an axis sets `model.interactions`. */
function rederive(s: Pick<Sweep, 'axes'>, spec: Spec): Spec {
  if (s.axes.some((a) => a.field.startsWith('model.interactions.'))) {
    const m = spec.model as unknown as Record<string, unknown>;
    delete m.T;
    m.readoutScale = 'auto';
  }
  return spec;
}

const pointInput = (s: Sweep, p: number): Spec => inputAt(s, pointCoords(s, p));

/** The validated spec at `coords` (every default filled in), and its hash; `p` names the point in errors. */
export function specAt(s: Sweep, coords: readonly number[], p: number): { spec: Spec; specHash: string } {
  const v = validateSpec(inputAt(s, coords));
  if (!v.ok) throw new SweepError(v.errors.map((e) => ({ path: 'axes', message: `point ${p}: ${e.message}` })));
  return { spec: v.spec, specHash: specHash(v.spec) };
}

/** The validated spec of point `p` of the base grid (every default filled in), and its hash. */
export function pointSpec(s: Sweep, p: number): { spec: Spec; specHash: string } {
  return specAt(s, pointCoords(s, p), p);
}

/** How this sweep's theory is computed (docs/SWEEP.md, "Work units"). */
export function routeOf(s: Sweep): RouteUsed {
  if (s.mode !== 'theory') return 'none';
  if (s.theoryRoute === 'auto' && s.base.model.kind === 'lowrank' && s.axes.some((a) => a.field === 'model.g')) return 'lowrank-continuation';
  return 'solve';
}

/**
 * Work units: the points computed together, in a fixed order. With the continuation route a unit is one
 * row of g (every point that shares the other coordinates), solved by `lowrank.sweep` from the smallest g
 * up, so a point's result depends only on the sweep, never on how the units are spread over threads,
 * shards or restarts. Otherwise a unit is one point.
 */
export function workUnits(s: Sweep): number[][] {
  const n = pointCount(s);
  const gAxis = routeOf(s) === 'lowrank-continuation' ? s.axes.findIndex((a) => a.field === 'model.g') : -1;
  if (gAxis < 0) return Array.from({ length: n }, (_, p) => [p]);
  // stride of the g axis in the point index; a unit is {q + k * stride}
  let stride = 1;
  for (let a = s.axes.length - 1; a > gAxis; a--) stride *= s.axes[a].values.length;
  const gs = s.axes[gAxis].values;
  const order = gs.map((_, k) => k).sort((i, j) => gs[i] - gs[j]);
  const units: number[][] = [];
  for (let p = 0; p < n; p++) {
    if (pointCoordIndices(s, p)[gAxis] !== 0) continue;
    units.push(order.map((k) => p + k * stride));
  }
  return units;
}

export interface Shard {
  /** 0-based: 0 <= index < count. */
  index: number;
  count: number;
}

/** Parse "i/n" (0 <= i < n, n <= 100000); throws RangeError with a one-line message. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const n = m ? Number(m[2]) : NaN;
  const i = m ? Number(m[1]) : NaN;
  if (!m || !(n >= 1 && n <= 100000) || !(i >= 0 && i < n)) throw new RangeError(`--shard: got ${text}; must be i/n with integers 0 <= i < n <= 100000 (i is 0-based)`);
  return { index: i, count: n };
}

/**
 * The shard of SLURM array variables, or null when SLURM_ARRAY_TASK_ID is unset: index = TASK_ID -
 * TASK_MIN (TASK_MIN defaults to 0), count = TASK_COUNT. Throws RangeError when they do not make a shard.
 */
export function shardFromSlurm(env: Record<string, string | undefined>): Shard | null {
  const id = env.SLURM_ARRAY_TASK_ID;
  if (id === undefined || id === '') return null;
  const count = Number(env.SLURM_ARRAY_TASK_COUNT);
  const min = Number(env.SLURM_ARRAY_TASK_MIN ?? '0');
  const index = Number(id) - min;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(
      `SLURM array variables: SLURM_ARRAY_TASK_ID=${id}, SLURM_ARRAY_TASK_MIN=${env.SLURM_ARRAY_TASK_MIN ?? '(unset)'}, SLURM_ARRAY_TASK_COUNT=${env.SLURM_ARRAY_TASK_COUNT ?? '(unset)'} ` +
        'do not give a shard 0 <= ID - MIN < COUNT (use a contiguous array such as --array=0-7, or pass --shard i/n)',
    );
  }
  return { index, count };
}

/** The units of one shard: unit u belongs to shard u mod count. The shards partition the units (and so the points). */
export function shardUnits(units: number[][], shard: Shard): number[][] {
  return units.filter((_, u) => u % shard.count === shard.index);
}

// ---------------------------------------------------------------------------------------------
// Point results: what a results line's `result` holds (deterministic: no timings, no dates)
// ---------------------------------------------------------------------------------------------

/** A solution as a results line keeps it: the fields every theory kind has, no Delta(tau), no diagnostics. */
export type PointSolution = Pick<TheorySolution, 'type' | 'branch' | 'kappa' | 'mu' | 'delta0' | 'deltaInf' | 'stable'>;

export interface TheoryPoint {
  kind: string;
  solutions: PointSolution[];
  /** Kind multiregion: the leading eigenvalue of T-hat, its prediction and what the two-time DMFT run did. */
  multiregion?: { lambda: { re: number; im: number } | null; predicted: string | null; outcome: string };
}

type SolutionLike = Partial<PointSolution> & { type: string };

interface MultiregionLike {
  prediction?: { outcome: string; lambda: { re: number; im: number } } | null;
  dmft?: { outcome: { overall: string } };
}

/** The solutions of a theory result, reduced to the fields every kind has (no Delta(tau), no diagnostics). */
export function theoryPoint(r: { kind: string; solutions: readonly SolutionLike[] }): TheoryPoint {
  const mr = r as MultiregionLike;
  const out: TheoryPoint = {
    kind: r.kind,
    solutions: r.solutions.map((s) => ({
      type: s.type as PointSolution['type'],
      branch: s.branch ?? '',
      kappa: s.kappa ? Array.from(s.kappa) : [],
      mu: s.mu ?? NaN,
      delta0: s.delta0 ?? NaN,
      deltaInf: s.deltaInf ?? NaN,
      stable: s.stable ?? null,
    })),
  };
  if (r.kind === 'multiregion' && mr.dmft) {
    out.multiregion = { lambda: mr.prediction ? { re: mr.prediction.lambda.re, im: mr.prediction.lambda.im } : null, predicted: mr.prediction?.outcome ?? null, outcome: mr.dmft.outcome.overall };
  }
  return out;
}

/**
 * Regime codes of the `regime` metric (docs/SWEEP.md, "Regimes"), from the stable solutions of a point
 * (`stable: true`; marginal or unknown stability does not count). A state is static (type `trivial` or
 * `static`) or chaotic; `trivial` is the x = 0 state (type `trivial`, or static with delta0 = 0 and
 * kappa = 0). Spec 01 §4.4 (M&O Fig. 1B): trivial for overlap < 1 and g < 1, static-bistable (+/- kappa)
 * for overlap > 1 below g_C, chaotic-bistable between g_C and g_BB, chaotic (kappa = 0) beyond.
 */
export const REGIMES = [
  { code: 0, name: 'none', meaning: 'no stable state (at a bifurcation, or stability unknown)', color: '#ffffff' },
  { code: 1, name: 'trivial', meaning: 'x = 0 is the only stable state', color: '#56b4e9' },
  { code: 2, name: 'static', meaning: 'one stable state, static and heterogeneous', color: '#009e73' },
  { code: 3, name: 'static-bistable', meaning: 'two or more stable states, all static (e.g. the +/- kappa branches)', color: '#0072b2' },
  { code: 4, name: 'chaotic', meaning: 'one stable state, chaotic', color: '#e69f00' },
  { code: 5, name: 'chaotic-bistable', meaning: 'two or more stable states, all chaotic (e.g. +/- kappa chaos)', color: '#d55e00' },
  { code: 6, name: 'mixed', meaning: 'two or more stable states, static and chaotic', color: '#cc79a7' },
] as const;

/** Classes numbered 0, 1, ... in the order given. */
const classes = (names: string[], colors: string[]) => names.map((name, code) => ({ code, name, color: colors[code] }));

/** Codes of the `outcome` metric: what the two-time DMFT run of a multiregion point did (spec 02 §9, classify.ts). */
export const OUTCOMES = classes(['fixed-point', 'fixed-point+chaos', 'limit-cycle', 'chaos'], ['#0072b2', '#56b4e9', '#009e73', '#e69f00']);

/** Codes of the `predicted` metric: the linear prediction from the leading eigenvalue of T-hat (spec 02 §6.2, hat.ts). */
export const PREDICTIONS = classes(['quiescent', 'fixed-point', 'limit-cycle', 'chaos'], ['#999999', '#0072b2', '#009e73', '#e69f00']);

/** The categorical metrics and their classes (sweep-report draws them with discrete colours). */
export const CATEGORICAL: Record<string, readonly { code: number; name: string; color: string }[]> = { regime: REGIMES, outcome: OUTCOMES, predicted: PREDICTIONS };

const codeOf = (list: readonly { code: number; name: string }[], name: string | null | undefined) => list.find((c) => c.name === name)?.code ?? NaN;

/** The regime code (REGIMES) of a point's solutions. */
export function regimeOf(sols: readonly PointSolution[]): number {
  const stable = sols.filter((s) => s.stable === true);
  if (!stable.length) return 0;
  const chaotic = stable.filter((s) => s.type === 'chaotic').length;
  if (stable.length === 1) {
    const s = stable[0];
    if (chaotic) return 4;
    const trivial = s.type === 'trivial' || (s.delta0 === 0 && s.kappa.every((k) => k === 0));
    return trivial ? 1 : 2;
  }
  return chaotic === 0 ? 3 : chaotic === stable.length ? 5 : 6;
}

/** The scalar columns of a results line, for CSV and figures (docs/SWEEP.md, "Report"). */
export function pointMetrics(result: PointResult): Record<string, number> {
  const m: Record<string, number> = {};
  if (result.theory) {
    const sols = result.theory.solutions;
    const stable = sols.filter((s) => s.stable === true);
    const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : NaN);
    m.solutions = sols.length;
    m.stable = stable.length;
    m.kappaMax = maxOf(stable.map((s) => Math.hypot(...s.kappa)));
    m.delta0Max = maxOf(stable.map((s) => s.delta0));
    m.temporalVarianceMax = maxOf(stable.map((s) => s.delta0 - s.deltaInf));
    m.chaotic = stable.some((s) => s.type === 'chaotic') ? 1 : 0;
    m.regime = regimeOf(sols);
    const mr = result.theory.multiregion;
    if (mr) {
      m.lambdaRe = mr.lambda?.re ?? NaN;
      m.lambdaIm = mr.lambda?.im ?? NaN;
      m.predicted = codeOf(PREDICTIONS, mr.predicted);
      m.outcome = codeOf(OUTCOMES, mr.outcome);
    }
  }
  if (result.simulation) {
    const sm = result.simulation.summary as Record<string, unknown>;
    const est = (v: unknown) => (isObj(v) && typeof v.mean === 'number' ? v.mean : NaN);
    m.simVariance = est(sm.variance);
    m.simAbsMean = est(sm.absMean);
    const k = Array.isArray(sm.kappa) ? sm.kappa.map(est) : [];
    m.simKappaAbs = k.length ? Math.hypot(...k) : NaN;
  }
  if (result.compare) m.agree = result.compare.agree ? 1 : 0;
  return m;
}

export interface PointResult {
  theory?: TheoryPoint;
  simulation?: { summary: unknown };
  compare?: { agree: boolean; rows: unknown[] };
}

/** Deep copy without the keys that measure wall time (`seconds`, `*Seconds`, `stepsPerSecond`). */
export function withoutTimings<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (k, x) => (k === 'seconds' || /Seconds$/.test(k) || k === 'stepsPerSecond' ? undefined : x))) as T;
}
