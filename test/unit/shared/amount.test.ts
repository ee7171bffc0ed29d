import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmountFormatError, formatUnits, groupDigits, parseBaseUnits, parseUnits } from '../../../shared/model/amount';

test('formatUnits is exact for values far beyond 2^64 and 2^53', () => {
  const v = 2n ** 200n + 1n;
  assert.equal(formatUnits(v, 18), '1606938044258990275541962092341162602522202.993782792835301377');
  assert.equal(formatUnits(11000440000000000n, 18), '0.01100044');
  assert.equal(formatUnits(100000n, 6), '0.1');
  assert.equal(formatUnits(0n, 18), '0');
  assert.equal(formatUnits(5n, 0), '5');
});

test('parseUnits round-trips with formatUnits and refuses excess precision', () => {
  for (const [text, decimals] of [['1.5', 6], ['0.000000000000000001', 18], ['123456789012345678901234567890.123', 3]] as const) {
    assert.equal(formatUnits(parseUnits(text, decimals), decimals), text);
  }
  assert.throws(() => parseUnits('1.0000001', 6), AmountFormatError);
  assert.throws(() => parseUnits('1e18', 18), AmountFormatError);
});

test('parseBaseUnits accepts only canonical non-negative integers', () => {
  assert.equal(parseBaseUnits('340282366920938463463374607431768211455'), 2n ** 128n - 1n);
  for (const bad of ['', '-1', '01', '1.0', '1e3', ' 1', '0x10']) assert.throws(() => parseBaseUnits(bad), AmountFormatError, bad);
});

test('groupDigits groups the whole part only', () => {
  assert.equal(groupDigits('1234567.891011'), '1,234,567.891011');
  assert.equal(groupDigits('-1000'), '-1,000');
  assert.equal(groupDigits('12'), '12');
});
