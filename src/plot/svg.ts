/**
 * Dependency-free SVG figures for the CLI's `--plot FILE.svg` and for library users: line plots,
 * scatter points with error bars, reference lines, and heatmaps of unit activity, laid out as a grid
 * of panels.
 *
 * Pure string building: no DOM and no Node APIs, so it runs unchanged in Node, Deno and browsers.
 *
 * Guarantees of `renderSvg`:
 * - deterministic: the same figure always gives the same string (no clocks, no randomness);
 * - a standalone SVG 1.1 document (`xmlns`, `width`, `height`, `viewBox`) that is pure ASCII:
 *   all text is XML-escaped and every non-ASCII character is written as a character reference,
 *   so the bytes do not depend on how the caller encodes the string;
 * - no "NaN" or "Infinity" in the output: non-finite points (and points <= 0 on a log axis) are
 *   skipped, and a skipped point breaks a line into separate pieces (a gap);
 * - coordinates are rounded to 2 decimals.
 *
 * Layout units are CSS pixels. Text widths are estimated from character counts (there is no font
 * metrics engine here), which is good enough for margins and legend boxes.
 */

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** How a series is drawn: a solid, dashed or dotted line through the points, or markers only. */
export type SeriesStyle = 'line' | 'dashed' | 'dotted' | 'points';
/** Stroke pattern for reference lines. */
export type LineStyle = 'line' | 'dashed' | 'dotted';
export type MarkerShape = 'circle' | 'square' | 'triangle' | 'cross';
/** Legend corner inside the plot area. `'auto'` picks the corner covering the fewest data points. */
export type LegendPlace = 'auto' | 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'none';

export interface Series {
  x: ArrayLike<number>;
  /** Same length as `x`. Non-finite entries (or entries <= 0 on a log axis) leave a gap. */
  y: ArrayLike<number>;
  /** Shown in the legend; series without a label are left out of it. */
  label?: string;
  /** Any SVG colour. Default: `DEFAULT_COLORS[index of the series in its panel % 8]`. */
  color?: string;
  /** Default `'line'`. */
  style?: SeriesStyle;
  /** Marker drawn at every point. Default: none for lines, `'circle'` for `'points'`. */
  marker?: MarkerShape;
  /** Symmetric error half-widths, same length as `y`; drawn as vertical bars with caps. */
  yErr?: ArrayLike<number>;
  /** Line width in px (default 1.5). Markers scale with it. */
  width?: number;
  /** 0..1 (default 1); applied per element, so overlapping markers darken. */
  opacity?: number;
}

export interface HLine {
  y: number;
  label?: string;
  /** Default `'dashed'`. */
  style?: LineStyle;
  /** Default grey. */
  color?: string;
}

export interface VLine {
  x: number;
  label?: string;
  /** Default `'dashed'`. */
  style?: LineStyle;
  /** Default grey. */
  color?: string;
}

/**
 * A heatmap, e.g. unit activity with rows = units and columns = time samples. Drawn with a
 * diverging colour map centred on 0 (blue < 0 < red, white at 0) and a colour bar.
 *
 * Large images are decimated to at most `maxRows` x `maxCols` cells (see `decimateImage`): rows
 * are subsampled (each drawn row is one real unit) and columns are averaged in blocks.
 */
export interface Heatmap {
  /** Row-major, `rows * cols` values. Non-finite values are drawn grey. */
  data: ArrayLike<number>;
  rows: number;
  cols: number;
  /** x of the left edge of column 0 and of the right edge of the last column. Default 0, cols. */
  x0?: number;
  x1?: number;
  /**
   * y of the outer edge of row 0 and of the last row. Default 0, rows: row r spans [r, r + 1].
   * To draw row 0 at the top, reverse the axis with the panel's `yRange: [rows, 0]`.
   */
  y0?: number;
  y1?: number;
  /**
   * Colour limits; the middle (white) is (vmin + vmax) / 2. Default: -max|v| .. max|v| over the
   * finite data, so 0 is white. If only one is given, the other is the data minimum or maximum.
   * Values outside are drawn in the end colours.
   */
  vmin?: number;
  vmax?: number;
  /** Colour bar label. */
  label?: string;
  /** Decimation caps; defaults `HEATMAP_MAX_ROWS`, `HEATMAP_MAX_COLS`. */
  maxRows?: number;
  maxCols?: number;
  /**
   * Categorical map instead of the diverging scale: a cell whose value equals a category's `value` is
   * drawn in its colour, any other value grey; a legend of swatches with the labels replaces the colour
   * bar (vmin and vmax are ignored), and decimation picks cells instead of averaging them.
   */
  categories?: HeatmapCategory[];
}

/** One class of a categorical heatmap. */
export interface HeatmapCategory {
  value: number;
  label: string;
  /** CSS colour. */
  color: string;
}

export interface Panel {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Drawn in order, on top of `image` and of the reference lines. */
  series?: Series[];
  /** Heatmap drawn under the series. Not allowed with log axes. */
  image?: Heatmap;
  /** Axis limits; `[hi, lo]` reverses the axis. Default: the data extent with a small margin. */
  xRange?: [number, number];
  yRange?: [number, number];
  xLog?: boolean;
  yLog?: boolean;
  /** Horizontal / vertical reference lines (e.g. a theory value, a transition point). */
  hLines?: HLine[];
  vLines?: VLine[];
  /** Default `'auto'`. */
  legend?: LegendPlace;
}

export interface Figure {
  title?: string;
  panels: Panel[];
  /** Panels per row. Default `min(panels.length, 3)`. */
  columns?: number;
  /** Whole figure in px. Default: 400 px per column, 300 px per row, plus title and footnote. */
  width?: number;
  height?: number;
  /** Small grey text under the panels (e.g. provenance); wrapped to the figure width. */
  footnote?: string;
  /** Label the panels A, B, C, ... at their top-left corners. */
  letters?: boolean;
  /**
   * Prefix of the ids this figure defines (clip paths). Change it when several figures are
   * inlined into one HTML page. Default `'dmft'`.
   */
  idPrefix?: string;
}

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

/**
 * Okabe & Ito (2008) colour-blind-safe palette, reordered for a white background: the pale yellow
 * comes last.
 */
export const DEFAULT_COLORS: readonly string[] = Object.freeze([
  '#0072B2', // blue
  '#D55E00', // vermillion
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#E69F00', // orange
  '#56B4E9', // sky blue
  '#000000', // black
  '#F0E442', // yellow
]);

export const HEATMAP_MAX_ROWS = 200;
export const HEATMAP_MAX_COLS = 400;
/** Number of distinct colours a heatmap uses (odd, so that the centre value gets the centre colour). */
export const HEATMAP_LEVELS = 65;

/** ColorBrewer RdBu (Cynthia Brewer), blue end first: a diverging map that is colour-blind safe. */
const DIVERGING_ANCHORS: readonly (readonly [number, number, number])[] = [
  [0x05, 0x30, 0x61],
  [0x21, 0x66, 0xac],
  [0x43, 0x93, 0xc3],
  [0x92, 0xc5, 0xde],
  [0xd1, 0xe5, 0xf0],
  [0xf7, 0xf7, 0xf7],
  [0xfd, 0xdb, 0xc7],
  [0xf4, 0xa5, 0x82],
  [0xd6, 0x60, 0x4d],
  [0xb2, 0x18, 0x2b],
  [0x67, 0x00, 0x1f],
];

const FONT_FAMILY = 'Helvetica, Arial, sans-serif';
const TICK_FONT = 10;
const LABEL_FONT = 11;
const TITLE_FONT = 12;
const FIG_TITLE_FONT = 14;
const LEGEND_FONT = 10;
const FOOT_FONT = 9;
const TICK_LEN = 4;
const MINOR_LEN = 2.5;
const NAN_COLOR = '#bbbbbb';
const REF_COLOR = '#777777';
const MINUS = '\u2212';
const TIMES = '\u00d7';
/** Pixel coordinates are clamped to +-PX_LIMIT so points far outside the axes stay finite. */
const PX_LIMIT = 1e6;

// ---------------------------------------------------------------------------------------------
// Text and numbers
// ---------------------------------------------------------------------------------------------

/**
 * Escapes a string for XML text or a quoted attribute value. Characters that XML 1.0 forbids
 * (most C0 controls, lone surrogates, U+FFFE, U+FFFF) become U+FFFD; everything outside printable
 * ASCII is written as a character reference, so the output is pure ASCII.
 */
export function escapeXml(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x26) out += '&amp;';
    else if (c === 0x3c) out += '&lt;';
    else if (c === 0x3e) out += '&gt;';
    else if (c === 0x22) out += '&quot;';
    else if (c === 0x27) out += '&apos;';
    else if (c === 0x09 || c === 0x0a || c === 0x0d) out += `&#${c};`;
    else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) out += '&#xFFFD;';
    else if (c >= 0x7f) out += `&#x${c.toString(16).toUpperCase()};`;
    else out += ch;
  }
  return out;
}

/** Round to 2 decimals for output; never "-0". Callers pass finite numbers only. */
function n2(v: number): string {
  const r = Math.round(v * 100) / 100;
  return r === 0 ? '0' : String(r);
}

/** Round to 5 decimals, for transform scales (multiplied by cell indices, so 2 decimals are too coarse). */
function n5(v: number): string {
  const r = Math.round(v * 1e5) / 1e5;
  return r === 0 ? '0' : String(r);
}

function clampPx(p: number): number {
  return p > PX_LIMIT ? PX_LIMIT : p < -PX_LIMIT ? -PX_LIMIT : p;
}

/**
 * Rough text width in px. Errs on the wide side: Helvetica digits are 0.56 em, but the fallback
 * sans-serif of many renderers (DejaVu Sans) has 0.64 em digits.
 */
function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) w += /[ il.,:;'|!]/.test(ch) ? 0.32 : /[mwMW]/.test(ch) ? 0.9 : 0.62;
  return w * size;
}

/** A tick label: plain text with an optional superscript (for powers of ten). */
interface Label {
  text: string;
  sup?: string;
}

function labelWidth(l: Label, size: number): number {
  return textWidth(l.text, size) + (l.sup ? textWidth(l.sup, size * 0.75) : 0);
}

function labelSvg(l: Label, size: number): string {
  return escapeXml(l.text) + (l.sup ? `<tspan dy="${n2(-0.4 * size)}" font-size="${n2(0.75 * size)}">${escapeXml(l.sup)}</tspan>` : '');
}

function signed(s: string, negative: boolean): string {
  return negative ? MINUS + s : s;
}

/** Decimal text of n * 10^e (n an integer) with exactly max(0, -e) decimals. */
function decimalText(n: number, e: number): string {
  const neg = n < 0;
  let digits = String(Math.abs(n));
  if (n === 0) return e < 0 ? '0.' + '0'.repeat(-e) : '0';
  if (e >= 0) return signed(digits + '0'.repeat(e), neg);
  const d = -e;
  digits = digits.padStart(d + 1, '0');
  return signed(digits.slice(0, -d) + '.' + digits.slice(-d), neg);
}

/** n * 10^e (n an integer) as "m×10^k", or "10^k" when the mantissa is 1. */
function sciLabel(n: number, e: number): Label {
  if (n === 0) return { text: '0' };
  const neg = n < 0;
  let digits = String(Math.abs(n));
  let z = 0;
  while (digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    z++;
  }
  const exp = e + z + digits.length - 1;
  const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  const expText = signed(String(Math.abs(exp)), exp < 0);
  if (mant === '1') return { text: signed('10', neg), sup: expText };
  return { text: signed(mant + TIMES + '10', neg), sup: expText };
}

// ---------------------------------------------------------------------------------------------
// Ticks
// ---------------------------------------------------------------------------------------------

interface TickSet {
  values: number[];
  labels: Label[];
  minor: number[];
  /** Common factor of the labels ("×10^5"), drawn once at the end of the axis. */
  multiplier?: Label;
}

const STEP_MANTISSAS = [1, 2, 5] as const;

/** Integer range [k0, k1] of multiples of step m*10^e inside [lo, hi]. */
function multiples(lo: number, hi: number, m: number, e: number): [number, number] {
  const s = m * Math.pow(10, e);
  return [Math.ceil(lo / s - 1e-9), Math.floor(hi / s + 1e-9)];
}

/** Picks the 1-2-5 step whose tick count is closest to `target` (ties: fewer ticks). */
function chooseStep(lo: number, hi: number, target: number): { m: number; e: number; k0: number; k1: number } | null {
  const raw = (hi - lo) / Math.max(1, target);
  if (!(raw > 0) || !Number.isFinite(raw)) return null;
  const e0 = Math.floor(Math.log10(raw));
  let best: { m: number; e: number; k0: number; k1: number } | null = null;
  let bestScore = Infinity;
  for (let e = e0 + 1; e >= e0 - 1; e--) {
    for (let i = STEP_MANTISSAS.length - 1; i >= 0; i--) {
      const m = STEP_MANTISSAS[i];
      const [k0, k1] = multiples(lo, hi, m, e);
      const count = k1 - k0 + 1;
      if (count < 2) continue;
      const score = Math.abs(count - target);
      if (score < bestScore) {
        bestScore = score;
        best = { m, e, k0, k1 };
      }
    }
  }
  return best;
}

function linearTickSet(a: number, b: number, target: number): TickSet {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const st = chooseStep(lo, hi, target);
  if (!st || Math.max(Math.abs(st.k0), Math.abs(st.k1)) * st.m > 2 ** 50) {
    // Degenerate or extreme range (span far below the magnitude): just label the ends.
    const vals = lo === hi ? [lo] : [lo, hi];
    return { values: vals, labels: vals.map((v) => ({ text: signed(String(Number(Math.abs(v).toPrecision(6))), v < 0) })), minor: [] };
  }
  const { m, e, k0, k1 } = st;
  const values: number[] = [];
  const ints: number[] = [];
  for (let k = k0; k <= k1; k++) {
    const n = k * m;
    ints.push(n);
    values.push(Number(`${n}e${e}`));
  }
  // Very large or very small values: label mantissas and show one "×10^E" for the whole axis.
  // e <= E always holds, because a nonzero tick is a multiple of the step.
  const maxAbs = Math.max(...values.map(Math.abs));
  const E = Math.floor(Math.log10(maxAbs) + 1e-12);
  if ((E >= 5 || E <= -4) && E - e <= 6) {
    return { values, labels: ints.map((n) => ({ text: decimalText(n, e - E) })), minor: [], multiplier: { text: TIMES + '10', sup: signed(String(Math.abs(E)), E < 0) } };
  }
  return { values, labels: ints.map((n) => ({ text: decimalText(n, e) })), minor: [] };
}

/**
 * Tick values with a 1-2-5 step for the interval between `a` and `b` (either order), aiming at
 * about `target` ticks. Values are exact decimals (0.6, never 0.6000000000000001).
 */
export function niceTicks(a: number, b: number, target = 5): number[] {
  return linearTickSet(a, b, target).values;
}

function logTickSet(a: number, b: number, target: number): TickSet {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const d0 = Math.ceil(Math.log10(lo) - 1e-9);
  const d1 = Math.floor(Math.log10(hi) + 1e-9);
  const inRange = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const pow = (m: number, k: number) => Number(`${m}e${k}`);
  let major: [number, number][] = []; // [mantissa, exponent]
  const minor: number[] = [];
  if (d1 - d0 + 1 >= 2) {
    const stride = Math.max(1, Math.ceil((d1 - d0 + 1) / Math.max(1, target)));
    for (let k = d0; k <= d1; k++) {
      if (k % stride === 0) major.push([1, k]);
      else minor.push(pow(1, k));
    }
    if (major.length < 2) major = [[1, d0], [1, d1]];
    if (stride === 1 && d1 - d0 <= 12) {
      for (let k = d0 - 1; k <= d1; k++) for (let j = 2; j <= 9; j++) if (inRange(pow(j, k))) minor.push(pow(j, k));
    }
  } else {
    for (let k = d0 - 1; k <= d1; k++) for (const m of STEP_MANTISSAS) if (inRange(pow(m, k))) major.push([m, k]);
    if (major.length < 2) {
      // Less than a decade with fewer than two 1-2-5 values in it: fall back to linear ticks.
      return linearTickSet(lo, hi, target);
    }
    for (let k = d0 - 1; k <= d1; k++) {
      for (let j = 1; j <= 9; j++) {
        if (inRange(pow(j, k)) && !major.some(([m, e]) => m === j && e === k)) minor.push(pow(j, k));
      }
    }
  }
  major.sort((p, q) => pow(p[0], p[1]) - pow(q[0], q[1]));
  minor.sort((p, q) => p - q);
  const plain = major.every(([, k]) => k >= -3 && k <= 4);
  const labels = major.map(([m, k]) => (plain ? { text: decimalText(m, k) } : sciLabel(m, k)));
  // decimalText(m, k) with k < 0 gives exactly -k decimals, which is what 0.002 needs.
  return { values: major.map(([m, k]) => pow(m, k)), labels, minor };
}

/** Major tick values of a log axis over [a, b] (both > 0): decades, or 1-2-5 values within a decade. */
export function logTicks(a: number, b: number, target = 5): number[] {
  return logTickSet(a, b, target).values;
}

/**
 * Tick values, their labels and the axis multiplier as `renderSvg` draws them (superscripts
 * written as "^", minus signs as U+2212). A label reads `label × multiplier` when there is one.
 */
export function tickLabels(a: number, b: number, opts: { log?: boolean; target?: number } = {}): { values: number[]; labels: string[]; multiplier: string | null } {
  const t = opts.log ? logTickSet(a, b, opts.target ?? 5) : linearTickSet(a, b, opts.target ?? 5);
  const plain = (l: Label) => l.text + (l.sup ? '^' + l.sup : '');
  return { values: t.values, labels: t.labels.map(plain), multiplier: t.multiplier ? plain(t.multiplier) : null };
}

// ---------------------------------------------------------------------------------------------
// Colour map and heatmap decimation
// ---------------------------------------------------------------------------------------------

function hex2(v: number): string {
  return Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0');
}

/** Diverging colour for t in [0, 1] (0 blue, 0.5 white, 1 red); t outside is clipped. */
export function divergingColor(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5)) * (DIVERGING_ANCHORS.length - 1);
  const i = Math.min(DIVERGING_ANCHORS.length - 2, Math.floor(u));
  const f = u - i;
  const p = DIVERGING_ANCHORS[i];
  const q = DIVERGING_ANCHORS[i + 1];
  return '#' + hex2(p[0] + (q[0] - p[0]) * f) + hex2(p[1] + (q[1] - p[1]) * f) + hex2(p[2] + (q[2] - p[2]) * f);
}

export interface DecimatedImage {
  /** Row-major, `rows * cols`. */
  data: Float64Array;
  rows: number;
  cols: number;
}

function checkDims(data: ArrayLike<number>, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new RangeError(`heatmap: rows and cols must be positive integers (got ${rows} x ${cols})`);
  }
  if (data.length !== rows * cols) {
    throw new RangeError(`heatmap: data has ${data.length} values, rows * cols = ${rows * cols}`);
  }
}

/**
 * Shrinks a row-major image to at most `maxRows` x `maxCols`.
 *
 * Rows are subsampled: output row i is input row floor(i * rows / outRows), so every drawn row is
 * one real unit (averaging unrelated units would show a unit that does not exist). Columns are
 * averaged over contiguous blocks, ignoring non-finite values (a block with none gives NaN): a
 * low-pass view of each unit's time course. Deterministic; returns a copy even when no shrinking
 * is needed.
 */
export function decimateImage(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  maxRows: number = HEATMAP_MAX_ROWS,
  maxCols: number = HEATMAP_MAX_COLS,
  /** 'mean' (above) or 'sample': column j of the output is input column floor(j * cols / C), like the rows (for categories). */
  columns: 'mean' | 'sample' = 'mean',
): DecimatedImage {
  checkDims(data, rows, cols);
  if (!(maxRows >= 1) || !(maxCols >= 1)) throw new RangeError('heatmap: maxRows and maxCols must be >= 1');
  const R = Math.min(rows, Math.floor(maxRows));
  const C = Math.min(cols, Math.floor(maxCols));
  const out = new Float64Array(R * C);
  for (let i = 0; i < R; i++) {
    const base = Math.floor((i * rows) / R) * cols;
    for (let j = 0; j < C; j++) {
      const c0 = Math.floor((j * cols) / C);
      const c1 = columns === 'sample' ? c0 + 1 : Math.floor(((j + 1) * cols) / C);
      let sum = 0;
      let n = 0;
      for (let c = c0; c < c1; c++) {
        const v = data[base + c];
        if (Number.isFinite(v)) {
          sum += v;
          n++;
        }
      }
      out[i * C + j] = n > 0 ? sum / n : NaN;
    }
  }
  return { data: out, rows: R, cols: C };
}

// ---------------------------------------------------------------------------------------------
// Axes
// ---------------------------------------------------------------------------------------------

interface Axis {
  log: boolean;
  /** Limits in data units, in drawing order (lo maps to pixel a). */
  lo: number;
  hi: number;
  valid(v: number): boolean;
  /** Pixel of a valid value (clamped to +-PX_LIMIT). */
  map(v: number): number;
}

function makeAxis(lo: number, hi: number, log: boolean, a: number, b: number): Axis {
  const t = log ? Math.log10 : (v: number) => v;
  const t0 = t(lo);
  const k = (b - a) / (t(hi) - t0);
  return {
    log,
    lo,
    hi,
    valid: log ? (v) => Number.isFinite(v) && v > 0 : (v) => Number.isFinite(v),
    map: (v) => clampPx(a + (t(v) - t0) * k),
  };
}

class Extent {
  lo = Infinity;
  hi = -Infinity;
  add(v: number): void {
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
  }
  get empty(): boolean {
    return !(this.lo <= this.hi);
  }
}

function checkRange(r: [number, number], log: boolean, name: string): [number, number] {
  const [a, b] = r;
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) throw new RangeError(`${name} must be two different finite numbers (got [${a}, ${b}])`);
  if (log && (a <= 0 || b <= 0)) throw new RangeError(`${name} must be positive on a log axis (got [${a}, ${b}])`);
  return [a, b];
}

/** Data extent -> axis limits, padded by `pad` of the span on each side (in log space for log axes). */
function autoRange(ext: Extent, log: boolean, pad: number): [number, number] {
  if (ext.empty) return log ? [1, 10] : [0, 1];
  let lo = log ? Math.log10(ext.lo) : ext.lo;
  let hi = log ? Math.log10(ext.hi) : ext.hi;
  if (hi - lo <= Math.abs(hi) * 1e-12 || hi === lo) {
    const d = log ? 0.5 : Math.abs(lo) * 0.1 || 1;
    lo -= d;
    hi += d;
  } else {
    const d = (hi - lo) * pad;
    lo -= d;
    hi += d;
  }
  return log ? [Math.pow(10, lo), Math.pow(10, hi)] : [lo, hi];
}

// ---------------------------------------------------------------------------------------------
// Series helpers
// ---------------------------------------------------------------------------------------------

function validateSeries(s: Series, where: string): void {
  if (!s || s.x == null || s.y == null) throw new TypeError(`${where}: a series needs x and y`);
  if (s.x.length !== s.y.length) throw new RangeError(`${where}: x has ${s.x.length} values, y has ${s.y.length}`);
  if (s.yErr && s.yErr.length !== s.y.length) throw new RangeError(`${where}: yErr has ${s.yErr.length} values, y has ${s.y.length}`);
}

function seriesName(s: Series, i: number): string {
  return s.label ? `series "${s.label}"` : `series ${i}`;
}

function dashArray(style: LineStyle | SeriesStyle, w: number): string {
  if (style === 'dashed') return ` stroke-dasharray="${n2(4 * w)} ${n2(2.5 * w)}" stroke-linecap="butt"`;
  if (style === 'dotted') return ` stroke-dasharray="${n2(0.01)} ${n2(2.2 * w)}" stroke-linecap="round"`;
  return '';
}

function finitePositive(v: number | undefined, dflt: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : dflt;
}

function markerSvg(shape: MarkerShape, x: number, y: number, r: number): string {
  switch (shape) {
    case 'circle':
      return `<circle cx="${n2(x)}" cy="${n2(y)}" r="${n2(r)}"/>`;
    case 'square': {
      const h = r * 0.9;
      return `<rect x="${n2(x - h)}" y="${n2(y - h)}" width="${n2(2 * h)}" height="${n2(2 * h)}"/>`;
    }
    case 'triangle': {
      const h = r * 1.15;
      return `<path d="M${n2(x)} ${n2(y - h)}L${n2(x + h * 0.866)} ${n2(y + h * 0.5)} ${n2(x - h * 0.866)} ${n2(y + h * 0.5)}Z"/>`;
    }
    case 'cross': {
      const h = r * 0.95;
      return `<path d="M${n2(x - h)} ${n2(y - h)}L${n2(x + h)} ${n2(y + h)}M${n2(x - h)} ${n2(y + h)}L${n2(x + h)} ${n2(y - h)}" fill="none"/>`;
    }
  }
}

/** Resolved drawing attributes of one series. */
interface SeriesLook {
  color: string;
  style: SeriesStyle;
  marker: MarkerShape | undefined;
  width: number;
  opacity: number;
}

function lookOf(s: Series, i: number): SeriesLook {
  const style = s.style ?? 'line';
  return {
    color: s.color ?? DEFAULT_COLORS[i % DEFAULT_COLORS.length],
    style,
    marker: s.marker ?? (style === 'points' ? 'circle' : undefined),
    width: finitePositive(s.width, 1.5),
    opacity: s.opacity !== undefined && Number.isFinite(s.opacity) ? Math.min(1, Math.max(0, s.opacity)) : 1,
  };
}

function markerRadius(look: SeriesLook): number {
  return 1.8 + look.width;
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${n2(x)}" y="${n2(y)}"${attrs}>${content}</text>`;
}

/** Greedy word wrap to about `maxWidth` px. */
function wrap(s: string, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const para of s.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter((w) => w.length > 0)) {
      const next = line ? line + ' ' + word : word;
      if (line && textWidth(next, size) > maxWidth) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    lines.push(line);
  }
  return lines;
}

/** Plot area in px: left, right, top, bottom (top < bottom). */
interface Frame {
  l: number;
  r: number;
  t: number;
  b: number;
}

function within(v: number, a: number, b: number): boolean {
  return v >= Math.min(a, b) - 1e-6 && v <= Math.max(a, b) + 1e-6;
}

/** A heatmap after validation and decimation, with its colour limits resolved. */
interface HeatmapPlan {
  cells: DecimatedImage;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  vmin: number;
  vmax: number;
  label?: string;
  categories?: HeatmapCategory[];
}

function planHeatmap(img: Heatmap): HeatmapPlan {
  checkDims(img.data, img.rows, img.cols);
  const x0 = img.x0 ?? 0;
  const x1 = img.x1 ?? img.cols;
  const y0 = img.y0 ?? 0;
  const y1 = img.y1 ?? img.rows;
  for (const v of [x0, x1, y0, y1]) if (!Number.isFinite(v)) throw new RangeError('heatmap: x0, x1, y0, y1 must be finite');
  if (x0 === x1 || y0 === y1) throw new RangeError('heatmap: x0 must differ from x1 and y0 from y1');
  let maxAbs = 0;
  let dmin = Infinity;
  let dmax = -Infinity;
  for (let i = 0; i < img.data.length; i++) {
    const v = img.data[i];
    if (!Number.isFinite(v)) continue;
    maxAbs = Math.max(maxAbs, Math.abs(v));
    dmin = Math.min(dmin, v);
    dmax = Math.max(dmax, v);
  }
  const gmin = img.vmin !== undefined && Number.isFinite(img.vmin) ? img.vmin : undefined;
  const gmax = img.vmax !== undefined && Number.isFinite(img.vmax) ? img.vmax : undefined;
  let vmin: number;
  let vmax: number;
  if (gmin === undefined && gmax === undefined) {
    vmax = maxAbs > 0 ? maxAbs : 1;
    vmin = -vmax;
  } else if (gmin !== undefined && gmax !== undefined) {
    vmin = gmin;
    vmax = gmax;
  } else if (gmin !== undefined) {
    vmin = gmin;
    vmax = dmax > gmin ? dmax : gmin + (Math.abs(gmin) || 1);
  } else {
    vmax = gmax as number;
    vmin = dmin < vmax ? dmin : vmax - (Math.abs(vmax) || 1);
  }
  const cats = img.categories;
  if (cats) {
    if (!Array.isArray(cats) || cats.length < 1) throw new RangeError('heatmap: categories must be a non-empty array');
    cats.forEach((c, i) => {
      if (!Number.isFinite(c.value) || typeof c.label !== 'string' || typeof c.color !== 'string') throw new RangeError(`heatmap: categories[${i}] must have a finite value, a label and a color`);
      if (cats.findIndex((d) => d.value === c.value) !== i) throw new RangeError(`heatmap: categories[${i}].value ${c.value} is repeated`);
    });
    const cells = decimateImage(img.data, img.rows, img.cols, img.maxRows ?? HEATMAP_MAX_ROWS, img.maxCols ?? HEATMAP_MAX_COLS, 'sample');
    return { cells, x0, x1, y0, y1, vmin: 0, vmax: 1, label: img.label, categories: cats };
  }
  if (!(vmax > vmin)) throw new RangeError(`heatmap: vmax must exceed vmin (got ${vmin}, ${vmax})`);
  const cells = decimateImage(img.data, img.rows, img.cols, img.maxRows ?? HEATMAP_MAX_ROWS, img.maxCols ?? HEATMAP_MAX_COLS);
  return { cells, x0, x1, y0, y1, vmin, vmax, label: img.label };
}

/** Data extents of everything a panel draws (points, error bars, reference lines, heatmap). */
function panelExtents(p: Panel, series: Series[], xLog: boolean, yLog: boolean, heat: HeatmapPlan | null): [Extent, Extent] {
  const validX = xLog ? (v: number) => Number.isFinite(v) && v > 0 : (v: number) => Number.isFinite(v);
  const validY = yLog ? (v: number) => Number.isFinite(v) && v > 0 : (v: number) => Number.isFinite(v);
  const ex = new Extent();
  const ey = new Extent();
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i];
      const y = s.y[i];
      if (!validX(x) || !validY(y)) continue;
      ex.add(x);
      ey.add(y);
      const e = s.yErr ? s.yErr[i] : NaN;
      if (Number.isFinite(e) && e > 0) {
        if (Number.isFinite(y + e)) ey.add(y + e);
        if (validY(y - e)) ey.add(y - e);
      }
    }
  }
  for (const h of p.hLines ?? []) if (validY(h.y)) ey.add(h.y);
  for (const v of p.vLines ?? []) if (validX(v.x)) ex.add(v.x);
  if (heat) {
    ex.add(heat.x0);
    ex.add(heat.x1);
    ey.add(heat.y0);
    ey.add(heat.y1);
  }
  return [ex, ey];
}

function colorLevel(v: number, vmin: number, vmax: number): number {
  if (!Number.isFinite(v)) return -1;
  return Math.round(Math.min(1, Math.max(0, (v - vmin) / (vmax - vmin))) * (HEATMAP_LEVELS - 1));
}

/**
 * Heatmap cells as one path per colour level. Cells are written in cell units (integers) under a
 * single transform, and equal neighbours in a row are merged: small files, exact edges.
 */
function drawHeatmap(out: string[], h: HeatmapPlan, X: Axis, Y: Axis): void {
  const { data, rows, cols } = h.cells;
  const cats = h.categories;
  const levelOf = cats ? (v: number) => cats.findIndex((c) => c.value === v) : (v: number) => colorLevel(v, h.vmin, h.vmax);
  const paths: string[][] = Array.from({ length: cats ? cats.length : HEATMAP_LEVELS }, () => []);
  const nanCells: string[] = [];
  for (let r = 0; r < rows; r++) {
    let c = 0;
    while (c < cols) {
      const lev = levelOf(data[r * cols + c]);
      let run = 1;
      while (c + run < cols && levelOf(data[r * cols + c + run]) === lev) run++;
      const cell = `M${c} ${r}h${run}v1h-${run}z`;
      if (lev < 0) nanCells.push(cell);
      else paths[lev].push(cell);
      c += run;
    }
  }
  const sx = (X.map(h.x1) - X.map(h.x0)) / cols;
  const sy = (Y.map(h.y1) - Y.map(h.y0)) / rows;
  out.push(
    `<g class="heatmap" data-rows="${rows}" data-cols="${cols}" shape-rendering="crispEdges"` +
      ` transform="translate(${n2(X.map(h.x0))} ${n2(Y.map(h.y0))}) scale(${n5(sx)} ${n5(sy)})">`,
  );
  if (nanCells.length > 0) out.push(`<path fill="${NAN_COLOR}" d="${nanCells.join('')}"/>`);
  paths.forEach((cells, l) => {
    if (cells.length > 0) out.push(`<path fill="${cats ? escapeXml(cats[l].color) : divergingColor(l / (HEATMAP_LEVELS - 1))}" d="${cells.join('')}"/>`);
  });
  out.push('</g>');
}

const SWATCH = 10;
const SWATCH_STEP = 16;

/** Legend of a categorical heatmap, right of the plot: a swatch and the label of each category, top down. */
function drawCategoryLegend(out: string[], h: HeatmapPlan, f: Frame): void {
  const bx = f.r + 10;
  const items: string[] = [];
  let y = f.t;
  if (h.label) {
    items.push(text(bx, y + LEGEND_FONT, escapeXml(h.label), ' font-weight="bold"'));
    y += SWATCH_STEP;
  }
  for (const c of h.categories ?? []) {
    items.push(`<rect x="${n2(bx)}" y="${n2(y)}" width="${SWATCH}" height="${SWATCH}" fill="${escapeXml(c.color)}" stroke="#000" stroke-width="0.5"/>`);
    items.push(text(bx + SWATCH + 4, y + SWATCH - 1, escapeXml(c.label)));
    y += SWATCH_STEP;
  }
  out.push(`<g class="category-legend" font-size="${LEGEND_FONT}">${items.join('')}</g>`);
}

function categoryLegendWidth(h: HeatmapPlan): number {
  const labels = [...(h.categories ?? []).map((c) => textWidth(c.label, LEGEND_FONT) + SWATCH + 4), h.label ? textWidth(h.label, LEGEND_FONT) : 0];
  return 10 + Math.max(...labels) + 4;
}

function drawColorbar(out: string[], h: HeatmapPlan, ticks: TickSet, f: Frame): void {
  const L = HEATMAP_LEVELS;
  const bx = f.r + 10;
  const bw = 10;
  const plotH = f.b - f.t;
  let cells = '';
  for (let l = 0; l < L; l++) cells += `<rect y="${l}" width="1" height="1" fill="${divergingColor(l / (L - 1))}"/>`;
  out.push('<g class="colorbar">');
  out.push(`<g shape-rendering="crispEdges" transform="translate(${n2(bx)} ${n2(f.b)}) scale(${bw} ${n5(-plotH / L)})">${cells}</g>`);
  let d = `M${n2(bx)} ${n2(f.t)}h${bw}V${n2(f.b)}h-${bw}Z`;
  const texts: string[] = [];
  const span = h.vmax - h.vmin;
  ticks.values.forEach((v, i) => {
    if (v < h.vmin - 1e-9 * span || v > h.vmax + 1e-9 * span) return;
    const y = f.b - ((v - h.vmin) / span) * plotH;
    d += `M${n2(bx + bw)} ${n2(y)}h${TICK_LEN}`;
    texts.push(text(bx + bw + TICK_LEN + 3, y + TICK_FONT * 0.35, labelSvg(ticks.labels[i], TICK_FONT)));
  });
  if (ticks.multiplier) texts.push(text(bx, f.t - 5, labelSvg(ticks.multiplier, TICK_FONT)));
  out.push(`<path d="${d}" fill="none" stroke="#000" stroke-width="1"/>`);
  out.push(`<g font-size="${TICK_FONT}">${texts.join('')}</g>`);
  if (h.label) {
    const lw = Math.max(0, ...ticks.labels.map((l) => labelWidth(l, TICK_FONT)));
    const x = bx + bw + TICK_LEN + 3 + lw + 6 + LABEL_FONT * 0.8;
    const y = (f.t + f.b) / 2;
    out.push(`<text x="${n2(x)}" y="${n2(y)}" transform="rotate(-90 ${n2(x)} ${n2(y)})" text-anchor="middle" font-size="${LABEL_FONT}">${escapeXml(h.label)}</text>`);
  }
  out.push('</g>');
}

function colorbarWidth(h: HeatmapPlan, ticks: TickSet): number {
  return 10 + 10 + TICK_LEN + 3 + Math.max(0, ...ticks.labels.map((l) => labelWidth(l, TICK_FONT))) + (h.label ? LABEL_FONT + 8 : 0);
}

function drawRefLines(out: string[], p: Panel, X: Axis, Y: Axis, f: Frame): void {
  for (const h of p.hLines ?? []) {
    if (!Y.valid(h.y)) continue;
    const y = n2(Y.map(h.y));
    out.push(`<path class="hline" d="M${n2(f.l)} ${y}H${n2(f.r)}" fill="none" stroke="${escapeXml(h.color ?? REF_COLOR)}" stroke-width="1"${dashArray(h.style ?? 'dashed', 1)}/>`);
  }
  for (const v of p.vLines ?? []) {
    if (!X.valid(v.x)) continue;
    const x = n2(X.map(v.x));
    out.push(`<path class="vline" d="M${x} ${n2(f.b)}V${n2(f.t)}" fill="none" stroke="${escapeXml(v.color ?? REF_COLOR)}" stroke-width="1"${dashArray(v.style ?? 'dashed', 1)}/>`);
  }
}

function drawRefLabels(out: string[], p: Panel, X: Axis, Y: Axis, f: Frame): void {
  for (const h of p.hLines ?? []) {
    if (!h.label || !Y.valid(h.y)) continue;
    const y = Y.map(h.y);
    if (within(y, f.t, f.b)) out.push(text(f.r - 3, y - 3, escapeXml(h.label), ` text-anchor="end" font-size="9" fill="${escapeXml(h.color ?? REF_COLOR)}"`));
  }
  for (const v of p.vLines ?? []) {
    if (!v.label || !X.valid(v.x)) continue;
    const x = X.map(v.x);
    if (within(x, f.l, f.r)) out.push(text(x + 3, f.t + 10, escapeXml(v.label), ` font-size="9" fill="${escapeXml(v.color ?? REF_COLOR)}"`));
  }
}

/** Draws one series; appends the pixel positions of its points to `drawn` as x, y pairs (for the legend). */
function drawSeries(out: string[], s: Series, look: SeriesLook, X: Axis, Y: Axis, f: Frame, drawn: number[]): void {
  const col = escapeXml(look.color);
  const op = look.opacity < 1 ? n2(look.opacity) : null;
  const n = s.x.length;
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (X.valid(s.x[i]) && Y.valid(s.y[i])) {
      ok[i] = 1;
      px[i] = X.map(s.x[i]);
      py[i] = Y.map(s.y[i]);
      drawn.push(px[i], py[i]);
    }
  }
  out.push('<g class="series">');
  if (s.yErr) {
    const cap = 2 + look.width;
    let d = '';
    for (let i = 0; i < n; i++) {
      const e = s.yErr[i];
      if (!ok[i] || !Number.isFinite(e) || e <= 0) continue;
      const y = s.y[i];
      const yTop = Number.isFinite(y + e) ? Y.map(y + e) : f.t - 1;
      const yBot = Y.valid(y - e) ? Y.map(y - e) : f.b + 1; // log axis: the bar runs off the bottom
      const x = px[i];
      d += `M${n2(x)} ${n2(yBot)}V${n2(yTop)}`;
      if (yTop >= f.t) d += `M${n2(x - cap)} ${n2(yTop)}h${n2(2 * cap)}`;
      if (yBot <= f.b) d += `M${n2(x - cap)} ${n2(yBot)}h${n2(2 * cap)}`;
    }
    if (d) out.push(`<path class="errorbars" d="${d}" fill="none" stroke="${col}" stroke-width="1"${op !== null ? ` stroke-opacity="${op}"` : ''}/>`);
  }
  if (look.style !== 'points') {
    // Runs of consecutive drawable points; a skipped point ends a run (a gap in the line).
    let d = '';
    let runLen = 0;
    let last = '';
    for (let i = 0; i <= n; i++) {
      if (i === n || !ok[i]) {
        if (runLen === 1) d += 'h0'; // isolated point: drawn as a dot by the round cap
        runLen = 0;
        last = '';
        continue;
      }
      const pt = `${n2(px[i])} ${n2(py[i])}`;
      if (pt === last) continue; // same position after rounding
      d += runLen === 0 ? 'M' + pt : (runLen === 1 ? 'L' : ' ') + pt;
      last = pt;
      runLen++;
    }
    if (d) {
      const cap = look.style === 'line' ? ' stroke-linecap="round"' : '';
      out.push(
        `<path class="line" d="${d}" fill="none" stroke="${col}" stroke-width="${n2(look.width)}" stroke-linejoin="round"${cap}` +
          `${dashArray(look.style, look.width)}${op !== null ? ` stroke-opacity="${op}"` : ''}/>`,
      );
    }
  }
  if (look.marker) {
    const r = markerRadius(look);
    let items = '';
    for (let i = 0; i < n; i++) if (ok[i]) items += markerSvg(look.marker, px[i], py[i], r);
    if (items) {
      const opa = op !== null ? ` fill-opacity="${op}" stroke-opacity="${op}"` : '';
      out.push(`<g class="markers" fill="${col}" stroke="${col}" stroke-width="1"${opa}>${items}</g>`);
    }
  }
  out.push('</g>');
}

/** Spines (left and bottom, or a full frame), ticks, tick labels and multipliers. */
function drawAxes(out: string[], xt: TickSet, yt: TickSet, X: Axis, Y: Axis, f: Frame, boxed: boolean): void {
  let d = boxed ? `M${n2(f.l)} ${n2(f.t)}H${n2(f.r)}V${n2(f.b)}H${n2(f.l)}Z` : `M${n2(f.l)} ${n2(f.t)}V${n2(f.b)}H${n2(f.r)}`;
  for (const v of xt.minor) {
    const x = X.map(v);
    if (within(x, f.l, f.r)) d += `M${n2(x)} ${n2(f.b)}v${MINOR_LEN}`;
  }
  for (const v of yt.minor) {
    const y = Y.map(v);
    if (within(y, f.t, f.b)) d += `M${n2(f.l)} ${n2(y)}h-${MINOR_LEN}`;
  }
  const texts: string[] = [];
  xt.values.forEach((v, i) => {
    const x = X.map(v);
    if (!within(x, f.l, f.r)) return;
    d += `M${n2(x)} ${n2(f.b)}v${TICK_LEN}`;
    texts.push(text(x, f.b + TICK_LEN + 3 + TICK_FONT * 0.8, labelSvg(xt.labels[i], TICK_FONT), ' text-anchor="middle"'));
  });
  yt.values.forEach((v, i) => {
    const y = Y.map(v);
    if (!within(y, f.t, f.b)) return;
    d += `M${n2(f.l)} ${n2(y)}h-${TICK_LEN}`;
    texts.push(text(f.l - TICK_LEN - 3, y + TICK_FONT * 0.35, labelSvg(yt.labels[i], TICK_FONT), ' text-anchor="end"'));
  });
  if (xt.multiplier) texts.push(text(f.r, f.b + TICK_LEN + 3 + TICK_FONT + 4 + LABEL_FONT * 0.8, labelSvg(xt.multiplier, TICK_FONT), ' text-anchor="end"'));
  if (yt.multiplier) texts.push(text(f.l, f.t - 5, labelSvg(yt.multiplier, TICK_FONT)));
  out.push(`<path class="axes" d="${d}" fill="none" stroke="#000" stroke-width="1" stroke-linecap="square"/>`);
  out.push(`<g class="ticklabels" font-size="${TICK_FONT}">${texts.join('')}</g>`);
}

function drawLegend(out: string[], entries: { label: string; look: SeriesLook }[], place: LegendPlace, f: Frame, drawn: number[]): void {
  if (place === 'none' || entries.length === 0) return;
  const rowH = LEGEND_FONT + 5;
  const sampleW = 22;
  const pad = 5;
  const m = 6;
  const w = pad + sampleW + 5 + Math.max(...entries.map((e) => textWidth(e.label, LEGEND_FONT))) + pad;
  const h = pad + entries.length * rowH + pad - 4;
  const corners = {
    'top-right': [f.r - m - w, f.t + m],
    'top-left': [f.l + m, f.t + m],
    'bottom-right': [f.r - m - w, f.b - m - h],
    'bottom-left': [f.l + m, f.b - m - h],
  } as const;
  let corner: readonly [number, number] = corners['top-right'];
  if (place === 'auto') {
    // The first corner (in this order) that covers the fewest drawn points.
    let best = Infinity;
    for (const key of ['top-right', 'top-left', 'bottom-right', 'bottom-left'] as const) {
      const [cx, cy] = corners[key];
      let count = 0;
      for (let i = 0; i < drawn.length; i += 2) {
        const x = drawn[i];
        const y = drawn[i + 1];
        if (x >= cx && x <= cx + w && y >= cy && y <= cy + h) count++;
      }
      if (count < best) {
        best = count;
        corner = corners[key];
      }
    }
  } else corner = corners[place];
  const [lx, ly] = corner;
  let items = `<rect x="${n2(lx)}" y="${n2(ly)}" width="${n2(w)}" height="${n2(h)}" fill="#fff" fill-opacity="0.85" stroke="#ccc" stroke-width="0.8"/>`;
  entries.forEach(({ label, look }, i) => {
    const yc = ly + pad + i * rowH + rowH / 2 - 2;
    const x0 = lx + pad;
    const col = escapeXml(look.color);
    if (look.style !== 'points') {
      items += `<path d="M${n2(x0)} ${n2(yc)}h${sampleW}" fill="none" stroke="${col}" stroke-width="${n2(look.width)}"${dashArray(look.style, look.width)}/>`;
    }
    if (look.marker) items += `<g fill="${col}" stroke="${col}" stroke-width="1">${markerSvg(look.marker, x0 + sampleW / 2, yc, markerRadius(look))}</g>`;
    items += text(x0 + sampleW + 5, yc + LEGEND_FONT * 0.35, escapeXml(label));
  });
  out.push(`<g class="legend" font-size="${LEGEND_FONT}">${items}</g>`);
}

function renderPanel(p: Panel, cell: Box, pid: string, letter: string | null, out: string[], defs: string[]): void {
  const series = p.series ?? [];
  series.forEach((s, i) => validateSeries(s, seriesName(s, i)));
  const xLog = !!p.xLog;
  const yLog = !!p.yLog;
  if (p.image && (xLog || yLog)) throw new RangeError('heatmap panels do not support log axes');
  const heat = p.image ? planHeatmap(p.image) : null;
  const looks = series.map(lookOf);

  // Axis limits: given, or the data extent with a margin (none around a heatmap; none in x for
  // pure line plots, whose first and last samples usually are the meaningful ends).
  const [ex, ey] = panelExtents(p, series, xLog, yLog, heat);
  const anyMarkers = looks.some((l) => l.marker !== undefined);
  const xr = p.xRange ? checkRange(p.xRange, xLog, 'xRange') : autoRange(ex, xLog, heat ? 0 : anyMarkers ? 0.04 : 0);
  const yr = p.yRange ? checkRange(p.yRange, yLog, 'yRange') : autoRange(ey, yLog, heat ? 0 : 0.05);

  // Layout: vertical first (fixed), then y ticks, whose label width sets the left margin.
  const top = cell.y + (p.title || letter ? 26 : 10);
  const bottom = cell.y + cell.h - (TICK_LEN + 4 + TICK_FONT + 6 + (p.xLabel ? LABEL_FONT + 6 : 0));
  const plotH = Math.max(10, bottom - top);
  const yt = (yLog ? logTickSet : linearTickSet)(yr[0], yr[1], Math.min(8, Math.max(2, Math.round(plotH / 45))));
  const yLabW = Math.max(0, ...yt.labels.map((l) => labelWidth(l, TICK_FONT)));
  const left = cell.x + 8 + (p.yLabel ? LABEL_FONT + 6 : 0) + yLabW + TICK_LEN + 4;
  const cbTicks = heat && !heat.categories ? linearTickSet(heat.vmin, heat.vmax, Math.min(6, Math.max(2, Math.round(plotH / 50)))) : null;
  const right = cell.x + cell.w - 14 - (heat?.categories ? categoryLegendWidth(heat) : heat && cbTicks ? colorbarWidth(heat, cbTicks) : 0);
  const plotW = Math.max(10, right - left);
  const xt = (xLog ? logTickSet : linearTickSet)(xr[0], xr[1], Math.min(10, Math.max(2, Math.round(plotW / 75))));
  const f: Frame = { l: left, r: left + plotW, t: top, b: top + plotH };
  const X = makeAxis(xr[0], xr[1], xLog, f.l, f.r);
  const Y = makeAxis(yr[0], yr[1], yLog, f.b, f.t);

  out.push('<g class="panel">');
  const clipId = escapeXml(`${pid}-clip`);
  defs.push(`<clipPath id="${clipId}"><rect x="${n2(f.l)}" y="${n2(f.t)}" width="${n2(plotW)}" height="${n2(plotH)}"/></clipPath>`);
  out.push(`<g clip-path="url(#${clipId})">`);
  if (heat) drawHeatmap(out, heat, X, Y);
  drawRefLines(out, p, X, Y, f);
  const drawn: number[] = [];
  series.forEach((s, i) => drawSeries(out, s, looks[i], X, Y, f, drawn));
  out.push('</g>');

  drawAxes(out, xt, yt, X, Y, f, heat !== null);
  if (p.xLabel) {
    out.push(text((f.l + f.r) / 2, f.b + TICK_LEN + 3 + TICK_FONT + 4 + LABEL_FONT * 0.8, escapeXml(p.xLabel), ` text-anchor="middle" font-size="${LABEL_FONT}"`));
  }
  if (p.yLabel) {
    // Rotated text: glyphs extend to the left of x.
    const x = f.l - TICK_LEN - 4 - yLabW - 6;
    const y = (f.t + f.b) / 2;
    out.push(`<text x="${n2(x)}" y="${n2(y)}" transform="rotate(-90 ${n2(x)} ${n2(y)})" text-anchor="middle" font-size="${LABEL_FONT}">${escapeXml(p.yLabel)}</text>`);
  }
  if (p.title) out.push(text((f.l + f.r) / 2, cell.y + 17, escapeXml(p.title), ` text-anchor="middle" font-size="${TITLE_FONT}" font-weight="bold"`));
  if (letter) out.push(text(cell.x + 6, cell.y + 17, escapeXml(letter), ` font-size="${FIG_TITLE_FONT}" font-weight="bold"`));
  drawRefLabels(out, p, X, Y, f);
  if (heat && cbTicks) drawColorbar(out, heat, cbTicks, f);
  if (heat?.categories) drawCategoryLegend(out, heat, f);
  const entries = series.flatMap((s, i) => (s.label ? [{ label: s.label, look: looks[i] }] : []));
  drawLegend(out, entries, p.legend ?? 'auto', f, drawn);
  out.push('</g>');
}

/**
 * Renders a figure as a standalone SVG document.
 *
 * Throws `RangeError` for inconsistent input (x/y/yErr lengths differ, heatmap data length is not
 * rows * cols, a log axis with a non-positive limit, a heatmap on a log axis, a bad size).
 */
export function renderSvg(fig: Figure): string {
  const panels = fig.panels ?? [];
  const columns = fig.columns ?? Math.max(1, Math.min(panels.length, 3));
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`columns must be a positive integer (got ${columns})`);
  const gridRows = Math.ceil(panels.length / columns);
  const width = fig.width ?? 400 * columns;
  if (!(width > 0) || !Number.isFinite(width)) throw new RangeError(`width must be a positive number (got ${width})`);
  const titleH = fig.title ? FIG_TITLE_FONT + 14 : 0;
  // Wrap conservatively: the reader's fallback font may be wider than the Helvetica estimate.
  const footLines = fig.footnote ? wrap(fig.footnote, FOOT_FONT, 0.85 * (width - 16)) : [];
  const footH = footLines.length > 0 ? footLines.length * (FOOT_FONT + 3) + 8 : 0;
  const height = fig.height ?? 300 * gridRows + titleH + footH + (gridRows === 0 ? 20 : 0);
  if (!(height > 0) || !Number.isFinite(height)) throw new RangeError(`height must be a positive number (got ${height})`);
  const prefix = fig.idPrefix ?? 'dmft';

  const body: string[] = [];
  const defs: string[] = [];
  if (fig.title) {
    body.push(text(width / 2, 6 + FIG_TITLE_FONT, escapeXml(fig.title), ` text-anchor="middle" font-size="${FIG_TITLE_FONT}" font-weight="bold"`));
  }
  const gridH = Math.max(0, height - titleH - footH);
  const cellW = width / columns;
  const cellH = gridRows > 0 ? gridH / gridRows : 0;
  panels.forEach((p, i) => {
    const r = Math.floor(i / columns);
    const c = i % columns;
    const cell = { x: c * cellW, y: titleH + r * cellH, w: cellW, h: cellH };
    const letter = fig.letters ? panelLetter(i) : null;
    renderPanel(p, cell, `${prefix}-p${i}`, letter, body, defs);
  });
  footLines.forEach((line, i) => {
    body.push(text(8, height - footH + 4 + (i + 1) * (FOOT_FONT + 3) - 3, escapeXml(line), ` font-size="${FOOT_FONT}" fill="#555"`));
  });

  const W = n2(width);
  const H = n2(height);
  const head =
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"` +
    ` font-family="${FONT_FAMILY}" font-size="${TICK_FONT}" fill="#000">`;
  const parts = [head];
  if (fig.title) parts.push(`<title>${escapeXml(fig.title)}</title>`);
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  if (defs.length > 0) parts.push(`<defs>${defs.join('')}</defs>`);
  parts.push(...body, '</svg>');
  return parts.join('\n') + '\n';
}

/** A, B, ..., Z, AA, AB, ... */
function panelLetter(i: number): string {
  let s = '';
  let k = i;
  do {
    s = String.fromCharCode(65 + (k % 26)) + s;
    k = Math.floor(k / 26) - 1;
  } while (k >= 0);
  return s;
}
