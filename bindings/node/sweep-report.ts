/**
 * `dmftlab sweep-report` (results file -> CSV + SVG figure) and `dmftlab merge` (shard files -> one
 * results file, every point exactly once). docs/SWEEP.md describes both.
 */
import { openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync } from 'node:fs';
import { renderSvg, type Figure, type Panel, type Series } from '../../src/plot/svg.js';
import { pointMetrics, CATEGORICAL, type PointResult, type SweepAxis } from '../../src/sweep/sweep.js';
import { readResults, StoreError, type PointLine, type SweepHeader } from './sweep-store.js';
import { jsonReplacer } from './json.js';

/** Write a file through a temporary name, fsynced, then rename (never half written). */
export function writeDurable(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      const buf = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* not created */
    }
    throw e;
  }
}

/** "0-3, 7, 9-10" for sorted integers (at most `max` pieces, then "..."). */
export function ranges(xs: number[], max = 50): string {
  const out: string[] = [];
  for (let k = 0; k < xs.length; ) {
    let j = k;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    out.push(j > k ? `${xs[k]}-${xs[j]}` : `${xs[k]}`);
    k = j + 1;
    if (out.length >= max && k < xs.length) {
      out.push('...');
      break;
    }
  }
  return out.join(', ');
}

function headerOf(file: string): { header: SweepHeader; points: PointLine[]; tornBytes: number } {
  const r = readResults(file);
  if (!r.header) throw new StoreError(`${file}: no header line; not a results file of dmftlab sweep (or empty)`);
  return { header: r.header, points: r.points, tornBytes: r.tornBytes };
}

export interface ReportOptions {
  csv: string;
  /** null: no figure. */
  plot: string | null;
  /** Metric to draw (a CSV column); default by mode. */
  value?: string;
  /** Draw every point at (metric x, metric y), coloured by `value`, instead of over the axes. */
  xy?: [string, string];
}

export interface ReportSummary {
  kind: 'sweep-report';
  sweepHash: string;
  results: string;
  points: number;
  present: number;
  /** With refine: refined points in the file. */
  refined?: number;
  missing: number;
  columns: string[];
  value: string;
  csv: string;
  plot: string | null;
  notes: string[];
}

const csvNumber = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? String(x) : '');
const csvText = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The classes of a categorical metric present in `data` (the legend names only those), in code order; null for other metrics. */
function categoriesOf(metric: string, data: ArrayLike<number>) {
  const all = CATEGORICAL[metric];
  if (!all) return null;
  const present = new Set(Array.from(data));
  const shown = all.filter((r) => present.has(r.code));
  return (shown.length ? shown : all).map((r) => ({ value: r.code, label: `${r.code} ${r.name}`, color: r.color }));
}

/** The CSV text and figure of a results file (pure apart from reading it). */
export function buildReport(file: string, value?: string, xy?: [string, string]): { csv: string; svg: string | null; summary: Omit<ReportSummary, 'csv' | 'plot'> } {
  const { header, points } = headerOf(file);
  const axes = header.axes as SweepAxis[];
  const total = header.points as number;
  const byIndex = new Map<number, PointLine>();
  for (const p of points) if (!byIndex.has(p.index)) byIndex.set(p.index, p);
  const sorted = [...byIndex.values()].sort((a, b) => a.index - b.index);
  const metrics = sorted.map((p) => pointMetrics(p.result as PointResult));
  const names: string[] = [];
  for (const m of metrics) for (const k of Object.keys(m)) if (!names.includes(k)) names.push(k);
  const refines = header.refine !== undefined;
  const columns = ['index', ...axes.map((a) => a.field), ...names, 'specHash', ...(refines ? ['level'] : [])];
  const rows = sorted.map((p, k) => [String(p.index), ...p.coords.map(csvNumber), ...names.map((n) => csvNumber(metrics[k][n])), p.specHash, ...(refines ? [String(p.level ?? 0)] : [])].join(','));
  const csv = [columns.map(csvText).join(','), ...rows].join('\n') + '\n';
  const notes: string[] = [];
  const mode = header.mode as string;
  const kind = (header.base as { model: { kind: string } }).model.kind;
  const chosen = value ?? (mode === 'theory' ? (kind === 'random' ? 'delta0Max' : kind === 'multiregion' ? 'outcome' : 'kappaMax') : mode === 'simulate' ? 'simVariance' : 'agree');
  for (const [opt, m] of [['--value', chosen], ...(xy ?? []).map((x) => ['--xy', x])]) {
    if (names.length && !names.includes(m)) throw new StoreError(`${opt}: got ${m}; must be one of the metrics of this sweep: ${names.join(', ')}`);
  }
  const vals = new Float64Array(total).fill(NaN);
  sorted.forEach((p, k) => {
    if (p.index < total) vals[p.index] = metrics[k][chosen] ?? NaN;
  });
  // refined points (index >= total): drawn over the grid
  const extra = sorted.flatMap((p, k) => (p.index >= total ? [{ coords: p.coords, v: metrics[k][chosen] ?? NaN }] : []));
  const baseCount = sorted.filter((p) => p.index < total).length;
  let svg: string | null = null;
  const title = chosen;
  const refinedNote = extra.length ? ` + ${extra.length} refined points (${axes.length === 2 ? 'dots' : 'in the line'})` : '';
  const footnote = `${header.name ? `${header.name as string}. ` : ''}dmftlab ${((header.dmftlab as { version?: string }) ?? {}).version ?? ''} sweep ${header.sweepHash}, ${baseCount} of ${total} points${baseCount < total ? ' (missing drawn grey / left out)' : ''}${refinedNote}, route ${header.route}`;
  if (xy) {
    // every point (base and refined) in the plane of two metrics, one series per class of `chosen`
    const at = metrics.map((m) => ({ x: m[xy[0]] ?? NaN, y: m[xy[1]] ?? NaN, v: m[chosen] ?? NaN }));
    const cats = categoriesOf(
      chosen,
      at.map((q) => q.v),
    );
    const series: Series[] = cats
      ? cats.map((c) => ({ x: at.filter((q) => q.v === c.value).map((q) => q.x), y: at.filter((q) => q.v === c.value).map((q) => q.y), style: 'points', marker: 'circle', color: c.color, label: c.label }))
      : [{ x: at.map((q) => q.x), y: at.map((q) => q.y), style: 'points', marker: 'circle', label: chosen }];
    const unplaced = at.filter((q) => !Number.isFinite(q.x) || !Number.isFinite(q.y)).length;
    if (unplaced) notes.push(`${unplaced} points have no finite ${xy[0]} or ${xy[1]}: not drawn`);
    svg = renderSvg({ title, panels: [{ xLabel: xy[0], yLabel: xy[1], series, legend: 'auto' }], footnote, width: 620, height: 480 });
  } else if (axes.length === 1) {
    const line = [...axes[0].values.map((x, k) => ({ x, y: vals[k] })), ...extra.map((e) => ({ x: e.coords[0], y: e.v }))].sort((a, b) => a.x - b.x);
    const panel: Panel = {
      xLabel: axes[0].field,
      yLabel: chosen,
      series: [{ x: line.map((q) => q.x), y: line.map((q) => q.y), style: 'line', marker: 'circle', label: chosen }],
      legend: 'none',
    };
    svg = renderSvg({ title, panels: [panel], footnote, width: 560, height: 400 });
  } else if (axes.length === 2) {
    const [ay, ax] = axes;
    const oy = ay.values.map((_, k) => k).sort((i, j) => ay.values[i] - ay.values[j]);
    const ox = ax.values.map((_, k) => k).sort((i, j) => ax.values[i] - ax.values[j]);
    const data = new Float64Array(oy.length * ox.length);
    oy.forEach((iy, r) => ox.forEach((ix, c) => (data[r * ox.length + c] = vals[iy * ax.values.length + ix])));
    const edges = (v: number[], o: number[]): [number, number] => {
      const lo = v[o[0]];
      const hi = v[o[o.length - 1]];
      const h = o.length > 1 ? (hi - lo) / (o.length - 1) : 1;
      return [lo - h / 2, hi + h / 2];
    };
    const uniform = (v: number[], o: number[]) => {
      const s = o.map((k) => v[k]);
      const h = (s[s.length - 1] - s[0]) / Math.max(1, s.length - 1);
      return s.every((x, k) => Math.abs(x - (s[0] + k * h)) <= 1e-6 * Math.max(1, Math.abs(h) * s.length));
    };
    if (!uniform(ay.values, oy) || !uniform(ax.values, ox)) notes.push('axis values are not equally spaced: the heatmap draws cells of equal size (the CSV has the exact values)');
    const finite = Array.from(data).filter(Number.isFinite);
    const categories = categoriesOf(chosen, [...data, ...extra.map((e) => e.v)]);
    // refined points as dots: in the colour of their regime, or black
    const dots = (pick: (v: number) => boolean, color: string): Series => {
      const e = extra.filter((q) => pick(q.v));
      return { x: e.map((q) => q.coords[1]), y: e.map((q) => q.coords[0]), style: 'points', marker: 'circle', color, width: 0.8 };
    };
    const series: Series[] = !extra.length ? [] : categories ? categories.map((c) => dots((v) => v === c.value, c.color)) : [dots(() => true, '#000000')];
    const [x0, x1] = edges(ax.values, ox);
    const [y0, y1] = edges(ay.values, oy);
    const fig: Figure = {
      title,
      panels: [
        {
          xLabel: ax.field,
          yLabel: ay.field,
          image: {
            data,
            rows: oy.length,
            cols: ox.length,
            x0,
            x1,
            y0,
            y1,
            vmin: finite.length ? Math.min(...finite) : 0,
            vmax: finite.length ? Math.max(...finite) : 1,
            label: chosen,
            ...(categories ? { categories } : {}),
            maxRows: Math.max(200, oy.length),
            maxCols: Math.max(400, ox.length),
          },
          series,
          xRange: [x0, x1],
          yRange: [y0, y1],
          legend: 'none',
        },
      ],
      footnote,
      width: 620,
      height: 480,
    };
    svg = renderSvg(fig);
  } else notes.push(`${axes.length} axes: no figure (a figure is drawn for 1 or 2 axes); the CSV has every point`);
  return {
    csv,
    svg,
    summary: { kind: 'sweep-report', sweepHash: header.sweepHash, results: file, points: total, present: baseCount, ...(refines ? { refined: extra.length } : {}), missing: total - baseCount, columns, value: chosen, notes },
  };
}

export function sweepReport(file: string, o: ReportOptions): ReportSummary {
  const r = buildReport(file, o.value, o.xy);
  writeDurable(o.csv, r.csv);
  let plot: string | null = null;
  if (o.plot && r.svg) {
    writeDurable(o.plot, r.svg);
    plot = o.plot;
  }
  return { ...r.summary, csv: o.csv, plot };
}

export interface MergeSummary {
  kind: 'merge';
  sweepHash: string;
  points: number;
  files: { file: string; shard: string; points: number; tornBytes: number }[];
  present: number;
  /** Refined points (index >= points) in the files. */
  refined: number;
  missing: number;
  missingIndices: string;
  duplicates: number;
  duplicateIndices: { index: number; files: string[] }[];
  out: string | null;
  complete: boolean;
}

/**
 * Merge results files of one sweep (shards, or restarts into other files): check that every point is
 * there exactly once; with `out`, write one results file (header of shard 0/1, the first line of each
 * point, by index) even when points are missing or repeated, so that the sweep can be resumed from it.
 */
export function mergeResults(files: string[], out: string | null): MergeSummary {
  if (!files.length) throw new StoreError('merge: no results files given');
  const read = files.map((f) => ({ file: f, ...headerOf(f) }));
  const first = read[0].header;
  for (const r of read) {
    if (r.header.sweepHash !== first.sweepHash) throw new StoreError(`${r.file}: sweepHash ${r.header.sweepHash} differs from ${files[0]}'s ${first.sweepHash}: the files are results of different sweeps`);
  }
  const total = first.points as number;
  const seen = new Map<number, { line: PointLine; files: string[] }>();
  for (const r of read) {
    for (const p of r.points) {
      if (p.sweepHash !== first.sweepHash) throw new StoreError(`${r.file}: point ${p.index} has sweepHash ${p.sweepHash}, not the header's ${first.sweepHash}`);
      const refinedOk = p.index >= total && Number.isInteger(p.level) && p.level! >= 1;
      if (!(p.index >= 0 && (p.index < total || refinedOk))) throw new StoreError(`${r.file}: point index ${p.index} outside 0..${total - 1} (and not a refined point)`);
      const s = seen.get(p.index);
      if (s) s.files.push(r.file);
      else seen.set(p.index, { line: p, files: [r.file] });
    }
  }
  const missing: number[] = [];
  for (let k = 0; k < total; k++) if (!seen.has(k)) missing.push(k);
  const dups = [...seen.entries()].filter(([, s]) => s.files.length > 1).sort((a, b) => a[0] - b[0]);
  if (out) {
    const header = { ...first, shard: { index: 0, count: 1 } };
    const lines = [header, ...[...seen.keys()].sort((a, b) => a - b).map((k) => seen.get(k)!.line)];
    writeDurable(out, lines.map((l) => JSON.stringify(l, jsonReplacer) + '\n').join(''));
  }
  return {
    kind: 'merge',
    sweepHash: first.sweepHash,
    points: total,
    files: read.map((r) => {
      const s = r.header.shard as { index: number; count: number } | undefined;
      return { file: r.file, shard: s ? `${s.index}/${s.count}` : '?', points: r.points.length, tornBytes: r.tornBytes };
    }),
    present: [...seen.keys()].filter((k) => k < total).length,
    refined: [...seen.keys()].filter((k) => k >= total).length,
    missing: missing.length,
    missingIndices: ranges(missing),
    duplicates: dups.length,
    duplicateIndices: dups.slice(0, 100).map(([index, s]) => ({ index, files: s.files })),
    out,
    complete: missing.length === 0 && dups.length === 0,
  };
}
