import { dropIndexes } from './bulkIndexes';
import type { Db } from './openStore';

/**
 * Edges are the exact aggregate of value transfers between two addresses per asset.
 * Failed transfers (status 0) move no value and are left out; unknown status counts.
 * They are maintained incrementally: an import adds the sums of the transfers it inserted,
 * which are exactly the rows above the rowid watermark taken when it began (rows are never
 * deleted, and INSERT OR IGNORE inserts only new facts). `total_f`, the float that rankings
 * sort by, is a virtual column over the exact total (store migration 120): never written.
 */
export function addTransfersToEdges(db: Db, chainId: number, firstNewTransferId: number): number {
  // The edges' index by recipient is keyed at random: when the import may add about as many
  // edges as the table holds, it is built once afterwards instead of row by row. The table is
  // counted only for an import big enough to qualify: a count reads the whole of it.
  const newTransfers = db.prepare('SELECT count(*) FROM transfer WHERE id >= ?').pluck().get(firstNewTransferId) as number;
  const big = newTransfers >= 50_000 && newTransfers >= (db.prepare('SELECT count(*) FROM edge').pluck().get() as number);
  const restoreEdgeTo = big ? dropIndexes(db, ['edge_to']) : () => {};
  // NOT INDEXED: the import's transfers are a rowid range; read in order and sorted once, they
  // cost less than one table lookup per entry of the (from, to, asset) index.
  const r = db
    .prepare(
      `INSERT INTO edge (from_id, to_id, asset_id, total, cnt, first_time, last_time)
       SELECT from_id, to_id, asset_id, bigsum(amount), count(*), min(time), max(time)
       FROM transfer NOT INDEXED
       WHERE id >= ? AND chain_id = ? AND from_id IS NOT NULL AND to_id IS NOT NULL AND (status IS NULL OR status <> 0)
       GROUP BY from_id, to_id, asset_id
       ON CONFLICT (from_id, to_id, asset_id) DO UPDATE SET
         total = bigadd(edge.total, excluded.total),
         cnt = edge.cnt + excluded.cnt,
         first_time = min(coalesce(edge.first_time, excluded.first_time), coalesce(excluded.first_time, edge.first_time)),
         last_time = max(coalesce(edge.last_time, excluded.last_time), coalesce(excluded.last_time, edge.last_time))`,
    )
    .run(firstNewTransferId, chainId);
  restoreEdgeTo();
  return r.changes;
}

/**
 * Gives a time to transfers and txs that arrived before their block did (token transfers carry
 * only a block number). Transfers already folded into edges by an earlier import widen their
 * edge's first/last time; the sums do not change.
 */
export function fillTimesFromBlocks(db: Db, chainId: number, firstNewTransferId: number): number {
  db.prepare(
    `UPDATE tx SET time = (SELECT b.time FROM block b WHERE b.chain_id = tx.chain_id AND b.number = tx.block_number)
     WHERE chain_id = ? AND time IS NULL AND block_number IS NOT NULL
       AND EXISTS (SELECT 1 FROM block b WHERE b.chain_id = tx.chain_id AND b.number = tx.block_number)`,
  ).run(chainId);
  const updated = db
    .prepare(
      `UPDATE transfer SET time = (SELECT tx.time FROM tx WHERE tx.id = transfer.tx_id)
       WHERE time IS NULL AND chain_id = ? AND (SELECT tx.time FROM tx WHERE tx.id = transfer.tx_id) IS NOT NULL
       RETURNING id, from_id, to_id, asset_id, time, status`,
    )
    .all(chainId) as { id: number; from_id: number | null; to_id: number | null; asset_id: number; time: number; status: number | null }[];
  const widen = db.prepare(
    `UPDATE edge SET
       first_time = CASE WHEN first_time IS NULL OR :t < first_time THEN :t ELSE first_time END,
       last_time = CASE WHEN last_time IS NULL OR :t > last_time THEN :t ELSE last_time END
     WHERE from_id = :f AND to_id = :to AND asset_id = :asset`,
  );
  for (const t of updated) {
    if (t.id >= firstNewTransferId || t.from_id === null || t.to_id === null || t.status === 0) continue;
    widen.run({ t: t.time, f: t.from_id, to: t.to_id, asset: t.asset_id });
  }
  return updated.length;
}

/**
 * Recomputes the given edges exactly from their transfers (sum, count, first and last time),
 * adding those that now have transfers and deleting those no transfer still counts for: used
 * when transfers already summed into an edge turn out to have failed, or gain a recipient.
 */
export function recomputeEdges(db: Db, keys: Iterable<readonly [number, number, number]>): number {
  const sum = db.prepare(
    `SELECT bigsum(amount) AS total, count(*) AS cnt, min(time) AS first, max(time) AS last
     FROM transfer WHERE from_id = ? AND to_id = ? AND asset_id = ? AND (status IS NULL OR status <> 0)`,
  ).safeIntegers(true);
  const upsert = db.prepare(
    `INSERT INTO edge (total, cnt, first_time, last_time, from_id, to_id, asset_id) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (from_id, to_id, asset_id) DO UPDATE SET
       total = excluded.total, cnt = excluded.cnt, first_time = excluded.first_time, last_time = excluded.last_time`,
  );
  const remove = db.prepare('DELETE FROM edge WHERE from_id = ? AND to_id = ? AND asset_id = ?');
  let n = 0;
  for (const [from, to, asset] of keys) {
    const r = sum.get(from, to, asset) as { total: bigint | string | null; cnt: bigint; first: bigint | null; last: bigint | null };
    if (r.cnt === 0n) remove.run(from, to, asset);
    else upsert.run(r.total, r.cnt, r.first, r.last, from, to, asset);
    n++;
  }
  return n;
}
