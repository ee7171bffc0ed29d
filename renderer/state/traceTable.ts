/**
 * The endpoints table's order (pure). Amounts of different assets are not compared with each
 * other: sorting by amount keeps each asset together (in the order of the trace's totals) and
 * orders within it, exactly, on bigints. Share orders across assets (it is a ratio).
 */
import type { TraceEndpoint } from '../../shared/api/traceSchemas';
import { parseBaseUnits } from '../../shared/model/amount';

export type EndpointSortKey = 'amount' | 'share' | 'hops' | 'time';
export interface EndpointSort {
  key: EndpointSortKey;
  desc: boolean;
}

export const DEFAULT_ENDPOINT_SORT: EndpointSort = { key: 'amount', desc: true };

function compareBig(a: bigint, b: bigint): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Nulls (no time known) last, whichever way the column is sorted. */
function compareTime(a: number | null, b: number | null, desc: boolean): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return desc ? b - a : a - b;
}

/**
 * Rows in the order asked for; ties keep a fixed order (asset, then address), so the table
 * does not shuffle between renders. `assetOrder` lists asset ids as the totals list them.
 */
export function sortEndpoints(rows: readonly TraceEndpoint[], sort: EndpointSort, assetOrder: readonly number[]): TraceEndpoint[] {
  const rank = new Map(assetOrder.map((id, i) => [id, i]));
  const assetRank = (e: TraceEndpoint) => rank.get(e.asset.id) ?? assetOrder.length + e.asset.id;
  const dir = sort.desc ? -1 : 1;
  const tie = (a: TraceEndpoint, b: TraceEndpoint) => assetRank(a) - assetRank(b) || (a.address ?? '').localeCompare(b.address ?? '') || a.reason.localeCompare(b.reason);
  const by: Record<EndpointSortKey, (a: TraceEndpoint, b: TraceEndpoint) => number> = {
    amount: (a, b) => assetRank(a) - assetRank(b) || dir * compareBig(parseBaseUnits(a.amount), parseBaseUnits(b.amount)),
    share: (a, b) => dir * (a.share - b.share),
    hops: (a, b) => dir * (a.hops - b.hops),
    time: (a, b) => compareTime(a.firstTime, b.firstTime, sort.desc),
  };
  return [...rows].sort((a, b) => by[sort.key](a, b) || tie(a, b));
}

/** The next sort after a click on a column's header: the same column flips, another starts descending. */
export function nextSort(current: EndpointSort, key: EndpointSortKey): EndpointSort {
  return current.key === key ? { key, desc: !current.desc } : { key, desc: key !== 'hops' && key !== 'time' };
}

/** A stable key for an endpoint row (an address can end with several assets, and for several reasons). */
export function endpointKey(e: Pick<TraceEndpoint, 'chain' | 'address' | 'asset' | 'reason' | 'stopRule'>): string {
  return `${e.chain}|${e.address ?? ''}|${e.asset.id}|${e.reason}|${e.stopRule ?? ''}`;
}
