/**
 * JS owns the layout of the shared Wasm memory (docs/ARCHITECTURE.md): a bump allocator that hands
 * out 64-byte-aligned blocks from byte 65536 up. Kernels never allocate.
 */
export const ARENA_BASE = 65536;
const ALIGN = 64;

export class Arena {
  private top = ARENA_BASE;
  constructor(readonly memory: WebAssembly.Memory) {}

  /** Reserve `bytes` bytes (64-byte aligned); grows the memory if needed (never during a run). */
  alloc(bytes: number): number {
    const ptr = this.top;
    this.top = Math.ceil((ptr + Math.max(bytes, 1)) / ALIGN) * ALIGN;
    this.ensure(this.top);
    return ptr;
  }

  f64(n: number): { ptr: number; view: () => Float64Array } {
    const ptr = this.alloc(8 * n);
    return { ptr, view: () => new Float64Array(this.memory.buffer, ptr, n) };
  }

  f32(n: number): { ptr: number; view: () => Float32Array } {
    const ptr = this.alloc(4 * n);
    return { ptr, view: () => new Float32Array(this.memory.buffer, ptr, n) };
  }

  i32(n: number): { ptr: number; view: () => Int32Array } {
    const ptr = this.alloc(4 * n);
    return { ptr, view: () => new Int32Array(this.memory.buffer, ptr, n) };
  }

  /** Release everything above `mark` (from `mark()`), for scoped scratch use. */
  mark(): number {
    return this.top;
  }
  release(mark: number): void {
    this.top = mark;
  }

  get used(): number {
    return this.top;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / 65536);
    try {
      this.memory.grow(pages);
    } catch (e) {
      throw new Error(
        `dmftlab: out of Wasm memory: need ${(end / 2 ** 20).toFixed(0)} MiB, the limit is 4096 MiB (reduce N)`,
      );
    }
  }
}
