/**
 * Exchange deposit-address clustering on account chains (Victor 2020). Placeholder: merges
 * nothing yet.
 */
import type { Db } from '../../store/openStore';
import type { ClusteringReport } from './multiInput';
import type { ClusteringSettings } from './settings';

/** Clusters an account chain's deposit addresses with their hubs and their funders. */
export function clusterAccountChain(_db: Db, _chainId: number, _datasetId: number | null, _settings: ClusteringSettings): ClusteringReport {
  return { candidates: 0, coinjoins: 0, merges: 0, held: 0 };
}
