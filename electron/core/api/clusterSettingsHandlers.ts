import { ZodError } from 'zod';
import { ApiError, type Handlers } from '../../../shared/api/contract';
import { describeZodError } from '../../../shared/api/dispatch';
import type { ClusterRebuild } from '../../../shared/api/schemas';
import { configureClustering, rebuildClusters, type RebuildReport } from '../analysis/clustering/rebuild';
import { readClusteringSettings } from '../analysis/clustering/settings';
import type { CallContext } from '../backendTypes';
import { findChainId } from '../store/chains';
import { chainOf, type HandlerDeps } from './handlers';

type Methods = 'clusters.settings' | 'clusters.configure' | 'clusters.rebuild';

function rows(report: RebuildReport): ClusterRebuild[] {
  return report.chains.map(({ chain, report: r }) => ({ chain, candidates: r.candidates, coinjoins: r.coinjoins, merges: r.merges, held: r.held, change: r.change ?? null }));
}

/** The workspace's clustering settings, changing them (with the rebuild they call for), and rebuilding a chain's clusters. */
export function createClusterSettingsHandlers(deps: HandlerDeps): Pick<Handlers<CallContext>, Methods> {
  const { store } = deps;
  return {
    'clusters.settings': () => readClusteringSettings(store),
    'clusters.configure': (patch) => {
      try {
        const { settings, rebuilt } = configureClustering(store, patch);
        return { settings, rebuilt: rows(rebuilt) };
      } catch (error) {
        // The patch passed the contract's bounds field by field; this is the settings as a whole.
        if (error instanceof ZodError) throw new ApiError('invalid_argument', `clusters.configure: ${describeZodError(error)}`);
        throw error;
      }
    },
    'clusters.rebuild': (args) => {
      if (args.chain === undefined) return { rebuilt: rows(rebuildClusters(store)) };
      const chain = chainOf(args.chain);
      const id = findChainId(store, chain.id);
      if (id === null) throw new ApiError('not_found', `the store holds nothing of ${chain.name} (${chain.id}): no clusters to rebuild`);
      return { rebuilt: rows(rebuildClusters(store, [id])) };
    },
  };
}
