/**
 * Edge width by value, on a log scale per asset: the biggest flow of each asset on the canvas
 * is drawn widest, one a thousand times smaller thinnest. ETH and USDT are never compared with
 * each other. The value only decides a line width, so a float of its logarithm is fine here;
 * the amount itself stays a bigint.
 */

/** Line widths in model pixels (they scale with the zoom like the nodes do). */
export const EDGE_WIDTH = { min: 1.25, max: 5, single: 2.25 } as const;
/** Decades from the widest to the thinnest width: smaller flows all get the thinnest. */
export const WIDTH_DECADES = { least: 3, most: 6 } as const;

/** log10 of a non-negative bigint, for drawing only; 0 for zero. Exact enough at any size. */
export function log10Of(value: bigint): number {
  if (value <= 0n) return 0;
  const digits = value.toString();
  // Number() of the leading 15 digits is exact; the rest only adds whole decades.
  const head = digits.slice(0, 15);
  return Math.log10(Number(head)) + (digits.length - head.length);
}

export interface ValuedEdge {
  id: string;
  /** Which scale the edge belongs to: one per asset (chain and contract). */
  asset: string;
  value: bigint;
}

/**
 * Width of each edge: within its asset, from EDGE_WIDTH.min to EDGE_WIDTH.max over the
 * decades below the asset's biggest flow (at least WIDTH_DECADES.least, so near-equal flows do
 * not look wildly different, and at most WIDTH_DECADES.most). An asset with one edge, or only
 * equal ones, gets EDGE_WIDTH.single.
 */
export function edgeWidths(edges: readonly ValuedEdge[]): Map<string, number> {
  const top = new Map<string, number>();
  const bottom = new Map<string, number>();
  const logs = new Map<string, number>();
  for (const e of edges) {
    const l = log10Of(e.value);
    logs.set(e.id, l);
    top.set(e.asset, Math.max(top.get(e.asset) ?? -Infinity, l));
    bottom.set(e.asset, Math.min(bottom.get(e.asset) ?? Infinity, l));
  }
  const out = new Map<string, number>();
  for (const e of edges) {
    const hi = top.get(e.asset)!;
    const lo = bottom.get(e.asset)!;
    if (hi - lo < 1e-9) {
      out.set(e.id, EDGE_WIDTH.single);
      continue;
    }
    const span = Math.min(WIDTH_DECADES.most, Math.max(WIDTH_DECADES.least, hi - lo));
    const share = Math.max(0, Math.min(1, (logs.get(e.id)! - (hi - span)) / span));
    out.set(e.id, Math.round((EDGE_WIDTH.min + share * (EDGE_WIDTH.max - EDGE_WIDTH.min)) * 100) / 100);
  }
  return out;
}
