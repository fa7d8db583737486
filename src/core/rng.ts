/**
 * Counter-based RNG: Philox4x32-10 (Salmon, Moraes, Dror & Shaw, SC'11, "Parallel random numbers:
 * as easy as 1, 2, 3") and a deterministic Box–Muller transform. This is the TypeScript reference of
 * `assembly/rng.ts`; both give bitwise-identical doubles (docs/ARCHITECTURE.md, Determinism).
 *
 *   key     = (seed mod 2^32, floor(seed / 2^32))            integer seed, 0 <= seed < 2^53
 *   counter = (block mod 2^32, floor(block / 2^32), stream, 0)
 *   block -> words x0..x3 -> u1 = ((x0 >>> 5) 2^26 + (x1 >>> 6) + 0.5) 2^-53,
 *                            u2 = ((x2 >>> 5) 2^26 + (x3 >>> 6) + 0.5) 2^-53
 *   r = sqrt(-2 log u1),  z0 = r cos(2 pi u2),  z1 = r sin(2 pi u2)
 *   Gaussian number k of (seed, stream) = z_{k & 1} of block k >> 1.
 *
 * The uniform formula is evaluated in double precision left to right. It is exact below 1/2; in
 * [1/2, 1) the "+ 0.5" rounds to an even neighbour, and for the single 53-bit pattern 2^53 - 1
 * (probability 2^-53) u rounds to exactly 1 (which is harmless: log 1 = 0, and the angle 2 pi is 0).
 * u is never 0 (its smallest value is 2^-54).
 *
 * No BigInt anywhere: the 32x32 -> 64 bit products use Math.imul (low word) and a 16-bit split
 * (high word), all exact in doubles.
 */
import { detLog, detSinCos2Pi } from './detmath.js';

export const PHILOX_M0 = 0xd2511f53;
export const PHILOX_M1 = 0xcd9e8d57;
export const PHILOX_W0 = 0x9e3779b9;
export const PHILOX_W1 = 0xbb67ae85;
export const PHILOX_ROUNDS = 10;

const TWO32 = 4294967296;
const TWO26 = 67108864;
const TWO_M53 = 1.1102230246251565e-16; // 2^-53

/** High 32 bits of the 64-bit product of two uint32 values (exact; b split into 16-bit halves). */
export function mulhi32(a: number, b: number): number {
  const p1 = a * (b & 0xffff); // < 2^48, exact
  const p2 = a * (b >>> 16); // < 2^48, exact
  return Math.floor((p2 + Math.floor(p1 / 65536)) / 65536);
}

// Output of the last philoxBlock call (uint32 values held as numbers).
let x0 = 0;
let x1 = 0;
let x2 = 0;
let x3 = 0;

function philoxBlock(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, rounds: number): void {
  for (let r = 0; r < rounds; r++) {
    const hi0 = mulhi32(PHILOX_M0, c0);
    const lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, c2);
    const lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + PHILOX_W0) >>> 0;
    k1 = (k1 + PHILOX_W1) >>> 0;
  }
  x0 = c0;
  x1 = c1;
  x2 = c2;
  x3 = c3;
}

/**
 * Philox4x32 with `rounds` rounds (10 = Philox4x32-10) of counter (c0..c3) under key (k0, k1); all
 * arguments are uint32 values. Returns the four output words.
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array = new Uint32Array(4),
  rounds = PHILOX_ROUNDS,
): Uint32Array {
  philoxBlock(c0 >>> 0, c1 >>> 0, c2 >>> 0, c3 >>> 0, k0 >>> 0, k1 >>> 0, rounds);
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
  return out;
}

/** The Philox key words of an integer seed 0 <= seed < 2^53 (throws a RangeError otherwise). */
export function seedKey(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`dmftlab: seed must be an integer in [0, 2^53), got ${seed}`);
  }
  return [seed % TWO32, Math.floor(seed / TWO32)];
}

function checkStream(stream: number): void {
  if (!Number.isInteger(stream) || stream < 0 || stream >= TWO32) {
    throw new RangeError(`dmftlab: stream must be an integer in [0, 2^32), got ${stream}`);
  }
}

function checkIndex(index: number, what: string): void {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`dmftlab: ${what} must be an integer in [0, 2^53), got ${index}`);
  }
}

// Uniforms / Gaussians of the last block (module scratch, no allocation in the hot path).
let bu1 = 0;
let bu2 = 0;
const sc = new Float64Array(2);

function blockUniforms(k0: number, k1: number, stream: number, block: number): void {
  philoxBlock(block % TWO32, Math.floor(block / TWO32), stream, 0, k0, k1, PHILOX_ROUNDS);
  bu1 = ((x0 >>> 5) * TWO26 + (x1 >>> 6) + 0.5) * TWO_M53;
  bu2 = ((x2 >>> 5) * TWO26 + (x3 >>> 6) + 0.5) * TWO_M53;
}

let gz0 = 0;
let gz1 = 0;
function blockGauss(k0: number, k1: number, stream: number, block: number): void {
  blockUniforms(k0, k1, stream, block);
  const r = Math.sqrt(-2 * detLog(bu1));
  detSinCos2Pi(bu2, sc, 0);
  gz0 = r * sc[1];
  gz1 = r * sc[0];
}

/** The two uniforms in (0, 1] (see the header) of Philox block `block` of (seed, stream). */
export function uniformPair(seed: number, stream: number, block: number, out: Float64Array = new Float64Array(2)): Float64Array {
  const [k0, k1] = seedKey(seed);
  checkStream(stream);
  checkIndex(block, 'block');
  blockUniforms(k0, k1, stream, block);
  out[0] = bu1;
  out[1] = bu2;
  return out;
}

/** Standard Gaussian number `index` (0 <= index < 2^53) of (seed, stream). */
export function gaussian(seed: number, stream: number, index: number): number {
  const [k0, k1] = seedKey(seed);
  checkStream(stream);
  checkIndex(index, 'index');
  blockGauss(k0, k1, stream, Math.floor(index / 2));
  return index % 2 === 0 ? gz0 : gz1;
}

/**
 * dst[k] = scale * gaussian(seed, stream, start + k) for k in [0, dst.length); into a Float32Array
 * the double is rounded once. Same bits as the kernels `gaussFillF64` / `gaussFillF32`.
 */
export function gaussFill<T extends Float64Array | Float32Array>(dst: T, seed: number, stream: number, start = 0, scale = 1): T {
  const [k0, k1] = seedKey(seed);
  checkStream(stream);
  checkIndex(start, 'start');
  const n = dst.length;
  checkIndex(start + n, 'start + length');
  let k = 0;
  if (n > 0 && start % 2 === 1) {
    blockGauss(k0, k1, stream, (start - 1) / 2);
    dst[k++] = scale * gz1;
  }
  // now start + k is even
  for (let b = (start + k) / 2; k + 1 < n; b++) {
    blockGauss(k0, k1, stream, b);
    dst[k++] = scale * gz0;
    dst[k++] = scale * gz1;
  }
  if (k < n) {
    blockGauss(k0, k1, stream, (start + k) / 2);
    dst[k] = scale * gz0;
  }
  return dst;
}

/**
 * A small seeded generator for JS-side draws (permutations, random initial states of a few
 * variables, ...). It walks the Philox blocks of one (seed, stream), starting at `block`. Every
 * uniform() pair and every normal() pair comes from a fresh block, so mixing the two never reuses
 * a block. `state` (the next block) can be saved and passed back to continue the sequence.
 */
export class Rng {
  readonly k0: number;
  readonly k1: number;
  private block: number;
  private spareU = -1;
  private spareZ = 0;
  private hasZ = false;

  constructor(
    readonly seed: number,
    readonly stream: number,
    block = 0,
  ) {
    [this.k0, this.k1] = seedKey(seed);
    checkStream(stream);
    checkIndex(block, 'block');
    this.block = block;
  }

  /** The next block to be consumed. */
  get state(): number {
    return this.block;
  }

  /** Uniform in (0, 1] (exactly 1 with probability 2^-53; see the header). */
  uniform(): number {
    if (this.spareU >= 0) {
      const u = this.spareU;
      this.spareU = -1;
      return u;
    }
    blockUniforms(this.k0, this.k1, this.stream, this.block++);
    this.spareU = bu2;
    return bu1;
  }

  /** Standard Gaussian. */
  normal(): number {
    if (this.hasZ) {
      this.hasZ = false;
      return this.spareZ;
    }
    blockGauss(this.k0, this.k1, this.stream, this.block++);
    this.spareZ = gz1;
    this.hasZ = true;
    return gz0;
  }

  /** Integer in [0, n), n <= 2^32: floor(u n) (non-uniformity of order n 2^-53). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO32) throw new RangeError(`dmftlab: Rng.int needs an integer n in [1, 2^32], got ${n}`);
    const i = Math.floor(this.uniform() * n);
    return i < n ? i : n - 1; // u = 1 (probability 2^-53)
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
