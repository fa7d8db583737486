/**
 * Provenance hash of a validated spec (docs/SPEC.md, "Hash"): 64-bit FNV-1a over the UTF-8 bytes of
 * the canonical JSON text. Pass the output of `parseSpec`, so that defaults are part of what is hashed.
 */
import type { Spec } from './types.js';

/**
 * JSON text with object keys sorted (by UTF-16 code units, recursively), no whitespace, and
 * properties whose value is `undefined` left out. Numbers are written as `JSON.stringify` writes them
 * (shortest round-trip form, -0 as 0). Arrays keep their order.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    if (s === undefined) throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
    return s;
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  }
  const rec = value as Record<string, unknown>;
  const keys = Object.keys(rec)
    .filter((k) => rec[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(rec[k])}`).join(',')}}`;
}

const FNV_OFFSET_HI = 0xcbf29ce4;
const FNV_OFFSET_LO = 0x84222325;
// FNV prime 2^40 + 2^8 + 0xb3: multiply by 0x1b3 in the low part and add (x << 40) in the high part.

/** 64-bit FNV-1a of a byte sequence, as 16 lower-case hex digits. */
export function fnv1a64(bytes: Uint8Array): string {
  let hi = FNV_OFFSET_HI;
  let lo = FNV_OFFSET_LO;
  for (let k = 0; k < bytes.length; k++) {
    lo ^= bytes[k];
    // (hi, lo) * (2^40 + 0x1b3) mod 2^64, in 32-bit halves split into 16-bit limbs for exactness.
    const lo16 = lo & 0xffff;
    const loHi16 = lo >>> 16;
    const a = lo16 * 0x1b3; // < 2^25
    const b = loHi16 * 0x1b3 + (a >>> 16); // < 2^26
    const newLo = ((b & 0xffff) << 16) | (a & 0xffff);
    // high word: hi * 0x1b3 + carry of the low product + (lo << 8) (the 2^40 term shifted by 32)
    const newHi = (Math.imul(hi, 0x1b3) + (b >>> 16) + (lo << 8)) >>> 0;
    hi = newHi;
    lo = newLo >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** Stable hash of a validated spec: FNV-1a 64 of its canonical JSON, 16 hex digits. */
export function specHash(spec: Spec): string {
  return fnv1a64(new TextEncoder().encode(canonicalJson(spec)));
}
