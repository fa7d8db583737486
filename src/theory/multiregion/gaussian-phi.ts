/**
 * `GaussianPhi` (types.ts) for any odd phi by quadrature (spec 02 §2.4 for phi other than erf; spec 01 §2 for the
 * method). Everything is at mu = 0 and comes from one averager of src/theory/gauss.ts (`averagerFor`: the Wasm
 * one once the kernel is instantiated, else the TypeScript reference; both the same to ~1e-14):
 *
 *   gain(D)           <phi'>                    moments(0, D).dphi
 *   gainSlope(D)      <phi'''> / 2              moments(0, D).d3phi / 2            (Price)
 *   meanDphiSq(D)     <phi'^2>                  moments(0, D).dphi2
 *   corr(D0, D)       <phi(x) phi(y)>           twoPoint(|D|, 0, D0).Cphi, odd in D
 *   corrSlope         <phi'(x) phi'(y)>         twoPoint(|D|, 0, D0).Cdphi, even in D
 *   primitive         <Phi1(x) Phi1(y)>         twoPoint(|D|, 0, D0).CPhi, even in D (dC_Phi1/dD = C_phi, Price)
 *   corrCurvature     <phi''(x) phi''(y)>       at D = D0 a 1-D average of phi''^2; else the nested rule
 *                                               E_z[(E_u phi''(sqrt(|D|) z + sqrt(D0 - |D|) u))^2], odd in D
 *   gainInverse(psi)  brent on gain(D) = psi over a bracket doubled from [0, 1] (up to 2^20; else NaN)
 *
 * The primitive differs from the closed form's Phi(D0, D) of toolbox.ts by a constant in D (C_Phi1(0) = [Phi1]^2
 * against (2/pi)(D0 + 2/pi)): only differences of it enter the energy, V(D) - V(D'). This is the route of
 * src/theory/scs.ts, whose energy is V(D) = -D^2/2 + g^2 C_Phi(D; 0, Delta0).
 *
 * |D| slightly above D0 (rounding in the callers) is clamped to D0 by the averager (relative slack 1e-13); a
 * larger excess is a caller error and throws. Accuracy: that of the averager (trapezoid defaults: ~1e-14 on C,
 * docs/NUMERICS.md "Quadrature").
 */
import { getPhi, type PhiDef } from '../../phi.js';
import type { QuadratureSettings } from '../../spec/types.js';
import { averagerFor } from '../averagers.js';
import { emptyMoments, emptyTwoPoint, gaussAverage, makeAverager, type Averager, type Moments, type TwoPoint } from '../gauss.js';
import { brent } from '../roots.js';
import { erfGaussianPhi } from './toolbox.js';
import type { GaussianPhi } from './types.js';

/** Quadrature settings of the general-phi path when none are given: the spec defaults (trapezoid, hx 0.15, zMax 9.5). */
export const DEFAULT_PHI_QUADRATURE: QuadratureSettings = Object.freeze({ method: 'trapezoid', order: 200, zMax: 9.5, hx: 0.15, closedForms: true });

export interface GaussianPhiOptions {
  /** Quadrature settings (default DEFAULT_PHI_QUADRATURE; spec.theory.quadrature in solve.ts). */
  quadrature?: QuadratureSettings;
  /** 'auto' (default): Wasm averager when instantiated, else the TypeScript reference; 'reference': always the latter. */
  averager?: 'auto' | 'reference';
}

/** Refuse a phi the multiregion theory cannot use (it assumes zero-mean fields, which needs phi odd). */
export function checkOddPhi(def: PhiDef, where: string): void {
  if (!def.odd) {
    throw new RangeError(
      `${where}: phi "${def.name}" is not odd; the multiregion theory (spec 02) assumes zero-mean fields, which holds for ` +
        'odd phi only (phi(-x) = -phi(x)). Register it with odd: true if it is, or simulate it instead.',
    );
  }
}

class QuadratureGaussianPhi implements GaussianPhi {
  readonly name: string;
  readonly closedForms = false;
  readonly description: string;
  readonly slope0: number;
  private readonly m: Moments = emptyMoments();
  private mD = NaN;
  private readonly tp: TwoPoint = emptyTwoPoint();
  private tD0 = NaN;
  private tD = NaN;

  constructor(
    readonly def: PhiDef,
    readonly quadrature: QuadratureSettings,
    private readonly av: Averager,
  ) {
    this.name = def.name;
    this.slope0 = def.df(0);
    const q = quadrature;
    this.description =
      `${def.name} (quadrature: ${q.method}` + (q.method === 'trapezoid' ? `, hx ${q.hx}, zMax ${q.zMax})` : `, order ${q.order})`);
  }

  private moments(D: number): Moments {
    if (!(D >= 0) || !Number.isFinite(D)) throw new RangeError(`GaussianPhi(${this.name}): D = ${D} is out of range; valid: finite >= 0`);
    if (D !== this.mD) {
      this.av.moments(0, D, this.m);
      this.mD = D;
    }
    return this.m;
  }

  private two(D0: number, D: number): TwoPoint {
    if (!(D0 >= 0) || !Number.isFinite(D0) || !Number.isFinite(D)) {
      throw new RangeError(`GaussianPhi(${this.name}): (D0, D) = (${D0}, ${D}) is out of range; valid: finite, D0 >= 0`);
    }
    const c = Math.abs(D);
    if (D0 !== this.tD0 || c !== this.tD) {
      this.av.twoPoint(c, 0, D0, this.tp);
      this.tD0 = D0;
      this.tD = c;
    }
    return this.tp;
  }

  gain(D: number): number {
    return this.moments(D).dphi;
  }
  gainSlope(D: number): number {
    return 0.5 * this.moments(D).d3phi;
  }
  meanDphiSq(D: number): number {
    return this.moments(D).dphi2;
  }
  corr(D0: number, D: number): number {
    const v = this.two(D0, D).Cphi;
    return D < 0 ? -v : v;
  }
  corrDifference(D0: number, D1: number, D2: number): number {
    return this.corr(D0, D1) - this.corr(D0, D2);
  }
  corrSlope(D0: number, D: number): number {
    return this.two(D0, D).Cdphi;
  }
  primitive(D0: number, D: number): number {
    return this.two(D0, D).CPhi;
  }
  corrCurvature(D0: number, D: number): number {
    const f = this.def.d2f;
    const q = this.quadrature;
    const c = Math.min(Math.abs(D), D0);
    let v: number;
    if (c === D0) v = gaussAverage((x) => f(x) * f(x), 0, D0, q);
    else {
      const e = D0 - c;
      v = gaussAverage(
        (y) => {
          const m = gaussAverage(f, y, e, q);
          return m * m;
        },
        0,
        c,
        q,
      );
    }
    return D < 0 ? -v : v;
  }
  gainInverse(psi: number): number {
    const p0 = this.gain(0);
    if (!(psi > 0) || !(psi <= p0)) return NaN;
    if (psi === p0) return 0;
    // up to D = 2^20 (the trapezoid grid grows like sqrt(D)); beyond, NaN (e.g. linear phi: psi = 1 throughout)
    let hi = 1;
    for (let i = 0; i < 20 && this.gain(hi) > psi; i++) hi *= 2;
    if (this.gain(hi) > psi) return NaN;
    return brent((D) => this.gain(D) - psi, 0, hi).x;
  }
}

/**
 * The `GaussianPhi` of an odd phi by quadrature (see the file header); throws for a phi that is not odd.
 * `erf` gets the same quadrature route here (the independent check of the closed forms); use
 * `gaussianPhiFor` to get the closed forms for erf.
 */
export function quadratureGaussianPhi(phi: PhiDef | string, opts: GaussianPhiOptions = {}): GaussianPhi {
  const def = typeof phi === 'string' ? getPhi(phi) : phi;
  checkOddPhi(def, 'quadratureGaussianPhi');
  const q: QuadratureSettings = { ...(opts.quadrature ?? DEFAULT_PHI_QUADRATURE), closedForms: false };
  const av = (opts.averager ?? 'auto') === 'reference' ? makeAverager(def, q) : averagerFor(def, q);
  return new QuadratureGaussianPhi(def, q, av);
}

/**
 * The `GaussianPhi` the theory uses for a phi: the erf closed forms for erf (unless `closedForms` is false in the
 * quadrature settings), else quadrature. Throws for a phi that is not odd.
 */
export function gaussianPhiFor(phi: PhiDef | string, opts: GaussianPhiOptions = {}): GaussianPhi {
  const def = typeof phi === 'string' ? getPhi(phi) : phi;
  checkOddPhi(def, 'gaussianPhiFor');
  if (def.name === 'erf' && def.code >= 0 && (opts.quadrature?.closedForms ?? true)) return erfGaussianPhi;
  return quadratureGaussianPhi(def, opts);
}
