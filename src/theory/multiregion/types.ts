/**
 * Parameters of the multiregion model (spec 02, Clark & Beiran 2025) as the theory uses them. Regions
 * a, b, c in 0..P-1; flat row-major arrays (spec 02 §0):
 *
 *   T[(a*P + b)*P + c] = <n^{ab} m^{bc}>   effective interaction: how the current c->b, once in region b,
 *                                          drives the current b->a
 *   U[(a*P + b)*P + c] = <m^{ab} m^{ac}>   overlaps of region a's input vectors (each U[a] symmetric PD)
 *   S[a*P + b]                             current from region b into region a (row = receiver)
 *
 * phi is erf(sqrt(pi) x / 2) in spec 02 (the closed forms of §2.4 hold for it only); other odd phi go through
 * a `GaussianPhi` (below) built on quadrature (./gaussian-phi.ts).
 */
export interface MultiregionParams {
  /** Number of regions. */
  P: number;
  /** Effective interaction tensor, length P^3. */
  T: Float64Array;
  /** Input-vector overlaps, length P^3 (default: U[a] = identity for every a). */
  U: Float64Array;
  /** Within-region disorder g_a, length P. */
  g: Float64Array;
  /**
   * Optional cross-region disorder (spec 02 §2.6): G2[a*P + b] = g_ab^2, with G2[a*P + a] = g_a^2; the
   * noise term of region a becomes sum_b G2[a*P+b] C^b. null: within-region disorder only.
   */
  G2: Float64Array | null;
  /** Optional input overlaps (spec 02 §7): V[b*P + a] = <n^{ba} v^a>; null: no input. */
  V: Float64Array | null;
  /** <(v^a)^2> per region, length P (1 when inputs are unit-variance). */
  v2: Float64Array;
}

/** Piecewise-constant inputs I^a(t): I^a(t) = values[k][a] for times[k] <= t < times[k+1] (times[0] = 0). */
export interface InputSchedule {
  times: number[];
  values: number[][];
}

/** U[a] = identity for every region (the paper's examples and every oracle case). */
export function identityU(P: number): Float64Array {
  const U = new Float64Array(P * P * P);
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) U[(a * P + b) * P + b] = 1;
  return U;
}

/** Parameters with the defaults: U = identity per region, no cross-region disorder, no input. */
export function multiregionParams(P: number, T: ArrayLike<number>, g: ArrayLike<number>, extra: Partial<MultiregionParams> = {}): MultiregionParams {
  return {
    P,
    T: Float64Array.from(T),
    U: extra.U ?? identityU(P),
    g: Float64Array.from(g),
    G2: extra.G2 ?? null,
    V: extra.V ?? null,
    v2: extra.v2 ?? new Float64Array(P).fill(1),
  };
}

/**
 * The zero-mean Gaussian integrals of phi the multiregion theory uses (spec 02 §2.4). x ~ N(0, D); for the
 * two-point functions x, y have variance D0 each and covariance D (|D| <= D0). Implementations: `erfGaussianPhi`
 * (toolbox.ts, the closed forms) and `quadratureGaussianPhi` (gaussian-phi.ts, the averagers of
 * src/theory/gauss.ts at mu = 0, for any odd phi). phi must be odd: the theory assumes zero-mean fields.
 */
export interface GaussianPhi {
  /** Name of phi (src/phi.ts). */
  readonly name: string;
  /** True for the erf closed forms (the solvers then keep their closed-form brackets, bitwise unchanged). */
  readonly closedForms: boolean;
  /** How the integrals are computed, for diagnostics (e.g. "erf (closed forms)"). */
  readonly description: string;
  /** phi'(0): without currents, chaos sets in at g phi'(0) = 1. */
  readonly slope0: number;
  /** psi(D) = <phi'(x)>. */
  gain(D: number): number;
  /** d psi / dD = <phi'''(x)> / 2 (Price). */
  gainSlope(D: number): number;
  /** D >= 0 with gain(D) = psi (gain decreasing); NaN when there is none. */
  gainInverse(psi: number): number;
  /** <phi'(x)^2>. */
  meanDphiSq(D: number): number;
  /** C(D0, D) = <phi(x) phi(y)>. */
  corr(D0: number, D: number): number;
  /** C(D0, D1) - C(D0, D2) (without cancellation where the implementation can). */
  corrDifference(D0: number, D1: number, D2: number): number;
  /** dC/dD = <phi'(x) phi'(y)>. */
  corrSlope(D0: number, D: number): number;
  /** d2C/dD2 = <phi''(x) phi''(y)>. */
  corrCurvature(D0: number, D: number): number;
  /** Phi(D0, D) with dPhi/dD = C: <Phi1(x) Phi1(y)> + const, Phi1 the primitive of phi (only differences enter). */
  primitive(D0: number, D: number): number;
}
