/**
 * Exchange deposit-address clustering on account chains (Victor 2020, "Address clustering
 * heuristics for Ethereum"; methods.md, "Address clustering: account chains"; docs/clustering.md,
 * "Exchange deposit addresses (account chains)"). It is the only heuristic that merges EVM and
 * Tron addresses, and only while settings.deposit.enabled.
 *
 * An exchange gives each customer an address of its own and sweeps what arrives there to its hot
 * wallet. So:
 * - a forward out of D is a transfer from D to H that passes on, within maxDelaySeconds, what D
 *   received of that asset and has not forwarded yet, either all of it (a sweep of the balance)
 *   or one receipt (a sweep per deposit): a token to the base unit, the native coin short by at
 *   most tolerancePercent (the fee the sweep pays comes out of it);
 * - D is a deposit candidate of H when it makes at least minForwards forwards to H, on as many
 *   occasions (forwards at one time, one block, count once: a wallet a drainer empties of each
 *   asset at once is not a deposit address), and sends value to no one but H (one transfer
 *   elsewhere and D is a wallet, not a deposit address);
 * - H is a hub when at least minDepositsPerHub distinct candidates forward to it and H is no
 *   candidate itself (an address that forwards everything on is a deposit address or a personal
 *   sweep, not the exchange); a candidate of a hub is a deposit address;
 * - each deposit address joins its hub's cluster ('deposit-address'; evidence: its first forward);
 * - the senders of the receipts a deposit address forwarded, at least minFundingsPerCustomer of
 *   each sender's, are one customer and join each other ('deposit-customer'; evidence: the later
 *   funder's first forwarded funding transaction), except a hub, a deposit address, and a funder
 *   that paid into more than maxDepositsPerFunder deposit addresses (a service: another
 *   exchange's withdrawals, a router, a payroll). A receipt D never forwarded, such as the native
 *   coin an exchange tops an ERC-20 deposit address up with to pay its gas, makes no customer;
 *   nor does one payment into someone else's deposit address (with the default of two).
 * Zero-value and failed transfers, and transfers whose time is not known, count for nothing.
 *
 * Every role is decided on the address's whole history in the store, read per address through the
 * transfer indexes, and the candidate prefilters (one recipient, enough transfers to it) run in
 * SQL over the edge table; nothing chain-sized is held in memory (temp tables hold the address
 * sets). A full run (rebuild) looks at every address that sends to exactly one other; an import
 * looks again at the addresses its transfers touched, at the hubs they forward to, and at the
 * touched addresses that may have become hubs. A hub seen for the first time brings in every
 * deposit address it has, old ones included. Merges are never undone by a later import (a
 * rebuild re-decides on every fact). Unions of two clusters both at least settings.collapseGuard
 * large are held (cluster_held), not applied, and a union of addresses already in one cluster
 * writes nothing, so a re-run or re-import adds no row.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../store/openStore';
import { fromDbAmount } from '../../store/sqlFunctions';
import type { ClusteringReport } from './multiInput';
import { readClusteringSettings, type ClusteringSettings } from './settings';
import { UnionFind } from './unionFind';

export const DEPOSIT_ADDRESS = 'deposit-address';
export const DEPOSIT_CUSTOMER = 'deposit-customer';

/** Addresses read per page when walking a hub's senders, a funder's recipients or a temp table. */
const PAGE = 1_000;
/** Receipts of one asset waiting for their forward, at most; past it the oldest is let go. */
const MAX_WAITING = 100;
/** Verdicts remembered within one run before the memo is emptied (bounded memory on large chains). */
const MEMO_LIMIT = 200_000;
/** Parts per million: tolerancePercent as an exact integer ratio. */
const PPM = 1_000_000n;

export interface DepositReport extends ClusteringReport {
  /** Hubs found among the addresses looked at. */
  hubs: number;
}

/** A deposit candidate's verdict: its one recipient, how many forwards it made there, the first. */
interface Forwarding {
  readonly hub: number;
  readonly forwards: number;
  readonly firstForwardTx: number;
}

/** A receipt not forwarded yet: its amount, time, sender (-1: unknown) and transaction. */
interface Receipt {
  readonly amount: bigint;
  readonly time: number;
  readonly from: number;
  readonly tx: number;
}

/** A sender of receipts a deposit address forwarded: the first such transaction, and how many. */
interface Funder {
  readonly tx: number;
  count: number;
}

/** One history row, raw: direction (1 out), the other side, asset, amount, time, transaction. */
type HistoryRow = [out: bigint, other: bigint | null, asset: bigint, amount: unknown, time: bigint, tx: bigint];

const TEMP_TABLES = `
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_touched (id INTEGER PRIMARY KEY);
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_untimed (id INTEGER PRIMARY KEY);
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_pair (h INTEGER NOT NULL, d INTEGER NOT NULL, PRIMARY KEY (h, d)) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_hub (h INTEGER PRIMARY KEY);`;
const CLEAR_TEMP = 'DELETE FROM cairn_dep_touched; DELETE FROM cairn_dep_untimed; DELETE FROM cairn_dep_pair; DELETE FROM cairn_dep_hub;';

/** Deposit-address clustering of one account chain, merges recorded as made by one dataset. */
class DepositClustering {
  readonly report: DepositReport = { candidates: 0, coinjoins: 0, merges: 0, held: 0, hubs: 0 };
  private readonly uf: UnionFind;
  private readonly native: Set<number>;
  private readonly ppm: bigint;
  private readonly s: Record<
    'sole' | 'history' | 'senders' | 'recipients' | 'hubsAfter' | 'pairsOf' | 'hasEvidence' | 'evidence' | 'hold' | 'txDataset',
    Statement
  >;
  private readonly candidates = new Map<number, Forwarding | null>();
  private readonly hubs = new Map<number, boolean>();
  private readonly services = new Map<number, boolean>();

  constructor(
    private readonly db: Db,
    private readonly chainId: number,
    /** The dataset whose import makes the merges; null in a rebuild: each transaction's own. */
    private readonly datasetId: number | null,
    private readonly settings: ClusteringSettings,
  ) {
    this.uf = new UnionFind(db);
    this.native = new Set(db.prepare("SELECT id FROM asset WHERE chain_id = ? AND contract = ''").pluck().all(chainId) as number[]);
    this.ppm = BigInt(Math.round(settings.deposit.tolerancePercent * 10_000));
    const counts = '(t.status IS NULL OR t.status <> 0) AND t.time IS NOT NULL';
    this.s = {
      // At most two recipients of value other than the address itself: exactly one makes a candidate.
      sole: db.prepare('SELECT DISTINCT to_id FROM edge WHERE from_id = ? AND to_id <> from_id AND total_f > 0 LIMIT 2').pluck(),
      // The address's history in chain order, receipts before sends within one transaction.
      history: db
        .prepare(
          `SELECT 0 AS out, t.from_id AS other, t.asset_id AS asset, t.amount AS amount, t.time AS time, t.tx_id AS tx, x.block_number AS block, x.tx_index AS idx, t.kind AS kind, t.pos AS pos
           FROM transfer t JOIN tx x ON x.id = t.tx_id WHERE t.to_id = @a AND t.from_id IS NOT @a AND ${counts}
           UNION ALL
           SELECT 1, t.to_id, t.asset_id, t.amount, t.time, t.tx_id, x.block_number, x.tx_index, t.kind, t.pos
           FROM transfer t JOIN tx x ON x.id = t.tx_id WHERE t.from_id = @a AND t.to_id IS NOT @a AND ${counts}
           ORDER BY time, block, idx, tx, out, kind, pos`,
        )
        .raw()
        .safeIntegers(true),
      // The addresses that send value to h and to no one else, often enough: its possible deposit addresses.
      senders: db
        .prepare(
          `SELECT DISTINCT e.from_id FROM edge e WHERE e.to_id = @h AND e.from_id > @after AND e.from_id <> @h AND e.total_f > 0
             AND NOT EXISTS (SELECT 1 FROM edge o WHERE o.from_id = e.from_id AND o.to_id <> @h AND o.to_id <> o.from_id AND o.total_f > 0)
             AND (SELECT sum(c.cnt) FROM edge c WHERE c.from_id = e.from_id AND c.to_id = @h) >= ${settings.deposit.minForwards}
           ORDER BY e.from_id LIMIT @limit`,
        )
        .pluck(),
      // The addresses f sends value to that send value to exactly one address: the deposit addresses it may have paid.
      recipients: db
        .prepare(
          `SELECT DISTINCT e.to_id FROM edge e WHERE e.from_id = @f AND e.to_id > @after AND e.to_id <> @f AND e.total_f > 0
             AND (SELECT count(*) FROM (SELECT DISTINCT o.to_id FROM edge o WHERE o.from_id = e.to_id AND o.to_id <> o.from_id AND o.total_f > 0 LIMIT 2)) = 1
           ORDER BY e.to_id LIMIT @limit`,
        )
        .pluck(),
      hubsAfter: db.prepare('SELECT h FROM cairn_dep_hub WHERE h > ? ORDER BY h LIMIT ?').pluck(),
      pairsOf: db.prepare('SELECT d FROM cairn_dep_pair WHERE h = @h AND d > @after ORDER BY d LIMIT @limit').pluck(),
      hasEvidence: db.prepare('SELECT 1 FROM cluster_evidence WHERE b = ? AND heuristic = ? LIMIT 1').pluck(),
      evidence: db.prepare('INSERT INTO cluster_evidence (a, b, tx_id, heuristic, dataset_id) VALUES (?, ?, ?, ?, ?)'),
      hold: db.prepare('INSERT OR IGNORE INTO cluster_held (a, b, a_size, b_size, tx_id, heuristic, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      txDataset: db.prepare('SELECT dataset_id FROM tx WHERE id = ?').pluck(),
    };
  }

  /**
   * Every address of the chain: the candidates are the senders with one recipient and enough
   * transfers to it, and the hubs are among the recipients of at least minDepositsPerHub of them.
   */
  all(): void {
    const { minForwards, minDepositsPerHub } = this.settings.deposit;
    this.db
      .prepare(
        `INSERT INTO cairn_dep_pair (h, d)
         SELECT min(e.to_id), e.from_id FROM address a JOIN edge e ON e.from_id = a.id
         WHERE a.chain_id = ? AND e.to_id <> e.from_id AND e.total_f > 0
         GROUP BY e.from_id HAVING count(DISTINCT e.to_id) = 1 AND sum(e.cnt) >= ?`,
      )
      .run(this.chainId, minForwards);
    this.db.prepare('INSERT INTO cairn_dep_hub (h) SELECT h FROM cairn_dep_pair GROUP BY h HAVING count(*) >= ?').run(minDepositsPerHub);
    this.eachHub(() => false);
  }

  /**
   * The addresses in cairn_dep_touched: those among them that may be deposit addresses, the hubs
   * they send to, and those that may have become hubs (enough senders with no other recipient).
   */
  touched(): void {
    const { minForwards, minDepositsPerHub } = this.settings.deposit;
    this.db
      .prepare(
        `INSERT INTO cairn_dep_pair (h, d)
         SELECT min(e.to_id), e.from_id FROM cairn_dep_touched t JOIN edge e ON e.from_id = t.id
         WHERE e.to_id <> e.from_id AND e.total_f > 0
         GROUP BY e.from_id HAVING count(DISTINCT e.to_id) = 1 AND sum(e.cnt) >= ?`,
      )
      .run(minForwards);
    this.db.prepare('INSERT OR IGNORE INTO cairn_dep_hub (h) SELECT DISTINCT h FROM cairn_dep_pair').run();
    this.db
      .prepare(
        `INSERT OR IGNORE INTO cairn_dep_hub (h)
         SELECT t.id FROM cairn_dep_touched t WHERE EXISTS (
           SELECT DISTINCT e.from_id FROM edge e
           WHERE e.to_id = t.id AND e.from_id <> t.id AND e.total_f > 0
             AND NOT EXISTS (SELECT 1 FROM edge o WHERE o.from_id = e.from_id AND o.to_id <> t.id AND o.to_id <> o.from_id AND o.total_f > 0)
             AND (SELECT sum(c.cnt) FROM edge c WHERE c.from_id = e.from_id AND c.to_id = t.id) >= ?
           ORDER BY e.from_id LIMIT 1 OFFSET ?)`,
      )
      .run(minForwards, minDepositsPerHub - 1);
    // A hub with deposit evidence already had its earlier deposit addresses merged: only the touched ones are new.
    this.eachHub((h) => this.s.hasEvidence.get(h, DEPOSIT_ADDRESS) === undefined);
  }

  /** Each hub in cairn_dep_hub, in id order: its deposit addresses from cairn_dep_pair, or all its senders when `allSenders`. */
  private eachHub(allSenders: (h: number) => boolean): void {
    for (let page = this.s.hubsAfter.all(-1, PAGE) as number[]; page.length > 0; page = this.s.hubsAfter.all(page[page.length - 1], PAGE) as number[]) {
      for (const h of page) {
        if (!this.isHub(h)) continue;
        this.report.hubs++;
        const list = allSenders(h) ? this.s.senders : this.s.pairsOf;
        for (let ds = list.all({ h, after: -1, limit: PAGE }) as number[]; ds.length > 0; ds = list.all({ h, after: ds[ds.length - 1], limit: PAGE }) as number[]) {
          for (const d of ds) this.mergeDeposit(d, h);
        }
      }
    }
  }

  /** When d is a deposit candidate of hub h: joins it to h, and the customers who funded it to each other. */
  private mergeDeposit(d: number, h: number): void {
    const known = this.candidates.get(d);
    if (known === null || (known && known.hub !== h)) return;
    const to = known ? [h] : (this.s.sole.all(d) as number[]);
    if (to.length !== 1 || to[0] !== h) return;
    // One reading gives the verdict and the funders.
    const funders = new Map<number, Funder>();
    const forwarding = this.scan(d, h, funders);
    this.remember(this.candidates, d, forwarding);
    if (!forwarding) return;
    this.report.candidates++;
    this.union(d, h, forwarding.firstForwardTx, DEPOSIT_ADDRESS);
    let customer: number | null = null;
    for (const [f, { tx, count }] of funders) {
      if (count < this.settings.deposit.minFundingsPerCustomer || f < 0 || f === h || f === d) continue;
      if (this.isHub(f) || this.isDeposit(f) || this.isService(f)) continue;
      if (customer === null) customer = f;
      else this.union(customer, f, tx, DEPOSIT_CUSTOMER);
    }
  }

  private union(a: number, b: number, txId: number, heuristic: string): void {
    const x = this.uf.find(a);
    const y = this.uf.find(b);
    if (x.root === y.root) return;
    const dataset = this.datasetId ?? (this.s.txDataset.get(txId) as number);
    if (x.size >= this.settings.collapseGuard && y.size >= this.settings.collapseGuard) {
      this.report.held += this.s.hold.run(a, b, x.size, y.size, txId, heuristic, dataset).changes;
      return;
    }
    this.uf.join(x, y);
    this.s.evidence.run(a, b, txId, heuristic, dataset);
    this.report.merges++;
  }

  /** The address's forwarding verdict: a deposit candidate of one hub, or null. */
  private candidate(x: number): Forwarding | null {
    const known = this.candidates.get(x);
    if (known !== undefined) return known;
    const to = this.s.sole.all(x) as number[];
    const verdict = to.length === 1 ? this.scan(x, to[0]!, null) : null;
    this.remember(this.candidates, x, verdict);
    return verdict;
  }

  /** A hub: enough candidates forward to it, and it forwards nothing on itself. */
  private isHub(h: number): boolean {
    const known = this.hubs.get(h);
    if (known !== undefined) return known;
    let verdict = false;
    if (this.candidate(h) === null) {
      let found = 0;
      const next = (after: number): number[] => this.s.senders.all({ h, after, limit: PAGE }) as number[];
      walk: for (let page = next(-1); page.length > 0; page = next(page[page.length - 1]!)) {
        for (const s of page) {
          if (this.candidate(s)?.hub === h && ++found >= this.settings.deposit.minDepositsPerHub) {
            verdict = true;
            break walk;
          }
        }
      }
    }
    this.remember(this.hubs, h, verdict);
    return verdict;
  }

  private isDeposit(x: number): boolean {
    const c = this.candidate(x);
    return c !== null && this.isHub(c.hub);
  }

  /** A funder that paid value into more deposit addresses than one customer plausibly holds. */
  private isService(f: number): boolean {
    const known = this.services.get(f);
    if (known !== undefined) return known;
    let verdict = false;
    let found = 0;
    const next = (after: number): number[] => this.s.recipients.all({ f, after, limit: PAGE }) as number[];
    walk: for (let page = next(-1); page.length > 0; page = next(page[page.length - 1]!)) {
      for (const r of page) {
        if (this.isDeposit(r) && ++found > this.settings.deposit.maxDepositsPerFunder) {
          verdict = true;
          break walk;
        }
      }
    }
    this.remember(this.services, f, verdict);
    return verdict;
  }

  private remember<V>(memo: Map<number, V>, key: number, value: V): void {
    if (this.candidates.size + this.hubs.size + this.services.size >= MEMO_LIMIT) {
      this.candidates.clear();
      this.hubs.clear();
      this.services.clear();
    }
    memo.set(key, value);
  }

  /**
   * Reads the address's history in chain order and counts its forwards to `hub`; null when it
   * sends value anywhere else or forwards fewer than minForwards times. A transfer out is a
   * forward when it passes on, within maxDelaySeconds, either everything received of that asset
   * and not forwarded yet (a sweep of the balance) or one of those receipts (a sweep per deposit,
   * the oldest that fits); what it forwards is no longer waiting. Given `funders`, records the
   * sender of each receipt forwarded: the first transaction it funded the address by, and how
   * many of its receipts were forwarded.
   */
  private scan(x: number, hub: number, funders: Map<number, Funder> | null): Forwarding | null {
    const { maxDelaySeconds, minForwards } = this.settings.deposit;
    const waiting = new Map<number, Receipt[]>();
    let forwards = 0;
    let firstForwardTx = -1;
    let lastForwardTime = -1;
    for (const row of this.s.history.iterate({ a: x }) as IterableIterator<HistoryRow>) {
      const amount = fromDbAmount(row[3]);
      if (amount === 0n) continue;
      const other = row[1] === null ? -1 : Number(row[1]);
      const asset = Number(row[2]);
      const time = Number(row[4]);
      const tx = Number(row[5]);
      if (row[0] === 0n) {
        const list = waiting.get(asset);
        if (!list) waiting.set(asset, [{ amount, time, from: other, tx }]);
        else if (list.push({ amount, time, from: other, tx }) > MAX_WAITING) list.shift();
        continue;
      }
      // Leaving the loop early closes the statement.
      if (other !== hub) return null;
      const list = waiting.get(asset);
      if (!list) continue;
      // Receipts older than the delay allows can no longer be forwarded.
      let stale = 0;
      while (stale < list.length && time - list[stale]!.time > maxDelaySeconds) stale++;
      if (stale > 0) list.splice(0, stale);
      let forwarded: Receipt[] = [];
      if (list.length > 0 && this.forwardOf(asset, amount, list.reduce((sum, r) => sum + r.amount, 0n))) forwarded = list.splice(0);
      else {
        const one = list.findIndex((r) => this.forwardOf(asset, amount, r.amount));
        if (one >= 0) forwarded = list.splice(one, 1);
      }
      if (forwarded.length === 0) continue;
      // Forwards at one time (one block) are one occasion: a wallet emptied once, of each asset, is not a deposit address.
      if (time !== lastForwardTime) forwards++;
      lastForwardTime = time;
      if (firstForwardTx < 0) firstForwardTx = tx;
      if (funders) {
        for (const r of forwarded) {
          const f = funders.get(r.from);
          if (f) f.count++;
          else funders.set(r.from, { tx: r.tx, count: 1 });
        }
      }
    }
    return forwards >= minForwards ? { hub, forwards, firstForwardTx } : null;
  }

  /** A token forward is exact; a native one may fall short of what was received by tolerancePercent (the sweep's fee). */
  private forwardOf(asset: number, sent: bigint, received: bigint): boolean {
    if (sent > received) return false;
    if (!this.native.has(asset)) return sent === received;
    return sent * PPM >= received * (PPM - this.ppm);
  }
}

/** Creates the run's temp tables if needed and empties them. */
function freshTempTables(db: Db): void {
  db.exec(TEMP_TABLES);
  db.exec(CLEAR_TEMP);
}

/**
 * A full deposit-address clustering of an account chain (rebuild.ts calls it after clearing the
 * chain's clusters). With datasetId null each merge is recorded as made by its evidence
 * transaction's own dataset.
 */
export function clusterAccountChain(db: Db, chainId: number, datasetId: number | null, settings: ClusteringSettings): DepositReport {
  if (!settings.deposit.enabled) return { candidates: 0, coinjoins: 0, merges: 0, held: 0, hubs: 0 };
  freshTempTables(db);
  try {
    const run = new DepositClustering(db, chainId, datasetId, settings);
    run.all();
    return run.report;
  } finally {
    db.exec(CLEAR_TEMP);
  }
}

/**
 * Deposit-address clustering of what one account-chain import brought, inside its transaction.
 * Made before the import's transfers are given times from their blocks (fillTimesFromBlocks),
 * so that it can note the older transfers that gain a time then: they may complete forwards.
 */
export class DepositImport {
  private readonly settings: ClusteringSettings;

  constructor(
    private readonly db: Db,
    private readonly chainId: number,
    private readonly datasetId: number,
    private readonly firstNewTransferId: number,
  ) {
    this.settings = readClusteringSettings(db);
    if (!this.settings.deposit.enabled) return;
    freshTempTables(db);
    db.prepare('INSERT INTO cairn_dep_untimed (id) SELECT id FROM transfer WHERE time IS NULL AND chain_id = ? AND id < ?').run(chainId, firstNewTransferId);
  }

  /**
   * Clusters the addresses the import touched: senders and recipients of its transfers, of older
   * transfers that gained a time, and of the edges it recomputed (`staleEdges`: transfers found
   * to have failed, or to have another recipient or asset). The first import of a chain is
   * clustered whole, which is the same and faster.
   */
  cluster(staleEdges: Iterable<readonly [number, number, number]>): DepositReport {
    if (!this.settings.deposit.enabled) return { candidates: 0, coinjoins: 0, merges: 0, held: 0, hubs: 0 };
    const { db, chainId } = this;
    try {
      const run = new DepositClustering(db, chainId, this.datasetId, this.settings);
      const earlier = db.prepare('SELECT 1 FROM dataset WHERE chain_id = ? AND id <> ? LIMIT 1').get(chainId, this.datasetId) !== undefined;
      if (!earlier) {
        run.all();
        return run.report;
      }
      const touch = db.prepare('INSERT OR IGNORE INTO cairn_dep_touched (id) VALUES (?)');
      for (const [from, to] of staleEdges) {
        touch.run(from);
        touch.run(to);
      }
      for (const side of ['from_id', 'to_id']) {
        db.prepare(`INSERT OR IGNORE INTO cairn_dep_touched (id) SELECT ${side} FROM transfer WHERE id >= ? AND chain_id = ? AND ${side} IS NOT NULL`).run(this.firstNewTransferId, chainId);
        db.prepare(`INSERT OR IGNORE INTO cairn_dep_touched (id) SELECT t.${side} FROM cairn_dep_untimed u JOIN transfer t ON t.id = u.id WHERE t.time IS NOT NULL AND t.${side} IS NOT NULL`).run();
      }
      run.touched();
      return run.report;
    } finally {
      db.exec(CLEAR_TEMP);
    }
  }
}
