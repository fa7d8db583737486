/**
 * Kernel worker for Node's worker_threads: instantiates the kernel module on the shared memory it is
 * given and runs `simSteps` for its thread id on request. Bundled (CommonJS, no imports left) into
 * build/node-worker.txt by scripts/build.mjs and started with `eval: true`, so no file is needed.
 *
 * Messages in:  { type: 'init', module, memory } | { type: 'run', ctx, tid, n, k0, k1 }
 * Messages out: { type: 'ready' } | { type: 'done', aborted } | { type: 'error', message }
 */
import { parentPort } from 'node:worker_threads';

let exports: Record<string, (...a: number[]) => number> | null = null;

parentPort!.on('message', (msg: { type: string; [k: string]: unknown }) => {
  try {
    if (msg.type === 'init') {
      const instance = new WebAssembly.Instance(msg.module as WebAssembly.Module, {
        env: {
          memory: msg.memory as WebAssembly.Memory,
          abort: () => {
            throw new Error('kernel assertion failed');
          },
          phiCustom: () => {
            throw new Error('a phi registered in JS cannot run in a worker thread');
          },
        },
      });
      exports = instance.exports as never;
      parentPort!.postMessage({ type: 'ready' });
    } else if (msg.type === 'run') {
      if (!exports) throw new Error('worker not initialised');
      const aborted = exports.simSteps(msg.ctx as number, msg.tid as number, msg.n as number, msg.k0 as number, msg.k1 as number);
      parentPort!.postMessage({ type: 'done', aborted });
    }
  } catch (e) {
    parentPort!.postMessage({ type: 'error', message: (e as Error).message });
  }
});
