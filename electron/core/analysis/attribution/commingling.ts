/**
 * Commingling (issue 16): where one case's traced funds meet another case's. Elliptic's third
 * ground for tying a theft to an actor is that its proceeds were mixed with earlier heists'
 * proceeds; this finds the places the saved traces show that, with each case's exact value there.
 *
 * It reads only what the traces recorded (their traced transfers and endpoints); it never goes
 * back to the store, so a meeting beyond a trace's hop limit or stop is not seen (docs/attribution.md).
 */
import type { SavedTrace, TraceEndpoint, TracedTransfer } from '../../../../shared/api/traceSchemas';
import type { AssetAmount, AssetRef, Meeting } from './types';

/** A case's saved traces, as the comparison reads them. */
export interface CaseFlows {
  readonly caseId: string;
  readonly traces: readonly SavedTrace[];
}

/** The automatic cluster (wallet) an address belongs to, or null when it is in none. */
/** Whether an address is a service's own though unlabelled (compare.ts CompareOptions.isService). */
export type IsService = (chain: string, address: string) => boolean;

export type WalletOf = (chain: string, address: string) => string | null;

/**
 * How strong each kind of meeting is as evidence that two cases' funds were pooled, strongest
 * first. A shared exchange deposit address is the strongest: exchanges give each customer their
 * own deposit addresses, so both cases' funds were credited to one account. One address receiving
 * both comes next (someone held both cases' value there). One transaction carrying both is weaker
 * (a CoinJoin also puts unrelated parties' value in one transaction). One automatic cluster
 * receiving both at different addresses is the weakest: it rests on the clustering heuristics.
 * Where two kinds describe one address, only the stronger is listed.
 */
export const MEETING_STRENGTH: Readonly<Record<Meeting['kind'], number>> = {
  'same-deposit': 4,
  'same-address': 3,
  'same-tx': 2,
  'same-cluster': 1,
};

/** Per asset: the asset and an exact sum in base units. */
type Sums = Map<string, { asset: AssetRef; amount: bigint }>;

interface TxAt {
  readonly chain: string;
  readonly tx: string;
  readonly time: number | null;
}

/** What one transaction carried of a case's traced value. */
interface TxValue extends TxAt {
  readonly amounts: Sums;
  /** The largest single traced transfer in it (its receiver names the same-tx meeting). */
  largest: { to: string | null; traced: bigint } | null;
}

/** What one address received of a case's traced value, and the transactions that brought it. */
interface AddressValue {
  readonly chain: string;
  readonly address: string;
  readonly amounts: Sums;
  readonly txs: Map<string, TxAt>;
}

/** One case's traced value, indexed by transaction and by receiving address. */
interface CaseIndex {
  readonly caseId: string;
  readonly txs: Map<string, TxValue>;
  readonly addresses: Map<string, AddressValue>;
  /** Addresses (chain|address) where a trace stopped at an exchange: deposits. */
  readonly deposits: Set<string>;
  /** Addresses where a trace stopped at a service other than an exchange, or at an unlabelled hub. */
  readonly services: Set<string>;
}

const key = (chain: string, id: string): string => `${chain}|${id}`;

/** An asset's identity: chain and contract (the store's asset id is not compared across cases). */
export function assetKey(asset: { readonly chain: string; readonly contract: string | null }): string {
  return `${asset.chain}|${asset.contract ?? ''}`;
}

function assetRef(asset: { chain: string; contract: string | null; symbol: string | null; decimals: number | null }): AssetRef {
  return { chain: asset.chain, contract: asset.contract, symbol: asset.symbol, decimals: asset.decimals };
}

function addTo(sums: Sums, asset: AssetRef, amount: bigint): void {
  const k = assetKey(asset);
  const had = sums.get(k);
  if (had) had.amount += amount;
  else sums.set(k, { asset, amount });
}

/** Reads a base-units string from a saved trace, naming the trace when it is malformed. */
function units(text: string, where: string): bigint {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) throw new Error(`${where}: expected an amount in base units, found "${text}"`);
  return BigInt(text);
}

/** Sums as AssetAmounts in a stable order (by chain, then native before tokens). */
export function toAssetAmounts(sums: Sums): AssetAmount[] {
  return [...sums.entries()]
    .filter(([, v]) => v.amount > 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, v]) => ({ asset: v.asset, amount: v.amount.toString() }));
}

/**
 * Addresses (chain|address) where one of the case's traces stopped at a service that is not an
 * exchange deposit: a mixer, a bridge, a DEX, a marked address of that kind, or an unlabelled hub
 * (an address with more counterparties than the store's hub threshold — an exchange's hot wallet,
 * a mixer's pool). Everyone's funds meet at a service; meeting there says nothing about who sent
 * them, so such addresses are never meeting points (and compare.ts leaves them out of shared
 * addresses). An exchange deposit address stays one: it belongs to one customer.
 */
export function serviceStops(flows: CaseFlows): Set<string> {
  const out = new Set<string>();
  for (const trace of flows.traces) {
    for (const e of [...trace.result.endpoints, ...trace.result.unresolved]) {
      if (e.reason === 'stop' && e.address !== null && !isExchangeStop(e)) out.add(key(e.chain, e.address));
    }
  }
  return out;
}

/** Is this endpoint value that a trace stopped at an exchange (a deposit)? */
function isExchangeStop(e: TraceEndpoint): boolean {
  return e.reason === 'stop' && e.address !== null && (e.category === 'exchange' || e.stopRule === 'category exchange');
}

/**
 * The transfers of all a case's traces, once each. Two traces of one case often cover the same
 * flow (a re-run, FIFO beside haircut); adding them would count the value twice, so a transfer
 * (chain, tx, ref, asset) seen in several traces counts with the largest traced value any gave.
 * That is exact for re-runs and a lower bound where two traces' different sources share a transfer.
 */
function uniqueTransfers(flows: CaseFlows): { t: TracedTransfer; traced: bigint }[] {
  const best = new Map<string, { t: TracedTransfer; traced: bigint }>();
  for (const trace of flows.traces) {
    for (const t of trace.result.transfers) {
      const traced = units(t.traced, `case ${flows.caseId}, trace ${trace.id}, transfer ${t.tx}`);
      if (traced === 0n) continue;
      const k = `${t.chain}|${t.tx}|${t.ref}|${assetKey(t.asset)}`;
      const had = best.get(k);
      if (!had || traced > had.traced) best.set(k, { t, traced });
    }
  }
  return [...best.values()];
}

/**
 * Endpoint value per (address, asset): summed within a trace, the largest over traces (as for
 * transfers). Used only where the traced transfers do not show what reached an address (a
 * result keeps at most 5,000 transfers).
 */
function endpointValue(flows: CaseFlows): Map<string, { chain: string; address: string; asset: AssetRef; amount: bigint; tx: TxAt | null }> {
  const best = new Map<string, { chain: string; address: string; asset: AssetRef; amount: bigint; tx: TxAt | null }>();
  for (const trace of flows.traces) {
    const inTrace = new Map<string, { chain: string; address: string; asset: AssetRef; amount: bigint; tx: TxAt | null }>();
    for (const e of [...trace.result.endpoints, ...trace.result.unresolved]) {
      if (e.address === null) continue;
      const amount = units(e.amount, `case ${flows.caseId}, trace ${trace.id}, endpoint ${e.address}`);
      if (amount === 0n) continue;
      const asset = assetRef(e.asset);
      const k = `${key(e.chain, e.address)}|${assetKey(asset)}`;
      const last = e.path.length > 0 ? e.path[e.path.length - 1] : null;
      const had = inTrace.get(k);
      if (had) had.amount += amount;
      else inTrace.set(k, { chain: e.chain, address: e.address, asset, amount, tx: last ? { chain: e.chain, tx: last, time: e.lastTime } : null });
    }
    for (const [k, v] of inTrace) {
      const had = best.get(k);
      if (!had || v.amount > had.amount) best.set(k, v);
    }
  }
  return best;
}

function addressEntry(map: Map<string, AddressValue>, chain: string, address: string): AddressValue {
  const k = key(chain, address);
  let v = map.get(k);
  if (!v) {
    v = { chain, address, amounts: new Map(), txs: new Map() };
    map.set(k, v);
  }
  return v;
}

/** Indexes one case's traced value by transaction and receiving address. */
function indexCase(flows: CaseFlows): CaseIndex {
  const txs = new Map<string, TxValue>();
  const addresses = new Map<string, AddressValue>();
  for (const { t, traced } of uniqueTransfers(flows)) {
    const asset = assetRef(t.asset);
    const tk = key(t.chain, t.tx);
    let tv = txs.get(tk);
    if (!tv) {
      tv = { chain: t.chain, tx: t.tx, time: t.time, amounts: new Map(), largest: null };
      txs.set(tk, tv);
    }
    addTo(tv.amounts, asset, traced);
    if (!tv.largest || traced > tv.largest.traced || (traced === tv.largest.traced && (t.to ?? '') < (tv.largest.to ?? ''))) {
      tv.largest = { to: t.to, traced };
    }
    if (t.to !== null) {
      const av = addressEntry(addresses, t.chain, t.to);
      addTo(av.amounts, asset, traced);
      av.txs.set(t.tx, { chain: t.chain, tx: t.tx, time: t.time });
    }
  }
  for (const e of endpointValue(flows).values()) {
    const av = addressEntry(addresses, e.chain, e.address);
    if (av.amounts.has(assetKey(e.asset))) continue; // the transfers already show it
    addTo(av.amounts, e.asset, e.amount);
    if (e.tx) av.txs.set(e.tx.tx, e.tx);
  }
  const deposits = new Set<string>();
  for (const trace of flows.traces) {
    for (const e of trace.result.endpoints) if (isExchangeStop(e)) deposits.add(key(e.chain, e.address as string));
  }
  return { caseId: flows.caseId, txs, addresses, deposits, services: serviceStops(flows) };
}

/** Transaction hashes in time order (unknown times last), then by hash; each once. */
function orderedTxs(...groups: Iterable<TxAt>[]): string[] {
  const all = new Map<string, TxAt>();
  for (const g of groups) for (const t of g) if (!all.has(t.tx)) all.set(t.tx, t);
  return [...all.values()]
    .sort((a, b) => {
      if (a.time !== b.time) {
        if (a.time === null) return 1;
        if (b.time === null) return -1;
        return a.time - b.time;
      }
      return a.tx < b.tx ? -1 : a.tx > b.tx ? 1 : 0;
    })
    .map((t) => t.tx);
}

function mergeSums(into: Sums, from: Sums): void {
  for (const v of from.values()) addTo(into, v.asset, v.amount);
}

function meetingAmounts(a: CaseIndex, aSums: Sums, b: CaseIndex, bSums: Sums): Record<string, AssetAmount[]> {
  return { [a.caseId]: toAssetAmounts(aSums), [b.caseId]: toAssetAmounts(bSums) };
}

/**
 * Orders meetings by the value met, largest first, comparing exact sums. Value in different
 * assets has no common measure here (the tool holds no prices), so assets are compared one at a
 * time in a fixed order (by chain, native before tokens): the first asset in which two meetings
 * differ decides. Ties: the stronger kind, then chain, address, cluster and transaction.
 */
export function compareMeetings(x: Meeting, y: Meeting): number {
  const tx = meetingTotals(x);
  const ty = meetingTotals(y);
  const assets = [...new Set([...tx.keys(), ...ty.keys()])].sort();
  for (const k of assets) {
    const vx = tx.get(k) ?? 0n;
    const vy = ty.get(k) ?? 0n;
    if (vx !== vy) return vx > vy ? -1 : 1;
  }
  const s = MEETING_STRENGTH[y.kind] - MEETING_STRENGTH[x.kind];
  if (s !== 0) return s;
  const fields: (keyof Meeting)[] = ['chain', 'address', 'cluster', 'tx'];
  for (const f of fields) {
    const a = String(x[f] ?? '');
    const b = String(y[f] ?? '');
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** Per asset, every case's value at a meeting added up. */
export function meetingTotals(m: Meeting): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  for (const list of Object.values(m.amounts)) {
    for (const aa of list) totals.set(assetKey(aa.asset), (totals.get(assetKey(aa.asset)) ?? 0n) + BigInt(aa.amount));
  }
  return totals;
}

/** Calls walletOf once per address. */
function cachedWalletOf(walletOf: WalletOf): WalletOf {
  const cache = new Map<string, string | null>();
  return (chain, address) => {
    const k = key(chain, address);
    if (!cache.has(k)) cache.set(k, walletOf(chain, address));
    return cache.get(k) ?? null;
  };
}

/** Meetings between two indexed cases. */
function meetingsBetween(a: CaseIndex, b: CaseIndex, walletOf: WalletOf, isService: IsService): Meeting[] {
  const out: Meeting[] = [];
  const metDirectly = new Set<string>();
  for (const [k, av] of a.addresses) {
    const bv = b.addresses.get(k);
    if (!bv) continue;
    if (a.services.has(k) || b.services.has(k) || isService(av.chain, av.address)) continue;
    metDirectly.add(k);
    const deposit = a.deposits.has(k) || b.deposits.has(k);
    const txs = orderedTxs(av.txs.values(), bv.txs.values());
    out.push({
      kind: deposit ? 'same-deposit' : 'same-address',
      chain: av.chain,
      address: av.address,
      cluster: walletOf(av.chain, av.address),
      txs,
      tx: txs[0] ?? null,
      amounts: meetingAmounts(a, av.amounts, b, bv.amounts),
    });
  }
  for (const [k, at] of a.txs) {
    const bt = b.txs.get(k);
    if (!bt) continue;
    const la = at.largest;
    const lb = bt.largest;
    const largest = !lb || (la && (la.traced > lb.traced || (la.traced === lb.traced && (la.to ?? '') <= (lb.to ?? '')))) ? la : lb;
    out.push({
      kind: 'same-tx',
      chain: at.chain,
      address: largest?.to ?? null,
      cluster: null,
      txs: [at.tx],
      tx: at.tx,
      amounts: meetingAmounts(a, at.amounts, b, bt.amounts),
    });
  }
  out.push(...clusterMeetings(a, b, metDirectly, walletOf, isService));
  return out.sort(compareMeetings);
}

/**
 * Same-cluster meetings: one automatic cluster received both cases' value at different
 * addresses. Addresses where the cases met directly are left out (they are listed as the
 * stronger same-address or same-deposit meetings), so a cluster meets only when, without them,
 * both cases still reached it; its amounts are each case's value into those other addresses.
 */
function clusterMeetings(a: CaseIndex, b: CaseIndex, metDirectly: Set<string>, walletOf: WalletOf, isService: IsService): Meeting[] {
  // A cluster that holds a service's address (an exchange's hub and its customers' deposit
  // addresses) is the service's: two customers of one exchange do not meet there.
  const serviceClusters = new Set<string>();
  for (const c of [a, b]) {
    for (const [k, av] of c.addresses) {
      if (!(a.services.has(k) || b.services.has(k) || isService(av.chain, av.address))) continue;
      const cluster = walletOf(av.chain, av.address);
      if (cluster !== null) serviceClusters.add(key(av.chain, cluster));
    }
  }
  const byCluster = (c: CaseIndex): Map<string, { chain: string; cluster: string; members: AddressValue[] }> => {
    const m = new Map<string, { chain: string; cluster: string; members: AddressValue[] }>();
    for (const [k, av] of c.addresses) {
      if (metDirectly.has(k)) continue;
      const cluster = walletOf(av.chain, av.address);
      if (cluster === null) continue;
      const ck = key(av.chain, cluster);
      if (serviceClusters.has(ck)) continue;
      const had = m.get(ck);
      if (had) had.members.push(av);
      else m.set(ck, { chain: av.chain, cluster, members: [av] });
    }
    return m;
  };
  const ca = byCluster(a);
  const cb = byCluster(b);
  const out: Meeting[] = [];
  for (const [ck, ga] of ca) {
    const gb = cb.get(ck);
    if (!gb) continue;
    const sa: Sums = new Map();
    const sb: Sums = new Map();
    for (const av of ga.members) mergeSums(sa, av.amounts);
    for (const bv of gb.members) mergeSums(sb, bv.amounts);
    const txs = orderedTxs(...ga.members.map((m) => m.txs.values()), ...gb.members.map((m) => m.txs.values()));
    out.push({ kind: 'same-cluster', chain: ga.chain, address: null, cluster: ga.cluster, txs, tx: txs[0] ?? null, amounts: meetingAmounts(a, sa, b, sb) });
  }
  return out;
}

/**
 * Where case a's traced funds meet case b's, from their saved traces:
 * - same-deposit: an address where a trace of either case stopped at an exchange (a deposit)
 *   received both cases' value;
 * - same-address: any other address received both;
 * - same-tx: one transaction carried traced value of both (the same hash, traced value of each);
 * - same-cluster: two different addresses of one automatic cluster (walletOf) received them.
 * Each meeting gives every case's value there per asset, exact; the list is ordered by the value
 * met, largest first (compareMeetings).
 */
export function findMeetings(a: CaseFlows, b: CaseFlows, walletOf: WalletOf, isService: IsService = () => false): Meeting[] {
  if (a.caseId === b.caseId) throw new Error(`findMeetings: both sides are case ${a.caseId}; compare a case with another case`);
  const w = cachedWalletOf(walletOf);
  return meetingsBetween(indexCase(a), indexCase(b), w, isService);
}

/** The meetings of one case with each of the others (in the others' order; the case itself is skipped). */
export function meetingsFor(target: CaseFlows, others: readonly CaseFlows[], walletOf: WalletOf, isService: IsService = () => false): { caseId: string; meetings: Meeting[] }[] {
  const w = cachedWalletOf(walletOf);
  const t = indexCase(target);
  return others.filter((o) => o.caseId !== target.caseId).map((o) => ({ caseId: o.caseId, meetings: meetingsBetween(t, indexCase(o), w, isService) }));
}
