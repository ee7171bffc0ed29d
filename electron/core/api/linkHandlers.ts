import type { Handlers } from '../../../shared/api/contract';
import type { CallContext } from '../backendTypes';
import { addLink, listLinks, removeLink, setLinkStatus, traceContextOf, tracedTransfers } from '../cases/caseTraces';
import type { CaseFile } from '../cases/caseFiles';
import { labelledServices, proposeLinks, type ServiceAddress } from '../trace/linkCandidates';
import type { HandlerDeps, HandlerKit } from './handlers';

type Methods = 'links.list' | 'links.propose' | 'links.add' | 'links.setStatus' | 'links.remove';

/** Case tag categories that mark a service whose value may come out on another chain. */
const SERVICE_TAG_CATEGORIES: ReadonlySet<string> = new Set(['bridge', 'exchange', 'defi']);

/** The case's own tags that mark a bridge, exchange or swap (a cluster's tag marks each member). */
function taggedServices(c: CaseFile): ServiceAddress[] {
  return (traceContextOf(c).caseTags ?? []).flatMap((t) =>
    t.category !== null && SERVICE_TAG_CATEGORIES.has(t.category) ? [{ chain: t.chain, address: t.addr, name: t.label, category: t.category }] : [],
  );
}

/** Cross-chain links of a case: candidates, confirmation, links by hand. */
export function createLinkHandlers(deps: HandlerDeps, kit: HandlerKit): Pick<Handlers<CallContext>, Methods> {
  const { cases, store } = deps;
  return {
    'links.list': (args) => listLinks(cases.get(args.caseId)),
    'links.propose': (args) => {
      const c = cases.get(args.caseId);
      const facts = kit.facts(args.caseId);
      // Without a choice of transfers: those the case's traces carried value along, when it has traces.
      const traced = args.search.from === null ? tracedTransfers(c) : [];
      const search = traced.length > 0 ? { ...args.search, from: traced.slice(0, 10_000) } : args.search;
      // A received case's evidence has no label sets of its own: the workspace's labels name the services.
      const extra = [...taggedServices(c), ...(facts === store ? [] : labelledServices(store))];
      return { candidates: proposeLinks(facts, search, listLinks(c), extra) };
    },
    'links.add': (args) =>
      addLink(cases.get(args.caseId), kit.actor(), { from: args.from, to: args.to, kind: args.kind, status: args.status, evidence: args.evidence, score: args.score, note: args.note }),
    'links.setStatus': (args) => setLinkStatus(cases.get(args.caseId), kit.actor(), args.linkId, args.status),
    'links.remove': (args) => ({ removed: removeLink(cases.get(args.caseId), kit.actor(), args.linkId) }),
  };
}
