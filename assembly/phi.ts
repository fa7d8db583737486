// PLACEHOLDER (scalar) — to be replaced by the SIMD implementation with the same exported signatures.
// phi codes: 0 tanh, 1 erf(sqrt(pi) x / 2), 2 linear. See docs/ARCHITECTURE.md.

export const PHI_TANH: i32 = 0;
export const PHI_ERF: i32 = 1;
export const PHI_LINEAR: i32 = 2;

// @ts-ignore: decorator
@inline
export function phiScalarF64(kind: i32, x: f64): f64 {
  if (kind == PHI_TANH) return Math.tanh(x);
  if (kind == PHI_LINEAR) return x;
  return 0.0; // erf: placeholder
}

/** dst[k] = phi(src[k]) for k in [0, n); f64 -> f64. Pointers already offset by the caller. */
export function phiVecF64(kind: i32, src: usize, dst: usize, n: i32): void {
  for (let k = 0; k < n; k++) {
    store<f64>(dst + (<usize>k << 3), phiScalarF64(kind, load<f64>(src + (<usize>k << 3))));
  }
}

/** dst[k] = f32(phi(src[k])) for k in [0, n); f64 in, f32 out (f32 accuracy is enough). */
export function phiVecF64toF32(kind: i32, src: usize, dst: usize, n: i32): void {
  for (let k = 0; k < n; k++) {
    store<f32>(dst + (<usize>k << 2), <f32>phiScalarF64(kind, load<f64>(src + (<usize>k << 3))));
  }
}
