import type { Asset } from '../../../shared/api/schemas';
import { displayAddress } from '../../../shared/codec/address';
import { getAssets } from '../store/assets';
import type { Db } from '../store/openStore';
import { flowsSql, hubPage, rankedSql } from '../store/hubs';
import { fromDbAmount } from '../store/sqlFunctions';

export type Direction = 'in' | 'out' | 'both';

export interface NeighbourAsset {
  asset: Asset;
  /** Seen from the expanded address: what it received from, and sent to, this counterparty. */
  received: bigint;
  sent: bigint;
  count: number;
  firstTime: number | null;
  lastTime: number | null;
}

export interface Neighbour {
  addressId: number;
  address: string;
  display: string;
  direction: Direction;
  assets: NeighbourAsset[];
  count: number;
  firstTime: number | null;
  lastTime: number | null;
}

export interface NeighbourPage {
  total: number;
  offset: number;
  items: Neighbour[];
}

/**
 * Counterparties of an address, ranked by value (see rankedSql) so that a hub expands to its
 * most significant counterparties first. A hub's ranking is read from the one stored at import
 * (store/hubs.ts); others are ranked live. The sums returned are exact.
 */
export function expandNeighbours(db: Db, addressId: number, direction: Direction, offset: number, limit: number): NeighbourPage {
  const stored = hubPage(db, addressId, direction, offset, limit);
  if (stored) return { total: stored.total, offset, items: describeNeighbours(db, addressId, stored.ids) };
  const total = db.prepare(`SELECT count(DISTINCT cp) FROM (${flowsSql(direction)})`).pluck().get({ a: addressId }) as number;
  const ranked = db.prepare(`${rankedSql(direction)} LIMIT :limit OFFSET :offset`).all({ a: addressId, limit, offset }) as { cp: number }[];
  return { total, offset, items: describeNeighbours(db, addressId, ranked.map((r) => r.cp)) };
}

/** Exact per-asset flows between one address and each of the given counterparties, in the given order. */
export function describeNeighbours(db: Db, addressId: number, counterpartyIds: readonly number[]): Neighbour[] {
  if (counterpartyIds.length === 0) return [];
  const idsJson = JSON.stringify(counterpartyIds);
  const rows = db
    .prepare(
      `SELECT to_id AS cp, 'sent' AS side, asset_id, total, cnt, first_time, last_time FROM edge
         WHERE from_id = :a AND to_id IN (SELECT value FROM json_each(:ids))
       UNION ALL
       SELECT from_id AS cp, 'received' AS side, asset_id, total, cnt, first_time, last_time FROM edge
         WHERE to_id = :a AND from_id IN (SELECT value FROM json_each(:ids))`,
    )
    .safeIntegers(true)
    .all({ a: addressId, ids: idsJson }) as {
    cp: bigint;
    side: 'sent' | 'received';
    asset_id: bigint;
    total: bigint | string;
    cnt: bigint;
    first_time: bigint | null;
    last_time: bigint | null;
  }[];
  const addrRows = db
    .prepare('SELECT address.id AS id, address.addr AS addr, chain.caip2 AS caip2 FROM address JOIN chain ON chain.id = address.chain_id WHERE address.id IN (SELECT value FROM json_each(?))')
    .all(idsJson) as { id: number; addr: string; caip2: string }[];
  const addrById = new Map(addrRows.map((r) => [r.id, r]));
  const assets = getAssets(db, rows.map((r) => Number(r.asset_id)));
  const byCp = new Map<number, Map<number, NeighbourAsset>>();
  const sides = new Map<number, Set<'sent' | 'received'>>();
  for (const r of rows) {
    const cp = Number(r.cp);
    const seen = sides.get(cp) ?? new Set();
    seen.add(r.side);
    sides.set(cp, seen);
    const assetId = Number(r.asset_id);
    const perAsset = byCp.get(cp) ?? new Map<number, NeighbourAsset>();
    byCp.set(cp, perAsset);
    const entry = perAsset.get(assetId) ?? { asset: assets.get(assetId)!, received: 0n, sent: 0n, count: 0, firstTime: null, lastTime: null };
    perAsset.set(assetId, entry);
    const amount = fromDbAmount(r.total);
    if (r.side === 'sent') entry.sent += amount;
    else entry.received += amount;
    entry.count += Number(r.cnt);
    entry.firstTime = minTime(entry.firstTime, r.first_time === null ? null : Number(r.first_time));
    entry.lastTime = maxTime(entry.lastTime, r.last_time === null ? null : Number(r.last_time));
  }
  return counterpartyIds.map((id) => {
    const a = addrById.get(id);
    if (!a) throw new Error(`describeNeighbours: address ${id} not in the store`);
    const assetList = [...(byCp.get(id)?.values() ?? [])].sort((x, y) => x.asset.id - y.asset.id);
    const seen = sides.get(id) ?? new Set();
    const anySent = seen.has('sent');
    const anyReceived = seen.has('received');
    return {
      addressId: id,
      address: a.addr,
      display: displayAddress(a.caip2, a.addr),
      direction: anySent && anyReceived ? 'both' : anyReceived ? 'in' : 'out',
      assets: assetList,
      count: assetList.reduce((n, x) => n + x.count, 0),
      firstTime: assetList.reduce<number | null>((t, x) => minTime(t, x.firstTime), null),
      lastTime: assetList.reduce<number | null>((t, x) => maxTime(t, x.lastTime), null),
    };
  });
}

export function minTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

export function maxTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
