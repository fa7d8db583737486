/**
 * Latency statistics of a finished tinybench task (milliseconds per sample); NaN when the task has no
 * completed result (it failed or was aborted), so a table shows the gap instead of a made-up number.
 */
import type { Task } from 'tinybench';

export function latencyOf(task: Task): { p50: number; min: number } {
  const r = task.result;
  if (!r || !('latency' in r)) return { p50: NaN, min: NaN };
  return { p50: r.latency.p50 ?? NaN, min: r.latency.min };
}
