import { ApiError, type Handlers } from '../../../shared/api/contract';
import type { CallContext } from '../backendTypes';
import { findChainId } from '../store/chains';
import { listConflicts } from '../store/conflicts';
import { chainOf, type HandlerDeps } from './handlers';

type Methods = 'conflicts.list';

/** Facts two sources disagree about, from the workspace's store (the first source's value is the one kept). */
export function createConflictHandlers(deps: HandlerDeps): Pick<Handlers<CallContext>, Methods> {
  const { store } = deps;
  return {
    'conflicts.list': (args) => {
      let chainId: number | undefined;
      if (args.chain !== undefined) {
        const chain = chainOf(args.chain);
        const id = findChainId(store, chain.id);
        // Nothing of that chain was imported: nothing can disagree about it.
        if (id === null) return { total: 0, offset: args.offset, items: [] };
        chainId = id;
      }
      if (args.datasetId !== undefined && store.prepare('SELECT 1 FROM dataset WHERE id = ?').get(args.datasetId) === undefined) {
        throw new ApiError('not_found', `no dataset ${args.datasetId} in the store (cairn stats lists them)`);
      }
      return listConflicts(store, { chainId, datasetId: args.datasetId, offset: args.offset, limit: args.limit });
    },
  };
}
