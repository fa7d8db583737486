/**
 * The dmftlab playground (issue 7; docs/PLAYGROUND.md): choose a model, watch a live network (a heatmap of
 * units against time, kappa or the population mean, the population variance against the theory's Delta0
 * with its band), turn g and the scales while it runs, run the theory for the same spec (branches, C(tau),
 * participation ratio) with the simulation overlaid, and share the spec as JSON or as a link.
 *
 * The page publishes its state as `window.dmftlabPlayground` (scripts/test-playground.mjs reads it).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './playground.css';
import { init, stream, solve, lowrank, parseSpec, phiNames, specHash, type Spec, type SimulationStream, type Frame, type TheorySolution, type MultiregionTheoryResult } from '../src/index.js';
import { DEFAULT_VIEW, PLAYGROUND_KINDS, defaultSpec, foldScales, gOf, hasInput, specFromFragment, specToFragment, type LiveScales, type PlaygroundKind, type ViewSettings } from './model.js';
import { StateRing, VarianceTracker, theoryBand } from './estimators.js';

// ---------------------------------------------------------------------------------------------------------
// page state

/** Frames the time-series plots keep (older ones scroll out). */
const WINDOW_FRAMES = 600;
/** States kept for C(tau) and the participation ratio (at most RING_BYTES of them). */
const RING_FRAMES = 400;
const RING_BYTES = 64 * 2 ** 20;
/** Time between plot redraws while running. */
const PAINT_MS = 50;

interface TheoryAtLive {
  key: string;
  solutions: TheorySolution[];
  /** the solution the band uses (stable, nearest the simulation's kappa), or null while unknown */
  chosen: TheorySolution | null;
}

interface PublicState {
  status: 'loading' | 'idle' | 'running' | 'paused' | 'error';
  threads: number;
  isolated: boolean;
  reason: string;
  frames: number;
  t: number;
  g: number;
  /** the last frame's values in the trace panel (kappa_r, S_ab or the mean), and their running averages since the last change */
  trace: number[];
  traceRunning: number[];
  traceTheory: number[] | null;
  variance: { mean: number; seTime: number; frames: number };
  theory: { g: number; delta0: number; halfWidth: number; pending: boolean } | null;
  agree: boolean | null;
  theoryRuns: number;
  error: string | null;
  /** the spec export would write now */
  spec: () => unknown;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: element #${id} is missing`);
  return el as T;
};

const app = {
  /** the spec before the live scales (g is the live one's start value) */
  base: defaultSpec('lowrank') as Spec,
  live: { g: 0.8, structureScale: 1, inputScale: 1 } as LiveScales,
  view: { ...DEFAULT_VIEW } as ViewSettings,
  stream: null as SimulationStream | null,
  runId: 0,
  frames: 0,
  t: 0,
  tracker: new VarianceTracker(DEFAULT_VIEW.settle),
  ring: null as StateRing | null,
  frameDt: 0,
  /** the g the running network was built with (multiregion streams take g as a multiplier of it) */
  gBuilt: 0,
  series: { t: [] as number[], v: [] as number[], run: [] as (number | null)[], th: [] as (number | null)[], lo: [] as (number | null)[], hi: [] as (number | null)[], tr: [] as number[][], trTh: [] as (number[] | null)[] },
  runningKappa: [] as number[],
  theoryLive: null as TheoryAtLive | null,
  theorySeq: 0,
  theoryPending: false,
  theoryRuns: 0,
  /** Delta(tau) of the last full theory run */
  ctau: null as { tau: number[]; delta: number[] } | null,
};

const pub: PublicState = {
  status: 'loading',
  threads: 0,
  isolated: Boolean(globalThis.crossOriginIsolated),
  reason: '',
  frames: 0,
  t: 0,
  g: app.live.g,
  trace: [],
  traceRunning: [],
  traceTheory: null,
  variance: { mean: NaN, seTime: NaN, frames: 0 },
  theory: null,
  agree: null,
  theoryRuns: 0,
  error: null,
  spec: () => exportedSpec(),
};
(window as unknown as { dmftlabPlayground: PublicState }).dmftlabPlayground = pub;

function showError(e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  pub.error = msg;
  const box = $('error');
  box.textContent = msg;
  box.hidden = false;
}

function clearError(): void {
  pub.error = null;
  $('error').hidden = true;
}

const fmt = (v: number, d = 4) => (Number.isFinite(v) ? v.toPrecision(d) : '–');

// ---------------------------------------------------------------------------------------------------------
// spec <-> controls

function exportedSpec(): Spec {
  return foldScales(app.base, app.live);
}

const kindOf = (spec: Spec) => spec.model.kind;
const isPlaygroundKind = (k: string): k is PlaygroundKind => (PLAYGROUND_KINDS as readonly string[]).includes(k);

function numberInput(id: string): HTMLInputElement {
  return $<HTMLInputElement>(id);
}

/** Put the spec's values into the controls. */
function showSpec(): void {
  const s = app.base;
  const m = s.model as Spec['model'] & { N?: number; phi?: string; g?: number };
  const kind = kindOf(s);
  const kindSel = $<HTMLSelectElement>('kind');
  if (!isPlaygroundKind(kind)) {
    if (![...kindSel.options].some((o) => o.value === kind)) kindSel.add(new Option(`${kind} (from JSON)`, kind));
  }
  kindSel.value = kind;
  numberInput('N').value = String(m.N ?? '');
  if (m.phi) $<HTMLSelectElement>('phi').value = m.phi;
  numberInput('seed').value = String(s.seed);
  $<HTMLSelectElement>('method').value = s.simulation.method;
  numberInput('dt').value = String(s.simulation.dt);
  numberInput('every').value = String(app.view.every);
  numberInput('settle').value = String(app.view.settle);
  const lr = s.model.kind === 'lowrank';
  $('lowrank-fields').hidden = !(lr && s.model.kind === 'lowrank' && s.model.rank === 1);
  if (s.model.kind === 'lowrank' && s.model.rank === 1) {
    numberInput('Mm').value = String(s.model.means.m[0]);
    numberInput('Mn').value = String(s.model.means.n[0]);
  }
  const other = $('other-kind');
  other.hidden = isPlaygroundKind(kind) && !(lr && s.model.kind === 'lowrank' && s.model.rank !== 1);
  other.textContent = `This ${kind}${lr ? ' rank-' + (s.model as { rank: number }).rank : ''} spec came from JSON: edit its other fields there and load it again.`;
  $('structure-label').hidden = !lr;
  $('input-label').hidden = !lr;
  const mr = kind === 'multiregion';
  $('N-label').textContent = mr ? 'N per region' : 'N';
  $('g-label').textContent = mr ? 'g (largest g_a; all scale together)' : 'g';
  numberInput('input').disabled = !hasInput(s);
  showLive();
}

function showLive(): void {
  numberInput('g').value = String(app.live.g);
  $('g-out').textContent = app.live.g.toFixed(2);
  numberInput('structure').value = String(app.live.structureScale);
  $('structure-out').textContent = app.live.structureScale.toFixed(2);
  numberInput('input').value = String(app.live.inputScale);
  $('input-out').textContent = app.live.inputScale.toFixed(2);
  pub.g = app.live.g;
}

/** Take a validated spec as the new base (g becomes the live g; the scales restart at 1). */
function adoptSpec(input: unknown, view?: ViewSettings): void {
  const spec = parseSpec(input);
  app.base = spec;
  app.live = { g: gOf(spec), structureScale: 1, inputScale: 1 };
  if (view) app.view = { ...view };
  app.theoryLive = null;
  app.ctau = null;
  showSpec();
}

/** The base spec with one structural control changed (N, phi, seed, M_m, M_n, method, dt). */
function specFromControls(): Spec {
  const s = structuredClone(app.base) as Spec & { model: { N: number; phi: string } };
  const num = (id: string) => Number(numberInput(id).value);
  const m = s.model as { N?: number; phi?: string; kind: string };
  if ('N' in m) m.N = num('N');
  if ('phi' in m) m.phi = $<HTMLSelectElement>('phi').value;
  s.seed = num('seed');
  (s.simulation as { method: string }).method = $<HTMLSelectElement>('method').value;
  s.simulation.dt = num('dt');
  if (s.model.kind === 'lowrank' && s.model.rank === 1) {
    s.model.means.m = [num('Mm')];
    s.model.means.n = [num('Mn')];
  }
  return parseSpec(s);
}

// ---------------------------------------------------------------------------------------------------------
// plots

const COLORS = { sim: '#1f5fbf', run: '#111', theory: '#c03020', band: 'rgba(192,48,32,0.12)', stable: '#c03020', unstable: '#e0a090' };

/**
 * A uPlot chart in the element `id` (replacing what it held): x and y axis labels, the series after the x
 * series, and `extra` options (bands, hooks, legend); empty data unless `data` is given.
 */
function linePlot(id: string, xLabel: string, yLabel: string, series: uPlot.Series[], extra: Partial<uPlot.Options> = {}, data?: uPlot.AlignedData): uPlot {
  const el = $(id);
  el.replaceChildren();
  const opts: uPlot.Options = {
    width: Math.max(360, Math.min(640, el.clientWidth || 440)),
    height: 220,
    scales: { x: { time: false } },
    axes: [{ label: xLabel }, yLabel ? { label: yLabel } : {}],
    series: [{}, ...series],
    legend: { live: false },
    ...extra,
  };
  return new uPlot(opts, data ?? (Array.from({ length: series.length + 1 }, () => []) as unknown as uPlot.AlignedData), el);
}

function makeVariancePlot(): uPlot {
  return linePlot(
    'plot-variance',
    't',
    'variance',
    [
      { label: 'population variance', stroke: COLORS.sim, width: 1 },
      { label: 'running mean', stroke: COLORS.run, width: 2 },
      { label: 'theory Δ0', stroke: COLORS.theory, width: 2, dash: [6, 4] },
      { label: 'band low', stroke: 'transparent', points: { show: false } },
      { label: 'band high', stroke: 'transparent', points: { show: false } },
    ],
    { bands: [{ series: [5, 4], fill: COLORS.band }] },
  );
}

const TRACE_COLORS = ['#1f5fbf', '#1f9f5f', '#8f3fbf', '#bf7f1f', '#3fafbf', '#bf3f8f'];

/** The trace panel: one line per component (kappa_r, S_ab or the mean) and the theory's value of each, dashed. */
function makeTracePlot(labels: string[]): uPlot {
  const color = (r: number) => TRACE_COLORS[r % TRACE_COLORS.length];
  return linePlot('plot-trace', 't', '', [
    ...labels.map((l, r) => ({ label: l, stroke: color(r), width: 1.5 })),
    ...labels.map((l, r) => ({ label: `theory ${l}`, stroke: color(r), width: 1.5, dash: [6, 4] })),
  ]);
}

function makeCtauPlot(): uPlot {
  return linePlot('plot-ctau', 'τ', 'C(τ)', [
    { label: 'theory Δ(τ)', stroke: COLORS.theory, width: 2 },
    { label: 'simulation', stroke: COLORS.sim, width: 0, points: { show: true, size: 5, fill: COLORS.sim } },
  ]);
}

let simKappaMarker: { g: number; kappa: number } | null = null;

/** kappa of every branch against g (stable solid, unstable dashed), with the simulation's running kappa as a dot. */
function makeBranchPlot(names: string[], data: uPlot.AlignedData): uPlot {
  const series = names.map((n) => {
    const stable = n.endsWith(' stable');
    return { label: n, stroke: stable ? COLORS.stable : COLORS.unstable, width: stable ? 2 : 1, dash: stable ? undefined : [4, 4], spanGaps: false };
  });
  const drawMarker = (u: uPlot) => {
    if (!simKappaMarker) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.fillStyle = COLORS.sim;
    ctx.beginPath();
    ctx.arc(u.valToPos(simKappaMarker.g, 'x', true), u.valToPos(simKappaMarker.kappa, 'y', true), 5 * devicePixelRatio, 0, 2 * Math.PI);
    ctx.fill();
    ctx.restore();
  };
  return linePlot('plot-branches', 'g', 'κ', series, { height: 240, legend: { show: false }, hooks: { draw: [drawMarker] } }, data);
}

/** What the trace panel shows for a spec: kappa_r (low-rank), the currents S^{ab} (multiregion) or the mean. */
function traceLabels(spec: Spec): string[] {
  const m = spec.model;
  if (m.kind === 'lowrank') return Array.from({ length: m.rank }, (_, r) => (m.rank > 1 ? `κ${r + 1}` : 'κ'));
  if (m.kind === 'multiregion') return Array.from({ length: m.P * m.P }, (_, k) => `S${Math.floor(k / m.P)}${k % m.P}`);
  return ['population mean'];
}

/** The frame's values for the trace panel, in the order of traceLabels. */
const traceOf = (f: Frame): number[] => f.currents ?? (f.kappa.length ? f.kappa : [f.mean]);

/** The theory's values for the trace panel. */
const traceTheory = (th: TheorySolution): number[] => (th.kappa.length ? th.kappa : [th.mu]);

let variancePlot: uPlot;
let tracePlot: uPlot;
let ctauPlot: uPlot;
let branchPlot: uPlot | null = null;

// ---------------------------------------------------------------------------------------------------------
// heatmap: one column per frame, the newest on the right

const heat = $<HTMLCanvasElement>('heatmap');
const heatCtx = heat.getContext('2d', { willReadFrequently: true })!;
let heatColumn = heatCtx.createImageData(1, heat.height);
let heatScale = 2;

function drawColumn(x: Float64Array): void {
  const H = heat.height;
  const W = heat.width;
  if (heatColumn.height !== H) heatColumn = heatCtx.createImageData(1, H);
  heatCtx.drawImage(heat, 1, 0, W - 1, H, 0, 0, W - 1, H);
  const d = heatColumn.data;
  for (let k = 0; k < H; k++) {
    const v = k < x.length ? Math.max(-1, Math.min(1, x[k] / heatScale)) : 0;
    const w = 1 - Math.abs(v);
    const p = 4 * k;
    d[p] = 255 * Math.max(0, v) + 235 * w;
    d[p + 1] = 235 * w + 20 * Math.abs(v);
    d[p + 2] = 255 * Math.max(0, -v) + 235 * w;
    d[p + 3] = 255;
  }
  heatCtx.putImageData(heatColumn, W - 1, 0);
}

function clearHeatmap(): void {
  heatCtx.fillStyle = '#fff';
  heatCtx.fillRect(0, 0, heat.width, heat.height);
}

// ---------------------------------------------------------------------------------------------------------
// theory at the live parameters (for the band), and the full theory run

const stableOf = (sols: TheorySolution[]) => {
  const st = sols.filter((s) => s.stable === true);
  return st.length ? st : sols.filter((s) => s.stable !== false);
};

/** The stable solution nearest the simulation's running kappa (the branch the network sits on). */
function chooseSolution(sols: TheorySolution[]): TheorySolution | null {
  const cands = stableOf(sols);
  if (!cands.length) return null;
  const k = app.runningKappa;
  if (!k.length || !cands[0].kappa.length) return cands[0];
  const dist = (s: TheorySolution) => s.kappa.reduce((a, v, r) => a + (v - (k[r] ?? 0)) ** 2, 0);
  return cands.reduce((best, s) => (dist(s) < dist(best) ? s : best));
}

/** Solutions at the live parameters: the sweep's one-g route for low-rank specs (no Delta(tau); fast), solve otherwise. */
async function liveSolutions(spec: Spec): Promise<TheorySolution[]> {
  if (spec.model.kind === 'lowrank') {
    const sw = await lowrank.sweep(spec, [spec.model.g]);
    return sw.results[0].solutions as TheorySolution[];
  }
  const out = await solve(spec);
  if (out.result.kind === 'multiregion') return [multiregionEndState(out.result)];
  return (out.result as { solutions?: TheorySolution[] }).solutions ?? [];
}

/**
 * The state the multiregion DMFT reaches from the spec's start state, in the shape of a solution: kappa holds
 * the end currents S^{ab} (row-major, as frame.currents), delta0 the mean over regions of Delta^a(t, t) at the
 * end (the whole network's variance when the regions' means vanish), stable = whether the run settled.
 */
function multiregionEndState(r: MultiregionTheoryResult): TheorySolution {
  const fin = r.dmft.final;
  const settled = r.dmft.outcome.overall === 'fixed-point' || r.dmft.outcome.overall === 'chaos' || r.dmft.outcome.overall === 'fixed-point+chaos';
  return {
    type: r.dmft.outcome.overall === 'fixed-point' ? 'static' : 'chaotic',
    branch: `DMFT end state (${r.dmft.outcome.overall})`,
    kappa: fin.currents.flat(),
    mu: 0,
    delta0: fin.variance.reduce((a, v) => a + v, 0) / fin.variance.length,
    deltaInf: NaN,
    stable: settled,
    diagnostics: { residual: r.dmft.finalDrift, iterations: r.dmft.Nt, converged: settled, method: 'two-time DMFT from the start state' },
  };
}

async function updateLiveTheory(): Promise<void> {
  const spec = exportedSpec();
  const key = JSON.stringify(spec.model);
  if (app.theoryLive?.key === key) {
    app.theoryPending = false;
    renderReadouts();
    return;
  }
  const seq = ++app.theorySeq;
  app.theoryPending = true;
  renderReadouts();
  // let the "computing" state paint before the (synchronous) solve
  await new Promise((r) => setTimeout(r, 0));
  try {
    const solutions = await liveSolutions(spec);
    if (seq !== app.theorySeq) return;
    app.theoryLive = { key, solutions, chosen: chooseSolution(solutions) };
  } catch (e) {
    if (seq !== app.theorySeq) return;
    app.theoryLive = { key, solutions: [], chosen: null };
    showError(`theory at g = ${app.live.g}: ${(e as Error).message}`);
  } finally {
    if (seq === app.theorySeq) app.theoryPending = false;
    renderReadouts();
  }
}

const G_GRID = Array.from({ length: 81 }, (_, k) => Math.round(k * 5) / 100);

async function runTheory(): Promise<void> {
  const btn = $<HTMLButtonElement>('theory');
  btn.disabled = true;
  $('theory-summary').textContent = 'computing…';
  await new Promise((r) => setTimeout(r, 0));
  try {
    clearError();
    let spec = exportedSpec();
    const wantPr = spec.model.kind === 'random' && spec.model.g > 1;
    if (wantPr) spec = parseSpec({ ...spec, simulation: { ...spec.simulation, dimension: 'x', blocks: Math.max(3, spec.simulation.blocks) } });
    // multiregion: a slice Delta(t + tau, t) at the middle of the DMFT run for the C(tau) panel
    const dm = spec.model.kind === 'multiregion' ? spec.theory.dmft : undefined;
    if (dm && !dm.refTimes.length) spec = parseSpec({ ...spec, theory: { ...spec.theory, dmft: { ...dm, refTimes: [dm.duration / 2] } } });
    const t0 = performance.now();
    const out = await solve(spec);
    const res = out.result as { solutions?: TheorySolution[]; dimension?: { prX: number; prPhi: number } | null; diagnostics?: { notes?: string[] } };
    const mr = out.result.kind === 'multiregion' ? out.result : null;
    // multiregion: the state the DMFT run reaches (its stationary solutions list currents per region, not kappa)
    const sols = mr ? [multiregionEndState(mr)] : (res.solutions ?? []);
    const tbody = $('solutions').querySelector('tbody')!;
    tbody.replaceChildren(
      ...sols.map((s) => {
        const tr = document.createElement('tr');
        for (const v of [s.type, s.branch, s.kappa.map((k) => k.toFixed(4)).join(', ') || '–', s.delta0.toFixed(5), String(s.stable), s.diagnostics.residual.toExponential(1), String(s.diagnostics.converged)]) {
          const td = document.createElement('td');
          td.textContent = v;
          tr.append(td);
        }
        return tr;
      }),
    );
    const chosen = chooseSolution(sols);
    const slice = mr?.dmft.slices.at(-1);
    // lags up to half the DMFT window: beyond, the window's cut-off shows in the slice (as in its classification)
    const half = dm && dm.window !== null ? dm.window / 2 : Infinity;
    const lags = slice ? slice.tau.filter((t) => t <= half) : [];
    app.ctau = slice
      ? { tau: lags, delta: lags.map((_, k) => slice.delta.reduce((a, d) => a + d[k], 0) / slice.delta.length) }
      : chosen?.tau && chosen.delta
        ? { tau: chosen.tau, delta: chosen.delta }
        : chosen
          ? { tau: [0, 20], delta: [chosen.delta0, chosen.deltaInf] }
          : null;
    let prText = '';
    if (res.dimension) {
      const sim = app.ring?.participationRatio();
      const N = (spec.model as { N: number }).N;
      prText = `Participation ratio PR/N of x: theory (N → ∞) ${res.dimension.prX.toFixed(4)}; simulation ${sim && Number.isFinite(sim.pr) ? (sim.pr / N).toFixed(4) : '–'} (naive estimate from the last ${sim?.samples ?? 0} frames, biased low for short windows).`;
    } else if (spec.model.kind === 'random') prText = 'Participation ratio: the network has no chaotic state at g ≤ 1.';
    $('pr').textContent = prText;
    $('theory-summary').textContent = `${sols.length} solution${sols.length === 1 ? '' : 's'} at g = ${app.live.g} (${((performance.now() - t0) / 1000).toFixed(2)} s; spec ${specHash(spec).slice(0, 12)}). ${res.diagnostics?.notes?.join(' ') ?? ''}`;
    if (spec.model.kind === 'lowrank') await drawBranches(spec);
    else {
      $('plot-branches').textContent = 'Branches in g are drawn for low-rank specs.';
      branchPlot = null;
    }
    paintCtau();
    app.theoryRuns++;
    pub.theoryRuns = app.theoryRuns;
  } catch (e) {
    showError(e);
    $('theory-summary').textContent = 'the theory failed (see above)';
  } finally {
    btn.disabled = false;
  }
}

async function drawBranches(spec: Spec): Promise<void> {
  const sw = await lowrank.sweep(spec, G_GRID);
  const names: string[] = [];
  const cols = new Map<string, (number | null)[]>();
  sw.results.forEach((r, k) => {
    for (const s of r.solutions as TheorySolution[]) {
      if (s.type === 'trivial') continue;
      const name = `${s.type} ${s.branch} ${s.stable ? 'stable' : 'unstable'}`;
      if (!cols.has(name)) {
        cols.set(name, new Array(G_GRID.length).fill(null));
        names.push(name);
      }
      cols.get(name)![k] = s.kappa[0];
    }
  });
  names.sort();
  branchPlot = makeBranchPlot(names, [G_GRID, ...names.map((n) => cols.get(n)!)] as uPlot.AlignedData);
}

function paintCtau(): void {
  if (!app.ctau) return;
  const { tau, delta } = app.ctau;
  const tauMax = tau[tau.length - 1];
  let simTau: number[] = [];
  let simC: number[] = [];
  if (app.ring && app.ring.length >= 3 && app.frameDt > 0) {
    const maxLag = Math.min(app.ring.length - 2, Math.floor(tauMax / app.frameDt));
    simC = app.ring.autocovariance(maxLag);
    simTau = simC.map((_, l) => l * app.frameDt);
  }
  // one x axis: the theory grid and the simulation's lags merged (uPlot draws nulls as gaps)
  const xs = [...new Set([...tau, ...simTau])].sort((a, b) => a - b);
  const thAt = new Map(tau.map((t, i) => [t, delta[i]]));
  const simAt = new Map(simTau.map((t, i) => [t, simC[i]]));
  ctauPlot.setData([xs, xs.map((x) => thAt.get(x) ?? null), xs.map((x) => simAt.get(x) ?? null)] as uPlot.AlignedData);
}

// ---------------------------------------------------------------------------------------------------------
// readouts

function renderReadouts(): void {
  const est = app.tracker.estimate();
  pub.variance = { mean: est.mean, seTime: est.seTime, frames: est.frames };
  $('t').textContent = app.t.toFixed(1);
  $('frames').textContent = String(app.frames);
  const vEl = $('variance');
  vEl.textContent = est.frames ? `${fmt(est.mean)} ± ${fmt(est.seTime, 2)} (${est.frames} frames since t = ${app.tracker.settledFrom.toFixed(1)})` : `settling until t = ${app.tracker.settledFrom.toFixed(1)}`;
  vEl.dataset.value = String(est.mean);
  vEl.dataset.se = String(est.seTime);
  vEl.dataset.frames = String(est.frames);
  const th = app.theoryLive?.chosen ?? null;
  const N = (app.base.model as { N?: number }).N ?? 1;
  const d0El = $('delta0');
  const bandEl = $('band');
  const agreeEl = $('agree');
  if (app.theoryPending || !th) {
    d0El.textContent = app.theoryPending ? 'computing…' : '–';
    bandEl.textContent = '';
    agreeEl.textContent = '–';
    agreeEl.className = '';
    pub.theory = app.theoryPending ? { g: app.live.g, delta0: NaN, halfWidth: NaN, pending: true } : null;
    pub.agree = null;
    d0El.dataset.value = '';
    return;
  }
  const band = theoryBand(th.delta0, est.seTime, N);
  d0El.textContent = `${th.delta0.toPrecision(5)} (${th.type} ${th.branch})`;
  d0El.dataset.value = String(th.delta0);
  bandEl.textContent = Number.isFinite(band.halfWidth) ? `band ± ${band.halfWidth.toPrecision(3)} (3 × √(SE_t² + SE_N²), SE_N = ${band.seQuenched.toPrecision(2)})` : `band: needs more frames`;
  bandEl.dataset.halfWidth = String(band.halfWidth);
  pub.theory = { g: app.live.g, delta0: th.delta0, halfWidth: band.halfWidth, pending: false };
  if (app.base.model.kind === 'multiregion') {
    // the band's quenched spread was measured for single-population networks only
    bandEl.textContent = '';
    bandEl.dataset.halfWidth = '';
    pub.theory.halfWidth = NaN;
    pub.agree = null;
    agreeEl.textContent = 'not judged for multiregion (no measured finite-N band)';
    agreeEl.className = '';
  } else if (est.frames && Number.isFinite(band.halfWidth)) {
    const ok = Math.abs(est.mean - th.delta0) <= band.halfWidth;
    pub.agree = ok;
    agreeEl.textContent = ok ? `within the band (z = ${((est.mean - th.delta0) / (band.halfWidth / 3)).toFixed(2)})` : `outside the band (z = ${((est.mean - th.delta0) / (band.halfWidth / 3)).toFixed(2)})`;
    agreeEl.className = ok ? 'yes' : 'no';
  } else {
    pub.agree = null;
    agreeEl.textContent = 'waiting for frames';
    agreeEl.className = '';
  }
  $('kappa-label').textContent = app.base.model.kind === 'multiregion' ? 'S_ab (running)' : app.base.model.kind === 'lowrank' ? 'κ (running)' : 'mean (running)';
  $('kappa').textContent = app.runningKappa.length ? app.runningKappa.map((k) => k.toFixed(4)).join(', ') : '–';
}

// ---------------------------------------------------------------------------------------------------------
// the stream

function resetSeries(): void {
  const s = app.series;
  for (const k of Object.keys(s) as (keyof typeof s)[]) (s[k] as unknown[]).length = 0;
}

function onFrame(f: Frame): void {
  app.frames = f.index + 1;
  app.t = f.t;
  pub.frames = app.frames;
  pub.t = f.t;
  drawColumn(f.x);
  const settled = f.t >= app.tracker.settledFrom;
  // C(tau) and PR describe the stationary state at the live parameters: settled frames of this epoch only
  if (settled) app.ring?.push(f.state);
  app.tracker.push(f.t, f.variance);
  const est = app.tracker.estimate();
  // kappa averaged over the settled frames of this epoch (it picks the branch for the band)
  const obs = traceOf(f);
  if (settled && obs.length) {
    const n = est.frames;
    app.runningKappa = obs.map((k, r) => (n <= 1 ? k : (app.runningKappa[r] ?? k) + (k - (app.runningKappa[r] ?? k)) / n));
    const lt = app.theoryLive;
    if (lt) lt.chosen = chooseSolution(lt.solutions);
  }
  const s = app.series;
  s.t.push(f.t);
  s.v.push(f.variance);
  s.run.push(est.frames ? est.mean : null);
  const th = app.theoryPending ? null : (app.theoryLive?.chosen ?? null);
  // no band for multiregion (renderReadouts says why)
  const band = th && app.base.model.kind !== 'multiregion' ? theoryBand(th.delta0, est.seTime, (app.base.model as { N: number }).N) : null;
  s.th.push(th ? th.delta0 : null);
  s.lo.push(band && Number.isFinite(band.halfWidth) ? th!.delta0 - band.halfWidth : null);
  s.hi.push(band && Number.isFinite(band.halfWidth) ? th!.delta0 + band.halfWidth : null);
  s.tr.push(traceOf(f));
  pub.trace = traceOf(f);
  pub.traceRunning = [...app.runningKappa];
  pub.traceTheory = th ? traceTheory(th) : null;
  // before the frames settle the branch is not known yet
  s.trTh.push(th && settled ? traceTheory(th) : null);
  if (s.t.length > WINDOW_FRAMES) for (const k of Object.keys(s) as (keyof typeof s)[]) (s[k] as unknown[]).shift();
}

function paint(): void {
  const s = app.series;
  variancePlot.setData([s.t, s.v, s.run, s.th, s.lo, s.hi] as uPlot.AlignedData);
  const R = traceLabels(app.base).length;
  const cols: (number | null)[][] = Array.from({ length: R }, (_, r) => s.tr.map((v) => v[r] ?? null));
  const thCols: (number | null)[][] = Array.from({ length: R }, (_, r) => s.trTh.map((v) => v?.[r] ?? null));
  tracePlot.setData([s.t, ...cols, ...thCols] as uPlot.AlignedData);
  if (branchPlot && app.runningKappa.length) {
    simKappaMarker = { g: app.live.g, kappa: app.runningKappa[0] };
    branchPlot.redraw(false, false);
  }
  renderReadouts();
}

const nextPaint = () => new Promise<void>((r) => {
  const done = () => r();
  requestAnimationFrame(done);
  setTimeout(done, 100); // rAF stops in hidden tabs; the stream goes on slowly
});

async function start(): Promise<void> {
  await stop();
  clearError();
  let s: SimulationStream;
  const base = app.base;
  // units in the state: N, or P N for multiregion (region after region)
  const N = base.model.kind === 'multiregion' ? base.model.P * base.model.N : ((base.model as { N?: number }).N ?? 0);
  const spec = foldScales(base, { g: app.live.g, structureScale: 1, inputScale: 1 });
  try {
    s = stream(spec, { every: app.view.every, units: Math.min(N, heat.height) });
    if (base.model.kind === 'lowrank' && (app.live.structureScale !== 1 || app.live.inputScale !== 1)) {
      s.set({ structureScale: app.live.structureScale, ...(hasInput(base) ? { inputScale: app.live.inputScale } : {}) });
    }
  } catch (e) {
    showError(e);
    return;
  }
  const runId = ++app.runId;
  app.stream = s;
  app.frames = 0;
  app.t = 0;
  app.runningKappa = [];
  app.frameDt = app.view.every * base.simulation.dt;
  app.gBuilt = app.live.g;
  app.tracker.restart(0, app.view.settle);
  const ringFrames = Math.max(2, Math.min(RING_FRAMES, Math.floor(RING_BYTES / (8 * Math.max(1, N)))));
  app.ring = N ? new StateRing(N, ringFrames) : null;
  heatScale = base.model.kind === 'lowrank' ? 3 : 2;
  resetSeries();
  clearHeatmap();
  tracePlot = makeTracePlot(traceLabels(base));
  $('trace-caption').textContent =
    base.model.kind === 'lowrank' ? 'κ = (1/N) n·φ(x) and the theory’s κ' : base.model.kind === 'multiregion' ? 'currents S_ab (from region b into a) and the end state of the DMFT' : 'population mean and the theory’s μ';
  setRunning('running');
  void updateLiveTheory();
  let last = performance.now();
  let lastCtau = last;
  try {
    for (;;) {
      const r = await s.next();
      if (runId !== app.runId) return;
      if (r.done) break;
      onFrame(r.value);
      const now = performance.now();
      if (now - last > PAINT_MS) {
        paint();
        if (app.ctau && now - lastCtau > 2000) {
          paintCtau();
          lastCtau = now;
        }
        await nextPaint();
        if (runId !== app.runId) return;
        last = performance.now();
      }
    }
  } catch (e) {
    if (runId === app.runId) showError(e);
  }
  if (runId === app.runId) {
    app.stream = null;
    paint();
    setRunning('idle');
  }
}

async function stop(): Promise<void> {
  const s = app.stream;
  app.runId++;
  app.stream = null;
  if (s) await s.close();
  setRunning('idle');
}

function setRunning(status: PublicState['status']): void {
  pub.status = status;
  $<HTMLButtonElement>('start').textContent = status === 'idle' ? 'Start' : 'Restart';
  $<HTMLButtonElement>('pause').disabled = status === 'idle';
  $<HTMLButtonElement>('pause').textContent = status === 'paused' ? 'Resume' : 'Pause';
  $<HTMLButtonElement>('stop').disabled = status === 'idle';
}

/** A live change: g or a scale. Applies at the next step of a running stream; the averages restart. */
function liveChange(p: Partial<LiveScales>): void {
  app.live = { ...app.live, ...p };
  showLive();
  app.theoryLive = null;
  app.runningKappa = [];
  const s = app.stream;
  if (s) {
    try {
      // a multiregion stream takes g as a multiplier of the gains it was built with
      const q = app.base.model.kind === 'multiregion' && p.g !== undefined ? { ...p, g: app.gBuilt > 0 ? p.g / app.gBuilt : NaN } : p;
      s.set(q);
    } catch {
      // e.g. g changed on a network built with g = 0: rebuild at the new value
      void start();
      return;
    }
    app.tracker.restart(app.t, app.view.settle);
    app.ring?.clear();
  }
  // a dragged slider sends many input events: solve once it rests (each low-rank solve takes ~0.4 s)
  app.theorySeq++;
  app.theoryPending = true;
  renderReadouts();
  if (theoryTimer !== null) clearTimeout(theoryTimer);
  theoryTimer = setTimeout(() => {
    theoryTimer = null;
    void updateLiveTheory();
  }, THEORY_DEBOUNCE_MS);
}

const THEORY_DEBOUNCE_MS = 200;
let theoryTimer: ReturnType<typeof setTimeout> | null = null;

/** A structural change (N, phi, seed, M_m, M_n, method, dt, kind): a running stream restarts. */
function structuralChange(next: () => void): void {
  try {
    clearError();
    next();
    showSpec();
    if (app.stream) void start();
    else void updateLiveTheory();
  } catch (e) {
    showError(e);
    showSpec();
  }
}

// ---------------------------------------------------------------------------------------------------------
// share

function exportJson(): string {
  const text = JSON.stringify(exportedSpec(), null, 2);
  $<HTMLTextAreaElement>('spec-text').value = text;
  return text;
}

function exportUrl(): string {
  const frag = specToFragment(exportedSpec(), app.view);
  const url = `${location.origin}${location.pathname}${frag}`;
  $<HTMLInputElement>('spec-url').value = url;
  history.replaceState(null, '', frag);
  return url;
}

async function importText(text: string): Promise<void> {
  try {
    clearError();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`the text is not JSON: ${(e as Error).message}`);
    }
    const running = Boolean(app.stream);
    await stop();
    adoptSpec(json);
    if (running) void start();
    else void updateLiveTheory();
  } catch (e) {
    showError(e);
  }
}

// ---------------------------------------------------------------------------------------------------------
// wiring

function wire(): void {
  const phiSel = $<HTMLSelectElement>('phi');
  for (const n of phiNames()) phiSel.add(new Option(n, n));
  $<HTMLSelectElement>('kind').addEventListener('change', (e) => {
    const kind = (e.target as HTMLSelectElement).value;
    if (!isPlaygroundKind(kind)) return;
    structuralChange(() => {
      // N and the seed carry over; phi and the rest are the kind's defaults (multiregion: erf, whose DMFT runs in Wasm)
      app.base = parseSpec(defaultSpec(kind, { N: (app.base.model as { N?: number }).N, seed: app.base.seed }));
      app.live = { g: gOf(app.base), structureScale: 1, inputScale: 1 };
      app.theoryLive = null;
      app.ctau = null;
    });
  });
  for (const id of ['N', 'phi', 'seed', 'Mm', 'Mn', 'method', 'dt']) {
    $(id).addEventListener('change', () =>
      structuralChange(() => {
        app.base = specFromControls();
        app.theoryLive = null;
      }),
    );
  }
  for (const id of ['every', 'settle']) {
    $(id).addEventListener('change', () => {
      const every = Number(numberInput('every').value);
      const settle = Number(numberInput('settle').value);
      if (!(Number.isInteger(every) && every >= 1 && every <= 1000)) return showError(`steps per frame: got ${numberInput('every').value}; must be an integer from 1 to 1000`);
      if (!(Number.isFinite(settle) && settle >= 0 && settle <= 1e4)) return showError(`settle time: got ${numberInput('settle').value}; must be from 0 to 10000`);
      clearError();
      const restart = every !== app.view.every && app.stream;
      app.view = { every, settle };
      if (restart) void start();
      else {
        app.tracker.restart(app.t, settle);
        app.ring?.clear();
      }
    });
  }
  const live = (id: string, key: keyof LiveScales) => $(id).addEventListener('input', (e) => liveChange({ [key]: Number((e.target as HTMLInputElement).value) }));
  live('g', 'g');
  live('structure', 'structureScale');
  live('input', 'inputScale');
  $('start').addEventListener('click', () => void start());
  $('stop').addEventListener('click', () => void stop());
  $('pause').addEventListener('click', () => {
    const s = app.stream;
    if (!s) return;
    if (s.paused) {
      s.resume();
      setRunning('running');
    } else {
      s.pause();
      setRunning('paused');
    }
  });
  $('theory').addEventListener('click', () => void runTheory());
  $('export-json').addEventListener('click', () => {
    const text = exportJson();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    a.download = `dmftlab-spec-${specHash(exportedSpec()).slice(0, 8)}.json`;
    a.textContent = 'download';
    a.id = 'download-link';
    document.getElementById('download-link')?.remove();
    $('export-json').after(a);
  });
  $('export-url').addEventListener('click', () => void exportUrl());
  $('import').addEventListener('click', () => void importText($<HTMLTextAreaElement>('spec-text').value));
  $<HTMLInputElement>('import-file').addEventListener('change', async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const text = await file.text();
    $<HTMLTextAreaElement>('spec-text').value = text;
    await importText(text);
  });
}

async function main(): Promise<void> {
  wire();
  variancePlot = makeVariancePlot();
  tracePlot = makeTracePlot(traceLabels(app.base));
  ctauPlot = makeCtauPlot();
  clearHeatmap();
  try {
    const fromUrl = specFromFragment(location.hash);
    if (fromUrl) adoptSpec(fromUrl.spec, fromUrl.view);
    else adoptSpec(app.base);
  } catch (e) {
    showError(`the spec in the link was not loaded: ${(e as Error).message}`);
    adoptSpec(defaultSpec('lowrank'));
  }
  const report = await init();
  pub.threads = report.threads;
  pub.reason = report.reason;
  $('runtime').textContent = `${report.variant}, ${report.threads} thread${report.threads === 1 ? '' : 's'} (${report.runtime})`;
  if (!globalThis.crossOriginIsolated) {
    const b = $('isolation');
    b.textContent = `This page is not cross-origin isolated (it needs the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp; \`npm run serve\` sends them), so the simulation runs on one thread. ${report.reason}`;
    b.hidden = false;
  }
  setRunning('idle');
  void updateLiveTheory();
}

main().catch((e) => {
  pub.status = 'error';
  showError(e);
});
