/** Common shape of theory results (every model kind). */

export interface Diagnostics {
  /** Max-norm residual of the defining equations, re-evaluated after the solve. */
  residual: number;
  iterations: number;
  converged: boolean;
  /** Method name, e.g. 'brent', 'newton', 'closed-form'. */
  method: string;
  seconds?: number;
  /** Extra numbers a solver wants to expose (series lengths, checks, tolerances used). */
  details?: Record<string, number | string | boolean>;
}

export interface StabilityInfo {
  /** Radius of the bulk of J diag(phi'(x*)) (spec 01 §5). */
  bulkRadius: number;
  /** Outlier eigenvalues of J diag(phi'(x*)). */
  outliers: { re: number; im: number }[];
  stable: boolean;
}

/** One stationary solution of the DMFT. */
export interface TheorySolution {
  type: 'trivial' | 'static' | 'chaotic';
  /** 'plus' | 'minus' | 'central' | 'ring' | ... */
  branch: string;
  kappa: number[];
  /** Population mean of x. */
  mu: number;
  /** Total population variance of x (Delta(0)). */
  delta0: number;
  /** Long-lag autocovariance (= delta0 for static solutions). */
  deltaInf: number;
  /** Whether the state is an attractor of the dynamics (null if unknown). */
  stable: boolean | null;
  stability?: StabilityInfo;
  /** Delta(tau) on a grid, when computed (chaotic solutions). */
  tau?: number[];
  delta?: number[];
  /** Decay rate of Delta(tau) - deltaInf. */
  lambda?: number;
  diagnostics: Diagnostics;
}

export interface TheoryResultBase {
  kind: string;
  solutions: TheorySolution[];
}
