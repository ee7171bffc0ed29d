/**
 * A deterministic case Graph (shared/api/schemas.ts) of about `elements` cytoscape elements,
 * shaped like what the back end returns for a big trace: address nodes in columns (the back
 * end places counterparties in columns ROW_GAP apart, columns COLUMN_GAP apart, money reading
 * left to right), transfer edges between neighbouring columns, a few seeds, tagged and unknown
 * addresses, token transfers, "+K more" pagers, clusters and same-key links, so that every
 * rule of the stylesheet that a real case uses is exercised.
 *
 * Half the elements are nodes and half edges, about the ratio of an expanded trace.
 */
import type { AddressNode, Asset, Graph, GraphCluster, GraphEdge, GraphLink, MoreNode, Tag } from '../../../shared/api/schemas';

/** Same spacing as electron/core/cases/caseEdits.ts. */
const COLUMN_GAP = 280;
const ROW_GAP = 64;

const ETH: Asset = { id: 1, chain: 'eip155:1', contract: null, symbol: 'ETH', decimals: 18 };
const USDT: Asset = { id: 2, chain: 'eip155:1', contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };

/** Small seeded PRNG (mulberry32) so every run draws the same graph. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hexAddress(i: number): string {
  return '0x' + (i * 2654435761).toString(16).padStart(8, '0').slice(-8).repeat(5);
}

function tag(i: number): Tag {
  return {
    id: i,
    label: `Exchange hot wallet ${i}`,
    category: 'exchange',
    confidence: 80,
    source: 'bench',
    note: '',
    createdAt: '2024-01-01T00:00:00Z',
    createdBy: 'bench',
  };
}

export interface SyntheticGraphShape {
  graph: Graph;
  /** Address and "more" nodes, clusters, edges and links: what toElements will emit. */
  elements: number;
  columns: number;
  rows: number;
}

/**
 * About `elements` elements: N/2 address and "more" nodes laid out in a grid of columns whose
 * overall aspect is close to a wide screen's, and N/2 edges and links, each from a node to one
 * in the next column a few rows up or down.
 */
export function syntheticGraph(elements: number): SyntheticGraphShape {
  const random = prng(elements);
  const nodeCount = Math.max(2, Math.floor(elements / 2));
  const clusterCount = Math.max(1, Math.round(nodeCount / 250));
  const moreCount = Math.max(1, Math.round(nodeCount / 100));
  const addressCount = nodeCount - moreCount;
  // columns * COLUMN_GAP ≈ 1.6 * rows * ROW_GAP and columns * rows ≈ addressCount
  const rows = Math.max(1, Math.round(Math.sqrt((addressCount * COLUMN_GAP) / (1.6 * ROW_GAP))));
  const columns = Math.ceil(addressCount / rows);

  const nodes: Array<AddressNode | MoreNode> = [];
  const grid: string[][] = [];
  for (let i = 0; i < addressCount; i++) {
    const col = Math.floor(i / rows);
    const row = i % rows;
    (grid[col] ??= []).push(`n${i + 1}`);
    const address = hexAddress(i + 1);
    const role = i === 0 ? 'victim' : i === addressCount - 1 ? 'suspect' : i === Math.floor(addressCount / 2) ? 'service' : null;
    nodes.push({
      kind: 'address',
      id: `n${i + 1}`,
      chain: 'eip155:1',
      address,
      display: address,
      short: `${address.slice(0, 6)}…${address.slice(-4)}`,
      x: col * COLUMN_GAP,
      y: (row - (rows - 1) / 2) * ROW_GAP,
      hidden: false,
      clusterId: null,
      role,
      known: i % 10 !== 7,
      tags: i % 20 === 3 ? [tag(i)] : [],
    });
  }
  // "+K more" pagers below the column they continue.
  for (let m = 0; m < moreCount; m++) {
    const col = Math.floor((m * columns) / moreCount);
    const parent = grid[col]![0]!;
    nodes.push({
      kind: 'more',
      id: `m${m + 1}`,
      parentId: parent,
      direction: 'out',
      offset: 25,
      remaining: 10 + Math.floor(random() * 5000),
      x: col * COLUMN_GAP,
      y: ((rows + 1) / 2) * ROW_GAP + (m % 3) * ROW_GAP,
      hidden: false,
    });
  }

  // Clusters of four consecutive addresses in one column, spread over the grid.
  const clusters: GraphCluster[] = [];
  for (let c = 0; c < clusterCount; c++) {
    const id = `c${c + 1}`;
    const first = Math.floor(((c + 0.5) * addressCount) / clusterCount);
    const members = nodes.slice(first, first + 4).filter((n): n is AddressNode => n.kind === 'address' && n.x === nodes[first]!.x);
    for (const m of members) m.clusterId = id;
    clusters.push({ id, name: `Cluster ${c + 1}`, category: 'exchange', color: '#2f6fd1', note: '', tags: [], members: members.length });
  }

  const linkCount = Math.max(1, Math.round(nodeCount / 500));
  const edgeCount = Math.max(1, elements - nodeCount - clusters.length - linkCount);
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const addEdge = (source: string, target: string): boolean => {
    const key = `${source}>${target}`;
    if (source === target || seen.has(key)) return false;
    seen.add(key);
    const n = edges.length + 1;
    const token = n % 10 === 4;
    const count = n % 4 === 0 ? 2 + Math.floor(random() * 40) : 1;
    const total = BigInt(Math.floor(random() * 1e9) + 1) * (token ? 10_000n : 1_000_000_000_000n);
    edges.push({
      id: `e${n}`,
      source,
      target,
      asset: token ? USDT : ETH,
      total: total.toString(),
      count,
      firstTime: 1_700_000_000 + n,
      lastTime: 1_700_000_000 + n * 7,
    });
    return true;
  };
  // Every node after the first column receives from one a few rows away in the column before...
  for (let col = 1; col < columns && edges.length < edgeCount; col++) {
    const here = grid[col]!;
    const before = grid[col - 1]!;
    for (let row = 0; row < here.length && edges.length < edgeCount; row++) {
      const from = Math.min(before.length - 1, Math.max(0, row + Math.round((random() - 0.5) * 6)));
      addEdge(before[from]!, here[row]!);
    }
  }
  // ...and the rest are extra flows between neighbouring columns.
  for (let guard = 0; edges.length < edgeCount && guard < edgeCount * 20; guard++) {
    const col = Math.floor(random() * Math.max(1, columns - 1));
    const from = grid[col]!;
    const to = grid[Math.min(columns - 1, col + 1)]!;
    const row = Math.floor(random() * from.length);
    const target = Math.min(to.length - 1, Math.max(0, row + Math.round((random() - 0.5) * 8)));
    addEdge(from[row]!, to[target]!);
  }

  const links: GraphLink[] = [];
  for (let l = 0; l < linkCount; l++) {
    const col = Math.floor(random() * columns);
    const list = grid[col]!;
    if (list.length < 2) continue;
    const row = Math.floor(random() * (list.length - 1));
    links.push({ id: `k${l + 1}`, source: list[row]!, target: list[row + 1]!, kind: 'same-key', why: 'same key on two chains' });
  }

  const graph: Graph = {
    caseId: `bench-${elements}`,
    nodes,
    edges,
    links,
    clusters: clusters.filter((c) => c.members > 0),
    seeds: [],
    undo: null,
    redo: null,
  };
  const total = graph.nodes.length + graph.edges.length + graph.links.length + graph.clusters.length;
  return { graph, elements: total, columns, rows };
}
