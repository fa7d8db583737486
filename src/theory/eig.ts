/**
 * Eigenvalues of a small dense real matrix (spec 01 §5: the (2+R) x (2+R) outlier matrix, R <= 6).
 *
 * Method: balancing by powers of two, reduction to upper Hessenberg form with Householder
 * reflections, then the implicit double-shift (Francis) QR iteration with deflation on small
 * subdiagonal entries. Only eigenvalues are needed, so every transformation is applied to the
 * active diagonal block alone. Cost O(n^3); meant for n <= ~20.
 *
 * Accuracy: backward stable, so a simple eigenvalue lambda is exact for a matrix within
 * ~n eps ||A|| of A; its error is that times the eigenvalue's condition number. Defective
 * eigenvalues (Jordan blocks of size k) are only accurate to ~eps^(1/k) (tests/eig.test.ts).
 */

export interface Complex {
  re: number;
  im: number;
}

export interface EigOptions {
  /** QR sweeps allowed per eigenvalue before giving up (default 60). */
  maxSweepsPerEigenvalue?: number;
}

const EPS = 2.220446049250313e-16;

/** Copy of a row-major square matrix given as number[][]; checks the shape. */
function toSquare(a: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const h: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (a[i].length !== n) throw new Error(`eigenvalues: matrix is not square (row ${i} has ${a[i].length} entries, expected ${n})`);
    h.push(a[i].slice());
    for (let j = 0; j < n; j++) {
      if (!Number.isFinite(h[i][j])) throw new Error(`eigenvalues: entry [${i}][${j}] is not finite (${h[i][j]})`);
    }
  }
  return h;
}

/**
 * Balance in place by diagonal similarity with powers of two (exact in floating point), so that
 * each row and the matching column have similar norms. Improves accuracy for badly scaled matrices.
 */
function balance(h: number[][]): void {
  const n = h.length;
  let changed = true;
  for (let sweep = 0; changed && sweep < 100; sweep++) {
    changed = false;
    for (let i = 0; i < n; i++) {
      let colNorm = 0;
      let rowNorm = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        colNorm += Math.abs(h[j][i]);
        rowNorm += Math.abs(h[i][j]);
      }
      if (colNorm === 0 || rowNorm === 0) continue;
      let f = 1;
      const total = colNorm + rowNorm;
      let c = colNorm;
      let r = rowNorm;
      while (c < r / 2) {
        c *= 2;
        r /= 2;
        f *= 2;
      }
      while (c >= r * 2) {
        c /= 2;
        r *= 2;
        f /= 2;
      }
      if (f !== 1 && c + r < 0.95 * total) {
        changed = true;
        for (let j = 0; j < n; j++) h[i][j] /= f;
        for (let j = 0; j < n; j++) h[j][i] *= f;
      }
    }
  }
}

/** Reduce to upper Hessenberg form in place with Householder reflections (similarity). */
function hessenberg(h: number[][]): void {
  const n = h.length;
  const v = new Array<number>(n).fill(0);
  for (let k = 0; k < n - 2; k++) {
    // reflector that zeroes h[k+2..n-1][k]
    let alpha = 0;
    for (let i = k + 1; i < n; i++) alpha = Math.max(alpha, Math.abs(h[i][k]));
    if (alpha === 0) continue;
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = h[i][k] / alpha;
      norm2 += v[i] * v[i];
    }
    const norm = Math.sqrt(norm2);
    const beta = v[k + 1] >= 0 ? norm : -norm;
    v[k + 1] += beta;
    const vtv = norm2 + 2 * beta * (v[k + 1] - beta) + beta * beta; // ||v||^2 after the shift
    if (vtv === 0) continue;
    // H <- (I - 2 v v^T / v^T v) H (I - 2 v v^T / v^T v)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k + 1; i < n; i++) s += v[i] * h[i][j];
      s = (2 * s) / vtv;
      for (let i = k + 1; i < n; i++) h[i][j] -= s * v[i];
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += h[i][j] * v[j];
      s = (2 * s) / vtv;
      for (let j = k + 1; j < n; j++) h[i][j] -= s * v[j];
    }
    for (let i = k + 2; i < n; i++) h[i][k] = 0;
  }
}

/** Eigenvalues of the 2 x 2 block [[a, b], [c, d]], written to avoid cancellation. */
function eig2(a: number, b: number, c: number, d: number): [Complex, Complex] {
  const half = 0.5 * (a - d);
  const mean = 0.5 * (a + d);
  const disc = half * half + b * c;
  if (disc >= 0) {
    const root = Math.sqrt(disc);
    // larger-magnitude root first, the other from the determinant
    const big = mean + (mean >= 0 ? root : -root);
    const det = a * d - b * c;
    const small = big !== 0 ? det / big : mean - (mean >= 0 ? root : -root);
    return [
      { re: big, im: 0 },
      { re: small, im: 0 },
    ];
  }
  const im = Math.sqrt(-disc);
  return [
    { re: mean, im },
    { re: mean, im: -im },
  ];
}

/**
 * Householder 3-vector (or 2-vector when z is undefined) that maps (x, y, z) onto a multiple of e1.
 * Returns [v0, v1, v2, tau] with P = I - tau v v^T, or null when the vector is already zero.
 */
function reflector(x: number, y: number, z: number): [number, number, number, number] | null {
  const scale = Math.abs(x) + Math.abs(y) + Math.abs(z);
  if (scale === 0) return null;
  const xs = x / scale;
  const ys = y / scale;
  const zs = z / scale;
  const norm = Math.sqrt(xs * xs + ys * ys + zs * zs);
  const alpha = xs >= 0 ? -norm : norm;
  const v0 = xs - alpha;
  const vtv = v0 * v0 + ys * ys + zs * zs;
  if (vtv === 0) return null;
  return [v0, ys, zs, 2 / vtv];
}

/**
 * All eigenvalues of a real square matrix (complex pairs come as conjugates, positive imaginary
 * part first). Order: as deflated (not sorted). Throws if the QR iteration does not converge.
 */
export function eigenvalues(a: readonly (readonly number[])[], opts: EigOptions = {}): Complex[] {
  const n = a.length;
  if (n === 0) return [];
  const h = toSquare(a);
  if (n === 1) return [{ re: h[0][0], im: 0 }];
  balance(h);
  hessenberg(h);
  const maxSweeps = (opts.maxSweepsPerEigenvalue ?? 60) * n;
  const out: Complex[] = [];
  let hi = n - 1;
  let sweeps = 0;
  let sinceDeflation = 0;
  let normH = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(0, i - 1); j < n; j++) normH = Math.max(normH, Math.abs(h[i][j]));

  while (hi >= 0) {
    // find the start lo of the unreduced block ending at hi
    let lo = hi;
    while (lo > 0) {
      let s = Math.abs(h[lo - 1][lo - 1]) + Math.abs(h[lo][lo]);
      if (s === 0) s = normH;
      if (Math.abs(h[lo][lo - 1]) <= EPS * s) {
        h[lo][lo - 1] = 0;
        break;
      }
      lo--;
    }
    if (lo === hi) {
      out.push({ re: h[hi][hi], im: 0 });
      hi -= 1;
      sinceDeflation = 0;
      continue;
    }
    if (lo === hi - 1) {
      const [e1, e2] = eig2(h[hi - 1][hi - 1], h[hi - 1][hi], h[hi][hi - 1], h[hi][hi]);
      out.push(e1, e2);
      hi -= 2;
      sinceDeflation = 0;
      continue;
    }
    if (++sweeps > maxSweeps) throw new Error(`eigenvalues: QR iteration did not converge in ${maxSweeps} sweeps (n = ${n})`);
    sinceDeflation++;

    // shifts: eigenvalues of the trailing 2 x 2 block, as sum s and product t (real arithmetic);
    // every 11th sweep without deflation use an ad hoc shift to break cycles
    let s: number;
    let t: number;
    if (sinceDeflation % 11 === 10) {
      // shifts d + w (0.75 +- i sqrt(0.4375)): roots of (lambda - d)^2 - 1.5 w (lambda - d) + w^2
      const w = Math.abs(h[hi][hi - 1]) + Math.abs(h[hi - 1][hi - 2]);
      const d = h[hi][hi];
      s = 2 * d + 1.5 * w;
      t = d * d + 1.5 * w * d + w * w;
    } else {
      s = h[hi - 1][hi - 1] + h[hi][hi];
      t = h[hi - 1][hi - 1] * h[hi][hi] - h[hi - 1][hi] * h[hi][hi - 1];
    }
    // first column of (H - s1)(H - s2) restricted to the block
    let x = h[lo][lo] * h[lo][lo] + h[lo][lo + 1] * h[lo + 1][lo] - s * h[lo][lo] + t;
    let y = h[lo + 1][lo] * (h[lo][lo] + h[lo + 1][lo + 1] - s);
    let z = h[lo + 1][lo] * h[lo + 2][lo + 1];
    for (let k = lo; k <= hi - 2; k++) {
      const r = reflector(x, y, z);
      if (r) {
        const [v0, v1, v2, tau] = r;
        const c0 = Math.max(lo, k - 1);
        for (let j = c0; j <= hi; j++) {
          const p = tau * (v0 * h[k][j] + v1 * h[k + 1][j] + v2 * h[k + 2][j]);
          h[k][j] -= p * v0;
          h[k + 1][j] -= p * v1;
          h[k + 2][j] -= p * v2;
        }
        const r1 = Math.min(k + 3, hi);
        for (let i = lo; i <= r1; i++) {
          const p = tau * (h[i][k] * v0 + h[i][k + 1] * v1 + h[i][k + 2] * v2);
          h[i][k] -= p * v0;
          h[i][k + 1] -= p * v1;
          h[i][k + 2] -= p * v2;
        }
      }
      x = h[k + 1][k];
      y = h[k + 2][k];
      z = k < hi - 2 ? h[k + 3][k] : 0;
    }
    // final 2-vector reflector on rows/columns hi-1, hi
    const r = reflector(x, y, 0);
    if (r) {
      const [v0, v1, , tau] = r;
      const k = hi - 1;
      for (let j = Math.max(lo, k - 1); j <= hi; j++) {
        const p = tau * (v0 * h[k][j] + v1 * h[k + 1][j]);
        h[k][j] -= p * v0;
        h[k + 1][j] -= p * v1;
      }
      for (let i = lo; i <= hi; i++) {
        const p = tau * (h[i][k] * v0 + h[i][k + 1] * v1);
        h[i][k] -= p * v0;
        h[i][k + 1] -= p * v1;
      }
    }
    // clean tiny bulge remnants below the subdiagonal
    for (let i = lo + 2; i <= hi; i++) for (let j = lo; j < i - 1; j++) h[i][j] = 0;
  }
  return out;
}

/** Eigenvalues sorted by decreasing real part (ties: decreasing imaginary part). */
export function eigenvaluesSorted(a: readonly (readonly number[])[], opts: EigOptions = {}): Complex[] {
  return eigenvalues(a, opts).sort((p, q) => q.re - p.re || q.im - p.im);
}
