/** The natural figure of each CLI command (`--plot FILE.svg`), built with src/plot/svg.ts. */
import { renderSvg, type Panel, type Series, type Figure } from './plot/svg.js';
import type { SimulationResult } from './sim/simulate.js';
import type { TheorySolution } from './theory/types.js';
import type { CompareReport } from './compare.js';
import type { DemoOutput } from './demo.js';
import type { MultiregionTheoryResult } from './theory/multiregion/solve.js';
import type { MultiregionSimulationResult } from './sim/multiregion-spec.js';

interface Env<R> {
  spec: { name?: string; model: { kind: string; N: number; g: number | number[]; phi: string; P?: number } };
  result: R;
}

function title(env: Env<unknown>, what: string): string {
  const m = env.spec.model;
  const g = Array.isArray(m.g) ? `(${m.g.join(', ')})` : m.g;
  return `${what}: ${env.spec.name ?? m.kind}, ${m.P ? `P = ${m.P}, N = ${m.N} per region` : `N = ${m.N}`}, g = ${g}, phi = ${m.phi}`;
}

/** Multiregion simulation (first network): unit traces, second moments and filtered currents against time. */
export function multiregionSimulationPanels(sim: MultiregionSimulationResult): Panel[] {
  const net = sim.networks[0];
  const P = sim.P;
  const pairs: Series[] = [];
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) pairs.push({ x: net.time, y: net.S[a * P + b], label: `S^{${a}${b}}` });
  return [
    {
      title: `unit traces (network seed ${net.seed})`,
      xLabel: 'time',
      yLabel: 'x^a_i(t)',
      series: net.traces.slice(0, 4 * P).map((tr) => ({ x: net.time, y: tr.x, label: `region ${tr.region}, unit ${tr.index}` })),
      legend: 'none',
    },
    { title: 'second moment (1/N) sum x^2', xLabel: 'time', yLabel: 'Delta^a(t, t)', series: net.secondMoment.map((y, a) => ({ x: net.time, y, label: `region ${a}` })) },
    { title: 'filtered currents S^{ab}(t)', xLabel: 'time', yLabel: 'current', series: pairs, legend: P * P > 9 ? 'none' : 'auto' },
  ];
}

/** The panels of either kind of simulation result. */
function anySimulationPanels(sim: SimulationResult | MultiregionSimulationResult): Panel[] {
  return 'model' in sim && sim.model === 'multiregion' ? multiregionSimulationPanels(sim) : simulationPanels(sim as SimulationResult);
}

export function simulationPanels(sim: SimulationResult): Panel[] {
  const net = sim.networks[0];
  const panels: Panel[] = [
    {
      title: `unit traces (network seed ${net.seed})`,
      xLabel: 'time',
      yLabel: 'x_i(t)',
      series: net.traces.map((tr) => ({ x: net.time, y: tr.x, label: `unit ${tr.unit}` })),
      legend: 'none',
    },
    {
      title: 'population variance',
      xLabel: 'time',
      yLabel: 'variance of x',
      series: sim.networks.map((n) => ({ x: n.time, y: n.variance, label: `seed ${n.seed}` })),
    },
  ];
  if (net.kappa.length) {
    panels.push({
      title: 'latent variables',
      xLabel: 'time',
      yLabel: 'kappa_r(t)',
      series: sim.networks.flatMap((n) =>
        n.kappa.map((k, r) => ({ x: n.time, y: k, label: `kappa_${r + 1}, seed ${n.seed}` })),
      ),
    });
  }
  return panels;
}

function solutionLabel(s: TheorySolution): string {
  return `${s.type} ${s.branch}${s.stable === true ? '' : s.stable === false ? ' (unstable)' : ''}`;
}

export function theoryPanels(sols: TheorySolution[]): Panel[] {
  const panels: Panel[] = [];
  const curves = sols.filter((s) => s.tau && s.delta);
  if (curves.length) {
    panels.push({
      title: 'autocovariance Delta(tau)',
      xLabel: 'tau',
      yLabel: 'Delta(tau)',
      series: curves.map((s) => ({ x: s.tau!, y: s.delta!, label: solutionLabel(s), style: s.stable === false ? 'dashed' : 'line' })),
    });
  }
  const R = Math.max(0, ...sols.map((s) => s.kappa.length));
  panels.push({
    title: 'stationary solutions',
    xLabel: R ? 'kappa_1' : 'solution',
    yLabel: 'Delta0',
    series: sols.map((s, k) => ({
      x: [R ? s.kappa[0] : k],
      y: [s.delta0],
      label: solutionLabel(s),
      style: 'points' as const,
      marker: s.type === 'chaotic' ? ('triangle' as const) : s.type === 'static' ? ('circle' as const) : ('square' as const),
      opacity: s.stable === false ? 0.4 : 1,
    })),
  });
  return panels;
}

/** Multiregion theory: the DMFT's currents, variances and gains against time, and the two-time slices. */
export function multiregionTheoryPanels(r: MultiregionTheoryResult): Panel[] {
  const d = r.dmft;
  const P = r.P;
  const pairs: Series[] = [];
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) pairs.push({ x: d.time, y: d.currents[a][b], label: `S^{${a}${b}} (${b} -> ${a})` });
  const stat = r.solutions.find((s) => s.reachedByDmft);
  const panels: Panel[] = [
    {
      title: 'currents S^{ab}(t) (DMFT)',
      xLabel: 'time',
      yLabel: 'current',
      series: pairs,
      hLines: stat ? stat.currents.flat().filter((v) => Math.abs(v) > 1e-12).map((v) => ({ y: v, label: '' })) : [],
      legend: P * P > 9 ? 'none' : 'auto',
    },
    { title: 'variance Delta^a(t, t)', xLabel: 'time', yLabel: 'Delta', series: d.variance.map((v, a) => ({ x: d.time, y: v, label: `region ${a}` })) },
    { title: 'gain psi^a(t)', xLabel: 'time', yLabel: 'psi', series: d.gain.map((v, a) => ({ x: d.time, y: v, label: `region ${a}` })) },
  ];
  if (d.slices.length) {
    panels.push({
      title: 'normalised two-point function',
      xLabel: 'tau',
      yLabel: 'Delta(t + tau, t) / sqrt(..)',
      series: d.slices.flatMap((sl) => sl.normalized.map((y, a) => ({ x: sl.tau, y, label: `region ${a}, t = ${sl.tRef}` }))),
    });
  }
  return panels;
}

export function comparePanels(report: CompareReport): Panel[] {
  const rows = report.rows;
  const idx = rows.map((_, k) => k + 1);
  const rel = rows.map((r) => r.simulation - r.theory);
  return [
    {
      title: `simulation - theory (${report.agree ? 'all agree' : 'some disagree'}; bars: t_crit SE)`,
      xLabel: rows.map((r, k) => `${k + 1}: ${r.quantity}`).join('; '),
      yLabel: 'difference',
      series: [
        { x: idx, y: rel, yErr: rows.map((r) => r.critical * r.se), style: 'points', label: 'simulation - theory' },
      ],
      hLines: [{ y: 0, label: 'theory' }],
      legend: 'none',
    },
  ];
}

export function demoFigure(d: DemoOutput): Figure {
  const series: Series[] = [];
  const colors = { static: '#0072B2', chaotic: '#D55E00', trivial: '#000000' } as Record<string, string>;
  for (const c of d.curves) {
    series.push({
      x: c.g,
      y: c.kappa,
      label: c.label,
      color: colors[c.type] ?? '#555555',
      style: c.stable ? 'line' : 'dashed',
      width: c.stable ? 2 : 1,
    });
  }
  for (const sign of [1, -1, 0]) {
    const pts = d.points.filter((p) => p.sign === sign);
    if (!pts.length) continue;
    series.push({
      x: pts.map((p) => p.g),
      y: pts.map((p) => p.kappaSim),
      yErr: pts.map((p) => 2 * p.kappaSe),
      style: 'points',
      marker: sign > 0 ? 'circle' : sign < 0 ? 'square' : 'triangle',
      color: '#009E73',
      label: `simulation, N = ${d.N}, start ${sign > 0 ? '+' : sign < 0 ? '-' : 'random'}`,
    });
  }
  const vLines = Object.entries(d.bifurcations)
    .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
    .map(([k, v]) => ({ x: v as number, label: k }));
  return {
    title: `Rank-one network (M_m = ${d.params.Mm}, M_n = ${d.params.Mn}, unit variances, ${d.params.phi}): bifurcation diagram`,
    panels: [
      { title: 'kappa against g', xLabel: 'random strength g', yLabel: 'kappa', series, vLines, legend: 'top-right' },
    ],
    width: 900,
    height: 560,
    footnote: 'solid: stable, dashed: unstable; blue: static, orange: chaotic; points: time-averaged kappa of simulated networks (bars: 2 SE)',
  };
}

/** SVG for the output of a CLI command. */
export function plotOutput(cmd: string, out: unknown): string {
  const env = out as Env<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (cmd) {
    case 'simulate':
      return renderSvg({ title: title(env, 'simulation'), panels: anySimulationPanels(env.result) });
    case 'theory':
      if (env.result.kind === 'multiregion') return renderSvg({ title: title(env, 'theory (two-time DMFT)'), panels: multiregionTheoryPanels(env.result) });
      return renderSvg({ title: title(env, 'theory'), panels: theoryPanels(env.result.solutions) });
    case 'compare':
      return renderSvg({
        title: title(env, 'theory vs simulation'),
        panels: [...comparePanels(env.result.report), ...anySimulationPanels(env.result.simulation)],
        columns: 2,
      });
    case 'demo':
      return renderSvg(demoFigure(out as DemoOutput));
    default:
      throw new Error(`no figure for command "${cmd}"`);
  }
}
