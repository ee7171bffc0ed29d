/**
 * Laundering step detectors (issue 16): each reads one saved trace and finds one kind of step by
 * a documented rule (docs/attribution.md, "Laundering steps"), with the transactions behind it.
 *
 * The detectors are pure: they read the trace, the case's cross-chain links and two lookups the
 * caller passes in (a label for an address, whether a transaction is a CoinJoin), so they run in
 * tests without a store. Each is linear or n·log n in the trace's traced transfers: every
 * grouping is a hash map, every time window a sort and two pointers.
 *
 * What the trace gives, and what the rules therefore read:
 * - Account chains: one traced transfer per value transfer, from address to address.
 * - UTXO chains: one traced transfer per output; its `from` is the transaction's first input
 *   address. Which transaction spent which output is not in the result, but every endpoint's
 *   path lists the transactions from a source to it along the inputs that carried the most
 *   traced value; consecutive hashes on one path are "q spent an output of p". The peel-chain
 *   rule reads those pairs.
 * - The result lists at most 5,000 transfers, the largest share first: a rule can miss what the
 *   cut dropped (small payouts, small senders).
 *
 * Money is bigint in base units throughout; shares are compared by cross-multiplication, never
 * through a JS number.
 */
import type { CrossChainLink, SavedTrace, TraceEndpoint, TracedTransfer, TransferRef } from '../../../../shared/api/traceSchemas';
import { canonicalTxHashFor } from '../../../../shared/codec/address';
import { resolveChain } from '../../../../shared/model/chains';
import type { AssetAmount, AssetRef, LaunderingStep, StepKind, StepTx } from './types';

// ------------------------------------------------------------------------------------------------
// Thresholds. Defaults from practice, not fitted to any fixture or generated world.

/** Distinct senders that make a consolidation: two can be a victim's own two wallets; three are a gathering. */
export const CONSOLIDATION_MIN_SENDERS = 3;
/** A sender counts as a victim's when it is a source address of the trace or its transfer is within this many hops of a source (1: the source transfer itself). */
export const CONSOLIDATION_MAX_HOPS = 1;
/** Distinct traced senders (none of them a source) that make a fan-in. */
export const FAN_IN_MIN_SENDERS = 3;
/** Distinct recipients, within FAN_OUT_WINDOW seconds, that make a fan-out. */
export const FAN_OUT_MIN_RECIPIENTS = 3;
/** A day: splitting is done in one sitting; sends weeks apart are separate decisions. */
export const FAN_OUT_WINDOW = 24 * 3600;
/** Links (addresses, or UTXO transactions) a peel chain needs: two are just a payment with change. */
export const PEEL_MIN_LINKS = 3;
/** Percent of what a link received that it must pass on to the next link; what it pays elsewhere is the peel. */
export const PEEL_PASS_PERCENT = 70n;
/** Seconds within which an address receiving one asset and sending another reads as a swap: a DEX swap settles in one transaction, an OTC desk within the hour. */
export const SWAP_ASSET_WINDOW = 3600;
/** Seconds traced value must rest at an address, between arriving and the next traced outflow, to be a dormancy step. */
export const DORMANCY_MIN_SECONDS = 7 * 24 * 3600;
/** Uses of one service further apart than this are separate steps (the thief came back). */
export const SERVICE_BURST_GAP = 24 * 3600;
/** The transactions listed with a step; txCount counts them all. */
export const MAX_STEP_TXS = 50;

/** Label categories of a swap service. */
export const SWAP_CATEGORIES: ReadonlySet<string> = new Set(['defi_dex', 'defi']);
export const BRIDGE_CATEGORIES: ReadonlySet<string> = new Set(['bridge']);
export const MIXER_CATEGORIES: ReadonlySet<string> = new Set(['mixing_service']);
export const EXCHANGE_CATEGORIES: ReadonlySet<string> = new Set(['exchange']);
/**
 * Services whose own gathering, spreading and holding are their business: such an address is
 * never the centre of a consolidation, fan-in, fan-out, peel link or dormancy (the service step
 * reports the value reaching it instead). Sanctioned addresses are not among them: they may be
 * the thief's own.
 */
export const SERVICE_CATEGORIES: ReadonlySet<string> = new Set(['exchange', 'mixing_service', 'bridge', 'defi', 'defi_dex', 'payment_processor', 'gambling']);

/** The rule of each kind, in words an investigator can quote (thresholds included). */
export const STEP_RULES: Readonly<Record<StepKind, string>> = {
  consolidation: `one address received traced value from at least ${CONSOLIDATION_MIN_SENDERS} distinct addresses that were sources of the trace or sent within its first hop`,
  'fan-in': `one address received traced value from at least ${FAN_IN_MIN_SENDERS} distinct traced senders, none of them a source`,
  'fan-out': `one address sent traced value to at least ${FAN_OUT_MIN_RECIPIENTS} distinct addresses within ${FAN_OUT_WINDOW / 3600} h`,
  'peel-chain': `at least ${PEEL_MIN_LINKS} consecutive links, each passing at least ${PEEL_PASS_PERCENT}% of the traced value it received on to the next link and paying a smaller part out (UTXO: each transaction spending the previous link's change output)`,
  swap: `a confirmed swap link, traced value reaching a swap service (defi_dex, defi), or an address receiving one asset and sending another within ${SWAP_ASSET_WINDOW / 60} min`,
  bridge: 'a confirmed bridge link, or traced value reaching a bridge-labelled address',
  mixer: 'traced value reaching a mixing_service-labelled address',
  coinjoin: 'a traced transaction that the CoinJoin detector recognises (equal outputs, many owners)',
  'exchange-deposit': 'traced value ending at an exchange-labelled address (stopped there, or the first exchange address on its path)',
  'exchange-hop': 'a confirmed exchange link: in at one exchange, out as another asset or on another chain',
  dormancy: `traced value resting at least ${DORMANCY_MIN_SECONDS / 86400} days at an address before its next traced outflow`,
};

// ------------------------------------------------------------------------------------------------
// Inputs.

/** A name for an address: a label set's, the case's own tag's, or an automatic cluster's label. */
export interface ServiceLabel {
  readonly name: string;
  readonly category: string;
  readonly via: 'label' | 'tag' | 'cluster';
}

/** What the detectors ask the store, passed in so they stay pure. */
export interface SignatureLookups {
  labelOf(chain: string, address: string): ServiceLabel | null;
  isCoinJoin(chain: string, tx: string): boolean;
}

/** What every detector reads besides the trace: the case's links and the lookups. */
export interface StepContext {
  readonly links: readonly CrossChainLink[];
  readonly lookups: SignatureLookups;
}

/** No links, no labels, no CoinJoins: what a detector sees of a trace on its own. */
export const NO_CONTEXT: StepContext = { links: [], lookups: { labelOf: () => null, isCoinJoin: () => false } };

export type StepDetector = (trace: SavedTrace, ctx?: StepContext) => LaunderingStep[];

// ------------------------------------------------------------------------------------------------
// The trace, indexed once per trace object and shared by every detector.

/** One traced transfer, with its money as bigint and its keys. */
interface Flow {
  readonly chain: string;
  readonly tx: string;
  readonly ref: string;
  /** chain|tx|ref: unique per transfer. */
  readonly key: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly asset: AssetRef;
  readonly assetKey: string;
  readonly traced: bigint;
  readonly hops: number;
  readonly time: number | null;
}

interface TraceIndex {
  readonly trace: SavedTrace;
  readonly flows: readonly Flow[];
  /** chain|address → transfers into it / out of it. */
  readonly byTo: Map<string, Flow[]>;
  readonly byFrom: Map<string, Flow[]>;
  /** chain|tx → its traced transfers (UTXO: its traced outputs). */
  readonly byTx: Map<string, Flow[]>;
  /** chain|address of every source address (and every address a source transfer or input came from). */
  readonly sourceAddresses: Set<string>;
  /** chain|tx → source input addresses (UTXO address sources: the inputs the source address spent). */
  readonly sourceInputs: Map<string, Set<string>>;
  /** chain|address → asset key → value the address was a source of. */
  readonly sourced: Map<string, Map<string, bigint>>;
  /** chain|tx → the traced transactions that spent its outputs, as the endpoints' paths show (UTXO). */
  readonly spentBy: Map<string, Set<string>>;
  readonly theftTime: number | null;
  /** Every traced transfer is listed (no 5,000 cut). */
  readonly complete: boolean;
}

const SEP = '\u0000';
const key2 = (a: string, b: string): string => `${a}${SEP}${b}`;
const key3 = (a: string, b: string, c: string): string => `${a}${SEP}${b}${SEP}${c}`;

const familyCache = new Map<string, string | null>();
/** The chain's family (evm, tron, utxo), or null for a chain Cairn does not know. */
export function familyOf(chain: string): string | null {
  let f = familyCache.get(chain);
  if (f === undefined) {
    try {
      f = resolveChain(chain).family;
    } catch {
      f = null;
    }
    familyCache.set(chain, f);
  }
  return f;
}
const isUtxo = (chain: string): boolean => familyOf(chain) === 'utxo';
const isAccount = (chain: string): boolean => {
  const f = familyOf(chain);
  return f === 'evm' || f === 'tron';
};

/** The CAIP-2 id of a chain named by id or alias (links may name chains either way). */
function chainId(chain: string): string {
  try {
    return resolveChain(chain).id;
  } catch {
    return chain;
  }
}

function txId(chain: string, tx: string): string {
  try {
    return canonicalTxHashFor(chain, tx);
  } catch {
    return tx;
  }
}

export function assetRef(a: { chain: string; contract: string | null; symbol: string | null; decimals: number | null }): AssetRef {
  return { chain: a.chain, contract: a.contract, symbol: a.symbol, decimals: a.decimals };
}
export const assetKeyOf = (a: AssetRef): string => key2(a.chain, a.contract ?? '');

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function addTo(m: Map<string, bigint>, k: string, v: bigint): void {
  m.set(k, (m.get(k) ?? 0n) + v);
}

const indexes = new WeakMap<SavedTrace, TraceIndex>();

/** The trace's index, built on first use (linear in transfers, sources and path lengths). */
function indexOf(trace: SavedTrace): TraceIndex {
  const cached = indexes.get(trace);
  if (cached) return cached;
  const r = trace.result;
  const flows: Flow[] = r.transfers.map((t: TracedTransfer) => {
    const asset = assetRef(t.asset);
    return {
      chain: t.chain,
      tx: t.tx,
      ref: t.ref,
      key: key3(t.chain, t.tx, t.ref),
      from: t.from,
      to: t.to,
      asset,
      assetKey: assetKeyOf(asset),
      traced: BigInt(t.traced),
      hops: t.hops,
      time: t.time,
    };
  });
  const byTo = new Map<string, Flow[]>();
  const byFrom = new Map<string, Flow[]>();
  const byTx = new Map<string, Flow[]>();
  const chainsOfTx = new Map<string, Set<string>>();
  for (const f of flows) {
    if (f.to !== null) push(byTo, key2(f.chain, f.to), f);
    if (f.from !== null) push(byFrom, key2(f.chain, f.from), f);
    push(byTx, key2(f.chain, f.tx), f);
    const cs = chainsOfTx.get(f.tx);
    if (cs) cs.add(f.chain);
    else chainsOfTx.set(f.tx, new Set([f.chain]));
  }
  const sourceAddresses = new Set<string>();
  const sourceInputs = new Map<string, Set<string>>();
  const sourced = new Map<string, Map<string, bigint>>();
  let theftTime: number | null = null;
  for (const s of trace.spec.sources) if (s.kind === 'address') sourceAddresses.add(key2(chainId(s.chain), s.address));
  for (const s of r.sources) {
    if (s.time !== null && (theftTime === null || s.time < theftTime)) theftTime = s.time;
    if (s.from === null) continue;
    sourceAddresses.add(key2(s.chain, s.from));
    const at = sourced.get(key2(s.chain, s.from)) ?? new Map<string, bigint>();
    sourced.set(key2(s.chain, s.from), at);
    addTo(at, assetKeyOf(assetRef(s.asset)), BigInt(s.amount));
    const k = key2(s.chain, s.tx);
    const set = sourceInputs.get(k);
    if (set) set.add(s.from);
    else sourceInputs.set(k, new Set([s.from]));
  }
  const spentBy = new Map<string, Set<string>>();
  for (const e of [...r.endpoints, ...r.unresolved]) {
    for (let i = 0; i + 1 < e.path.length; i++) {
      const p = e.path[i]!;
      const q = e.path[i + 1]!;
      for (const chain of chainsOfTx.get(p) ?? []) {
        if (!isUtxo(chain) || !chainsOfTx.get(q)?.has(chain)) continue;
        const k = key2(chain, p);
        const set = spentBy.get(k);
        if (set) set.add(q);
        else spentBy.set(k, new Set([q]));
      }
    }
  }
  const ix: TraceIndex = {
    trace,
    flows,
    byTo,
    byFrom,
    byTx,
    sourceAddresses,
    sourceInputs,
    sourced,
    spentBy,
    theftTime,
    complete: r.transfers.length >= r.transfersTotal,
  };
  indexes.set(trace, ix);
  return ix;
}

/** Labels, asked once per address per context. */
const labelMemo = new WeakMap<StepContext, Map<string, ServiceLabel | null>>();
function labelOf(ctx: StepContext, chain: string, address: string | null): ServiceLabel | null {
  if (address === null) return null;
  let m = labelMemo.get(ctx);
  if (!m) labelMemo.set(ctx, (m = new Map()));
  const k = key2(chain, address);
  let l = m.get(k);
  if (l === undefined) {
    l = ctx.lookups.labelOf(chain, address);
    m.set(k, l);
  }
  return l;
}
const isService = (ctx: StepContext, chain: string, address: string | null): boolean => {
  const l = labelOf(ctx, chain, address);
  return l !== null && SERVICE_CATEGORIES.has(l.category);
};
const serviceOf = (l: ServiceLabel | null): LaunderingStep['service'] => (l ? { name: l.name, category: l.category } : null);

// ------------------------------------------------------------------------------------------------
// Building steps.

/** Sums per asset, in the order assets first appear. */
class Amounts {
  private readonly m = new Map<string, { asset: AssetRef; amount: bigint }>();
  private readonly seen = new Set<string>();
  /** Adds `amount` of `asset`; with `once`, a second part of the same key is ignored (one transfer counted once). */
  add(asset: AssetRef, amount: bigint, once?: string): void {
    if (once !== undefined) {
      if (this.seen.has(once)) return;
      this.seen.add(once);
    }
    const k = assetKeyOf(asset);
    const cur = this.m.get(k);
    if (cur) cur.amount += amount;
    else this.m.set(k, { asset, amount });
  }
  list(): AssetAmount[] {
    return [...this.m.values()].map((x) => ({ asset: x.asset, amount: x.amount.toString() }));
  }
}

const stepTx = (f: Flow): StepTx => ({ chain: f.chain, tx: f.tx, from: f.from, to: f.to, asset: f.asset, amount: f.traced.toString(), time: f.time });

function span(flows: readonly Flow[]): { start: number | null; end: number | null } {
  let start: number | null = null;
  let end: number | null = null;
  for (const f of flows) {
    if (f.time === null) continue;
    if (start === null || f.time < start) start = f.time;
    if (end === null || f.time > end) end = f.time;
  }
  return { start, end };
}

function uniqueFlows(flows: readonly Flow[]): Flow[] {
  const seen = new Set<string>();
  return flows.filter((f) => !seen.has(f.key) && (seen.add(f.key), true));
}

function uniq(xs: readonly (string | null)[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of xs) if (x !== null && !seen.has(x)) seen.add(x), out.push(x);
  return out;
}

interface StepParts {
  kind: StepKind;
  chain: string;
  addresses: readonly (string | null)[];
  service: LaunderingStep['service'];
  flows: readonly Flow[];
  amounts: AssetAmount[];
  size: number;
  start?: number | null;
  end?: number | null;
}

function makeStep(ix: TraceIndex, p: StepParts): LaunderingStep {
  const flows = uniqueFlows(p.flows);
  const s = span(flows);
  return finishStep(ix, p, p.start !== undefined ? p.start : s.start, p.end !== undefined ? p.end : s.end, flows.map(stepTx));
}

/** The step every detector returns, from its parts, its time span and its transactions (all of them; at most MAX_STEP_TXS listed). */
function finishStep(ix: TraceIndex, p: Omit<StepParts, 'flows'>, start: number | null, end: number | null, txs: readonly StepTx[]): LaunderingStep {
  return {
    kind: p.kind,
    rule: STEP_RULES[p.kind],
    chain: p.chain,
    addresses: uniq(p.addresses),
    service: p.service,
    start,
    end,
    sinceTheft: start !== null && ix.theftTime !== null ? start - ix.theftTime : null,
    amounts: p.amounts,
    size: p.size,
    txs: txs.slice(0, MAX_STEP_TXS),
    txCount: txs.length,
    traceId: ix.trace.id,
  };
}

const byStart = (a: LaunderingStep, b: LaunderingStep): number =>
  (a.start ?? Infinity) - (b.start ?? Infinity) || (a.addresses[0] ?? '').localeCompare(b.addresses[0] ?? '');

const cmpTime = (a: Flow, b: Flow): number => (a.time ?? 0) - (b.time ?? 0) || a.key.localeCompare(b.key);

// ------------------------------------------------------------------------------------------------
// Consolidation and fan-in: many senders into one address.

/**
 * Senders of a transfer: its `from`, and on UTXO chains (consolidation only) every source
 * address whose input its transaction spent (a multi-input sweep of several victims' coins
 * names only its first input in `from`).
 */
function sendersOf(ix: TraceIndex, f: Flow, withSourceInputs: boolean): string[] {
  const out = f.from === null ? [] : [f.from];
  if (withSourceInputs && isUtxo(f.chain)) for (const a of ix.sourceInputs.get(key2(f.chain, f.tx)) ?? []) out.push(a);
  return out;
}

function gatherings(trace: SavedTrace, ctx: StepContext, kind: 'consolidation' | 'fan-in'): LaunderingStep[] {
  const ix = indexOf(trace);
  const min = kind === 'consolidation' ? CONSOLIDATION_MIN_SENDERS : FAN_IN_MIN_SENDERS;
  const steps: LaunderingStep[] = [];
  for (const flows of ix.byTo.values()) {
    const { chain, to } = flows[0]!;
    if (to === null || isService(ctx, chain, to)) continue;
    const senders = new Map<string, bigint>();
    const used: Flow[] = [];
    const amounts = new Amounts();
    for (const f of flows) {
      const fromSource = f.hops <= CONSOLIDATION_MAX_HOPS || (f.from !== null && ix.sourceAddresses.has(key2(chain, f.from)));
      if ((kind === 'consolidation') !== fromSource) continue;
      const who = sendersOf(ix, f, kind === 'consolidation').filter((s) => s !== to);
      if (who.length === 0) continue;
      for (const s of who) senders.set(s, (senders.get(s) ?? 0n) + f.traced);
      used.push(f);
      amounts.add(f.asset, f.traced, f.key);
    }
    if (senders.size < min) continue;
    const ranked = [...senders].sort((a, b) => (a[1] > b[1] ? -1 : a[1] < b[1] ? 1 : a[0].localeCompare(b[0]))).map(([s]) => s);
    steps.push(makeStep(ix, { kind, chain, addresses: [to, ...ranked], service: serviceOf(labelOf(ctx, chain, to)), flows: used, amounts: amounts.list(), size: senders.size }));
  }
  return steps.sort(byStart);
}

/**
 * Consolidation: one address receives traced value from at least CONSOLIDATION_MIN_SENDERS
 * distinct addresses that were sources of the trace, or whose transfer is within
 * CONSOLIDATION_MAX_HOPS of a source: the thief gathering the victims' funds. On UTXO chains a
 * transaction's senders are its first input and every source input it spends. Services
 * (SERVICE_CATEGORIES) are never the gathering address. Size: the senders.
 */
export const detectConsolidation: StepDetector = (trace, ctx = NO_CONTEXT) => gatherings(trace, ctx, 'consolidation');

/**
 * Fan-in: the same later on the path: at least FAN_IN_MIN_SENDERS distinct traced senders into
 * one address, counting only transfers that are not from a source (nor within the first hop).
 * No time window: merging wallets may wait days between their sends. Size: the senders.
 */
export const detectFanIn: StepDetector = (trace, ctx = NO_CONTEXT) => gatherings(trace, ctx, 'fan-in');

// ------------------------------------------------------------------------------------------------
// Fan-out: one address to many within a window.

/**
 * Fan-out: one address sends traced value to at least FAN_OUT_MIN_RECIPIENTS distinct addresses
 * (itself excluded: change back to it is not a recipient) within FAN_OUT_WINDOW seconds.
 * Overlapping qualifying windows make one step, so a long burst is one fan-out. Transfers
 * without a time are left out. Services are never the fanning address. Size: the recipients.
 */
export const detectFanOut: StepDetector = (trace, ctx = NO_CONTEXT) => {
  const ix = indexOf(trace);
  const steps: LaunderingStep[] = [];
  for (const all of ix.byFrom.values()) {
    const { chain, from } = all[0]!;
    if (from === null || isService(ctx, chain, from)) continue;
    const out = all.filter((f) => f.to !== null && f.to !== from && f.time !== null).sort(cmpTime);
    if (out.length < FAN_OUT_MIN_RECIPIENTS) continue;
    // Sliding window over time; merged runs of qualifying windows, by index.
    const runs: [number, number][] = [];
    const count = new Map<string, number>();
    let lo = 0;
    for (let hi = 0; hi < out.length; hi++) {
      const to = out[hi]!.to!;
      count.set(to, (count.get(to) ?? 0) + 1);
      while (out[hi]!.time! - out[lo]!.time! > FAN_OUT_WINDOW) {
        const gone = out[lo]!.to!;
        const n = count.get(gone)! - 1;
        if (n === 0) count.delete(gone);
        else count.set(gone, n);
        lo++;
      }
      if (count.size < FAN_OUT_MIN_RECIPIENTS) continue;
      const last = runs[runs.length - 1];
      if (last && lo <= last[1]) last[1] = hi;
      else runs.push([lo, hi]);
    }
    for (const [a, b] of runs) {
      const used = out.slice(a, b + 1);
      const amounts = new Amounts();
      const recipients = new Map<string, bigint>();
      for (const f of used) {
        amounts.add(f.asset, f.traced, f.key);
        recipients.set(f.to!, (recipients.get(f.to!) ?? 0n) + f.traced);
      }
      const ranked = [...recipients].sort((x, y) => (x[1] > y[1] ? -1 : x[1] < y[1] ? 1 : x[0].localeCompare(y[0]))).map(([r]) => r);
      steps.push(makeStep(ix, { kind: 'fan-out', chain, addresses: [from, ...ranked], service: serviceOf(labelOf(ctx, chain, from)), flows: used, amounts: amounts.list(), size: recipients.size }));
    }
  }
  return steps.sort(byStart);
};

// ------------------------------------------------------------------------------------------------
// Peel chains.

/** One link of a peel chain: an address (account chains) or a transaction (UTXO). */
export interface PeelLink {
  readonly chain: string;
  /** The link's address (UTXO: the transaction's first input address). */
  readonly address: string | null;
  /** UTXO: the link's transaction; account chains: null. */
  readonly tx: string | null;
  /** Traced value it received (UTXO: its traced outputs in all, after the fee). */
  readonly received: bigint;
  /** To the next link (the last link: its largest traced outflow). */
  readonly passedOn: bigint;
  /** Everything else it sent on: the peel. */
  readonly paidOut: bigint;
  /** The transfers that passed value on, and those that paid it out. */
  readonly passOn: readonly StepTx[];
  readonly payouts: readonly StepTx[];
}

export interface PeelChain {
  readonly chain: string;
  readonly asset: AssetRef;
  readonly links: readonly PeelLink[];
}

/** A candidate link and the flows it sent, split into the largest part (by recipient) and the rest. */
interface PeelNode {
  readonly id: string;
  readonly chain: string;
  readonly address: string | null;
  readonly tx: string | null;
  readonly asset: AssetRef;
  readonly received: bigint;
  readonly main: Flow[];
  readonly rest: Flow[];
  /** Set when the node is a peel link: the id of the next link. */
  readonly next: string | null;
  readonly time: number | null;
}

const sum = (fs: readonly Flow[]): bigint => fs.reduce((s, f) => s + f.traced, 0n);

/** Splits outflows by recipient into the largest part (strictly larger than any other) and the rest; null when there is no single largest part. */
function splitLargest(out: readonly Flow[], self: string | null): { main: Flow[]; rest: Flow[] } | null {
  const byTo = new Map<string, Flow[]>();
  for (const f of out) if (f.to !== null && f.to !== self) push(byTo, f.to, f);
  let best: string | null = null;
  let bestSum = -1n;
  let second = -1n;
  for (const [to, fs] of byTo) {
    const s = sum(fs);
    if (s > bestSum) {
      second = bestSum;
      bestSum = s;
      best = to;
    } else if (s > second) second = s;
  }
  if (best === null || bestSum === second) return null;
  return { main: byTo.get(best)!, rest: out.filter((f) => f.to !== best) };
}

/** Account-chain nodes: one per (address, asset) that sent traced value. */
function accountNodes(ix: TraceIndex, ctx: StepContext): Map<string, PeelNode> {
  const nodes = new Map<string, PeelNode>();
  for (const all of ix.byFrom.values()) {
    const { chain, from } = all[0]!;
    if (from === null || !isAccount(chain) || isService(ctx, chain, from)) continue;
    const byAsset = new Map<string, Flow[]>();
    for (const f of all) push(byAsset, f.assetKey, f);
    for (const [assetKey, out] of byAsset) {
      const asset = out[0]!.asset;
      const into = (ix.byTo.get(key2(chain, from)) ?? []).filter((f) => f.assetKey === assetKey && f.from !== from);
      const received = sum(into) + (ix.sourced.get(key2(chain, from))?.get(assetKey) ?? 0n);
      const split = splitLargest(out, from);
      const id = key3(chain, assetKey, from);
      const sent = sum(out.filter((f) => f.to !== from));
      const base = received > sent ? received : sent;
      const isLink = split !== null && split.rest.length > 0 && sum(split.main) * 100n >= PEEL_PASS_PERCENT * base;
      const s = span(out);
      nodes.set(id, {
        id,
        chain,
        address: from,
        tx: null,
        asset,
        received: base,
        main: split?.main ?? [],
        rest: split?.rest ?? out.filter((f) => f.to !== from),
        next: isLink ? key3(chain, assetKey, split.main[0]!.to!) : null,
        time: s.start,
      });
    }
  }
  // Addresses that received and sent nothing on: a chain's last link may be one (never a service:
  // a chain paying into an exchange ends at the address that paid).
  for (const into of ix.byTo.values()) {
    const { chain, to } = into[0]!;
    if (to === null || !isAccount(chain) || isService(ctx, chain, to)) continue;
    for (const f of into) {
      const id = key3(chain, f.assetKey, to);
      if (nodes.has(id)) continue;
      const received = sum(into.filter((x) => x.assetKey === f.assetKey));
      nodes.set(id, { id, chain, address: to, tx: null, asset: f.asset, received, main: [], rest: [], next: null, time: f.time });
    }
  }
  return nodes;
}

/**
 * UTXO nodes: one per traced transaction. Its next link is the traced transaction that spent
 * its change (its single largest traced output): a transaction the endpoints' paths show
 * spending one of its outputs, whose first input is at the change's address.
 */
function utxoNodes(ix: TraceIndex, ctx: StepContext): Map<string, PeelNode> {
  const nodes = new Map<string, PeelNode>();
  for (const outs of ix.byTx.values()) {
    const { chain, tx, from } = outs[0]!;
    if (!isUtxo(chain) || isService(ctx, chain, from)) continue;
    const received = sum(outs);
    const payable = outs.filter((f) => f.to !== null);
    // Per output, not per address: a UTXO change output is one output.
    let change: Flow | null = null;
    let tie = false;
    for (const f of payable) {
      if (!change || f.traced > change.traced) (change = f), (tie = false);
      else if (f.traced === change.traced) tie = true;
    }
    const rest = change ? outs.filter((f) => f !== change) : outs;
    let next: string | null = null;
    if (change && !tie && rest.length > 0 && change.traced * 100n >= PEEL_PASS_PERCENT * received) {
      const candidates = [...(ix.spentBy.get(key2(chain, tx)) ?? [])]
        .map((q) => ix.byTx.get(key2(chain, q))?.[0])
        .filter((q): q is Flow => q !== undefined && q.tx !== tx && q.from === change!.to)
        .sort(cmpTime);
      if (candidates[0]) next = key2(chain, candidates[0].tx);
    }
    const id = key2(chain, tx);
    nodes.set(id, { id, chain, address: from, tx, asset: outs[0]!.asset, received, main: change ? [change] : [], rest, next, time: outs[0]!.time });
  }
  return nodes;
}

/** Walks the peel links from every link no other link points to; a link joins one chain only. */
function chainsOf(nodes: Map<string, PeelNode>): PeelNode[][] {
  const pointed = new Set<string>();
  for (const n of nodes.values()) if (n.next !== null) pointed.add(n.next);
  const starts = [...nodes.values()].filter((n) => n.next !== null && !pointed.has(n.id)).sort((a, b) => (a.time ?? 0) - (b.time ?? 0) || a.id.localeCompare(b.id));
  const claimed = new Set<string>();
  const chains: PeelNode[][] = [];
  for (const s of starts) {
    const links: PeelNode[] = [s];
    claimed.add(s.id);
    for (let cur = s; cur.next !== null; ) {
      const n = nodes.get(cur.next);
      if (!n) break;
      if (n.next !== null) {
        if (claimed.has(n.id)) break;
        claimed.add(n.id);
        links.push(n);
        cur = n;
      } else {
        links.push(n); // the last link: it received the change and did not peel on (or nothing followed)
        break;
      }
    }
    chains.push(links);
  }
  return chains;
}

/**
 * Every peel chain of the trace, link by link with what each received, passed on and paid out
 * (the structure behind detectPeelChains' steps; also what a storyline draws as one path).
 */
export function findPeelChains(trace: SavedTrace, ctx: StepContext = NO_CONTEXT): PeelChain[] {
  const ix = indexOf(trace);
  const nodes = new Map([...accountNodes(ix, ctx), ...utxoNodes(ix, ctx)]);
  return chainsOf(nodes)
    .filter((links) => links.length >= PEEL_MIN_LINKS)
    .map((links) => ({
      chain: links[0]!.chain,
      asset: links[0]!.asset,
      links: links.map((n) => ({
        chain: n.chain,
        address: n.address,
        tx: n.tx,
        received: n.received,
        passedOn: sum(n.main),
        paidOut: sum(n.rest),
        passOn: n.main.map(stepTx),
        payouts: n.rest.map(stepTx),
      })),
    }));
}

/**
 * Peel chain: at least PEEL_MIN_LINKS consecutive links a0 → a1 → … where each link but the
 * last passes at least PEEL_PASS_PERCENT% of the traced value it received to the next link and
 * pays a smaller, non-zero part to other addresses; the last link is the one that received the
 * last change (what it does with it is its own business), unless it is a service (SERVICE_CATEGORIES):
 * a chain paying its last change into an exchange ends at the address that paid. Account chains: links are addresses,
 * per asset, and an address's parts are summed by recipient. UTXO chains: links are
 * transactions; a link's largest traced output (strictly larger than each other) is the change,
 * and the next link is the transaction spending it (endpoint paths) from the change's address.
 * Size: the links. Amounts: what the first link received. Transactions: each link's pass-on
 * then its payouts, in chain order.
 */
export const detectPeelChains: StepDetector = (trace, ctx = NO_CONTEXT) => {
  const ix = indexOf(trace);
  const steps = findPeelChains(trace, ctx).map((pc) => {
    const flows = pc.links.flatMap((l) => [...l.passOn, ...l.payouts]);
    const first = pc.links[0]!;
    return makeStepFromTxs(ix, {
      kind: 'peel-chain',
      chain: pc.chain,
      addresses: pc.links.flatMap((l) => [l.address, ...(l.tx === null ? [] : l.passOn.map((t) => t.to))]),
      service: null,
      txs: flows,
      amounts: [{ asset: pc.asset, amount: first.received.toString() }],
      size: pc.links.length,
    });
  });
  return steps.sort(byStart);
};

/** A step from StepTx rows (peel chains keep their own order: pass-on, then payouts, link by link). */
function makeStepFromTxs(ix: TraceIndex, p: Omit<StepParts, 'flows'> & { txs: readonly StepTx[] }): LaunderingStep {
  let start: number | null = null;
  let end: number | null = null;
  for (const t of p.txs) {
    if (t.time === null) continue;
    if (start === null || t.time < start) start = t.time;
    if (end === null || t.time > end) end = t.time;
  }
  return finishStep(ix, p, start, end, p.txs);
}

// ------------------------------------------------------------------------------------------------
// Services: links crossed and labelled addresses reached.

/** One piece of evidence of a service use, grouped later by service and time. */
interface Entry {
  readonly chain: string;
  /** The service's name when labelled, else its address, else the link. */
  readonly group: string;
  readonly service: LaunderingStep['service'];
  /** The service-side address (a deposit address, a bridge contract), and the senders. */
  readonly serviceAddress: string | null;
  readonly senders: readonly (string | null)[];
  readonly time: number | null;
  readonly flows: readonly Flow[];
  readonly parts: readonly { once: string; asset: AssetRef; amount: bigint }[];
}

/** Flows of a link's end: the traced transfers of its tx (and output or transfer, when it names one). */
function flowsAt(ix: TraceIndex, ref: TransferRef): Flow[] {
  const chain = chainId(ref.chain);
  const all = ix.byTx.get(key2(chain, txId(chain, ref.tx))) ?? [];
  return ref.ref === undefined ? all : all.filter((f) => f.ref === ref.ref);
}

/**
 * The links of the given kinds the trace's value went through: those it crossed (unless the
 * case has since set them other than confirmed), and the case's confirmed links whose `from`
 * transfer carried traced value although the trace did not cross them (it ran before they were
 * confirmed, or did not follow their chain).
 */
function linkEntries(ix: TraceIndex, ctx: StepContext, kind: 'swap' | 'bridge' | 'exchange'): Entry[] {
  const caseLinks = new Map(ctx.links.map((l) => [l.id, l]));
  const uses: { id: number; from: TransferRef; to: TransferRef; tracedOut: bigint | null }[] = [];
  const crossed = new Set<number>();
  for (const l of ix.trace.result.links) {
    crossed.add(l.linkId);
    const c = caseLinks.get(l.linkId);
    if (c && c.status !== 'confirmed') continue;
    if ((c?.kind ?? l.kind) !== kind) continue;
    uses.push({ id: l.linkId, from: l.from, to: l.to, tracedOut: BigInt(l.tracedOut) });
  }
  for (const c of ctx.links) {
    if (crossed.has(c.id) || c.status !== 'confirmed' || c.kind !== kind) continue;
    if (flowsAt(ix, c.from).length > 0) uses.push({ id: c.id, from: c.from, to: c.to, tracedOut: null });
  }
  return uses.map((u) => {
    const ins = flowsAt(ix, u.from);
    const outs = flowsAt(ix, u.to);
    const chain = ins[0]?.chain ?? chainId(u.from.chain);
    // The service's address on the way in (the swap's vault, the bridge's lock contract, the exchange deposit).
    const serviceAddress = ins.find((f) => f.to !== null)?.to ?? null;
    const label = labelOf(ctx, chain, serviceAddress);
    // The value in is what the listed from transfers carried (fallen outside the list: its asset is unknown, not counted);
    // the value out is what the trace says the link carried on (a case link it did not cross: nothing).
    const parts = ins.map((f) => ({ once: f.key, asset: f.asset, amount: f.traced }));
    if (u.tracedOut !== null && outs[0]) parts.push({ once: `link-out${SEP}${u.id}`, asset: outs[0].asset, amount: u.tracedOut });
    const { start } = span([...ins, ...outs]);
    return {
      chain,
      group: label?.name ?? serviceAddress ?? `link ${u.id}`,
      service: serviceOf(label),
      serviceAddress,
      senders: ins.map((f) => f.from),
      time: start,
      flows: [...ins, ...outs],
      parts,
    };
  });
}

/**
 * Labelled addresses of the given categories that traced value reached: stop endpoints of
 * those categories, and recipients the lookup labels so, reached from an address not of those
 * categories (the first address of the service on the path; the service's own internal moves
 * are not a new use). One entry per transfer in; an address reached only as an endpoint (its
 * transfers cut from the list) is one entry with the endpoint's amounts.
 */
function labelEntries(ix: TraceIndex, ctx: StepContext, categories: ReadonlySet<string>): Entry[] {
  const entries: Entry[] = [];
  const stops = new Map<string, TraceEndpoint[]>();
  for (const e of ix.trace.result.endpoints) if (e.reason === 'stop' && e.address !== null && e.category !== null && categories.has(e.category)) push(stops, key2(e.chain, e.address), e);
  const reached = new Set<string>(stops.keys());
  for (const [k, flows] of ix.byTo) {
    const { chain, to } = flows[0]!;
    const l = labelOf(ctx, chain, to);
    if (l && categories.has(l.category)) reached.add(k);
  }
  for (const k of reached) {
    const eps = stops.get(k) ?? [];
    const first = ix.byTo.get(k)?.[0];
    const chain = first?.chain ?? eps[0]!.chain;
    const address = first?.to ?? eps[0]!.address!;
    const l = labelOf(ctx, chain, address);
    const named = l && categories.has(l.category) ? l : null;
    const ep = eps.find((e) => e.label !== null);
    const service = named ? serviceOf(named) : ep ? { name: ep.label!, category: ep.category! } : serviceOf(l);
    const group = service?.name ?? address;
    const inflows = (ix.byTo.get(k) ?? []).filter((f) => {
      const s = labelOf(ctx, chain, f.from);
      return f.from !== address && !(s && categories.has(s.category));
    });
    if (inflows.length === 0 && eps.length === 0) continue;
    for (const f of inflows) {
      entries.push({ chain, group, service, serviceAddress: address, senders: [f.from], time: f.time, flows: [f], parts: [{ once: f.key, asset: f.asset, amount: f.traced }] });
    }
    if (inflows.length === 0) {
      entries.push({
        chain,
        group,
        service,
        serviceAddress: address,
        senders: [],
        time: eps.reduce<number | null>((t, e) => (e.firstTime !== null && (t === null || e.firstTime < t) ? e.firstTime : t), null),
        flows: [],
        parts: eps.map((e) => ({ once: `endpoint${SEP}${k}${SEP}${e.asset.id}`, asset: assetRef(e.asset), amount: BigInt(e.amount) })),
      });
    }
  }
  return entries;
}

/**
 * Service steps from entries: grouped by chain and service, then split where uses are more
 * than SERVICE_BURST_GAP apart. Size: the distinct service-side addresses.
 */
function serviceSteps(ix: TraceIndex, kind: StepKind, entries: readonly Entry[]): LaunderingStep[] {
  const groups = new Map<string, Entry[]>();
  for (const e of entries) push(groups, key2(e.chain, e.group), e);
  const steps: LaunderingStep[] = [];
  for (const list of groups.values()) {
    list.sort((a, b) => (a.time ?? Infinity) - (b.time ?? Infinity) || (a.flows[0]?.key ?? '').localeCompare(b.flows[0]?.key ?? ''));
    let burst: Entry[] = [];
    const flush = (): void => {
      if (burst.length === 0) return;
      const amounts = new Amounts();
      for (const e of burst) for (const p of e.parts) amounts.add(p.asset, p.amount, p.once);
      const flows = burst.flatMap((e) => e.flows).sort(cmpTime);
      const s = span(flows);
      let start = s.start;
      let end = s.end;
      for (const e of burst) {
        if (e.time === null) continue;
        if (start === null || e.time < start) start = e.time;
        if (end === null || e.time > end) end = e.time;
      }
      const serviceAddresses = uniq(burst.map((e) => e.serviceAddress));
      steps.push(
        makeStep(ix, {
          kind,
          chain: burst[0]!.chain,
          addresses: [...serviceAddresses, ...burst.flatMap((e) => e.senders)],
          service: burst.find((e) => e.service !== null)?.service ?? null,
          flows,
          amounts: amounts.list(),
          size: Math.max(1, serviceAddresses.length),
          start,
          end,
        }),
      );
      burst = [];
    };
    let last: number | null = null;
    for (const e of list) {
      if (burst.length > 0 && e.time !== null && last !== null && e.time - last > SERVICE_BURST_GAP) flush();
      burst.push(e);
      if (e.time !== null) last = last === null ? e.time : Math.max(last, e.time);
    }
    flush();
  }
  return steps.sort(byStart);
}

/**
 * Account chains: an address that receives traced value in one asset and, within
 * SWAP_ASSET_WINDOW after, sends traced value in another asset that it had not received that
 * much of (what it sends of the second asset is more than it received of it, sources included):
 * value changed asset there (a same-chain swap the trace followed through a link). Skipped when
 * the trace lists only part of its transfers, where missing inflows would look like new value.
 */
function assetChangeEntries(ix: TraceIndex, ctx: StepContext): Entry[] {
  if (!ix.complete) return [];
  const entries: Entry[] = [];
  const addresses = new Set<string>([...ix.byFrom.keys()].filter((k) => ix.byTo.has(k)));
  for (const k of addresses) {
    const outs = ix.byFrom.get(k)!;
    const { chain, from: address } = outs[0]!;
    if (!isAccount(chain) || address === null) continue;
    const ins = ix.byTo.get(k)!.filter((f) => f.from !== address);
    const events = [...ins.map((f) => ({ f, inflow: true })), ...outs.filter((f) => f.to !== address).map((f) => ({ f, inflow: false }))]
      .filter((e) => e.f.time !== null)
      .sort((a, b) => a.f.time! - b.f.time! || (a.inflow === b.inflow ? 0 : a.inflow ? -1 : 1) || a.f.key.localeCompare(b.f.key));
    const received = new Map<string, bigint>(ix.sourced.get(k) ?? []);
    const sent = new Map<string, bigint>();
    // Per asset: the inflows not yet taken into a swap, oldest first, and the last arrival.
    const waiting = new Map<string, Flow[]>();
    const lastIn = new Map<string, number>();
    for (const { f, inflow } of events) {
      const t = f.time!;
      if (inflow) {
        addTo(received, f.assetKey, f.traced);
        push(waiting, f.assetKey, f);
        lastIn.set(f.assetKey, t);
        continue;
      }
      addTo(sent, f.assetKey, f.traced);
      if ((sent.get(f.assetKey) ?? 0n) <= (received.get(f.assetKey) ?? 0n)) continue;
      if (![...lastIn].some(([a, at]) => a !== f.assetKey && at >= t - SWAP_ASSET_WINDOW)) continue;
      const swapped: Flow[] = [];
      for (const [a, queue] of waiting) {
        if (a === f.assetKey) continue;
        for (const i of queue) if (i.time! >= t - SWAP_ASSET_WINDOW) swapped.push(i);
        queue.length = 0;
      }
      swapped.sort(cmpTime);
      const label = labelOf(ctx, chain, address);
      entries.push({
        chain,
        group: label?.name ?? address,
        service: serviceOf(label),
        serviceAddress: address,
        senders: swapped.map((i) => i.from),
        time: swapped[0]?.time ?? t,
        flows: [...swapped, f],
        parts: [...swapped, f].map((x) => ({ once: x.key, asset: x.asset, amount: x.traced })),
      });
    }
  }
  return entries;
}

/**
 * Swap: a confirmed swap link the trace crossed (or whose value in the trace carried), traced
 * value reaching an address labelled defi_dex or defi (SWAP_CATEGORIES), or on account chains an
 * address receiving one asset and sending on another within SWAP_ASSET_WINDOW (see
 * assetChangeEntries). Grouped by service (its label, else its address) and split where uses
 * are more than SERVICE_BURST_GAP apart. Amounts: the value in, and for links the value out.
 */
export const detectSwaps: StepDetector = (trace, ctx = NO_CONTEXT) => {
  const ix = indexOf(trace);
  return serviceSteps(ix, 'swap', [...linkEntries(ix, ctx, 'swap'), ...labelEntries(ix, ctx, SWAP_CATEGORIES), ...assetChangeEntries(ix, ctx)]);
};

/** Bridge: a confirmed bridge link crossed (or carrying traced value), or traced value reaching a bridge-labelled address; grouped as swaps are. */
export const detectBridges: StepDetector = (trace, ctx = NO_CONTEXT) => {
  const ix = indexOf(trace);
  return serviceSteps(ix, 'bridge', [...linkEntries(ix, ctx, 'bridge'), ...labelEntries(ix, ctx, BRIDGE_CATEGORIES)]);
};

/** Mixer: traced value reaching a mixing_service-labelled address (a stop endpoint of that category, or a labelled recipient). */
export const detectMixers: StepDetector = (trace, ctx = NO_CONTEXT) => {
  const ix = indexOf(trace);
  return serviceSteps(ix, 'mixer', labelEntries(ix, ctx, MIXER_CATEGORIES));
};

/**
 * Exchange deposit: traced value ending at an exchange-labelled address: a stop endpoint of
 * category exchange, or (a trace that did not stop at exchanges) a labelled exchange address
 * reached from a non-exchange address. Grouped by exchange (the label: the service) per chain
 * and split by SERVICE_BURST_GAP. Size: the deposit addresses.
 */
export const detectExchangeDeposits: StepDetector = (trace, ctx = NO_CONTEXT) => {
  const ix = indexOf(trace);
  return serviceSteps(ix, 'exchange-deposit', labelEntries(ix, ctx, EXCHANGE_CATEGORIES));
};

/** Exchange hop: a confirmed exchange link (in at one exchange, out as another asset or chain) the value went through. */
export const detectExchangeHops: StepDetector = (trace, ctx = NO_CONTEXT) => {
  const ix = indexOf(trace);
  return serviceSteps(ix, 'exchange-hop', linkEntries(ix, ctx, 'exchange'));
};

/**
 * CoinJoin: a traced transaction on a UTXO chain that the lookup `isCoinJoin` (Cairn's CoinJoin
 * detector) recognises. One step per transaction; amounts: its traced outputs; size: the
 * distinct addresses they went to; service: a mixing service among its recipients, if labelled.
 */
export const detectCoinJoins: StepDetector = (trace, ctx = NO_CONTEXT) => {
  const ix = indexOf(trace);
  const steps: LaunderingStep[] = [];
  for (const outs of ix.byTx.values()) {
    const { chain, tx, from } = outs[0]!;
    if (!isUtxo(chain)) continue;
    if (!ctx.lookups.isCoinJoin(chain, tx)) continue;
    const amounts = new Amounts();
    for (const f of outs) amounts.add(f.asset, f.traced, f.key);
    const recipients = uniq(outs.map((f) => f.to));
    const mixer = recipients.map((a) => labelOf(ctx, chain, a)).find((l) => l !== null && MIXER_CATEGORIES.has(l.category)) ?? null;
    steps.push(makeStep(ix, { kind: 'coinjoin', chain, addresses: [from, ...recipients], service: serviceOf(mixer), flows: [...outs].sort(cmpTime), amounts: amounts.list(), size: recipients.length }));
  }
  return steps.sort(byStart);
};

// ------------------------------------------------------------------------------------------------
// Dormancy.

/**
 * Dormancy: traced value rests at least DORMANCY_MIN_SECONDS at an address: from the first
 * traced arrival after its previous traced outflow (or its first arrival) to its next traced
 * outflow, per asset. Amounts: what arrived at least DORMANCY_MIN_SECONDS before that outflow
 * (the value that truly rested that long); size: the gap in seconds; transactions: those
 * arrivals and the outflows at the end of the gap. Value still resting at the end of the trace
 * is an endpoint, not a dormancy step. Services are never the resting address.
 */
export const detectDormancy: StepDetector = (trace, ctx = NO_CONTEXT) => {
  const ix = indexOf(trace);
  const steps: LaunderingStep[] = [];
  const addresses = new Set<string>([...ix.byFrom.keys()].filter((k) => ix.byTo.has(k)));
  for (const k of addresses) {
    const outsAll = ix.byFrom.get(k)!;
    const { chain, from: address } = outsAll[0]!;
    if (address === null || isService(ctx, chain, address)) continue;
    const perAsset = new Map<string, { f: Flow; inflow: boolean }[]>();
    for (const f of ix.byTo.get(k)!) if (f.time !== null && f.from !== address) push(perAsset, f.assetKey, { f, inflow: true });
    for (const f of outsAll) if (f.time !== null && f.to !== address) push(perAsset, f.assetKey, { f, inflow: false });
    for (const events of perAsset.values()) {
      // Same second: outflows first (they end the rest before), then arrivals.
      events.sort((a, b) => a.f.time! - b.f.time! || (a.inflow === b.inflow ? 0 : a.inflow ? 1 : -1) || a.f.key.localeCompare(b.f.key));
      let pending: Flow[] = [];
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        if (e.inflow) {
          pending.push(e.f);
          continue;
        }
        const t = e.f.time!;
        const outs: Flow[] = [e.f];
        while (i + 1 < events.length && !events[i + 1]!.inflow && events[i + 1]!.f.time === t) outs.push(events[++i]!.f);
        const arrived = pending[0]?.time ?? null;
        if (arrived !== null && t - arrived >= DORMANCY_MIN_SECONDS) {
          const rested = pending.filter((p) => t - p.time! >= DORMANCY_MIN_SECONDS);
          const amounts = new Amounts();
          for (const p of rested) amounts.add(p.asset, p.traced, p.key);
          steps.push(
            makeStep(ix, { kind: 'dormancy', chain, addresses: [address], service: null, flows: [...rested, ...outs], amounts: amounts.list(), size: t - arrived, start: arrived, end: t }),
          );
        }
        pending = [];
      }
    }
  }
  return steps.sort(byStart);
};

// ------------------------------------------------------------------------------------------------

/** Every detector, by the kind it finds. */
export const STEP_DETECTORS: Readonly<Record<StepKind, StepDetector>> = {
  consolidation: detectConsolidation,
  'fan-out': detectFanOut,
  'fan-in': detectFanIn,
  'peel-chain': detectPeelChains,
  swap: detectSwaps,
  bridge: detectBridges,
  mixer: detectMixers,
  coinjoin: detectCoinJoins,
  'exchange-deposit': detectExchangeDeposits,
  'exchange-hop': detectExchangeHops,
  dormancy: detectDormancy,
};

/** The fewest hops from a source at which the trace carried any of the step's transactions (null: none listed). */
export function stepHops(trace: SavedTrace, step: LaunderingStep): number | null {
  const ix = indexOf(trace);
  let best: number | null = null;
  for (const t of step.txs) for (const f of ix.byTx.get(key2(t.chain, t.tx)) ?? []) if (best === null || f.hops < best) best = f.hops;
  return best;
}

/** The time of the trace's first source transfer: its theft. */
export const theftTimeOf = (trace: SavedTrace): number | null => indexOf(trace).theftTime;
