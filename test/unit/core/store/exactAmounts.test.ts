import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from '../../../../electron/core/store/openStore';
import { fromDbAmount, toDbAmount } from '../../../../electron/core/store/sqlFunctions';

test('amounts that fit 64 bits are stored as integers, larger ones as exact decimal text', () => {
  assert.equal(typeof toDbAmount(2n ** 63n - 1n), 'bigint');
  assert.equal(toDbAmount(2n ** 63n), '9223372036854775808');
  assert.throws(() => toDbAmount(-1n));
});

test('bigsum and bigadd add mixed integer and text amounts exactly', () => {
  const db = openStore(':memory:');
  db.exec('CREATE TEMP TABLE t (v)');
  const ins = db.prepare('INSERT INTO t VALUES (?)');
  const values = [2n ** 63n - 1n, 2n ** 64n + 7n, 1n, 10n ** 30n];
  for (const v of values) ins.run(toDbAmount(v));
  const sum = db.prepare('SELECT bigsum(v) FROM t').pluck().safeIntegers(true).get();
  assert.equal(fromDbAmount(sum), values.reduce((a, b) => a + b, 0n));
  const added = db.prepare('SELECT bigadd(?, ?)').pluck().safeIntegers(true).get(toDbAmount(2n ** 63n - 1n), toDbAmount(1n));
  assert.equal(added, '9223372036854775808');
  db.close();
});
