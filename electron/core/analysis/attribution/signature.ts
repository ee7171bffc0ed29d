/**
 * A case's laundering signature (issue 16): every step detector (steps.ts) run over every saved
 * trace of the case, the steps found twice merged, in time order, with the services the traced
 * value reached and what was stolen. This is what the case's storyline shows, what
 * `cairn case signature CASE --json` prints and what the comparison of cases reads.
 *
 * Pure: the store is reached only through the lookups the caller passes in (labels, CoinJoins),
 * each asked at most once per address or transaction.
 */
import type { CrossChainLink, SavedTrace } from '../../../../shared/api/traceSchemas';
import { displayAddress, shortAddress } from '../../../../shared/codec/address';
import { formatUnits, groupDigits } from '../../../../shared/model/amount';
import { resolveChain } from '../../../../shared/model/chains';
import { assetKeyOf, assetRef, STEP_DETECTORS, stepHops, theftTimeOf, type ServiceLabel, type SignatureLookups, type StepContext } from './steps';
import { STEP_KINDS, type AssetAmount, type AssetRef, type CaseSignature, type LaunderingStep, type ServiceUse, type StepKind, type StepTx } from './types';

export type { ServiceLabel, SignatureLookups } from './steps';

export interface SignatureInput {
  readonly caseId: string;
  readonly caseName: string;
  readonly traces: readonly SavedTrace[];
  readonly links: readonly CrossChainLink[];
  readonly lookups: SignatureLookups;
}

const SEP = '\u0000';

/** The lookups, each question asked once. */
function memoLookups(l: SignatureLookups): SignatureLookups {
  const labels = new Map<string, ServiceLabel | null>();
  const joins = new Map<string, boolean>();
  return {
    labelOf(chain, address) {
      const k = `${chain}${SEP}${address}`;
      let v = labels.get(k);
      if (v === undefined) labels.set(k, (v = l.labelOf(chain, address)));
      return v;
    },
    isCoinJoin(chain, tx) {
      const k = `${chain}${SEP}${tx}`;
      let v = joins.get(k);
      if (v === undefined) joins.set(k, (v = l.isCoinJoin(chain, tx)));
      return v;
    },
  };
}

export function caseSignature(input: SignatureInput): CaseSignature {
  const lookups = memoLookups(input.lookups);
  const ctx: StepContext = { links: input.links, lookups };
  let theftTime: number | null = null;
  for (const t of input.traces) {
    const at = theftTimeOf(t);
    if (at !== null && (theftTime === null || at < theftTime)) theftTime = at;
  }
  const found: Found[] = [];
  for (const trace of input.traces) {
    for (const kind of STEP_KINDS) for (const step of STEP_DETECTORS[kind](trace, ctx)) found.push({ step, hops: stepHops(trace, step) });
  }
  const steps = dropSubsumed(mergeSteps(found))
    .map((f) => ({ ...f, step: { ...f.step, sinceTheft: f.step.start !== null && theftTime !== null ? f.step.start - theftTime : null } }))
    .sort(stepOrder)
    .map((f) => f.step);
  return {
    caseId: input.caseId,
    caseName: input.caseName,
    theftTime,
    steps,
    services: servicesOf(input.traces, lookups),
    stolen: stolenOf(input.traces),
    traces: input.traces.map((t) => ({ id: t.id, name: t.name, method: t.spec.method })),
  };
}

// ------------------------------------------------------------------------------------------------
// Merging: one step found twice (two traces of the case, or two rules seeing one event).

interface Found {
  step: LaunderingStep;
  /** Fewest hops from a source among the step's transactions (ties in time are put in path order). */
  hops: number | null;
}

const KIND_ORDER = new Map<StepKind, number>(STEP_KINDS.map((k, i) => [k, i]));

function stepOrder(a: Found, b: Found): number {
  return (
    (a.step.start ?? Infinity) - (b.step.start ?? Infinity) ||
    (a.hops ?? Infinity) - (b.hops ?? Infinity) ||
    KIND_ORDER.get(a.step.kind)! - KIND_ORDER.get(b.step.kind)! ||
    a.step.chain.localeCompare(b.step.chain) ||
    (a.step.addresses[0] ?? '').localeCompare(b.step.addresses[0] ?? '') ||
    a.step.traceId - b.step.traceId
  );
}

/** Steps centred on one address: the same address and overlapping times make one step. */
const BY_ADDRESS: ReadonlySet<StepKind> = new Set(['consolidation', 'fan-in', 'fan-out', 'dormancy']);

const txKey = (t: StepTx): string => [t.chain, t.tx, t.from ?? '', t.to ?? '', t.asset.contract ?? '', t.amount].join(SEP);

function combine(a: Found, b: Found): Found {
  const amounts = new Map<string, { asset: AssetRef; amount: bigint }>();
  for (const x of [...a.step.amounts, ...b.step.amounts]) {
    const k = assetKeyOf(x.asset);
    const v = BigInt(x.amount);
    const cur = amounts.get(k);
    // The same value seen twice: the larger figure, never the sum.
    if (!cur) amounts.set(k, { asset: x.asset, amount: v });
    else if (v > cur.amount) cur.amount = v;
  }
  const seen = new Set<string>();
  const txs = [...a.step.txs, ...b.step.txs].filter((t) => !seen.has(txKey(t)) && (seen.add(txKey(t)), true));
  const min = (x: number | null, y: number | null): number | null => (x === null ? y : y === null ? x : Math.min(x, y));
  const max = (x: number | null, y: number | null): number | null => (x === null ? y : y === null ? x : Math.max(x, y));
  return {
    step: {
      ...a.step,
      addresses: [...new Set([...a.step.addresses, ...b.step.addresses])],
      service: a.step.service ?? b.step.service,
      start: min(a.step.start, b.step.start),
      end: max(a.step.end, b.step.end),
      amounts: [...amounts.values()].map((x) => ({ asset: x.asset, amount: x.amount.toString() })),
      size: Math.max(a.step.size, b.step.size),
      txs: txs.slice(0, 50),
      txCount: Math.max(a.step.txCount, b.step.txCount, txs.length),
      traceId: Math.min(a.step.traceId, b.step.traceId),
    },
    hops: min(a.hops, b.hops),
  };
}

/**
 * Merges steps of one kind on one chain that are the same step: for steps centred on an
 * address (consolidation, fan-in, fan-out, dormancy), the same address with overlapping times;
 * for the others, a transaction in common (union-find, so a bridge seen by its link in one
 * trace and by its label in another is one step).
 */
function mergeSteps(found: readonly Found[]): Found[] {
  const out: Found[] = [];
  const byAddress = new Map<string, Found[]>();
  const rest: Found[] = [];
  for (const f of found) {
    if (BY_ADDRESS.has(f.step.kind)) {
      const k = [f.step.kind, f.step.chain, f.step.addresses[0] ?? ''].join(SEP);
      const list = byAddress.get(k);
      if (list) list.push(f);
      else byAddress.set(k, [f]);
    } else rest.push(f);
  }
  for (const list of byAddress.values()) {
    list.sort((a, b) => (a.step.start ?? Infinity) - (b.step.start ?? Infinity));
    let cur: Found | null = null;
    for (const f of list) {
      const overlaps = cur !== null && (cur.step.start === null || f.step.start === null || cur.step.end === null || f.step.start <= cur.step.end);
      if (cur && overlaps) cur = combine(cur, f);
      else {
        if (cur) out.push(cur);
        cur = f;
      }
    }
    if (cur) out.push(cur);
  }
  // Union-find over the rest by (kind, chain, tx).
  const parent = rest.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Map<string, number>();
  rest.forEach((f, i) => {
    for (const t of f.step.txs) {
      const k = [f.step.kind, f.step.chain, t.chain, t.tx].join(SEP);
      const j = owner.get(k);
      if (j === undefined) owner.set(k, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Found>();
  rest.forEach((f, i) => {
    const r = find(i);
    const g = groups.get(r);
    groups.set(r, g ? combine(g, f) : f);
  });
  return [...out, ...groups.values()];
}

/**
 * Drops a step that another kind explains with the same transactions: a fan-out whose every
 * transaction is a link of a peel chain (the chain's payouts are its "recipients") or a
 * CoinJoin (its outputs are), and an exchange deposit whose every transaction is the way into
 * an exchange hop. A step whose list
 * of transactions was cut (txCount above those listed) is kept: it cannot be shown to be covered.
 */
function dropSubsumed(found: readonly Found[]): Found[] {
  const covering = (kind: StepKind): Set<string> => new Set(found.filter((f) => f.step.kind === kind).flatMap((f) => f.step.txs.map((t) => `${t.chain}${SEP}${t.tx}`)));
  const peel = new Set([...covering('peel-chain'), ...covering('coinjoin')]);
  const hop = covering('exchange-hop');
  const covered = (f: Found, by: Set<string>): boolean => f.step.txCount === f.step.txs.length && f.step.txs.length > 0 && f.step.txs.every((t) => by.has(`${t.chain}${SEP}${t.tx}`));
  return found.filter((f) => !((f.step.kind === 'fan-out' && covered(f, peel)) || (f.step.kind === 'exchange-deposit' && covered(f, hop))));
}

// ------------------------------------------------------------------------------------------------
// Services and what was stolen.

interface PlaceAmounts {
  chain: string;
  address: string;
  label: ServiceLabel;
  hops: number;
  /** asset key → asset and amount; two figures for one place (transfers in, endpoints) take the larger. */
  amounts: Map<string, { asset: AssetRef; amount: bigint }>;
}

function maxInto(m: Map<string, { asset: AssetRef; amount: bigint }>, from: Map<string, { asset: AssetRef; amount: bigint }>): void {
  for (const [k, v] of from) {
    const cur = m.get(k);
    if (!cur) m.set(k, { ...v });
    else if (v.amount > cur.amount) cur.amount = v.amount;
  }
}

/**
 * Every labelled address the traced value reached, grouped by service (chain, name, category):
 * recipients of traced transfers the lookup labels, and endpoints (with the trace's own label
 * when the lookup has none). Per address and asset the larger of "traced in" and "ended there"
 * counts, and across traces the larger again (two traces of one theft do not double it).
 */
function servicesOf(traces: readonly SavedTrace[], lookups: SignatureLookups): ServiceUse[] {
  const places = new Map<string, PlaceAmounts>();
  for (const trace of traces) {
    const here = new Map<string, { inflow: Map<string, { asset: AssetRef; amount: bigint }>; ended: Map<string, { asset: AssetRef; amount: bigint }>; label: ServiceLabel; hops: number; chain: string; address: string }>();
    const at = (chain: string, address: string, label: ServiceLabel, hops: number) => {
      const k = `${chain}${SEP}${address}`;
      let p = here.get(k);
      if (!p) here.set(k, (p = { inflow: new Map(), ended: new Map(), label, hops, chain, address }));
      p.hops = Math.min(p.hops, hops);
      return p;
    };
    const add = (m: Map<string, { asset: AssetRef; amount: bigint }>, asset: AssetRef, amount: bigint) => {
      const k = assetKeyOf(asset);
      const cur = m.get(k);
      if (cur) cur.amount += amount;
      else m.set(k, { asset, amount });
    };
    for (const t of trace.result.transfers) {
      if (t.to === null) continue;
      const label = lookups.labelOf(t.chain, t.to);
      if (label) add(at(t.chain, t.to, label, t.hops).inflow, assetRef(t.asset), BigInt(t.traced));
    }
    for (const e of [...trace.result.endpoints, ...trace.result.unresolved]) {
      if (e.address === null) continue;
      const label = lookups.labelOf(e.chain, e.address) ?? (e.label !== null ? { name: e.label, category: e.category ?? 'other', via: 'label' as const } : null);
      if (label) add(at(e.chain, e.address, label, e.hops).ended, assetRef(e.asset), BigInt(e.amount));
    }
    for (const [k, p] of here) {
      const best = new Map<string, { asset: AssetRef; amount: bigint }>();
      maxInto(best, p.inflow);
      maxInto(best, p.ended);
      const cur = places.get(k);
      if (!cur) places.set(k, { chain: p.chain, address: p.address, label: p.label, hops: p.hops, amounts: best });
      else {
        cur.hops = Math.min(cur.hops, p.hops);
        maxInto(cur.amounts, best);
      }
    }
  }
  const services = new Map<string, { name: string; category: string; chain: string; via: ServiceLabel['via']; hops: number; addresses: string[]; amounts: Map<string, { asset: AssetRef; amount: bigint }> }>();
  for (const p of places.values()) {
    const k = [p.chain, p.label.name, p.label.category].join(SEP);
    let s = services.get(k);
    if (!s) services.set(k, (s = { name: p.label.name, category: p.label.category, chain: p.chain, via: p.label.via, hops: p.hops, addresses: [], amounts: new Map() }));
    s.hops = Math.min(s.hops, p.hops);
    s.addresses.push(p.address);
    for (const [ak, v] of p.amounts) {
      const cur = s.amounts.get(ak);
      if (cur) cur.amount += v.amount;
      else s.amounts.set(ak, { ...v });
    }
  }
  return [...services.values()]
    .sort((a, b) => a.hops - b.hops || a.name.localeCompare(b.name) || a.chain.localeCompare(b.chain))
    .map((s) => ({
      name: s.name,
      category: s.category,
      chain: s.chain,
      addresses: s.addresses.sort(),
      amounts: [...s.amounts.values()].map((x) => ({ asset: x.asset, amount: x.amount.toString() })),
      hops: s.hops,
      via: s.via,
    }));
}

/** What entered the traces from their sources, per asset; a source two traces share is counted once (its larger figure). */
function stolenOf(traces: readonly SavedTrace[]): AssetAmount[] {
  const bySource = new Map<string, { asset: AssetRef; amount: bigint }>();
  for (const t of traces) {
    for (const s of t.result.sources) {
      const asset = assetRef(s.asset);
      const k = [s.chain, s.tx, s.ref, assetKeyOf(asset)].join(SEP);
      const v = BigInt(s.amount);
      const cur = bySource.get(k);
      if (!cur) bySource.set(k, { asset, amount: v });
      else if (v > cur.amount) cur.amount = v;
    }
  }
  const total = new Map<string, { asset: AssetRef; amount: bigint }>();
  for (const x of bySource.values()) {
    const k = assetKeyOf(x.asset);
    const cur = total.get(k);
    if (cur) cur.amount += x.amount;
    else total.set(k, { ...x });
  }
  return [...total.values()].map((x) => ({ asset: x.asset, amount: x.amount.toString() }));
}

// ------------------------------------------------------------------------------------------------
// Words.

/** Decimal places shown in words; the exact figure is in the step's amounts. */
const WORD_DECIMALS = 6;

/** An amount in words: "12.5 ETH"; cut (never rounded up) to WORD_DECIMALS places, marked "~" when cut. */
export function amountWords(a: AssetAmount): string {
  const unit = a.asset.symbol ?? (a.asset.contract ? short(a.asset.chain, a.asset.contract) : 'units');
  if (a.asset.decimals === null) return `${groupDigits(a.amount)} ${a.asset.symbol ?? 'base units'}`;
  const exact = formatUnits(BigInt(a.amount), a.asset.decimals);
  const [whole, frac = ''] = exact.split('.');
  if (frac.length <= WORD_DECIMALS) return `${groupDigits(exact)} ${unit}`;
  const cut = frac.slice(0, WORD_DECIMALS).replace(/0+$/, '');
  return `~${groupDigits(cut ? `${whole}.${cut}` : whole!)} ${unit}`;
}

function short(chain: string, address: string): string {
  try {
    return shortAddress(displayAddress(chain, address));
  } catch {
    return shortAddress(address);
  }
}

function chainName(chain: string): string {
  try {
    return resolveChain(chain).name;
  } catch {
    return chain;
  }
}

/** A duration in words, rounded up: "17 h", "9 days". */
export function durationWords(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.ceil(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.ceil(seconds / 3600)} h`;
  return `${Math.ceil(seconds / 86400)} days`;
}

/** "Fan-out: 0xab…12 sent 12.5 ETH to 5 addresses within 3 h": one line for a storyline. */
export function stepWords(step: LaunderingStep): string {
  // One symbol on two chains (USDT bridged from Ethereum to Tron) is told apart by the chain.
  const symbols = step.amounts.map((a) => a.asset.symbol);
  const words = step.amounts.map((a, i) => amountWords(a) + (symbols.indexOf(a.asset.symbol) !== i || symbols.lastIndexOf(a.asset.symbol) !== i ? ` on ${chainName(a.asset.chain)}` : ''));
  const amounts = words.length === 0 ? 'traced value' : words.length <= 3 ? words.join(' and ') : `${words.slice(0, 3).join(', ')} and ${words.length - 3} more assets`;
  const who = step.addresses[0] ? short(step.chain, step.addresses[0]) : 'an address';
  const service = step.service?.name ?? who;
  const span = step.start !== null && step.end !== null ? step.end - step.start : null;
  const within = span === null ? '' : span === 0 ? ' at once' : ` within ${durationWords(span)}`;
  const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  switch (step.kind) {
    case 'consolidation':
      return `Consolidation: ${who} gathered ${amounts} from ${n(step.size, 'address', 'addresses')}${within}`;
    case 'fan-in':
      return `Fan-in: ${who} received ${amounts} from ${n(step.size, 'address', 'addresses')}${within}`;
    case 'fan-out':
      return `Fan-out: ${who} sent ${amounts} to ${n(step.size, 'address', 'addresses')}${within}`;
    case 'peel-chain':
      return `Peel chain: ${n(step.size, 'link', 'links')} from ${who} carrying ${amounts}${span === null || span === 0 ? '' : ` over ${durationWords(span)}`}`;
    case 'swap':
      return `Swap: ${amounts} through ${service}`;
    case 'bridge':
      return `Bridge: ${amounts} through ${service}`;
    case 'mixer':
      return `Mixer: ${amounts} into ${service}`;
    case 'coinjoin':
      return `CoinJoin: ${amounts} through CoinJoin ${step.txs[0] ? short(step.chain, step.txs[0].tx) : ''} to ${n(step.size, 'address', 'addresses')}`.replace('  ', ' ');
    case 'exchange-deposit':
      return `Exchange deposit: ${amounts} to ${service}${step.size > 1 ? ` at ${step.size} addresses` : ''}`;
    case 'exchange-hop':
      return `Exchange hop: ${amounts} through ${service}`;
    case 'dormancy':
      return `Dormancy: ${amounts} rested ${durationWords(step.size)} at ${who} before moving on`;
  }
}
