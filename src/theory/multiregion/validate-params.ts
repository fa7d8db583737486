/**
 * Input checks for the multiregion theory (spec 02). Every error names the field, the value and the valid
 * range. Shared by hat.ts, currents.ts, stationary.ts, symmetric.ts and attractor.ts.
 */
import type { MultiregionParams } from './types.js';

function fail(where: string, field: string, value: unknown, valid: string): never {
  throw new RangeError(`${where}: ${field} = ${String(value)} is out of range; valid: ${valid}`);
}

/** Checks an integer count. */
export function checkInteger(where: string, field: string, v: number, lo: number, hi = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < lo || v > hi) fail(where, field, v, `integer in [${lo}, ${hi}]`);
}

/** Checks a finite number in [lo, hi] (either end may be infinite). */
export function checkNumber(where: string, field: string, v: number, lo = -Infinity, hi = Infinity): void {
  if (!Number.isFinite(v) || v < lo || v > hi) fail(where, field, v, `finite number in [${lo}, ${hi}]`);
}

/** An optional numeric option: its default when undefined, else checked to be finite in [lo, hi]. */
export function numberOption(where: string, field: string, v: number | undefined, dflt: number, lo = -Infinity, hi = Infinity): number {
  const x = v ?? dflt;
  checkNumber(where, field, x, lo, hi);
  return x;
}

/** An optional integer option: its default when undefined, else checked to be an integer in [lo, hi]. */
export function integerOption(where: string, field: string, v: number | undefined, dflt: number, lo: number, hi = Number.MAX_SAFE_INTEGER): number {
  const x = v ?? dflt;
  checkInteger(where, field, x, lo, hi);
  return x;
}

/** Checks a finite number > lo. */
export function checkAbove(where: string, field: string, v: number, lo: number): void {
  if (!Number.isFinite(v) || !(v > lo)) fail(where, field, v, `finite number > ${lo}`);
}

/** Checks an array of finite numbers of the given length (entries in [lo, hi]). */
export function checkVector(where: string, field: string, v: ArrayLike<number> | null | undefined, n: number, lo = -Infinity, hi = Infinity): void {
  if (!v || typeof v.length !== 'number') fail(where, field, v, `array of ${n} finite numbers`);
  if (v.length !== n) throw new RangeError(`${where}: ${field} has length ${v.length}; valid: ${n}`);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (!Number.isFinite(x) || x < lo || x > hi) fail(where, `${field}[${i}]`, x, `finite number in [${lo}, ${hi}]`);
  }
}

/**
 * Checks MultiregionParams: P >= 1; T, U of length P^3; each U[a] symmetric (to 1e-12 relative) and positive
 * definite (Cholesky); g >= 0 (length P); G2 >= 0 (P^2) with G2[a][a] = g_a^2 if given; V of length P^2 if
 * given; v2 >= 0 (length P).
 */
export function checkParams(p: MultiregionParams, where: string): void {
  if (!p || typeof p !== 'object') throw new TypeError(`${where}: params must be a MultiregionParams object`);
  checkInteger(where, 'params.P', p.P, 1, 64);
  const P = p.P;
  checkVector(where, 'params.T', p.T, P * P * P);
  checkVector(where, 'params.U', p.U, P * P * P);
  checkVector(where, 'params.g', p.g, P, 0);
  checkVector(where, 'params.v2', p.v2, P, 0);
  if (p.V !== null && p.V !== undefined) checkVector(where, 'params.V', p.V, P * P);
  if (p.G2 !== null && p.G2 !== undefined) {
    checkVector(where, 'params.G2', p.G2, P * P, 0);
    for (let a = 0; a < P; a++) {
      const d = p.G2[a * P + a];
      const g2 = p.g[a] * p.g[a];
      if (Math.abs(d - g2) > 1e-12 * Math.max(1, g2)) fail(where, `params.G2[${a * P + a}]`, d, `g[${a}]^2 = ${g2} (the diagonal is the within-region disorder)`);
    }
  }
  for (let a = 0; a < P; a++) {
    const base = a * P * P;
    // symmetric and positive definite (Cholesky)
    const L = new Float64Array(P * P);
    for (let i = 0; i < P; i++) {
      for (let j = 0; j < P; j++) {
        const x = p.U[base + i * P + j];
        const y = p.U[base + j * P + i];
        if (Math.abs(x - y) > 1e-12 * Math.max(1, Math.abs(x), Math.abs(y))) {
          fail(where, `params.U[${base + i * P + j}]`, x, `U[${a}] symmetric: equal to U[${base + j * P + i}] = ${y}`);
        }
      }
      for (let j = 0; j <= i; j++) {
        let s = p.U[base + i * P + j];
        for (let k = 0; k < j; k++) s -= L[i * P + k] * L[j * P + k];
        if (i === j) {
          if (!(s > 0)) fail(where, `params.U (block a = ${a})`, `pivot ${s} at row ${i}`, 'each U[a] positive definite');
          L[i * P + i] = Math.sqrt(s);
        } else L[i * P + j] = s / L[j * P + j];
      }
    }
  }
}

/** True when some off-diagonal G2 entry (cross-region disorder) is non-zero. */
export function hasCrossDisorder(p: MultiregionParams): boolean {
  if (!p.G2) return false;
  for (let a = 0; a < p.P; a++) for (let b = 0; b < p.P; b++) if (a !== b && p.G2[a * p.P + b] !== 0) return true;
  return false;
}

/** Checks a current matrix S (length P^2, finite). */
export function checkCurrents(where: string, field: string, S: ArrayLike<number>, P: number): void {
  checkVector(where, field, S, P * P);
}

/** Checks an optional constant filtered input I~ (length P, finite). */
export function checkInput(where: string, input: ArrayLike<number> | undefined, P: number): void {
  if (input !== undefined) checkVector(where, 'input', input, P);
}
