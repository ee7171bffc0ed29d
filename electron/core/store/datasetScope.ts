import type { Db } from './openStore';

/**
 * What part of the chain a dataset describes (store migration 40, column `dataset.scope`).
 * NULL: every fact of the blocks it covers (ethereum-etl, Bitcoin blocks). 'partial:<address>':
 * one address's history as a block explorer exported it, which records what touched that
 * address and nothing else: its blocks and transactions hold more than the dataset shows.
 */
export type DatasetScope = { readonly kind: 'complete' } | { readonly kind: 'partial'; readonly address: string };

const PARTIAL = 'partial:';

export function partialScope(address: string): string {
  return PARTIAL + address;
}

export function parseDatasetScope(scope: string | null): DatasetScope {
  if (scope === null) return { kind: 'complete' };
  if (scope.startsWith(PARTIAL)) return { kind: 'partial', address: scope.slice(PARTIAL.length) };
  throw new Error(`unknown dataset scope "${scope.slice(0, 80)}"`);
}

export function setDatasetScope(db: Db, datasetId: number, scope: string | null): void {
  const r = db.prepare('UPDATE dataset SET scope = ? WHERE id = ?').run(scope, datasetId);
  if (r.changes !== 1) throw new Error(`setDatasetScope: no dataset ${datasetId}`);
}

/** The dataset's scope, or null when there is no such dataset. */
export function getDatasetScope(db: Db, datasetId: number): DatasetScope | null {
  const row = db.prepare('SELECT scope FROM dataset WHERE id = ?').get(datasetId) as { scope: string | null } | undefined;
  return row ? parseDatasetScope(row.scope) : null;
}
