// Test helper (tests/dimension-sim.test.ts, tests/mrsim-dimension.test.ts): the block covariance sums the
// kernels accumulate for the dimension of activity (assembly/covariance.ts), recomputed from full traces.

/**
 * Block sums of samples a[t][u] (u < U): B blocks of n samples (block b: samples b n .. (b + 1) n - 1),
 * the lower triangles of sum a a^T in rows of stride ld, and the block sums of a.
 */
export function blockSums(a: Float64Array[], U: number, ld: number, B: number, n: number): { S: Float64Array; sums: Float64Array } {
  const S = new Float64Array(B * U * ld);
  const sums = new Float64Array(B * ld);
  for (let b = 0; b < B; b++) {
    for (let t = b * n; t < (b + 1) * n; t++) {
      const x = a[t];
      for (let i = 0; i < U; i++) {
        sums[b * ld + i] += x[i];
        for (let j = 0; j <= i; j++) S[b * U * ld + i * ld + j] += x[i] * x[j];
      }
    }
  }
  return { S, sums };
}
