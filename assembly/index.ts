// Entry point of the dmftlab kernel module. Every exported function is a flat kernel over
// caller-owned memory (see docs/ARCHITECTURE.md).
export * from "./phi";
export * from "./rng";
export * from "./linalg";
export * from "./sim";
export * from "./gauss";
export * from "./mrdmft";
export * from "./mrsim";
