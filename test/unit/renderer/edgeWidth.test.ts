import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EDGE_WIDTH, edgeWidths, log10Of } from '../../../renderer/graph/edgeWidth';

describe('log10Of', () => {
  it('is the decimal logarithm of any size of bigint', () => {
    assert.equal(log10Of(1n), 0);
    assert.equal(log10Of(1000n), 3);
    assert.equal(log10Of(0n), 0);
    assert.ok(Math.abs(log10Of(10n ** 40n) - 40) < 1e-9);
    assert.ok(Math.abs(log10Of(2n * 10n ** 30n) - (30 + Math.log10(2))) < 1e-9);
  });
});

describe('edgeWidths', () => {
  const ETH = 'eip155:1|native';
  const USDT = 'eip155:1|0xdac17f958d2ee523a2206206994597c13d831ec7';

  it('draws the biggest flow of an asset widest and one a thousand times smaller thinnest', () => {
    const w = edgeWidths([
      { id: 'big', asset: ETH, value: 50n * 10n ** 18n },
      { id: 'mid', asset: ETH, value: 50n * 10n ** 18n / 31n }, // ~1.5 decades down
      { id: 'small', asset: ETH, value: 50n * 10n ** 15n },
    ]);
    assert.equal(w.get('big'), EDGE_WIDTH.max);
    assert.equal(w.get('small'), EDGE_WIDTH.min);
    assert.ok(w.get('mid')! > EDGE_WIDTH.min && w.get('mid')! < EDGE_WIDTH.max);
  });

  it('orders widths as the values, on a log scale', () => {
    const values = [1n, 10n, 100n, 1000n, 10000n, 100000n, 1000000n];
    const w = edgeWidths(values.map((v, i) => ({ id: `e${i}`, asset: ETH, value: v * 10n ** 12n })));
    const widths = values.map((_, i) => w.get(`e${i}`)!);
    for (let i = 1; i < widths.length; i++) assert.ok(widths[i]! > widths[i - 1]!, `${widths.join(' ')}`);
    // Equal steps in decades give equal steps in width.
    assert.ok(Math.abs(widths[6]! - widths[5]! - (widths[5]! - widths[4]!)) < 0.02);
  });

  it('scales each asset on its own: a small USDT flow is not thin because ETH flows are big', () => {
    const w = edgeWidths([
      { id: 'eth-big', asset: ETH, value: 10n ** 24n },
      { id: 'eth-small', asset: ETH, value: 10n ** 18n },
      { id: 'usdt-big', asset: USDT, value: 5_000_000n },
      { id: 'usdt-small', asset: USDT, value: 5_000n },
    ]);
    assert.equal(w.get('usdt-big'), EDGE_WIDTH.max);
    assert.equal(w.get('eth-big'), EDGE_WIDTH.max);
    assert.equal(w.get('usdt-small'), EDGE_WIDTH.min);
  });

  it('does not exaggerate near-equal flows, and gives a lone edge the middle width', () => {
    const w = edgeWidths([
      { id: 'a', asset: ETH, value: 100n },
      { id: 'b', asset: ETH, value: 90n },
      { id: 'only', asset: USDT, value: 7n },
    ]);
    assert.equal(w.get('a'), EDGE_WIDTH.max);
    assert.ok(w.get('b')! > EDGE_WIDTH.max - 0.2, `90 vs 100 is almost as wide, got ${w.get('b')}`);
    assert.equal(w.get('only'), EDGE_WIDTH.single);
  });

  it('is exact for values far above 2^64', () => {
    const w = edgeWidths([
      { id: 'a', asset: ETH, value: 18446744073709551617000n },
      { id: 'b', asset: ETH, value: 18446744073709551617n },
    ]);
    assert.equal(w.get('a'), EDGE_WIDTH.max);
    assert.equal(w.get('b'), EDGE_WIDTH.min);
  });
});
