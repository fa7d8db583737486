// `node:assert/strict` in the browser (see node-assert.ts).
import { makeAssert } from './node-assert.js';

const assert = makeAssert(true);
export default assert;
export const { AssertionError, ok, equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual, deepStrictEqual, notDeepStrictEqual, throws, doesNotThrow, rejects, doesNotReject, match, doesNotMatch, fail, ifError } = assert;
export const strict = assert;
