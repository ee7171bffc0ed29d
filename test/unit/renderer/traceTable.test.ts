import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEndpoint } from '../../../shared/api/traceSchemas';
import { endpointWhy, formatShare, totalDifference } from '../../../renderer/format/traceWords';
import { endpointKey, nextSort, sortEndpoints } from '../../../renderer/state/traceTable';
import { ETH, sampleResult, USDT } from './traceFixture';

function row(address: string, asset: typeof ETH | typeof USDT, amount: string, extra: Partial<TraceEndpoint> = {}): TraceEndpoint {
  return { chain: 'eip155:1', address, display: null, label: null, category: null, asset, amount, share: 0.1, hops: 2, firstTime: 100, lastTime: 100, path: [], reason: 'rest', stopRule: null, linkedOut: '0', ...extra };
}

// 2^53 + 1 and 2^53 read as the same JS number: only bigints tell them apart.
const rows = [
  row('a', USDT, '7000000', { share: 0.7, hops: 1, firstTime: 300 }),
  row('b', ETH, '9007199254740992', { share: 0.2, hops: 4, firstTime: null }),
  row('c', ETH, '9007199254740993', { share: 0.3, hops: 3, firstTime: 200 }),
  row('d', USDT, '3000000', { share: 0.3, hops: 2, firstTime: 100 }),
];
const order = (sorted: TraceEndpoint[]) => sorted.map((r) => r.address).join('');

describe('sortEndpoints', () => {
  it('sorts by amount within each asset, in the order of the totals, exactly', () => {
    assert.equal(order(sortEndpoints(rows, { key: 'amount', desc: true }, [ETH.id, USDT.id])), 'cbad');
    assert.equal(order(sortEndpoints(rows, { key: 'amount', desc: false }, [ETH.id, USDT.id])), 'bcda');
    assert.equal(order(sortEndpoints(rows, { key: 'amount', desc: true }, [USDT.id, ETH.id])), 'adcb');
  });

  it('sorts by share across assets, by hops, and by time with unknown times last', () => {
    assert.equal(order(sortEndpoints(rows, { key: 'share', desc: true }, [ETH.id, USDT.id])), 'acdb', 'ties (0.3) by asset');
    assert.equal(order(sortEndpoints(rows, { key: 'hops', desc: false }, [ETH.id, USDT.id])), 'adcb');
    assert.equal(order(sortEndpoints(rows, { key: 'time', desc: false }, [ETH.id, USDT.id])), 'dcab');
    assert.equal(order(sortEndpoints(rows, { key: 'time', desc: true }, [ETH.id, USDT.id])), 'acdb');
  });

  it('flips a column clicked again, and starts a new one at its natural direction', () => {
    assert.deepEqual(nextSort({ key: 'amount', desc: true }, 'amount'), { key: 'amount', desc: false });
    assert.deepEqual(nextSort({ key: 'amount', desc: true }, 'hops'), { key: 'hops', desc: false });
    assert.deepEqual(nextSort({ key: 'hops', desc: false }, 'share'), { key: 'share', desc: true });
  });

  it('keys rows apart when one address ends with two assets or two reasons', () => {
    const keys = new Set([row('a', ETH, '1'), row('a', USDT, '1'), row('a', ETH, '1', { reason: 'stop', stopRule: 'hub' })].map(endpointKey));
    assert.equal(keys.size, 3);
  });
});

describe('trace words', () => {
  it('says why value ends at an endpoint', () => {
    assert.equal(endpointWhy({ reason: 'stop', stopRule: 'category mixing_service' }), 'stop: mixing service');
    assert.equal(endpointWhy({ reason: 'stop', stopRule: 'hub' }), 'stop: hub');
    assert.equal(endpointWhy({ reason: 'rest', stopRule: null }), 'at rest');
    assert.equal(endpointWhy({ reason: 'limit', stopRule: null }), 'hop limit');
  });

  it('finds no difference in totals that reconcile, and the exact amount left over in ones that do not', () => {
    const [eth, usdt] = sampleResult().totals;
    assert.equal(totalDifference(eth!), 0n);
    assert.equal(totalDifference(usdt!), 0n);
    assert.equal(totalDifference({ ...eth!, atRest: '1' }), BigInt(eth!.atRest) - 1n);
    assert.equal(totalDifference({ ...usdt!, fees: '5' }), -5n, 'more ends than sources comes out negative');
  });

  it('shows shares as percentages, the tiny ones as such', () => {
    assert.equal(formatShare(1), '100 %');
    assert.equal(formatShare(0.027956), '2.80 %');
    assert.equal(formatShare(0.00001), '< 0.01 %');
    assert.equal(formatShare(0), '0 %');
  });
});
