/**
 * Cross-chain link candidates (issue 13, methods.md "Cross-chain hops"): value goes into a
 * service (a bridge, swap or exchange, from its labels or marked by the investigator) on one
 * chain, and comparable value comes out of a service on another chain soon after. A candidate is
 * an inference with its evidence (score and reasons); it carries a trace onwards only once the
 * investigator confirms it, and a pair already judged is never proposed again.
 *
 * Amounts are compared exactly: the value in is converted to the out asset with bigint
 * arithmetic (decimals normalised, a rate given as a decimal taken as a rational, the fee taken
 * off), and the value out must lie within the tolerance of that. Several transfers into one
 * service sent together (one sender within minutes, or one block) may come out as one (a
 * batch): each of them is then a candidate for that one transfer out, scored a little lower than
 * a one-to-one match.
 *
 * Reading uses the store's indexes only: transfers to and from each service address
 * (transfer_to, transfer_from), and on UTXO chains the outputs paying it (txout_address) and the
 * txs spending from it (txin_address); never a scan of all transfers.
 *
 * The same address string on two chains (one key, two EVM chains) is never evidence here.
 */
import { ApiError } from '../../../shared/api/contract';
import { canonicalAddress, canonicalTxHashFor } from '../../../shared/codec/address';
import type { Asset } from '../../../shared/api/schemas';
import type { CrossChainLink, LinkCandidate, LinkSearch, TransferRef } from '../../../shared/api/traceSchemas';
import { formatUnits, groupDigits } from '../../../shared/model/amount';
import { resolveChain, UnknownChainError } from '../../../shared/model/chains';
import { findAddressId } from '../store/addresses';
import { toAsset } from '../store/assets';
import type { Db } from '../store/openStore';
import { fromDbAmount } from '../store/sqlFunctions';

/** Label categories (GraphSense concepts) whose addresses take value in on one chain and pay it out on another. */
export const SERVICE_CATEGORIES: readonly string[] = ['bridge', 'defi_dex', 'exchange'];
/** Transfers from one sender into one service this close together (seconds) may come out as one transfer. */
export const BATCH_SPAN = 600;
/** A batch is at most this many transfers. */
const MAX_BATCH = 4;
/** A block with more transfers into one address than this is too busy to pick a batch from. */
const SAME_BLOCK_MAX = 6;
/** A batch scores this much of what a one-to-one match with the same evidence would. */
const BATCH_FACTOR = 0.9;
const WEIGHTS = { amount: 0.35, time: 0.15, label: 0.25, unique: 0.25 } as const;

/** An address that takes value in and pays it out: from a label, a case tag, or marked by hand. */
export interface ServiceAddress {
  readonly chain: string;
  readonly address: string;
  /** Its name (label or actor); null when only marked as a service. */
  readonly name?: string | null;
  readonly category?: string | null;
}

interface Service {
  readonly key: string;
  readonly chain: string;
  readonly addr: string;
  readonly addressId: number;
  /** Its names by their lower-case form (compared so), as written; display: the first of them. */
  readonly names: Map<string, string>;
  readonly display: string | null;
  readonly categories: Set<string>;
}

/** One transfer into or out of a service: an account-chain transfer row, or a UTXO output. */
interface Move {
  readonly chain: string;
  readonly tx: string;
  readonly ref: string;
  readonly service: Service;
  readonly assetId: number;
  readonly amount: bigint;
  readonly time: number;
  /** On moves in on account chains: the sender's store address id; null on UTXO chains. */
  readonly sender: number | null;
  /** Set on moves in: chosen by search.from (or every move in when from is null). */
  selected: boolean;
}

/** How the moves in of a batch were sent together: in one block, or by one sender within BATCH_SPAN. */
type BatchKind = 'block' | 'sender';

interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

interface AssetInfo {
  readonly asset: Asset;
  readonly symbol: string | null;
  readonly decimals: number | null;
}

/** A match: these moves in (one, or a batch) and one move out. */
interface Match {
  readonly ins: readonly Move[];
  readonly how: BatchKind | null;
  readonly out: Move;
  /** The expected value out, N / D base units of the out asset. */
  readonly N: bigint;
  readonly D: bigint;
  readonly sum: bigint;
  /** The rate used, for the reasons ("0.06 rBTC per ETH"), or null for one symbol. */
  readonly rate: { text: string; per: string; of: string } | null;
}

const keyOf = (chain: string, addr: string): string => `${chain}\u0000${addr}`;

// ----------------------------------------------------------------------------------- exact numbers

/** A decimal string ("0.06") as an exact rational. */
function decimalRational(text: string): Rational {
  const m = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text.trim());
  if (!m) throw new ApiError('invalid_argument', `"${text.slice(0, 40)}" is not a decimal number such as 0.06`);
  const frac = m[2] ?? '';
  return { n: BigInt(m[1]! + frac), d: 10n ** BigInt(frac.length) };
}

/** A percentage given as a JS number (0.5), read as the decimal it was written as. */
function numberRational(x: number): Rational {
  const text = String(x);
  return decimalRational(/e/i.test(text) ? x.toFixed(20).replace(/0+$/, '').replace(/\.$/, '') : text);
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a <= 0n ? 0n : (a + b - 1n) / b);

function display(amount: bigint, info: AssetInfo): string {
  return `${groupDigits(formatUnits(amount, info.decimals ?? 0))} ${info.symbol ?? 'units'}`;
}

/** |part| as a percentage of whole, to two places: "0.4", "12.35", "less than 0.01". */
function percent(part: bigint, whole: bigint): string {
  if (whole === 0n) return '0';
  const bp = (part * 10_000n) / whole;
  if (bp === 0n && part !== 0n) return 'less than 0.01';
  return formatUnits(bp, 2);
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) {
    const m = Math.round(seconds / 60);
    return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
  }
  const h = Math.round(seconds / 3600);
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

// ------------------------------------------------------------------------------------------ services

function canonicalService(s: { chain: string; address: string }): { chain: string; addr: string } {
  try {
    const chain = resolveChain(s.chain).id;
    return { chain, addr: canonicalAddress(chain, s.address) };
  } catch (error) {
    const message = error instanceof UnknownChainError ? error.message : (error as Error).message;
    throw new ApiError('invalid_argument', `a service address (${s.chain}, ${s.address.slice(0, 80)}): ${message}`);
  }
}

/**
 * Every service address the store knows: labels of a service category, the addresses the search
 * marks, and the caller's own (a case's tags). Only addresses with transfers in the store count.
 */
function collectServices(store: Db, search: LinkSearch, extra: readonly ServiceAddress[]): Map<string, Service> {
  const wanted = new Map<string, { chain: string; addr: string; names: string[]; categories: string[] }>();
  const want = (chain: string, addr: string, name: string | null, category: string | null): void => {
    const k = keyOf(chain, addr);
    let w = wanted.get(k);
    if (!w) wanted.set(k, (w = { chain, addr, names: [], categories: [] }));
    if (name && !w.names.includes(name)) w.names.push(name);
    if (category && !w.categories.includes(category)) w.categories.push(category);
  };
  for (const l of labelledServices(store)) want(l.chain, l.address, l.name ?? null, l.category ?? null);
  for (const s of search.services) {
    const c = canonicalService(s);
    want(c.chain, c.addr, null, null);
  }
  for (const s of extra) want(s.chain, s.address, s.name ?? null, s.category ?? null);

  const chainIds = new Map((store.prepare('SELECT id, caip2 FROM chain').all() as { id: number; caip2: string }[]).map((r) => [r.caip2, r.id]));
  const out = new Map<string, Service>();
  for (const [k, w] of wanted) {
    const chainId = chainIds.get(w.chain);
    const addressId = chainId === undefined ? null : findAddressId(store, chainId, w.addr);
    if (addressId === null) continue;
    out.set(k, {
      key: k,
      chain: w.chain,
      addr: w.addr,
      addressId,
      names: new Map(w.names.map((n) => [n.trim().toLowerCase(), n.trim()])),
      display: w.names[0] ?? null,
      categories: new Set(w.categories),
    });
  }
  return out;
}

/**
 * The service addresses the store's label sets name (a label of a service category), each with
 * its label and, when the label names an actor, the actor's name too: most confident first.
 */
export function labelledServices(store: Db): ServiceAddress[] {
  const rows = store
    .prepare(
      `SELECT l.chain, l.addr, l.label, l.category,
              (SELECT a.label FROM label_actor a WHERE a.actor_id = l.actor ORDER BY a.set_id DESC LIMIT 1) AS actor_name
       FROM label l WHERE l.category IN (SELECT value FROM json_each(?))
       ORDER BY coalesce(l.confidence_score, -1) DESC, l.set_id DESC, l.id`,
    )
    .all(JSON.stringify(SERVICE_CATEGORIES)) as { chain: string; addr: string; label: string; category: string; actor_name: string | null }[];
  return rows.flatMap((l) => [
    { chain: l.chain, address: l.addr, name: l.label, category: l.category },
    ...(l.actor_name ? [{ chain: l.chain, address: l.addr, name: l.actor_name, category: l.category }] : []),
  ]);
}

/** Two service addresses of one service (a shared name), or one address: moving between them is internal. */
function sameService(a: Service, b: Service | undefined): boolean {
  if (!b) return false;
  if (a === b) return true;
  for (const n of a.names.keys()) if (b.names.has(n)) return true;
  return false;
}

// ----------------------------------------------------------------------------------------- reading

class Reader {
  private readonly byId = new Map<string, Service>();
  private readonly s;

  constructor(store: Db, services: Map<string, Service>) {
    for (const svc of services.values()) this.byId.set(`${svc.chain}\u0000${svc.addressId}`, svc);
    const q = (sql: string) => store.prepare(sql).safeIntegers(true);
    this.s = {
      // Each one an index range: transfer_to, transfer_from, txout_address, txin_address.
      accountIn: q(
        `SELECT t.kind, t.pos, t.from_id AS other, t.asset_id AS assetId, t.amount, t.time, x.hash
         FROM transfer t JOIN tx x ON x.id = t.tx_id
         WHERE t.to_id = ? AND t.kind IN (0, 1, 2) AND t.time IS NOT NULL AND ifnull(t.status, 1) <> 0`,
      ),
      accountOut: q(
        `SELECT t.kind, t.pos, t.to_id AS other, t.asset_id AS assetId, t.amount, t.time, x.hash
         FROM transfer t JOIN tx x ON x.id = t.tx_id
         WHERE t.from_id = ? AND t.kind IN (0, 1, 2) AND t.time IS NOT NULL AND ifnull(t.status, 1) <> 0`,
      ),
      utxoIn: q(
        `SELECT o.tx_id AS txId, o.n, o.value AS amount, x.time, x.hash
         FROM txout o JOIN tx x ON x.id = o.tx_id
         WHERE o.address_id = ? AND x.time IS NOT NULL`,
      ),
      spendingTxs: q('SELECT DISTINCT tx_id FROM txin WHERE address_id = ?').pluck(),
      txHead: q('SELECT hash, time FROM tx WHERE id = ?'),
      outputs: q('SELECT n, value AS amount, address_id AS other FROM txout WHERE tx_id = ? ORDER BY n'),
      inputAddresses: q('SELECT DISTINCT address_id FROM txin WHERE tx_id = ? AND address_id IS NOT NULL').pluck(),
      nativeAsset: store.prepare("SELECT a.id FROM asset a JOIN chain c ON c.id = a.chain_id WHERE c.caip2 = ? AND a.contract = ''").pluck(),
    };
  }

  private serviceOf(chain: string, addressId: bigint | number | null): Service | undefined {
    return addressId === null ? undefined : this.byId.get(`${chain}\u0000${Number(addressId)}`);
  }

  private nativeAssetId(chain: string): number | null {
    return (this.s.nativeAsset.get(chain) as number | undefined) ?? null;
  }

  /** Value into a service from outside it; `keep` filters while reading, so only what is kept is held. */
  movesIn(svc: Service, keep: (m: Move) => boolean): Move[] {
    const out: Move[] = [];
    if (resolveChain(svc.chain).family === 'utxo') {
      const asset = this.nativeAssetId(svc.chain);
      if (asset === null) return out;
      const internal = new Map<number, boolean>();
      for (const r of this.s.utxoIn.iterate(svc.addressId) as IterableIterator<{ txId: bigint; n: bigint; amount: unknown; time: bigint; hash: string }>) {
        const amount = fromDbAmount(r.amount);
        if (amount === 0n) continue;
        const m: Move = { chain: svc.chain, tx: r.hash, ref: String(r.n), service: svc, assetId: asset, amount, time: Number(r.time), sender: null, selected: false };
        if (!keep(m)) continue;
        // Change back to the service (the tx spends from it) is not value coming in.
        const txId = Number(r.txId);
        let own = internal.get(txId);
        if (own === undefined) {
          own = (this.s.inputAddresses.all(txId) as bigint[]).some((a) => sameService(svc, this.serviceOf(svc.chain, a)));
          internal.set(txId, own);
        }
        if (!own) out.push(m);
      }
      return out;
    }
    for (const r of this.s.accountIn.iterate(svc.addressId) as IterableIterator<AccountRow>) {
      const m = this.accountMove(svc, r);
      if (m && keep(m)) out.push(m);
    }
    return out;
  }

  /** Value out of a service to outside it; on a UTXO chain, the outputs of txs spending from it. */
  movesOut(svc: Service, keep: (time: number) => boolean): Move[] {
    const out: Move[] = [];
    if (resolveChain(svc.chain).family === 'utxo') {
      const asset = this.nativeAssetId(svc.chain);
      if (asset === null) return out;
      for (const txId of this.s.spendingTxs.all(svc.addressId) as bigint[]) {
        const head = this.s.txHead.get(txId) as { hash: string; time: bigint | null } | undefined;
        if (!head || head.time === null || !keep(Number(head.time))) continue;
        for (const o of this.s.outputs.all(txId) as { n: bigint; amount: unknown; other: bigint | null }[]) {
          if (o.other === null || sameService(svc, this.serviceOf(svc.chain, o.other))) continue;
          const amount = fromDbAmount(o.amount);
          if (amount > 0n) out.push({ chain: svc.chain, tx: head.hash, ref: String(o.n), service: svc, assetId: asset, amount, time: Number(head.time), sender: null, selected: false });
        }
      }
      return out;
    }
    for (const r of this.s.accountOut.iterate(svc.addressId) as IterableIterator<AccountRow>) {
      const m = this.accountMove(svc, r);
      if (m && keep(m.time)) out.push(m);
    }
    return out;
  }

  private accountMove(svc: Service, r: AccountRow): Move | null {
    const time = Number(r.time);
    // Between two addresses of one service (a deposit swept to a hot wallet) is internal.
    if (r.other === null || sameService(svc, this.serviceOf(svc.chain, r.other))) return null;
    const amount = fromDbAmount(r.amount);
    if (amount <= 0n) return null;
    return { chain: svc.chain, tx: r.hash, ref: `${Number(r.kind)}:${r.pos}`, service: svc, assetId: Number(r.assetId), amount, time, sender: Number(r.other), selected: false };
  }
}

interface AccountRow {
  kind: bigint;
  pos: string;
  other: bigint | null;
  assetId: bigint;
  amount: unknown;
  time: bigint;
  hash: string;
}

/** The chosen moves in, canonicalised; each as (chain, tx, ref or null for the whole tx). */
function chosenRefs(refs: readonly TransferRef[]): Map<string, (string | null)[]> {
  const out = new Map<string, (string | null)[]>();
  for (const r of refs) {
    let chain: string;
    let tx: string;
    try {
      chain = resolveChain(r.chain).id;
      tx = canonicalTxHashFor(chain, r.tx);
    } catch (error) {
      throw new ApiError('invalid_argument', `search.from (${r.chain}, ${r.tx.slice(0, 80)}): ${(error as Error).message}`);
    }
    const k = keyOf(chain, tx);
    out.set(k, [...(out.get(k) ?? []), r.ref?.trim() || null]);
  }
  return out;
}

/** Times as a sorted list, to ask "is any of them within [t - before, t + after]" in log time. */
class Times {
  private readonly sorted: number[];
  constructor(times: Iterable<number>) {
    this.sorted = [...times].sort((a, b) => a - b);
  }
  anyWithin(lo: number, hi: number): boolean {
    let a = 0;
    let b = this.sorted.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (this.sorted[m]! < lo) a = m + 1;
      else b = m;
    }
    return a < this.sorted.length && this.sorted[a]! <= hi;
  }
}

// ---------------------------------------------------------------------------------------- matching

class Converter {
  private readonly rates = new Map<string, { r: Rational; text: string }>();
  private readonly cache = new Map<string, { f: Rational; rate: Match['rate'] } | null>();

  constructor(
    rates: Record<string, string>,
    private readonly assets: Map<number, AssetInfo>,
  ) {
    for (const [pair, text] of Object.entries(rates)) this.rates.set(pair.toUpperCase(), { r: decimalRational(text), text });
  }

  /**
   * The factor taking base units of asset a to base units of asset b, exactly; null when they
   * cannot be compared (unknown decimals or symbol, or no rate between two symbols).
   */
  factor(a: number, b: number): { f: Rational; rate: Match['rate'] } | null {
    const k = `${a}>${b}`;
    if (this.cache.has(k)) return this.cache.get(k)!;
    const r = this.compute(a, b);
    this.cache.set(k, r);
    return r;
  }

  private compute(a: number, b: number): { f: Rational; rate: Match['rate'] } | null {
    const A = this.assets.get(a);
    const B = this.assets.get(b);
    if (!A || !B || A.symbol === null || B.symbol === null || A.decimals === null || B.decimals === null) return null;
    const scale: Rational = { n: 10n ** BigInt(B.decimals), d: 10n ** BigInt(A.decimals) };
    if (A.symbol.toUpperCase() === B.symbol.toUpperCase()) return { f: scale, rate: null };
    const direct = this.rates.get(`${A.symbol}/${B.symbol}`.toUpperCase());
    if (direct && direct.r.n > 0n) return { f: { n: scale.n * direct.r.n, d: scale.d * direct.r.d }, rate: { text: direct.text, per: A.symbol, of: B.symbol } };
    const inverse = this.rates.get(`${B.symbol}/${A.symbol}`.toUpperCase());
    if (inverse && inverse.r.n > 0n) return { f: { n: scale.n * inverse.r.d, d: scale.d * inverse.r.n }, rate: { text: inverse.text, per: B.symbol, of: A.symbol } };
    return null;
  }
}

/** Moves out of one asset, sorted by amount, so a range of amounts is found by binary search. */
class OutIndex {
  readonly byAsset = new Map<number, Move[]>();

  constructor(outs: readonly Move[]) {
    for (const o of outs) {
      let list = this.byAsset.get(o.assetId);
      if (!list) this.byAsset.set(o.assetId, (list = []));
      list.push(o);
    }
    for (const list of this.byAsset.values()) list.sort((x, y) => (x.amount < y.amount ? -1 : x.amount > y.amount ? 1 : x.time - y.time));
  }

  *inRange(assetId: number, lo: bigint, hi: bigint): Generator<Move> {
    const list = this.byAsset.get(assetId);
    if (!list) return;
    let a = 0;
    let b = list.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (list[m]!.amount < lo) a = m + 1;
      else b = m;
    }
    for (let i = a; i < list.length && list[i]!.amount <= hi; i++) yield list[i]!;
  }
}

interface Params {
  readonly window: number;
  /** 1 - fee, as a rational. */
  readonly keep: Rational;
  readonly tol: Rational;
  readonly feePct: number;
}

function paramsOf(search: LinkSearch): Params {
  const fee = numberRational(search.feePct);
  return { window: search.window, keep: { n: 100n * fee.d - fee.n, d: 100n * fee.d }, tol: numberRational(search.tolerancePct), feePct: search.feePct };
}

/** Every move out matching these moves in (one, or a batch sent together). */
function matchesOf(ins: readonly Move[], how: BatchKind | null, outs: OutIndex, conv: Converter, p: Params, assets: Map<number, AssetInfo>): Match[] {
  const first = ins[0]!;
  const sum = ins.reduce((s, m) => s + m.amount, 0n);
  const tFirst = Math.min(...ins.map((m) => m.time));
  const tLast = Math.max(...ins.map((m) => m.time));
  const found: Match[] = [];
  const inChain = assets.get(first.assetId)?.asset.chain;
  for (const assetId of outs.byAsset.keys()) {
    if (assets.get(assetId)?.asset.chain === inChain) continue;
    const c = conv.factor(first.assetId, assetId);
    if (!c) continue;
    // Expected out = sum × factor × (1 - fee) = N / D; a match has |y·D - N| ≤ tol% of N.
    const N = sum * c.f.n * p.keep.n;
    const D = c.f.d * p.keep.d;
    if (N === 0n) continue;
    const span = 100n * p.tol.d;
    const lo = ceilDiv(N * (span - p.tol.n), D * span);
    const hi = (N * (span + p.tol.n)) / (D * span);
    for (const o of outs.inRange(assetId, lo, hi)) {
      if (o.chain === first.chain || o.time < tLast || o.time - tFirst > p.window) continue;
      found.push({ ins, how, out: o, N, D, sum, rate: c.rate });
    }
  }
  return found;
}

/**
 * Batches of `size` moves in that were sent together, so that one move out may stand for all of
 * them: into one service address in one asset, either consecutive ones from one sender within
 * BATCH_SPAN, or (into a bridge or swap) several in one block (the same time; at most
 * SAME_BLOCK_MAX, else the address is too busy to tell). An exchange pays each customer from
 * their own deposits, so deposits of strangers in one block are no batch there. Arbitrary subsets
 * of unrelated moves are never tried: some sum of them would match almost any amount.
 */
function* batches(ins: readonly Move[], size: number): Generator<{ moves: Move[]; how: BatchKind }> {
  const groups = (key: (m: Move) => string | null): Move[][] => {
    const by = new Map<string, Move[]>();
    for (const m of ins) {
      const k = key(m);
      if (k === null) continue;
      let list = by.get(k);
      if (!list) by.set(k, (list = []));
      list.push(m);
    }
    return [...by.values()].filter((l) => l.length >= size);
  };
  const seen = new Set<string>();
  const fresh = (moves: Move[]): boolean => {
    const k = moves.map((m) => `${m.tx}#${m.ref}`).sort().join(' ');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  };
  for (const block of groups((m) => (m.service.categories.has('exchange') ? null : `${m.service.key}\u0000${m.assetId}\u0000${m.time}`))) {
    if (block.length > SAME_BLOCK_MAX) continue;
    for (const moves of combinations(block, size)) if (fresh(moves)) yield { moves, how: 'block' };
  }
  for (const run of groups((m) => (m.sender === null ? null : `${m.service.key}\u0000${m.assetId}\u0000${m.sender}`))) {
    run.sort((a, b) => a.time - b.time);
    for (let i = 0; i + size <= run.length; i++) {
      const moves = run.slice(i, i + size);
      if (moves[size - 1]!.time - moves[0]!.time <= BATCH_SPAN && fresh(moves)) yield { moves, how: 'sender' };
    }
  }
}

function* combinations<T>(items: readonly T[], k: number, start = 0): Generator<T[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (let i = start; i <= items.length - k; i++) for (const rest of combinations(items, k - 1, i + 1)) yield [items[i]!, ...rest];
}

// ------------------------------------------------------------------------------------------ scoring

function sharedName(a: Service, b: Service): string | null {
  for (const [n, written] of a.names) if (b.names.has(n)) return written;
  return null;
}

function serviceWords(s: Service): string {
  const cat = [...s.categories][0];
  if (!s.display) return 'an address marked as a service';
  return cat ? `${s.display} (${cat})` : s.display;
}

function linkKind(m: Match, assets: Map<number, AssetInfo>): LinkCandidate['kind'] {
  const svcIn = m.ins[0]!.service;
  if (svcIn.categories.has('exchange') || m.out.service.categories.has('exchange')) return 'exchange';
  const a = assets.get(m.ins[0]!.assetId)!.symbol!;
  const b = assets.get(m.out.assetId)!.symbol!;
  return a.toUpperCase() === b.toUpperCase() ? 'bridge' : 'swap';
}

function amountSentence(m: Match, p: Params, assets: Map<number, AssetInfo>): string {
  const A = assets.get(m.ins[0]!.assetId)!;
  const B = assets.get(m.out.assetId)!;
  const diff = m.out.amount * m.D - m.N;
  const abs = diff < 0n ? -diff : diff;
  const expected = (m.N + m.D / 2n) / m.D;
  const how = [m.rate ? `at ${m.rate.text} ${m.rate.of} per ${m.rate.per}` : '', p.feePct > 0 ? `after a ${p.feePct}% fee` : ''].filter(Boolean).join(' ');
  const source = m.ins.length === 1 ? `in ${display(m.sum, A)}` : `the ${m.ins.length} transfers in (together ${display(m.sum, A)})`;
  const what = abs === 0n ? 'is exactly' : `is ${percent(abs, m.N)}% ${diff < 0n ? 'under' : 'over'}`;
  return `out ${display(m.out.amount, B)} ${what} the ${display(expected, B)} expected from ${source}${how ? ` ${how}` : ''}`;
}

interface Scored {
  readonly match: Match;
  readonly member: Move;
  readonly score: number;
  readonly delay: number;
  readonly name: string | null;
  /** Transfers out matching this transfer in, and matches in (one, or a batch) for this transfer out. */
  readonly outsForIn: number;
  readonly insForOut: number;
}

/** The score in 0..1: closeness of amounts and times, one name on both sides, and no rival matches. */
function score(m: Match, member: Move, outsForIn: number, insForOut: number, p: Params): Scored {
  const diff = m.out.amount * m.D - m.N;
  const abs = diff < 0n ? -diff : diff;
  // Closeness of amounts: 1 exact, 0 at the tolerance (ratios for ranking only, never money).
  const allowed = (p.tol.n * m.N) / (100n * p.tol.d);
  const amount = allowed === 0n ? (abs === 0n ? 1 : 0) : Math.max(0, 1 - Number((abs * 1_000_000n) / allowed) / 1_000_000);
  const delay = m.out.time - Math.max(...m.ins.map((x) => x.time));
  const time = Math.max(0, 1 - delay / p.window);
  const name = sharedName(m.ins[0]!.service, m.out.service);
  const unique = 1 / Math.max(outsForIn, insForOut);
  const raw = WEIGHTS.amount * amount + WEIGHTS.time * time + WEIGHTS.label * (name ? 1 : 0) + WEIGHTS.unique * unique;
  const value = Math.round(raw * (m.ins.length > 1 ? BATCH_FACTOR : 1) * 1000) / 1000;
  return { match: m, member, score: value, delay, name, outsForIn, insForOut };
}

/** The evidence in words, with exact figures. Built only for the candidates returned. */
function reasonsOf(s: Scored, p: Params, assets: Map<number, AssetInfo>): string[] {
  const m = s.match;
  const reasons: string[] = [];
  if (m.ins.length > 1) {
    const span = Math.max(...m.ins.map((x) => x.time)) - Math.min(...m.ins.map((x) => x.time));
    const together = m.how === 'block' ? 'in one block' : `from one sender within ${duration(span)}`;
    reasons.push(`one of ${m.ins.length} transfers into the same address ${together} that come out as one; this one ${display(s.member.amount, assets.get(s.member.assetId)!)}`);
  }
  reasons.push(amountSentence(m, p, assets));
  reasons.push(`${duration(s.delay)} after${m.ins.length > 1 ? ' the last of them' : ''}`);
  reasons.push(s.name ? `both sides labelled ${s.name}` : `into ${serviceWords(m.ins[0]!.service)}, out of ${serviceWords(m.out.service)}`);
  if (s.outsForIn === 1 && s.insForOut === 1) reasons.push('the only match in the window');
  if (s.outsForIn > 1) reasons.push(`one of ${s.outsForIn} transfers out that match this transfer in`);
  if (s.insForOut > 1) reasons.push(`${s.insForOut - 1} other match${s.insForOut > 2 ? 'es' : ''} in for this transfer out`);
  return reasons;
}

// ------------------------------------------------------------------------------------------ propose

function judged(existing: readonly CrossChainLink[]): (from: Move, to: Move) => boolean {
  const covers = (r: TransferRef, m: Move): boolean => r.chain === m.chain && r.tx === m.tx && (r.ref === undefined || r.ref === m.ref);
  return (from, to) => existing.some((l) => covers(l.from, from) && covers(l.to, to));
}

/**
 * Proposes cross-chain links: for each chosen transfer into a service (search.from, or every one
 * when null), the transfers out of a service on another chain within the window whose amount
 * matches, best first, at most search.limit. Pairs in `existing` (confirmed or rejected) are
 * left out. `extraServices`: service addresses the caller knows of besides the store's labels
 * (a case's own tags, or the workspace's labels when `store` is a received case's evidence).
 */
export function proposeLinks(store: Db, search: LinkSearch, existing: readonly CrossChainLink[], extraServices: readonly ServiceAddress[] = []): LinkCandidate[] {
  const services = collectServices(store, search, extraServices);
  if (services.size === 0) return [];
  const reader = new Reader(store, services);
  const p = paramsOf(search);

  // Moves in: when some are chosen, only those near them in time are read further.
  const chosen = search.from ? chosenRefs(search.from) : null;
  let ins: Move[];
  if (chosen) {
    // Read twice: first the chosen ones, then those near them in time (batch partners, and rivals for the same value out).
    const isChosen = (m: Move): boolean => chosen.get(keyOf(m.chain, m.tx))?.some((r) => r === null || r === m.ref) ?? false;
    const picked = [...services.values()].flatMap((svc) => reader.movesIn(svc, isChosen));
    const near = new Times(picked.map((m) => m.time));
    ins = [...services.values()].flatMap((svc) => reader.movesIn(svc, (m) => near.anyWithin(m.time - p.window - BATCH_SPAN, m.time + p.window + BATCH_SPAN)));
    for (const m of ins) m.selected = isChosen(m);
  } else {
    ins = [...services.values()].flatMap((svc) => reader.movesIn(svc, () => true));
    for (const m of ins) m.selected = true;
  }
  if (!ins.some((m) => m.selected)) return [];
  const inTimes = new Times(ins.filter((m) => m.selected || !chosen).map((m) => m.time));
  const outs = new OutIndex([...services.values()].flatMap((svc) => reader.movesOut(svc, (t) => inTimes.anyWithin(t - p.window, t))));

  const assetIds = new Set([...ins.map((m) => m.assetId), ...outs.byAsset.keys()]);
  const assets = assetInfo(store, [...assetIds]);
  const conv = new Converter(search.rates, assets);

  // One-to-one first, then batches of growing size; a batch containing a smaller match of the same out adds nothing.
  const matches: Match[] = [];
  const byOut = new Map<Move, Match[]>();
  const record = (m: Match): void => {
    const prior = byOut.get(m.out) ?? [];
    if (m.ins.length > 1 && prior.some((x) => x.ins.every((i) => m.ins.includes(i)))) return;
    prior.push(m);
    byOut.set(m.out, prior);
    matches.push(m);
  };
  for (const m of ins) for (const x of matchesOf([m], null, outs, conv, p, assets)) record(x);
  for (let size = 2; size <= MAX_BATCH; size++) {
    for (const group of batches(ins, size)) {
      if (!group.moves.some((m) => m.selected)) continue;
      for (const x of matchesOf(group.moves, group.how, outs, conv, p, assets)) record(x);
    }
  }

  const outsForIn = new Map<Move, Set<Move>>();
  for (const m of matches) {
    for (const i of m.ins) {
      let set = outsForIn.get(i);
      if (!set) outsForIn.set(i, (set = new Set()));
      set.add(m.out);
    }
  }
  const isJudged = judged(existing);
  const best = new Map<Move, Map<Move, Scored>>();
  for (const m of matches) {
    for (const member of m.ins) {
      if (!member.selected || isJudged(member, m.out)) continue;
      const s = score(m, member, outsForIn.get(member)!.size, byOut.get(m.out)!.length, p);
      let mine = best.get(member);
      if (!mine) best.set(member, (mine = new Map()));
      const prior = mine.get(m.out);
      if (!prior || prior.score < s.score) mine.set(m.out, s);
    }
  }
  const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const order = (a: Scored, b: Scored): number =>
    b.score - a.score ||
    a.delay - b.delay ||
    a.member.time - b.member.time ||
    text(a.member.tx, b.member.tx) ||
    text(a.member.ref, b.member.ref) ||
    text(a.match.out.tx, b.match.out.tx) ||
    text(a.match.out.ref, b.match.out.ref);
  return [...best.values()]
    .flatMap((m) => [...m.values()])
    .sort(order)
    .slice(0, search.limit)
    .map((s) => toCandidate(s, reasonsOf(s, p, assets), assets));
}

function toCandidate(s: Scored, reasons: string[], assets: Map<number, AssetInfo>): LinkCandidate {
  const { match: m, member } = s;
  return {
    from: { chain: member.chain, tx: member.tx, ref: member.ref },
    to: { chain: m.out.chain, tx: m.out.tx, ref: m.out.ref },
    kind: linkKind(m, assets),
    score: s.score,
    reasons,
    fromAmount: member.amount.toString(),
    fromAsset: assets.get(member.assetId)!.asset,
    toAmount: m.out.amount.toString(),
    toAsset: assets.get(m.out.assetId)!.asset,
    delay: m.out.time - member.time,
  };
}

function assetInfo(store: Db, ids: readonly number[]): Map<number, AssetInfo> {
  const rows = store
    .prepare(
      `SELECT asset.id AS id, chain.caip2 AS caip2, asset.contract AS contract, asset.symbol AS symbol, asset.decimals AS decimals, asset.standard AS standard
       FROM asset JOIN chain ON chain.id = asset.chain_id WHERE asset.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids)) as { id: number; caip2: string; contract: string; symbol: string | null; decimals: number | null; standard: string | null }[];
  // An NFT's amount is one token, not a value: it is never compared (no symbol, for the converter).
  return new Map(rows.map((r) => [r.id, { asset: toAsset(r), symbol: r.standard === 'erc721' ? null : r.symbol, decimals: r.decimals }]));
}
