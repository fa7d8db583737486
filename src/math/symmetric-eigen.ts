// Small dense symmetric eigenproblems (joint covariances of the low-rank and multiregion vectors, the
// spec's PSD checks): one implementation for src/sim/lowrank-vectors.ts and src/sim/multiregion-vectors.ts.

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: values ascending, and
 * vectors[k] the unit eigenvector of values[k]. Meant for the small matrices here (size <= 33).
 * A is symmetrised first, (A + A^T) / 2, so a matrix symmetric to rounding is handled consistently.
 */
export function symmetricEigen(A: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const n = A.length;
  const a = A.map((row, i) => row.map((x, j) => 0.5 * (x + A[j][i])));
  // V accumulates the rotations: A = V diag(a) V^T, columns of V are eigenvectors
  const V = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        total += a[p][q] * a[p][q];
        if (p !== q) off += a[p][q] * a[p][q];
      }
    }
    if (off === 0 || off <= 1e-32 * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p][q];
        if (apq === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k][p];
          const vkq = V[k][q];
          V[k][p] = c * vkp - s * vkq;
          V[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i][i] - a[j][j]);
  return { values: order.map((i) => a[i][i]), vectors: order.map((i) => V.map((row) => row[i])) };
}
