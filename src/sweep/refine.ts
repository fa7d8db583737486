/**
 * Boundary refinement of a sweep (docs/SWEEP.md, "Refinement"): after the base grid, bisect every pair of
 * neighbours along a grid line whose refinement metric differs, level by level. Pure: the refined points
 * of a level depend only on the metric values of the base points and of the earlier levels, so they are
 * as deterministic as those results.
 */
import { pointCount, pointCoordIndices, pointCoords, routeOf, type Sweep } from './sweep.js';

/** A point added by refinement: it lies on a base grid line along `axis` (every other coordinate is a base value). */
export interface RefinedPoint {
  index: number;
  coords: number[];
  /** 1 .. refine.levels. */
  level: number;
  /** The axis it bisects (index into `axes`). */
  axis: number;
}

/** A unit of refined points computed together: one point, or (continuation route) one row of g with its ladder. */
export interface RefinedUnit {
  points: RefinedPoint[];
  /** Continuation route: the increasing g values solved by lowrank.sweep; every point's g is among them. */
  ladder?: number[];
}

const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/**
 * The points of refinement level `level`, given the points of the earlier levels (`earlier`, every level
 * below `level`) and `value(index)`, the metric of a base or earlier point (undefined if not computed yet:
 * then this throws, the level cannot be decided). Indices continue from `firstIndex`. Order: by axis, then
 * line (by the smallest base index on it), then coordinate.
 */
export function refineLevel(s: Sweep, earlier: readonly RefinedPoint[], value: (index: number) => number | undefined, level: number, firstIndex: number): RefinedPoint[] {
  const out: RefinedPoint[] = [];
  const n = pointCount(s);
  const get = (index: number) => {
    const v = value(index);
    if (v === undefined) throw new RangeError(`refinement level ${level}: point ${index} has no result yet`);
    return v;
  };
  for (const a of s.refine?.axes ?? []) {
    // lines along axis a, keyed by the other coordinates' value indices, in order of their first base point
    const lines = new Map<string, { x: number; index: number }[]>();
    const keyOf = (c: number[]) => c.filter((_, b) => b !== a).join(',');
    for (let p = 0; p < n; p++) {
      const key = keyOf(pointCoordIndices(s, p));
      let line = lines.get(key);
      if (!line) lines.set(key, (line = []));
      line.push({ x: s.axes[a].values[pointCoordIndices(s, p)[a]], index: p });
    }
    if (earlier.some((q) => q.axis === a)) {
      // an earlier refined point's other coordinates are base values: find their indices
      const pos = s.axes.map((ax) => new Map(ax.values.map((v, k) => [v, k])));
      for (const q of earlier) {
        if (q.axis !== a) continue;
        const key = q.coords.map((v, b) => (b === a ? -1 : pos[b].get(v)!)).filter((_, b) => b !== a).join(',');
        lines.get(key)!.push({ x: q.coords[a], index: q.index });
      }
    }
    for (const line of lines.values()) {
      line.sort((u, v) => u.x - v.x);
      const base = pointCoords(s, line.find((u) => u.index < n)!.index);
      for (let k = 1; k < line.length; k++) {
        const lo = line[k - 1];
        const hi = line[k];
        if (same(get(lo.index), get(hi.index))) continue;
        const mid = (lo.x + hi.x) / 2;
        if (!(mid > lo.x && mid < hi.x)) continue; // neighbours one float apart: nothing between them
        const coords = base.slice();
        coords[a] = mid;
        out.push({ index: firstIndex + out.length, coords, level, axis: a });
      }
    }
  }
  return out;
}

/**
 * The work units of one refinement level. Route `lowrank-continuation`: the points that share every
 * coordinate but g form one unit, solved by continuation over the ladder of the base g values up to the
 * largest g of the unit together with the g of every refined point (earlier levels and this one) on the
 * same row; otherwise one point per unit. Units are in the order of their first point.
 */
export function refinedUnits(s: Sweep, points: readonly RefinedPoint[], earlier: readonly RefinedPoint[]): RefinedUnit[] {
  const gAxis = routeOf(s) === 'lowrank-continuation' ? s.axes.findIndex((a) => a.field === 'model.g') : -1;
  if (gAxis < 0) return points.map((p) => ({ points: [p] }));
  const rowKey = (c: readonly number[]) => c.filter((_, b) => b !== gAxis).join(',');
  const rows = new Map<string, RefinedPoint[]>();
  for (const p of points) {
    const key = rowKey(p.coords);
    const row = rows.get(key);
    if (row) row.push(p);
    else rows.set(key, [p]);
  }
  const baseG = s.axes[gAxis].values;
  return [...rows.entries()].map(([key, pts]) => {
    const top = Math.max(...pts.map((p) => p.coords[gAxis]));
    const gs = new Set<number>(baseG.filter((g) => g <= top));
    for (const q of [...earlier, ...pts]) if (rowKey(q.coords) === key && q.coords[gAxis] <= top) gs.add(q.coords[gAxis]);
    return { points: pts, ladder: [...gs].sort((x, y) => x - y) };
  });
}
