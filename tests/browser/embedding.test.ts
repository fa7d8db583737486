// Browser only: the embedding example (examples/embed/index.html, docs/EMBEDDING.md) loads the ESM bundle
// (dist/browser/index.js) the way a third-party page does, streams frames and draws them. The runner serves
// both under the same paths as in the repository. The example must read 100 frames, draw them (the canvas
// is no longer blank) and report a finite population variance.
import { test } from 'node:test';
import assert from 'node:assert/strict';

test('the embedding example reads 100 frames from the ESM bundle and draws them', async () => {
  const frame = document.createElement('iframe');
  frame.src = new URL('/examples/embed/index.html?frames=100', location.href).href;
  document.body.append(frame);
  const t0 = performance.now();
  type EmbedState = { frames: number; variance: number; done: boolean; error: string | null; threads: number };
  const st = () => (frame.contentWindow as (Window & { dmftlabEmbed?: EmbedState }) | null)?.dmftlabEmbed;
  while (!(st()?.done || st()?.error) && performance.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
  const s = st();
  assert.ok(s, 'the example page did not start');
  assert.equal(s.error, null);
  assert.equal(s.done, true, `only ${s.frames} frames after 60 s`);
  assert.equal(s.frames, 100);
  // g = 2 tanh: chaotic, population variance near the DMFT Delta0 = 2.06 after the first frames (observed 1-3)
  assert.ok(Number.isFinite(s.variance) && s.variance > 0.3 && s.variance < 5, `variance ${s.variance}`);
  assert.ok(s.threads >= 1);
  // the heatmap: 100 columns drawn, so many pixels are no longer blank
  const canvas = frame.contentDocument!.getElementById('heat') as HTMLCanvasElement;
  const px = canvas.getContext('2d')!.getImageData(0, 0, 100, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) drawn++;
  assert.equal(drawn, 100 * canvas.height);
  frame.remove();
});
