/** Context slots of assembly/sim.ts (one f64 each). Keep in sync with the constants there. */
export const Slot = {
  N: 0,
  LD: 1,
  R: 2,
  PHI: 3,
  F32: 4,
  METHOD: 5,
  DT: 6,
  DENSE: 7,
  J: 8,
  X: 9,
  XS: 10,
  ACC: 11,
  T0: 12,
  T1: 13,
  Y: 14,
  M: 15,
  NV: 16,
  I: 17,
  KPART: 18,
  NBLK: 19,
  BURN: 20,
  STRIDE: 21,
  NSAMP: 22,
  NLAG: 23,
  LAGS: 24,
  H: 25,
  HIST: 26,
  XSUM: 27,
  OPART: 28,
  SMEAN: 29,
  SM2: 30,
  SAC: 31,
  SKAP: 32,
  NTR: 33,
  TRIDX: 34,
  TRACE: 35,
  BAR: 36,
  SCR: 37,
  GSCALE: 38,
  XSQ: 39,
  COV: 40,
  COVSUM: 41,
  COVSPB: 42,
  COVNB: 43,
  COVVAR: 44,
  COVS0: 45,
  TPACK: 46,
  KP: 47,
} as const;
export const CONTEXT_SLOTS = 48;

/** Units per reduction block (assembly/sim.ts BLOCK): sums over units are combined in this order. */
export const REDUCE_BLOCK = 256;

/** Padded vector length / matrix row stride: a multiple of 8 so SIMD loops need no tail. */
export function padded(N: number): number {
  return Math.ceil(N / 8) * 8;
}
