/**
 * The kernel worker of the thread pool (src/core/pool.ts), one file for every runtime: a Node
 * worker_threads worker (started from source text with `eval: true`, where `require` exists) or a Web
 * Worker in Deno and browsers (started from a blob: URL, or from dist/browser/kernel-worker.js when a
 * page's CSP forbids blob: workers). scripts/build.mjs bundles it to build/kernel-worker.txt (an IIFE
 * with no imports), which the library inlines.
 *
 * It instantiates the kernel module once per kernel (one shared memory each) and calls kernel functions
 * for its thread id on request. It never allocates in the shared memory.
 *
 * Messages in:
 *   { type: 'bind', id, module, memory }      instantiate `module` on `memory` as kernel `id`
 *   { type: 'unbind', id }                    drop kernel `id` (its memory can then be freed)
 *   { type: 'call', id, fn, args }            exports[fn](...args) on kernel `id`
 *   { type: 'crash', how }                    tests only: 'throw' throws outside any handler
 * Messages out:
 *   { type: 'ready' } after bind | { type: 'done', result } after call | { type: 'error', message }
 */

type Msg = { type: string; id?: number; fn?: string; args?: number[]; module?: WebAssembly.Module; memory?: WebAssembly.Memory; how?: string };
type Port = { postMessage(m: unknown): void; on(ev: 'message', f: (m: Msg) => void): void };

// Node (eval: true) runs this as CommonJS, where `require` exists; Web Workers have none. The bundle is
// CommonJS with node:* external, so this stays a plain `require` call, reached only under Node.
const nodePort: Port | null = typeof require === 'function' ? (require('node:worker_threads') as { parentPort: Port }).parentPort : null;
const post = (m: unknown) => (nodePort ? nodePort.postMessage(m) : (globalThis as unknown as { postMessage(m: unknown): void }).postMessage(m));

const kernels = new Map<number, Record<string, (...a: number[]) => number>>();

function handle(msg: Msg): void {
  try {
    if (msg.type === 'bind') {
      const instance = new WebAssembly.Instance(msg.module!, {
        env: {
          memory: msg.memory!,
          abort: (_m: number, _f: number, line: number, col: number) => {
            throw new Error(`kernel assertion failed at ${line}:${col}`);
          },
          phiCustom: () => {
            throw new Error('a phi registered in JS cannot run in a worker thread');
          },
        },
      });
      kernels.set(msg.id!, instance.exports as never);
      post({ type: 'ready' });
    } else if (msg.type === 'unbind') {
      kernels.delete(msg.id!);
    } else if (msg.type === 'call') {
      const k = kernels.get(msg.id!);
      if (!k) throw new Error(`kernel ${msg.id} is not bound in this worker`);
      const f = k[msg.fn!];
      if (typeof f !== 'function') throw new Error(`the kernel has no function ${msg.fn}`);
      post({ type: 'done', result: f(...msg.args!) });
    } else if (msg.type === 'crash') {
      setTimeout(() => {
        throw new Error('worker crash requested by a test');
      }, 0);
    }
  } catch (e) {
    post({ type: 'error', message: (e as Error).message });
  }
}

if (nodePort) nodePort.on('message', handle);
else (globalThis as unknown as { onmessage: (e: { data: Msg }) => void }).onmessage = (e) => handle(e.data);
