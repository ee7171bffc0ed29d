import type { Handlers } from '../../../shared/api/contract';
import type { CallContext } from '../backendTypes';
import { listLinks } from '../cases/caseTraces';
import { findPaths } from '../trace/paths';
import type { HandlerDeps, HandlerKit } from './handlers';

type Methods = 'paths.find';

/** Path finding between sets of addresses, across chains through confirmed links. */
export function createPathHandlers(deps: HandlerDeps, kit: HandlerKit): Pick<Handlers<CallContext>, Methods> {
  return {
    /**
     * In a case: over the case's facts, through its confirmed links; without one, over the store
     * and within each chain. An address the facts do not hold is a not_found error naming it.
     */
    'paths.find': ({ caseId, ...search }) => {
      if (caseId === undefined) return { paths: findPaths(deps.store, search, []) };
      return { paths: findPaths(kit.facts(caseId), search, listLinks(deps.cases.get(caseId))) };
    },
  };
}
