import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newKernel } from '../src/core/wasm.js';

test('kernel module instantiates on a shared memory', async () => {
  const k = await newKernel();
  assert.ok(k.memory.buffer instanceof SharedArrayBuffer);
  assert.equal(typeof k.exports.phiVecF64, 'function');
});
