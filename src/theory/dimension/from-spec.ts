/**
 * The dimension theory of a spec (spec 03 §3, §5.3): PR^x/N and PR^phi/N for the model's g, phi and effective
 * rank rho, for the dynamics the simulation integrates. The simulation's integrator decides which theory
 * applies: forward Euler with step dt is the Euler map with delta = dt (spec 03 §1, §2.4; at dt = 0.1 its PR
 * is 4.5 % above the flow's at g = 2 and 2.4 % at g = 3), Heun and RK4 integrate the flow (their step errors are O(dt^2) and O(dt^4)).
 */
import type { SimulationSettings } from '../../spec/types.js';
import { prFlow, prMap, prAtRho, type PrResult } from './pr.js';
import { UnsupportedPhiError, type DimensionDiagnostics } from './dmft.js';
import { getPhi } from '../../phi.js';

export interface DimensionTheory {
  /** 'flow' (method heun or rk4) or 'map' (method euler: the Euler map with delta = simulation.dt). */
  dynamics: 'flow' | 'map';
  /** The map step delta (= simulation.dt); null for the flow. */
  delta: number | null;
  /** Effective rank per unit rho = PR^D / N of the coupling spectrum; null for i.i.d. couplings (rho = infinity). */
  rho: number | null;
  /** PR^x / N and PR^phi / N at this g and rho (N -> infinity). */
  prX: number;
  prPhi: number;
  /** The same for i.i.d. couplings at the same g (rho = infinity; equal to prX, prPhi when rho is null). */
  prXiid: number;
  prPhiIid: number;
  /** C^x(0) = q and C^phi(0) of the single-site solution (the simulation's Tr C / N estimates them). */
  cx0: number;
  cphi0: number;
  diagnostics: DimensionDiagnostics;
}

/**
 * The dimension theory for coupling g, nonlinearity phi and effective rank rho (Infinity: i.i.d.), for the
 * integrator of `sim`. Returns null with a reason when the theory does not apply (g <= 1: no chaotic state;
 * a phi that is not odd and bounded).
 */
export function dimensionTheory(g: number, phi: string, rho: number, sim: Pick<SimulationSettings, 'method' | 'dt'>): { theory: DimensionTheory | null; note: string | null } {
  if (!(g > 1)) return { theory: null, note: 'no dimension: for g <= 1 the network has no chaotic state (x = 0 is stable)' };
  if (getPhi(phi).bound === undefined) return { theory: null, note: `no dimension: phi "${phi}" is unbounded, so for g > 1 there is no chaotic state (the activity diverges)` };
  const map = sim.method === 'euler';
  let pr: PrResult;
  try {
    pr = map ? prMap(g, sim.dt, { phi, rho }) : prFlow(g, { phi, rho });
  } catch (e) {
    if (e instanceof UnsupportedPhiError) return { theory: null, note: `no dimension: ${e.message}` };
    throw e;
  }
  const iid = Number.isFinite(rho) ? prAtRho(pr.pieces, Infinity) : pr;
  return {
    theory: {
      dynamics: map ? 'map' : 'flow',
      delta: map ? sim.dt : null,
      rho: Number.isFinite(rho) ? rho : null,
      prX: pr.prX,
      prPhi: pr.prPhi,
      prXiid: iid.prX,
      prPhiIid: iid.prPhi,
      cx0: pr.pieces.cx0,
      cphi0: pr.pieces.cphi0,
      diagnostics: pr.diagnostics,
    },
    note: null,
  };
}
