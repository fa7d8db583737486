/**
 * Scalar error function, accurate to a few ulp in double precision.
 *
 * |x| < 2: erf(x) = (2/sqrt(pi)) exp(-x^2) sum_n (2x^2)^n x / (2n+1)!!  (all terms positive, no cancellation)
 * |x| >= 2: erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))  (continued fraction)
 */
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

function erfcCF(x: number): number {
  // modified Lentz for the continued fraction K = x + a1/(x + a2/(x + ...)), a_k = k/2
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 300; k++) {
    const a = k / 2;
    D = x + a * D;
    if (D === 0) D = tiny;
    C = x + a / C;
    if (C === 0) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  return (Math.exp(-x * x) * ONE_OVER_SQRT_PI) / f;
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  let r: number;
  if (a < 2) r = erfSeries(a);
  else if (a > 6.5) r = 1;
  else r = 1 - erfcCF(a);
  return x < 0 ? -r : r;
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 2) return 1 - erf(x);
  if (x > 27.3) return 0;
  return erfcCF(x);
}
