// Key paths of a JSON value, as docs/OUTPUT.md writes them (shared by output-doc.test.ts and sweep.test.ts).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export const isObject = (v: Json): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);
const holdsObject = (v: Json): boolean => isObject(v) || (Array.isArray(v) && v.some(holdsObject));

/**
 * Every key path under `v`: objects are descended; arrays that hold objects are descended as `path[]`;
 * anything else (a number, a string, a boolean, null, an empty object, an array of numbers or strings at any
 * depth) is a leaf and its path is recorded.
 */
export function keyPaths(v: Json, path = '', out = new Set<string>()): Set<string> {
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0 && path) out.add(path);
    for (const k of keys) keyPaths(v[k], path ? `${path}.${k}` : k, out);
  } else if (Array.isArray(v) && holdsObject(v)) {
    for (const x of v) keyPaths(x, `${path}[]`, out);
  } else if (path) {
    out.add(path);
  }
  return out;
}
