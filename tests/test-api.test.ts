// node:test and node:assert/strict behave as Node 20's in every runtime the suites run in: Node (the
// real modules), Deno (its own implementation) and Chromium (the shims in tests/browser/, which
// scripts/test-browser.mjs puts in their place). The expectations were taken from Node 20.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const throwsAssertion = (f: () => unknown) =>
  assert.throws(f, (e: unknown) => (e as { name?: string; code?: string }).name === 'AssertionError' && (e as { code?: string }).code === 'ERR_ASSERTION');

const sym = Symbol('k');
const withProp = Object.assign([1], { x: 1 });
/** [what, assertion, does Node's strict assert throw?] */
const cases: [string, () => unknown, boolean][] = [
  ['equal NaN NaN', () => assert.equal(NaN, NaN), false],
  ['equal 0 -0', () => assert.equal(0, -0), true],
  ['equal 1 "1"', () => assert.equal(1, '1' as unknown as number), true],
  ['notEqual 1 2', () => assert.notEqual(1, 2), false],
  ['ok 0', () => assert.ok(0), true],
  ['assert(1)', () => assert(1), false],
  ['deepEqual nested', () => assert.deepEqual({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] }), false],
  ['deepEqual [1] ["1"]', () => assert.deepEqual([1], ['1']), true],
  ['deepEqual [0] [-0]', () => assert.deepEqual([0], [-0]), true],
  ['deepEqual [NaN] [NaN]', () => assert.deepEqual([NaN], [NaN]), false],
  ['deepEqual Float64Array 0 -0', () => assert.deepEqual(new Float64Array([0]), new Float64Array([-0])), true],
  ['deepEqual Float64Array NaN', () => assert.deepEqual(new Float64Array([NaN]), new Float64Array([NaN])), false],
  ['deepEqual Int32Array Float64Array', () => assert.deepEqual(new Int32Array([1]), new Float64Array([1])), true],
  ['deepEqual null prototype', () => assert.deepEqual(Object.create(null), {}), true],
  ['deepEqual undefined property', () => assert.deepEqual({ a: undefined }, {}), true],
  ['deepEqual sparse', () => assert.deepEqual([1, , 3], [1, undefined, 3]), true], // eslint-disable-line no-sparse-arrays
  ['deepEqual array with a property', () => assert.deepEqual(withProp, [1]), true],
  ['deepEqual Set of objects', () => assert.deepEqual(new Set([{ a: 1 }]), new Set([{ a: 1 }])), false],
  ['deepEqual Map', () => assert.deepEqual(new Map([[1, { a: 1 }]]), new Map([[1, { a: 1 }]])), false],
  ['deepEqual Map differs', () => assert.deepEqual(new Map([[1, 2]]), new Map([[1, 3]])), true],
  ['deepEqual Error same', () => assert.deepEqual(new Error('x'), new Error('x')), false],
  ['deepEqual Error message', () => assert.deepEqual(new Error('x'), new Error('y')), true],
  ['deepEqual Date', () => assert.deepEqual(new Date(1), new Date(2)), true],
  ['deepEqual boxed', () => assert.deepEqual(new Number(1), new Number(2)), true],
  ['deepEqual symbol key', () => assert.deepEqual({ [sym]: 1 }, { [sym]: 2 }), true],
  ['notDeepEqual', () => assert.notDeepEqual({ a: 1 }, { a: 2 }), false],
  ['deepStrictEqual', () => assert.deepStrictEqual([1, 2], [1, 2]), false],
  ['throws object with RegExp', () => assert.throws(() => { throw new RangeError('bad thing'); }, { name: 'RangeError', message: /bad/ }), false],
  ['throws RegExp on String(error)', () => assert.throws(() => { throw new RangeError('bad thing'); }, /^RangeError: bad/), false],
  ['throws wrong class', () => assert.throws(() => { throw new Error('x'); }, RangeError), true],
  ['throws right class', () => assert.throws(() => { throw new RangeError('x'); }, Error), false],
  ['throws validation function', () => assert.throws(() => { throw new Error('x'); }, (e: unknown) => (e as Error).message === 'x'), false],
  ['throws nothing, message string', () => assert.throws(() => {}, 'should throw'), true],
  ['match', () => assert.match('abc', /b/), false],
  ['match a number', () => assert.match(5 as unknown as string, /5/), true],
  ['doesNotMatch', () => assert.doesNotMatch('abc', /x/), false],
  ['fail', () => assert.fail('boom'), true],
];

test('assert: strict semantics as in Node 20', () => {
  for (const [what, f, shouldThrow] of cases) {
    let threw = false;
    try {
      f();
    } catch (e) {
      threw = true;
      assert.equal((e as Error).name, 'AssertionError', `${what}: ${(e as Error).name}`);
    }
    assert.equal(threw, shouldThrow, what);
  }
  throwsAssertion(() => assert.equal(1, 2));
});

test('assert: a custom message and an Error as message', () => {
  assert.throws(() => assert.equal(1, 2, 'my words'), { message: /^my words/ });
  assert.throws(() => assert.ok(false, new TypeError('mine')), TypeError);
});

test('assert.rejects and doesNotReject', async () => {
  await assert.rejects(Promise.reject(new RangeError('r')), RangeError);
  await assert.rejects(async () => {
    throw new Error('abort', { cause: 1 });
  }, /abort/);
  await assert.rejects(assert.rejects(Promise.resolve(1)), { name: 'AssertionError' });
  await assert.rejects(Promise.reject(Object.assign(new Error('a'), { name: 'AbortError' })), { name: 'AbortError' });
  await assert.doesNotReject(Promise.resolve(1));
});

test('node:test: an async test is awaited', async (t) => {
  await new Promise((ok) => setTimeout(ok, 20));
  t.diagnostic('diagnostics are printed with the result');
});

test('node:test: a callback test ends with done()', (_t, done) => {
  setTimeout(() => done?.(), 5);
});

test('node:test: { timeout } lets a fast test pass', { timeout: 5000 }, async () => {
  await new Promise((ok) => setTimeout(ok, 5));
});

test('node:test: { skip: reason } is reported as a skip', { skip: 'shown as SKIP with this reason' }, () => {
  throw new Error('a skipped test must not run');
});

test('node:test: t.skip() inside a test', (t) => {
  t.skip('skipped from inside');
});

test('node:test: { todo } runs and does not fail the run', { todo: 'shown as TODO' }, () => {
  throw new Error('expected: a todo test may fail');
});

test('node:test: an awaited subtest has run when its promise settles', async (t) => {
  const order: string[] = [];
  await t.test('first subtest', () => {
    order.push('sub');
  });
  order.push('body');
  await t.test('second subtest', () => {
    assert.deepEqual(order, ['sub', 'body']);
  });
});
