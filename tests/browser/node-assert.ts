// A small stand-in for `node:assert/strict` (and `node:assert`) in the browser; scripts/test-browser.mjs
// aliases both to tests/browser/node-assert-strict.ts and tests/browser/node-assert-legacy.ts, which
// export makeAssert(true) and makeAssert(false). It implements the methods the portable tests use (ok,
// equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual, deepStrictEqual,
// notDeepStrictEqual, throws, doesNotThrow, rejects, doesNotReject, match, doesNotMatch, fail, ifError),
// with Node's semantics: in strict mode equal is Object.is and deepEqual is deepStrictEqual (same
// prototypes, Object.is on primitives); throws/rejects accept a RegExp (tested against String(error)),
// an Error class, a validation function or an object whose properties must match. tests/test-api.test.ts
// checks the shims against expectations taken from Node 20.

export class AssertionError extends Error {
  readonly code = 'ERR_ASSERTION';
  actual: unknown;
  expected: unknown;
  operator: string;
  generatedMessage: boolean;
  constructor(o: { message?: string | Error; actual?: unknown; expected?: unknown; operator: string; generated: string }) {
    super(typeof o.message === 'string' ? o.message : o.generated);
    this.name = 'AssertionError';
    this.actual = o.actual;
    this.expected = o.expected;
    this.operator = o.operator;
    this.generatedMessage = o.message === undefined;
  }
}

function show(v: unknown, depth = 0): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'function') return `[Function: ${v.name || 'anonymous'}]`;
  if (v === null || typeof v !== 'object') return String(v);
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  if (v instanceof RegExp || v instanceof Date) return String(v);
  if (depth > 2) return Array.isArray(v) ? '[Array]' : '[Object]';
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = Array.from(v as unknown as ArrayLike<number>);
    return `${v.constructor.name}(${a.length}) [${a.slice(0, 20).map((x) => show(x)).join(', ')}${a.length > 20 ? ', ...' : ''}]`;
  }
  if (Array.isArray(v)) return `[${v.slice(0, 30).map((x) => show(x, depth + 1)).join(', ')}${v.length > 30 ? ', ...' : ''}]`;
  if (v instanceof Map) return `Map(${v.size}) {${[...v].map(([k, x]) => `${show(k, depth + 1)} => ${show(x, depth + 1)}`).join(', ')}}`;
  if (v instanceof Set) return `Set(${v.size}) {${[...v].map((x) => show(x, depth + 1)).join(', ')}}`;
  const keys = Object.keys(v);
  return `{${keys.slice(0, 30).map((k) => `${k}: ${show((v as Record<string, unknown>)[k], depth + 1)}`).join(', ')}${keys.length > 30 ? ', ...' : ''}}`;
}

const tag = (v: object) => Object.prototype.toString.call(v);
const ownKeys = (v: object) => [...Object.keys(v), ...Object.getOwnPropertySymbols(v).filter((s) => Object.prototype.propertyIsEnumerable.call(v, s))];

/** Node's isDeepStrictEqual (strict) or isDeepEqual (loose), for the values tests compare. */
export function isDeepEqual(a: unknown, b: unknown, strict: boolean, seen = new Map<object, object>()): boolean {
  if (strict ? Object.is(a, b) : a == b || (a !== a && b !== b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return false;
  }
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (tag(a) !== tag(b)) return false;
  if (seen.get(a) === b) return true; // cycles
  seen.set(a, b);
  if (a instanceof Date && b instanceof Date) {
    if (a.getTime() !== b.getTime()) return false;
  } else if (a instanceof RegExp && b instanceof RegExp) {
    if (a.source !== b.source || a.flags !== b.flags || a.lastIndex !== b.lastIndex) return false;
  } else if (a instanceof Error && b instanceof Error) {
    if (a.message !== b.message || a.name !== b.name) return false;
  } else if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (a.byteLength !== b.byteLength || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) {
      if (strict ? !Object.is(x[i], y[i]) : x[i] !== y[i]) return false; // as Node 20
    }
    const xk = Object.keys(a).filter((k) => !/^\d+$/.test(k));
    const yk = Object.keys(b).filter((k) => !/^\d+$/.test(k));
    if (xk.length !== yk.length) return false;
    return xk.every((k) => isDeepEqual((a as never)[k], (b as never)[k], strict, seen));
  } else if (a instanceof ArrayBuffer && b instanceof ArrayBuffer) {
    return isDeepEqual(new Uint8Array(a), new Uint8Array(b), strict, seen);
  } else if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    const rest = [...b];
    for (const [k, v] of a) {
      const i = b.has(k) && isDeepEqual(v, b.get(k), strict, seen) ? rest.findIndex(([k2]) => Object.is(k2, k)) : rest.findIndex(([k2, v2]) => isDeepEqual(k, k2, strict, seen) && isDeepEqual(v, v2, strict, seen));
      if (i < 0) return false;
      rest.splice(i, 1);
    }
  } else if (a instanceof Set && b instanceof Set) {
    if (a.size !== b.size) return false;
    const rest = [...b];
    for (const v of a) {
      const i = b.has(v) ? rest.findIndex((w) => Object.is(w, v)) : rest.findIndex((w) => isDeepEqual(v, w, strict, seen));
      if (i < 0) return false;
      rest.splice(i, 1);
    }
  } else if (Array.isArray(a) !== Array.isArray(b)) {
    return false;
  } else if (a instanceof Number || a instanceof String || a instanceof Boolean) {
    if (!Object.is(a.valueOf(), (b as Number | String | Boolean).valueOf())) return false;
  }
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return false;
  const ka = strict ? ownKeys(a) : Object.keys(a);
  const kb = strict ? ownKeys(b) : Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.propertyIsEnumerable.call(b, k)) return false;
    if (!isDeepEqual((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k], strict, seen)) return false;
  }
  return true;
}

type Msg = string | Error | undefined;
type Expected = RegExp | Function | Record<string, unknown> | Error | string | undefined;

function raise(message: Msg, generated: string, operator: string, actual?: unknown, expected?: unknown): never {
  if (message instanceof Error) throw message;
  throw new AssertionError({ message, generated, operator, actual, expected });
}

const isErrorClass = (f: Function) => f === Error || Error.isPrototypeOf(f);

/** Node's expectedException: does `err` match `expected`? Throws an AssertionError if not. */
function check(err: unknown, expected: Expected, message: Msg, fnName: string): void {
  if (expected === undefined) return;
  if (expected instanceof RegExp) {
    const s = String(err);
    if (expected.test(s)) return;
    raise(message, `The input did not match the regular expression ${expected}. Input:\n\n${show(s)}\n`, fnName, err, expected);
  }
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && err instanceof (expected as new () => unknown)) return;
    if (isErrorClass(expected)) {
      raise(message, `The error is expected to be an instance of "${expected.name}". Received ${show(err)}`, fnName, err, expected);
    }
    const r = (expected as (e: unknown) => unknown)(err);
    if (r !== true) raise(message, `The ${expected.name ? `"${expected.name}" ` : ''}validation function is expected to return "true". Received ${show(r)}\n\nCaught error:\n\n${show(err)}`, fnName, err, expected);
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    const keys = expected instanceof Error ? ['name', 'message', ...Object.keys(expected)] : Object.keys(expected);
    for (const k of keys) {
      const want = (expected as Record<string, unknown>)[k];
      const got = err !== null && typeof err === 'object' ? (err as Record<string, unknown>)[k] : undefined;
      if (want instanceof RegExp && typeof got === 'string' && want.test(got)) continue;
      if (!isDeepEqual(got, want, true)) {
        raise(message, `Expected values to be strictly deep-equal at ${k}:\n  actual:   ${show(got)}\n  expected: ${show(want)}`, fnName, err, expected);
      }
    }
  }
}

const NOT_THROWN = Symbol('not thrown');

export function makeAssert(strict: boolean) {
  const eq = (a: unknown, b: unknown) => (strict ? Object.is(a, b) : a == b || (a !== a && b !== b));
  const ok = (value: unknown, message?: Msg): void => {
    if (!value) raise(message, `The expression evaluated to a falsy value:\n\n  assert.ok(${show(value)})\n`, '==', value, true);
  };
  const strictEqual = (actual: unknown, expected: unknown, message?: Msg) => {
    if (!Object.is(actual, expected)) raise(message, `Expected values to be strictly equal:\n\n${show(actual)} !== ${show(expected)}\n`, 'strictEqual', actual, expected);
  };
  const notStrictEqual = (actual: unknown, expected: unknown, message?: Msg) => {
    if (Object.is(actual, expected)) raise(message, `Expected "actual" to be strictly unequal to: ${show(expected)}`, 'notStrictEqual', actual, expected);
  };
  const deepStrictEqual = (actual: unknown, expected: unknown, message?: Msg) => {
    if (!isDeepEqual(actual, expected, true)) raise(message, `Expected values to be strictly deep-equal:\n+ actual - expected\n\n+ ${show(actual)}\n- ${show(expected)}\n`, 'deepStrictEqual', actual, expected);
  };
  const notDeepStrictEqual = (actual: unknown, expected: unknown, message?: Msg) => {
    if (isDeepEqual(actual, expected, true)) raise(message, `Expected "actual" not to be strictly deep-equal to: ${show(expected)}`, 'notDeepStrictEqual', actual, expected);
  };
  const api = {
    AssertionError,
    ok,
    strictEqual,
    notStrictEqual,
    deepStrictEqual,
    notDeepStrictEqual,
    equal(actual: unknown, expected: unknown, message?: Msg) {
      if (!eq(actual, expected)) raise(message, `Expected values to be ${strict ? 'strictly ' : 'loosely '}equal:\n\n${show(actual)} ${strict ? '!==' : '!='} ${show(expected)}\n`, strict ? 'strictEqual' : '==', actual, expected);
    },
    notEqual(actual: unknown, expected: unknown, message?: Msg) {
      if (eq(actual, expected)) raise(message, `Expected "actual" to be ${strict ? 'strictly ' : 'loosely '}unequal to: ${show(expected)}`, strict ? 'notStrictEqual' : '!=', actual, expected);
    },
    deepEqual(actual: unknown, expected: unknown, message?: Msg) {
      if (!isDeepEqual(actual, expected, strict)) raise(message, `Expected values to be ${strict ? 'strictly' : 'loosely'} deep-equal:\n+ actual - expected\n\n+ ${show(actual)}\n- ${show(expected)}\n`, strict ? 'deepStrictEqual' : 'deepEqual', actual, expected);
    },
    notDeepEqual(actual: unknown, expected: unknown, message?: Msg) {
      if (isDeepEqual(actual, expected, strict)) raise(message, `Expected "actual" not to be ${strict ? 'strictly' : 'loosely'} deep-equal to: ${show(expected)}`, strict ? 'notDeepStrictEqual' : 'notDeepEqual', actual, expected);
    },
    match(s: string, re: RegExp, message?: Msg) {
      if (typeof s !== 'string' || !re.test(s)) raise(message, `The input did not match the regular expression ${re}. Input:\n\n${show(s)}\n`, 'match', s, re);
    },
    doesNotMatch(s: string, re: RegExp, message?: Msg) {
      if (typeof s !== 'string' || re.test(s)) raise(message, `The input was expected to not match the regular expression ${re}. Input:\n\n${show(s)}\n`, 'doesNotMatch', s, re);
    },
    throws(fn: () => unknown, expected?: Expected, message?: Msg) {
      if (typeof expected === 'string') [message, expected] = [expected, undefined];
      let err: unknown = NOT_THROWN;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      if (err === NOT_THROWN) raise(message, `Missing expected exception${expected && typeof expected === 'function' && expected.name ? ` (${expected.name})` : ''}.`, 'throws', undefined, expected);
      check(err, expected, message, 'throws');
    },
    doesNotThrow(fn: () => unknown, message?: Msg) {
      try {
        fn();
      } catch (e) {
        raise(typeof message === 'string' ? message : undefined, `Got unwanted exception.\nActual message: "${(e as Error)?.message ?? e}"`, 'doesNotThrow', e);
      }
    },
    async rejects(p: Promise<unknown> | (() => Promise<unknown>), expected?: Expected, message?: Msg) {
      if (typeof expected === 'string') [message, expected] = [expected, undefined];
      let err: unknown = NOT_THROWN;
      try {
        await (typeof p === 'function' ? p() : p);
      } catch (e) {
        err = e;
      }
      if (err === NOT_THROWN) raise(message, `Missing expected rejection${expected && typeof expected === 'function' && expected.name ? ` (${expected.name})` : ''}.`, 'rejects', undefined, expected);
      check(err, expected, message, 'rejects');
    },
    async doesNotReject(p: Promise<unknown> | (() => Promise<unknown>), message?: Msg) {
      try {
        await (typeof p === 'function' ? p() : p);
      } catch (e) {
        raise(typeof message === 'string' ? message : undefined, `Got unwanted rejection.\nActual message: "${(e as Error)?.message ?? e}"`, 'doesNotReject', e);
      }
    },
    fail(message?: Msg): never {
      return raise(message, 'Failed', 'fail');
    },
    ifError(v: unknown) {
      if (v !== null && v !== undefined) throw v instanceof Error ? v : new AssertionError({ generated: `ifError got unwanted exception: ${show(v)}`, operator: 'ifError', actual: v });
    },
  };
  // `assert(value, message)` is assert.ok; `assert.strict` is the strict flavour
  const assert = Object.assign((value: unknown, message?: Msg) => ok(value, message), api);
  return assert;
}
