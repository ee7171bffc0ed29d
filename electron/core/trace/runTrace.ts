/**
 * Runs a trace over the store: the stolen value enters at the sources and is followed by the
 * chosen method (ledger.ts on account chains, utxo.ts per output on UTXO chains), across chains
 * through the case's confirmed links, until it rests, reaches a stop, or meets a limit.
 *
 * Account chains: an address's ledger needs its whole history, so the trace follows a growing
 * set of addresses: it loads every transfer of the addresses that hold taint, runs the ledgers
 * over them in chain order, adds the addresses that received taint, and repeats until no new
 * address receives any (at most one round per hop). Stops (services, hubs) are never loaded.
 *
 * Cross-chain: a confirmed link carries the traced share of its `from` transfer onto its `to`
 * transfer (to amount × traced ÷ from amount, rounded down), one hop further. Chains are run
 * again until what the links carry no longer changes.
 *
 * Per asset, for FIFO and haircut: sourced + linked in = stopped + at rest + fees + sunk +
 * unresolved, exactly. Gas is not in the store for account chains (the importers keep no gas
 * figures), so native value spent on gas stays counted where it was.
 */
import type { Asset } from '../../../shared/api/schemas';
import type { CrossChainLink, EndpointReason, TraceEndpoint, TraceResult, TraceSpec, TracedTransfer } from '../../../shared/api/traceSchemas';
import { canonicalAddress, canonicalTxHashFor, displayAddress } from '../../../shared/codec/address';
import { resolveChain, UnknownChainError } from '../../../shared/model/chains';
import { labelKeyOf, labelsOfMany } from '../intel/labelStore';
import { getAssets } from '../store/assets';
import { listDatasets } from '../store/datasets';
import type { Db } from '../store/openStore';
import { fromDbAmount } from '../store/sqlFunctions';
import { traceLedger, type LedgerTransfer } from './ledger';
import { traceUtxo, type UtxoTx } from './utxo';
import { splitProportionally } from '../ingest/bitcoin/utxoFold';
import { txHashKey } from '../store/txHash';

/** What a case adds to a trace: its judgements. */
export interface TraceContext {
  /** The case's cross-chain links; only confirmed ones carry a trace onwards. */
  readonly links?: readonly CrossChainLink[];
  /** The case's manual clusters by id ("c3"), for stop rules that name a cluster. */
  readonly clusters?: ReadonlyMap<string, readonly { chain: string; addr: string }[]>;
  /** The case's own tags: a tag whose category is a stop category stops the trace like a label. */
  readonly caseTags?: readonly { chain: string; addr: string; label: string; category: string | null }[];
  readonly onProgress?: (p: { phase: string; done: number; total: number }) => void;
  /** Asked between steps; true stops the trace with TraceError kind "cancelled". */
  readonly isCancelled?: () => boolean;
}

export class TraceError extends Error {
  constructor(
    readonly kind: 'invalid_argument' | 'not_found' | 'cancelled',
    message: string,
  ) {
    super(message);
    this.name = 'TraceError';
  }
}

/** Transfers of the traced value kept in the result, the largest share of their asset first. */
export const MAX_RESULT_TRANSFERS = 5000;
/** Rounds of chains and links: a link can only carry value onwards in time, so few are needed. */
const MAX_LINK_ROUNDS = 10;

interface ChainRow {
  id: number;
  caip2: string;
  utxo: boolean;
}

/** One transfer (account) or output (UTXO) that carried traced value. */
interface Carried {
  key: string;
  chain: ChainRow;
  txHash: string;
  ref: string;
  fromId: number | null;
  toId: number | null;
  assetId: number;
  amount: bigint;
  tainted: bigint;
  hops: number;
  time: number | null;
  /** Position in chain order, for walking a path backwards. */
  order: number;
  /** UTXO: the output whose taint it mostly carried. */
  via: string | null;
}

interface EndRow {
  chain: ChainRow;
  addressId: number | null;
  assetId: number;
  amount: bigint;
  hops: number;
  reason: EndpointReason;
  /** UTXO: the output (or, for a fee, the input) that brought it. */
  via: string | null;
}

interface StopInfo {
  rule: string;
}

interface Injection {
  link: CrossChainLink;
  /** Key of the carried item on the from side with the most value (for paths). */
  fromKey: string | null;
  tracedIn: bigint;
  toKey: string;
  toChain: ChainRow;
  amount: bigint;
  hops: number;
}

const asBig = (v: unknown): bigint => fromDbAmount(v);

function chainOf(caip: string): string {
  try {
    return resolveChain(caip).id;
  } catch (error) {
    if (error instanceof UnknownChainError) throw new TraceError('invalid_argument', error.message);
    throw error;
  }
}

/** The dust threshold in an asset's base units: the decimal amount, truncated to its decimals. */
export function dustInBaseUnits(text: string, decimals: number | null): bigint {
  const [whole, frac = ''] = text.split('.');
  const d = decimals ?? 0;
  return BigInt(whole! + frac.slice(0, d).padEnd(d, '0'));
}

export function runTrace(db: Db, spec: TraceSpec, ctx: TraceContext = {}): TraceResult {
  const cancelled = (): void => {
    if (ctx.isCancelled?.()) throw new TraceError('cancelled', 'the trace was cancelled');
  };
  const chains = new Map<string, ChainRow>();
  for (const r of db.prepare('SELECT id, caip2 FROM chain').all() as { id: number; caip2: string }[]) {
    let utxo = false;
    try {
      utxo = resolveChain(r.caip2).family === 'utxo';
    } catch {
      continue;
    }
    chains.set(r.caip2, { id: r.id, caip2: r.caip2, utxo });
  }
  const chainById = new Map([...chains.values()].map((c) => [c.id, c]));
  const chainRow = (caip: string): ChainRow => {
    const id = chainOf(caip);
    const c = chains.get(id);
    if (!c) throw new TraceError('not_found', `the store holds nothing on ${id}`);
    return c;
  };
  const followed = (c: ChainRow): boolean => spec.chains === null || spec.chains.some((x) => chainOf(x) === c.caip2);

  // ---------------------------------------------------------------- lookups
  const addrText = new Map<number, string>();
  const addrOf = db.prepare('SELECT addr FROM address WHERE id = ?').pluck();
  const textOf = (id: number): string => {
    let t = addrText.get(id);
    if (t === undefined) addrText.set(id, (t = addrOf.get(id) as string));
    return t;
  };
  const findAddr = db.prepare('SELECT id FROM address WHERE chain_id = ? AND addr = ?').pluck();
  const addressId = (c: ChainRow, address: string): number => {
    let addr: string;
    try {
      addr = canonicalAddress(c.caip2, address);
    } catch (error) {
      throw new TraceError('invalid_argument', (error as Error).message);
    }
    const id = findAddr.get(c.id, addr) as number | undefined;
    if (id === undefined) throw new TraceError('not_found', `the store has no transfers of ${address} on ${c.caip2}`);
    return id;
  };
  const findTx = db.prepare('SELECT id, time FROM tx WHERE chain_id = ? AND hash_bin = ? AND hash_form = ?');
  const txOf = (c: ChainRow, hash: string): { id: number; time: number | null } => {
    let h: string;
    try {
      h = canonicalTxHashFor(c.caip2, hash);
    } catch (error) {
      throw new TraceError('invalid_argument', (error as Error).message);
    }
    const row = findTx.get(c.id, ...txHashKey(h)) as { id: number; time: number | null } | undefined;
    if (!row) throw new TraceError('not_found', `the store has no transaction ${hash} on ${c.caip2}`);
    return row;
  };

  // ---------------------------------------------------------------- stop rules
  const stopCategories = new Set(spec.stopAt.categories.map((c) => c.toLowerCase()));
  const stopAddresses = new Set(spec.stopAt.addresses.map((a) => labelKeyOf(chainOf(a.chain), canonicalOrSelf(chainOf(a.chain), a.address))));
  const clusterOf = new Map<string, string>();
  for (const id of spec.stopAt.clusters) {
    const members = ctx.clusters?.get(id);
    if (!members) throw new TraceError('not_found', `the stop rules name cluster ${id}, which the case does not have`);
    for (const m of members) clusterOf.set(labelKeyOf(m.chain, m.addr), id);
  }
  const taggedStop = new Map<string, string>();
  for (const t of ctx.caseTags ?? []) if (t.category && stopCategories.has(t.category)) taggedStop.set(labelKeyOf(t.chain, t.addr), `tag ${t.category}`);
  const labelCats = db.prepare('SELECT category, abuse FROM label WHERE chain = ? AND addr = ?');
  const isHub = db.prepare('SELECT 1 FROM hub WHERE address_id = ? LIMIT 1').pluck();
  const stopCache = new Map<number, StopInfo | null>();
  const stopOf = (c: ChainRow, id: number): StopInfo | null => {
    if (stopCache.has(id)) return stopCache.get(id)!;
    const key = labelKeyOf(c.caip2, textOf(id));
    let rule: string | null = null;
    if (stopAddresses.has(key)) rule = 'address';
    else if (clusterOf.has(key)) rule = `cluster ${clusterOf.get(key)!}`;
    else if (taggedStop.has(key)) rule = taggedStop.get(key)!;
    else {
      for (const l of labelCats.all(c.caip2, textOf(id)) as { category: string | null; abuse: string | null }[]) {
        const hit = [l.abuse, l.category].find((x) => x !== null && stopCategories.has(x.toLowerCase()));
        if (hit) {
          rule = `category ${hit}`;
          break;
        }
      }
      if (rule === null && spec.stopAt.hubs && isHub.get(id)) rule = 'hub';
    }
    const info = rule === null ? null : { rule };
    stopCache.set(id, info);
    return info;
  };

  // ---------------------------------------------------------------- assets and dust
  const assets = new Map<number, Asset>();
  const assetOf = (id: number): Asset => {
    let a = assets.get(id);
    if (!a) {
      a = getAssets(db, [id]).get(id);
      if (!a) throw new Error(`internal: asset ${id} missing`);
      assets.set(id, a);
    }
    return a;
  };
  const dust = (assetId: number, tainted: bigint): boolean => spec.minAmount !== null && tainted < dustInBaseUnits(spec.minAmount, assetOf(assetId).decimals);
  const nativeAsset = new Map<number, number>();
  const nativeOf = (c: ChainRow): number => {
    let id = nativeAsset.get(c.id);
    if (id === undefined) {
      id = db.prepare("SELECT id FROM asset WHERE chain_id = ? AND contract = ''").pluck().get(c.id) as number;
      nativeAsset.set(c.id, id);
    }
    return id;
  };
  const afterWindow = (time: number | null): boolean => spec.until !== null && time !== null && time > spec.until;
  const inWindow = (time: number | null): boolean => time === null || ((spec.since === null || time >= spec.since) && (spec.until === null || time <= spec.until));

  // ---------------------------------------------------------------- account transfers
  interface TRow {
    id: number;
    fromId: number | null;
    toId: number | null;
    assetId: number;
    amount: bigint;
    time: number | null;
    failed: boolean;
    hash: string;
    ref: string;
    sort: (number | string)[];
  }
  const tCols = `t.id, t.from_id AS fromId, t.to_id AS toId, t.asset_id AS assetId, t.amount, t.time, t.status, t.kind, t.pos, x.hash, x.block_number AS block, x.tx_index AS txIndex`;
  const tFrom = db.prepare(`SELECT ${tCols} FROM transfer t JOIN tx x ON x.id = t.tx_id WHERE t.from_id = ?`).safeIntegers(true);
  const tTo = db.prepare(`SELECT ${tCols} FROM transfer t JOIN tx x ON x.id = t.tx_id WHERE t.to_id = ?`).safeIntegers(true);
  const tOfTx = db.prepare(`SELECT ${tCols} FROM transfer t JOIN tx x ON x.id = t.tx_id WHERE t.tx_id = ?`).safeIntegers(true);
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  const toTRow = (r: Record<string, unknown>): TRow => {
    const kind = Number(r.kind);
    const pos = String(r.pos);
    return {
      id: Number(r.id),
      fromId: num(r.fromId),
      toId: num(r.toId),
      assetId: Number(r.assetId),
      amount: asBig(r.amount),
      time: num(r.time),
      failed: r.status !== null && Number(r.status) === 0,
      hash: String(r.hash),
      ref: `${kind}:${pos}`,
      // Chain order: time, block, position in the block; in a tx its own value first, then the rest by position.
      sort: [num(r.time) ?? 0, num(r.block) ?? 0, num(r.txIndex) ?? 0, kind === 0 ? 0 : 1, ...pos.split(/[^0-9]+/).filter(Boolean).map(Number)],
    };
  };
  const bySort = (a: TRow, b: TRow): number => {
    for (let i = 0; i < Math.max(a.sort.length, b.sort.length); i++) {
      const x = (a.sort[i] ?? -1) as number;
      const y = (b.sort[i] ?? -1) as number;
      if (x !== y) return x < y ? -1 : 1;
    }
    return a.id - b.id;
  };

  // ---------------------------------------------------------------- UTXO transactions
  const utxoTxCache = new Map<string, UtxoTx>();
  const qTx = db.prepare('SELECT id, hash, time, coinbase FROM tx WHERE id = ?');
  const qIns = db.prepare('SELECT n, value, address_id AS addressId, prev_tx_id AS prevTx, prev_n AS prevN FROM txin WHERE tx_id = ? ORDER BY n').safeIntegers(true);
  const qOuts = db.prepare('SELECT n, value, address_id AS addressId, spent_by AS spentBy FROM txout WHERE tx_id = ? ORDER BY n').safeIntegers(true);
  const qPlace = db.prepare(
    `SELECT b.height, bt.idx FROM btc_block_tx bt JOIN btc_block b ON b.chain_id = bt.chain_id AND b.hash = bt.block_hash
     WHERE bt.tx_id = ? ORDER BY b.height IS NULL, b.height LIMIT 1`,
  );
  const loadUtxo = (key: string): UtxoTx => {
    let tx = utxoTxCache.get(key);
    if (tx) return tx;
    const id = Number(key);
    const row = qTx.get(id) as { id: number; hash: string; time: number | null; coinbase: number };
    const place = qPlace.get(id) as { height: number | null; idx: number } | undefined;
    const ins = row.coinbase
      ? []
      : (qIns.all(id) as Record<string, unknown>[]).map((i) => ({
          value: i.value === null ? null : asBig(i.value),
          address: i.addressId === null ? null : String(i.addressId),
          prev: i.prevTx === null || Number(i.prevTx) === 0 ? null : `${Number(i.prevTx)}:${Number(i.prevN)}`,
        }));
    const outs = (qOuts.all(id) as Record<string, unknown>[]).map((o) => ({
      n: Number(o.n),
      value: asBig(o.value),
      address: o.addressId === null ? null : String(o.addressId),
      spentBy: o.spentBy === null ? null : String(Number(o.spentBy)),
    }));
    // Height when the tx is on the best chain; else its time stands in (loses only to blocks without a height).
    tx = { key, hash: row.hash, time: row.time, order: [place?.height ?? Number.MAX_SAFE_INTEGER, place?.idx ?? row.id], ins, outs };
    utxoTxCache.set(key, tx);
    return tx;
  };

  // ---------------------------------------------------------------- sources
  const accountSources = new Map<number, Map<string, bigint>>(); // chain id → transfer id → amount
  const utxoOutputs = new Map<number, Map<string, { amount: bigint; hops: number }>>();
  const utxoInputs = new Map<number, Map<string, Map<number, bigint>>>();
  const preloaded = new Map<number, Map<number, TRow>>(); // source transfers, by chain
  const at = <K, V>(m: Map<number, Map<K, V>>, c: number): Map<K, V> => {
    let x = m.get(c);
    if (!x) m.set(c, (x = new Map()));
    return x;
  };
  const qInsOf = db.prepare('SELECT i.tx_id AS txId, i.n, i.value, x.time FROM txin i JOIN tx x ON x.id = i.tx_id WHERE i.address_id = ?').safeIntegers(true);
  for (const s of spec.sources) {
    const c = chainRow(s.chain);
    if (!followed(c)) throw new TraceError('invalid_argument', `a source is on ${c.caip2}, which the trace does not follow (chains)`);
    if (s.kind === 'address') {
      const id = addressId(c, s.address);
      if (c.utxo) {
        for (const i of qInsOf.all(id) as Record<string, unknown>[]) {
          if (i.value === null || !inWindow(num(i.time))) continue;
          const m = at(utxoInputs, c.id);
          const key = String(Number(i.txId));
          if (!m.has(key)) m.set(key, new Map());
          m.get(key)!.set(Number(i.n), asBig(i.value));
        }
      } else {
        for (const r of (tFrom.all(id) as Record<string, unknown>[]).map(toTRow)) {
          if (r.failed || r.amount <= 0n || r.toId === r.fromId || !inWindow(r.time)) continue;
          at(accountSources, c.id).set(String(r.id), r.amount);
          at(preloaded, c.id).set(r.id, r);
        }
      }
      continue;
    }
    const tx = txOf(c, s.tx);
    if (c.utxo) {
      const outs = loadUtxo(String(tx.id)).outs.filter((o) => s.ref === undefined || String(o.n) === s.ref);
      if (outs.length === 0) throw new TraceError('not_found', `transaction ${s.tx} has no output ${s.ref}`);
      if (s.amount !== undefined && outs.length > 1) throw new TraceError('invalid_argument', `an amount needs one output: give the output index of ${s.tx}`);
      for (const o of outs) at(utxoOutputs, c.id).set(`${tx.id}:${o.n}`, { amount: s.amount !== undefined ? BigInt(s.amount) : o.value, hops: 1 });
    } else {
      const rows = (tOfTx.all(tx.id) as Record<string, unknown>[]).map(toTRow).filter((r) => !r.failed && r.amount > 0n && (s.ref === undefined || r.ref === s.ref));
      if (rows.length === 0) throw new TraceError('not_found', `transaction ${s.tx} moved no value${s.ref ? ` at ${s.ref}` : ''} (a failed transaction moves nothing)`);
      if (s.amount !== undefined && rows.length > 1) throw new TraceError('invalid_argument', `an amount needs one transfer: give the transfer of ${s.tx} as KIND:POS`);
      for (const r of rows) {
        at(accountSources, c.id).set(String(r.id), s.amount !== undefined ? BigInt(s.amount) : r.amount);
        at(preloaded, c.id).set(r.id, r);
      }
    }
  }

  // ---------------------------------------------------------------- links
  const confirmed = (ctx.links ?? []).filter((l) => l.status === 'confirmed');
  /** The carried-item keys a link end names: transfers (account) or outputs (UTXO). */
  const refKeys = (ref: { chain: string; tx: string; ref?: string }, largestOnly: boolean): { chain: ChainRow; keys: string[]; amount: bigint; rows: TRow[] } | null => {
    let c: ChainRow;
    let tx: { id: number };
    try {
      c = chainRow(ref.chain);
      tx = txOf(c, ref.tx);
    } catch (error) {
      if (error instanceof TraceError && error.kind === 'not_found') return null;
      throw error;
    }
    if (c.utxo) {
      let outs = loadUtxo(String(tx.id)).outs.filter((o) => ref.ref === undefined || String(o.n) === ref.ref);
      if (largestOnly && ref.ref === undefined) outs = outs.length ? [outs.reduce((a, b) => (b.value > a.value ? b : a))] : [];
      return { chain: c, keys: outs.map((o) => `${tx.id}:${o.n}`), amount: outs.reduce((s, o) => s + o.value, 0n), rows: [] };
    }
    let rows = (tOfTx.all(tx.id) as Record<string, unknown>[]).map(toTRow).filter((r) => !r.failed && r.amount > 0n && (ref.ref === undefined || r.ref === ref.ref));
    if (largestOnly && ref.ref === undefined) rows = rows.length ? [rows.reduce((a, b) => (b.amount > a.amount ? b : a))] : [];
    return { chain: c, keys: rows.map((r) => String(r.id)), amount: rows.reduce((s, r) => s + r.amount, 0n), rows };
  };
  const linkEnds = confirmed.flatMap((link) => {
    const from = refKeys(link.from, false);
    const to = refKeys(link.to, true);
    return from && to && to.keys.length > 0 && from.amount > 0n ? [{ link, from, to }] : [];
  });

  // ---------------------------------------------------------------- one chain
  interface ChainRun {
    carried: Carried[];
    ends: EndRow[];
    unknown: TraceResult['unknownInputs'];
    followed: number;
  }
  let orderCounter = 0;
  /**
   * What a chain's ledgers have read, kept across rounds and link rounds: the followed addresses'
   * transfers in chain order. Following more addresses never changes what the ledgers compute
   * (an address without taint passes none on), so the set only grows.
   */
  interface AccountState {
    loaded: Map<number, TRow & { lt: LedgerTransfer }>;
    ordered: (TRow & { lt: LedgerTransfer })[];
    pending: (TRow & { lt: LedgerTransfer })[];
    tracked: Set<number>;
  }
  const accountStates = new Map<number, AccountState>();
  const runAccount = (c: ChainRow, injected: Injection[]): ChainRun => {
    const sources = new Map(accountSources.get(c.id) ?? []);
    const sourceHops = new Map<string, number>();
    let st = accountStates.get(c.id);
    if (!st) accountStates.set(c.id, (st = { loaded: new Map(), ordered: [], pending: [], tracked: new Set() }));
    const state = st;
    const load = (r: TRow): void => {
      if (state.loaded.has(r.id)) return;
      const row = { ...r, lt: { id: String(r.id), from: r.fromId === null ? null : String(r.fromId), to: r.toId === null ? null : String(r.toId), asset: String(r.assetId), amount: r.amount, failed: r.failed } };
      state.loaded.set(r.id, row);
      state.pending.push(row);
    };
    for (const r of preloaded.get(c.id)?.values() ?? []) load(r);
    for (const inj of injected) {
      sources.set(inj.toKey, (sources.get(inj.toKey) ?? 0n) + inj.amount);
      sourceHops.set(inj.toKey, inj.hops);
      for (const r of linkEnds.find((l) => l.link.id === inj.link.id)!.to.rows) load(r);
    }
    const { tracked, loaded } = state;
    const track = (id: number): void => {
      if (tracked.has(id)) return;
      tracked.add(id);
      for (const q of [tFrom, tTo]) for (const r of q.all(id) as Record<string, unknown>[]) load(toTRow(r));
    };
    for (const r of loaded.values()) if (r.toId !== null && sources.has(String(r.id)) && !stopOf(c, r.toId)) track(r.toId);
    for (let round = 0; ; round++) {
      cancelled();
      ctx.onProgress?.({ phase: `following ${c.caip2}, round ${round + 1}`, done: tracked.size, total: 0 });
      if (state.pending.length > 0) {
        state.ordered = mergeSorted(state.ordered, state.pending.sort(bySort), bySort);
        state.pending = [];
      }
      const ordered = state.ordered;
      const result = traceLedger(
        spec.method,
        ordered.map((r) => r.lt),
        sources,
        {
          maxHops: spec.maxHops,
          stopAt: (a) => stopOf(c, Number(a)) !== null,
          tracked: (a) => tracked.has(Number(a)),
          sourceHops,
          endAt: (t, tainted) => {
            const r = loaded.get(Number(t.id))!;
            if (afterWindow(r.time)) return 'window';
            if (dust(r.assetId, tainted)) return 'dust';
            return null;
          },
        },
      );
      const fresh = result.holding.map((h) => Number(h.address)).filter((a) => !tracked.has(a));
      if (fresh.length > 0 && round < spec.maxHops + 2) {
        fresh.forEach(track);
        continue;
      }
      const position = new Map<string, number>();
      for (const t of result.transfers) position.set(t.id, 0);
      ordered.forEach((r, i) => {
        if (position.has(r.lt.id)) position.set(r.lt.id, i);
      });
      const byId = new Map(result.transfers.map((t) => [t.id, { r: loaded.get(Number(t.id))!, i: position.get(t.id)! }]));
      for (const u of result.unknownInputs) byId.set(u.transferId, { r: loaded.get(Number(u.transferId))!, i: 0 });
      const carried: Carried[] = result.transfers.map((t) => {
        const { r, i } = byId.get(t.id)!;
        return { key: `${c.id}|${t.id}`, chain: c, txHash: r.hash, ref: r.ref, fromId: r.fromId, toId: r.toId, assetId: r.assetId, amount: r.amount, tainted: t.tainted, hops: t.hops, time: r.time, order: orderCounter + i, via: null };
      });
      orderCounter += ordered.length;
      const ends: EndRow[] = [
        ...result.holding.map((h) => ({ chain: c, addressId: Number(h.address), assetId: Number(h.asset), amount: h.tainted, hops: h.hops, reason: 'rest' as const, via: null })),
        ...result.ended.map((e) => ({ chain: c, addressId: e.address === '' ? null : Number(e.address), assetId: Number(e.asset), amount: e.tainted, hops: e.hops, reason: e.reason as EndpointReason, via: null })),
      ];
      // One row per address and asset: the first transfer that uncovered value from before the
      // imported history, and how much it and the later ones were short in all.
      const unknownBy = new Map<string, { u: (typeof result.unknownInputs)[number]; amount: bigint; count: number }>();
      for (const u of result.unknownInputs) {
        const k = `${u.address}|${u.asset}`;
        const g = unknownBy.get(k);
        if (g) {
          g.amount += u.amount;
          g.count++;
        } else unknownBy.set(k, { u, amount: u.amount, count: 1 });
      }
      const unknown = [...unknownBy.values()].map(({ u, amount, count }) => ({
        chain: c.caip2,
        tx: byId.get(u.transferId)!.r.hash,
        address: textOf(Number(u.address)),
        asset: assetOf(Number(u.asset)),
        amount: amount.toString(),
        note: `sent more than the store shows it received${count > 1 ? `, in ${count} transfers from this one on` : ''}: value from before the imported history`,
      }));
      return { carried, ends, unknown, followed: tracked.size };
    }
  };

  const runUtxo = (c: ChainRow, injected: Injection[]): ChainRun => {
    const outputs = new Map(utxoOutputs.get(c.id) ?? []);
    for (const inj of injected) outputs.set(inj.toKey, { amount: (outputs.get(inj.toKey)?.amount ?? 0n) + inj.amount, hops: inj.hops });
    const native = nativeOf(c);
    const result = traceUtxo({
      method: spec.method,
      load: loadUtxo,
      outputs,
      inputs: utxoInputs.get(c.id) ?? new Map(),
      endAt: (o) => {
        const id = Number(o.address);
        if (o.hops > spec.maxHops) return 'limit';
        if (stopOf(c, id)) return 'stop';
        if (afterWindow(o.tx.time)) return 'window';
        if (dust(native, o.tainted)) return 'dust';
        return null;
      },
      isCancelled: ctx.isCancelled,
      onTx: (n) => {
        if (n % 1000 === 0) ctx.onProgress?.({ phase: `following ${c.caip2}`, done: n, total: 0 });
      },
    });
    cancelled();
    const carried: Carried[] = result.outputs.map((o) => {
      const firstIn = o.tx.ins.find((i) => i.address !== null);
      return {
        key: `${c.id}|${o.tx.key}:${o.n}`,
        chain: c,
        txHash: o.tx.hash,
        ref: String(o.n),
        fromId: firstIn ? Number(firstIn.address) : null,
        toId: o.address === null ? null : Number(o.address),
        assetId: native,
        amount: o.value,
        tainted: o.tainted,
        hops: o.hops,
        time: o.tx.time,
        order: orderCounter + o.tx.order[0] * 100_000 + o.tx.order[1],
        via: o.via === null ? null : `${c.id}|${o.via}`,
      };
    });
    const ends: EndRow[] = result.ended.map((e) => ({
      chain: c,
      addressId: e.address === null ? null : Number(e.address),
      assetId: native,
      amount: e.tainted,
      hops: e.hops,
      reason: e.reason as EndpointReason,
      via: e.n === null ? (e.via === null ? null : `${c.id}|${e.via}`) : `${c.id}|${e.tx.key}:${e.n}`,
    }));
    const unknown = result.unknownInputs.map((u) => ({
      chain: c.caip2,
      tx: u.tx.hash,
      address: u.address === null ? null : textOf(Number(u.address)),
      asset: assetOf(native),
      amount: u.amount.toString(),
      note: 'an input whose spent output is not in the store: counted at the least it can be (outputs minus known inputs)',
    }));
    return { carried, ends, unknown, followed: new Set(result.outputs.map((o) => o.address)).size };
  };

  // ---------------------------------------------------------------- chains and links, to a fixed point
  const sourceChains = new Set([...accountSources.keys(), ...utxoOutputs.keys(), ...utxoInputs.keys()]);
  let injections: Injection[] = [];
  let runs = new Map<number, ChainRun>();
  for (let round = 0; round < MAX_LINK_ROUNDS; round++) {
    runs = new Map();
    const active = new Set([...sourceChains, ...injections.filter((i) => followed(i.toChain)).map((i) => i.toChain.id)]);
    for (const c of chains.values()) {
      if (!active.has(c.id)) continue;
      const inj = injections.filter((i) => i.toChain.id === c.id && followed(c));
      runs.set(c.id, c.utxo ? runUtxo(c, inj) : runAccount(c, inj));
    }
    const carriedByKey = new Map([...runs.values()].flatMap((r) => r.carried.map((x) => [x.key, x] as const)));
    // Links into one transfer (several bridge locks released at once) share it: it carries
    // to amount × Σ traced in ÷ Σ value in, never more than it moved.
    const byTo = new Map<string, { to: (typeof linkEnds)[number]['to']; ends: { link: CrossChainLink; parts: Carried[]; fromAmount: bigint }[] }>();
    for (const { link, from, to } of linkEnds) {
      const parts = from.keys.map((k) => carriedByKey.get(`${from.chain.id}|${k}`)).filter((x): x is Carried => x !== undefined);
      const k = `${to.chain.id}|${to.keys[0]!}`;
      const g = byTo.get(k) ?? { to, ends: [] };
      g.ends.push({ link, parts, fromAmount: from.amount });
      byTo.set(k, g);
    }
    const next: Injection[] = [...byTo.values()].flatMap(({ to, ends }) => {
      const tracedIn = ends.reduce((s, e) => s + e.parts.reduce((x, p) => x + p.tainted, 0n), 0n);
      const fromAmount = ends.reduce((s, e) => s + e.fromAmount, 0n);
      if (tracedIn === 0n) return [];
      let amount = (to.amount * tracedIn) / fromAmount;
      if (amount > to.amount) amount = to.amount;
      if (amount === 0n) return [];
      const live = ends.filter((e) => e.parts.some((p) => p.tainted > 0n));
      const hops = Math.min(...live.flatMap((e) => e.parts.map((p) => p.hops))) + 1;
      // Each link's part of what the shared transfer carries, in proportion to what it brought.
      const shares = splitProportionally(amount, live.map((e) => e.parts.reduce((x, p) => x + p.tainted, 0n)));
      return live.map((e, i) => {
        const top = e.parts.reduce((a, b) => (b.tainted > a.tainted ? b : a));
        return { link: e.link, fromKey: top.key, tracedIn: e.parts.reduce((x, p) => x + p.tainted, 0n), toKey: to.keys[0]!, toChain: to.chain, amount: shares[i]!, hops };
      });
    });
    const same = next.length === injections.length && next.every((n, i) => n.link.id === injections[i]!.link.id && n.amount === injections[i]!.amount && n.hops === injections[i]!.hops);
    injections = next;
    if (same) break;
  }

  // ---------------------------------------------------------------- the result
  const carried = [...runs.values()].flatMap((r) => r.carried);
  const carriedByKey = new Map(carried.map((x) => [x.key, x]));
  const intoAddress = new Map<string, Carried[]>();
  for (const x of carried) {
    if (x.toId === null) continue;
    const k = `${x.chain.id}|${x.toId}`;
    const list = intoAddress.get(k);
    if (list) list.push(x);
    else intoAddress.set(k, [x]);
  }
  const injectedAt = new Map(injections.map((i) => [`${i.toChain.id}|${i.toKey}`, i]));
  const biggest = (xs: Carried[]): Carried | undefined => xs.reduce<Carried | undefined>((a, b) => (!a || b.tainted > a.tainted || (b.tainted === a.tainted && b.hops < a.hops) ? b : a), undefined);
  /** Tx hashes from a source to `last`, along the items that carried the most. */
  const pathTo = (last: Carried | undefined): string[] => {
    const hashes: string[] = [];
    const seen = new Set<string>();
    for (let cur = last; cur && !seen.has(cur.key) && hashes.length < 100; ) {
      seen.add(cur.key);
      if (hashes[hashes.length - 1] !== cur.txHash) hashes.push(cur.txHash);
      const inj = injectedAt.get(cur.key);
      if (inj) {
        cur = inj.fromKey ? carriedByKey.get(inj.fromKey) : undefined;
        continue;
      }
      if (cur.chain.utxo) {
        cur = cur.via ? carriedByKey.get(cur.via) : undefined;
        continue;
      }
      if (cur.hops <= 1 || cur.fromId === null) break;
      const here = cur;
      cur = biggest((intoAddress.get(`${here.chain.id}|${here.fromId}`) ?? []).filter((x) => x.order < here.order && x.hops < here.hops));
    }
    return hashes.reverse();
  };

  const endRows = [...runs.values()].flatMap((r) => r.ends);
  const linkedOutAt = new Map<string, bigint>();
  for (const i of injections) {
    const from = i.fromKey ? carriedByKey.get(i.fromKey) : undefined;
    if (from?.toId != null) linkedOutAt.set(`${from.chain.id}|${from.toId}|${from.assetId}`, (linkedOutAt.get(`${from.chain.id}|${from.toId}|${from.assetId}`) ?? 0n) + i.tracedIn);
  }
  // One endpoint per (chain, address, asset, reason).
  const grouped = new Map<string, EndRow & { vias: string[] }>();
  for (const e of endRows) {
    const k = `${e.chain.id}|${e.addressId}|${e.assetId}|${e.reason}`;
    const g = grouped.get(k);
    if (g) {
      g.amount += e.amount;
      g.hops = Math.min(g.hops, e.hops);
      if (e.via) g.vias.push(e.via);
    } else grouped.set(k, { ...e, vias: e.via ? [e.via] : [] });
  }
  const labelled = labelsOfMany(
    db,
    [...grouped.values()].flatMap((g) => (g.addressId === null ? [] : [{ chain: g.chain.caip2, addr: textOf(g.addressId) }])),
    1,
  );
  const tagOf = new Map((ctx.caseTags ?? []).map((t) => [labelKeyOf(t.chain, t.addr), t]));

  // Totals per asset.
  interface Tot { asset: number; sourced: bigint; linkedIn: bigint; stopped: bigint; atRest: bigint; fees: bigint; sunk: bigint; unresolved: bigint; linkedOut: bigint }
  const totals = new Map<number, Tot>();
  const tot = (asset: number): Tot => {
    let t = totals.get(asset);
    if (!t) totals.set(asset, (t = { asset, sourced: 0n, linkedIn: 0n, stopped: 0n, atRest: 0n, fees: 0n, sunk: 0n, unresolved: 0n, linkedOut: 0n }));
    return t;
  };
  const resolvedSources: TraceResult['sources'] = [];
  for (const [chainId, m] of accountSources) {
    const c = chainById.get(chainId)!;
    for (const [id, amount] of m) {
      const r = preloaded.get(chainId)!.get(Number(id))!;
      const a = amount < r.amount ? amount : r.amount;
      tot(r.assetId).sourced += a;
      resolvedSources.push({ chain: c.caip2, tx: r.hash, ref: r.ref, from: r.fromId === null ? null : textOf(r.fromId), asset: assetOf(r.assetId), amount: a.toString(), time: r.time });
    }
  }
  for (const [chainId, m] of utxoOutputs) {
    const c = chainById.get(chainId)!;
    for (const [key, s] of m) {
      const [txKey, n] = key.split(':') as [string, string];
      const tx = loadUtxo(txKey);
      const o = tx.outs.find((x) => String(x.n) === n)!;
      const a = s.amount < o.value ? s.amount : o.value;
      tot(nativeOf(c)).sourced += a;
      resolvedSources.push({ chain: c.caip2, tx: tx.hash, ref: n, from: null, asset: assetOf(nativeOf(c)), amount: a.toString(), time: tx.time });
    }
  }
  for (const [chainId, m] of utxoInputs) {
    const c = chainById.get(chainId)!;
    for (const [txKey, ins] of m) {
      const tx = loadUtxo(txKey);
      for (const [n, amount] of ins) {
        tot(nativeOf(c)).sourced += amount;
        const addr = tx.ins[n]?.address;
        resolvedSources.push({ chain: c.caip2, tx: tx.hash, ref: `in ${n}`, from: addr ? textOf(Number(addr)) : null, asset: assetOf(nativeOf(c)), amount: amount.toString(), time: tx.time });
      }
    }
  }
  const linkRows: TraceResult['links'] = [];
  for (const i of injections) {
    if (!followed(i.toChain)) continue;
    const to = carriedByKey.get(`${i.toChain.id}|${i.toKey}`);
    const assetId = to?.assetId ?? (i.toChain.utxo ? nativeOf(i.toChain) : linkEnds.find((l) => l.link.id === i.link.id)!.to.rows[0]!.assetId);
    tot(assetId).linkedIn += i.amount;
    const from = i.fromKey ? carriedByKey.get(i.fromKey) : undefined;
    if (from) tot(from.assetId).linkedOut += i.tracedIn;
    linkRows.push({ linkId: i.link.id, from: i.link.from, to: i.link.to, kind: i.link.kind, tracedIn: i.tracedIn.toString(), tracedOut: i.amount.toString() });
  }
  // Value a link would carry onto a chain the trace does not follow is unresolved there.
  const notFollowed = injections.filter((i) => !followed(i.toChain));

  const endpoints: TraceEndpoint[] = [];
  const unresolved: TraceEndpoint[] = [];
  for (const g of grouped.values()) {
    const t = tot(g.assetId);
    const bucket = g.reason === 'stop' ? 'stopped' : g.reason === 'rest' ? 'atRest' : g.reason === 'fee' ? 'fees' : g.reason === 'sunk' ? 'sunk' : 'unresolved';
    t[bucket] += g.amount;
    const into = g.addressId === null ? [] : (intoAddress.get(`${g.chain.id}|${g.addressId}`) ?? []).filter((x) => x.assetId === g.assetId);
    const times = into.map((x) => x.time).filter((x): x is number => x !== null);
    const last = g.vias.length ? biggest(g.vias.map((v) => carriedByKey.get(v)).filter((x): x is Carried => x !== undefined)) : biggest(into);
    const addr = g.addressId === null ? null : textOf(g.addressId);
    const label = addr === null ? undefined : labelled.get(labelKeyOf(g.chain.caip2, addr))?.labels[0];
    const tag = addr === null ? undefined : tagOf.get(labelKeyOf(g.chain.caip2, addr));
    const row: TraceEndpoint = {
      chain: g.chain.caip2,
      address: addr,
      display: addr === null ? null : displayAddress(g.chain.caip2, addr),
      label: label?.label ?? tag?.label ?? null,
      category: label ? (label.abuse ?? label.category ?? null) : (tag?.category ?? null),
      asset: assetOf(g.assetId),
      amount: g.amount.toString(),
      share: 0,
      hops: Number.isFinite(g.hops) ? g.hops : 0,
      firstTime: times.length ? Math.min(...times) : null,
      lastTime: times.length ? Math.max(...times) : null,
      path: pathTo(last),
      reason: g.reason,
      stopRule: g.reason === 'stop' && g.addressId !== null ? (stopOf(g.chain, g.addressId)?.rule ?? null) : null,
      linkedOut: (g.addressId === null ? 0n : (linkedOutAt.get(`${g.chain.id}|${g.addressId}|${g.assetId}`) ?? 0n)).toString(),
    };
    (['stop', 'rest', 'fee', 'sunk'].includes(g.reason) ? endpoints : unresolved).push(row);
  }
  for (const i of notFollowed) {
    const from = i.fromKey ? carriedByKey.get(i.fromKey) : undefined;
    unresolved.push({
      chain: i.toChain.caip2, address: null, display: null, label: null, category: null,
      asset: assetOf(i.toChain.utxo ? nativeOf(i.toChain) : linkEnds.find((l) => l.link.id === i.link.id)!.to.rows[0]!.assetId),
      amount: i.amount.toString(), share: 0, hops: i.hops, firstTime: null, lastTime: null, path: pathTo(from), reason: 'chain', stopRule: null, linkedOut: '0',
    });
  }
  // Shares, now that every total is known: of the value of that asset that entered the trace.
  const entered = (assetId: number): bigint => {
    const t = totals.get(assetId);
    return t ? t.sourced + t.linkedIn : 0n;
  };
  for (const e of [...endpoints, ...unresolved]) {
    const denom = entered(e.asset.id);
    e.share = denom === 0n ? 0 : Number((BigInt(e.amount) * 1_000_000n) / denom) / 1_000_000;
  }
  const byAmount = (a: TraceEndpoint, b: TraceEndpoint): number => (a.asset.id !== b.asset.id ? a.asset.id - b.asset.id : BigInt(b.amount) > BigInt(a.amount) ? 1 : BigInt(b.amount) < BigInt(a.amount) ? -1 : (a.address ?? '').localeCompare(b.address ?? ''));
  endpoints.sort(byAmount);
  unresolved.sort(byAmount);

  // The transfers kept are those that carried the largest share of their asset's traced value
  // (comparing raw base units would rank wei above satoshis above USDT units).
  const weight = new Map(carried.map((x) => {
    const denom = entered(x.assetId);
    return [x.key, denom > 0n ? (x.tainted * 10n ** 12n) / denom : x.tainted];
  }));
  const transfers: TracedTransfer[] = [...carried]
    .sort((a, b) => {
      const wa = weight.get(a.key)!;
      const wb = weight.get(b.key)!;
      return wb > wa ? 1 : wb < wa ? -1 : a.order - b.order;
    })
    .slice(0, MAX_RESULT_TRANSFERS)
    .map((x) => ({ chain: x.chain.caip2, tx: x.txHash, ref: x.ref, from: x.fromId === null ? null : textOf(x.fromId), to: x.toId === null ? null : textOf(x.toId), asset: assetOf(x.assetId), amount: x.amount.toString(), traced: x.tainted.toString(), hops: x.hops, time: x.time }));

  const usedChains = new Set([...runs.keys()].map((id) => chainById.get(id)!.caip2));
  const datasets = listDatasets(db)
    .filter((d) => usedChains.has(d.chain))
    .map((d) => ({ id: d.id, format: d.format, sha256: d.sources.map((s) => s.sha256) }));

  return {
    method: spec.method,
    sources: resolvedSources,
    endpoints,
    unresolved,
    totals: [...totals.values()]
      .sort((a, b) => a.asset - b.asset)
      .map((t) => ({
        asset: assetOf(t.asset),
        sourced: t.sourced.toString(),
        linkedIn: t.linkedIn.toString(),
        stopped: t.stopped.toString(),
        atRest: t.atRest.toString(),
        fees: t.fees.toString(),
        sunk: t.sunk.toString(),
        unresolved: t.unresolved.toString(),
        linkedOut: t.linkedOut.toString(),
        reconciles: spec.method !== 'poison' && t.sourced + t.linkedIn === t.stopped + t.atRest + t.fees + t.sunk + t.unresolved,
      })),
    transfers,
    transfersTotal: carried.length,
    links: linkRows,
    unknownInputs: [...runs.values()].flatMap((r) => r.unknown),
    datasets,
    addressesFollowed: [...runs.values()].reduce((s, r) => s + r.followed, 0),
  };
}

/** Merges two lists sorted by `cmp` into one. */
function mergeSorted<T>(a: readonly T[], b: readonly T[], cmp: (x: T, y: T) => number): T[] {
  const out: T[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = cmp(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

function canonicalOrSelf(chain: string, address: string): string {
  try {
    return canonicalAddress(chain, address);
  } catch {
    return address;
  }
}
