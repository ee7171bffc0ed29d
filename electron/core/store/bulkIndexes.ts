import type { Db } from './openStore';

/**
 * Secondary indexes keyed by address ids. Rows arrive in id order, but these keys are random,
 * so keeping the indexes up to date row by row costs a B-tree descent into a random page for
 * every row: most of the time of a large import. Building them afterwards with CREATE INDEX
 * sorts once instead.
 */
const RANDOM_KEYED_INDEXES = ['transfer_from', 'transfer_to', 'txout_address', 'txin_address'];

/** Below this many expected rows an import keeps every index live: rebuilding would cost more. */
export const BULK_LOAD_MIN_ROWS = 100_000;

interface IndexDefinition {
  readonly name: string;
  readonly sql: string;
}

/** The stored definitions of those of the named indexes that exist. */
function indexDefinitions(db: Db, names: readonly string[]): IndexDefinition[] {
  const placeholders = names.map(() => '?').join(', ');
  return db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (${placeholders})`).all(...names) as IndexDefinition[];
}

/**
 * Drops the indexes inside the caller's transaction (DDL is transactional: a rollback brings
 * them back) and returns what recreates them from their own definitions, once; later calls do nothing.
 */
function dropUntilRestored(db: Db, defs: readonly IndexDefinition[]): () => void {
  for (const d of defs) db.exec(`DROP INDEX ${d.name}`);
  let restored = defs.length === 0;
  return () => {
    if (restored) return;
    restored = true;
    for (const d of defs) db.exec(d.sql);
  };
}

/**
 * Drops those of the named indexes that exist, for a load about as big as their table, inside
 * the caller's transaction; the function returned rebuilds them once, in one sorted pass each.
 */
export function dropIndexes(db: Db, names: readonly string[]): () => void {
  return dropUntilRestored(db, indexDefinitions(db, names));
}

export interface DeferredIndexes {
  /** True when indexes were dropped, so restore() will build them. */
  readonly deferred: boolean;
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
export function deferIndexesForBulkLoad(db: Db, expectedNewRows: number, minRows = BULK_LOAD_MIN_ROWS): DeferredIndexes {
  const existing = (db.prepare('SELECT coalesce(max(id), 0) FROM transfer').pluck().get() as number) ?? 0;
  if (expectedNewRows < Math.max(existing, minRows)) return { deferred: false, restore: () => {} };
  return { deferred: true, restore: dropIndexes(db, RANDOM_KEYED_INDEXES) };
}

/** The natural-key indexes of txs and addresses (store migration 100 made them droppable). */
const NATURAL_KEY_INDEXES = ['tx_key', 'address_key'];

/**
 * A first import of a chain dedupes its txs and addresses in memory while `active`: the store
 * holds none of that chain's, so a key not seen earlier in the import is new, and the unique
 * indexes on (chain, hash) and (chain, addr) are dropped and built once by `end()`. Rows are
 * checked against those indexes again when they are rebuilt: a duplicate the memory missed
 * would fail the CREATE UNIQUE INDEX and the import, never be stored twice.
 */
export interface FreshChainLoad {
  /** True until end(): no SQL lookup by tx hash or address text may run meanwhile. */
  readonly active: boolean;
  /** Rebuilds the dropped indexes; idempotent. Call before any query by hash or address text. */
  end(): void;
}

const INACTIVE: FreshChainLoad = { active: false, end: () => {} };

/**
 * Inside the caller's transaction: drops the natural-key indexes when the chain has no txs or
 * addresses in the store yet and the import is expected to add at least as many rows as the
 * tx table holds for all chains (the rebuild sorts every row, other chains' too).
 */
export function deferNaturalKeysForFreshChain(db: Db, chainId: number, expectedNewRows: number, minRows = BULK_LOAD_MIN_ROWS): FreshChainLoad {
  const has = (table: 'tx' | 'address'): boolean => db.prepare(`SELECT 1 FROM ${table} WHERE chain_id = ? LIMIT 1`).get(chainId) !== undefined;
  if (has('tx') || has('address')) return INACTIVE;
  const existing = (db.prepare('SELECT coalesce(max(id), 0) FROM tx').pluck().get() as number) ?? 0;
  if (expectedNewRows < Math.max(existing, minRows)) return INACTIVE;
  const defs = indexDefinitions(db, NATURAL_KEY_INDEXES);
  if (defs.length !== NATURAL_KEY_INDEXES.length) return INACTIVE;
  const restore = dropUntilRestored(db, defs);
  const state = {
    active: true,
    end(): void {
      state.active = false;
      restore();
    },
  };
  return state;
}
