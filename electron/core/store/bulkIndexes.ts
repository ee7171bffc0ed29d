import type { Db } from './openStore';

/**
 * Secondary indexes keyed by address ids. Rows arrive in id order, but these keys are random,
 * so keeping the indexes up to date row by row costs a B-tree descent into a random page for
 * every row: most of the time of a large import. Building them afterwards with CREATE INDEX
 * sorts once instead.
 */
const RANDOM_KEYED_INDEXES = ['transfer_from', 'transfer_to', 'txout_address', 'txin_address'];

export interface DeferredIndexes {
  /** Recreates the dropped indexes from their own stored definitions. Call before COMMIT. */
  restore(): void;
}

/**
 * Inside the caller's transaction, drops the random-keyed indexes when an import is expected
 * to add at least as many rows as the tables hold (a first import of a blocks folder), so they
 * can be rebuilt in one pass at the end. DDL is transactional in SQLite: if the import rolls
 * back, the indexes come back with it; readers on other connections keep seeing them until
 * the commit. For a small import into a big store it does nothing, since rebuilding would cost
 * more than it saves.
 */
export function deferIndexesForBulkLoad(db: Db, expectedNewRows: number): DeferredIndexes {
  const existing = (db.prepare('SELECT coalesce(max(id), 0) FROM transfer').pluck().get() as number) ?? 0;
  if (expectedNewRows < Math.max(existing, 100_000)) return { restore: () => {} };
  const placeholders = RANDOM_KEYED_INDEXES.map(() => '?').join(', ');
  const defs = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (${placeholders})`).all(...RANDOM_KEYED_INDEXES) as {
    name: string;
    sql: string;
  }[];
  for (const d of defs) db.exec(`DROP INDEX ${d.name}`);
  return {
    restore: () => {
      for (const d of defs) db.exec(d.sql);
    },
  };
}
