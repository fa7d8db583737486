/** Non-finite numbers are not JSON: write them as null (a finite-looking number is never invented). */
export function jsonReplacer(_k: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  if (v instanceof Float64Array || v instanceof Float32Array) return Array.from(v);
  return v;
}
