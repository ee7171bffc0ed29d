/**
 * Rebuilding a chain's clusters from the facts: what a settings change (a change heuristic
 * switched on or off, new deposit thresholds, another collapse guard) and a store from before
 * clustering existed need. Imports keep clusters up to date incrementally; a rebuild starts the
 * chain's clusters afresh and runs every heuristic that is on over all its transactions, in id
 * order, so a rebuild with the settings of before gives the clusters of before: switching change
 * heuristics on and off again removes exactly the merges they made.
 *
 * A rebuild decides with everything the store holds, where an import decided with what it held
 * then: after blocks imported out of chain order, or inputs derived and later resolved, a
 * rebuild's clusters can differ from the incremental ones, and are the ones to trust.
 *
 * Settings and the rebuild they call for are saved in one transaction (configureClustering): a
 * failure leaves the settings and the clusters as they were.
 */
import { resolveChain } from '../../../../shared/model/chains';
import type { Db } from '../../store/openStore';
import { clusterAccountChain } from './depositClustering';
import { MultiInputClustering, type ClusteringReport } from './multiInput';
import { ClusteringSettings, normalChangeRules, readClusteringSettings, writeClusteringSettings, type ClusteringSettingsPatch } from './settings';

/** Deletes a chain's clusters, evidence and held merges. */
export function clearChainClusters(db: Db, chainId: number): void {
  const others = db.prepare('SELECT EXISTS (SELECT 1 FROM address WHERE chain_id < ? OR chain_id > ?)').pluck().get(chainId, chainId) as number;
  if (others === 0) {
    // The store's only chain: emptying the tables whole is SQLite's truncation, not a probe per address.
    for (const table of ['entity_root', 'entity_member', 'cluster_evidence', 'cluster_held']) db.exec(`DELETE FROM ${table}`);
    return;
  }
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
 * transaction: a failure leaves the clusters as they were. `onChain` hears of each chain as its
 * rebuild begins.
 */
export function rebuildClusters(db: Db, chainIds?: readonly number[], onChain?: (chain: string, done: number, total: number) => void): RebuildReport {
  const settings = readClusteringSettings(db);
  const chains = db.prepare('SELECT id, caip2 FROM chain ORDER BY id').all() as { id: number; caip2: string }[];
  const chosen = chains.filter((c) => !chainIds || chainIds.includes(c.id));
  const out: RebuildReport = { chains: [] };
  db.transaction(() => {
    for (const [k, c] of chosen.entries()) {
      onChain?.(c.caip2, k, chosen.length);
      clearChainClusters(db, c.id);
      if (resolveChain(c.caip2).family === 'utxo') {
        const run = new MultiInputClustering(db, c.id, null, { collapseGuard: settings.collapseGuard, change: settings.change });
        try {
          run.fromTxId(0);
        } finally {
          run.finish();
        }
        out.chains.push({ chain: c.caip2, report: run.report });
      } else {
        out.chains.push({ chain: c.caip2, report: clusterAccountChain(db, c.id, null, settings) });
      }
    }
  })();
  return out;
}

export interface ConfigureResult {
  settings: ClusteringSettings;
  rebuilt: RebuildReport;
}

/**
 * Changes the workspace's clustering settings (only the fields the patch holds; deposit
 * thresholds one by one) and rebuilds the chains whose merges the change affects: the change
 * rules are UTXO chains' business, the deposit thresholds account chains', the collapse guard
 * every chain's. A patch that changes nothing rebuilds nothing. Settings and rebuild are one
 * transaction. Throws a ZodError naming the field when a value is out of bounds.
 */
export function configureClustering(db: Db, patch: ClusteringSettingsPatch): ConfigureResult {
  const before = readClusteringSettings(db);
  const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as ClusteringSettingsPatch;
  const deposit = Object.fromEntries(Object.entries(given.deposit ?? {}).filter(([, v]) => v !== undefined));
  const after = ClusteringSettings.parse({ ...before, ...given, deposit: { ...before.deposit, ...deposit } });
  after.change = normalChangeRules(after.change);

  const changeRulesChanged = after.change.join() !== before.change.join();
  // Thresholds of a heuristic that is off and stays off change no merge.
  const depositChanged = JSON.stringify(after.deposit) !== JSON.stringify(before.deposit) && (before.deposit.enabled || after.deposit.enabled);
  const guardChanged = after.collapseGuard !== before.collapseGuard;
  const affected = (caip2: string): boolean => {
    if (guardChanged) return true;
    return resolveChain(caip2).family === 'utxo' ? changeRulesChanged : depositChanged;
  };
  const chains = (db.prepare('SELECT id, caip2 FROM chain ORDER BY id').all() as { id: number; caip2: string }[]).filter((c) => affected(c.caip2));

  let rebuilt: RebuildReport = { chains: [] };
  db.transaction(() => {
    writeClusteringSettings(db, after);
    if (chains.length > 0) rebuilt = rebuildClusters(db, chains.map((c) => c.id));
  })();
  return { settings: readClusteringSettings(db), rebuilt };
}
