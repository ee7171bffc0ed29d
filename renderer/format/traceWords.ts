/**
 * Words for traces, shared by the trace dialog, the endpoints table, the drawing and the CSV:
 * what each method is for, why value ends where it does, and whether the totals reconcile.
 */
import type { EndpointReason, TaintMethod, TraceEndpoint, TraceResult } from '../../shared/api/traceSchemas';
import { parseBaseUnits } from '../../shared/model/amount';

type TraceTotal = TraceResult['totals'][number];

export const METHODS: readonly { method: TaintMethod; name: string; hint: string }[] = [
  { method: 'fifo', name: 'FIFO', hint: 'First in, first out: the legal default, lossless; use it for freezing requests and court.' },
  { method: 'haircut', name: 'Haircut', hint: 'Proportional: every outflow carries the share of stolen value the address held; for risk scoring.' },
  { method: 'poison', name: 'Poison', hint: 'Any contact taints everything: an upper bound of where value could be, never for freezing.' },
];

export function methodName(method: TaintMethod): string {
  return METHODS.find((m) => m.method === method)?.name ?? method;
}

const REASONS: Record<EndpointReason, { word: string; hint: string }> = {
  stop: { word: 'stopped', hint: 'reached a stop rule: a service, a marked address, a cluster or a hub' },
  rest: { word: 'at rest', hint: 'rests at this address (or an unspent output) as far as the store knows' },
  fee: { word: 'fee', hint: 'paid to miners or validators' },
  sunk: { word: 'sunk', hint: 'left to no address (contract creation, burn, OP_RETURN or an unreadable output)' },
  limit: { word: 'hop limit', hint: 'still moving: it arrived past the hop limit' },
  window: { word: 'after window', hint: 'still moving: it moved after the time window' },
  chain: { word: 'other chain', hint: 'still moving: it moved on a chain the trace does not follow' },
  dust: { word: 'dust', hint: 'still moving: below the dust threshold, not followed' },
};

export function reasonWord(reason: EndpointReason): string {
  return REASONS[reason].word;
}

export function reasonHint(reason: EndpointReason): string {
  return REASONS[reason].hint;
}

/** "stop: exchange", "stop: hub", "at rest", "hop limit": why value ends at an endpoint, in a few words. */
export function endpointWhy(e: Pick<TraceEndpoint, 'reason' | 'stopRule'>): string {
  if (e.reason !== 'stop' || !e.stopRule) return reasonWord(e.reason);
  return `stop: ${e.stopRule.replace(/^category /, '').replace(/_/g, ' ')}`;
}

/** What the totals leave over: sourced + linked in − (at rest + stopped + fees + sunk + unresolved), exact. */
export function totalDifference(t: TraceTotal): bigint {
  const read = (v: string) => parseBaseUnits(v);
  return read(t.sourced) + read(t.linkedIn) - (read(t.atRest) + read(t.stopped) + read(t.fees) + read(t.sunk) + read(t.unresolved));
}

/** A share (0..1) as a percentage for display: 2.80 %, 100 %, < 0.01 %. */
export function formatShare(share: number): string {
  if (share <= 0) return '0 %';
  if (share < 0.0001) return '< 0.01 %';
  const pct = share * 100;
  return `${pct >= 99.995 && pct <= 100 ? '100' : pct.toFixed(2)} %`;
}
