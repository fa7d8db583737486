/**
 * Types every workload record in bench/results/ shares, whatever runtime ran it. No node:* imports: the
 * portable cores (./w1-core.ts, ./w3-core.ts) build the records from these, in Node, Deno and for the
 * browser bench's driver alike.
 */
import type { RuntimeInfo as NodeRuntimeInfo } from './record.js';

/** The runtime that ran the dmftlab part: 'node', 'deno' (./record.ts runtimeInfo) or 'chromium', with its own version. */
export type RuntimeInfo = Omit<NodeRuntimeInfo, 'name'> & { name: 'node' | 'deno' | 'chromium' };

/** The host around a run, measured by the Node-side driver (a page cannot see it). */
export interface HostInfo {
  model: string;
  cores: number;
  loadavgBefore: number[];
  loadavgAfter: number[];
}
