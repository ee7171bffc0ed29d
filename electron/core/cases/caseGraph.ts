import type { AddressNode, EntityNode, FlowFilter as ApiFlowFilter, Graph, GraphCluster, GraphEdge, GraphLink, GraphNode, Tag } from '../../../shared/api/schemas';
import { alongDirection, filteredEdges, isFiltering, selectsTransfers, type FlowFilter, type FlowRow } from '../analysis/filteredFlows';
import { displayAddress, shortAddress } from '../../../shared/codec/address';
import { tronToHex } from '../../../shared/codec/tron';
import { resolveChain } from '../../../shared/model/chains';
import { findAddressId } from '../store/addresses';
import { getAssets } from '../store/assets';
import { findChainId } from '../store/chains';
import type { Db } from '../store/openStore';
import type { CaseFile } from './caseFiles';
import { addressTexts } from '../analysis/clustering/clusterQueries';
import { entityNode, foldEdges, planEntities } from './entityView';

export interface NodeRow {
  id: number;
  kind: 'address' | 'more';
  chain: string | null;
  addr: string | null;
  parent_node: number | null;
  direction: 'in' | 'out' | 'both' | null;
  page_offset: number | null;
  remaining: number | null;
  x: number;
  y: number;
  hidden: number;
}

export interface TagRow {
  id: number;
  chain: string | null;
  addr: string | null;
  cluster_id: number | null;
  label: string;
  category: string | null;
  confidence: number;
  source: string;
  note: string;
  created_at: string;
  created_by: string;
}

export const nodeKey = (id: number): string => `n${id}`;
export const moreKey = (id: number): string => `m${id}`;
export const clusterKey = (id: number): string => `c${id}`;
export const addrKey = (chain: string, addr: string): string => `${chain}|${addr}`;

function toTag(r: TagRow): Tag {
  return {
    id: r.id,
    label: r.label,
    category: (r.category as Tag['category']) ?? null,
    confidence: r.confidence,
    source: r.source,
    note: r.note,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

/** The API's filter (amounts as decimal text) as the store queries take it. */
export function toFlowFilter(f: ApiFlowFilter): FlowFilter {
  return { from: f.from, to: f.to, assetId: f.assetId, minAmount: f.minAmount === null ? null : BigInt(f.minAmount), ...(f.direction ? { direction: f.direction } : {}) };
}

/** Maps case addresses (natural keys) to store address ids; absent ones are not in the store yet. */
export function storeAddressIds(store: Db, pairs: readonly { chain: string; addr: string }[]): Map<string, number> {
  const chainIds = new Map<string, number | null>();
  const out = new Map<string, number>();
  for (const p of pairs) {
    if (!chainIds.has(p.chain)) chainIds.set(p.chain, findChainId(store, p.chain));
    const chainId = chainIds.get(p.chain);
    if (chainId == null) continue;
    const id = findAddressId(store, chainId, p.addr);
    if (id !== null) out.set(addrKey(p.chain, p.addr), id);
  }
  return out;
}

/**
 * The 20-byte key hash behind an account-chain address: an EVM address is it in hex, and a
 * Tron address is 0x41 followed by it. Null for UTXO chains and chains Cairn does not know.
 */
export function keyHashOf(chain: string, addr: string): string | null {
  let family: string;
  try {
    family = resolveChain(chain).family;
  } catch {
    return null;
  }
  if (family === 'evm') return /^0x[0-9a-f]{40}$/.test(addr) ? addr.slice(2) : null;
  if (family === 'tron') {
    try {
      return tronToHex(addr).slice(2);
    } catch {
      return null;
    }
  }
  return null;
}

/** Address nodes of one key on different chains, linked in node order (a path, not every pair). */
function sameKeyLinks(rows: readonly (NodeRow & { chain: string; addr: string })[]): GraphLink[] {
  const byKey = new Map<string, (NodeRow & { chain: string; addr: string })[]>();
  for (const r of rows) {
    const key = keyHashOf(r.chain, r.addr);
    if (key !== null) byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const links: GraphLink[] = [];
  for (const group of byKey.values()) {
    if (new Set(group.map((r) => r.chain)).size < 2) continue;
    const sorted = [...group].sort((a, b) => a.id - b.id);
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      links.push({
        id: `k${a.id}-${b.id}`,
        source: nodeKey(a.id),
        target: nodeKey(b.id),
        kind: 'same-key',
        why: `the same key controls both: ${displayAddress(a.chain, a.addr)} on ${resolveChain(a.chain).name} and ${displayAddress(b.chain, b.addr)} on ${resolveChain(b.chain).name}`,
      });
    }
  }
  return links;
}

/**
 * Builds the case graph the renderer draws: nodes with their positions, clusters as compound
 * parents, seeds, tags, and the exact aggregated edges between addresses on the canvas.
 * The case file is the source of truth for what is drawn; the store for what the edges say.
 */
export function buildGraph(store: Db, c: CaseFile, filter?: ApiFlowFilter): Graph {
  const flows = filter ? toFlowFilter(filter) : null;
  const rows = c.db.prepare('SELECT * FROM node ORDER BY id').all() as NodeRow[];
  const addressRows = rows.filter((r) => r.kind === 'address') as (NodeRow & { chain: string; addr: string })[];
  const seeds = c.db.prepare('SELECT chain, addr, role, note FROM seed ORDER BY id').all() as { chain: string; addr: string; role: string; note: string }[];
  const roleByAddr = new Map(seeds.map((s) => [addrKey(s.chain, s.addr), s.role]));
  const members = c.db.prepare('SELECT cluster_id, chain, addr FROM cluster_member').all() as { cluster_id: number; chain: string; addr: string }[];
  const clusterByAddr = new Map(members.map((m) => [addrKey(m.chain, m.addr), m.cluster_id]));
  const tags = c.db.prepare('SELECT * FROM tag ORDER BY id').all() as TagRow[];
  const tagsByAddr = new Map<string, Tag[]>();
  const tagsByCluster = new Map<number, Tag[]>();
  for (const t of tags) {
    if (t.cluster_id !== null) tagsByCluster.set(t.cluster_id, [...(tagsByCluster.get(t.cluster_id) ?? []), toTag(t)]);
    else if (t.chain && t.addr) tagsByAddr.set(addrKey(t.chain, t.addr), [...(tagsByAddr.get(addrKey(t.chain, t.addr)) ?? []), toTag(t)]);
  }
  const nodeIdByAddr = new Map(addressRows.map((r) => [addrKey(r.chain, r.addr), r.id]));
  const storeIds = storeAddressIds(store, addressRows);
  const nodeByStoreId = new Map<number, number>();
  // Automatic clusters: each address's wallet, and the clusters drawn collapsed, whose entity
  // node takes the place of their members on the canvas (entityView.ts).
  const plan = planEntities(store, c, addressRows.map((r) => ({ id: r.id, chain: r.chain, addr: r.addr, hidden: r.hidden, storeId: storeIds.get(addrKey(r.chain, r.addr)) })));
  const drawnKey = (id: number): string => plan.absorbedBy.get(id) ?? nodeKey(id);

  const nodes: GraphNode[] = rows.flatMap((r): GraphNode[] => {
    if (r.kind === 'more') {
      // A negative parent is an entity's page of the whole wallet (caseEntities.ts); the pages of
      // an address drawn into an entity wait, undrawn, until it is drawn again.
      const parent = r.parent_node ?? 0;
      const parentId = parent < 0 ? plan.rowEntity.get(-parent) : plan.absorbedBy.has(parent) ? undefined : nodeKey(parent);
      if (parentId === undefined) return [];
      return [{
        kind: 'more',
        id: moreKey(r.id),
        parentId,
        direction: r.direction ?? 'both',
        offset: r.page_offset ?? 0,
        remaining: r.remaining ?? 0,
        x: r.x,
        y: r.y,
        hidden: r.hidden === 1,
      }];
    }
    const key = addrKey(r.chain!, r.addr!);
    const storeId = storeIds.get(key);
    if (storeId !== undefined) nodeByStoreId.set(storeId, r.id);
    if (plan.absorbedBy.has(r.id)) return [];
    const wallet = plan.wallets.get(r.id);
    const display = displayAddress(r.chain!, r.addr!);
    const clusterId = clusterByAddr.get(key);
    const node: AddressNode = {
      kind: 'address',
      id: nodeKey(r.id),
      chain: r.chain!,
      address: r.addr!,
      display,
      short: shortAddress(display),
      x: r.x,
      y: r.y,
      hidden: r.hidden === 1,
      clusterId: clusterId === undefined ? null : clusterKey(clusterId),
      role: (roleByAddr.get(key) as AddressNode['role']) ?? null,
      known: storeId !== undefined,
      tags: tagsByAddr.get(key) ?? [],
      ...(wallet ? { wallet } : {}),
    };
    return [node];
  });

  const edges: GraphEdge[] = [];
  let internal = new Map<string, EntityNode['internal']>();
  // An entity is its whole wallet: every member's edges with the canvas are its edges. Through a
  // filter that selects transfers (summed from the transfers, for every pair of ends) only the
  // members drawn in it count: the entity says so (wholeWallet false).
  const entityOfMember = new Map<number, string>();
  for (const e of plan.entities) {
    if (selectsTransfers(flows)) e.wallet = null;
    for (const id of e.wallet ?? []) entityOfMember.set(id, e.key);
  }
  const edgeEnds = [...new Set([...nodeByStoreId.keys(), ...entityOfMember.keys()])];
  if (edgeEnds.length > 1) {
    const ids = JSON.stringify(edgeEnds);
    // Filtered: summed from the transfers the filter keeps; otherwise the stored edges.
    const edgeRows: FlowRow[] = selectsTransfers(flows)
      ? filteredEdges(store, edgeEnds, flows)
      : (store
          .prepare(
            // Driven from each end's own edges (the primary key), the other end looked up in the
            // list (+ keeps SQLite from probing edge_to for every pair of ends instead: 5 ms, not
            // 0.5 s, for 3,000 nodes; and what keeps a wallet's 50,000 members affordable).
            `SELECT e.from_id, e.to_id, e.asset_id, e.total, e.cnt, e.first_time, e.last_time
             FROM json_each(:ids) j CROSS JOIN edge e ON e.from_id = j.value
             WHERE +e.to_id IN (SELECT value FROM json_each(:ids)) AND e.from_id <> e.to_id`,
          )
          .safeIntegers(true)
          .all({ ids }) as FlowRow[]);
    const assets = getAssets(store, edgeRows.map((e) => Number(e.asset_id)));
    // Exact sums per drawn node pair and asset: an entity's edges fold its members' together.
    const rowOf = new Map(addressRows.map((r) => [r.id, r]));
    const offCanvas = addressTexts(store, [...new Set(edgeRows.flatMap((e) => [Number(e.from_id), Number(e.to_id)]))].filter((id) => !nodeByStoreId.has(id)));
    const endOf = (id: number) => {
      const nodeId = nodeByStoreId.get(id);
      return nodeId === undefined ? { address: offCanvas.get(id)!, node: null } : { address: rowOf.get(nodeId)!.addr, node: nodeKey(nodeId) };
    };
    const folded = foldEdges(edgeRows, (id) => entityOfMember.get(id) ?? drawnKey(nodeByStoreId.get(id)!), endOf, assets);
    edges.push(...folded.edges);
    internal = folded.internal;
    edges.sort((a, b) => (a.id < b.id ? -1 : 1));
    if (flows?.direction) {
      const seedNodes = new Set(seeds.flatMap((s) => (nodeIdByAddr.has(addrKey(s.chain, s.addr)) ? [drawnKey(nodeIdByAddr.get(addrKey(s.chain, s.addr))!)] : [])));
      const kept = new Set(alongDirection(edges, seedNodes, flows.direction));
      edges.splice(0, edges.length, ...edges.filter((e) => kept.has(e)));
    }
  }

  const rowById = new Map(addressRows.map((r) => [r.id, r]));
  for (const e of plan.entities) {
    const wallet = plan.wallets.get(e.members[0]!);
    const drawnMembers = e.members.map((id) => {
      const r = rowById.get(id)!;
      return { id, chain: r.chain, addr: r.addr, role: (roleByAddr.get(addrKey(r.chain, r.addr)) as AddressNode['role']) ?? null };
    });
    nodes.push(entityNode(e, drawnMembers, { label: wallet?.label ?? null, checked: wallet?.labelChecked ?? true }, internal.get(e.key) ?? []));
  }

  const memberCounts = new Map<number, number>();
  for (const m of members) memberCounts.set(m.cluster_id, (memberCounts.get(m.cluster_id) ?? 0) + 1);
  const clusters: GraphCluster[] = (
    c.db.prepare('SELECT id, name, category, color, note FROM cluster ORDER BY id').all() as { id: number; name: string; category: string; color: string; note: string }[]
  ).map((r) => ({
    id: clusterKey(r.id),
    name: r.name,
    category: r.category as GraphCluster['category'],
    color: r.color,
    note: r.note,
    tags: tagsByCluster.get(r.id) ?? [],
    members: memberCounts.get(r.id) ?? 0,
  }));

  return {
    caseId: c.id,
    nodes,
    edges,
    links: sameKeyLinks(addressRows.filter((r) => r.hidden === 0)).flatMap((l) => {
      const source = drawnKey(Number(l.source.slice(1)));
      const target = drawnKey(Number(l.target.slice(1)));
      return source === target ? [] : [{ ...l, source, target }];
    }),
    clusters,
    seeds: seeds.map((s) => {
      const nodeId = nodeIdByAddr.get(addrKey(s.chain, s.addr));
      return {
        chain: s.chain,
        address: s.addr,
        display: displayAddress(s.chain, s.addr),
        role: s.role as AddressNode['role'] & string,
        note: s.note,
        nodeId: nodeId === undefined ? null : drawnKey(nodeId),
      };
    }),
    undo: c.readOnly ? null : (c.undoStacks().undo.at(-1)?.label ?? null),
    redo: c.readOnly ? null : (c.undoStacks().redo.at(-1)?.label ?? null),
    ...(isFiltering(flows) ? { filter } : {}),
  };
}
