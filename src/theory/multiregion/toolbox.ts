/**
 * Gaussian-integral toolbox for phi(x) = erf(sqrt(pi) x / 2) (spec 02 §2.4, paper App. A.2) and the local
 * energy of the stationary two-point function (spec 02 §4.1, App. A.4).
 *
 * For x ~ N(0, D) (one-point) or (x1, x2) jointly Gaussian with variances D1, D2 and covariance D12, and
 * k = 2/pi:
 *
 *   gainPsi(D)          psi = <phi'(x)>          = (1 + pi D / 2)^(-1/2)
 *   gainPsiInverse(psi) D   = k (psi^-2 - 1)
 *   meanDphiSq(D)       <phi'(x)^2>              = (1 + pi D)^(-1/2)
 *   phiCorrF(D1,D2,D12) <phi(x1) phi(x2)>        = k asin(D12 / sqrt((D1 + k)(D2 + k)))    (argument clipped)
 *   phiCorr(D0, D)      C(D0, D) = F(D0, D0, D)  = k asin(D / (D0 + k))
 *   phiCorrSlope        dC/dD                    = 2 / sqrt((pi D0 + 2)^2 - (pi D)^2); at D = D0: meanDphiSq(D0)
 *   phiCorrCurvature    d2C/dD2                  = k D / (B - D^2)^(3/2),  B = (D0 + k)^2
 *   phiCorrPrimitive    Phi(D0, D) = int C dD    = k [ sqrt(B - D^2) + D asin(D / sqrt B) ]
 *   meanPhiSq(D0)       <phi^2>                  = C(D0, D0)
 *
 * Phi here is the spec's primitive in D (Phi(D0, 0) = k sqrt(B), not 0); only differences of it enter the
 * theory. The local energy of a region with within-region disorder g and structured variance A is
 *
 *   V(D) = -D^2/2 + g^2 Phi(D0, D) + A D,     V'(D) = -D + g^2 C(D0, D) + A,
 *
 * and the stationary Delta(tau) obeys Delta'' = -V'(Delta). With cross-region disorder (spec 02 §2.6) the
 * noise term of region a is sum_b g_ab^2 C^b(Delta^b): the regions' two-point functions are coupled and there
 * is no single-region energy, so these functions take one scalar g (within-region disorder only).
 *
 * Every energy function takes an optional `GaussianPhi` (types.ts; default `erfGaussianPhi`, the closed forms
 * above): other odd phi pass the quadrature one of gaussian-phi.ts.
 *
 * `localEnergyGap` returns V(D1) - V(D2) without the cancellation of subtracting two nearly equal
 * energies: for |D1 - D2| small it integrates V' by Gauss–Legendre (V' has no singularity within a distance
 * 2/pi of [0, D0]).
 */
import { legendreRule } from '../quad.js';
import type { GaussianPhi } from './types.js';

const K = 2 / Math.PI;
const PI = Math.PI;

function finite(name: string, v: number): void {
  if (!Number.isFinite(v)) throw new RangeError(`multiregion toolbox: ${name} = ${v} is not finite`);
}

function nonNegative(name: string, v: number): void {
  if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`multiregion toolbox: ${name} = ${v} is out of range; valid: finite >= 0`);
}

/** asin with its argument clipped to [-1, 1] (Euler iterates can overshoot the domain by O(dt)). */
function asinClipped(u: number): number {
  return Math.asin(u > 1 ? 1 : u < -1 ? -1 : u);
}

/** Gain psi(D) = <phi'(x)>, x ~ N(0, D): (1 + pi D/2)^(-1/2). D >= 0. */
export function gainPsi(D: number): number {
  nonNegative('D', D);
  return 1 / Math.sqrt(1 + (PI / 2) * D);
}

/** d psi / dD = -(pi/4) psi^3. */
export function gainPsiSlope(D: number): number {
  const psi = gainPsi(D);
  return -(PI / 4) * psi * psi * psi;
}

/** Variance D with gainPsi(D) = psi, psi in (0, 1]: D = (2/pi)(psi^-2 - 1). */
export function gainPsiInverse(psi: number): number {
  if (!(psi > 0 && psi <= 1)) throw new RangeError(`multiregion toolbox: psi = ${psi} is out of range; valid: (0, 1]`);
  return K * (1 / (psi * psi) - 1);
}

/** <phi'(x)^2>, x ~ N(0, D): (1 + pi D)^(-1/2). */
export function meanDphiSq(D: number): number {
  nonNegative('D', D);
  return 1 / Math.sqrt(1 + PI * D);
}

/**
 * F(D1, D2, D12) = <phi(x1) phi(x2)> for variances D1, D2 and covariance D12 (spec 02 §2.3):
 * (2/pi) asin(D12 / sqrt((D1 + 2/pi)(D2 + 2/pi))), the argument clipped to [-1, 1].
 */
export function phiCorrF(D1: number, D2: number, D12: number): number {
  nonNegative('D1', D1);
  nonNegative('D2', D2);
  finite('D12', D12);
  return K * asinClipped(D12 / Math.sqrt((D1 + K) * (D2 + K)));
}

/** C(D0, D) = F(D0, D0, D) = (2/pi) asin(D / (D0 + 2/pi)), clipped. */
export function phiCorr(D0: number, D: number): number {
  nonNegative('D0', D0);
  finite('D', D);
  return K * asinClipped(D / (D0 + K));
}

/** dC/dD at (D0, D) = 2 / sqrt((pi D0 + 2)^2 - (pi D)^2); equals meanDphiSq(D0) at D = D0. */
export function phiCorrSlope(D0: number, D: number): number {
  nonNegative('D0', D0);
  finite('D', D);
  const a = PI * D0 + 2;
  const b = PI * D;
  return 2 / Math.sqrt((a - b) * (a + b));
}

/** d2C/dD2 at (D0, D) = (2/pi) D / (B - D^2)^(3/2), B = (D0 + 2/pi)^2. */
export function phiCorrCurvature(D0: number, D: number): number {
  nonNegative('D0', D0);
  finite('D', D);
  const s = D0 + K;
  const q = (s - D) * (s + D);
  return (K * D) / (q * Math.sqrt(q));
}

/** Phi(D0, D) = int C(D0, D) dD = (2/pi)[ sqrt(B - D^2) + D asin(D / sqrt B) ], B = (D0 + 2/pi)^2, |D| <= sqrt B. */
export function phiCorrPrimitive(D0: number, D: number): number {
  nonNegative('D0', D0);
  finite('D', D);
  const s = D0 + K;
  const q = Math.max((s - D) * (s + D), 0);
  return K * (Math.sqrt(q) + D * asinClipped(D / s));
}

/** <phi(x)^2>, x ~ N(0, D0): C(D0, D0). */
export function meanPhiSq(D0: number): number {
  return phiCorr(D0, D0);
}

/**
 * C(D0, D1) - C(D0, D2) without cancellation: (2/pi) asin(u1 sqrt(1 - u2^2) - u2 sqrt(1 - u1^2)),
 * u = D/(D0 + 2/pi) (the asin subtraction formula; exact for |u| <= 1 when u1, u2 have equal signs or the
 * difference stays in [-1, 1], which holds for 0 <= D1, D2 <= D0).
 */
export function phiCorrDifference(D0: number, D1: number, D2: number): number {
  const s = D0 + K;
  const u1 = Math.min(Math.max(D1 / s, -1), 1);
  const u2 = Math.min(Math.max(D2 / s, -1), 1);
  return K * asinClipped(u1 * Math.sqrt((1 - u2) * (1 + u2)) - u2 * Math.sqrt((1 - u1) * (1 + u1)));
}

/** The closed forms above as a `GaussianPhi` (phi = erf(sqrt(pi) x / 2)): the default of every solver. */
export const erfGaussianPhi: GaussianPhi = Object.freeze({
  name: 'erf',
  closedForms: true,
  description: 'erf (closed forms)',
  slope0: 1,
  gain: gainPsi,
  gainSlope: gainPsiSlope,
  gainInverse: gainPsiInverse,
  meanDphiSq,
  corr: phiCorr,
  corrDifference: phiCorrDifference,
  corrSlope: phiCorrSlope,
  corrCurvature: phiCorrCurvature,
  primitive: phiCorrPrimitive,
});

/** Local energy V(D) = -D^2/2 + g^2 Phi(D0, D) + A D (spec 02 §4.1), within-region disorder g only. */
export function localEnergy(D: number, D0: number, A: number, g: number, phi: GaussianPhi = erfGaussianPhi): number {
  finite('A', A);
  finite('g', g);
  return -0.5 * D * D + g * g * phi.primitive(D0, D) + A * D;
}

/** V'(D) = -D + g^2 C(D0, D) + A (the force on the particle is -V'). */
export function localEnergySlope(D: number, D0: number, A: number, g: number, phi: GaussianPhi = erfGaussianPhi): number {
  finite('A', A);
  finite('g', g);
  return -D + g * g * phi.corr(D0, D) + A;
}

/** V''(D) = -1 + g^2 dC/dD(D0, D). */
export function localEnergyCurvature(D: number, D0: number, g: number, phi: GaussianPhi = erfGaussianPhi): number {
  return -1 + g * g * phi.corrSlope(D0, D);
}

const GAP_GL = 16;
/** Panel width (in D) of the Gauss–Legendre rule of localEnergyGap, and the switch to the closed form. */
const GAP_PANEL = 0.25;

/**
 * V(D1) - V(D2) for 0 <= D1, D2 <= D0 (plus small overshoots). For |D1 - D2| >= 0.25 the closed form (its
 * rounding error, ~1e-16 max(|V|), is then small against the gap's scale |D1 - D2|); below, the integral of V'
 * over [D2, D1] with 16-point Gauss–Legendre, whose error is at rounding level because V' is analytic within
 * 2/pi of the interval. `ref`, if given, is a point where V'(ref) ~ 0 is known: V' is then evaluated as
 * V'(ref) + [V'(D) - V'(ref)] with the C difference in asin-subtraction form, so that gaps of size
 * O((D1 - D2)^2) next to a stationary point keep their relative accuracy. For phi other than erf the same
 * split, with Phi and C from the quadrature `GaussianPhi` (C analytic in D for analytic phi: the rule keeps its
 * accuracy; the C difference is then a plain subtraction, ~1e-16 absolute).
 */
export function localEnergyGap(D1: number, D2: number, D0: number, A: number, g: number, ref?: number, phi: GaussianPhi = erfGaussianPhi): number {
  const g2 = g * g;
  if (Math.abs(D1 - D2) >= GAP_PANEL) return localEnergy(D1, D0, A, g, phi) - localEnergy(D2, D0, A, g, phi);
  const { x, w } = legendreRule(GAP_GL);
  const c = 0.5 * (D1 + D2);
  const h = 0.5 * (D1 - D2);
  let s = 0;
  if (ref === undefined) {
    for (let i = 0; i < GAP_GL; i++) s += w[i] * localEnergySlope(c + h * x[i], D0, A, g, phi);
  } else {
    const v0 = localEnergySlope(ref, D0, A, g, phi);
    for (let i = 0; i < GAP_GL; i++) {
      const D = c + h * x[i];
      s += w[i] * (v0 - (D - ref) + g2 * phi.corrDifference(D0, D, ref));
    }
  }
  return h * s;
}
