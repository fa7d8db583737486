// Tests of the dependency-free SVG plotting module (src/plot/svg.ts).
//   node scripts/run-test.mjs --no-wasm tests/plot.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  renderSvg,
  niceTicks,
  logTicks,
  tickLabels,
  decimateImage,
  escapeXml,
  divergingColor,
  DEFAULT_COLORS,
  HEATMAP_MAX_ROWS,
  HEATMAP_MAX_COLS,
  type Figure,
} from '../src/plot/svg.js';

// ---------------------------------------------------------------------------------------------
// A small XML well-formedness checker: one root element, balanced and properly nested tags,
// quoted unique attributes, no raw '<' in attribute values, and every '&' starting a valid
// entity or character reference. It is stricter than XML where that is convenient (it also
// rejects a raw '>' inside attribute values, which renderSvg never writes).
// ---------------------------------------------------------------------------------------------

const BAD_AMP = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)/;
const NAME = /^[A-Za-z_][\w.:-]*/;

interface Element {
  name: string;
  attrs: Record<string, string>;
}

function checkXml(s: string): Element[] {
  const stack: string[] = [];
  const elements: Element[] = [];
  let roots = 0;
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const textPart = lt < 0 ? s.slice(i) : s.slice(i, lt);
    assert.ok(!BAD_AMP.test(textPart), `unescaped & in text near ${JSON.stringify(textPart.slice(0, 40))}`);
    if (stack.length === 0) assert.equal(textPart.trim(), '', 'text outside the root element');
    if (lt < 0) break;
    const gt = s.indexOf('>', lt);
    assert.ok(gt > lt, 'unterminated tag');
    const tag = s.slice(lt + 1, gt);
    assert.ok(!tag.includes('<'), `'<' inside a tag: ${tag.slice(0, 60)}`);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      assert.equal(stack.pop(), name, `closing </${name}> does not match`);
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = NAME.exec(body);
      assert.ok(m, `bad tag name in <${tag.slice(0, 40)}>`);
      const name = m[0];
      const attrs: Record<string, string> = {};
      const attrRe = /\s+([A-Za-z_:][\w.:-]*)="([^"]*)"/y;
      let pos = name.length;
      while (pos < body.trimEnd().length) {
        attrRe.lastIndex = pos;
        const a = attrRe.exec(body);
        assert.ok(a, `bad attribute syntax in <${tag.slice(0, 80)}>`);
        assert.ok(!(a[1] in attrs), `duplicate attribute ${a[1]} in <${name}>`);
        assert.ok(!BAD_AMP.test(a[2]), `unescaped & in attribute ${a[1]}`);
        attrs[a[1]] = a[2];
        pos = attrRe.lastIndex;
      }
      if (stack.length === 0) roots++;
      elements.push({ name, attrs });
      if (!selfClosing) stack.push(name);
    }
    i = gt + 1;
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'exactly one root element');
  return elements;
}

/** Asserts the invariants every rendered figure must satisfy; returns its elements. */
function checkSvg(svg: string): Element[] {
  const els = checkXml(svg);
  assert.equal(els[0].name, 'svg');
  assert.equal(els[0].attrs.xmlns, 'http://www.w3.org/2000/svg');
  assert.match(els[0].attrs.viewBox, /^0 0 [\d.]+ [\d.]+$/);
  assert.ok(!/NaN|Infinity|undefined|null/.test(svg), 'no NaN, Infinity, undefined or null in the output');
  assert.ok(/^[\t\n\r\x20-\x7e]*$/.test(svg), 'output is pure ASCII');
  // Coordinates are rounded to 2 decimals (transform scales, which multiply cell indices, excepted).
  for (const el of els) {
    for (const [k, v] of Object.entries(el.attrs)) {
      if (k === 'transform' && v.includes('scale(')) continue;
      assert.ok(!/\d\.\d{3,}/.test(v), `more than 2 decimals in ${k}="${v.slice(0, 80)}"`);
    }
  }
  return els;
}

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;
const byClass = (els: Element[], name: string, cls: string) => els.filter((e) => e.name === name && e.attrs.class === cls);

test('the well-formedness checker rejects malformed XML', () => {
  checkXml('<a x="1"><b/>t &amp; u</a>');
  for (const bad of ['<a><b></a></b>', '<a>&</a>', '<a x="1" x="2"/>', '<a/><b/>', '<a x="<"/>', '<a>', 'x<a/>', '<a x=1/>']) {
    assert.throws(() => checkXml(bad), `rejects ${bad}`);
  }
});

// ---------------------------------------------------------------------------------------------
// Ticks
// ---------------------------------------------------------------------------------------------

test('linear ticks use 1-2-5 steps and exact decimal values', () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 10), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(-1, 1), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(niceTicks(1, -1), [-1, -0.5, 0, 0.5, 1], 'argument order does not matter');
  assert.deepEqual(niceTicks(0.03, 0.97), [0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(niceTicks(0, 0.7, 7), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  assert.deepEqual(niceTicks(-3.7, 12.1), [0, 5, 10]);
  assert.deepEqual(niceTicks(1e-7, 9e-7, 4), [2e-7, 4e-7, 6e-7, 8e-7]);
  assert.deepEqual(niceTicks(0, 2.5e6, 5), [0, 5e5, 1e6, 1.5e6, 2e6, 2.5e6]);
  // Property check over many ranges: equal 1-2-5 steps, all ticks inside the range.
  for (let k = 0; k < 300; k++) {
    // Magnitudes 1e-6 .. 1e6; spans down to 1e-4 of the magnitude.
    const mag = Math.pow(10, (k % 13) - 6);
    const lo = Math.sin(k * 1.7) * mag;
    const hi = lo + (0.1 + Math.abs(Math.cos(k * 0.3))) * mag * Math.pow(10, -(k % 5));
    const t = niceTicks(lo, hi, 2 + (k % 7));
    assert.ok(t.length >= 2, `at least two ticks for [${lo}, ${hi}]`);
    const step = t[1] - t[0];
    const mant = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
    assert.ok([1, 2, 5].some((m) => Math.abs(mant - m) < 1e-6), `step ${step} is 1, 2 or 5 times a power of ten`);
    for (let i = 0; i < t.length; i++) {
      assert.ok(t[i] >= lo - 1e-9 * step && t[i] <= hi + 1e-9 * step, 'tick inside the range');
      const ulps = 1e-12 * Math.max(Math.abs(lo), Math.abs(hi));
      if (i > 0) assert.ok(Math.abs(t[i] - t[i - 1] - step) <= 1e-9 * step + 4 * ulps, 'equal steps');
      assert.equal(t[i], Number(t[i].toPrecision(15)), `tick ${t[i]} is a clean decimal`);
    }
  }
});

test('tick labels: fixed decimals per axis, true minus sign, common multiplier for big and small numbers', () => {
  const M = '\u2212';
  assert.deepEqual(tickLabels(-1, 1).labels, [`${M}1.0`, `${M}0.5`, '0.0', '0.5', '1.0']);
  assert.deepEqual(tickLabels(0, 10).labels, ['0', '2', '4', '6', '8', '10']);
  assert.deepEqual(tickLabels(0, 0.001, { target: 2 }).labels, ['0.000', '0.001']);
  const big = tickLabels(1e5, 4e5, { target: 7 });
  assert.deepEqual(big.labels, ['1.0', '1.5', '2.0', '2.5', '3.0', '3.5', '4.0']);
  assert.equal(big.multiplier, '\u00d710^5');
  const small = tickLabels(0, 3e-6, { target: 4 });
  assert.deepEqual(small.labels, ['0', '1', '2', '3']);
  assert.equal(small.multiplier, `\u00d710^${M}6`);
  assert.equal(tickLabels(0, 100).multiplier, null);
});

test('log ticks: decades, strided decades, and 1-2-5 values within a decade', () => {
  assert.deepEqual(logTicks(1, 1000), [1, 10, 100, 1000]);
  assert.deepEqual(logTicks(0.5, 2000), [1, 10, 100, 1000]);
  assert.deepEqual(logTicks(1e-3, 1e9, 5), [1e-3, 1, 1e3, 1e6, 1e9]);
  assert.deepEqual(logTicks(2, 30), [2, 5, 10, 20]);
  assert.deepEqual(logTicks(1.1, 1.9, 4), [1.2, 1.4, 1.6, 1.8], 'less than a 1-2-5 pair: linear ticks');
  assert.deepEqual(tickLabels(1e-3, 1, { log: true }).labels, ['0.001', '0.01', '0.1', '1']);
  assert.deepEqual(tickLabels(1e-6, 1e2, { log: true, target: 5 }).labels, ['10^\u22126', '10^\u22124', '10^\u22122', '10^0', '10^2']);
});

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

const xs = Array.from({ length: 50 }, (_, i) => i / 10);

test('a standalone, well-formed SVG with the expected elements', () => {
  const fig: Figure = {
    title: 'Test figure',
    panels: [
      {
        title: 'A',
        xLabel: 't',
        yLabel: 'x',
        series: [
          { x: xs, y: xs.map(Math.sin), label: 'sin' },
          { x: xs, y: xs.map(Math.cos), label: 'cos', style: 'dashed' },
          { x: [1, 2, 3, 4], y: [0.1, 0.2, 0.3, 0.4], style: 'points', label: 'pts', yErr: [0.05, 0.05, 0.05, 0.05] },
          { x: [1, 2, 3], y: [0, 0.5, 0], marker: 'square', style: 'dotted' },
          { x: [1, 2], y: [0.7, 0.8], style: 'points', marker: 'triangle' },
        ],
        hLines: [{ y: 0, label: 'zero' }],
        vLines: [{ x: 2.5 }],
      },
    ],
  };
  const svg = renderSvg(fig);
  const els = checkSvg(svg);
  assert.equal(els[0].attrs.width, '400');
  assert.equal(els[0].attrs.viewBox, `0 0 ${els[0].attrs.width} ${els[0].attrs.height}`);
  assert.equal(byClass(els, 'path', 'line').length, 3, 'three series drawn as lines');
  assert.equal(els.filter((e) => e.name === 'circle').length, 4 + 1, 'four point markers and one legend marker');
  assert.equal(byClass(els, 'path', 'errorbars').length, 1);
  // Each error bar: the bar and two caps.
  assert.equal(count(byClass(els, 'path', 'errorbars')[0].attrs.d, /M/g), 4 * 3);
  assert.equal(byClass(els, 'path', 'hline').length, 1);
  assert.equal(byClass(els, 'path', 'vline').length, 1);
  assert.equal(byClass(els, 'g', 'legend').length, 1);
  assert.equal(count(svg, /<g class="legend"[^]*?<\/g>/g), 1);
  const legend = svg.match(/<g class="legend"[^]*?<\/g>\n/)![0];
  assert.equal(count(legend, /<text /g), 3, 'only labelled series are in the legend');
  // Default colours follow the palette in series order.
  const lines = byClass(els, 'path', 'line');
  assert.equal(lines[0].attrs.stroke, DEFAULT_COLORS[0]);
  assert.equal(lines[1].attrs.stroke, DEFAULT_COLORS[1]);
  assert.ok(lines[1].attrs['stroke-dasharray'], 'dashed series has a dash array');
  assert.ok(svg.includes('>Test figure</text>'));
});

test('output is deterministic', () => {
  const make = (): Figure => ({
    panels: [{ series: [{ x: xs, y: xs.map((x) => Math.exp(-x)), label: 'e' }], yLog: true }, { series: [] }],
    footnote: 'seed 1',
  });
  assert.equal(renderSvg(make()), renderSvg(make()));
});

test('non-finite values leave gaps and never reach the output', () => {
  const y = [0, 1, NaN, 3, 4, Infinity, 6, 7, -Infinity, 9];
  const x = y.map((_, i) => i);
  x[4] = NaN; // a bad x also breaks the line
  const svg = renderSvg({
    panels: [
      {
        series: [
          { x, y, label: 'gappy', marker: 'circle', yErr: y.map((_, i) => (i === 0 ? NaN : 0.1)) },
          { x: [0, 1, 2], y: [NaN, NaN, NaN], label: 'all missing' },
          { x: [], y: [], label: 'empty' },
        ],
        hLines: [{ y: NaN }],
        vLines: [{ x: Infinity }],
      },
    ],
  });
  const els = checkSvg(svg);
  const lines = byClass(els, 'path', 'line');
  assert.equal(lines.length, 1, 'series with no finite point draw no line');
  // Valid points: 0,1 | 3 | 6,7 | 9 -> four pieces; the isolated ones (3 and 9) become dots.
  assert.equal(count(lines[0].attrs.d, /M/g), 4);
  assert.equal(count(lines[0].attrs.d, /h0/g), 2);
  assert.equal(els.filter((e) => e.name === 'circle').length - 1, 6, 'one marker per finite point (+1 in the legend)');
  assert.equal(count(byClass(els, 'path', 'errorbars')[0].attrs.d, /V/g), 5, 'no bar where the error is NaN');
  assert.equal(byClass(els, 'path', 'hline').length + byClass(els, 'path', 'vline').length, 0);
});

test('text is XML-escaped, including attribute values and forbidden characters', () => {
  const svg = renderSvg({
    title: 'a < b & "c"',
    footnote: "it's <fine> & \u0001 done",
    panels: [
      {
        title: '<script>',
        xLabel: 'x & y',
        yLabel: 'P(x<0)',
        series: [{ x: [0, 1], y: [0, 1], label: '<&>', color: 'red" onload="x' }],
        hLines: [{ y: 0.5, label: 'q < 1', color: '#000' }],
      },
    ],
  });
  checkSvg(svg);
  assert.ok(!svg.includes('<script'), 'no raw tag from user text');
  assert.ok(svg.includes('a &lt; b &amp; &quot;c&quot;'));
  assert.ok(svg.includes('&lt;&amp;&gt;'));
  assert.ok(svg.includes('P(x&lt;0)'));
  assert.ok(svg.includes('stroke="red&quot; onload=&quot;x"'), 'colours are escaped attribute values');
  assert.ok(svg.includes('&#xFFFD;'), 'a control character becomes U+FFFD');
  assert.equal(escapeXml('\u03b1\u2212\ud835\udc65'), '&#x3B1;&#x2212;&#x1D465;', 'non-ASCII as character references');
  assert.equal(escapeXml('\ud800'), '&#xFFFD;', 'a lone surrogate becomes U+FFFD');
});

test('log axes: decade labels, non-positive values skipped, invalid ranges rejected', () => {
  const q = [1, 10, 100, 1000];
  const svg = renderSvg({
    panels: [
      {
        xLog: true,
        yLog: true,
        series: [{ x: [0, ...q], y: [1, ...q.map((v) => 1 / v)], label: 'power law', yErr: [0, 0.5, 0.05, 0.005, 0.0005] }],
      },
    ],
  });
  const els = checkSvg(svg);
  for (const t of ['>1<', '>10<', '>100<', '>1000<', '>0.001<', '>0.01<', '>0.1<']) assert.ok(svg.includes(t), `tick label ${t}`);
  const line = byClass(els, 'path', 'line')[0].attrs.d;
  assert.equal(count(line, /M/g), 1, 'x = 0 is skipped at the start without breaking the rest');
  assert.equal(count(line, /-?\d+(\.\d+)?/g), 2 * 4, 'four points drawn');
  // The error bar of y = 1 with error 0.5 stays positive; (x=0) is skipped.
  assert.equal(count(byClass(els, 'path', 'errorbars')[0].attrs.d, /V/g), 4);
  assert.throws(() => renderSvg({ panels: [{ yLog: true, yRange: [-1, 1], series: [] }] }), RangeError);
  assert.throws(() => renderSvg({ panels: [{ xRange: [1, 1], series: [] }] }), RangeError);
  // Minor ticks between the decades: 8 per decade on each axis.
  const axes = byClass(els, 'path', 'axes')[0].attrs.d;
  assert.ok(count(axes, /v2\.5/g) >= 3 * 8, 'minor x ticks');
});

test('heatmap: decimation by row subsampling and column block means', () => {
  const rows = 1000;
  const cols = 3000;
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = r * 10000 + c;
  const d = decimateImage(data, rows, cols);
  assert.equal(d.rows, HEATMAP_MAX_ROWS);
  assert.equal(d.cols, HEATMAP_MAX_COLS);
  // Output row i is unit 5i; column block j covers input columns [7.5j, 7.5(j+1)) floored.
  for (const [i, j] of [[0, 0], [1, 1], [199, 399], [37, 123]]) {
    const c0 = Math.floor((j * cols) / 400);
    const c1 = Math.floor(((j + 1) * cols) / 400);
    assert.equal(d.data[i * d.cols + j], 5 * i * 10000 + (c0 + c1 - 1) / 2);
  }
  // Small images are copied unchanged.
  const small = decimateImage([1, 2, 3, 4, 5, 6], 2, 3);
  assert.deepEqual([small.rows, small.cols, ...small.data], [2, 3, 1, 2, 3, 4, 5, 6]);
  // Non-finite values are ignored by the block mean; an all-NaN block stays NaN.
  const gaps = decimateImage([1, NaN, 3, Infinity, NaN, NaN], 1, 6, 1, 3);
  assert.deepEqual([...gaps.data], [1, 3, NaN]);
  assert.throws(() => decimateImage([1, 2, 3], 2, 2), RangeError);
});

test('heatmap panel: capped cell count, colour bar, NaN cells, rejected on log axes', () => {
  const rows = 300;
  const cols = 1000;
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = Math.sin(0.01 * c + r);
  data[0] = NaN;
  data[1] = NaN;
  data[2] = NaN;
  const svg = renderSvg({ panels: [{ image: { data, rows, cols, x0: 0, x1: 50, label: 'x_i(t)' }, series: [{ x: [0, 50], y: [0, 300] }] }] });
  const els = checkSvg(svg);
  const g = byClass(els, 'g', 'heatmap');
  assert.equal(g.length, 1);
  assert.equal(g[0].attrs['data-rows'], '200');
  assert.equal(g[0].attrs['data-cols'], '400');
  const heat = svg.match(/<g class="heatmap"[^]*?<\/g>/)![0];
  const cells = count(heat, /M/g);
  assert.ok(cells >= 200 && cells <= 200 * 400, `cell runs ${cells} within [rows, rows*cols]`);
  assert.ok(heat.includes('fill="#bbbbbb"'), 'NaN cells are grey');
  assert.ok(count(heat, /<path /g) <= 65 + 1, 'one path per colour level (+ NaN)');
  assert.equal(count(svg, /<g class="colorbar">/g), 1);
  assert.ok(svg.includes('>x_i(t)</text>'));
  assert.throws(() => renderSvg({ panels: [{ image: { data, rows, cols }, yLog: true }] }), RangeError);
  assert.throws(() => renderSvg({ panels: [{ image: { data, rows: 2, cols: 2 } }] }), RangeError);
});

test('diverging colour map: blue, white middle, red', () => {
  assert.equal(divergingColor(0), '#053061');
  assert.equal(divergingColor(0.5), '#f7f7f7');
  assert.equal(divergingColor(1), '#67001f');
  assert.equal(divergingColor(-3), divergingColor(0), 'clipped');
  assert.equal(divergingColor(NaN), divergingColor(0.5));
});

test('grid layout, unique clip ids, empty figures and panels, input validation', () => {
  const panels = Array.from({ length: 5 }, (_, i) => ({ title: `P${i}`, series: [{ x: xs, y: xs.map((x) => x * i) }] }));
  const svg = renderSvg({ panels, columns: 2, letters: true, idPrefix: 'fig1' });
  const els = checkSvg(svg);
  assert.equal(els[0].attrs.viewBox, '0 0 800 900', '2 columns x 3 rows of 400 x 300');
  const ids = els.filter((e) => e.name === 'clipPath').map((e) => e.attrs.id);
  assert.equal(ids.length, 5);
  assert.equal(new Set(ids).size, 5);
  assert.ok(ids.every((id) => id.startsWith('fig1-')));
  assert.ok(svg.includes('>E</text>'), 'panel letters');
  checkSvg(renderSvg({ panels: [] }));
  checkSvg(renderSvg({ panels: [{}] }));
  checkSvg(renderSvg({ panels: [{ series: [{ x: [1], y: [1], label: 'single' }] }] }));
  checkSvg(renderSvg({ panels: [{ series: [{ x: [0, 1], y: [1e300, -1e300] }], yRange: [0, 1e-300] }] }));
  assert.throws(() => renderSvg({ panels: [{ series: [{ x: [1, 2], y: [1] }] }] }), RangeError);
  assert.throws(() => renderSvg({ panels: [{ series: [{ x: [1, 2], y: [1, 2], yErr: [1] }] }] }), RangeError);
  assert.throws(() => renderSvg({ panels: [], columns: 0 }), RangeError);
});

test('legend placement: explicit corners, none, and auto avoiding the data', () => {
  const rising = { x: xs, y: xs, label: 'rising' };
  const legendX = (svg: string) => Number(svg.match(/<g class="legend"[^>]*><rect x="([\d.]+)"/)![1]);
  const tr = renderSvg({ panels: [{ series: [rising], legend: 'top-right' }] });
  const tl = renderSvg({ panels: [{ series: [rising], legend: 'top-left' }] });
  assert.ok(legendX(tr) > legendX(tl));
  assert.ok(!renderSvg({ panels: [{ series: [rising], legend: 'none' }] }).includes('class="legend"'));
  // A rising line fills the top-right corner: auto moves the legend to the top-left.
  assert.equal(legendX(renderSvg({ panels: [{ series: [rising] }] })), legendX(tl));
});
