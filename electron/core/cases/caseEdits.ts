import { ApiError } from '../../../shared/api/contract';
import { caip10, canonicalAddress } from '../../../shared/codec/address';
import { UnknownChainError, resolveChain } from '../../../shared/model/chains';
import { expandNeighbours, type Direction } from '../analysis/neighbours';
import type { Db } from '../store/openStore';
import type { Actor, CaseFile } from './caseFiles';
import type { FlowFilter as ApiFlowFilter } from '../../../shared/api/schemas';
import { expansionUnder, filteredNeighbours, isFiltering, selectsTransfers } from '../analysis/filteredFlows';
import { addrKey, storeAddressIds, toFlowFilter, type NodeRow } from './caseGraph';
import { applyChange, ChangeError, hasTable, invertChanges, parseChanges, type CaseWriter } from './caseTables';
import { GRID, hubRows, Occupancy, placeInGrid, placeLoose, type Point } from './placement';


/** Parses "n12" / "m5" / "c3" ids coming from the renderer. */
export function rowId(key: string): number {
  return Number(key.slice(1));
}

function canonical(chain: string, address: string): { chain: string; addr: string } {
  let chainId: string;
  try {
    chainId = resolveChain(chain).id;
  } catch (error) {
    if (error instanceof UnknownChainError) throw new ApiError('invalid_argument', error.message);
    throw error;
  }
  try {
    return { chain: chainId, addr: canonicalAddress(chainId, address) };
  } catch (error) {
    throw new ApiError('invalid_argument', (error as Error).message);
  }
}

function getNode(c: CaseFile, key: string): NodeRow {
  // Entity nodes (caseEntities.ts) are rows of entity_collapse, not of node.
  if (key.startsWith('w')) throw new ApiError('invalid_argument', `${key} is a wallet drawn as one entity node: expand it back (entity.expand) to act on its addresses`);
  const row = c.db.prepare('SELECT * FROM node WHERE id = ?').get(rowId(key)) as NodeRow | undefined;
  const kind = key.startsWith('m') ? 'more' : 'address';
  if (!row || row.kind !== kind) throw new ApiError('not_found', `no node ${key} in case "${c.id}"`);
  return row;
}

function addressNodes(c: CaseFile, keys: readonly string[]): (NodeRow & { chain: string; addr: string })[] {
  return keys.map((k) => {
    const row = getNode(c, k);
    if (row.kind !== 'address') throw new ApiError('invalid_argument', `${k} is not an address node`);
    return row as NodeRow & { chain: string; addr: string };
  });
}

/**
 * The positions of the nodes drawn. A hidden node is no obstacle (the sample hides 188 of its 200
 * seeds); when it is shown again it keeps its place if that is free and moves beside the case if not.
 */
export function positions(c: CaseFile): Point[] {
  const nodes = c.db.prepare('SELECT x, y FROM node WHERE hidden = 0').all() as Point[];
  // Entity nodes stand where they were put, which need not be where any member node is.
  return hasTable(c.db, 'entity_collapse') ? [...nodes, ...(c.db.prepare('SELECT x, y FROM entity_collapse').all() as Point[])] : nodes;
}

/** Shows a hidden node again, where it was if nothing is drawn there now, else at a free slot. */
export function reveal(c: CaseFile, w: CaseWriter, id: number, occupancy: Occupancy, placeAt: () => Point): void {
  const at = c.db.prepare('SELECT x, y FROM node WHERE id = ?').get(id) as Point;
  if (occupancy.free(at)) {
    occupancy.take(at);
    w.update('node', id, { hidden: 0 });
  } else {
    const p = placeAt();
    w.update('node', id, { hidden: 0, x: p.x, y: p.y });
  }
}

export function insertAddressNode(c: CaseFile, w: CaseWriter, chain: string, addr: string, x: number, y: number): number {
  const existing = c.db.prepare('SELECT id, hidden FROM node WHERE chain = ? AND addr = ?').get(chain, addr) as { id: number; hidden: number } | undefined;
  if (existing !== undefined) {
    if (existing.hidden) {
      const taken = positions(c);
      const occupancy = new Occupancy(taken);
      reveal(c, w, existing.id, occupancy, () => placeLoose(occupancy, taken));
    }
    return existing.id;
  }
  return Number(w.insert('node', { kind: 'address', chain, addr, x, y }));
}

/** Where a lone new node goes: the next free slot beside the case, never on another node. */
function nextLoosePosition(c: CaseFile): Point {
  const taken = positions(c);
  return placeLoose(new Occupancy(taken), taken);
}

export function addAddress(c: CaseFile, actor: Actor, chain: string, address: string): void {
  const a = canonical(chain, address);
  c.mutate(actor, 'Add address', 'graph.addAddress', () => ({ address: caip10(a.chain, a.addr) }), (w) => {
    const p = nextLoosePosition(c);
    insertAddressNode(c, w, a.chain, a.addr, p.x, p.y);
  });
}

export function addSeed(c: CaseFile, actor: Actor, chain: string, address: string, role: string, note: string): void {
  const a = canonical(chain, address);
  c.mutate(actor, `Add ${role} seed`, 'case.addSeed', () => ({ address: caip10(a.chain, a.addr), role, note }), (w) => {
    const seed = c.db.prepare('SELECT id FROM seed WHERE chain = ? AND addr = ?').pluck().get(a.chain, a.addr) as number | undefined;
    if (seed === undefined) w.insert('seed', { chain: a.chain, addr: a.addr, role, note, created_at: actor.now() });
    else w.update('seed', seed, { role, note });
    const onCanvas = c.db.prepare('SELECT id FROM node WHERE chain = ? AND addr = ?').pluck().get(a.chain, a.addr);
    if (onCanvas === undefined) {
      const p = nextLoosePosition(c);
      insertAddressNode(c, w, a.chain, a.addr, p.x, p.y);
    }
  });
}

/** Takes an address off the seed list; its node, if it has one, stays on the canvas as a plain address. */
export function removeSeed(c: CaseFile, actor: Actor, chain: string, address: string): void {
  const a = canonical(chain, address);
  c.assertWritable();
  const seed = c.db.prepare('SELECT id, role, note FROM seed WHERE chain = ? AND addr = ?').get(a.chain, a.addr) as { id: number; role: string; note: string } | undefined;
  if (!seed) throw new ApiError('not_found', `${a.addr} on ${resolveChain(a.chain).name} is not a seed of case "${c.id}"`);
  c.mutate(actor, `Remove ${seed.role} seed`, 'case.removeSeed', () => ({ address: caip10(a.chain, a.addr), role: seed.role, note: seed.note }), (w) => {
    w.delete('seed', seed.id);
  });
}

/**
 * Adds the next page of an address's counterparties, ranked by value, placing receivers to
 * the right and senders to the left so money reads left to right. When more remain, one
 * "+K more" node stands for them and pages on when expanded.
 */
export function expand(store: Db, c: CaseFile, actor: Actor, key: string, requested: Direction, limit: number, filter?: ApiFlowFilter): { added: number; total: number } {
  const node = getNode(c, key);
  const anchor = node.kind === 'more' ? getNode(c, `n${node.parent_node}`) : node;
  const flows = filter ? toFlowFilter(filter) : null;
  // A "+K more" node pages on the way it was made; a fresh expansion goes the filter's way.
  const way = node.kind === 'more' ? (node.direction ?? 'both') : expansionUnder(requested, flows?.direction);
  if (typeof way !== 'string') throw new ApiError('invalid_argument', `cannot expand ${requested === 'in' ? 'in' : 'out'}: ${way.refused}`);
  const direction: Direction = way;
  const offset = node.kind === 'more' ? (node.page_offset ?? 0) : 0;
  if (anchor.kind !== 'address' || !anchor.chain || !anchor.addr) throw new ApiError('internal', `node ${key} has no address`);
  const storeId = storeAddressIds(store, [{ chain: anchor.chain, addr: anchor.addr }]).get(addrKey(anchor.chain, anchor.addr));
  if (storeId === undefined) {
    throw new ApiError('not_found', `no transfers of ${anchor.addr} on ${anchor.chain} are in the store; import data that includes it, then expand again`);
  }
  const page = selectsTransfers(flows) ? filteredNeighbours(store, storeId, direction, flows, offset, limit) : expandNeighbours(store, storeId, direction, offset, limit);
  const label = `Expand ${direction === 'both' ? 'in and out' : direction}`;
  return c.mutate(
    actor,
    label,
    'graph.expand',
    (r) => ({ address: caip10(anchor.chain!, anchor.addr!), direction, offset, limit, added: r.added, total: r.total, ...(isFiltering(flows) ? { filter } : {}) }),
    (w) => {
      // The "+K more" node being replaced frees its slot for the page it stands for.
      const oldMore = c.db.prepare("SELECT id, x, y FROM node WHERE kind = 'more' AND parent_node = ? AND direction = ?").all(anchor.id, direction) as (Point & { id: number })[];
      const occupancy = new Occupancy(positions(c).filter((p) => !oldMore.some((m) => m.x === p.x && m.y === p.y)));
      const existing = new Set(
        (c.db.prepare("SELECT chain, addr FROM node WHERE kind = 'address'").all() as { chain: string; addr: string }[]).map((r) => addrKey(r.chain, r.addr)),
      );
      const fresh = page.items.filter((n) => !existing.has(addrKey(anchor.chain!, n.address)));
      const left = fresh.filter((n) => n.direction === 'in');
      const right = fresh.filter((n) => n.direction !== 'in');
      const hiddenId = c.db.prepare('SELECT id FROM node WHERE chain = ? AND addr = ? AND hidden = 1').pluck();
      // A grid per side, filled column by column with the most valuable counterparties nearest
      // the anchor; an expansion that will page (a hub) gets taller columns, so its pages make a
      // compact block. Later pages continue the grid past the slots earlier pages took.
      const rows = page.total > limit ? hubRows(page.total) : GRID.rows;
      const place = (list: typeof fresh, side: 1 | -1): void => {
        const spots = placeInGrid(occupancy, anchor, side, rows, list.length);
        list.forEach((n, i) => insertAddressNode(c, w, anchor.chain!, n.address, spots[i]!.x, spots[i]!.y));
      };
      place(right, 1);
      place(left, -1);
      // Revealing an already-present counterparty that was hidden is part of expanding; if its old
      // place is taken now, it joins the grid like a new one.
      for (const n of page.items) {
        const id = hiddenId.get(anchor.chain, n.address) as number | undefined;
        if (id !== undefined) reveal(c, w, id, occupancy, () => placeInGrid(occupancy, anchor, n.direction === 'in' ? -1 : 1, rows, 1)[0]!);
      }
      for (const m of oldMore) w.delete('node', m.id);
      const next = offset + limit;
      if (page.total > next) {
        // The next slot of the grid the pages fill: beside the page just added, so it stays in view with it.
        const [p] = placeInGrid(occupancy, anchor, direction === 'in' ? -1 : 1, rows, 1);
        w.insert('node', { kind: 'more', parent_node: anchor.id, direction, page_offset: next, remaining: page.total - next, x: p!.x, y: p!.y });
      }
      return { added: fresh.length, total: page.total };
    },
  );
}

export function setHidden(c: CaseFile, actor: Actor, keys: readonly string[], hidden: boolean): void {
  const rows = keys.map((k) => getNode(c, k));
  c.mutate(actor, `${hidden ? 'Hide' : 'Show'} ${rows.length} node${rows.length === 1 ? '' : 's'}`, 'graph.setHidden', () => ({ nodes: describe(rows), hidden }), (w) => {
    if (hidden) {
      for (const r of rows) w.update('node', r.id, { hidden: 1 });
      return;
    }
    const taken = positions(c);
    const occupancy = new Occupancy(taken);
    for (const r of rows) if (r.hidden) reveal(c, w, r.id, occupancy, () => placeLoose(occupancy, taken));
  });
}

/** `also`: more of the same step, in its transaction (the collapsed wallets of removed entity nodes, caseEntities.ts). */
export function removeNodes(c: CaseFile, actor: Actor, keys: readonly string[], also?: (w: CaseWriter) => void): void {
  const rows = keys.map((k) => getNode(c, k));
  c.mutate(actor, `Remove ${rows.length} node${rows.length === 1 ? '' : 's'}`, 'graph.remove', () => ({ nodes: describe(rows) }), (w) => {
    const more = c.db.prepare("SELECT id FROM node WHERE kind = 'more' AND parent_node = ?").pluck();
    for (const r of rows) {
      for (const id of more.all(r.id) as number[]) w.delete('node', id);
      w.delete('node', r.id);
    }
    also?.(w);
  });
}

type Move = { nodeId: string; x: number; y: number };

/** The rows a move changes: a node, or an entity node's entity_collapse row (key "w" + id). */
function moveTargets(c: CaseFile, moves: readonly Move[]): { table: 'node' | 'entity_collapse'; id: number; x: number; y: number }[] {
  return moves.map((m) => {
    if (!m.nodeId.startsWith('w')) return { table: 'node', id: getNode(c, m.nodeId).id, x: m.x, y: m.y };
    const id = hasTable(c.db, 'entity_collapse') ? (c.db.prepare('SELECT id FROM entity_collapse WHERE id = ?').pluck().get(rowId(m.nodeId)) as number | undefined) : undefined;
    if (id === undefined) throw new ApiError('not_found', `no entity node ${m.nodeId} in case "${c.id}"`);
    return { table: 'entity_collapse', id, x: m.x, y: m.y };
  });
}

export function moveNodes(c: CaseFile, actor: Actor, moves: readonly Move[]): void {
  const rows = moveTargets(c, moves);
  c.mutate(actor, `Move ${rows.length} node${rows.length === 1 ? '' : 's'}`, 'graph.move', () => ({ count: rows.length }), (w) => {
    for (const m of rows) w.update(m.table, m.id, { x: m.x, y: m.y });
  });
}

/** Positions from a re-layout, as one undoable step that names how the nodes were laid out. */
export function layoutNodes(c: CaseFile, actor: Actor, moves: readonly Move[], by: 'hop' | 'time'): void {
  const rows = moveTargets(c, moves);
  c.mutate(actor, `Re-lay out ${rows.length} node${rows.length === 1 ? '' : 's'} by ${by}`, 'graph.layout', () => ({ count: rows.length, by }), (w) => {
    for (const m of rows) w.update(m.table, m.id, { x: m.x, y: m.y });
  });
}

function describe(rows: readonly NodeRow[]): string[] {
  return rows.map((r) => (r.kind === 'address' ? caip10(r.chain!, r.addr!) : `more:${r.id}`));
}

export interface ClusterFields {
  name: string;
  category: string;
  color: string;
  note: string;
}

/** Groups addresses into a manual cluster. An address belongs to one manual cluster; grouping moves it. */
export function createCluster(c: CaseFile, actor: Actor, keys: readonly string[], fields: ClusterFields): number {
  const rows = addressNodes(c, keys);
  return c.mutate(
    actor,
    `Group ${rows.length} as “${fields.name}”`,
    'cluster.create',
    (id) => ({ clusterId: id, ...fields, members: describe(rows) }),
    (w) => {
      const id = Number(w.insert('cluster', { name: fields.name, category: fields.category, color: fields.color, note: fields.note, created_at: actor.now(), created_by: actor.name }));
      const member = c.db.prepare('SELECT id FROM cluster_member WHERE chain = ? AND addr = ?').pluck();
      for (const r of rows) {
        const m = member.get(r.chain, r.addr) as number | undefined;
        if (m === undefined) w.insert('cluster_member', { cluster_id: id, chain: r.chain, addr: r.addr });
        else w.update('cluster_member', m, { cluster_id: id });
      }
      dropEmptyClusters(c, w);
      return id;
    },
  );
}

function dropEmptyClusters(c: CaseFile, w: CaseWriter): void {
  const empty = c.db.prepare('SELECT id FROM cluster WHERE id NOT IN (SELECT cluster_id FROM cluster_member)').pluck().all() as number[];
  for (const id of empty) deleteCluster(c, w, id);
}

function deleteCluster(c: CaseFile, w: CaseWriter, id: number): void {
  for (const m of c.db.prepare('SELECT id FROM cluster_member WHERE cluster_id = ?').pluck().all(id) as number[]) w.delete('cluster_member', m);
  for (const t of c.db.prepare('SELECT id FROM tag WHERE cluster_id = ?').pluck().all(id) as number[]) w.delete('tag', t);
  w.delete('cluster', id);
}

function getCluster(c: CaseFile, key: string): { id: number; name: string } {
  const row = c.db.prepare('SELECT id, name FROM cluster WHERE id = ?').get(rowId(key)) as { id: number; name: string } | undefined;
  if (!row) throw new ApiError('not_found', `no cluster ${key} in case "${c.id}"`);
  return row;
}

export function updateCluster(c: CaseFile, actor: Actor, key: string, fields: Partial<ClusterFields>): void {
  const cluster = getCluster(c, key);
  const changes = Object.entries(fields).filter(([, v]) => v !== undefined) as [keyof ClusterFields, string][];
  if (changes.length === 0) return;
  const label = fields.name && fields.name !== cluster.name ? `Rename cluster to “${fields.name}”` : `Edit cluster “${cluster.name}”`;
  c.mutate(actor, label, 'cluster.update', () => ({ clusterId: cluster.id, ...Object.fromEntries(changes) }), (w) => {
    // Column names come from the fixed ClusterFields keys, never from input.
    w.update('cluster', cluster.id, Object.fromEntries(changes));
  });
}

export function ungroupCluster(c: CaseFile, actor: Actor, key: string): void {
  const cluster = getCluster(c, key);
  c.mutate(actor, `Ungroup “${cluster.name}”`, 'cluster.ungroup', () => ({ clusterId: cluster.id, name: cluster.name }), (w) => {
    deleteCluster(c, w, cluster.id);
  });
}

export interface TagFields {
  label: string;
  category: string | null;
  confidence: number;
  source: string;
  note: string;
}

export function addTag(c: CaseFile, actor: Actor, target: { kind: 'node'; nodeId: string } | { kind: 'cluster'; clusterId: string }, fields: TagFields): number {
  const t =
    target.kind === 'node'
      ? (() => {
          const [row] = addressNodes(c, [target.nodeId]);
          return { chain: row.chain, addr: row.addr, clusterId: null as number | null, what: caip10(row.chain, row.addr) };
        })()
      : (() => {
          const cl = getCluster(c, target.clusterId);
          return { chain: null, addr: null, clusterId: cl.id, what: `cluster:${cl.id}` };
        })();
  return c.mutate(actor, `Tag “${fields.label}”`, 'tag.add', (id) => ({ tagId: id, target: t.what, ...fields }), (w) =>
    Number(
      w.insert('tag', {
        chain: t.chain,
        addr: t.addr,
        cluster_id: t.clusterId,
        label: fields.label,
        category: fields.category,
        confidence: fields.confidence,
        source: fields.source,
        note: fields.note,
        created_at: actor.now(),
        created_by: actor.name,
      }),
    ),
  );
}

export function removeTag(c: CaseFile, actor: Actor, tagId: number): void {
  const tag = c.db.prepare('SELECT id, label FROM tag WHERE id = ?').get(tagId) as { id: number; label: string } | undefined;
  if (!tag) throw new ApiError('not_found', `no tag ${tagId} in case "${c.id}"`);
  c.mutate(actor, `Remove tag “${tag.label}”`, 'tag.remove', () => ({ tagId, label: tag.label }), (w) => {
    w.delete('tag', tagId);
  });
}

/**
 * Undo or redo the last step: the recorded changes of the step are applied in reverse by Cairn's
 * own code, and the reversal is itself a signed entry. Nothing in the log is ever removed.
 */
export function replay(c: CaseFile, actor: Actor, stack: 'undo' | 'redo'): string {
  c.assertWritable();
  const stacks = c.undoStacks();
  const top = (stack === 'undo' ? stacks.undo : stacks.redo).at(-1);
  if (!top) throw new ApiError('conflict', `nothing to ${stack} in case "${c.id}"`);
  const recorded = c.db.prepare('SELECT changes FROM audit WHERE seq = ?').pluck().get(top.seq) as string;
  const inverse = invertChanges(parseChanges(recorded));
  try {
    c.appendApplied(actor, { action: `case.${stack}`, label: top.label, data: { label: top.label, reverses: top.seq }, changes: inverse, undoOf: top.seq }, () => {
      for (const change of inverse) applyChange(c.db, change);
    });
  } catch (error) {
    if (error instanceof ChangeError) throw new ApiError('conflict', `cannot ${stack} “${top.label}”: the case no longer matches what that step recorded (${error.message})`);
    throw error;
  }
  return top.label;
}
