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

/**
 * The effective interaction tensor T of a multiregion model as the user wrote it (spec 02 §0, §5.1).
 * `MultiregionModel.T` always holds the full tensor it expands to.
 */
export type MultiregionInteractions =
  /** T[a][b][c] = <n^{ab} m^{bc}>, P x P x P. */
  | { kind: 'tensor'; T: number[][][] }
  /** T[a][b][c] = delta_ac c[a][b], c symmetric P x P. */
  | { kind: 'symmetric'; c: number[][] }
  /** c = u u^T + diag(a - b), u_a = signs_a sqrt(b_a) (so c[a][a] = a_a), then as 'symmetric'. */
  | { kind: 'ab'; a: number[]; b: number[]; signs: (1 | -1)[] };

/** One piece of a piecewise-constant input: I^a(t) = I[a] from time t until the next piece. */
export interface MultiregionInputStep {
  t: number;
  I: number[];
}

/**
 * P regions of N units each (spec 02, Clark & Beiran 2025): within-region disorder, one rank-one loop
 * m^{ab} (n^{ab})^T / N per ordered pair of regions, optional cross-region disorder and inputs.
 * Regions a, b, c in 0..P-1; matrices are indexed [receiver][sender] like the currents S[a][b].
 *
 * The validated form keeps the nested arrays of the spec, normalised: every per-region value is an
 * array of P numbers, every optional part is filled (or null when absent), `interactions` is kept as
 * written and `T` is the full tensor it expands to. `multiregionParamsFromModel`
 * (src/theory/multiregion/from-spec.ts) turns it into the flat arrays of the theory.
 */
export interface MultiregionModel {
  kind: 'multiregion';
  /** Number of regions, 1..16. */
  P: number;
  /** Units per region. */
  N: number;
  /** Within-region disorder g_a, length P. */
  g: number[];
  phi: PhiName;
  /** The interactions as written in the spec. */
  interactions: MultiregionInteractions;
  /** Full effective interaction tensor, P x P x P: T[a][b][c] = <n^{ab} m^{bc}>. */
  T: number[][][];
  /** Overlaps of each region's input vectors, P x P x P: U[a][b][c] = <m^{ab} m^{ac}> (identity by default). */
  U: number[][][];
  /** sigma_b, the standard deviation of region b's read-out vectors n^{ab}, length P ("auto" resolved). */
  readoutScale: number[];
  /** g_ab (J^{ab}_ij ~ N(0, g_ab^2 / N), region b into region a), P x P with diagonal g_a; null: none. */
  crossDisorder: number[][] | null;
  /** One i.i.d. matrix per region, or one shared matrix with per-region column permutations (spec 02 §1.4). */
  coupling: 'independent' | 'shared';
  /** Initial state: currents S[a][b] (P x P) and the standard deviation sigma0_a of the random part of x^a(0). */
  start: { S: number[][]; sigma0: number[] };
  /** Inputs I^a(t) along v^a (spec 02 §7): V[b][a] = <n^{ba} v^a>, piecewise-constant schedule; null: none. */
  input: { V: number[][]; schedule: MultiregionInputStep[] } | null;
}

/**
 * Spectrum D_a (a = 1..P) of a random-mode model (spec 03 §5.1), as written in the spec. Named
 * families are normalised to model.g, (1/N) sum_a D_a^2 = g^2; see `randomModeSpectrum`
 * (src/sim/random-mode.ts) for the values.
 */
export type RandomModeSpectrum =
  /** D as given (P = D.length); rescaled to model.g when the spec gives g, else g is implied (and filled). */
  | { kind: 'list'; D: number[] }
  /** P = round(alpha N) equal modes, D_a = g sqrt(N / P) (= g / sqrt(alpha) when alpha N is an integer). */
  | { kind: 'flat'; alpha: number }
  /** P = N modes, D_a^2 proportional to exp(-(a - 1) / (tau N)). */
  | { kind: 'exponential'; tau: number }
  /** D_a^2 proportional to a^-gamma, a = 1..P; P given, or filled from alpha as round(alpha N) (alpha kept). */
  | { kind: 'powerLaw'; gamma: number; P: number; alpha?: number };

/**
 * Random-mode coupling J = sum_a D_a u_a v_a^T (spec 03 §5.1), u_a, v_a with i.i.d. N(0, 1/N) entries;
 * optional input/output-mode overlaps (§5.5) and per-unit input gains (§5.4). Added in dmftlab 0.2.0.
 */
export interface RandomModeModel {
  kind: 'randomMode';
  N: number;
  /** Coupling strength, g^2 = (1/N) sum_a D_a^2; filled (the implied value) for a list spectrum given without g. */
  g: number;
  phi: PhiName;
  spectrum: RandomModeSpectrum;
  /** v_a = c_a u_a + sqrt(1 - c_a^2) w_a: one c for every mode or P values, each in [-1, 1]; null: none (c = 0). */
  overlap: { c: number | number[] } | null;
  /** Per-unit input gains gamma_i (row i of J scaled by gamma_i), log gamma_i ~ N(-sd^2, sd^2) so E[gamma^2] = 1; null: none. */
  heterogeneity: { kind: 'lognormal'; sd: number } | null;
}

export type Model = RandomModel | LowRankModel | MultiregionModel | RandomModeModel;

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
  /**
   * Also estimate the dimension of activity (spec 03 §4) of x or of phi(x) from `blocks` block covariances;
   * absent: no covariance is accumulated. The run option `dimension` overrides it.
   */
  dimension?: 'x' | 'phi';
  /**
   * Trajectories per network, advanced together on the same J (batched: each load of J serves all of them);
   * trial t starts from its own random x(0). Absent: 1 (absent also when 1 is given, so that such specs
   * keep their hash).
   */
  trials?: number;
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
  /** Two-time DMFT settings; present for model kind 'multiregion' only (filled with defaults there). */
  dmft?: DmftSettings;
}

/** Time grid of the two-time DMFT of multiregion models (spec 02 §3). */
export interface DmftSettings {
  /** Euler step, 0 < dt <= 0.1. */
  dt: number;
  /** Integrated time span; the grid has Nt = round(duration / dt) + 1 points. */
  duration: number;
  /** Lags kept in the two-time functions (time units); 0 keeps the whole triangle. */
  window: number;
  /** Re-run with the window doubled and report the difference. */
  checkWindow: boolean;
  /** Times t_ref of the reported slices Delta(t_ref + tau, t_ref), each < duration. */
  refTimes: number[];
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
