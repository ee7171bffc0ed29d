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
 * Change heuristics (changeHeuristics.ts), when the workspace has any on: after a transaction's
 * multi-input merge, the address of the change output the rules name joins the inputs' cluster,
 * under the same collapse guard, with one evidence row whose heuristic names the rules
 * ("change:fresh-address"). This holds for a transaction of one input address too. With every
 * rule off (the default) nothing of this runs and no extra row is read.
 *
 * Memory is bounded: transactions are read from the store a batch of ids at a time, and the
 * union-find lives in the store (unionFind.ts).
 */
import type { Statement } from 'better-sqlite3';
import { networkForChain, type BitcoinNetwork } from '../../../../shared/codec/bitcoinScript';
import type { Db } from '../../store/openStore';
import { fromDbAmount } from '../../store/sqlFunctions';
import { addressScriptType, changeHeuristic, detectChange, FirstSeen, type ChangeTx } from './changeHeuristics';
import { detectCoinJoin, type CoinJoinInput } from './coinjoin';
import { normalChangeRules, readClusteringSettings, type ChangeRule } from './settings';
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
  /**
   * With change heuristics on: transactions whose change the rules named (agreeing), those where
   * they named different outputs (nothing merged), and the change unions applied (in `merges` too).
   */
  change?: { named: number; conflicts: number; merges: number };
}

/** An input as read: its transaction, its address id and its value (raw rows read faster than objects). */
type InputRow = [txId: bigint, addressId: bigint | null, value: bigint | string | null];
/** With change heuristics on, also the transaction's place in chain order, and the spent output's script type or else the derived address's text. */
type ChangeInputRow = [...InputRow, height: bigint | null, index: bigint | null, spentType: string | null, derivedAddress: string | null];
type OutputRow = [n: bigint, value: bigint | string, addressId: bigint | null, type: string];

const asNumber = (v: bigint | null): number | null => (v === null ? null : Number(v));

/** Multi-input clustering of one chain's transactions, recording merges as made by one dataset. */
export class MultiInputClustering {
  readonly report: ClusteringReport = { candidates: 0, coinjoins: 0, merges: 0, held: 0 };
  private readonly uf: UnionFind;
  private readonly guard: number;
  /** The change rules on, in their canonical order; empty: multi-input alone. */
  private readonly change: readonly ChangeRule[];
  /** Whether an address appeared before a transaction in chain order: fresh-address's question; null when that rule is off. */
  private readonly firstSeen: FirstSeen | null;
  private readonly net: BitcoinNetwork | null;
  private readonly s: Record<'maxId' | 'range' | 'one' | 'outputs' | 'outputRange' | 'evidence' | 'hold' | 'txDataset', Statement>;

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
    this.change = normalChangeRules(options.change ?? []);
    const withChange = this.change.length > 0;
    if (withChange) this.report.change = { named: 0, conflicts: 0, merges: 0 };
    // Only fresh-address asks "seen before?". A rebuild asks it of every transaction: one pass over the chain answers faster than index probes.
    this.firstSeen = this.change.includes('fresh-address') ? new FirstSeen(db, chainId, datasetId === null) : null;
    this.net = withChange ? networkOf(db, chainId) : null;
    // The unary plus signs keep SQLite on the rowid range: with the (chain_id, hash) index it would scan the whole chain per batch.
    const inputs = withChange
      ? `SELECT i.tx_id, i.address_id, i.value, t.block_number, t.tx_index, po.type, CASE WHEN i.derived = 1 THEN a.addr END
         FROM tx t CROSS JOIN txin i ON i.tx_id = t.id
         LEFT JOIN txout po ON po.tx_id = i.prev_tx_id AND po.n = i.prev_n
         LEFT JOIN address a ON i.derived = 1 AND a.id = i.address_id
         WHERE +t.chain_id = ? AND +t.coinbase = 0`
      : `SELECT i.tx_id, i.address_id, i.value FROM tx t CROSS JOIN txin i ON i.tx_id = t.id
         WHERE +t.chain_id = ? AND +t.coinbase = 0`;
    this.s = {
      maxId: db.prepare('SELECT max(id) FROM tx').pluck(),
      txDataset: db.prepare('SELECT dataset_id FROM tx WHERE id = ?').pluck(),
      range: db.prepare(`${inputs} AND t.id >= ? AND t.id < ? ORDER BY t.id, i.n`).raw().safeIntegers(true),
      one: db.prepare(`${inputs} AND t.id = ? ORDER BY i.n`).raw().safeIntegers(true),
      outputs: db.prepare('SELECT n, value, address_id, type FROM txout WHERE tx_id = ? ORDER BY n').raw().safeIntegers(true),
      outputRange: db
        .prepare(
          `SELECT o.tx_id, o.n, o.value, o.address_id, o.type FROM tx t CROSS JOIN txout o ON o.tx_id = t.id
           WHERE +t.chain_id = ? AND +t.coinbase = 0 AND t.id >= ? AND t.id < ? ORDER BY t.id, o.n`,
        )
        .raw()
        .safeIntegers(true),
      evidence: db.prepare('INSERT INTO cluster_evidence (a, b, tx_id, heuristic, dataset_id) VALUES (?, ?, ?, ?, ?)'),
      hold: db.prepare(
        'INSERT OR IGNORE INTO cluster_held (a, b, a_size, b_size, tx_id, heuristic, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  /** The chain's transactions with ids from `fromTxId` on, in id order, a batch at a time. */
  fromTxId(fromTxId: number): void {
    const last = (this.s.maxId.get() as number | null) ?? 0;
    for (let lo = fromTxId; lo <= last; lo += BATCH_TXS) {
      const inputs = this.s.range.all(this.chainId, lo, lo + BATCH_TXS) as InputRow[];
      // With change heuristics on, the batch's outputs in one read too: every transaction needs them.
      let outputs: Map<bigint, OutputRow[]> | null = null;
      if (this.change.length > 0 && inputs.length > 0) {
        outputs = new Map();
        for (const [txId, ...o] of this.s.outputRange.all(this.chainId, lo, lo + BATCH_TXS) as [bigint, ...OutputRow][]) {
          const list = outputs.get(txId);
          if (list) list.push(o);
          else outputs.set(txId, [o]);
        }
      }
      this.inputsByTx(inputs, outputs);
    }
  }

  /** These transactions of the chain (others and coinbases are passed over), in id order. */
  txs(ids: Iterable<number>): void {
    for (const id of [...ids].sort((a, b) => a - b)) this.inputsByTx(this.s.one.all(this.chainId, id) as InputRow[], null);
  }

  /** Lets go of what the run built for itself (the change rules' table of first appearances). */
  finish(): void {
    this.firstSeen?.close();
  }

  /** Input rows in transaction order, one transaction at a time. */
  private inputsByTx(rows: readonly InputRow[], outputs: ReadonlyMap<bigint, OutputRow[]> | null): void {
    let start = 0;
    for (let k = 1; k <= rows.length; k++) {
      if (k < rows.length && rows[k]![0] === rows[start]![0]) continue;
      const txId = rows[start]![0];
      this.cluster(Number(txId), rows.slice(start, k), outputs ? (outputs.get(txId) ?? []) : null);
      start = k;
    }
  }

  private cluster(txId: number, inputs: readonly InputRow[], outputs: readonly OutputRow[] | null): void {
    const addresses = [...new Set(inputs.flatMap(([, addressId]) => (addressId === null ? [] : [Number(addressId)])))];
    if (addresses.length >= 2) {
      this.report.candidates++;
      outputs ??= this.s.outputs.all(txId) as OutputRow[];
      if (this.isCoinJoin(inputs, outputs)) {
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
    // One input address is never a CoinJoin (coinjoin.ts wants at least 3 possible owners), so no check is missed here.
    if (this.change.length > 0 && addresses.length > 0) {
      this.joinChange(txId, inputs as readonly unknown[] as readonly ChangeInputRow[], outputs ?? (this.s.outputs.all(txId) as OutputRow[]), addresses);
    }
  }

  /** The change heuristics' merge: the change output's address joins the first input address's cluster. */
  private joinChange(txId: number, inputs: readonly ChangeInputRow[], outputs: readonly OutputRow[], addresses: readonly number[]): void {
    // The rules look only at transactions whose every input address is known.
    if (inputs.some((i) => i[1] === null)) return;
    const tx: ChangeTx = {
      inputs: inputs.map(([, addressId, value, , , spentType, derived]) => ({
        address: Number(addressId),
        value: value === null ? null : fromDbAmount(value),
        type: spentType ?? (derived === null ? null : addressScriptType(derived, this.net)),
      })),
      outputs: outputs.map(([n, value, addressId, type]) => ({ n: Number(n), value: fromDbAmount(value), address: addressId === null ? null : Number(addressId), type })),
    };
    const [, , , height, index] = inputs[0]!;
    const verdict = detectChange(tx, this.change, this.firstSeen?.before(txId, asNumber(height), asNumber(index)) ?? null);
    if (verdict === null) return;
    const counts = this.report.change!;
    if ('conflict' in verdict) {
      counts.conflicts++;
      return;
    }
    counts.named++;
    // Change paid back to an input address: the multi-input merge already decided that address.
    if (addresses.includes(verdict.address)) return;
    const a = addresses[0]!;
    const inputsCluster = this.uf.find(a);
    const changeCluster = this.uf.find(verdict.address);
    if (inputsCluster.root === changeCluster.root) return;
    const heuristic = changeHeuristic(verdict.rules);
    if (inputsCluster.size >= this.guard && changeCluster.size >= this.guard) {
      this.report.held += this.s.hold.run(a, verdict.address, inputsCluster.size, changeCluster.size, txId, heuristic, this.datasetOf(txId)).changes;
      return;
    }
    this.uf.join(inputsCluster, changeCluster);
    this.s.evidence.run(a, verdict.address, txId, heuristic, this.datasetOf(txId));
    this.report.merges++;
    counts.merges++;
  }

  private datasetOf(txId: number): number {
    return this.datasetId ?? (this.s.txDataset.get(txId) as number);
  }

  /** The CoinJoin verdict on the transaction's shape; addresses compared by their store ids. */
  private isCoinJoin(inputs: readonly InputRow[], outputs: readonly OutputRow[]): boolean {
    const shape = {
      inputs: inputs.map(([, addressId, value]): CoinJoinInput => ({ value: value === null ? null : fromDbAmount(value), address: addressId === null ? null : String(addressId) })),
      outputs: outputs.map(([, value, addressId, type]) => ({ value: fromDbAmount(value), address: addressId === null ? null : String(addressId), type })),
    };
    return detectCoinJoin(shape) !== null;
  }
}

/** The chain's address parameters (for a derived input's script type), or null when Cairn has none. */
function networkOf(db: Db, chainId: number): BitcoinNetwork | null {
  const caip2 = db.prepare('SELECT caip2 FROM chain WHERE id = ?').pluck().get(chainId) as string | undefined;
  try {
    return caip2 === undefined ? null : networkForChain(caip2);
  } catch {
    return null;
  }
}

/**
 * Clusters what one import brought to a chain: its transactions (ids from `fromTxId` on) and the
 * older ones whose inputs it resolved (`relinked`), whose input addresses may have changed.
 */
export function clusterImport(db: Db, chainId: number, datasetId: number, fromTxId: number, relinked: Iterable<number>, options: ClusteringOptions = {}): ClusteringReport {
  const settings = readClusteringSettings(db);
  const run = new MultiInputClustering(db, chainId, datasetId, { collapseGuard: options.collapseGuard ?? settings.collapseGuard, change: options.change ?? settings.change });
  try {
    run.txs([...relinked].filter((id) => id < fromTxId));
    run.fromTxId(fromTxId);
  } finally {
    run.finish();
  }
  return run.report;
}
