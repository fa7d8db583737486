/**
 * Thread pool on the kernel's shared memory: every thread is a worker running `simSteps` for its rows;
 * they meet at the kernel's atomic barrier. The calling thread never blocks: it awaits the workers'
 * messages, so a dead worker turns into a rejected promise instead of a hang.
 *
 * Node only for now (worker_threads, with the worker inlined as text); other runtimes get a clear error
 * and run on one thread.
 */
import nodeWorkerSource from '../../build/node-worker.txt';
import type { Kernel } from './wasm.js';

export interface Pool {
  readonly size: number;
  /** Run steps [k0, k1) of the context at `ctx` on all threads. */
  run(ctx: number, k0: number, k1: number): Promise<void>;
  terminate(): Promise<void>;
}

interface NodeWorker {
  postMessage(m: unknown): void;
  on(ev: string, f: (x: unknown) => void): void;
  terminate(): Promise<number>;
}

/** Whether this runtime can run the pool, and why not. */
export function threadSupport(): { ok: boolean; reason: string } {
  const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
  if (g.Deno || !g.process?.versions?.node) return { ok: false, reason: 'threads are implemented for Node only so far' };
  return { ok: true, reason: '' };
}

export async function createPool(kernel: Kernel, size: number): Promise<Pool> {
  const support = threadSupport();
  if (!support.ok) throw new Error(`dmftlab: ${support.reason}`);
  const { Worker } = (await import('node:worker_threads')) as unknown as { Worker: new (src: string, o: object) => NodeWorker };
  const workers: NodeWorker[] = [];
  // one pending resolver per worker; a failure anywhere fails the pool
  const waiting: ({ ok: () => void; fail: (e: Error) => void } | null)[] = [];
  let broken: Error | null = null;
  const failAll = (e: Error) => {
    broken ??= e;
    for (let i = 0; i < waiting.length; i++) {
      waiting[i]?.fail(broken);
      waiting[i] = null;
    }
  };
  for (let t = 0; t < size; t++) {
    const w = new Worker(nodeWorkerSource, { eval: true });
    waiting.push(null);
    // handlers attached at once: no message can be missed
    w.on('message', (m) => {
      const msg = m as { type: string; message?: string };
      if (msg.type === 'error') return failAll(new Error(`dmftlab: worker ${t} failed: ${msg.message}`));
      const p = waiting[t];
      waiting[t] = null;
      p?.ok();
    });
    w.on('error', (e) => failAll(new Error(`dmftlab: worker ${t} failed: ${(e as Error).message}`)));
    w.on('exit', (code) => failAll(new Error(`dmftlab: worker ${t} exited (code ${code}) during a run`)));
    workers.push(w);
  }
  const all = (post: (w: NodeWorker, t: number) => void) =>
    Promise.all(
      workers.map(
        (w, t) =>
          new Promise<void>((ok, fail) => {
            if (broken) return fail(broken);
            waiting[t] = { ok, fail };
            post(w, t);
          }),
      ),
    );
  try {
    await all((w) => w.postMessage({ type: 'init', module: kernel.module, memory: kernel.memory }));
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  return {
    size,
    run: (ctx, k0, k1) => all((w, t) => w.postMessage({ type: 'run', ctx, tid: t, n: size, k0, k1 })).then(() => undefined),
    async terminate() {
      broken ??= new Error('dmftlab: the pool was terminated');
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
