import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Asset, Graph } from '../../../shared/api/schemas';
import { assetsOf, describeFilter, isActive, NO_FILTER, parseLeastAmount, timeSpan } from '../../../renderer/state/flowFilter';

const ETH: Asset = { id: 1, chain: 'eip155:1', contract: null, symbol: 'ETH', decimals: 18 };
const USDT: Asset = { id: 7, chain: 'tron:0x2b6653dc', contract: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', symbol: 'USDT', decimals: 6 };
const ODD: Asset = { id: 9, chain: 'eip155:1', contract: '0xabc', symbol: null, decimals: null };

function graphWith(edges: { asset: Asset; first: number | null; last: number | null }[]): Graph {
  return {
    caseId: 'c',
    nodes: [],
    edges: edges.map((e, i) => ({ id: `e${i}`, source: 'n1', target: 'n2', asset: e.asset, total: '1', count: 1, firstTime: e.first, lastTime: e.last })),
    links: [],
    clusters: [],
    seeds: [],
    undo: null,
    redo: null,
  };
}

test('the filter bar spans the case’s dated flows and lists each asset once', () => {
  const g = graphWith([
    { asset: USDT, first: 1_686_000_000, last: 1_686_500_000 },
    { asset: ETH, first: 1_685_900_000, last: 1_686_100_000 },
    { asset: ETH, first: null, last: null },
  ]);
  assert.deepEqual(timeSpan(g), { min: 1_685_900_000, max: 1_686_500_000 });
  assert.equal(timeSpan(graphWith([{ asset: ETH, first: null, last: null }])), null);
  assert.deepEqual(assetsOf(g).map((a) => a.symbol), ['ETH', 'USDT']);
});

test('a least amount typed in whole units becomes exact base units, and bad input says why', () => {
  assert.deepEqual(parseLeastAmount('1.5', ETH), { ok: true, value: '1500000000000000000' });
  assert.deepEqual(parseLeastAmount(' 29655.56 ', USDT), { ok: true, value: '29655560000' });
  assert.deepEqual(parseLeastAmount('123456789012345678901234567890', ETH), { ok: true, value: '123456789012345678901234567890000000000000000000' });
  assert.deepEqual(parseLeastAmount('', ETH), { ok: true, value: null });
  assert.match((parseLeastAmount('0.0000001', USDT) as { error: string }).error, /at most 6 decimal places/);
  assert.match((parseLeastAmount('1e18', ETH) as { error: string }).error, /Not an amount of ETH/);
  assert.match((parseLeastAmount('-1', ETH) as { error: string }).error, /negative/);
  assert.match((parseLeastAmount('5', null) as { error: string }).error, /asset first/);
  assert.deepEqual(parseLeastAmount('42', ODD), { ok: true, value: '42' });
  assert.match((parseLeastAmount('4.2', ODD) as { error: string }).error, /decimals are unknown/);
});

test('a filter says what it keeps in words', () => {
  assert.equal(isActive(NO_FILTER), false);
  const f = { from: 100, to: 200, assetId: 1, minAmount: '1000000000000000000' };
  assert.equal(isActive(f), true);
  assert.equal(describeFilter(f, [ETH], (s) => `t${s}`), 't100 – t200 · ETH · transfers of at least 1 ETH');
  assert.equal(describeFilter({ ...NO_FILTER, from: 5 }, [], (s) => `t${s}`), 'from t5');
  // A direction alone is a filter too.
  assert.equal(isActive({ ...NO_FILTER, direction: 'downstream' }), true);
  assert.equal(describeFilter({ ...NO_FILTER, to: 9, direction: 'upstream' }, [], (s) => `t${s}`), 'until t9 · money moving into the seeds');
});
