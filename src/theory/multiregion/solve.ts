/**
 * The theory of a `multiregion` spec (spec 02), as `dmftlab theory` reports it:
 *
 *   1. the non-stationary two-time DMFT from the spec's start state (§3, ./dmft.ts), over
 *      theory.dmft.duration, with the window check of §3.3;
 *   2. the stationary states with disorder (§4, ./stationary.ts), solved by Newton from the DMFT's end
 *      state (so the reported stationary state is the one the dynamics approaches, when it approaches one);
 *   3. the linear prediction from the spectrum of T-hat (§6, ./hat.ts).
 *
 * phi = erf uses the closed forms of spec 02 §2.4 (unless theory.quadrature.closedForms is false); any other
 * odd phi goes through quadrature (./gaussian-phi.ts, with theory.quadrature) and Mehler tables in the DMFT
 * (./dmft-phi.ts). A phi that is not odd is refused: the theory assumes zero-mean fields.
 */
import { getPhi } from '../../phi.js';
import { gaussianPhiFor } from './gaussian-phi.js';
import type { MultiregionModel, Spec } from '../../spec/types.js';
import type { Diagnostics } from '../types.js';
import { solveMultiregionDmft, type MultiregionDmftOptions, type MultiregionDmftResult } from './dmft.js';
import { solveMultiregionDmftAsync, type DmftRunOptions } from './dmft-async.js';
import type { GaussianPhi, MultiregionParams } from './types.js';
import { solveStationary, type Regime } from './stationary.js';
import { predictOutcome, type PredictedOutcome } from './hat.js';
import { multiregionParamsFromModel, inputScheduleFromModel } from './from-spec.js';
import { classifySlice, currentPeriod, type DmftOutcome } from './classify.js';

export interface MultiregionRegionState {
  regime: Regime;
  /** Structured variance A^a = sum_bc U S S (spec 02 §4.1). */
  A: number;
  delta0: number;
  /** = delta0 for static regions. */
  deltaInf: number;
  /** Gain psi^a = <phi'> at variance delta0 (erf: (1 + pi delta0 / 2)^(-1/2)). */
  psi: number;
  /** g_a^2 <phi'^2> at delta0 (erf: g_a^2 (1 + pi delta0)^(-1/2)): a static region is stable when < 1 (spec 02 §4.2). */
  margin: number;
  /** Decay rate of Delta(tau) - deltaInf (chaotic regions; null for static ones). */
  kappa: number | null;
}

export interface MultiregionSolution {
  /** 'chaotic' when any region is chaotic, else 'static'. */
  type: 'static' | 'chaotic';
  /** S[a][b]: current from region b into region a. */
  currents: number[][];
  regions: MultiregionRegionState[];
  /**
   * Whether the DMFT run settles on this state: its end currents are within REACH_TOL * max(1, max |S|) of
   * it, up to S -> -S, and changed by less than that over the last 10 % of the run (finalDrift).
   */
  reachedByDmft: boolean;
  diagnostics: Diagnostics;
}

export interface MultiregionTheoryResult {
  kind: 'multiregion';
  P: number;
  dmft: {
    dt: number;
    Nt: number;
    /** Spacing of the recorded series (time units). */
    sampleEvery: number;
    time: number[];
    /** currents[a][b][sample] = S^{ab}(t) */
    currents: number[][][];
    /** variance[a][sample] = Delta^a(t, t) */
    variance: number[][];
    /** gain[a][sample] = psi^a(t) */
    gain: number[][];
    final: { currents: number[][]; variance: number[]; gain: number[] };
    /** Largest change of the currents over the last 10 % of the run (0 at a fixed point). */
    finalDrift: number;
    slices: { tRef: number; tau: number[]; delta: number[][]; normalized: number[][] }[];
    /** What the run did (spec 02 §9 rule, ./classify.ts), from the normalised slice at the middle of the run. */
    outcome: {
      /** The most dynamic of the regions' outcomes (fixed-point < fixed-point+chaos < limit-cycle < chaos). */
      overall: DmftOutcome;
      regions: { outcome: DmftOutcome; std: number; peaks: number; peakSpacing: number | null; last: number }[];
      /** Period of the currents' oscillation over the second half of the run; null when they do not oscillate. */
      period: number | null;
      /** Reference time of the classified slice and the longest lag it covers (at most half the window). */
      tRef: number;
      tauMax: number;
    };
    diagnostics: MultiregionDmftResult['diagnostics'];
  };
  prediction: {
    outcome: PredictedOutcome;
    lambda: { re: number; im: number };
    mu: { re: number; im: number };
    psi0: number[];
    growthRate: number;
    frequency: number;
  } | null;
  solutions: MultiregionSolution[];
  diagnostics: { seconds: number; notes: string[] };
}

/**
 * Distance (relative to max(1, max |S|)) within which the DMFT end state counts as having reached a
 * stationary state. The Euler DMFT's stationary currents differ from the continuum ones by O(dt) in
 * chaotic states (spec 02 §3.4: a few 1e-5 at dt = 0.05; observed 1e-6 for P = 2, g = 1.75), and
 * distinct stationary states differ by O(1), so 1e-3 separates the two cases with margin on both sides.
 */
const REACH_TOL = 1e-3;
/** Largest change of the currents over the last 10 % of the run below which no "still changes" note is written. */
const DRIFT_TOL = 1e-6;

const scaleOf = (S: ArrayLike<number>) => Math.max(1, ...Array.from(S, Math.abs));

const nested = (flat: ArrayLike<number>, P: number): number[][] => Array.from({ length: P }, (_, a) => Array.from({ length: P }, (_, b) => flat[a * P + b]));

const ORDER: DmftOutcome[] = ['fixed-point', 'fixed-point+chaos', 'limit-cycle', 'chaos'];

function classifyRun(res: MultiregionDmftResult, step: number, P: number): MultiregionTheoryResult['dmft']['outcome'] {
  const full = res.slices[res.slices.length - 1];
  // lags near the window edge carry the truncation error (spec 02 §3.3: ~exp(-kappa (b dt - tau))): classify
  // on the lags up to half the window, where it is below exp(-kappa b dt / 2)
  const w = res.diagnostics.settings.window;
  const keep = w === null ? full.tau.length : full.tau.filter((t) => t <= w / 2 + 1e-9).length;
  const slice = { tau: full.tau.subarray(0, keep), normalized: full.normalized.map((y) => y.subarray(0, keep)) };
  // the period from every grid step (not the recorded subsample), over the second half of the run
  const all = Array.from({ length: res.Nt }, (_, k) => k);
  const currents = Array.from({ length: P }, (_, a) => Array.from({ length: P }, (_, b) => all.map((k) => res.S[k][a * P + b])));
  const period = currentPeriod(res.t, currents);
  const regions = slice.normalized.map((y) => {
    const c = classifySlice(slice.tau, y, period);
    return { outcome: c.outcome, std: c.std, peaks: c.peaks.length, peakSpacing: c.peakSpacing, last: c.last };
  });
  const overall = ORDER[Math.max(...regions.map((r) => ORDER.indexOf(r.outcome)))];
  return { overall, regions, period, tRef: res.t[step], tauMax: slice.tau[slice.tau.length - 1] };
}

interface MultiregionSetup {
  t0: number;
  P: number;
  params: MultiregionParams;
  phi: GaussianPhi;
  notes: string[];
  classStep: number;
  userSteps: number[];
  dmft: MultiregionDmftOptions;
}

/** What the theory of a multiregion spec needs before its DMFT run (validated phi, parameters, DMFT options). */
function setupMultiregion(model: MultiregionModel, spec: Spec): MultiregionSetup {
  const t0 = performance.now();
  const def = getPhi(model.phi);
  if (!def.odd) {
    throw new Error(
      `dmftlab: model.phi: got "${model.phi}", which is not odd; the multiregion theory (spec 02) assumes zero-mean fields, ` +
        'which needs an odd phi (simulations work with any phi)',
    );
  }
  const quadrature = spec.theory.quadrature;
  const phi = gaussianPhiFor(def, { quadrature });
  const dm = spec.theory.dmft;
  if (!dm) throw new Error('dmftlab: theory.dmft is missing (parseSpec fills it for multiregion specs)');
  const input = inputScheduleFromModel(model) ?? undefined;
  const Nt = Math.round(dm.duration / dm.dt) + 1;
  // the slice for the classification: the middle of the run (its lags reach the window or the end)
  const classStep = Math.floor((Nt - 1) / 2);
  const userSteps = dm.refTimes.map((t) => Math.round(t / dm.dt));
  return {
    t0,
    P: model.P,
    params: multiregionParamsFromModel(model),
    phi,
    notes: [],
    classStep,
    userSteps,
    dmft: {
      dt: dm.dt,
      Nt,
      window: dm.window,
      Sinit: model.start.S.flat(),
      sigma0: model.start.sigma0,
      input,
      refSteps: [...userSteps, classStep],
      checkWindow: dm.checkWindow,
      phi: def,
      quadrature,
    },
  };
}

/** Solve the theory of a validated multiregion spec (the DMFT on the calling thread). */
export function solveMultiregion(model: MultiregionModel, spec: Spec): MultiregionTheoryResult {
  const su = setupMultiregion(model, spec);
  return finishMultiregion(model, spec, su, solveMultiregionDmft(su.params, su.dmft));
}

/** The same theory with the DMFT on up to `run.threads` pool threads (./dmft-async.ts), cancellable. */
export async function solveMultiregionAsync(model: MultiregionModel, spec: Spec, run: DmftRunOptions = {}): Promise<MultiregionTheoryResult> {
  const su = setupMultiregion(model, spec);
  return finishMultiregion(model, spec, su, await solveMultiregionDmftAsync(su.params, { ...su.dmft, ...run }));
}

function finishMultiregion(model: MultiregionModel, spec: Spec, su: MultiregionSetup, res: MultiregionDmftResult): MultiregionTheoryResult {
  const { t0, P, params, phi, notes, classStep, userSteps } = su;
  const dm = spec.theory.dmft!;
  const Nt = su.dmft.Nt;

  // recorded series, on the simulation's sampling grid where it fits the DMFT's
  const stride = Math.max(1, Math.round(spec.simulation.sampleEvery / dm.dt));
  const ks: number[] = [];
  for (let k = 0; k < Nt; k += stride) ks.push(k);
  if (ks[ks.length - 1] !== Nt - 1) ks.push(Nt - 1);
  const last = Nt - 1;
  const back = Math.max(0, Math.round(0.9 * last));
  let drift = 0;
  for (let k = back; k <= last; k++) for (let j = 0; j < P * P; j++) drift = Math.max(drift, Math.abs(res.S[k][j] - res.S[last][j]));
  const dmft: MultiregionTheoryResult['dmft'] = {
    dt: dm.dt,
    Nt,
    sampleEvery: stride * dm.dt,
    time: ks.map((k) => res.t[k]),
    currents: Array.from({ length: P }, (_, a) => Array.from({ length: P }, (_, b) => ks.map((k) => res.S[k][a * P + b]))),
    variance: Array.from({ length: P }, (_, a) => ks.map((k) => res.D[k][a])),
    gain: Array.from({ length: P }, (_, a) => ks.map((k) => res.psi[k][a])),
    final: { currents: nested(res.S[last], P), variance: Array.from(res.D[last]), gain: Array.from(res.psi[last]) },
    finalDrift: drift,
    slices: res.slices.slice(0, userSteps.length).map((s) => ({
      tRef: s.tRef,
      tau: Array.from(s.tau),
      delta: s.delta.map((d) => Array.from(d)),
      normalized: s.normalized.map((d) => Array.from(d)),
    })),
    outcome: classifyRun(res, classStep, P),
    diagnostics: res.diagnostics,
  };
  if (res.diagnostics.converged === false) notes.push('the DMFT window check failed: raise theory.dmft.window');

  // the linear prediction (spec 02 §6.2); needs within-region disorder only
  let prediction: MultiregionTheoryResult['prediction'] = null;
  try {
    const o = predictOutcome(params, { phi });
    prediction = {
      outcome: o.prediction,
      lambda: { re: o.lambda.re, im: o.lambda.im },
      mu: { re: o.mu.re, im: o.mu.im },
      psi0: Array.from(o.psi0),
      growthRate: o.growthRate,
      frequency: o.frequency,
    };
  } catch (e) {
    notes.push(`no linear prediction: ${(e as Error).message}`);
  }

  // stationary states from the DMFT end state (and its constant input, if the schedule ends constant)
  const solutions: MultiregionSolution[] = [];
  const lastInput = model.input ? res.input!.Itilde[last] : undefined;
  try {
    const st = solveStationary(params, [res.S[last]], { input: lastInput, phi });
    for (const s of st.solutions) {
      let gap = 0;
      for (let j = 0; j < P * P; j++) gap = Math.max(gap, Math.min(Math.abs(s.S[j] - res.S[last][j]), Math.abs(s.S[j] + res.S[last][j])));
      solutions.push({
        type: s.regions.some((r) => r.regime === 'chaotic') ? 'chaotic' : 'static',
        currents: nested(s.S, P),
        regions: s.regions.map((r) => ({
          regime: r.regime,
          A: r.A,
          delta0: r.delta0,
          deltaInf: r.deltaInf,
          psi: r.psi,
          margin: r.margin,
          kappa: Number.isFinite(r.kappa) ? r.kappa : null,
        })),
        // a slow approach (critical slowing down near transitions, spec 02 §3.4) still counts once the end
        // state is within the tolerance and moving less than it; a limit cycle's drift is its amplitude
        reachedByDmft: s.converged && gap < REACH_TOL * scaleOf(s.S) && drift < REACH_TOL * scaleOf(s.S),
        diagnostics: {
          residual: s.residual,
          iterations: s.iterations,
          converged: s.converged,
          method: `newton from the DMFT end state (${st.settings.method})`,
          details: { consistent: s.consistent, distanceFromDmftEnd: gap, ...(s.message ? { message: s.message } : {}) },
        },
      });
    }
  } catch (e) {
    notes.push(`no stationary solve: ${(e as Error).message}`);
  }
  if (drift >= DRIFT_TOL) notes.push(`the DMFT currents still change by ${drift.toExponential(2)} over the last 10 % of the run: not (yet) at a fixed point`);
  return { kind: 'multiregion', P, dmft, prediction, solutions, diagnostics: { seconds: (performance.now() - t0) / 1000, notes } };
}
