/**
 * Rebuilding a chain's clusters from the facts: what a settings change (a change heuristic
 * switched on or off, new deposit thresholds) and a store from before clustering existed need.
 * Imports keep clusters up to date incrementally; a rebuild starts the chain's clusters afresh
 * and runs every heuristic that is on over all its transactions, in id order, so a rebuild with
 * the settings of before gives the clusters of before.
 */
import { resolveChain } from '../../../../shared/model/chains';
import type { Db } from '../../store/openStore';
import { clusterAccountChain } from './depositClustering';
import { MultiInputClustering, type ClusteringReport } from './multiInput';
import { readClusteringSettings } from './settings';

/** Deletes a chain's clusters, evidence and held merges. */
export function clearChainClusters(db: Db, chainId: number): void {
  const ofChain = 'SELECT id FROM address WHERE chain_id = ?';
  db.prepare(`DELETE FROM entity_root WHERE root IN (${ofChain})`).run(chainId);
  db.prepare(`DELETE FROM entity_member WHERE address_id IN (${ofChain})`).run(chainId);
  db.prepare(`DELETE FROM cluster_evidence WHERE a IN (${ofChain})`).run(chainId);
  db.prepare(`DELETE FROM cluster_held WHERE a IN (${ofChain})`).run(chainId);
}

export interface RebuildReport {
  chains: { chain: string; report: ClusteringReport }[];
}

/**
 * Rebuilds the clusters of the chains given (every chain in the store when none), in one
 * transaction: a failure leaves the clusters as they were.
 */
export function rebuildClusters(db: Db, chainIds?: readonly number[]): RebuildReport {
  const settings = readClusteringSettings(db);
  const chains = db.prepare('SELECT id, caip2 FROM chain ORDER BY id').all() as { id: number; caip2: string }[];
  const chosen = chains.filter((c) => !chainIds || chainIds.includes(c.id));
  const out: RebuildReport = { chains: [] };
  db.transaction(() => {
    for (const c of chosen) {
      clearChainClusters(db, c.id);
      if (resolveChain(c.caip2).family === 'utxo') {
        const run = new MultiInputClustering(db, c.id, null, { collapseGuard: settings.collapseGuard, change: settings.change });
        run.fromTxId(0);
        out.chains.push({ chain: c.caip2, report: run.report });
      } else {
        out.chains.push({ chain: c.caip2, report: clusterAccountChain(db, c.id, null, settings) });
      }
    }
  })();
  return out;
}
