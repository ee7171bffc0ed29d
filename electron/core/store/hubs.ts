import type { Db } from './openStore';

/**
 * Hubs (exchange hot wallets, popular contracts, mixers) have so many counterparties that
 * ranking them live on every expand takes a scan of all their edges: tens of milliseconds per
 * ten thousand. For addresses with at least this many counterparties the ranking is computed
 * once, when an import changes the edges, and an expand reads its page by position.
 */
export const HUB_MIN_COUNTERPARTIES = 2000;

export type RankDirection = 'in' | 'out' | 'both';
const DIRECTIONS: readonly RankDirection[] = ['in', 'out', 'both'];

/** An address's edges towards counterparties, one row per (counterparty, asset), for one direction. */
export function flowsSql(direction: RankDirection): string {
  const out = 'SELECT to_id AS cp, asset_id, total_f, cnt FROM edge WHERE from_id = :a AND to_id <> :a';
  const inn = 'SELECT from_id AS cp, asset_id, total_f, cnt FROM edge WHERE to_id = :a AND from_id <> :a';
  return direction === 'out' ? out : direction === 'in' ? inn : `${out} UNION ALL ${inn}`;
}

/**
 * Counterparties ranked by value: a float of whole units summed across assets (unknown decimals
 * count as 18). It orders, it is never shown as evidence. Ties: more transfers first, then id.
 */
export function rankedSql(direction: RankDirection): string {
  return `SELECT f.cp AS cp, sum(f.total_f / power(10, coalesce(asset.decimals, 18))) AS rank, sum(f.cnt) AS n
          FROM (${flowsSql(direction)}) f JOIN asset ON asset.id = f.asset_id
          GROUP BY f.cp ORDER BY rank DESC, n DESC, f.cp`;
}

/**
 * Recomputes the stored rankings of hubs, inside the caller's transaction (an import, after its
 * edges are final): of one chain's addresses when `chainId` is given, else of all. Edges, assets
 * and their decimals belong to one chain, so an import of one chain changes the rankings of
 * that chain's hubs only; its cost follows that chain, not the whole store (Tron after a large
 * Ethereum import no longer re-ranks Ethereum's exchanges). Returns how many hubs it ranked.
 */
export function refreshHubs(db: Db, minCounterparties = HUB_MIN_COUNTERPARTIES, chainId: number | null = null): number {
  const hubs = (
    chainId === null
      ? db
          .prepare(
            `SELECT id FROM (SELECT from_id AS id, count(*) AS n FROM edge GROUP BY from_id
                             UNION ALL SELECT to_id, count(*) FROM edge GROUP BY to_id)
             GROUP BY id HAVING sum(n) >= ?`,
          )
          .pluck()
          .all(minCounterparties)
      : // The chain's addresses lie between its lowest and highest id: the edges from and to that
        // range are read in key order (a probe per address costs several times more), and other
        // chains' addresses that fall inside it are filtered out at the end.
        db
          .prepare(
            `SELECT h.id FROM (
               SELECT id FROM (SELECT from_id AS id, count(*) AS n FROM edge WHERE from_id BETWEEN :lo AND :hi GROUP BY from_id
                               UNION ALL SELECT to_id, count(*) FROM edge WHERE to_id BETWEEN :lo AND :hi GROUP BY to_id)
               GROUP BY id HAVING sum(n) >= :min) h
             JOIN address a ON a.id = h.id WHERE a.chain_id = :chain`,
          )
          .pluck()
          .all({ chain: chainId, min: minCounterparties, ...(db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM address WHERE chain_id = ?').get(chainId) as { lo: number | null; hi: number | null }) })
  ) as number[];
  if (chainId === null) db.exec('DELETE FROM hub_rank; DELETE FROM hub;');
  else {
    // The chain's hubs as they were; hub_rank first, while hub still names them.
    const ofChain = 'SELECT h.address_id FROM hub h JOIN address a ON a.id = h.address_id WHERE a.chain_id = ?';
    db.prepare(`DELETE FROM hub_rank WHERE address_id IN (${ofChain})`).run(chainId);
    db.prepare(`DELETE FROM hub WHERE address_id IN (${ofChain})`).run(chainId);
  }
  const insertHub = db.prepare('INSERT INTO hub (address_id, direction, total) VALUES (?, ?, ?)');
  const fill = new Map(
    DIRECTIONS.map((d) => [
      d,
      db.prepare(`INSERT INTO hub_rank (address_id, direction, pos, cp_id) SELECT :a, :d, row_number() OVER () - 1, cp FROM (${rankedSql(d)})`),
    ]),
  );
  for (const id of hubs) {
    for (const d of DIRECTIONS) {
      const r = fill.get(d)!.run({ a: id, d });
      insertHub.run(id, d, r.changes);
    }
  }
  return hubs.length;
}

/** A page of a hub's stored ranking, or null when the address is not a hub. */
export function hubPage(db: Db, addressId: number, direction: RankDirection, offset: number, limit: number): { total: number; ids: number[] } | null {
  const total = db.prepare('SELECT total FROM hub WHERE address_id = ? AND direction = ?').pluck().get(addressId, direction) as number | undefined;
  if (total === undefined) return null;
  const ids = db
    .prepare('SELECT cp_id FROM hub_rank WHERE address_id = ? AND direction = ? AND pos >= ? ORDER BY pos LIMIT ?')
    .pluck()
    .all(addressId, direction, offset, limit) as number[];
  return { total, ids };
}
