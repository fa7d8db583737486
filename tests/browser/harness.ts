// The page script of the browser test run (scripts/test-browser.mjs): imports the test module named by
// ?file=, runs what it registered with the node:test shim, and sends every result to the runner
// through window.__dmftReport (a Playwright binding). The runner sees uncaught errors and unhandled
// rejections itself (Playwright's pageerror) and counts them as failures of the file.
import { runRegistered, type Result } from './node-test.js';

type Event = { type: 'result'; result: Result } | { type: 'error'; message: string } | { type: 'done'; ok: boolean; info: Record<string, unknown> };
const send = (e: Event) => (window as unknown as { __dmftReport: (e: Event) => Promise<void> }).__dmftReport(e);
const text = (e: unknown) => (e instanceof Error ? e.stack ?? `${e.name}: ${e.message}` : String(e));

const file = new URLSearchParams(location.search).get('file');
const info = { crossOriginIsolated: globalThis.crossOriginIsolated, sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined', hardwareConcurrency: navigator.hardwareConcurrency };
try {
  if (!file || !/^[\w.-]+\.js$/.test(file)) throw new Error(`bad ?file= ${file}`);
  const module = new URL(file, import.meta.url).href; // a variable: esbuild leaves the import alone
  await import(module);
  const ok = await runRegistered((result) => send({ type: 'result', result }));
  await send({ type: 'done', ok, info });
} catch (e) {
  await send({ type: 'error', message: `loading ${file} failed: ${text(e)}` });
  await send({ type: 'done', ok: false, info });
}
