import type { AddressNode, EntityNode, Graph, GraphCluster, GraphEdge, MoreNode, TxFlow, TxFlows } from '../../shared/api/schemas';
import { txNodeId } from '../graph/txElements';

export interface SelectionInfo {
  readonly ids: readonly string[];
  readonly addresses: readonly AddressNode[];
  readonly more: readonly MoreNode[];
  /** Automatic clusters drawn collapsed (entity nodes). */
  readonly entities: readonly EntityNode[];
  readonly clusters: readonly GraphCluster[];
  /** Tx nodes of the "Tx nodes" view; no command acts on them, the details panel shows them. */
  readonly txs: readonly TxFlow[];
  /**
   * Aggregated transfer edges. Apart from the nodes: no command acts on them and selectionSize
   * leaves them out, so a box that catches edges with its nodes still acts on the nodes.
   */
  readonly edges: readonly GraphEdge[];
}

export const EMPTY_SELECTION: SelectionInfo = { ids: [], addresses: [], more: [], entities: [], clusters: [], txs: [], edges: [] };

/** Resolves canvas element ids against the model; ids the model no longer has are dropped. */
export function describeSelection(graph: Graph | null, ids: readonly string[], txFlows: TxFlows | null = null): SelectionInfo {
  if (!graph || ids.length === 0) return EMPTY_SELECTION;
  const wanted = new Set(ids);
  const addresses: AddressNode[] = [];
  const more: MoreNode[] = [];
  const entities: EntityNode[] = [];
  for (const node of graph.nodes) {
    if (!wanted.has(node.id) || node.hidden) continue;
    if (node.kind === 'address') addresses.push(node);
    else if (node.kind === 'entity') entities.push(node);
    else more.push(node);
  }
  const clusters = graph.clusters.filter((c) => wanted.has(c.id));
  const txs = txFlows?.caseId === graph.caseId ? txFlows.txs.filter((t) => wanted.has(txNodeId(t))) : [];
  // An edge is drawn only while both its nodes are; one touching a hidden node is not selectable.
  const shown = new Set(graph.nodes.filter((n) => !n.hidden).map((n) => n.id));
  const edges = graph.edges.filter((e) => wanted.has(e.id) && shown.has(e.source) && shown.has(e.target));
  return { ids, addresses, more, entities, clusters, txs, edges };
}

export function selectionSize(s: SelectionInfo): number {
  return s.addresses.length + s.more.length + s.entities.length + s.clusters.length + s.txs.length;
}

/** Node ids an action on the selection applies to: selected nodes plus the members of selected clusters. */
export function selectedNodeIds(graph: Graph | null, s: SelectionInfo): string[] {
  const ids = new Set<string>([...s.addresses.map((n) => n.id), ...s.more.map((n) => n.id), ...s.entities.map((n) => n.id)]);
  if (graph && s.clusters.length) {
    const clusterIds = new Set(s.clusters.map((c) => c.id));
    for (const node of graph.nodes) {
      if (node.kind === 'address' && node.clusterId !== null && clusterIds.has(node.clusterId)) ids.add(node.id);
    }
  }
  return [...ids];
}

/** One selected address per automatic cluster of more than one address: what "Collapse to entity" collapses. */
export function walletAnchors(s: SelectionInfo): string[] {
  const seen = new Set<string>();
  return s.addresses.flatMap((n) => {
    if (!n.wallet || n.wallet.size < 2 || seen.has(n.wallet.cluster)) return [];
    seen.add(n.wallet.cluster);
    return [n.id];
  });
}

/** The clusters touched by the selection: selected clusters and those of selected nodes. */
export function touchedClusterIds(s: SelectionInfo): string[] {
  const ids = new Set<string>(s.clusters.map((c) => c.id));
  for (const node of s.addresses) if (node.clusterId !== null) ids.add(node.clusterId);
  return [...ids];
}
