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
 * Every role is decided on the address's whole history in the store, read through the transfer
 * indexes a page of addresses at a time (one ordered read for the page, not one query per
 * address), and the facts the candidate prefilters need (one recipient, enough transfers to it)
 * are computed once per run in SQL over the edge table; nothing chain-sized is held in memory
 * (temp tables hold the address sets and a full run's verdicts). A full run (rebuild, or a chain's
 * first import) looks at every address that sends to exactly one other, deciding set by set; an import
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

/** One row of a batch's histories: the address read, then as HistoryRow. */
type BatchRow = [address: bigint, out: bigint, other: bigint | null, asset: bigint, amount: unknown, time: bigint, tx: bigint];

/** An address of a batch read: its one recipient, its verdict as a candidate of it, and the funders of what it forwarded. */
interface BatchRead {
  readonly hub: number;
  verdict: Forwarding | null;
  readonly funders: Map<number, Funder>;
}

const TEMP_TABLES = `
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_touched (id INTEGER PRIMARY KEY);
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_untimed (id INTEGER PRIMARY KEY);
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_pair (h INTEGER NOT NULL, d INTEGER NOT NULL, PRIMARY KEY (h, d)) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_hub (h INTEGER PRIMARY KEY);
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_sole (id INTEGER PRIMARY KEY, hub INTEGER NOT NULL, cnt_value INTEGER NOT NULL, cnt_all INTEGER);
  CREATE INDEX IF NOT EXISTS temp.cairn_dep_sole_hub ON cairn_dep_sole (hub, id, cnt_all);
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_batch (id INTEGER PRIMARY KEY, hub INTEGER NOT NULL);
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_cand (id INTEGER PRIMARY KEY, hub INTEGER NOT NULL, first_tx INTEGER NOT NULL);
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_funder (d INTEGER NOT NULL, seq INTEGER NOT NULL, f INTEGER NOT NULL, tx INTEGER NOT NULL, PRIMARY KEY (d, seq)) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_real_hub (h INTEGER PRIMARY KEY);
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_deposit (id INTEGER PRIMARY KEY);
  CREATE TEMP TABLE IF NOT EXISTS cairn_dep_no_customer (f INTEGER PRIMARY KEY);`;
const CLEAR_TEMP = `DELETE FROM cairn_dep_touched; DELETE FROM cairn_dep_untimed; DELETE FROM cairn_dep_pair; DELETE FROM cairn_dep_hub;
  DELETE FROM cairn_dep_sole; DELETE FROM cairn_dep_batch; DELETE FROM cairn_dep_cand; DELETE FROM cairn_dep_funder;
  DELETE FROM cairn_dep_real_hub; DELETE FROM cairn_dep_deposit; DELETE FROM cairn_dep_no_customer;`;

/**
 * Deposit-address clustering of one account chain, merges recorded as made by one dataset.
 *
 * The temp tables it works from: cairn_dep_sole, the chain's addresses that send value to exactly
 * one other (their hub here, a candidate's one possible hub), with how many transfers of value
 * (cnt_value, what makes a pair) and of any kind (cnt_all, what makes a sender) they made to it;
 * built once per run, it answers "one recipient?", "its senders?" and "its recipients that send to
 * one?" by lookups instead of reading each address's edges again. cairn_dep_batch holds the
 * addresses whose histories are read together (readBatch). all() keeps its verdicts in
 * cairn_dep_cand and cairn_dep_funder and decides hubs, deposit addresses and services in SQL
 * over them (cairn_dep_real_hub, cairn_dep_deposit, cairn_dep_no_customer); touched() decides
 * them address by address, remembered in memos.
 */
class DepositClustering {
  readonly report: DepositReport = { candidates: 0, coinjoins: 0, merges: 0, held: 0, hubs: 0 };
  private readonly uf: UnionFind;
  private readonly rules: ForwardRules;
  private readonly s: Record<
    | 'sole'
    | 'enoughSenders'
    | 'history'
    | 'batch'
    | 'batchAdd'
    | 'histories'
    | 'senders'
    | 'recipients'
    | 'hubsAfter'
    | 'pairsOf'
    | 'hasEvidence'
    | 'evidence'
    | 'hold'
    | 'txDataset',
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
    const { minForwards, minDepositsPerHub } = settings.deposit;
    this.rules = {
      native: new Set(db.prepare("SELECT id FROM asset WHERE chain_id = ? AND contract = ''").pluck().all(chainId) as number[]),
      ppm: BigInt(Math.round(settings.deposit.tolerancePercent * 10_000)),
      maxDelaySeconds: settings.deposit.maxDelaySeconds,
      minForwards,
    };
    const counts = '(t.status IS NULL OR t.status <> 0) AND t.time IS NOT NULL';
    this.s = {
      // The one recipient of value other than the address itself; none when it has none or several.
      sole: db.prepare('SELECT hub FROM cairn_dep_sole WHERE id = ?').pluck(),
      // Whether h has as many senders() as a hub needs, before any history is read.
      enoughSenders: db.prepare(`SELECT count(*) >= ${minDepositsPerHub} FROM (SELECT 1 FROM cairn_dep_sole WHERE hub = ? AND cnt_all >= ${minForwards} LIMIT ${minDepositsPerHub})`).pluck(),
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
      batch: db.prepare('SELECT id, hub FROM cairn_dep_batch').raw(),
      batchAdd: db.prepare('INSERT OR IGNORE INTO cairn_dep_batch (id, hub) SELECT id, hub FROM cairn_dep_sole WHERE id = ?'),
      // The histories of the batch's addresses, each as `history` reads it but ordered by
      // transaction id where `history` orders by block and position (see readBatch). Without the
      // tx table: looking up every row's transaction costs as much as the rest of the read.
      histories: db
        .prepare(
          `SELECT b.id, t.from_id IS b.id AS out, CASE WHEN t.from_id IS b.id THEN t.to_id ELSE t.from_id END, t.asset_id, t.amount, t.time, t.tx_id
           FROM cairn_dep_batch b CROSS JOIN transfer t ON (t.to_id = b.id AND t.from_id IS NOT b.id) OR (t.from_id = b.id AND t.to_id IS NOT b.id)
           WHERE ${counts}
           ORDER BY b.id, t.time, t.tx_id, out, t.kind, t.pos`,
        )
        .raw()
        .safeIntegers(true),
      // The addresses that send value to h and to no one else, often enough: its possible deposit addresses.
      senders: db.prepare(`SELECT id FROM cairn_dep_sole WHERE hub = @h AND id > @after AND cnt_all >= ${minForwards} ORDER BY id LIMIT @limit`).pluck(),
      // The addresses f sends value to that send value to exactly one address: the deposit addresses it may have paid.
      recipients: db
        .prepare(
          `SELECT DISTINCT e.to_id FROM edge e JOIN cairn_dep_sole s ON s.id = e.to_id
           WHERE e.from_id = @f AND e.to_id > @after AND e.to_id <> @f AND e.total_f > 0 ORDER BY e.to_id LIMIT @limit`,
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
   * cairn_dep_sole, from the chain's edges in one pass: an address sends value to exactly one
   * other when its least such recipient is its greatest. The chain's addresses, as an IN list,
   * are read in id order, so the edges come grouped without a sort.
   */
  private soleRecipients(): void {
    this.db
      .prepare(
        `INSERT INTO cairn_dep_sole (id, hub, cnt_value)
         SELECT e.from_id, min(e.to_id), sum(e.cnt) FROM edge e
         WHERE e.from_id IN (SELECT id FROM address WHERE chain_id = ?) AND e.to_id <> e.from_id AND e.total_f > 0
         GROUP BY e.from_id HAVING min(e.to_id) = max(e.to_id)`,
      )
      .run(this.chainId);
    this.db.exec('UPDATE cairn_dep_sole SET cnt_all = (SELECT sum(c.cnt) FROM edge c WHERE c.from_id = cairn_dep_sole.id AND c.to_id = cairn_dep_sole.hub)');
  }

  /**
   * Every address of the chain: the candidates are the senders with one recipient and enough
   * transfers to it, and the hubs are among the recipients of at least minDepositsPerHub of them.
   *
   * Here every verdict is needed, so they are made set by set instead of one address at a time
   * as touched() does: each candidate's verdict and forwarded funders from its history, read a
   * page of addresses at a time (cairn_dep_cand, cairn_dep_funder); then in SQL over those, the
   * hubs (isHub), the deposit addresses (isDeposit), and the funders that are no customer (a hub,
   * a deposit address or a service: isService). The rules and the facts are those of the
   * per-address methods, and the hubs, deposit addresses and funders are merged in the same
   * order, so the merges are the same, row for row.
   */
  all(): void {
    const { minForwards, minDepositsPerHub, maxDepositsPerFunder, minFundingsPerCustomer } = this.settings.deposit;
    const { db } = this;
    this.soleRecipients();
    db.prepare('INSERT INTO cairn_dep_pair (h, d) SELECT hub, id FROM cairn_dep_sole WHERE cnt_value >= ?').run(minForwards);
    db.prepare('INSERT INTO cairn_dep_hub (h) SELECT h FROM cairn_dep_pair GROUP BY h HAVING count(*) >= ?').run(minDepositsPerHub);

    const fill = db.prepare('INSERT INTO cairn_dep_batch (id, hub) SELECT id, hub FROM cairn_dep_sole WHERE id > ? ORDER BY id LIMIT ?');
    const lastOfBatch = db.prepare('SELECT max(id) FROM cairn_dep_batch').pluck();
    const addCandidate = db.prepare('INSERT INTO cairn_dep_cand (id, hub, first_tx) VALUES (?, ?, ?)');
    const addFunder = db.prepare('INSERT INTO cairn_dep_funder (d, seq, f, tx) VALUES (?, ?, ?, ?)');
    for (let after = -1; ; after = lastOfBatch.get() as number) {
      db.exec('DELETE FROM cairn_dep_batch');
      if (fill.run(after, PAGE).changes === 0) break;
      for (const [d, { hub, verdict, funders }] of this.readBatch()) {
        if (!verdict) continue;
        addCandidate.run(d, hub, verdict.firstForwardTx);
        // Only the funders mergeDeposit may make customers: enough forwarded payments, known, neither the hub nor d.
        let seq = 0;
        for (const [f, { tx, count }] of funders) {
          if (count >= minFundingsPerCustomer && f >= 0 && f !== hub && f !== d) addFunder.run(d, seq++, f, tx);
        }
      }
    }
    // isHub: at least minDepositsPerHub of its senders() are candidates, and h is none.
    db.prepare(
      `INSERT INTO cairn_dep_real_hub (h)
       SELECT s.hub FROM cairn_dep_sole s JOIN cairn_dep_cand c ON c.id = s.id
       WHERE s.cnt_all >= ? AND s.hub NOT IN (SELECT id FROM cairn_dep_cand)
       GROUP BY s.hub HAVING count(*) >= ?`,
    ).run(minForwards, minDepositsPerHub);
    db.exec('INSERT INTO cairn_dep_deposit (id) SELECT c.id FROM cairn_dep_cand c JOIN cairn_dep_real_hub r ON r.h = c.hub');
    db.prepare(
      `INSERT INTO cairn_dep_no_customer (f)
       SELECT u.f FROM (SELECT DISTINCT f FROM cairn_dep_funder) u
       WHERE u.f IN (SELECT h FROM cairn_dep_real_hub) OR u.f IN (SELECT id FROM cairn_dep_deposit)
         OR (SELECT count(*) FROM (
               SELECT DISTINCT e.to_id FROM edge e JOIN cairn_dep_deposit d ON d.id = e.to_id
               WHERE e.from_id = u.f AND e.to_id <> u.f AND e.total_f > 0 LIMIT ?)) > ?`,
    ).run(maxDepositsPerFunder + 1, maxDepositsPerFunder);

    // As eachHub and mergeDeposit, on the verdicts made.
    const realHub = db.prepare('SELECT 1 FROM cairn_dep_real_hub WHERE h = ?').pluck();
    const deposits = db
      .prepare('SELECT p.d, c.first_tx FROM cairn_dep_pair p JOIN cairn_dep_cand c ON c.id = p.d AND c.hub = p.h WHERE p.h = @h AND p.d > @after ORDER BY p.d LIMIT @limit')
      .raw();
    const customers = db.prepare('SELECT f, tx FROM cairn_dep_funder WHERE d = ? AND f NOT IN (SELECT f FROM cairn_dep_no_customer) ORDER BY seq').raw();
    for (let page = this.s.hubsAfter.all(-1, PAGE) as number[]; page.length > 0; page = this.s.hubsAfter.all(page[page.length - 1], PAGE) as number[]) {
      for (const h of page) {
        if (realHub.get(h) === undefined) continue;
        this.report.hubs++;
        const next = (after: number): [number, number][] => deposits.all({ h, after, limit: PAGE }) as [number, number][];
        for (let ds = next(-1); ds.length > 0; ds = next(ds[ds.length - 1]![0])) {
          for (const [d, firstForwardTx] of ds) {
            this.report.candidates++;
            this.union(d, h, firstForwardTx, DEPOSIT_ADDRESS);
            let customer: number | null = null;
            for (const [f, tx] of customers.all(d) as [number, number][]) {
              if (customer === null) customer = f;
              else this.union(customer, f, tx, DEPOSIT_CUSTOMER);
            }
          }
        }
      }
    }
  }

  /**
   * The addresses in cairn_dep_touched: those among them that may be deposit addresses, the hubs
   * they send to, and those that may have become hubs (enough senders with no other recipient).
   */
  touched(): void {
    const { minForwards, minDepositsPerHub } = this.settings.deposit;
    this.soleRecipients();
    this.db
      .prepare('INSERT INTO cairn_dep_pair (h, d) SELECT s.hub, s.id FROM cairn_dep_touched t JOIN cairn_dep_sole s ON s.id = t.id WHERE s.cnt_value >= ?')
      .run(minForwards);
    this.db.prepare('INSERT OR IGNORE INTO cairn_dep_hub (h) SELECT DISTINCT h FROM cairn_dep_pair').run();
    this.db
      .prepare(
        `INSERT OR IGNORE INTO cairn_dep_hub (h)
         SELECT t.id FROM cairn_dep_touched t
         WHERE (SELECT count(*) FROM (SELECT 1 FROM cairn_dep_sole s WHERE s.hub = t.id AND s.cnt_all >= ? LIMIT ?)) >= ?`,
      )
      .run(minForwards, minDepositsPerHub, minDepositsPerHub);
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
          // The page's histories in one read; an address already known to be no candidate is not read.
          this.db.exec('DELETE FROM cairn_dep_batch');
          for (const d of ds) if (this.candidates.get(d) !== null) this.s.batchAdd.run(d);
          const read = this.readBatch();
          for (const d of ds) this.mergeDeposit(d, h, read);
        }
      }
    }
  }

  /**
   * When d is a deposit candidate of hub h: joins it to h, and the customers who funded it to each
   * other. `read`: the batch d was read in, with its verdict and funders (absent: no one recipient).
   */
  private mergeDeposit(d: number, h: number, read: Map<number, BatchRead>): void {
    const known = this.candidates.get(d);
    if (known === null || (known && known.hub !== h)) return;
    const mine = read.get(d);
    if (mine === undefined || mine.hub !== h) return;
    const forwarding = mine.verdict;
    this.remember(this.candidates, d, forwarding);
    if (!forwarding) return;
    this.report.candidates++;
    this.union(d, h, forwarding.firstForwardTx, DEPOSIT_ADDRESS);
    let customer: number | null = null;
    for (const [f, { tx, count }] of mine.funders) {
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
    const hub = this.s.sole.get(x) as number | undefined;
    const verdict = hub === undefined ? null : this.scan(x, hub, null);
    this.remember(this.candidates, x, verdict);
    return verdict;
  }

  /** A hub: enough candidates forward to it, and it forwards nothing on itself. */
  private isHub(h: number): boolean {
    const known = this.hubs.get(h);
    if (known !== undefined) return known;
    let verdict = false;
    // Too few senders() to make a hub, whatever their histories: nothing to read.
    if (this.s.enoughSenders.get(h) === 1 && this.candidate(h) === null) {
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

  /** A candidate of a hub. Its one recipient is asked first: when that is no hub, its history need not be read. */
  private isDeposit(x: number): boolean {
    const known = this.candidates.get(x);
    if (known === null) return false;
    const hub = known ? known.hub : (this.s.sole.get(x) as number | undefined);
    return hub !== undefined && this.isHub(hub) && this.candidate(x) !== null;
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
    const count = new ForwardCount(this.rules, hub, funders);
    for (const row of this.s.history.iterate({ a: x }) as IterableIterator<HistoryRow>) {
      const other = row[1] === null ? -1 : Number(row[1]);
      // Leaving the loop early closes the statement.
      if (!count.add(row[0] !== 0n, other, Number(row[2]), fromDbAmount(row[3]), Number(row[4]), Number(row[5]))) return null;
    }
    return count.verdict();
  }

  /**
   * The verdicts of the addresses in cairn_dep_batch, each as a candidate of its one recipient,
   * with the funders of what it forwarded: what scan() makes of each, from one ordered read of
   * all their histories instead of one query each. That read orders a history by time and then
   * transaction id, where scan() orders by time, block and position in the block: the two agree
   * except where two transactions share a time, so an address with two transactions at one time
   * is read again by scan() itself. No statement may run while the read is open: the re-reads come
   * after it.
   */
  private readBatch(): Map<number, BatchRead> {
    const reads = new Map<number, BatchRead>();
    for (const [id, hub] of this.s.batch.all() as [number, number][]) reads.set(id, { hub, verdict: null, funders: new Map() });
    const again: number[] = [];
    let x = -1;
    let read: BatchRead | undefined;
    let count: ForwardCount | null = null;
    let lastTime = Number.NaN;
    let lastTx = -1;
    for (const row of this.s.histories.iterate() as IterableIterator<BatchRow>) {
      const a = Number(row[0]);
      if (a !== x) {
        if (read && count) read.verdict = count.verdict();
        x = a;
        read = reads.get(a)!;
        count = new ForwardCount(this.rules, read.hub, read.funders);
        lastTime = Number.NaN;
        lastTx = -1;
      }
      if (count === null) continue;
      const time = Number(row[5]);
      const tx = Number(row[6]);
      if (time === lastTime && tx !== lastTx) {
        again.push(a);
        count = null;
        continue;
      }
      lastTime = time;
      lastTx = tx;
      if (!count.add(row[1] !== 0n, row[2] === null ? -1 : Number(row[2]), Number(row[3]), fromDbAmount(row[4]), time, tx)) count = null;
    }
    if (read && count) read.verdict = count.verdict();
    for (const a of again) {
      const r = reads.get(a)!;
      r.funders.clear();
      r.verdict = this.scan(a, r.hub, r.funders);
    }
    return reads;
  }
}

/** What counting forwards needs of the run: the chain's native assets, the tolerance in parts per million, the thresholds. */
interface ForwardRules {
  readonly native: ReadonlySet<number>;
  readonly ppm: bigint;
  readonly maxDelaySeconds: number;
  readonly minForwards: number;
}

/**
 * One address's forwards to `hub`, counted over its history fed row by row in chain order (see
 * DepositClustering.scan): the per-address read of the incremental path and the whole-chain
 * pass of a full run share it, so both decide alike.
 */
class ForwardCount {
  private readonly waiting = new Map<number, Receipt[]>();
  private forwards = 0;
  private firstForwardTx = -1;
  private lastForwardTime = -1;

  constructor(
    private readonly rules: ForwardRules,
    private readonly hub: number,
    private readonly funders: Map<number, Funder> | null,
  ) {}

  /** Takes the next row (other: -1 when unknown); false when it sends value to another than the hub: no candidate, read no further. */
  add(out: boolean, other: number, asset: number, amount: bigint, time: number, tx: number): boolean {
    if (amount === 0n) return true;
    if (!out) {
      const list = this.waiting.get(asset);
      if (!list) this.waiting.set(asset, [{ amount, time, from: other, tx }]);
      else if (list.push({ amount, time, from: other, tx }) > MAX_WAITING) list.shift();
      return true;
    }
    if (other !== this.hub) return false;
    const list = this.waiting.get(asset);
    if (!list) return true;
    // Receipts older than the delay allows can no longer be forwarded.
    let stale = 0;
    while (stale < list.length && time - list[stale]!.time > this.rules.maxDelaySeconds) stale++;
    if (stale > 0) list.splice(0, stale);
    let forwarded: Receipt[] = [];
    if (list.length > 0 && this.forwardOf(asset, amount, list.reduce((sum, r) => sum + r.amount, 0n))) forwarded = list.splice(0);
    else {
      const one = list.findIndex((r) => this.forwardOf(asset, amount, r.amount));
      if (one >= 0) forwarded = list.splice(one, 1);
    }
    if (forwarded.length === 0) return true;
    // Forwards at one time (one block) are one occasion: a wallet emptied once, of each asset, is not a deposit address.
    if (time !== this.lastForwardTime) this.forwards++;
    this.lastForwardTime = time;
    if (this.firstForwardTx < 0) this.firstForwardTx = tx;
    if (this.funders) {
      for (const r of forwarded) {
        const f = this.funders.get(r.from);
        if (f) f.count++;
        else this.funders.set(r.from, { tx: r.tx, count: 1 });
      }
    }
    return true;
  }

  /** The verdict on the rows taken: a candidate of the hub, or null. */
  verdict(): Forwarding | null {
    return this.forwards >= this.rules.minForwards ? { hub: this.hub, forwards: this.forwards, firstForwardTx: this.firstForwardTx } : null;
  }

  /** A token forward is exact; a native one may fall short of what was received by tolerancePercent (the sweep's fee). */
  private forwardOf(asset: number, sent: bigint, received: bigint): boolean {
    if (sent > received) return false;
    if (!this.rules.native.has(asset)) return sent === received;
    return sent * PPM >= received * (PPM - this.rules.ppm);
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
