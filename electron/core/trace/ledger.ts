/**
 * Taint on account chains (Ethereum, Tron, tokens): each (address, asset) keeps a ledger of the
 * value it holds, in the order it arrived, and every transfer out takes its share of the taint
 * by the method chosen. All arithmetic is in bigint base units.
 *
 * - **FIFO** (Clayton's Case, the legal default): value leaves in the order it came in. The
 *   ledger is a queue of lots, each tainted or clean; an incoming transfer that is partly tainted
 *   becomes a tainted lot then a clean one (the taint first, the conservative order within one
 *   transfer). Lossless: what leaves tainted is exactly what came in tainted, lot by lot.
 * - **Haircut**: every transfer out carries the address's tainted share at that moment,
 *   amount × tainted ÷ balance rounded down; the transfer that empties the address carries all
 *   that is left, so rounding never creates or destroys taint (the remainder waits in the
 *   address until it leaves).
 * - **Poison**: once an address has received taint, everything it sends from then on is
 *   tainted. It does not conserve value; its figures are an upper bound, never amounts to freeze.
 *
 * Taint that reaches a stop (an exchange, a mixer) is listed as reached and not carried on;
 * taint arriving past the hop limit is listed as at the limit. For FIFO and haircut the sources
 * then reconcile exactly: sourced = holding + reached + at the limit, per asset.
 *
 * Failed transfers move nothing. A transfer out larger than what the address is known to hold
 * means value came in before the facts in the store begin: the shortfall is counted as clean
 * value that arrived just then (never as zero value), and reported as an unknown input when the
 * address holds taint, where it changes how much of the transfer is tainted.
 * FIFO would have spent such older value first; because it arrived before everything known,
 * this only matters for the transfer that uncovers it, which takes every known lot anyway.
 *
 * Transfers must come in chain order (time, then position in the block). Hops count transfers
 * from a source: a source transfer's taint is at hop 1; taint an address sends on is one hop
 * further than the taint it holds (FIFO per lot; haircut and poison by the nearest taint the
 * address holds).
 */
export type TaintMethod = 'fifo' | 'haircut' | 'poison';

export interface LedgerTransfer {
  id: string;
  from: string | null;
  to: string | null;
  asset: string;
  amount: bigint;
  /** A failed transfer moves nothing. */
  failed: boolean;
}

export interface TaintedTransfer {
  id: string;
  from: string | null;
  to: string | null;
  asset: string;
  amount: bigint;
  tainted: bigint;
  /** Transfers from the nearest source to this one, this one included. */
  hops: number;
}

export interface UnknownInput {
  /** The transfer that sent more than its sender was known to hold. */
  transferId: string;
  address: string;
  asset: string;
  /** How much more it sent than the known balance. */
  amount: bigint;
}

export interface TaintResult {
  method: TaintMethod;
  /** Transfers that carried taint, in the order given. */
  transfers: TaintedTransfer[];
  /** Taint resting in each (address, asset) at the end, still traceable. */
  holding: Held[];
  /** Taint that reached a stop (an exchange, a mixer): where the trace ends. */
  reached: Held[];
  /** Taint that arrived past the hop limit: still moving when the trace stopped following it. */
  atLimit: Held[];
  /** Taint that stopped for any reason, by reason ("stop", "limit", "sunk" for value sent to no address, and endAt's). */
  ended: Ended[];
  unknownInputs: UnknownInput[];
  /** Taint that entered from the sources, per asset. */
  sourced: Map<string, bigint>;
}

export interface Held {
  address: string;
  asset: string;
  tainted: bigint;
  /** Nearest hop at which taint arrived. */
  hops: number;
}

export interface Ended extends Held {
  reason: string;
}

interface Lot {
  amount: bigint;
  tainted: boolean;
  hops: number;
}

interface Ledger {
  balance: bigint;
  tainted: bigint;
  /** FIFO only. */
  lots: Lot[];
  /** Poison only: the address has held taint. */
  poisoned: boolean;
  /** Nearest taint held (haircut, poison); Infinity when none. */
  hops: number;
}

const key = (address: string, asset: string): string => `${address}\u0000${asset}`;

export interface TraceOptions {
  /** Addresses where traced value stops (an exchange, a mixer): taint reaching them is reached, not carried on. */
  stopAt?: (address: string) => boolean;
  /** Taint arriving further than this many hops is not carried on: it is listed as at the limit. */
  maxHops?: number;
  /**
   * Any other reason to stop following the taint a transfer carries (it moved after the time
   * window, it is dust): the taint is listed in `ended` under that reason at the receiver.
   */
  endAt?: (t: LedgerTransfer, tainted: bigint, hops: number) => string | null;
  /**
   * Addresses whose whole history is among the transfers given. A shortfall at any other
   * address says only that its history was not loaded, so it is not reported.
   */
  tracked?: (address: string) => boolean;
  /** The hop at which a source's value enters when it is not 1 (value a cross-chain link carried on). */
  sourceHops?: ReadonlyMap<string, number>;
}

/** Adds taint to a per-(address, asset) bucket. */
function addTo(bucket: Map<string, Held>, address: string, asset: string, tainted: bigint, hops: number): void {
  const k = key(address, asset);
  const h = bucket.get(k);
  if (h) {
    h.tainted += tainted;
    h.hops = Math.min(h.hops, hops);
  } else bucket.set(k, { address, asset, tainted, hops });
}

/**
 * Runs the ledgers over `transfers` (chain order) with the stolen value in `sources`: transfer
 * id → the stolen amount it carries (capped at the transfer's amount).
 */
export function traceLedger(method: TaintMethod, transfers: Iterable<LedgerTransfer>, sources: ReadonlyMap<string, bigint>, options: TraceOptions = {}): TaintResult {
  const ledgers = new Map<string, Ledger>();
  const out: TaintedTransfer[] = [];
  const unknownInputs: UnknownInput[] = [];
  const sourced = new Map<string, bigint>();
  const ended = new Map<string, Map<string, Held>>();
  const endIn = (reason: string): Map<string, Held> => {
    let m = ended.get(reason);
    if (!m) ended.set(reason, (m = new Map()));
    return m;
  };
  const maxHops = options.maxHops ?? Infinity;
  const stops = options.stopAt ?? (() => false);
  const endAt = options.endAt ?? (() => null);
  const tracked = options.tracked ?? (() => true);
  const ledger = (address: string, asset: string): Ledger => {
    const k = key(address, asset);
    let l = ledgers.get(k);
    if (!l) ledgers.set(k, (l = { balance: 0n, tainted: 0n, lots: [], poisoned: false, hops: Infinity }));
    return l;
  };

  for (const t of transfers) {
    if (t.failed || t.amount <= 0n || (t.from !== null && t.from === t.to)) continue;
    let tainted = 0n;
    let hops = Infinity;
    // What leaves the sender, and how much of it is tainted.
    if (t.from !== null) {
      const l = ledger(t.from, t.asset);
      if (t.amount > l.balance) {
        const missing = t.amount - l.balance;
        // It matters only where taint is held: it decides how much of the transfer is tainted.
        if (tracked(t.from) && (l.tainted > 0n || l.poisoned)) unknownInputs.push({ transferId: t.id, address: t.from, asset: t.asset, amount: missing });
        if (method === 'fifo') l.lots.unshift({ amount: missing, tainted: false, hops: Infinity });
        l.balance += missing;
      }
      if (method === 'fifo') {
        let left = t.amount;
        while (left > 0n) {
          const lot = l.lots[0]!;
          const take = lot.amount <= left ? lot.amount : left;
          if (lot.tainted) {
            tainted += take;
            hops = Math.min(hops, lot.hops + 1);
          }
          lot.amount -= take;
          left -= take;
          if (lot.amount === 0n) l.lots.shift();
        }
        l.tainted -= tainted;
      } else if (method === 'haircut') {
        tainted = t.amount === l.balance ? l.tainted : (t.amount * l.tainted) / l.balance;
        if (tainted > 0n) hops = l.hops + 1;
        l.tainted -= tainted;
        if (l.tainted === 0n) l.hops = Infinity;
      } else if (l.poisoned) {
        tainted = t.amount;
        hops = l.hops + 1;
      }
      l.balance -= t.amount;
      if (method === 'poison') l.tainted = l.poisoned ? l.balance : 0n;
    }
    // Stolen value entering at this transfer, on top of any taint it already carries.
    const stolen = sources.get(t.id);
    if (stolen !== undefined && stolen > 0n) {
      const room = t.amount - tainted;
      const add = stolen < room ? stolen : room;
      if (add > 0n) {
        sourced.set(t.asset, (sourced.get(t.asset) ?? 0n) + add);
        tainted += add;
        hops = Math.min(hops, options.sourceHops?.get(t.id) ?? 1);
      }
    }
    if (tainted > 0n) out.push({ id: t.id, from: t.from, to: t.to, asset: t.asset, amount: t.amount, tainted, hops });
    // What arrives at the receiver: kept in its ledger, or reached a stop, or past the hop limit.
    if (t.to === null) {
      if (tainted > 0n) addTo(endIn(endAt(t, tainted, hops) ?? 'sunk'), '', t.asset, tainted, hops);
    } else {
      const r = ledger(t.to, t.asset);
      r.balance += t.amount;
      let kept = tainted;
      if (tainted > 0n) {
        const reason = hops > maxHops ? 'limit' : stops(t.to) ? 'stop' : endAt(t, tainted, hops);
        if (reason !== null) {
          addTo(endIn(reason), t.to, t.asset, tainted, hops);
          kept = 0n;
        }
      }
      if (method === 'fifo') {
        if (kept > 0n) r.lots.push({ amount: kept, tainted: true, hops });
        if (t.amount > kept) r.lots.push({ amount: t.amount - kept, tainted: false, hops: Infinity });
        r.tainted += kept;
      } else if (method === 'haircut') {
        r.tainted += kept;
        if (kept > 0n) r.hops = Math.min(r.hops, hops);
      } else {
        if (kept > 0n) {
          r.poisoned = true;
          r.hops = Math.min(r.hops, hops);
        }
        r.tainted = r.poisoned ? r.balance : 0n;
      }
    }
  }

  const holding: Held[] = [];
  for (const [k, l] of ledgers) {
    if (l.tainted <= 0n) continue;
    const [address, asset] = k.split('\u0000') as [string, string];
    const hops = method === 'fifo' ? Math.min(...l.lots.filter((x) => x.tainted).map((x) => x.hops)) : l.hops;
    holding.push({ address, asset, tainted: l.tainted, hops });
  }
  const endedList = [...ended].flatMap(([reason, m]) => [...m.values()].map((h) => ({ ...h, reason })));
  const of = (reason: string): Held[] => [...(ended.get(reason)?.values() ?? [])];
  return { method, transfers: out, holding, reached: of('stop'), atLimit: of('limit'), ended: endedList, unknownInputs, sourced };
}
