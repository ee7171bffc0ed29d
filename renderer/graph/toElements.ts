/**
 * Pure mapping from the case graph model to cytoscape element definitions.
 * The model is the source of truth; GraphCanvas diffs these definitions into `cy`.
 */
import type { AddressNode, EntityNode, Graph, GraphCluster, GraphEdge, MoreNode, SEED_ROLES } from '../../shared/api/schemas';
import { parseBaseUnits } from '../../shared/model/amount';
import { formatAmountRounded } from '../format/amount';
import { formatCount } from '../format/text';
import { edgeWidths, type ValuedEdge } from './edgeWidth';
import { colourKeyOf, nodeColourKey, nodeLabels } from './labelCategory';
import { addressLabels, ellipsize, SANCTION_PREFIX, TAG_CHARS, type AddressLabels } from './labelDetail';

type SeedRole = (typeof SEED_ROLES)[number];

/** A cluster's name tag; the outline around its members is drawn by clusterLayer. */
export type ClusterElementData = {
  id: string;
  kind: 'cluster';
  /** The full name; the canvas shortens it to the zoom band's length. */
  label: string;
  color: string;
  category: string;
  /** Hover text: the full name and the category. */
  title: string;
};

export type AddressElementData = {
  id: string;
  kind: 'address';
  label: string;
  chain: string;
  address: string;
  display: string;
  role: SeedRole | null;
  /** One line for the overview band: first tag or short address (labelDetail). */
  brief: string;
  /** The full address and tags, for the near and close bands. */
  full: string;
  /** Hover text: the full address, every tag and label (with its set) and the cluster, untruncated. */
  title: string;
  /** The colour key of the name shown (labelCategory): a tag's category, else the best label's. */
  category?: string;
  /**
   * The cluster the node belongs to; absent when the node is in no drawn cluster. Not
   * `parent`: clusters are outlines around their members (clusterLayer), not compound nodes,
   * whose boxes would also enclose other nodes placed between the members.
   */
  cluster?: string;
  /** Its automatic cluster's name ("e…") and size, when that holds other addresses. */
  wallet?: string;
  walletSize?: number;
};

/** An automatic cluster drawn collapsed: one node for its members on the canvas. */
export type EntityElementData = {
  id: string;
  kind: 'entity';
  label: string;
  brief: string;
  full: string;
  title: string;
  chain: string;
  /** The member it was collapsed from (canonical). */
  anchor: string;
  /** Its automatic cluster's name and size, and how many of its addresses it stands for here. */
  wallet: string;
  size: number;
  members: number;
  category?: string;
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
  /** Set when the transaction has a CoinJoin's shape: the detector's sentence. */
  coinjoin?: string;
};

export type EdgeElementData = {
  id: string;
  kind: 'edge';
  source: string;
  target: string;
  /** The amount rounded to a few significant digits (formatAmountRounded), and the count. */
  label: string;
  /** Exact base units, for tooltips. */
  title: string;
  /** The exact amount in whole units with its symbol, for tooltips. */
  exact?: string;
  count: number;
  /** Line width by value on a log scale per asset (edgeWidth.ts). */
  width?: number;
  /** Set by routeEdges: how far the edge bends around nodes in its way, or absent when straight. */
  bend?: number;
  /** Set by routeEdges for a label near one end: its place in line from that end (0, 1…). */
  labelSlot?: number;
  /** Set by routeEdges for edges sharing both nodes: lines to move the middle label down (or up, if negative). */
  labelShift?: number;
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
  bend?: number;
  labelSlot?: number;
  labelShift?: number;
};

export type NodeElementData = ClusterElementData | AddressElementData | MoreElementData | TxElementData | EntityElementData;

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

/** The label texts of a node at each band: its case tags first, then its labels (labelDetail). */
export function addressNodeLabels(node: AddressNode): AddressLabels {
  const labels = nodeLabels(node);
  return addressLabels(
    node.short,
    node.display,
    node.tags.map((t) => t.label),
    { labels: labels.map((l) => l.label), labelCount: node.labelCount ?? labels.length, sanctioned: node.sanctioned ?? false, ...(node.wallet ? { wallet: walletNames(node.wallet) } : {}) },
  );
}

/** A wallet's size and its best label as a node shows it (a sanctioned one marked). */
function walletNames(w: NonNullable<AddressNode['wallet']>): { size: number; via: string | null } {
  return { size: w.size, via: w.label ? `${w.label.sanctioned ? SANCTION_PREFIX : ''}${w.label.label}` : null };
}

/** Short address and first name (shortened): the label at the normal zoom band. */
export function addressLabel(node: AddressNode): string {
  return addressNodeLabels(node).label;
}

export function moreLabel(node: MoreNode): string {
  return `+${formatCount(node.remaining)} more`;
}

/** The amount rounded for the canvas ("19.625 ETH ×3"); the exact one is in the tooltip and the details. */
export function edgeLabel(edge: GraphEdge): string {
  const amount = formatAmountRounded(edge.total, edge.asset).text;
  return edge.count > 1 ? `${amount} ×${formatCount(edge.count)}` : amount;
}

/** Which width scale an edge's asset uses: one per chain and contract. */
export function assetScale(asset: GraphEdge['asset']): string {
  return `${asset.chain}|${asset.contract ?? 'native'}`;
}

function valueOf(total: string): bigint {
  try {
    return parseBaseUnits(total);
  } catch {
    return 0n;
  }
}

function classList(...names: Array<string | false | null | undefined>): string {
  return names.filter((n): n is string => typeof n === 'string' && n.length > 0).join(' ');
}

/** The name tag hangs off the right of the outline, level with its topmost member. */
export const CLUSTER_TAG_OFFSET = { x: 36, y: -10 } as const;

/**
 * Where a cluster's name tag goes: just right of its topmost member's bubble (of several at
 * that height, the rightmost, so the name runs into no other member). Right, not above: in the
 * grid the server lays out, the row above a node is 72 px away and its label fills the gap,
 * while the gap between columns is free. The tag's label starts here and runs right.
 */
export function clusterTagPosition(members: readonly { x: number; y: number }[]): { x: number; y: number } {
  let top = members[0] ?? { x: 0, y: 0 };
  for (const p of members) if (p.y < top.y - 1 || (Math.abs(p.y - top.y) <= 1 && p.x > top.x)) top = p;
  return { x: top.x + CLUSTER_TAG_OFFSET.x, y: top.y + CLUSTER_TAG_OFFSET.y };
}

function clusterElement(cluster: GraphCluster, members: readonly { x: number; y: number }[]): NodeElement {
  return {
    group: 'nodes',
    data: {
      id: cluster.id,
      kind: 'cluster',
      label: cluster.name,
      color: cluster.color,
      category: cluster.category,
      title: `${cluster.name}\ncluster · ${cluster.category.replace(/_/g, ' ')} · ${formatCount(cluster.members)} member${cluster.members === 1 ? '' : 's'}`,
    },
    position: clusterTagPosition(members),
    classes: classList('cluster', `category-${cluster.category}`),
  };
}

/** One label for hover: its text, what it is and the set it comes from. */
function labelLine(l: NonNullable<AddressNode['labels']>[number]): string {
  const what = [l.category?.replace(/_/g, ' '), l.abuse && l.abuse !== l.category ? l.abuse.replace(/_/g, ' ') : null].filter(Boolean).join(', ');
  return `label: ${l.label}${what ? ` (${what})` : ''} · ${l.set.title}`;
}

function addressTitle(node: AddressNode, cluster: GraphCluster | undefined): string {
  const lines = [node.display];
  if (node.sanctioned) lines.push('SANCTIONED: a label set lists this address as sanctioned');
  for (const t of node.tags) lines.push(`tag: ${t.label}`);
  const labels = nodeLabels(node);
  for (const l of labels) lines.push(labelLine(l));
  const unlisted = (node.labelCount ?? labels.length) - labels.length;
  if (unlisted > 0) lines.push(`+${formatCount(unlisted)} more label${unlisted === 1 ? '' : 's'} (details panel)`);
  if (cluster) lines.push(`cluster: ${cluster.name}`);
  if (node.wallet) {
    lines.push(`automatic cluster ${node.wallet.cluster}: ${formatCount(node.wallet.size)} addresses (a wallet, inferred)`);
    if (node.wallet.label) lines.push(`best label in it: ${node.wallet.label.label} (on ${node.wallet.label.address})`);
  }
  if (node.role) lines.push(`seed: ${node.role}`);
  return lines.join('\n');
}

/** The colour key of an entity: its best label's category. */
function entityColourKey(node: EntityNode): string | null {
  return node.label ? (node.label.sanctioned ? 'illicit' : colourKeyOf(node.label.category)) : null;
}

/** An entity's name on the canvas: its best label, else "wallet" and the address it was collapsed from. */
export function entityName(node: Pick<EntityNode, 'label' | 'anchorDisplay'>): string {
  if (node.label) return `${node.label.sanctioned ? SANCTION_PREFIX : ''}${node.label.label}`;
  const d = node.anchorDisplay;
  return `wallet ${d.length > 11 ? `${d.slice(0, 5)}…${d.slice(-4)}` : d}`;
}

/** "3 of 4 addresses": members drawn in the entity, of the whole cluster. */
export function entityCount(node: Pick<EntityNode, 'members' | 'size'>): string {
  return `${formatCount(node.members.length)} of ${formatCount(node.size)} address${node.size === 1 ? '' : 'es'}`;
}

function entityElement(node: EntityNode): NodeElement {
  const name = entityName(node);
  const count = entityCount(node);
  const lines = [
    `${name}${node.label ? ' (best label of a member)' : ''}`,
    `automatic cluster ${node.cluster}, drawn as one node: ${count} on the canvas`,
    `collapsed from ${node.anchorDisplay}`,
  ];
  if (node.internal.length > 0) lines.push(`flows between its members are internal, not drawn (details panel)`);
  const colour = entityColourKey(node);
  const data: EntityElementData = {
    id: node.id,
    kind: 'entity',
    label: `${ellipsize(name, TAG_CHARS.normal)}\n${count}`,
    brief: ellipsize(name, TAG_CHARS.overview),
    full: [ellipsize(name, TAG_CHARS.full), count, `cluster ${node.cluster}`].join('\n'),
    title: lines.join('\n'),
    chain: node.chain,
    anchor: node.anchor,
    wallet: node.cluster,
    size: node.size,
    members: node.members.length,
  };
  if (colour) data.category = colour;
  return {
    group: 'nodes',
    data,
    position: { x: node.x, y: node.y },
    classes: classList('entity', colour && `label-${colour}`, node.label?.sanctioned && 'sanctioned'),
  };
}

function addressElement(node: AddressNode, clusters: ReadonlyMap<string, GraphCluster>): NodeElement {
  const labels = addressNodeLabels(node);
  const colour = nodeColourKey(node);
  const cluster = node.clusterId !== null ? clusters.get(node.clusterId) : undefined;
  const data: AddressElementData = {
    id: node.id,
    kind: 'address',
    label: labels.label,
    chain: node.chain,
    address: node.address,
    display: node.display,
    role: node.role,
    brief: labels.brief,
    full: labels.full,
    title: addressTitle(node, cluster),
  };
  if (colour) data.category = colour;
  if (cluster) data.cluster = cluster.id;
  if (node.wallet) {
    data.wallet = node.wallet.cluster;
    data.walletSize = node.wallet.size;
  }
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
      nodeLabels(node).length > 0 && 'labelled',
      colour && `label-${colour}`,
      node.sanctioned && 'sanctioned',
      node.wallet && 'in-wallet',
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

function edgeElement(edge: GraphEdge, width: number | undefined): EdgeElement {
  const amount = formatAmountRounded(edge.total, edge.asset);
  const data: EdgeElementData = {
    id: edge.id,
    kind: 'edge',
    source: edge.source,
    target: edge.target,
    label: edgeLabel(edge),
    title: amount.title,
    exact: amount.exact,
    count: edge.count,
  };
  if (width !== undefined) data.width = width;
  return {
    group: 'edges',
    data,
    classes: classList('transfer', edge.asset.contract !== null && 'token'),
  };
}

/**
 * Cluster name tags first, then address and "more" nodes, then edges. Hidden nodes, edges
 * touching them and clusters with no visible member are left out: a cluster with nothing to
 * draw around would be a stray name.
 */
export function toElements(graph: Graph): GraphElement[] {
  const visible = graph.nodes.filter((n) => !n.hidden);
  const visibleIds = new Set(visible.map((n) => n.id));
  const knownClusters = new Map(graph.clusters.map((c) => [c.id, c]));
  const members = new Map<string, { x: number; y: number }[]>();
  for (const n of visible) {
    if (n.kind !== 'address' || n.clusterId === null || !knownClusters.has(n.clusterId)) continue;
    const list = members.get(n.clusterId);
    if (list) list.push({ x: n.x, y: n.y });
    else members.set(n.clusterId, [{ x: n.x, y: n.y }]);
  }
  const drawnClusters = new Map([...knownClusters].filter(([id]) => members.has(id)));

  const elements: GraphElement[] = [];
  for (const cluster of graph.clusters) {
    const at = members.get(cluster.id);
    if (at) elements.push(clusterElement(cluster, at));
  }
  for (const node of visible) {
    elements.push(node.kind === 'address' ? addressElement(node, drawnClusters) : node.kind === 'entity' ? entityElement(node) : moreElement(node));
  }
  const shownEdges = graph.edges.filter((e) => visibleIds.has(e.source) && visibleIds.has(e.target));
  const widths = edgeWidths(shownEdges.map((e): ValuedEdge => ({ id: e.id, asset: assetScale(e.asset), value: valueOf(e.total) })));
  for (const edge of shownEdges) elements.push(edgeElement(edge, widths.get(edge.id)));
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
