// Block covariance sums for the dimension of activity (spec 03 §4), shared by assembly/sim.ts (one
// population) and assembly/mrsim.ts (all regions): the kernels pick the block and the vector a, this adds
// one sample to the sums.

/**
 * Rows [i0, i1) of one block's sums: S[i][j] += a_i a_j for j <= i (row i at `sb` + i ld f64; the upper
 * triangle is never touched) and ms[i] += a_i. `a` holds at least i1 values, f64, or f32 when aF32 != 0.
 * Each row depends only on a and on its own previous value, so the sums are the same bits for any split
 * of the rows between threads; the f64x2 loop adds and multiplies lane by lane as the scalar loop does.
 */
export function covarianceRows(sb: usize, ld: i32, ms: usize, a: usize, aF32: i32, i0: i32, i1: i32): void {
  for (let i = i0; i < i1; i++) {
    const ai: f64 = aF32 ? <f64>load<f32>(a + (<usize>i << 2)) : load<f64>(a + (<usize>i << 3));
    const row = sb + (<usize>i * <usize>ld << 3);
    const mp = ms + (<usize>i << 3);
    store<f64>(mp, load<f64>(mp) + ai);
    const n = i + 1;
    let j = 0;
    if (aF32) {
      for (; j < n; j++) {
        const p = row + (<usize>j << 3);
        store<f64>(p, load<f64>(p) + ai * <f64>load<f32>(a + (<usize>j << 2)));
      }
    } else {
      const av = f64x2.splat(ai);
      for (; j + 2 <= n; j += 2) {
        const p = row + (<usize>j << 3);
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(av, v128.load(a + (<usize>j << 3)))));
      }
      for (; j < n; j++) {
        const p = row + (<usize>j << 3);
        store<f64>(p, load<f64>(p) + ai * load<f64>(a + (<usize>j << 3)));
      }
    }
  }
}
