/**
 * Automatic clusters on a case's canvas, the read side (the edits are in caseEntities.ts):
 *
 * - each address node learns its wallet: the size of its automatic cluster as the case sees it
 *   (caseClusters.ts, the one place that knows) and the best label of any member, looked up
 *   once per cluster, not per node, and within a budget so a canvas of thousands of nodes in
 *   clusters of millions of addresses still draws at once;
 * - the clusters drawn collapsed (table entity_collapse) take the place of their members that
 *   are drawn: one entity node each. An entity is the whole wallet: its edges fold the edges of
 *   every member (drawn or not) with the addresses on the canvas, per counterpart and asset,
 *   with exact bigint sums; flows between two members are internal and not drawn. A wallet too
 *   large to read while drawing (ENTITY_EDGE_MEMBERS) counts the members drawn in it only.
 *
 * An entity_collapse row names its cluster by one member's address text (anchor), so it
 * survives the store's cluster roots changing as imports land; two rows that come to name one
 * cluster draw one entity (the older row's).
 */
import type { Asset, EntityNode, GraphEdge, NodeWallet, WalletLabel } from '../../../shared/api/schemas';
import { displayAddress, shortAddress } from '../../../shared/codec/address';
import { addressTexts } from '../analysis/clustering/clusterQueries';
import type { Cluster } from '../analysis/clustering/unionFind';
import type { FlowRow } from '../analysis/filteredFlows';
import { labelsOfMany, labelKeyOf } from '../intel/labelStore';
import type { Db } from '../store/openStore';
import { fromDbAmount } from '../store/sqlFunctions';
import type { CaseFile } from './caseFiles';
import { caseClusterMembers, caseClusterOf } from './caseClusters';
import { hasTable } from './caseTables';

/** Entity node keys: "w" and the entity_collapse row id. */
export const entityKey = (id: number): string => `w${id}`;

/**
 * How much of the clusters on a canvas is looked through for their best labels while the graph
 * is built: every member of a cluster of up to PER_CLUSTER addresses, smallest clusters first,
 * MEMBERS addresses in all; beyond that, the labelled addresses of the chain (when there are at
 * most LABELLED) are placed in their clusters instead. A cluster neither reaches is drawn with
 * labelChecked false, and clusters.show (which reads every member) names its label.
 */
export const LABEL_BUDGET = { PER_CLUSTER: 5_000, MEMBERS: 50_000, LABELLED: 2_000 } as const;
/** Member ids read per query, and addresses per label lookup. */
const PAGE = 2_000;
/**
 * The largest wallet whose every member's edges an entity node draws; a larger one draws its
 * members on the canvas only (EntityNode.wholeWallet false). Reading 50,000 members and their
 * edges with the canvas takes some 0.1 s, on every change to the case.
 */
export const ENTITY_EDGE_MEMBERS = 50_000;

export interface CollapseRow {
  id: number;
  chain: string;
  anchor: string;
  x: number;
  y: number;
}

/** An address node of the canvas as buildGraph reads it, with its store id when the store knows it. */
export interface CanvasAddress {
  id: number;
  chain: string;
  addr: string;
  hidden: number;
  storeId: number | undefined;
}

/** A cluster as the case sees it, with the key that tells two of them apart. */
interface CaseCluster {
  key: string;
  name: string;
  cluster: Cluster;
  chain: string;
}

/**
 * The case's name for a cluster, as clusters.show gives it: "e" and its root, or the name the
 * case's view gives a part that its overrides split off. Two addresses are in one cluster when
 * their clusters have one name.
 */
export function keyOf(cluster: Cluster): string {
  const named = (cluster as unknown as { id?: unknown }).id;
  return typeof named === 'string' ? named : `e${cluster.root}`;
}

/**
 * caseClusterOf, or null where the case's view of the cluster is too large to work out while
 * drawing (caseClusters.ts refuses it with CaseViewTooLarge, naming the limit): such an address is
 * drawn without its wallet, and clusters.show says why.
 */
export function clusterOrNull(store: Db, c: CaseFile, addressId: number): Cluster | null {
  try {
    return caseClusterOf(store, c, addressId);
  } catch (error) {
    if (error instanceof Error && error.name === 'CaseViewTooLarge') return null;
    throw error;
  }
}

export function collapseRows(c: CaseFile): CollapseRow[] {
  // A read-only case file from before schema 31 has no such table: nothing is collapsed there.
  if (!hasTable(c.db, 'entity_collapse')) return [];
  return c.db.prepare('SELECT id, chain, anchor, x, y FROM entity_collapse ORDER BY id').all() as CollapseRow[];
}

/** The store id of an address on a chain, or undefined. */
export function storeIdOf(store: Db, chain: string, addr: string): number | undefined {
  const id = store.prepare('SELECT a.id FROM address a JOIN chain c ON c.id = a.chain_id WHERE c.caip2 = ? AND a.addr = ?').pluck().get(chain, addr) as number | undefined;
  return id;
}

type Ranked = WalletLabel & { rank: readonly number[]; addressId: number };

/**
 * Whether label rank x comes before y, as clusters.show ranks them: confidence, then a
 * sanction, then the newer set; among equals the member with the lower address id keeps it.
 */
function better(x: Ranked, y: Ranked | undefined): boolean {
  if (!y) return true;
  for (let i = 0; i < x.rank.length; i++) if (x.rank[i] !== y.rank[i]) return x.rank[i]! > y.rank[i]!;
  return x.addressId < y.addressId;
}

/** The best label of each of these addresses (store id → text), as a candidate for its cluster. */
function rankLabels(store: Db, chain: string, texts: ReadonlyMap<number, string>): Map<number, Ranked> {
  const out = new Map<number, Ranked>();
  const ids = [...texts.keys()];
  for (let i = 0; i < ids.length; i += PAGE) {
    const slice = ids.slice(i, i + PAGE);
    const found = labelsOfMany(store, slice.map((id) => ({ chain, addr: texts.get(id)! })), 1);
    for (const id of slice) {
      const own = found.get(labelKeyOf(chain, texts.get(id)!));
      if (!own) continue;
      const l = own.labels[0]!;
      out.set(id, {
        label: l.label,
        category: l.category,
        sanctioned: own.sanctioned,
        address: displayAddress(chain, texts.get(id)!),
        rank: [l.confidenceScore ?? -1, l.abuse === 'sanction' ? 1 : 0, l.set.id],
        addressId: id,
      });
    }
  }
  return out;
}

/** The labelled addresses of a chain that the store knows, with their ids; null when more than `max`. */
function labelledAddresses(store: Db, chain: string, max: number): Map<number, string> | null {
  const rows = store
    .prepare(
      `SELECT DISTINCT a.id, a.addr FROM label l JOIN chain ch ON ch.caip2 = l.chain JOIN address a ON a.chain_id = ch.id AND a.addr = l.addr
       WHERE l.chain = ? LIMIT ?`,
    )
    .all(chain, max + 1) as { id: number; addr: string }[];
  return rows.length > max ? null : new Map(rows.map((r) => [r.id, r.addr]));
}

/**
 * The best label of each cluster, within LABEL_BUDGET: the clusters' members are read (smallest
 * clusters first) while the budget lasts; for the rest, the chain's labelled addresses are
 * placed in their clusters when there are few enough. Absent from the result: not looked for.
 */
export function bestLabels(store: Db, c: CaseFile, clusters: readonly CaseCluster[]): Map<string, WalletLabel | null> {
  const out = new Map<string, WalletLabel | null>();
  // No label set imported (the common case before labels are): nothing to look for.
  if (store.prepare('SELECT 1 FROM label LIMIT 1').get() === undefined) {
    for (const cc of clusters) out.set(cc.key, null);
    return out;
  }
  let budget: number = LABEL_BUDGET.MEMBERS;
  const left: CaseCluster[] = [];
  // Members of the clusters within budget, per chain, each with its cluster: their labels are
  // then read a page of addresses at a time, whatever cluster they belong to.
  const members = new Map<string, Map<number, string>>();
  for (const cc of [...clusters].sort((a, b) => a.cluster.size - b.cluster.size)) {
    if (cc.cluster.size > LABEL_BUDGET.PER_CLUSTER || cc.cluster.size > budget) {
      left.push(cc);
      continue;
    }
    budget -= cc.cluster.size;
    const ofChain = members.get(cc.chain) ?? new Map<number, string>();
    members.set(cc.chain, ofChain);
    for (let offset = 0; offset < cc.cluster.size; offset += PAGE) {
      const ids = caseClusterMembers(store, c, cc.cluster, offset, PAGE);
      for (const id of ids) ofChain.set(id, cc.key);
      if (ids.length < PAGE) break;
    }
    out.set(cc.key, null);
  }
  const best = new Map<string, Ranked>();
  for (const [chain, ofChain] of members) {
    const ids = [...ofChain.keys()];
    for (let i = 0; i < ids.length; i += PAGE) {
      for (const [id, candidate] of rankLabels(store, chain, addressTexts(store, ids.slice(i, i + PAGE)))) {
        const key = ofChain.get(id)!;
        if (better(candidate, best.get(key))) best.set(key, candidate);
      }
    }
  }
  for (const [key, r] of best) out.set(key, strip(r));
  const byChain = new Map<string, Map<string, CaseCluster>>();
  for (const cc of left) byChain.set(cc.chain, (byChain.get(cc.chain) ?? new Map()).set(cc.key, cc));
  for (const [chain, wanted] of byChain) {
    const labelled = labelledAddresses(store, chain, LABEL_BUDGET.LABELLED);
    if (labelled === null) continue;
    const found = new Map<string, Ranked>();
    const inWanted = new Map<number, string>();
    const clusterKey = new Map<number, string>();
    for (const [id, addr] of labelled) {
      const cluster = clusterOrNull(store, c, id);
      const key = cluster && keyOf(cluster);
      if (key === null || !wanted.has(key)) continue;
      inWanted.set(id, addr);
      clusterKey.set(id, key);
    }
    for (const [id, candidate] of rankLabels(store, chain, inWanted)) {
      const key = clusterKey.get(id)!;
      if (better(candidate, found.get(key))) found.set(key, candidate);
    }
    for (const key of wanted.keys()) out.set(key, found.has(key) ? strip(found.get(key)!) : null);
  }
  return out;
}

function strip(r: Ranked): WalletLabel {
  return { label: r.label, category: r.category, sanctioned: r.sanctioned, address: r.address };
}

/** The entity an address node was drawn into, and how many nodes it stands for. */
export interface DrawnEntity {
  row: CollapseRow;
  key: string;
  cc: CaseCluster;
  /** Address node ids (case rows) it stands for. */
  members: number[];
  /** Store ids of every member of the wallet, or null when it is larger than ENTITY_EDGE_MEMBERS. */
  wallet: number[] | null;
}

export interface EntityPlan {
  /** Wallets of the address nodes drawn, by case node id (clusters of one left out). */
  wallets: Map<number, NodeWallet>;
  /** The entities drawn, oldest row first. */
  entities: DrawnEntity[];
  /** Case node id of an address node drawn into an entity → the entity's key. */
  absorbedBy: Map<number, string>;
  /** Entity keys of every collapse row whose cluster is drawn (including rows that name an already-drawn cluster). */
  rowEntity: Map<number, string>;
}

/**
 * What of the automatic clusters the canvas shows: each drawn address node's wallet, and which
 * nodes the collapsed clusters take in. Hidden nodes are not drawn, so no entity takes them;
 * an entity with no drawn member is not drawn either.
 */
export function planEntities(store: Db, c: CaseFile, addresses: readonly CanvasAddress[], withLabels = true): EntityPlan {
  const clusterOfNode = new Map<number, CaseCluster>();
  const clusters = new Map<string, CaseCluster>();
  const see = (chain: string, storeId: number): CaseCluster | null => {
    const cluster = clusterOrNull(store, c, storeId);
    if (cluster === null) return null;
    const key = keyOf(cluster);
    const known = clusters.get(key);
    if (known) return known;
    const cc = { key, name: key, cluster, chain };
    clusters.set(key, cc);
    return cc;
  };
  for (const a of addresses) {
    if (a.hidden || a.storeId === undefined) continue;
    const cc = see(a.chain, a.storeId);
    if (cc) clusterOfNode.set(a.id, cc);
  }

  const entities: DrawnEntity[] = [];
  const byCluster = new Map<string, DrawnEntity>();
  const rowEntity = new Map<number, string>();
  for (const row of collapseRows(c)) {
    const storeId = storeIdOf(store, row.chain, row.anchor);
    if (storeId === undefined) continue;
    const cc = see(row.chain, storeId);
    // Alone here (a received case read from its bundle's evidence, which carries no clusters; an
    // override that split the anchor off): not a wallet to draw, its address is drawn as itself.
    if (!cc || cc.cluster.size < 2) continue;
    const drawn = byCluster.get(cc.key);
    if (drawn) {
      rowEntity.set(row.id, drawn.key);
      continue;
    }
    const e: DrawnEntity = { row, key: entityKey(row.id), cc, members: [], wallet: null };
    byCluster.set(cc.key, e);
    rowEntity.set(row.id, e.key);
  }
  const absorbedBy = new Map<number, string>();
  for (const a of addresses) {
    const cc = clusterOfNode.get(a.id);
    const e = cc && byCluster.get(cc.key);
    if (!e) continue;
    e.members.push(a.id);
    absorbedBy.set(a.id, e.key);
  }
  for (const e of byCluster.values()) {
    if (e.members.length === 0) continue;
    if (e.cc.cluster.size <= ENTITY_EDGE_MEMBERS) e.wallet = membersOf(store, c, e.cc.cluster);
    entities.push(e);
  }
  for (const [rowId, key] of rowEntity) if (!entities.some((e) => e.key === key)) rowEntity.delete(rowId);

  const multi = [...clusters.values()].filter((cc) => cc.cluster.size > 1);
  const labels = withLabels ? bestLabels(store, c, multi) : new Map<string, WalletLabel | null>();
  const wallets = new Map<number, NodeWallet>();
  for (const [nodeId, cc] of clusterOfNode) {
    if (cc.cluster.size <= 1) continue;
    wallets.set(nodeId, { cluster: cc.name, size: cc.cluster.size, label: labels.get(cc.key) ?? null, labelChecked: labels.has(cc.key) });
  }
  return { wallets, entities, absorbedBy, rowEntity };
}

/** Every member of a cluster, as the case sees it, in pages. */
export function membersOf(store: Db, c: CaseFile, cluster: Cluster): number[] {
  const out: number[] = [];
  for (let offset = 0; offset < cluster.size; offset += ENTITY_EDGE_MEMBERS) {
    const page = caseClusterMembers(store, c, cluster, offset, ENTITY_EDGE_MEMBERS);
    out.push(...page);
    if (page.length < ENTITY_EDGE_MEMBERS) break;
  }
  return out;
}

/** The entity node for a drawn entity; `internal` comes from foldEdges. */
export function entityNode(e: DrawnEntity, members: readonly { id: number; chain: string; addr: string; role: EntityNode['members'][number]['role'] }[], label: { label: WalletLabel | null; checked: boolean }, internal: EntityNode['internal']): EntityNode {
  const anchorDisplay = displayAddress(e.row.chain, e.row.anchor);
  return {
    kind: 'entity',
    id: e.key,
    chain: e.row.chain,
    anchor: e.row.anchor,
    anchorDisplay,
    cluster: e.cc.name,
    size: e.cc.cluster.size,
    label: label.label,
    labelChecked: label.checked,
    members: members.map((m) => {
      const display = displayAddress(m.chain, m.addr);
      return { nodeId: `n${m.id}`, address: m.addr, display, short: shortAddress(display), role: m.role };
    }),
    internal,
    wholeWallet: e.wallet !== null,
    x: e.row.x,
    y: e.row.y,
    hidden: false,
  };
}


/** The part of an edge id a node key gives: the number of an address node, the key of any other. */
const idPart = (key: string): string => (key.startsWith('n') ? key.slice(1) : key);

/**
 * Folds the flows between canvas addresses into the graph's edges: one per (source node, target
 * node, asset), where a node is an address node or the entity that took it in. Sums are exact
 * (bigint); an edge touching an entity lists the member edges it sums (parts). Flows between two
 * members of one entity are summed per entity and asset as internal, and drawn as no edge.
 */
export function foldEdges(
  rows: readonly FlowRow[],
  keyOf: (storeId: number) => string,
  endOf: (storeId: number) => { address: string; node: string | null },
  assets: ReadonlyMap<number, Asset>,
): { edges: GraphEdge[]; internal: Map<string, EntityNode['internal']> } {
  type Sum = { source: string; target: string; assetId: number; total: bigint; count: number; first: number | null; last: number | null; parts: NonNullable<GraphEdge['parts']> };
  const sums = new Map<string, Sum>();
  const internal = new Map<string, Map<number, { total: bigint; count: number }>>();
  for (const r of rows) {
    const source = keyOf(Number(r.from_id));
    const target = keyOf(Number(r.to_id));
    const assetId = Number(r.asset_id);
    const amount = fromDbAmount(r.total);
    const count = Number(r.cnt);
    if (source === target) {
      const perAsset = internal.get(source) ?? new Map<number, { total: bigint; count: number }>();
      internal.set(source, perAsset);
      const s = perAsset.get(assetId) ?? { total: 0n, count: 0 };
      perAsset.set(assetId, { total: s.total + amount, count: s.count + count });
      continue;
    }
    const key = `${source}|${target}|${assetId}`;
    const first = r.first_time === null ? null : Number(r.first_time);
    const last = r.last_time === null ? null : Number(r.last_time);
    const s = sums.get(key);
    const from = endOf(Number(r.from_id));
    const to = endOf(Number(r.to_id));
    const part = { from: from.address, to: to.address, source: from.node, target: to.node, total: amount.toString(), count };
    if (!s) {
      sums.set(key, { source, target, assetId, total: amount, count, first, last, parts: [part] });
      continue;
    }
    s.total += amount;
    s.count += count;
    s.first = s.first === null ? first : first === null ? s.first : Math.min(s.first, first);
    s.last = s.last === null ? last : last === null ? s.last : Math.max(s.last, last);
    s.parts.push(part);
  }
  const edges: GraphEdge[] = [...sums.values()].map((s) => {
    const edge: GraphEdge = {
      id: `e${idPart(s.source)}-${idPart(s.target)}-${s.assetId}`,
      source: s.source,
      target: s.target,
      asset: assets.get(s.assetId)!,
      total: s.total.toString(),
      count: s.count,
      firstTime: s.first,
      lastTime: s.last,
    };
    if (!s.source.startsWith('n') || !s.target.startsWith('n')) edge.parts = s.parts.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
    return edge;
  });
  const internalOut = new Map<string, EntityNode['internal']>();
  for (const [entity, perAsset] of internal) {
    internalOut.set(
      entity,
      [...perAsset.entries()].sort((a, b) => a[0] - b[0]).map(([assetId, s]) => ({ asset: assets.get(assetId)!, total: s.total.toString(), count: s.count })),
    );
  }
  return { edges, internal: internalOut };
}
