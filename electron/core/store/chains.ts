import type { Db } from './openStore';

/** The store's small integer id for a CAIP-2 chain, created on first use. */
export function ensureChainId(db: Db, caip2: string): number {
  db.prepare('INSERT OR IGNORE INTO chain (caip2) VALUES (?)').run(caip2);
  return (db.prepare('SELECT id FROM chain WHERE caip2 = ?').get(caip2) as { id: number }).id;
}

export function findChainId(db: Db, caip2: string): number | null {
  const row = db.prepare('SELECT id FROM chain WHERE caip2 = ?').get(caip2) as { id: number } | undefined;
  return row ? row.id : null;
}

export function chainCaip2(db: Db, id: number): string {
  const row = db.prepare('SELECT caip2 FROM chain WHERE id = ?').get(id) as { caip2: string } | undefined;
  if (!row) throw new Error(`chainCaip2: no chain with id ${id}`);
  return row.caip2;
}
