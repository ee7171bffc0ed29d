import type { Handlers } from '../../../shared/api/contract';
import type { FlowFilter, Graph } from '../../../shared/api/schemas';
import type { CallContext } from '../backendTypes';
import { collapseEntity, expandEntity } from '../cases/caseEntities';
import type { HandlerDeps, HandlerKit } from './handlers';

type Methods = 'entity.collapse' | 'entity.expand';

/**
 * Automatic clusters drawn collapsed on a case's canvas (cases/caseEntities.ts). Clusters are
 * read from the facts the case is drawn from, as its graph reads them. graph.expand, graph.setHidden
 * and graph.remove take entity nodes too (handlers.ts routes them to caseEntities.ts).
 */
export function createEntityHandlers(deps: HandlerDeps, kit: HandlerKit, graph: (caseId: string, filter?: FlowFilter) => Graph): Pick<Handlers<CallContext>, Methods> {
  const { cases } = deps;
  return {
    'entity.collapse': (args) => {
      collapseEntity(kit.facts(args.caseId), cases.get(args.caseId), kit.actor(), args.nodeId);
      return graph(args.caseId);
    },
    'entity.expand': (args) => {
      expandEntity(kit.facts(args.caseId), cases.get(args.caseId), kit.actor(), args.nodeId);
      return graph(args.caseId);
    },
  };
}
