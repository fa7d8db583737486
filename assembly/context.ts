// Context blocks: the kernels (sim.ts, mrsim.ts, mrdmft.ts) read their parameters and buffer addresses
// from blocks of f64 slots that JS fills (src/sim/layout.ts, src/sim/mr-layout.ts, the DMFT's setup).

/** Slot `slot` of the context at `ctx` as f64. */
// @ts-ignore: decorator
@inline
export function cf(ctx: usize, slot: i32): f64 {
  return load<f64>(ctx + (<usize>slot << 3));
}

/** Slot `slot` as an integer (counts, codes). */
// @ts-ignore: decorator
@inline
export function ci(ctx: usize, slot: i32): i32 {
  return <i32>load<f64>(ctx + (<usize>slot << 3));
}

/** Slot `slot` as a byte address. */
// @ts-ignore: decorator
@inline
export function cp(ctx: usize, slot: i32): usize {
  return <usize>load<f64>(ctx + (<usize>slot << 3));
}
