import type { Asset } from '../../../shared/api/schemas';
import { getAssets } from './assets';
import type { Db } from './openStore';
import { fromDbAmount } from './sqlFunctions';

export interface AssetTotals {
  asset: Asset;
  received: bigint;
  sent: bigint;
  receivedCount: number;
  sentCount: number;
}

export interface AddressTotals {
  totals: AssetTotals[];
  firstSeen: number | null;
  lastSeen: number | null;
}

/**
 * Exact totals received and sent per asset, from the edge aggregates, plus what was received
 * from no address (a coinbase's block reward and fees), which has no edge.
 */
export function addressTotals(db: Db, addressId: number): AddressTotals {
  const rows = db
    .prepare(
      `SELECT 'received' AS side, asset_id, bigsum(total) AS total, sum(cnt) AS n, min(first_time) AS first, max(last_time) AS last
         FROM edge WHERE to_id = :a GROUP BY asset_id
       UNION ALL
       SELECT 'received', asset_id, bigsum(amount), count(*), min(time), max(time)
         FROM transfer WHERE to_id = :a AND from_id IS NULL AND (status IS NULL OR status <> 0) GROUP BY asset_id
       UNION ALL
       SELECT 'sent' AS side, asset_id, bigsum(total), sum(cnt), min(first_time), max(last_time)
         FROM edge WHERE from_id = :a GROUP BY asset_id`,
    )
    .safeIntegers(true)
    .all({ a: addressId }) as { side: string; asset_id: bigint; total: bigint | string; n: bigint; first: bigint | null; last: bigint | null }[];
  const assets = getAssets(db, rows.map((r) => Number(r.asset_id)));
  const byAsset = new Map<number, AssetTotals>();
  let firstSeen: number | null = null;
  let lastSeen: number | null = null;
  for (const r of rows) {
    const id = Number(r.asset_id);
    const t = byAsset.get(id) ?? { asset: assets.get(id)!, received: 0n, sent: 0n, receivedCount: 0, sentCount: 0 };
    byAsset.set(id, t);
    if (r.side === 'received') {
      t.received += fromDbAmount(r.total);
      t.receivedCount += Number(r.n);
    } else {
      t.sent = fromDbAmount(r.total);
      t.sentCount = Number(r.n);
    }
    if (r.first !== null) firstSeen = firstSeen === null ? Number(r.first) : Math.min(firstSeen, Number(r.first));
    if (r.last !== null) lastSeen = lastSeen === null ? Number(r.last) : Math.max(lastSeen, Number(r.last));
  }
  // Failed transfers are not in the edges but an address that only failed was still seen.
  const seen = db
    .prepare('SELECT min(time) AS first, max(time) AS last FROM (SELECT time FROM transfer WHERE from_id = :a UNION ALL SELECT time FROM transfer WHERE to_id = :a)')
    .get({ a: addressId }) as { first: number | null; last: number | null };
  if (seen.first !== null) firstSeen = firstSeen === null ? seen.first : Math.min(firstSeen, seen.first);
  if (seen.last !== null) lastSeen = lastSeen === null ? seen.last : Math.max(lastSeen, seen.last);
  return { totals: [...byAsset.values()].sort((a, b) => a.asset.id - b.asset.id), firstSeen, lastSeen };
}

export type TransferKind = 'native' | 'token' | 'internal' | 'utxo';
export type TransferStatus = 'success' | 'failed' | 'unknown';

export const KIND_NAMES: readonly TransferKind[] = ['native', 'token', 'internal', 'utxo'];

export function statusName(status: number | null): TransferStatus {
  return status === 1 ? 'success' : status === 0 ? 'failed' : 'unknown';
}

export interface AddressTransfer {
  txHash: string;
  block: number | null;
  time: number | null;
  direction: 'in' | 'out' | 'self';
  counterpartyId: number | null;
  counterparty: string | null;
  asset: Asset;
  value: bigint;
  kind: TransferKind;
  status: TransferStatus;
}

/** One page of an address's transfers, newest first. */
export function addressTransfers(
  db: Db,
  addressId: number,
  direction: 'in' | 'out' | 'both',
  offset: number,
  limit: number,
): { total: number; items: AddressTransfer[] } {
  const parts: string[] = [];
  if (direction !== 'in') parts.push('SELECT id FROM transfer WHERE from_id = :a');
  if (direction !== 'out') parts.push('SELECT id FROM transfer WHERE to_id = :a AND (from_id IS NULL OR from_id <> :a)');
  const ids = parts.join(' UNION ALL ');
  const total = db.prepare(`SELECT count(*) FROM (${ids})`).pluck().get({ a: addressId }) as number;
  const rows = db
    .prepare(
      `SELECT t.from_id, t.to_id, t.asset_id, t.amount, t.time, t.status, t.kind, tx.hash, tx.block_number,
              cp.addr AS cp_addr
       FROM transfer t JOIN tx ON tx.id = t.tx_id
       LEFT JOIN address cp ON cp.id = CASE WHEN t.from_id = :a THEN t.to_id ELSE t.from_id END
       WHERE t.id IN (${ids})
       ORDER BY t.time DESC, t.id DESC LIMIT :limit OFFSET :offset`,
    )
    .safeIntegers(true)
    .all({ a: addressId, limit, offset }) as {
    from_id: bigint | null;
    to_id: bigint | null;
    asset_id: bigint;
    amount: bigint | string;
    time: bigint | null;
    status: bigint | null;
    kind: bigint;
    hash: string;
    block_number: bigint | null;
    cp_addr: string | null;
  }[];
  const assets = getAssets(db, rows.map((r) => Number(r.asset_id)));
  const a = BigInt(addressId);
  return {
    total,
    items: rows.map((r) => {
      const out = r.from_id === a;
      const self = out && r.to_id === a;
      return {
        txHash: r.hash,
        block: r.block_number === null ? null : Number(r.block_number),
        time: r.time === null ? null : Number(r.time),
        direction: self ? 'self' : out ? 'out' : 'in',
        counterpartyId: self ? addressId : out ? (r.to_id === null ? null : Number(r.to_id)) : r.from_id === null ? null : Number(r.from_id),
        counterparty: r.cp_addr,
        asset: assets.get(Number(r.asset_id))!,
        value: fromDbAmount(r.amount),
        kind: KIND_NAMES[Number(r.kind)] ?? 'native',
        status: statusName(r.status === null ? null : Number(r.status)),
      };
    }),
  };
}

export interface EdgeTransfer {
  txHash: string;
  block: number | null;
  time: number | null;
  value: bigint;
  kind: TransferKind;
  status: TransferStatus;
  /** An ERC-721 transfer's token id (its value is then 1); null for fungible transfers. */
  tokenId: string | null;
}

export interface EdgeTransferPage {
  /** Transfers the edge counts (every one but the failed): its count. */
  total: number;
  /** Their exact sum, summed here from the transfers themselves: the edge's total. */
  sum: bigint;
  firstTime: number | null;
  lastTime: number | null;
  /** Failed transfers between the two addresses in this asset: they moved nothing and are not in the edge. */
  failed: number;
  items: EdgeTransfer[];
}

/** Exported so a test can check its plan: it must seek transfer_from, whatever the store's size. */
export function edgeTransferPageSql(window = '1'): string {
  return `SELECT t.amount, t.time, t.status, t.kind, t.token_id, tx.hash, tx.block_number
    FROM transfer t JOIN tx ON tx.id = t.tx_id
    WHERE t.from_id = :f AND t.to_id = :t AND t.asset_id = :a AND (t.status IS NULL OR t.status <> 0) AND ${window}
    ORDER BY t.time, t.id LIMIT :limit OFFSET :offset`;
}

/**
 * The canvas filter's window on one edge's transfers (its asset is the edge's own): a time
 * range, inclusive, and a least amount compared exactly. Transfers of unknown time fall outside
 * any window, as in the filtered edges.
 */
export interface EdgeWindow {
  readonly from: number | null;
  readonly to: number | null;
  readonly minAmount: bigint | null;
}

function windowSql(w: EdgeWindow | null): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (w?.from != null) {
    parts.push('t.time >= :wfrom');
    params.wfrom = w.from;
  }
  if (w?.to != null) {
    parts.push('t.time <= :wto');
    params.wto = w.to;
  }
  if (w?.minAmount != null) {
    parts.push('amount_at_least(t.amount, :wmin)');
    params.wmin = w.minAmount.toString();
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}

/**
 * One page of the transfers behind one edge (from → to in one asset), oldest first: exactly
 * those the edge sums (failed ones move no value and are left out, as in edges.ts), or, with
 * the canvas filter's window, those the filtered edge sums. Read through the transfer_from
 * index on (from_id, to_id, asset_id).
 */
export function edgeTransfers(db: Db, fromId: number, toId: number, assetId: number, offset: number, limit: number, window: EdgeWindow | null = null): EdgeTransferPage {
  const w = windowSql(window);
  const key = { f: fromId, t: toId, a: assetId, ...w.params };
  const agg = db
    .prepare(
      `SELECT count(*) AS n, bigsum(t.amount) AS total, min(t.time) AS first, max(t.time) AS last,
              (SELECT count(*) FROM transfer t WHERE t.from_id = :f AND t.to_id = :t AND t.asset_id = :a AND t.status = 0 AND ${w.sql}) AS failed
       FROM transfer t WHERE t.from_id = :f AND t.to_id = :t AND t.asset_id = :a AND (t.status IS NULL OR t.status <> 0) AND ${w.sql}`,
    )
    .safeIntegers(true)
    .get(key) as { n: bigint; total: bigint | string; first: bigint | null; last: bigint | null; failed: bigint };
  const rows = db
    .prepare(edgeTransferPageSql(w.sql))
    .safeIntegers(true)
    .all({ ...key, limit, offset }) as {
    amount: bigint | string;
    time: bigint | null;
    status: bigint | null;
    kind: bigint;
    token_id: string | null;
    hash: string;
    block_number: bigint | null;
  }[];
  return {
    total: Number(agg.n),
    sum: fromDbAmount(agg.total),
    firstTime: agg.first === null ? null : Number(agg.first),
    lastTime: agg.last === null ? null : Number(agg.last),
    failed: Number(agg.failed),
    items: rows.map((r) => ({
      txHash: r.hash,
      block: r.block_number === null ? null : Number(r.block_number),
      time: r.time === null ? null : Number(r.time),
      value: fromDbAmount(r.amount),
      kind: KIND_NAMES[Number(r.kind)] ?? 'native',
      status: statusName(r.status === null ? null : Number(r.status)),
      tokenId: r.token_id,
    })),
  };
}
