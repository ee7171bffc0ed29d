import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatAmountRounded, roundToSignificant } from '../../../renderer/format/amount';

const ETH = { symbol: 'ETH', decimals: 18, contract: null };
const USDT = { symbol: 'USDT', decimals: 6, contract: '0xdac17f958d2ee523a2206206994597c13d831ec7' };
const BTC = { symbol: 'BTC', decimals: 8, contract: null };

describe('roundToSignificant', () => {
  it('keeps five significant digits by default, rounding the dropped digits half up', () => {
    // 19.624991098724307804 ETH: the finding's edge label.
    assert.equal(roundToSignificant(19_624991098724307804n, 18), 19_625000000000000000n);
    assert.equal(roundToSignificant(1_234_549n, 6), 1_234_500n); // 1.234549 -> 1.2345 (the 4 drops)
    assert.equal(roundToSignificant(1_234_550n, 6), 1_234_600n); // exactly half rounds up
    assert.equal(roundToSignificant(1_234_551n, 6), 1_234_600n);
  });

  it('never drops whole units: a long whole part is kept in full and only its fraction is rounded', () => {
    assert.equal(roundToSignificant(2_114_680_820438n, 6), 2_114_681_000000n);
    assert.equal(roundToSignificant(2_114_680_420438n, 6), 2_114_680_000000n);
    assert.equal(roundToSignificant(123_456_789n, 0), 123_456_789n);
  });

  it('carries into the next digit', () => {
    assert.equal(roundToSignificant(99_999_7n, 1), 100_000_0n); // 99999.7 -> 100000
    assert.equal(roundToSignificant(9_999_96n, 6), 10_000_00n); // 0.999996 -> 1
  });

  it('leaves values with few digits, and zero, exactly as they are', () => {
    assert.equal(roundToSignificant(0n, 18), 0n);
    assert.equal(roundToSignificant(1n, 18), 1n);
    assert.equal(roundToSignificant(15_000_000n, 6), 15_000_000n);
  });

  it('is exact far above 2^64 and 2^53', () => {
    // 18,446,744,073.709551617123456789: eleven whole digits, so the whole fraction rounds away.
    assert.equal(roundToSignificant(18446744073709551617123456789n, 18), 18446744074000000000000000000n);
    assert.equal(roundToSignificant(18446744073709551617123456789n, 27), 18447000000000000000000000000n);
    assert.equal(roundToSignificant(9007199254740993_5n, 1), 9007199254740994_0n);
  });

  it('takes another number of significant digits, and refuses nonsense', () => {
    assert.equal(roundToSignificant(19_624991098724307804n, 18, 2), 20_000000000000000000n);
    assert.equal(roundToSignificant(19_624991098724307804n, 18, 9), 19_624991100000000000n);
    assert.throws(() => roundToSignificant(1n, 18, 0), /significant digits must be a positive integer, got 0/);
  });
});

describe('formatAmountRounded', () => {
  it('shows rounded whole units with the symbol and keeps the exact amount for hover', () => {
    const a = formatAmountRounded('19624991098724307804', ETH);
    assert.equal(a.text, '19.625 ETH');
    assert.equal(a.exact, '19.624991098724307804 ETH');
    assert.equal(a.title, '19624991098724307804 base units');
    assert.equal(a.rounded, true);
  });

  it('groups thousands and keeps whole units of big token amounts', () => {
    assert.equal(formatAmountRounded('29655560000', USDT).text, '29,656 USDT');
    assert.equal(formatAmountRounded('2114680820438', USDT).text, '2,114,681 USDT');
    assert.match(formatAmountRounded('2114680820438', USDT).title, /of 0xdac17f/);
  });

  it('does not mark an amount that fits as rounded', () => {
    const a = formatAmountRounded('5000000000', BTC);
    assert.equal(a.text, '50 BTC');
    assert.equal(a.exact, '50 BTC');
    assert.equal(a.rounded, false);
    assert.equal(formatAmountRounded('11000440000000000', ETH).text, '0.011 ETH');
  });

  it('shows small fractions with their leading zeros', () => {
    assert.equal(formatAmountRounded('123456789', ETH).text, '0.00000000012346 ETH');
  });

  it('leaves raw base units (unknown decimals) and malformed values as they are', () => {
    const raw = formatAmountRounded('123456789', { symbol: null, decimals: null, contract: '0xc0ffee' });
    assert.equal(raw.text, '123,456,789 units');
    assert.equal(raw.rounded, false);
    assert.equal(formatAmountRounded('1.5e18', ETH).text, '1.5e18 units');
  });
});
