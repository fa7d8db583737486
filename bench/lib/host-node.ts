/**
 * Node/Deno helpers of the workload benches beyond ./record.ts: CPU clocks of other processes and threads
 * (the browser bench's driver reads the Chromium renderer's), a CPU clock fine enough for single solves, and
 * records written to a folder of choice (BENCH_RESULTS_DIR; scripts/bench-runtimes.mjs collects its rounds
 * there).
 */
import { readFileSync } from 'node:fs';
import { cpuInfo, loadavg, writeRecord } from './record.js';
import type { HostInfo } from './records.js';

/** utime + stime of all threads of process `pid`, seconds (clock ticks of 100 Hz). */
export function processCpuSecondsOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/**
 * Time on a CPU of a thread, ms, from its schedstat (ns); `path` is /proc/<pid> for a process's main thread.
 * Exact for a thread that is waiting; for a running one it lags by up to a scheduler tick.
 */
export function schedstatMs(path: string): number {
  return Number(readFileSync(`${path}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}

/**
 * CPU time of this process in ms (user + system, process.cpuUsage: getrusage, exact to the microsecond;
 * counts V8's helper threads too). The schedstat of the calling thread would leave those out, but it lags by
 * up to a scheduler tick while the thread runs, too coarse for solves of a few ms.
 */
export const processCpuClock = {
  name: 'user + system time of the process (process.cpuUsage)',
  ms: (): number => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  },
};

/** The machine, with the load average before the run (given) and now. */
export const hostInfo = (loadavgBefore: number[]): HostInfo => ({ ...cpuInfo(), loadavgBefore, loadavgAfter: loadavg() });

/** `writeRecord` (./record.ts) with the arguments in the order the portable cores' callers use. */
export function saveRecord(date: string, workload: string, runtime: string, partial: boolean, record: unknown): string {
  return writeRecord(workload, runtime, date, partial, record);
}
