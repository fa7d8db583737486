// PLACEHOLDER — Philox4x32-10 + deterministic Box–Muller goes here (see docs/ARCHITECTURE.md).
export function rngPlaceholder(): i32 { return 0; }
