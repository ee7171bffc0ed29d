/**
 * Reading the clusters back: an address's cluster and the merges behind it, the chain of evidence
 * that joins two addresses ("which transaction merged these two addresses?"), and the merges the
 * collapse guard held. Addresses are store ids here; the API turns them into text.
 */
import type { Db } from '../../store/openStore';
import { UnionFind, type Cluster } from './unionFind';

export interface EvidenceRef {
  tx: string;
  heuristic: string;
}

export interface EvidenceStep extends EvidenceRef {
  from: number;
  to: number;
}

export interface HeldMerge {
  a: number;
  b: number;
  aSize: number;
  bSize: number;
  tx: string;
  heuristic: string;
}

/** The address texts of store ids, in the order given (ids the store lacks are left out). */
export function addressTexts(db: Db, ids: readonly number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  const rows = db.prepare('SELECT a.id, a.addr FROM json_each(?) j CROSS JOIN address a ON a.id = j.value ORDER BY j.key').all(JSON.stringify(ids)) as { id: number; addr: string }[];
  return new Map(rows.map((r) => [r.id, r.addr]));
}

export function clusterOf(db: Db, addressId: number): Cluster {
  return new UnionFind(db).find(addressId);
}

/** A page of the cluster's member address ids, in id order. */
export function clusterMembers(db: Db, c: Cluster, offset: number, limit: number): number[] {
  return new UnionFind(db).members(c, offset, limit);
}

/** Each member of the cluster, a page at a time, for a caller that must see them all (bounded memory). */
export function forEachMemberPage(db: Db, c: Cluster, pageSize: number, visit: (ids: number[]) => void): void {
  const uf = new UnionFind(db);
  for (let page = uf.membersAfter(c, -1, pageSize); page.length > 0; page = uf.membersAfter(c, page[page.length - 1]!, pageSize)) visit(page);
}

/** The merges that joined this address to another (distinct transactions and heuristics), oldest first. */
export function evidenceTouching(db: Db, addressId: number, limit: number): EvidenceRef[] {
  return db
    .prepare(
      `SELECT t.hash AS tx, e.heuristic FROM (
         SELECT tx_id, heuristic FROM cluster_evidence WHERE a = ?
         UNION SELECT tx_id, heuristic FROM cluster_evidence WHERE b = ?
       ) e JOIN tx t ON t.id = e.tx_id ORDER BY e.tx_id, e.heuristic LIMIT ?`,
    )
    .all(addressId, addressId, limit) as EvidenceRef[];
}

/**
 * The merges leading from one address to another: a breadth-first walk over the evidence edges,
 * which within a cluster form a tree, so the path is the one chain of merges that joined them.
 * Null when they are in different clusters; empty for an address and itself.
 */
export function evidencePath(db: Db, from: number, to: number): EvidenceStep[] | null {
  const uf = new UnionFind(db);
  if (uf.find(from).root !== uf.find(to).root) return null;
  const edges = db.prepare(
    `SELECT e.b AS other, t.hash AS tx, e.heuristic FROM cluster_evidence e JOIN tx t ON t.id = e.tx_id WHERE e.a = ?
     UNION ALL SELECT e.a, t.hash, e.heuristic FROM cluster_evidence e JOIN tx t ON t.id = e.tx_id WHERE e.b = ?`,
  );
  // How each reached address was reached: from which address, by which merge.
  const reached = new Map<number, EvidenceStep | null>([[from, null]]);
  let frontier = [from];
  while (frontier.length > 0 && !reached.has(to)) {
    const next: number[] = [];
    for (const at of frontier) {
      for (const e of edges.all(at, at) as { other: number; tx: string; heuristic: string }[]) {
        if (reached.has(e.other)) continue;
        reached.set(e.other, { from: at, to: e.other, tx: e.tx, heuristic: e.heuristic });
        next.push(e.other);
      }
    }
    frontier = next;
  }
  if (!reached.has(to)) throw new Error(`clusters: addresses ${from} and ${to} share a root but no chain of evidence joins them`);
  const steps: EvidenceStep[] = [];
  for (let step = reached.get(to); step; step = reached.get(step.from)) steps.push(step);
  return steps.reverse();
}

/** The merges the collapse guard held, oldest first, and how many there are. */
export function heldMerges(db: Db, offset: number, limit: number): { total: number; items: HeldMerge[] } {
  const total = db.prepare('SELECT count(*) FROM cluster_held').pluck().get() as number;
  const items = db
    .prepare(
      `SELECT h.a, h.b, h.a_size AS aSize, h.b_size AS bSize, t.hash AS tx, h.heuristic
       FROM cluster_held h JOIN tx t ON t.id = h.tx_id ORDER BY h.id LIMIT ? OFFSET ?`,
    )
    .all(limit, offset) as HeldMerge[];
  return { total, items };
}
