/**
 * Automatic clusters over the API: an address's cluster, why two addresses are one, the merges
 * held for review, and a case's overrides of them (cases/caseClusters.ts). With a caseId, show
 * and why answer as that case sees the clusters. Clusters are the workspace store's inference,
 * whatever store a received case's facts are read from until its evidence is merged.
 */
import { ApiError, type Handlers } from '../../../shared/api/contract';
import { displayAddress } from '../../../shared/codec/address';
import type { ClusterView } from '../../../shared/api/schemas';
import { addressTexts, clusterMembers, clusterOf, evidencePath, evidenceTouching, forEachMemberPage, heldMerges } from '../analysis/clustering/clusterQueries';
import type { CallContext } from '../backendTypes';
import {
  addOverride,
  caseClusterMembers,
  caseClusterOf,
  caseEvidencePath,
  caseEvidenceTouching,
  forEachCaseMemberPage,
  listOverrides,
  overridesActingOn,
  removeOverride,
} from '../cases/caseClusters';
import { labelKeyOf, labelsOfMany } from '../intel/labelStore';
import type { Db } from '../store/openStore';
import { chainOf, lookupAddress, type HandlerDeps, type HandlerKit } from './handlers';

type Methods = 'clusters.show' | 'clusters.why' | 'clusters.held' | 'clusters.override' | 'clusters.overrides' | 'clusters.removeOverride';

/** Members whose labels are read per query when looking for a cluster's best label. */
const LABEL_PAGE = 5_000;

/** An address the store holds, canonical, with its id; not_found naming it otherwise. */
function knownAddress(store: Db, chain: string, address: string): { chain: string; addr: string; id: number } {
  const a = lookupAddress(store, chain, address);
  if (a.id === null) throw new ApiError('not_found', `address ${address} on ${chainOf(a.chain).name} is not in the store`);
  return { ...a, id: a.id };
}

/** Whether label rank x (confidence, sanction, newer set) comes before y. */
function outranks(x: readonly number[], y: readonly number[]): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return false;
}

/** The most confident label on any member (the members given a page at a time), as labelsOfMany ranks an address's own labels. */
function bestLabel(store: Db, chain: string, eachPage: (pageSize: number, visit: (ids: number[]) => void) => void): ClusterView['label'] {
  type Ranked = NonNullable<ClusterView['label']> & { rank: number[] };
  const top: { best: Ranked | null } = { best: null };
  eachPage(LABEL_PAGE, (ids) => {
    const texts = addressTexts(store, ids);
    const found = labelsOfMany(store, [...texts.values()].map((addr) => ({ chain, addr })), 1);
    for (const addr of texts.values()) {
      const own = found.get(labelKeyOf(chain, addr));
      if (!own) continue;
      const l = own.labels[0]!;
      const rank = [l.confidenceScore ?? -1, l.abuse === 'sanction' ? 1 : 0, l.set.id];
      if (top.best && !outranks(rank, top.best.rank)) continue;
      top.best = { label: l.label, category: l.category, sanctioned: own.sanctioned, address: displayAddress(chain, addr), rank };
    }
  });
  if (!top.best) return null;
  const { rank: _rank, ...label } = top.best;
  return label;
}

/** Automatic clusters: an address's cluster, why two addresses are one, the merges held for review, a case's overrides. */
export function createClusterHandlers(deps: HandlerDeps, kit: HandlerKit): Pick<Handlers<CallContext>, Methods> {
  const { store, cases } = deps;
  return {
    'clusters.show': (args) => {
      const a = knownAddress(store, args.chain, args.address);
      const automatic = clusterOf(store, a.id);
      if (args.caseId === undefined) {
        const page = addressTexts(store, clusterMembers(store, automatic, args.offset, args.limit));
        return {
          cluster: `e${automatic.root}`,
          size: automatic.size,
          label: bestLabel(store, a.chain, (size, visit) => forEachMemberPage(store, automatic, size, visit)),
          addresses: [...page.values()].map((addr) => displayAddress(a.chain, addr)),
          evidence: evidenceTouching(store, a.id, args.limit),
        };
      }
      const c = cases.get(args.caseId);
      const seen = caseClusterOf(store, c, a.id);
      const page = addressTexts(store, caseClusterMembers(store, c, seen, args.offset, args.limit));
      const acting = new Set(overridesActingOn(store, c, a.id));
      return {
        cluster: seen.id,
        size: seen.size,
        label: bestLabel(store, a.chain, (size, visit) => forEachCaseMemberPage(store, c, seen, size, visit)),
        addresses: [...page.values()].map((addr) => displayAddress(a.chain, addr)),
        evidence: caseEvidenceTouching(store, c, a.id, args.limit),
        automatic: { cluster: `e${automatic.root}`, size: automatic.size },
        overrides: listOverrides(c).filter((o) => acting.has(o.id)),
      };
    },
    'clusters.why': (args) => {
      const a = knownAddress(store, args.chain, args.a);
      const b = knownAddress(store, args.chain, args.b);
      const path = args.caseId === undefined ? evidencePath(store, a.id, b.id) : caseEvidencePath(store, cases.get(args.caseId), a.id, b.id);
      if (path === null) return { joined: false, steps: [] };
      const texts = addressTexts(store, [...new Set(path.flatMap((s) => [s.from, s.to]))]);
      const shown = (id: number): string => displayAddress(a.chain, texts.get(id)!);
      return {
        joined: true,
        steps: path.map((s: { from: number; to: number; tx: string; heuristic: string; override?: number }) => ({
          from: shown(s.from),
          to: shown(s.to),
          tx: s.tx,
          heuristic: s.heuristic,
          ...(s.override === undefined ? {} : { override: s.override }),
        })),
      };
    },
    'clusters.override': (args) => {
      const c = cases.get(args.caseId);
      if (args.kind === 'split') return addOverride(store, c, kit.actor(), { kind: 'split', chain: args.chain, address: args.address, note: args.note });
      if (args.kind === 'reject') return addOverride(store, c, kit.actor(), { kind: 'reject', chain: args.chain, tx: args.tx, note: args.note });
      return addOverride(store, c, kit.actor(), { kind: 'confirm', chain: args.chain, a: args.a, b: args.b, tx: args.tx, note: args.note });
    },
    'clusters.overrides': (args) => listOverrides(cases.get(args.caseId)),
    'clusters.removeOverride': (args) => ({ removed: removeOverride(cases.get(args.caseId), kit.actor(), args.overrideId) }),
    'clusters.held': (args) => {
      const { total, items } = heldMerges(store, args.offset, args.limit);
      const rows = store.prepare('SELECT a.id, a.addr, c.caip2 FROM json_each(?) j CROSS JOIN address a ON a.id = j.value JOIN chain c ON c.id = a.chain_id');
      const byId = new Map(
        (rows.all(JSON.stringify([...new Set(items.flatMap((h) => [h.a, h.b]))])) as { id: number; addr: string; caip2: string }[]).map((r) => [r.id, r]),
      );
      return {
        total,
        items: items.map((h) => {
          const a = byId.get(h.a)!;
          const b = byId.get(h.b)!;
          return { chain: a.caip2, a: displayAddress(a.caip2, a.addr), b: displayAddress(b.caip2, b.addr), aSize: h.aSize, bSize: h.bSize, tx: h.tx, heuristic: h.heuristic };
        }),
      };
    },
  };
}
