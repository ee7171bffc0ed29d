/**
 * The address clusters' union-find, kept in the store (tables entity_member and entity_root,
 * store migration 80) so that clusters grow with each import instead of being recomputed.
 *
 * It is kept flat: every clustered address names its cluster's root directly, and an address
 * with no row is a cluster of one, rooted at itself. Joining two clusters relabels the members of
 * the smaller one (union by size), so:
 * - finding an address's cluster is one row, and listing a cluster's members one index range;
 * - an address is relabelled at most log2(n) times over the store's life, and a join rewrites
 *   fewer rows than the smaller cluster holds, which the collapse guard keeps below its threshold
 *   whenever both sides are large.
 * Nothing is held in memory between calls: the store is the state.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../store/openStore';

export interface Cluster {
  /** The root's address id: the cluster's name ("e" + root) until a larger cluster absorbs it. */
  readonly root: number;
  readonly size: number;
}

export class UnionFind {
  private readonly s: Record<'find' | 'addMember' | 'relabel' | 'setSize' | 'dropRoot' | 'members' | 'membersAfter', Statement>;

  constructor(db: Db) {
    this.s = {
      find: db.prepare('SELECT m.root, r.size FROM entity_member m JOIN entity_root r ON r.root = m.root WHERE m.address_id = ?'),
      addMember: db.prepare('INSERT INTO entity_member (address_id, root) VALUES (?, ?)'),
      relabel: db.prepare('UPDATE entity_member SET root = ? WHERE root = ?'),
      setSize: db.prepare('INSERT INTO entity_root (root, size) VALUES (?, ?) ON CONFLICT (root) DO UPDATE SET size = excluded.size'),
      dropRoot: db.prepare('DELETE FROM entity_root WHERE root = ?'),
      members: db.prepare('SELECT address_id FROM entity_member WHERE root = ? ORDER BY address_id LIMIT ? OFFSET ?').pluck(),
      membersAfter: db.prepare('SELECT address_id FROM entity_member WHERE root = ? AND address_id > ? ORDER BY address_id LIMIT ?').pluck(),
    };
  }

  /** The cluster of an address (a cluster of one when it was never merged). */
  find(addressId: number): Cluster {
    const row = this.s.find.get(addressId) as { root: number; size: number } | undefined;
    return row ?? { root: addressId, size: 1 };
  }

  /**
   * Joins two different clusters; the larger keeps its root (on equal sizes, the lower root id),
   * and the smaller's members are relabelled. Returns the joined cluster.
   */
  join(x: Cluster, y: Cluster): Cluster {
    if (x.root === y.root) throw new Error(`UnionFind.join: address ${x.root}'s cluster joined with itself`);
    const [big, small] = x.size > y.size || (x.size === y.size && x.root < y.root) ? [x, y] : [y, x];
    if (big.size === 1) this.s.addMember.run(big.root, big.root);
    if (small.size === 1) this.s.addMember.run(small.root, big.root);
    else {
      this.s.relabel.run(big.root, small.root);
      this.s.dropRoot.run(small.root);
    }
    const size = big.size + small.size;
    this.s.setSize.run(big.root, size);
    return { root: big.root, size };
  }

  /** A page of a cluster's member address ids, in id order. */
  members(c: Cluster, offset: number, limit: number): number[] {
    if (c.size === 1) return offset === 0 && limit > 0 ? [c.root] : [];
    return this.s.members.all(c.root, limit, offset) as number[];
  }

  /** The members after address id `after`, in id order: walks a large cluster without OFFSET's rescans. */
  membersAfter(c: Cluster, after: number, limit: number): number[] {
    if (c.size === 1) return after < c.root ? [c.root] : [];
    return this.s.membersAfter.all(c.root, after, limit) as number[];
  }
}
