/**
 * The playground's state as data (no DOM): the spec being shown, the live scales a stream applies on top of
 * it, and the conversions the page needs: default specs per model kind, folding the live scales back into
 * a spec (what "export" writes), and the spec in a URL fragment (`#spec=` + base64url of its JSON).
 * Everything here runs in Node too (tests/playground.test.ts).
 */
import type { Spec } from '../src/spec/types.js';

/** Model kinds the playground can build from its controls (any valid spec can still be imported). */
export const PLAYGROUND_KINDS = ['random', 'lowrank', 'multiregion'] as const;
export type PlaygroundKind = (typeof PLAYGROUND_KINDS)[number];

/** Largest N the controls offer: the playground keeps about 400 states of N doubles for C(tau) and PR. */
export const PLAYGROUND_MAX_N = 8000;

/** Settings of the view (not part of the spec). */
export interface ViewSettings {
  /** Integration steps between frames. */
  every: number;
  /** Time after a start or a parameter change that the running averages skip (transients). */
  settle: number;
}

export const DEFAULT_VIEW: ViewSettings = { every: 5, settle: 30 };

/**
 * The spec a kind starts from. `lowrank` is M&O 2018 Fig. 1 (rank one, M_m = 1.1, M_n = 2, unit variances):
 * static and bistable below g_C = 1.80, chaotic with kappa != 0 up to g_S = 2.06, chaotic with kappa = 0
 * above; `random` is the classic i.i.d. network (chaotic above g = 1).
 */
export function defaultSpec(kind: PlaygroundKind, keep: { N?: number; g?: number; phi?: string; seed?: number } = {}): Spec {
  const N = keep.N ?? 1000;
  const phi = keep.phi ?? 'tanh';
  const seed = keep.seed ?? 1;
  const simulation = { method: 'rk4', dt: 0.1 };
  if (kind === 'random') {
    return { dmftlab: 1, seed, model: { kind: 'random', N, g: keep.g ?? 2, phi }, simulation } as unknown as Spec;
  }
  if (kind === 'multiregion') {
    // examples/specs/multiregion-sym-p2-g1.5.json with N per region from the controls: two regions, symmetric
    // communication c01 = 2.5, erf; the DMFT from the same start state reaches a fixed point with active
    // cross-currents S01 = S10 = 1.38
    return {
      dmftlab: 1,
      seed,
      model: { kind: 'multiregion', P: 2, N, g: keep.g ?? 1.5, phi: keep.phi ?? 'erf', interactions: { kind: 'symmetric', c: [[0, 2.5], [2.5, 0]] }, start: { S: [[0, 0.5], [0.5, 0]], sigma0: 1 } },
      simulation: { method: 'euler', dt: 0.05 },
      theory: { dmft: { dt: 0.05, duration: 300, window: 50 } },
    } as unknown as Spec;
  }
  return {
    dmftlab: 1,
    seed,
    model: { kind: 'lowrank', N, g: keep.g ?? 0.8, phi, rank: 1, means: { m: [1.1], n: [2], I: 0 }, cov: { mm: [[1]], nn: [[1]], nm: [[0]], mI: [0], nI: [0], II: 0 } },
    simulation,
  } as unknown as Spec;
}

/**
 * The g the playground's g control shows for a spec: model.g, or for multiregion the largest region gain
 * g_a (the control then scales every g_a and g_ab by the same factor, as `stream.set({ g })` does).
 */
export function gOf(spec: Spec): number {
  const m = spec.model as { kind: string; g?: number | number[] };
  if (Array.isArray(m.g)) return Math.max(0, ...m.g);
  return typeof m.g === 'number' ? m.g : 0;
}

/** The scales a running stream applies on top of its spec (`stream.set`). */
export interface LiveScales {
  g: number;
  structureScale: number;
  inputScale: number;
}

/**
 * The spec that builds the network the stream shows now: `g` replaced, the structure scale folded into the
 * m vectors (means.m, cov.mm, cov.nm, cov.mI) and the input scale into I (means.I, cov.II, cov.mI, cov.nI).
 * With the same seed it draws the same J, m, n and I as the stream uses after its `set()` calls, up to
 * rounding (a scaled draw against a draw with scaled moments). Multiregion: every g_a and g_ab times
 * live.g / gOf(spec) (the playground offers no structure or input scale for it). Input specs are never modified.
 */
export function foldScales(spec: Spec, live: LiveScales): Spec {
  const out = structuredClone(spec) as Spec;
  const m = out.model;
  if (m.kind === 'random' || m.kind === 'lowrank' || m.kind === 'randomMode') (m as { g: number }).g = live.g;
  if (m.kind === 'multiregion') {
    // every gain by one factor: the multiplier a multiregion stream's set({ g }) applies
    const ref = gOf(spec);
    const r = ref > 0 ? live.g / ref : 0;
    m.g = ref > 0 ? m.g.map((v) => v * r) : m.g.map(() => live.g);
    if (m.crossDisorder) m.crossDisorder = m.crossDisorder.map((row) => row.map((v) => v * r));
    return out;
  }
  if (m.kind !== 'lowrank') return out;
  const s = live.structureScale;
  const a = live.inputScale;
  m.means.m = m.means.m.map((v) => v * s);
  m.cov.mm = m.cov.mm.map((row) => row.map((v) => v * s * s));
  m.cov.nm = m.cov.nm.map((row) => row.map((v) => v * s));
  m.means.I *= a;
  m.cov.II *= a * a;
  m.cov.mI = m.cov.mI.map((v) => v * s * a);
  m.cov.nI = m.cov.nI.map((v) => v * a);
  return out;
}

/** Whether a low-rank spec drives its network with an input (so that the input scale does something). */
export function hasInput(spec: Spec): boolean {
  const m = spec.model;
  return m.kind === 'lowrank' && (m.means.I !== 0 || m.cov.II !== 0);
}

const toBase64Url = (bytes: Uint8Array): string => {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const fromBase64Url = (s: string): Uint8Array => {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

/** The URL fragment that carries a spec and the view settings: `#spec=<base64url(JSON)>&every=5&settle=30`. */
export function specToFragment(spec: unknown, view: ViewSettings = DEFAULT_VIEW): string {
  const json = JSON.stringify(spec);
  return `#spec=${toBase64Url(new TextEncoder().encode(json))}&every=${view.every}&settle=${view.settle}`;
}

/**
 * The spec and view settings in a URL fragment (as written by `specToFragment`), or null when the fragment
 * carries no spec. Throws an Error naming what is wrong when it carries a broken one; the caller validates
 * the spec itself with `parseSpec`.
 */
export function specFromFragment(hash: string): { spec: unknown; view: ViewSettings } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const enc = params.get('spec');
  if (enc === null) return null;
  let spec: unknown;
  try {
    spec = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(enc)));
  } catch (e) {
    throw new Error(`the link's spec is not base64url-encoded JSON (${(e as Error).message})`);
  }
  const view = { ...DEFAULT_VIEW };
  for (const key of ['every', 'settle'] as const) {
    const raw = params.get(key);
    if (raw === null) continue;
    const v = Number(raw);
    const ok = key === 'every' ? Number.isInteger(v) && v >= 1 && v <= 1000 : Number.isFinite(v) && v >= 0 && v <= 1e4;
    if (!ok) throw new Error(`the link's ${key} = ${raw} is invalid: ${key === 'every' ? 'an integer from 1 to 1000 (steps per frame)' : 'a time from 0 to 10000'}`);
    view[key] = v;
  }
  return { spec, view };
}
