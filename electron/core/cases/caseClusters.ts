/**
 * A case's view of the workspace's automatic clusters: the store's clusters with this case's
 * overrides applied (table cluster_override, case schema 31). Placeholder: no override is
 * applied yet, the store's clusters are returned as they are.
 */
import { clusterMembers, clusterOf } from '../analysis/clustering/clusterQueries';
import type { Cluster } from '../analysis/clustering/unionFind';
import type { Db } from '../store/openStore';
import type { CaseFile } from './caseFiles';

/** An address's automatic cluster as this case sees it. */
export function caseClusterOf(store: Db, _c: CaseFile, addressId: number): Cluster {
  return clusterOf(store, addressId);
}

/** A page of the members of a cluster returned by caseClusterOf, in address id order. */
export function caseClusterMembers(store: Db, _c: CaseFile, cluster: Cluster, offset: number, limit: number): number[] {
  return clusterMembers(store, cluster, offset, limit);
}
