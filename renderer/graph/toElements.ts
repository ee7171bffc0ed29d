/**
 * Pure mapping from the case graph model to cytoscape element definitions.
 * The model is the source of truth; GraphCanvas diffs these definitions into `cy`.
 */
import type { AddressNode, Graph, GraphCluster, GraphEdge, MoreNode, SEED_ROLES } from '../../shared/api/schemas';
import { formatAmount } from '../format/amount';
import { formatCount } from '../format/text';

type SeedRole = (typeof SEED_ROLES)[number];

export type ClusterElementData = {
  id: string;
  kind: 'cluster';
  label: string;
  color: string;
  category: string;
};

export type AddressElementData = {
  id: string;
  kind: 'address';
  label: string;
  chain: string;
  address: string;
  display: string;
  role: SeedRole | null;
  /** Compound parent (cluster id); absent when the node is in no cluster. */
  parent?: string;
};

export type MoreElementData = {
  id: string;
  kind: 'more';
  label: string;
  /** The address node this pages through; not `parent`, which cytoscape reserves for compounds. */
  ofNode: string;
  direction: 'in' | 'out' | 'both';
  remaining: number;
};

/** A UTXO transaction drawn between its input and output address nodes ("Tx nodes" view). */
export type TxElementData = {
  id: string;
  kind: 'tx';
  label: string;
  chain: string;
  txid: string;
};

export type EdgeElementData = {
  id: string;
  kind: 'edge';
  source: string;
  target: string;
  label: string;
  /** Exact base units, for tooltips. */
  title: string;
  count: number;
};

/** A "same key" link: one address on two account chains. */
export type LinkElementData = {
  id: string;
  kind: 'link';
  source: string;
  target: string;
  label: string;
  /** Why, in full, for the tooltip. */
  title: string;
};

export type NodeElementData = ClusterElementData | AddressElementData | MoreElementData | TxElementData;

export type NodeElement = {
  group: 'nodes';
  data: NodeElementData;
  /** Model position from the server; compound (cluster) nodes take theirs from their children. */
  position?: { x: number; y: number };
  /** False for nodes whose position is computed, not the investigator's to move (tx nodes). */
  grabbable?: boolean;
  classes: string;
};

export type EdgeElement = { group: 'edges'; data: EdgeElementData | LinkElementData; classes: string };

export type GraphElement = NodeElement | EdgeElement;

export function addressLabel(node: AddressNode): string {
  const tag = node.tags[0];
  return tag ? `${node.short}\n${tag.label}` : node.short;
}

export function moreLabel(node: MoreNode): string {
  return `+${formatCount(node.remaining)} more`;
}

export function edgeLabel(edge: GraphEdge): string {
  const amount = formatAmount(edge.total, edge.asset).text;
  return edge.count > 1 ? `${amount} ×${formatCount(edge.count)}` : amount;
}

function classList(...names: Array<string | false | null | undefined>): string {
  return names.filter((n): n is string => typeof n === 'string' && n.length > 0).join(' ');
}

function clusterElement(cluster: GraphCluster): NodeElement {
  return {
    group: 'nodes',
    data: { id: cluster.id, kind: 'cluster', label: cluster.name, color: cluster.color, category: cluster.category },
    classes: classList('cluster', `category-${cluster.category}`),
  };
}

function addressElement(node: AddressNode, clusterIds: ReadonlySet<string>): NodeElement {
  const data: AddressElementData = {
    id: node.id,
    kind: 'address',
    label: addressLabel(node),
    chain: node.chain,
    address: node.address,
    display: node.display,
    role: node.role,
  };
  if (node.clusterId !== null && clusterIds.has(node.clusterId)) data.parent = node.clusterId;
  return {
    group: 'nodes',
    data,
    position: { x: node.x, y: node.y },
    classes: classList(
      'address',
      node.role && 'seed',
      node.role && `seed-${node.role}`,
      !node.known && 'unknown',
      node.tags.length > 0 && 'tagged',
    ),
  };
}

function moreElement(node: MoreNode): NodeElement {
  return {
    group: 'nodes',
    data: {
      id: node.id,
      kind: 'more',
      label: moreLabel(node),
      ofNode: node.parentId,
      direction: node.direction,
      remaining: node.remaining,
    },
    position: { x: node.x, y: node.y },
    classes: 'more',
  };
}

function edgeElement(edge: GraphEdge): EdgeElement {
  return {
    group: 'edges',
    data: {
      id: edge.id,
      kind: 'edge',
      source: edge.source,
      target: edge.target,
      label: edgeLabel(edge),
      title: formatAmount(edge.total, edge.asset).title,
      count: edge.count,
    },
    classes: classList('transfer', edge.asset.contract !== null && 'token'),
  };
}

/**
 * Clusters first (a compound parent must exist before its children), then address and
 * "more" nodes, then edges. Hidden nodes, edges touching them and clusters with no
 * visible member are left out: an empty compound would be drawn as a stray box.
 */
export function toElements(graph: Graph): GraphElement[] {
  const visible = graph.nodes.filter((n) => !n.hidden);
  const visibleIds = new Set(visible.map((n) => n.id));
  const knownClusters = new Set(graph.clusters.map((c) => c.id));
  const populated = new Set<string>();
  for (const n of visible) {
    if (n.kind === 'address' && n.clusterId !== null && knownClusters.has(n.clusterId)) populated.add(n.clusterId);
  }

  const elements: GraphElement[] = [];
  for (const cluster of graph.clusters) {
    if (populated.has(cluster.id)) elements.push(clusterElement(cluster));
  }
  for (const node of visible) {
    elements.push(node.kind === 'address' ? addressElement(node, populated) : moreElement(node));
  }
  for (const edge of graph.edges) {
    if (visibleIds.has(edge.source) && visibleIds.has(edge.target)) elements.push(edgeElement(edge));
  }
  for (const link of graph.links) {
    if (!visibleIds.has(link.source) || !visibleIds.has(link.target)) continue;
    elements.push({
      group: 'edges',
      data: { id: link.id, kind: 'link', source: link.source, target: link.target, label: 'same key', title: link.why },
      classes: 'same-key',
    });
  }
  return elements;
}
