/**
 * Automatic clusters on a case's canvas, the edits (entityView.ts draws them):
 *
 * - collapse: the automatic cluster of an address on the canvas is drawn as one entity node in
 *   place of its members on the canvas. One row of entity_collapse records it, named by that
 *   address (the anchor) and placed where it was; the member nodes keep their rows and places;
 * - expand back: the row goes, and the members are drawn again where they were;
 * - expanding the entity: the counterparties of the whole wallet (every member in the store, not
 *   only those on the canvas), ranked by value like an address's and paged by "+K more" nodes
 *   whose parent is the entity (parent_node = −row id).
 *
 * Every one of these is a case edit: audited, signed and undoable like the others.
 */
import { ApiError } from '../../../shared/api/contract';
import type { FlowFilter as ApiFlowFilter } from '../../../shared/api/schemas';
import { caip10, displayAddress, shortAddress } from '../../../shared/codec/address';
import { expansionUnder, isFiltering, selectsTransfers } from '../analysis/filteredFlows';
import type { Direction } from '../analysis/neighbours';
import type { Db } from '../store/openStore';
import type { Actor, CaseFile } from './caseFiles';
import { caseClusterMembers } from './caseClusters';
import { insertAddressNode, positions, reveal, rowId } from './caseEdits';
import { addrKey, storeAddressIds, toFlowFilter } from './caseGraph';
import { hasTable, type CaseWriter } from './caseTables';
import { clusterOrNull, collapseRows, entityKey, keyOf, planEntities, storeIdOf, type CollapseRow, type EntityPlan } from './entityView';
import { GRID, hubRows, Occupancy, placeInGrid, type Point } from './placement';

/** Member ids read per query when the whole wallet is listed. */
const MEMBER_PAGE = 10_000;

interface AddressRow {
  id: number;
  chain: string;
  addr: string;
  hidden: number;
  x: number;
  y: number;
}

function addressRows(c: CaseFile): AddressRow[] {
  return c.db.prepare("SELECT id, chain, addr, hidden, x, y FROM node WHERE kind = 'address' ORDER BY id").all() as AddressRow[];
}

/** Who is drawn where, as the graph would draw it now (without looking for labels). */
function currentPlan(store: Db, c: CaseFile, rows: readonly AddressRow[] = addressRows(c)): EntityPlan {
  const ids = storeAddressIds(store, rows);
  return planEntities(store, c, rows.map((r) => ({ id: r.id, chain: r.chain, addr: r.addr, hidden: r.hidden, storeId: ids.get(addrKey(r.chain, r.addr)) })), false);
}

function entityRow(c: CaseFile, key: string): CollapseRow {
  if (!/^w[0-9]+$/.test(key)) throw new ApiError('invalid_argument', `${key} is not an entity node (an automatic cluster drawn collapsed)`);
  const row = hasTable(c.db, 'entity_collapse') ? (c.db.prepare('SELECT id, chain, anchor, x, y FROM entity_collapse WHERE id = ?').get(rowId(key)) as CollapseRow | undefined) : undefined;
  if (!row) throw new ApiError('not_found', `no entity node ${key} in case "${c.id}"`);
  return row;
}

/** The case's name of the cluster an entity row names; null when its anchor is not in the store (any more). */
function clusterKeyOfRow(store: Db, c: CaseFile, row: CollapseRow): string | null {
  const id = storeIdOf(store, row.chain, row.anchor);
  const cluster = id === undefined ? null : clusterOrNull(store, c, id);
  return cluster && keyOf(cluster);
}

/**
 * Draws the automatic cluster of an address node as one entity node, where that node is. Refused
 * for an address the store does not know, or whose cluster (as the case sees it) is itself alone.
 */
export function collapseEntity(store: Db, c: CaseFile, actor: Actor, key: string): string {
  c.assertWritable();
  if (!/^n[0-9]+$/.test(key)) throw new ApiError('invalid_argument', `${key} is not an address node: a wallet is collapsed from one of its addresses`);
  const rows = addressRows(c);
  const node = rows.find((r) => r.id === rowId(key));
  if (!node) throw new ApiError('not_found', `no address node ${key} in case "${c.id}"`);
  const display = displayAddress(node.chain, node.addr);
  if (node.hidden) throw new ApiError('invalid_argument', `${display} is hidden on the canvas: show it, then collapse its wallet`);
  const storeId = storeIdOf(store, node.chain, node.addr);
  if (storeId === undefined) throw new ApiError('not_found', `${display} is not in the store: no automatic cluster is known for it`);
  const cluster = clusterOrNull(store, c, storeId);
  if (cluster === null) throw new ApiError('invalid_argument', `the automatic cluster of ${display} is too large to draw as the case sees it (clusters.show says why)`);
  if (cluster.size < 2) throw new ApiError('invalid_argument', `${display} is in no automatic cluster with other addresses: there is no wallet to collapse`);
  const clusterKey = keyOf(cluster);
  const plan = currentPlan(store, c, rows);
  for (const other of collapseRows(c)) {
    if (clusterKeyOfRow(store, c, other) === clusterKey) throw new ApiError('conflict', `the wallet of ${display} is already drawn collapsed, as ${plan.rowEntity.get(other.id) ?? entityKey(other.id)}`);
  }
  const members = rows.filter((r) => plan.wallets.get(r.id)?.cluster === clusterKey);
  return c.mutate(
    actor,
    `Collapse wallet of ${shortAddress(display)}`,
    'entity.collapse',
    (id) => ({ entity: id, address: caip10(node.chain, node.addr), cluster: clusterKey, size: cluster.size, members: members.map((m) => caip10(m.chain, m.addr)) }),
    (w) => entityKey(Number(w.insert('entity_collapse', { chain: node.chain, anchor: node.addr, x: node.x, y: node.y }))),
  );
}

/** Removes collapse rows, with the "+K more" pages of their wallets; the counterparties those pages added stay. */
export function dropCollapses(c: CaseFile, w: CaseWriter, ids: readonly number[]): void {
  const pages = c.db.prepare("SELECT id FROM node WHERE kind = 'more' AND parent_node = ?").pluck();
  for (const id of ids) {
    for (const more of pages.all(-id) as number[]) w.delete('node', more);
    w.delete('entity_collapse', id);
  }
}

/** The collapse rows that name the same cluster as this one (itself included). */
function rowsOfCluster(store: Db, c: CaseFile, row: CollapseRow): number[] {
  const key = clusterKeyOfRow(store, c, row);
  if (key === null) return [row.id];
  return collapseRows(c).flatMap((r) => (r.id === row.id || clusterKeyOfRow(store, c, r) === key ? [r.id] : []));
}

/** Draws an entity's members again, where they were. */
export function expandEntity(store: Db, c: CaseFile, actor: Actor, key: string): void {
  c.assertWritable();
  const row = entityRow(c, key);
  const rows = addressRows(c);
  const plan = currentPlan(store, c, rows);
  const drawnAs = plan.rowEntity.get(row.id);
  const members = (plan.entities.find((e) => e.key === drawnAs)?.members ?? []).map((id) => rows.find((r) => r.id === id)!);
  const ids = rowsOfCluster(store, c, row);
  const display = displayAddress(row.chain, row.anchor);
  c.mutate(
    actor,
    `Expand wallet of ${shortAddress(display)} back`,
    'entity.expand',
    () => ({ entity: row.id, address: caip10(row.chain, row.anchor), members: members.map((m) => caip10(m.chain, m.addr)) }),
    (w) => dropCollapses(c, w, ids),
  );
}

/**
 * Node keys for an action on nodes (hide, remove): an entity node stands for its members drawn
 * in it. Returns those keys and the collapse rows of the entities named.
 */
export function throughEntities(store: Db, c: CaseFile, keys: readonly string[]): { keys: string[]; collapses: number[] } {
  if (!keys.some((k) => k.startsWith('w'))) return { keys: [...keys], collapses: [] };
  const plan = currentPlan(store, c);
  const out = new Set<string>();
  const collapses = new Set<number>();
  for (const k of keys) {
    if (!k.startsWith('w')) {
      out.add(k);
      continue;
    }
    const row = entityRow(c, k);
    for (const id of rowsOfCluster(store, c, row)) collapses.add(id);
    const drawnAs = plan.rowEntity.get(row.id);
    for (const id of plan.entities.find((e) => e.key === drawnAs)?.members ?? []) out.add(`n${id}`);
  }
  return { keys: [...out], collapses: [...collapses] };
}

/** Whether expanding this node lists a wallet's counterparties: an entity node, or a page of one. */
export function isWalletExpansion(c: CaseFile, key: string): boolean {
  if (/^w[0-9]+$/.test(key)) return true;
  if (!/^m[0-9]+$/.test(key)) return false;
  const parent = c.db.prepare("SELECT parent_node FROM node WHERE id = ? AND kind = 'more'").pluck().get(rowId(key)) as number | null | undefined;
  return typeof parent === 'number' && parent < 0;
}

export interface WalletNeighbour {
  id: number;
  address: string;
  /** Seen from the wallet: it received from (in), sent to (out), or both. */
  direction: Direction;
}

/**
 * The counterparties of a set of addresses taken as one (a wallet): every address that one of
 * them sent to or received from, other than themselves, ranked by value as an address's are
 * (store/hubs.ts rankedSql: whole units summed across assets, then transfer count, then id).
 */
export function walletNeighbours(store: Db, members: readonly number[], direction: Direction, offset: number, limit: number): { total: number; items: WalletNeighbour[] } {
  const sides: string[] = [];
  if (direction !== 'in') sides.push("SELECT e.to_id AS cp, 1 AS out, 0 AS inn, e.asset_id, e.total_f, e.cnt FROM m CROSS JOIN edge e ON e.from_id = m.id WHERE e.to_id NOT IN m");
  if (direction !== 'out') sides.push("SELECT e.from_id AS cp, 0, 1, e.asset_id, e.total_f, e.cnt FROM m CROSS JOIN edge e ON e.to_id = m.id WHERE e.from_id NOT IN m");
  const flows = `WITH m(id) AS (SELECT value FROM json_each(:ids)), f AS (${sides.join(' UNION ALL ')})`;
  const ids = JSON.stringify(members);
  const total = store.prepare(`${flows} SELECT count(DISTINCT cp) FROM f`).pluck().get({ ids }) as number;
  const rows = store
    .prepare(
      `${flows}
       SELECT f.cp, a.addr, max(f.out) AS anyOut, max(f.inn) AS anyIn,
              sum(f.total_f / power(10, coalesce(asset.decimals, 18))) AS rank, sum(f.cnt) AS n
       FROM f JOIN asset ON asset.id = f.asset_id JOIN address a ON a.id = f.cp
       GROUP BY f.cp ORDER BY rank DESC, n DESC, f.cp LIMIT :limit OFFSET :offset`,
    )
    .all({ ids, limit, offset }) as { cp: number; addr: string; anyOut: number; anyIn: number }[];
  return { total, items: rows.map((r) => ({ id: r.cp, address: r.addr, direction: r.anyOut && r.anyIn ? 'both' : r.anyIn ? 'in' : 'out' })) };
}

/** Every member of the cluster an entity row names, as the case sees it. */
function walletMembers(store: Db, c: CaseFile, row: CollapseRow): number[] {
  const display = displayAddress(row.chain, row.anchor);
  const id = storeIdOf(store, row.chain, row.anchor);
  if (id === undefined) throw new ApiError('not_found', `${display} is not in the store: its wallet's counterparties are not known`);
  const cluster = clusterOrNull(store, c, id);
  if (cluster === null) throw new ApiError('invalid_argument', `the automatic cluster of ${display} is too large to list as the case sees it (clusters.show says why)`);
  const out: number[] = [];
  for (let offset = 0; offset < cluster.size; offset += MEMBER_PAGE) {
    const page = caseClusterMembers(store, c, cluster, offset, MEMBER_PAGE);
    out.push(...page);
    if (page.length < MEMBER_PAGE) break;
  }
  return out;
}

/**
 * Adds the next page of a wallet's counterparties around its entity node, as expanding an address
 * does (receivers right, senders left, a hub's grid, "+K more" for the rest). The canvas filter's
 * direction is followed; its time, asset and amount are not (a wallet's transfers are not read
 * one by one), so such a filter is refused with what to do instead.
 */
export function expandWallet(store: Db, c: CaseFile, actor: Actor, key: string, requested: Direction, limit: number, filter?: ApiFlowFilter): { added: number; total: number } {
  c.assertWritable();
  const more = key.startsWith('m') ? (c.db.prepare('SELECT id, parent_node, direction, page_offset FROM node WHERE id = ?').get(rowId(key)) as { id: number; parent_node: number; direction: Direction | null; page_offset: number | null }) : null;
  const row = entityRow(c, more ? `w${-more.parent_node}` : key);
  const flows = filter ? toFlowFilter(filter) : null;
  // A boolean, not the type guard: the filter's direction is still read below.
  const selective: boolean = selectsTransfers(flows);
  if (selective) {
    throw new ApiError('invalid_argument', 'a wallet is expanded through all its transfers: clear the canvas filter (time, asset, amount), or expand the wallet back and expand its addresses one by one');
  }
  const way = more ? (more.direction ?? 'both') : expansionUnder(requested, flows?.direction);
  if (typeof way !== 'string') throw new ApiError('invalid_argument', `cannot expand ${requested === 'in' ? 'in' : 'out'}: ${way.refused}`);
  const direction: Direction = way;
  const offset = more ? (more.page_offset ?? 0) : 0;
  const members = walletMembers(store, c, row);
  const page = walletNeighbours(store, members, direction, offset, limit);
  const anchor: Point = { x: row.x, y: row.y };
  return c.mutate(
    actor,
    `Expand wallet ${direction === 'both' ? 'in and out' : direction}`,
    'graph.expand',
    (r) => ({ wallet: caip10(row.chain, row.anchor), size: members.length, direction, offset, limit, added: r.added, total: r.total, ...(isFiltering(flows) ? { filter } : {}) }),
    (w) => {
      // The "+K more" node being replaced frees its slot for the page it stands for.
      const oldMore = c.db.prepare("SELECT id, x, y FROM node WHERE kind = 'more' AND parent_node = ? AND direction = ?").all(-row.id, direction) as (Point & { id: number })[];
      const occupancy = new Occupancy(positions(c).filter((p) => !oldMore.some((m) => m.x === p.x && m.y === p.y)));
      const existing = new Set(addressRows(c).map((r) => addrKey(r.chain, r.addr)));
      const fresh = page.items.filter((n) => !existing.has(addrKey(row.chain, n.address)));
      const rows = page.total > limit ? hubRows(page.total) : GRID.rows;
      const place = (list: readonly WalletNeighbour[], side: 1 | -1): void => {
        const spots = placeInGrid(occupancy, anchor, side, rows, list.length);
        list.forEach((n, i) => insertAddressNode(c, w, row.chain, n.address, spots[i]!.x, spots[i]!.y));
      };
      place(fresh.filter((n) => n.direction !== 'in'), 1);
      place(fresh.filter((n) => n.direction === 'in'), -1);
      const hiddenId = c.db.prepare('SELECT id FROM node WHERE chain = ? AND addr = ? AND hidden = 1').pluck();
      for (const n of page.items) {
        const id = hiddenId.get(row.chain, n.address) as number | undefined;
        if (id !== undefined) reveal(c, w, id, occupancy, () => placeInGrid(occupancy, anchor, n.direction === 'in' ? -1 : 1, rows, 1)[0]!);
      }
      for (const m of oldMore) w.delete('node', m.id);
      const next = offset + limit;
      if (page.total > next) {
        const [p] = placeInGrid(occupancy, anchor, direction === 'in' ? -1 : 1, rows, 1);
        w.insert('node', { kind: 'more', parent_node: -row.id, direction, page_offset: next, remaining: page.total - next, x: p!.x, y: p!.y });
      }
      return { added: fresh.length, total: page.total };
    },
  );
}
