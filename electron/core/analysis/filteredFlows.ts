import { displayAddress } from '../../../shared/codec/address';
import { getAssets } from '../store/assets';
import type { Db } from '../store/openStore';
import { fromDbAmount } from '../store/sqlFunctions';
import { maxTime, minTime, type Direction, type Neighbour, type NeighbourAsset, type NeighbourPage } from './neighbours';

/**
 * A filter on value flows: a time window, one asset, and a least amount per transfer of that
 * asset ("transfers above 1 ETH after the theft"). Filtered flows are summed from the transfers
 * themselves, not from the stored edges, so every figure stays exact for the window asked.
 * Failed transfers move nothing, as in the edges; transfers of unknown time fall outside any window.
 */
export interface FlowFilter {
  /** Unix seconds, inclusive; null for no bound. */
  readonly from: number | null;
  readonly to: number | null;
  /** A store asset id, or null for every asset. */
  readonly assetId: number | null;
  /** Least amount of one transfer, in base units of `assetId`. */
  readonly minAmount: bigint | null;
  /** Only flows leaving the seeds (downstream) or reaching them (upstream); absent, both. */
  readonly direction?: 'downstream' | 'upstream';
}

export function isFiltering(f: FlowFilter | null | undefined): f is FlowFilter {
  return !!f && (f.direction !== undefined || selectsTransfers(f));
}

/** The filter keeps some transfers and not others (time, asset, amount), so sums must be made again. */
export function selectsTransfers(f: FlowFilter | null | undefined): f is FlowFilter {
  return !!f && (f.from !== null || f.to !== null || f.assetId !== null || f.minAmount !== null);
}

/**
 * The edges on a path leaving a seed (downstream: each edge's source is a seed or reached from
 * one along edges kept) or on a path into a seed (upstream: each edge's target is a seed or
 * reaches one). Reachability follows the edges as drawn, whatever their times: the order in
 * which money moved is the business of a trace, not of this filter.
 */
export function alongDirection<E extends { source: string; target: string }>(edges: readonly E[], seeds: ReadonlySet<string>, direction: 'downstream' | 'upstream'): E[] {
  const from = (e: E) => (direction === 'downstream' ? e.source : e.target);
  const to = (e: E) => (direction === 'downstream' ? e.target : e.source);
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(from(e), [...(next.get(from(e)) ?? []), to(e)]);
  const reached = new Set(seeds);
  const queue = [...seeds];
  for (let i = 0; i < queue.length; i++) {
    for (const n of next.get(queue[i]!) ?? []) {
      if (reached.has(n)) continue;
      reached.add(n);
      queue.push(n);
    }
  }
  return edges.filter((e) => reached.has(from(e)));
}

/**
 * The way an expansion goes under a direction filter: "both" narrows to the filter's way, and
 * the other way is refused, as nothing it added would be drawn.
 */
export function expansionUnder(requested: Direction, direction: FlowFilter['direction']): Direction | { refused: string } {
  if (direction === undefined) return requested;
  const way: Direction = direction === 'downstream' ? 'out' : 'in';
  if (requested === 'both' || requested === way) return way;
  return {
    refused:
      direction === 'downstream'
        ? 'the filter shows only money moving away from the seeds, so expanding in would add nothing it draws; set its direction to both ways first'
        : 'the filter shows only money moving into the seeds, so expanding out would add nothing it draws; set its direction to both ways first',
  };
}

/** The SQL conditions on `transfer` (aliased t) for a filter, with their parameters. */
function conditions(f: FlowFilter): { sql: string; params: Record<string, unknown> } {
  const parts = ['(t.status IS NULL OR t.status <> 0)'];
  const params: Record<string, unknown> = {};
  if (f.from !== null) {
    parts.push('t.time >= :from');
    params.from = f.from;
  }
  if (f.to !== null) {
    parts.push('t.time <= :to');
    params.to = f.to;
  }
  if (f.assetId !== null) {
    parts.push('t.asset_id = :asset');
    params.asset = f.assetId;
  }
  if (f.minAmount !== null) {
    parts.push('amount_at_least(t.amount, :min)');
    params.min = f.minAmount.toString();
  }
  return { sql: parts.join(' AND '), params };
}

export interface FlowRow {
  from_id: bigint;
  to_id: bigint;
  asset_id: bigint;
  total: bigint | string;
  cnt: bigint;
  first_time: bigint | null;
  last_time: bigint | null;
}

/** The edges between the given addresses, summed from the transfers the filter keeps; shaped like `edge` rows. */
export function filteredEdges(db: Db, addressIds: readonly number[], f: FlowFilter): FlowRow[] {
  const { sql, params } = conditions(f);
  return db
    .prepare(
      `SELECT t.from_id, t.to_id, t.asset_id, bigsum(t.amount) AS total, count(*) AS cnt, min(t.time) AS first_time, max(t.time) AS last_time
       FROM transfer t
       WHERE t.from_id IN (SELECT value FROM json_each(:ids)) AND t.to_id IN (SELECT value FROM json_each(:ids)) AND t.from_id <> t.to_id AND ${sql}
       GROUP BY t.from_id, t.to_id, t.asset_id`,
    )
    .safeIntegers(true)
    .all({ ids: JSON.stringify(addressIds), ...params }) as FlowRow[];
}

/**
 * Counterparties of an address through the transfers the filter keeps, ranked like an ordinary
 * expansion (by value in whole units, a float used only to order), with exact sums per asset.
 */
export function filteredNeighbours(db: Db, addressId: number, direction: Direction, f: FlowFilter, offset: number, limit: number): NeighbourPage {
  const { sql, params } = conditions(f);
  const sides: string[] = [];
  if (direction !== 'in') sides.push(`SELECT t.to_id AS cp, 'sent' AS side, t.asset_id, t.amount, t.time FROM transfer t WHERE t.from_id = :a AND t.to_id IS NOT NULL AND t.to_id <> :a AND ${sql}`);
  if (direction !== 'out') sides.push(`SELECT t.from_id AS cp, 'received' AS side, t.asset_id, t.amount, t.time FROM transfer t WHERE t.to_id = :a AND t.from_id IS NOT NULL AND t.from_id <> :a AND ${sql}`);
  const rows = db
    .prepare(
      `SELECT cp, side, asset_id, bigsum(amount) AS total, count(*) AS cnt, min(time) AS first_time, max(time) AS last_time
       FROM (${sides.join(' UNION ALL ')}) GROUP BY cp, side, asset_id`,
    )
    .safeIntegers(true)
    .all({ a: addressId, ...params }) as { cp: bigint; side: 'sent' | 'received'; asset_id: bigint; total: bigint | string; cnt: bigint; first_time: bigint | null; last_time: bigint | null }[];
  const assets = getAssets(db, [...new Set(rows.map((r) => Number(r.asset_id)))]);
  const byCp = new Map<number, { weight: number; assets: Map<number, NeighbourAsset>; sides: Set<string> }>();
  for (const r of rows) {
    const cp = Number(r.cp);
    const entry = byCp.get(cp) ?? { weight: 0, assets: new Map<number, NeighbourAsset>(), sides: new Set<string>() };
    byCp.set(cp, entry);
    entry.sides.add(r.side);
    const assetId = Number(r.asset_id);
    const asset = assets.get(assetId)!;
    const a = entry.assets.get(assetId) ?? { asset, received: 0n, sent: 0n, count: 0, firstTime: null, lastTime: null };
    entry.assets.set(assetId, a);
    const amount = fromDbAmount(r.total);
    if (r.side === 'sent') a.sent += amount;
    else a.received += amount;
    a.count += Number(r.cnt);
    a.firstTime = minTime(a.firstTime, r.first_time === null ? null : Number(r.first_time));
    a.lastTime = maxTime(a.lastTime, r.last_time === null ? null : Number(r.last_time));
    entry.weight += Number(amount) / 10 ** (asset.decimals ?? 0);
  }
  const ranked = [...byCp.entries()].sort((x, y) => y[1].weight - x[1].weight || x[0] - y[0]);
  const page = ranked.slice(offset, offset + limit);
  const addrRows = db
    .prepare('SELECT address.id AS id, address.addr AS addr, chain.caip2 AS caip2 FROM address JOIN chain ON chain.id = address.chain_id WHERE address.id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(page.map(([id]) => id))) as { id: number; addr: string; caip2: string }[];
  const addrById = new Map(addrRows.map((r) => [r.id, r]));
  const items: Neighbour[] = page.map(([id, e]) => {
    const a = addrById.get(id)!;
    const list = [...e.assets.values()].sort((x, y) => x.asset.id - y.asset.id);
    return {
      addressId: id,
      address: a.addr,
      display: displayAddress(a.caip2, a.addr),
      direction: e.sides.size === 2 ? 'both' : e.sides.has('received') ? 'in' : 'out',
      assets: list,
      count: list.reduce((n, x) => n + x.count, 0),
      firstTime: list.reduce<number | null>((t, x) => minTime(t, x.firstTime), null),
      lastTime: list.reduce<number | null>((t, x) => maxTime(t, x.lastTime), null),
    };
  });
  return { total: ranked.length, offset, items };
}
