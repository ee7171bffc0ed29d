import { ApiError, type Handlers } from '../../../shared/api/contract';
import { displayAddress } from '../../../shared/codec/address';
import type { ClusterView } from '../../../shared/api/schemas';
import { clusterMembers, clusterOf, evidencePath, evidenceTouching, forEachMemberPage, heldMerges } from '../analysis/clustering/clusterQueries';
import type { Cluster } from '../analysis/clustering/unionFind';
import type { CallContext } from '../backendTypes';
import { labelKeyOf, labelsOfMany } from '../intel/labelStore';
import type { Db } from '../store/openStore';
import { chainOf, lookupAddress, type HandlerDeps } from './handlers';

type Methods = 'clusters.show' | 'clusters.why' | 'clusters.held';

/** Members whose labels are read per query when looking for a cluster's best label. */
const LABEL_PAGE = 5_000;

/** An address the store holds, canonical, with its id; not_found naming it otherwise. */
function knownAddress(store: Db, chain: string, address: string): { chain: string; addr: string; id: number } {
  const a = lookupAddress(store, chain, address);
  if (a.id === null) throw new ApiError('not_found', `address ${address} on ${chainOf(a.chain).name} is not in the store`);
  return { ...a, id: a.id };
}

function addressTexts(store: Db, ids: readonly number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  const rows = store.prepare('SELECT a.id, a.addr FROM json_each(?) j CROSS JOIN address a ON a.id = j.value ORDER BY j.key').all(JSON.stringify(ids)) as { id: number; addr: string }[];
  return new Map(rows.map((r) => [r.id, r.addr]));
}

/** Whether label rank x (confidence, sanction, newer set) comes before y. */
function outranks(x: readonly number[], y: readonly number[]): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return false;
}

/** The most confident label on any member, as labelsOfMany ranks an address's own labels. */
function bestLabel(store: Db, chain: string, c: Cluster): ClusterView['label'] {
  type Ranked = NonNullable<ClusterView['label']> & { rank: number[] };
  const top: { best: Ranked | null } = { best: null };
  forEachMemberPage(store, c, LABEL_PAGE, (ids) => {
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

/** Automatic clusters: an address's cluster, why two addresses are one, the merges held for review. */
export function createClusterHandlers(deps: HandlerDeps): Pick<Handlers<CallContext>, Methods> {
  const { store } = deps;
  return {
    'clusters.show': (args) => {
      const a = knownAddress(store, args.chain, args.address);
      const c = clusterOf(store, a.id);
      const page = addressTexts(store, clusterMembers(store, c, args.offset, args.limit));
      return {
        cluster: `e${c.root}`,
        size: c.size,
        label: bestLabel(store, a.chain, c),
        addresses: [...page.values()].map((addr) => displayAddress(a.chain, addr)),
        evidence: evidenceTouching(store, a.id, args.limit),
      };
    },
    'clusters.why': (args) => {
      const a = knownAddress(store, args.chain, args.a);
      const b = knownAddress(store, args.chain, args.b);
      const path = evidencePath(store, a.id, b.id);
      if (path === null) return { joined: false, steps: [] };
      const texts = addressTexts(store, [...new Set(path.flatMap((s) => [s.from, s.to]))]);
      const shown = (id: number): string => displayAddress(a.chain, texts.get(id)!);
      return { joined: true, steps: path.map((s) => ({ from: shown(s.from), to: shown(s.to), tx: s.tx, heuristic: s.heuristic })) };
    },
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
