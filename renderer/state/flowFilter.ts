/** The canvas filter's pure rules, apart from React so they can be unit-tested. */
import type { Asset, FlowFilter, Graph } from '../../shared/api/schemas';
import { AmountFormatError, formatUnits, groupDigits, parseUnits } from '../../shared/model/amount';

export type FilterValue = FlowFilter;

export const NO_FILTER: FilterValue = { from: null, to: null, assetId: null, minAmount: null };

export function isActive(f: FilterValue | null): f is FilterValue {
  return !!f && (f.from !== null || f.to !== null || f.assetId !== null || f.minAmount !== null || f.direction !== undefined);
}

/** How the filter's direction reads, in the bar and its summary. */
export const DIRECTION_TEXT = { downstream: 'away from the seeds', upstream: 'into the seeds' } as const;

/** The time span of the case's value flows (unix seconds), or null when nothing on the canvas has a time. */
export function timeSpan(graph: Graph | null): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const e of graph?.edges ?? []) {
    if (e.firstTime !== null) min = Math.min(min, e.firstTime);
    if (e.lastTime !== null) max = Math.max(max, e.lastTime);
  }
  return min <= max ? { min, max } : null;
}

/** The assets flowing on the canvas, one entry each, in the order symbols sort. */
export function assetsOf(graph: Graph | null): Asset[] {
  const byId = new Map<number, Asset>();
  for (const e of graph?.edges ?? []) byId.set(e.asset.id, e.asset);
  return [...byId.values()].sort((a, b) => (a.symbol ?? '').localeCompare(b.symbol ?? '') || a.chain.localeCompare(b.chain));
}

/**
 * A least amount typed in whole units ("1.5" ETH) as exact base units, or why it cannot be read.
 * An empty field means no least amount.
 */
export function parseLeastAmount(text: string, asset: Asset | null): { ok: true; value: string | null } | { ok: false; error: string } {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  if (!asset) return { ok: false, error: 'Choose the asset first.' };
  if (asset.decimals === null) return /^[0-9]+$/.test(t) ? { ok: true, value: BigInt(t).toString() } : { ok: false, error: 'This token’s decimals are unknown: give base units.' };
  try {
    const v = parseUnits(t, asset.decimals);
    if (v < 0n) return { ok: false, error: 'An amount cannot be negative.' };
    return { ok: true, value: v.toString() };
  } catch (error) {
    if (error instanceof AmountFormatError) return { ok: false, error: `Not an amount of ${asset.symbol ?? 'this token'}: ${error.expected}.` };
    throw error;
  }
}

/** One line saying what the filter keeps, for the bar's summary and the status of the canvas. */
export function describeFilter(f: FilterValue, assets: readonly Asset[], format: (seconds: number) => string): string {
  const parts: string[] = [];
  if (f.from !== null && f.to !== null) parts.push(`${format(f.from)} – ${format(f.to)}`);
  else if (f.from !== null) parts.push(`from ${format(f.from)}`);
  else if (f.to !== null) parts.push(`until ${format(f.to)}`);
  const asset = assets.find((a) => a.id === f.assetId);
  if (f.assetId !== null) parts.push(asset?.symbol ?? `asset ${f.assetId}`);
  if (f.minAmount !== null) {
    const min = asset && asset.decimals !== null ? `${groupDigits(formatUnits(BigInt(f.minAmount), asset.decimals))} ${asset.symbol ?? ''}`.trim() : `${f.minAmount} base units`;
    parts.push(`transfers of at least ${min}`);
  }
  if (f.direction) parts.push(`money moving ${DIRECTION_TEXT[f.direction]}`);
  return parts.join(' · ');
}
