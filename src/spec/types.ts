/**
 * Spec format version 1 (docs/SPEC.md, schema/spec.schema.json). A spec is plain JSON. These types
 * describe a spec after validation and defaulting (`parseSpec`), so every optional field is filled.
 */

export const SPEC_VERSION = 1;

export type PhiName = string; // 'tanh' | 'erf' | 'linear' | user-registered

/** i.i.d. Gaussian coupling J_ij ~ N(0, g^2/N) (spec 01 §3). */
export interface RandomModel {
  kind: 'random';
  N: number;
  g: number;
  phi: PhiName;
}

/**
 * J = g chi + sum_r m_r n_r^T / N (spec 01 §1.2). Per unit, (m_1..m_R, n_1..n_R, I) is one joint
 * Gaussian draw with the given means and covariance blocks.
 */
export interface LowRankModel {
  kind: 'lowrank';
  N: number;
  g: number;
  phi: PhiName;
  rank: number;
  means: { m: number[]; n: number[]; I: number };
  cov: {
    mm: number[][]; // R x R, cov(m_r, m_s)
    nn: number[][]; // R x R, cov(n_r, n_s)
    nm: number[][]; // R x R, nm[r][s] = cov(n_r, m_s)
    mI: number[]; // R, cov(m_r, I)
    nI: number[]; // R, cov(n_r, I)
    II: number; // var(I)
  };
}

export type Model = RandomModel | LowRankModel;

export interface InitSettings {
  /**
   * 'random': x0_i = scale * eta_i.  'branch': x0 = sign * c * m_1 + scale * eta (spec 01 §7),
   * used to select the + or - branch of a bistable low-rank network.
   */
  kind: 'random' | 'branch';
  scale: number;
  sign: 1 | -1;
  c: number;
}

export interface SimulationSettings {
  method: 'euler' | 'heun' | 'rk4';
  dt: number;
  precision: 'f64' | 'f32';
  /** Burn-in discarded before measuring (time units). */
  tBurn: number;
  /** Measurement window (time units). */
  tMeasure: number;
  /** Sampling interval of the recorded observables (time units; a multiple of dt). */
  sampleEvery: number;
  /** Number of contiguous time blocks for the standard error over time. */
  blocks: number;
  /** Independent networks: seeds seed, seed+1, ..., seed+networks-1. */
  networks: number;
  /** Units whose traces are recorded (indices < N). */
  traceUnits: number[];
  /** Lags (time units, multiples of sampleEvery) of the population autocovariance. */
  lags: number[];
  init: InitSettings;
}

export interface QuadratureSettings {
  /** 'trapezoid' (uniform grid, recommended, spec 01 §2.1) or 'gauss-hermite'. */
  method: 'trapezoid' | 'gauss-hermite';
  /** Gauss–Hermite order (nodes). */
  order: number;
  /** Half-width of the trapezoid grid in standard deviations. */
  zMax: number;
  /** Largest trapezoid node spacing in x-units (spacing h = min(0.25, hx / sqrt(D))). */
  hx: number;
  /** Use the erf closed forms of spec 01 §2.2 when phi = 'erf'. */
  closedForms: boolean;
}

export interface TheorySettings {
  quadrature: QuadratureSettings;
  /** Target max-norm residual of the stationary equations. */
  tol: number;
  maxIter: number;
  /** Grid of tau for Delta(tau): tau in [0, tauMax] with tauPoints points. */
  tauMax: number;
  tauPoints: number;
}

export interface Spec {
  dmftlab: 1;
  /** Free-form label carried into outputs. */
  name?: string;
  seed: number;
  model: Model;
  simulation: SimulationSettings;
  theory: TheorySettings;
}
