import type { Statement } from 'better-sqlite3';
import type { FreshChainLoad } from './bulkIndexes';
import type { Db } from './openStore';

export function findAddressId(db: Db, chainId: number, addr: string): number | null {
  const row = db.prepare('SELECT id FROM address WHERE chain_id = ? AND addr = ?').get(chainId, addr) as { id: number } | undefined;
  return row ? row.id : null;
}

/**
 * Interns addresses to integer ids during an import. A bounded cache keeps hot addresses
 * (exchange hot wallets, token contracts) out of SQLite without letting memory grow with the file.
 *
 * In a first import of a chain (`fresh` active, store/bulkIndexes.ts) the cache holds every
 * address the import has met, so a miss is a new address and is inserted without a lookup (the
 * address index is not there to look it up in). Past `freshCap` addresses the fresh load ends:
 * the index is rebuilt and the cache is bounded again.
 */
export class AddressInterner {
  private readonly cache = new Map<string, number>();
  private readonly select: Statement;
  private readonly insert: Statement;
  private readonly remove: Statement;
  added = 0;

  constructor(
    db: Db,
    private readonly chainId: number,
    private readonly maxCached = 200_000,
    private readonly fresh: FreshChainLoad | null = null,
    private readonly freshCap = 8_000_000,
  ) {
    this.select = db.prepare('SELECT id FROM address WHERE chain_id = ? AND addr = ?').pluck();
    this.insert = db.prepare('INSERT INTO address (chain_id, addr) VALUES (?, ?)');
    this.remove = db.prepare('DELETE FROM address WHERE id = ? AND chain_id = ? AND addr = ?');
  }

  /**
   * Takes back an address that `id` just added for a row which was then not written (it
   * contradicts a fact the store holds, or repeats one): nothing points at it, and left in
   * place it would be an address with no transfer. Only for an address added by this interner
   * and not used by any row since.
   */
  forget(addr: string, id: number): void {
    const r = this.remove.run(id, this.chainId, addr);
    if (r.changes !== 1) throw new Error(`AddressInterner.forget: expected 1 change for ${addr} (#${id}), got ${r.changes}`);
    this.cache.delete(addr);
    this.added--;
  }

  id(addr: string): number {
    const cached = this.cache.get(addr);
    if (cached !== undefined) return cached;
    const complete = this.fresh?.active === true;
    let id = complete ? undefined : (this.select.get(this.chainId, addr) as number | undefined);
    if (id === undefined) {
      id = Number(this.insert.run(this.chainId, addr).lastInsertRowid);
      this.added++;
    }
    if (complete && this.cache.size >= this.freshCap) this.fresh!.end();
    // Emptying at once is crude but cheap; hot entries come back on their next use.
    if (!(this.fresh?.active === true) && this.cache.size >= this.maxCached) this.cache.clear();
    this.cache.set(addr, id);
    return id;
  }
}
