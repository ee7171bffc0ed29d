/**
 * A small hand-made trace result for the renderer's trace tests: a victim V on Ethereum sends
 * 10 ETH (in two transfers) to A, which splits 6 to B and 4 to C; B pays the 6 into an
 * exchange X (stop); C keeps its 4 (rest). V also sends USDT to D, whose value goes on past
 * the hop limit to E. Amounts are large enough that a JS number would lose them.
 */
import type { TraceEndpoint, TraceResult, TracedTransfer } from '../../../shared/api/traceSchemas';

export const ETH = { id: 1, chain: 'eip155:1', contract: null, symbol: 'ETH', decimals: 18 };
export const USDT = { id: 2, chain: 'eip155:1', contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };

export const V = '0x1111111111111111111111111111111111111111';
export const A = '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
export const B = '0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
export const C = '0xcccccccccccccccccccccccccccccccccccccccc';
export const D = '0xdddddddddddddddddddddddddddddddddddddddd';
export const E = '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
export const X = '0x9999999999999999999999999999999999999999';

const ETH_UNIT = 10n ** 18n;
/** 4 ETH and one wei, 6 ETH less one wei: adding them up as numbers would not come out exact. */
export const TO_C = (4n * ETH_UNIT + 1n).toString();
export const TO_B = (6n * ETH_UNIT - 1n).toString();

function transfer(tx: string, from: string | null, to: string | null, asset: typeof ETH | typeof USDT, traced: string, hops: number, time: number): TracedTransfer {
  return { chain: 'eip155:1', tx, ref: '0:', from, to, asset, amount: traced, traced, hops, time };
}

function endpoint(address: string, asset: typeof ETH | typeof USDT, amount: string, share: number, hops: number, reason: TraceEndpoint['reason'], path: string[], extra: Partial<TraceEndpoint> = {}): TraceEndpoint {
  return { chain: 'eip155:1', address, display: null, label: null, category: null, asset, amount, share, hops, firstTime: 1_700_000_000 + hops * 100, lastTime: 1_700_000_000 + hops * 100, path, reason, stopRule: null, linkedOut: '0', ...extra };
}

export function sampleResult(): TraceResult {
  return {
    method: 'fifo',
    sources: [
      { chain: 'eip155:1', tx: '0xv1', ref: '0:', from: V, asset: ETH, amount: (3n * ETH_UNIT).toString(), time: 1_700_000_100 },
      { chain: 'eip155:1', tx: '0xv2', ref: '0:', from: V, asset: ETH, amount: (7n * ETH_UNIT).toString(), time: 1_700_000_110 },
      { chain: 'eip155:1', tx: '0xv3', ref: '1:0', from: V, asset: USDT, amount: '5000000000', time: 1_700_000_120 },
    ],
    endpoints: [
      endpoint(X, ETH, TO_B, 0.6, 3, 'stop', ['0xv2', '0xab', '0xbx'], { label: 'Big Exchange', category: 'exchange', stopRule: 'category exchange', display: '0x9999999999999999999999999999999999999999' }),
      endpoint(C, ETH, TO_C, 0.4, 2, 'rest', ['0xv2', '0xac']),
    ],
    unresolved: [endpoint(E, USDT, '5000000000', 1, 7, 'limit', ['0xv3', '0xde'])],
    totals: [
      { asset: ETH, sourced: (10n * ETH_UNIT).toString(), linkedIn: '0', stopped: TO_B, atRest: TO_C, fees: '0', sunk: '0', unresolved: '0', linkedOut: '0', reconciles: true },
      { asset: USDT, sourced: '5000000000', linkedIn: '0', stopped: '0', atRest: '0', fees: '0', sunk: '0', unresolved: '5000000000', linkedOut: '0', reconciles: true },
    ],
    transfers: [
      transfer('0xv1', V, A, ETH, (3n * ETH_UNIT).toString(), 1, 1_700_000_100),
      transfer('0xv2', V, A, ETH, (7n * ETH_UNIT).toString(), 1, 1_700_000_110),
      transfer('0xab', A, B, ETH, TO_B, 2, 1_700_000_200),
      transfer('0xac', A, C, ETH, TO_C, 2, 1_700_000_210),
      transfer('0xbx', B, X, ETH, TO_B, 3, 1_700_000_300),
      // A fee goes to no address: not an edge of the drawing.
      transfer('0xbx', B, null, ETH, '1', 3, 1_700_000_300),
      transfer('0xv3', V, D, USDT, '5000000000', 1, 1_700_000_120),
      transfer('0xde', D, E, USDT, '5000000000', 2, 1_700_000_400),
    ],
    transfersTotal: 8,
    links: [],
    unknownInputs: [],
    datasets: [],
    addressesFollowed: 7,
  };
}
