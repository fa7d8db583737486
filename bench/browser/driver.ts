/**
 * The Node side of the browser bench (scripts/bench-browser.mjs bundles this file and calls `main`): serves
 * the bundled page (./page.ts) from 127.0.0.1 with COOP/COEP, so the page is cross-origin isolated and the
 * thread pool can share memory with its workers; runs Debian's Chromium headless through playwright-core (no
 * browser download); asks the page to run the W1 and W3 cores, each in a fresh page; and writes the records
 * bench/results/<date>T<hhmm>-w1-chromium.json and -w3-chromium.json, the same shape as Node's, with the
 * same tables.
 *
 * CPU time: the page cannot read /proc, so the driver finds the page's renderer process (the one whose main
 * thread burns a known amount of CPU on request) and reads, on the page's request, the schedstat of its main
 * thread (W3: the solver runs there; exact when read while the thread waits for the answer) or utime + stime
 * of the whole process (W1: every thread, the pool's Web Workers included).
 *
 * Environment: W1_NS, W3_NTS (as in bench/w1.ts and bench/w3.ts), BENCH_WORKLOADS=w1,w3 (which to run),
 * BENCH_RESULTS_DIR (where the records go), DMFTLAB_CHROMIUM (the browser, default /usr/bin/chromium).
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parseNs, w1Record, w1Report, type W1Core } from '../lib/w1-core.js';
import { parseNts, w3Record, w3Report, type W3Timing } from '../lib/w3-core.js';
import { loadavg, provenance } from '../lib/record.js';
import { hostInfo, processCpuSecondsOf, saveRecord, schedstatMs } from '../lib/host-node.js';
import type { RuntimeInfo } from '../lib/records.js';
import type { BenchPage, CpuKind } from './page.js';

const CHROMIUM = process.env.DMFTLAB_CHROMIUM || '/usr/bin/chromium';
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // a benchmark page must not be throttled as a background tab
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json' };
const SKIPPED = 'not run in the browser: the numpy peers run from the Node bench (npm run bench:w1 / bench:w3)';

/** The files of `dir`, served from memory on 127.0.0.1 with the headers that make the page cross-origin isolated. */
function serve(dir: string): Promise<{ server: Server; origin: string }> {
  const files = new Map(readdirSync(dir).map((f) => [`/${f}`, readFileSync(join(dir, f))]));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = files.get(path);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.writeHead(body ? 200 : 404, { 'Content-Type': body ? (TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream') : 'text/plain' });
    res.end(body ?? 'not found');
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

/** Chromium renderer processes started (through the browser and its zygote) by this Node process. */
function renderers(): number[] {
  const parent = new Map<number, number>();
  const isRenderer = new Set<number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      parent.set(Number(d), Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]));
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('--type=renderer')) isRenderer.add(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid), n = 0; p !== undefined && p > 1 && n < 64; p = parent.get(p), n++) if (p === process.pid) return true;
    return false;
  };
  return [...isRenderer].filter(ours);
}

/** The renderer of `page`: the one whose main thread gains about 300 ms of CPU while the page spins. */
async function rendererOf(page: Page): Promise<number | null> {
  const pids = renderers();
  const ms = (pid: number) => {
    try {
      return schedstatMs(`/proc/${pid}`);
    } catch {
      return NaN; // it ended
    }
  };
  const read = () => new Map(pids.map((p) => [p, ms(p)]));
  const before = read();
  await page.evaluate(() => {
    const t = performance.now();
    while (performance.now() - t < 300);
  });
  const after = read();
  let best: number | null = null;
  let gain = 100; // ms: at least a third of the spin, or no answer
  for (const p of pids) {
    const d = after.get(p)! - before.get(p)!;
    if (d > gain) [best, gain] = [p, d];
  }
  return best;
}

/** A fresh page on the isolated origin, with its renderer found and the CPU clocks exposed to it. */
async function openPage(browser: Browser, origin: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => console.error(`# chromium: ${m.text()}`));
  page.on('pageerror', (e) => console.error(`# chromium page error: ${e.message}`));
  let pid: number | null = null;
  await page.exposeFunction('__benchCpu', (kind: CpuKind) => (pid === null ? NaN : kind === 'thread' ? schedstatMs(`/proc/${pid}`) : processCpuSecondsOf(pid)));
  await page.goto(`${origin}/index.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => '__bench' in globalThis);
  const info = await page.evaluate(() => (globalThis as unknown as { __bench: BenchPage }).__bench.info());
  if (!info.crossOriginIsolated) throw new Error('the bench page is not cross-origin isolated: threads cannot run (COOP/COEP headers?)');
  pid = await rendererOf(page);
  if (pid === null) console.error('# chromium: could not find the page\'s renderer process in /proc: no CPU times in this run');
  return { context, page, cpu: pid !== null, info };
}

/** Run the benchmarks in Chromium; `pageDir` holds the bundled page (index.html, page.js). Returns the exit code. */
export async function main(pageDir: string): Promise<number> {
  const workloads = (process.env.BENCH_WORKLOADS ?? 'w1,w3').split(',').map((s) => s.trim().toLowerCase());
  const Ns = parseNs(process.env.W1_NS);
  const Nts = parseNts(process.env.W3_NTS);
  const unknown = workloads.filter((w) => w !== 'w1' && w !== 'w3');
  if (unknown.length) {
    console.error(`BENCH_WORKLOADS: unknown workload(s) ${unknown.join(', ')} (w1, w3)`);
    return 2;
  }
  if (!existsSync(CHROMIUM)) {
    console.log(`chromium bench skipped: ${CHROMIUM} is missing (Debian: apt-get install -y chromium; or set DMFTLAB_CHROMIUM)`);
    return 0;
  }
  const { chromium } = await import('playwright-core');
  const { server, origin } = await serve(pageDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  try {
    const cdp = await browser.newBrowserCDPSession();
    const version = (await cdp.send('Browser.getVersion')) as { product: string; jsVersion: string };
    const runtime: RuntimeInfo = { name: 'chromium', version: browser.version(), v8: version.jsVersion, platform: `${process.platform} ${process.arch}` };
    const command = 'npm run bench:browser';
    for (const w of workloads) {
      const load0 = loadavg();
      const date = new Date().toISOString();
      const { context, page, cpu } = await openPage(browser, origin);
      try {
        if (w === 'w1') {
          const core = await page.evaluate((a) => (globalThis as unknown as { __bench: BenchPage }).__bench.w1(a.Ns, a.cpu), { Ns, cpu });
          const ctx = { date, command, runtime, host: hostInfo(load0), numpy: {}, numpySkipped: SKIPPED };
          const file = saveRecord(date, 'w1', 'chromium', process.env.W1_NS !== undefined, w1Record(core as W1Core, ctx));
          console.log(w1Report(core as W1Core, ctx, file) + '\n');
        } else {
          const timings = await page.evaluate((a) => (globalThis as unknown as { __bench: BenchPage }).__bench.w3(a.Nts, a.cpu), { Nts, cpu });
          const cpuClock = cpu ? "on-CPU time of the renderer's main thread (/proc/<pid>/schedstat, read by the driver)" : null;
          const ctx = { date, command, runtime, version: provenance(), host: hostInfo(load0), cpuClock, peers: null, peersSkipped: SKIPPED };
          const file = saveRecord(date, 'w3', 'chromium', process.env.W3_NTS !== undefined, w3Record(timings as W3Timing[], ctx));
          console.log(w3Report(timings as W3Timing[], ctx, file) + '\n');
        }
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  return 0;
}
