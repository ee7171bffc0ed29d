/**
 * A trace's endpoints as CSV (RFC 4180, toCsv): one row per endpoint, then the value still
 * moving at the limits, so the file reconciles with the sources as the totals do. Amounts are
 * exact: whole units without grouping (a spreadsheet reads them as numbers) and base units
 * beside them; times in UTC; the path as the tx hashes from a source to the endpoint.
 */
import type { TraceEndpoint, TraceResult } from '../../shared/api/traceSchemas';
import { formatUnits, parseBaseUnits } from '../../shared/model/amount';
import { formatUnixUtc } from './text';
import { toCsv } from './screenCsv';

export const TRACE_CSV_HEADER = [
  'kind',
  'chain',
  'address',
  'label',
  'category',
  'asset',
  'token_contract',
  'amount',
  'amount_base_units',
  'share',
  'hops',
  'reason',
  'stop_rule',
  'first_time_utc',
  'last_time_utc',
  'linked_out_base_units',
  'path',
] as const;

/** Whole units, exact and ungrouped ("1234.5"); base units when the asset's decimals are unknown. */
function wholeUnits(amount: string, decimals: number | null): string {
  return decimals === null ? amount : formatUnits(parseBaseUnits(amount), decimals);
}

function row(kind: 'endpoint' | 'still moving', e: TraceEndpoint): (string | number | null)[] {
  return [
    kind,
    e.chain,
    e.display ?? e.address,
    e.label,
    e.category,
    e.asset.symbol ?? '',
    e.asset.contract,
    wholeUnits(e.amount, e.asset.decimals),
    e.amount,
    e.share,
    e.hops,
    e.reason,
    e.stopRule,
    e.firstTime === null ? null : formatUnixUtc(e.firstTime),
    e.lastTime === null ? null : formatUnixUtc(e.lastTime),
    e.linkedOut,
    e.path.join(' '),
  ];
}

/** The endpoints, then the unresolved rows, under the header. */
export function traceCsv(result: Pick<TraceResult, 'endpoints' | 'unresolved'>): string {
  return toCsv([TRACE_CSV_HEADER, ...result.endpoints.map((e) => row('endpoint', e)), ...result.unresolved.map((e) => row('still moving', e))]);
}
