import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedMap } from '../../../../electron/core/store/boundedMap';

test('a BoundedMap never holds more than its cap: a new key at the cap empties it first; updating a held key does not', () => {
  const m = new BoundedMap<string, number>(3);
  for (const [i, k] of ['a', 'b', 'c'].entries()) m.set(k, i);
  m.set('b', 10);
  assert.deepEqual([...m], [['a', 0], ['b', 10], ['c', 2]]);
  m.set('d', 3);
  assert.deepEqual([...m], [['d', 3]]);
});
