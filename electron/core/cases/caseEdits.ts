import { ApiError } from '../../../shared/api/contract';
import { caip10, canonicalAddress } from '../../../shared/codec/address';
import { UnknownChainError, resolveChain } from '../../../shared/model/chains';
import { expandNeighbours, type Direction } from '../analysis/neighbours';
import type { Db } from '../store/openStore';
import type { Actor, CaseFile } from './caseFiles';
import { appendAudit } from './audit';
import { addrKey, storeAddressIds, type NodeRow } from './caseGraph';
import { replayStep } from './undo';

const COLUMN_GAP = 280;
const EXTRA_COLUMN_GAP = 200;
const ROWS_PER_COLUMN = 10;
const ROW_GAP = 64;
const CLEARANCE = 40;

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

/** Finds a free spot near (x, y), stepping down a column, so new nodes do not land on old ones. */
function freeSpot(taken: { x: number; y: number }[], x: number, y: number): { x: number; y: number } {
  let cy = y;
  while (taken.some((p) => Math.abs(p.x - x) < CLEARANCE * 2 && Math.abs(p.y - cy) < CLEARANCE)) cy += ROW_GAP;
  const spot = { x, y: cy };
  taken.push(spot);
  return spot;
}

function positions(c: CaseFile): { x: number; y: number }[] {
  return c.db.prepare('SELECT x, y FROM node').all() as { x: number; y: number }[];
}

function insertAddressNode(c: CaseFile, chain: string, addr: string, x: number, y: number): number {
  const existing = c.db.prepare('SELECT id FROM node WHERE chain = ? AND addr = ?').pluck().get(chain, addr) as number | undefined;
  if (existing !== undefined) {
    c.db.prepare('UPDATE node SET hidden = 0 WHERE id = ? AND hidden = 1').run(existing);
    return existing;
  }
  return Number(c.db.prepare("INSERT INTO node (kind, chain, addr, x, y) VALUES ('address', ?, ?, ?, ?)").run(chain, addr, x, y).lastInsertRowid);
}

/** Where a lone new node goes: below everything on the canvas, so it is never hidden under another. */
function nextLoosePosition(c: CaseFile): { x: number; y: number } {
  const row = c.db.prepare('SELECT min(x) AS minX, max(y) AS maxY, count(*) AS n FROM node WHERE hidden = 0').get() as { minX: number | null; maxY: number | null; n: number };
  return row.n === 0 ? { x: 0, y: 0 } : { x: row.minX ?? 0, y: (row.maxY ?? 0) + ROW_GAP * 2 };
}

export function addAddress(c: CaseFile, actor: Actor, chain: string, address: string): void {
  const a = canonical(chain, address);
  c.mutate(actor, 'Add address', 'graph.addAddress', () => ({ address: caip10(a.chain, a.addr) }), () => {
    const p = nextLoosePosition(c);
    insertAddressNode(c, a.chain, a.addr, p.x, p.y);
  });
}

export function addSeed(c: CaseFile, actor: Actor, chain: string, address: string, role: string, note: string): void {
  const a = canonical(chain, address);
  c.mutate(actor, `Add ${role} seed`, 'case.addSeed', () => ({ address: caip10(a.chain, a.addr), role, note }), () => {
    c.db
      .prepare(
        `INSERT INTO seed (chain, addr, role, note, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (chain, addr) DO UPDATE SET role = excluded.role, note = excluded.note`,
      )
      .run(a.chain, a.addr, role, note, actor.now());
    const onCanvas = c.db.prepare('SELECT id FROM node WHERE chain = ? AND addr = ?').pluck().get(a.chain, a.addr);
    if (onCanvas === undefined) {
      const p = nextLoosePosition(c);
      insertAddressNode(c, a.chain, a.addr, p.x, p.y);
    }
  });
}

/**
 * Adds the next page of an address's counterparties, ranked by value, placing receivers to
 * the right and senders to the left so money reads left to right. When more remain, one
 * "+K more" node stands for them and pages on when expanded.
 */
export function expand(store: Db, c: CaseFile, actor: Actor, key: string, requested: Direction, limit: number): { added: number; total: number } {
  const node = getNode(c, key);
  const anchor = node.kind === 'more' ? getNode(c, `n${node.parent_node}`) : node;
  const direction: Direction = node.kind === 'more' ? (node.direction ?? 'both') : requested;
  const offset = node.kind === 'more' ? (node.page_offset ?? 0) : 0;
  if (anchor.kind !== 'address' || !anchor.chain || !anchor.addr) throw new ApiError('internal', `node ${key} has no address`);
  const storeId = storeAddressIds(store, [{ chain: anchor.chain, addr: anchor.addr }]).get(addrKey(anchor.chain, anchor.addr));
  if (storeId === undefined) {
    throw new ApiError('not_found', `no transfers of ${anchor.addr} on ${anchor.chain} are in the store; import data that includes it, then expand again`);
  }
  const page = expandNeighbours(store, storeId, direction, offset, limit);
  const label = `Expand ${direction === 'both' ? 'in and out' : direction}`;
  return c.mutate(
    actor,
    label,
    'graph.expand',
    (r) => ({ address: caip10(anchor.chain!, anchor.addr!), direction, offset, limit, added: r.added, total: r.total }),
    () => {
      const taken = positions(c);
      const existing = new Set(
        (c.db.prepare("SELECT chain, addr FROM node WHERE kind = 'address'").all() as { chain: string; addr: string }[]).map((r) => addrKey(r.chain, r.addr)),
      );
      const fresh = page.items.filter((n) => !existing.has(addrKey(anchor.chain!, n.address)));
      const left = fresh.filter((n) => n.direction === 'in');
      const right = fresh.filter((n) => n.direction !== 'in');
      // Columns of at most ROWS_PER_COLUMN keep a big page readable at a useful zoom; the
      // most valuable counterparties sit in the column nearest the anchor.
      const place = (list: typeof fresh, side: 1 | -1): void => {
        for (let col = 0; col * ROWS_PER_COLUMN < list.length; col++) {
          const chunk = list.slice(col * ROWS_PER_COLUMN, (col + 1) * ROWS_PER_COLUMN);
          const top = anchor.y - ((chunk.length - 1) * ROW_GAP) / 2;
          chunk.forEach((n, i) => {
            const p = freeSpot(taken, anchor.x + side * (COLUMN_GAP + col * EXTRA_COLUMN_GAP), top + i * ROW_GAP);
            insertAddressNode(c, anchor.chain!, n.address, p.x, p.y);
          });
        }
      };
      place(right, 1);
      place(left, -1);
      // Revealing an already-present counterparty that was hidden is part of expanding.
      for (const n of page.items) {
        c.db.prepare('UPDATE node SET hidden = 0 WHERE chain = ? AND addr = ? AND hidden = 1').run(anchor.chain, n.address);
      }
      c.db.prepare("DELETE FROM node WHERE kind = 'more' AND parent_node = ? AND direction = ?").run(anchor.id, direction);
      const next = offset + limit;
      if (page.total > next) {
        const dx = direction === 'in' ? -COLUMN_GAP : COLUMN_GAP;
        // Below the column nearest the anchor, where the page it continues began.
        const lowest = Math.max(anchor.y, ...taken.filter((p) => Math.abs(p.x - (anchor.x + dx)) < 1).map((p) => p.y));
        const p = freeSpot(taken, anchor.x + dx, lowest + ROW_GAP);
        c.db
          .prepare("INSERT INTO node (kind, parent_node, direction, page_offset, remaining, x, y) VALUES ('more', ?, ?, ?, ?, ?, ?)")
          .run(anchor.id, direction, next, page.total - next, p.x, p.y);
      }
      return { added: fresh.length, total: page.total };
    },
  );
}

export function setHidden(c: CaseFile, actor: Actor, keys: readonly string[], hidden: boolean): void {
  const rows = keys.map((k) => getNode(c, k));
  c.mutate(actor, `${hidden ? 'Hide' : 'Show'} ${rows.length} node${rows.length === 1 ? '' : 's'}`, 'graph.setHidden', () => ({ nodes: describe(rows), hidden }), () => {
    const upd = c.db.prepare('UPDATE node SET hidden = ? WHERE id = ?');
    for (const r of rows) upd.run(hidden ? 1 : 0, r.id);
  });
}

export function removeNodes(c: CaseFile, actor: Actor, keys: readonly string[]): void {
  const rows = keys.map((k) => getNode(c, k));
  c.mutate(actor, `Remove ${rows.length} node${rows.length === 1 ? '' : 's'}`, 'graph.remove', () => ({ nodes: describe(rows) }), () => {
    const del = c.db.prepare('DELETE FROM node WHERE id = ?');
    const delMore = c.db.prepare("DELETE FROM node WHERE kind = 'more' AND parent_node = ?");
    for (const r of rows) {
      delMore.run(r.id);
      del.run(r.id);
    }
  });
}

export function moveNodes(c: CaseFile, actor: Actor, moves: readonly { nodeId: string; x: number; y: number }[]): void {
  const rows = moves.map((m) => ({ row: getNode(c, m.nodeId), x: m.x, y: m.y }));
  c.mutate(actor, `Move ${rows.length} node${rows.length === 1 ? '' : 's'}`, 'graph.move', () => ({ count: rows.length }), () => {
    const upd = c.db.prepare('UPDATE node SET x = ?, y = ? WHERE id = ?');
    for (const m of rows) upd.run(m.x, m.y, m.row.id);
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
    () => {
      const id = Number(
        c.db
          .prepare('INSERT INTO cluster (name, category, color, note, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
          .run(fields.name, fields.category, fields.color, fields.note, actor.now(), actor.name).lastInsertRowid,
      );
      const put = c.db.prepare(
        'INSERT INTO cluster_member (cluster_id, chain, addr) VALUES (?, ?, ?) ON CONFLICT (chain, addr) DO UPDATE SET cluster_id = excluded.cluster_id',
      );
      for (const r of rows) put.run(id, r.chain, r.addr);
      dropEmptyClusters(c);
      return id;
    },
  );
}

function dropEmptyClusters(c: CaseFile): void {
  const empty = c.db.prepare('SELECT id FROM cluster WHERE id NOT IN (SELECT cluster_id FROM cluster_member)').pluck().all() as number[];
  for (const id of empty) {
    c.db.prepare('DELETE FROM tag WHERE cluster_id = ?').run(id);
    c.db.prepare('DELETE FROM cluster WHERE id = ?').run(id);
  }
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
  c.mutate(actor, label, 'cluster.update', () => ({ clusterId: cluster.id, ...Object.fromEntries(changes) }), () => {
    for (const [col, value] of changes) {
      // Column names come from the fixed ClusterFields keys, never from input.
      c.db.prepare(`UPDATE cluster SET ${col} = ? WHERE id = ?`).run(value, cluster.id);
    }
  });
}

export function ungroupCluster(c: CaseFile, actor: Actor, key: string): void {
  const cluster = getCluster(c, key);
  c.mutate(actor, `Ungroup “${cluster.name}”`, 'cluster.ungroup', () => ({ clusterId: cluster.id, name: cluster.name }), () => {
    c.db.prepare('DELETE FROM cluster_member WHERE cluster_id = ?').run(cluster.id);
    c.db.prepare('DELETE FROM tag WHERE cluster_id = ?').run(cluster.id);
    c.db.prepare('DELETE FROM cluster WHERE id = ?').run(cluster.id);
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
  return c.mutate(actor, `Tag “${fields.label}”`, 'tag.add', (id) => ({ tagId: id, target: t.what, ...fields }), () =>
    Number(
      c.db
        .prepare('INSERT INTO tag (chain, addr, cluster_id, label, category, confidence, source, note, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(t.chain, t.addr, t.clusterId, fields.label, fields.category, fields.confidence, fields.source, fields.note, actor.now(), actor.name).lastInsertRowid,
    ),
  );
}

export function removeTag(c: CaseFile, actor: Actor, tagId: number): void {
  const tag = c.db.prepare('SELECT id, label FROM tag WHERE id = ?').get(tagId) as { id: number; label: string } | undefined;
  if (!tag) throw new ApiError('not_found', `no tag ${tagId} in case "${c.id}"`);
  c.mutate(actor, `Remove tag “${tag.label}”`, 'tag.remove', () => ({ tagId, label: tag.label }), () => {
    c.db.prepare('DELETE FROM tag WHERE id = ?').run(tagId);
  });
}

/** Undo or redo the last step. The audit log keeps both the step and its reversal. */
export function replay(c: CaseFile, actor: Actor, stack: 'undo' | 'redo'): string {
  const label = c.db.transaction(() => {
    const l = replayStep(c.db, stack);
    if (l !== null) appendAudit(c.db, actor.name, `case.${stack}`, { label: l }, actor.now());
    return l;
  })();
  if (label === null) throw new ApiError('conflict', `nothing to ${stack} in case "${c.id}"`);
  return label;
}
