/**
 * Runtime schemas of traces, cross-chain links and path finding (issue 13). Amounts are decimal
 * strings in base units; a share is a ratio (0..1) for display, never used for money.
 */
import { z } from 'zod';
import { AddressText, Asset, BaseUnits, ChainId, ClusterId, Time } from './schemas';

export const TaintMethod = z.enum(['fifo', 'haircut', 'poison']);
export type TaintMethod = z.infer<typeof TaintMethod>;

/**
 * One transfer by its natural key. ref: on a UTXO chain the output index ("0"); on an account
 * chain the transfer's kind and position in its tx ("0:" the tx's own value, "1:<log index>" a
 * token transfer, "2:<trace address>" an internal call). Without ref: the whole tx.
 */
export const TransferRef = z.object({
  chain: ChainId,
  tx: z.string().trim().min(1).max(200),
  ref: z.string().trim().min(1).max(100).optional(),
});
export type TransferRef = z.infer<typeof TransferRef>;

/**
 * Where the stolen value enters. An address: everything it sent (within the trace's time
 * window) is stolen. A tx (or one of its transfers or outputs): what it moved is stolen, or
 * just `amount` of it when given.
 */
export const TraceSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('address'), chain: ChainId, address: AddressText }),
  z.object({ kind: z.literal('tx'), chain: ChainId, tx: z.string().trim().min(1).max(200), ref: z.string().trim().min(1).max(100).optional(), amount: BaseUnits.optional() }),
]);
export type TraceSource = z.infer<typeof TraceSource>;

/** Label categories a trace stops at unless told otherwise: where value changes hands to a service. */
export const DEFAULT_STOP_CATEGORIES = ['exchange', 'mixing_service', 'bridge', 'defi', 'defi_dex', 'payment_processor', 'gambling', 'sanction'] as const;

export const DecimalAmount = z.string().regex(/^(0|[1-9][0-9]*)(\.[0-9]+)?$/, 'a decimal amount such as 0.01');

export const TraceSpec = z.object({
  method: TaintMethod.default('fifo'),
  sources: z.array(TraceSource).min(1).max(10_000),
  /** Taint is followed this many transfers (UTXO: transactions) from a source. */
  maxHops: z.number().int().min(1).max(50).default(6),
  /** Unix seconds: transfers before `since` or after `until` are not followed. */
  since: Time.default(null),
  until: Time.default(null),
  /** Dust threshold in each asset's own unit (0.01 = 0.01 ETH, 0.01 USDT): smaller taint is not followed. */
  minAmount: DecimalAmount.nullable().default(null),
  /** Follow only these chains (CAIP-2); null: every chain. */
  chains: z.array(ChainId).max(50).nullable().default(null),
  stopAt: z
    .object({
      /** Label categories (TagPack names: exchange, mixing_service, bridge, …) and case tag categories. */
      categories: z.array(z.string().min(1).max(60)).max(50).default([...DEFAULT_STOP_CATEGORIES]),
      addresses: z.array(z.object({ chain: ChainId, address: AddressText })).max(10_000).default([]),
      /** A case's manual clusters: value reaching any member stops (needs the trace to run in a case). */
      clusters: z.array(ClusterId).max(1000).default([]),
      /** Unlabelled hubs (addresses with more counterparties than the store's hub threshold) stop the trace. */
      hubs: z.boolean().default(true),
    })
    .prefault({}),
});
export type TraceSpec = z.infer<typeof TraceSpec>;
export type TraceSpecInput = z.input<typeof TraceSpec>;

/**
 * Why traced value ends where it does.
 * - stop: it reached a stop rule (stopRule says which): a service, a marked address, a hub.
 * - rest: it rests at an address (or an unspent output) as far as the store knows.
 * - fee: it was paid to miners or validators.
 * - sunk: it left to no address (contract creation, burn, an OP_RETURN or unreadable output).
 * Still moving (unresolved):
 * - limit: it arrived past the hop limit.
 * - window: it moved after the time window.
 * - chain: it moved on a chain the trace does not follow.
 * - dust: it is below the dust threshold.
 */
export const EndpointReason = z.enum(['stop', 'rest', 'fee', 'sunk', 'limit', 'window', 'chain', 'dust']);
export type EndpointReason = z.infer<typeof EndpointReason>;

export const TraceEndpoint = z.object({
  chain: ChainId,
  /** Null for fees and sunk value. */
  address: z.string().nullable(),
  display: z.string().nullable(),
  label: z.string().nullable(),
  category: z.string().nullable(),
  asset: Asset,
  amount: BaseUnits,
  /** amount ÷ the value of this asset that entered the trace (from sources and confirmed links). */
  share: z.number(),
  hops: z.number().int(),
  firstTime: Time,
  lastTime: Time,
  /** Tx hashes from a source to here along the transfers that carried the most of this value. */
  path: z.array(z.string()),
  reason: EndpointReason,
  /** For reason stop: "category exchange", "address", "cluster c3", "hub". */
  stopRule: z.string().nullable(),
  /** Part of this value crossed to another chain by a confirmed link. */
  linkedOut: BaseUnits.default('0'),
});
export type TraceEndpoint = z.infer<typeof TraceEndpoint>;

/** One transfer (UTXO: one output) that carried traced value. */
export const TracedTransfer = z.object({
  chain: ChainId,
  tx: z.string(),
  ref: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  asset: Asset,
  amount: BaseUnits,
  traced: BaseUnits,
  hops: z.number().int(),
  time: Time,
});
export type TracedTransfer = z.infer<typeof TracedTransfer>;

export const ResolvedSource = z.object({
  chain: ChainId,
  tx: z.string(),
  ref: z.string(),
  from: z.string().nullable(),
  asset: Asset,
  amount: BaseUnits,
  time: Time,
});

/** Per asset: sourced + linkedIn = atRest + stopped + fees + sunk + unresolved, exactly (FIFO, haircut). */
export const TraceTotal = z.object({
  asset: Asset,
  sourced: BaseUnits,
  linkedIn: BaseUnits,
  stopped: BaseUnits,
  atRest: BaseUnits,
  fees: BaseUnits,
  sunk: BaseUnits,
  unresolved: BaseUnits,
  /** Of stopped and atRest: what confirmed links carried on to another chain (counted again there as linkedIn). */
  linkedOut: BaseUnits,
  /** True when the equation above holds (poison never conserves and says false). */
  reconciles: z.boolean(),
});

export const UnknownInputRow = z.object({
  chain: ChainId,
  tx: z.string(),
  address: z.string().nullable(),
  asset: Asset,
  /** What the store cannot account for (a lower bound for a UTXO input whose spent output is missing). */
  amount: BaseUnits,
  note: z.string(),
});

export const TraceResult = z.object({
  method: TaintMethod,
  sources: z.array(ResolvedSource),
  endpoints: z.array(TraceEndpoint),
  unresolved: z.array(TraceEndpoint),
  totals: z.array(TraceTotal),
  /** Transfers that carried traced value, the largest share of their asset first; at most 5,000 (transfersTotal says how many in all). */
  transfers: z.array(TracedTransfer),
  transfersTotal: z.number().int(),
  /** Confirmed links the trace crossed, with what each carried. */
  links: z.array(z.object({ linkId: z.number().int(), from: TransferRef, to: TransferRef, kind: z.string(), tracedIn: BaseUnits, tracedOut: BaseUnits })),
  unknownInputs: z.array(UnknownInputRow),
  /** The store's datasets the trace read: id and the SHA-256 of each source file. */
  datasets: z.array(z.object({ id: z.number().int(), format: z.string(), sha256: z.array(z.string()) })),
  addressesFollowed: z.number().int(),
});
export type TraceResult = z.infer<typeof TraceResult>;

/** A trace saved in a case: what was asked, what came out, who ran it. */
export const SavedTrace = z.object({
  id: z.number().int(),
  name: z.string(),
  spec: TraceSpec,
  result: TraceResult,
  createdAt: z.string(),
  createdBy: z.string(),
});
export type SavedTrace = z.infer<typeof SavedTrace>;
export const SavedTraceSummary = SavedTrace.omit({ result: true }).extend({ endpoints: z.number().int(), method: TaintMethod });

export const LINK_KINDS = ['bridge', 'swap', 'exchange', 'manual'] as const;
export const LinkKind = z.enum(LINK_KINDS);
export const LinkStatus = z.enum(['proposed', 'confirmed', 'rejected']);

/** A cross-chain link: value leaving on one chain (from) comes out on another (to). */
export const CrossChainLink = z.object({
  id: z.number().int(),
  from: TransferRef,
  to: TransferRef,
  kind: LinkKind,
  status: LinkStatus,
  /** Why: a bridge event, matching amounts and times, or the investigator's note. */
  evidence: z.array(z.string()),
  score: z.number().nullable(),
  note: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type CrossChainLink = z.infer<typeof CrossChainLink>;

/** How candidates are looked for: value into a swap or bridge, comparable value out on another chain. */
export const LinkSearch = z.object({
  /** Seconds after the value went in within which the value out must appear. */
  window: z.number().int().min(1).max(90 * 86400).default(6 * 3600),
  /** Relative tolerance on the value out after fees, in percent. */
  tolerancePct: z.number().min(0).max(50).default(2),
  /** The service's fee model: the percentage it keeps of the value out. */
  feePct: z.number().min(0).max(50).default(0.5),
  /**
   * Exchange rates between assets, "ETH/BTC": how many of the second one unit of the first buys
   * (decimal strings, exact). Same-symbol pairs (USDT on two chains) need none.
   */
  rates: z.record(z.string().regex(/^[A-Za-z0-9.]{1,20}\/[A-Za-z0-9.]{1,20}$/), DecimalAmount).default({}),
  /** Only value into these: transfers in (chain, tx). Null: every transfer into a labelled or marked swap or bridge that a case's traces reach. */
  from: z.array(TransferRef).max(10_000).nullable().default(null),
  /** Addresses the investigator marks as swap or bridge services, on top of the labels. */
  services: z.array(z.object({ chain: ChainId, address: AddressText })).max(1000).default([]),
  limit: z.number().int().min(1).max(1000).default(100),
});
export type LinkSearch = z.infer<typeof LinkSearch>;

export const LinkCandidate = z.object({
  from: TransferRef,
  to: TransferRef,
  kind: LinkKind,
  score: z.number(),
  reasons: z.array(z.string()),
  fromAmount: BaseUnits,
  fromAsset: Asset,
  toAmount: BaseUnits,
  toAsset: Asset,
  /** Seconds from the value in to the value out. */
  delay: z.number().int(),
});
export type LinkCandidate = z.infer<typeof LinkCandidate>;

export const PathStep = z.object({
  chain: ChainId,
  from: z.string(),
  to: z.string(),
  asset: Asset,
  /** What flowed along this step (the edge's total), exact. */
  amount: BaseUnits,
  transfers: z.number().int(),
  firstTime: Time,
  lastTime: Time,
  /** Set when the step is a confirmed cross-chain link. */
  linkId: z.number().int().nullable(),
});
export const FoundPath = z.object({
  steps: z.array(PathStep),
  hops: z.number().int(),
  /** The smallest step amount when every step is in one asset; null across assets. */
  bottleneck: BaseUnits.nullable(),
});
export type FoundPath = z.infer<typeof FoundPath>;
export const PathSearch = z.object({
  from: z.array(z.object({ chain: ChainId, address: AddressText })).min(1).max(1000),
  to: z.array(z.object({ chain: ChainId, address: AddressText })).min(1).max(1000),
  maxHops: z.number().int().min(1).max(12).default(6),
  rank: z.enum(['value', 'hops']).default('value'),
  limit: z.number().int().min(1).max(200).default(20),
});
export type PathSearch = z.infer<typeof PathSearch>;

export const TraceJob = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  phase: z.string(),
  /** Addresses and transactions followed so far, and a rough total for a progress bar (0: unknown). */
  done: z.number(),
  total: z.number(),
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
  /** When the trace ran in a case: the saved trace's id. */
  traceId: z.number().int().nullable(),
  /** The result, once done. */
  result: TraceResult.nullable(),
});
export type TraceJob = z.infer<typeof TraceJob>;

/** Value traced from a subject that reached a label category within N hops, per asset. */
export const IndirectExposureRow = z.object({
  category: z.string(),
  asset: Asset,
  amount: BaseUnits,
  share: z.number(),
  nearestHops: z.number().int(),
  counterparties: z.array(z.object({ chain: ChainId, address: z.string(), display: z.string(), label: z.string().nullable(), amount: BaseUnits, hops: z.number().int() })),
});
export type IndirectExposureRow = z.infer<typeof IndirectExposureRow>;
