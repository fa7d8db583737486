/**
 * The thread pool: workers on the kernels' shared memories (Node worker_threads; module Web Workers in
 * Deno and browsers). Each worker instantiates the compiled module once per kernel ("bind") and runs
 * kernel functions for its thread id on request; threads meet at the kernel's atomic barriers. The
 * calling thread never blocks: it posts messages and awaits the answers, so a dead worker becomes a
 * rejected promise instead of a hang, and a browser's main thread stays free.
 *
 * One pool serves the whole session (`getPool`): it is created on first use, grows when a call asks for
 * more threads, is rebuilt after a worker failed, and is freed by `disposePool()`. The worker source
 * (bindings/kernel-worker.ts) is inlined as text; browsers whose CSP forbids blob: workers can point
 * `init({ workerUrl })` at dist/browser/kernel-worker.js instead.
 */
import workerSource from '../../build/kernel-worker.txt';
import type { Kernel } from './wasm.js';

type Reply = { type: 'ready' | 'done' | 'error'; result?: number; message?: string };

/** What the pool needs from a worker, whatever the runtime. */
interface WorkerLike {
  post(m: unknown): void;
  /** Stop the worker; `reportExit` says whether the runtime will report it through `onExit`. */
  terminate(): Promise<void>;
  /** Node only: let the process exit while the worker is idle. */
  setIdle(idle: boolean): void;
}

interface Pending {
  ok: (r: Reply) => void;
  fail: (e: Error) => void;
}

type Runtime = 'node' | 'deno' | 'browser';

function runtimeKind(): Runtime {
  const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
  if (g.Deno) return 'deno';
  if (g.process?.versions?.node) return 'node';
  return 'browser';
}

/** Whether this runtime can run the pool, and why not (the reason names the fix where there is one). */
export function threadSupport(): { ok: boolean; reason: string } {
  const rt = runtimeKind();
  const g = globalThis as { Worker?: unknown; crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  if (typeof WebAssembly !== 'object') return { ok: false, reason: 'this runtime has no WebAssembly' };
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return { ok: false, reason: 'this runtime cannot create shared WebAssembly memory' };
  }
  if (rt !== 'node' && typeof g.Worker !== 'function') return { ok: false, reason: 'this runtime has no Web Workers' };
  if (rt === 'browser' && g.crossOriginIsolated !== true) {
    return {
      ok: false,
      reason:
        'page is not cross-origin isolated, so shared memory cannot be posted to workers: serve it with the COOP/COEP headers ' +
        '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"',
    };
  }
  return { ok: true, reason: '' };
}

let blobUrl: string | null = null;

async function spawn(rt: Runtime, workerUrl: string | URL | null, onReply: (r: Reply) => void, onFail: (e: Error) => void): Promise<WorkerLike> {
  if (rt === 'node') {
    const { Worker } = (await import('node:worker_threads')) as unknown as {
      Worker: new (src: string | URL, o: object) => {
        postMessage(m: unknown): void;
        on(ev: string, f: (x: unknown) => void): void;
        terminate(): Promise<number>;
        ref(): void;
        unref(): void;
      };
    };
    const w = workerUrl ? new Worker(new URL(String(workerUrl)), {}) : new Worker(workerSource, { eval: true });
    // handlers attached at once: no message can be missed
    w.on('message', (m) => onReply(m as Reply));
    w.on('error', (e) => onFail(new Error(`threw: ${(e as Error).message}`)));
    w.on('exit', (code) => onFail(new Error(`exited with code ${code}`)));
    return {
      post: (m) => w.postMessage(m),
      terminate: async () => void (await w.terminate()),
      setIdle: (idle) => (idle ? w.unref() : w.ref()),
    };
  }
  let url = workerUrl ? String(workerUrl) : null;
  if (!url) url = blobUrl ??= URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  const w = new Worker(url, { type: 'module' });
  // handlers attached synchronously: a Web Worker drops messages that arrive before onmessage is set
  w.onmessage = (e: MessageEvent) => onReply(e.data as Reply);
  w.onerror = (e: ErrorEvent) => {
    e.preventDefault(); // in Deno an unhandled worker error would end the whole process
    // Deno prefixes "Uncaught " (and sometimes "Error: "); report the error itself, as Node and browsers do
    const message = (e.message || '').replace(/^Uncaught (\(in promise\) )?(Error: )?/, '');
    onFail(new Error(`threw: ${message || 'an error (the worker script may have failed to load)'}`));
  };
  w.onmessageerror = () => onFail(new Error('could not read a message'));
  return {
    post: (m) => w.postMessage(m),
    terminate: async () => w.terminate(),
    setIdle: () => {},
  };
}

/** A set of kernel workers. Use `getPool()`; the class is exported for tests. */
export class Pool {
  private workers: WorkerLike[] = [];
  private queues: Pending[][] = [];
  /** Kernels bound in every worker, by id (new workers bind them too). */
  private bound = new Map<number, { module: WebAssembly.Module; memory: WebAssembly.Memory; ready: Promise<unknown> }>();
  private busy = 0;
  private growing: Promise<void> = Promise.resolve();
  /** Set once a worker failed or the pool was disposed; every later call rejects with it. */
  broken: Error | null = null;

  constructor(
    private readonly rt: Runtime,
    private readonly workerUrl: string | URL | null,
  ) {}

  get size(): number {
    return this.workers.length;
  }

  private fail(e: Error): void {
    if (this.broken) return;
    this.broken = e;
    for (const q of this.queues) for (const p of q.splice(0)) p.fail(e);
    // the others may be waiting at a barrier for the dead one: stop them all
    for (const w of this.workers) void w.terminate().catch(() => {});
    if (current === this) current = null;
  }

  private request(t: number, msg: unknown): Promise<Reply> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<Reply>((ok, fail) => {
      if (this.busy++ === 0) for (const w of this.workers) w.setIdle(false);
      const done = () => {
        if (--this.busy === 0 && !this.broken) for (const w of this.workers) w.setIdle(true);
      };
      this.queues[t].push({
        ok: (r) => (done(), ok(r)),
        fail: (e) => (done(), fail(e)),
      });
      this.workers[t].post(msg);
    });
  }

  private bindIn(t: number, id: number, b: { module: WebAssembly.Module; memory: WebAssembly.Memory }): Promise<Reply> {
    return this.request(t, { type: 'bind', id, module: b.module, memory: b.memory });
  }

  /** Grow to at least `n` workers (each binds the kernels bound so far). */
  ensure(n: number): Promise<void> {
    this.growing = this.growing.then(async () => {
      if (this.broken) throw this.broken;
      const waits: Promise<unknown>[] = [];
      while (this.workers.length < n) {
        const t = this.workers.length;
        this.queues.push([]);
        const w = await spawn(
          this.rt,
          this.workerUrl,
          (r) => {
            if (r.type === 'error') return this.fail(new Error(`dmftlab: worker ${t} failed: ${r.message}`));
            this.queues[t].shift()?.ok(r);
          },
          (e) => this.fail(new Error(`dmftlab: worker ${t} ${e.message}${this.busy > 0 ? ' during a run' : ''}`)),
        );
        this.workers.push(w);
        if (this.busy === 0) w.setIdle(true);
        for (const [id, b] of this.bound) waits.push(this.bindIn(t, id, b));
      }
      await Promise.all(waits);
    });
    return this.growing;
  }

  /**
   * Call `fn(...args(t))` of `kernel` on threads t = 0 .. n-1 (all at once: they may meet at barriers)
   * and resolve with their return values.
   */
  async call(kernel: Kernel, n: number, fn: string, args: (t: number) => number[]): Promise<number[]> {
    if (kernel.kind !== 'wasm' || !kernel.module) throw new Error('dmftlab: the thread pool runs Wasm kernels only');
    await this.ensure(n);
    let b = this.bound.get(kernel.id);
    if (!b) {
      const entry = { module: kernel.module, memory: kernel.memory, ready: Promise.resolve() as Promise<unknown> };
      entry.ready = Promise.all(this.workers.map((_, t) => this.bindIn(t, kernel.id, entry)));
      this.bound.set(kernel.id, entry);
      b = entry;
    }
    await b.ready;
    const replies = await Promise.all(Array.from({ length: n }, (_, t) => this.request(t, { type: 'call', id: kernel.id, fn, args: args(t) })));
    return replies.map((r) => r.result ?? 0);
  }

  /** Forget `kernel` in every worker, so its memory can be freed. */
  release(kernel: Kernel): void {
    if (!this.bound.delete(kernel.id) || this.broken) return;
    for (const w of this.workers) w.post({ type: 'unbind', id: kernel.id });
  }

  /** Stop every worker; pending and later calls reject. */
  async dispose(): Promise<void> {
    const ws = this.workers;
    this.fail(new Error('dmftlab: the thread pool was disposed'));
    await Promise.all(ws.map((w) => w.terminate().catch(() => {})));
  }

  /** Tests only: make worker `t` die, by terminating it or by an uncaught error inside it. */
  async kill(t: number, how: 'terminate' | 'throw'): Promise<void> {
    if (how === 'throw') return this.workers[t].post({ type: 'crash' });
    await this.workers[t].terminate();
    // Web Workers report nothing when terminated; Node reports the exit (and fail() runs once)
    if (this.rt !== 'node') this.fail(new Error(`dmftlab: worker ${t} was terminated${this.busy > 0 ? ' during a run' : ''}`));
  }
}

let current: Pool | null = null;
let workerUrl: string | URL | null = null;

/** Where Web Workers load the kernel worker from (null: the inlined source through a blob: URL). */
export function setWorkerUrl(url: string | URL | null): void {
  if (String(url) === String(workerUrl)) return;
  workerUrl = url;
  void disposePool();
}

/** The session's pool with at least `n` workers (a new one if there was none or the last one failed). */
export async function getPool(n: number): Promise<Pool> {
  const support = threadSupport();
  if (!support.ok) throw new Error(`dmftlab: threads are not available: ${support.reason}`);
  if (!current || current.broken) current = new Pool(runtimeKind(), workerUrl);
  const pool = current;
  await pool.ensure(n);
  return pool;
}

/** The session's pool if one is running (for releasing kernels). */
export function currentPool(): Pool | null {
  return current;
}

/** Free the workers. The next threaded call starts a new pool. */
export async function disposePool(): Promise<void> {
  const p = current;
  current = null;
  await p?.dispose();
}
