// `node:assert` (legacy, loose equal/deepEqual) in the browser (see node-assert.ts).
import { makeAssert } from './node-assert.js';
import strictAssert from './node-assert-strict.js';

const assert = Object.assign(makeAssert(false), { strict: strictAssert });
export default assert;
export const { AssertionError, ok, equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual, deepStrictEqual, notDeepStrictEqual, throws, doesNotThrow, rejects, doesNotReject, match, doesNotMatch, fail, ifError } = assert;
export const strict = strictAssert;
