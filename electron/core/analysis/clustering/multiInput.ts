/**
 * Multi-input clustering (common-input ownership; methods.md, "Address clustering: UTXO chains"):
 * the input addresses of one transaction have one owner, unless the transaction looks like a
 * CoinJoin (coinjoin.ts), which merges nothing.
 *
 * It runs after each Bitcoin-family import, inside the import's transaction, on what the import
 * added and on the older transactions whose inputs it resolved (an input's address may have been
 * unknown or derived until then). An input's address is the spent output's, or the one derived
 * from its unlocking script (txin.derived) when that output is not in the store.
 *
 * Every union that joins two different clusters is stored with its evidence (cluster_evidence: the
 * transaction's first input address, the other address, the transaction, 'multi-input', the
 * dataset). A union of two addresses already in one cluster changes nothing, so running it again
 * over the same transactions changes no row: clustering is idempotent.
 *
 * Collapse guard: a union of two clusters that both hold at least COLLAPSE_GUARD addresses is not
 * applied but held for review (cluster_held). Large clusters rarely merge for real (Harrigan &
 * Fretter); when they do by this heuristic, one false CoinJoin negative or a shared custodian is
 * the likelier reason, and applying it would silently make one actor of two services. 1,000 keeps
 * every ordinary wallet's growth (a wallet joining small clusters into a large one is never held)
 * while stopping the first merge of two service-sized clusters.
 *
 * Memory is bounded: transactions are read from the store a batch of ids at a time, and the
 * union-find lives in the store (unionFind.ts).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../store/openStore';
import { fromDbAmount } from '../../store/sqlFunctions';
import { detectCoinJoin, type CoinJoinInput } from './coinjoin';
import { readClusteringSettings, type ChangeRule } from './settings';
import { UnionFind, type Cluster } from './unionFind';

export const MULTI_INPUT = 'multi-input';
/** Two clusters both at least this large are not merged but held (see the file comment). */
export const COLLAPSE_GUARD = 1_000;
/** Transaction ids read per batch. */
const BATCH_TXS = 5_000;

export interface ClusteringOptions {
  /** The collapse guard's size; COLLAPSE_GUARD unless given. */
  readonly collapseGuard?: number;
  /** The change heuristics switched on (settings.ts); none unless given. */
  readonly change?: readonly ChangeRule[];
}

export interface ClusteringReport {
  /** Transactions with two or more distinct input addresses that were looked at. */
  candidates: number;
  /** Of those, the CoinJoins, which merged nothing. */
  coinjoins: number;
  /** Unions that joined two different clusters (one evidence row each). */
  merges: number;
  /** Unions newly held by the collapse guard. */
  held: number;
}

/** An input as read: its transaction, its address id and its value (raw rows read faster than objects). */
type InputRow = [txId: bigint, addressId: bigint | null, value: bigint | string | null];

/** Multi-input clustering of one chain's transactions, recording merges as made by one dataset. */
export class MultiInputClustering {
  readonly report: ClusteringReport = { candidates: 0, coinjoins: 0, merges: 0, held: 0 };
  private readonly uf: UnionFind;
  private readonly guard: number;
  private readonly s: Record<'maxId' | 'range' | 'one' | 'outputs' | 'evidence' | 'hold' | 'txDataset', Statement>;

  constructor(
    db: Db,
    private readonly chainId: number,
    /** The dataset whose import makes the merges; null in a rebuild: each transaction's own. */
    private readonly datasetId: number | null,
    options: ClusteringOptions = {},
  ) {
    this.uf = new UnionFind(db);
    this.guard = options.collapseGuard ?? COLLAPSE_GUARD;
    if (!(Number.isInteger(this.guard) && this.guard >= 2)) throw new Error(`the collapse guard must be a whole number of addresses, at least 2; found ${this.guard}`);
    // The unary plus signs keep SQLite on the rowid range: with the (chain_id, hash) index it would scan the whole chain per batch.
    const inputs = `SELECT i.tx_id, i.address_id, i.value FROM tx t CROSS JOIN txin i ON i.tx_id = t.id
                    WHERE +t.chain_id = ? AND +t.coinbase = 0`;
    this.s = {
      maxId: db.prepare('SELECT max(id) FROM tx').pluck(),
      txDataset: db.prepare('SELECT dataset_id FROM tx WHERE id = ?').pluck(),
      range: db.prepare(`${inputs} AND t.id >= ? AND t.id < ? ORDER BY t.id, i.n`).raw().safeIntegers(true),
      one: db.prepare(`${inputs} AND t.id = ? ORDER BY i.n`).raw().safeIntegers(true),
      outputs: db.prepare('SELECT value, address_id AS addressId FROM txout WHERE tx_id = ? ORDER BY n').safeIntegers(true),
      evidence: db.prepare('INSERT INTO cluster_evidence (a, b, tx_id, heuristic, dataset_id) VALUES (?, ?, ?, ?, ?)'),
      hold: db.prepare(
        'INSERT OR IGNORE INTO cluster_held (a, b, a_size, b_size, tx_id, heuristic, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  /** The chain's transactions with ids from `fromTxId` on, in id order, a batch at a time. */
  fromTxId(fromTxId: number): void {
    const last = (this.s.maxId.get() as number | null) ?? 0;
    for (let lo = fromTxId; lo <= last; lo += BATCH_TXS) this.inputsByTx(this.s.range.all(this.chainId, lo, lo + BATCH_TXS) as InputRow[]);
  }

  /** These transactions of the chain (others and coinbases are passed over), in id order. */
  txs(ids: Iterable<number>): void {
    for (const id of [...ids].sort((a, b) => a - b)) this.inputsByTx(this.s.one.all(this.chainId, id) as InputRow[]);
  }

  /** Input rows in transaction order, one transaction at a time. */
  private inputsByTx(rows: readonly InputRow[]): void {
    let start = 0;
    for (let k = 1; k <= rows.length; k++) {
      if (k < rows.length && rows[k]![0] === rows[start]![0]) continue;
      this.cluster(Number(rows[start]![0]), rows.slice(start, k));
      start = k;
    }
  }

  private cluster(txId: number, inputs: readonly InputRow[]): void {
    const addresses = [...new Set(inputs.flatMap(([, addressId]) => (addressId === null ? [] : [Number(addressId)])))];
    if (addresses.length < 2) return;
    this.report.candidates++;
    if (this.isCoinJoin(txId, inputs)) {
      this.report.coinjoins++;
      return;
    }
    const a = addresses[0]!;
    let joined: Cluster = this.uf.find(a);
    for (const b of addresses.slice(1)) {
      const other = this.uf.find(b);
      if (other.root === joined.root) continue;
      if (joined.size >= this.guard && other.size >= this.guard) {
        this.report.held += this.s.hold.run(a, b, joined.size, other.size, txId, MULTI_INPUT, this.datasetOf(txId)).changes;
        continue;
      }
      joined = this.uf.join(joined, other);
      this.s.evidence.run(a, b, txId, MULTI_INPUT, this.datasetOf(txId));
      this.report.merges++;
    }
  }

  private datasetOf(txId: number): number {
    return this.datasetId ?? (this.s.txDataset.get(txId) as number);
  }

  /** The CoinJoin verdict on the transaction's shape; addresses compared by their store ids. */
  private isCoinJoin(txId: number, inputs: readonly InputRow[]): boolean {
    const outputs = this.s.outputs.all(txId) as { value: bigint | string; addressId: bigint | null }[];
    const shape = {
      inputs: inputs.map(([, addressId, value]): CoinJoinInput => ({ value: value === null ? null : fromDbAmount(value), address: addressId === null ? null : String(addressId) })),
      outputs: outputs.map((o) => ({ value: fromDbAmount(o.value), address: o.addressId === null ? null : String(o.addressId), type: '' })),
    };
    return detectCoinJoin(shape) !== null;
  }
}

/**
 * Clusters what one import brought to a chain: its transactions (ids from `fromTxId` on) and the
 * older ones whose inputs it resolved (`relinked`), whose input addresses may have changed.
 */
export function clusterImport(db: Db, chainId: number, datasetId: number, fromTxId: number, relinked: Iterable<number>, options: ClusteringOptions = {}): ClusteringReport {
  const settings = readClusteringSettings(db);
  const run = new MultiInputClustering(db, chainId, datasetId, { collapseGuard: options.collapseGuard ?? settings.collapseGuard, change: options.change ?? settings.change });
  run.txs([...relinked].filter((id) => id < fromTxId));
  run.fromTxId(fromTxId);
  return run.report;
}
