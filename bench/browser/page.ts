/**
 * The browser bench page's entry (bundled by scripts/bench-browser.mjs): the portable W1 and W3 cores of
 * bench/lib, run in the page on the driver's request. The driver (./driver.ts) calls window.__bench.w1(Ns)
 * and window.__bench.w3(Nts) and builds the records from what they return; the CPU clocks come from the
 * driver too (window.__benchCpu, exposed by Playwright: the page cannot read /proc).
 */
import { runW1Core, type W1Core } from '../lib/w1-core.js';
import { runW3Core, type W3Timing } from '../lib/w3-core.js';

/** What the driver reads from /proc for the page's renderer: 'thread' = its main thread (ms), 'process' = every thread (s). */
export type CpuKind = 'thread' | 'process';

export interface BenchPage {
  info(): { crossOriginIsolated: boolean; hardwareConcurrency: number; userAgent: string };
  w1(Ns: number[], cpu: boolean): Promise<W1Core>;
  w3(Nts: number[], cpu: boolean): Promise<W3Timing[]>;
}

const w = globalThis as unknown as { __bench: BenchPage; __benchCpu: (kind: CpuKind) => Promise<number> };
const log = (line: string) => console.log(line);

w.__bench = {
  info: () => ({ crossOriginIsolated: globalThis.crossOriginIsolated === true, hardwareConcurrency: navigator.hardwareConcurrency, userAgent: navigator.userAgent }),
  w1: (Ns, cpu) => runW1Core(Ns, { log, ...(cpu ? { processCpuSeconds: () => w.__benchCpu('process') } : {}) }),
  w3: (Nts, cpu) => runW3Core(Nts, { log, ...(cpu ? { cpuMs: () => w.__benchCpu('thread') } : {}) }),
};
