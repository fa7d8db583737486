/** Library version (a test checks it against package.json). */
export const VERSION = '0.1.0';
/** Version of the spec format this library reads and of the JSON it writes. */
export const FORMAT_VERSION = 1;

/** 'node' | 'deno' | 'browser', with the runtime's version when known. */
export function runtimeInfo(): { runtime: string; version: string } {
  const g = globalThis as unknown as {
    Deno?: { version?: { deno?: string } };
    process?: { versions?: { node?: string } };
    navigator?: { userAgent?: string };
  };
  if (g.Deno) return { runtime: 'deno', version: g.Deno.version?.deno ?? 'unknown' };
  if (g.process?.versions?.node) return { runtime: 'node', version: g.process.versions.node };
  return { runtime: 'browser', version: g.navigator?.userAgent ?? 'unknown' };
}
