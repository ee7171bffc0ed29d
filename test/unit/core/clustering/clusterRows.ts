import type { Db } from '../../../../electron/core/store/openStore';

/** Every row of the store's cluster tables, in a fixed order: two stores cluster alike when these are deep-equal. */
const CLUSTER_TABLES = {
  entity_member: 'SELECT address_id, root FROM entity_member ORDER BY address_id',
  entity_root: 'SELECT root, size FROM entity_root ORDER BY root',
  cluster_evidence: 'SELECT id, a, b, tx_id, heuristic, dataset_id FROM cluster_evidence ORDER BY id',
  cluster_held: 'SELECT id, a, b, a_size, b_size, tx_id, heuristic, dataset_id FROM cluster_held ORDER BY id',
};

export function clusterRows(db: Db): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(CLUSTER_TABLES).map(([t, sql]) => [t, db.prepare(sql).raw().all()]));
}
